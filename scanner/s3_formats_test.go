package scanner_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
	"github.com/ulikunitz/xz"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/mototest"
)

const (
	fmtSSN   = "536-22-8147"
	fmtEmail = "grace@example.com"
	fmtCSV   = "name,ssn\nAda," + fmtSSN + "\n"
)

// zipOf builds a zip archive of the given (name, content) pairs, in order.
func zipOf(t *testing.T, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// tarOf builds a tar archive of one regular file.
func tarOf(t *testing.T, name, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write([]byte(content)); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipOf(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	gw := gzip.NewWriter(&buf)
	if _, err := gw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := gw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipBomb is a zip with one deflated member of 200 MiB of zeros, written
// streaming so the test never holds the uncompressed data.
func zipBomb(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "zeros.bin", Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for i := 0; i < 200; i++ {
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// deepZip is a zip nested 20 deep (deep.zip → level01.zip → … → level19.zip →
// people.csv); level02.zip also holds shallow.csv, within the depth limit.
func deepZip(t *testing.T) []byte {
	t.Helper()
	deep := zipOf(t, "people.csv", fmtCSV)
	for i := 19; i >= 1; i-- {
		if i == 3 { // level02.zip also holds a CSV, well within the depth limit
			deep = zipOf(t, fmt.Sprintf("level%02d.zip", i), string(deep), "shallow.csv", fmtCSV)
			continue
		}
		deep = zipOf(t, fmt.Sprintf("level%02d.zip", i), string(deep))
	}
	return deep
}

// truncatedGzip is the first half of a gzipped 40,000-row CSV whose first
// row holds fmtSSN.
func truncatedGzip(t *testing.T) []byte {
	t.Helper()
	var csv strings.Builder
	csv.WriteString("name,ssn\nAda," + fmtSSN + "\n")
	for i := 0; i < 40000; i++ {
		fmt.Fprintf(&csv, "user%d,%03d-%02d-%04d\n", i*7919%100003, 100+i%600, 10+i%89, (i*7919)%10000)
	}
	full := gzipOf(t, []byte(csv.String()))
	return full[:len(full)/2]
}

// corruptParquet has Parquet's magic at both ends and a footer of garbage.
func corruptParquet() []byte {
	body := []byte("PAR1")
	body = append(body, bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 64)...)
	footer := bytes.Repeat([]byte{0xff, 0x13, 0x7f}, 20)
	body = append(body, footer...)
	body = binary.LittleEndian.AppendUint32(body, uint32(len(footer)))
	return append(body, "PAR1"...)
}

// invalidUTF8 is text with invalid UTF-8 sequences around fmtSSN.
func invalidUTF8() []byte {
	return []byte("header line\n\xc3\x28 bad \x80\x81\xfe bytes, then SSN: " + fmtSSN + " and more \xed\xa0\x80 junk\nend\n")
}

// TestS3FormatsAndHostileObjects seeds one bucket with an object of every
// readable format, each holding an SSN or an e-mail address, plus hostile
// objects (a zip bomb, a deeply nested zip, a truncated gzip, a corrupt
// Parquet file, invalid UTF-8), and checks the findings and object results
// the S3 scanner records for them.
func TestS3FormatsAndHostileObjects(t *testing.T) {
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	seed := mototest.SeedS3Client(cfg)
	const bucket = "formats-hostile"
	if _, err := seed.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	keys := []string{}
	put := func(key string, body []byte) {
		t.Helper()
		if _, err := seed.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, key)
	}

	// Benign formats.
	put("people.csv", []byte(fmtCSV))
	put("profile.json", []byte(`{"customer":{"name":"Ada","ssn":"`+fmtSSN+`"}}`))
	put("events.jsonl", []byte(`{"event":"login","user":{"email":"`+fmtEmail+`"}}`+"\n"+`{"event":"logout","user":{"email":"ada@example.org"}}`+"\n"))
	put("page.xml", []byte(`<?xml version="1.0"?><people><person><name>Ada</name><ssn>`+fmtSSN+`</ssn></person></people>`))
	put("page.html", []byte(`<!doctype html><html><head><title>Contact</title></head><body><p>Write to `+fmtEmail+` today.</p></body></html>`))
	put("people.csv.gz", gzipOf(t, []byte(fmtCSV)))
	{
		var buf bytes.Buffer
		zw, err := zstd.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		zw.Write([]byte(fmtCSV))
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		put("people.csv.zst", buf.Bytes())
	}
	{
		var buf bytes.Buffer
		xw, err := xz.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		xw.Write([]byte(fmtCSV))
		if err := xw.Close(); err != nil {
			t.Fatal(err)
		}
		put("people.csv.xz", buf.Bytes())
	}
	put("bundle.zip", zipOf(t, "inner/people.csv", fmtCSV))
	put("bundle.tar", tarOf(t, "people.csv", fmtCSV))
	put("bundle.tar.gz", gzipOf(t, tarOf(t, "people.csv", fmtCSV)))
	put("nested.zip", zipOf(t, "inner.zip", string(zipOf(t, "people.csv", fmtCSV))))
	{
		type person struct {
			Name string `parquet:"name"`
			SSN  string `parquet:"ssn"`
		}
		var buf bytes.Buffer
		pw := parquet.NewGenericWriter[person](&buf)
		if _, err := pw.Write([]person{{Name: "Ada", SSN: fmtSSN}, {Name: "Alan", SSN: "219-09-9999"}}); err != nil {
			t.Fatal(err)
		}
		if err := pw.Close(); err != nil {
			t.Fatal(err)
		}
		put("people.parquet", buf.Bytes())
	}
	put("report.docx", zipOf(t,
		"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"word/document.xml", `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Contact Grace at `+fmtEmail+`</w:t></w:r></w:p></w:body></w:document>`))
	put("sheet.xlsx", zipOf(t,
		"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+
			`<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c><c r="B1" t="inlineStr"><is><t>ssn</t></is></c></row>`+
			`<row r="2"><c r="A2" t="inlineStr"><is><t>Ada</t></is></c><c r="B2" t="inlineStr"><is><t>`+fmtSSN+`</t></is></c></row>`+
			`</sheetData></worksheet>`))
	put("mail.eml", []byte("From: Ada <ada@example.org>\r\nTo: Grace <"+fmtEmail+">\r\nSubject: records\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHer SSN is "+fmtSSN+".\r\n"))
	put("statement.pdf", pdfOf(t, "Customer statement", "SSN: "+fmtSSN))
	put("deck.pptx", pptxOf(t, "Contact "+fmtEmail))
	put("people.csv.sz", snappyOf(t, []byte(fmtCSV)))
	put("people.csv.bz2", bzip2People(t))
	put("people.avro", avroOf([2]string{"Ada", fmtSSN}, [2]string{"Alan", "219-09-9999"}))
	put("notes-utf16.txt", utf16Text("Her SSN is "+fmtSSN+".\n"))
	put("people.tsv", []byte("name\tssn\nAda\t"+fmtSSN+"\n"))

	// Hostile objects.
	put("bomb.zip", zipBomb(t))
	put("deep.zip", deepZip(t))
	put("truncated.csv.gz", truncatedGzip(t))
	put("corrupt.parquet", corruptParquet())
	put("invalid-utf8.txt", invalidUTF8())

	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{2}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	ao := scanner.AWSOptions{EndpointURL: srv.Endpoint}
	guarded, err := scanner.LoadAWSConfig(ctx, ao)
	if err != nil {
		t.Fatal(err)
	}
	sink := newMemorySink()
	s := scanner.NewS3Scanner(guarded, ao, engine, scanner.Options{SampleObjects: 100, SampleBytes: 8 << 20, Concurrency: 4}, nil)
	if _, err := s.Scan(ctx, "123456789012", sink); err != nil {
		t.Fatal(err)
	}

	arn := "arn:aws:s3:::" + bucket + "/"
	obj := func(loc string) (scanner.ObjectResult, bool) {
		o, ok := sink.objects[arn+loc]
		return o, ok
	}
	for _, k := range keys {
		if _, ok := obj(k); !ok {
			t.Errorf("no object result for %s", k)
		}
	}
	if a := sink.assets[bucket]; a.SampledObjects != int64(len(keys)) {
		t.Errorf("asset sampled %d objects, want %d", a.SampledObjects, len(keys))
	}
	findings := map[string][]scanner.Finding{} // location|identifier
	for _, f := range sink.findings {
		findings[f.Location+"|"+f.Identifier] = append(findings[f.Location+"|"+f.Identifier], f)
	}
	// fields returns the fields of the findings of id at loc, and whether
	// there is one.
	fields := func(loc, id string) ([]string, bool) {
		fs, ok := findings[loc+"|"+id]
		var out []string
		for _, f := range fs {
			out = append(out, strings.Split(f.Field, ",")...)
		}
		return out, ok
	}
	dump := func() string {
		var b strings.Builder
		for k, fs := range findings {
			for _, f := range fs {
				fmt.Fprintf(&b, "\n  %s field=%q", k, f.Field)
			}
		}
		for k, o := range sink.objects {
			fmt.Fprintf(&b, "\n  object %s format=%s status=%s reason=%s", strings.TrimPrefix(k, arn), o.Format, o.Status, o.Reason)
		}
		return b.String()
	}
	failed := false

	benign := []struct {
		loc, id, field, format string // field "" = any field
	}{
		{"people.csv", "US_SSN", "ssn", "csv"},
		{"profile.json", "US_SSN", "customer.ssn", "json"},
		{"events.jsonl", "EMAIL_ADDRESS", "user.email", "jsonl"},
		{"page.xml", "US_SSN", "ssn", "xml"},
		{"page.html", "EMAIL_ADDRESS", "", "html"},
		{"people.csv.gz", "US_SSN", "ssn", "gzip"},
		{"people.csv.zst", "US_SSN", "ssn", "zstd"},
		{"people.csv.xz", "US_SSN", "ssn", "xz"},
		{"bundle.zip!inner/people.csv", "US_SSN", "ssn", ""},
		{"bundle.tar!people.csv", "US_SSN", "ssn", ""},
		{"bundle.tar.gz!people.csv", "US_SSN", "ssn", ""},
		{"nested.zip!inner.zip!people.csv", "US_SSN", "ssn", ""},
		{"people.parquet", "US_SSN", "ssn", "parquet"},
		{"report.docx", "EMAIL_ADDRESS", "word/document.xml", "docx"},
		{"sheet.xlsx", "US_SSN", "", "xlsx"},
		{"mail.eml", "EMAIL_ADDRESS", "header:To", "eml"},
		{"mail.eml", "US_SSN", "body:text/plain", "eml"},
		{"statement.pdf", "US_SSN", "page 1", "pdf"},
		{"deck.pptx", "EMAIL_ADDRESS", "ppt/slides/slide1.xml", "pptx"},
		{"people.csv.sz", "US_SSN", "ssn", "snappy"},
		{"people.csv.bz2", "US_SSN", "ssn", "bzip2"},
		{"people.avro", "US_SSN", "ssn", "avro"},
		{"notes-utf16.txt", "US_SSN", "", "text"},
		{"people.tsv", "US_SSN", "ssn", "tsv"},
	}
	for _, c := range benign {
		fs, ok := fields(c.loc, c.id)
		if !ok {
			t.Errorf("%s: no %s finding", c.loc, c.id)
			failed = true
		} else if c.field != "" && !contains(fs, c.field) {
			t.Errorf("%s: %s finding fields %v, want %q", c.loc, c.id, fs, c.field)
			failed = true
		}
		if c.format == "" {
			continue
		}
		if o, _ := obj(c.loc); o.Format != c.format || o.Status != scanner.StatusComplete {
			t.Errorf("%s: object result format=%s status=%s reason=%s, want %s COMPLETE", c.loc, o.Format, o.Status, o.Reason, c.format)
			failed = true
		}
	}
	// The xlsx column is named by sheet, column letter and header.
	if fs, _ := fields("sheet.xlsx", "US_SSN"); len(fs) == 0 || !strings.HasSuffix(fs[0], "!B:ssn") {
		t.Errorf("sheet.xlsx: SSN fields %v, want a <sheet>!B:ssn column", fs)
		failed = true
	}
	for _, k := range []string{"bundle.zip", "bundle.tar", "bundle.tar.gz", "nested.zip"} {
		if o, _ := obj(k); o.Status != scanner.StatusComplete || o.Reason != "" {
			t.Errorf("%s: object result status=%s reason=%s, want COMPLETE", k, o.Status, o.Reason)
			failed = true
		}
	}

	// Zip bomb: the member declares a ratio far past MaxRatio and is not
	// opened; the object is reported with DECOMPRESSION_BOMB, never clean.
	bomb, _ := obj("bomb.zip")
	bombEntry, entryOK := obj("bomb.zip!zeros.bin")
	if bomb.Reason != scanner.ReasonDecompressionBomb && bombEntry.Reason != scanner.ReasonDecompressionBomb {
		t.Errorf("bomb.zip: object %s/%s, entry %v %s/%s; want DECOMPRESSION_BOMB", bomb.Status, bomb.Reason, entryOK, bombEntry.Status, bombEntry.Reason)
		failed = true
	}
	if bomb.Status == scanner.StatusComplete {
		t.Errorf("bomb.zip reported COMPLETE")
		failed = true
	}
	if bomb.BytesRead > 16<<20 {
		t.Errorf("bomb.zip: %d bytes read", bomb.BytesRead)
		failed = true
	}

	// 20-deep zip: MaxDepth (5) containers may surround readable content, so
	// the CSV in level02.zip is read, level05.zip (the sixth container) is
	// not opened and is an entry result with ARCHIVE_DEPTH_LIMIT, and nothing
	// beneath it is read. The object is PARTIAL: something was read.
	const limitEntry = "deep.zip!level01.zip!level02.zip!level03.zip!level04.zip!level05.zip"
	if deep, _ := obj("deep.zip"); deep.Status != scanner.StatusPartial || deep.Reason != scanner.ReasonArchiveDepthLimit {
		t.Errorf("deep.zip: object %s/%s, want PARTIAL with ARCHIVE_DEPTH_LIMIT", deep.Status, deep.Reason)
		failed = true
	}
	if e, ok := obj(limitEntry); !ok || e.Reason != scanner.ReasonArchiveDepthLimit || e.Status != scanner.StatusSkipped {
		t.Errorf("%s: entry result %v %s/%s, want SKIPPED with ARCHIVE_DEPTH_LIMIT", limitEntry, ok, e.Status, e.Reason)
		failed = true
	}
	if fs, ok := fields("deep.zip!level01.zip!level02.zip!shallow.csv", "US_SSN"); !ok || !contains(fs, "ssn") {
		t.Errorf("deep.zip: shallow CSV finding ok=%v fields=%v", ok, fs)
		failed = true
	}
	for k := range sink.objects {
		if loc := strings.TrimPrefix(k, arn); strings.HasPrefix(loc, limitEntry+"!") {
			t.Errorf("deep.zip: entry result past the depth limit: %s", loc)
			failed = true
		}
	}
	for k := range findings {
		if strings.HasPrefix(k, limitEntry+"!") {
			t.Errorf("deep.zip: finding past the depth limit: %s", k)
			failed = true
		}
	}

	// Truncated gzip: the first half of the deflate stream is intact, so
	// something was read and emitted (PARTIAL, CORRUPT_FILE), and the SSN on
	// the first row is in it.
	if tr, _ := obj("truncated.csv.gz"); tr.Reason != scanner.ReasonCorruptFile || tr.Status != scanner.StatusPartial {
		t.Errorf("truncated.csv.gz: %s/%s, want PARTIAL with CORRUPT_FILE", tr.Status, tr.Reason)
		failed = true
	}
	if fs, ok := fields("truncated.csv.gz", "US_SSN"); !ok || !contains(fs, "ssn") {
		t.Errorf("truncated.csv.gz: SSN finding ok=%v fields=%v", ok, fs)
		failed = true
	}

	// Corrupt Parquet footer.
	if cp, _ := obj("corrupt.parquet"); cp.Format != "parquet" || cp.Reason != scanner.ReasonCorruptFile || cp.Status == scanner.StatusComplete {
		t.Errorf("corrupt.parquet: format=%s %s/%s, want parquet, CORRUPT_FILE", cp.Format, cp.Status, cp.Reason)
		failed = true
	}

	// Invalid UTF-8 bytes pass through as boundaries: the SSN is still found.
	if _, ok := fields("invalid-utf8.txt", "US_SSN"); !ok {
		t.Errorf("invalid-utf8.txt: no SSN finding")
		failed = true
	}
	if o, _ := obj("invalid-utf8.txt"); o.Format != "text" || o.Status != scanner.StatusComplete {
		t.Errorf("invalid-utf8.txt: object %s %s/%s, want text COMPLETE", o.Format, o.Status, o.Reason)
		failed = true
	}

	if failed || testing.Verbose() {
		t.Log("results:" + dump())
	}
}
