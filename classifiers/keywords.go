package classifiers

import (
	"bytes"
	"slices"
)

// Keyword context. Keywords, field names and the text before a match are
// all brought to one "word form" before comparing: ASCII letters lower
// case, camelCase split, digits kept, and every other run of bytes (space,
// _, -, ., :, quotes, non-ASCII) one space. So "SecretAccessKey",
// "secret_access_key" and "Secret-Access-Key" all read "secret access key".
// A keyword counts only as whole words (an optional plural s or a short
// trailing number allowed: "phones", "ssn2"): "tel" does not match inside
// "hotel", nor "dea" inside the hex id "3b35dea9f1". Long random-looking tokens
// (20 or more base64 characters mixing upper case, lower case and digits:
// keys, blobs, hashes) are kept as one opaque word instead of being split
// at their case changes, so "DxF6Ki7QGwDl1vG7Uqbf" does not read "dl".

// opaqueMin is the length from which a mixed-case alphanumeric token is
// taken as random (a key, a blob) rather than as camelCase words.
const opaqueMin = 20

// opaqueRun returns the length of the run of base64 characters at the
// start of b if it is opaque: at least opaqueMin long with upper-case,
// lower-case letters and digits. Otherwise it returns 0.
func opaqueRun(b []byte) int {
	var upper, lower, digit bool
	n := 0
	for n < len(b) {
		c := b[n]
		switch {
		case isUpper(c):
			upper = true
		case isLower(c):
			lower = true
		case isDigit(c):
			digit = true
		case c == '+' || c == '/':
		default:
			goto done
		}
		n++
	}
done:
	if n >= opaqueMin && upper && lower && digit {
		return n
	}
	return 0
}

// appendWords appends the word form of src to dst.
func appendWords(dst, src []byte) []byte {
	prevLower := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		if i == 0 || !(isAlnum(src[i-1]) || src[i-1] == '+' || src[i-1] == '/') {
			if n := opaqueRun(src[i:]); n > 0 {
				if len(dst) > 0 && dst[len(dst)-1] != ' ' {
					dst = append(dst, ' ')
				}
				for _, c := range src[i : i+n] {
					switch {
					case isUpper(c):
						dst = append(dst, c+('a'-'A'))
					case isLower(c), isDigit(c):
						dst = append(dst, c)
					}
				}
				dst = append(dst, ' ')
				i += n - 1
				prevLower = false
				continue
			}
		}
		switch {
		case isLower(c):
			dst = append(dst, c)
			prevLower = true
		case isUpper(c):
			if prevLower {
				dst = append(dst, ' ')
			}
			dst = append(dst, c+('a'-'A'))
			prevLower = false
		case isDigit(c):
			dst = append(dst, c)
			prevLower = false
		default:
			if len(dst) > 0 && dst[len(dst)-1] != ' ' {
				dst = append(dst, ' ')
			}
			prevLower = false
		}
	}
	return dst
}

// wordForm returns the word form of s, trimmed of spaces.
func wordForm(s string) []byte {
	return bytes.TrimSpace(appendWords(nil, []byte(s)))
}

// containsWord reports whether the word-form keyword kw occurs in the
// word-form text hay as whole words: after a space or the start, and
// before a space, the end, a plural s, or (after a keyword of three
// letters or more) one or two digits that end the word: "ssn2" reads
// "ssn", but "dl1v", "cc551645" and the hex "3b35dea9f1" hold no keyword.
func containsWord(hay, kw []byte) bool {
	if len(kw) == 0 {
		return false
	}
	for off := 0; off < len(hay); {
		i := bytes.Index(hay[off:], kw)
		if i < 0 {
			return false
		}
		i += off
		if (i == 0 || hay[i-1] == ' ') && wordEnds(hay, i+len(kw), len(kw)) {
			return true
		}
		off = i + 1
	}
	return false
}

// wordEnds reports whether a keyword of n bytes that ends at j in hay
// ends a word there, allowing containsWord's plural s or trailing digits.
func wordEnds(hay []byte, j, n int) bool {
	if j < len(hay) && hay[j] == 's' {
		j++
	} else if n >= 3 {
		for k := 0; k < 2 && j < len(hay) && isDigit(hay[j]); k++ {
			j++
		}
	}
	return j == len(hay) || hay[j] == ' '
}

// keywordSet is a list of word-form keywords with the set of their first
// bytes. Finding one of them in a text looks only at the text's word
// starts, and at a word start only at the keywords that begin with its
// byte: one pass over a window of numbers (a CSV column) instead of a
// bytes.Index per keyword.
type keywordSet struct {
	words [][]byte
	first byteSet
}

// newKeywordSet returns the set of the word-form keywords kws.
func newKeywordSet(kws [][]byte) keywordSet {
	k := keywordSet{words: kws}
	for _, kw := range kws {
		if len(kw) > 0 {
			k.first.add(kw[0])
		}
	}
	return k
}

// foundIn reports whether one of the keywords occurs in the word-form
// text hay as whole words, as containsWord decides for each.
func (k *keywordSet) foundIn(hay []byte) bool {
	for i := 0; i < len(hay); i++ {
		if (i > 0 && hay[i-1] != ' ') || !k.first.has(hay[i]) {
			continue
		}
		for _, kw := range k.words {
			if len(kw) > 0 && kw[0] == hay[i] && bytes.HasPrefix(hay[i:], kw) && wordEnds(hay, i+len(kw), len(kw)) {
				return true
			}
		}
	}
	return false
}

// windowWords appends to dst the word form of buf[start-dist:start], the
// look-back window of a match at start. When the window begins inside a
// word, a sentinel letter keeps that word's tail from reading as a whole
// word ("hotel" cut to "tel").
func windowWords(dst, buf []byte, start, dist int) []byte {
	ws := max(0, start-dist)
	if ws > 0 && ws < start && isLetter(buf[ws-1]) && isLetter(buf[ws]) &&
		!(isLower(buf[ws-1]) && isUpper(buf[ws])) {
		dst = append(dst, 'x')
	}
	return appendWords(dst, buf[ws:start])
}

// keywordHint says where an identifier's keywords can be found in a
// scanned buffer: near the ends of its keyword gate's matches (the gate
// matches wherever the keyword check could find one, and more), or, with
// anywhere set, anywhere.
type keywordHint struct {
	gate     []int32 // increasing ends of gate matches
	anywhere bool
}

// anyKeyword is the hint that rules nothing out.
var anyKeyword = keywordHint{anywhere: true}

// near reports whether a keyword can occur in the word form of the dist
// bytes before start (windowWords(buf, start, dist)): whether a gate
// match ends in that window.
func (h keywordHint) near(start, dist int) bool {
	if h.anywhere {
		return true
	}
	k, _ := slices.BinarySearch(h.gate, int32(max(0, start-dist)))
	return k < len(h.gate) && int(h.gate[k]) <= start
}
