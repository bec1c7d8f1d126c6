// Package scanner does all of Cairn's AWS and database I/O: discovery,
// posture collection, sampling, object readers, worker pools and the join.
// Every AWS call goes through the read-only guard (guard.go).
package scanner

import (
	"encoding/json"
	"sort"
	"time"

	"github.com/cairnsec/cairn/classifiers"
)

// Object and asset statuses.
const (
	StatusComplete = "COMPLETE"
	StatusPartial  = "PARTIAL"
	StatusSkipped  = "SKIPPED"
	StatusError    = "ERROR"
)

// Reason codes for objects and assets that were not (fully) read. The
// names follow Amazon Macie's skip reasons where Macie has one.
const (
	ReasonUnsupportedFileType = "UNSUPPORTED_FILE_TYPE"
	ReasonExceedsSizeQuota    = "OBJECT_EXCEEDS_SIZE_QUOTA"
	ReasonInvalidObjectState  = "INVALID_OBJECT_STATE" // Glacier / Deep Archive not restored
	ReasonPermissionDenied    = "PERMISSION_DENIED"
	ReasonInvalidEncryption   = "INVALID_ENCRYPTION" // SSE-C: the customer key is needed
	ReasonInvalidKMSKey       = "INVALID_KMS_KEY"    // KMS key disabled, deleted or not usable by Cairn
	ReasonObjectUnavailable   = "OBJECT_UNAVAILABLE" // deleted between listing and reading
	ReasonThrottled           = "THROTTLED"          // retries exhausted
	ReasonTimeout             = "TIMEOUT"
	ReasonReadError           = "READ_ERROR"
	// ReasonByteLimit marks an object of which only the first --sample-bytes
	// were read (status PARTIAL).
	ReasonByteLimit = "SAMPLE_BYTE_LIMIT"
	// ReasonMalformed marks content that did not parse as its format and was
	// classified as plain text instead.
	ReasonMalformed = "MALFORMED_CONTENT"
	// ReasonListingCapped marks a bucket whose listing stopped at the key cap.
	ReasonListingCapped = "LISTING_CAPPED"
	// ReasonPostureIncomplete marks an asset some of whose posture could not be read.
	ReasonPostureIncomplete = "POSTURE_INCOMPLETE"
	// ReasonObjectsSkipped marks an asset some of whose sampled objects were skipped.
	ReasonObjectsSkipped = "OBJECTS_SKIPPED"
	// Reasons from the readers (scanner/readers, docs/formats.md) for
	// hostile or damaged content.
	ReasonDecompressionBomb = "DECOMPRESSION_BOMB"
	ReasonArchiveDepthLimit = "ARCHIVE_DEPTH_LIMIT"
	ReasonArchiveEntryLimit = "ARCHIVE_ENTRY_LIMIT"
	ReasonCorruptFile       = "CORRUPT_FILE"
	ReasonEncryptedFile     = "ENCRYPTED_FILE"
	// ReasonListFailed marks a bucket whose objects could not be listed.
	ReasonListFailed = "LIST_FAILED"
	// ReasonTotalsUnavailable marks a bucket whose listing stopped early and
	// whose totals could not be read from CloudWatch either: its
	// BucketObjects and BucketBytes are lower bounds.
	ReasonTotalsUnavailable = "TOTALS_UNAVAILABLE"
	// ReasonSplitByPrefix marks the asset row of a bucket a work plan split by
	// prefix: the row's object counts, sample and data classes cover the
	// bucket's root part only (the findings of every part carry its ARN).
	ReasonSplitByPrefix = "SPLIT_BY_PREFIX"
	// ReasonUnplannedPrefixes marks the asset row of a split bucket whose
	// root part found top-level prefixes that no part of the plan covers
	// (created after the plan): their keys were not scanned.
	ReasonUnplannedPrefixes = "UNPLANNED_PREFIXES"
)

// CouldNotRead reports whether an object_results reason code means data
// exists that Cairn was unable to read (the scan is then INCOMPLETE). A
// resumed scan uses it to count what earlier parts could not read.
func CouldNotRead(reason string) bool { return couldNotRead(reason) }

// couldNotRead reports whether a skip reason means data exists that Cairn
// was unable to read, which makes the scan INCOMPLETE. Unsupported formats
// are recorded but are a known limit of the readers, not a failed read.
func couldNotRead(reason string) bool {
	switch reason {
	case ReasonUnsupportedFileType, ReasonByteLimit, ReasonMalformed, "",
		// Policy limits on hostile or oversized content: recorded, but the
		// limit is the verdict, not a failed read.
		ReasonExceedsSizeQuota, ReasonDecompressionBomb, ReasonArchiveDepthLimit, ReasonArchiveEntryLimit,
		ReasonUnsupportedEngine, ReasonColumnLimit, ReasonTableLimit,
		// A capped listing (a split bucket's prefix part) is sampled as a
		// whole bucket's is: the cap is a bound, not a failed read.
		ReasonListingCapped:
		return false
	}
	return true
}

// Asset is a data store (bucket, database, table) with its posture and what
// sampling found in it.
type Asset struct {
	ARN              string
	Service          string // s3, rds, dynamodb
	Region           string
	Name             string
	Encryption       string // NONE, SSE-S3, SSE-KMS, DSSE-KMS, AWS_OWNED (DynamoDB), UNKNOWN
	KMSKeyARN        string
	KMSKeyManager    string // AWS, CUSTOMER or ""
	Public           bool
	PublicReason     string
	SensitivityScore float64
	DataClasses      []string
	ObjectCount      int64 // objects enumerated (listed, or read from an inventory); capped, see ListingTruncated
	TotalBytes       int64 // bytes of the objects enumerated
	ListingTruncated bool
	// ListingSource says where an S3 bucket's keys came from:
	// ListingSourceList or ListingSourceInventory ("" for other services).
	ListingSource string
	// InventoryDate is the creation time of the S3 Inventory report used as
	// the listing source; zero otherwise.
	InventoryDate time.Time
	// BucketObjects and BucketBytes are an S3 bucket's totals from the best
	// source available (TotalsSource), as of TotalsAt. They are never below
	// ObjectCount and TotalBytes.
	BucketObjects  int64
	BucketBytes    int64
	TotalsSource   string // TotalsListing, TotalsInventory, TotalsCloudWatch, TotalsLowerBound; "" for other services
	TotalsAt       time.Time
	SampledObjects int64
	SampledBytes   int64
	Status         string // COMPLETE, PARTIAL, ERROR
	Reason         string
	Posture        string // JSON of every posture attribute observed
	ObservedAt     time.Time
}

// ObjectResult records what happened to one sampled object.
type ObjectResult struct {
	AssetARN     string
	Location     string
	Format       string
	Status       string // COMPLETE, PARTIAL, SKIPPED
	Reason       string
	Size         int64
	BytesRead    int64
	StorageClass string
	Encryption   string
	Findings     int64
	ObservedAt   time.Time
	// Kind says what the row stands for (ObjectKind…), so that readers never
	// guess it from the location: an S3 key may itself contain '!'.
	Kind string
	// Part is, for the rows written by a prefix part of a bucket split by
	// prefix, that prefix; empty otherwise (whole bucket, root part).
	Part string
}

// Kinds of object result (ObjectResult.Kind, object_results.kind).
const (
	ObjectKindObject       = "OBJECT"        // an S3 object
	ObjectKindArchiveEntry = "ARCHIVE_ENTRY" // an entry of an archive (location key!inner/path) not fully read
	ObjectKindPrefix       = "PREFIX"        // a prefix part of a split bucket, as a whole (location: the prefix)
	ObjectKindTable        = "TABLE"         // a SQL table (db/schema.table) or a DynamoDB table
	ObjectKindDatabase     = "DATABASE"      // a database, or the DB instance, that could not be sampled at all
)

// Finding is one identifier found at one location, already aggregated and
// redacted: it never holds a raw value.
type Finding struct {
	AssetARN         string
	Service          string
	Region           string
	Location         string
	Field            string // column or JSON path context, comma-separated when several
	Identifier       string
	Category         string
	Confidence       string
	Count            int64
	RedactedExamples []string
	Fingerprints     []string
	// FieldSensitive is set for structured fields (a SQL column, a DynamoDB
	// attribute path) whose sampled values hold this identifier as a whole:
	// at least half of the field's non-empty values match, and at least 3 do.
	FieldSensitive bool
	ObservedAt     time.Time
}

// AssetFilter decides whether a discovered data store is scanned in this
// run: it gets the store's ARN and returns false to leave it out. A nil
// filter scans everything. Resumed scans leave out what an interrupted run
// already recorded; sharded scans leave out what other shards own.
type AssetFilter func(arn string) bool

// keep reports whether f lets the store with this ARN be scanned.
func (f AssetFilter) keep(arn string) bool { return f == nil || f(arn) }

// Sink receives a scan's results. The scanner calls it from a single
// collector goroutine, so implementations need not be safe for concurrent
// use. A returned error means results can no longer be recorded: the scan
// aborts.
type Sink interface {
	Asset(Asset) error
	Object(ObjectResult) error
	Finding(Finding) error
}

// Stats counts what a scan did.
type Stats struct {
	Assets  int64
	Objects int64
	Skipped int64 // objects SKIPPED for any reason
	Unread  int64 // objects or assets that could not be read (makes the scan incomplete)
	// Abandoned counts stores cut short by the scan's cancellation: none of
	// their results reached the sink, and the other counts leave them out.
	Abandoned int64
	Findings  int64 // finding rows
	Matches   int64 // matches summed over finding rows
	BytesRead int64
}

// defaultMaxExamples is the number of redacted examples kept per finding
// when an option leaves it unset.
const defaultMaxExamples = 3

// postureJSON renders a store's posture for the assets table's posture
// column. The posture types hold only plain fields, so marshalling cannot
// fail in practice; "{}" keeps the column valid JSON if it ever does.
func postureJSON(posture any) string {
	b, err := json.Marshal(posture)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// Incomplete reports whether anything could not be read.
func (s Stats) Incomplete() bool { return s.Unread > 0 }

// categoryWeight is how much one data class of a category adds to a
// store's sensitivity score.
var categoryWeight = map[string]float64{
	string(classifiers.CategoryCredentials): 35,
	string(classifiers.CategoryFinancial):   30,
	string(classifiers.CategoryHealth):      30,
	string(classifiers.CategoryPersonal):    20,
}

var confidenceFactor = map[string]float64{
	string(classifiers.ConfidenceHigh):   1,
	string(classifiers.ConfidenceMedium): 0.7,
	string(classifiers.ConfidenceLow):    0.3,
}

// classTally accumulates one data class's findings across a store.
type classTally struct {
	category   string
	confidence string
	count      int64
}

// storeTally rolls a store's findings up into data classes and a score.
type storeTally map[string]*classTally

func (t storeTally) add(f Finding) {
	c, ok := t[f.Identifier]
	if !ok {
		c = &classTally{category: f.Category}
		t[f.Identifier] = c
	}
	c.count += f.Count
	if classifiers.Confidence(f.Confidence).Rank() > classifiers.Confidence(c.confidence).Rank() {
		c.confidence = f.Confidence
	}
}

// classes returns the identifiers found, sorted.
func (t storeTally) classes() []string {
	out := make([]string, 0, len(t))
	for id := range t {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// score is the store's sensitivity score, 0–100: each data class adds its
// category weight scaled by its best confidence, and a class seen many
// times adds up to half again. One HIGH-confidence credential scores 35;
// cards and SSNs together score 50+; the score saturates at 100.
func (t storeTally) score() float64 {
	total := 0.0
	for _, c := range t {
		w := categoryWeight[c.category]
		if w == 0 {
			w = 20
		}
		volume := 1.0
		switch {
		case c.count >= 100:
			volume = 1.5
		case c.count >= 10:
			volume = 1.25
		}
		total += w * confidenceFactor[c.confidence] * volume
	}
	if total > 100 {
		total = 100
	}
	return float64(int(total*10+0.5)) / 10
}
