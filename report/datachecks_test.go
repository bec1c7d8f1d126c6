package report

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cairnsec/cairn/configchecks"
)

// TestDeriveDataControls checks that the data.* rows the report derives from a
// run's rows (without its data.* rows) are exactly those the scanning process
// writes from the same state: same checks, statuses, sentences, evidence and
// finding_uid, data.s3_classified and data.sensitive_cmk included.
func TestDeriveDataControls(t *testing.T) {
	const acct, scan = "111122223333", "run-1"
	observed := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	assets := []AssetRow{
		{AssetARN: "arn:aws:s3:::pii", Service: "s3", Region: "us-east-1", Name: "pii", Encryption: "SSE-S3", Status: "COMPLETE",
			DataClasses: []string{"US_SSN"}, Reason: "SPLIT_BY_PREFIX: root part"},
		{AssetARN: "arn:aws:s3:::cmk", Service: "s3", Region: "us-east-1", Name: "cmk", Encryption: "SSE-KMS", KMSKeyARN: "arn:aws:kms:us-east-1:111122223333:key/k", KMSKeyManager: "CUSTOMER", Status: "COMPLETE"},
		{AssetARN: "arn:aws:s3:::clean", Service: "s3", Region: "us-east-1", Name: "clean", Encryption: "SSE-S3", Status: "COMPLETE"},
		{AssetARN: "arn:aws:dynamodb:us-east-1:111122223333:table/t", Service: "dynamodb", Region: "us-east-1", Name: "t", Encryption: "AWS_OWNED", Status: "COMPLETE", DataClasses: []string{"EMAIL_ADDRESS"}},
	}
	findings := []FindingRow{
		{AssetARN: "arn:aws:s3:::pii", Identifier: "US_SSN", Category: "personal", Count: 2},
		// Found by a prefix part of the split bucket: not in its assets row.
		{AssetARN: "arn:aws:s3:::pii", Identifier: "CREDIT_CARD_NUMBER", Category: "financial", Count: 1},
		{AssetARN: "arn:aws:s3:::cmk", Identifier: "AWS_SECRET_ACCESS_KEY", Category: "credentials", Count: 1},
		{AssetARN: "arn:aws:dynamodb:us-east-1:111122223333:table/t", Identifier: "EMAIL_ADDRESS", Category: "personal", Count: 3},
	}
	services := []string{"s3", "dynamodb"}
	join := func() *ExposureJoin {
		j := NewExposureJoin()
		for _, a := range assets {
			a.ScanID, a.AccountID = scan, acct
			j.AddAsset(a)
		}
		for _, f := range findings {
			j.AddFinding(f)
		}
		return j
	}
	// "unlisted" is in the account but was not classified: s3_classified FAILs it.
	st := &configchecks.State{AccountID: acct, Partition: "aws", ObservedAt: observed, Regions: []string{"us-east-1"}}
	var bs []configchecks.Bucket
	for _, n := range []string{"pii", "cmk", "clean", "unlisted"} {
		bs = append(bs, configchecks.Bucket{Name: n, ARN: "arn:aws:s3:::" + n, Region: "us-east-1"})
	}
	st.S3.Buckets = configchecks.Observed(bs)
	st.DataScan = join().DataScan(services)
	single := ControlResultRows(scan, configchecks.Run(st))
	isData := func(r ControlResultRow) bool { return configchecks.IsDataCheck(r.CheckID) }
	want := slices.Clone(single)
	want = slices.DeleteFunc(want, func(r ControlResultRow) bool { return !isData(r) })
	rest := slices.DeleteFunc(slices.Clone(single), isData)

	for i := range want {
		if want[i].CISIDs == nil {
			want[i].CISIDs = []string{}
		}
	}
	got := DeriveDataControls(scan, acct, services, join(), rest)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("derived data.* rows differ from the scanner's:\n got %+v\nwant %+v", got, want)
	}
	ids := map[string]bool{}
	var classes []string
	for _, r := range got {
		ids[r.CheckID] = true
		if r.CheckID == "data.sensitive_cmk" && r.ResourceARN == "arn:aws:s3:::pii" {
			if r.Status != "FAIL" {
				t.Errorf("sensitive_cmk of an SSE-S3 bucket holding data: %s, want FAIL", r.Status)
			}
			classes = append(classes, r.EvidenceJSON)
		}
		if r.CheckID == "data.s3_classified" && r.ResourceARN == "arn:aws:s3:::unlisted" && r.Status != "FAIL" {
			t.Errorf("s3_classified of an unclassified bucket: %s, want FAIL", r.Status)
		}
	}
	for _, id := range []string{"data.s3_classified", "data.sensitive_cmk", "data.sensitive_encrypted", "data.sensitive_not_public"} {
		if !ids[id] {
			t.Errorf("%s not derived", id)
		}
	}
	if len(classes) != 1 || !slices.ContainsFunc(classes, func(e string) bool { return strings.Contains(e, "CREDIT_CARD_NUMBER") }) {
		t.Errorf("the split bucket's classes from other parts are missing: %v", classes)
	}

	t.Run("nothing to derive", func(t *testing.T) {
		if rows := DeriveDataControls(scan, acct, services, join(), single); rows != nil {
			t.Errorf("a run with data.* rows got %d derived rows, want none", len(rows))
		}
		if rows := DeriveDataControls(scan, acct, services, join(), nil); rows != nil {
			t.Errorf("a run whose checks did not run got %d derived rows, want none", len(rows))
		}
		if rows := DeriveDataControls(scan, "999999999999", services, join(), rest); rows != nil {
			t.Errorf("another account's rows gave %d derived rows, want none", len(rows))
		}
	})
	t.Run("bucket list unknown", func(t *testing.T) {
		st2 := *st
		st2.S3.Buckets = configchecks.Unknown[[]configchecks.Bucket]("s3 ListBuckets: AccessDenied")
		all := ControlResultRows(scan, configchecks.Run(&st2))
		want := slices.DeleteFunc(slices.Clone(all), func(r ControlResultRow) bool { return !isData(r) })
		for i := range want {
			if want[i].CISIDs == nil {
				want[i].CISIDs = []string{}
			}
		}
		got := DeriveDataControls(scan, acct, services, join(), slices.DeleteFunc(all, isData))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("bucket list unknown:\n got %+v\nwant %+v", got, want)
		}
	})
}
