package readers

import (
	"bytes"
	"encoding/binary"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// encoding is the character encoding of an input.
type encoding int

const (
	encUTF8    encoding = iota // UTF-8, or not yet known (still ASCII)
	encUTF16LE                 // UTF-16 little-endian
	encUTF16BE                 // UTF-16 big-endian
	encLatin1                  // ISO-8859-1 with the Windows-1252 printable extras
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// sniffEncoding names the encoding of an input from its first bytes and
// returns the length of its byte-order mark. UTF-16 without a mark is
// recognised when most of its ASCII-range characters show as a zero byte.
// Everything else is reported as UTF-8; Latin-1 is recognised later, by the
// decoder, from the first byte that is not valid UTF-8.
func sniffEncoding(b []byte) (encoding, int) {
	switch {
	case bytes.HasPrefix(b, bomUTF8):
		return encUTF8, len(bomUTF8)
	case bytes.HasPrefix(b, bomUTF16LE):
		return encUTF16LE, len(bomUTF16LE)
	case bytes.HasPrefix(b, bomUTF16BE):
		return encUTF16BE, len(bomUTF16BE)
	}
	b = b[:min(len(b), 512)]
	pairs := len(b) / 2
	if pairs < 4 {
		return encUTF8, 0
	}
	var zeroEven, zeroOdd int
	for i := 0; i+1 < len(b); i += 2 {
		if b[i] == 0 {
			zeroEven++
		}
		if b[i+1] == 0 {
			zeroOdd++
		}
	}
	switch {
	case zeroOdd*10 >= pairs*7 && zeroEven*10 <= pairs:
		return encUTF16LE, 0
	case zeroEven*10 >= pairs*7 && zeroOdd*10 <= pairs:
		return encUTF16BE, 0
	}
	return encUTF8, 0
}

// cp1252 maps the bytes 0x80–0x9F to the characters Windows-1252 gives them;
// the five it leaves undefined keep their Latin-1 (C1 control) meaning.
var cp1252 = [32]rune{
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
}

// textDecoder is an io.Reader that turns its source into UTF-8. It strips a
// byte-order mark, transcodes UTF-16, and switches to Latin-1 at the first
// invalid UTF-8 byte when nothing before it was multi-byte UTF-8 and the text
// around it looks like Latin-1 rather than binary noise. Otherwise invalid
// bytes pass through unchanged (the engine treats them as boundaries). It
// records the first error of its source other than io.EOF, the number of
// bytes it delivered and the last of them, and reports any source error to
// its consumer as io.EOF. Not safe for concurrent use.
type textDecoder struct {
	src     io.Reader
	enc     encoding
	started bool // the encoding has been sniffed
	decided bool // for encUTF8: UTF-8 is settled, pass bytes through

	raw   []byte // source bytes; raw[:carry] are left over from the last fill
	carry int
	out   []byte // decoded bytes not yet delivered: out[pos:]
	pos   int
	err   error // io.EOF once the source has ended or failed

	idle     int   // reads in a row that returned nothing
	readErr  error // first source error other than io.EOF
	trustEOF bool  // a clean end of the source is the end of the content
	n        int64 // bytes delivered
	last     byte  // last byte delivered
}

// Read implements io.Reader.
func (d *textDecoder) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for d.pos >= len(d.out) {
		if d.err != nil && d.carry == 0 {
			return 0, d.err
		}
		if d.started && d.enc == encUTF8 && d.decided && d.carry == 0 {
			// Settled UTF-8: no copy.
			n, err := d.src.Read(p)
			d.setErr(err)
			d.deliver(p[:n])
			if n > 0 {
				d.idle = 0
				return n, nil
			}
			if err == nil {
				if d.idle++; d.idle > 100 {
					d.setErr(io.ErrNoProgress)
				}
			}
			continue
		}
		d.fill()
	}
	n := copy(p, d.out[d.pos:])
	d.pos += n
	d.deliver(p[:n])
	return n, nil
}

func (d *textDecoder) deliver(b []byte) {
	if len(b) > 0 {
		d.n += int64(len(b))
		d.last = b[len(b)-1]
	}
}

// setErr records the first error of the source. Its consumer sees io.EOF
// whatever the error, so that readers flush what they read before a failure
// (a cut sample, a corrupt compressed stream); the error itself is kept in
// readErr for the caller.
func (d *textDecoder) setErr(err error) {
	if err == nil || d.err != nil {
		return
	}
	d.err = io.EOF
	if err != io.EOF {
		d.readErr = err
	}
}

// fill reads one chunk from the source and decodes it into out. It keeps an
// incomplete trailing sequence in raw for the next call, unless the source
// has ended.
func (d *textDecoder) fill() {
	n := d.carry
	if d.err == nil {
		// The first fill reads enough to sniff the encoding.
		want := n + 1
		if !d.started {
			want = 512
		}
		for n < want && d.err == nil {
			m, err := d.src.Read(d.raw[n:])
			n += m
			d.setErr(err)
			if m == 0 && err == nil {
				if d.idle++; d.idle > 100 {
					d.setErr(io.ErrNoProgress)
				}
				break
			}
			d.idle = 0
		}
	}
	chunk := d.raw[:n]
	atEOF := d.err != nil
	if !d.started {
		d.started = true
		var bom int
		d.enc, bom = sniffEncoding(chunk)
		chunk = chunk[bom:]
		d.decided = d.enc != encUTF8 || bom > 0
	}
	d.out, d.pos = d.out[:0], 0
	var used int
	switch d.enc {
	case encUTF16LE, encUTF16BE:
		used = d.decodeUTF16(chunk, atEOF)
	case encLatin1:
		d.out = appendLatin1(d.out, chunk)
		used = len(chunk)
	default:
		used = d.decodeUTF8(chunk, atEOF)
	}
	// Keep the undecoded tail (at most 3 bytes) for the next fill.
	d.carry = copy(d.raw, chunk[used:])
}

// decodeUTF8 passes chunk through while the encoding is undecided, settling
// on UTF-8 or Latin-1 at the first byte above 0x7F. It returns the number of
// bytes of chunk consumed.
func (d *textDecoder) decodeUTF8(chunk []byte, atEOF bool) int {
	if d.decided {
		d.out = append(d.out, chunk...)
		return len(chunk)
	}
	i := asciiPrefix(chunk)
	d.out = append(d.out, chunk[:i]...)
	if i == len(chunk) {
		return i
	}
	rest := chunk[i:]
	if !atEOF && !utf8.FullRune(rest) {
		return i // wait for the rest of the sequence
	}
	valid, invalid := countUTF8(rest, atEOF)
	d.decided = true
	if invalid > valid && looksLikeText(chunk) {
		d.enc = encLatin1
		d.out = appendLatin1(d.out, rest)
		return len(chunk)
	}
	d.out = append(d.out, rest...)
	return len(chunk)
}

// asciiPrefix returns the length of the ASCII prefix of b. It tests eight
// bytes at a time: text that stays ASCII passes through decodeUTF8 whole,
// so this runs over every byte of most logs.
func asciiPrefix(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
			break
		}
	}
	for i < len(b) && b[i] < utf8.RuneSelf {
		i++
	}
	return i
}

// countUTF8 counts the valid multi-byte sequences and the invalid bytes in
// b. An incomplete sequence at the end counts as neither unless atEOF.
func countUTF8(b []byte, atEOF bool) (valid, invalid int) {
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			b = b[1:]
			continue
		}
		if !atEOF && !utf8.FullRune(b) {
			break
		}
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			invalid++
		} else {
			valid++
		}
		b = b[size:]
	}
	return valid, invalid
}

func appendLatin1(out, b []byte) []byte {
	for _, c := range b {
		switch {
		case c < utf8.RuneSelf:
			out = append(out, c)
		case c < 0xA0:
			out = utf8.AppendRune(out, cp1252[c-0x80])
		default:
			out = utf8.AppendRune(out, rune(c))
		}
	}
	return out
}

// decodeUTF16 transcodes chunk to out and returns the bytes consumed.
// Unpaired surrogates and a final odd byte become U+FFFD.
func (d *textDecoder) decodeUTF16(chunk []byte, atEOF bool) int {
	le := d.enc == encUTF16LE
	unit := func(i int) rune {
		if le {
			return rune(chunk[i]) | rune(chunk[i+1])<<8
		}
		return rune(chunk[i])<<8 | rune(chunk[i+1])
	}
	i := 0
	for i+1 < len(chunk) {
		r := unit(i)
		switch {
		case !utf16.IsSurrogate(r):
			i += 2
		case r < 0xDC00: // high surrogate: needs the low one
			if i+3 >= len(chunk) {
				if !atEOF {
					return i
				}
				r = utf8.RuneError
				i += 2
				break
			}
			r = utf16.DecodeRune(r, unit(i+2))
			if r == utf8.RuneError {
				i += 2 // unpaired: the next unit is decoded on its own
			} else {
				i += 4
			}
		default: // lone low surrogate
			r = utf8.RuneError
			i += 2
		}
		d.out = utf8.AppendRune(d.out, r)
	}
	if i < len(chunk) && atEOF {
		d.out = utf8.AppendRune(d.out, utf8.RuneError)
		i = len(chunk)
	}
	return i
}

// decodeHead decodes the start of an input to UTF-8, as Read would, for
// content sniffing. It may return head itself, which must then not be
// modified.
func decodeHead(head []byte) []byte {
	if len(head) == 0 {
		return head
	}
	if enc, bom := sniffEncoding(head); enc == encUTF8 && bom == 0 && utf8.Valid(head) {
		return head // the decoder passes valid UTF-8 through unchanged
	}
	d := newTextDecoder(bytes.NewReader(head))
	b, _ := io.ReadAll(d)
	d.release()
	return b
}

// looksLikeText reports whether b (up to its first 8 KiB) reads as text:
// few control characters, and either valid UTF-8 or mostly ASCII (Latin-1:
// at most 40% of bytes above 0x7F).
// A sequence cut at the end of b is allowed.
func looksLikeText(b []byte) bool {
	b = b[:min(len(b), 8<<10)]
	if len(b) == 0 {
		return true
	}
	var ctrl, high int
	for _, c := range b {
		high += int(c >> 7)
		ctrl += int(ctrlByte[c])
	}
	if ctrl*20 > len(b) {
		return false
	}
	if high == 0 {
		return true
	}
	if _, invalid := countUTF8(b, false); invalid == 0 {
		return true
	}
	return high*10 <= len(b)*4
}

// ctrlByte is 1 for the control characters that looksLikeText counts
// against text: a table, not a switch, as it runs on the head of every file.
var ctrlByte = func() (t [256]uint8) {
	for c := range utf8.RuneSelf {
		switch {
		case c == '\t', c == '\n', c == '\r', c == '\f', c == '\v', c == '\b', c == 0x1B:
		case c < 0x20, c == 0x7F:
			t[c] = 1
		}
	}
	return t
}()
