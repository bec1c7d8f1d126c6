package readers

import (
	"bytes"
	"encoding/json"
	"errors"
	"path"
	"strings"
)

// Detect picks the format of an object from its name (an S3 key or a file
// path) and head, the first bytes of its content (4 KiB is plenty).
//
// Magic bytes come first: compressed files, archives, Parquet, PDF, images
// and the like are named by their signature whatever their name says. Then
// content that is not text (mostly control bytes, or neither UTF-8 nor
// Latin-1 text) is FormatBinary, even under a text extension, since a
// client-side-encrypted "x.csv" is no CSV. Then a text extension decides
// (a .json file whose lines are each a JSON object is FormatJSONL), and
// without one the content is sniffed: JSON Lines, JSON starting with '{' or
// '[', tab- or comma-separated rows that line up, else text. An extension of
// a binary format whose signature is missing is ignored. With an empty head
// Detect goes by the name alone and returns FormatUnknown for a name without
// a known extension.
func Detect(name string, head []byte) Format {
	ext := extension(name)
	if len(head) == 0 {
		if f, ok := extFormats[ext]; ok {
			return f
		}
		return FormatUnknown
	}
	if f := magic(head); f != "" {
		if f == FormatZip {
			return zipHeadKind(name, head)
		}
		return f
	}
	text := decodeHead(head)
	if !looksLikeText(text) {
		return FormatBinary
	}
	switch f := extFormats[ext]; f {
	case FormatJSON:
		if isJSONL(text) {
			return FormatJSONL
		}
		return f
	case FormatText, FormatCSV, FormatTSV, FormatJSONL, FormatXML, FormatHTML, FormatEML:
		return f
	}
	return sniffText(text)
}

// extension returns the lower-case extension of the last element of name,
// with its dot.
func extension(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return strings.ToLower(path.Ext(name))
}

// extFormats maps extensions to formats. Binary formats are listed for
// Detect with an empty head; with content, their signature decides.
var extFormats = map[string]Format{
	".csv": FormatCSV, ".tsv": FormatTSV, ".tab": FormatTSV,
	".json": FormatJSON, ".geojson": FormatJSON, ".har": FormatJSON,
	".jsonl": FormatJSONL, ".ndjson": FormatJSONL, ".jsonlines": FormatJSONL, ".ldjson": FormatJSONL,

	".txt": FormatText, ".text": FormatText, ".log": FormatText, ".out": FormatText,
	".md": FormatText, ".markdown": FormatText, ".rst": FormatText, ".tex": FormatText,
	".xml": FormatXML, ".html": FormatHTML, ".htm": FormatHTML, ".xhtml": FormatXML, ".svg": FormatXML,
	".xsd": FormatXML, ".xsl": FormatXML, ".plist": FormatXML, ".rss": FormatXML, ".atom": FormatXML,
	".yaml": FormatText, ".yml": FormatText, ".toml": FormatText, ".ini": FormatText,
	".cfg": FormatText, ".conf": FormatText, ".config": FormatText, ".env": FormatText,
	".properties": FormatText, ".sql": FormatText, ".tf": FormatText, ".tfvars": FormatText,
	".tfstate": FormatJSON, ".hcl": FormatText,
	".sh": FormatText, ".bash": FormatText, ".zsh": FormatText, ".ps1": FormatText, ".bat": FormatText,
	".py": FormatText, ".go": FormatText, ".js": FormatText, ".ts": FormatText, ".java": FormatText,
	".rb": FormatText, ".php": FormatText, ".c": FormatText, ".h": FormatText, ".cpp": FormatText,
	".cs": FormatText, ".rs": FormatText, ".kt": FormatText, ".swift": FormatText, ".scala": FormatText,
	".pem": FormatText, ".crt": FormatText, ".cer": FormatText, ".pub": FormatText, ".asc": FormatText,
	".eml": FormatEML, ".vcf": FormatText, ".ics": FormatText, ".ldif": FormatText,
	".diff": FormatText, ".patch": FormatText,

	".gz": FormatGzip, ".tgz": FormatGzip, ".gzip": FormatGzip, ".zip": FormatZip, ".jar": FormatZip,
	".docx": FormatDOCX, ".docm": FormatDOCX, ".xlsx": FormatXLSX, ".xlsm": FormatXLSX,
	".pptx": FormatPPTX, ".pptm": FormatPPTX, ".odt": FormatZip, ".ods": FormatZip,
	".bz2": FormatBzip2, ".tbz2": FormatBzip2, ".tbz": FormatBzip2, ".xz": FormatXZ, ".txz": FormatXZ,
	".zst": FormatZstd, ".zstd": FormatZstd, ".tzst": FormatZstd, ".sz": FormatSnappy, ".snappy": FormatSnappy,
	".lz4": FormatLZ4, ".7z": Format7z,
	".tar": FormatTar, ".parquet": FormatParquet, ".avro": FormatAvro, ".orc": FormatORC,
	".pdf": FormatPDF, ".doc": FormatOLE, ".xls": FormatOLE, ".ppt": FormatOLE, ".msg": FormatOLE,
	".sqlite": FormatSQLite, ".sqlite3": FormatSQLite, ".db": FormatSQLite,
	".png": FormatImage, ".jpg": FormatImage, ".jpeg": FormatImage, ".gif": FormatImage,
	".bmp": FormatImage, ".tif": FormatImage, ".tiff": FormatImage, ".webp": FormatImage,
	".heic": FormatImage, ".avif": FormatImage,
	".exe": FormatBinary, ".dll": FormatBinary, ".so": FormatBinary, ".bin": FormatBinary, ".class": FormatBinary,
}

// signatures are magic bytes at an offset.
var signatures = []struct {
	off    int
	sig    string
	format Format
}{
	{0, "\x1f\x8b", FormatGzip},
	{0, "PK\x03\x04", FormatZip},
	{0, "PK\x05\x06", FormatZip}, // empty archive
	{0, "PK\x07\x08", FormatZip}, // spanned archive
	{0, "\xfd7zXZ\x00", FormatXZ},
	{0, "\x28\xb5\x2f\xfd", FormatZstd},
	{0, "\xff\x06\x00\x00sNaPpY", FormatSnappy},
	{0, "\xff\x06\x00\x00S2sTwO", FormatSnappy},
	{0, "\x04\x22\x4d\x18", FormatLZ4},
	{0, "7z\xbc\xaf\x27\x1c", Format7z},
	{257, "ustar", FormatTar},
	{0, "PAR1", FormatParquet},
	{0, "Obj\x01", FormatAvro},
	{0, "%PDF-", FormatPDF},
	{0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", FormatOLE},
	{0, "SQLite format 3\x00", FormatSQLite},
	{0, "\x89PNG\r\n\x1a\n", FormatImage},
	{0, "\xff\xd8\xff", FormatImage},
	{0, "GIF87a", FormatImage},
	{0, "GIF89a", FormatImage},
	{0, "II*\x00", FormatImage},
	{0, "MM\x00*", FormatImage},
	{0, "\x7fELF", FormatBinary},
}

// magic returns the format whose signature head starts with, or "".
func magic(head []byte) Format {
	for _, s := range signatures {
		if len(head) >= s.off+len(s.sig) && string(head[s.off:s.off+len(s.sig)]) == s.sig {
			return s.format
		}
	}
	switch {
	case len(head) >= 10 && string(head[:3]) == "BZh" && head[3] >= '1' && head[3] <= '9' &&
		(string(head[4:10]) == "1AY&SY" || string(head[4:10]) == "\x17rE8P\x90"):
		return FormatBzip2
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return FormatImage
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		switch string(head[8:12]) {
		case "heic", "heix", "hevc", "mif1", "avif":
			return FormatImage
		}
		return FormatBinary // MP4, QuickTime and other ISO media
	case len(head) >= 10 && string(head[:2]) == "BM" && string(head[6:10]) == "\x00\x00\x00\x00":
		return FormatImage
	case len(head) >= 4 && string(head[:3]) == "ORC" && !looksLikeText(head):
		return FormatORC // "ORC" alone could start a word
	}
	return ""
}

// sniffText names the format of text without a telling extension.
func sniffText(text []byte) Format {
	trimmed := bytes.TrimLeft(text, " \t\r\n")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		if isJSONL(trimmed) {
			return FormatJSONL
		}
		if jsonPrefix(trimmed) {
			return FormatJSON
		}
	}
	if looksLikeEmail(trimmed) {
		return FormatEML
	}
	if f := sniffMarkup(trimmed); f != "" {
		return f
	}
	var buf [20][]byte
	lines := completeLines(buf[:0], text, len(buf))
	if len(lines) >= 3 {
		if sameCount(lines, '\t') {
			return FormatTSV
		}
		if sameCount(lines, ',') {
			return FormatCSV
		}
	}
	return FormatText
}

// sniffMarkup recognises an XML declaration or an HTML document.
func sniffMarkup(text []byte) Format {
	start := bytes.ToLower(text[:min(len(text), 512)])
	switch {
	case bytes.HasPrefix(start, []byte("<!doctype html")), bytes.HasPrefix(start, []byte("<html")):
		return FormatHTML
	case bytes.HasPrefix(start, []byte("<?xml")):
		if bytes.Contains(start, []byte("<html")) {
			return FormatHTML
		}
		return FormatXML
	}
	return ""
}

// mailHeaders are header names seen in e-mail messages; mailFirst are
// those that start one (as written by mail servers and clients).
var (
	mailHeaders = map[string]bool{
		"from": true, "to": true, "cc": true, "bcc": true, "subject": true, "date": true,
		"received": true, "return-path": true, "message-id": true, "mime-version": true,
		"delivered-to": true, "reply-to": true, "content-type": true, "content-transfer-encoding": true,
		"sender": true, "in-reply-to": true, "references": true, "dkim-signature": true,
		"authentication-results": true, "arc-seal": true, "arc-message-signature": true,
		"arc-authentication-results": true, "x-mailer": true, "user-agent": true,
		"thread-topic": true, "thread-index": true, "importance": true, "x-priority": true,
		"x-received": true, "x-original-to": true, "envelope-to": true, "x-apparently-to": true,
	}
	mailFirst = map[string]bool{
		"from": true, "received": true, "return-path": true, "mime-version": true,
		"delivered-to": true, "message-id": true, "dkim-signature": true, "arc-seal": true,
		"x-received": true, "x-apparently-to": true, "authentication-results": true,
		"envelope-to": true, "x-original-to": true, "date": true,
	}
)

// looksLikeEmail reports whether text starts with an e-mail header block:
// a capitalised first line naming one of mailFirst, and at least two known headers
// among lines that are all headers or their continuations, up to the
// blank line or the end of text.
func looksLikeEmail(text []byte) bool {
	known := 0
	for n := 0; len(text) > 0 && n < 64; n++ {
		i := bytes.IndexByte(text, '\n')
		line := text
		if i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if n == 0 {
				return false
			}
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			return i < 0 && n > 0 && known >= 2 // a header cut by the end of text
		}
		name := bytes.ToLower(line[:colon])
		for _, c := range name {
			if c <= ' ' || c > '~' {
				return false
			}
		}
		if n == 0 && (!mailFirst[string(name)] || line[0] < 'A' || line[0] > 'Z') {
			return false // mail software writes "From:", "Received:"; YAML keys are lower case
		}
		if mailHeaders[string(name)] {
			known++
		}
	}
	return known >= 2
}

// sameCount reports whether c occurs, outside quotes, the same non-zero
// number of times in every line.
func sameCount(lines [][]byte, c byte) bool {
	n := countOutsideQuotes(lines[0], c)
	if n == 0 {
		return false
	}
	for _, l := range lines[1:] {
		if countOutsideQuotes(l, c) != n {
			return false
		}
	}
	return true
}

// isJSONL reports whether text starts with two or more lines that each hold
// one JSON object or array; a last line cut by the end of text is ignored.
func isJSONL(text []byte) bool {
	var buf [10][]byte
	lines := completeLines(buf[:0], text, len(buf))
	if len(lines) < 2 {
		return false
	}
	for _, l := range lines {
		l = bytes.TrimSpace(l)
		if len(l) == 0 || (l[0] != '{' && l[0] != '[') || !json.Valid(l) {
			return false
		}
	}
	return true
}

// jsonPrefix reports whether text starts as JSON: its first tokens, up to
// 64 of them or the end of text, raise no syntax error. This keeps a log line
// such as "[2024-01-02 10:00] INFO" from passing for JSON.
func jsonPrefix(text []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	for i := 0; i < 64; i++ {
		if _, err := dec.Token(); err != nil {
			var syn *json.SyntaxError
			return !errors.As(err, &syn)
		}
	}
	return true
}
