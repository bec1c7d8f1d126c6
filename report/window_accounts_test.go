package report

import (
	"testing"
	"time"
)

// runAccount is what one account of a synthetic run writes: its scans row
// (started_at and status) and its rows of the other tables.
type runAccount struct {
	acct      string
	start     time.Time // the scans row's started_at
	status    string    // default COMPLETE
	options   string
	assets    []AssetRow
	controls  []ControlResultRow
	exposures []ExposureRow
	findings  []FindingRow
	objects   []ObjectResultRow
}

// writeRun writes one run, scan id id, of one or more accounts into the
// dt partition of partition (the run's start, as cairn scan --org does),
// as the file <file>.parquet of each table.
func writeRun(t *testing.T, dir, id, file string, partition time.Time, accounts ...runAccount) {
	t.Helper()
	w, err := NewHistoryWriter(dir, file, partition)
	must(t, err)
	for _, s := range accounts {
		for _, a := range s.assets {
			a.ScanID, a.AccountID = id, s.acct
			must(t, w.WriteAsset(a))
		}
		for _, c := range s.controls {
			c.ScanID, c.AccountID = id, s.acct
			must(t, w.WriteControlResult(c))
		}
		for _, f := range s.findings {
			f.ScanID, f.AccountID = id, s.acct
			must(t, w.WriteFinding(f))
		}
		for _, o := range s.objects {
			o.ScanID, o.AccountID = id, s.acct
			must(t, w.WriteObjectResult(o))
		}
		for _, e := range s.exposures {
			e.ScanID, e.AccountID = id, s.acct
			must(t, w.WriteExposure(e))
		}
		status := s.status
		if status == "" {
			status = "COMPLETE"
		}
		must(t, w.WriteScan(ScanRow{ScanID: id, AccountID: s.acct, StartedAt: s.start,
			FinishedAt: s.start.Add(time.Minute), Status: status, Options: s.options}))
	}
	must(t, w.Close())
}

// bucketWithSSN is an S3 bucket in which US SSNs were found.
func bucketWithSSN(name string, public bool, enc string) AssetRow {
	a := AssetRow{AssetARN: "arn:aws:s3:::" + name, Service: "s3", Region: "us-east-1", Name: name,
		Encryption: enc, Public: public, DataClasses: []string{"US_SSN"}, SensitivityScore: 60, Status: "COMPLETE"}
	if public {
		a.PublicReason = "ACL grants AllUsers READ"
	}
	return a
}

// ssnFinding is a finding of US SSNs in the named bucket.
func ssnFinding(bucket string) FindingRow {
	return FindingRow{AssetARN: "arn:aws:s3:::" + bucket, Location: "x.csv", Identifier: "US_SSN", Category: "PERSONAL", Count: 3}
}

func cc61(check, status, resource string) ControlResultRow {
	return ControlResultRow{CheckID: check, Status: status, ResourceARN: resource, SOC2Criteria: []string{"CC6.1"}}
}

// TestAccountFilterOfOrgRun: an --org run writes every account under one
// scan id; --account A must not pull account B's rows of that run into
// the report.
func TestAccountFilterOfOrgRun(t *testing.T) {
	dir := t.TempDir()
	day := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	writeRun(t, dir, "org-run", "org-run", day,
		runAccount{acct: accountA, start: day, assets: []AssetRow{bucketWithSSN("a-bucket", false, "SSE-S3")},
			findings: []FindingRow{ssnFinding("a-bucket")},
			objects:  []ObjectResultRow{{AssetARN: "arn:aws:s3:::a-bucket", Location: "x.csv", Status: "COMPLETE"}}},
		runAccount{acct: accountB, start: day, assets: []AssetRow{bucketWithSSN("b-public", true, "NONE")},
			findings:  []FindingRow{ssnFinding("b-public")},
			objects:   []ObjectResultRow{{AssetARN: "arn:aws:s3:::b-public", Location: "y.csv", Status: "SKIPPED", Reason: "ACCESS_DENIED"}},
			exposures: []ExposureRow{{AssetARN: "arn:aws:s3:::b-public", Encryption: ProtectionNone, Exposure: ExposurePublic, Public: true}},
			controls:  []ControlResultRow{cc61("iam.root_mfa", "FAIL", "arn:aws:iam::"+accountB+":root")}},
	)
	d, err := LoadAuditData(dir, AuditFilter{From: day, To: day, Accounts: []string{accountA}})
	must(t, err)
	for _, a := range d.Assets {
		if a.AccountID != accountA {
			t.Errorf("asset %s of account %s", a.AssetARN, a.AccountID)
		}
	}
	for _, c := range d.Controls {
		if c.AccountID != accountA {
			t.Errorf("control %s of account %s", c.CheckID, c.AccountID)
		}
	}
	for _, f := range d.Findings {
		if f.AccountID != accountA {
			t.Errorf("finding in %s of account %s", f.AssetARN, f.AccountID)
		}
	}
	for _, o := range d.Objects {
		if o.AccountID != accountA || o.Status != "COMPLETE" {
			t.Errorf("object stat %+v: want account A's COMPLETE object only", o)
		}
	}
	for _, e := range d.Exposures {
		if e.AccountID != accountA {
			t.Errorf("exposure %s of account %s", e.AssetARN, e.AccountID)
		}
	}
	r := BuildAuditReport(d, AuditOptions{From: day, To: day})
	for _, row := range r.Inventory.Rows {
		if row.Store == "b-public" {
			t.Errorf("inventory lists account B's bucket b-public")
		}
	}
	if len(r.Scope.Scans) != 1 || r.Scope.Scans[0].NotRead != 0 {
		t.Errorf("scans %+v: want account A's only, nothing unread", r.Scope.Scans)
	}
}

// TestNotReadPerAccountOfOrgRun: the scan list counts each account's
// unread objects, not those of the whole run.
func TestNotReadPerAccountOfOrgRun(t *testing.T) {
	dir := t.TempDir()
	day := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	skipped := func(bucket string) ObjectResultRow {
		return ObjectResultRow{AssetARN: "arn:aws:s3:::" + bucket, Location: "x.csv", Status: "SKIPPED", Reason: "ACCESS_DENIED"}
	}
	writeRun(t, dir, "org-run", "org-run", day,
		runAccount{acct: accountA, start: day, objects: []ObjectResultRow{skipped("a")}},
		runAccount{acct: accountB, start: day, objects: []ObjectResultRow{skipped("b"), skipped("b2")}},
	)
	d, err := LoadAuditData(dir, AuditFilter{From: day, To: day})
	must(t, err)
	r := BuildAuditReport(d, AuditOptions{From: day, To: day})
	got := map[string]int{}
	for _, s := range r.Scope.Scans {
		got[s.AccountID] = s.NotRead
	}
	if got[accountA] != 1 || got[accountB] != 2 {
		t.Errorf("not read per account = %v, want A 1, B 2", got)
	}
}
