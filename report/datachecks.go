package report

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/cairnsec/cairn/configchecks"
)

// CheckS3DefaultEncryption is the check whose rows name every bucket of the
// account's state (one row per bucket, or one ERROR row on the account when the
// bucket list could not be read). DeriveDataControls reads the bucket list back
// from them.
const CheckS3DefaultEncryption = "s3.default_encryption"

// encryptionUnknown is the assets table's encryption when it could not be read.
const encryptionUnknown = "UNKNOWN"

// DataScan is the input of the data-aware checks (configchecks.DataScan) rebuilt
// from the rows fed to the join: one store per asset row, its identifiers the
// union of the row's data_classes and its findings' identifiers (a bucket split
// by prefix has findings from every part, its asset row from the root part only),
// its categories those of its findings. services are the data services the run
// covered (s3, rds, dynamodb); none means no data scan ran.
//
// The scanning process feeds the data.* checks from this same function, so a
// single-process run and a sharded run's merged rows give the same checks.
func (j *ExposureJoin) DataScan(services []string) configchecks.DataScan {
	var ds configchecks.DataScan
	for _, svc := range []string{"s3", "rds", "dynamodb"} {
		if slices.Contains(services, svc) {
			ds.Ran = true
			ds.Services = append(ds.Services, svc)
		}
	}
	for _, a := range j.assets {
		var ids, cats []string
		if t := j.findings[a.AssetARN]; t != nil {
			ids, cats = sortedKeys(t.classes), sortedKeys(t.categories)
		}
		ids = append(ids, a.DataClasses...)
		slices.Sort(ids)
		ds.Stores = append(ds.Stores, dataStoreOf(a, slices.Compact(ids), cats))
	}
	return ds
}

// dataStoreOf converts one assets row into the data-aware checks' view of it.
func dataStoreOf(a AssetRow, identifiers, categories []string) configchecks.DataStore {
	d := configchecks.DataStore{
		ARN: a.AssetARN, Service: a.Service, Region: a.Region, Name: a.Name,
		Identifiers: identifiers, Categories: categories, Status: a.Status, Reason: a.Reason,
	}
	if len(d.Identifiers) == 0 {
		d.Identifiers = nil
	}
	if len(d.Categories) == 0 {
		d.Categories = nil
	}
	switch a.Encryption {
	case "", encryptionUnknown:
		why := "encryption could not be read"
		if a.Reason != "" {
			why += " (" + a.Reason + ")"
		}
		d.Encryption = configchecks.Unknown[configchecks.StoreEncryption](why)
	default:
		d.Encryption = configchecks.Observed(configchecks.StoreEncryption{Type: a.Encryption, KMSKeyARN: a.KMSKeyARN, KeyManager: a.KMSKeyManager})
	}
	if rest, ok := strings.CutPrefix(a.PublicReason, "UNKNOWN: "); ok && !a.Public {
		d.Exposure = configchecks.Unknown[configchecks.BucketExposure](rest)
	} else {
		d.Exposure = configchecks.Observed(configchecks.BucketExposure{Public: a.Public, Reason: a.PublicReason})
	}
	return d
}

// DeriveDataControls evaluates the data.* checks (configchecks) of one account
// of run scanID, for a run whose shards left them out: the classification is
// the join's (fed every assets, findings and control row of the account in the
// run), the bucket list, partition and observation time come from the
// account's control rows (those of its checks unit). It returns nil when the
// account's checks did not run in the run (no control rows: no data.* rows
// either in a single-process run) or when they already hold data.* rows.
//
// The rows are the ones a single-process run of the same stores writes: same
// checks, statuses, sentences, evidence and finding_uid.
func DeriveDataControls(scanID, accountID string, services []string, j *ExposureJoin, controls []ControlResultRow) []ControlResultRow {
	st := &configchecks.State{AccountID: accountID}
	var buckets []configchecks.Bucket
	bucketsErr, ran := "", false
	for _, c := range controls {
		if c.ScanID != scanID || c.AccountID != accountID {
			continue
		}
		if configchecks.IsDataCheck(c.CheckID) {
			return nil
		}
		ran = true
		if st.ObservedAt.IsZero() && !c.ObservedAt.IsZero() {
			st.ObservedAt = c.ObservedAt.UTC().Truncate(time.Millisecond)
		}
		if st.Partition == "" {
			if f := strings.SplitN(c.ResourceARN, ":", 3); len(f) == 3 && f[0] == "arn" {
				st.Partition = f[1]
			}
		}
		if c.CheckID != CheckS3DefaultEncryption {
			continue
		}
		if name, ok := bucketName(c.ResourceARN); ok {
			buckets = append(buckets, configchecks.Bucket{Name: name, ARN: c.ResourceARN, Region: c.Region})
			continue
		}
		var e struct{ Reason string }
		_ = json.Unmarshal([]byte(c.EvidenceJSON), &e)
		bucketsErr = e.Reason
		if bucketsErr == "" {
			bucketsErr = "the bucket list could not be read"
		}
	}
	if !ran {
		return nil
	}
	if bucketsErr != "" {
		st.S3.Buckets = configchecks.Unknown[[]configchecks.Bucket](bucketsErr)
	} else {
		st.S3.Buckets = configchecks.Observed(buckets)
	}
	st.DataScan = j.DataScan(services)
	res := configchecks.RunOnly(st, func(c configchecks.Check) bool { return configchecks.IsDataCheck(c.ID) })
	rows := ControlResultRows(scanID, res)
	for i := range rows { // as the rows read back from Parquet: empty lists, not nil
		if rows[i].CISIDs == nil {
			rows[i].CISIDs = []string{}
		}
		if rows[i].SOC2Criteria == nil {
			rows[i].SOC2Criteria = []string{}
		}
	}
	return rows
}

// bucketName returns the name in an S3 bucket ARN (arn:PARTITION:s3:::NAME).
func bucketName(arn string) (string, bool) {
	f := strings.SplitN(arn, ":", 6)
	if len(f) != 6 || f[0] != "arn" || f[2] != "s3" || f[5] == "" || strings.Contains(f[5], "/") {
		return "", false
	}
	return f[5], true
}

// ServicesOf returns the data services (s3, rds, dynamodb) a scans row's
// options JSON says the run covered ("only"); nil when it does not say.
func ServicesOf(options string) []string {
	var o struct {
		Only []string `json:"only"`
	}
	if json.Unmarshal([]byte(options), &o) != nil {
		return nil
	}
	var out []string
	for _, s := range o.Only {
		if s == "s3" || s == "rds" || s == "dynamodb" {
			out = append(out, s)
		}
	}
	return out
}
