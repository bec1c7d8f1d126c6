package readers

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
	"slices"
	"testing"
)

// FuzzCSVRecords checks that csvReader splits records exactly as
// encoding/csv's Reader does with LazyQuotes and FieldsPerRecord -1, reading
// from a bufio.Reader (with a small buffer, so that long lines span reads)
// or from a byte slice, which it must leave unchanged.
func FuzzCSVRecords(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), uint8(0))
	}
	for _, s := range []string{
		"a,b\r\nc,d\r\n", "a,\"b\r\nc\"\r\n", "x\r", "\"a\"\"b\",c\n", "\"a\"b,c\n", "\"a\" ,b\n",
		"\n\n\r\n a,b", "\"open\n\nline", "a;b|c\td", "é,\"ü\"é\n", "\"\"\n", ",,,\n,", "\"a\"\r\n",
	} {
		for sel := range uint8(4) {
			f.Add([]byte(s), sel)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, sel uint8) {
		comma := []rune{',', ';', '|', '\t'}[sel%4]
		want := csvRecords(t, data, comma)

		br := bufio.NewReaderSize(bytes.NewReader(data), 16)
		if got := ourRecords(newCSVRecordReader(br, comma)); !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("from a bufio.Reader: got %q, want %q", got, want)
		}
		in := bytes.Clone(data)
		if got := ourRecords(&csvReader{in: in, comma: comma, commaLen: len(string(comma))}); !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("from bytes: got %q, want %q", got, want)
		}
		if !bytes.Equal(in, data) {
			t.Fatalf("reading from bytes changed them")
		}
	})
}

func csvRecords(t *testing.T, data []byte, comma rune) [][]string {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma, cr.LazyQuotes, cr.FieldsPerRecord = comma, true, -1
	var recs [][]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return recs
		}
		if err != nil {
			t.Fatalf("encoding/csv: %v", err)
		}
		recs = append(recs, rec)
	}
}

func ourRecords(cr *csvReader) [][]string {
	var recs [][]string
	var rec csvRecord
	for cr.read(&rec) == nil {
		recs = append(recs, rec.strings())
	}
	return recs
}
