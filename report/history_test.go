package report

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

var testDay = time.Date(2026, 11, 24, 23, 30, 0, 0, time.FixedZone("UTC-5", -5*3600))

// testDT is testDay's partition: the day is taken in UTC.
const testDT = "dt=2026-11-25"

func sampleRows() ([]ScanRow, []AssetRow, []ObjectResultRow, []FindingRow) {
	berlin := time.FixedZone("CET", 3600)
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 123_456_789, berlin) // sub-millisecond part is dropped
	t1 := time.Date(2026, 11, 25, 9, 42, 17, 999_999_999, time.UTC)
	scans := []ScanRow{{
		ScanID: "scan-1", AccountID: "123456789012", StartedAt: t0, FinishedAt: t1,
		Regions: []string{"eu-central-1", "us-east-1"}, ToolVersion: "v0.1.0", Status: "INCOMPLETE",
		Options: `{"sample_objects":100,"sample_bytes":1048576}`, Assets: 3, Objects: 10, Skipped: 2,
		Findings: 4, BytesRead: 1 << 40,
		AWSRequests: 12_345, BytesDownloaded: 1<<40 + 17, EstAWSCostUSD: 0.0123, EstMacieCostUSD: 1024, PricesAsOf: "us-east-1 2026-11-25",
	}, {
		// A scan that never finished: zero FinishedAt is stored as NULL.
		ScanID: "scan-1", AccountID: "123456789012", StartedAt: t0, Regions: nil, Status: "FAILED",
	}}
	assets := []AssetRow{{
		ScanID: "scan-1", AccountID: "123456789012", ObservedAt: t0,
		AssetARN: "arn:aws:s3:::données-clients", Service: "s3", Region: "eu-central-1",
		Name: "données-clients", Encryption: "SSE-KMS",
		KMSKeyARN: "arn:aws:kms:eu-central-1:123456789012:key/1234", KMSKeyManager: "CUSTOMER",
		Public: true, PublicReason: "bucket policy grants s3:GetObject to *",
		SensitivityScore: 87.5, DataClasses: []string{"CREDIT_CARD_NUMBER", "EMAIL_ADDRESS", "US_SSN"},
		ObjectCount: 1000, TotalBytes: 5 << 30, ListingTruncated: true, SampledObjects: 100,
		SampledBytes: 100 << 20, Status: "PARTIAL", Reason: "LISTING_CAPPED", Posture: `{"versioning":"Enabled"}`,
		ListingSource: "INVENTORY", InventoryDate: t0.Add(-24 * time.Hour), BucketObjects: 7_500_000,
		BucketBytes: 3 << 40, TotalsSource: "CLOUDWATCH", TotalsAt: t0.Add(-30 * time.Hour),
	}, {
		ScanID: "scan-1", AccountID: "123456789012", ObservedAt: t1,
		AssetARN: "arn:aws:dynamodb:us-east-1:123456789012:table/日本語テーブル", Service: "dynamodb",
		Region: "us-east-1", Name: "日本語テーブル", Encryption: "UNKNOWN", DataClasses: []string{},
		Status: "ERROR", Reason: "ACCESS_DENIED",
	}}
	objects := []ObjectResultRow{{
		ScanID: "scan-1", AccountID: "123456789012", ObservedAt: t0, AssetARN: assets[0].AssetARN,
		Location: "exports/2026/clients.csv.gz!clients.csv", Format: "csv", Status: "COMPLETE",
		Size: 4096, BytesRead: 4096, StorageClass: "STANDARD", Encryption: "SSE-KMS", Findings: 12,
	}, {
		ScanID: "scan-1", AccountID: "123456789012", ObservedAt: t1, AssetARN: assets[0].AssetARN,
		Location: "archive/😀 emoji/ü.parquet", Format: "parquet", Status: "SKIPPED",
		Reason: "INVALID_OBJECT_STATE", Size: 1 << 33, StorageClass: "GLACIER", Encryption: "SSE-S3",
	}}
	findings := []FindingRow{{
		ScanID: "scan-1", AccountID: "123456789012", ObservedAt: t0, AssetARN: assets[0].AssetARN,
		Service: "s3", Region: "eu-central-1", Location: objects[0].Location, Field: "card",
		Identifier: "CREDIT_CARD_NUMBER", Category: "FINANCIAL", Confidence: "HIGH", Count: 9,
		RedactedExamples: []string{"4111 **** **** 1111", "5500 **** **** 0004"},
		Fingerprints:     []string{"hmac-sha256:aa", "hmac-sha256:bb"},
	}, {
		ScanID: "scan-1", AccountID: "123456789012", ObservedAt: t0, AssetARN: assets[0].AssetARN,
		Service: "s3", Region: "eu-central-1", Location: objects[0].Location,
		Identifier: "EMAIL_ADDRESS", Category: "PII", Confidence: "MEDIUM", Count: 3,
		RedactedExamples: []string{"j***@exämple.de"}, Fingerprints: nil,
	}, {
		ScanID: "scan-1", AccountID: "123456789012", ObservedAt: t1, AssetARN: assets[1].AssetARN,
		Service: "dynamodb", Region: "us-east-1", Location: "日本語テーブル#profile.ssn",
		Identifier: "US_SSN", Category: "PII", Confidence: "LOW", Count: 1,
		RedactedExamples: []string{}, Fingerprints: []string{"hmac-sha256:cc"},
	}}
	return scans, assets, objects, findings
}

// normalize maps a row to the form it has after a round trip: timestamps in
// UTC truncated to milliseconds (zero stays zero), nil lists as empty lists.
func normalize[T any](rows []T) []T {
	out := slices.Clone(rows)
	for i := range out {
		v := reflect.ValueOf(&out[i]).Elem()
		for j := range v.NumField() {
			f := v.Field(j)
			switch x := f.Interface().(type) {
			case time.Time:
				if !x.IsZero() {
					f.Set(reflect.ValueOf(time.UnixMilli(x.UnixMilli()).UTC()))
				}
			case []string:
				if x == nil {
					f.Set(reflect.ValueOf([]string{}))
				}
			}
		}
	}
	return out
}

func writeSample(t *testing.T, dir string) *HistoryWriter {
	t.Helper()
	scans, assets, objects, findings := sampleRows()
	w, err := NewHistoryWriter(dir, "scan-1", testDay)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range scans {
		if err := w.WriteScan(r); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range assets {
		if err := w.WriteAsset(r); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range objects {
		if err := w.WriteObjectResult(r); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range findings {
		if err := w.WriteFinding(r); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range JoinExposures(assets, objects, findings, nil) {
		if err := w.WriteExposure(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestHistoryRoundTrip(t *testing.T) {
	dir := t.TempDir()
	w := writeSample(t, dir)
	scans, assets, objects, findings := sampleRows()

	want := []string{
		filepath.Join(dir, TableScans, testDT, "scan-1.parquet"),
		filepath.Join(dir, TableAssets, testDT, "scan-1.parquet"),
		filepath.Join(dir, TableObjectResults, testDT, "scan-1.parquet"),
		filepath.Join(dir, TableFindings, testDT, "scan-1.parquet"),
		filepath.Join(dir, TableControlResults, testDT, "scan-1.parquet"),
		filepath.Join(dir, TableExposures, testDT, "scan-1.parquet"),
	}
	if got := w.Files(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Files() = %q, want %q", got, want)
	}

	t.Run("scans", func(t *testing.T) { checkRoundTrip(t, want[0], scans) })
	t.Run("assets", func(t *testing.T) { checkRoundTrip(t, want[1], assets) })
	t.Run("object_results", func(t *testing.T) { checkRoundTrip(t, want[2], objects) })
	t.Run("findings", func(t *testing.T) { checkRoundTrip(t, want[3], findings) })
	t.Run("exposures", func(t *testing.T) { checkRoundTrip(t, want[5], JoinExposures(assets, objects, findings, nil)) })

	t.Run("zero time is NULL", func(t *testing.T) {
		got, err := ReadRows[ScanRow](want[0])
		if err != nil {
			t.Fatal(err)
		}
		if !got[1].FinishedAt.IsZero() {
			t.Errorf("FinishedAt = %v, want zero", got[1].FinishedAt)
		}
		if got[0].StartedAt.Location() != time.UTC {
			t.Errorf("StartedAt location = %v, want UTC", got[0].StartedAt.Location())
		}
	})
}

func checkRoundTrip[T any](t *testing.T, path string, rows []T) {
	t.Helper()
	got, err := ReadRows[T](path)
	if err != nil {
		t.Fatal(err)
	}
	if want := normalize(rows); !reflect.DeepEqual(got, want) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, want)
	}
}

func TestReadTableAcrossPartitions(t *testing.T) {
	dir := t.TempDir()
	days := []time.Time{
		time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC),
	}
	for i, day := range days {
		id := fmt.Sprintf("scan-%d", i)
		w, err := NewHistoryWriter(dir, id, day)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteScan(ScanRow{ScanID: id, StartedAt: day, Regions: []string{"eu-west-1"}}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// A stray temporary file and a non-Parquet file are ignored.
	stray := filepath.Join(dir, TableScans, "dt=2026-11-02")
	for _, name := range []string{".scan-9.parquet.tmp", "README.txt"} {
		if err := os.WriteFile(filepath.Join(stray, name), []byte("junk"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ReadTable[ScanRow](dir, TableScans)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ScanID != "scan-0" || got[1].ScanID != "scan-1" {
		t.Fatalf("ReadTable = %+v", got)
	}
	empty, err := ReadTable[FindingRow](dir, TableFindings)
	if err != nil || len(empty) != 0 {
		t.Fatalf("findings = %v, %v; want none", empty, err)
	}
	missing, err := ReadTable[FindingRow](filepath.Join(dir, "nope"), TableFindings)
	if err != nil || len(missing) != 0 {
		t.Fatalf("missing dir = %v, %v; want none, nil", missing, err)
	}
}

func TestReadRowsRejectsGarbage(t *testing.T) {
	dir := t.TempDir()
	cases := map[string][]byte{
		"empty": nil,
		"text":  []byte("not parquet at all"),
		"magic": []byte("PAR1PAR1"),
		"bad footer": append(append([]byte("PAR1"), bytes.Repeat([]byte{0xff}, 64)...),
			0x20, 0, 0, 0, 'P', 'A', 'R', '1'),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".parquet")
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := ReadRows[ScanRow](p); err == nil {
				t.Fatal("ReadRows accepted garbage")
			}
		})
	}
	t.Run("truncated", func(t *testing.T) {
		w := writeSample(t, t.TempDir())
		data, err := os.ReadFile(w.Files()[3])
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "truncated.parquet")
		if err := os.WriteFile(p, data[:len(data)/2], 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadRows[FindingRow](p); err == nil {
			t.Fatal("ReadRows accepted a truncated file")
		}
	})
}

func TestHistoryCloseLeavesNoTempFiles(t *testing.T) {
	dir := t.TempDir()
	w := writeSample(t, dir)
	files := listFiles(t, dir)
	want := make([]string, 0, 4)
	for _, p := range w.Files() {
		rel, _ := filepath.Rel(dir, p)
		want = append(want, rel)
	}
	slices.Sort(want)
	if !reflect.DeepEqual(files, want) {
		t.Fatalf("files after Close = %q, want %q", files, want)
	}
	// Abort after Close keeps the published files; Close again is a no-op.
	w.Abort()
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if got := listFiles(t, dir); !reflect.DeepEqual(got, want) {
		t.Fatalf("files after Abort = %q, want %q", got, want)
	}
	if err := w.WriteScan(ScanRow{}); !errors.Is(err, ErrWriterClosed) {
		t.Fatalf("write after Close: %v, want ErrWriterClosed", err)
	}
}

func TestHistoryEmptyTablesGetFiles(t *testing.T) {
	dir := t.TempDir()
	w, err := NewHistoryWriter(dir, "empty", testDay)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if len(w.Files()) != len(Tables()) {
		t.Fatalf("Files() = %q, want %d", w.Files(), len(Tables()))
	}
	for _, p := range w.Files() {
		n, err := readAny(p)
		if err != nil || n != 0 {
			t.Errorf("%s: %d rows, %v; want an empty file", p, n, err)
		}
	}
}

func readAny(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return 0, err
	}
	return pf.NumRows(), nil
}

func TestHistoryAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	w, err := NewHistoryWriter(dir, "scan-2", testDay)
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, findings := sampleRows()
	for _, r := range findings {
		if err := w.WriteFinding(r); err != nil {
			t.Fatal(err)
		}
	}
	if got := listFiles(t, dir); len(got) != len(Tables()) {
		t.Fatalf("while writing: %q, want %d temporary files", got, len(Tables()))
	}
	w.Abort()
	if got := listFiles(t, dir); len(got) != 0 {
		t.Fatalf("after Abort: %q, want none", got)
	}
	if err := w.Close(); !errors.Is(err, ErrWriterClosed) {
		t.Fatalf("Close after Abort: %v, want ErrWriterClosed", err)
	}
	if w.Files() != nil {
		t.Fatalf("Files after Abort = %q", w.Files())
	}
}

func TestNewHistoryWriterRejectsBadScanID(t *testing.T) {
	for _, id := range []string{"", ".hidden", "../escape", "a/b", `a\b`, "sp ace", "ü", strings.Repeat("x", 201)} {
		if _, err := NewHistoryWriter(t.TempDir(), id, testDay); !errors.Is(err, ErrBadScanID) {
			t.Errorf("scan id %q: err = %v, want ErrBadScanID", id, err)
		}
	}
}

// listFiles returns every regular file under dir, relative and sorted.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// colKind is what the contract says a column is, independent of the Go types.
type colKind int

const (
	kString colKind = iota
	kInt64
	kBool
	kDouble
	kTimestamp
	kStringList
)

type col struct {
	name string
	kind colKind
}

// contract is the column list of each table as analysts' queries see it. It
// is written out here, not derived from rows.go, so a renamed or retyped
// column fails this test.
var contract = map[string][]col{
	TableScans: {
		{"scan_id", kString}, {"account_id", kString}, {"started_at", kTimestamp},
		{"finished_at", kTimestamp}, {"regions", kStringList}, {"tool_version", kString},
		{"status", kString}, {"options", kString}, {"assets", kInt64}, {"objects", kInt64},
		{"skipped", kInt64}, {"findings", kInt64}, {"bytes_read", kInt64},
		{"aws_requests", kInt64}, {"bytes_downloaded", kInt64}, {"est_aws_cost_usd", kDouble},
		{"est_macie_cost_usd", kDouble}, {"prices_as_of", kString},
	},
	TableAssets: {
		{"scan_id", kString}, {"account_id", kString}, {"observed_at", kTimestamp},
		{"asset_arn", kString}, {"service", kString}, {"region", kString}, {"name", kString},
		{"encryption", kString}, {"kms_key_arn", kString}, {"kms_key_manager", kString},
		{"public", kBool}, {"public_reason", kString}, {"sensitivity_score", kDouble},
		{"data_classes", kStringList}, {"object_count", kInt64}, {"total_bytes", kInt64},
		{"listing_truncated", kBool}, {"sampled_objects", kInt64}, {"sampled_bytes", kInt64},
		{"status", kString}, {"reason", kString}, {"posture", kString},
		{"listing_source", kString}, {"inventory_date", kTimestamp}, {"bucket_objects", kInt64},
		{"bucket_bytes", kInt64}, {"totals_source", kString}, {"totals_at", kTimestamp},
	},
	TableObjectResults: {
		{"scan_id", kString}, {"account_id", kString}, {"observed_at", kTimestamp},
		{"asset_arn", kString}, {"location", kString}, {"format", kString}, {"status", kString},
		{"reason", kString}, {"size", kInt64}, {"bytes_read", kInt64}, {"storage_class", kString},
		{"encryption", kString}, {"findings", kInt64}, {"kind", kString}, {"part", kString},
	},
	TableFindings: {
		{"scan_id", kString}, {"account_id", kString}, {"observed_at", kTimestamp},
		{"asset_arn", kString}, {"service", kString}, {"region", kString}, {"location", kString},
		{"field", kString}, {"field_sensitive", kBool}, {"identifier", kString}, {"category", kString},
		{"confidence", kString}, {"count", kInt64}, {"redacted_examples", kStringList},
		{"fingerprints", kStringList},
	},
	TableControlResults: {
		{"scan_id", kString}, {"account_id", kString}, {"observed_at", kTimestamp},
		{"check_id", kString}, {"title", kString}, {"cis_ids", kStringList},
		{"soc2_criteria", kStringList}, {"severity", kString}, {"status", kString},
		{"status_extended", kString}, {"resource_arn", kString}, {"region", kString},
		{"evidence_json", kString}, {"finding_uid", kString},
	},
	TableExposures: {
		{"scan_id", kString}, {"account_id", kString}, {"observed_at", kTimestamp},
		{"asset_arn", kString}, {"asset_type", kString}, {"region", kString}, {"name", kString},
		{"data_classes", kStringList}, {"categories", kStringList}, {"sensitive_count", kInt64},
		{"sensitive_fields", kStringList}, {"sampled_fraction", kDouble}, {"sensitivity", kDouble},
		{"encryption", kString}, {"encryption_detail", kString}, {"encryption_reason", kString},
		{"kms_key_arn", kString}, {"kms_key_manager", kString}, {"exposure", kString},
		{"public", kBool}, {"public_reason", kString}, {"external_principals", kStringList},
		{"reasons", kStringList}, {"failing_controls", kStringList}, {"unknown_controls", kStringList},
		{"risk_score", kDouble}, {"risk_rank", kInt64}, {"asset_status", kString},
	},
}

// TestHistoryFileFormat checks the bytes on disk against what Athena, Trino,
// Spark and DuckDB need, reading the raw thrift footer and page headers
// rather than trusting the Go struct mapping.
func TestHistoryFileFormat(t *testing.T) {
	dir := t.TempDir()
	w, err := NewHistoryWriter(dir, "fmt", testDay)
	if err != nil {
		t.Fatal(err)
	}
	scans, assets, objects, findings := sampleRows()
	for _, r := range scans {
		must(t, w.WriteScan(r))
	}
	for _, r := range assets {
		must(t, w.WriteAsset(r))
	}
	for _, r := range objects {
		must(t, w.WriteObjectResult(r))
	}
	for _, r := range JoinExposures(assets, objects, findings, nil) {
		must(t, w.WriteExposure(r))
	}
	// More than one row group, and a fingerprint column whose dictionary
	// overflows so pages fall back to PLAIN.
	n := RowGroupRows + 5000
	if testing.Short() {
		n = 5000
	}
	for i := range n {
		r := findings[i%len(findings)]
		r.Location = fmt.Sprintf("bucket/key-%07d.csv", i)
		r.Fingerprints = []string{fmt.Sprintf("hmac-sha256:%064x", i), fmt.Sprintf("hmac-sha256:%064x", i+n)}
		must(t, w.WriteFinding(r))
	}
	must(t, w.Close())

	for i, table := range Tables() {
		t.Run(table, func(t *testing.T) {
			checkFileFormat(t, w.Files()[i], contract[table])
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func checkFileFormat(t *testing.T, path string, cols []col) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("PAR1")) || !bytes.HasSuffix(data, []byte("PAR1")) {
		t.Fatal("file does not start and end with PAR1")
	}
	pf, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	md := pf.Metadata()

	// Schema: walk the flattened depth-first element list.
	schema := md.Schema
	if len(schema) == 0 || int(schema[0].NumChildren.V) != len(cols) {
		t.Fatalf("root has %d children, want %d", schema[0].NumChildren.V, len(cols))
	}
	pos := 1
	var leafPaths [][]string
	for _, c := range cols {
		if pos >= len(schema) {
			t.Fatalf("schema ends before column %s", c.name)
		}
		e := schema[pos]
		if e.Name != c.name {
			t.Fatalf("column %d is %q, want %q", pos, e.Name, c.name)
		}
		switch c.kind {
		case kStringList:
			checkList(t, schema[pos:pos+3], c.name)
			leafPaths = append(leafPaths, []string{c.name, "list", "element"})
			pos += 3
			continue
		case kString:
			checkString(t, e, c.name)
		case kTimestamp:
			checkTimestamp(t, e, c.name)
		case kInt64:
			checkPrimitive(t, e, c.name, format.Int64)
		case kBool:
			checkPrimitive(t, e, c.name, format.Boolean)
		case kDouble:
			checkPrimitive(t, e, c.name, format.Double)
		}
		leafPaths = append(leafPaths, []string{c.name})
		pos++
	}
	if pos != len(schema) {
		t.Fatalf("schema has %d extra elements", len(schema)-pos)
	}

	// Column chunks: codec, encodings, page index, and every page header.
	if len(md.RowGroups) == 0 && md.NumRows != 0 {
		t.Fatal("rows but no row group")
	}
	for g, rg := range md.RowGroups {
		if rg.NumRows > RowGroupRows {
			t.Errorf("row group %d has %d rows, want at most %d", g, rg.NumRows, RowGroupRows)
		}
		if len(rg.Columns) != len(leafPaths) {
			t.Fatalf("row group %d has %d columns, want %d", g, len(rg.Columns), len(leafPaths))
		}
		for i, cc := range rg.Columns {
			m := cc.MetaData
			name := strings.Join(m.PathInSchema, ".")
			if !slices.Equal([]string(m.PathInSchema), leafPaths[i]) {
				t.Errorf("column %d path %q, want %q", i, name, leafPaths[i])
			}
			if m.Codec != format.Zstd && m.Codec != format.Snappy {
				t.Errorf("%s: codec %v, want ZSTD or SNAPPY", name, m.Codec)
			}
			for _, enc := range m.Encoding {
				checkEncoding(t, name, enc)
			}
			if rg.NumRows > 0 && (cc.ColumnIndexOffset == 0 || cc.OffsetIndexOffset == 0) {
				t.Errorf("%s: no page index (column index at %d, offset index at %d)",
					name, cc.ColumnIndexOffset, cc.OffsetIndexOffset)
			}
			checkPages(t, data, name, m)
		}
	}
}

func checkString(t *testing.T, e format.SchemaElement, name string) {
	t.Helper()
	if !e.Type.Valid || e.Type.V != format.ByteArray {
		t.Errorf("%s: type %v, want BYTE_ARRAY", name, e.Type)
	}
	if _, ok := e.LogicalType.Value.(*format.StringType); !ok {
		t.Errorf("%s: logical type %v, want STRING", name, e.LogicalType.Value)
	}
	if e.RepetitionType.V == format.Repeated {
		t.Errorf("%s: bare repeated field", name)
	}
}

func checkTimestamp(t *testing.T, e format.SchemaElement, name string) {
	t.Helper()
	if !e.Type.Valid || e.Type.V != format.Int64 {
		t.Errorf("%s: type %v, want INT64", name, e.Type)
	}
	ts, ok := e.LogicalType.Value.(*format.TimestampType)
	if !ok {
		t.Fatalf("%s: logical type %v, want TIMESTAMP", name, e.LogicalType.Value)
	}
	if !ts.IsAdjustedToUTC {
		t.Errorf("%s: isAdjustedToUTC=false", name)
	}
	if _, ok := ts.Unit.Value.(*format.MilliSeconds); !ok {
		t.Errorf("%s: unit %v, want MILLIS", name, &ts.Unit)
	}
	if e.RepetitionType.V == format.Repeated {
		t.Errorf("%s: bare repeated field", name)
	}
}

func checkPrimitive(t *testing.T, e format.SchemaElement, name string, want format.Type) {
	t.Helper()
	if !e.Type.Valid || e.Type.V != want {
		t.Errorf("%s: type %v, want %v", name, e.Type, want)
	}
	if e.RepetitionType.V != format.Required {
		t.Errorf("%s: repetition %v, want REQUIRED", name, e.RepetitionType.V)
	}
}

// checkList asserts the 3-level LIST structure of the Parquet spec:
//
//	<optional|required> group name (LIST) { repeated group list { <r|o> binary element (STRING); } }
func checkList(t *testing.T, es []format.SchemaElement, name string) {
	t.Helper()
	if len(es) < 3 {
		t.Fatalf("%s: truncated list schema", name)
	}
	outer, mid, leaf := es[0], es[1], es[2]
	if outer.Type.Valid || outer.NumChildren.V != 1 {
		t.Errorf("%s: outer is not a group with one child", name)
	}
	if r := outer.RepetitionType.V; !outer.RepetitionType.Valid || r == format.Repeated {
		t.Errorf("%s: outer repetition %v, want OPTIONAL or REQUIRED", name, r)
	}
	if _, ok := outer.LogicalType.Value.(*format.ListType); !ok {
		t.Errorf("%s: outer logical type %v, want LIST", name, outer.LogicalType.Value)
	}
	if mid.Name != "list" || mid.Type.Valid || mid.NumChildren.V != 1 || mid.RepetitionType.V != format.Repeated {
		t.Errorf("%s: middle level is %+v, want repeated group \"list\" with one child", name, mid)
	}
	if leaf.Name != "element" || leaf.RepetitionType.V == format.Repeated {
		t.Errorf("%s: element level is %+v, want non-repeated \"element\"", name, leaf)
	}
	checkString(t, leaf, name+".list.element")
}

func checkEncoding(t *testing.T, name string, enc format.Encoding) {
	t.Helper()
	switch enc {
	case format.Plain, format.RLE, format.RLEDictionary, format.PlainDictionary:
	default:
		t.Errorf("%s: encoding %v, want PLAIN, RLE or dictionary", name, enc)
	}
}

// checkPages decodes every page header of a column chunk straight from the
// file bytes and checks it is a v1 data page (or the dictionary page) with a
// portable encoding, and that the pages hold all the chunk's values.
func checkPages(t *testing.T, data []byte, name string, m format.ColumnMetaData) {
	t.Helper()
	off := m.DataPageOffset
	if m.DictionaryPageOffset > 0 && m.DictionaryPageOffset < off {
		off = m.DictionaryPageOffset
	}
	end := off + m.TotalCompressedSize
	if off < 4 || end > int64(len(data)) {
		t.Fatalf("%s: chunk [%d,%d) outside file of %d bytes", name, off, end, len(data))
	}
	var values int64
	var dataPages, dictPages int
	for off < end {
		r := (&thrift.CompactProtocol{}).NewReaderFromBytes(data[off:end])
		var h format.PageHeader
		if err := thrift.NewDecoder(r).Decode(&h); err != nil {
			t.Fatalf("%s: page header at %d: %v", name, off, err)
		}
		switch h.Type {
		case format.DataPage:
			dataPages++
			if !h.DataPageHeader.Valid {
				t.Fatalf("%s: DATA_PAGE without header", name)
			}
			dh := h.DataPageHeader.V
			checkEncoding(t, name, dh.Encoding)
			if dh.DefinitionLevelEncoding != format.RLE || dh.RepetitionLevelEncoding != format.RLE {
				t.Errorf("%s: level encodings %v/%v, want RLE", name, dh.DefinitionLevelEncoding, dh.RepetitionLevelEncoding)
			}
			values += int64(dh.NumValues)
		case format.DictionaryPage:
			dictPages++
			if dictPages > 1 || dataPages > 0 {
				t.Errorf("%s: dictionary page not first or not alone", name)
			}
			if e := h.DictionaryPageHeader.V.Encoding; e != format.Plain && e != format.PlainDictionary {
				t.Errorf("%s: dictionary page encoding %v", name, e)
			}
		default:
			t.Fatalf("%s: page type %v, want DATA_PAGE (v1) or DICTIONARY_PAGE", name, h.Type)
		}
		off += int64(r.BytesRead()) + int64(h.CompressedPageSize)
	}
	if off != end {
		t.Errorf("%s: pages overrun the chunk by %d bytes", name, off-end)
	}
	if values != m.NumValues {
		t.Errorf("%s: pages hold %d values, chunk says %d", name, values, m.NumValues)
	}
}

// TestHistoryWriterMemoryIsFlat writes 200k findings and checks that the live
// heap stays bounded: row groups are flushed to disk as they fill.
func TestHistoryWriterMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 200k rows")
	}
	const rows = 200_000
	dir := t.TempDir()
	w, err := NewHistoryWriter(dir, "big", testDay)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	var peak uint64
	var ms runtime.MemStats
	r := bigFinding()
	for i := range rows {
		r.Location = fmt.Sprintf("bucket/prefix/%08d/object.csv", i)
		r.Fingerprints[0] = fmt.Sprintf("hmac-sha256:%064x", i)
		if err := w.WriteFinding(r); err != nil {
			t.Fatal(err)
		}
		if i%5_000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	must(t, w.Close())
	st, err := os.Stat(w.Files()[3])
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d rows: file %.1f MiB, peak live heap %.1f MiB", rows, float64(st.Size())/(1<<20), float64(peak)/(1<<20))
	// The raw rows are ~70 MB; one row group of them compresses to a few MB.
	if peak > 64<<20 {
		t.Errorf("peak live heap %d MiB, want under 64 MiB", peak>>20)
	}
	got, err := ReadRows[FindingRow](w.Files()[3])
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != rows || got[rows-1].Location != r.Location || got[rows-1].Fingerprints[0] != r.Fingerprints[0] {
		t.Fatalf("read back %d rows, last %+v", len(got), got[len(got)-1])
	}
}

func bigFinding() FindingRow {
	return FindingRow{
		ScanID: "big", AccountID: "123456789012", ObservedAt: testDay,
		AssetARN: "arn:aws:s3:::big-bucket", Service: "s3", Region: "eu-west-1",
		Field: "email", Identifier: "EMAIL_ADDRESS", Category: "PII", Confidence: "HIGH", Count: 7,
		RedactedExamples: []string{"j***@example.com", "a***@example.org"},
		Fingerprints:     []string{"", "hmac-sha256:static"},
	}
}

// BenchmarkHistoryWriteFindings measures the writer's throughput on findings
// rows with unique locations and fingerprints.
func BenchmarkHistoryWriteFindings(b *testing.B) {
	w, err := NewHistoryWriter(b.TempDir(), "bench", testDay)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Abort()
	r := bigFinding()
	b.SetBytes(int64(len(r.AssetARN) + 40 + 2*64 + 100))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r.Location = fmt.Sprintf("bucket/prefix/%08d/object.csv", i)
		r.Fingerprints[0] = fmt.Sprintf("hmac-sha256:%064x", i)
		if err := w.WriteFinding(r); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}

// TestHistoryInterruptedWriteLeavesNoPartialRows simulates a crash in the
// middle of a scan: a writer that panicked mid-table and was never closed
// or aborted leaves its hidden temporary files behind. Readers of the
// dataset still see every row of the committed scan and none of the other.
func TestHistoryInterruptedWriteLeavesNoPartialRows(t *testing.T) {
	dir := t.TempDir()
	writeSample(t, dir) // scan-1, committed
	func() {
		defer func() { _ = recover() }()
		w, err := NewHistoryWriter(dir, "scan-2", testDay)
		if err != nil {
			t.Fatal(err)
		}
		_, _, _, findings := sampleRows()
		for i := range RowGroupRows + 10 { // past one flushed row group
			must(t, w.WriteFinding(findings[i%len(findings)]))
		}
		panic("crash mid-table")
	}()
	tmp, _ := filepath.Glob(filepath.Join(dir, TableFindings, testDT, ".scan-2*"))
	if len(tmp) != 1 {
		t.Fatalf("the crashed writer left %q, want its temporary findings file", tmp)
	}
	// Whatever the writer had flushed, make the leftover a torn Parquet
	// file, as a crash mid-write would.
	if err := os.WriteFile(tmp[0], []byte("PAR1 torn row group"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, _, findings := sampleRows()
	got, err := ReadTable[FindingRow](dir, TableFindings)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(findings) {
		t.Fatalf("findings after the crash = %d rows, want the %d of scan-1", len(got), len(findings))
	}
	for _, table := range Tables() {
		files, err := TableFiles(dir, table)
		if err != nil || len(files) != 1 || filepath.Base(files[0]) != "scan-1.parquet" {
			t.Errorf("%s: files %q, %v; want only scan-1's", table, files, err)
		}
	}
}

// TestHistoryWriterTablesReplacesAndAddsParts: a writer for some tables only
// writes just those files; one named <scan_id>-r1 adds a part next to the
// scan's files, and one named <scan_id> replaces the scan's scans file, so
// the scan keeps exactly one scans row. A write to a table the writer does
// not hold fails.
func TestHistoryWriterTablesReplacesAndAddsParts(t *testing.T) {
	dir := t.TempDir()
	first, err := NewHistoryWriter(dir, "s1", testDay)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.WriteAsset(AssetRow{ScanID: "s1", AssetARN: "arn:aws:s3:::a"}); err != nil {
		t.Fatal(err)
	}
	if err := first.WriteScan(ScanRow{ScanID: "s1", Status: "INTERRUPTED"}); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	part, err := NewHistoryWriterTables(dir, "s1-r1", testDay, TableAssets)
	if err != nil {
		t.Fatal(err)
	}
	if err := part.WriteScan(ScanRow{ScanID: "s1"}); err == nil {
		t.Error("a part writer without the scans table accepted a scans row")
	}
	if err := part.WriteAsset(AssetRow{ScanID: "s1", AssetARN: "arn:aws:s3:::b"}); err != nil {
		t.Fatal(err)
	}
	if err := part.Close(); err != nil {
		t.Fatal(err)
	}
	if len(part.Files()) != 1 || filepath.Base(part.Files()[0]) != "s1-r1.parquet" {
		t.Errorf("part files = %q, want one assets/…/s1-r1.parquet", part.Files())
	}

	final, err := NewHistoryWriterTables(dir, "s1", testDay, TableScans)
	if err != nil {
		t.Fatal(err)
	}
	if err := final.WriteScan(ScanRow{ScanID: "s1", Status: "COMPLETE"}); err != nil {
		t.Fatal(err)
	}
	if err := final.Close(); err != nil {
		t.Fatal(err)
	}

	scans, err := ReadTable[ScanRow](dir, TableScans)
	if err != nil || len(scans) != 1 || scans[0].Status != "COMPLETE" {
		t.Errorf("scans = %+v, %v; want the one COMPLETE row that replaced the INTERRUPTED one", scans, err)
	}
	assets, err := ReadTable[AssetRow](dir, TableAssets)
	if err != nil || len(assets) != 2 {
		t.Errorf("assets = %+v, %v; want a and b from both parts", assets, err)
	}
	if _, err := NewHistoryWriterTables(dir, "s1", testDay, "nope"); err == nil {
		t.Error("unknown table accepted")
	}
}

// TestScanRowReadsOlderFiles reads a scans file written before the request and
// cost columns existed: the new fields come back zero, the others intact.
func TestScanRowReadsOlderFiles(t *testing.T) {
	type oldScanRow struct {
		ScanID      string    `parquet:"scan_id"`
		AccountID   string    `parquet:"account_id"`
		StartedAt   time.Time `parquet:"started_at,optional,timestamp(millisecond)"`
		FinishedAt  time.Time `parquet:"finished_at,optional,timestamp(millisecond)"`
		Regions     []string  `parquet:"regions,list"`
		ToolVersion string    `parquet:"tool_version"`
		Status      string    `parquet:"status"`
		Options     string    `parquet:"options"`
		Assets      int64     `parquet:"assets"`
		Objects     int64     `parquet:"objects"`
		Skipped     int64     `parquet:"skipped"`
		Findings    int64     `parquet:"findings"`
		BytesRead   int64     `parquet:"bytes_read"`
	}
	path := filepath.Join(t.TempDir(), "old.parquet")
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := parquet.WriteFile(path, []oldScanRow{{ScanID: "old", AccountID: "123456789012", StartedAt: at, Regions: []string{"eu-west-1"},
		Status: "COMPLETE", Objects: 7, BytesRead: 99}}); err != nil {
		t.Fatal(err)
	}
	rows, err := ReadRows[ScanRow](path)
	if err != nil {
		t.Fatal(err)
	}
	want := ScanRow{ScanID: "old", AccountID: "123456789012", StartedAt: at, Regions: []string{"eu-west-1"}, Status: "COMPLETE", Objects: 7, BytesRead: 99}
	if len(rows) != 1 || !reflect.DeepEqual(rows[0], want) {
		t.Fatalf("read %+v, want %+v", rows, want)
	}
}
