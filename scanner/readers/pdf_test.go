package readers

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/ascii85"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/cairnsec/cairn/classifiers"
)

// markCard is a Luhn-valid card number that is not one of the well-known
// test numbers the engine ignores.
const markCard = "4532 0151 1283 0366"

// pdfCycle builds the file that crashes github.com/ledongthuc/pdf (see
// pdf.go): a cross-reference stream that puts object 5, the catalog, inside
// object stream 5. Resolving it there recurses until the Go runtime aborts
// with "fatal error: stack overflow", which recover cannot catch.
func pdfCycle() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n")
	xrefOff := b.Len()
	entries := []byte{
		0, 0, 0,
		1, 0, 0,
		1, 0, 0,
		1, 0, 0,
		1, 0, 0,
		2, 5, 0, // object 5: in object stream 5, index 0
		1, byte(xrefOff), 0,
	}
	fmt.Fprintf(&b, "6 0 obj\n<< /Type /XRef /Size 7 /W [1 1 1] /Root 5 0 R /Length %d >>\nstream\n", len(entries))
	b.Write(entries)
	b.WriteString("\nendstream\nendobj\n")
	fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF\n", xrefOff)
	return b.Bytes()
}

// pdfObjects builds a PDF of objects 1..n with an xref table and a trailer
// whose root is object 1 (extra trailer entries in trailer).
func pdfObjects(trailer string, objs ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, trailer, xref)
	return b.Bytes()
}

// pdfStreamObj is a stream object body holding data, with extra dictionary
// entries.
func pdfStreamObj(extra string, data []byte) string {
	return fmt.Sprintf("<< /Length %d %s>>\nstream\n%s\nendstream", len(data), extra, data)
}

// zlibOf compresses b.
func zlibOf(b []byte) []byte {
	var out bytes.Buffer
	w := zlib.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

// a85Of encodes b as an ASCII85Decode stream.
func a85Of(b []byte) []byte {
	out := make([]byte, ascii85.MaxEncodedLen(len(b)))
	return append([]byte("<~"), append(out[:ascii85.Encode(out, b)], "~>"...)...)
}

// onePage is the catalog, page tree and page of a one-page document whose
// content is object 4 and whose font F1 is object 5.
var onePage = []string{
	"<< /Type /Catalog /Pages 2 0 R >>",
	"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
	"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
}

// helvetica is a simple font dictionary.
const helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"

// onePagePDF is a one-page document showing content with font.
func onePagePDF(content, font string, more ...string) []byte {
	objs := append(append([]string{}, onePage...), pdfStreamObj("", []byte(content)), font)
	return pdfObjects("", append(objs, more...)...)
}

// fpdfDoc writes a three-page document with fpdf: a core font, the
// embedded DejaVu UTF-8 font (Identity-H glyph ids with a ToUnicode CMap),
// and justified text.
func fpdfDoc(t testing.TB, compress bool) []byte {
	t.Helper()
	ttf, err := os.ReadFile("../../report/fonts/DejaVuSans.ttf")
	if err != nil {
		t.Fatal(err)
	}
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(compress)
	p.SetCreationDate(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	p.AddUTF8FontFromBytes("DejaVu", "", ttf)
	p.AddPage()
	p.SetFont("Helvetica", "", 12)
	p.Cell(60, 10, "Card number:")
	p.Cell(60, 10, markCard)
	p.Ln(12)
	p.AddPage()
	p.SetFont("DejaVu", "", 12)
	p.Cell(40, 10, "Grüße, SSN: "+markSSN)
	p.Ln(12)
	p.MultiCell(100, 5, "Justified text wraps around here with multiple words so that fpdf spreads them across the lines of the cell", "", "J", false)
	p.AddPage()
	p.SetFont("DejaVu", "", 10)
	for i := range 60 {
		p.Cell(0, 4, fmt.Sprintf("row %d contact %s", i, markEmail))
		p.Ln(4)
	}
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestPDFText reads documents written by fpdf, with random access and as a
// stream, and checks the text of each page and what the engine finds in it.
func TestPDFText(t *testing.T) {
	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	for _, compress := range []bool{true, false} {
		data := fpdfDoc(t, compress)
		for _, stream := range []bool{false, true} {
			src := Source{Name: "doc.pdf", Size: int64(len(data)), At: bytes.NewReader(data)}
			if stream {
				src = Source{Name: "doc", Size: -1, Stream: bytes.NewReader(data)}
			}
			segs, res := readSourceWith(t, src, Limits{})
			name := fmt.Sprintf("compress=%v stream=%v", compress, stream)
			if res.Format != FormatPDF || res.Status != StatusComplete || res.Records != 3 {
				t.Errorf("%s: %+v", name, res)
			}
			for _, w := range []struct{ field, text string }{
				{"page 1", "Card number: " + markCard},
				{"page 2", "Grüße, SSN: " + markSSN},
				{"page 2", "Justified text wraps around here with multiple"},
				{"page 2", "words so that fpdf spreads them"},
				{"page 3", "row 59 contact " + markEmail},
			} {
				if !has(segs, "", w.field, w.text) {
					t.Errorf("%s: %q not in %s: %q", name, w.text, w.field, segs)
				}
			}
			found := map[string]string{}
			for _, s := range segs {
				for _, m := range engine.Scan([]byte(s.Data), s.Field) {
					found[m.Identifier] = s.Field
				}
			}
			for id, field := range map[string]string{"CREDIT_CARD_NUMBER": "page 1", "US_SSN": "page 2", "EMAIL_ADDRESS": "page 3"} {
				if found[id] != field {
					t.Errorf("%s: %s found on %q, want %q", name, id, found[id], field)
				}
			}
		}
	}
}

// TestPDFGoldenReport reads Cairn's own PDF report.
func TestPDFGoldenReport(t *testing.T) {
	data, err := os.ReadFile("../../report/testdata/scan_report.golden.pdf")
	if err != nil {
		t.Fatal(err)
	}
	segs, res := readSource(t, "scan_report.pdf", data, Limits{})
	if res.Status != StatusComplete || res.Records < 2 {
		t.Fatalf("%+v", res)
	}
	for _, w := range []struct{ field, text string }{
		{"page 1", "Cairn scan report"},
		{"page 1", "Sensitive data evidence for AWS account 123456789012"},
		{"page 2", "CREDIT_CARD_NUMBER"},
		{"page 2", "4111 **** **** 1111"},
		{"page 2", "données-clients"},
	} {
		if !has(segs, "", w.field, w.text) {
			t.Errorf("%q not in %s", w.text, w.field)
		}
	}
}

// TestPDF reads hand-made documents, well-formed and hostile: each must
// end with the right status and reason, quickly, without crashing.
func TestPDF(t *testing.T) {
	plain := pdfBytes("SSN " + markSSN)
	deep := strings.Repeat("[", 100000)
	deepDict := strings.Repeat("<< /A ", 100000)
	cmapDoc := func(cmap string) []byte {
		font := "<< /Type /Font /Subtype /Type1 /BaseFont /X /ToUnicode 6 0 R >>"
		return onePagePDF("BT /F1 12 Tf 10 700 Td <0102> Tj (\\003\\004) Tj ET", font, pdfStreamObj("", []byte(cmap)))
	}
	bomb := zlibOf(make([]byte, 8<<20))
	for _, tt := range []struct {
		name   string
		data   []byte
		lim    Limits
		status Status
		reason Reason
		want   string // text on page 1
	}{
		{"plain", plain, Limits{}, StatusComplete, "", "SSN " + markSSN},
		{"encrypted", bytes.Replace(plain, []byte("trailer\n<< "), []byte("trailer\n<< /Encrypt 9 0 R "), 1), Limits{}, StatusSkipped, ReasonEncryptedFile, ""},
		{"encrypted past the sample", append(append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("% padding\n"), 200<<10)...), "trailer\n<< /Encrypt 9 0 R >>\n%%EOF\n"...), Limits{}, StatusSkipped, ReasonEncryptedFile, ""},
		{"crash reproducer", pdfCycle(), Limits{}, StatusSkipped, ReasonCorruptFile, ""},
		{"truncated", plain[:bytes.Index(plain, []byte("endstream"))-3], Limits{}, StatusPartial, ReasonCorruptFile, "SSN 536-22-81"},
		{"not a pdf past the magic", []byte("%PDF-1.4\nnothing here"), Limits{}, StatusSkipped, ReasonCorruptFile, ""},
		{"sample cut", append(plain[:len(plain)-6:len(plain)-6], strings.Repeat(" ", 2<<20)+"%%EOF\n"...), Limits{}, StatusPartial, ReasonSampleByteLimit, "SSN " + markSSN},
		{"flate", onePagePDF("", helvetica), Limits{}, StatusComplete, "", ""},
		{"flate content", pdfObjects("", append(append([]string{}, onePage...),
			pdfStreamObj("/Filter /FlateDecode", zlibOf([]byte("BT /F1 12 Tf (SSN "+markSSN+") Tj ET"))), helvetica)...), Limits{}, StatusComplete, "", "SSN " + markSSN},
		{"filter chain", pdfObjects("", append(append([]string{}, onePage...),
			pdfStreamObj("/Filter [/ASCIIHexDecode /FlateDecode]", fmt.Appendf(nil, "%X>", zlibOf([]byte("BT /F1 12 Tf (SSN "+markSSN+") Tj ET")))), helvetica)...), Limits{}, StatusComplete, "", "SSN " + markSSN},
		{"ascii85", pdfObjects("", append(append([]string{}, onePage...),
			pdfStreamObj("/Filter /A85", a85Of([]byte("BT /F1 12 Tf (SSN "+markSSN+") Tj ET"))), helvetica)...), Limits{}, StatusComplete, "", "SSN " + markSSN},
		{"flate bomb", pdfObjects("", append(append([]string{}, onePage...), pdfStreamObj("/Filter /FlateDecode", bomb), helvetica)...),
			Limits{}, StatusSkipped, ReasonDecompressionBomb, ""},
		{"image filter", pdfObjects("", append(append([]string{}, onePage...), pdfStreamObj("/Filter /DCTDecode", []byte{0xff, 0xd8}), helvetica)...),
			Limits{}, StatusSkipped, ReasonUnsupportedFileType, ""},
		{"deep array in an object", onePagePDF("BT /F1 12 Tf (SSN "+markSSN+") Tj ET", helvetica, deep), Limits{}, StatusPartial, ReasonCorruptFile, "SSN " + markSSN},
		{"deep dictionary in an object", onePagePDF("BT /F1 12 Tf (SSN "+markSSN+") Tj ET", helvetica, deepDict), Limits{}, StatusPartial, ReasonCorruptFile, "SSN " + markSSN},
		{"deep array in the content", onePagePDF("BT /F1 12 Tf "+deep+strings.Repeat("]", 100000)+" (SSN "+markSSN+") Tj ET", helvetica), Limits{}, StatusPartial, ReasonCorruptFile, "SSN " + markSSN},
		{"unclosed array in the content", onePagePDF("BT /F1 12 Tf (SSN "+markSSN+") Tj [ (x) ET", helvetica), Limits{}, StatusPartial, ReasonCorruptFile, "SSN " + markSSN},
		{"deep page tree", pdfObjects("", "<< /Type /Catalog /Pages "+deep+" >>"), Limits{}, StatusSkipped, ReasonCorruptFile, ""},
		{"unterminated strings", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("1 0 obj (\ntrailer << (\n"), 40000)...), Limits{}, StatusSkipped, ReasonCorruptFile, ""},
		{"many empty objects", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("1 0 obj endobj\n"), 60000)...), Limits{}, StatusSkipped, ReasonCorruptFile, ""},
		{"self-referencing objects", pdfObjects("",
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [2 0 R 3 0 R 2 0 R] /Parent 2 0 R >>",
			"<< /Type /Page /Parent 3 0 R /Contents [3 0 R 4 0 R 6 0 R] /Resources 6 0 R >>",
			pdfStreamObj("", []byte("BT /F1 12 Tf (SSN "+markSSN+") Tj /X Do /F1 Tf ET")),
			"5 0 R", "6 0 R"), Limits{}, StatusComplete, "", "SSN " + markSSN},
		{"form XObject drawing itself", pdfObjects("",
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] >>",
			"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /XObject << /X 5 0 R >> >> >>",
			pdfStreamObj("", []byte("/X Do")),
			pdfStreamObj("/Type /XObject /Subtype /Form /Resources << /XObject << /X 5 0 R >> >>", []byte("/X Do BT (SSN "+markSSN+") Tj ET /X Do"))),
			Limits{}, StatusComplete, "", "SSN " + markSSN},
		{"length loop", pdfObjects("",
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] >>",
			"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
			"<< /Length 5 0 R >>\nstream\nBT (SSN "+markSSN+") Tj ET\nendstream",
			"6 0 R", "5 0 R"), Limits{}, StatusComplete, "", "SSN " + markSSN},
		{"wrong length", bytes.Replace(plain, []byte("/Length "), []byte("/Length 9"), 1), Limits{}, StatusComplete, "", "SSN " + markSSN},
		{"bfchar and bfrange", cmapDoc("1 begincodespacerange <00> <FF> endcodespacerange\n2 beginbfchar <01> <0053> <02> <00530053> endbfchar\n" +
			"1 beginbfrange <03> <04> [<004E> <0021>] endbfrange"), Limits{}, StatusComplete, "", "SSSN!"},
		{"bfrange offset", cmapDoc("1 begincodespacerange <00> <FF> endcodespacerange\n1 beginbfrange <01> <04> <0061> endbfrange"), Limits{}, StatusComplete, "", "abcd"},
		{"differences", onePagePDF("BT /F1 12 Tf (\\001\\002\\003) Tj ET", "<< /Type /Font /Subtype /Type1 /Encoding << /Differences [1 /S /five /uni0033] >> >>"),
			Limits{}, StatusComplete, "", "S53"},
		{"word gaps", onePagePDF("BT /F1 10 Tf 100 700 Td (4111) Tj 0 -12 Td [(SS) 20 (N) -400 (536)] TJ 1 0 0 1 300 688 Tm (next) Tj ET", helvetica),
			Limits{}, StatusComplete, "", "4111\nSSN 536 next"},
		{"glyph by glyph", onePagePDF("BT /F1 10 Tf 100 700 Td (5) Tj 5.56 0 Td (3) Tj 5.56 0 Td (6) Tj ET", helvetica), Limits{}, StatusComplete, "", "536"},
		{"inline image", onePagePDF("BI /W 1 /H 1 ID \x00) Tj (x EI BT /F1 12 Tf (SSN "+markSSN+") Tj ET", helvetica), Limits{}, StatusComplete, "", "SSN " + markSSN},
		{"form field", pdfObjects("", append(append([]string{}, onePage...), pdfStreamObj("", nil), helvetica,
			"<< /FT /Tx /T (ssn) /V <FEFF00350033003600200032> >>")...), Limits{}, StatusComplete, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			segs, res := readSource(t, "doc.pdf", tt.data, tt.lim)
			if res.Format != FormatPDF || res.Status != tt.status || res.Reason != tt.reason {
				t.Errorf("%s %s %s, want %s %s; %q", res.Format, res.Status, res.Reason, tt.status, tt.reason, segs)
			}
			if tt.want != "" && !has(segs, "", "page 1", tt.want) {
				t.Errorf("%q not on page 1: %q", tt.want, segs)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// TestPDFObjectStream reads a document whose pages and font live in an
// object stream, and one whose fields are filled in.
func TestPDFObjectStream(t *testing.T) {
	inner := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		"", // 4: the content stream, outside
		"<< /Type /Font /Subtype /Type0 /Encoding /Identity-H /ToUnicode 6 0 R /DescendantFonts [<< /DW 500 >>] >>",
	}
	var hdr, body bytes.Buffer
	for i, o := range inner {
		if o == "" {
			continue
		}
		fmt.Fprintf(&hdr, "%d %d ", i+1, body.Len())
		body.WriteString(o + "\n")
	}
	objstm := append(hdr.Bytes(), body.Bytes()...)
	cmap := "1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfrange <0000> <FFFF> <0000> endbfrange"
	content := "BT /F1 12 Tf <00530053004E0020" + fmt.Sprintf("%X", []byte(markSSN)) + "> Tj ET"
	content = strings.Replace(content, fmt.Sprintf("%X", []byte(markSSN)), utf16Hex(markSSN), 1)
	data := pdfObjects("",
		"7 0 R", "8 0 R", "9 0 R",
		pdfStreamObj("", []byte(content)),
		"10 0 R",
		pdfStreamObj("", []byte(cmap)),
		pdfStreamObj(fmt.Sprintf("/Type /ObjStm /N 4 /First %d /Filter /FlateDecode", hdr.Len()), zlibOf(objstm)))
	// The direct objects 1, 2, 3 and 5 are references; drop them so that
	// the object stream defines them.
	for _, n := range []string{"1 0 obj\n7 0 R\nendobj\n", "2 0 obj\n8 0 R\nendobj\n", "3 0 obj\n9 0 R\nendobj\n", "5 0 obj\n10 0 R\nendobj\n"} {
		data = bytes.Replace(data, []byte(n), []byte(strings.Repeat(" ", len(n))), 1)
	}
	segs, res := readSource(t, "objstm.pdf", data, Limits{})
	if res.Status != StatusComplete || !has(segs, "", "page 1", "SSN "+markSSN) {
		t.Errorf("%+v: %q", res, segs)
	}

	form := pdfObjects("", append(append([]string{}, onePage...), pdfStreamObj("", nil), helvetica,
		"<< /FT /Tx /T (ssn) /V <FEFF"+utf16Hex(markSSN)+"> >>")...)
	segs, res = readSource(t, "form.pdf", form, Limits{})
	if res.Status != StatusComplete || !has(segs, "", "form", "ssn: "+markSSN) {
		t.Errorf("%+v: %q", res, segs)
	}
}

// utf16Hex is s in UTF-16BE, in hex.
func utf16Hex(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, "%04X", r)
	}
	return b.String()
}

// TestPDFTimeout stops on a cancelled context.
func TestPDFTimeout(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data := fpdfDoc(t, true)
	res, err := ReadSource(ctx, Source{Name: "x.pdf", Size: int64(len(data)), At: bytes.NewReader(data)}, Limits{}, func(Segment) error { return nil })
	if err == nil || res.Reason != ReasonTimeout {
		t.Errorf("%+v, %v", res, err)
	}
}
