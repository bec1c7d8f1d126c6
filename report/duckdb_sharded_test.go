package report

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestShardedExposureQueryByDuckDB writes a run split into two shards, a
// bucket split by prefix between them, and runs docs/history.md's query for a
// sharded run's data classes with DuckDB: it must return the classes of every
// part, which the shard-written exposures row lacks, and agree with the
// exposures cairn report recomputes (LoadAuditData).
func TestShardedExposureQueryByDuckDB(t *testing.T) {
	node := needDuckDB(t)
	query := docQueries(t)["sharded_exposure_classes"]
	if query == "" {
		t.Fatal(`docs/history.md has no query "sharded_exposure_classes"`)
	}
	const run = "nightly-2026-11-25"
	day := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	big := AssetRow{ScanID: run, AccountID: accountA, ObservedAt: day, AssetARN: "arn:aws:s3:::big", Service: "s3", Region: "us-east-1",
		Name: "big", Encryption: "SSE-S3", Status: "COMPLETE", DataClasses: []string{"US_SSN"}, SensitivityScore: 30,
		Reason: "SPLIT_BY_PREFIX: this row covers the keys outside the bucket's top-level prefixes"}
	clean := AssetRow{ScanID: run, AccountID: accountA, ObservedAt: day, AssetARN: "arn:aws:s3:::clean", Service: "s3", Region: "us-east-1",
		Name: "clean", Encryption: "NONE", Status: "COMPLETE"}
	finding := func(loc, id, cat string) FindingRow {
		return FindingRow{ScanID: run, AccountID: accountA, ObservedAt: day, AssetARN: big.AssetARN, Service: "s3", Region: "us-east-1",
			Location: loc, Identifier: id, Category: cat, Confidence: "HIGH", Count: 1, RedactedExamples: []string{}, Fingerprints: []string{}}
	}
	shards := []struct {
		assets   []AssetRow
		findings []FindingRow
	}{
		{[]AssetRow{big, clean}, []FindingRow{finding("root.csv", "US_SSN", "PERSONAL")}},
		{nil, []FindingRow{finding("2026/cards.csv", "CREDIT_CARD_NUMBER", "FINANCIAL")}},
	}
	var written []ExposureRow
	for i, s := range shards {
		w, err := NewHistoryWriter(dir, fmt.Sprintf("%s-s%dof%d", run, i, len(shards)), day)
		must(t, err)
		must(t, w.WriteScan(ScanRow{ScanID: run, AccountID: accountA, StartedAt: day, FinishedAt: day.Add(time.Minute), Status: "COMPLETE",
			Regions: []string{"us-east-1"}, Options: `{"only":["s3"]}`}))
		for _, a := range s.assets {
			must(t, w.WriteAsset(a))
		}
		for _, f := range s.findings {
			must(t, w.WriteFinding(f))
		}
		// Each shard joins only the rows it saw, as cairn scan --shard does.
		for _, e := range JoinExposures(s.assets, nil, s.findings, nil) {
			written = append(written, e)
			must(t, w.WriteExposure(e))
		}
		must(t, w.Close())
	}
	for _, e := range written {
		if e.AssetARN == big.AssetARN && slices.Contains(e.DataClasses, "CREDIT_CARD_NUMBER") {
			t.Fatalf("the root shard's exposures row already has the prefix part's class: %v", e.DataClasses)
		}
	}

	out := runDuckDB(t, node, dir, map[string]string{"q": query})
	var got map[string][]struct {
		AccountID   string   `json:"account_id"`
		Name        string   `json:"name"`
		Exposure    string   `json:"exposure"`
		Encryption  string   `json:"encryption"`
		DataClasses []string `json:"data_classes"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("duckdb output: %v\n%s", err, out)
	}
	want := fmt.Sprint([]any{
		[]any{accountA, "big", ExposurePrivate, ProtectionAWSManaged, []string{"CREDIT_CARD_NUMBER", "US_SSN"}},
		[]any{accountA, "clean", ExposurePrivate, ProtectionNone, []string(nil)},
	})
	var rows []any
	for _, r := range got["q"] {
		rows = append(rows, []any{r.AccountID, r.Name, r.Exposure, r.Encryption, r.DataClasses})
	}
	if g := fmt.Sprint(rows); g != want {
		t.Errorf("sharded_exposure_classes:\n got %s\nwant %s", g, want)
	}

	// cairn report's recomputed exposures say the same.
	d, err := LoadAuditData(dir, AuditFilter{From: day, To: day})
	must(t, err)
	for _, e := range d.Exposures {
		if e.AssetARN == big.AssetARN && !slices.Equal(e.DataClasses, []string{"CREDIT_CARD_NUMBER", "US_SSN"}) {
			t.Errorf("the report's exposures of the split bucket: %v", e.DataClasses)
		}
	}
	if len(d.Exposures) != 2 {
		t.Errorf("the report has %d exposures rows of the run, want 2 (one per store)", len(d.Exposures))
	}
}
