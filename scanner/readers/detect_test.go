package readers

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	random := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	tarHead := make([]byte, 512)
	copy(tarHead, "file.txt")
	copy(tarHead[257:], "ustar\x0000")
	utf16le := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			b.WriteByte(byte(r))
			b.WriteByte(0)
		}
		return b.String()
	}

	tests := []struct {
		name, key, head string
		want            Format
	}{
		// Magic bytes win over the name.
		{"gzip", "data.csv.gz", "\x1f\x8b\x08\x00\x00\x00", FormatGzip},
		{"gzip named csv", "data.csv", "\x1f\x8b\x08\x00\x00\x00", FormatGzip},
		{"xlsx by extension", "book.xlsx", "PK\x03\x04\x14\x00\x06\x00", FormatXLSX},
		{"zip", "archive.zip", "PK\x03\x04\x14\x00\x06\x00", FormatZip},
		{"docx by part name", "upload.bin", zipLocal("word/document.xml"), FormatDOCX},
		{"xlsx by part name", "upload", zipLocal("[Content_Types].xml") + zipLocal("xl/workbook.xml"), FormatXLSX},
		{"pptx by part name", "x.zip", zipLocal("ppt/presentation.xml"), FormatPPTX},
		{"zip with other names", "x.docx.bak", zipLocal("data.csv"), FormatZip},
		{"snappy framed", "a", "\xff\x06\x00\x00sNaPpY\x00", FormatSnappy},
		{"s2 framed", "a", "\xff\x06\x00\x00S2sTwO\x00", FormatSnappy},
		{"xml declaration", "feed", "<?xml version=\"1.0\"?>\n<a>b</a>", FormatXML},
		{"xml by extension", "a.xml", "<a>b</a>", FormatXML},
		{"html doctype", "page", "<!DOCTYPE html>\n<html><body>hi</body></html>", FormatHTML},
		{"html by extension", "a.htm", "<p>hi</p>", FormatHTML},
		{"eml by headers", "msg", "Received: from mx\r\n\tby host\r\nFrom: Ada <ada@example.com>\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nbody\r\n", FormatEML},
		{"eml mime-version first", "msg", "MIME-Version: 1.0\nContent-Type: text/plain\n\nhello\n", FormatEML},
		{"eml by extension", "a.eml", "hello", FormatEML},
		{"yaml with a from key is text", "cfg", "from: here\nto: there\n", FormatText},
		{"http dump is text", "dump", "HTTP/1.1 200 OK\nContent-Type: text/plain\nDate: x\n\nbody", FormatText},
		{"empty zip", "x", "PK\x05\x06" + strings.Repeat("\x00", 18), FormatZip},
		{"parquet", "part-0000", "PAR1\x15\x04\x15", FormatParquet},
		{"pdf upper-case ext", "Report.PDF", "%PDF-1.7\n%\xe2\xe3", FormatPDF},
		{"png", "logo", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", FormatImage},
		{"jpeg", "photo.bin", "\xff\xd8\xff\xe0\x00\x10JFIF", FormatImage},
		{"gif", "a.gif", "GIF89a\x01\x00", FormatImage},
		{"webp", "a", "RIFF\x10\x00\x00\x00WEBPVP8 ", FormatImage},
		{"heic", "a", "\x00\x00\x00\x18ftypheic\x00\x00", FormatImage},
		{"mp4", "a", "\x00\x00\x00\x18ftypisom\x00\x00", FormatBinary},
		{"tar", "backup", string(tarHead), FormatTar},
		{"bzip2", "a", "BZh91AY&SY\x00", FormatBzip2},
		{"xz", "a", "\xfd7zXZ\x00\x00", FormatXZ},
		{"zstd", "a", "\x28\xb5\x2f\xfd\x00", FormatZstd},
		{"7z", "a", "7z\xbc\xaf\x27\x1c\x00", Format7z},
		{"sqlite", "app.db", "SQLite format 3\x00\x10\x00", FormatSQLite},
		{"ole", "old.xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", FormatOLE},
		{"avro", "a", "Obj\x01\x04\x14avro", FormatAvro},
		{"elf", "a", "\x7fELF\x02\x01\x01\x00", FormatBinary},
		{"word ORC is text", "notes", "ORCHESTRA rehearsal at 5\n", FormatText},

		// A text extension decides for text content.
		{"csv", "people.csv", "name,ssn\nalice,123-45-6789\n", FormatCSV},
		{"csv that is JSON stays csv", "x.csv", `{"a":1}`, FormatCSV},
		{"tsv", "people.tsv", "name\tssn\n", FormatTSV},
		{"json", "doc.json", `{"a": {"b": 1}}`, FormatJSON},
		{"json pretty", "doc.json", "{\n  \"a\": 1\n}\n", FormatJSON},
		{"json that is jsonl", "export.json", "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n", FormatJSONL},
		{"jsonl", "events.jsonl", "{\"a\":1}\n", FormatJSONL},
		{"ndjson", "events.ndjson", "{\"a\":1}\n", FormatJSONL},
		{"log", "app.log", "[2024-01-02 10:00:00] INFO started\n", FormatText},
		{"yaml", "k8s.yaml", "apiVersion: v1\n", FormatText},
		{"path with dots", "dir.v2/file.txt", "hello", FormatText},

		// A binary extension without its signature is ignored.
		{"gz that is text", "notes.gz", "just some text\n", FormatText},
		{"parquet that is csv", "x.parquet", "a,b\n1,2\n3,4\n5,6\n", FormatCSV},

		// Content decides without a telling extension.
		{"json object", "obj", `  {"a": [1, 2, {"b": "c"}]}`, FormatJSON},
		{"json array cut", "arr", `[{"a": 1}, {"a": "cut her`, FormatJSON},
		{"jsonl sniffed", "events", "{\"a\":1}\n{\"b\":[2]}\n{\"c\":", FormatJSONL},
		{"log line is not json", "log", "[2024-01-02 10:00:00] INFO started\n[2024-01-02 10:00:01] INFO ok\n", FormatText},
		{"template is not json", "tmpl", "{{ .Values.name }}\n", FormatText},
		{"tsv sniffed", "export", "a\tb\tc\n1\t2\t3\n4\t5\t6\n", FormatTSV},
		{"csv sniffed", "export", "a,b,c\n1,2,3\n4,5,6\n7,8,9\n", FormatCSV},
		{"prose", "readme", "Hello, world.\nThis is prose, with commas, here and there.\nBye.\n", FormatText},
		{"random bytes", "blob", string(random), FormatBinary},
		{"random bytes named csv", "secret.csv", string(random), FormatBinary},
		{"nul-heavy", "x", strings.Repeat("\x00\x01\x02\x03abc", 100), FormatBinary},
		{"utf-16le bom", "u.txt", "\xff\xfe" + utf16le("hello world\n"), FormatText},
		{"utf-16le bom json", "u", "\xff\xfe" + utf16le(`{"a": "b"}`), FormatJSON},
		{"utf-16be bom", "u", "\xfe\xff\x00h\x00i\x00\n", FormatText},
		{"utf-16le no bom csv", "u.csv", utf16le("a,b\n1,2\n"), FormatCSV},
		{"utf-8 bom", "u", "\xef\xbb\xbf{\"a\":1}", FormatJSON},
		{"latin-1", "l", "caf\xe9, na\xefve, \xe9l\xe8ve\n", FormatText},
		{"utf-8", "u", "caf\u00e9 \u65e5\u672c\n", FormatText},

		// An empty head goes by the name alone.
		{"empty csv", "a.csv", "", FormatCSV},
		{"empty parquet", "a.parquet", "", FormatParquet},
		{"empty gz", "a.csv.gz", "", FormatGzip},
		{"empty no ext", "a", "", FormatUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Detect(tt.key, []byte(tt.head)); got != tt.want {
				t.Errorf("Detect(%q, %q) = %q, want %q", tt.key, trim(tt.head), got, tt.want)
			}
		})
	}
}

func TestReadable(t *testing.T) {
	for _, f := range []Format{FormatText, FormatCSV, FormatTSV, FormatJSON, FormatJSONL, FormatXML, FormatHTML} {
		if !Readable(f) {
			t.Errorf("Readable(%q) = false", f)
		}
	}
	for _, f := range []Format{FormatUnknown, FormatGzip, FormatZip, FormatParquet, FormatPDF, FormatImage, FormatBinary, ""} {
		if Readable(f) {
			t.Errorf("Readable(%q) = true", f)
		}
	}
}

func TestSniffEncoding(t *testing.T) {
	tests := []struct {
		head string
		enc  encoding
		bom  int
	}{
		{"\xef\xbb\xbfabc", encUTF8, 3},
		{"\xff\xfea\x00", encUTF16LE, 2},
		{"\xfe\xff\x00a", encUTF16BE, 2},
		{"a\x00b\x00c\x00d\x00e\x00", encUTF16LE, 0},
		{"\x00a\x00b\x00c\x00d\x00e", encUTF16BE, 0},
		{"plain ascii text", encUTF8, 0},
		{"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", encUTF8, 0},
	}
	for _, tt := range tests {
		enc, bom := sniffEncoding([]byte(tt.head))
		if enc != tt.enc || bom != tt.bom {
			t.Errorf("sniffEncoding(%q) = %d, %d; want %d, %d", tt.head, enc, bom, tt.enc, tt.bom)
		}
	}
}

// zipLocal returns a local file header for an empty stored entry.
func zipLocal(name string) string {
	h := make([]byte, 30)
	copy(h, "PK\x03\x04")
	h[26] = byte(len(name))
	return string(h) + name
}

func trim(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
