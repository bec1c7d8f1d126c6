package report

import (
	"slices"
	"testing"
	"time"
)

// inventoryStores lists the stores of the data inventory.
func inventoryStores(r *AuditReport) []string {
	var out []string
	for _, row := range r.Inventory.Rows {
		out = append(out, row.Store)
	}
	return sortedSet(out)
}

// exposureBar is the value of the labelled bar of the exposure chart.
func exposureBar(t *testing.T, r *AuditReport, label string) float64 {
	t.Helper()
	for _, b := range r.Summary.Charts[0].Bars {
		if b.Label == label {
			return b.Value
		}
	}
	t.Fatalf("exposure chart has no bar %q", label)
	return 0
}

const onlyS3, allServices = `{"only":["s3","checks"]}`, `{"only":["s3","rds","dynamodb","checks"]}`

// TestLatestScanOfOrgRunIsPerAccount: an org run X of A and B on Nov 2,
// then B alone on Nov 3. A's latest scan is still X: its stores stay in the
// inventory and the latest-scan charts.
func TestLatestScanOfOrgRunIsPerAccount(t *testing.T) {
	dir := t.TempDir()
	d1 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	d2 := d1.AddDate(0, 0, 1)
	writeRun(t, dir, "20261102T090000Z-org", "20261102T090000Z-org", d1,
		runAccount{acct: accountA, start: d1, options: onlyS3, assets: []AssetRow{bucketWithSSN("a-pii", true, "NONE")}, findings: []FindingRow{ssnFinding("a-pii")}},
		runAccount{acct: accountB, start: d1, options: onlyS3, assets: []AssetRow{bucketWithSSN("b-pii", false, "SSE-S3")}, findings: []FindingRow{ssnFinding("b-pii")}},
	)
	writeRun(t, dir, "20261103T090000Z-b", "20261103T090000Z-b", d2,
		runAccount{acct: accountB, start: d2, options: onlyS3, assets: []AssetRow{bucketWithSSN("b-pii", false, "SSE-S3")}, findings: []FindingRow{ssnFinding("b-pii")}})
	d, err := LoadAuditData(dir, AuditFilter{From: d1, To: d2})
	must(t, err)
	r := BuildAuditReport(d, AuditOptions{From: d1, To: d2})
	if got := inventoryStores(r); !slices.Equal(got, []string{"a-pii", "b-pii"}) {
		t.Errorf("inventory stores %v, want a-pii (A's org run) and b-pii", got)
	}
	if v := exposureBar(t, r, "Public, sensitive data"); v != 1 {
		t.Errorf("public sensitive stores = %v, want 1 (a-pii)", v)
	}
}

// TestLatestObservationPerStore: the store's latest observation in the
// window is what the inventory shows, whatever later scans of its account
// did not look at it; a later COMPLETE scan that covered it and did not find
// it removes it.
func TestLatestObservationPerStore(t *testing.T) {
	d1 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	d2 := d1.AddDate(0, 0, 1)
	db := AssetRow{AssetARN: "arn:aws:rds:us-east-1:" + accountA + ":db:pii", Service: "rds", Region: "us-east-1", Name: "pii-db",
		Encryption: "SSE-KMS", DataClasses: []string{"US_SSN"}, Status: "COMPLETE"}
	dbFinding := FindingRow{AssetARN: db.AssetARN, Location: "app/public.users.ssn", Identifier: "US_SSN", Category: "PERSONAL", Count: 9}
	first := runAccount{acct: accountA, start: d1, options: allServices,
		assets:   []AssetRow{bucketWithSSN("a-pii", true, "NONE"), db},
		findings: []FindingRow{ssnFinding("a-pii"), dbFinding}}
	other := bucketWithSSN("a-other", false, "SSE-S3")
	for _, c := range []struct {
		name   string
		second runAccount
		want   []string
	}{
		{"failed", runAccount{acct: accountA, start: d2, status: "FAILED", options: allServices}, []string{"a-pii", "pii-db"}},
		{"only s3, bucket rescanned", runAccount{acct: accountA, start: d2, options: onlyS3,
			assets: []AssetRow{bucketWithSSN("a-pii", true, "NONE")}, findings: []FindingRow{ssnFinding("a-pii")}}, []string{"a-pii", "pii-db"}},
		{"complete s3 scan without the bucket: deleted", runAccount{acct: accountA, start: d2, options: onlyS3,
			assets: []AssetRow{other}, findings: []FindingRow{ssnFinding("a-other")}}, []string{"a-other", "pii-db"}},
		{"incomplete scan without the bucket", runAccount{acct: accountA, start: d2, status: "INCOMPLETE", options: onlyS3,
			assets: []AssetRow{other}, findings: []FindingRow{ssnFinding("a-other")}}, []string{"a-other", "a-pii", "pii-db"}},
		{"complete scan of other buckets only", runAccount{acct: accountA, start: d2, options: `{"only":["s3"],"buckets":["a-other"]}`,
			assets: []AssetRow{other}, findings: []FindingRow{ssnFinding("a-other")}}, []string{"a-other", "a-pii", "pii-db"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeRun(t, dir, "20261102T090000Z-a", "20261102T090000Z-a", d1, first)
			writeRun(t, dir, "20261103T090000Z-a", "20261103T090000Z-a", d2, c.second)
			d, err := LoadAuditData(dir, AuditFilter{From: d1, To: d2})
			must(t, err)
			r := BuildAuditReport(d, AuditOptions{From: d1, To: d2})
			if got := inventoryStores(r); !slices.Equal(got, c.want) {
				t.Errorf("inventory stores %v, want %v", got, c.want)
			}
			for _, row := range r.Inventory.Rows {
				if row.Store == "pii-db" && row.LastSeen != "2026-11-02" {
					t.Errorf("pii-db last seen %s, want 2026-11-02", row.LastSeen)
				}
			}
		})
	}
}

// TestDerivedControlsPerAccountOfOrgRun: in an org run, account A's
// control_results hold the scanner's data.sensitive_not_public rows while
// B's checks did not run; the report still derives B's, so B's public SSN
// bucket is an exception.
func TestDerivedControlsPerAccountOfOrgRun(t *testing.T) {
	dir := t.TempDir()
	d1 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	aPII := bucketWithSSN("a-pii", false, "SSE-S3")
	writeRun(t, dir, "org-run", "org-run", d1,
		runAccount{acct: accountA, start: d1, assets: []AssetRow{aPII},
			controls: []ControlResultRow{cc61(CheckSensitiveNotPublic, "PASS", aPII.AssetARN)}},
		runAccount{acct: accountB, start: d1, status: "INTERRUPTED", assets: []AssetRow{bucketWithSSN("b-public-pii", true, "NONE")}},
	)
	d, err := LoadAuditData(dir, AuditFilter{From: d1, To: d1})
	must(t, err)
	r := BuildAuditReport(d, AuditOptions{From: d1, To: d1})
	found := false
	for _, e := range criterion(t, r, "CC6.1").Exceptions {
		if e.CheckID == CheckSensitiveNotPublic && e.Resource == "arn:aws:s3:::b-public-pii" && e.Status == "FAIL" {
			found = true
		}
	}
	if !found {
		t.Errorf("no %s FAIL for account B's public SSN bucket", CheckSensitiveNotPublic)
	}
	for _, l := range criterion(t, r, "CC6.1").Controls {
		if l.CheckID == CheckSensitiveNotPublic && (l.Pass != 1 || l.Fail != 1) {
			t.Errorf("%s: %d PASS %d FAIL, want A's scanner row and B's derived one", l.CheckID, l.Pass, l.Fail)
		}
	}
}
