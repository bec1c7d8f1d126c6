package readers

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// runJSON reads data with one of the JSON reader functions and returns the
// segments (copied) and result.
func runJSON(t testing.TB, read func(context.Context, *textDecoder, func(Segment) error, *Result) error, data []byte) ([]seg, Result, error) {
	t.Helper()
	var segs []seg
	var res Result
	d := newTextDecoder(bytes.NewReader(data))
	defer d.release()
	err := read(context.Background(), d, func(s Segment) error {
		segs = append(segs, seg{s.Field, string(s.Data)})
		return nil
	}, &res)
	return segs, res, err
}

// jsonCases are inputs on which the fast reader must match the Token one.
var jsonCases = []string{
	`{"customers":[{"name":"Alice","ssn":"123-45-6789","cards":[{"pan":4111111111111111}],"tags":["a","b"],"vip":true,"note":null}],"meta":{"count":2,"version":1.5e3}}`,
	`[{"email":"a@example.com"},{"email":"b@example.com"},[1,2],"x"]`,
	`{"a":1} {"a":2}` + "\n" + `"free"`,
	`1 2 3`, `"s"`, `-0.5e-7`, `0`, `[]`, `{}`, `[[],{},[{}]]`, `null`, `true false`,
	`{"a":1}{"b":2}[3]"x"4`,
	`{"users":{"alice@example.com":{"ssn":"1"},"3f2a9c1e-7b4d-4e2a-9c1e-7b4d4e2a9c1e":{"ssn":"2"}},"@timestamp":"t"}`,
	`{"n\u00e4me":"J\u00fcrgen \"JJ\"\nline2","e":"\ud83d\ude00","lone":"\ud800x","lone2":"\udc00","pair":"\ud800\u0041"}`,
	"{\"bad utf8\":\"caf\xc3 \xff\xfe end\",\"k\xffey\":1}",
	`{"esc":"\/\\\b\f\n\r\t","u":"\u0000\u001f"}`,
	`{"big":123456789012345678901234567890,"neg":-12,"exp":1E+2,"frac":0.000}`,
	`  ` + "\n\t" + `{ "a" : [ 1 , 2 ] , "b" : { } }  `,
	strings.Repeat("[", maxDepth) + `"deep"` + strings.Repeat("]", maxDepth),
	strings.Repeat("[", maxDepth+1) + `"too deep"` + strings.Repeat("]", maxDepth+1),
	strings.Repeat(`{"k":`, 70) + `1` + strings.Repeat("}", 70),
	`{"` + strings.Repeat("x", 100) + `":"long key","k1":"v","123":"digits","a b":"space","a.b":"dot"}`,
	`{"m":{` + strings.Repeat(`"k":1,`, 300) + `"last":2}}`,
	`[` + strings.Repeat(`"`+strings.Repeat("v", 1000)+`",`, 600) + `1]`,
	// Cut inputs and syntax errors.
	`{"customers": [{"ssn": "123-45-6789"}, {"ssn": "987-65`,
	`[{"pan": 4111111111111111}, {"pan": 41111`,
	`{"a": "x", "b":`, `[1, 2`, `[1,`, `{"a"`, `{"a":tr`, `12`, `-`, `1e`, `"abc`, `"a\`, `"a\u12`,
	`{"a": "x", "b": oops, "ssn": "123-45-6789"}`,
	"ssn: 123-45-6789\n", `[1 2]`, `[1,]`, `{"a":1,}`, `{1:2}`, `[01]`, `[1.]`, `[truex]`, `[12x]`, `}`, `,`, `{"a" 1}`, `["a" "b"]`,
	"[\"ctl\x01\"]", `{"a":[}`,
}

// TestJSONFastMatchesToken checks the fast JSON readers against the
// encoding/json Token-based ones they replaced: the same segments and
// results on every case, and on every prefix of the valid ones.
func TestJSONFastMatchesToken(t *testing.T) {
	for _, in := range jsonCases {
		compareJSON(t, []byte(in))
		if json.Valid([]byte(in)) && len(in) < 2000 {
			for i := 0; i < len(in); i++ {
				compareJSON(t, []byte(in[:i]))
			}
		}
	}
}

// compareJSON compares the two JSON readers, and the two JSON Lines
// readers, on data. Syntax errors are compared only for whether they were
// found: the text fallback may start at a different byte.
func compareJSON(t testing.TB, data []byte) {
	t.Helper()
	fs, fr, ferr := runJSON(t, readJSON, data)
	ts, tr, terr := runJSON(t, readJSONToken, data)
	if ferr != nil || terr != nil {
		t.Fatalf("%q: errors %v / %v", trim(string(data)), ferr, terr)
	}
	if tr.Malformed {
		if !fr.Malformed {
			t.Errorf("%q: token reader says malformed, fast reader does not", trim(string(data)))
		}
	} else if !reflect.DeepEqual(fs, ts) || !sameResult(fr, tr) {
		t.Errorf("json %q:\nfast  %+v %q\ntoken %+v %q", trim(string(data)), fr, fs, tr, ts)
	}
	fs, fr, ferr = runJSON(t, readJSONL, data)
	ts, tr, terr = runJSON(t, readJSONLToken, data)
	if ferr != nil || terr != nil {
		t.Fatalf("%q: jsonl errors %v / %v", trim(string(data)), ferr, terr)
	}
	if !reflect.DeepEqual(fs, ts) || !sameResult(fr, tr) {
		if bytes.IndexByte(data, '\n') < 0 && tr.Malformed {
			return
		}
		t.Errorf("jsonl %q:\nfast  %+v %q\ntoken %+v %q", trim(string(data)), fr, fs, tr, ts)
	}
}

// FuzzJSONFast checks the fast JSON tokenizer against the Token-based
// reader: for valid JSON (and JSON Lines) they must emit the same
// segments; on anything else the fast one must not panic and must flag
// what the old one flags.
func FuzzJSONFast(f *testing.F) {
	for _, in := range jsonCases {
		f.Add([]byte(in))
	}
	f.Add([]byte("{\"a\":1}\n{\"b\":[1,2]}\n{\"c\":"))
	f.Add(benchInput(FormatJSON)[:2000])
	f.Fuzz(func(t *testing.T, data []byte) {
		compareJSON(t, data)
	})
}

// benchJSONReader measures a JSON reader in MB/s, and in MB per second of
// the benchmark thread's CPU time ("MB/cpu-s"), which a busy machine does
// not distort.
func benchJSONReader(b *testing.B, read func(context.Context, *textDecoder, func(Segment) error, *Result) error, in []byte) {
	ctx := context.Background()
	emit := func(Segment) error { return nil }
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start, ok := threadCPU()
	n := 0
	for b.Loop() {
		d := newTextDecoder(bytes.NewReader(in))
		var res Result
		if err := read(ctx, d, emit, &res); err != nil {
			b.Fatal(err)
		}
		d.release()
		n++
	}
	if end, _ := threadCPU(); ok && end > start {
		b.ReportMetric(float64(n*len(in))/1e6/(end-start).Seconds(), "MB/cpu-s")
	}
}

// BenchmarkJSONFast and BenchmarkJSONToken compare the tokenizer with the
// encoding/json Token reader it replaced, on the same 1 MiB document.
func BenchmarkJSONFast(b *testing.B)  { benchJSONReader(b, readJSON, benchInput(FormatJSON)) }
func BenchmarkJSONToken(b *testing.B) { benchJSONReader(b, readJSONToken, benchInput(FormatJSON)) }

// BenchmarkJSONLFast and BenchmarkJSONLToken do the same for JSON Lines.
func BenchmarkJSONLFast(b *testing.B)  { benchJSONReader(b, readJSONL, benchInput(FormatJSONL)) }
func BenchmarkJSONLToken(b *testing.B) { benchJSONReader(b, readJSONLToken, benchInput(FormatJSONL)) }

// BenchmarkJSONFastEscapes measures strings with escapes and non-ASCII text.
func BenchmarkJSONFastEscapes(b *testing.B) {
	var s strings.Builder
	s.WriteString("[")
	for i := 0; s.Len() < 1<<20; i++ {
		if i > 0 {
			s.WriteString(",")
		}
		s.WriteString(`{"name":"J\u00fcrgen \"JJ\" M\u00fcller","addr":"Stra\u00dfe 5\nK\u00f6ln","note":"caf\u00e9 \ud83d\ude00 \t tab"}`)
	}
	s.WriteString("]")
	benchJSONReader(b, readJSON, []byte(s.String()))
}
