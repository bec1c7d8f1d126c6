package scanner

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cairnsec/cairn/classifiers"
)

// This file holds the dialect-independent half of SQL sampling: the
// per-target and per-database orchestration (at most two connections per
// database, one read-only transaction per table), value accumulation, and
// classification into column findings. sqlpostgres.go and sqlmysql.go
// implement sqlConn.

// sqlConn is one read-only session to one database. Implementations are not
// safe for concurrent use: each sampling worker owns one.
type sqlConn interface {
	// flavor is "postgresql", "mysql" or "mariadb".
	flavor() string
	// databases lists the databases worth sampling (system ones left out).
	databases(ctx context.Context) ([]string, error)
	// tables lists up to max user tables of database db with their
	// sampleable columns, and whether more exist.
	tables(ctx context.Context, db string, max int) ([]*sqlTable, bool, error)
	// sample reads up to p.rows rows of tbl's columns cols into rs, inside a
	// read-only transaction, and returns the method used (for
	// ObjectResult.Format, without the flavor prefix).
	sample(ctx context.Context, tbl *sqlTable, cols []sqlColumn, p sampleParams, rs *rowSink) (string, error)
	// alive reports whether the session can still be used.
	alive(ctx context.Context) bool
	close()
}

// connParams are the session limits every connection is opened with.
type connParams struct {
	connectTimeout   time.Duration
	statementTimeout time.Duration
	lockTimeout      time.Duration
	idleTimeout      time.Duration // idle in transaction (PostgreSQL)
}

// sampleParams shape one table's sample.
type sampleParams struct {
	rows     int
	maxValue int
	// force selects a method regardless of the table's size, and pct a
	// TABLESAMPLE percentage (tests).
	force string
	pct   float64
}

// sqlTable is a discovered table.
type sqlTable struct {
	db, schema, name string
	estRows          float64 // planner estimate; < 0 when unknown
	sizeBytes        int64
	columns          []sqlColumn // sampleable columns, in table order
	intPK            string      // single-column integer primary key (MySQL)
}

// location is the table's ObjectResult location, db/schema.table.
func (t *sqlTable) location() string { return t.db + "/" + t.schema + "." + t.name }

// sqlColumn is a sampleable column.
type sqlColumn struct {
	name string
	typ  string // the server's type name
	kind columnKind
}

// columnKind says how a column's values are read.
type columnKind int

const (
	kindText   columnKind = iota // text, numbers, JSON, enums, arrays: cast to text, truncated
	kindBinary                   // bytea / blob: the first maxValue bytes
)

// errByteLimit stops a table's read when MaxTableBytes is reached.
var errByteLimit = errors.New("table byte limit reached")

// rowSink accumulates the sampled values of a table, column by column, so
// each column is classified with one engine call. Memory is bounded by
// maxBytes. Not safe for concurrent use.
type rowSink struct {
	cols     []fieldValues
	rows     int64
	bytes    int64
	maxBytes int64
	maxValue int
}

func newRowSink(cols []sqlColumn, maxBytes int64, maxValue int) *rowSink {
	rs := &rowSink{cols: make([]fieldValues, len(cols)), maxBytes: maxBytes, maxValue: maxValue}
	for i, c := range cols {
		rs.cols[i].name = c.name
	}
	return rs
}

// add takes one row (one value per column, nil for NULL). It returns
// errByteLimit once the table's byte budget is spent; the row that crossed
// it is kept.
func (rs *rowSink) add(vals [][]byte) error {
	rs.rows++
	for i, v := range vals {
		if i < len(rs.cols) {
			rs.bytes += int64(rs.cols[i].add(v, rs.maxValue))
		}
	}
	if rs.bytes >= rs.maxBytes {
		return errByteLimit
	}
	return nil
}

// reset forgets every row (a sampling method is retried with another).
func (rs *rowSink) reset() {
	for i := range rs.cols {
		rs.cols[i] = fieldValues{name: rs.cols[i].name}
	}
	rs.rows, rs.bytes = 0, 0
}

// fieldValues accumulates the sampled values of one field (a SQL column or
// a DynamoDB attribute path), joined by newlines for a single engine call.
type fieldValues struct {
	name     string
	buf      []byte
	starts   []int // offset of each value in buf
	nonEmpty int
}

// add appends one value, truncated to maxValue bytes; nil and blank values
// are not scanned and do not count. It returns the bytes taken.
func (f *fieldValues) add(v []byte, maxValue int) int {
	if len(v) > maxValue {
		v = v[:maxValue]
	}
	if len(strings.TrimSpace(string(v))) == 0 {
		return 0
	}
	f.nonEmpty++
	f.starts = append(f.starts, len(f.buf))
	f.buf = append(f.buf, v...)
	f.buf = append(f.buf, '\n')
	return len(v) + 1
}

// classifyField classifies one field's values with one engine call and
// returns its findings (tmpl filled with identifier, counts, examples,
// fingerprints, the field name and FieldSensitive, by the shared rule of
// classifiers.ColumnStats).
func classifyField(engine *classifiers.Engine, f *fieldValues, maxExamples int, tmpl Finding) []Finding {
	if len(f.buf) == 0 {
		return nil
	}
	ms := engine.Scan(f.buf, f.name)
	if len(ms) == 0 {
		return nil
	}
	agg := newFindingAgg(maxExamples)
	agg.add(f.name, classifiers.Summarize(ms, maxExamples, maxFingerprints))
	// Distinct values with a match, per identifier. Matches come ordered by
	// start, so value indexes per identifier are non-decreasing.
	matched := map[string]int{}
	last := map[string]int{}
	for _, m := range ms {
		idx := sort.SearchInts(f.starts, m.Start+1) - 1
		if l, ok := last[m.Identifier]; ok && l == idx {
			continue
		}
		last[m.Identifier] = idx
		matched[m.Identifier]++
	}
	out := agg.findings(tmpl)
	for i := range out {
		// The shared column rule: at least half of the non-empty values, and
		// at least classifiers.MinColumnMatches of them.
		cs := classifiers.ColumnStats{Values: f.nonEmpty, Matched: matched[out[i].Identifier]}
		out[i].FieldSensitive = cs.Sensitive()
	}
	return out
}

// sqlConnect opens a read-only session of family ("postgresql" or "mysql").
func sqlConnect(ctx context.Context, family string, l *dbLogin, db string, p connParams) (sqlConn, error) {
	ctx, cancel := context.WithTimeout(ctx, p.connectTimeout)
	defer cancel()
	switch family {
	case "postgresql":
		return connectPostgres(ctx, l, db, p)
	case "mysql":
		return connectMySQL(ctx, l, db, p)
	}
	return nil, fmt.Errorf("scanner: rds: no sampler for %q", family)
}

func (s *RDSScanner) connParams() connParams {
	return connParams{
		connectTimeout:   s.opts.ConnectTimeout,
		statementTimeout: s.opts.StatementTimeout,
		lockTimeout:      s.opts.LockTimeout,
		idleTimeout:      s.opts.TableTimeout,
	}
}

// stoppedStatuses are instance and cluster states in which no connection can
// succeed.
var stoppedStatuses = map[string]bool{
	"stopped": true, "stopping": true, "starting": true, "creating": true, "deleting": true,
	"failed": true, "inaccessible-encryption-credentials": true, "incompatible-network": true,
	"incompatible-restore": true, "insufficient-capacity": true,
}

// sampleTarget logs in to t and samples its databases. Failures become
// ObjectResult rows with reason codes and the returned run says how the
// asset row should read; nothing here aborts the scan.
func (s *RDSScanner) sampleTarget(ctx context.Context, t *dbTarget, asset *Asset, results chan<- result) targetRun {
	run := targetRun{info: &SamplingInfo{}, tally: storeTally{}}
	family := engineFamily(t.engine)
	if family == "" {
		run.partial = true
		run.assetReason = ReasonUnsupportedEngine + ": " + t.engine + " is not sampled (posture only)"
		run.info.Error = run.assetReason
		return run
	}
	run.info.Dialect = family
	cred := s.opts.Databases[t.id]
	fail := func(location, reason, detail string) targetRun {
		if location == "" {
			location = t.id
		}
		res := ObjectResult{
			AssetARN: t.arn, Location: location, Format: family, Status: StatusSkipped,
			Reason: reason, ObservedAt: time.Now().UTC(), Kind: ObjectKindDatabase,
		}
		results <- result{object: &res}
		run.failed = true
		run.assetReason = reason + ": " + detail
		run.info.Error = run.assetReason
		s.log.Warn("rds: database not sampled", "id", t.id, "reason", reason, "detail", detail)
		return run
	}
	if stoppedStatuses[t.status] {
		return fail("", ReasonConnectionFailed, "instance status "+t.status)
	}
	login, err := s.resolveLogin(ctx, t, cred)
	if err != nil {
		var le *loginError
		if errors.As(err, &le) {
			return fail("", le.reason, le.detail)
		}
		return fail("", ReasonNoCredentials, err.Error())
	}
	run.info.CredentialSource, run.info.User, run.info.TLS = login.source, login.user, login.tlsMode
	run.info.Endpoint = net.JoinHostPort(login.host, fmt.Sprint(login.port))

	ctx, cancel := context.WithTimeout(ctx, s.opts.DatabaseTimeout)
	defer cancel()
	dbs := cred.Databases
	if len(dbs) == 0 {
		initial := login.dbName
		if initial == "" {
			initial = t.dbName
		}
		if initial == "" && family == "postgresql" {
			initial = "postgres"
		}
		c, err := sqlConnect(ctx, family, login, initial, s.connParams())
		if err != nil {
			return fail(initial, dbReason(err, true), dbErrDetail(err))
		}
		run.info.Dialect = c.flavor()
		dbs, err = c.databases(ctx)
		c.close()
		if err != nil {
			return fail(initial, dbReason(err, false), "list databases: "+dbErrDetail(err))
		}
	}
	run.info.Databases = dbs
	var reasons []string
	reached := 0
	for _, db := range dbs {
		if ctx.Err() != nil {
			// Out of time: the databases not reached are recorded, not dropped.
			res := ObjectResult{AssetARN: t.arn, Location: db, Format: run.info.Dialect, Status: StatusSkipped,
				Reason: ReasonTimeout, ObservedAt: time.Now().UTC(), Kind: ObjectKindDatabase}
			results <- result{object: &res}
			continue
		}
		ok, reason := s.sampleDatabase(ctx, t, family, login, db, asset, &run, results)
		if ok {
			reached++
		}
		if reason != "" {
			reasons = append(reasons, reason)
		}
	}
	if ctx.Err() != nil {
		reasons = append(reasons, ReasonTimeout+": database time limit reached")
		run.partial = true
	}
	if reached == 0 && len(dbs) > 0 {
		run.failed = true
	}
	if run.unreadTables > 0 {
		reasons = append(reasons, fmt.Sprintf("%s: %d of %d tables not (fully) read", ReasonObjectsSkipped, run.unreadTables, run.info.TablesFound))
	}
	if len(dbs) == 0 {
		reasons = append(reasons, "no database to sample")
	}
	run.assetReason = strings.Join(reasons, "; ")
	return run
}

// sampleDatabase samples the tables of one database with up to
// ConnectionsPerDatabase sessions. It reports whether the database could be
// reached, and a reason for the asset row when something was not read.
func (s *RDSScanner) sampleDatabase(ctx context.Context, t *dbTarget, family string, login *dbLogin, db string,
	asset *Asset, run *targetRun, results chan<- result) (bool, string) {
	// skipDB records a database that could not be sampled at all.
	skipDB := func(reason, detail string) string {
		res := ObjectResult{AssetARN: t.arn, Location: db, Format: run.info.Dialect, Status: StatusSkipped, Reason: reason, ObservedAt: time.Now().UTC(), Kind: ObjectKindDatabase}
		results <- result{object: &res}
		run.partial = true
		s.log.Warn("rds: database not sampled", "id", t.id, "db", db, "reason", reason, "detail", detail)
		return reason + ": " + db + ": " + detail
	}
	first, err := sqlConnect(ctx, family, login, db, s.connParams())
	if err != nil {
		return false, skipDB(dbReason(err, true), dbErrDetail(err))
	}
	run.info.Dialect = first.flavor()
	tables, truncated, err := first.tables(ctx, db, s.opts.MaxTables)
	if err != nil {
		first.close()
		// Reached, but its tables could not be listed.
		return true, skipDB(dbReason(err, false), "list tables: "+dbErrDetail(err))
	}
	asset.ObjectCount += int64(len(tables))
	for _, tbl := range tables {
		asset.TotalBytes += tbl.sizeBytes
	}
	run.info.TablesFound += int64(len(tables))
	var reason string
	if truncated {
		run.partial = true
		reason = fmt.Sprintf("%s: %s: sampled the first %d tables", ReasonTableLimit, db, s.opts.MaxTables)
	}
	conns := []sqlConn{first}
	if s.opts.ConnectionsPerDatabase > 1 && len(tables) > 1 {
		if second, err := sqlConnect(ctx, family, login, db, s.connParams()); err == nil {
			conns = append(conns, second)
		}
	}
	queue := make(chan *sqlTable)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func(c sqlConn) {
			defer wg.Done()
			defer func() {
				if c != nil {
					c.close()
				}
			}()
			for tbl := range queue {
				if c == nil || !c.alive(ctx) {
					// The session broke (a cancelled statement closes it):
					// reconnect, keeping at most one session per worker.
					if c != nil {
						c.close()
					}
					c, _ = sqlConnect(ctx, family, login, db, s.connParams())
				}
				var res ObjectResult
				var findings []Finding
				if c == nil {
					res = ObjectResult{AssetARN: t.arn, Location: tbl.location(), Format: run.info.Dialect,
						Status: StatusSkipped, Reason: ReasonConnectionFailed, Size: tbl.sizeBytes, ObservedAt: time.Now().UTC(), Kind: ObjectKindTable}
				} else {
					res, findings = s.sampleTable(ctx, c, t, tbl, sampleParams{})
				}
				mu.Lock()
				asset.SampledObjects++
				asset.SampledBytes += res.BytesRead
				if res.Status == StatusSkipped {
					run.info.TablesSkipped++
					run.partial = true
				} else {
					run.info.TablesSampled++
				}
				if res.Status == StatusSkipped || couldNotRead(res.Reason) {
					run.partial = true
					run.unreadTables++
				}
				for i := range findings {
					run.tally.add(findings[i])
				}
				mu.Unlock()
				results <- result{object: &res}
				for i := range findings {
					results <- result{finding: &findings[i]}
				}
			}
		}(c)
	}
	var unsent []*sqlTable
	for i, tbl := range tables {
		if ctx.Err() != nil {
			unsent = tables[i:]
			break
		}
		queue <- tbl
	}
	close(queue)
	wg.Wait()
	// Out of time: the tables never attempted are recorded, not dropped.
	for _, tbl := range unsent {
		res := ObjectResult{AssetARN: t.arn, Location: tbl.location(), Format: run.info.Dialect,
			Status: StatusSkipped, Reason: ReasonTimeout, Size: tbl.sizeBytes, ObservedAt: time.Now().UTC(), Kind: ObjectKindTable}
		run.info.TablesSkipped++
		run.unreadTables++
		results <- result{object: &res}
	}
	return true, reason
}

// sampleTable samples one table in a read-only transaction and classifies
// each column. Every outcome is an ObjectResult; a failure carries a reason.
func (s *RDSScanner) sampleTable(ctx context.Context, c sqlConn, t *dbTarget, tbl *sqlTable, p sampleParams) (ObjectResult, []Finding) {
	res := ObjectResult{
		AssetARN: t.arn, Location: tbl.location(), Format: c.flavor(), Size: tbl.sizeBytes,
		Status: StatusSkipped, ObservedAt: time.Now().UTC(), Kind: ObjectKindTable,
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.TableTimeout)
	defer cancel()
	cols := tbl.columns
	columnCapped := len(cols) > s.opts.MaxColumns
	if columnCapped {
		cols = cols[:s.opts.MaxColumns]
	}
	if len(cols) == 0 {
		res.Status, res.Format = StatusComplete, c.flavor()+":no-text-columns"
		return res, nil
	}
	if p.rows == 0 {
		p.rows = s.opts.SampleRows
	}
	if p.maxValue == 0 {
		p.maxValue = s.opts.MaxValueBytes
	}
	rs := newRowSink(cols, s.opts.MaxTableBytes, p.maxValue)
	method, err := c.sample(ctx, tbl, cols, p, rs)
	res.Format = c.flavor() + ":" + method
	res.BytesRead = rs.bytes
	switch {
	case errors.Is(err, errByteLimit):
		res.Status, res.Reason = StatusPartial, ReasonByteLimit
	case err != nil && rs.rows == 0:
		res.Reason = dbReason(err, false)
		s.log.Debug("rds: table skipped", "id", t.id, "table", tbl.location(), "reason", res.Reason, "error", dbErrDetail(err))
		return res, nil
	case err != nil:
		res.Status, res.Reason = StatusPartial, dbReason(err, false)
	case columnCapped:
		res.Status, res.Reason = StatusPartial, ReasonColumnLimit
	default:
		res.Status = StatusComplete
	}
	var findings []Finding
	for i := range rs.cols {
		tmpl := Finding{
			AssetARN: t.arn, Service: "rds", Region: t.region,
			Location: tbl.location() + "." + rs.cols[i].name, ObservedAt: res.ObservedAt,
		}
		findings = append(findings, classifyField(s.engine, &rs.cols[i], s.opts.MaxExamples, tmpl)...)
	}
	for _, f := range findings {
		res.Findings += f.Count
	}
	return res, findings
}

// dbReason maps a database error to a reason code. connecting says whether
// the error came from opening the session, where anything unrecognised means
// the database could not be reached.
func dbReason(err error, connecting bool) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "28P01", "28000":
			return ReasonAuthenticationFailed
		case "42501":
			return ReasonPermissionDenied
		case "57014", "55P03":
			return ReasonTimeout
		}
		if connecting {
			return ReasonConnectionFailed
		}
		return ReasonReadError
	}
	var myErr *mysql.MySQLError
	if errors.As(err, &myErr) {
		switch myErr.Number {
		case 1045, 1698:
			return ReasonAuthenticationFailed
		case 1044, 1142, 1143, 1227:
			return ReasonPermissionDenied
		case 3024, 1969, 1205, 1317, 3572:
			return ReasonTimeout
		case 2026:
			return ReasonTLSFailed
		}
		if connecting {
			return ReasonConnectionFailed
		}
		return ReasonReadError
	}
	if isTLSError(err) {
		return ReasonTLSFailed
	}
	if connecting {
		return ReasonConnectionFailed
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return ReasonTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return ReasonTimeout
	}
	return ReasonReadError
}

// isTLSError recognises handshake and certificate failures of both drivers.
func isTLSError(err error) bool {
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
	)
	if errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		errors.Is(err, mysql.ErrNoTLS) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "server refused TLS connection") || strings.Contains(msg, "tls: ") ||
		strings.Contains(msg, "x509: ")
}

// dbErrDetail describes a database error without any value from the data:
// the server's error code and message (never its DETAIL, which can quote
// row values), or the driver's message, shortened.
func dbErrDetail(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return "SQLSTATE " + pgErr.Code + ": " + pgErr.Message
	}
	var myErr *mysql.MySQLError
	if errors.As(err, &myErr) {
		return fmt.Sprintf("error %d: %s", myErr.Number, myErr.Message)
	}
	msg := err.Error()
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	return msg
}
