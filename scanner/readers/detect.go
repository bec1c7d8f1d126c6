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
	case FormatText, FormatCSV, FormatTSV, FormatJSONL:
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
	".xml": FormatText, ".html": FormatText, ".htm": FormatText, ".xhtml": FormatText, ".svg": FormatText,
	".yaml": FormatText, ".yml": FormatText, ".toml": FormatText, ".ini": FormatText,
	".cfg": FormatText, ".conf": FormatText, ".config": FormatText, ".env": FormatText,
	".properties": FormatText, ".sql": FormatText, ".tf": FormatText, ".tfvars": FormatText,
	".tfstate": FormatJSON, ".hcl": FormatText,
	".sh": FormatText, ".bash": FormatText, ".zsh": FormatText, ".ps1": FormatText, ".bat": FormatText,
	".py": FormatText, ".go": FormatText, ".js": FormatText, ".ts": FormatText, ".java": FormatText,
	".rb": FormatText, ".php": FormatText, ".c": FormatText, ".h": FormatText, ".cpp": FormatText,
	".cs": FormatText, ".rs": FormatText, ".kt": FormatText, ".swift": FormatText, ".scala": FormatText,
	".pem": FormatText, ".crt": FormatText, ".cer": FormatText, ".pub": FormatText, ".asc": FormatText,
	".eml": FormatText, ".vcf": FormatText, ".ics": FormatText, ".ldif": FormatText,
	".diff": FormatText, ".patch": FormatText,

	".gz": FormatGzip, ".tgz": FormatGzip, ".zip": FormatZip, ".jar": FormatZip,
	".docx": FormatZip, ".xlsx": FormatZip, ".pptx": FormatZip, ".odt": FormatZip, ".ods": FormatZip,
	".bz2": FormatBzip2, ".xz": FormatXZ, ".zst": FormatZstd, ".lz4": FormatLZ4, ".7z": Format7z,
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
	lines := completeLines(text, 20)
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
	lines := completeLines(text, 10)
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
