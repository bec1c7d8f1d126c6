package readers

// This file keeps the encoding/json Token-based JSON reader that the fast
// tokenizer in json.go replaced, unchanged but for its names. It is the
// oracle of FuzzJSONFast and TestJSONFastMatchesToken: for valid JSON both
// must emit the same segments and results.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
)

var (
	tokErrTooDeep     = errors.New("json nesting too deep")
	tokErrLineTooLong = errors.New("json line too long")
)

// readJSON streams one JSON document, or several concatenated, grouping
// string and number values by path. A document cut by the end of the input
// sets res.Truncated; a syntax error or nesting deeper than maxDepth sets
// res.Malformed and the rest of the input, from the offending token on, is
// emitted as text.
func readJSONToken(ctx context.Context, d *textDecoder, emit func(Segment) error, res *Result) error {
	b := newBatcher(emit)
	w := &tokWalker{b: b}
	dec := json.NewDecoder(d)
	dec.UseNumber()
	err := w.run(ctx, dec)
	res.Records += w.records
	switch classifyTokErr(err, w) {
	case tokOK:
	case tokTruncated:
		res.Truncated = true
	case tokMalformed:
		res.Malformed = true
		if err := b.flushAll(true); err != nil {
			return err
		}
		var text Result
		if err := readText(ctx, io.MultiReader(dec.Buffered(), d), emit, &text); err != nil {
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
func readJSONLToken(ctx context.Context, d *textDecoder, emit func(Segment) error, res *Result) error {
	br := getBufio(d)
	defer putBufio(br)
	b := newBatcher(emit)
	w := &tokWalker{b: b}
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
			w.reset()
			dec := json.NewDecoder(bytes.NewReader(trimmed))
			dec.UseNumber()
			perr := w.run(ctx, dec)
			switch classifyTokErr(perr, w) {
			case tokOK:
				good++
				res.Records++
			case tokTruncated:
				if atEOF {
					res.Truncated = true
					break
				}
				fallthrough
			case tokMalformed:
				bad++
				if err := b.add(0, string(trimmed)); err != nil {
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

type tokErrKind int

const (
	tokOK        tokErrKind = iota // the input ended between values
	tokTruncated                   // the input ended inside a value
	tokMalformed                   // a syntax error, or too deep
	tokOther                       // emit, context or read error: returned as is
)

func classifyTokErr(err error, w *tokWalker) tokErrKind {
	var syn *json.SyntaxError
	switch {
	case err == io.EOF && len(w.stack) == 0:
		return tokOK
	case err == io.EOF, err == io.ErrUnexpectedEOF:
		return tokTruncated
	case err == tokErrTooDeep, errors.As(err, &syn):
		return tokMalformed
	}
	return tokOther
}

// tokWalker follows the tokens of a JSON stream, keeps the path of the
// current value ("a.b[].c") and adds each string and number to the batcher
// field of its path. Not safe for concurrent use.
type tokWalker struct {
	b       *batcher
	path    []byte
	stack   []tokFrame
	records int64 // top-level values, or elements of a top-level array

	// A number is held back until the next token shows that the input did
	// not end inside it.
	num      string
	numField int
	hasNum   bool
}

type tokFrame struct {
	pathLen int  // len(path) of the container itself
	array   bool // an array, else an object
	wantKey bool // an object whose next string is a key
	keys    int  // keys seen in an object
}

func (w *tokWalker) reset() {
	w.path = w.path[:0]
	w.stack = w.stack[:0]
	w.hasNum = false
}

// run walks tokens until dec fails; at the clean end of input that is io.EOF.
// A number that the input ends in, inside a value, is dropped: it may be cut.
func (w *tokWalker) run(ctx context.Context, dec *json.Decoder) error {
	err := w.walk(ctx, dec)
	if w.hasNum {
		w.hasNum = false
		if classifyTokErr(err, w) != tokTruncated {
			if aerr := w.b.add(w.numField, w.num); aerr != nil {
				return aerr
			}
		}
	}
	return err
}

func (w *tokWalker) walk(ctx context.Context, dec *json.Decoder) error {
	for n := 1; ; n++ {
		if n&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if w.hasNum {
			w.hasNum = false
			if err := w.b.add(w.numField, w.num); err != nil {
				return err
			}
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				if len(w.stack) >= maxDepth {
					return tokErrTooDeep
				}
				f := tokFrame{pathLen: len(w.path), array: v == '[', wantKey: v == '{'}
				if f.array {
					w.path = appendPath(w.path, "[]")
				}
				w.stack = append(w.stack, f)
			default: // '}' or ']'
				if len(w.stack) == 0 {
					return tokErrTooDeep // unreachable: the decoder checks nesting
				}
				f := w.stack[len(w.stack)-1]
				w.stack = w.stack[:len(w.stack)-1]
				w.path = w.path[:f.pathLen]
				if len(w.stack) > 0 || !f.array {
					w.valueDone()
				}
			}
		case string:
			if n := len(w.stack); n > 0 && w.stack[n-1].wantKey {
				if err := w.key(&w.stack[n-1], v); err != nil {
					return err
				}
				continue
			}
			if err := w.b.add(w.b.lookup(w.path), v); err != nil {
				return err
			}
			w.valueDone()
		case json.Number:
			w.num, w.numField, w.hasNum = string(v), w.b.lookup(w.path), true
			w.valueDone()
		default: // bool, nil
			w.valueDone()
		}
	}
}

// key sets the path for the value of key k in object f. A key that looks
// like data rather than a name (an address, an id, a date), and every key
// past the 256th of one object (a map), shows as "*" in the path and is
// added as a value of that path.
func (w *tokWalker) key(f *tokFrame, k string) error {
	f.wantKey = false
	f.keys++
	w.path = w.path[:f.pathLen]
	if f.keys <= 256 && nameLike(k) {
		w.path = appendPath(w.path, k)
		return nil
	}
	w.path = appendPath(w.path, "*")
	return w.b.add(w.b.lookup(w.path), k)
}

// valueDone records the end of a value: in an object the next string is a
// key; at the top level, or in a top-level array, a record is done.
func (w *tokWalker) valueDone() {
	n := len(w.stack)
	switch {
	case n == 0:
		w.records++
	case !w.stack[n-1].array:
		w.stack[n-1].wantKey = true
	case n == 1:
		w.records++
	}
}
