package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"
	"time"
)

// duckDBDir is the test-only npm project holding @duckdb/node-api and the
// query script (testdata/duckdb, at the module root).
var duckDBDir = filepath.Join("..", "testdata", "duckdb")

// needDuckDB returns the node binary, installing the npm project with
// `npm ci` if its node_modules is missing. Without node or npm the test is
// skipped, except in CI, where it fails.
func needDuckDB(t *testing.T) string {
	t.Helper()
	fail := t.Skipf
	if os.Getenv("CI") == "true" {
		fail = t.Fatalf
	}
	node, err := exec.LookPath("node")
	if err != nil {
		fail("node is not installed: DuckDB reader unavailable")
	}
	if _, err := os.Stat(filepath.Join(duckDBDir, "node_modules", "@duckdb", "node-api")); err != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			fail("npm is not installed: DuckDB reader unavailable")
		}
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = duckDBDir
		if out, err := cmd.CombinedOutput(); err != nil {
			fail("npm ci in %s: %v\n%s", duckDBDir, err, out)
		}
	}
	return node
}

// docQueries returns the SQL blocks of docs/history.md marked with
// <!-- query: NAME -->.
func docQueries(t *testing.T) map[string]string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "docs", "history.md"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)<!-- query: ([a-z_]+) -->\n```sql\n(.*?)```")
	out := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(string(doc), -1) {
		out[m[1]] = m[2]
	}
	return out
}

// runDuckDB runs the named queries with DuckDB (node, from needDuckDB)
// over the history in dir and returns query.mjs's JSON answer.
func runDuckDB(t *testing.T, node, dir string, queries map[string]string) []byte {
	t.Helper()
	in, _ := json.Marshal(map[string]any{"dir": dir, "tables": Tables(), "queries": queries})
	cmd := exec.Command(node, "query.mjs")
	cmd.Dir = duckDBDir
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("duckdb: %v\n%s", err, stderr.String())
	}
	return out
}

// TestHistoryReadByDuckDB writes a history of two accounts scanned on four
// days over two weeks, plus an uncommitted scan, and runs the example
// queries of docs/history.md on it with DuckDB.
func TestHistoryReadByDuckDB(t *testing.T) {
	node := needDuckDB(t)
	queries := docQueries(t)
	for _, name := range []string{"ssn_public_in_window", "cis_pass_rate_per_week", "riskiest_latest", "skipped_by_reason"} {
		if queries[name] == "" {
			t.Fatalf("docs/history.md has no query %q", name)
		}
	}
	dir := t.TempDir()
	writeMultiScanHistory(t, dir)

	out := runDuckDB(t, node, dir, queries)
	var got map[string][]map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("duckdb output: %v\n%s", err, out)
	}

	// DuckDB's JSON rows carry BIGINT as strings: compare values as text.
	text := func(rows []map[string]any) []map[string]string {
		out := make([]map[string]string, 0, len(rows))
		for _, r := range rows {
			m := map[string]string{}
			for k, v := range r {
				m[k] = fmt.Sprint(v)
			}
			out = append(out, m)
		}
		return out
	}
	check := func(name string, want []map[string]any) {
		t.Helper()
		if g, w := text(got[name]), text(want); !reflect.DeepEqual(g, w) {
			t.Errorf("%s:\n got %v\nwant %v", name, g, w)
		}
	}
	// a-pii was public on Nov 4 only; a-logs holds SSNs and is public on
	// Nov 11, outside the window; b-open is public without SSNs; the
	// uncommitted scan of Nov 5 makes b-pii public but has no scans row.
	check("ssn_public_in_window", []map[string]any{{"account_id": accountA, "name": "a-pii"}})
	check("cis_pass_rate_per_week", []map[string]any{
		{"week": "2026-11-02", "cis_id": "5.0:1.4", "passed": 3, "failed": 1, "pass_rate": 75},
		{"week": "2026-11-02", "cis_id": "5.0:2.1.1", "passed": 0, "failed": 4, "pass_rate": 0},
		{"week": "2026-11-02", "cis_id": "6.0:2.1.1", "passed": 0, "failed": 4, "pass_rate": 0},
		{"week": "2026-11-09", "cis_id": "5.0:1.4", "passed": 4, "failed": 0, "pass_rate": 100},
		{"week": "2026-11-09", "cis_id": "5.0:2.1.1", "passed": 2, "failed": 2, "pass_rate": 50},
		{"week": "2026-11-09", "cis_id": "6.0:2.1.1", "passed": 2, "failed": 2, "pass_rate": 50},
	})
	var wantRisk []map[string]any
	for _, acct := range []string{accountA, accountB} {
		for _, e := range latestExposures[acct] {
			if e.RiskRank <= 3 {
				wantRisk = append(wantRisk, map[string]any{
					"account_id": acct, "risk_rank": e.RiskRank, "name": e.Name, "exposure": e.Exposure,
					"encryption": e.Encryption, "risk_score": e.RiskScore,
				})
			}
		}
	}
	if len(wantRisk) != 6 {
		t.Fatalf("expected 3 riskiest stores per account, have %d", len(wantRisk))
	}
	check("riskiest_latest", wantRisk)
	check("skipped_by_reason", []map[string]any{
		{"reason": "INVALID_OBJECT_STATE", "objects": 8}, {"reason": "PERMISSION_DENIED", "objects": 4},
	})
}

const (
	accountA = "111111111111"
	accountB = "222222222222"
)

// latestExposures holds the exposures rows of each account's last committed
// scan, as written by writeMultiScanHistory.
var latestExposures = map[string][]ExposureRow{}

// writeMultiScanHistory writes 8 committed scans (2 accounts × Nov 2, 4, 9
// and 11, 2026) and one uncommitted scan (no scans row) on Nov 5.
func writeMultiScanHistory(t *testing.T, dir string) {
	t.Helper()
	days := []time.Time{
		time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC), time.Date(2026, 11, 4, 10, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 9, 10, 0, 0, 0, time.UTC), time.Date(2026, 11, 11, 10, 0, 0, 0, time.UTC),
	}
	for di, day := range days {
		for ai, acct := range []string{accountA, accountB} {
			id := fmt.Sprintf("%s-%08x", day.Format("20060102T150405Z"), ai)
			writeSyntheticScan(t, dir, id, acct, day, di, true)
		}
	}
	// Interrupted: every table but scans (the commit marker) was published.
	writeSyntheticScan(t, dir, "20261105T100000Z-0000000f", accountB, time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC), 1, false)
}

func writeSyntheticScan(t *testing.T, dir, id, acct string, day time.Time, di int, commit bool) {
	t.Helper()
	w, err := NewHistoryWriter(dir, id, day)
	must(t, err)
	defer w.Abort()
	bucket := func(name string, public bool, enc string, classes ...string) AssetRow {
		a := AssetRow{
			ScanID: id, AccountID: acct, ObservedAt: day, AssetARN: "arn:aws:s3:::" + name, Service: "s3",
			Region: "eu-west-1", Name: name, Encryption: enc, Public: public, DataClasses: classes,
			ObjectCount: 100, BucketObjects: 100, SampledObjects: 50, Status: "COMPLETE", Posture: "{}",
		}
		if public {
			a.PublicReason = "ACL grants AllUsers READ"
		}
		if len(classes) > 0 {
			a.SensitivityScore = 20 * float64(len(classes))
		}
		return a
	}
	var assets []AssetRow
	if acct == accountA {
		assets = []AssetRow{
			bucket("a-pii", di == 1, "NONE", "EMAIL_ADDRESS", "US_SSN"),
			bucket("a-logs", di == 3, "SSE-S3", "US_SSN"),
			bucket("a-site", false, "SSE-S3"),
			bucket("a-keys", false, "SSE-KMS", "AWS_ACCESS_KEY_ID"),
		}
	} else {
		assets = []AssetRow{
			bucket("b-pii", !commit, "SSE-S3", "US_SSN"),
			bucket("b-open", true, "NONE", "EMAIL_ADDRESS"),
			bucket("b-empty", false, "NONE"),
			bucket("b-cards", false, "SSE-S3", "CREDIT_CARD_NUMBER"),
		}
	}
	objects := []ObjectResultRow{
		{ScanID: id, AccountID: acct, ObservedAt: day, AssetARN: assets[0].AssetARN, Location: "cold/x.csv", Status: "SKIPPED", Reason: "INVALID_OBJECT_STATE"},
		{ScanID: id, AccountID: acct, ObservedAt: day, AssetARN: assets[0].AssetARN, Location: "ok.csv", Status: "COMPLETE"},
	}
	if acct == accountA {
		objects = append(objects, ObjectResultRow{ScanID: id, AccountID: acct, ObservedAt: day, AssetARN: assets[1].AssetARN, Location: "denied.csv", Status: "SKIPPED", Reason: "PERMISSION_DENIED"})
	}
	if !commit {
		objects = nil
	}
	var findings []FindingRow
	for _, a := range assets {
		for _, c := range a.DataClasses {
			findings = append(findings, FindingRow{ScanID: id, AccountID: acct, ObservedAt: day, AssetARN: a.AssetARN,
				Service: "s3", Region: a.Region, Location: "ok.csv", Identifier: c, Category: "PERSONAL", Confidence: "HIGH", Count: 3})
		}
	}
	// Control c1 (CIS 5.0:1.4) fails only for account B on Nov 2; c2 (CIS
	// 5.0:2.1.1 and 6.0:2.1.1) fails in week 1 and passes for account A in
	// week 2. A MANUAL result is left out of pass rates.
	week2 := di >= 2
	status := func(pass bool) string {
		if pass {
			return "PASS"
		}
		return "FAIL"
	}
	controls := []ControlResultRow{
		{CheckID: "c1", CISIDs: []string{"5.0:1.4"}, Status: status(!(acct == accountB && di == 0)), ResourceARN: "arn:aws:iam::" + acct + ":root"},
		{CheckID: "c2", CISIDs: []string{"5.0:2.1.1", "6.0:2.1.1"}, Status: status(week2 && acct == accountA), ResourceARN: assets[0].AssetARN},
		{CheckID: "c3", CISIDs: []string{"5.0:1.1"}, Status: "MANUAL"},
	}
	for i := range controls {
		controls[i].ScanID, controls[i].AccountID, controls[i].ObservedAt = id, acct, day
		controls[i].SOC2Criteria = []string{"CC6.1"}
	}
	for _, r := range assets {
		must(t, w.WriteAsset(r))
	}
	for _, r := range objects {
		must(t, w.WriteObjectResult(r))
	}
	for _, r := range findings {
		must(t, w.WriteFinding(r))
	}
	for _, r := range controls {
		must(t, w.WriteControlResult(r))
	}
	exposures := JoinExposures(assets, objects, findings, controls)
	for _, r := range exposures {
		must(t, w.WriteExposure(r))
	}
	if commit {
		must(t, w.WriteScan(ScanRow{ScanID: id, AccountID: acct, StartedAt: day, FinishedAt: day.Add(time.Minute), Status: "COMPLETE"}))
	}
	must(t, w.Close())
	if !commit {
		// Simulate the crash between publishing the other tables and the
		// scans file: the scans file never appeared.
		must(t, os.Remove(w.Files()[0]))
		return
	}
	if day.Day() == 11 {
		latestExposures[acct] = exposures
	}
}
