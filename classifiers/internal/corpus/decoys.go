package corpus

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Decoys: strings that look like sensitive values but are not, and that a
// classifier must not report. Each is built so that it fails every
// identifier's checks (a decoy that happens to validate as a card number
// is regenerated: it would be a real card number).

// looksLikeCard reports whether the digits d have a card issuer prefix
// and length and pass Luhn (a superset of what the classifier accepts).
func looksLikeCard(d string) bool {
	if len(d) < 13 || len(d) > 19 {
		return false
	}
	for _, p := range []string{"4", "51", "52", "53", "54", "55", "22", "23", "24", "25", "26", "27", "34", "37", "6", "35", "30", "36", "38", "39", "81"} {
		if strings.HasPrefix(d, p) {
			return luhnDigit(d[:len(d)-1]) == d[len(d)-1]
		}
	}
	return false
}

// safeNumber returns n random digits that do not look like a card.
func safeNumber(r *rand.Rand, n int) string {
	for {
		d := string(byte('1'+r.IntN(9))) + digits(r, n-1)
		if !looksLikeCard(d) {
			return d
		}
	}
}

func uuid(r *rand.Rand) string {
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", r.Uint32(), r.IntN(0x10000), r.IntN(0x1000), 0x8000|r.IntN(0x4000), r.Uint64()&0xffffffffffff)
}

func isoTime(r *rand.Rand) string {
	return fmt.Sprintf("2026-%02d-%02dT%02d:%02d:%02d.%03dZ", 1+r.IntN(12), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1000))
}

// isbn13 returns a valid ISBN-13 written with hyphens.
func isbn13(r *rand.Rand) string {
	body := "978" + digits(r, 9)
	sum := 0
	for i := 0; i < 12; i++ {
		w := 1
		if i%2 == 1 {
			w = 3
		}
		sum += int(body[i]-'0') * w
	}
	d := body + string(byte('0'+(10-sum%10)%10))
	return d[:3] + "-" + d[3:4] + "-" + d[4:6] + "-" + d[6:12] + "-" + d[12:]
}

// isbn10 returns a valid ISBN-10 written with hyphens.
func isbn10(r *rand.Rand) string {
	body := digits(r, 9)
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(body[i]-'0') * (10 - i)
	}
	c := (11 - sum%11) % 11
	check := string(byte('0' + c))
	if c == 10 {
		check = "X"
	}
	return body[:1] + "-" + body[1:4] + "-" + body[4:9] + "-" + check
}

// noiseTokens make one noise token each: identifiers, hashes, numbers and
// blobs of ordinary logs and exports, none of them sensitive.
var noiseTokens = []func(r *rand.Rand) string{
	func(r *rand.Rand) string { return "trace=" + uuid(r) },
	func(r *rand.Rand) string { return uuid(r) },
	func(r *rand.Rand) string { return "md5=" + chars(r, hexLower, 32) },
	func(r *rand.Rand) string { return "sha1 " + chars(r, hexLower, 40) },
	func(r *rand.Rand) string { return "digest=sha256:" + chars(r, hexLower, 64) },
	func(r *rand.Rand) string { return strings.ToUpper(chars(r, hexLower, 40)) },
	func(r *rand.Rand) string { return "order=" + safeNumber(r, 6+r.IntN(10)) },
	func(r *rand.Rand) string { return fmt.Sprintf("ORD-2026-%06d", r.IntN(1000000)) },
	func(r *rand.Rand) string { return fmt.Sprintf("INV-%d-%05d", 2020+r.IntN(7), r.IntN(100000)) },
	func(r *rand.Rand) string { return "at " + isoTime(r) },
	func(r *rand.Rand) string { return fmt.Sprintf("ts=%d", 1600000000+r.IntN(200000000)) },
	func(r *rand.Rand) string { return fmt.Sprintf("epoch_ms=%d", 1600000000000+r.Int64N(200000000000)) },
	func(r *rand.Rand) string { return fmt.Sprintf("v%d.%d.%d", r.IntN(5), r.IntN(30), r.IntN(100)) },
	func(r *rand.Rand) string {
		return fmt.Sprintf("version %d.%d.%d.%d", r.IntN(10), r.IntN(20), r.IntN(100), r.IntN(10000))
	},
	func(r *rand.Rand) string { return fmt.Sprintf("build %d", 1000000+r.IntN(9000000)) },
	func(r *rand.Rand) string { return "blob=" + chars(r, b64, 24+r.IntN(64)) },
	func(r *rand.Rand) string {
		return "etag=\"" + base64.StdEncoding.EncodeToString([]byte(chars(r, alnum, 12+r.IntN(20)))) + "\""
	},
	func(r *rand.Rand) string { return "isbn " + isbn13(r) },
	func(r *rand.Rand) string { return "ISBN " + isbn10(r) },
	func(r *rand.Rand) string { return "1Z" + chars(r, upperNum, 16) },
	func(r *rand.Rand) string { return "fedex " + safeNumber(r, 12) },
	func(r *rand.Rand) string {
		d := "9400" + safeNumber(r, 18)
		return "usps " + groupDigits(d, " ", 4, 4, 4, 4, 4)
	},
	func(r *rand.Rand) string { return fmt.Sprintf("latency_ms=%d", r.IntN(5000)) },
	func(r *rand.Rand) string {
		return fmt.Sprintf("status=%d", pick(r, []int{200, 201, 204, 301, 404, 500, 503}))
	},
	func(r *rand.Rand) string { return fmt.Sprintf("GET /api/v1/orders/%d", r.IntN(10000000)) },
	func(r *rand.Rand) string { return fmt.Sprintf("amount=%d.%02d", r.IntN(10000), r.IntN(100)) },
	func(r *rand.Rand) string {
		return fmt.Sprintf("host 10.%d.%d.%d", r.IntN(256), r.IntN(256), 1+r.IntN(254))
	},
	func(r *rand.Rand) string { return fmt.Sprintf("sku=%s-%04d", chars(r, upper, 3), r.IntN(10000)) },
	func(r *rand.Rand) string { return fmt.Sprintf("oid 1.3.6.1.4.1.%d.%d", r.IntN(60000), r.IntN(100)) },
	func(r *rand.Rand) string {
		return fmt.Sprintf("mac=%02x:%02x:%02x:%02x:%02x:%02x", r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(256))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("took %02d:%02d:%02d", r.IntN(24), r.IntN(60), r.IntN(60))
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("region=%s", pick(r, []string{"us-east-1", "eu-west-1", "ap-south-1"}))
	},
	func(r *rand.Rand) string { return "PO" + safeNumber(r, 7) },
}

// invalidSSN returns an SSN-shaped decoy: area 000, 666 or 9xx (with a
// group outside the ITIN ranges), or group 00, or serial 0000.
func invalidSSN(r *rand.Rand) string {
	d := ssn(r)
	switch r.IntN(5) {
	case 0:
		d = "000" + d[3:]
	case 1:
		d = "666" + d[3:]
	case 2:
		d = "9" + digits(r, 2) + pick(r, []string{"12", "34", "45", "66", "69", "89", "93", "00"}) + d[5:]
	case 3:
		d = d[:3] + "00" + d[5:]
	default:
		d = d[:5] + "0000"
	}
	return groupDigits(d, "-", 3, 2)
}

// keywordDecoys are labelled values that fail their identifier's checks
// (bad check digit, impossible date, invalid range) or are published test
// values: a keyword alone must not make a finding.
var keywordDecoys = []func(r *rand.Rand) string{
	func(r *rand.Rand) string { return "ssn: " + invalidSSN(r) },
	func(r *rand.Rand) string { return "card: " + bumpLast(cardPAN(r)) },
	func(r *rand.Rand) string {
		return "card number " + pick(r, []string{"4111 1111 1111 1111", "4242424242424242", "5555 5555 5555 4444", "378282246310005", "6011111111111117", "4012888888881881", "5105105105105100"})
	},
	func(r *rand.Rand) string {
		s := iban(r)
		c := (atoi(s[2:4]) + 1 + r.IntN(90)) % 100
		// Check digits 97, 98 and 02 have an alias that passes mod 97
		// too but is never issued: 00, 01 and 99.
		switch s[2:4] {
		case "97":
			c = 0
		case "98":
			c = 1
		case "02":
			c = 99
		}
		return "IBAN " + s[:2] + fmt.Sprintf("%02d", c) + s[4:]
	},
	func(r *rand.Rand) string { return "routing number: " + bumpLast(aba(r)) },
	func(r *rand.Rand) string {
		body := string("12"[r.IntN(2)]) + digits(r, 8)
		return "NPI: " + body + string(byte('0'+(luhnDigit("80840"+body)-'0'+1)%10))
	},
	func(r *rand.Rand) string { return fmt.Sprintf("dob: 19%02d-02-30", 40+r.IntN(60)) },
	func(r *rand.Rand) string {
		return fmt.Sprintf("date of birth: %02d/%02d/1985", 13+r.IntN(18), 13+r.IntN(18))
	},
	func(r *rand.Rand) string { return fmt.Sprintf("cvv: %05d", r.IntN(100000)) },
	func(r *rand.Rand) string { return fmt.Sprintf("exp: %02d/%02d", 13+r.IntN(87), r.IntN(100)) },
	func(r *rand.Rand) string {
		return fmt.Sprintf("ip: %d.%d.%d.%d", 256+r.IntN(700), r.IntN(256), r.IntN(256), r.IntN(256))
	},
	func(r *rand.Rand) string {
		v := vin(r)
		c := v[8]
		for c == v[8] {
			c = "0123456789X"[r.IntN(11)]
		}
		return "VIN: " + v[:8] + string(c) + v[9:]
	},
	func(r *rand.Rand) string {
		for {
			d := string(byte('1'+r.IntN(9))) + digits(r, 8)
			if (weighted(d, 9, 8, 7, 6, 5, 4, 3, 2)-int(d[8]-'0'))%11 != 0 {
				return "BSN: " + d
			}
		}
	},
	func(r *rand.Rand) string {
		for {
			d := digits(r, 10)
			c := 11 - weighted(d, 10, 9, 8, 7, 6, 5, 4, 3, 2)%11
			if c == 11 {
				c = 0
			}
			if c != int(d[9]-'0') {
				return "NHS number: " + groupDigits(d, " ", 3, 3)
			}
		}
	},
	func(r *rand.Rand) string { return "aws_secret_access_key_sha1 = " + chars(r, hexLower, 40) },
	func(r *rand.Rand) string { return "github_token: ghp_" + chars(r, alnum, 36) }, // checksum fails
	func(r *rand.Rand) string {
		return pick(r, []string{"SLACK_APP_TOKEN=xapp-your-app-token", "slack app token: xapp-1-" + strings.Repeat("x", 11) + "-" + strings.Repeat("x", 13) + "-" + strings.Repeat("x", 64),
			"SLACK_REFRESH_TOKEN=xoxe-1-" + strings.Repeat("x", 146), "slack token: xoxe.xoxp-1-..."})
	},
	func(r *rand.Rand) string { return "DATABASE_URL=postgres://app:${DB_PASSWORD}@db.internal.example.com" },
	func(r *rand.Rand) string { return "Authorization: Bearer " + chars(r, hexLower, 40) },
	func(r *rand.Rand) string {
		return "passport: " + pick(r, []string{"pending", "not provided", "on file"})
	},
	func(r *rand.Rand) string {
		return "swift transfer " + pick(r, []string{"PENDING", "SETTLED", "REJECTED"})
	},
	func(r *rand.Rand) string {
		return "-----BEGIN PUBLIC KEY-----\n" + pemBody(r, "MFww", 2) + "\n-----END PUBLIC KEY-----"
	},
	func(r *rand.Rand) string { return `if strings.HasPrefix(s, "-----BEGIN RSA PRIVATE KEY-----") {` },
	func(r *rand.Rand) string { return "phone: (1" + digits(r, 2) + ") 555-0" + digits(r, 3) },
}

// decoyToken returns one noise token, now and then a keyword decoy.
func decoyToken(r *rand.Rand, keywordRate int) string {
	if keywordRate > 0 && r.IntN(keywordRate) == 0 {
		return pick(r, keywordDecoys)(r)
	}
	return pick(r, noiseTokens)(r)
}
