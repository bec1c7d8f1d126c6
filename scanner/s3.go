package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/smithy-go"
	"github.com/sourcegraph/conc/pool"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner/readers"
)

// Options bound and shape an S3 scan. Zero values take the defaults.
type Options struct {
	Regions       []string      // scan buckets in these regions only; empty = every region
	Buckets       []string      // scan only these buckets; empty = all
	SampleObjects int           // objects sampled per bucket (default 100)
	SampleBytes   int64         // bytes read per object (default 1 MiB)
	MaxKeysListed int64         // keys listed per bucket before sampling stops listing (default 100,000)
	Concurrency   int           // objects read at once across the scan (default 4 × cores, at least 8)
	ObjectTimeout time.Duration // time allowed to read one object (default 60 s)
	MaxExamples   int           // redacted examples kept per finding (default 3)
	// Inventory maps bucket names to the S3 Inventory to read instead of
	// listing the bucket: s3://destination-bucket/prefix/source-bucket/config-id/
	// (the newest dated delivery is used) or the s3:// URL of a manifest.json.
	Inventory map[string]string
	// DiscoverInventory looks up the inventory configurations of buckets not
	// in Inventory and reads the newest delivery of an enabled, unfiltered one.
	DiscoverInventory bool
	// Filter leaves buckets out of this run by ARN (nil scans every bucket).
	Filter AssetFilter
	// Parts restricts the scan of a bucket, by name, to these parts of it (a
	// bucket split by prefix in a work plan, see BucketPart); a bucket not in
	// Parts is scanned whole.
	Parts map[string][]BucketPart
}

// withDefaults fills in zero values.
func (o Options) withDefaults() Options {
	if o.SampleObjects <= 0 {
		o.SampleObjects = 100
	}
	if o.SampleBytes <= 0 {
		o.SampleBytes = 1 << 20
	}
	if o.MaxKeysListed <= 0 {
		o.MaxKeysListed = 100_000
	}
	if o.Concurrency <= 0 {
		o.Concurrency = max(8, 4*runtime.NumCPU())
	}
	if o.ObjectTimeout <= 0 {
		o.ObjectTimeout = 60 * time.Second
	}
	if o.MaxExamples <= 0 {
		o.MaxExamples = defaultMaxExamples
	}
	return o
}

// S3Scanner discovers buckets, records their posture, samples and
// classifies their objects. It is safe for one Scan at a time.
type S3Scanner struct {
	cfg     aws.Config
	ao      AWSOptions
	s3      *s3.Client
	control *s3control.Client
	keys    *keyResolver
	engine  *classifiers.Engine
	opts    Options
	log     *slog.Logger
}

// NewS3Scanner builds a scanner from a guarded config (LoadAWSConfig).
func NewS3Scanner(cfg aws.Config, ao AWSOptions, engine *classifiers.Engine, opts Options, log *slog.Logger) *S3Scanner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &S3Scanner{
		cfg:     cfg,
		ao:      ao,
		s3:      NewS3Client(cfg, ao),
		control: NewS3ControlClient(cfg, ao),
		keys:    newKeyResolver(kms.NewFromConfig(cfg)),
		engine:  engine,
		opts:    opts.withDefaults(),
		log:     log,
	}
}

// Scan scans every bucket of the account and streams results to sink. It
// returns an error only for setup failures (buckets cannot be listed) or a
// failing sink; everything else is recorded per item and counted in Stats.
func (s *S3Scanner) Scan(ctx context.Context, account string, sink Sink) (Stats, error) {
	buckets, err := s.listBuckets(ctx)
	if err != nil {
		return Stats{}, err
	}
	buckets = slices.DeleteFunc(buckets, func(b bucketRef) bool { return !s.opts.Filter.keep(bucketARN(b.name)) })
	s.log.Info("s3: buckets to scan", "count", len(buckets))
	accountBPA := accountBlockPublicAccess(ctx, s.control, account)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	col := startCollector(ctx, sink, cancel)

	// Reads are bounded across the whole scan by one semaphore; buckets run a
	// few at a time so posture calls and listings overlap with reads.
	sem := make(chan struct{}, s.opts.Concurrency)
	bp := pool.New().WithContext(ctx).WithMaxGoroutines(min(4, len(buckets)+1))
	for _, b := range buckets {
		bp.Go(func(ctx context.Context) error {
			s.scanBucket(ctx, b, accountBPA, sem, col.results)
			return nil
		})
	}
	_ = bp.Wait()
	stats, sinkErr := col.finish()
	if sinkErr != nil {
		return stats, fmt.Errorf("s3: record results: %w", sinkErr)
	}
	return stats, ctx.Err()
}

// bucketARN is the ARN of an S3 bucket.
func bucketARN(name string) string { return "arn:aws:s3:::" + name }

// bucketRef is a discovered bucket.
type bucketRef struct{ name, region string }

// listBuckets lists the account's buckets with their regions, filtered by
// Options.Regions and Options.Buckets.
func (s *S3Scanner) listBuckets(ctx context.Context) ([]bucketRef, error) {
	want := map[string]bool{}
	for _, b := range s.opts.Buckets {
		want[b] = true
	}
	regions := map[string]bool{}
	for _, r := range s.opts.Regions {
		regions[r] = true
	}
	var out []bucketRef
	p := s3.NewListBucketsPaginator(s.s3, &s3.ListBucketsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("s3: list buckets: %w", err)
		}
		for _, b := range page.Buckets {
			name := aws.ToString(b.Name)
			if len(want) > 0 && !want[name] {
				continue
			}
			region := aws.ToString(b.BucketRegion)
			if region == "" {
				region = s.bucketRegion(ctx, name)
			}
			if len(regions) > 0 && !regions[region] {
				continue
			}
			out = append(out, bucketRef{name: name, region: region})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// bucketRegion asks S3 where a bucket lives (locationRegion). On error it
// returns the client's
// region: the per-bucket calls that follow will record their own errors.
func (s *S3Scanner) bucketRegion(ctx context.Context, bucket string) string {
	out, err := s.s3.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)})
	if err != nil {
		s.log.Warn("s3: bucket location", "bucket", bucket, "error", describeErr(err))
		return s.s3.Options().Region
	}
	return locationRegion(out.LocationConstraint)
}

// locationRegion is the region of a GetBucketLocation answer: an empty
// constraint means us-east-1 and "EU" means eu-west-1.
func locationRegion(c s3types.BucketLocationConstraint) string {
	switch c {
	case "":
		return "us-east-1"
	case s3types.BucketLocationConstraintEu:
		return "eu-west-1"
	default:
		return string(c)
	}
}

// scanBucket records one bucket's posture, samples and reads its objects,
// and finally sends the asset row with the rolled-up data classes.
func (s *S3Scanner) scanBucket(ctx context.Context, b bucketRef, accountBPA BlockPublicAccess, sem chan struct{}, results chan<- result) {
	if parts, ok := s.opts.Parts[b.name]; ok {
		for _, p := range parts {
			if p.Root {
				s.scanBucketPart(ctx, b, accountBPA, p, sem, results)
			} else {
				s.scanPrefixPart(ctx, b, p.Prefix, sem, results)
			}
		}
		return
	}
	s.scanBucketPart(ctx, b, accountBPA, BucketPart{}, sem, results)
}

// scanBucketPart scans a whole bucket, or with part.Root the root part of a
// bucket split by prefix (its keys outside every top-level prefix), and
// sends the bucket's asset row.
func (s *S3Scanner) scanBucketPart(ctx context.Context, b bucketRef, accountBPA BlockPublicAccess, part BucketPart, sem chan struct{}, results chan<- result) {
	started := time.Now().UTC()
	arn := bucketARN(b.name)
	posture := s.bucketPosture(ctx, b.name, b.region, accountBPA)
	asset := Asset{
		ARN: arn, Service: "s3", Region: b.region, Name: b.name,
		Encryption:    posture.Encryption.Type,
		KMSKeyARN:     posture.Encryption.KMSKeyARN,
		KMSKeyManager: posture.Encryption.KeyManager,
		Public:        posture.Public,
		PublicReason:  posture.PublicReason,
		Status:        StatusComplete,
		ObservedAt:    started,
	}
	if asset.KMSKeyARN == "" && posture.Encryption.KMSKeyID != "" {
		asset.KMSKeyARN = posture.Encryption.KMSKeyID
	}
	var reasons []string
	if len(posture.Incomplete) > 0 {
		asset.Status = StatusPartial
		reasons = append(reasons, ReasonPostureIncomplete+": "+strings.Join(posture.Incomplete, ","))
	}

	var smp *sampler
	var inv *inventoryResult
	var invReason string
	if !part.Root {
		smp, inv, invReason = s.fromInventory(ctx, b)
	}
	var truncated bool
	var listErr error
	if inv != nil {
		truncated = inv.truncated
		asset.ListingSource, asset.InventoryDate = ListingSourceInventory, inv.created
		asset.BucketObjects, asset.BucketBytes, asset.TotalsSource, asset.TotalsAt = smp.Listed, smp.ListedBytes, TotalsInventory, inv.created
	} else {
		if invReason != "" {
			reasons = append(reasons, invReason)
		}
		smp = newSampler(b.name, s.opts.SampleObjects)
		listIn := &s3.ListObjectsV2Input{Bucket: aws.String(b.name)}
		if part.Root {
			listIn.Delimiter = aws.String("/")
			reasons = append(reasons, fmt.Sprintf("%s: this row covers the keys outside the bucket's top-level prefixes; %d prefixes are scanned as separate units", ReasonSplitByPrefix, part.Prefixes))
		}
		var seen map[string]bool
		var onPrefix func(string)
		if part.Root {
			seen = map[string]bool{}
			onPrefix = func(p string) {
				if len(seen) <= maxUnplannedSeen {
					seen[p] = true
				}
			}
		}
		truncated, listErr = s.list(ctx, b, listIn, smp, onPrefix)
		asset.ListingSource = ListingSourceList
		asset.BucketObjects, asset.BucketBytes, asset.TotalsSource, asset.TotalsAt = smp.Listed, smp.ListedBytes, TotalsListing, time.Now().UTC()
		if n := unplannedPrefixes(part, seen); n > 0 {
			// Keys under those prefixes belong to no part of the plan: not
			// scanned, and the totals are not the bucket's outside the parts.
			asset.Status = StatusPartial
			asset.TotalsSource = TotalsLowerBound
			reasons = append(reasons, fmt.Sprintf("%s: %d top-level prefixes not in the plan (created after it) were not scanned", ReasonUnplannedPrefixes, n))
			s.log.Warn("s3: top-level prefixes not in the plan", "bucket", b.name, "count", n)
		}
	}
	asset.ObjectCount, asset.TotalBytes, asset.ListingTruncated = smp.Listed, smp.ListedBytes, truncated
	if truncated {
		how := "listed"
		if inv != nil {
			how = "read from the inventory"
		}
		reasons = append(reasons, fmt.Sprintf("%s: %s the first %d keys", ReasonListingCapped, how, s.opts.MaxKeysListed))
	}
	if listErr != nil {
		asset.Status = StatusError
		reasons = append(reasons, ReasonListFailed+": "+describeErr(listErr))
	}
	if truncated || listErr != nil {
		reasons = append(reasons, s.bucketTotals(ctx, b, &asset)...)
	}

	sample := smp.Sample(s.opts.SampleObjects)
	rs := s.readSample(ctx, b, arn, "", sample, sem, results)
	asset.SampledObjects, asset.SampledBytes = rs.objects, rs.bytes
	if rs.skipped > 0 {
		if asset.Status == StatusComplete {
			asset.Status = StatusPartial
		}
		reasons = append(reasons, fmt.Sprintf("%s: %d of %d sampled objects", ReasonObjectsSkipped, rs.skipped, len(sample)))
	}
	asset.DataClasses = rs.tally.classes()
	asset.SensitivityScore = rs.tally.score()
	asset.Reason = strings.Join(reasons, "; ")
	asset.Posture = postureJSON(posture)
	results <- storeResult(ctx, &asset)
}

// scanPrefixPart scans the keys under prefix of a bucket split by prefix:
// its objects and findings only, with a sample of its own (seeded from the
// bucket and the prefix). The bucket's root part sends the asset row.
func (s *S3Scanner) scanPrefixPart(ctx context.Context, b bucketRef, prefix string, sem chan struct{}, results chan<- result) {
	arn := bucketARN(b.name)
	smp := newSampler(b.name+"/"+prefix, s.opts.SampleObjects)
	truncated, err := s.list(ctx, b, &s3.ListObjectsV2Input{Bucket: aws.String(b.name), Prefix: aws.String(prefix)}, smp, nil)
	if err != nil {
		// Nothing of this part can be read: one SKIPPED row says so, so the
		// part is never taken for clean.
		results <- result{object: &ObjectResult{AssetARN: arn, Location: prefix, Status: StatusSkipped,
			Reason: ReasonListFailed, ObservedAt: time.Now().UTC(), Kind: ObjectKindPrefix, Part: prefix}}
		s.log.Warn("s3: prefix listing failed", "bucket", b.name, "prefix", prefix, "error", describeErr(err))
	}
	if truncated {
		// The part has no asset row of its own: its PREFIX row is what the
		// history keeps of the cap (the root part's row cannot know it).
		results <- result{object: &ObjectResult{AssetARN: arn, Location: prefix, Status: StatusPartial,
			Reason: ReasonListingCapped, Size: smp.ListedBytes, ObservedAt: time.Now().UTC(), Kind: ObjectKindPrefix, Part: prefix}}
		s.log.Info("s3: prefix listing capped", "bucket", b.name, "prefix", prefix, "keys", smp.Listed)
	}
	s.readSample(ctx, b, arn, prefix, smp.Sample(s.opts.SampleObjects), sem, results)
}

// sampleRead is what reading a sample produced.
type sampleRead struct {
	objects, bytes int64
	skipped        int
	tally          storeTally
}

// readSample reads the sampled objects, bounded by sem, and sends their
// object results and findings. part is the prefix of a split bucket's prefix
// part ("" otherwise), recorded on every object result.
func (s *S3Scanner) readSample(ctx context.Context, b bucketRef, arn, part string, sample []ObjectRef, sem chan struct{}, results chan<- result) sampleRead {
	tally := storeTally{}
	var sampled, sampledBytes int64
	var mu sync.Mutex
	var skipped int
	var wg sync.WaitGroup
	for _, o := range sample {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			objResults, findings := s.readObject(ctx, b, arn, o)
			res := objResults[0]
			mu.Lock()
			sampled++
			sampledBytes += res.BytesRead
			if res.Status == StatusSkipped {
				skipped++
			}
			for i := range findings {
				tally.add(findings[i])
			}
			mu.Unlock()
			for i := range objResults {
				objResults[i].Part = part
				results <- result{object: &objResults[i]}
			}
			for i := range findings {
				results <- result{finding: &findings[i]}
			}
		}()
	}
	wg.Wait()
	return sampleRead{objects: sampled, bytes: sampledBytes, skipped: skipped, tally: tally}
}

// maxUnplannedSeen bounds the top-level prefixes a root part remembers.
const maxUnplannedSeen = 10_000

// unplannedPrefixes is how many of the top-level prefixes a root part's
// listing saw no part of the plan covers: those not in part.Planned, or,
// when the plan did not record them, how many more there are than parts.
func unplannedPrefixes(part BucketPart, seen map[string]bool) int {
	if !part.Root {
		return 0
	}
	if part.Planned == nil {
		return max(0, len(seen)-part.Prefixes)
	}
	n := 0
	for p := range seen {
		if !slices.Contains(part.Planned, p) {
			n++
		}
	}
	return n
}

// list pages through a bucket's keys into the sampler, up to MaxKeysListed,
// passing the common prefixes of a delimited listing to onPrefix (if not
// nil). It returns whether the cap cut the listing short.
func (s *S3Scanner) list(ctx context.Context, b bucketRef, in *s3.ListObjectsV2Input, smp *sampler, onPrefix func(string)) (bool, error) {
	p := s3.NewListObjectsV2Paginator(s.s3, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, func(o *s3.Options) { o.Region = b.region })
		if err != nil {
			return false, fmt.Errorf("s3: list %s: %w", b.name, err)
		}
		if onPrefix != nil {
			for _, cp := range page.CommonPrefixes {
				onPrefix(aws.ToString(cp.Prefix))
			}
		}
		for i, o := range page.Contents {
			key := aws.ToString(o.Key)
			size := aws.ToInt64(o.Size)
			if size == 0 && strings.HasSuffix(key, "/") {
				continue // folder marker
			}
			class := string(o.StorageClass)
			if class == "" {
				class = "STANDARD" // a listing always knows it; S3 may leave STANDARD out
			}
			smp.Add(ObjectRef{Key: key, Size: size, StorageClass: class, ETag: aws.ToString(o.ETag), LastModified: aws.ToTime(o.LastModified)})
			if smp.Listed >= s.opts.MaxKeysListed && (i < len(page.Contents)-1 || p.HasMorePages()) {
				return true, nil
			}
		}
	}
	return false, nil
}

// readObject reads one object with a ranged GET of its first SampleBytes,
// then hands it to the readers: streaming formats are read from that
// prefix alone, random-access formats (zip central directory, Parquet
// footer) fetch what else they need through further ranged GETs. Every
// outcome is an ObjectResult, plus one per archive entry that was not fully
// read; failures carry a reason code and never abort the scan.
func (s *S3Scanner) readObject(ctx context.Context, b bucketRef, arn string, o ObjectRef) ([]ObjectResult, []Finding) {
	res := ObjectResult{
		AssetARN: arn, Location: o.Key, Size: o.Size, StorageClass: o.StorageClass,
		Encryption: o.Encryption, // the inventory's, until a GET answers
		Status:     StatusSkipped, ObservedAt: time.Now().UTC(), Kind: ObjectKindObject,
	}
	if o.Size == 0 {
		res.Status, res.Format = StatusComplete, string(readers.FormatText)
		return []ObjectResult{res}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.ObjectTimeout)
	defer cancel()

	want := min(o.Size, s.opts.SampleBytes)
	out, prefix, err := getRange(ctx, s.s3, &s3.GetObjectInput{
		Bucket: aws.String(b.name),
		Key:    aws.String(o.Key),
		Range:  aws.String(fmt.Sprintf("bytes=0-%d", want-1)),
	}, want, func(opt *s3.Options) { opt.Region = b.region })
	if out == nil {
		res.Reason = readReason(err)
		s.log.Debug("s3: object skipped", "bucket", b.name, "key", o.Key, "reason", res.Reason, "error", describeErr(err))
		return []ObjectResult{res}, nil
	}
	if out.ServerSideEncryption != "" {
		res.Encryption = string(out.ServerSideEncryption)
	}
	if res.StorageClass == "" {
		// An inventory without the StorageClass field: the GET tells it,
		// and S3 leaves the header out for STANDARD only.
		res.StorageClass = string(out.StorageClass)
		if res.StorageClass == "" {
			res.StorageClass = "STANDARD"
		}
	}
	if out.SSECustomerAlgorithm != nil {
		res.Encryption = "SSE-C"
	}
	if err != nil {
		// Every attempt's body ended before the range asked for.
		res.BytesRead, res.Reason = int64(len(prefix)), readReason(err)
		s.log.Debug("s3: object skipped", "bucket", b.name, "key", o.Key, "reason", res.Reason, "error", describeErr(err))
		return []ObjectResult{res}, nil
	}

	rest := &s3ReaderAt{
		ctx: ctx, client: s.s3, bucket: b.name, key: o.Key, region: b.region, etag: o.ETag,
		size: o.Size, budget: maxRandomAccessBytes,
	}
	src := readers.Source{Name: o.Key, Size: o.Size, At: prefixReaderAt{prefix: prefix, rest: rest}, Head: prefix[:min(len(prefix), 4096)]}
	lim := readers.DefaultLimits()
	lim.MaxBytes = s.opts.SampleBytes
	lim.Timeout = s.opts.ObjectTimeout

	aggs := newLocationAggs(o.Key, s.opts.MaxExamples)
	rr, err := readers.ReadSource(ctx, src, lim, func(seg readers.Segment) error {
		aggs.add(seg.Entry, seg.Field, s.engine.ScanSummaries(seg.Data, seg.Field, s.opts.MaxExamples, maxFingerprints))
		return nil
	})
	res.Format, res.Status, res.Reason = string(rr.Format), string(rr.Status), string(rr.Reason)
	res.BytesRead = int64(len(prefix)) + rest.Fetched() // bytes downloaded from S3
	if err != nil && res.Reason == "" {
		res.Reason = readReason(err)
	}
	if res.Status == "" {
		res.Status = StatusSkipped
	}

	findings := aggs.findings(Finding{AssetARN: arn, Service: "s3", Region: b.region, ObservedAt: res.ObservedAt})
	for _, f := range findings {
		res.Findings += f.Count
	}
	results := []ObjectResult{res}
	for _, e := range rr.Entries {
		if e.Status == readers.StatusComplete {
			continue
		}
		results = append(results, ObjectResult{
			AssetARN: arn, Location: o.Key + "!" + e.Entry, Format: string(e.Format), Status: string(e.Status),
			Reason: string(e.Reason), BytesRead: e.Bytes, StorageClass: res.StorageClass,
			Encryption: res.Encryption, ObservedAt: res.ObservedAt, Kind: ObjectKindArchiveEntry,
		})
	}
	return results, findings
}

// bodyAttempts is how many times getRange makes a ranged GET whose body
// breaks off before its Content-Length. The SDK retries a call that fails,
// but not a response that starts well and is cut mid-stream (a reset
// connection, a load balancer timing out): without this, one dropped
// connection would turn a readable object into a skip.
const bodyAttempts = 3

// bodyRetryWait is the wait before the second body attempt; it doubles after.
var bodyRetryWait = 100 * time.Millisecond

// getRange GETs in, whose Range asks for n bytes, and reads the whole body.
// A body that ends early is fetched again, up to bodyAttempts times in all.
// It returns the last response (nil if the call itself failed, the SDK's
// retries included) and the bytes read; a non-nil error with a non-nil
// response means every body was cut short, and data holds the last one.
func getRange(ctx context.Context, client *s3.Client, in *s3.GetObjectInput, n int64, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, []byte, error) {
	wait := bodyRetryWait
	for attempt := 1; ; attempt++ {
		out, err := client.GetObject(ctx, in, optFns...)
		if err != nil {
			return nil, nil, err
		}
		data := make([]byte, n)
		k, err := io.ReadFull(out.Body, data)
		out.Body.Close()
		if err == nil {
			return out, data, nil
		}
		err = fmt.Errorf("s3: get %s %s: body ended after %d of %d bytes: %w", aws.ToString(in.Key), aws.ToString(in.Range), k, n, err)
		if attempt >= bodyAttempts || ctx.Err() != nil || !transientBodyErr(err) {
			return out, data[:k], err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return out, data[:k], err
		case <-t.C:
		}
		wait *= 2
	}
}

// transientBodyErr reports whether a failed body read may succeed when
// fetched again: the body was cut short or the connection dropped. (A
// body shorter than its range with a matching Content-Length also ends in
// io.ErrUnexpectedEOF: retried too, it costs a few GETs before the skip.)
func transientBodyErr(err error) bool {
	var ne net.Error
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.As(err, &ne)
}

// maxRandomAccessBytes caps what one object's random-access reads (zip
// central directory, Parquet footer and row groups) may fetch beyond the
// first ranged GET.
const maxRandomAccessBytes = 64 << 20

// prefixReaderAt serves reads from an already fetched prefix of the object
// and sends the rest to S3, so formats read front to back cost one GET.
type prefixReaderAt struct {
	prefix []byte
	rest   *s3ReaderAt
}

// ReadAt implements io.ReaderAt.
func (p prefixReaderAt) ReadAt(b []byte, off int64) (int, error) {
	if off < int64(len(p.prefix)) {
		n := copy(b, p.prefix[off:])
		if n == len(b) {
			return n, nil
		}
		m, err := p.rest.ReadAt(b[n:], off+int64(n))
		return n + m, err
	}
	return p.rest.ReadAt(b, off)
}

// readReason maps a read error to a reason code.
func readReason(err error) string {
	code := errorCode(err)
	var re interface{ HTTPStatusCode() int }
	status := 0
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	var ae smithy.APIError
	msg := ""
	if errors.As(err, &ae) {
		msg = strings.ToLower(ae.ErrorMessage())
	}
	switch {
	case code == "InvalidObjectState":
		return ReasonInvalidObjectState
	case code == "InvalidRequest" && strings.Contains(msg, "server side encryption"),
		code == "InvalidArgument" && strings.Contains(msg, "encryption"):
		return ReasonInvalidEncryption
	case strings.HasPrefix(code, "KMS.") || code == "KMSDisabledException" || code == "KMSInvalidStateException":
		return ReasonInvalidKMSKey
	case code == "AccessDenied" && strings.Contains(msg, "kms"):
		return ReasonInvalidKMSKey
	case code == "AccessDenied" || code == "AllAccessDisabled" || status == 403:
		return ReasonPermissionDenied
	case code == "NoSuchKey" || status == 404:
		return ReasonObjectUnavailable
	case code == "SlowDown" || code == "Throttling" || code == "ThrottlingException" || code == "RequestLimitExceeded" || status == 503 || status == 429:
		return ReasonThrottled
	case status == 400 && code == "":
		// A HEAD-style 400 without a body is how S3 refuses SSE-C objects.
		return ReasonInvalidEncryption
	case errors.Is(err, context.DeadlineExceeded):
		return ReasonTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return ReasonTimeout
	}
	return ReasonReadError
}
