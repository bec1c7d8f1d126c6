package scanner

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/rds/auth"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/sourcegraph/conc/pool"

	"github.com/cairnsec/cairn/classifiers"
)

// Reason codes for databases Cairn could not sample. They apply to an RDS
// asset (with status ERROR when nothing could be read) and to the
// ObjectResult of the database concerned; PERMISSION_DENIED (scanner.go) marks
// a table whose SELECT was refused.
const (
	// ReasonConnectionFailed: the database did not answer (closed port,
	// unresolvable host, stopped instance, timeout while connecting).
	ReasonConnectionFailed = "CONNECTION_FAILED"
	// ReasonAuthenticationFailed: the server refused the credentials.
	ReasonAuthenticationFailed = "AUTHENTICATION_FAILED"
	// ReasonNoCredentials: no credential source is configured for the
	// database and it has no RDS-managed master secret, or the configured
	// secret could not be read.
	ReasonNoCredentials = "NO_CREDENTIALS"
	// ReasonTLSFailed: the TLS handshake or certificate verification failed,
	// or the server does not offer TLS while the configuration requires it.
	ReasonTLSFailed = "TLS_FAILED"
	// ReasonUnsupportedEngine: an engine Cairn cannot sample (Oracle, SQL
	// Server, Db2): its posture is recorded, its data is not read.
	ReasonUnsupportedEngine = "UNSUPPORTED_ENGINE"
	// ReasonColumnLimit marks a table of which only the first
	// DBOptions.MaxColumns sampleable columns were read (status PARTIAL).
	ReasonColumnLimit = "COLUMN_LIMIT"
	// ReasonTableLimit marks a database of which only the first
	// DBOptions.MaxTables tables were sampled.
	ReasonTableLimit = "TABLE_LIMIT"
)

// TLS modes of DBCredentials.TLS.
const (
	// TLSVerifyFull encrypts and verifies the server certificate chain and
	// host name (the RDS endpoint, also when connecting through a tunnel).
	TLSVerifyFull = "verify-full"
	// TLSVerifyCA encrypts and verifies the chain but not the host name.
	TLSVerifyCA = "verify-ca"
	// TLSRequire encrypts without verifying the certificate.
	TLSRequire = "require"
	// TLSDisable connects in clear text (local tests, trusted tunnels only).
	TLSDisable = "disable"
)

// DBCredentials tell Cairn how to log in to one RDS instance or Aurora
// cluster. The CLI fills them from the `databases:` key of the config file,
// keyed by the instance or cluster identifier; the yaml tags give that shape.
//
// Credential sources, first match wins: SecretARN; IAMAuth (with User, or
// the user name from SecretARN); User and Password; then the RDS-managed
// master user secret of the instance or cluster when it has one. With none
// of them the database is recorded as NO_CREDENTIALS.
type DBCredentials struct {
	// SecretARN is a Secrets Manager secret (ARN or name) whose JSON holds
	// "username" and "password", and optionally "host", "port" and "dbname"
	// (the format RDS and the Secrets Manager rotation templates use).
	SecretARN string `yaml:"secret_arn" json:"secret_arn,omitempty"`
	// IAMAuth logs in with an IAM authentication token (rds-db:connect)
	// instead of a password. It needs User (or a secret's username) and TLS.
	IAMAuth bool `yaml:"iam_auth" json:"iam_auth,omitempty"`
	// User and Password are literal credentials (prefer a secret).
	User     string `yaml:"user" json:"user,omitempty"`
	Password string `yaml:"password" json:"-"`
	// Endpoint overrides where to connect, as host:port (an SSH tunnel, a
	// bastion's port forward, RDS Proxy). TLS still verifies the RDS host name.
	Endpoint string `yaml:"endpoint" json:"endpoint,omitempty"`
	// Databases to sample; empty means every database Cairn can list.
	Databases []string `yaml:"databases" json:"databases,omitempty"`
	// TLS is verify-full (default), verify-ca, require or disable.
	TLS string `yaml:"tls" json:"tls,omitempty"`
	// CABundle is a PEM file of trusted roots, e.g. the RDS global bundle
	// (https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem).
	// Empty means the system roots.
	CABundle string `yaml:"ca_bundle" json:"ca_bundle,omitempty"`
}

// Validate checks the TLS mode, the endpoint's form and that the CA bundle
// file holds at least one certificate.
func (c DBCredentials) Validate() error {
	switch c.TLS {
	case "", TLSVerifyFull, TLSVerifyCA, TLSRequire, TLSDisable:
	default:
		return fmt.Errorf("tls %q: want verify-full, verify-ca, require or disable", c.TLS)
	}
	if c.Endpoint != "" {
		if _, _, err := splitHostPort(c.Endpoint); err != nil {
			return err
		}
	}
	if c.CABundle != "" {
		if _, err := loadCABundle(c.CABundle); err != nil {
			return err
		}
	}
	if c.Password != "" && c.User == "" {
		return errors.New("password without user")
	}
	return nil
}

// DBOptions bound and shape an RDS scan. Zero values take the defaults.
type DBOptions struct {
	// Regions to scan; empty means the config's region.
	Regions []string
	// Identifiers limits the scan to these DB instance and cluster
	// identifiers; empty means all.
	Identifiers []string
	// Databases holds the credentials per instance or cluster identifier.
	Databases map[string]DBCredentials
	// SampleRows is the rows sampled per table (default 1,000).
	SampleRows int
	// MaxTables caps the tables sampled per database (default 1,000).
	MaxTables int
	// MaxColumns caps the columns read per table (default 200).
	MaxColumns int
	// MaxValueBytes caps the bytes read of one value; the server truncates
	// (default 4,096).
	MaxValueBytes int
	// MaxTableBytes caps the bytes read per table (default 8 MiB); a table
	// cut short is PARTIAL with SAMPLE_BYTE_LIMIT.
	MaxTableBytes int64
	// MaxSnapshots caps the manual snapshots checked per instance or
	// cluster for public sharing (default 100).
	MaxSnapshots int
	// ConnectTimeout bounds one connection attempt (default 10 s).
	ConnectTimeout time.Duration
	// StatementTimeout is the server-side limit of one statement
	// (PostgreSQL statement_timeout, MySQL max_execution_time, MariaDB
	// max_statement_time; default 30 s).
	StatementTimeout time.Duration
	// LockTimeout is how long a statement waits for a lock before giving up
	// (default 5 s), so Cairn never queues behind DDL.
	LockTimeout time.Duration
	// TableTimeout bounds everything done for one table (default 2 min).
	TableTimeout time.Duration
	// DatabaseTimeout bounds the sampling of one instance or cluster
	// (default 30 min).
	DatabaseTimeout time.Duration
	// ConnectionsPerDatabase is how many tables of one database are sampled
	// at once, each on its own connection: 1 or 2 (default 2, the maximum).
	ConnectionsPerDatabase int
	// Concurrency is the instances and clusters scanned at once (default
	// 2 × cores, at least 4).
	Concurrency int
	// MaxExamples is the redacted examples kept per finding (default 3).
	MaxExamples int
	// Filter leaves instances and clusters out of this run by ARN (nil
	// scans every one).
	Filter AssetFilter
}

// Validate checks every DBCredentials entry.
func (o DBOptions) Validate() error {
	ids := make([]string, 0, len(o.Databases))
	for id := range o.Databases {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if err := o.Databases[id].Validate(); err != nil {
			return fmt.Errorf("scanner: rds: databases.%s: %w", id, err)
		}
	}
	return nil
}

func (o DBOptions) withDefaults() DBOptions {
	if o.SampleRows <= 0 {
		o.SampleRows = 1000
	}
	if o.MaxTables <= 0 {
		o.MaxTables = 1000
	}
	if o.MaxColumns <= 0 {
		o.MaxColumns = 200
	}
	if o.MaxValueBytes <= 0 {
		o.MaxValueBytes = 4096
	}
	if o.MaxTableBytes <= 0 {
		o.MaxTableBytes = 8 << 20
	}
	if o.MaxSnapshots <= 0 {
		o.MaxSnapshots = 100
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 10 * time.Second
	}
	if o.StatementTimeout <= 0 {
		o.StatementTimeout = 30 * time.Second
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = 5 * time.Second
	}
	if o.TableTimeout <= 0 {
		o.TableTimeout = 2 * time.Minute
	}
	if o.DatabaseTimeout <= 0 {
		o.DatabaseTimeout = 30 * time.Minute
	}
	if o.ConnectionsPerDatabase <= 0 || o.ConnectionsPerDatabase > 2 {
		o.ConnectionsPerDatabase = 2
	}
	if o.Concurrency <= 0 {
		o.Concurrency = max(4, 2*runtime.NumCPU())
	}
	if o.MaxExamples <= 0 {
		o.MaxExamples = defaultMaxExamples
	}
	return o
}

// RDSScanner discovers RDS instances and Aurora clusters, records their
// posture, logs in to the PostgreSQL, MySQL and MariaDB ones and samples
// their tables read-only. It is safe for one Scan at a time.
type RDSScanner struct {
	rds     *rds.Client
	ec2     *ec2.Client
	secrets *secretsmanager.Client
	keys    *keyResolver
	creds   aws.CredentialsProvider
	region  string
	engine  *classifiers.Engine
	opts    DBOptions
	log     *slog.Logger
}

// NewRDSScanner builds a scanner from a guarded config (LoadAWSConfig). opts
// should have passed Validate; an invalid entry is recorded on its database.
func NewRDSScanner(cfg aws.Config, ao AWSOptions, engine *classifiers.Engine, opts DBOptions, log *slog.Logger) *RDSScanner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	endpoint := customEndpoint(cfg, ao)
	return &RDSScanner{
		rds: rds.NewFromConfig(cfg, func(o *rds.Options) {
			if endpoint != "" {
				o.BaseEndpoint = aws.String(endpoint)
			}
			o.APIOptions = append(slices.Clip(o.APIOptions), AddReadOnlyGuard)
		}),
		ec2: ec2.NewFromConfig(cfg, func(o *ec2.Options) {
			if endpoint != "" {
				o.BaseEndpoint = aws.String(endpoint)
			}
			o.APIOptions = append(slices.Clip(o.APIOptions), AddReadOnlyGuard)
		}),
		secrets: secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) {
			if endpoint != "" {
				o.BaseEndpoint = aws.String(endpoint)
			}
			o.APIOptions = append(slices.Clip(o.APIOptions), AddReadOnlyGuard)
		}),
		keys: newKeyResolver(kms.NewFromConfig(cfg, func(o *kms.Options) {
			if endpoint != "" {
				o.BaseEndpoint = aws.String(endpoint)
			}
			o.APIOptions = append(slices.Clip(o.APIOptions), AddReadOnlyGuard)
		})),
		creds:  cfg.Credentials,
		region: cfg.Region,
		engine: engine,
		opts:   opts.withDefaults(),
		log:    log,
	}
}

// dbTarget is one discovered instance or cluster.
type dbTarget struct {
	region, id, arn string
	kind            string // "instance" or "cluster"
	engine          string
	host            string // endpoint address ("" while creating)
	port            int
	dbName          string // the database created with the instance, if any
	masterUser      string
	masterSecretARN string
	status          string
	instance        *rdstypes.DBInstance
	cluster         *rdstypes.DBCluster
	members         []rdstypes.DBInstance // cluster member instances
}

// Scan discovers every instance and cluster of the configured regions,
// records posture and samples databases, streaming results to sink. A
// region whose instances or clusters cannot be listed does not stop the
// others: Scan then returns an error naming it, after recording the rest.
// Per-database failures are recorded with reason codes, never returned.
func (s *RDSScanner) Scan(ctx context.Context, account string, sink Sink) (Stats, error) {
	regions := s.opts.Regions
	if len(regions) == 0 {
		regions = []string{s.region}
	}
	var targets []*dbTarget
	var listErrs []error
	for _, region := range regions {
		ts, err := s.discover(ctx, region)
		if err != nil {
			listErrs = append(listErrs, err)
			s.log.Warn("rds: discovery failed", "region", region, "error", describeErr(err))
		}
		targets = append(targets, ts...)
	}
	targets = slices.DeleteFunc(targets, func(t *dbTarget) bool { return !s.opts.Filter.keep(t.arn) })
	s.log.Info("rds: databases to scan", "count", len(targets))

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	col := startCollector(ctx, sink, cancel)
	caches := map[string]*regionCache{}
	for _, r := range regions {
		caches[r] = newRegionCache()
	}
	p := pool.New().WithContext(ctx).WithMaxGoroutines(min(s.opts.Concurrency, len(targets)+1))
	for _, t := range targets {
		p.Go(func(ctx context.Context) error {
			if ctx.Err() == nil {
				s.scanTarget(ctx, t, caches[t.region], col.results)
			}
			return nil
		})
	}
	_ = p.Wait()
	stats, sinkErr := col.finish()
	if sinkErr != nil {
		return stats, fmt.Errorf("scanner: rds: record results: %w", sinkErr)
	}
	if err := ctx.Err(); err != nil {
		return stats, err
	}
	return stats, errors.Join(listErrs...)
}

// discover lists the instances and clusters of one region, paginated.
// Instances that belong to a cluster are folded into their cluster; DocumentDB
// and Neptune (which the same API lists) are left out. When one listing fails
// the other's targets are still returned, with the error.
func (s *RDSScanner) discover(ctx context.Context, region string) ([]*dbTarget, error) {
	inRegion := func(o *rds.Options) { o.Region = region }
	want := map[string]bool{}
	for _, id := range s.opts.Identifiers {
		want[id] = true
	}
	members := map[string][]rdstypes.DBInstance{}
	var out []*dbTarget
	var errs []error
	ip := rds.NewDescribeDBInstancesPaginator(s.rds, &rds.DescribeDBInstancesInput{})
	for ip.HasMorePages() {
		page, err := ip.NextPage(ctx, inRegion)
		if err != nil {
			errs = append(errs, fmt.Errorf("scanner: rds: describe db instances in %s: %w", region, err))
			break
		}
		for _, in := range page.DBInstances {
			if !rdsEngine(aws.ToString(in.Engine)) {
				continue
			}
			if c := aws.ToString(in.DBClusterIdentifier); c != "" {
				members[c] = append(members[c], in)
				continue
			}
			id := aws.ToString(in.DBInstanceIdentifier)
			if len(want) > 0 && !want[id] {
				continue
			}
			t := &dbTarget{
				region: region, id: id, arn: aws.ToString(in.DBInstanceArn), kind: "instance",
				engine: aws.ToString(in.Engine), dbName: aws.ToString(in.DBName),
				masterUser: aws.ToString(in.MasterUsername), status: aws.ToString(in.DBInstanceStatus),
				instance: &in,
			}
			if in.Endpoint != nil {
				t.host, t.port = aws.ToString(in.Endpoint.Address), int(aws.ToInt32(in.Endpoint.Port))
			}
			if in.MasterUserSecret != nil {
				t.masterSecretARN = aws.ToString(in.MasterUserSecret.SecretArn)
			}
			out = append(out, t)
		}
	}
	cp := rds.NewDescribeDBClustersPaginator(s.rds, &rds.DescribeDBClustersInput{})
	for cp.HasMorePages() {
		page, err := cp.NextPage(ctx, inRegion)
		if err != nil {
			errs = append(errs, fmt.Errorf("scanner: rds: describe db clusters in %s: %w", region, err))
			break
		}
		for _, c := range page.DBClusters {
			if !rdsEngine(aws.ToString(c.Engine)) {
				continue
			}
			id := aws.ToString(c.DBClusterIdentifier)
			if len(want) > 0 && !want[id] {
				continue
			}
			t := &dbTarget{
				region: region, id: id, arn: aws.ToString(c.DBClusterArn), kind: "cluster",
				engine: aws.ToString(c.Engine), dbName: aws.ToString(c.DatabaseName),
				masterUser: aws.ToString(c.MasterUsername), status: aws.ToString(c.Status),
				cluster: &c, members: members[id],
				host: aws.ToString(c.ReaderEndpoint), port: int(aws.ToInt32(c.Port)),
			}
			if t.host == "" { // no reader endpoint: sample through the writer
				t.host = aws.ToString(c.Endpoint)
			}
			if c.MasterUserSecret != nil {
				t.masterSecretARN = aws.ToString(c.MasterUserSecret.SecretArn)
			}
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out, errors.Join(errs...)
}

// rdsEngine reports whether an engine from the RDS API is an RDS database
// (not DocumentDB or Neptune, which share the API).
func rdsEngine(engine string) bool {
	return engine != "" && !strings.HasPrefix(engine, "docdb") && !strings.HasPrefix(engine, "neptune")
}

// engineFamily maps an RDS engine to the SQL dialect Cairn samples it with:
// "postgresql", "mysql" (MySQL, MariaDB, Aurora MySQL) or "" (unsupported).
func engineFamily(engine string) string {
	switch engine {
	case "postgres", "aurora-postgresql":
		return "postgresql"
	case "mysql", "mariadb", "aurora-mysql", "aurora":
		return "mysql"
	}
	return ""
}

// scanTarget records one instance's or cluster's posture, samples its
// databases and finally sends its asset row.
func (s *RDSScanner) scanTarget(ctx context.Context, t *dbTarget, rc *regionCache, results chan<- result) {
	started := time.Now().UTC()
	posture := s.posture(ctx, t, rc)
	asset := Asset{
		ARN: t.arn, Service: "rds", Region: t.region, Name: t.id,
		Encryption: EncryptionNone, KMSKeyARN: posture.KMSKeyARN, KMSKeyManager: posture.KeyManager,
		Public: posture.Public, PublicReason: posture.PublicReason,
		Status: StatusComplete, ObservedAt: started,
	}
	if posture.StorageEncrypted {
		asset.Encryption = EncryptionSSEKMS
		if asset.KMSKeyARN == "" {
			asset.KMSKeyARN = posture.KMSKeyID
		}
	}
	var reasons []string
	if len(posture.Incomplete) > 0 {
		asset.Status = StatusPartial
		reasons = append(reasons, ReasonPostureIncomplete+": "+strings.Join(posture.Incomplete, ","))
	}

	run := s.sampleTarget(ctx, t, &asset, results)
	posture.Sampling = run.info
	if run.assetReason != "" {
		reasons = append(reasons, run.assetReason)
	}
	switch {
	case run.failed:
		asset.Status = StatusError
	case run.partial && asset.Status == StatusComplete:
		asset.Status = StatusPartial
	}
	asset.DataClasses = run.tally.classes()
	asset.SensitivityScore = run.tally.score()
	asset.Reason = strings.Join(reasons, "; ")
	asset.Posture = postureJSON(posture)
	results <- storeResult(ctx, &asset)
}

// SamplingInfo records how Cairn reached a database, for the posture JSON.
// It never holds a password or token.
type SamplingInfo struct {
	Dialect          string   `json:"dialect,omitempty"` // postgresql, mysql, mariadb
	CredentialSource string   `json:"credential_source,omitempty"`
	User             string   `json:"user,omitempty"`
	Endpoint         string   `json:"endpoint,omitempty"` // where Cairn connected
	TLS              string   `json:"tls,omitempty"`
	Databases        []string `json:"databases,omitempty"`
	TablesFound      int64    `json:"tables_found"`
	TablesSampled    int64    `json:"tables_sampled"`
	TablesSkipped    int64    `json:"tables_skipped"`
	Error            string   `json:"error,omitempty"` // reason code and detail when it could not sample
}

// targetRun is the outcome of sampling one target.
type targetRun struct {
	info        *SamplingInfo
	tally       storeTally
	failed      bool   // nothing could be read
	partial     bool   // some databases or tables could not be read
	assetReason string // reason text for the asset row
	// unreadTables counts tables skipped or cut short by an error.
	unreadTables int64
}

// dbLogin is a resolved way to log in. password never leaves this package's
// connection code: it is not logged, marshalled or put in errors.
type dbLogin struct {
	user, password string
	host           string // where to connect
	port           int
	serverName     string // TLS host name to verify (the RDS endpoint)
	dbName         string // database from the secret, if any
	source         string // for the posture: "secret:<arn>", "iam", "config", "rds-managed-secret:<arn>"
	iam            bool
	tls            *tls.Config
	tlsMode        string
}

// loginError carries a reason code (NO_CREDENTIALS, TLS_FAILED …) and a
// value-free detail out of resolveLogin.
type loginError struct {
	reason string
	detail string
}

func (e *loginError) Error() string { return e.reason + ": " + e.detail }

// resolveLogin picks the credential source for t and builds its login.
func (s *RDSScanner) resolveLogin(ctx context.Context, t *dbTarget, c DBCredentials) (*dbLogin, error) {
	if err := c.Validate(); err != nil {
		return nil, &loginError{ReasonNoCredentials, "invalid configuration: " + err.Error()}
	}
	l := &dbLogin{host: t.host, port: t.port, serverName: t.host, tlsMode: c.TLS}
	if l.tlsMode == "" {
		l.tlsMode = TLSVerifyFull
	}
	switch {
	case c.SecretARN != "":
		if err := s.readSecret(ctx, t, c.SecretARN, l); err != nil {
			return nil, err
		}
		l.source = "secret:" + c.SecretARN
		if c.IAMAuth {
			l.iam, l.password, l.source = true, "", "iam(user from secret)"
		}
	case c.IAMAuth:
		l.user, l.iam, l.source = c.User, true, "iam"
		if l.user == "" {
			l.user = t.masterUser
		}
	case c.User != "":
		l.user, l.password, l.source = c.User, c.Password, "config"
	case t.masterSecretARN != "":
		if err := s.readSecret(ctx, t, t.masterSecretARN, l); err != nil {
			return nil, err
		}
		l.source = "rds-managed-secret:" + t.masterSecretARN
	default:
		return nil, &loginError{ReasonNoCredentials, "no secret_arn, iam_auth or user configured for " + t.id + " and no RDS-managed master secret"}
	}
	if c.Endpoint != "" {
		host, port, _ := splitHostPort(c.Endpoint)
		l.host, l.port = host, port
	}
	if l.host == "" || l.port == 0 {
		return nil, &loginError{ReasonConnectionFailed, "no endpoint (instance status " + t.status + ")"}
	}
	if l.serverName == "" {
		l.serverName = l.host
	}
	if l.iam {
		if l.user == "" {
			return nil, &loginError{ReasonNoCredentials, "iam_auth needs a user"}
		}
		if l.tlsMode == TLSDisable {
			return nil, &loginError{ReasonTLSFailed, "iam_auth needs TLS (tls: disable given)"}
		}
		signHost := net.JoinHostPort(l.serverName, strconv.Itoa(t.port))
		tok, err := auth.BuildAuthToken(ctx, signHost, t.region, l.user, s.creds)
		if err != nil {
			return nil, &loginError{ReasonNoCredentials, "build iam auth token: " + describeErr(err)}
		}
		l.password = tok
	}
	cfg, err := dbTLSConfig(l.tlsMode, c.CABundle, l.serverName)
	if err != nil {
		return nil, &loginError{ReasonTLSFailed, err.Error()}
	}
	l.tls = cfg
	return l, nil
}

// dbSecret is the JSON of a database secret (RDS and rotation-template format).
type dbSecret struct {
	Username string          `json:"username"`
	Password string          `json:"password"`
	Host     string          `json:"host"`
	Port     json.RawMessage `json:"port"` // a number or a string
	DBName   string          `json:"dbname"`
}

// readSecret reads a database secret into l. The secret's value is never put
// in an error: a malformed secret is reported by shape only.
func (s *RDSScanner) readSecret(ctx context.Context, t *dbTarget, id string, l *dbLogin) error {
	region := t.region
	if strings.HasPrefix(id, "arn:") {
		if parts := strings.Split(id, ":"); len(parts) > 3 && parts[3] != "" {
			region = parts[3]
		}
	}
	out, err := s.secrets.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)},
		func(o *secretsmanager.Options) { o.Region = region })
	if err != nil {
		return &loginError{ReasonNoCredentials, "secretsmanager GetSecretValue " + id + ": " + describeErr(err)}
	}
	var sec dbSecret
	if json.Unmarshal([]byte(aws.ToString(out.SecretString)), &sec) != nil || sec.Username == "" {
		return &loginError{ReasonNoCredentials, "secret " + id + " is not a JSON object with a username and a password"}
	}
	l.user, l.password, l.dbName = sec.Username, sec.Password, sec.DBName
	if sec.Host != "" {
		l.host = sec.Host
		if len(sec.Port) > 0 {
			p, err := strconv.Atoi(strings.Trim(string(sec.Port), `"`))
			if err != nil || p <= 0 || p > 65535 {
				return &loginError{ReasonNoCredentials, "secret " + id + " has an invalid port"}
			}
			l.port = p
		}
	}
	return nil
}

// splitHostPort parses host:port with a numeric port.
func splitHostPort(hp string) (string, int, error) {
	host, p, err := net.SplitHostPort(hp)
	if err != nil {
		return "", 0, fmt.Errorf("endpoint %q: want host:port", hp)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port <= 0 || port > 65535 || host == "" {
		return "", 0, fmt.Errorf("endpoint %q: want host:port", hp)
	}
	return host, port, nil
}

// loadCABundle reads a PEM bundle of trusted roots.
func loadCABundle(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ca_bundle: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("ca_bundle %s: no PEM certificate", path)
	}
	return pool, nil
}

// dbTLSConfig builds the client TLS configuration of a mode; nil for disable.
func dbTLSConfig(mode, caBundle, serverName string) (*tls.Config, error) {
	switch mode {
	case TLSDisable:
		return nil, nil
	case TLSRequire:
		// The configuration asked for encryption without verification.
		return &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: true}, nil
	}
	roots, err := x509.SystemCertPool()
	if caBundle != "" {
		roots, err = loadCABundle(caBundle)
	}
	if err != nil {
		return nil, fmt.Errorf("trusted roots: %w", err)
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots, ServerName: serverName}
	if mode == TLSVerifyCA {
		// Verify the chain against roots but not the host name.
		cfg.InsecureSkipVerify = true // replaced by VerifyConnection below
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("tls: no server certificate")
			}
			inter := x509.NewCertPool()
			for _, c := range cs.PeerCertificates[1:] {
				inter.AddCert(c)
			}
			_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
			return err
		}
	}
	return cfg, nil
}
