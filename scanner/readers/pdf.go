package readers

import (
	"bufio"
	"bytes"
	"io"
)

// PDF is detected but not read: SKIPPED with UNSUPPORTED_FILE_TYPE, or
// ENCRYPTED_FILE when its trailer names an /Encrypt dictionary.
//
// github.com/ledongthuc/pdf, the parser available to Cairn, is unsound on
// hostile input in a way no recover can contain. It resolves an object
// that lives in an object stream by first resolving that stream, without
// a visited set or a depth limit, so a ~300-byte file whose cross-reference
// stream says "object 5 is inside object stream 5" recurses until the Go
// runtime aborts the whole process with "fatal error: stack overflow"
// (see pdfCycle in pdf_test.go, which builds that file). Its object
// parser also recurses once per nested array or dictionary, so a deeply
// nested object grows the stack without bound. A scanner that reads
// untrusted S3 objects in-process cannot call it. Reading PDF needs either
// a parser hardened for that (bounded recursion and object resolution, a
// visited set) or running one in a separate process with memory and CPU
// limits; both are follow-ups.
func (r *run) readPDF(c content, head []byte, stream func() *bufio.Reader) outcome {
	if pdfEncrypted(head) {
		return outcome{reason: ReasonEncryptedFile}
	}
	if c.at != nil && c.size > int64(len(head)) {
		tail := make([]byte, min(c.size, 4<<10))
		n, err := c.at.ReadAt(tail, c.size-int64(len(tail)))
		if err != nil && err != io.EOF && r.stopped() {
			return outcome{reason: r.reasonFor(err)}
		}
		if pdfEncrypted(tail[:n]) {
			return outcome{reason: ReasonEncryptedFile}
		}
	}
	return outcome{reason: ReasonUnsupportedFileType}
}

// pdfEncrypted reports whether b holds a trailer or cross-reference
// dictionary that refers to an /Encrypt dictionary.
func pdfEncrypted(b []byte) bool {
	i := bytes.Index(b, []byte("/Encrypt"))
	return i >= 0 && (bytes.Contains(b, []byte("trailer")) || bytes.Contains(b, []byte("/XRef")))
}
