package readers

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// TestReadSourceFormats reads a generated file of every format and checks
// that the markers come out at the right Entry and Field, with the right
// format and status.
func TestReadSourceFormats(t *testing.T) {
	csv := []byte(peopleCSV)
	nested := zipBytes(zipFile{name: "inner.zip", data: zipBytes(zipFile{name: "people.csv", data: csv})})
	type want struct{ entry, field, marker string }
	tests := []struct {
		name   string
		key    string
		data   []byte
		format Format
		status Status
		reason Reason
		want   []want
	}{
		{"csv", "people.csv", csv, FormatCSV, StatusComplete, "", []want{{"", "email", markEmail}, {"", "ssn", markSSN}}},
		{"invalid utf-8", "notes.txt", []byte("caf\xc3 \xff\xfe ssn " + markSSN + "\n"), FormatText, StatusComplete, "", []want{{"", "", markSSN}}},
		{"json", "p.json", []byte(`{"customers":[{"email":"` + markEmail + `"}]}`), FormatJSON, StatusComplete, "", []want{{"", "customers[].email", markEmail}}},
		{"jsonl", "p.jsonl", []byte(`{"ssn":"` + markSSN + `"}` + "\n" + `{"ssn":"1"}` + "\n"), FormatJSONL, StatusComplete, "", []want{{"", "ssn", markSSN}}},
		{"xml", "p.xml", []byte(`<?xml version="1.0" encoding="ISO-8859-1"?><people><person ssn="` + markSSN + `"><email>` + markEmail + `</email></person></people>`), FormatXML, StatusComplete, "",
			[]want{{"", "email", markEmail}, {"", "person@ssn", markSSN}}},
		{"html", "p.html", []byte(`<!DOCTYPE html><html><head><style>p{}</style></head><body><p>Mail <a href="mailto:` + markEmail + `">me</a><br>SSN ` + markSSN + `</p><input name="x" value="536-22-8149"></body></html>`), FormatHTML, StatusComplete, "",
			[]want{{"", "", markSSN}, {"", "a@href", markEmail}, {"", "input@value", "536-22-8149"}}},
		{"gzip csv", "people.csv.gz", gzipBytes(csv), FormatGzip, StatusComplete, "", []want{{"", "email", markEmail}}},
		{"gzip multi-member", "people.csv.gz", append(gzipBytes(csv[:15]), gzipBytes(csv[15:])...), FormatGzip, StatusComplete, "", []want{{"", "email", markEmail}}},
		{"bzip2", "people.csv.bz2", bzip2File(t), FormatBzip2, StatusComplete, "", []want{{"", "ssn", markSSN}}},
		{"zstd", "people.csv.zst", zstdBytes(csv), FormatZstd, StatusComplete, "", []want{{"", "email", markEmail}}},
		{"xz", "people.csv.xz", xzBytes(csv), FormatXZ, StatusComplete, "", []want{{"", "email", markEmail}}},
		{"snappy", "people.csv.sz", snappyBytes(csv), FormatSnappy, StatusComplete, "", []want{{"", "email", markEmail}}},
		{"zip", "export.zip", zipBytes(zipFile{name: "data/people.csv", data: csv}, zipFile{name: "notes.txt", data: []byte("ssn " + markSSN), store: true}), FormatZip, StatusComplete, "",
			[]want{{"data/people.csv", "email", markEmail}, {"notes.txt", "", markSSN}}},
		{"nested zip", "outer.zip", nested, FormatZip, StatusComplete, "", []want{{"inner.zip!people.csv", "email", markEmail}}},
		{"tar", "backup.tar", tarBytes(zipFile{name: "dir/people.csv", data: csv}), FormatTar, StatusComplete, "", []want{{"dir/people.csv", "ssn", markSSN}}},
		{"tgz", "backup.tgz", gzipBytes(tarBytes(zipFile{name: "dir/people.csv", data: csv})), FormatGzip, StatusComplete, "", []want{{"dir/people.csv", "email", markEmail}}},
		{"zip in tar.gz", "b.tar.gz", gzipBytes(tarBytes(zipFile{name: "a.zip", data: zipBytes(zipFile{name: "people.csv", data: csv})})), FormatGzip, StatusComplete, "",
			[]want{{"a.zip!people.csv", "email", markEmail}}},
		{"gz in zip", "x.zip", zipBytes(zipFile{name: "people.csv.gz", data: gzipBytes(csv), store: true}), FormatZip, StatusComplete, "", []want{{"people.csv.gz", "email", markEmail}}},
		{"docx", "letter.docx", docxBytes("Dear Ada,", "your SSN is "+markSSN+".", "Write to "+markEmail), FormatDOCX, StatusComplete, "",
			[]want{{"", "word/document.xml", markSSN}, {"", "word/document.xml", markEmail}}},
		{"docx named zip", "upload.bin", docxBytes("SSN " + markSSN), FormatDOCX, StatusComplete, "", []want{{"", "word/document.xml", markSSN}}},
		{"xlsx", "book.xlsx", xlsxBytes([][]string{{"name", "email", "ssn"}, {"Ada", markEmail, "inline:" + markSSN}, {"Bob", "bob@example.com", "num:536228148"}}), FormatXLSX, StatusComplete, "",
			[]want{{"", "People!B:email", markEmail}, {"", "People!C:ssn", markSSN}, {"", "People!C:ssn", "536228148"}}},
		{"xlsx without header", "book.xlsx", xlsxBytes([][]string{{markEmail, "x"}, {"b@example.com", "y"}}), FormatXLSX, StatusComplete, "",
			[]want{{"", "People!A", markEmail}}},
		{"pptx", "deck.pptx", pptxBytes("Intro", "Contact "+markEmail), FormatPPTX, StatusComplete, "", []want{{"", "ppt/slides/slide2.xml", markEmail}}},
		{"docx in zip", "docs.zip", zipBytes(zipFile{name: "a/letter.docx", data: docxBytes("SSN " + markSSN)}), FormatZip, StatusComplete, "",
			[]want{{"a/letter.docx", "word/document.xml", markSSN}}},
		{"parquet", "part-0.parquet", parquetBytes(t, 100), FormatParquet, StatusComplete, "", []want{{"", "email", markEmail}, {"", "ssn", markSSN}, {"", "tags[]", "a"}}},
		{"parquet zstd", "part-0.parquet", parquetBytes(t, 100, parquet.Compression(&parquet.Zstd), parquet.DataPageVersion(1)), FormatParquet, StatusComplete, "",
			[]want{{"", "email", markEmail}}},
		{"parquet snappy dict", "part-0.parquet", parquetBytes(t, 100, parquet.Compression(&parquet.Snappy)), FormatParquet, StatusComplete, "", []want{{"", "ssn", markSSN}}},
		{"parquet gzip", "p", parquetBytes(t, 100, parquet.Compression(&parquet.Gzip)), FormatParquet, StatusComplete, "", []want{{"", "ssn", markSSN}}},
		{"parquet lz4", "p", parquetBytes(t, 100, parquet.Compression(&parquet.Lz4Raw)), FormatParquet, StatusComplete, "", []want{{"", "ssn", markSSN}}},
		{"parquet in zip", "p.zip", zipBytes(zipFile{name: "part-0.parquet", data: parquetBytes(t, 10)}), FormatZip, StatusComplete, "",
			[]want{{"part-0.parquet", "email", markEmail}}},
		{"avro", "people.avro", avroOCF(t, 10, 4, "null"), FormatAvro, StatusComplete, "",
			[]want{{"", "customer.email", markEmail}, {"", "customer.ssn", markSSN}, {"", "tags[]", "vip"}, {"", "attrs.*", "note"}}},
		{"avro deflate", "people.avro", avroOCF(t, 10, 3, "deflate"), FormatAvro, StatusComplete, "", []want{{"", "customer.email", markEmail}}},
		{"eml", "msg.eml", emlBytes(), FormatEML, StatusComplete, "",
			[]want{{"", "header:To", markEmail}, {"", "header:Subject", "Re: your SSN"}, {"", "body:text/plain", markSSN}, {"", "body:text/html", markSSN}, {"people.csv", "email", markEmail}}},
		{"eml sniffed", "msg", emlBytes(), FormatEML, StatusComplete, "", []want{{"", "header:To", markEmail}}},
		{"eml in zip", "mail.zip", zipBytes(zipFile{name: "m.eml", data: emlBytes()}), FormatZip, StatusComplete, "", []want{{"m.eml!people.csv", "email", markEmail}}},
		{"pdf", "report.pdf", pdfBytes("SSN " + markSSN), FormatPDF, StatusComplete, "", []want{{"", "page 1", "SSN " + markSSN}}},
		{"image", "logo.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), FormatImage, StatusSkipped, ReasonUnsupportedFileType, nil},
		{"zip with an image", "x.zip", zipBytes(zipFile{name: "a.png", data: []byte("\x89PNG\r\n\x1a\n\x00")}, zipFile{name: "people.csv", data: csv}), FormatZip, StatusPartial, ReasonUnsupportedFileType,
			[]want{{"people.csv", "email", markEmail}}},
		{"empty", "empty.csv", nil, FormatCSV, StatusComplete, "", nil},
		{"empty no extension", "empty", nil, FormatText, StatusComplete, "", nil},
		{"empty zip", "e.zip", zipBytes(), FormatZip, StatusComplete, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, mode := range []string{"at", "stream"} {
				var segs []sseg
				var res Result
				if mode == "at" {
					segs, res = readSource(t, tt.key, tt.data, Limits{})
				} else {
					segs, res = readSourceWith(t, Source{Name: tt.key, Size: -1, Stream: bytes.NewReader(tt.data)}, Limits{})
				}
				if res.Format != tt.format || res.Status != tt.status || res.Reason != tt.reason {
					t.Errorf("%s: format %s status %s reason %q; want %s %s %q (entries %+v)", mode, res.Format, res.Status, res.Reason, tt.format, tt.status, tt.reason, res.Entries)
				}
				for _, w := range tt.want {
					if !has(segs, w.entry, w.field, w.marker) {
						t.Errorf("%s: want %s at %q/%q; got %s", mode, w.marker, w.entry, w.field, where(segs, w.marker))
					}
				}
				if tt.status == StatusSkipped && len(segs) > 0 {
					t.Errorf("%s: skipped yet emitted %d segments", mode, len(segs))
				}
			}
		})
	}
}

// TestReadSourceEntries checks the per-entry outcomes of an archive.
func TestReadSourceEntries(t *testing.T) {
	enc := zipBytes(zipFile{name: "people.csv", data: []byte(peopleCSV)})
	data := zipBytes(
		zipFile{name: "people.csv", data: []byte(peopleCSV)},
		zipFile{name: "nested.zip", data: enc},
		zipFile{name: "pic.jpg", data: []byte("\xff\xd8\xff\xe0\x00\x10JFIF")},
	)
	_, res := readSource(t, "a.zip", data, Limits{})
	want := map[string]EntryResult{
		"people.csv":            {Entry: "people.csv", Format: FormatCSV, Status: StatusComplete, Bytes: int64(len(peopleCSV))},
		"nested.zip":            {Entry: "nested.zip", Format: FormatZip, Status: StatusComplete},
		"nested.zip!people.csv": {Entry: "nested.zip!people.csv", Format: FormatCSV, Status: StatusComplete, Bytes: int64(len(peopleCSV))},
		"pic.jpg":               {Entry: "pic.jpg", Format: FormatImage, Status: StatusSkipped, Reason: ReasonUnsupportedFileType},
	}
	if len(res.Entries) != len(want) {
		t.Fatalf("entries %+v", res.Entries)
	}
	for _, e := range res.Entries {
		w := want[e.Entry]
		if e.Entry != w.Entry || e.Format != w.Format || e.Status != w.Status || e.Reason != w.Reason || (w.Bytes > 0 && e.Bytes != w.Bytes) {
			t.Errorf("entry %+v, want %+v", e, w)
		}
	}
	if res.Status != StatusPartial || res.Reason != ReasonUnsupportedFileType {
		t.Errorf("result %s %s", res.Status, res.Reason)
	}
}

// TestReadSourceSample checks the sample cap on a streaming format: a
// prefix is read and the result says so.
func TestReadSourceSample(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,email\n")
	for i := 0; b.Len() < 3<<20; i++ {
		fmt.Fprintf(&b, "%d,user%d@example.com\n", i, i)
	}
	data := []byte(b.String())
	for _, src := range []Source{
		{Name: "big.csv", Size: int64(len(data)), At: bytes.NewReader(data)},
		{Name: "big.csv", Size: int64(len(data)), At: bytes.NewReader(data), Head: data[:4096]},
		{Name: "big.csv", Size: -1, Stream: bytes.NewReader(data)},
		{Name: "big.csv", Size: int64(len(data)), Stream: bytes.NewReader(data)},
	} {
		segs, res := readSourceWith(t, src, Limits{MaxBytes: 1 << 20})
		if res.Status != StatusPartial || res.Reason != ReasonSampleByteLimit || res.BytesRead != 1<<20 {
			t.Errorf("head %d size %d: %s %s %d bytes", len(src.Head), src.Size, res.Status, res.Reason, res.BytesRead)
		}
		if !has(segs, "", "email", "user0@example.com") || anywhere(segs, "user90000@") {
			t.Errorf("sample content wrong")
		}
	}
	// The whole object fits: complete.
	small := data[:1000]
	small = small[:bytes.LastIndexByte(small, '\n')+1]
	_, res := readSource(t, "small.csv", small, Limits{MaxBytes: 1 << 20})
	if res.Status != StatusComplete || res.BytesRead != int64(len(small)) {
		t.Errorf("small: %s %s %d", res.Status, res.Reason, res.BytesRead)
	}
}
