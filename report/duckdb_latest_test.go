package report

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestRiskiestLatestQueryPerAccount runs docs/history.md's riskiest_latest
// with DuckDB over an org run X of accounts A and B on Nov 2, a scan of A
// alone on Nov 3, a FAILED scan of B on Nov 4 and a scan of B on Nov 5 whose
// run id sorts before X's. Each account's answer must come from its own
// latest COMPLETE scan by started_at: A's from Nov 3, B's from Nov 5.
func TestRiskiestLatestQueryPerAccount(t *testing.T) {
	node := needDuckDB(t)
	q := docQueries(t)["riskiest_latest"]
	if q == "" {
		t.Fatal("docs/history.md has no query riskiest_latest")
	}
	dir := t.TempDir()
	d1 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	exp := func(name string) ExposureRow {
		return ExposureRow{AssetARN: "arn:aws:s3:::" + name, Name: name, RiskRank: 1, Exposure: ExposurePrivate, Encryption: ProtectionNone}
	}
	writeRun(t, dir, "20261102T090000Z-org", "20261102T090000Z-org", d1,
		runAccount{acct: accountA, start: d1, exposures: []ExposureRow{exp("a-old")}},
		runAccount{acct: accountB, start: d1, exposures: []ExposureRow{exp("b-old")}})
	writeRun(t, dir, "20261103T090000Z-a", "20261103T090000Z-a", d1.AddDate(0, 0, 1),
		runAccount{acct: accountA, start: d1.AddDate(0, 0, 1), exposures: []ExposureRow{exp("a-new")}})
	writeRun(t, dir, "20261104T090000Z-b", "20261104T090000Z-b", d1.AddDate(0, 0, 2),
		runAccount{acct: accountB, start: d1.AddDate(0, 0, 2), status: "FAILED"})
	writeRun(t, dir, "0-nightly", "0-nightly", d1.AddDate(0, 0, 3),
		runAccount{acct: accountB, start: d1.AddDate(0, 0, 3), exposures: []ExposureRow{exp("b-new")}})

	var got map[string][]map[string]any
	out := runDuckDB(t, node, dir, map[string]string{"riskiest_latest": q})
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("duckdb output: %v\n%s", err, out)
	}
	var rows []string
	for _, r := range got["riskiest_latest"] {
		rows = append(rows, fmt.Sprint(r["account_id"], " ", r["name"]))
	}
	if want := []string{accountA + " a-new", accountB + " b-new"}; !slices.Equal(rows, want) {
		t.Errorf("riskiest_latest = %q, want %q", rows, want)
	}
}
