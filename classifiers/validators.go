package classifiers

import (
	"bytes"
	"slices"
	"strings"
)

// Validators, normalizers and Refine hooks used by the builtin table. They
// get raw bytes from the buffer being scanned and must accept any input
// without panicking: the fuzz targets call them directly.
//
// This file holds the shared pieces (character classes, check-digit
// algorithms, dates, the keyword-adjacency and isolation Refine hooks);
// validators_credentials.go, validators_financial.go,
// validators_personal.go and validators_health.go hold one category each.

// refineFunc is the type of identifier.Refine.
type refineFunc = func(buf []byte, start, end int) (newStart, newEnd int, ok bool)

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

func isLower(c byte) bool { return 'a' <= c && c <= 'z' }

func isLetter(c byte) bool { return isUpper(c) || isLower(c) }

func isAlnum(c byte) bool { return isLetter(c) || isDigit(c) }

// isAllDigits reports whether b is non-empty and only ASCII digits.
func isAllDigits(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// The normalizers below return b itself, capacity cut to its length, when
// it is already in their form (most values of dense data are): a scan
// calls them once or twice per match, and each copy was an allocation.
// Their results are only read.

// digitsOnly returns the ASCII digits of b.
func digitsOnly(b []byte) []byte {
	if isAllDigits(b) {
		return b[:len(b):len(b)]
	}
	return appendDigits(make([]byte, 0, len(b)), b)
}

// appendDigits appends the ASCII digits of b to dst. A check that only
// reads the digits passes an array of its own as dst (digitsOf), which
// stays on the stack.
func appendDigits(dst, b []byte) []byte {
	for _, c := range b {
		if isDigit(c) {
			dst = append(dst, c)
		}
	}
	return dst
}

// digits is room for the digits of a number, on the caller's stack.
type digits [24]byte

// of returns the ASCII digits of b, in d's room when they fit.
func (d *digits) of(b []byte) []byte {
	return appendDigits(d[:0], b)
}

// stripSpaces returns b without ASCII spaces.
func stripSpaces(b []byte) []byte {
	i := bytes.IndexByte(b, ' ')
	if i < 0 {
		return b[:len(b):len(b)]
	}
	out := append(make([]byte, 0, len(b)), b[:i]...)
	for _, c := range b[i+1:] {
		if c != ' ' {
			out = append(out, c)
		}
	}
	return out
}

// lowerASCII returns b with ASCII letters lowercased.
func lowerASCII(b []byte) []byte {
	for i, c := range b {
		if isUpper(c) {
			out := append(make([]byte, 0, len(b)), b...)
			for j := i; j < len(out); j++ {
				if isUpper(out[j]) {
					out[j] += 'a' - 'A'
				}
			}
			return out
		}
	}
	return b[:len(b):len(b)]
}

// upperAlnum returns the ASCII letters and digits of b, letters upper
// case: the normalized form of identifiers written with optional
// separators ("AB 12 34 56 C" and "ab123456c" both give "AB123456C").
func upperAlnum(b []byte) []byte {
	for _, c := range b {
		if !isUpper(c) && !isDigit(c) {
			return upperAlnumCopy(b)
		}
	}
	return b[:len(b):len(b)]
}

func upperAlnumCopy(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		switch {
		case isLower(c):
			out = append(out, c-('a'-'A'))
		case isUpper(c), isDigit(c):
			out = append(out, c)
		}
	}
	return out
}

// distinct counts the distinct bytes of b.
func distinct(b []byte) int {
	var seen [256]bool
	n := 0
	for _, c := range b {
		if !seen[c] {
			seen[c] = true
			n++
		}
	}
	return n
}

// num parses the ASCII digits d as a non-negative integer; it returns -1
// if d is empty, longer than 18 digits or holds anything else.
func num(d []byte) int {
	if len(d) == 0 || len(d) > 18 {
		return -1
	}
	v := 0
	for _, c := range d {
		if !isDigit(c) {
			return -1
		}
		v = v*10 + int(c-'0')
	}
	return v
}

// digitGroups splits a candidate into its digits and the one separator
// between its digit groups: "123-45-6789" gives ("123456789", '-'), a
// contiguous number gives separator 0. ok is false if the candidate holds
// a letter, mixes separators, or repeats a separator.
func digitGroups(b []byte) (digits []byte, sep byte, ok bool) {
	if sep, ok = groupSep(b); !ok {
		return nil, 0, false
	}
	return digitsOnly(b), sep, true
}

// groupSep is digitGroups without the digits.
func groupSep(b []byte) (sep byte, ok bool) {
	prevSep := false
	for i, c := range b {
		switch {
		case isDigit(c):
			prevSep = false
		case isLetter(c):
			return 0, false
		default:
			if i == 0 || prevSep || (sep != 0 && c != sep) {
				return 0, false
			}
			sep, prevSep = c, true
		}
	}
	return sep, len(b) > 0 && !prevSep
}

// luhnValid reports whether s is a non-empty string of ASCII digits whose
// Luhn (mod 10) checksum is 0.
func luhnValid(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if !isDigit(c) {
			return false
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// Verhoeff tables: the dihedral group D5 multiplication, the position
// permutation and the inverse.
var (
	verhoeffD = [10][10]byte{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		{1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
		{2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
		{3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
		{4, 0, 1, 2, 3, 9, 5, 6, 7, 8},
		{5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
		{6, 5, 9, 8, 7, 1, 0, 4, 3, 2},
		{7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
		{8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
		{9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
	}
	verhoeffP = [8][10]byte{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		{1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
		{5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
		{8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
		{9, 4, 5, 3, 1, 2, 6, 8, 7, 0},
		{4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
		{2, 7, 9, 3, 8, 0, 6, 4, 1, 5},
		{7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
	}
)

// verhoeffValid reports whether the ASCII digits s carry a valid Verhoeff
// check digit (the last one).
func verhoeffValid(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	c := byte(0)
	for i := range s {
		d := s[len(s)-1-i]
		if !isDigit(d) {
			return false
		}
		c = verhoeffD[c][verhoeffP[i%8][d-'0']]
	}
	return c == 0
}

// mod11_10Valid reports whether the ASCII digits s end in a valid ISO/IEC
// 7064 MOD 11,10 check digit (the German tax id's scheme).
func mod11_10Valid(s []byte) bool {
	if len(s) < 2 || !isAllDigits(s) {
		return false
	}
	product := 10
	for _, c := range s[:len(s)-1] {
		sum := (int(c-'0') + product) % 10
		if sum == 0 {
			sum = 10
		}
		product = (2 * sum) % 11
	}
	check := 11 - product
	if check == 10 {
		check = 0
	}
	return check == int(s[len(s)-1]-'0')
}

// weightedSum returns the sum of the ASCII digits d times weights,
// position by position; d must hold at least len(weights) digits.
func weightedSum(d []byte, weights ...int) int {
	sum := 0
	for i, w := range weights {
		sum += int(d[i]-'0') * w
	}
	return sum
}

// validDate reports whether year-month-day is a date of the Gregorian
// calendar.
func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return d <= 29
	}
	return d <= days[m]
}

// chainRefine returns a Refine that applies fs in order; nil entries are
// skipped.
func chainRefine(fs ...refineFunc) refineFunc {
	return func(buf []byte, start, end int) (int, int, bool) {
		for _, f := range fs {
			if f == nil {
				continue
			}
			var ok bool
			if start, end, ok = f(buf, start, end); !ok {
				return 0, 0, false
			}
		}
		return start, end, true
	}
}

// refineIsolated returns a Refine that drops a match glued to a further
// letter or digit directly, or through one of seps to a digit (to a
// letter too, for a separator other than a space): "4111 1111 1111"
// inside a 16-digit card written in groups, "1.2.3.4" inside "1.2.3.4.5",
// a date "12/27" inside "12/27/2023", "8900-4705-8921" inside a UUID.
// RE2's \b cannot say "not followed by a space and a digit".
func refineIsolated(seps string) refineFunc {
	return func(buf []byte, start, end int) (int, int, bool) {
		if start < 0 || end > len(buf) || start >= end {
			return 0, 0, false
		}
		glued := func(sep, c byte) bool {
			if strings.IndexByte(seps, sep) < 0 {
				return false
			}
			return isDigit(c) || (sep != ' ' && isLetter(c))
		}
		if start > 0 {
			c := buf[start-1]
			if isAlnum(c) || (start > 1 && glued(c, buf[start-2])) {
				return 0, 0, false
			}
		}
		if end < len(buf) {
			c := buf[end]
			if isAlnum(c) || (end+1 < len(buf) && glued(c, buf[end+1])) {
				return 0, 0, false
			}
		}
		return start, end, true
	}
}

// labelIndex finds the keyword closest before a value among the keywords
// of every identifier of a table, so that a value is labelled by the
// label right before it and not by an earlier one: in "passport: none,
// BSN: 123456782" the BSN label, not the passport one, names the number.
type labelIndex struct {
	// byLast maps the last word of each keyword (word form) to the
	// keywords ending in it.
	byLast map[string][]labelEntry
}

// labelEntry is one keyword, as words, and the identifiers listing it.
type labelEntry struct {
	words []string
	ids   []string
}

// newLabelIndex indexes the keywords of table.
func newLabelIndex(table []identifier) *labelIndex {
	byKW := map[string]*labelEntry{}
	var order []string
	for _, id := range table {
		for _, kw := range id.Keywords {
			wf := string(wordForm(kw))
			if wf == "" {
				continue
			}
			e := byKW[wf]
			if e == nil {
				e = &labelEntry{words: strings.Fields(wf)}
				byKW[wf] = e
				order = append(order, wf)
			}
			if !slices.Contains(e.ids, id.ID) {
				e.ids = append(e.ids, id.ID)
			}
		}
	}
	x := &labelIndex{byLast: map[string][]labelEntry{}}
	for _, wf := range order {
		e := byKW[wf]
		last := e.words[len(e.words)-1]
		x.byLast[last] = append(x.byLast[last], *e)
	}
	return x
}

// nearest looks for the keyword that ends closest to the end of hay, a
// word form (the last word first; a word may carry a plural s, or up to
// two trailing digits after a keyword of three letters or more). found
// reports whether there is one, mine whether it is one of id's, and after
// how many words follow it.
func (x *labelIndex) nearest(hay []byte, id string) (found, mine bool, after int) {
	end := len(hay)
	for after = 0; ; after++ {
		i, j := lastWord(hay, end)
		if i < 0 {
			return false, false, -1
		}
		w := hay[i:j]
		cands := [3][]byte{w, bytes.TrimSuffix(w, []byte("s"))}
		if t := bytes.TrimRight(w, "0123456789"); len(w)-len(t) <= 2 && len(t) >= 3 {
			cands[2] = t
		}
		for ci, c := range cands {
			if len(c) == 0 || (ci > 0 && len(c) == len(w)) {
				continue
			}
			entries := x.byLast[string(c)]
			for _, e := range entries {
				if wordsBefore(hay, i, e.words[:len(e.words)-1]) {
					found = true
					mine = mine || slices.Contains(e.ids, id)
				}
			}
		}
		if found {
			return found, mine, after
		}
		end = i
	}
}

// lastWord returns the bounds of the last word of hay[:end] (words are
// separated by spaces), or -1, -1 if it has none.
func lastWord(hay []byte, end int) (int, int) {
	for end > 0 && hay[end-1] == ' ' {
		end--
	}
	i := end
	for i > 0 && hay[i-1] != ' ' {
		i--
	}
	if i == end {
		return -1, -1
	}
	return i, end
}

// wordsBefore reports whether words are the words of hay that end right
// before offset i.
func wordsBefore(hay []byte, i int, words []string) bool {
	for m := len(words) - 1; m >= 0; m-- {
		a, b := lastWord(hay, i)
		if a < 0 || string(hay[a:b]) != words[m] {
			return false
		}
		i = a
	}
	return true
}

// labelDelimiter returns the position of the ':', '=' or '#' that
// introduces the value at start ("passport: 123", "rtn=021000021",
// "DL# S530…"), skipping blanks and quotes, or -1.
func labelDelimiter(buf []byte, start int) int {
	for i := start - 1; i >= 0 && i >= start-8; i-- {
		switch buf[i] {
		case ' ', '\t', '"', '\'':
			continue
		case ':', '=', '#':
			return i
		}
		return -1
	}
	return -1
}

// keywordAdjacent reports whether a match of identifier id at start
// passes the KeywordAdjacent rule. In the dist bytes before start, the
// text after the last number must end with a label of id: of all keywords
// of all identifiers there, the one closest to the match must be one of
// id's (kws), and if a ':', '=' or '#' introduces the match, that keyword
// must end at most one word before it ("passport number: …"). Without any label there, no keyword of id may stand before
// that number either ("ssn 123-45-6789, passport 123456789": "ssn" does not
// reach past the first number), and then only the field name can label the
// match, which the engine checks. A number is a run of letters, digits and
// underscores with a digit and no letter, so "cvv2:" and "ssn_2019" still
// label what follows them. near bounds where a keyword of id can be: where
// it says none can, the text is not read.
func keywordAdjacent(buf []byte, start, dist int, id string, kws *keywordSet, labels *labelIndex, near keywordHint) bool {
	if start <= 0 || start > len(buf) {
		return true
	}
	lo := max(0, start-dist)
	from := lo
	for i := start - 1; i >= lo; {
		c := buf[i]
		if !isAlnum(c) && c != '_' {
			i--
			continue
		}
		j := i // the token is buf[j+1 .. i]
		letter := false
		for j >= lo && (isAlnum(buf[j]) || buf[j] == '_') {
			letter = letter || isLetter(buf[j])
			j--
		}
		if !letter && (j < 0 || !(isAlnum(buf[j]) || buf[j] == '_')) {
			from = i + 1 // a whole number: a label must follow it
			break
		}
		i = j
	}
	var scratch [2*maxKeywordDistance + 1]byte
	end := start
	if d := labelDelimiter(buf, start); d >= from {
		end = d
	}
	if found, mine, after := labels.nearest(windowWords(scratch[:0], buf, end, end-from), id); found {
		// Behind a delimiter the label is the word or two before it:
		// "passport: on file, order=893878232" is an order number.
		if end != start && after > 1 {
			return false
		}
		return mine
	}
	return from == lo || !near.near(from, from-lo) || !kws.foundIn(windowWords(scratch[:0], buf, from, from-lo))
}

// adjacencyRule returns identifier id's KeywordAdjacent rule (see
// identifier.KeywordAdjacent). kws are its keywords in word form, labels
// those of its whole table.
func adjacencyRule(id identifier, kws [][]byte, labels *labelIndex) func(buf []byte, start int, near keywordHint) bool {
	dist := id.KeywordDistance
	if dist == 0 {
		dist = defaultKeywordDistance
	}
	name := id.ID
	set := newKeywordSet(kws)
	return func(buf []byte, start int, near keywordHint) bool {
		return keywordAdjacent(buf, start, dist, name, &set, labels, near)
	}
}
