package report

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// sampleReport is a small scan with every kind of row the PDF shows.
func sampleReport() ScanReport {
	scans, assets, objects, findings := sampleRows()
	assets = append(assets, AssetRow{
		ScanID: "scan-1", AccountID: "123456789012", ObservedAt: scans[0].StartedAt,
		AssetARN: "arn:aws:s3:::cairn-demo-public-logs", Service: "s3", Region: "us-east-1",
		Name: "cairn-demo-public-logs", Encryption: "NONE", Public: true,
		PublicReason: "ACL grants READ to AllUsers", Status: "COMPLETE",
	}, AssetRow{
		ScanID: "scan-1", AccountID: "123456789012", ObservedAt: scans[0].StartedAt,
		AssetARN: "arn:aws:rds:eu-central-1:123456789012:db:billing", Service: "rds", Region: "eu-central-1",
		Name: "billing", Encryption: "SSE-KMS", KMSKeyManager: "AWS", SensitivityScore: 40,
		DataClasses: []string{"IBAN"}, Status: "COMPLETE",
	})
	findings = append(findings, FindingRow{
		ScanID: "scan-1", AccountID: "123456789012", AssetARN: "arn:aws:rds:eu-central-1:123456789012:db:billing",
		Service: "rds", Region: "eu-central-1", Location: "billing/public.invoices.iban", Identifier: "IBAN",
		Category: "FINANCIAL", Confidence: "HIGH", Count: 1200,
		RedactedExamples: []string{"DE** **** **** **** **30", "FR** **** **** **** **** 606", "GB** **** **** 5432 68", "NL** **** **** 4300"},
		Fingerprints:     []string{"hmac-sha256:FINGERPRINT-MUST-NOT-APPEAR"},
	})
	objects = append(objects, ObjectResultRow{
		ScanID: "scan-1", AssetARN: assets[0].AssetARN, Location: "backups/db.dump.enc",
		Status: "PARTIAL", Reason: "SAMPLE_BYTES_CAP", Size: 1 << 30, BytesRead: 1 << 20,
	}, ObjectResultRow{
		ScanID: "scan-1", AssetARN: assets[0].AssetARN, Location: "ssec/customer-key.csv",
		Status: "SKIPPED", Reason: "SSE_C_KEY_REQUIRED",
	})
	return ScanReport{
		ScanID: "scan-1", AccountID: "123456789012", ToolVersion: "v0.1.0", Status: "INCOMPLETE",
		Regions:   []string{"us-east-1", "eu-central-1"},
		StartedAt: scans[0].StartedAt, FinishedAt: scans[0].FinishedAt,
		Options: map[string]string{
			"sample_objects": "100", "sample_bytes": "1048576", "sample_rows": "1000", "concurrency": "8",
		},
		Assets: assets, Objects: objects, Findings: findings,
	}
}

func renderPDF(t testing.TB, r ScanReport) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteScanPDF(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestScanPDFDeterministic(t *testing.T) {
	first := renderPDF(t, sampleReport())
	for i := range 3 {
		if again := renderPDF(t, sampleReport()); !bytes.Equal(first, again) {
			t.Fatalf("render %d differs from the first (%d vs %d bytes)", i+2, len(again), len(first))
		}
	}
	// The golden file also catches nondeterminism across processes (map
	// order is randomised per process) and unreviewed layout changes.
	golden := filepath.Join("testdata", "scan_report.golden.pdf")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, first, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./report/ -run TestScanPDFDeterministic -update)", err)
	}
	if !bytes.Equal(first, want) {
		t.Fatalf("PDF differs from %s; if the change is intended, rerun with -update and review the PDF", golden)
	}
}

func TestScanPDFDates(t *testing.T) {
	pdf := string(renderPDF(t, sampleReport()))
	// FinishedAt is 2026-11-25 09:42:17 UTC.
	for _, want := range []string{"/CreationDate (D:20261125094217)", "/ModDate (D:20261125094217)"} {
		if !strings.Contains(pdf, want) {
			t.Errorf("PDF lacks %s", want)
		}
	}
	// With no times at all the output is still deterministic.
	r := sampleReport()
	r.StartedAt, r.FinishedAt = time.Time{}, time.Time{}
	if a, b := renderPDF(t, r), renderPDF(t, r); !bytes.Equal(a, b) {
		t.Fatal("PDF without dates is not deterministic")
	}
}

// tool returns the path of a poppler command, failing under CI (where it
// must be installed) and skipping elsewhere.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found on PATH: install poppler-utils", name)
		}
		t.Skipf("%s not found on PATH (install poppler-utils)", name)
	}
	return p
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin := tool(t, "pdftotext")
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func pdfInfo(t *testing.T, pdf []byte) map[string]string {
	t.Helper()
	bin := tool(t, "pdfinfo")
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "-isodates", path)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v: %s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("pdfinfo complained: %s", stderr.String())
	}
	info := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			info[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return info
}

func TestScanPDFContent(t *testing.T) {
	pdf := renderPDF(t, sampleReport())
	text := pdfText(t, pdf)
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{
		"Cairn scan report",
		SectionOverview, SectionSummary, SectionDataStores, SectionSensitive, SectionNotRead, SectionSOC2,
		"CC6.7", "C1.1", "C1.2",
		"123456789012", "scan-1", "eu-central-1, us-east-1",
		"2026-11-25 08:00:00 UTC", "2026-11-25 09:42:17 UTC", "INCOMPLETE", "v0.1.0",
		"sample_objects", "1048576",
		"données-clients", "cairn-demo-public-logs", "日本語テーブル", // bucket and table names
		"customer managed", "ACL grants READ", "AllUsers",
		"4111 **** **** 1111", "j***@exämple.de", "(+1 more)", // redacted examples
		"INVALID_OBJECT_STATE", "SSE_C_KEY_REQUIRED", "SAMPLE_BYTES_CAP", "ACCESS_DENIED", // skip reasons
		"Page 1 of ",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	// Only redacted examples are printed: never fingerprints, never the
	// fourth example of a row (the cap is three).
	for _, banned := range []string{"FINGERPRINT-MUST-NOT-APPEAR", "hmac-sha256", "NL**"} {
		if strings.Contains(flat, banned) {
			t.Errorf("PDF text contains %q", banned)
		}
	}
	// Riskiest first: the public bucket with sensitive data precedes the
	// private database, which precedes the public bucket without any.
	a, b, c := strings.Index(flat, "données-clients [s3]"), strings.Index(flat, "billing [rds]"), strings.Index(flat, "cairn-demo-public-logs [s3]")
	if a < 0 || b < 0 || c < 0 || a >= b || b >= c {
		t.Errorf("data store order: données-clients@%d billing@%d public-logs@%d", a, b, c)
	}

	info := pdfInfo(t, pdf)
	pages, _ := strconv.Atoi(info["Pages"])
	if pages < 2 {
		t.Errorf("pdfinfo pages = %q", info["Pages"])
	}
	if !strings.Contains(flat, fmt.Sprintf("Page %d of %d", pages, pages)) {
		t.Errorf("footer lacks \"Page %d of %d\"", pages, pages)
	}
	if !strings.HasPrefix(info["CreationDate"], "2026-11-25T09:42:17") {
		t.Errorf("CreationDate = %q", info["CreationDate"])
	}
	if !strings.Contains(info["Title"], "scan-1") {
		t.Errorf("Title = %q", info["Title"])
	}
	for _, title := range []string{SectionOverview, SectionSummary, SectionDataStores, SectionSensitive, SectionNotRead, SectionSOC2} {
		if !bytes.Contains(pdf, utf16BE(title)) {
			t.Errorf("no bookmark %q", title)
		}
	}
}

// utf16BE is how fpdf writes a UTF-8 bookmark title: a BOM and UTF-16BE.
func utf16BE(s string) []byte {
	out := []byte{0xfe, 0xff}
	for _, r := range s {
		out = append(out, byte(r>>8), byte(r))
	}
	return out
}

// TestScanPDFLongTables renders a scan with many rows and very long strings
// and checks the tables break across pages with their header repeated.
func TestScanPDFLongTables(t *testing.T) {
	r := sampleReport()
	longKey := strings.Repeat("very-long-prefix/", 120) + "object.csv"
	for i := range 300 {
		r.Findings = append(r.Findings, FindingRow{
			AssetARN: r.Assets[0].AssetARN, Location: fmt.Sprintf("bulk/%04d/%s", i, longKey),
			Field: "col\nwith newline", Identifier: "EMAIL_ADDRESS", Category: "PII", Confidence: "HIGH", Count: int64(i),
			RedactedExamples: []string{"ctrl\x00\x1b[31m", "emoji 😀 \xff"},
		})
		if i%10 == 0 {
			r.Findings[len(r.Findings)-1].RedactedExamples = []string{strings.Repeat("x***@example.com ", 40), "a", "b", "c"}
		}
		r.Objects = append(r.Objects, ObjectResultRow{
			AssetARN: r.Assets[0].AssetARN, Location: fmt.Sprintf("bulk/%04d/%s", i, longKey),
			Status: "SKIPPED", Reason: "TOO_LARGE",
		})
	}
	pdf := renderPDF(t, r)
	text := pdfText(t, pdf)
	pages := strings.Count(text, "\f")
	if pages < 10 {
		t.Fatalf("only %d pages for 300 long rows", pages)
	}
	// Every page of the findings detail table starts with its header.
	var detailPages, headers int
	for _, page := range strings.Split(text, "\f") {
		if strings.Contains(page, "field: col\\x0awith newline") {
			detailPages++
			if strings.Contains(page, "Redacted examples") {
				headers++
			}
		}
	}
	if detailPages < 3 || headers != detailPages {
		t.Errorf("findings table spans %d pages but its header appears on %d", detailPages, headers)
	}
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"…", `ctrl\x00\x1b[31m`, "emoji \ufffd \ufffd", "TOO_LARGE", "object.csv", "(+1 more)"} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if strings.Contains(flat, "\x1b") {
		t.Error("a raw control character reached the PDF")
	}
	pdfInfo(t, pdf)
}

func TestScanPDFCapsDetailTables(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a long PDF")
	}
	r := sampleReport()
	for i := range MaxPDFFindingRows + 50 {
		r.Findings = append(r.Findings, FindingRow{AssetARN: "arn:aws:s3:::other", Location: fmt.Sprintf("k/%d", i),
			Identifier: "US_SSN", Count: 1, RedactedExamples: []string{"***-**-1234"}})
	}
	text := pdfText(t, renderPDF(t, r))
	flat := strings.Join(strings.Fields(text), " ")
	want := fmt.Sprintf("Showing the first %s of %s findings rows", num(MaxPDFFindingRows), num(len(r.Findings)))
	if !strings.Contains(flat, want) {
		t.Errorf("PDF text lacks %q", want)
	}
	// The summary still counts every row.
	if !strings.Contains(flat, num(len(r.Findings))+" findings rows") {
		t.Errorf("summary does not count all %d findings rows", len(r.Findings))
	}
}

func TestScanPDFEmptyScan(t *testing.T) {
	pdf := renderPDF(t, ScanReport{ScanID: "empty", Status: "COMPLETE"})
	text := pdfText(t, pdf)
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"No data stores were examined", "No sensitive data was found", "not recorded", "Page 1 of"} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	pdfInfo(t, pdf)
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestScanPDFWriteError(t *testing.T) {
	err := WriteScanPDF(failWriter{}, sampleReport())
	if err == nil || !regexp.MustCompile(`^report: write pdf: .*disk full`).MatchString(err.Error()) {
		t.Fatalf("err = %v", err)
	}
}
