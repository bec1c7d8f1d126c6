package configchecks

import (
	"fmt"
	"strings"
)

// dataScanPermissions are the IAM actions behind the data scan's classification and
// posture, which the data-aware checks read.
var dataScanPermissions = []string{
	"s3:ListAllMyBuckets", "s3:GetEncryptionConfiguration", "s3:GetBucketPolicy", "s3:GetBucketPolicyStatus",
	"s3:GetBucketAcl", "s3:GetBucketPublicAccessBlock", "s3:ListBucket", "s3:GetObject",
	"rds:DescribeDBInstances", "rds:DescribeDBClusters", "dynamodb:DescribeTable", "dynamodb:GetResourcePolicy",
	"dynamodb:Scan", "kms:DescribeKey",
}

// sensitiveStores evaluates eval on every data store in which this run's data scan
// found sensitive data. Without a data scan in the run there is no classification
// data: the result is one NOT_APPLICABLE saying so, never a PASS. With a data scan
// that found nothing sensitive, one NOT_APPLICABLE says how many stores were scanned.
func sensitiveStores(st *State, eval func(d DataStore, e ev) Result) []Result {
	ds := st.DataScan
	if !ds.Ran {
		return []Result{result(StatusNotApplicable, st.AccountARN(), GlobalRegion, ev{"data_scan": "not run"},
			"No classification data in this run: the data scan did not run (cairn scan --only without s3, rds or dynamodb), so which stores hold sensitive data is unknown.")}
	}
	var out []Result
	for _, d := range ds.Stores {
		if !d.Sensitive() {
			continue
		}
		e := ev{"service": d.Service, "identifiers": d.Identifiers, "categories": d.Categories, "scan_status": d.Status}
		out = append(out, eval(d, e))
	}
	if len(out) == 0 {
		return []Result{result(StatusNotApplicable, st.AccountARN(), GlobalRegion,
			ev{"data_scan": "ran", "services": ds.Services, "stores_scanned": len(ds.Stores)},
			"This run's data scan (%s) found sensitive data in none of the %d stores it scanned.", strings.Join(ds.Services, ", "), len(ds.Stores))}
	}
	return out
}

// storeKind names a data store's kind for sentences: bucket, database or table.
func storeKind(d DataStore) string {
	switch d.Service {
	case "s3":
		return "Bucket"
	case "rds":
		return "Database"
	case "dynamodb":
		return "DynamoDB table"
	}
	return "Data store"
}

// storeLabel is "Bucket NAME (holding US_SSN, CREDIT_CARD_NUMBER)": identifier ids
// only, never a value.
func storeLabel(d DataStore) string {
	return fmt.Sprintf("%s %s (holding %s)", storeKind(d), d.Name, strings.Join(d.Identifiers, ", "))
}
