package classifiers

import "bytes"

// Keyword context. Keywords, field names and the text before a match are
// all brought to one "word form" before comparing: ASCII letters lower
// case, camelCase split, digits kept, and every other run of bytes (space,
// _, -, ., :, quotes, non-ASCII) one space. So "SecretAccessKey",
// "secret_access_key" and "Secret-Access-Key" all read "secret access key".
// A keyword counts only as whole words (an optional plural s allowed):
// "tel" does not match inside "hotel".

// appendWords appends the word form of src to dst.
func appendWords(dst, src []byte) []byte {
	prevLower := false
	for _, c := range src {
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
// word-form text hay as whole words, allowing a plural s after it.
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
		j := i + len(kw)
		left := i == 0 || !isLower(hay[i-1])
		right := j == len(hay) || !isLower(hay[j]) ||
			(hay[j] == 's' && (j+1 == len(hay) || !isLower(hay[j+1])))
		if left && right {
			return true
		}
		off = i + 1
	}
	return false
}

// containsAnyWord reports whether any keyword occurs in hay.
func containsAnyWord(hay []byte, kws [][]byte) bool {
	for _, kw := range kws {
		if containsWord(hay, kw) {
			return true
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
