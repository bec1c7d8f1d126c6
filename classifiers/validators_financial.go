package classifiers

import "bytes"

// Financial validators: payment cards and their track data, CVV and
// expiry, IBAN, US bank accounts and routing numbers, SWIFT/BIC.

// cardIssuerValid reports whether the digits d (ASCII) have the prefix and
// length of a Visa, Mastercard, American Express, Discover, UnionPay, JCB
// or Diners Club card.
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
	p2, p3, p4 := prefix(2), prefix(3), prefix(4)
	switch {
	case d[0] == '4': // Visa
		return n == 13 || n == 16 || n == 19
	case 51 <= p2 && p2 <= 55, 2221 <= p4 && p4 <= 2720: // Mastercard
		return n == 16
	case p2 == 34 || p2 == 37: // American Express
		return n == 15
	case p4 == 6011, 644 <= p3 && p3 <= 649, p2 == 65: // Discover
		return n >= 16
	case p2 == 62, p2 == 81: // UnionPay, with Discover's co-branded 622126-622925
		return n >= 16
	case 3528 <= p4 && p4 <= 3589: // JCB
		return n >= 16
	case 300 <= p3 && p3 <= 305, p4 == 3095, p2 == 36, p2 == 38, p2 == 39: // Diners Club
		return n >= 14
	}
	return false
}

// validCard checks the structure of a card candidate: one consistent
// separator, 13-19 digits, issuer prefix and length, Luhn. It accepts the
// published test numbers; validPAN, the identifier's validator, does not.
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

// knownTestPANs are card numbers published by card networks, payment
// processors (Stripe, Braintree/PayPal, Adyen, Authorize.net, Worldpay)
// and their documentation for testing. They pass every check yet are never
// a real customer's card, so CREDIT_CARD_NUMBER and CARD_TRACK_DATA ignore
// them: a test fixture or a code sample full of 4111 1111 1111 1111 is not
// cardholder data.
var knownTestPANs = map[string]bool{
	// Visa
	"4111111111111111": true, "4242424242424242": true, "4012888888881881": true,
	"4222222222222": true, "4000056655665556": true, "4005519200000004": true,
	"4009348888881881": true, "4012000033330026": true, "4012000077777777": true,
	"4217651111111119": true, "4500600000000061": true, "4007000000027": true,
	"4012888818888": true, "4000000000000002": true, "4000000000000069": true,
	"4000000000000127": true, "4000000000000119": true, "4000000000003220": true,
	"4000002500003155": true, "4000000000009995": true, "4100000000000019": true,
	"4000000000000077": true, "4000000000000093": true, "4000000000000010": true,
	"4000000000000036": true, "4000000000000101": true, "4000000000000341": true,
	"4444333322221111": true, "4917610000000000": true, "4462030000000000": true,
	"4917300800000000": true, "4484070000000000": true, "4035501000000008": true,
	"4111111145551142": true, "4988438843884305": true, "4166676667666746": true,
	"4646464646464644": true, "4000020000000000": true, "4000160000000004": true,
	"4000180000000002": true, "4000620000000007": true,
	// Mastercard
	"5555555555554444": true, "5105105105105100": true, "5200828282828210": true,
	"2223003122003222": true, "2223000048400011": true, "5500000000000004": true,
	"5454545454545454": true, "5424000000000015": true, "2223000010309703": true,
	"2223000010309711": true, "5555341244441115": true, "5577000055770004": true,
	"5136333333333335": true, "5585558555855583": true, "5555444433331111": true,
	"2222400070000005": true, "2222410740360010": true, "5101180000000007": true,
	"5404000000000001": true, "5431111111111111": true, "5499740000000057": true,
	// American Express
	"378282246310005": true, "371449635398431": true, "378734493671000": true,
	"370000000000002": true, "340000000000009": true, "341111111111111": true,
	"370000000100018": true, "374245455400001": true, "343434343434343": true,
	// Discover
	"6011111111111117": true, "6011000990139424": true, "6011981111111113": true,
	"6011000000000012": true, "6011601160116611": true, "6445644564456445": true,
	"6011000400000000": true,
	// JCB
	"3530111333300000": true, "3566002020360505": true, "3566111111111113": true,
	"3088000000000017": true, "3569990010095841": true, "3528000700000000": true,
	// Diners Club
	"30569309025904": true, "38520000023237": true, "36227206271667": true,
	"3056930009020004": true, "38000000000006": true, "36006666333344": true,
	"36070500001020": true, "36148900647913": true,
	// UnionPay
	"6200000000000005": true, "6205500000000000004": true,
}

// isTestPAN reports whether the digits d are a published test card number.
func isTestPAN(d []byte) bool { return knownTestPANs[string(d)] }

// validPAN checks a card candidate (validCard) and rejects published test
// numbers.
func validPAN(b []byte) bool {
	var d digits
	return validCard(b) && !isTestPAN(d.of(b))
}

// refineCard drops a card number that is part of something longer: the
// PAN or the expiry/discretionary field of magnetic-stripe track data
// (followed by '=' and digits or by '^', or preceded by '^' or by
// digits and '='; CARD_TRACK_DATA reports the whole track), the digits of
// an international phone number (after '+'), a group of
// digits inside a longer grouped number (an IBAN or a tracking number
// printed in fours), or a dash-joined segment of a token
// (xoxb-…-4400428787277-…).
func refineCard(buf []byte, start, end int) (int, int, bool) {
	if start < 0 || end > len(buf) || start >= end {
		return 0, 0, false
	}
	var sep byte
	for _, c := range buf[start:end] {
		if !isDigit(c) {
			sep = c
			break
		}
	}
	if start > 0 {
		switch p := buf[start-1]; {
		case p == '^', p == '+': // track data; a +CC phone number
			return 0, 0, false
		case start > 1 && (p == '=' || p == sep) && isDigit(buf[start-2]):
			return 0, 0, false
		case start > 1 && p == '-' && isAlnum(buf[start-2]):
			return 0, 0, false
		}
	}
	if end < len(buf) {
		switch n := buf[end]; {
		case n == '^':
			return 0, 0, false
		case end+1 < len(buf) && (n == '=' || n == sep) && isDigit(buf[end+1]):
			return 0, 0, false
		case end+1 < len(buf) && n == '-' && isAlnum(buf[end+1]):
			return 0, 0, false
		}
	}
	return start, end, true
}

// trackPAN returns the PAN of a track 1 ("%B<PAN>^NAME^YYMM…") or track 2
// (";<PAN>=YYMM…") candidate, and the bytes after its field separator.
func trackPAN(b []byte) (pan, rest []byte, track int) {
	b = bytes.TrimPrefix(b, []byte{'%'})
	b = bytes.TrimPrefix(b, []byte{';'})
	if len(b) > 0 && b[0] == 'B' {
		i := bytes.IndexByte(b, '^')
		if i < 0 {
			return nil, nil, 0
		}
		j := bytes.IndexByte(b[i+1:], '^')
		if j < 0 {
			return nil, nil, 0
		}
		return b[1:i], b[i+1+j+1:], 1
	}
	i := bytes.IndexByte(b, '=')
	if i < 0 {
		return nil, nil, 0
	}
	return b[:i], b[i+1:], 2
}

// validTrack checks magnetic-stripe track 1 or track 2 data: a PAN that
// passes validPAN, an expiry YYMM with month 01-12, and for track 2 a
// service code whose first digit is an interchange code (1, 2, 5, 6, 7, 9).
func validTrack(b []byte) bool {
	pan, rest, track := trackPAN(b)
	if track == 0 || !validPAN(pan) || len(rest) < 4 || !isAllDigits(rest[:4]) {
		return false
	}
	if m := num(rest[2:4]); m < 1 || m > 12 {
		return false
	}
	if track == 2 {
		if len(rest) < 7 || !isAllDigits(rest[4:7]) {
			return false
		}
		switch rest[4] {
		case '1', '2', '5', '6', '7', '9':
		default:
			return false
		}
	}
	return true
}

// refineTrack drops track data glued to a preceding letter or digit (the
// pattern's own sentinel or \b guards the first byte only).
func refineTrack(buf []byte, start, end int) (int, int, bool) {
	if start > 0 && buf[start] != '%' && buf[start] != ';' && isAlnum(buf[start-1]) {
		return 0, 0, false
	}
	if end < len(buf) && isDigit(buf[end]) {
		return 0, 0, false
	}
	return start, end, true
}

// validCVV accepts 3 digits (4 for American Express).
func validCVV(b []byte) bool { return (len(b) == 3 || len(b) == 4) && isAllDigits(b) }

// validExpiry checks a card expiry MM/YY, MM/YYYY, MM-YY or YYYY-MM
// (spaces around the separator allowed): month 01-12, a four-digit year
// in 2000-2099.
func validExpiry(b []byte) bool {
	var parts [][]byte
	for _, f := range bytes.FieldsFunc(b, func(r rune) bool { return r == '/' || r == '-' || r == ' ' }) {
		parts = append(parts, f)
	}
	if len(parts) != 2 {
		return false
	}
	m, y := parts[0], parts[1]
	if len(m) == 4 { // YYYY-MM
		m, y = y, m
	}
	if len(m) != 2 || num(m) < 1 || num(m) > 12 {
		return false
	}
	switch len(y) {
	case 2:
		return num(y) >= 0
	case 4:
		return y[0] == '2' && y[1] == '0' && num(y) >= 0
	}
	return false
}

// ibanLengths is the IBAN length of every country in the SWIFT IBAN
// registry (release 2024/2025), including the countries added since 2020
// (Burundi, Djibouti, Falklands, Honduras, Mongolia, Nicaragua, Oman,
// Russia, Somalia, Yemen).
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16,
	"BG": 22, "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22,
	"CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20,
	"EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22,
	"GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21,
	"HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30,
	"KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
	"LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
	"MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23,
	"PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
	"RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24,
	"SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26,
	"UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
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
// spaces: registered country, its exact length, check digits 02-98, and
// mod-97 remainder 1. Check digits are computed as 98 minus a remainder
// mod 97, so 00, 01 and 99 are never issued, although 00 and 97, 01 and
// 98, 02 and 99 leave the same remainder.
func validIBAN(b []byte) bool {
	s := stripSpaces(b)
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	if !isUpper(s[0]) || !isUpper(s[1]) || !isDigit(s[2]) || !isDigit(s[3]) {
		return false
	}
	if check := num(s[2:4]); check < 2 || check > 98 {
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

// validABA checks a US ABA routing transit number: nine digits, a Federal
// Reserve prefix (00-12, 21-32, 61-72, 80) and the 3-7-1 weighted checksum.
func validABA(b []byte) bool {
	if len(b) != 9 || !isAllDigits(b) {
		return false
	}
	p := num(b[:2])
	if !(p <= 12 || (21 <= p && p <= 32) || (61 <= p && p <= 72) || p == 80) {
		return false
	}
	if distinct(b) < 3 {
		return false
	}
	return weightedSum(b, 3, 7, 1, 3, 7, 1, 3, 7, 1)%10 == 0
}

// validBankAccount accepts 6 to 17 digits that are not a run of one or two
// symbols (000000, 121212).
func validBankAccount(b []byte) bool {
	return len(b) >= 6 && len(b) <= 17 && isAllDigits(b) && distinct(b) >= 3
}

// isoCountries holds the ISO 3166-1 alpha-2 codes, plus XK (Kosovo), which
// SWIFT uses.
var isoCountries = func() map[string]bool {
	const codes = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
		"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
		"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
		"KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT " +
		"MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
		"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG " +
		"UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK"
	m := map[string]bool{}
	for _, c := range bytes.Fields([]byte(codes)) {
		m[string(c)] = true
	}
	return m
}()

// validBIC checks a SWIFT/BIC code of 8 or 11 characters: four letters of
// institution, an ISO country, a location code whose second character is
// not '0' (a test BIC), and a branch that is XXX or does not start with X.
func validBIC(b []byte) bool {
	if len(b) != 8 && len(b) != 11 {
		return false
	}
	for _, c := range b[:6] {
		if !isUpper(c) {
			return false
		}
	}
	if !isoCountries[string(b[4:6])] || b[7] == '0' {
		return false
	}
	if len(b) == 11 && b[8] == 'X' && string(b[8:]) != "XXX" {
		return false
	}
	return true
}
