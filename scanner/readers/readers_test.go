package readers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// seg is a copy of a Segment, safe to keep.
type seg struct{ Field, Data string }

// readAll reads in through Read and returns copies of the segments.
func readAll(t testing.TB, f Format, in string) ([]seg, Result) {
	t.Helper()
	var segs []seg
	res, err := Read(context.Background(), f, strings.NewReader(in), func(s Segment) error {
		if len(s.Data) == 0 {
			t.Errorf("empty segment for field %q", s.Field)
		}
		segs = append(segs, seg{s.Field, string(s.Data)})
		return nil
	})
	if err != nil {
		t.Fatalf("Read(%s): %v", f, err)
	}
	return segs, res
}

// sameResult compares the fields that Read reports.
func sameResult(a, b Result) bool {
	return a.Records == b.Records && a.Truncated == b.Truncated && a.Malformed == b.Malformed
}

// byField joins the data of each field with '\n', in order.
func byField(segs []seg) map[string]string {
	m := map[string]string{}
	for _, s := range segs {
		if m[s.Field] != "" {
			m[s.Field] += "\n"
		}
		m[s.Field] += s.Data
	}
	return m
}

func utf16LE(s string, bom bool) string {
	var b strings.Builder
	if bom {
		b.WriteString("\xff\xfe")
	}
	for _, r := range s {
		if r > 0xFFFF {
			r -= 0x10000
			hi, lo := 0xD800+(r>>10), 0xDC00+(r&0x3FF)
			b.Write([]byte{byte(hi), byte(hi >> 8), byte(lo), byte(lo >> 8)})
			continue
		}
		b.Write([]byte{byte(r), byte(r >> 8)})
	}
	return b.String()
}

func utf16BE(s string) string {
	var b strings.Builder
	b.WriteString("\xfe\xff")
	for _, r := range s {
		b.Write([]byte{byte(r >> 8), byte(r)})
	}
	return b.String()
}

func TestReadText(t *testing.T) {
	tests := []struct {
		name, in, want string
		records        int64
	}{
		{"plain", "ssn 123-45-6789\nok\n", "ssn 123-45-6789\nok\n", 2},
		{"no final newline", "a\nb", "a\nb", 2},
		{"utf-8 bom stripped", "\xef\xbb\xbfhello\n", "hello\n", 1},
		{"utf-16le bom", utf16LE("card 4111 1111 1111 1111 caf\u00e9 \U0001F600\n", true), "card 4111 1111 1111 1111 caf\u00e9 \U0001F600\n", 1},
		{"utf-16be bom", utf16BE("name: J\u00fcrgen\n"), "name: J\u00fcrgen\n", 1},
		{"utf-16le no bom", utf16LE("hello world, utf-16\n", false), "hello world, utf-16\n", 1},
		{"utf-16 odd byte", "\xff\xfeh\x00i\x00!", "hi\ufffd", 1},
		{"utf-16 lone surrogate", "\xff\xfe\x00\xd8a\x00", "\ufffda", 1},
		{"latin-1", "Fran\xe7ois M\xfcller, caf\xe9\n", "Fran\u00e7ois M\u00fcller, caf\u00e9\n", 1},
		{"windows-1252 quotes", "\x93quoted\x94 \x80 5\n", "\u201cquoted\u201d \u20ac 5\n", 1},
		{"utf-8 kept", "J\u00fcrgen \u65e5\u672c\n", "J\u00fcrgen \u65e5\u672c\n", 1},
		{"stray byte in utf-8 kept raw", "J\u00fcrgen \xff ok\n", "J\u00fcrgen \xff ok\n", 1},
		{"binary noise does not stop it", "key=AKIAIOSFODNN7EXAMPLE\n\x00\x01\x02\xfe\xff\x00\x9c\nafter noise 123-45-6789\n",
			"key=AKIAIOSFODNN7EXAMPLE\n\x00\x01\x02\xfe\xff\x00\x9c\nafter noise 123-45-6789\n", 3},
		{"binary noise after utf-8", "J\u00fcrgen\n\x00\x01\x02\xfe\xff\x00\nafter noise 123-45-6789\n",
			"J\u00fcrgen\n\x00\x01\x02\xfe\xff\x00\nafter noise 123-45-6789\n", 3},
		{"empty", "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			segs, res := readAll(t, FormatText, tt.in)
			got := ""
			for _, s := range segs {
				if s.Field != "" {
					t.Errorf("text segment has field %q", s.Field)
				}
				got += s.Data
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if res.Records != tt.records || res.Truncated || res.Malformed {
				t.Errorf("result %+v, want %d records", res, tt.records)
			}
		})
	}
}

func TestReadTextSegments(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 3*segmentSize; i++ {
		fmt.Fprintf(&b, "line %d: user%d@example.com\n", i, i)
	}
	long := strings.Repeat("x", segmentSize+100) // one line longer than a segment, no blanks
	words := strings.Repeat("word ", segmentSize/4)
	for _, in := range []string{b.String(), long, words, b.String() + long + "\n" + words} {
		segs, _ := readAll(t, FormatText, in)
		var got strings.Builder
		for i, s := range segs {
			if len(s.Data) > segmentSize {
				t.Errorf("segment %d is %d bytes", i, len(s.Data))
			}
			if i < len(segs)-1 && strings.Contains(in[:len(in)-1], "\n") && !strings.HasSuffix(s.Data, "\n") && strings.Contains(s.Data, "\n") {
				t.Errorf("segment %d does not end at a line boundary", i)
			}
			got.WriteString(s.Data)
		}
		if got.String() != in {
			t.Errorf("segments do not add up to the input (%d vs %d bytes)", got.Len(), len(in))
		}
		if len(segs) > len(in)/segmentSize+4 {
			t.Errorf("%d segments for %d bytes", len(segs), len(in))
		}
	}
}

func TestReadCSV(t *testing.T) {
	tests := []struct {
		name   string
		f      Format
		in     string
		want   map[string]string
		result Result
	}{
		{
			name: "header",
			f:    FormatCSV,
			in:   "name,ssn,card\nAlice,123-45-6789,4111111111111111\nBob,987-65-4321,5500000000000004\n",
			want: map[string]string{
				"":     "name,ssn,card",
				"name": "Alice\nBob", "ssn": "123-45-6789\n987-65-4321", "card": "4111111111111111\n5500000000000004",
			},
			result: Result{Records: 2},
		},
		{
			name:   "headerless",
			f:      FormatCSV,
			in:     "Alice,123-45-6789\nBob,987-65-4321\n",
			want:   map[string]string{"col1": "Alice\nBob", "col2": "123-45-6789\n987-65-4321"},
			result: Result{Records: 2},
		},
		{
			name:   "email first row is not a header",
			f:      FormatCSV,
			in:     "alice@example.com,Alice\nbob@example.com,Bob\n",
			want:   map[string]string{"col1": "alice@example.com\nbob@example.com", "col2": "Alice\nBob"},
			result: Result{Records: 2},
		},
		{
			name: "quoted fields with newlines and quotes",
			f:    FormatCSV,
			in:   "id,address,note\n1,\"1 Main St\nSpringfield\",\"said \"\"hi\"\"\"\n2,\"2 Elm, Apt 3\",plain\n",
			want: map[string]string{
				"":        "id,address,note",
				"id":      "1\n2",
				"address": "1 Main St\nSpringfield\n2 Elm, Apt 3",
				"note":    "said \"hi\"\nplain",
			},
			result: Result{Records: 2},
		},
		{
			name:   "truncated last line",
			f:      FormatCSV,
			in:     "name,ssn\nAlice,123-45-6789\nBob,987-65-43",
			want:   map[string]string{"": "name,ssn", "name": "Alice\nBob", "ssn": "123-45-6789"},
			result: Result{Records: 1, Truncated: true},
		},
		{
			name:   "truncated inside quotes",
			f:      FormatCSV,
			in:     "name,note\nAlice,ok\nBob,\"multi\nline, cut",
			want:   map[string]string{"": "name,note", "name": "Alice\nBob", "note": "ok"},
			result: Result{Records: 1, Truncated: true},
		},
		{
			name:   "crlf",
			f:      FormatCSV,
			in:     "name,ssn\r\nAlice,123-45-6789\r\n",
			want:   map[string]string{"": "name,ssn", "name": "Alice", "ssn": "123-45-6789"},
			result: Result{Records: 1},
		},
		{
			name:   "semicolon",
			f:      FormatCSV,
			in:     "name;iban;amount\nAlice;DE89370400440532013000;1,50\nBob;GB82WEST12345698765432;2,00\n",
			want:   map[string]string{"": "name;iban;amount", "name": "Alice\nBob", "iban": "DE89370400440532013000\nGB82WEST12345698765432", "amount": "1,50\n2,00"},
			result: Result{Records: 2},
		},
		{
			name:   "pipe",
			f:      FormatCSV,
			in:     "name|phone\nAlice|+1 555 0100\nBob|+1 555 0101\n",
			want:   map[string]string{"": "name|phone", "name": "Alice\nBob", "phone": "+1 555 0100\n+1 555 0101"},
			result: Result{Records: 2},
		},
		{
			name:   "tsv",
			f:      FormatTSV,
			in:     "name\tssn\nAlice\t123-45-6789\nBob, Jr.\t987-65-4321\n",
			want:   map[string]string{"": "name\tssn", "name": "Alice\nBob, Jr.", "ssn": "123-45-6789\n987-65-4321"},
			result: Result{Records: 2},
		},
		{
			name:   "ragged rows and empty cells",
			f:      FormatCSV,
			in:     "a,b\n1,,3\n,2\n",
			want:   map[string]string{"": "a,b", "a": "1", "b": "2", "col3": "3"},
			result: Result{Records: 2},
		},
		{
			name:   "utf-16 excel export",
			f:      FormatTSV,
			in:     utf16LE("name\tcity\nJ\u00fcrgen\tK\u00f6ln\n", true),
			want:   map[string]string{"": "name\tcity", "name": "J\u00fcrgen", "city": "K\u00f6ln"},
			result: Result{Records: 1},
		},
		{
			name:   "header only",
			f:      FormatCSV,
			in:     "name,ssn\n",
			want:   map[string]string{"": "name,ssn"},
			result: Result{},
		},
		{
			name:   "empty",
			f:      FormatCSV,
			in:     "",
			want:   map[string]string{},
			result: Result{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			segs, res := readAll(t, tt.f, tt.in)
			if got := byField(segs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("segments\n got %q\nwant %q", got, tt.want)
			}
			if !sameResult(res, tt.result) {
				t.Errorf("result %+v, want %+v", res, tt.result)
			}
		})
	}
}

func TestReadCSVMalformed(t *testing.T) {
	// A stray quote at the start swallows every line into one field.
	var b strings.Builder
	b.WriteString("\"name,ssn\n")
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&b, "user%d,123-45-%04d\n", i, i)
	}
	segs, res := readAll(t, FormatCSV, b.String())
	if !res.Malformed {
		t.Errorf("result %+v, want Malformed", res)
	}
	got := byField(segs)
	if len(got) != 1 || got[""] != b.String() {
		t.Errorf("want the input as text under \"\", got %d fields", len(got))
	}

	// Prose in a .csv: lines do not line up.
	prose := strings.Repeat("Hello, world. One, two, three.\nNo commas here\nA, b\nc, d, e, f, g\n", 5)
	if _, res := readAll(t, FormatCSV, prose); !res.Malformed {
		t.Errorf("prose: result %+v, want Malformed", res)
	}
}

func TestReadCSVWide(t *testing.T) {
	cols := maxFields + 10
	var b strings.Builder
	for row := 0; row < 3; row++ {
		for c := 0; c < cols; c++ {
			if c > 0 {
				b.WriteByte(',')
			}
			if row == 0 {
				fmt.Fprintf(&b, "h%d", c)
			} else {
				fmt.Fprintf(&b, "v%d", c)
			}
		}
		b.WriteByte('\n')
	}
	segs, res := readAll(t, FormatCSV, b.String())
	got := byField(segs)
	if len(got) != maxFields+1 {
		t.Errorf("%d fields, want %d (the cap plus the catch-all)", len(got), maxFields+1)
	}
	if got["h5"] != "v5\nv5" {
		t.Errorf("h5 = %q", got["h5"])
	}
	if !strings.Contains(got[""], fmt.Sprintf("v%d", cols-1)) {
		t.Errorf("values past the cap are not in the catch-all")
	}
	if res.Records != 2 {
		t.Errorf("records = %d", res.Records)
	}
}

func TestSniffDelimiter(t *testing.T) {
	tests := []struct {
		in   string
		want rune
	}{
		{"a,b,c\n1,2,3\n", ','},
		{"a;b;c\n1;2;3\n", ';'},
		{"a;b;c\n1,5;2;3\n", ';'},
		{"a|b\n1|2\n", '|'},
		{"a\tb\n1\t2\n", '\t'},
		{"\"x;y\",b\n\"1;2\",3\n", ','},
		{"single column\nvalue\n", ','},
		{"", ','},
	}
	for _, tt := range tests {
		if got := sniffDelimiter([]byte(tt.in)); got != tt.want {
			t.Errorf("sniffDelimiter(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReadJSON(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   map[string]string
		result Result
	}{
		{
			name: "nested objects and arrays",
			in: `{"customers": [
				{"name": "Alice", "ssn": "123-45-6789", "cards": [{"pan": 4111111111111111}], "tags": ["a", "b"], "vip": true, "note": null},
				{"name": "Bob", "ssn": "987-65-4321", "address": {"zip": "02134", "lines": ["1 Main St", "Apt 2"]}}
			], "meta": {"count": 2, "version": 1.5e3}}`,
			want: map[string]string{
				"customers[].name":            "Alice\nBob",
				"customers[].ssn":             "123-45-6789\n987-65-4321",
				"customers[].cards[].pan":     "4111111111111111",
				"customers[].tags[]":          "a\nb",
				"customers[].address.zip":     "02134",
				"customers[].address.lines[]": "1 Main St\nApt 2",
				"meta.count":                  "2",
				"meta.version":                "1.5e3",
			},
			result: Result{Records: 1},
		},
		{
			name:   "top-level array counts elements",
			in:     `[{"email": "a@example.com"}, {"email": "b@example.com"}, [1, 2], "x"]`,
			want:   map[string]string{"[].email": "a@example.com\nb@example.com", "[][]": "1\n2", "[]": "x"},
			result: Result{Records: 4},
		},
		{
			name:   "concatenated documents",
			in:     `{"a": 1} {"a": 2}` + "\n" + `"free"`,
			want:   map[string]string{"a": "1\n2", "": "free"},
			result: Result{Records: 3},
		},
		{
			name:   "keys that are data",
			in:     `{"users": {"alice@example.com": {"ssn": "123-45-6789"}, "3f2a9c1e-7b4d-4e2a-9c1e-7b4d4e2a9c1e": {"ssn": "987-65-4321"}}, "@timestamp": "2024-01-01"}`,
			want:   map[string]string{"users.*": "alice@example.com\n3f2a9c1e-7b4d-4e2a-9c1e-7b4d4e2a9c1e", "users.*.ssn": "123-45-6789\n987-65-4321", "@timestamp": "2024-01-01"},
			result: Result{Records: 1},
		},
		{
			name:   "escapes and unicode",
			in:     `{"n\u00e4me": "J\u00fcrgen \"JJ\"\nline2", "e": "\ud83d\ude00"}`,
			want:   map[string]string{"n\u00e4me": "J\u00fcrgen \"JJ\"\nline2", "e": "\U0001F600"},
			result: Result{Records: 1},
		},
		{
			name:   "truncated inside a string",
			in:     `{"customers": [{"ssn": "123-45-6789"}, {"ssn": "987-65`,
			want:   map[string]string{"customers[].ssn": "123-45-6789"},
			result: Result{Truncated: true},
		},
		{
			name:   "truncated inside a number",
			in:     `[{"pan": 4111111111111111}, {"pan": 41111`,
			want:   map[string]string{"[].pan": "4111111111111111"},
			result: Result{Records: 1, Truncated: true},
		},
		{
			name:   "truncated after a key",
			in:     `{"a": "x", "b":`,
			want:   map[string]string{"a": "x"},
			result: Result{Truncated: true},
		},
		{
			name:   "syntax error reads the rest as text",
			in:     `{"a": "x", "b": oops, "ssn": "123-45-6789"}`,
			want:   map[string]string{"a": "x", "": `oops, "ssn": "123-45-6789"}`},
			result: Result{Malformed: true},
		},
		{
			name:   "not json at all",
			in:     "ssn: 123-45-6789\n",
			want:   map[string]string{"": "ssn: 123-45-6789\n"},
			result: Result{Malformed: true},
		},
		{
			name:   "latin-1 json",
			in:     "{\"name\": \"Fran\xe7ois\"}",
			want:   map[string]string{"name": "Fran\u00e7ois"},
			result: Result{Records: 1},
		},
		{
			name:   "empty",
			in:     "  \n",
			want:   map[string]string{},
			result: Result{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			segs, res := readAll(t, FormatJSON, tt.in)
			if got := byField(segs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("segments\n got %q\nwant %q", got, tt.want)
			}
			if !sameResult(res, tt.result) {
				t.Errorf("result %+v, want %+v", res, tt.result)
			}
		})
	}
}

func TestReadJSONDeep(t *testing.T) {
	for _, in := range []string{
		strings.Repeat("[", 100000),
		strings.Repeat(`{"a":`, 100000),
		strings.Repeat("[", 100000) + strings.Repeat("]", 100000),
		strings.Repeat(`[{"k":`, 50000) + `"secret"`,
	} {
		segs, res := readAll(t, FormatJSON, in)
		if !res.Malformed {
			t.Errorf("result %+v, want Malformed", res)
		}
		total := 0
		for _, s := range segs {
			total += len(s.Data)
		}
		if total == 0 || total > len(in) {
			t.Errorf("emitted %d bytes of %d", total, len(in))
		}
	}
	// Nesting up to the limit is read as JSON.
	in := strings.Repeat("[", maxDepth) + `"deep"` + strings.Repeat("]", maxDepth)
	segs, res := readAll(t, FormatJSON, in)
	if res.Malformed || len(segs) != 1 || segs[0].Data != "deep" || segs[0].Field != strings.Repeat("[]", maxDepth) {
		t.Errorf("at the limit: %+v %q", res, segs)
	}
}

func TestReadJSONLimits(t *testing.T) {
	// Distinct paths past the cap go to the catch-all.
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < maxFields+100; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"k%c%d":{"v":"x%d"}`, 'a'+i%26, i%100000, i)
	}
	b.WriteString("}")
	segs, _ := readAll(t, FormatJSON, b.String())
	fields := byField(segs)
	if len(fields) > maxFields+1 {
		t.Errorf("%d fields, cap is %d", len(fields), maxFields)
	}
	// A long key path is capped.
	in := strings.Repeat(`{"abcdefghijklmnopqrstuvwxyz":`, maxDepth-1) + `"v"` + strings.Repeat("}", maxDepth-1)
	segs, _ = readAll(t, FormatJSON, in)
	if len(segs) != 1 || len(segs[0].Field) > maxPath || segs[0].Data != "v" {
		t.Errorf("long path: %d segments, field of %d bytes", len(segs), len(segs[0].Field))
	}
}

func TestReadJSONL(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   map[string]string
		result Result
	}{
		{
			name:   "lines",
			in:     "{\"email\":\"a@example.com\",\"n\":1}\n\n{\"email\":\"b@example.com\",\"tags\":[\"x\"]}\r\n",
			want:   map[string]string{"email": "a@example.com\nb@example.com", "n": "1", "tags[]": "x"},
			result: Result{Records: 2},
		},
		{
			name:   "a bad line is text and does not stop it",
			in:     "{\"a\":\"1\"}\nnot json ssn 123-45-6789\n{\"a\":\"2\"}\n{\"a\": \"3\",}\n",
			want:   map[string]string{"a": "1\n2\n3", "": "not json ssn 123-45-6789\n{\"a\": \"3\",}"},
			result: Result{Records: 2},
		},
		{
			name:   "an unclosed line is bad, not truncated",
			in:     "{\"a\":\"1\"\n{\"a\":\"2\"}\n",
			want:   map[string]string{"a": "1\n2", "": "{\"a\":\"1\""},
			result: Result{Records: 1},
		},
		{
			name:   "truncated last line",
			in:     "{\"a\":\"1\"}\n{\"a\":\"2\",\"b\":\"cut",
			want:   map[string]string{"a": "1\n2"},
			result: Result{Records: 1, Truncated: true},
		},
		{
			name:   "last line without newline is complete",
			in:     "{\"a\":\"1\"}\n{\"a\":\"2\"}",
			want:   map[string]string{"a": "1\n2"},
			result: Result{Records: 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			segs, res := readAll(t, FormatJSONL, tt.in)
			if got := byField(segs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("segments\n got %q\nwant %q", got, tt.want)
			}
			if !sameResult(res, tt.result) {
				t.Errorf("result %+v, want %+v", res, tt.result)
			}
		})
	}
}

func TestReadJSONLMostlyBad(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\"a\":1}\n")
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, "plain log line %d user%d@example.com\n", i, i)
	}
	segs, res := readAll(t, FormatJSONL, b.String())
	if !res.Malformed {
		t.Errorf("result %+v, want Malformed", res)
	}
	text := byField(segs)[""]
	for i := 0; i < 100; i++ {
		if !strings.Contains(text, fmt.Sprintf("user%d@example.com\n", i)) && !strings.HasSuffix(text, fmt.Sprintf("user%d@example.com", i)) {
			t.Fatalf("line %d missing from the text", i)
		}
	}
}

func TestReadJSONLLongLine(t *testing.T) {
	in := "{\"a\":1}\n\"" + strings.Repeat("x", maxLine+10) + "\"\n{\"a\":2}\n"
	segs, res := readAll(t, FormatJSONL, in)
	if !res.Malformed {
		t.Errorf("result %+v, want Malformed", res)
	}
	total := 0
	for _, s := range segs {
		total += len(s.Data)
	}
	if total < maxLine {
		t.Errorf("only %d bytes emitted", total)
	}
}

// TestBatching checks that readers emit a handful of large segments, not one
// per value: the engine's per-call overhead makes that matter.
func TestBatching(t *testing.T) {
	var csvIn, jsonIn, jsonlIn strings.Builder
	csvIn.WriteString("id,name,email,ssn,card\n")
	jsonIn.WriteString("[")
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&csvIn, "%d,User %d,user%d@example.com,123-45-%04d,4111111111111111\n", i, i, i, i)
		if i > 0 {
			jsonIn.WriteString(",")
		}
		rec := fmt.Sprintf(`{"id":%d,"name":"User %d","contact":{"email":"user%d@example.com"},"ssn":"123-45-%04d"}`, i, i, i, i)
		jsonIn.WriteString(rec)
		jsonlIn.WriteString(rec + "\n")
	}
	jsonIn.WriteString("]")
	for _, tt := range []struct {
		f       Format
		in      string
		maxSegs int
	}{
		{FormatCSV, csvIn.String(), 8},
		{FormatJSON, jsonIn.String(), 8},
		{FormatJSONL, jsonlIn.String(), 8},
		{FormatText, csvIn.String(), 4},
	} {
		segs, res := readAll(t, tt.f, tt.in)
		if len(segs) > tt.maxSegs {
			t.Errorf("%s: %d segments for 10,000 records, want at most %d", tt.f, len(segs), tt.maxSegs)
		}
		if tt.f != FormatText && res.Records != 10000 {
			t.Errorf("%s: %d records", tt.f, res.Records)
		}
		if tt.f == FormatCSV {
			if got := strings.Count(byField(segs)["email"], "\n") + 1; got != 10000 {
				t.Errorf("csv: %d emails", got)
			}
		}
	}
}

// TestSegmentSize checks that large columns are flushed while reading.
func TestSegmentSize(t *testing.T) {
	var b strings.Builder
	b.WriteString("note\n")
	for b.Len() < 3*segmentSize {
		b.WriteString("some long free text value for the note column\n")
	}
	segs, _ := readAll(t, FormatCSV, b.String())
	n := 0
	for _, s := range segs {
		if s.Field == "note" {
			n++
			if len(s.Data) > segmentSize+100 {
				t.Errorf("segment of %d bytes", len(s.Data))
			}
		}
	}
	if n < 3 || n > 4 {
		t.Errorf("%d segments for the note column", n)
	}
}

func TestReadErrors(t *testing.T) {
	ctx := context.Background()
	nop := func(Segment) error { return nil }
	if _, err := Read(ctx, FormatGzip, strings.NewReader("x"), nop); !errors.Is(err, ErrUnsupported) {
		t.Errorf("gzip: err = %v, want ErrUnsupported", err)
	}
	if _, err := Read(ctx, "", strings.NewReader("x"), nop); !errors.Is(err, ErrUnsupported) {
		t.Errorf("empty format: err = %v, want ErrUnsupported", err)
	}

	inputs := map[Format]string{
		FormatText:  strings.Repeat("line\n", 200000),
		FormatCSV:   "a,b\n" + strings.Repeat("1,2\n", 200000),
		FormatTSV:   "a\tb\n" + strings.Repeat("1\t2\n", 200000),
		FormatJSON:  "[" + strings.Repeat(`{"a":"1"},`, 200000) + "1]",
		FormatJSONL: strings.Repeat("{\"a\":\"1\"}\n", 200000),
	}
	for f, in := range inputs {
		t.Run(string(f), func(t *testing.T) {
			// The first emit error stops the read and comes back unchanged.
			stop := errors.New("stop")
			calls := 0
			_, err := Read(ctx, f, strings.NewReader(in), func(Segment) error { calls++; return stop })
			if err != stop || calls != 1 {
				t.Errorf("emit error: err = %v after %d calls", err, calls)
			}

			// A failing reader is an error, not a truncation.
			boom := errors.New("boom")
			r := io.MultiReader(strings.NewReader(in[:len(in)/2]), iotest.ErrReader(boom))
			if _, err := Read(ctx, f, r, nop); !errors.Is(err, boom) {
				t.Errorf("read error: err = %v", err)
			}

			// Cancellation is noticed.
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if _, err := Read(cctx, f, strings.NewReader(in), nop); !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled: err = %v", err)
			}

			// One byte at a time reads the same.
			var whole, slow []seg
			Read(ctx, f, strings.NewReader(in[:5000]), func(s Segment) error { whole = append(whole, seg{s.Field, string(s.Data)}); return nil })
			Read(ctx, f, iotest.OneByteReader(strings.NewReader(in[:5000])), func(s Segment) error { slow = append(slow, seg{s.Field, string(s.Data)}); return nil })
			if !reflect.DeepEqual(whole, slow) {
				t.Errorf("one byte at a time reads differently")
			}
		})
	}
}

// TestDecoderChunks feeds encoded text through readers that split it at
// every position, so that sequences cut between reads are decoded right.
func TestDecoderChunks(t *testing.T) {
	text := "caf\u00e9 \u65e5\u672c \U0001F600 end\n"
	for _, in := range []string{
		text,
		utf16LE(text, true),
		utf16LE(text, false),
		"Fran\xe7ois \x93q\x94\n",
	} {
		want, _ := io.ReadAll(newTextDecoder(strings.NewReader(in)))
		if !utf8.Valid(want) {
			t.Errorf("%q decodes to invalid UTF-8 %q", in, want)
		}
		for _, r := range []io.Reader{
			iotest.OneByteReader(strings.NewReader(in)),
			iotest.HalfReader(strings.NewReader(in)),
			iotest.DataErrReader(strings.NewReader(in)),
		} {
			got, err := io.ReadAll(newTextDecoder(r))
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%q: chunked read %q, %v; want %q", in, got, err, want)
			}
		}
	}
}

// TestBufferCap checks that many fields filling up together are flushed
// before the end, keeping the buffers under maxBuffered.
func TestBufferCap(t *testing.T) {
	const cols = 100
	var b strings.Builder
	for c := 0; c < cols; c++ {
		if c > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "h%d", c)
	}
	b.WriteByte('\n')
	row := strings.TrimSuffix(strings.Repeat("valuevaluevalue,", cols), ",") + "\n"
	for b.Len() < 2*maxBuffered {
		b.WriteString(row)
	}
	segs, _ := readAll(t, FormatCSV, b.String())
	if len(segs) < 2*cols {
		t.Errorf("%d segments: the columns were not flushed when the buffers filled", len(segs))
	}
	for _, s := range segs {
		if len(s.Data) >= segmentSize+len(row) {
			t.Errorf("segment of %d bytes", len(s.Data))
		}
	}
}
