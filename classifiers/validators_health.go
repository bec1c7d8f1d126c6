package classifiers

import "bytes"

// Health validators: US provider, beneficiary, prescriber and drug
// identifiers, and the UK NHS number.

// validNPI checks a US National Provider Identifier: ten digits starting
// with 1 or 2 whose Luhn check, computed with the card-issuer prefix 80840
// in front, is 0.
func validNPI(b []byte) bool {
	if len(b) != 10 || !isAllDigits(b) || (b[0] != '1' && b[0] != '2') || distinct(b) < 3 {
		return false
	}
	var buf [15]byte
	copy(buf[:], "80840")
	copy(buf[5:], b)
	return luhnValid(buf[:])
}

// mbiLetter reports whether c is a letter an MBI may use: A-Z without S,
// L, O, I, B and Z.
func mbiLetter(c byte) bool {
	return isUpper(c) && bytes.IndexByte([]byte("SLOIBZ"), c) < 0
}

// validMBI checks a Medicare Beneficiary Identifier by its character
// positions: 1 a digit 1-9; 2, 5, 8, 9 letters; 3 and 6 a letter or
// digit; 4, 7, 10, 11 digits; letters never S, L, O, I, B, Z. Dashes after
// the 4th and 7th character are allowed (both or none).
func validMBI(b []byte) bool {
	s := b
	switch {
	case len(b) == 13 && b[4] == '-' && b[8] == '-':
		s = bytes.ReplaceAll(b, []byte{'-'}, nil)
	case len(b) != 11:
		return false
	}
	if len(s) != 11 || s[0] < '1' || s[0] > '9' {
		return false
	}
	for i, c := range s[1:] {
		switch i + 2 {
		case 2, 5, 8, 9:
			if !mbiLetter(c) {
				return false
			}
		case 3, 6:
			if !mbiLetter(c) && !isDigit(c) {
				return false
			}
		default:
			if !isDigit(c) {
				return false
			}
		}
	}
	return true
}

// validDEA checks a US DEA registration number: a registrant-type letter,
// the registrant's last-name initial (or 9), seven digits, and the check
// digit: the last digit of (d1+d3+d5) + 2·(d2+d4+d6).
func validDEA(b []byte) bool {
	if len(b) != 9 || bytes.IndexByte([]byte("ABCDEFGHJKLMPRSTUX"), b[0]) < 0 {
		return false
	}
	if !isUpper(b[1]) && b[1] != '9' {
		return false
	}
	d := b[2:]
	if !isAllDigits(d) || distinct(d) < 3 {
		return false
	}
	sum := weightedSum(d, 1, 2, 1, 2, 1, 2)
	return sum%10 == int(d[6]-'0')
}

// validNHS checks a UK NHS number: ten digits (3-3-4 groups split by one
// space or dash allowed) and the mod-11 check digit with weights 10..2
// (a remainder that gives check 10 is never issued).
func validNHS(b []byte) bool {
	d, _, ok := digitGroups(b)
	if !ok || len(d) != 10 || distinct(d) < 3 {
		return false
	}
	c := 11 - weightedSum(d, 10, 9, 8, 7, 6, 5, 4, 3, 2)%11
	if c == 11 {
		c = 0
	}
	return c != 10 && c == int(d[9]-'0')
}

// validNDC checks a US National Drug Code in one of the FDA's dashed
// layouts 4-4-2, 5-3-2, 5-4-1 or the 11-digit billing form 5-4-2, with a
// labeler code that is not all zeros.
func validNDC(b []byte) bool {
	parts := bytes.Split(b, []byte{'-'})
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if !isAllDigits(p) {
			return false
		}
	}
	shape := [3]int{len(parts[0]), len(parts[1]), len(parts[2])}
	switch shape {
	case [3]int{4, 4, 2}, [3]int{5, 3, 2}, [3]int{5, 4, 1}, [3]int{5, 4, 2}:
	default:
		return false
	}
	return num(parts[0]) > 0 && distinct(digitsOnly(b)) >= 3
}
