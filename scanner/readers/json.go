package readers

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The JSON readers run on a purpose-built streaming tokenizer instead of
// encoding/json's Decoder.Token, which allocates an interface value per
// token and ran at about 20 MB/s. The tokenizer keeps the Token reader's
// behaviour exactly for valid JSON (FuzzJSONFast checks it against a copy
// of that reader): the same values under the same paths, numbers as their
// literal text, strings unquoted as encoding/json does (invalid UTF-8 and
// lone surrogates become U+FFFD), top-level values separated by optional
// white space, and the same records, Truncated and Malformed results.

var (
	errTooDeep     = errors.New("readers: json nesting too deep")
	errLineTooLong = errors.New("readers: json line too long")
	errJSONSyntax  = errors.New("readers: json syntax error")
)

// readJSON streams one JSON document, or several concatenated, grouping
// string and number values by path. A document cut by the end of the input
// sets res.Truncated; a syntax error or nesting deeper than maxDepth sets
// res.Malformed and the rest of the input, from the offending token on (from
// just after the bracket that nests too deep), is emitted as text.
func readJSON(ctx context.Context, d *textDecoder, emit func(Segment) error, res *Result) error {
	b := newBatcher(emit)
	defer b.release()
	w := getJSONWalker(b)
	defer putJSONWalker(w)
	w.resetReader(d)
	err := w.run(ctx)
	res.Records += w.records
	switch classifyJSONErr(err, w) {
	case jsonOK:
	case jsonTruncated:
		res.Truncated = true
	case jsonMalformed:
		res.Malformed = true
		if err := b.flushAll(true); err != nil {
			return err
		}
		rest := bytes.NewReader(w.buf[w.restAt:w.end])
		var text Result
		if err := readText(ctx, io.MultiReader(rest, d), emit, &text); err != nil {
			return err
		}
	default:
		return err
	}
	return b.flushAll(false)
}

// readJSONL reads one JSON value per line, grouping values by path as
// readJSON does. A line that does not parse is emitted as text under "" and
// counted; once at least 16 lines are bad and they outnumber the good ones,
// the rest of the input is read as text and res.Malformed is set. A last line
// cut by the end of the input sets res.Truncated.
func readJSONL(ctx context.Context, d *textDecoder, emit func(Segment) error, res *Result) error {
	br := getBufio(d)
	defer putBufio(br)
	b := newBatcher(emit)
	defer b.release()
	w := getJSONWalker(b)
	defer putJSONWalker(w)
	var acc []byte
	var good, bad int64
	for n := 0; ; n++ {
		if n&63 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		var line []byte
		var err error
		line, acc, err = readLine(br, acc)
		if err == errLineTooLong {
			res.Malformed = true
			if err := b.flushAll(true); err != nil {
				return err
			}
			var text Result
			if err := readText(ctx, io.MultiReader(bytes.NewReader(line), br), emit, &text); err != nil {
				return err
			}
			break
		}
		if err != nil && err != io.EOF {
			return err
		}
		atEOF := err == io.EOF
		if trimmed := bytes.TrimSpace(line); len(trimmed) > 0 {
			w.resetBytes(trimmed)
			perr := w.run(ctx)
			switch classifyJSONErr(perr, w) {
			case jsonOK:
				good++
				res.Records++
			case jsonTruncated:
				if atEOF {
					res.Truncated = true
					break
				}
				fallthrough
			case jsonMalformed:
				bad++
				if err := b.addBytes(0, trimmed); err != nil {
					return err
				}
			default:
				return perr
			}
		}
		if atEOF {
			break
		}
		if bad >= 16 && bad > good {
			res.Malformed = true
			if err := b.flushAll(true); err != nil {
				return err
			}
			var text Result
			if err := readText(ctx, br, emit, &text); err != nil {
				return err
			}
			break
		}
	}
	if bad > good {
		res.Malformed = true
	}
	return b.flushAll(false)
}

// readLine returns the next line of br with its newline, using acc for
// lines longer than br's buffer. It returns io.EOF with the last line when
// that has no newline, and errLineTooLong with what it read once a line
// passes maxLine bytes.
func readLine(br *bufio.Reader, acc []byte) (line, accOut []byte, err error) {
	acc = acc[:0]
	for {
		frag, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			acc = append(acc, frag...)
			if len(acc) > maxLine {
				return acc, acc, errLineTooLong
			}
			continue
		}
		if len(acc) > 0 {
			acc = append(acc, frag...)
			if len(acc) > maxLine {
				return acc, acc, errLineTooLong
			}
			return acc, acc, err
		}
		return frag, acc, err
	}
}

type jsonErrKind int

const (
	jsonOK        jsonErrKind = iota // the input ended between values
	jsonTruncated                    // the input ended inside a value
	jsonMalformed                    // a syntax error, or too deep
	jsonOther                        // emit or context error: returned as is
)

func classifyJSONErr(err error, w *jsonWalker) jsonErrKind {
	switch {
	case err == io.EOF && len(w.stack) == 0:
		return jsonOK
	case err == io.EOF, err == io.ErrUnexpectedEOF:
		return jsonTruncated
	case err == errTooDeep, err == errJSONSyntax:
		return jsonMalformed
	}
	return jsonOther
}

// Parser states of a container frame.
const (
	stObjStart uint8 = iota // after '{': a key or '}'
	stObjKey                // after ',': a key
	stObjColon              // after a key: ':'
	stObjValue              // after ':': a value
	stObjNext               // after a value: ',' or '}'
	stArrStart              // after '[': a value or ']'
	stArrValue              // after ',': a value
	stArrNext               // after a value: ',' or ']'
)

// jsonFrame is an open object or array.
type jsonFrame struct {
	pathLen int   // len(path) of the container itself
	keys    int   // keys seen in an object
	state   uint8 // what comes next
}

// jsonWalker tokenizes JSON from src (or from a fixed slice) and adds each
// string and number to the batcher field of its path ("a.b[].c"). It holds
// the unread input in buf[pos:end]; a token is consumed only once it is
// complete, so a token cut by the end of the buffer is parsed again after a
// refill. Not safe for concurrent use.
type jsonWalker struct {
	b       *batcher
	path    []byte
	stack   []jsonFrame
	records int64 // top-level values, or elements of a top-level array

	src      io.Reader // nil: buf[:end] is the whole input
	buf      []byte    // own, or a JSON Lines line that w does not own
	own      []byte    // w's buffer for reading src
	pos, end int
	eof      bool
	restAt   int    // after a syntax error: where the text fallback starts
	scratch  []byte // unquoted strings with escapes

	// A number is held back until the next token shows that the input did
	// not end inside it.
	num      []byte
	numField int
	hasNum   bool
}

// getJSONWalker returns a walker for b, reusing pooled buffers.
func getJSONWalker(b *batcher) *jsonWalker {
	w := jsonWalkerPool.Get().(*jsonWalker)
	w.b = b
	return w
}

func putJSONWalker(w *jsonWalker) {
	if cap(w.own) > 1<<20 {
		w.own = nil
	}
	if cap(w.scratch) > 1<<20 {
		w.scratch = nil
	}
	*w = jsonWalker{path: w.path[:0], stack: w.stack[:0], own: w.own[:0], scratch: w.scratch[:0], num: w.num[:0]}
	jsonWalkerPool.Put(w)
}

// resetReader prepares w to walk src.
func (w *jsonWalker) resetReader(src io.Reader) {
	w.src = src
	w.buf, w.pos, w.end, w.eof = w.own[:0], 0, 0, false
}

// resetBytes prepares w to walk the fixed input in (a JSON Lines line); the
// records count is kept.
func (w *jsonWalker) resetBytes(in []byte) {
	w.path = w.path[:0]
	w.stack = w.stack[:0]
	w.hasNum = false
	w.src = nil
	w.buf, w.pos, w.end, w.eof = in, 0, len(in), true
}

// more makes more input available, keeping buf[pos:end]. It returns false
// at the end of the input.
func (w *jsonWalker) more() bool {
	if w.eof || w.src == nil {
		return false
	}
	if w.pos > 0 {
		w.end = copy(w.buf, w.buf[w.pos:w.end])
		w.pos = 0
	}
	if cap(w.buf) == 0 {
		w.buf = make([]byte, 64<<10)
	}
	w.buf = w.buf[:cap(w.buf)]
	if w.end == len(w.buf) {
		nb := make([]byte, 2*len(w.buf))
		copy(nb, w.buf[:w.end])
		w.buf = nb
	}
	w.own = w.buf
	for range 100 {
		n, err := w.src.Read(w.buf[w.end:])
		w.end += n
		if err != nil {
			w.eof = true
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	w.eof = true // a reader that returns nothing forever
	return false
}

// run walks the input until the end (io.EOF), a syntax error
// (errJSONSyntax), errTooDeep, io.ErrUnexpectedEOF (the input ended inside a
// token), or an emit or context error. A number that the input ends in,
// inside a value, is dropped: it may be cut.
func (w *jsonWalker) run(ctx context.Context) error {
	err := w.walk(ctx)
	if w.hasNum {
		w.hasNum = false
		if classifyJSONErr(err, w) != jsonTruncated {
			if aerr := w.b.addBytes(w.numField, w.num); aerr != nil {
				return aerr
			}
		}
	}
	return err
}

// flushNum adds the held-back number: the token after it has arrived.
func (w *jsonWalker) flushNum() error {
	if !w.hasNum {
		return nil
	}
	w.hasNum = false
	return w.b.addBytes(w.numField, w.num)
}

func (w *jsonWalker) walk(ctx context.Context) error {
	for n := 1; ; n++ {
		if n&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		// Skip white space.
		for {
			for w.pos < w.end {
				switch w.buf[w.pos] {
				case ' ', '\t', '\n', '\r':
					w.pos++
					continue
				}
				break
			}
			if w.pos < w.end || !w.more() {
				break
			}
		}
		if w.pos >= w.end {
			return io.EOF
		}
		c := w.buf[w.pos]
		top := len(w.stack)
		if top == 0 {
			if err := w.value(c); err != nil {
				return err
			}
			continue
		}
		f := &w.stack[top-1]
		switch f.state {
		case stObjStart, stObjKey:
			if c == '}' && f.state == stObjStart {
				if err := w.flushNum(); err != nil {
					return err
				}
				w.pos++
				w.close()
				continue
			}
			if c != '"' {
				return w.syntax()
			}
			k, err := w.str()
			if err != nil {
				return err
			}
			if err := w.flushNum(); err != nil {
				return err
			}
			if err := w.key(f, k); err != nil {
				return err
			}
			f.state = stObjColon
		case stObjColon:
			if c != ':' {
				return w.syntax()
			}
			w.pos++
			f.state = stObjValue
		case stObjValue, stArrValue:
			if err := w.value(c); err != nil {
				return err
			}
		case stArrStart:
			if c == ']' {
				if err := w.flushNum(); err != nil {
					return err
				}
				w.pos++
				w.close()
				continue
			}
			if err := w.value(c); err != nil {
				return err
			}
		case stObjNext, stArrNext:
			switch {
			case c == ',':
				w.pos++
				if f.state == stObjNext {
					f.state = stObjKey
				} else {
					f.state = stArrValue
				}
			case c == '}' && f.state == stObjNext, c == ']' && f.state == stArrNext:
				if err := w.flushNum(); err != nil {
					return err
				}
				w.pos++
				w.close()
			default:
				return w.syntax()
			}
		}
	}
}

// syntax records where the text fallback starts and returns errJSONSyntax.
func (w *jsonWalker) syntax() error {
	w.restAt = w.pos
	return errJSONSyntax
}

// value reads the value that starts with c at buf[pos].
func (w *jsonWalker) value(c byte) error {
	switch {
	case c == '{' || c == '[':
		if err := w.flushNum(); err != nil {
			return err
		}
		w.pos++
		if len(w.stack) >= maxDepth {
			w.restAt = w.pos
			return errTooDeep
		}
		f := jsonFrame{pathLen: len(w.path), state: stObjStart}
		if c == '[' {
			f.state = stArrStart
			w.path = appendPathBytes(w.path, arrayMark)
		}
		w.stack = append(w.stack, f)
		return nil
	case c == '"':
		v, err := w.str()
		if err != nil {
			return err
		}
		if err := w.flushNum(); err != nil {
			return err
		}
		if err := w.b.addBytes(w.b.lookup(w.path), v); err != nil {
			return err
		}
	case c == '-' || c >= '0' && c <= '9':
		v, err := w.number()
		if err != nil {
			return err
		}
		if err := w.flushNum(); err != nil {
			return err
		}
		w.num = append(w.num[:0], v...)
		w.numField = w.b.lookup(w.path)
		w.hasNum = true
	case c == 't' || c == 'f' || c == 'n':
		if err := w.literal(c); err != nil {
			return err
		}
		if err := w.flushNum(); err != nil {
			return err
		}
	default:
		return w.syntax()
	}
	w.valueDone()
	return nil
}

// close ends the innermost container, whose closing bracket was consumed.
func (w *jsonWalker) close() {
	f := w.stack[len(w.stack)-1]
	w.stack = w.stack[:len(w.stack)-1]
	w.path = w.path[:f.pathLen]
	if len(w.stack) > 0 || f.state < stArrStart {
		w.valueDone()
	}
}

// valueDone records the end of a value: in an object a ',' or '}' comes
// next; at the top level, or in a top-level array, a record is done.
func (w *jsonWalker) valueDone() {
	n := len(w.stack)
	if n == 0 {
		w.records++
		return
	}
	f := &w.stack[n-1]
	if f.state < stArrStart {
		f.state = stObjNext
		return
	}
	f.state = stArrNext
	if n == 1 {
		w.records++
	}
}

// key sets the path for the value of key k in object f. A key that looks
// like data rather than a name (an address, an id, a date), and every key
// past the 256th of one object (a map), shows as "*" in the path and is
// added as a value of that path.
func (w *jsonWalker) key(f *jsonFrame, k []byte) error {
	f.keys++
	w.path = w.path[:f.pathLen]
	if f.keys <= 256 && nameLikeBytes(k) {
		w.path = appendPathBytes(w.path, k)
		return nil
	}
	w.path = appendPathBytes(w.path, starMark)
	return w.b.addBytes(w.b.lookup(w.path), k)
}

var (
	arrayMark = []byte("[]")
	starMark  = []byte("*")
)

// strClass marks the bytes that end the fast scan of a string: the quote,
// the backslash, control characters and non-ASCII bytes.
var strClass = func() (t [256]byte) {
	for c := 0; c < 0x20; c++ {
		t[c] = 1
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = 2
	}
	t['"'] = 1
	t['\\'] = 1
	return t
}()

// str reads the string at buf[pos] (which is '"') and returns its unquoted
// value, valid until the next call of str or more.
func (w *jsonWalker) str() ([]byte, error) {
	for {
		start := w.pos + 1
		i := start
		high := false
		buf := w.buf[:w.end]
		for i < len(buf) {
			k := strClass[buf[i]]
			if k == 0 {
				i++
				continue
			}
			if k == 2 {
				high = true
				i++
				continue
			}
			break
		}
		if i < len(buf) {
			switch c := buf[i]; {
			case c == '"':
				v := buf[start:i]
				if high && !utf8.Valid(v) {
					w.scratch = appendUnquoted(w.scratch[:0], v)
					v = w.scratch
				}
				w.pos = i + 1
				return v, nil
			case c == '\\':
				v, n, err := w.slowStr(start)
				if err == nil {
					w.pos = n
					return v, nil
				}
				if err != io.ErrUnexpectedEOF {
					return nil, err
				}
			default: // control character
				return nil, w.syntax()
			}
		}
		if !w.more() {
			return nil, io.ErrUnexpectedEOF
		}
	}
}

// slowStr unquotes the string whose content starts at buf[start] and that
// holds an escape. It returns the value, the position after the closing
// quote, and io.ErrUnexpectedEOF when the buffer ends first.
func (w *jsonWalker) slowStr(start int) ([]byte, int, error) {
	buf := w.buf[:w.end]
	// Find the closing quote, validating escapes.
	i := start
	for {
		if i >= len(buf) {
			return nil, 0, io.ErrUnexpectedEOF
		}
		c := buf[i]
		switch {
		case c == '"':
			w.scratch = appendUnquoted(w.scratch[:0], buf[start:i])
			return w.scratch, i + 1, nil
		case c < 0x20:
			return nil, 0, w.syntax()
		case c == '\\':
			if i+1 >= len(buf) {
				return nil, 0, io.ErrUnexpectedEOF
			}
			switch buf[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for j := 2; j < 6; j++ {
					if i+j >= len(buf) {
						return nil, 0, io.ErrUnexpectedEOF
					}
					if !isHex(buf[i+j]) {
						return nil, 0, w.syntax()
					}
				}
				i += 6
			default:
				return nil, 0, w.syntax()
			}
		default:
			i++
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) rune {
	switch {
	case c <= '9':
		return rune(c - '0')
	case c >= 'a':
		return rune(c - 'a' + 10)
	}
	return rune(c - 'A' + 10)
}

// getu4 decodes \uXXXX at the start of s, or returns -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		if !isHex(c) {
			return -1
		}
		r = r<<4 | hexVal(c)
	}
	return r
}

// appendUnquoted appends the content of a valid JSON string (escapes
// checked) to dst, as encoding/json unquotes it: invalid UTF-8 bytes and
// unpaired surrogates become U+FFFD.
func appendUnquoted(dst, s []byte) []byte {
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\':
			switch s[r+1] {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				rr := getu4(s[r:])
				r += 6
				if utf16.IsSurrogate(rr) {
					rr1 := getu4(s[r:])
					if dec := utf16.DecodeRune(rr, rr1); dec != utf8.RuneError {
						r += 6
						dst = utf8.AppendRune(dst, dec)
						continue
					}
					rr = utf8.RuneError
				}
				dst = utf8.AppendRune(dst, rr)
				continue
			default: // '"', '\\', '/'
				dst = append(dst, s[r+1])
			}
			r += 2
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			r += size
			dst = utf8.AppendRune(dst, rr)
		}
	}
	return dst
}

// number reads the number at buf[pos] following the JSON grammar and
// returns its literal text. The number ends at the first byte that cannot
// continue it; a number that does not follow the grammar is a syntax error
// at its first byte.
func (w *jsonWalker) number() ([]byte, error) {
	for {
		buf := w.buf[:w.end]
		i := w.pos
		ok := true
		need := false // the input ended where the grammar needs more
		digits := func() int {
			n := 0
			for i < len(buf) && buf[i] >= '0' && buf[i] <= '9' {
				i++
				n++
			}
			return n
		}
		if buf[i] == '-' {
			i++
		}
		switch {
		case i >= len(buf):
			need = true
		case buf[i] == '0':
			i++
		case buf[i] >= '1' && buf[i] <= '9':
			digits()
		default:
			ok = false
		}
		if ok && !need && i < len(buf) && buf[i] == '.' {
			i++
			if digits() == 0 {
				if i >= len(buf) {
					need = true
				} else {
					ok = false
				}
			}
		}
		if ok && !need && i < len(buf) && (buf[i] == 'e' || buf[i] == 'E') {
			i++
			if i < len(buf) && (buf[i] == '+' || buf[i] == '-') {
				i++
			}
			if digits() == 0 {
				if i >= len(buf) {
					need = true
				} else {
					ok = false
				}
			}
		}
		if !ok {
			return nil, w.syntax()
		}
		if !need && i < len(buf) {
			v := buf[w.pos:i]
			w.pos = i
			return v, nil
		}
		// The buffer ends in or right after the number: it may go on. more
		// may move the unread input to the front of the buffer.
		n := i - w.pos
		if !w.more() {
			if need {
				return nil, io.ErrUnexpectedEOF
			}
			v := w.buf[w.pos : w.pos+n]
			w.pos += n
			return v, nil
		}
	}
}

// literal reads true, false or null at buf[pos].
func (w *jsonWalker) literal(c byte) error {
	want := "null"
	switch c {
	case 't':
		want = "true"
	case 'f':
		want = "false"
	}
	for {
		buf := w.buf[w.pos:w.end]
		n := min(len(buf), len(want))
		if string(buf[:n]) != want[:n] {
			return w.syntax()
		}
		if n == len(want) {
			w.pos += n
			return nil
		}
		if !w.more() {
			return io.ErrUnexpectedEOF
		}
	}
}

// appendPath appends a segment to a path: "[]" as is, a key after a '.'
// unless the path is empty. A path never grows past maxPath bytes.
func appendPath(path []byte, seg string) []byte {
	sep := 0
	if seg != "[]" && len(path) > 0 {
		sep = 1
	}
	if len(path)+sep+len(seg) > maxPath {
		return path
	}
	if sep == 1 {
		path = append(path, '.')
	}
	return append(path, seg...)
}

// appendPathBytes is appendPath for a segment held in bytes.
func appendPathBytes(path, seg []byte) []byte {
	sep := 0
	if len(path) > 0 && string(seg) != "[]" {
		sep = 1
	}
	if len(path)+sep+len(seg) > maxPath {
		return path
	}
	if sep == 1 {
		path = append(path, '.')
	}
	return append(path, seg...)
}

// nameLike reports whether a JSON key reads as a field name: up to maxKey
// bytes, a letter, at most five digits, and only letters, digits, spaces and
// _-$:#/. — with '@' allowed only first ("@timestamp").
func nameLike(k string) bool {
	return nameLikeBytes([]byte(k))
}

// nameLikeBytes is nameLike for a key held in bytes.
func nameLikeBytes(k []byte) bool {
	if len(k) == 0 || len(k) > maxKey {
		return false
	}
	letter, digits := false, 0
	for i := 0; i < len(k); {
		c := k[i]
		if c < utf8.RuneSelf {
			switch {
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
				letter = true
			case c >= '0' && c <= '9':
				digits++
			case c == '_', c == '-', c == ' ', c == '$', c == ':', c == '#', c == '/', c == '.':
			case c == '@' && i == 0:
			default:
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(k[i:])
		if r == utf8.RuneError && size <= 1 || !unicode.IsLetter(r) {
			return false
		}
		letter = true
		i += size
	}
	return letter && digits <= 5
}
