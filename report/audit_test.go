package report

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// Window of the test history: three daily scans; the exports bucket, which
// holds card numbers, turns public on day 2 and stays public on day 3.
var (
	auditFrom = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	auditTo   = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
)

const (
	auditAccount = "123456789012"
	exportsARN   = "arn:aws:s3:::acme-exports"
	logsARN      = "arn:aws:s3:::acme-logs"
	// Strings that must never reach a window report.
	rawExample  = "4556 **** **** 1965"
	fingerprint = "hmac-sha256:WINDOW-FINGERPRINT"
)

// writeAuditHistory writes the test history under dir with HistoryWriter
// and returns dir.
func writeAuditHistory(t testing.TB, dir string) string {
	t.Helper()
	for day := range 3 {
		start := auditFrom.Add(time.Duration(day)*24*time.Hour + 9*time.Hour)
		scanID := start.Format("20060102T150405Z") + "-0000000" + string(rune('a'+day))
		public := day >= 1
		w, err := NewHistoryWriter(dir, scanID, start)
		if err != nil {
			t.Fatal(err)
		}
		write := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		reason := ""
		if public {
			reason = "bucket policy grants s3:GetObject to *"
		}
		write(w.WriteAsset(AssetRow{
			ScanID: scanID, AccountID: auditAccount, ObservedAt: start, AssetARN: exportsARN, Service: "s3",
			Region: "us-east-1", Name: "acme-exports", Encryption: "NONE", Public: public, PublicReason: reason,
			SensitivityScore: 80, DataClasses: []string{"CREDIT_CARD_NUMBER", "US_SSN"}, Status: "COMPLETE",
		}))
		logsStatus, logsReason := "COMPLETE", ""
		if day == 2 {
			logsStatus, logsReason = "PARTIAL", "ACCESS_DENIED"
		}
		write(w.WriteAsset(AssetRow{
			ScanID: scanID, AccountID: auditAccount, ObservedAt: start, AssetARN: logsARN, Service: "s3",
			Region: "eu-west-1", Name: "acme-logs", Encryption: "SSE-KMS", KMSKeyManager: "CUSTOMER",
			SensitivityScore: 40, DataClasses: []string{"AWS_ACCESS_KEY_ID"}, Status: logsStatus, Reason: logsReason,
		}))
		for i, loc := range []string{"customers/a.csv", "customers/b.csv"} {
			write(w.WriteFinding(FindingRow{
				ScanID: scanID, AccountID: auditAccount, AssetARN: exportsARN, Service: "s3", Region: "us-east-1",
				Location: loc, Identifier: "CREDIT_CARD_NUMBER", Category: "FINANCIAL", Confidence: "HIGH",
				Count: int64(5 + i), RedactedExamples: []string{rawExample}, Fingerprints: []string{fingerprint},
			}))
		}
		write(w.WriteFinding(FindingRow{
			ScanID: scanID, AccountID: auditAccount, AssetARN: exportsARN, Location: "customers/a.csv",
			Identifier: "US_SSN", Category: "PII", Confidence: "HIGH", Count: 5,
		}))
		write(w.WriteFinding(FindingRow{
			ScanID: scanID, AccountID: auditAccount, AssetARN: logsARN, Location: "api/1.log",
			Identifier: "AWS_ACCESS_KEY_ID", Category: "CREDENTIALS", Confidence: "HIGH", Count: 1,
		}))
		write(w.WriteObjectResult(ObjectResultRow{ScanID: scanID, AccountID: auditAccount, AssetARN: exportsARN,
			Location: "customers/a.csv", Status: "COMPLETE", BytesRead: 100}))
		write(w.WriteObjectResult(ObjectResultRow{ScanID: scanID, AccountID: auditAccount, AssetARN: exportsARN,
			Location: "archive/old.csv", Status: "SKIPPED", Reason: "INVALID_OBJECT_STATE"}))

		bpa, bpaText := "PASS", "All four Block Public Access settings are on for bucket acme-exports."
		if public {
			bpa, bpaText = "FAIL", "Block Public Access is not fully enabled for bucket acme-exports, nor for the account."
		}
		controls := []ControlResultRow{
			{CheckID: "s3.block_public_access", Title: "S3 Block Public Access is enabled for the account or every bucket",
				CISIDs: []string{"5.0:2.1.4"}, SOC2Criteria: []string{"CC6.1", "CC6.6", "C1.1"}, Severity: "high",
				Status: bpa, StatusExtended: bpaText, ResourceARN: exportsARN, Region: "us-east-1"},
			{CheckID: "iam.root_mfa", Title: "MFA is enabled for the root user", CISIDs: []string{"5.0:1.5"},
				SOC2Criteria: []string{"CC6.1"}, Severity: "critical", Status: "PASS",
				StatusExtended: "The root user has MFA.", ResourceARN: "arn:aws:iam::123456789012:root", Region: "global"},
			{CheckID: "cloudtrail.multi_region", Title: "A multi-region CloudTrail trail is logging",
				CISIDs: []string{"5.0:3.1"}, SOC2Criteria: []string{"CC7.2"}, Severity: "high", Status: "PASS",
				StatusExtended: "Trail main logs every region.", ResourceARN: "arn:aws:cloudtrail:us-east-1:123456789012:trail/main", Region: "us-east-1"},
			{CheckID: "manual.policy_review", Title: "Access policies are reviewed", SOC2Criteria: []string{"CC6.1"},
				Severity: "medium", Status: "MANUAL", StatusExtended: "Review the policies.", ResourceARN: "arn:aws:iam::123456789012:root", Region: "global"},
		}
		if day == 2 {
			controls[2].Status = "ERROR"
			controls[2].StatusExtended = "cloudtrail:DescribeTrails: AccessDenied"
		}
		for _, c := range controls {
			c.ScanID, c.AccountID, c.ObservedAt = scanID, auditAccount, start
			write(w.WriteControlResult(c))
		}
		write(w.WriteScan(ScanRow{
			ScanID: scanID, AccountID: auditAccount, StartedAt: start, FinishedAt: start.Add(17 * time.Minute),
			Regions: []string{"us-east-1", "eu-west-1"}, ToolVersion: "v0.2.0", Status: "INCOMPLETE",
			Options: `{"only":["s3","checks"],"sample_objects":100,"sample_bytes":1048576,"max_keys_listed":100000}`,
			Assets:  2, Objects: 2, Skipped: 1, Findings: 4, BytesRead: 100,
		}))
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// A scan of another account and one outside the window: both left out.
	for _, s := range []struct {
		account string
		at      time.Time
	}{{"999999999999", auditFrom.Add(10 * time.Hour)}, {auditAccount, auditTo.Add(48 * time.Hour)}} {
		id := s.at.Format("20060102T150405Z") + "-ffffffff"
		w, err := NewHistoryWriter(dir, id, s.at)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteScan(ScanRow{ScanID: id, AccountID: s.account, StartedAt: s.at, Status: "COMPLETE"}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var auditOptions = AuditOptions{
	Organization: "Acme Widgets Ltd", From: auditFrom, To: auditTo, ToolVersion: "v0.3.0",
	Remediation: map[string]string{"s3.block_public_access": "Turn on S3 Block Public Access for the account."},
}

func buildAudit(t testing.TB, dir string) *AuditReport {
	t.Helper()
	d, err := LoadAuditData(dir, AuditFilter{From: auditFrom, To: auditTo, Accounts: []string{auditAccount}})
	if err != nil {
		t.Fatal(err)
	}
	return BuildAuditReport(d, auditOptions)
}

func renderAudit(t testing.TB, r *AuditReport) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteAuditPDF(&buf, r, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestAuditModelGolden compares the document model, as JSON, with the
// golden file; rerun with -update after an intended change and review it.
func TestAuditModelGolden(t *testing.T) {
	r := buildAudit(t, writeAuditHistory(t, t.TempDir()))
	got, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "audit_report.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./report -run TestAuditModelGolden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("model differs from %s; if intended, rerun with -update and review the diff", golden)
	}
	for _, banned := range []string{rawExample, fingerprint, "999999999999"} {
		if bytes.Contains(got, []byte(banned)) {
			t.Errorf("model contains %q", banned)
		}
	}
}

// TestAuditModel checks the facts the golden file holds that matter most.
func TestAuditModel(t *testing.T) {
	r := buildAudit(t, writeAuditHistory(t, t.TempDir()))
	if r.Cover.Scans != 3 || r.Cover.From != "2026-11-23" || r.Cover.To != "2026-11-25" {
		t.Errorf("cover = %+v", r.Cover)
	}
	if want := time.Date(2026, 11, 25, 9, 17, 0, 0, time.UTC); !r.Cover.GeneratedAt.Equal(want) {
		t.Errorf("generated at %v, want the newest scan's finish %v", r.Cover.GeneratedAt, want)
	}
	var ids []string
	for _, c := range r.Criteria {
		ids = append(ids, c.ID)
	}
	for _, want := range RequiredCriteria {
		if !strings.Contains(strings.Join(ids, " "), want) {
			t.Errorf("criteria %v lack %s", ids, want)
		}
	}
	cc66 := criterion(t, r, "CC6.6")
	found := false
	for _, e := range cc66.Exceptions {
		if e.CheckID == "s3.block_public_access" && e.Resource == exportsARN && e.Status == "FAIL" {
			found = true
			if strings.Join(e.Dates, ",") != "2026-11-24,2026-11-25" {
				t.Errorf("exception dates = %v, want day 2 and 3", e.Dates)
			}
		}
	}
	if !found {
		t.Errorf("CC6.6 exceptions lack the bucket turning public: %+v", cc66.Exceptions)
	}
	for _, g := range cc66.Grid {
		if g.CheckID == CheckSensitiveNotPublic && strings.Join(g.Cells, ",") != "PASS,FAIL,FAIL" {
			t.Errorf("grid %s = %v", g.CheckID, g.Cells)
		}
	}
	for _, g := range criterion(t, r, "CC7.2").Grid {
		if g.CheckID == "cloudtrail.multi_region" && strings.Join(g.Cells, ",") != "PASS,PASS,ERROR" {
			t.Errorf("grid %s = %v", g.CheckID, g.Cells)
		}
	}
	if len(r.Evidence) != 18 {
		t.Errorf("evidence files = %d, want 3 scans × 6 tables", len(r.Evidence))
	}
	if r.Inventory.Source != "assets" || len(r.Inventory.Rows) != 3 {
		t.Errorf("inventory = %+v", r.Inventory)
	}
}

func criterion(t *testing.T, r *AuditReport, id string) CriterionSection {
	t.Helper()
	for _, c := range r.Criteria {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no criterion %s", id)
	return CriterionSection{}
}

// TestAuditPDFDeterministic renders the report of two separately written,
// identical histories: the PDFs must be the same bytes.
func TestAuditPDFDeterministic(t *testing.T) {
	a := renderAudit(t, buildAudit(t, writeAuditHistory(t, t.TempDir())))
	b := renderAudit(t, buildAudit(t, writeAuditHistory(t, t.TempDir())))
	if !bytes.Equal(a, b) {
		t.Fatalf("same input, different PDFs (%d vs %d bytes)", len(a), len(b))
	}
}

func TestAuditPDFContent(t *testing.T) {
	r := buildAudit(t, writeAuditHistory(t, t.TempDir()))
	pdf := renderAudit(t, r)
	text := pdfText(t, pdf)
	flat := strings.Join(strings.Fields(text), " ")
	want := []string{
		r.Title, SectionScope, SectionExecutive, SectionCriteria, SectionInventory, SectionAppendix,
		"Acme Widgets Ltd", "2026-11-23 to 2026-11-25", "123456789012", "eu-west-1, us-east-1",
		"CIS AWS Foundations Benchmark v5.0", SOC2Version,
		"Public data stores holding sensitive data, per scan day", "Control pass rate by criterion",
		// The bucket turning public on day 2, as an exception with its days.
		"2026-11-24 – 2026-11-25 s3.block_public_access FAIL arn:aws:s3:::acme-exports",
		"acme-exports is publicly accessible",
		"Turn on S3 Block Public Access for the account.",
		"2026-11-25 cloudtrail.multi_region ERROR", "AccessDenied",
		"CREDIT_CARD_NUMBER", "public on 2026-11-24 – 2026-11-25",
		"scans/dt=2026-11-23/20261123T090000Z-0000000a.parquet",
	}
	for _, c := range r.Criteria {
		want = append(want, CriterionTitle(c.ID, c.Title))
	}
	for _, w := range want {
		if !strings.Contains(flat, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
	for _, banned := range []string{rawExample, fingerprint, "{toc", "999999999999"} {
		if strings.Contains(flat, banned) {
			t.Errorf("PDF text contains %q", banned)
		}
	}
	info := pdfInfo(t, pdf)
	if !strings.HasPrefix(info["CreationDate"], "2026-11-25T09:17:00") {
		t.Errorf("CreationDate = %q", info["CreationDate"])
	}
	for _, title := range []string{SectionScope, SectionAppendix, "CC6.7 — "} {
		if !bytes.Contains(pdf, utf16BE(title)) {
			t.Errorf("no bookmark %q", title)
		}
	}

	// The manifest is attached to the PDF and matches the model.
	detach := tool(t, "pdfdetach")
	dir := t.TempDir()
	path := filepath.Join(dir, "r.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "m.json")
	if b, err := exec.Command(detach, "-save", "1", "-o", out, path).CombinedOutput(); err != nil {
		t.Fatalf("pdfdetach: %v: %s", err, b)
	}
	m, err := ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != len(r.Evidence) || m.Files[0] != r.Evidence[0] {
		t.Errorf("attached manifest has %d files, model %d", len(m.Files), len(r.Evidence))
	}
}

func TestVerifyEvidence(t *testing.T) {
	dir := writeAuditHistory(t, t.TempDir())
	m := buildAudit(t, dir).Manifest()
	if p := VerifyEvidence(dir, m); len(p) != 0 {
		t.Fatalf("fresh history: %v", p)
	}
	altered, removed := m.Files[0].Path, m.Files[1].Path
	f, err := os.OpenFile(filepath.Join(dir, filepath.FromSlash(altered)), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{0})
	f.Close()
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(removed))); err != nil {
		t.Fatal(err)
	}
	m.Files = append(m.Files, EvidenceFile{Path: "../outside.parquet", SHA256: "00"})
	got := VerifyEvidence(dir, m)
	if len(got) != 3 || got[0].Path != altered || got[0].Problem != "modified" ||
		got[1].Path != removed || got[1].Problem != "missing" || got[2].Problem != "unsafe path" {
		t.Errorf("problems = %v", got)
	}
}

func TestLoadAuditDataEmptyWindow(t *testing.T) {
	dir := writeAuditHistory(t, t.TempDir())
	day := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := LoadAuditData(dir, AuditFilter{From: day, To: day}); err == nil || !strings.Contains(err.Error(), "no scan") {
		t.Errorf("err = %v", err)
	}
}

// TestAuditExposuresTable: when the history has an exposures table, the
// inventory takes encryption and exposure from it and lists its files.
func TestAuditExposuresTable(t *testing.T) {
	dir := writeAuditHistory(t, t.TempDir())
	part := filepath.Join(dir, tableExposures, "dt=2026-11-25")
	if err := os.MkdirAll(part, 0o755); err != nil {
		t.Fatal(err)
	}
	rows := []ExposureRecord{{ScanID: "20261125T090000Z-0000000c", AccountID: auditAccount, AssetARN: logsARN,
		DataClasses: []string{"AWS_ACCESS_KEY_ID"}, Encryption: "SSE-KMS", Public: true, RiskScore: 90}}
	if err := parquet.WriteFile(filepath.Join(part, "20261125T090000Z-0000000c.parquet"), rows); err != nil {
		t.Fatal(err)
	}
	r := buildAudit(t, dir)
	// The test's exposures file replaces the (empty) one the writer made
	// for that scan: still 3 scans × 6 tables.
	if r.Inventory.Source != "exposures" || len(r.Evidence) != 18 {
		t.Fatalf("source %q, %d evidence files", r.Inventory.Source, len(r.Evidence))
	}
	for _, row := range r.Inventory.Rows {
		if row.Store == "acme-logs" && (!row.Public || strings.Join(row.PublicDays, ",") != "2026-11-25") {
			t.Errorf("acme-logs row = %+v", row)
		}
	}
}

// TestAuditDerivedControlsYieldToChecks: when a scan's control_results hold
// the scanner's own data.* check, the report derives no second result for
// it; scans without it still get the derived one.
func TestAuditDerivedControlsYieldToChecks(t *testing.T) {
	dir := writeAuditHistory(t, t.TempDir())
	d, err := LoadAuditData(dir, AuditFilter{From: auditFrom, To: auditTo, Accounts: []string{auditAccount}})
	if err != nil {
		t.Fatal(err)
	}
	count := func(r *AuditReport) (pass, fail int) {
		for _, l := range criterion(t, r, "C1.1").Controls {
			if l.CheckID == CheckSensitiveNotPublic {
				pass, fail = pass+l.Pass, fail+l.Fail
			}
		}
		return pass, fail
	}
	p0, f0 := count(BuildAuditReport(d, auditOptions))
	if p0+f0 == 0 {
		t.Fatal("no derived results to replace")
	}
	// The scanner's check ran in the last scan and found one store failing.
	last := d.Scans[len(d.Scans)-1].ScanID
	d.Controls = append(d.Controls, ControlResultRow{ScanID: last, AccountID: auditAccount, CheckID: CheckSensitiveNotPublic,
		Title: "Stores holding sensitive data are not public", Severity: "critical", SOC2Criteria: []string{"C1.1"},
		Status: "FAIL", StatusExtended: "public", ResourceARN: exportsARN})
	lastDerived := 0
	for _, a := range d.Assets {
		if a.ScanID == last {
			lastDerived++ // at most one derived result per store of that scan
		}
	}
	p1, f1 := count(BuildAuditReport(d, auditOptions))
	if p1+f1 >= p0+f0+1 || p1+f1 < p0+f0+1-lastDerived {
		t.Errorf("results %d+%d, before %d+%d: the check's row must replace the last scan's derived ones", p1, f1, p0, f0)
	}
}
