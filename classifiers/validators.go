package classifiers

import (
	"bytes"
)

// Validators, normalizers and Refine hooks used by the builtin table. They
// get raw bytes from the buffer being scanned and must accept any input
// without panicking: the fuzz targets call them directly.

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

func isLower(c byte) bool { return 'a' <= c && c <= 'z' }

func isLetter(c byte) bool { return isUpper(c) || isLower(c) }

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

// digitsOnly returns the ASCII digits of b.
func digitsOnly(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if isDigit(c) {
			out = append(out, c)
		}
	}
	return out
}

// stripSpaces returns b without ASCII spaces.
func stripSpaces(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if c != ' ' {
			out = append(out, c)
		}
	}
	return out
}

// lowerASCII returns a copy of b with ASCII letters lowercased.
func lowerASCII(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if isUpper(c) {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
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

// cardIssuerValid reports whether the digits d (ASCII) have the prefix and
// length of a Visa, Mastercard, American Express, Discover, JCB or Diners
// Club card.
func cardIssuerValid(d []byte) bool {
	n := len(d)
	if n < 13 || n > 19 || !isAllDigits(d) {
		return false
	}
	prefix := func(k int) int {
		v := 0
		for _, c := range d[:k] {
			v = v*10 + int(c-'0')
		}
		return v
	}
	p2, p3, p4, p6 := prefix(2), prefix(3), prefix(4), prefix(6)
	switch {
	case d[0] == '4': // Visa
		return n == 13 || n == 16 || n == 19
	case 51 <= p2 && p2 <= 55, 2221 <= p4 && p4 <= 2720: // Mastercard
		return n == 16
	case p2 == 34 || p2 == 37: // American Express
		return n == 15
	case p4 == 6011, 644 <= p3 && p3 <= 649, p2 == 65, 622126 <= p6 && p6 <= 622925: // Discover
		return n >= 16
	case 3528 <= p4 && p4 <= 3589: // JCB
		return n >= 16
	case 300 <= p3 && p3 <= 305, p4 == 3095, p2 == 36, p2 == 38, p2 == 39: // Diners Club
		return n >= 14
	}
	return false
}

// validCard checks a card candidate: one consistent separator, 13-19
// digits, issuer prefix and length, Luhn.
func validCard(b []byte) bool {
	var buf [19]byte
	d := buf[:0]
	var sep byte
	for _, c := range b {
		switch {
		case isDigit(c):
			if len(d) == cap(d) {
				return false
			}
			d = append(d, c)
		case c == ' ' || c == '-':
			if sep != 0 && c != sep {
				return false
			}
			sep = c
		default:
			return false
		}
	}
	return cardIssuerValid(d) && luhnValid(d)
}

// ssnValid reports whether the nine ASCII digits d form an SSN the Social
// Security Administration could issue: area not 000, 666 or 900-999,
// group not 00, serial not 0000.
func ssnValid(d []byte) bool {
	if len(d) != 9 || !isAllDigits(d) {
		return false
	}
	area, group, serial := string(d[:3]), string(d[3:5]), string(d[5:])
	return area != "000" && area != "666" && d[0] != '9' && group != "00" && serial != "0000"
}

// validSSN checks an SSN candidate in any of its written forms.
func validSSN(b []byte) bool {
	if len(b) != 9 && len(b) != 11 {
		return false
	}
	if len(b) == 11 && !(b[3] == b[6] && (b[3] == '-' || b[3] == ' ')) {
		return false
	}
	return ssnValid(digitsOnly(b))
}

// ibanLengths is the IBAN length of each country in the SWIFT IBAN
// registry that Cairn recognises: all SEPA countries, the United Kingdom,
// and other registered countries.
var ibanLengths = map[string]int{
	// SEPA
	"AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24,
	"DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22,
	"GI": 23, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27,
	"LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18,
	"NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24,
	"SM": 27, "VA": 22,
	// Other registered countries and territories
	"AE": 23, "AL": 28, "AZ": 28, "BA": 20, "BH": 22, "BR": 29, "BY": 28,
	"CR": 22, "DO": 28, "EG": 29, "FO": 18, "GE": 22, "GL": 18, "GT": 28,
	"IL": 23, "IQ": 23, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
	"LY": 25, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MU": 30, "PK": 24,
	"PS": 29, "QA": 29, "RS": 22, "SA": 24, "SC": 31, "SD": 18, "ST": 25,
	"SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
}

// ibanMod97 computes the ISO 7064 MOD 97-10 remainder of an IBAN in
// electronic form (no spaces): the first four characters moved to the end,
// letters read as 10..35. It returns -1 if s holds anything other than
// ASCII digits and upper-case letters or is shorter than 5 characters.
func ibanMod97(s []byte) int {
	if len(s) < 5 {
		return -1
	}
	r := 0
	for i := range s {
		c := s[(i+4)%len(s)]
		switch {
		case isDigit(c):
			r = (r*10 + int(c-'0')) % 97
		case isUpper(c):
			r = (r*100 + int(c-'A') + 10) % 97
		default:
			return -1
		}
	}
	return r
}

// validIBAN checks an IBAN candidate, in electronic form or grouped by
// spaces: registered country, its exact length, numeric check digits, and
// mod-97 remainder 1.
func validIBAN(b []byte) bool {
	s := stripSpaces(b)
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	if !isUpper(s[0]) || !isUpper(s[1]) || !isDigit(s[2]) || !isDigit(s[3]) {
		return false
	}
	if n, ok := ibanLengths[string(s[:2])]; !ok || n != len(s) {
		return false
	}
	return ibanMod97(s) == 1
}

// refineIBAN cuts an IBAN candidate to its country's length. The pattern
// cannot know that length, so for a grouped IBAN it may take in a
// following upper-case word ("… 0005 1332 CODE"); a candidate with too few
// characters, or one that runs on without a space into more letters and
// digits, is dropped.
func refineIBAN(buf []byte, start, end int) (int, int, bool) {
	if end-start < 4 {
		return 0, 0, false
	}
	n, ok := ibanLengths[string(buf[start:start+2])]
	if !ok {
		return 0, 0, false
	}
	count, i := 0, start
	for ; i < end && count < n; i++ {
		if buf[i] != ' ' {
			count++
		}
	}
	if count < n || (i < len(buf) && (isLetter(buf[i]) || isDigit(buf[i]))) {
		return 0, 0, false
	}
	return start, i, true
}

// nanpValid reports whether the ASCII digits d are a NANP number: ten
// digits (or eleven with a leading 1), area code 2-9XX and not N11,
// exchange 2-9XX and not N11.
func nanpValid(d []byte) bool {
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	if len(d) != 10 || !isAllDigits(d) {
		return false
	}
	if d[0] < '2' || (d[1] == '1' && d[2] == '1') {
		return false
	}
	if d[3] < '2' || (d[4] == '1' && d[5] == '1') {
		return false
	}
	return true
}

// validNANP checks a phone candidate.
func validNANP(b []byte) bool { return nanpValid(digitsOnly(b)) }

// normalizePhone returns the ten national digits of a NANP number.
func normalizePhone(b []byte) []byte {
	d := digitsOnly(b)
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	return d
}

// isWeakPhone reports whether a phone candidate is written without the
// punctuation that marks a phone number: no parentheses, no +1, and fewer
// than two separators (2125550142, 212 5550142).
func isWeakPhone(b []byte) bool {
	seps := 0
	for _, c := range b {
		switch c {
		case '(', '+':
			return false
		case ' ', '.', '-':
			seps++
		}
	}
	return seps < 2
}

// imageAndCodeSuffixes are file suffixes that look like top-level domains
// in strings such as icon@2x.png but are not delegated TLDs.
var imageAndCodeSuffixes = map[string]bool{
	"png": true, "jpg": true, "jpeg": true, "gif": true, "svg": true, "webp": true,
	"bmp": true, "ico": true, "tif": true, "tiff": true, "heic": true,
	"css": true, "js": true, "mjs": true, "json": true, "html": true, "htm": true,
	"xml": true, "txt": true, "pdf": true, "tsx": true, "jsx": true, "yaml": true,
	"yml": true, "php": true, "java": true, "log": true, "csv": true, "zip": true,
}

// validEmail checks an email candidate: a local part without leading,
// trailing or doubled dots, and a top-level domain that is not a file
// suffix.
func validEmail(b []byte) bool {
	at := bytes.LastIndexByte(b, '@')
	if at <= 0 || at == len(b)-1 {
		return false
	}
	local, domain := b[:at], b[at+1:]
	if local[0] == '.' || local[len(local)-1] == '.' || bytes.Contains(local, []byte("..")) {
		return false
	}
	dot := bytes.LastIndexByte(domain, '.')
	if dot < 0 || bytes.Contains(domain, []byte("..")) {
		return false
	}
	tld := lowerASCII(domain[dot+1:])
	if len(tld) < 2 || imageAndCodeSuffixes[string(tld)] {
		return false
	}
	for _, c := range tld {
		if !isLower(c) {
			return false
		}
	}
	return true
}

// validAWSKeyID rejects placeholder access key ids whose 16 characters
// after the prefix use fewer than four distinct symbols (AKIAAAAAAAAAAAAAAAAA).
func validAWSKeyID(b []byte) bool {
	if len(b) != 20 {
		return false
	}
	return distinct(b[4:]) >= 4
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

// isBase64Char reports whether c belongs to the standard base64 alphabet
// without padding.
func isBase64Char(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '+' || c == '/'
}

// refineBase64Token drops a fixed-length base64 match that is part of a
// longer base64 run (RE2 has no look-around to say so in the pattern).
// Padding after the match also disqualifies it; '=' before it does not
// (key=value).
func refineBase64Token(buf []byte, start, end int) (int, int, bool) {
	if start > 0 && isBase64Char(buf[start-1]) {
		return 0, 0, false
	}
	if end < len(buf) && (isBase64Char(buf[end]) || buf[end] == '=') {
		return 0, 0, false
	}
	return start, end, true
}

// validAWSSecret accepts a 40-character secret candidate only if it mixes
// upper- and lower-case letters and is not a run of few symbols: this
// rejects hex digests (SHA-1 is 40 hex characters), digit strings and
// placeholders, while a random base64 key fails it with probability below
// one in a million.
func validAWSSecret(b []byte) bool {
	if len(b) != 40 {
		return false
	}
	var upper, lower bool
	for _, c := range b {
		upper = upper || isUpper(c)
		lower = lower || isLower(c)
	}
	return upper && lower && distinct(b) >= 10
}

// Limits of the PEM Refine hook.
const (
	pemBeginPrefix = "-----BEGIN "
	pemEndPrefix   = "-----END "
	pemDashes      = "-----"
	// maxPEMBody bounds how far past the BEGIN line the END line is
	// searched for (a 16384-bit RSA key is about 12 KiB of PEM).
	maxPEMBody = 64 << 10
	// minPEMBody is the least key material (base64 characters) that makes
	// a BEGIN line a finding; a bare armour line is usually code or docs
	// that handle keys, not a key.
	minPEMBody = 16
)

// pemBodyLen returns how many bytes of b, from its start, look like a PEM
// body: base64, padding, whitespace and the escapes \n, \r, \t of a PEM
// stored inside a JSON or YAML string.
func pemBodyLen(b []byte) int {
	n := 0
	for n < len(b) {
		switch c := b[n]; {
		case isBase64Char(c), c == '=', c == '\n', c == '\r', c == ' ', c == '\t':
			n++
		case c == '\\' && n+1 < len(b) && (b[n+1] == 'n' || b[n+1] == 'r' || b[n+1] == 't'):
			n += 2
		default:
			return n
		}
	}
	return n
}

// countBase64 counts the base64 characters of a PEM body, skipping the
// escapes pemBodyLen accepts.
func countBase64(b []byte) int {
	n := 0
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+1 < len(b) {
			i++
			continue
		}
		if isBase64Char(b[i]) {
			n++
		}
	}
	return n
}

// refinePEM extends a PEM BEGIN line to its matching END line, so that the
// fingerprint covers the key and not only the armour. Without an END line
// within maxPEMBody (a truncated sample), it extends over the body that
// follows. A BEGIN line with fewer than minPEMBody characters of key
// material is dropped.
func refinePEM(buf []byte, start, end int) (int, int, bool) {
	header := buf[start:end]
	if len(header) < len(pemBeginPrefix)+len(pemDashes) || !bytes.HasPrefix(header, []byte(pemBeginPrefix)) {
		return 0, 0, false
	}
	label := header[len(pemBeginPrefix) : len(header)-len(pemDashes)]
	var mbuf [64]byte
	marker := append(mbuf[:0], pemEndPrefix...)
	marker = append(marker, label...)
	marker = append(marker, pemDashes...)
	region := buf[end:min(len(buf), end+maxPEMBody)]
	// Stop at the next BEGIN line so two keys never merge into one match.
	if i := bytes.Index(region, []byte(pemBeginPrefix)); i >= 0 {
		region = region[:i]
	}
	if i := bytes.Index(region, marker); i >= 0 {
		if countBase64(region[:i]) < minPEMBody {
			return 0, 0, false
		}
		return start, end + i + len(marker), true
	}
	body := region[:pemBodyLen(region)]
	if countBase64(body) < minPEMBody {
		return 0, 0, false
	}
	// Do not keep trailing whitespace in the match.
	body = bytes.TrimRight(body, " \t\r\n")
	return start, end + len(body), true
}

// normalizePEM reduces a PEM block to its label and base64 body, so line
// endings, wrapping and JSON escaping do not change the fingerprint.
func normalizePEM(b []byte) []byte {
	rest, ok := bytes.CutPrefix(b, []byte(pemBeginPrefix))
	i := bytes.Index(rest, []byte(pemDashes))
	if !ok || i < 0 {
		return bytes.Clone(b)
	}
	label, body := rest[:i], rest[i+len(pemDashes):]
	if j := bytes.Index(body, []byte(pemEndPrefix)); j >= 0 {
		body = body[:j]
	}
	out := make([]byte, 0, len(label)+1+len(body))
	out = append(out, label...)
	out = append(out, ':')
	for j := 0; j < len(body); j++ {
		c := body[j]
		if c == '\\' && j+1 < len(body) {
			j++ // an escape such as \n
			continue
		}
		if isBase64Char(c) || c == '=' {
			out = append(out, c)
		}
	}
	return out
}
