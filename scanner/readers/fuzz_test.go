package readers

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

var readable = []Format{FormatText, FormatCSV, FormatTSV, FormatJSON, FormatJSONL, FormatXML, FormatHTML}

var knownFormats = map[Format]bool{
	FormatText: true, FormatCSV: true, FormatTSV: true, FormatJSON: true, FormatJSONL: true,
	FormatUnknown: true, FormatGzip: true, FormatZip: true, FormatBzip2: true, FormatXZ: true,
	FormatZstd: true, FormatLZ4: true, Format7z: true, FormatTar: true, FormatParquet: true,
	FormatAvro: true, FormatORC: true, FormatPDF: true, FormatOLE: true, FormatSQLite: true,
	FormatImage: true, FormatBinary: true, FormatXML: true, FormatHTML: true, FormatSnappy: true,
	FormatDOCX: true, FormatXLSX: true, FormatPPTX: true, FormatEML: true,
}

// fuzzSeeds are inputs of every format, whole and cut.
var fuzzSeeds = []string{
	"",
	"plain text\nssn 123-45-6789\n",
	"name,ssn\nAlice,123-45-6789\nBob,\"multi\nline\",x\n",
	"name,ssn\nAlice,123-45-6789\nBob,98",
	"a;b;c\n1;2;3\n",
	"\"unterminated,field\n1,2\n",
	"name\tssn\nAlice\t123-45-6789\n",
	`{"customers":[{"ssn":"123-45-6789","card":4111111111111111,"tags":["a"]}],"m":{"x@y.com":1}}`,
	`[{"a":1},{"a":"cut`,
	`{"a": oops}`,
	"{\"a\":1}\nbad line\n{\"b\":[1,2]}\n{\"c\":",
	"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
	"\xff\xfeh\x00i\x00,\x00x\x00\n\x00",
	"\xfe\xff\x00{\x00}",
	"\xef\xbb\xbfname,ssn\n",
	"Fran\xe7ois,caf\xe9\n",
	"\x00\x01\x02\x03\xff\xfe\xfd",
	"\xff\xfe\x00\xd8",
}

// FuzzRead reads arbitrary bytes as each readable format: Read must not
// panic or fail on a good reader, must emit non-empty segments with bounded
// field names and a bounded number of fields, and must not blow up the input.
func FuzzRead(f *testing.F) {
	for _, s := range fuzzSeeds {
		for i := range readable {
			f.Add([]byte(s), uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, sel uint8) {
		format := readable[int(sel)%len(readable)]
		fields := map[string]bool{}
		var text bytes.Buffer
		total := 0
		res, err := Read(context.Background(), format, bytes.NewReader(data), func(s Segment) error {
			if len(s.Data) == 0 {
				t.Fatalf("empty segment for field %q", s.Field)
			}
			if len(s.Field) > maxPath {
				t.Fatalf("field name of %d bytes", len(s.Field))
			}
			fields[s.Field] = true
			total += len(s.Data)
			text.Write(s.Data)
			return nil
		})
		if err != nil {
			t.Fatalf("Read(%s): %v", format, err)
		}
		if res.Records < 0 {
			t.Fatalf("negative records")
		}
		if len(fields) > maxFields+1 {
			t.Fatalf("%d fields", len(fields))
		}
		// UTF-16 and Latin-1 grow at most 2x, and a JSON Lines line may be
		// emitted twice (its values, then as text), plus separators.
		if total > 6*len(data)+64 {
			t.Fatalf("%d bytes out for %d in", total, len(data))
		}
		if format == FormatJSON && json.Valid(data) && nesting(data) <= maxDepth && (res.Truncated || res.Malformed) {
			t.Fatalf("valid JSON read as %+v", res)
		}
		if format == FormatText {
			want, _ := io.ReadAll(newTextDecoder(bytes.NewReader(data)))
			if !bytes.Equal(text.Bytes(), want) {
				t.Fatalf("text segments do not add up to the decoded input")
			}
		}
	})
}

// FuzzDetect checks that Detect never panics, names a known format, and that
// a readable verdict can be read.
func FuzzDetect(f *testing.F) {
	names := []string{"a.csv", "a.json", "a.jsonl", "a.tsv", "a.txt", "a.gz", "a.parquet", "noext", "dir/a.CSV", ""}
	for i, s := range fuzzSeeds {
		f.Add(names[i%len(names)], []byte(s))
	}
	f.Add("x.gz", []byte("\x1f\x8b\x08"))
	f.Add("x", []byte("PAR1"))
	f.Add("x", []byte("%PDF-1.4"))
	f.Add("x", []byte("BZh91AY&SY"))
	f.Add("x", []byte("RIFF\x00\x00\x00\x00WEBP"))
	f.Add("x", []byte("\x00\x00\x00\x18ftypheic"))
	f.Add("x", append(make([]byte, 257), "ustar"...))
	f.Fuzz(func(t *testing.T, name string, head []byte) {
		got := Detect(name, head)
		if !knownFormats[got] {
			t.Fatalf("Detect(%q, %q) = %q: not a known format", name, head, got)
		}
		if again := Detect(name, head); again != got {
			t.Fatalf("Detect is not deterministic: %q then %q", got, again)
		}
		want, _ := io.ReadAll(newTextDecoder(bytes.NewReader(head)))
		if text := decodeHead(head); !bytes.Equal(text, want) && len(head) > 0 {
			t.Fatalf("decodeHead(%q) = %q, the decoder gives %q", head, text, want)
		}
		if len(head) > 0 && got == FormatUnknown {
			t.Fatalf("Detect(%q, %q) = unknown despite content", name, head)
		}
		if Readable(got) {
			if _, err := Read(context.Background(), got, strings.NewReader(string(head)), func(Segment) error { return nil }); err != nil {
				t.Fatalf("Read(%s): %v", got, err)
			}
		}
	})
}

// nesting returns the deepest nesting of arrays and objects in JSON text.
func nesting(data []byte) int {
	depth, deepest, inString, escaped := 0, 0, false, false
	for _, c := range data {
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case inString:
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}
