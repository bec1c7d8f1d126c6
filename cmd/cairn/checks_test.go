package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairnsec/cairn/configchecks"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// TestChecksExport runs `cairn scan --only checks --checks-export FILE` against an
// empty moto account, once as CSV and once as JSON Lines, and checks the file holds
// every result the summary counted, MANUAL rows included, with the control_results
// columns auditors filter on.
func TestChecksExport(t *testing.T) {
	mototest.SetTestCredentials(t)
	srv := mototest.Start(t)
	t.Setenv(fingerprintKeyEnv, hex.EncodeToString(bytes.Repeat([]byte{7}, 32)))
	dir := t.TempDir()

	scan := func(t *testing.T, export string) (results int) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		code := run([]string{"scan", "--endpoint-url", srv.Endpoint, "--regions", "us-east-1", "--only", "checks",
			"--out", filepath.Join(dir, "history"), "--no-pdf", "--checks-export", export}, &stdout, &stderr)
		// An empty account fails checks (1); APIs moto lacks make some ERROR (3).
		if code != exitFindings && code != exitIncomplete {
			t.Fatalf("exit code = %d, want %d or %d\nstdout:\n%s\nstderr:\n%s", code, exitFindings, exitIncomplete, stdout.String(), stderr.String())
		}
		if !strings.Contains(stdout.String(), "Check results exported to "+export) {
			t.Errorf("summary does not say where the export is:\n%s", stdout.String())
		}
		for _, line := range strings.Split(stdout.String(), "\n") {
			if n, ok := strings.CutPrefix(line, "Configuration checks: "); ok {
				if _, err := fmt.Sscanf(n, "%d", &results); err != nil {
					t.Fatalf("summary line %q: %v", line, err)
				}
			}
		}
		if results == 0 {
			t.Fatalf("no check results in the summary:\n%s", stdout.String())
		}
		return results
	}

	t.Run("csv", func(t *testing.T) {
		path := filepath.Join(dir, "exports", "checks.csv") // the directory is created
		n := scan(t, path)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(recs[0], ",") != strings.Join(configchecks.CSVHeader, ",") {
			t.Errorf("header %v, want %v", recs[0], configchecks.CSVHeader)
		}
		if len(recs)-1 != n {
			t.Errorf("%d rows, the summary counted %d results", len(recs)-1, n)
		}
		col := map[string]int{}
		for i, h := range recs[0] {
			col[h] = i
		}
		statuses := map[string]int{}
		for _, r := range recs[1:] {
			statuses[r[col["status"]]]++
			if r[col["check_id"]] == "" || r[col["soc2_criteria"]] == "" || r[col["finding_uid"]] == "" || r[col["resource_arn"]] == "" {
				t.Errorf("incomplete row %v", r)
			}
			if strings.HasPrefix(r[col["check_id"]], configchecks.ManualCheckPrefix) && r[col["status"]] != string(configchecks.StatusManual) {
				t.Errorf("manual row with status %s", r[col["status"]])
			}
		}
		if statuses[string(configchecks.StatusManual)] == 0 || statuses[string(configchecks.StatusFail)] == 0 {
			t.Errorf("statuses %v: want MANUAL and FAIL rows", statuses)
		}
	})

	t.Run("jsonl", func(t *testing.T) {
		path := filepath.Join(dir, "checks.jsonl")
		n := scan(t, path)
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rows := 0
		sc := bufio.NewScanner(bytes.NewReader(raw))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var r configchecks.Result
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("line %d: %v", rows+1, err)
			}
			if r.CheckID == "" || len(r.SOC2) == 0 || !json.Valid([]byte(r.Evidence)) {
				t.Errorf("incomplete row %+v", r)
			}
			rows++
		}
		if rows != n {
			t.Errorf("%d lines, the summary counted %d results", rows, n)
		}
	})

	t.Run("bad extension is a usage error", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		code := run([]string{"scan", "--endpoint-url", srv.Endpoint, "--only", "checks", "--checks-export", filepath.Join(dir, "checks.txt")}, &stdout, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), "--checks-export") {
			t.Errorf("exit code %d, stderr %q; want %d naming --checks-export", code, stderr.String(), exitUsage)
		}
		code = run([]string{"scan", "--endpoint-url", srv.Endpoint, "--only", "s3", "--checks-export", filepath.Join(dir, "c.csv")}, &stdout, &stderr)
		if code != exitUsage {
			t.Errorf("--checks-export without checks: exit code %d, want %d", code, exitUsage)
		}
	})
}
