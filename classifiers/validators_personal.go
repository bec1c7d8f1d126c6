package classifiers

import (
	"bytes"
	"net/netip"
)

// Personal validators: US and other national identifiers, contact data,
// dates of birth, network addresses and vehicle numbers.

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
	var d digits
	return ssnValid(d.of(b))
}

// validITIN checks a US Individual Taxpayer Identification Number: 9XX,
// group 50-65, 70-88, 90-92 or 94-99, written 9XX-XX-XXXX, 9XX XX XXXX or
// as nine digits.
func validITIN(b []byte) bool {
	d, _, ok := digitGroups(b)
	if !ok || len(d) != 9 || d[0] != '9' || (len(b) != 9 && len(b) != 11) {
		return false
	}
	g := num(d[3:5])
	return (50 <= g && g <= 65) || (70 <= g && g <= 88) || (90 <= g && g <= 92) || (94 <= g && g <= 99)
}

// validUSPassport accepts a US passport book number: nine digits, or a
// letter and eight digits (next-generation books), not a run of one or two
// digits.
func validUSPassport(b []byte) bool {
	if len(b) != 9 {
		return false
	}
	d := b
	if isUpper(b[0]) {
		d = b[1:]
	}
	return isAllDigits(d) && distinct(d) >= 3
}

// validDriversLicense accepts the shapes US states use for driver's
// license numbers: 7 to 13 digits, one or two letters and 4 to 14 digits,
// or Florida's dashed A123-456-78-901-2; not a run of one digit.
func validDriversLicense(b []byte) bool {
	s := b
	if bytes.IndexByte(s, '-') >= 0 {
		if len(s) != 17 {
			return false
		}
		s = bytes.ReplaceAll(s, []byte{'-'}, nil)
	}
	i := 0
	for i < len(s) && isUpper(s[i]) {
		i++
	}
	d := s[i:]
	if i > 2 || !isAllDigits(d) || distinct(d) < 2 {
		return false
	}
	if i == 0 {
		return len(d) >= 7 && len(d) <= 13
	}
	return len(d) >= 4 && len(d) <= 14
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
func validNANP(b []byte) bool {
	var d digits
	return nanpValid(d.of(b))
}

// normalizePhone returns the ten national digits of a NANP number.
func normalizePhone(b []byte) []byte {
	d := digitsOnly(b)
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	return d
}

// isWeakPhone reports whether a phone candidate is written without the
// punctuation that marks a phone number: no parentheses, no +1, and not
// two separators of which one is a dash or a dot (2125550142,
// 212 5550142, 212 555 0142). Space-grouped ten digits are as often a UK
// NHS number or an account number as a phone number.
func isWeakPhone(b []byte) bool {
	seps, marked := 0, false
	for _, c := range b {
		switch c {
		case '(', '+':
			return false
		case '.', '-':
			seps++
			marked = true
		case ' ':
			seps++
		}
	}
	return seps < 2 || !marked
}

// callingCodes are the ITU-T E.164 country calling codes in use (zone 1
// and 7 are single-digit). The codes are prefix-free.
var callingCodes = func() map[string]bool {
	const codes = "1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 " +
		"81 82 84 86 90 91 92 93 94 95 98 " +
		"211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 235 236 237 238 239 240 241 " +
		"242 243 244 245 246 247 248 249 250 251 252 253 254 255 256 257 258 260 261 262 263 264 265 266 267 268 269 " +
		"290 291 297 298 299 350 351 352 353 354 355 356 357 358 359 370 371 372 373 374 375 376 377 378 379 380 381 " +
		"382 383 385 386 387 389 420 421 423 500 501 502 503 504 505 506 507 508 509 590 591 592 593 594 595 596 597 " +
		"598 599 670 672 673 674 675 676 677 678 679 680 681 682 683 685 686 687 688 689 690 691 692 800 808 850 852 " +
		"853 855 856 870 878 880 881 882 883 886 888 960 961 962 963 964 965 966 967 968 970 971 972 973 974 975 976 " +
		"977 979 992 993 994 995 996 998"
	m := map[string]bool{}
	for _, c := range bytes.Fields([]byte(codes)) {
		m[string(c)] = true
	}
	return m
}()

// callingCode returns the length of the E.164 country calling code at the
// start of the digits d, or 0 if there is none.
func callingCode(d []byte) int {
	for n := 1; n <= 3 && n <= len(d); n++ {
		if callingCodes[string(d[:n])] {
			return n
		}
	}
	return 0
}

// validE164 checks an international phone number written with a leading
// +: an assigned country calling code other than 1 (NANP numbers are
// US_PHONE_NUMBER), and 8 to 15 digits in all.
func validE164(b []byte) bool {
	if len(b) < 2 || b[0] != '+' {
		return false
	}
	d := make([]byte, 0, 16)
	prevSep := true
	for _, c := range b[1:] {
		switch {
		case isDigit(c):
			d = append(d, c)
			prevSep = false
		case c == ' ' || c == '-' || c == '.':
			if prevSep {
				return false
			}
			prevSep = true
		default:
			return false
		}
	}
	if prevSep || len(d) < 8 || len(d) > 15 {
		return false
	}
	n := callingCode(d)
	return n > 0 && !(n == 1 && d[0] == '1') && distinct(d[n:]) >= 3
}

// normalizeE164 returns + and the digits.
func normalizeE164(b []byte) []byte { return append([]byte{'+'}, digitsOnly(b)...) }

// monthNames are the English month names; a date may use the name or its
// first three letters.
var monthNames = []string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}

// monthByName returns 1-12 for an English month name or its three-letter
// abbreviation (any case), or 0.
func monthByName(w []byte) int {
	for i, m := range monthNames {
		if len(w) >= 3 && len(w) <= len(m) && equalFoldASCII(w, m[:len(w)]) && (len(w) == 3 || len(w) == len(m) || (m == "september" && len(w) == 4)) {
			return i + 1
		}
	}
	return 0
}

// equalFoldASCII reports whether b equals the lower-case ASCII string
// lower, ignoring the case of b's ASCII letters.
func equalFoldASCII(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i, c := range b {
		if isUpper(c) {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// validDOB checks a date of birth written YYYY-MM-DD, DD/MM/YYYY,
// MM/DD/YYYY, DD.MM.YYYY (any one of - / . as separator), "12 March 1985"
// or "March 12, 1985": a real calendar date in 1900-2099 (day and month
// may be read either way round when both are 12 or less).
func validDOB(b []byte) bool {
	fields, ok := dateFields(b)
	if !ok {
		return false
	}
	if m := monthByName(fields[0]); m > 0 { // March 12, 1985
		return dobYear(fields[2]) && validDate(num(fields[2]), m, num(fields[1]))
	}
	if m := monthByName(fields[1]); m > 0 { // 12 March 1985
		return dobYear(fields[2]) && validDate(num(fields[2]), m, num(fields[0]))
	}
	if _, ok := groupSep(b); !ok {
		return false
	}
	a, m, c := num(fields[0]), num(fields[1]), num(fields[2])
	switch {
	case len(fields[0]) == 4:
		return dobYear(fields[0]) && validDate(a, m, c)
	case len(fields[2]) == 4:
		return dobYear(fields[2]) && (validDate(c, m, a) || validDate(c, a, m))
	}
	return false
}

// dateFields splits a date at its separators (runs of ' ', ',', '.', '-'
// and '/') and reports whether it has exactly three fields.
func dateFields(b []byte) (fields [3][]byte, ok bool) {
	isSep := func(c byte) bool { return c == ' ' || c == ',' || c == '.' || c == '-' || c == '/' }
	n := 0
	for i := 0; i < len(b); {
		if isSep(b[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(b) && !isSep(b[j]) {
			j++
		}
		if n == len(fields) {
			return fields, false
		}
		fields[n], n = b[i:j], n+1
		i = j
	}
	return fields, n == len(fields)
}

// dobYear reports whether y is a four-digit year 1900-2099.
func dobYear(y []byte) bool {
	return len(y) == 4 && (string(y[:2]) == "19" || string(y[:2]) == "20") && isAllDigits(y)
}

// validIPv4 checks a dotted-quad IPv4 address: four decimal octets 0-255
// without leading zeros, not 0.x.x.x (this network) and not the broadcast
// 255.255.255.255. Private, loopback and documentation addresses are
// valid: they still say which host a record came from.
func validIPv4(b []byte) bool {
	if bytes.Count(b, []byte{'.'}) != 3 {
		return false
	}
	rest := b
	for k := range 4 {
		p := rest
		if i := bytes.IndexByte(rest, '.'); i >= 0 {
			p, rest = rest[:i], rest[i+1:]
		}
		v := num(p)
		if len(p) == 0 || len(p) > 3 || v < 0 || v > 255 || (len(p) > 1 && p[0] == '0') || (k == 0 && v == 0) {
			return false
		}
	}
	return string(b) != "255.255.255.255"
}

// validIPv6 checks an IPv6 address in its full or compressed text form
// (RFC 4291 via net/netip): at least two groups, not the unspecified
// address ::. Link-local, unique-local and loopback addresses are valid.
func validIPv6(b []byte) bool {
	if bytes.Count(b, []byte{':'}) < 2 || bytes.IndexByte(b, '.') >= 0 {
		return false
	}
	a, err := netip.ParseAddr(string(b))
	if err != nil || !a.Is6() || a.Zone() != "" || a.IsUnspecified() {
		return false
	}
	groups := 0
	for _, g := range bytes.Split(b, []byte{':'}) {
		if len(g) > 0 {
			groups++
		}
	}
	return groups >= 2
}

// refineIPv6 drops an IPv6 candidate glued to more hex or colons (a MAC
// address, a longer token) or followed by a dotted IPv4 tail.
func refineIPv6(buf []byte, start, end int) (int, int, bool) {
	hexOrColon := func(c byte) bool { return isAlnum(c) || c == ':' || c == '_' }
	if start > 0 && hexOrColon(buf[start-1]) {
		return 0, 0, false
	}
	if end < len(buf) && (hexOrColon(buf[end]) || (buf[end] == '.' && end+1 < len(buf) && isDigit(buf[end+1]))) {
		return 0, 0, false
	}
	return start, end, true
}

// vinValue is the ISO 3779 transliteration of VIN characters (0 for the
// letters I, O, Q, which VINs never use).
func vinValue(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case isUpper(c):
		return int("12345678012345070923456789"[c-'A'] - '0')
	}
	return -1
}

// validVIN checks a 17-character vehicle identification number: no I, O
// or Q, at least three letters, a model-year character (position 10) that
// is not U, Z or 0, a numeric serial (positions 15-17), and the ISO 3779 /
// FMVSS 115 check digit in position 9.
func validVIN(b []byte) bool {
	if len(b) != 17 {
		return false
	}
	weights := [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}
	sum, letters := 0, 0
	for i, c := range b {
		if c == 'I' || c == 'O' || c == 'Q' {
			return false
		}
		v := vinValue(c)
		if v < 0 {
			return false
		}
		if isUpper(c) {
			letters++
		}
		sum += v * weights[i]
	}
	if letters < 3 || b[9] == 'U' || b[9] == 'Z' || b[9] == '0' || !isAllDigits(b[14:]) {
		return false
	}
	check := byte('0' + sum%11)
	if sum%11 == 10 {
		check = 'X'
	}
	return b[8] == check
}

// validNINO checks a UK National Insurance number AB123456C: prefix
// letters allowed by HMRC (no D, F, I, Q, U, V; no O second; not BG, GB,
// KN, NK, NT, TN, ZZ), six digits, suffix A-D; spaces either between all
// pairs or nowhere.
func validNINO(b []byte) bool {
	if sp := bytes.Count(b, []byte{' '}); sp != 0 && sp != 4 {
		return false
	}
	s := upperAlnum(b)
	if len(s) != 9 || !isUpper(s[0]) || !isUpper(s[1]) || !isAllDigits(s[2:8]) || s[8] < 'A' || s[8] > 'D' {
		return false
	}
	if bytes.IndexByte([]byte("DFIQUV"), s[0]) >= 0 || bytes.IndexByte([]byte("DFIOQUV"), s[1]) >= 0 {
		return false
	}
	switch string(s[:2]) {
	case "BG", "GB", "KN", "NK", "NT", "TN", "ZZ":
		return false
	}
	return true
}

// validSIN checks a Canadian Social Insurance Number: nine digits (groups
// of three split by one space or dash allowed), first digit not 0 or 8,
// Luhn.
func validSIN(b []byte) bool {
	d, _, ok := digitGroups(b)
	return ok && len(d) == 9 && d[0] != '0' && d[0] != '8' && distinct(d) >= 3 && luhnValid(d)
}

// validAadhaar checks an Indian Aadhaar number: twelve digits (groups of
// four split by one space or dash allowed), not starting with 0 or 1,
// Verhoeff check digit.
func validAadhaar(b []byte) bool {
	d, sep, ok := digitGroups(b)
	if sep != 0 && (len(b) != 14 || b[4] != sep || b[9] != sep) {
		return false // groups of four, or none
	}
	return ok && len(d) == 12 && d[0] >= '2' && distinct(d) >= 3 && verhoeffValid(d)
}

// validINPAN checks an Indian Permanent Account Number AAAPA9999A: five
// letters of which the fourth is a holder type (P person, C company, H
// HUF, F firm, A AOP, T trust, B BOI, L local authority, J juridical
// person, G government), four digits, a letter.
func validINPAN(b []byte) bool {
	if len(b) != 10 || !isAllDigits(b[5:9]) || !isUpper(b[9]) {
		return false
	}
	for _, c := range b[:5] {
		if !isUpper(c) {
			return false
		}
	}
	return bytes.IndexByte([]byte("PCHFATBLJG"), b[3]) >= 0 && string(b[5:9]) != "0000"
}

// validCPF checks a Brazilian CPF: 123.456.789-09 or eleven digits, not
// all one digit, and two mod-11 check digits.
func validCPF(b []byte) bool {
	var d []byte
	switch {
	case len(b) == 11 && isAllDigits(b):
		d = b
	case len(b) == 14 && b[3] == '.' && b[7] == '.' && b[11] == '-':
		d = digitsOnly(b)
	default:
		return false
	}
	if len(d) != 11 || distinct(d) == 1 {
		return false
	}
	for k := 9; k <= 10; k++ {
		sum := 0
		for i := 0; i < k; i++ {
			sum += int(d[i]-'0') * (k + 1 - i)
		}
		if (sum*10)%11%10 != int(d[k]-'0') {
			return false
		}
	}
	return true
}

// dniLetters maps a DNI/NIE number mod 23 to its control letter.
const dniLetters = "TRWAGMYFPDXBNJZSQVHLCKE"

// validDNI checks a Spanish DNI: eight digits and the control letter of
// the number mod 23 (a dash between allowed).
func validDNI(b []byte) bool {
	s := bytes.ReplaceAll(b, []byte{'-'}, nil)
	if len(s) != 9 || !isAllDigits(s[:8]) {
		return false
	}
	return s[8] == dniLetters[num(s[:8])%23]
}

// validNIE checks a Spanish foreigner's number (NIE): X, Y or Z, seven
// digits, and the control letter computed with X=0, Y=1, Z=2 in front.
func validNIE(b []byte) bool {
	s := bytes.ReplaceAll(b, []byte{'-'}, nil)
	if len(s) != 9 || !isAllDigits(s[1:8]) {
		return false
	}
	lead := bytes.IndexByte([]byte("XYZ"), s[0])
	if lead < 0 {
		return false
	}
	return s[8] == dniLetters[(lead*10000000+num(s[1:8]))%23]
}

// validTFN checks an Australian Tax File Number: nine digits (groups of
// three split by spaces allowed) with weights 1,4,3,7,5,8,6,9,10, or an
// older eight-digit one with weights 10,7,8,4,6,3,5,1; the weighted sum is
// divisible by 11.
func validTFN(b []byte) bool {
	d, sep, ok := digitGroups(b)
	if !ok || (sep != 0 && sep != ' ') || distinct(d) < 3 {
		return false
	}
	switch len(d) {
	case 9:
		return weightedSum(d, 1, 4, 3, 7, 5, 8, 6, 9, 10)%11 == 0
	case 8:
		return weightedSum(d, 10, 7, 8, 4, 6, 3, 5, 1)%11 == 0
	}
	return false
}

// validNIR checks a French social security number (NIR, numéro INSEE):
// sex 1 or 2, or 3, 4, 7 or 8 in a provisional number (of a person still
// being registered, often born abroad); birth year; month 01-12, 20-42 or
// 50-99; department (2A/2B for Corsica); commune; order; and the key
// 97 - (number mod 97). Written with spaces, the groups must be
// 1 2 2 2 3 3 2.
func validNIR(b []byte) bool {
	s := b
	if bytes.IndexByte(b, ' ') >= 0 {
		parts := bytes.Split(b, []byte{' '})
		want := []int{1, 2, 2, 2, 3, 3, 2}
		if len(parts) != len(want) {
			return false
		}
		for i, p := range parts {
			if len(p) != want[i] {
				return false
			}
		}
		s = stripSpaces(b)
	}
	if len(s) != 15 || bytes.IndexByte([]byte("123478"), s[0]) < 0 {
		return false
	}
	n := make([]byte, 13)
	copy(n, s[:13])
	switch string(s[5:7]) {
	case "2A":
		n[5], n[6] = '1', '9'
	case "2B":
		n[5], n[6] = '1', '8'
	}
	if !isAllDigits(n) || !isAllDigits(s[13:]) {
		return false
	}
	if m := num(s[3:5]); !(1 <= m && m <= 12 || 20 <= m && m <= 42 || 50 <= m) {
		return false
	}
	return 97-num(n)%97 == num(s[13:])
}

// validDETaxID checks a German tax identification number (steuerliche
// Identifikationsnummer): eleven digits, the first not 0; among the first
// ten exactly one digit occurs two or three times (three not in a row)
// and the others once; ISO 7064 MOD 11,10 check digit.
func validDETaxID(b []byte) bool {
	d, sep, ok := digitGroups(b)
	if !ok || (sep != 0 && sep != ' ') || len(d) != 11 || d[0] == '0' {
		return false
	}
	var count [10]int
	for _, c := range d[:10] {
		count[c-'0']++
	}
	repeated := 0
	for _, n := range count {
		switch {
		case n == 2 || n == 3:
			repeated++
		case n > 3:
			return false
		}
	}
	if repeated != 1 {
		return false
	}
	for i := 2; i < 10; i++ {
		if d[i] == d[i-1] && d[i] == d[i-2] {
			return false
		}
	}
	return mod11_10Valid(d)
}

// Italian fiscal code tables: the value of a character in an odd (1st,
// 3rd, …) position, and the letters that replace digits in omocodia.
const (
	itOddDigits  = "\x01\x00\x05\x07\x09\x0d\x0f\x11\x13\x15"
	itOddLetters = "\x01\x00\x05\x07\x09\x0d\x0f\x11\x13\x15\x02\x04\x12\x14\x0b\x03\x06\x08\x0c\x0e\x10\x0a\x16\x19\x18\x17"
	itOmocodia   = "LMNPQRSTUV"
	itMonths     = "ABCDEHLMPRST"
)

// validITFiscalCode checks an Italian codice fiscale: six letters of
// surname and name, year, month letter, day (41-71 for women), the
// cadastral code of the birthplace, and the check letter; digits may be
// replaced by the omocodia letters L-V.
func validITFiscalCode(b []byte) bool {
	if len(b) != 16 {
		return false
	}
	digit := func(c byte) int {
		if isDigit(c) {
			return int(c - '0')
		}
		return bytes.IndexByte([]byte(itOmocodia), c)
	}
	for i, c := range b[:15] {
		switch i {
		case 6, 7, 9, 10, 12, 13, 14:
			if digit(c) < 0 {
				return false
			}
		default:
			if !isUpper(c) {
				return false
			}
		}
	}
	if bytes.IndexByte([]byte(itMonths), b[8]) < 0 {
		return false
	}
	day := digit(b[9])*10 + digit(b[10])
	if !(1 <= day && day <= 31 || 41 <= day && day <= 71) {
		return false
	}
	sum := 0
	for i, c := range b[:15] {
		if i%2 == 0 { // odd position, 1-based
			if isDigit(c) {
				sum += int(itOddDigits[c-'0'])
			} else {
				sum += int(itOddLetters[c-'A'])
			}
		} else {
			if isDigit(c) {
				sum += int(c - '0')
			} else {
				sum += int(c - 'A')
			}
		}
	}
	return b[15] == byte('A'+sum%26)
}

// validBSN checks a Dutch citizen service number (BSN): nine digits passing
// the eleven test (9·d1 + 8·d2 + … + 2·d8 − d9 divisible by 11).
func validBSN(b []byte) bool {
	if len(b) != 9 || !isAllDigits(b) || distinct(b) < 3 {
		return false
	}
	return (weightedSum(b, 9, 8, 7, 6, 5, 4, 3, 2)-int(b[8]-'0'))%11 == 0
}

// validBENationalNumber checks a Belgian national register number
// (rijksregisternummer): YY.MM.DD-SSS.CC or eleven digits; month 0-12
// (20-32, 40-52 for BIS numbers), day 0-31, order 001-998, and the
// check 97 - (number mod 97), computed with a leading 2 for births from
// 2000.
func validBENationalNumber(b []byte) bool {
	var d []byte
	switch {
	case len(b) == 11 && isAllDigits(b):
		d = b
	case len(b) == 15 && b[2] == '.' && b[5] == '.' && b[8] == '-' && b[12] == '.':
		d = digitsOnly(b)
	default:
		return false
	}
	if len(d) != 11 {
		return false
	}
	m, day, seq := num(d[2:4]), num(d[4:6]), num(d[6:9])
	if !(m <= 12 || 20 <= m && m <= 32 || 40 <= m && m <= 52) || day > 31 || seq == 0 || seq == 999 {
		return false
	}
	base, check := num(d[:9]), num(d[9:])
	return 97-base%97 == check || 97-(2000000000+base)%97 == check
}

// validPESEL checks a Polish PESEL: eleven digits, a birth date whose
// month carries the century (+80 1800s, +0 1900s, +20 2000s, +40 2100s,
// +60 2200s), and the check digit with weights 1,3,7,9.
func validPESEL(b []byte) bool {
	if len(b) != 11 || !isAllDigits(b) {
		return false
	}
	y, m, d := num(b[:2]), num(b[2:4]), num(b[4:6])
	century := [5]int{1900, 2000, 2100, 2200, 1800}[m/20]
	if m%20 == 0 || !validDate(century+y, m%20, d) {
		return false
	}
	return (10-weightedSum(b, 1, 3, 7, 9, 1, 3, 7, 9, 1, 3)%10)%10 == int(b[10]-'0')
}

// validPersonnummer checks a Swedish personal identity number (or
// coordination number, day + 60): YYMMDD-NNNC or YYYYMMDD-NNNC, '+' for
// the over-100s, separator optional; a real date and the Luhn digit over
// the ten digits YYMMDDNNNC.
func validPersonnummer(b []byte) bool {
	s := b
	if i := bytes.IndexAny(b, "-+"); i >= 0 {
		if i != len(b)-5 {
			return false
		}
		s = append(append([]byte{}, b[:i]...), b[i+1:]...)
	}
	if !isAllDigits(s) || (len(s) != 10 && len(s) != 12) {
		return false
	}
	ten := s[len(s)-10:]
	m, d := num(ten[2:4]), num(ten[4:6])
	if d > 60 {
		d -= 60
	}
	okDate := false
	if len(s) == 12 {
		okDate = validDate(num(s[:4]), m, d)
	} else {
		okDate = validDate(1900+num(ten[:2]), m, d) || validDate(2000+num(ten[:2]), m, d)
	}
	return okDate && luhnValid(ten)
}

// isWeakPersonnummer reports the forms that need a keyword: the ten-digit
// forms (a Danish CPR number has the same shape) and the twelve digits
// without separator (a yyyyMMddHHmm timestamp).
func isWeakPersonnummer(b []byte) bool {
	return len(digitsOnly(b)) == 10 || isAllDigits(b)
}

// hetuChecks maps a Finnish HETU number mod 31 to its check character.
const hetuChecks = "0123456789ABCDEFHJKLMNPRSTUVWXY"

// validHETU checks a Finnish personal identity code DDMMYYCNNNQ: a real
// date, the century sign (+ 1800s; - and U-Y 1900s; A-F 2000s), an
// individual number 002-899, and the check character of DDMMYYNNN mod 31.
func validHETU(b []byte) bool {
	if len(b) != 11 || !isAllDigits(b[:6]) || !isAllDigits(b[7:10]) {
		return false
	}
	var century int
	switch c := b[6]; {
	case c == '+':
		century = 1800
	case c == '-' || ('U' <= c && c <= 'Y'):
		century = 1900
	case 'A' <= c && c <= 'F':
		century = 2000
	default:
		return false
	}
	if !validDate(century+num(b[4:6]), num(b[2:4]), num(b[:2])) {
		return false
	}
	if n := num(b[7:10]); n < 2 || n > 899 {
		return false
	}
	v := num(b[:6])*1000 + num(b[7:10])
	return b[10] == hetuChecks[v%31]
}

// isWeakHETU reports the forms a Danish CPR number can take (DDMMYY-NNNN):
// a - or + sign and a digit as check character.
func isWeakHETU(b []byte) bool {
	return len(b) == 11 && (b[6] == '-' || b[6] == '+') && isDigit(b[10])
}

// validCPR checks a Danish CPR number DDMMYY-SSSS: a real date whose
// century follows from the seventh digit (the mod-11 check was dropped in
// 2007).
func validCPR(b []byte) bool {
	d, sep, ok := digitGroups(b)
	if !ok || (sep != 0 && sep != '-') || len(d) != 10 {
		return false
	}
	yy, s7 := num(d[4:6]), d[6]
	century := 1900
	switch {
	case s7 == '4' || s7 == '9':
		if yy <= 36 {
			century = 2000
		}
	case s7 >= '5':
		if yy <= 57 {
			century = 2000
		} else {
			century = 1800
		}
	}
	return validDate(century+yy, num(d[2:4]), num(d[:2]))
}

// validPTNIF checks a Portuguese tax number (NIF): nine digits, a prefix
// the tax authority issues, and the mod-11 check digit with weights 9..2.
// The prefixes: 1, 2, 3 (persons), 45 (non-resident persons), 5
// (companies), 6 (public bodies), 70, 71, 72, 74, 75, 77, 78, 79
// (estates, non-resident entities, investment funds, numbers assigned ex
// officio, VAT refunds, Expo 98), 90, 91, 98, 99 (condominiums, irregular
// companies, non-residents without a permanent establishment, civil
// partnerships). 8 (sole traders) is no longer issued or valid.
func validPTNIF(b []byte) bool {
	if len(b) != 9 || !isAllDigits(b) || distinct(b) < 3 {
		return false
	}
	switch b[0] {
	case '1', '2', '3', '5', '6':
	case '4':
		if b[1] != '5' {
			return false
		}
	case '7':
		if b[1] == '3' || b[1] == '6' {
			return false
		}
	case '9':
		if b[1] != '0' && b[1] != '1' && b[1] != '8' && b[1] != '9' {
			return false
		}
	default: // 0, and 8
		return false
	}
	c := 11 - weightedSum(b, 9, 8, 7, 6, 5, 4, 3, 2)%11
	if c >= 10 {
		c = 0
	}
	return c == int(b[8]-'0')
}

// ppsnLetters maps a PPSN weighted sum mod 23 to its check letter.
const ppsnLetters = "WABCDEFGHIJKLMNOPQRSTUV"

// validPPSN checks an Irish Personal Public Service Number: seven digits,
// a check letter, and an optional second letter (W, or A/B/H… since
// 2013) that enters the sum with weight 9.
func validPPSN(b []byte) bool {
	if len(b) != 8 && len(b) != 9 {
		return false
	}
	if !isAllDigits(b[:7]) || distinct(b[:7]) < 3 {
		return false
	}
	sum := weightedSum(b, 8, 7, 6, 5, 4, 3, 2)
	if len(b) == 9 {
		c := b[8]
		if !isUpper(c) {
			return false
		}
		if c != 'W' {
			sum += 9 * int(c-'A'+1)
		}
	}
	return b[7] == ppsnLetters[sum%23]
}

// validSVNR checks an Austrian social insurance number NNNC DDMMYY: a
// serial not starting with 0, the check digit (weights 3,7,9,5,8,4,2,1,6
// mod 11, never 10) and a birth date (day and month may be out of range
// for people whose date was unknown; Cairn requires a real day and month).
func validSVNR(b []byte) bool {
	d, sep, ok := digitGroups(b)
	if !ok || (sep != 0 && sep != ' ') || len(d) != 10 || d[0] == '0' {
		return false
	}
	sum := 3*int(d[0]-'0') + 7*int(d[1]-'0') + 9*int(d[2]-'0') + weightedSum(d[4:], 5, 8, 4, 2, 1, 6)
	if sum%11 == 10 || sum%11 != int(d[3]-'0') {
		return false
	}
	dd, mm, yy := num(d[4:6]), num(d[6:8]), num(d[8:10])
	return validDate(1900+yy, mm, dd) || validDate(2000+yy, mm, dd)
}

// validAMKA checks a Greek social security number (AMKA): eleven digits,
// a birth date DDMMYY and the Luhn check digit.
func validAMKA(b []byte) bool {
	if len(b) != 11 || !isAllDigits(b) {
		return false
	}
	dd, mm, yy := num(b[:2]), num(b[2:4]), num(b[4:6])
	return (validDate(1900+yy, mm, dd) || validDate(2000+yy, mm, dd)) && luhnValid(b)
}

// validCNP checks a Romanian personal numeric code (CNP) SYYMMDDJJNNNC:
// sex and century S (1/2 1900s, 5/6 2000s, 7/8 residents), a real date, a
// county 01-52, and the check digit with weights 279146358279 (mod 11,
// 10 becomes 1).
func validCNP(b []byte) bool {
	if len(b) != 13 || !isAllDigits(b) {
		return false
	}
	yy, mm, dd := num(b[1:3]), num(b[3:5]), num(b[5:7])
	var okDate bool
	switch b[0] {
	case '1', '2':
		okDate = validDate(1900+yy, mm, dd)
	case '5', '6':
		okDate = validDate(2000+yy, mm, dd)
	case '7', '8':
		okDate = validDate(1900+yy, mm, dd) || validDate(2000+yy, mm, dd)
	}
	if j := num(b[7:9]); !okDate || j < 1 || j > 52 {
		return false
	}
	c := weightedSum(b, 2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9) % 11
	if c == 10 {
		c = 1
	}
	return c == int(b[12]-'0')
}

// validEGN checks a Bulgarian unified civil number (EGN): YYMMDD with the
// month +20 for the 1800s and +40 for the 2000s, a real date, and the
// check digit with weights 2,4,8,5,10,9,7,3,6 (mod 11, 10 becomes 0).
func validEGN(b []byte) bool {
	if len(b) != 10 || !isAllDigits(b) {
		return false
	}
	yy, mm, dd := num(b[:2]), num(b[2:4]), num(b[4:6])
	year := 1900 + yy
	switch {
	case mm > 40:
		year, mm = 2000+yy, mm-40
	case mm > 20:
		year, mm = 1800+yy, mm-20
	}
	if !validDate(year, mm, dd) {
		return false
	}
	c := weightedSum(b, 2, 4, 8, 5, 10, 9, 7, 3, 6) % 11
	if c == 10 {
		c = 0
	}
	return c == int(b[9]-'0')
}

// validCZBirthNumber checks a Czech or Slovak birth number (rodné číslo)
// YYMMDD/XXXX: a real date with the month +50 for women (+20 and +70 for
// the extension since 2004), and the ten-digit number divisible by 11 (or
// remainder 10 of the first nine digits and check digit 0). Nine-digit
// numbers from before 1954 have no check and are not recognised.
func validCZBirthNumber(b []byte) bool {
	d, sep, ok := digitGroups(b)
	if !ok || (sep != 0 && sep != '/') || len(d) != 10 {
		return false
	}
	yy, mm, dd := num(d[:2]), num(d[2:4]), num(d[4:6])
	switch {
	case mm > 70:
		mm -= 70
	case mm > 50:
		mm -= 50
	case mm > 20:
		mm -= 20
	}
	year := 1900 + yy
	if yy < 54 {
		year = 2000 + yy
	}
	if !validDate(year, mm, dd) {
		return false
	}
	n := num(d)
	return n%11 == 0 || (num(d[:9])%11 == 10 && d[9] == '0')
}

// isNoSlash reports a birth number written without its slash.
func isNoSlash(b []byte) bool { return bytes.IndexByte(b, '/') < 0 }

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

// refinePhone drops a NANP candidate glued to more digits (a longer
// number, or the national part of a +CC number such as +39 312 345 6789)
// or written right after a + (an international number whose country code
// the pattern did not take: +4792345678).
func refinePhone(buf []byte, start, end int) (int, int, bool) {
	if start > 0 && buf[start-1] == '+' {
		return 0, 0, false
	}
	return refineIsolated(" -.")(buf, start, end)
}

// hasNoSpace reports a value written without spaces.
func hasNoSpace(b []byte) bool { return bytes.IndexByte(b, ' ') < 0 }

// normalizePersonnummer returns the ten digits YYMMDDNNNC, so the ten- and
// twelve-digit forms of one number share a fingerprint.
func normalizePersonnummer(b []byte) []byte {
	d := digitsOnly(b)
	if len(d) > 10 {
		d = d[len(d)-10:]
	}
	return d
}

// refineEmail drops an "address" that is the password@host part of a URL
// with credentials (scheme://user:password@host): looking back from the
// match, the scheme's "://" comes before any blank, path or query
// character. An address in a query string (?email=jane@example.com) stays.
func refineEmail(buf []byte, start, end int) (int, int, bool) {
	for i := start - 1; i >= 0 && i >= start-256; i-- {
		switch buf[i] {
		case ' ', '\t', '\n', '\r', '"', '\'', '<', '(', '?', '&', '=', '#', ',', ';':
			return start, end, true
		case '/':
			if i >= 2 && buf[i-1] == '/' && buf[i-2] == ':' {
				return 0, 0, false
			}
			return start, end, true
		}
	}
	return start, end, true
}

// refineNotURLHost drops an address that is the host of a URL
// (scheme://host, user@host, http://[v6]/): a server, not a person's
// connection.
func refineNotURLHost(buf []byte, start, end int) (int, int, bool) {
	i := start
	if i > 0 && buf[i-1] == '[' {
		i--
	}
	if i > 0 && buf[i-1] == '@' || i >= 3 && string(buf[i-3:i]) == "://" {
		return 0, 0, false
	}
	return start, end, true
}
