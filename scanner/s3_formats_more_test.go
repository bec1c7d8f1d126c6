package scanner_test

import (
	"bytes"
	"encoding/binary"
	"os"
	"testing"
	"unicode/utf16"

	"codeberg.org/go-pdf/fpdf"
	"github.com/klauspost/compress/s2"
)

// Builders of the formats TestS3FormatsAndHostileObjects reads from moto
// beyond the ones next to it: PDF, PowerPoint, snappy framing, bzip2,
// Avro, UTF-16 text.

// pdfOf is a one-page PDF (Helvetica, compressed streams) with lines.
func pdfOf(t *testing.T, lines ...string) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.AddPage()
	f.SetFont("Helvetica", "", 12)
	for _, l := range lines {
		f.Cell(0, 10, l)
		f.Ln(10)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pptxOf is a minimal PowerPoint deck whose one slide holds text.
func pptxOf(t *testing.T, text string) []byte {
	return zipOf(t,
		"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>`,
		"ppt/presentation.xml", `<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>`,
		"ppt/slides/slide1.xml", `<?xml version="1.0" encoding="UTF-8"?><p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>`+text+`</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>`)
}

// snappyOf frames b in the snappy framing format.
func snappyOf(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := s2.NewWriter(&buf, s2.WriterSnappyCompat())
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bzip2People is the readers' bzip2 fixture (a CSV with an ssn column): the
// standard library has no bzip2 writer.
func bzip2People(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("readers/testdata/people.csv.bz2")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// avroOf is an Avro object container file (codec null) of records with
// string fields name and ssn, written by hand: Avro's binary encoding is
// zigzag varints and length-prefixed strings.
func avroOf(rows ...[2]string) []byte {
	long := func(b []byte, n int64) []byte { return binary.AppendVarint(b, n) } // zigzag, as Avro's
	str := func(b []byte, s string) []byte { return append(long(b, int64(len(s))), s...) }
	const schema = `{"type":"record","name":"Person","fields":[{"name":"name","type":"string"},{"name":"ssn","type":"string"}]}`
	sync := []byte("cairn-sync-16byt")
	out := []byte("Obj\x01")
	out = long(out, 2)
	out = str(str(out, "avro.schema"), schema)
	out = str(str(out, "avro.codec"), "null")
	out = long(out, 0)
	out = append(out, sync...)
	var block []byte
	for _, r := range rows {
		block = str(str(block, r[0]), r[1])
	}
	out = long(out, int64(len(rows)))
	out = long(out, int64(len(block)))
	out = append(out, block...)
	return append(out, sync...)
}

// utf16Text is s in UTF-16LE with a byte order mark.
func utf16Text(s string) []byte {
	out := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(s)) {
		out = binary.LittleEndian.AppendUint16(out, u)
	}
	return out
}
