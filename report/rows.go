package report

import "time"

// The row types below are the Parquet history contract (docs/history.md).
// Column names are part of Cairn's public interface: analysts' Athena
// queries depend on them. Add columns freely; rename only with a migration
// note in the README. Timestamps are UTC milliseconds; slices are LISTs.
// Timestamp columns are optional so that a zero time.Time is written as NULL
// (parquet-go cannot read a required year-1 timestamp back correctly, and
// NULL is what an analyst should see for "not known").

// ScanRow is one row of the scans table: one per scan run.
type ScanRow struct {
	ScanID      string    `parquet:"scan_id"`
	AccountID   string    `parquet:"account_id"`
	StartedAt   time.Time `parquet:"started_at,optional,timestamp(millisecond)"`
	FinishedAt  time.Time `parquet:"finished_at,optional,timestamp(millisecond)"`
	Regions     []string  `parquet:"regions,list"`
	ToolVersion string    `parquet:"tool_version"`
	Status      string    `parquet:"status"`  // COMPLETE, INCOMPLETE, FAILED
	Options     string    `parquet:"options"` // JSON of the effective scan options
	Assets      int64     `parquet:"assets"`
	Objects     int64     `parquet:"objects"`
	Skipped     int64     `parquet:"skipped"`
	Findings    int64     `parquet:"findings"`
	BytesRead   int64     `parquet:"bytes_read"`
	// The run's AWS traffic and its estimated cost (scanner.EstimateCost,
	// docs/cost.md); zero in files written before these columns existed.
	AWSRequests     int64   `parquet:"aws_requests"`       // HTTP requests answered, retries included
	BytesDownloaded int64   `parquet:"bytes_downloaded"`   // response body bytes from S3
	EstAWSCostUSD   float64 `parquet:"est_aws_cost_usd"`   // requests, KMS, reads, in-region transfer
	EstMacieCostUSD float64 `parquet:"est_macie_cost_usd"` // Macie discovery of the same S3 bytes
	PricesAsOf      string  `parquet:"prices_as_of"`       // region and date of the price table
}

// AssetRow is one row of the assets table: one per data store.
type AssetRow struct {
	ScanID           string    `parquet:"scan_id"`
	AccountID        string    `parquet:"account_id"`
	ObservedAt       time.Time `parquet:"observed_at,optional,timestamp(millisecond)"`
	AssetARN         string    `parquet:"asset_arn"`
	Service          string    `parquet:"service"` // s3, rds, dynamodb
	Region           string    `parquet:"region"`
	Name             string    `parquet:"name"`
	Encryption       string    `parquet:"encryption"` // NONE, SSE-S3, SSE-KMS, DSSE-KMS, UNKNOWN
	KMSKeyARN        string    `parquet:"kms_key_arn"`
	KMSKeyManager    string    `parquet:"kms_key_manager"` // AWS, CUSTOMER, or "" when not KMS / unknown
	Public           bool      `parquet:"public"`
	PublicReason     string    `parquet:"public_reason"`
	SensitivityScore float64   `parquet:"sensitivity_score"` // 0..100
	DataClasses      []string  `parquet:"data_classes,list"` // identifiers found, sorted
	ObjectCount      int64     `parquet:"object_count"`      // objects listed (may be capped, see listing_truncated)
	TotalBytes       int64     `parquet:"total_bytes"`
	ListingTruncated bool      `parquet:"listing_truncated"`
	SampledObjects   int64     `parquet:"sampled_objects"`
	SampledBytes     int64     `parquet:"sampled_bytes"`
	Status           string    `parquet:"status"` // COMPLETE, PARTIAL, ERROR
	Reason           string    `parquet:"reason"`
	Posture          string    `parquet:"posture"` // JSON: every posture attribute observed, with errors
	// S3 only (empty, 0 or NULL for other services): where the keys came
	// from, and the bucket's totals beyond what was enumerated.
	ListingSource string    `parquet:"listing_source"`                                 // LIST_OBJECTS, INVENTORY
	InventoryDate time.Time `parquet:"inventory_date,optional,timestamp(millisecond)"` // creation time of the inventory read
	BucketObjects int64     `parquet:"bucket_objects"`                                 // objects in the bucket, per totals_source
	BucketBytes   int64     `parquet:"bucket_bytes"`
	TotalsSource  string    `parquet:"totals_source"`                             // LISTING, INVENTORY, CLOUDWATCH, LOWER_BOUND
	TotalsAt      time.Time `parquet:"totals_at,optional,timestamp(millisecond)"` // when bucket_objects/bucket_bytes were measured
}

// ObjectResultRow is one row of the object_results table: one per sampled
// object, DB table or DynamoDB table.
type ObjectResultRow struct {
	ScanID       string    `parquet:"scan_id"`
	AccountID    string    `parquet:"account_id"`
	ObservedAt   time.Time `parquet:"observed_at,optional,timestamp(millisecond)"`
	AssetARN     string    `parquet:"asset_arn"`
	Location     string    `parquet:"location"`
	Format       string    `parquet:"format"`
	Status       string    `parquet:"status"` // COMPLETE, PARTIAL, SKIPPED
	Reason       string    `parquet:"reason"`
	Size         int64     `parquet:"size"`
	BytesRead    int64     `parquet:"bytes_read"`
	StorageClass string    `parquet:"storage_class"`
	Encryption   string    `parquet:"encryption"`
	Findings     int64     `parquet:"findings"` // matches in this object, all identifiers
	// Kind is what the row stands for: OBJECT, ARCHIVE_ENTRY, PREFIX (a
	// prefix part of a split bucket as a whole), TABLE, DATABASE; empty in
	// files written before the column existed.
	Kind string `parquet:"kind"`
	// Part is the prefix of the split bucket's prefix part that wrote the
	// row; empty for whole buckets, root parts and other services.
	Part string `parquet:"part"`
}

// FindingRow is one row of the findings table: one per (location,
// identifier) with matches. It never holds a raw value.
type FindingRow struct {
	ScanID           string    `parquet:"scan_id"`
	AccountID        string    `parquet:"account_id"`
	ObservedAt       time.Time `parquet:"observed_at,optional,timestamp(millisecond)"`
	AssetARN         string    `parquet:"asset_arn"`
	Service          string    `parquet:"service"`
	Region           string    `parquet:"region"`
	Location         string    `parquet:"location"`
	Field            string    `parquet:"field"`           // column / JSON path context, if any
	FieldSensitive   bool      `parquet:"field_sensitive"` // most sampled values of the column / attribute matched
	Identifier       string    `parquet:"identifier"`
	Category         string    `parquet:"category"`
	Confidence       string    `parquet:"confidence"`
	Count            int64     `parquet:"count"`
	RedactedExamples []string  `parquet:"redacted_examples,list"`
	Fingerprints     []string  `parquet:"fingerprints,list"`
}

// ExposureRow is one row of the exposures table: the join of one data store
// of a scan with what was found in it, its encryption, its exposure and the
// configuration checks about it, ranked by risk (docs/history.md). Every
// asset of the scan gets a row, also those where nothing was found, because
// a store that was barely sampled or could not be read is not clean. It never
// holds a raw value: only identifiers, counts, locations and posture.
type ExposureRow struct {
	ScanID     string    `parquet:"scan_id"`
	AccountID  string    `parquet:"account_id"`
	ObservedAt time.Time `parquet:"observed_at,optional,timestamp(millisecond)"`
	AssetARN   string    `parquet:"asset_arn"`
	AssetType  string    `parquet:"asset_type"` // s3, rds, dynamodb (the assets table's service)
	Region     string    `parquet:"region"`
	Name       string    `parquet:"name"`
	// DataClasses are the identifiers found, sorted; Categories their
	// categories (PERSONAL, FINANCIAL, …), sorted.
	DataClasses []string `parquet:"data_classes,list"`
	Categories  []string `parquet:"categories,list"`
	// SensitiveCount is the number of matches summed over the store's findings.
	SensitiveCount int64 `parquet:"sensitive_count"`
	// SensitiveFields are the locations of structured fields (SQL columns,
	// DynamoDB attribute paths, CSV columns) whose sampled values hold an
	// identifier as a whole, as "location:IDENTIFIER", sorted, at most
	// MaxSensitiveFields.
	SensitiveFields []string `parquet:"sensitive_fields,list"`
	// SampledFraction is how much of the store was sampled, 0..1: objects
	// sampled over the bucket's objects (S3), items read over the table's
	// item count (DynamoDB), tables sampled over tables found (RDS).
	SampledFraction float64 `parquet:"sampled_fraction"`
	// Sensitivity is 0..1: what was found (sensitivity_score/100) plus a
	// share of the unknown for the part of the store that was not sampled.
	Sensitivity float64 `parquet:"sensitivity"`
	// Encryption is the protection class: NONE, AWS_MANAGED (SSE-S3,
	// AWS-owned or AWS-managed KMS keys), CUSTOMER_KMS, or UNKNOWN, which is
	// never counted as encrypted.
	Encryption       string `parquet:"encryption"`
	EncryptionDetail string `parquet:"encryption_detail"` // the assets table's encryption (SSE-S3, SSE-KMS, …)
	EncryptionReason string `parquet:"encryption_reason"` // why it is UNKNOWN, or a note
	KMSKeyARN        string `parquet:"kms_key_arn"`
	KMSKeyManager    string `parquet:"kms_key_manager"` // AWS, CUSTOMER, ""
	// Exposure is PUBLIC, SHARED (other accounts named in a resource policy
	// or a shared snapshot), UNKNOWN (the attributes needed could not be
	// read; never counted as private) or PRIVATE.
	Exposure     string `parquet:"exposure"`
	Public       bool   `parquet:"public"`
	PublicReason string `parquet:"public_reason"`
	// ExternalPrincipals are the principals outside the account that a
	// resource policy allows ("111122223333", "arn:aws:iam::111122223333:root",
	// "* if aws:PrincipalOrgID") or that a snapshot is shared with, sorted.
	ExternalPrincipals []string `parquet:"external_principals,list"`
	// Reasons say, one sentence each, why the store ranks where it does.
	Reasons []string `parquet:"reasons,list"`
	// FailingControls are the check_ids of control_results rows about this
	// asset (resource_arn = asset_arn) with status FAIL; UnknownControls
	// those with status ERROR. Both sorted and distinct.
	FailingControls []string `parquet:"failing_controls,list"`
	UnknownControls []string `parquet:"unknown_controls,list"`
	// RiskScore is 0..100; sensitive, exposed and unencrypted stores rank
	// first (docs/history.md gives the formula). RiskRank is 1 for the
	// riskiest store of the scan.
	RiskScore float64 `parquet:"risk_score"`
	RiskRank  int64   `parquet:"risk_rank"`
	// AssetStatus is the assets table's status: COMPLETE, PARTIAL, ERROR.
	AssetStatus string `parquet:"asset_status"`
}
