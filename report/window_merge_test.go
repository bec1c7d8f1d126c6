package report

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestMergeScanRows merges the rows two shards wrote for one account.
func TestMergeScanRows(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	a := ScanRow{ScanID: "run-1", AccountID: "111111111111", StartedAt: t0.Add(time.Minute), FinishedAt: t0.Add(5 * time.Minute),
		Regions: []string{"us-east-1"}, Status: "COMPLETE", Options: `{"shard":"0/2"}`, Assets: 2, Objects: 10, Skipped: 1, Findings: 3, BytesRead: 100}
	b := ScanRow{ScanID: "run-1", AccountID: "111111111111", StartedAt: t0, FinishedAt: t0.Add(3 * time.Minute),
		Regions: []string{"eu-west-1", "us-east-1"}, Status: "INCOMPLETE", Options: `{"shard":"1/2"}`, Assets: 1, Objects: 5, Findings: 1, BytesRead: 50}
	for _, m := range []ScanRow{MergeScanRows(a, b), MergeScanRows(b, a)} {
		if !m.StartedAt.Equal(t0) || !m.FinishedAt.Equal(t0.Add(5*time.Minute)) {
			t.Errorf("merged times %s..%s, want %s..%s", m.StartedAt, m.FinishedAt, t0, t0.Add(5*time.Minute))
		}
		if !slices.Equal(m.Regions, []string{"eu-west-1", "us-east-1"}) {
			t.Errorf("merged regions %v", m.Regions)
		}
		if m.Status != "INCOMPLETE" || m.Options != `{"shard":"1/2"}` {
			t.Errorf("merged status %s options %s, want the worse row's", m.Status, m.Options)
		}
		if m.Assets != 3 || m.Objects != 15 || m.Skipped != 1 || m.Findings != 4 || m.BytesRead != 150 {
			t.Errorf("merged totals %+v", m)
		}
	}
	if len(a.Regions) != 1 {
		t.Errorf("merge changed its input: %v", a.Regions)
	}
}

// TestLoadAuditDataCompletesShardedRun loads a run written by two shards: the
// report evaluates the data.* checks the shards left out over the merged rows
// and recomputes the exposures, so a bucket split by prefix carries the classes
// of both parts. The same rows written as a one-part run are read as they are.
func TestLoadAuditDataCompletesShardedRun(t *testing.T) {
	const run, acct = "run-7", "111111111111"
	day := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	scan := ScanRow{ScanID: run, AccountID: acct, StartedAt: day, FinishedAt: day.Add(time.Minute), Status: "COMPLETE",
		Regions: []string{"us-east-1"}, Options: `{"only":["s3","checks"]}`}
	big := AssetRow{ScanID: run, AccountID: acct, ObservedAt: day, AssetARN: "arn:aws:s3:::big", Service: "s3", Region: "us-east-1",
		Name: "big", Encryption: "SSE-S3", Status: "COMPLETE", DataClasses: []string{"US_SSN"}, Reason: "SPLIT_BY_PREFIX: root part"}
	finding := func(loc, id, cat string) FindingRow {
		return FindingRow{ScanID: run, AccountID: acct, ObservedAt: day, AssetARN: big.AssetARN, Location: loc, Identifier: id, Category: cat, Count: 1}
	}
	// The checks unit's rows: the account holds big and other, which no
	// unit classified.
	control := func(bucket string) ControlResultRow {
		return ControlResultRow{ScanID: run, AccountID: acct, ObservedAt: day, CheckID: CheckS3DefaultEncryption, Status: "PASS",
			ResourceARN: "arn:aws:s3:::" + bucket, Region: "us-east-1", EvidenceJSON: "{}"}
	}
	type part struct {
		assets   []AssetRow
		findings []FindingRow
		controls []ControlResultRow
	}
	parts := []part{
		{[]AssetRow{big}, []FindingRow{finding("root.csv", "US_SSN", "PERSONAL")}, []ControlResultRow{control("big"), control("other")}},
		{nil, []FindingRow{finding("2026/cards.csv", "CREDIT_CARD_NUMBER", "FINANCIAL")}, nil},
	}
	write := func(dir, name string, ps ...part) {
		w, err := NewHistoryWriter(dir, name, day)
		must(t, err)
		for _, p := range ps {
			must(t, w.WriteScan(scan))
			for _, a := range p.assets {
				must(t, w.WriteAsset(a))
			}
			for _, f := range p.findings {
				must(t, w.WriteFinding(f))
			}
			for _, c := range p.controls {
				must(t, w.WriteControlResult(c))
			}
			for _, e := range JoinExposures(p.assets, nil, p.findings, p.controls) {
				must(t, w.WriteExposure(e))
			}
		}
		must(t, w.Close())
	}
	status := func(d AuditData, check, resource string) string {
		for _, c := range d.Controls {
			if c.CheckID == check && c.ResourceARN == resource {
				return c.Status
			}
		}
		return "none"
	}

	sharded := t.TempDir()
	write(sharded, run+"-s0of2", parts[0])
	write(sharded, run+"-s1of2", parts[1])
	d, err := LoadAuditData(sharded, AuditFilter{From: day, To: day})
	must(t, err)
	if len(d.Scans) != 1 || d.Derived == 0 {
		t.Fatalf("sharded run: %d scans, %d derived rows; want 1 merged scan and derived data.* rows", len(d.Scans), d.Derived)
	}
	for _, c := range []struct{ check, bucket, want string }{
		{"data.s3_classified", "big", "FAIL"},   // sensitive, not under a customer managed key
		{"data.s3_classified", "other", "FAIL"}, // not classified in this run
		{"data.sensitive_cmk", "big", "FAIL"},
		{"data.sensitive_encrypted", "big", "PASS"},
		{"data.sensitive_not_public", "big", "PASS"},
	} {
		if got := status(d, c.check, "arn:aws:s3:::"+c.bucket); got != c.want {
			t.Errorf("sharded run: %s of %s is %s, want %s", c.check, c.bucket, got, c.want)
		}
	}
	for _, c := range d.Controls {
		if c.CheckID == "data.sensitive_cmk" && !strings.Contains(c.EvidenceJSON, "CREDIT_CARD_NUMBER") {
			t.Errorf("data.sensitive_cmk lacks the prefix part's class: %s", c.EvidenceJSON)
		}
	}
	if len(d.Exposures) != 1 || !slices.Equal(d.Exposures[0].DataClasses, []string{"CREDIT_CARD_NUMBER", "US_SSN"}) {
		t.Errorf("sharded run: exposures %+v, want one row with both parts' classes", d.Exposures)
	}

	// One part: what the run wrote is what the report reads.
	whole := t.TempDir()
	write(whole, run, part{parts[0].assets, slices.Concat(parts[0].findings, parts[1].findings), parts[0].controls})
	d, err = LoadAuditData(whole, AuditFilter{From: day, To: day})
	must(t, err)
	if d.Derived != 0 || status(d, "data.s3_classified", "arn:aws:s3:::other") != "none" {
		t.Errorf("one-part run: %d derived rows, want none", d.Derived)
	}
}
