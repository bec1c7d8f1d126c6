package readers

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// fuzzLimits keep each fuzz input cheap.
var fuzzLimits = Limits{MaxBytes: 1 << 20, MaxDecompressed: 8 << 20, MaxEntries: 64, MaxDepth: 4}

// fuzzSource reads data as an object named name, with random access and
// then as a stream, and checks that ReadSource returns a sound Result
// without an error, within its limits.
func fuzzSource(t *testing.T, name string, data []byte) {
	for _, src := range []Source{
		{Name: name, Size: int64(len(data)), At: bytes.NewReader(data)},
		{Name: name, Size: -1, Stream: bytes.NewReader(data)},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		total := int64(0)
		res, err := ReadSource(ctx, src, fuzzLimits, func(s Segment) error {
			if len(s.Data) == 0 {
				t.Fatalf("empty segment at %q/%q", s.Entry, s.Field)
			}
			total += int64(len(s.Data))
			return nil
		})
		cancel()
		if err != nil {
			t.Fatalf("ReadSource(%s): %v", name, err)
		}
		checkResult(t, res, fuzzLimits)
		if res.BytesRead > fuzzLimits.MaxBytes+headSize {
			t.Fatalf("read %d raw bytes", res.BytesRead)
		}
		// Output is bounded by the decompressed budget, plus the raw bytes,
		// Latin-1 and UTF-16 growth, JSON Lines read twice and separators.
		if limit := 8*(fuzzLimits.MaxDecompressed+int64(len(data))) + 1<<20; total > limit {
			t.Fatalf("%d bytes out", total)
		}
	}
}

// FuzzZip reads arbitrary bytes as a zip archive.
func FuzzZip(f *testing.F) {
	csv := []byte(peopleCSV)
	f.Add(zipBytes(zipFile{name: "a.csv", data: csv}, zipFile{name: "b.txt", data: []byte("hi"), store: true}))
	f.Add(zipBytes(zipFile{name: "inner.zip", data: zipBytes(zipFile{name: "a.csv", data: csv})}))
	f.Add(zipBytes(zipFile{name: "inner.zip", data: zipBytes(zipFile{name: "a.json", data: []byte(`{"a":"b"}`)}), store: true}))
	f.Add(zipBytes())
	enc := deflateOf(100, []byte("x"))
	enc.name, enc.flags = "e.txt", 1
	f.Add(zipRaw(enc))
	f.Add(docxBytes("SSN " + markSSN))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzSource(t, "x.zip", data) })
}

// FuzzTar reads arbitrary bytes as a tar archive.
func FuzzTar(f *testing.F) {
	f.Add(tarBytes(zipFile{name: "dir/a.csv", data: []byte(peopleCSV)}))
	f.Add(tarBytes(zipFile{name: string(bytes.Repeat([]byte("long/"), 40)) + "a.txt", data: []byte("x")}, zipFile{name: "b.zip", data: zipBytes(zipFile{name: "c.txt", data: []byte("c")})}))
	f.Add(tarBytes())
	f.Fuzz(func(t *testing.T, data []byte) { fuzzSource(t, "x.tar", data) })
}

// FuzzGzip reads arbitrary bytes as gzip.
func FuzzGzip(f *testing.F) {
	f.Add(gzipBytes([]byte(peopleCSV)))
	f.Add(append(gzipBytes([]byte("a,b\n")), gzipBytes([]byte("1,2\n"))...))
	f.Add(gzipBytes(tarBytes(zipFile{name: "a.csv", data: []byte(peopleCSV)})))
	f.Add(gzipBytes(make([]byte, 1<<20)))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzSource(t, "x.csv.gz", data) })
}

// FuzzCompressed reads arbitrary bytes as bzip2, zstd, xz or snappy,
// chosen by sel.
func FuzzCompressed(f *testing.F) {
	names := []string{"x.csv.bz2", "x.csv.zst", "x.csv.xz", "x.csv.sz"}
	f.Add(uint8(0), bzip2File(f))
	f.Add(uint8(1), zstdBytes([]byte(peopleCSV)))
	f.Add(uint8(2), xzBytes([]byte(peopleCSV)))
	f.Add(uint8(2), append(xzBytes([]byte("a\n")), xzBytes([]byte("b\n"))...))
	f.Add(uint8(3), snappyBytes([]byte(peopleCSV)))
	f.Add(uint8(1), []byte("\x28\xb5\x2f\xfd\x00\xa8\x29\x00\x00hello"))
	f.Fuzz(func(t *testing.T, sel uint8, data []byte) { fuzzSource(t, names[int(sel)%len(names)], data) })
}

// FuzzParquet reads arbitrary bytes as Parquet.
func FuzzParquet(f *testing.F) {
	f.Add(parquetBytes(f, 20))
	f.Add(parquetBytes(f, 20, parquet.Compression(&parquet.Snappy)))
	f.Add(parquetBytes(f, 20, parquet.Compression(&parquet.Zstd), parquet.DataPageVersion(1)))
	f.Add(parquetBytes(f, 20, parquet.Compression(&parquet.Gzip)))
	f.Add(parquetBytes(f, 20, parquet.Compression(&parquet.Lz4Raw)))
	f.Add(hostileParquetFooter())
	f.Fuzz(func(t *testing.T, data []byte) { fuzzSource(t, "x.parquet", data) })
}

// FuzzAvro reads arbitrary bytes as an Avro object container file.
func FuzzAvro(f *testing.F) {
	f.Add(avroOCF(f, 5, 2, "null"))
	f.Add(avroOCF(f, 5, 3, "deflate"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzSource(t, "x.avro", data) })
}

// FuzzOOXML reads arbitrary bytes as a docx, xlsx or pptx, chosen by sel.
func FuzzOOXML(f *testing.F) {
	names := []string{"x.docx", "x.xlsx", "x.pptx"}
	f.Add(uint8(0), docxBytes("Dear Ada", "SSN "+markSSN))
	f.Add(uint8(1), xlsxBytes([][]string{{"name", "email"}, {"Ada", markEmail}, {"inline:x", "num:12"}}))
	f.Add(uint8(2), pptxBytes("a", "b "+markEmail))
	f.Fuzz(func(t *testing.T, sel uint8, data []byte) { fuzzSource(t, names[int(sel)%len(names)], data) })
}

// FuzzEML reads arbitrary bytes as an e-mail message.
func FuzzEML(f *testing.F) {
	f.Add(emlBytes())
	f.Add([]byte("From: a@example.com\r\nSubject: hi\r\n\r\nbody " + markSSN + "\r\n"))
	f.Add([]byte("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: message/rfc822\r\n\r\nFrom: b@example.com\r\n\r\ninner\r\n--x--\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzSource(t, "x.eml", data) })
}

// FuzzPDF reads arbitrary bytes as PDF.
func FuzzPDF(f *testing.F) {
	f.Add(pdfBytes("SSN " + markSSN))
	f.Add(pdfCycle())
	f.Add(fpdfDoc(f, true))
	f.Add(onePagePDF("BT /F1 10 Tf 100 700 Td [(SS) 20 (N) -400 (536)] TJ 0 -12 Td (x) ' ET", helvetica))
	f.Add(onePagePDF("BT /F1 12 Tf <0102> Tj ET", "<< /Type /Font /Subtype /Type1 /ToUnicode 6 0 R >>",
		pdfStreamObj("", []byte("1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <01> <0053> endbfchar 1 beginbfrange <02> <04> [<004E> <0021>] endbfrange"))))
	f.Add(pdfObjects("", append(append([]string{}, onePage...),
		pdfStreamObj("/Filter [/A85 /FlateDecode]", a85Of(zlibOf([]byte("BT /F1 12 Tf (SSN "+markSSN+") Tj /X Do ET")))), helvetica)...))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzSource(t, "x.pdf", data) })
}

// FuzzXML reads arbitrary bytes as XML or HTML, chosen by html.
func FuzzXML(f *testing.F) {
	f.Add(false, []byte(`<?xml version="1.0"?><a x="1"><b>text</b><!-- c --><![CDATA[d]]></a>`))
	f.Add(true, []byte(`<!DOCTYPE html><html><head><style>p{}</style><script>if (a < b) x()</script></head><body><p>hi<br>there<input value="v"></body></html>`))
	f.Add(false, []byte(`<a><b>cut`))
	f.Fuzz(func(t *testing.T, html bool, data []byte) {
		name := "x.xml"
		if html {
			name = "x.html"
		}
		fuzzSource(t, name, data)
	})
}

// FuzzReadSource reads arbitrary bytes under an arbitrary name: detection
// and every reader behind it.
func FuzzReadSource(f *testing.F) {
	f.Add("a.csv", []byte(peopleCSV))
	f.Add("a", zipBytes(zipFile{name: "a.csv.gz", data: gzipBytes([]byte(peopleCSV))}))
	f.Add("a", gzipBytes(tarBytes(zipFile{name: "m.eml", data: emlBytes()})))
	f.Add("a.json", []byte(`{"a":[1,{"b":"c"}]}`))
	f.Add("a", avroOCF(f, 2, 1, "null"))
	f.Add("a", xlsxBytes([][]string{{"a"}, {"b"}}))
	f.Add("a.xml", []byte("<a>b</a>"))
	f.Fuzz(func(t *testing.T, name string, data []byte) { fuzzSource(t, name, data) })
}
