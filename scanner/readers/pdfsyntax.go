package readers

import (
	"errors"
	"io"
	"strconv"
)

// PDF syntax: a lexer and an iterative object parser. Nothing here recurses:
// arrays and dictionaries are built on an explicit stack capped at
// pdfMaxNesting, and every value counts against an element budget, so a
// hostile file costs at most its own length in work and a bounded multiple
// of it in memory.

// Values of the object model. Strings are []byte, numbers int64 or float64,
// booleans bool, null nil.
type (
	pdfName  string
	pdfArray []any
	pdfDict  map[pdfName]any
	pdfRef   struct{ num, gen int }
)

// pdfKeyword is a bare word that is not a value: an operator in a content
// stream, or obj, endobj, stream, R in the file structure.
type pdfKeyword string

const (
	pdfMaxNesting = 64 // arrays and dictionaries inside one another
)

var (
	errPDFSyntax = errors.New("readers: pdf: syntax error")
	errPDFDeep   = errors.New("readers: pdf: nesting too deep")
	errPDFBudget = errors.New("readers: pdf: element budget spent")
)

// pdfLexer reads tokens from b starting at pos.
type pdfLexer struct {
	b   []byte
	pos int
}

// pdfSpace reports PDF white space.
func pdfSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

// pdfDelim reports PDF delimiters.
func pdfDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// skipSpace skips white space and comments.
func (lx *pdfLexer) skipSpace() {
	for lx.pos < len(lx.b) {
		c := lx.b[lx.pos]
		switch {
		case pdfSpace(c):
			lx.pos++
		case c == '%':
			for lx.pos < len(lx.b) && lx.b[lx.pos] != '\n' && lx.b[lx.pos] != '\r' {
				lx.pos++
			}
		default:
			return
		}
	}
}

// token kinds.
const (
	tokEOF = iota
	tokValue
	tokKeyword
	tokArrayOpen
	tokArrayClose
	tokDictOpen
	tokDictClose
	tokBad
)

// next returns the next token: a scalar value (number, name, string,
// boolean, null), a keyword, a bracket, or tokEOF.
func (lx *pdfLexer) next() (int, any) {
	lx.skipSpace()
	if lx.pos >= len(lx.b) {
		return tokEOF, nil
	}
	c := lx.b[lx.pos]
	switch c {
	case '[':
		lx.pos++
		return tokArrayOpen, nil
	case ']':
		lx.pos++
		return tokArrayClose, nil
	case '<':
		if lx.pos+1 < len(lx.b) && lx.b[lx.pos+1] == '<' {
			lx.pos += 2
			return tokDictOpen, nil
		}
		s, ok := lx.hexString()
		if !ok {
			return tokBad, nil
		}
		return tokValue, s
	case '>':
		if lx.pos+1 < len(lx.b) && lx.b[lx.pos+1] == '>' {
			lx.pos += 2
			return tokDictClose, nil
		}
		lx.pos++
		return tokBad, nil
	case '(':
		s, ok := lx.literalString()
		if !ok {
			return tokBad, nil
		}
		return tokValue, s
	case '/':
		return tokValue, lx.name()
	case ')', '{', '}':
		lx.pos++
		return tokBad, nil
	}
	start := lx.pos
	for lx.pos < len(lx.b) && !pdfSpace(lx.b[lx.pos]) && !pdfDelim(lx.b[lx.pos]) {
		lx.pos++
	}
	word := lx.b[start:lx.pos]
	if c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9') {
		if v, ok := pdfNumber(word); ok {
			return tokValue, v
		}
	}
	switch string(word) {
	case "true":
		return tokValue, true
	case "false":
		return tokValue, false
	case "null":
		return tokValue, nil
	}
	return tokKeyword, pdfKeyword(word)
}

// pdfNumber parses an integer or a real.
func pdfNumber(w []byte) (any, bool) {
	if len(w) > 32 {
		return nil, false
	}
	if i, err := strconv.ParseInt(string(w), 10, 64); err == nil {
		return i, true
	}
	if f, err := strconv.ParseFloat(string(w), 64); err == nil {
		return f, true
	}
	return nil, false
}

// name reads a name after its '/', decoding #xx escapes.
func (lx *pdfLexer) name() pdfName {
	lx.pos++
	start := lx.pos
	for lx.pos < len(lx.b) && !pdfSpace(lx.b[lx.pos]) && !pdfDelim(lx.b[lx.pos]) {
		lx.pos++
	}
	raw := lx.b[start:lx.pos]
	if len(raw) > 256 {
		raw = raw[:256]
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] == '#' {
			return pdfName(unhashName(raw))
		}
	}
	return pdfName(raw)
}

// unhashName decodes the #xx escapes of a name.
func unhashName(raw []byte) []byte {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		if raw[i] == '#' && i+2 < len(raw) {
			if h, l := unhex(raw[i+1]), unhex(raw[i+2]); h >= 0 && l >= 0 {
				out = append(out, byte(h<<4|l))
				i += 2
				continue
			}
		}
		out = append(out, raw[i])
	}
	return out
}

// unhex returns the value of a hex digit, or -1.
func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// hexString reads <...>; a last odd digit counts as followed by 0.
func (lx *pdfLexer) hexString() ([]byte, bool) {
	lx.pos++
	var out []byte
	hi := -1
	for lx.pos < len(lx.b) {
		c := lx.b[lx.pos]
		lx.pos++
		if c == '>' {
			if hi >= 0 {
				out = append(out, byte(hi<<4))
			}
			return out, true
		}
		v := unhex(c)
		if v < 0 {
			if pdfSpace(c) {
				continue
			}
			return nil, false
		}
		if hi < 0 {
			hi = v
		} else {
			out = append(out, byte(hi<<4|v))
			hi = -1
		}
	}
	return nil, false
}

// literalString reads (...) with balanced parentheses and escapes.
func (lx *pdfLexer) literalString() ([]byte, bool) {
	lx.pos++
	var out []byte
	depth := 1
	for lx.pos < len(lx.b) {
		c := lx.b[lx.pos]
		lx.pos++
		switch c {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return out, true
			}
		case '\r':
			c = '\n' // an end of line in a string is a line feed
			if lx.pos < len(lx.b) && lx.b[lx.pos] == '\n' {
				lx.pos++
			}
		case '\\':
			if lx.pos >= len(lx.b) {
				return nil, false
			}
			e := lx.b[lx.pos]
			lx.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if lx.pos < len(lx.b) && lx.b[lx.pos] == '\n' {
					lx.pos++
				}
				continue // line continuation
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && lx.pos < len(lx.b) && lx.b[lx.pos] >= '0' && lx.b[lx.pos] <= '7'; k++ {
						v = v*8 + int(lx.b[lx.pos]-'0')
						lx.pos++
					}
					c = byte(v)
				} else {
					c = e // \( \) \\ and unknown escapes
				}
			}
		}
		out = append(out, c)
	}
	return nil, false
}

// pdfParser builds values from tokens without recursion.
type pdfParser struct {
	budget int // elements (values inside arrays and dictionaries) left
}

// frame is an array or dictionary under construction.
type frame struct {
	arr    pdfArray
	dict   pdfDict
	isDict bool
	key    pdfName
	hasKey bool
}

// parse reads one value at lx, or returns the keyword found instead. An
// integer followed by an integer and R is a reference. Nesting past
// pdfMaxNesting, running out of budget or a syntax error fail; lx is then
// left where parsing stopped. At the end of the input it returns io.EOF.
func (p *pdfParser) parse(lx *pdfLexer) (any, pdfKeyword, error) {
	var stack []frame
	for {
		kind, v := lx.next()
		switch kind {
		case tokEOF:
			if len(stack) == 0 {
				return nil, "", io.EOF
			}
			return nil, "", errPDFSyntax
		case tokBad:
			return nil, "", errPDFSyntax
		case tokKeyword:
			kw := v.(pdfKeyword)
			if len(stack) == 0 {
				return nil, kw, nil
			}
			continue // a stray word inside a container: skip it
		case tokArrayOpen, tokDictOpen:
			if len(stack) >= pdfMaxNesting {
				return nil, "", errPDFDeep
			}
			f := frame{isDict: kind == tokDictOpen}
			if f.isDict {
				f.dict = pdfDict{}
			}
			stack = append(stack, f)
			continue
		case tokArrayClose, tokDictClose:
			if len(stack) == 0 || stack[len(stack)-1].isDict != (kind == tokDictClose) {
				return nil, "", errPDFSyntax
			}
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if top.isDict {
				v = top.dict
			} else {
				v = top.arr
			}
		case tokValue:
			if i, ok := v.(int64); ok {
				v = p.maybeRef(lx, i)
			}
		}
		if len(stack) == 0 {
			return v, "", nil
		}
		if p.budget--; p.budget < 0 {
			return nil, "", errPDFBudget
		}
		top := &stack[len(stack)-1]
		switch {
		case !top.isDict:
			top.arr = append(top.arr, v)
		case top.hasKey:
			top.dict[top.key] = v
			top.hasKey = false
		default:
			if k, ok := v.(pdfName); ok {
				top.key, top.hasKey = k, true
			} // a key that is not a name is dropped
		}
	}
}

// maybeRef turns "i g R" into a reference, leaving lx after it; otherwise
// it returns i and leaves lx alone.
func (p *pdfParser) maybeRef(lx *pdfLexer, i int64) any {
	save := lx.pos
	if k, g := lx.next(); k == tokValue {
		if gen, ok := g.(int64); ok {
			if k, r := lx.next(); k == tokKeyword && r == pdfKeyword("R") && i >= 0 && i < 1<<31 && gen >= 0 && gen < 1<<16 {
				return pdfRef{int(i), int(gen)}
			}
		}
	}
	lx.pos = save
	return i
}

// pdfNum returns a number as float64.
func pdfNum(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}
