package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/parquet-go/parquet-go"

	"github.com/cairnsec/cairn/cmd/cairn/internal/fixture"
	"github.com/cairnsec/cairn/report"
	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// scanResult is one end-to-end scan of the seeded demo account.
type scanResult struct {
	code           int
	stdout, stderr string
	out            string
	seeded         fixture.Seeded
}

// scanDemoAccount starts moto behind the SSE-C proxy, seeds the demo
// account and runs `cairn scan` in-process against it.
func scanDemoAccount(t *testing.T) scanResult {
	t.Helper()
	mototest.SetTestCredentials(t)
	srv := mototest.Start(t)
	proxy := mototest.NewSSECProxy(srv.Endpoint)
	url, err := proxy.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	ctx := context.Background()
	cfg, err := srv.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s3c := mototest.SeedS3Client(cfg, func(o *s3.Options) { o.BaseEndpoint = aws.String(url) })
	seeded, err := fixture.Seed(ctx, s3c, kms.NewFromConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(fingerprintKeyEnv, hex.EncodeToString(bytes.Repeat([]byte{7}, 32)))
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run([]string{"scan", "--endpoint-url", url, "--regions", "us-east-1", "--out", out, "--log-level", "debug"}, &stdout, &stderr)
	return scanResult{code: code, stdout: stdout.String(), stderr: stderr.String(), out: out, seeded: seeded}
}

// TestScanDemoAccount scans the seeded demo account once (moto behind the
// SSE-C proxy) and checks what was recorded, then that no output holds a
// raw value.
func TestScanDemoAccount(t *testing.T) {
	r := scanDemoAccount(t)
	t.Logf("stdout:\n%s", r.stdout)
	if r.code != exitIncomplete {
		t.Fatalf("exit code = %d, want %d (Glacier and SSE-C objects are unreadable)\nstderr:\n%s", r.code, exitIncomplete, r.stderr)
	}
	t.Run("posture and findings", func(t *testing.T) { checkDemoResults(t, r) })
	t.Run("data-aware checks", func(t *testing.T) { checkDataAwareControls(t, r) })
	t.Run("no raw value in any output", func(t *testing.T) { checkNoRawValue(t, r) })
	t.Run("requests and cost", func(t *testing.T) { checkRequestsAndCost(t, r) })
}

// checkRequestsAndCost checks the scans row's request count and cost estimate
// against what the other tables say was read, and that the summary prints them.
func checkRequestsAndCost(t *testing.T, r scanResult) {
	scans, err := report.ReadTable[report.ScanRow](r.out, report.TableScans)
	if err != nil || len(scans) != 1 {
		t.Fatalf("scans: %v rows, err %v", len(scans), err)
	}
	scan := scans[0]
	objects, err := report.ReadTable[report.ObjectResultRow](r.out, report.TableObjectResults)
	if err != nil {
		t.Fatal(err)
	}
	var gets int64 // objects with bytes read: at least one GET each
	for _, o := range objects {
		if o.BytesRead > 0 {
			gets++
		}
	}
	assets, err := report.ReadTable[report.AssetRow](r.out, report.TableAssets)
	if err != nil {
		t.Fatal(err)
	}
	var s3Sampled int64
	for _, a := range assets {
		if a.Service == "s3" {
			s3Sampled += a.SampledBytes
		}
	}
	if gets == 0 || scan.AWSRequests < gets+int64(len(assets)) {
		t.Errorf("aws_requests %d, fewer than %d objects read plus %d stores listed", scan.AWSRequests, gets, len(assets))
	}
	if s3Sampled == 0 || scan.BytesDownloaded < s3Sampled {
		t.Errorf("bytes_downloaded %d < %d bytes sampled from S3", scan.BytesDownloaded, s3Sampled)
	}
	if scan.EstAWSCostUSD <= 0 {
		t.Errorf("est_aws_cost_usd %g: the GETs and LISTs cost something", scan.EstAWSCostUSD)
	}
	wantMacie := float64(s3Sampled) / (1 << 30) * scanner.PricesUSEast1.MacieDiscoveryPerGB
	if diff := scan.EstMacieCostUSD - wantMacie; diff > 1e-12 || diff < -1e-12 {
		t.Errorf("est_macie_cost_usd %g, want %g for %d bytes", scan.EstMacieCostUSD, wantMacie, s3Sampled)
	}
	if scan.PricesAsOf != "us-east-1 "+scanner.PricesUSEast1.AsOf {
		t.Errorf("prices_as_of %q", scan.PricesAsOf)
	}
	for _, want := range []string{fmt.Sprintf("AWS requests: %d (", scan.AWSRequests), "S3 GetObject", "Estimated AWS cost of this run: $",
		"Macie for the same", "list prices as of " + scanner.PricesUSEast1.AsOf} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
}

// checkDataAwareControls checks that the checks fed by this run's classification
// findings report the public, unencrypted bucket of customer data as FAIL, with the
// bucket's ARN and the identifier ids (never values) as evidence, and the private
// bucket encrypted with a customer managed key as PASS.
func checkDataAwareControls(t *testing.T, r scanResult) {
	rows, err := report.ReadTable[report.ControlResultRow](r.out, report.TableControlResults)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]report.ControlResultRow{} // check id + resource → row
	for _, row := range rows {
		got[row.CheckID+" "+row.ResourceARN] = row
	}
	exports, logs := "arn:aws:s3:::"+fixture.PublicExports, "arn:aws:s3:::"+fixture.AppLogs
	for _, id := range []string{"data.sensitive_not_public", "data.sensitive_encrypted", "data.sensitive_cmk", "data.s3_classified"} {
		row, ok := got[id+" "+exports]
		if !ok || row.Status != "FAIL" {
			t.Errorf("%s %s: %+v, want FAIL", id, exports, row)
			continue
		}
		for _, want := range []string{"CREDIT_CARD_NUMBER", "US_SSN"} {
			if !strings.Contains(row.EvidenceJSON, want) || !strings.Contains(row.StatusExtended, want) {
				t.Errorf("%s: evidence %s / %q does not name %s", id, row.EvidenceJSON, row.StatusExtended, want)
			}
		}
		if row := got[id+" "+logs]; row.Status != "PASS" || !strings.Contains(row.EvidenceJSON, "AWS_ACCESS_KEY_ID") {
			t.Errorf("%s %s: %s %s, want PASS naming AWS_ACCESS_KEY_ID", id, logs, row.Status, row.EvidenceJSON)
		}
	}
	if row := got["data.sensitive_not_public "+exports]; !strings.Contains(row.StatusExtended, "PublicRead") {
		t.Errorf("public reason not given: %q", row.StatusExtended)
	}
}

func checkDemoResults(t *testing.T, r scanResult) {

	scans, err := report.ReadTable[report.ScanRow](r.out, report.TableScans)
	if err != nil || len(scans) != 1 {
		t.Fatalf("scans: %v rows, err %v", len(scans), err)
	}
	if scans[0].Status != "INCOMPLETE" || scans[0].AccountID != "123456789012" {
		t.Errorf("scan row = %+v", scans[0])
	}

	assets, err := report.ReadTable[report.AssetRow](r.out, report.TableAssets)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]report.AssetRow{}
	for _, a := range assets {
		byName[a.Name] = a
	}
	if len(byName) != 4 {
		t.Fatalf("assets = %d, want 4: %+v", len(byName), byName)
	}
	pub := byName[fixture.PublicExports]
	if !pub.Public || !strings.Contains(pub.PublicReason, "PublicRead") || pub.Encryption != scanner.EncryptionNone {
		t.Errorf("public bucket: public=%v reason=%q encryption=%s", pub.Public, pub.PublicReason, pub.Encryption)
	}
	for _, id := range []string{"CREDIT_CARD_NUMBER", "US_SSN", "EMAIL_ADDRESS"} {
		if !contains(pub.DataClasses, id) {
			t.Errorf("public bucket data classes %v lack %s", pub.DataClasses, id)
		}
	}
	if pub.SensitivityScore <= 0 || pub.ObjectCount != 3 || pub.SampledObjects != 3 {
		t.Errorf("public bucket score=%v objects=%d sampled=%d", pub.SensitivityScore, pub.ObjectCount, pub.SampledObjects)
	}
	logs := byName[fixture.AppLogs]
	if logs.Public || logs.Encryption != scanner.EncryptionSSEKMS || logs.KMSKeyManager != scanner.KeyManagerCustomer || logs.KMSKeyARN != r.seeded.KMSKeyARN {
		t.Errorf("app logs: public=%v enc=%s manager=%s key=%s (want %s)", logs.Public, logs.Encryption, logs.KMSKeyManager, logs.KMSKeyARN, r.seeded.KMSKeyARN)
	}
	for _, id := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} {
		if !contains(logs.DataClasses, id) {
			t.Errorf("app logs data classes %v lack %s", logs.DataClasses, id)
		}
	}
	if site := byName[fixture.StaticSite]; len(site.DataClasses) != 0 || site.Encryption != scanner.EncryptionSSES3 || site.Public {
		t.Errorf("static site: %+v", site)
	}

	exposures, err := report.ReadTable[report.ExposureRow](r.out, report.TableExposures)
	if err != nil {
		t.Fatal(err)
	}
	if len(exposures) != len(assets) {
		t.Fatalf("exposures = %d rows, want one per asset (%d)", len(exposures), len(assets))
	}
	top := exposures[0]
	for _, e := range exposures {
		if e.RiskRank == 1 {
			top = e
		}
	}
	if top.Name != fixture.PublicExports || top.Exposure != report.ExposurePublic || top.Encryption != report.ProtectionNone ||
		top.SensitiveCount == 0 || !contains(top.DataClasses, "US_SSN") {
		t.Errorf("riskiest store = %+v, want the public, unencrypted exports bucket", top)
	}
	if !strings.Contains(r.stdout, "Riskiest stores") || !strings.Contains(r.stdout, "1  ") {
		t.Errorf("summary lacks the riskiest stores")
	}

	objects, err := report.ReadTable[report.ObjectResultRow](r.out, report.TableObjectResults)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]report.ObjectResultRow{}
	for _, o := range objects {
		byKey[o.Location] = o
	}
	for key, reason := range map[string]string{
		fixture.GlacierKey: scanner.ReasonInvalidObjectState,
		fixture.SSECKey:    scanner.ReasonInvalidEncryption,
	} {
		if o := byKey[key]; o.Status != scanner.StatusSkipped || o.Reason != reason {
			t.Errorf("%s: status=%s reason=%s, want SKIPPED/%s", key, o.Status, o.Reason, reason)
		}
	}
	if o := byKey["customers/2026-10.csv"]; o.Status != scanner.StatusComplete || o.Format != "csv" || o.Findings == 0 {
		t.Errorf("customers csv: %+v", o)
	}

	findings, err := report.ReadTable[report.FindingRow](r.out, report.TableFindings)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int64{}
	for _, f := range findings {
		counts[f.Location+"|"+f.Identifier] = f.Count
		if len(f.Fingerprints) == 0 || len(f.RedactedExamples) == 0 {
			t.Errorf("finding %s %s lacks examples or fingerprints", f.Location, f.Identifier)
		}
	}
	for k, want := range map[string]int64{
		"customers/2026-10.csv|CREDIT_CARD_NUMBER":   5,
		"customers/2026-10.csv|US_SSN":               5,
		"customers/2026-11.jsonl|US_SSN":             5,
		"api/2026/11/24/api-1.log|AWS_ACCESS_KEY_ID": 1,
	} {
		if counts[k] != want {
			t.Errorf("findings[%s] = %d, want %d", k, counts[k], want)
		}
	}
	if _, ok := counts["api/2026/11/25/api-1.log|AWS_ACCESS_KEY_ID"]; ok {
		t.Error("finding in a clean log")
	}

	pdfs, _ := filepath.Glob(filepath.Join(r.out, "reports", "*.pdf"))
	if len(pdfs) != 1 {
		t.Fatalf("pdf reports = %v", pdfs)
	}
	if !strings.Contains(r.stdout, pdfs[0]) {
		t.Errorf("summary does not say where the PDF is")
	}
}

// checkNoRawValue searches every byte Cairn wrote — every Parquet value,
// the PDF's text, the raw files, stdout and the debug-level logs — for each
// seeded raw value.
func checkNoRawValue(t *testing.T, r scanResult) {
	var corpus []string
	corpus = append(corpus, r.stdout, r.stderr)
	files := 0
	err := filepath.WalkDir(r.out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		corpus = append(corpus, string(raw))
		switch filepath.Ext(path) {
		case ".parquet":
			corpus = append(corpus, parquetValues(t, raw)...)
		case ".pdf":
			corpus = append(corpus, pdfText(t, path))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 5 {
		t.Fatalf("only %d files written", files)
	}
	all := strings.Join(corpus, "\n")
	if !strings.Contains(all, "CREDIT_CARD_NUMBER") {
		t.Fatal("the corpus holds no findings at all: the search would prove nothing")
	}
	for _, v := range r.seeded.RawValues {
		if strings.Contains(all, v) {
			t.Errorf("raw sensitive value %s… found in Cairn's output", v[:4])
		}
	}
}

// parquetValues decodes every value of every column of a Parquet file.
func parquetValues(t *testing.T, raw []byte) []string {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatalf("open parquet: %v", err)
	}
	var out []string
	for _, rg := range f.RowGroups() {
		rows := rg.Rows()
		buf := make([]parquet.Row, 64)
		for {
			n, err := rows.ReadRows(buf)
			for _, row := range buf[:n] {
				for _, v := range row {
					out = append(out, v.String())
				}
			}
			if err != nil {
				break
			}
		}
		rows.Close()
	}
	return out
}

func pdfText(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext (poppler-utils) is required in CI")
		}
		t.Skip("pdftotext not installed")
	}
	out, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestDataScanOnlyChecks checks that a run without a data scan tells the data-aware
// checks so, and that a store's finding categories reach them.
func TestDataScanOnlyChecks(t *testing.T) {
	h := &historySink{join: report.NewExposureJoin()}
	if ds := h.dataScan([]string{"checks"}); ds.Ran || len(ds.Stores) != 0 {
		t.Errorf("--only checks: %+v, want no data scan", ds)
	}
	h.join.AddAsset(report.AssetRow{AssetARN: "arn:aws:s3:::b", Service: "s3", Name: "b", DataClasses: []string{"US_SSN"}, Encryption: scanner.EncryptionNone})
	// A finding of another part of a split bucket: its class counts too.
	h.join.AddFinding(report.FindingRow{AssetARN: "arn:aws:s3:::b", Identifier: "CREDIT_CARD_NUMBER", Category: "financial"})
	h.join.AddFinding(report.FindingRow{AssetARN: "arn:aws:s3:::b", Identifier: "US_SSN", Category: "personal"})
	ds := h.dataScan([]string{"s3", "checks"})
	if !ds.Ran || len(ds.Stores) != 1 || !ds.Stores[0].Encryption.Known ||
		!slices.Equal(ds.Stores[0].Categories, []string{"financial", "personal"}) ||
		!slices.Equal(ds.Stores[0].Identifiers, []string{"CREDIT_CARD_NUMBER", "US_SSN"}) {
		t.Errorf("--only s3,checks: %+v", ds)
	}
}
