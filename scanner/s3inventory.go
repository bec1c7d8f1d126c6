package scanner

import (
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/parquet-go/parquet-go"
)

// ReasonInventoryUnavailable marks a bucket whose configured or discovered
// S3 Inventory could not be used (not found, unreadable, ORC, for another
// bucket …): its keys were listed instead.
const ReasonInventoryUnavailable = "INVENTORY_UNAVAILABLE"

// Inventory limits.
const (
	// maxManifestBytes caps a manifest.json.
	maxManifestBytes = 16 << 20
	// maxInventoryLine caps one CSV line of an inventory file.
	maxInventoryLine = 64 << 10
	// inventoryRowsPerKey caps the rows read (noncurrent versions and
	// delete markers included) at this many times MaxKeysListed.
	inventoryRowsPerKey = 10
	// maxInventoryParquetBytes caps what one Parquet inventory file may
	// fetch through ranged GETs.
	maxInventoryParquetBytes = 4 << 30
	// inventoryBlock is the ranged-GET size for Parquet inventory files.
	inventoryBlock = 1 << 20
	// maxInventoryPrefixPages caps the listing of an inventory's dated
	// folders (1,000 a page).
	maxInventoryPrefixPages = 20
)

// errInventoryFormat is returned for an inventory in a format Cairn does
// not read (ORC).
var errInventoryFormat = errors.New("inventory format not supported (Cairn reads CSV and Parquet inventories)")

// errInventoryNoSize is returned for an inventory configured without the
// optional Size field, or with a current object whose size is blank: object
// sizes are unknown, so neither the empty objects nor the bucket's byte
// totals can be told from it, and the bucket is listed instead.
var errInventoryNoSize = errors.New("the inventory has no Size for its objects (sizes unknown)")

// inventoryFolderRE matches the dated folder of one inventory delivery.
var inventoryFolderRE = regexp.MustCompile(`/(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}Z)/$`)

// inventoryManifest is the part of an S3 Inventory manifest.json Cairn uses.
type inventoryManifest struct {
	SourceBucket      string `json:"sourceBucket"`
	DestinationBucket string `json:"destinationBucket"` // arn:aws:s3:::bucket
	CreationTimestamp string `json:"creationTimestamp"` // Unix milliseconds, as a string
	FileFormat        string `json:"fileFormat"`        // CSV, ORC, Parquet
	FileSchema        string `json:"fileSchema"`
	Files             []struct {
		Key  string `json:"key"`
		Size int64  `json:"size"`
	} `json:"files"`
}

// inventoryResult describes an inventory read into a sampler.
type inventoryResult struct {
	manifest  string    // s3://bucket/key of the manifest read
	created   time.Time // the inventory's creation time
	truncated bool      // the key or row cap stopped the read early
}

// s3Location is a bucket and key (or prefix).
type s3Location struct{ bucket, key string }

func (l s3Location) String() string { return "s3://" + l.bucket + "/" + l.key }

// parseS3URL splits s3://bucket/key.
func parseS3URL(raw string) (s3Location, error) {
	rest, ok := strings.CutPrefix(raw, "s3://")
	bucket, key, _ := strings.Cut(rest, "/")
	if !ok || bucket == "" {
		return s3Location{}, fmt.Errorf("%q is not an s3://bucket/prefix URL", raw)
	}
	return s3Location{bucket: bucket, key: key}, nil
}

// ValidateInventoryLocation checks a configured inventory location: an
// s3://destination-bucket/prefix/source-bucket/config-id/ folder or the
// s3:// URL of one manifest.json.
func ValidateInventoryLocation(raw string) error {
	_, err := parseS3URL(raw)
	return err
}

// inventoryLocation returns where to look for a bucket's inventory: the
// configured location, else, with DiscoverInventory, the folder of its
// first enabled, unfiltered CSV or Parquet inventory configuration (an
// ORC one is returned too, to be reported). ok is false when the bucket has
// no inventory to use; err reports a failed lookup.
func (s *S3Scanner) inventoryLocation(ctx context.Context, b bucketRef) (loc s3Location, ok bool, err error) {
	if raw, found := s.opts.Inventory[b.name]; found {
		loc, err := parseS3URL(raw)
		return loc, err == nil, err
	}
	if !s.opts.DiscoverInventory {
		return s3Location{}, false, nil
	}
	var configs []s3types.InventoryConfiguration
	in := &s3.ListBucketInventoryConfigurationsInput{Bucket: aws.String(b.name)}
	for page := 0; page < 10; page++ {
		out, err := s.s3.ListBucketInventoryConfigurations(ctx, in, func(o *s3.Options) { o.Region = b.region })
		if err != nil {
			return s3Location{}, false, fmt.Errorf("list inventory configurations: %w", err)
		}
		configs = append(configs, out.InventoryConfigurationList...)
		if !aws.ToBool(out.IsTruncated) || out.NextContinuationToken == nil {
			break
		}
		in.ContinuationToken = out.NextContinuationToken
	}
	rank := func(c s3types.InventoryConfiguration) int {
		switch c.Destination.S3BucketDestination.Format {
		case s3types.InventoryFormatCsv, s3types.InventoryFormatParquet:
			return 0
		}
		return 1
	}
	var usable []s3types.InventoryConfiguration
	for _, c := range configs {
		// A filtered inventory covers part of the bucket only.
		if aws.ToBool(c.IsEnabled) && c.Filter == nil && c.Destination != nil && c.Destination.S3BucketDestination != nil {
			usable = append(usable, c)
		}
	}
	if len(usable) == 0 {
		return s3Location{}, false, nil
	}
	sort.SliceStable(usable, func(i, j int) bool { return rank(usable[i]) < rank(usable[j]) })
	d := usable[0].Destination.S3BucketDestination
	dest := aws.ToString(d.Bucket)
	dest = dest[strings.LastIndex(dest, ":")+1:] // arn:aws:s3:::bucket
	prefix := strings.Trim(aws.ToString(d.Prefix), "/")
	if prefix != "" {
		prefix += "/"
	}
	return s3Location{bucket: dest, key: prefix + b.name + "/" + aws.ToString(usable[0].Id) + "/"}, true, nil
}

// readInventory finds the newest manifest at loc (or reads loc itself if it
// names a manifest.json) and streams the current versions it lists into
// smp, stopping at MaxKeysListed keys.
func (s *S3Scanner) readInventory(ctx context.Context, b bucketRef, loc s3Location, smp *sampler) (inventoryResult, error) {
	manifestLoc := loc
	if !strings.HasSuffix(loc.key, "manifest.json") {
		var err error
		if manifestLoc, err = s.newestManifest(ctx, b, loc); err != nil {
			return inventoryResult{}, err
		}
	}
	res := inventoryResult{manifest: manifestLoc.String()}
	body, err := s.getAll(ctx, b, manifestLoc, maxManifestBytes)
	if err != nil {
		return res, fmt.Errorf("read manifest %s: %w", manifestLoc, err)
	}
	var m inventoryManifest
	if err := json.Unmarshal(body, &m); err != nil {
		return res, fmt.Errorf("manifest %s: %w", manifestLoc, err)
	}
	if m.SourceBucket != b.name {
		return res, fmt.Errorf("manifest %s is the inventory of bucket %q", manifestLoc, m.SourceBucket)
	}
	if ms, err := strconv.ParseInt(m.CreationTimestamp, 10, 64); err == nil {
		res.created = time.UnixMilli(ms).UTC()
	}
	dest := m.DestinationBucket[strings.LastIndex(m.DestinationBucket, ":")+1:]
	if dest == "" {
		dest = manifestLoc.bucket
	}
	var read func(context.Context, s3Location, int64, *inventoryRows) error
	switch strings.ToUpper(m.FileFormat) {
	case "CSV":
		cols := map[string]int{}
		for i, name := range strings.Split(m.FileSchema, ",") {
			cols[strings.TrimSpace(name)] = i
		}
		if _, ok := cols["Key"]; !ok {
			return res, fmt.Errorf("manifest %s: the CSV schema has no Key field", manifestLoc)
		}
		if _, ok := cols["Size"]; !ok {
			return res, fmt.Errorf("manifest %s: %w", manifestLoc, errInventoryNoSize)
		}
		read = func(ctx context.Context, f s3Location, _ int64, rows *inventoryRows) error {
			return s.readInventoryCSV(ctx, b, f, cols, rows)
		}
	case "PARQUET":
		read = func(ctx context.Context, f s3Location, size int64, rows *inventoryRows) error {
			return s.readInventoryParquet(ctx, b, f, size, rows)
		}
	default:
		return res, fmt.Errorf("manifest %s: %s: %w", manifestLoc, m.FileFormat, errInventoryFormat)
	}
	rows := &inventoryRows{smp: smp, maxKeys: s.opts.MaxKeysListed, maxRows: inventoryRowsPerKey * s.opts.MaxKeysListed}
	for _, f := range m.Files {
		if err := read(ctx, s3Location{bucket: dest, key: f.Key}, f.Size, rows); err != nil {
			if errors.Is(err, errInventoryCapped) {
				res.truncated = true
				return res, nil
			}
			return res, fmt.Errorf("inventory file %s: %w", s3Location{bucket: dest, key: f.Key}, err)
		}
	}
	return res, nil
}

// newestManifest returns the manifest.json of the newest dated delivery in
// an inventory folder (prefix/YYYY-MM-DDTHH-MMZ/manifest.json).
func (s *S3Scanner) newestManifest(ctx context.Context, b bucketRef, loc s3Location) (s3Location, error) {
	prefix := loc.key
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	newest := ""
	p := s3.NewListObjectsV2Paginator(s.s3, &s3.ListObjectsV2Input{
		Bucket: aws.String(loc.bucket), Prefix: aws.String(prefix), Delimiter: aws.String("/"),
	})
	for page := 0; p.HasMorePages() && page < maxInventoryPrefixPages; page++ {
		out, err := p.NextPage(ctx, func(o *s3.Options) { o.Region = b.region })
		if err != nil {
			return s3Location{}, fmt.Errorf("list inventory deliveries in %s: %w", loc, err)
		}
		for _, cp := range out.CommonPrefixes {
			if d := aws.ToString(cp.Prefix); inventoryFolderRE.MatchString("/"+d) && d > newest {
				newest = d
			}
		}
	}
	if newest == "" {
		return s3Location{}, fmt.Errorf("no inventory delivery (YYYY-MM-DDTHH-MMZ/) in %s", loc)
	}
	return s3Location{bucket: loc.bucket, key: newest + "manifest.json"}, nil
}

// getAll reads a whole small object, failing past limit bytes.
func (s *S3Scanner) getAll(ctx context.Context, b bucketRef, loc s3Location, limit int64) ([]byte, error) {
	out, err := s.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(loc.bucket), Key: aws.String(loc.key)},
		func(o *s3.Options) { o.Region = b.region })
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	body, err := io.ReadAll(io.LimitReader(out.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return body, nil
}

// errInventoryCapped stops reading an inventory at the key or row cap.
var errInventoryCapped = errors.New("inventory cap reached")

// inventoryRows feeds inventory rows to the sampler under the caps.
type inventoryRows struct {
	smp     *sampler
	maxKeys int64
	maxRows int64
	rows    int64
}

// add offers one inventory row. It returns errInventoryCapped once a cap is
// reached and more rows remain to be read.
func (r *inventoryRows) add(o ObjectRef, current bool) error {
	if r.smp.Listed >= r.maxKeys || r.rows >= r.maxRows {
		return errInventoryCapped
	}
	r.rows++
	if o.ETag != "" && !strings.HasPrefix(o.ETag, `"`) {
		o.ETag = strconv.Quote(o.ETag) // as listings give it, for If-Match
	}
	if !current || (o.Size == 0 && strings.HasSuffix(o.Key, "/")) {
		return nil // a noncurrent version, a delete marker or a folder marker
	}
	r.smp.Add(o)
	return nil
}

// readInventoryCSV streams one gzipped CSV inventory file. The columns are
// those the manifest's fileSchema names; keys are URL-encoded.
func (s *S3Scanner) readInventoryCSV(ctx context.Context, b bucketRef, f s3Location, cols map[string]int, rows *inventoryRows) error {
	out, err := s.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(f.bucket), Key: aws.String(f.key)},
		func(o *s3.Options) { o.Region = b.region })
	if err != nil {
		return err
	}
	defer out.Body.Close()
	zr, err := gzip.NewReader(out.Body)
	if err != nil {
		return err
	}
	defer zr.Close()
	cr := csv.NewReader(&lineCap{r: zr, max: maxInventoryLine})
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	field := func(rec []string, name string) string {
		if i, ok := cols[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		key, err := url.QueryUnescape(field(rec, "Key"))
		if err != nil || key == "" {
			continue
		}
		size, err := strconv.ParseInt(field(rec, "Size"), 10, 64)
		current := field(rec, "IsLatest") != "false" && field(rec, "IsDeleteMarker") != "true"
		if err != nil && current {
			// A current object whose size is not given is not known to be
			// empty (delete markers have no size).
			return errInventoryNoSize
		}
		o := ObjectRef{
			Key: key, Size: size, StorageClass: field(rec, "StorageClass"), ETag: field(rec, "ETag"),
			Encryption: inventoryEncryption(field(rec, "EncryptionStatus")),
		}
		if t, err := time.Parse(time.RFC3339, field(rec, "LastModifiedDate")); err == nil {
			o.LastModified = t.UTC()
		}
		if err := rows.add(o, current); err != nil {
			return err
		}
	}
}

// readInventoryParquet reads one Parquet inventory file through ranged GETs.
func (s *S3Scanner) readInventoryParquet(ctx context.Context, b bucketRef, f s3Location, size int64, rows *inventoryRows) (err error) {
	if size <= 0 {
		return fmt.Errorf("the manifest gives no size")
	}
	ra := &s3ReaderAt{
		ctx: ctx, client: s.s3, bucket: f.bucket, key: f.key, region: b.region,
		size: size, budget: maxInventoryParquetBytes, block: inventoryBlock,
	}
	defer func() {
		// parquet-go may panic on a malformed file: an unreadable inventory, not a crash.
		if p := recover(); p != nil {
			err = fmt.Errorf("malformed parquet: %v", p)
		}
	}()
	pf, err := parquet.OpenFile(ra, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true), parquet.FileReadMode(parquet.ReadModeSync))
	if err != nil {
		return err
	}
	col := map[string]int{}
	for i, path := range pf.Schema().Columns() {
		if len(path) == 1 {
			col[path[0]] = i
		}
	}
	keyCol, ok := col["key"]
	if !ok {
		return fmt.Errorf("no key column")
	}
	idx := func(name string) int {
		if i, ok := col[name]; ok {
			return i
		}
		return -1
	}
	sizeCol, classCol, etagCol, encCol := idx("size"), idx("storage_class"), idx("e_tag"), idx("encryption_status")
	if sizeCol < 0 {
		return errInventoryNoSize
	}
	modCol, latestCol, deleteCol := idx("last_modified_date"), idx("is_latest"), idx("is_delete_marker")

	r := parquet.NewReader(pf)
	defer r.Close()
	buf := make([]parquet.Row, 128)
	for {
		n, err := r.ReadRows(buf)
		for _, row := range buf[:n] {
			var o ObjectRef
			current, sized := true, false
			for _, v := range row {
				if v.IsNull() {
					continue
				}
				switch v.Column() {
				case keyCol:
					o.Key = string(v.ByteArray())
				case sizeCol:
					o.Size, sized = v.Int64(), true
				case classCol:
					o.StorageClass = string(v.ByteArray())
				case etagCol:
					o.ETag = string(v.ByteArray())
				case encCol:
					o.Encryption = inventoryEncryption(string(v.ByteArray()))
				case modCol:
					o.LastModified = time.UnixMilli(v.Int64()).UTC()
				case latestCol:
					current = current && v.Boolean()
				case deleteCol:
					current = current && !v.Boolean()
				}
			}
			if o.Key == "" {
				continue
			}
			if current && !sized {
				return errInventoryNoSize // see readInventoryCSV
			}
			if aerr := rows.add(o, current); aerr != nil {
				return aerr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// inventoryEncryption maps an inventory's EncryptionStatus to the values
// object_results.encryption takes from a GET response (x-amz-server-side-encryption,
// or SSE-C), so the column reads the same whichever source filled it.
func inventoryEncryption(v string) string {
	switch v {
	case "SSE-S3":
		return "AES256"
	case "SSE-KMS":
		return "aws:kms"
	case "DSSE-KMS":
		return "aws:kms:dsse"
	case "SSE-C":
		return "SSE-C"
	}
	return "" // NOT-SSE, or not in the inventory
}

// errLongLine is returned by lineCap for a line past its cap.
var errLongLine = errors.New("line too long")

// lineCap fails a read once a line grows past max bytes, so a hostile CSV
// cannot make the CSV reader buffer without bound.
type lineCap struct {
	r   io.Reader
	max int
	run int
}

// Read implements io.Reader.
func (l *lineCap) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for _, c := range p[:n] {
		if c == '\n' {
			l.run = 0
			continue
		}
		if l.run++; l.run > l.max {
			return n, errLongLine
		}
	}
	return n, err
}

// fromInventory reads a bucket's inventory, when one is configured or
// discovered, into a new sampler. It returns a nil result when the bucket
// is to be listed instead, with the reason to record when an inventory was
// expected but could not be used.
func (s *S3Scanner) fromInventory(ctx context.Context, b bucketRef) (*sampler, *inventoryResult, string) {
	loc, ok, err := s.inventoryLocation(ctx, b)
	if err != nil {
		s.log.Warn("s3: inventory lookup", "bucket", b.name, "error", describeErr(err))
		return nil, nil, ReasonInventoryUnavailable + ": " + inventoryErr(err) + "; listed instead"
	}
	if !ok {
		return nil, nil, ""
	}
	smp := newSampler(b.name, s.opts.SampleObjects)
	res, err := s.readInventory(ctx, b, loc, smp)
	if err != nil {
		s.log.Warn("s3: inventory not used", "bucket", b.name, "location", loc.String(), "error", err)
		return nil, nil, ReasonInventoryUnavailable + ": " + inventoryErr(err) + "; listed instead"
	}
	s.log.Info("s3: keys read from inventory", "bucket", b.name, "manifest", res.manifest, "keys", smp.Listed)
	return smp, &res, ""
}

// inventoryErr describes an inventory failure for the asset's reason: the
// AWS error code when there is one, else the message (which names only
// locations and formats, never object content).
func inventoryErr(err error) string {
	if code := errorCode(err); code != "" {
		return code
	}
	return err.Error()
}
