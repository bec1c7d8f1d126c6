package scanner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/sourcegraph/conc/pool"

	"github.com/cairnsec/cairn/classifiers"
)

// EncryptionAWSOwned is the encryption of a DynamoDB table encrypted at rest
// with a key that AWS owns and manages outside the account (the default: the
// table has no SSEDescription). Tables with an AWS managed key (aws/dynamodb)
// or a customer managed key are EncryptionSSEKMS, told apart by the asset's
// KMSKeyManager.
const EncryptionAWSOwned = "AWS_OWNED"

// DynamoOptions bound and shape a DynamoDB scan. Zero values take the
// defaults.
type DynamoOptions struct {
	Regions       []string      // regions to scan; empty means the config's region
	Tables        []string      // scan only these tables; empty = all
	SampleItems   int           // items sampled per table (default 1,000)
	MaxTableBytes int64         // bytes of attribute values read per table (default 8 MiB)
	MaxValueBytes int           // bytes kept of one value (default 4,096)
	MaxPaths      int           // distinct attribute paths classified per table (default 1,024)
	MaxDepth      int           // nesting levels flattened into paths (default 16)
	TableTimeout  time.Duration // time allowed per table (default 2 min)
	Concurrency   int           // tables scanned at once (default 2 × cores, at least 4)
	MaxExamples   int           // redacted examples kept per finding (default 3)
	Filter        AssetFilter   // leaves tables out of this run by ARN (nil scans every table)
}

func (o DynamoOptions) withDefaults() DynamoOptions {
	if o.SampleItems <= 0 {
		o.SampleItems = 1000
	}
	if o.MaxTableBytes <= 0 {
		o.MaxTableBytes = 8 << 20
	}
	if o.MaxValueBytes <= 0 {
		o.MaxValueBytes = 4096
	}
	if o.MaxPaths <= 0 {
		o.MaxPaths = 1024
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = 16
	}
	if o.TableTimeout <= 0 {
		o.TableTimeout = 2 * time.Minute
	}
	if o.Concurrency <= 0 {
		o.Concurrency = max(4, 2*runtime.NumCPU())
	}
	if o.MaxExamples <= 0 {
		o.MaxExamples = defaultMaxExamples
	}
	return o
}

// DynamoDBScanner discovers DynamoDB tables, records their posture and
// classifies a sample of their items, attribute path by attribute path. It is
// safe for one Scan at a time.
type DynamoDBScanner struct {
	ddb     *dynamodb.Client
	keys    *keyResolver
	region  string
	engine  *classifiers.Engine
	opts    DynamoOptions
	log     *slog.Logger
	awsKeys memo[string] // region → ARN of alias/aws/dynamodb
}

// NewDynamoDBScanner builds a scanner from a guarded config (LoadAWSConfig).
func NewDynamoDBScanner(cfg aws.Config, ao AWSOptions, engine *classifiers.Engine, opts DynamoOptions, log *slog.Logger) *DynamoDBScanner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	endpoint := customEndpoint(cfg, ao)
	return &DynamoDBScanner{
		ddb: dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
			// Standard retries, not adaptive, for the reason NewS3Client
			// gives: DynamoDB throttles per table (a table short of
			// capacity answers ProvisionedThroughputExceededException), and
			// the adaptive mode's client-side rate limit, shared by every
			// table this client reads, slowed the whole scan after one
			// table's throttling: 25-34 s instead of 7-8 s in
			// TestDynamoDBScanUnderFaults.
			if cfg.RetryMode == aws.RetryModeAdaptive {
				o.Retryer = retry.NewStandard(standardRetries(configMaxAttempts(cfg)))
			}
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
		region: cfg.Region,
		engine: engine,
		opts:   opts.withDefaults(),
		log:    log,
	}
}

// Scan scans every table of the configured regions and streams results to
// sink. A region whose tables cannot be listed does not stop the others: Scan
// then returns an error naming it, after recording the rest. Everything else
// is recorded per table.
func (s *DynamoDBScanner) Scan(ctx context.Context, account string, sink Sink) (Stats, error) {
	regions := s.opts.Regions
	if len(regions) == 0 {
		regions = []string{s.region}
	}
	type tableRef struct{ region, name string }
	var tables []tableRef
	var listErrs []error
	want := map[string]bool{}
	for _, t := range s.opts.Tables {
		want[t] = true
	}
	for _, region := range regions {
		p := dynamodb.NewListTablesPaginator(s.ddb, &dynamodb.ListTablesInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx, func(o *dynamodb.Options) { o.Region = region })
			if err != nil {
				listErrs = append(listErrs, fmt.Errorf("scanner: dynamodb: list tables in %s: %w", region, err))
				s.log.Warn("dynamodb: list tables failed", "region", region, "error", describeErr(err))
				break
			}
			for _, name := range page.TableNames {
				if (len(want) == 0 || want[name]) && s.opts.Filter.keep(tableARN(region, account, name)) {
					tables = append(tables, tableRef{region, name})
				}
			}
		}
	}
	s.log.Info("dynamodb: tables to scan", "count", len(tables))

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	col := startCollector(ctx, sink, cancel)
	p := pool.New().WithContext(ctx).WithMaxGoroutines(min(s.opts.Concurrency, len(tables)+1))
	for _, t := range tables {
		p.Go(func(ctx context.Context) error {
			if ctx.Err() == nil {
				s.scanTable(ctx, account, t.region, t.name, col.results)
			}
			return nil
		})
	}
	_ = p.Wait()
	stats, sinkErr := col.finish()
	if sinkErr != nil {
		return stats, fmt.Errorf("scanner: dynamodb: record results: %w", sinkErr)
	}
	if err := ctx.Err(); err != nil {
		return stats, err
	}
	return stats, errors.Join(listErrs...)
}

// tableARN is the ARN of a DynamoDB table.
func tableARN(region, account, name string) string {
	return fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s", region, account, name)
}

// TableEncryption is a DynamoDB table's encryption at rest.
type TableEncryption struct {
	Type       string `json:"type"` // AWS_OWNED or SSE-KMS
	Status     string `json:"status,omitempty"`
	KMSKeyARN  string `json:"kms_key_arn,omitempty"`
	KeyManager string `json:"key_manager,omitempty"` // AWS (aws/dynamodb) or CUSTOMER
	// InaccessibleSince is set when DynamoDB cannot use the table's KMS key.
	InaccessibleSince string `json:"inaccessible_since,omitempty"`
	Note              string `json:"note,omitempty"`
	Error             string `json:"error,omitempty"`
}

// TablePosture is everything Cairn observed about a DynamoDB table's
// protection. Every attribute that could not be read carries its error.
type TablePosture struct {
	Region             string          `json:"region"`
	Status             string          `json:"status"`
	ItemCount          int64           `json:"item_count"` // DynamoDB's estimate, refreshed about every six hours
	SizeBytes          int64           `json:"size_bytes"`
	BillingMode        string          `json:"billing_mode,omitempty"`
	TableClass         string          `json:"table_class,omitempty"`
	Encryption         TableEncryption `json:"encryption"`
	PITREnabled        bool            `json:"pitr_enabled"`
	PITRError          string          `json:"pitr_error,omitempty"`
	DeletionProtection bool            `json:"deletion_protection"`
	StreamEnabled      bool            `json:"stream_enabled"`
	Replicas           []string        `json:"replicas,omitempty"` // global table replica regions
	HasPolicy          bool            `json:"has_policy"`
	PublicStatements   []string        `json:"public_statements,omitempty"`
	PolicyPrincipals   []string        `json:"policy_principals,omitempty"` // see PolicyPrincipals
	PolicyError        string          `json:"policy_error,omitempty"`

	Public       bool   `json:"public"`
	PublicReason string `json:"public_reason,omitempty"`
	// Incomplete lists the posture attributes that could not be read.
	Incomplete []string `json:"incomplete,omitempty"`

	// Sampling says how items were sampled.
	Sampling *ItemSampling `json:"sampling,omitempty"`
}

// ItemSampling records the parallel-scan segments a sample was read from.
type ItemSampling struct {
	TotalSegments int   `json:"total_segments"`
	FirstSegment  int   `json:"first_segment"`
	SegmentsRead  int   `json:"segments_read"`
	Items         int64 `json:"items"`
	Paths         int   `json:"paths"`
}

// derivePublic sets Public from the resource policy: an Allow statement for
// everyone (Principal "*" or NotPrincipal) without a condition that restricts
// the caller to fixed values makes the table public (configchecks.PublicStatements
// has the rule). DynamoDB has no policy status of its own to confirm it.
func (p *TablePosture) derivePublic() {
	switch {
	case len(p.PublicStatements) > 0:
		p.Public, p.PublicReason = true, "resource policy grants public access ("+strings.Join(p.PublicStatements, "; ")+")"
	case p.PolicyError != "":
		p.Public, p.PublicReason = false, "UNKNOWN: resource policy unreadable"
	default:
		p.Public, p.PublicReason = false, ""
	}
}

// scanTable records one table's posture, samples its items and sends the
// object, finding and asset rows.
func (s *DynamoDBScanner) scanTable(ctx context.Context, account, region, name string, results chan<- result) {
	started := time.Now().UTC()
	inRegion := func(o *dynamodb.Options) { o.Region = region }
	asset := Asset{
		ARN:     tableARN(region, account, name),
		Service: "dynamodb", Region: region, Name: name, Encryption: EncryptionUnknown,
		Status: StatusComplete, ObservedAt: started,
	}
	p := &TablePosture{Region: region}
	out, err := s.ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, inRegion)
	if err != nil || out.Table == nil {
		reason, detail := ReasonReadError, "no table description"
		if err != nil {
			reason, detail = dynamoReason(err), describeErr(err)
		}
		asset.Status = StatusError
		asset.Reason = reason + ": dynamodb DescribeTable: " + detail
		p.Incomplete = []string{"table"}
		// Nothing about the table was read, its resource policy included: its
		// exposure is unknown, not private.
		p.PublicReason = "UNKNOWN: table not described (" + reason + ")"
		asset.PublicReason = p.PublicReason
		asset.Posture = postureJSON(p)
		res := ObjectResult{AssetARN: asset.ARN, Location: name, Format: "dynamodb", Status: StatusSkipped, Reason: reason, ObservedAt: started, Kind: ObjectKindTable}
		results <- result{object: &res}
		results <- storeResult(ctx, &asset)
		return
	}
	td := out.Table
	if arn := aws.ToString(td.TableArn); arn != "" {
		asset.ARN = arn
	}
	s.tablePosture(ctx, region, asset.ARN, td, p)
	asset.Encryption = p.Encryption.Type
	asset.KMSKeyARN, asset.KMSKeyManager = p.Encryption.KMSKeyARN, p.Encryption.KeyManager
	asset.Public, asset.PublicReason = p.Public, p.PublicReason
	asset.ObjectCount, asset.TotalBytes = 1, p.SizeBytes
	var reasons []string
	if len(p.Incomplete) > 0 {
		asset.Status = StatusPartial
		reasons = append(reasons, ReasonPostureIncomplete+": "+strings.Join(p.Incomplete, ","))
	}

	res, findings, sampling := s.sampleItems(ctx, region, asset.ARN, name, p)
	p.Sampling = sampling
	asset.SampledObjects, asset.SampledBytes = 1, res.BytesRead
	tally := storeTally{}
	for i := range findings {
		tally.add(findings[i])
	}
	if res.Status == StatusSkipped || couldNotRead(res.Reason) {
		asset.Status = StatusPartial
		if res.Status == StatusSkipped {
			asset.Status = StatusError
		}
		reasons = append(reasons, res.Reason+": items")
	}
	results <- result{object: &res}
	for i := range findings {
		results <- result{finding: &findings[i]}
	}
	asset.DataClasses = tally.classes()
	asset.SensitivityScore = tally.score()
	asset.Reason = strings.Join(reasons, "; ")
	asset.Posture = postureJSON(p)
	results <- storeResult(ctx, &asset)
}

// tablePosture fills p from the table description, continuous backups and
// the resource policy.
func (s *DynamoDBScanner) tablePosture(ctx context.Context, region, arn string, td *ddbtypes.TableDescription, p *TablePosture) {
	inRegion := func(o *dynamodb.Options) { o.Region = region }
	p.Status = string(td.TableStatus)
	p.ItemCount, p.SizeBytes = aws.ToInt64(td.ItemCount), aws.ToInt64(td.TableSizeBytes)
	if td.BillingModeSummary != nil {
		p.BillingMode = string(td.BillingModeSummary.BillingMode)
	}
	if td.TableClassSummary != nil {
		p.TableClass = string(td.TableClassSummary.TableClass)
	}
	p.DeletionProtection = aws.ToBool(td.DeletionProtectionEnabled)
	p.StreamEnabled = td.StreamSpecification != nil && aws.ToBool(td.StreamSpecification.StreamEnabled)
	for _, r := range td.Replicas {
		p.Replicas = append(p.Replicas, aws.ToString(r.RegionName))
	}
	p.Encryption = s.tableEncryption(ctx, region, td.SSEDescription)
	if p.Encryption.Error != "" {
		p.Incomplete = append(p.Incomplete, "kms_key")
	}

	if out, err := s.ddb.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: td.TableName}, inRegion); err != nil {
		p.PITRError = "dynamodb DescribeContinuousBackups: " + describeErr(err)
		p.Incomplete = append(p.Incomplete, "pitr")
	} else if d := out.ContinuousBackupsDescription; d != nil && d.PointInTimeRecoveryDescription != nil {
		p.PITREnabled = d.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus == ddbtypes.PointInTimeRecoveryStatusEnabled
	}

	if out, err := s.ddb.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: aws.String(arn)}, inRegion); err != nil {
		if code := errorCode(err); code != "PolicyNotFoundException" && code != "ResourceNotFoundException" {
			p.PolicyError = "dynamodb GetResourcePolicy: " + describeErr(err)
			p.Incomplete = append(p.Incomplete, "policy")
		}
	} else if doc := aws.ToString(out.Policy); doc != "" {
		p.HasPolicy = true
		stmts, perr := PublicStatements(doc)
		if perr != nil {
			p.PolicyError = "MalformedPolicy"
			p.Incomplete = append(p.Incomplete, "policy")
		}
		p.PublicStatements = stmts
		p.PolicyPrincipals, _ = PolicyPrincipals(doc)
	}
	p.derivePublic()
}

// tableEncryption reads the SSE description: none (or disabled) means the
// AWS owned key; KMS means a KMS key, AWS managed when it is the region's
// alias/aws/dynamodb key (or DescribeKey says so), customer managed otherwise.
func (s *DynamoDBScanner) tableEncryption(ctx context.Context, region string, d *ddbtypes.SSEDescription) TableEncryption {
	if d == nil {
		return TableEncryption{Type: EncryptionAWSOwned, Note: "no SSE description: AWS owned key"}
	}
	enc := TableEncryption{Status: string(d.Status)}
	if d.InaccessibleEncryptionDateTime != nil {
		enc.InaccessibleSince = d.InaccessibleEncryptionDateTime.UTC().Format(time.RFC3339)
	}
	switch {
	case d.Status == ddbtypes.SSEStatusDisabled || d.Status == ddbtypes.SSEStatusDisabling:
		enc.Type, enc.Note = EncryptionAWSOwned, "KMS encryption "+strings.ToLower(string(d.Status))+": AWS owned key"
		return enc
	case d.SSEType == ddbtypes.SSETypeAes256:
		enc.Type, enc.Note = EncryptionAWSOwned, "SSE type AES256: AWS owned key"
		return enc
	}
	enc.Type = EncryptionSSEKMS
	keyARN := aws.ToString(d.KMSMasterKeyArn)
	if keyARN == "" {
		enc.KeyManager, enc.Note = KeyManagerAWS, "no key ARN reported: AWS managed key aws/dynamodb"
		return enc
	}
	k := s.keys.describe(ctx, keyARN, region)
	enc.KMSKeyARN, enc.KeyManager, enc.Error = k.arn, k.manager, k.err
	awsKey, err := s.awsKeys.get(region, func() (string, error) {
		ki := s.keys.describe(ctx, "alias/aws/dynamodb", region)
		if ki.err != "" {
			return "", errors.New(ki.err)
		}
		return ki.arn, nil
	})
	if err == nil && awsKey == enc.KMSKeyARN {
		enc.KeyManager, enc.Note = KeyManagerAWS, "AWS managed key aws/dynamodb"
	}
	return enc
}

// dynamoSegments chooses TotalSegments for a parallel scan from the table's
// item count: more segments for larger tables, so one segment is a small,
// random slice of the key space.
func dynamoSegments(itemCount int64, sample int) int {
	switch {
	case itemCount < 10*int64(sample):
		return 4
	case itemCount < 100*int64(sample):
		return 8
	default:
		return 16
	}
}

// sampleItems reads up to SampleItems items with a parallel Scan, starting at
// a random segment and moving to the next one until the sample is full or
// every segment was read, so the sample is not always the first items of the
// table. Each attribute path is classified with the path as field context.
func (s *DynamoDBScanner) sampleItems(ctx context.Context, region, arn, table string, p *TablePosture) (ObjectResult, []Finding, *ItemSampling) {
	res := ObjectResult{
		AssetARN: arn, Location: table, Format: "dynamodb:scan-segment", Size: p.SizeBytes,
		Status: StatusSkipped, ObservedAt: time.Now().UTC(), Kind: ObjectKindTable,
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.TableTimeout)
	defer cancel()
	total := dynamoSegments(p.ItemCount, s.opts.SampleItems)
	info := &ItemSampling{TotalSegments: total, FirstSegment: rand.IntN(total)}
	fl := newFlattener(s.opts.MaxPaths, s.opts.MaxDepth, s.opts.MaxValueBytes)
	var readErr error
	limited := false
segments:
	for k := 0; k < total; k++ {
		seg := (info.FirstSegment + k) % total
		info.SegmentsRead++
		var start map[string]ddbtypes.AttributeValue
		for {
			remaining := s.opts.SampleItems - int(info.Items)
			out, err := s.ddb.Scan(ctx, &dynamodb.ScanInput{
				TableName: aws.String(table), Segment: aws.Int32(int32(seg)), TotalSegments: aws.Int32(int32(total)),
				Limit: aws.Int32(int32(min(remaining, 1000))), ExclusiveStartKey: start,
			}, func(o *dynamodb.Options) { o.Region = region })
			if err != nil {
				readErr = err
				break segments
			}
			for _, item := range out.Items {
				fl.item(item)
				info.Items++
			}
			if int(info.Items) >= s.opts.SampleItems {
				break segments
			}
			if fl.bytes >= s.opts.MaxTableBytes {
				limited = true
				break segments
			}
			if len(out.LastEvaluatedKey) == 0 {
				break
			}
			start = out.LastEvaluatedKey
		}
	}
	res.BytesRead = fl.bytes
	info.Paths = len(fl.fields)
	switch {
	case readErr != nil && info.Items == 0:
		res.Reason = dynamoReason(readErr)
		s.log.Debug("dynamodb: table not sampled", "table", table, "reason", res.Reason, "error", describeErr(readErr))
		return res, nil, info
	case readErr != nil:
		res.Status, res.Reason = StatusPartial, dynamoReason(readErr)
	case limited:
		res.Status, res.Reason = StatusPartial, ReasonByteLimit
	default:
		res.Status = StatusComplete
	}
	paths := make([]string, 0, len(fl.fields))
	for path := range fl.fields {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	var findings []Finding
	for _, path := range paths {
		tmpl := Finding{AssetARN: arn, Service: "dynamodb", Region: region, Location: table + "#" + path, ObservedAt: res.ObservedAt}
		findings = append(findings, classifyField(s.engine, fl.fields[path], s.opts.MaxExamples, tmpl)...)
	}
	for _, f := range findings {
		res.Findings += f.Count
	}
	return res, findings, info
}

// dynamoReason maps a DynamoDB error to a reason code.
func dynamoReason(err error) string {
	switch errorCode(err) {
	case "AccessDeniedException", "UnrecognizedClientException":
		return ReasonPermissionDenied
	case "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded":
		return ReasonThrottled
	case "ResourceNotFoundException":
		return ReasonObjectUnavailable
	case "KMSAccessDeniedException", "KMSDisabledException", "KMSInvalidStateException", "KMSNotFoundException":
		return ReasonInvalidKMSKey
	}
	return readReason(err)
}

// otherPath collects the values of paths beyond MaxPaths.
const otherPath = "(other)"

// flattener turns items into per-path value lists: nested maps become
// dotted paths (profile.ssn), list elements share the path with "[]"
// appended (addresses[].zip), and the members of string, number and binary
// sets share their attribute's path. Booleans and nulls are skipped.
type flattener struct {
	fields   map[string]*fieldValues
	maxPaths int
	maxDepth int
	maxValue int
	bytes    int64
}

func newFlattener(maxPaths, maxDepth, maxValue int) *flattener {
	return &flattener{fields: map[string]*fieldValues{}, maxPaths: maxPaths, maxDepth: maxDepth, maxValue: maxValue}
}

// item adds every value of one item.
func (f *flattener) item(item map[string]ddbtypes.AttributeValue) {
	for _, k := range sortedAttrKeys(item) {
		f.value(k, item[k], 1)
	}
}

func (f *flattener) add(path string, v []byte) {
	fv, ok := f.fields[path]
	if !ok {
		if len(f.fields) >= f.maxPaths {
			path = otherPath
			fv = f.fields[path]
		}
		if fv == nil {
			fv = &fieldValues{name: path}
			f.fields[path] = fv
		}
	}
	f.bytes += int64(fv.add(v, f.maxValue))
}

func (f *flattener) value(path string, av ddbtypes.AttributeValue, depth int) {
	// Past MaxDepth the path stops growing: deeper values are still read,
	// under their deepest allowed ancestor's path.
	child := func(suffix string) string {
		if depth >= f.maxDepth {
			return path
		}
		return path + suffix
	}
	switch v := av.(type) {
	case *ddbtypes.AttributeValueMemberS:
		f.add(path, []byte(v.Value))
	case *ddbtypes.AttributeValueMemberN:
		f.add(path, []byte(v.Value))
	case *ddbtypes.AttributeValueMemberB:
		f.add(path, v.Value)
	case *ddbtypes.AttributeValueMemberSS:
		for _, e := range v.Value {
			f.add(path, []byte(e))
		}
	case *ddbtypes.AttributeValueMemberNS:
		for _, e := range v.Value {
			f.add(path, []byte(e))
		}
	case *ddbtypes.AttributeValueMemberBS:
		for _, e := range v.Value {
			f.add(path, e)
		}
	case *ddbtypes.AttributeValueMemberM:
		for _, k := range sortedAttrKeys(v.Value) {
			f.value(child("."+k), v.Value[k], depth+1)
		}
	case *ddbtypes.AttributeValueMemberL:
		for _, e := range v.Value {
			f.value(child("[]"), e, depth+1)
		}
	}
}

func sortedAttrKeys(m map[string]ddbtypes.AttributeValue) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
