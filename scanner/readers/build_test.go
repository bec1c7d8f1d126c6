package readers

// Builders of test inputs in every format, and helpers to read them. All
// inputs are generated here rather than stored, except testdata/*.bz2
// (see testdata/README.md).

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hamba/avro/v2"
	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
	"github.com/ulikunitz/xz"
)

func init() {
	recoverPanics = false // let tests and fuzzing see panics
}

// Markers: values that must come out at the right Entry and Field.
const (
	markEmail = "ada@example.com"
	markSSN   = "536-22-8147"
)

// peopleCSV is a small CSV with both markers.
const peopleCSV = "name,email,ssn\nAda Lovelace," + markEmail + "," + markSSN + "\nCharles Babbage,charles@example.com,536-22-8148\n"

// sseg is a copy of a Segment, safe to keep.
type sseg struct{ Entry, Field, Data string }

// readSource reads data through ReadSource with random access.
func readSource(t testing.TB, name string, data []byte, lim Limits) ([]sseg, Result) {
	t.Helper()
	return readSourceWith(t, Source{Name: name, Size: int64(len(data)), At: bytes.NewReader(data)}, lim)
}

// readSourceWith reads src and fails the test on an error.
func readSourceWith(t testing.TB, src Source, lim Limits) ([]sseg, Result) {
	t.Helper()
	var segs []sseg
	res, err := ReadSource(context.Background(), src, lim, func(s Segment) error {
		if len(s.Data) == 0 {
			t.Errorf("empty segment at %q/%q", s.Entry, s.Field)
		}
		segs = append(segs, sseg{s.Entry, s.Field, string(s.Data)})
		return nil
	})
	if err != nil {
		t.Fatalf("ReadSource(%s): %v", src.Name, err)
	}
	checkResult(t, res, lim)
	return segs, res
}

// checkResult checks invariants every Result holds.
func checkResult(t testing.TB, res Result, lim Limits) {
	t.Helper()
	lim = lim.withDefaults()
	switch res.Status {
	case StatusComplete:
		if res.Reason != "" && res.Reason != ReasonMalformedContent {
			t.Errorf("COMPLETE with reason %s", res.Reason)
		}
	case StatusPartial, StatusSkipped:
		if _, ok := reasonRank[res.Reason]; !ok || res.Reason == ReasonMalformedContent {
			t.Errorf("%s with reason %q", res.Status, res.Reason)
		}
	default:
		t.Errorf("status %q", res.Status)
	}
	if res.Format == "" {
		t.Errorf("no format")
	}
	if len(res.Entries) > lim.MaxEntries {
		t.Errorf("%d entries, cap %d", len(res.Entries), lim.MaxEntries)
	}
	for _, e := range res.Entries {
		if e.Status == "" || (e.Status != StatusComplete) != (e.Reason != "" && e.Reason != ReasonMalformedContent) {
			t.Errorf("entry %q: status %q reason %q", e.Entry, e.Status, e.Reason)
		}
	}
}

// has reports whether a segment at entry and field contains marker.
func has(segs []sseg, entry, field, marker string) bool {
	for _, s := range segs {
		if s.Entry == entry && s.Field == field && strings.Contains(s.Data, marker) {
			return true
		}
	}
	return false
}

// anywhere reports whether any segment contains marker.
func anywhere(segs []sseg, marker string) bool {
	for _, s := range segs {
		if strings.Contains(s.Data, marker) {
			return true
		}
	}
	return false
}

// where lists the entries and fields of segments holding marker, for
// failure messages.
func where(segs []sseg, marker string) string {
	var out []string
	for _, s := range segs {
		if strings.Contains(s.Data, marker) {
			out = append(out, fmt.Sprintf("%q/%q", s.Entry, s.Field))
		}
	}
	return fmt.Sprintf("%s in %v (%d segments)", marker, out, len(segs))
}

func entryResult(res Result, entry string) (EntryResult, bool) {
	for _, e := range res.Entries {
		if e.Entry == entry {
			return e, true
		}
	}
	return EntryResult{}, false
}

// --- compression ---

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func zstdBytes(b []byte) []byte {
	w, _ := zstd.NewWriter(nil)
	defer w.Close()
	return w.EncodeAll(b, nil)
}

func xzBytes(b []byte) []byte {
	var buf bytes.Buffer
	w, err := xz.NewWriter(&buf)
	if err != nil {
		panic(err)
	}
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func snappyBytes(b []byte) []byte {
	var buf bytes.Buffer
	w := s2.NewWriter(&buf, s2.WriterSnappyCompat())
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func bzip2File(t testing.TB) []byte {
	b, err := os.ReadFile("testdata/people.csv.bz2")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// --- archives ---

// zipFile is a file to put in a zip: stored when store is set.
type zipFile struct {
	name  string
	data  []byte
	store bool
}

func zipBytes(files ...zipFile) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, f := range files {
		m := zip.Deflate
		if f.store {
			m = zip.Store
		}
		fw, err := w.CreateHeader(&zip.FileHeader{Name: f.name, Method: m})
		if err != nil {
			panic(err)
		}
		fw.Write(f.data)
	}
	w.Close()
	return buf.Bytes()
}

func tarBytes(files ...zipFile) []byte {
	var buf bytes.Buffer
	w := tar.NewWriter(&buf)
	w.WriteHeader(&tar.Header{Name: "dir/", Typeflag: tar.TypeDir, Mode: 0o755})
	for _, f := range files {
		w.WriteHeader(&tar.Header{Name: f.name, Typeflag: tar.TypeReg, Size: int64(len(f.data)), Mode: 0o644})
		w.Write(f.data)
	}
	w.Close()
	return buf.Bytes()
}

// --- Office ---

const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>`

func docxBytes(paragraphs ...string) []byte {
	var body strings.Builder
	for _, p := range paragraphs {
		fmt.Fprintf(&body, `<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, p)
	}
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `</w:body></w:document>`
	return zipBytes(
		zipFile{name: "[Content_Types].xml", data: []byte(contentTypes)},
		zipFile{name: "_rels/.rels", data: []byte(`<Relationships/>`)},
		zipFile{name: "word/document.xml", data: []byte(doc)},
	)
}

// xlsxBytes builds a workbook with one sheet "People" of rows; strings go
// to the shared-strings table, except inline ones prefixed with "inline:".
func xlsxBytes(rows [][]string) []byte {
	var shared []string
	var sheet strings.Builder
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for i, row := range rows {
		fmt.Fprintf(&sheet, `<row r="%d">`, i+1)
		for j, v := range row {
			ref := fmt.Sprintf("%s%d", colName(j), i+1)
			switch {
			case strings.HasPrefix(v, "inline:"):
				fmt.Fprintf(&sheet, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, strings.TrimPrefix(v, "inline:"))
			case strings.HasPrefix(v, "num:"):
				fmt.Fprintf(&sheet, `<c r="%s"><v>%s</v></c>`, ref, strings.TrimPrefix(v, "num:"))
			default:
				fmt.Fprintf(&sheet, `<c r="%s" t="s"><v>%d</v></c>`, ref, len(shared))
				shared = append(shared, v)
			}
		}
		sheet.WriteString(`</row>`)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	var sst strings.Builder
	fmt.Fprintf(&sst, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d">`, len(shared))
	for _, s := range shared {
		fmt.Fprintf(&sst, `<si><t>%s</t></si>`, s)
	}
	sst.WriteString(`</sst>`)
	wb := `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>`
	rels := `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`
	return zipBytes(
		zipFile{name: "[Content_Types].xml", data: []byte(contentTypes)},
		zipFile{name: "xl/workbook.xml", data: []byte(wb)},
		zipFile{name: "xl/_rels/workbook.xml.rels", data: []byte(rels)},
		zipFile{name: "xl/sharedStrings.xml", data: []byte(sst.String())},
		zipFile{name: "xl/worksheets/sheet1.xml", data: []byte(sheet.String())},
	)
}

func pptxBytes(slides ...string) []byte {
	files := []zipFile{
		{name: "[Content_Types].xml", data: []byte(contentTypes)},
		{name: "ppt/presentation.xml", data: []byte(`<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>`)},
	}
	for i, s := range slides {
		x := `<?xml version="1.0" encoding="UTF-8"?><p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>` + s + `</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>`
		files = append(files, zipFile{name: fmt.Sprintf("ppt/slides/slide%d.xml", i+1), data: []byte(x)})
	}
	return zipBytes(files...)
}

// --- Parquet ---

type pqPerson struct {
	Name  string   `parquet:"name"`
	Email string   `parquet:"email"`
	SSN   string   `parquet:"ssn,optional"`
	Age   int64    `parquet:"age"`
	Tags  []string `parquet:"tags,list"`
}

func parquetBytes(t testing.TB, n int, opts ...parquet.WriterOption) []byte {
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[pqPerson](&buf, opts...)
	rows := make([]pqPerson, n)
	for i := range rows {
		rows[i] = pqPerson{Name: fmt.Sprintf("User %d", i), Email: fmt.Sprintf("user%d@example.com", i), SSN: fmt.Sprintf("536-22-%04d", i%10000), Age: int64(20 + i%50), Tags: []string{"a", "b"}}
	}
	rows[0].Email, rows[0].SSN = markEmail, markSSN
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// --- Avro ---

const avroSchema = `{"type":"record","name":"Person","fields":[
 {"name":"id","type":"long"},
 {"name":"customer","type":{"type":"record","name":"Customer","fields":[
   {"name":"email","type":"string"},
   {"name":"ssn","type":["null","string"]}]}},
 {"name":"tags","type":{"type":"array","items":"string"}},
 {"name":"attrs","type":{"type":"map","values":"string"}},
 {"name":"score","type":"double"}]}`

type avroCustomer struct {
	Email string  `avro:"email"`
	SSN   *string `avro:"ssn"`
}

type avroPerson struct {
	ID       int64             `avro:"id"`
	Customer avroCustomer      `avro:"customer"`
	Tags     []string          `avro:"tags"`
	Attrs    map[string]string `avro:"attrs"`
	Score    float64           `avro:"score"`
}

// avroOCF writes an object container file of n records in blocks of per,
// with codec "null" or "deflate".
func avroOCF(t testing.TB, n, per int, codec string) []byte {
	schema := avro.MustParse(avroSchema)
	var out bytes.Buffer
	out.WriteString("Obj\x01")
	meta := map[string][]byte{"avro.schema": []byte(avroSchema), "avro.codec": []byte(codec)}
	out.Write(avroLong(int64(len(meta))))
	for _, k := range []string{"avro.schema", "avro.codec"} {
		out.Write(avroLong(int64(len(k))))
		out.WriteString(k)
		out.Write(avroLong(int64(len(meta[k]))))
		out.Write(meta[k])
	}
	out.Write(avroLong(0))
	sync := []byte("0123456789abcdef")
	out.Write(sync)
	for i := 0; i < n; i += per {
		var block bytes.Buffer
		count := 0
		for j := i; j < n && j < i+per; j++ {
			ssn := fmt.Sprintf("536-22-%04d", j)
			p := avroPerson{ID: int64(j), Customer: avroCustomer{Email: fmt.Sprintf("user%d@example.com", j), SSN: &ssn}, Tags: []string{"vip"}, Attrs: map[string]string{"note": "n"}, Score: 1.5}
			if j == 0 {
				p.Customer.Email = markEmail
				s := markSSN
				p.Customer.SSN = &s
			}
			b, err := avro.Marshal(schema, p)
			if err != nil {
				t.Fatal(err)
			}
			block.Write(b)
			count++
		}
		data := block.Bytes()
		if codec == "deflate" {
			var z bytes.Buffer
			fw, _ := flate.NewWriter(&z, flate.DefaultCompression)
			fw.Write(data)
			fw.Close()
			data = z.Bytes()
		}
		out.Write(avroLong(int64(count)))
		out.Write(avroLong(int64(len(data))))
		out.Write(data)
		out.Write(sync)
	}
	return out.Bytes()
}

func avroLong(v int64) []byte {
	return binary.AppendUvarint(nil, uint64(v<<1)^uint64(v>>63))
}

// --- e-mail ---

func emlBytes() []byte {
	att := "name,email\nAda," + markEmail + "\n"
	var b strings.Builder
	b.WriteString("Received: from mx.example.com by mail.example.com\r\n")
	b.WriteString("From: Charles <charles@example.com>\r\n")
	b.WriteString("To: Ada <" + markEmail + ">\r\n")
	b.WriteString("Subject: =?UTF-8?B?" + "UmU6IHlvdXIgU1NO" + "?=\r\n") // "Re: your SSN"
	b.WriteString("MIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n")
	b.WriteString("--outer\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n")
	b.WriteString("--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	b.WriteString("Your SSN is " + markSSN + " =E2=80=94 keep it safe.\r\n")
	b.WriteString("--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>SSN: <b>" + markSSN + "</b></p></body></html>\r\n")
	b.WriteString("--alt--\r\n")
	b.WriteString("--outer\r\nContent-Type: text/csv; name=\"people.csv\"\r\nContent-Disposition: attachment; filename=\"people.csv\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64Lines([]byte(att))
	b.WriteString(enc)
	b.WriteString("\r\n--outer--\r\n")
	return []byte(b.String())
}

func base64Lines(b []byte) string {
	s := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	for len(s) > 76 {
		out.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	out.WriteString(s)
	return out.String()
}

// --- PDF ---

// pdfBytes builds a minimal valid one-page PDF showing text.
func pdfBytes(text string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := []int{}
	obj := func(s string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), s)
	}
	content := "BT /F1 12 Tf 72 720 Td (" + text + ") Tj ET"
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>")
	obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}
