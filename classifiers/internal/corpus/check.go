package corpus

import (
	"fmt"
	"hash/crc32"
	"math/big"
	"math/rand/v2"
	"strings"
)

// Check-digit arithmetic, written independently of the classifiers
// package so that the accuracy test compares two implementations. The
// functions compute a check digit for a body; the validators in
// classifiers verify whole values.

// digits returns n random ASCII digits.
func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// chars returns n random characters of alphabet.
func chars(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

const (
	upper     = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lower     = "abcdefghijklmnopqrstuvwxyz"
	decimal   = "0123456789"
	alnum     = upper + lower + decimal
	b64       = upper + lower + decimal + "+/"
	b64url    = upper + lower + decimal + "-_"
	hexLower  = "0123456789abcdef"
	upperNum  = upper + decimal
	base32AWS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
)

// luhnDigit returns the digit that makes body+digit pass Luhn.
func luhnDigit(body string) byte {
	sum := 0
	for i := 0; i < len(body); i++ {
		d := int(body[len(body)-1-i] - '0')
		if i%2 == 0 { // doubled: these will sit at odd distance from the check digit
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

var (
	verD = [10][10]int{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
		{2, 3, 4, 0, 1, 7, 8, 9, 5, 6}, {3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
		{4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
		{6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
		{8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
	}
	verP = [8][10]int{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
		{5, 8, 0, 3, 7, 9, 6, 1, 4, 2}, {8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
		{9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
		{2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
	}
	verInv = [10]int{0, 4, 3, 2, 1, 5, 6, 7, 8, 9}
)

// verhoeffDigit returns the Verhoeff check digit of body.
func verhoeffDigit(body string) byte {
	c := 0
	for i := 0; i < len(body); i++ {
		c = verD[c][verP[(i+1)%8][body[len(body)-1-i]-'0']]
	}
	return byte('0' + verInv[c])
}

// weighted returns the sum of digits times weights.
func weighted(s string, w ...int) int {
	sum := 0
	for i, x := range w {
		sum += int(s[i]-'0') * x
	}
	return sum
}

// mod97 returns n mod 97 for a decimal string of any length.
func mod97(s string) int {
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic("corpus: mod97 of " + s)
	}
	return int(new(big.Int).Mod(n, big.NewInt(97)).Int64())
}

// ibanCheck returns the two IBAN check digits for country cc and bban.
func ibanCheck(cc, bban string) string {
	var sb strings.Builder
	for _, c := range bban + cc + "00" {
		if c >= 'A' && c <= 'Z' {
			fmt.Fprintf(&sb, "%d", c-'A'+10)
		} else {
			sb.WriteRune(c)
		}
	}
	return fmt.Sprintf("%02d", 98-mod97(sb.String()))
}

// base62Digits is the alphabet of GitHub's token checksum.
const base62Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// githubChecksum returns the 6-character base62 CRC32 of a token body.
func githubChecksum(body string) string {
	v := crc32.ChecksumIEEE([]byte(body))
	out := make([]byte, 6)
	for i := 5; i >= 0; i-- {
		out[i] = base62Digits[v%62]
		v /= 62
	}
	return string(out)
}

// daysIn returns the number of days of month m in year y.
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// date is a calendar date.
type date struct{ y, m, d int }

// randomDate returns a date between from and to (years, inclusive).
func randomDate(r *rand.Rand, from, to int) date {
	y := from + r.IntN(to-from+1)
	m := 1 + r.IntN(12)
	return date{y, m, 1 + r.IntN(daysIn(y, m))}
}

// bumpLast returns s with its last digit changed, so that a single check
// digit no longer matches.
func bumpLast(s string) string {
	i := strings.LastIndexAny(s, decimal)
	if i < 0 {
		return s
	}
	return s[:i] + string(byte('0'+(s[i]-'0'+1)%10)) + s[i+1:]
}
