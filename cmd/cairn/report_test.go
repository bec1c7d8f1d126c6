package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cairnsec/cairn/report"
)

// writeTwoDayHistory writes two daily scans of one account with
// report.HistoryWriter; the exports bucket, holding card numbers, is private
// on 2026-11-23 and public on 2026-11-24.
func writeTwoDayHistory(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for day := range 2 {
		start := time.Date(2026, 11, 23+day, 9, 0, 0, 0, time.UTC)
		id := start.Format("20060102T150405Z") + "-0000000" + string(rune('a'+day))
		w, err := report.NewHistoryWriter(dir, id, start)
		if err != nil {
			t.Fatal(err)
		}
		public := day == 1
		status := "PASS"
		if public {
			status = "FAIL"
		}
		for _, err := range []error{
			w.WriteAsset(report.AssetRow{ScanID: id, AccountID: "123456789012", AssetARN: "arn:aws:s3:::acme-exports",
				Service: "s3", Region: "us-east-1", Name: "acme-exports", Encryption: "SSE-S3", Public: public,
				DataClasses: []string{"CREDIT_CARD_NUMBER"}, Status: "COMPLETE"}),
			w.WriteFinding(report.FindingRow{ScanID: id, AccountID: "123456789012", AssetARN: "arn:aws:s3:::acme-exports",
				Location: "customers.csv", Identifier: "CREDIT_CARD_NUMBER", Category: "FINANCIAL", Count: 5,
				RedactedExamples: []string{"4556 **** **** 1965"}}),
			w.WriteControlResult(report.ControlResultRow{ScanID: id, AccountID: "123456789012",
				CheckID: "s3.block_public_access", Title: "S3 Block Public Access", SOC2Criteria: []string{"CC6.1", "CC6.6"},
				Severity: "high", Status: status, StatusExtended: "bucket acme-exports", ResourceARN: "arn:aws:s3:::acme-exports"}),
			w.WriteScan(report.ScanRow{ScanID: id, AccountID: "123456789012", StartedAt: start,
				FinishedAt: start.Add(5 * time.Minute), Regions: []string{"us-east-1"}, ToolVersion: "test", Status: "COMPLETE"}),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReportAndVerify(t *testing.T) {
	hist := writeTwoDayHistory(t)
	out := filepath.Join(t.TempDir(), "window.pdf")
	args := []string{"report", "--history", hist, "--from", "2026-11-23", "--to", "2026-11-24", "--org", "Acme", "--out", out}
	var stdout, stderr bytes.Buffer
	if code := run(args, &stdout, &stderr); code != exitClean {
		t.Fatalf("report exit %d: %s", code, stderr.String())
	}
	first, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if code := run(args, &stdout, &stderr); code != exitClean {
		t.Fatalf("second report exit %d", code)
	}
	if again, _ := os.ReadFile(out); !bytes.Equal(first, again) {
		t.Error("same history, different PDF bytes")
	}

	text := pdfText(t, out)
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"2026-11-23 to 2026-11-24", "Acme",
		"2026-11-24 s3.block_public_access FAIL arn:aws:s3:::acme-exports"} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if strings.Contains(flat, "4556") {
		t.Error("a redacted example reached the window report")
	}

	manifest := out + report.ManifestSuffix
	verify := func() (int, string) {
		var o, e bytes.Buffer
		code := run([]string{"verify", "--history", hist, "--manifest", manifest}, &o, &e)
		return code, o.String() + e.String()
	}
	if code, msg := verify(); code != exitClean || strings.Count(strings.TrimSpace(msg), "\n") != 0 || !strings.Contains(msg, "OK") {
		t.Fatalf("verify of an intact history: exit %d, %q", code, msg)
	}

	m, err := report.ReadManifest(manifest)
	if err != nil {
		t.Fatal(err)
	}
	altered, removed := m.Files[0].Path, m.Files[len(m.Files)-1].Path
	f, err := os.OpenFile(filepath.Join(hist, altered), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("x")
	f.Close()
	if err := os.Remove(filepath.Join(hist, removed)); err != nil {
		t.Fatal(err)
	}
	code, msg := verify()
	if code != exitFindings {
		t.Errorf("verify exit %d, want %d", code, exitFindings)
	}
	for _, want := range []string{altered + ": modified", removed + ": missing", "2 of "} {
		if !strings.Contains(msg, want) {
			t.Errorf("verify output lacks %q:\n%s", want, msg)
		}
	}
}

func TestReportUsage(t *testing.T) {
	hist := writeTwoDayHistory(t)
	for name, args := range map[string][]string{
		"no window":    {"report", "--history", hist},
		"bad date":     {"report", "--history", hist, "--from", "23/11/2026", "--to", "2026-11-24"},
		"empty window": {"report", "--history", hist, "--from", "2025-01-01", "--to", "2025-01-02", "--out", filepath.Join(t.TempDir(), "x.pdf")},
		"no manifest":  {"verify", "--history", hist},
	} {
		var o, e bytes.Buffer
		if code := run(args, &o, &e); code != exitUsage {
			t.Errorf("%s: exit %d, want %d (%s)", name, code, exitUsage, e.String())
		}
	}
}
