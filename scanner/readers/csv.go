package readers

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// readCSV emits each column of a CSV or TSV file as segments named by the
// column's header (or "col1", "col2"... without one). The header row itself
// is also emitted, under "", in case it was data. A last row cut by the end
// of the input loses its last, partial cell and sets res.Truncated. A file
// whose first 64 KiB do not line up as rows is read as text, Malformed.
func readCSV(ctx context.Context, f Format, d *textDecoder, emit func(Segment) error, res *Result) error {
	br := getBufio(d)
	defer putBufio(br)
	window, _ := br.Peek(peekSize) // a short peek is the whole input; errors show again below
	comma := '\t'
	if f == FormatCSV {
		comma = sniffDelimiter(window)
	}
	recs := csvRecordPool.Get().(*[2]csvRecord)
	defer putCSVRecords(recs)
	if !linesUp(window, comma, &recs[0]) {
		res.Malformed = true
		return readText(ctx, br, emit, res)
	}

	cr := newCSVRecordReader(br, comma)
	b := newBatcher(emit)
	defer b.release()
	var cols []int // column index → batcher field
	field := func(i int) int {
		if i >= maxFields {
			return 0
		}
		for len(cols) <= i {
			cols = append(cols, b.newField("col"+strconv.Itoa(len(cols)+1)))
		}
		return cols[i]
	}

	// Each record is read before the one before it is added, to know
	// whether that one is the last. The two share their buffers in turn.
	rec, next := &recs[0], &recs[1]
	err := cr.read(rec)
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	for n := 0; ; n++ {
		first := n == 0
		if n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		err := cr.read(next)
		if err != nil && err != io.EOF {
			return err
		}
		last := err == io.EOF
		var cells []string // the first row, for looksLikeHeader
		if first {
			cells = rec.strings()
		}
		if last && d.n > 0 && d.last != '\n' && !(d.trustEOF && d.readErr == nil) {
			// The input stops inside this row: its last cell may be cut.
			res.Truncated = true
			rec.drop()
		} else if first && looksLikeHeader(cells) {
			for i, h := range cells {
				if name := headerName(h); name != "" && i < maxFields {
					cols = append(cols, b.newField(name))
				} else {
					field(i)
				}
			}
			if err := b.add(0, strings.Join(cells, string(comma))); err != nil {
				return err
			}
			rec.reset()
		} else {
			res.Records++
		}
		for i := range rec.len() {
			if err := b.addBytes(field(i), rec.field(i)); err != nil {
				return err
			}
		}
		if last {
			return b.flushAll(false)
		}
		rec, next = next, rec
	}
}

// sniffDelimiter picks the separator of a file named .csv from its first
// lines: ',' when it splits every line into the same number of fields,
// otherwise whichever of ';', '|' and tab does so with the most fields, and
// ',' when none does.
func sniffDelimiter(window []byte) rune {
	var buf [20][]byte
	lines := completeLines(buf[:0], window, len(buf))
	if len(lines) == 0 {
		return ','
	}
	best, bestCount := ',', 0
	for _, c := range []byte{',', ';', '|', '\t'} {
		n := countOutsideQuotes(lines[0], c)
		if n == 0 {
			continue
		}
		same := true
		for _, l := range lines[1:] {
			if countOutsideQuotes(l, c) != n {
				same = false
				break
			}
		}
		if !same {
			continue
		}
		if c == ',' {
			return ','
		}
		if n > bestCount {
			best, bestCount = rune(c), n
		}
	}
	return best
}

// completeLines appends to lines up to max non-empty lines of b, leaving
// out a last line that has no newline unless it is the only one. Callers
// pass an array on their stack: it runs on the head of every file.
func completeLines(lines [][]byte, b []byte, max int) [][]byte {
	for len(b) > 0 && len(lines) < max {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			if len(lines) == 0 {
				lines = append(lines, b)
			}
			break
		}
		if l := bytes.TrimRight(b[:i], "\r"); len(l) > 0 {
			lines = append(lines, l)
		}
		b = b[i+1:]
	}
	return lines
}

// countOutsideQuotes counts c in line outside double-quoted stretches.
func countOutsideQuotes(line []byte, c byte) int {
	if bytes.IndexByte(line, '"') < 0 {
		return bytes.Count(line, []byte{c}) // the common case, vectorised
	}
	n, quoted := 0, false
	for _, x := range line {
		switch x {
		case '"':
			quoted = !quoted
		case c:
			if !quoted {
				n++
			}
		}
	}
	return n
}

// linesUp reports whether the window parses as rows: false when eight or
// more lines collapse into one record (a stray quote swallowed them) or when
// no field count is shared by half of eight or more records. It reads the
// records into rec.
func linesUp(window []byte, comma rune, rec *csvRecord) bool {
	if len(window) == 0 {
		return true
	}
	if i := bytes.LastIndexByte(window, '\n'); i >= 0 && len(window) == peekSize {
		window = window[:i+1] // drop the cut line
	}
	lines := bytes.Count(window, []byte{'\n'})
	cr := &csvReader{in: window, comma: comma, commaLen: utf8.RuneLen(comma)}
	counts := map[int]int{}
	records := 0
	for {
		if err := cr.read(rec); err != nil {
			break
		}
		records++
		counts[rec.len()]++
	}
	if lines >= 8 && records <= 1 {
		return false
	}
	if records < 8 {
		return true
	}
	for _, n := range counts {
		if n*2 >= records {
			return true
		}
	}
	return false
}

// looksLikeHeader reports whether a first row names its columns: at least
// one cell with a letter, and no cell longer than maxHeader bytes,
// numeric-looking or an address.
func looksLikeHeader(rec []string) bool {
	letters := false
	for _, c := range rec {
		c = strings.TrimSpace(c)
		if len(c) > maxHeader || numericLooking(c) || strings.Contains(c, "@") {
			return false
		}
		if strings.IndexFunc(c, unicode.IsLetter) >= 0 {
			letters = true
		}
	}
	return letters
}

// numericLooking reports whether s has a digit and nothing but digits,
// signs, separators and currency or percent signs: a number, amount, date,
// time or phone number.
func numericLooking(s string) bool {
	digit := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune("+-.,/:$€£%() eE", r):
		default:
			return false
		}
	}
	return digit
}

// headerName cleans a header cell for use as a field name: trimmed, with a
// stray byte-order mark removed. looksLikeHeader has capped its length.
func headerName(h string) string {
	return strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
}
