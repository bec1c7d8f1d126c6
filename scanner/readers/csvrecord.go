package readers

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf8"
)

// csvReader splits CSV records exactly as encoding/csv's Reader does with
// LazyQuotes set and FieldsPerRecord -1 (FuzzCSVRecords checks it against
// that reader), but hands the fields out as byte slices of a buffer it
// reuses. encoding/csv makes a string and a []string of every record, which
// readCSV then copied into the batcher: the allocations, and the garbage
// collection they caused, cost about as much as the parsing itself. Its
// input is a bufio.Reader, whose buffer it may modify (as encoding/csv
// does, to turn "\r\n" into "\n"), or a byte slice, which it leaves
// alone. Not safe for concurrent use.
type csvReader struct {
	br       *bufio.Reader // nil: read from in
	in       []byte        // the rest of the input when br is nil
	comma    rune
	commaLen int
	long     []byte // a line longer than br's buffer, or one with "\r\n" from in
}

// csvRecord is one record: its fields back to back in buf, field i ending
// at ends[i]. A record read with csvReader.read is overwritten by the next
// read into the same csvRecord.
type csvRecord struct {
	buf  []byte
	ends []int
}

func newCSVRecordReader(br *bufio.Reader, comma rune) *csvReader {
	return &csvReader{br: br, comma: comma, commaLen: utf8.RuneLen(comma)}
}

// len returns the number of fields.
func (rec *csvRecord) len() int { return len(rec.ends) }

// field returns field i, valid until the record is read into again.
func (rec *csvRecord) field(i int) []byte {
	start := 0
	if i > 0 {
		start = rec.ends[i-1]
	}
	return rec.buf[start:rec.ends[i]]
}

// reset empties the record.
func (rec *csvRecord) reset() {
	rec.buf, rec.ends = rec.buf[:0], rec.ends[:0]
}

// drop removes the last field.
func (rec *csvRecord) drop() {
	rec.ends = rec.ends[:len(rec.ends)-1]
	rec.buf = rec.buf[:rec.end()]
}

func (rec *csvRecord) end() int {
	if len(rec.ends) == 0 {
		return 0
	}
	return rec.ends[len(rec.ends)-1]
}

// strings returns the fields as strings.
func (rec *csvRecord) strings() []string {
	s := make([]string, rec.len())
	for i := range s {
		s[i] = string(rec.field(i))
	}
	return s
}

// readLine returns the next line with its newline, "\r\n" turned into
// "\n" and a '\r' just before the end of the input dropped, as
// encoding/csv's readLine does. err is io.EOF only with an empty line.
func (c *csvReader) readLine() (line []byte, err error) {
	if c.br != nil {
		line, err = c.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			c.long = append(c.long[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = c.br.ReadSlice('\n')
				c.long = append(c.long, line...)
			}
			line = c.long
		}
	} else {
		if i := bytes.IndexByte(c.in, '\n'); i >= 0 {
			line, c.in = c.in[:i+1], c.in[i+1:]
		} else {
			line, c.in, err = c.in, nil, io.EOF
		}
	}
	if len(line) > 0 && err == io.EOF {
		err = nil
		if line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
	}
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		if c.br == nil {
			c.long = append(c.long[:0], line...) // leave in alone
			line = c.long
		}
		line[n-2] = '\n'
		line = line[:n-1]
	}
	return line, err
}

// read reads the next record into rec. It returns io.EOF, and no record,
// at the end of the input; a non-nil error other than io.EOF comes with
// what was read of the record, as from encoding/csv.
func (c *csvReader) read(rec *csvRecord) error {
	// Read a line, skipping empty ones.
	var line []byte
	var errRead error
	for errRead == nil {
		line, errRead = c.readLine()
		if errRead == nil && len(line) == lengthNL(line) {
			line = nil
			continue
		}
		break
	}
	if errRead == io.EOF {
		return errRead
	}
	rec.buf, rec.ends = rec.buf[:0], rec.ends[:0]
parseField:
	for {
		if len(line) == 0 || line[0] != '"' {
			// A field without quotes: up to the next comma or the end of the line.
			i := c.indexComma(line)
			field := line
			if i >= 0 {
				field = field[:i]
			} else {
				field = field[:len(field)-lengthNL(field)]
			}
			rec.buf = append(rec.buf, field...)
			rec.ends = append(rec.ends, len(rec.buf))
			if i >= 0 {
				line = line[i+c.commaLen:]
				continue parseField
			}
			break parseField
		}
		// A quoted field, which may span lines.
		line = line[1:]
		for {
			i := bytes.IndexByte(line, '"')
			switch {
			case i >= 0:
				rec.buf = append(rec.buf, line[:i]...)
				line = line[i+1:]
				switch rn := nextRune(line); {
				case rn == '"': // "" is a quote
					rec.buf = append(rec.buf, '"')
					line = line[1:]
				case rn == c.comma: // ", ends the field
					line = line[c.commaLen:]
					rec.ends = append(rec.ends, len(rec.buf))
					continue parseField
				case lengthNL(line) == len(line): // "\n ends the record
					rec.ends = append(rec.ends, len(rec.buf))
					break parseField
				default: // a bare quote, kept (LazyQuotes)
					rec.buf = append(rec.buf, '"')
				}
			case len(line) > 0: // the end of the line, inside the quotes
				rec.buf = append(rec.buf, line...)
				if errRead != nil {
					break parseField
				}
				line, errRead = c.readLine()
				if errRead == io.EOF {
					errRead = nil
				}
			default: // the end of the input, inside the quotes
				rec.ends = append(rec.ends, len(rec.buf))
				break parseField
			}
		}
	}
	return errRead
}

// indexComma is bytes.IndexRune(line, c.comma), with a faster path for
// the single-byte separators readCSV uses.
func (c *csvReader) indexComma(line []byte) int {
	if c.comma < utf8.RuneSelf {
		return bytes.IndexByte(line, byte(c.comma))
	}
	return bytes.IndexRune(line, c.comma)
}

// lengthNL returns 1 if b ends in a newline, else 0.
func lengthNL(b []byte) int {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return 1
	}
	return 0
}

// nextRune returns the first rune of b, or utf8.RuneError.
func nextRune(b []byte) rune {
	r, _ := utf8.DecodeRune(b)
	return r
}
