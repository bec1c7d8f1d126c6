package readers

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// pdfCycle builds the file that crashes github.com/ledongthuc/pdf (see
// pdf.go): a cross-reference stream that puts object 5, the catalog, inside
// object stream 5. Resolving it recurses until the Go runtime aborts with
// "fatal error: stack overflow", which recover cannot catch. It is kept as
// the regression input for whoever hardens a PDF parser; nothing here
// hands it to that library.
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

// TestPDF checks that PDF is detected and skipped with a reason: encrypted
// ones as such, the others as unsupported.
func TestPDF(t *testing.T) {
	plain := pdfBytes("SSN " + markSSN)
	encrypted := bytes.Replace(plain, []byte("trailer\n<< "), []byte("trailer\n<< /Encrypt 9 0 R "), 1)
	for _, tt := range []struct {
		name   string
		data   []byte
		reason Reason
	}{
		{"plain", plain, ReasonUnsupportedFileType},
		{"encrypted", encrypted, ReasonEncryptedFile},
		{"crash reproducer", pdfCycle(), ReasonUnsupportedFileType},
		{"big plain", append(plain[:len(plain)-6:len(plain)-6], strings.Repeat(" ", 100<<10)+"%%EOF\n"...), ReasonUnsupportedFileType},
	} {
		segs, res := readSource(t, "doc.pdf", tt.data, Limits{})
		if res.Format != FormatPDF || res.Status != StatusSkipped || res.Reason != tt.reason || len(segs) > 0 {
			t.Errorf("%s: %s %s %s, %d segments", tt.name, res.Format, res.Status, res.Reason, len(segs))
		}
	}
}
