package configchecks

import (
	"slices"
	"strings"
)

var _ = register(Check{
	ID:       "data.s3_classified",
	Title:    "Every S3 bucket was classified in this run, and those holding sensitive data are secured",
	Severity: SeverityHigh,
	Category: CategoryData,
	CIS:      []string{"5.0:2.1.3", "6.0:3.1.3", "7.0:3.1.3"},
	SOC2:     []string{"CC6.1", "C1.1", "C1.2"},
	Rationale: "Data can only be protected where it is known to be. This run's data scan sampled and classified the buckets; a bucket it did not cover, or could not read, is unknown, and one holding sensitive data must be encrypted with a customer managed key and not public. " +
		"Classification samples objects (--sample-objects, --sample-bytes): a PASS says nothing sensitive was found in the sample, not that none exists.",
	Remediation: Remediation{
		Console: "Run cairn scan over every bucket (without --buckets) with permission to read them. For a bucket holding sensitive data: S3 console → bucket → Properties → Default encryption: SSE-KMS with a customer managed key; Permissions → Block public access: on.",
		CLI:     "cairn scan --only s3,checks\naws s3api put-bucket-encryption --bucket BUCKET --server-side-encryption-configuration '{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"KEY_ARN\"}}]}'\naws s3api put-public-access-block --bucket BUCKET --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
	},
	Permissions: dataScanPermissions,
	Evaluate:    evalS3Classified,
})

// evalS3Classified reports every bucket of the account: classified in this run and,
// when sensitive, encrypted with a customer managed key and not public.
func evalS3Classified(st *State) []Result {
	ds := st.DataScan
	if !ds.Ran || !slices.Contains(ds.Services, "s3") {
		return []Result{result(StatusManual, st.AccountARN(), GlobalRegion, ev{"data_scan": "no s3 classification in this run"},
			"No classification data in this run: the S3 data scan did not run, so data discovery is a manual audit: run cairn scan with s3 (or Amazon Macie) over every bucket and confirm the buckets holding sensitive data are encrypted with a customer managed key and not public.")}
	}
	bs := st.S3.Buckets
	if !bs.Known {
		return []Result{unknownResult(st.AccountARN(), GlobalRegion, "the S3 buckets", bs.Reason())}
	}
	stores := map[string]DataStore{}
	for _, d := range ds.Stores {
		if d.Service == "s3" {
			stores[d.ARN] = d
		}
	}
	var out []Result
	for _, b := range bs.Value {
		d, ok := stores[b.ARN]
		if !ok {
			out = append(out, result(StatusFail, b.ARN, b.Region, ev{"bucket": b.Name, "classified": false},
				"Bucket %s was not classified in this run (left out by --buckets, or created after discovery).", b.Name))
			continue
		}
		e := ev{"bucket": b.Name, "classified": true, "scan_status": d.Status, "scan_reason": d.Reason, "identifiers": d.Identifiers, "categories": d.Categories}
		if !d.Sensitive() {
			if d.Status != "COMPLETE" {
				out = append(out, unknownResult(b.ARN, b.Region, "whether bucket "+b.Name+" holds sensitive data (classification "+strings.ToLower(d.Status)+")", d.Reason))
				continue
			}
			out = append(out, result(StatusPass, b.ARN, b.Region, e, "Bucket %s was classified in this run; no sensitive data was found in the sample.", b.Name))
			continue
		}
		if !d.Encryption.Known || !d.Exposure.Known {
			out = append(out, unknownResult(b.ARN, b.Region, "the protection of "+storeLabel(d), d.Encryption.Reason()+d.Exposure.Reason()))
			continue
		}
		e["encryption"], e["public"], e["public_reason"] = d.Encryption.Value, d.Exposure.Value.Public, d.Exposure.Value.Reason
		if enc := d.Encryption.Value; enc.KeyManager == "" && (enc.Type == "SSE-KMS" || enc.Type == "DSSE-KMS") && !d.Exposure.Value.Public {
			out = append(out, unknownResult(b.ARN, b.Region, "who manages the KMS key "+enc.KMSKeyARN+" of "+storeLabel(d), "kms DescribeKey did not say"))
			continue
		}
		var gaps []string
		if d.Encryption.Value.KeyManager != "CUSTOMER" {
			gaps = append(gaps, "not encrypted with a customer managed KMS key (encryption "+d.Encryption.Value.Type+")")
		}
		if d.Exposure.Value.Public {
			gaps = append(gaps, "public ("+d.Exposure.Value.Reason+")")
		}
		if len(gaps) > 0 {
			out = append(out, result(StatusFail, b.ARN, b.Region, e, "%s is %s.", storeLabel(d), strings.Join(gaps, " and ")))
			continue
		}
		out = append(out, result(StatusPass, b.ARN, b.Region, e, "%s is encrypted with a customer managed KMS key and not public.", storeLabel(d)))
	}
	return out
}
