package classifiers

import (
	"strconv"
	"strings"
)

// Redactors turn a raw matched value into the form kept in Match.Redacted.
// Each keeps at most what the design allows (card: first and last four
// digits; SSN, phone: last four; IBAN: country code and last four;
// access key id: first and last four; national ids built on a birth date:
// their shape only; secrets: a length hint only). Any input, however short
// or malformed, must yield a masked string.

// maskAll fully masks a value, keeping only its length.
func maskAll(n int) string { return "****(" + strconv.Itoa(n) + " chars)" }

// redactLength masks a secret completely: "****(40 chars)".
func redactLength(v string) string { return maskAll(len(v)) }

// redactKeepEnds keeps the first and last four characters of a value of at
// least 16 characters ("AKIA************MPLE") and masks shorter ones
// completely.
func redactKeepEnds(v string) string {
	if len(v) < 16 {
		return maskAll(len(v))
	}
	return v[:4] + strings.Repeat("*", len(v)-8) + v[len(v)-4:]
}

// redactCard keeps the first and last four digits of a card number in its
// usual grouping: "4111 **** **** 1111", "3782 ****** *0005".
func redactCard(v string) string {
	d := digitsOnly([]byte(v))
	if len(d) < 12 {
		return maskAll(len(v))
	}
	masked := make([]byte, len(d))
	for i, c := range d {
		if i < 4 || i >= len(d)-4 {
			masked[i] = c
		} else {
			masked[i] = '*'
		}
	}
	groups := []int{4, 4, 4, 4, 4}
	switch len(d) {
	case 15:
		groups = []int{4, 6, 5}
	case 14:
		groups = []int{4, 6, 4}
	}
	return group(masked, groups)
}

// group splits b into space-separated groups of the given sizes; the last
// size repeats for any remainder.
func group(b []byte, sizes []int) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/4)
	for i := 0; len(b) > 0; i++ {
		n := sizes[min(i, len(sizes)-1)]
		n = min(n, len(b))
		if sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		sb.Write(b[:n])
		b = b[n:]
	}
	return sb.String()
}

// redactSSN keeps the serial: "***-**-6789".
func redactSSN(v string) string {
	d := digitsOnly([]byte(v))
	if len(d) != 9 {
		return maskAll(len(v))
	}
	return "***-**-" + string(d[5:])
}

// redactPhone keeps the last four digits: "***-***-0142".
func redactPhone(v string) string {
	d := digitsOnly([]byte(v))
	if len(d) < 10 {
		return maskAll(len(v))
	}
	return "***-***-" + string(d[len(d)-4:])
}

// redactIBAN keeps the country code and the last four characters, in
// print grouping: "DE** **** **** **** **30 00". The check digits are
// masked too: kept, they divide the candidates for the hidden digits by
// 97, and a short IBAN hides few (NO** **** ***7 947 hides seven, four of
// them the bank code, one of a few hundred: the three left, mod 97 and
// the national check digit leave about one candidate).
func redactIBAN(v string) string {
	s := stripSpaces([]byte(v))
	if len(s) < 12 {
		return maskAll(len(v))
	}
	for i := 2; i < len(s)-4; i++ {
		s[i] = '*'
	}
	return group(s, []int{4})
}

// redactEmail keeps the first character of the local part and the domain:
// "j***@example.com".
func redactEmail(v string) string {
	at := strings.LastIndexByte(v, '@')
	if at <= 0 {
		return maskAll(len(v))
	}
	return v[:1] + "***" + v[at:]
}

// redactPEM keeps the BEGIN line only: "-----BEGIN RSA PRIVATE KEY----- ****",
// with a length hint when the match includes the key body.
func redactPEM(v string) string {
	if !strings.HasPrefix(v, pemBeginPrefix) {
		return maskAll(len(v))
	}
	i := strings.Index(v[len(pemBeginPrefix):], pemDashes)
	if i < 0 {
		return maskAll(len(v))
	}
	hdr := len(pemBeginPrefix) + i + len(pemDashes)
	if hdr == len(v) {
		return v + " ****"
	}
	return v[:hdr] + " " + maskAll(len(v)-hdr)
}

// redactTail masks every letter and digit of a structured identifier but
// the last few, keeping its separators: "***-**-*789", "** ** ** 56 C".
// It keeps at most four characters and at most a third of them, so a
// short value (a nine-character id keeps three) is never half revealed.
func redactTail(v string) string {
	if v == "" {
		return maskAll(0)
	}
	n := 0
	for i := 0; i < len(v); i++ {
		if isAlnum(v[i]) {
			n++
		}
	}
	keep := min(4, n/3)
	out := []byte(v)
	seen := 0
	for i := range out {
		if !isAlnum(out[i]) {
			if out[i] >= 0x80 || out[i] < 0x20 {
				out[i] = '?'
			}
			continue
		}
		if seen < n-keep {
			out[i] = '*'
		}
		seen++
	}
	if string(out) == v {
		return maskAll(len(v))
	}
	return string(out)
}

// redactBirthDateID redacts a national id whose digits are mostly its
// holder's birth date (SE personnummer, FI HETU, DK CPR, CZ/SK birth
// number, BG EGN, BE national number, PL PESEL, GR AMKA, RO CNP, AT SVNR)
// to its shape alone: "********-****", "******-****".
//
// The rule, for every such identifier: a redacted form keeps no letter or
// digit of the value. Masking the date hides nothing from whoever knows
// the holder's birth date, which colleagues, family and any data broker
// do; what remains unknown is a serial of three or four digits and a
// check character computed from everything else. redactTail's last four
// are the whole remainder of a personnummer (the value itself), and even
// one kept check character leaves few candidates: HETU's is mod 31, so
// birth date plus check character leave about 29 values; PESEL's, EGN's
// or a personnummer's Luhn digit divide the rest by ten. Only keeping
// nothing leaves every identifier at 100 or more candidates (a Czech
// birth number, divisible by 11, has about 900 for a given date).
// Findings of one value stay recognisable by their fingerprint.
func redactBirthDateID(v string) string { return redactShape(v) }

// redactShape masks every letter and digit and keeps the separators, for
// short values where any kept digit says too much: a date of birth
// "**/**/****", a CVV "***", a card expiry "**/**".
func redactShape(v string) string {
	if v == "" {
		return maskAll(0)
	}
	out := []byte(v)
	for i, c := range out {
		switch {
		case isAlnum(c):
			out[i] = '*'
		case c >= 0x80 || c < 0x20:
			out[i] = '?'
		}
	}
	if string(out) == v {
		return maskAll(len(v))
	}
	return string(out)
}

// redactKnownPrefix returns a redactor that keeps a public, fixed prefix
// of a secret (the token type: "ghp_", "sk_live_", "xoxb-") and masks the
// rest with a length hint: "ghp_****(36 chars)". A value with none of the
// prefixes is masked completely.
func redactKnownPrefix(prefixes ...string) func(string) string {
	return func(v string) string {
		for _, p := range prefixes {
			if strings.HasPrefix(v, p) && len(v) > len(p) {
				return p + maskAll(len(v)-len(p))
			}
		}
		return maskAll(len(v))
	}
}

// redactURLCredentials keeps the scheme and host of a URL with
// credentials and masks user and password: "postgres://****:****@db.example.com".
func redactURLCredentials(v string) string {
	scheme, rest, ok := strings.Cut(v, "://")
	at := strings.LastIndexByte(rest, '@')
	if !ok || at < 0 || len(scheme) > 32 {
		return maskAll(len(v))
	}
	return scheme + "://****:****@" + rest[at+1:]
}

// redactBasicAuth masks an Authorization Basic credential ("Basic
// ****(24 chars)") or a URL with credentials (redactURLCredentials).
func redactBasicAuth(v string) string {
	if strings.Contains(v, "://") {
		return redactURLCredentials(v)
	}
	scheme, secret, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "basic") {
		return maskAll(len(v))
	}
	secret = strings.TrimLeft(secret, " \t")
	return "Basic " + maskAll(len(secret))
}

// redactIPv4 keeps the last octet: "***.***.***.42".
func redactIPv4(v string) string {
	i := strings.LastIndexByte(v, '.')
	if i < 0 || len(v)-i > 4 {
		return maskAll(len(v))
	}
	return "***.***.***" + v[i:]
}

// redactIPv6 keeps the last group: "****:****::7334".
func redactIPv6(v string) string {
	i := strings.LastIndexByte(v, ':')
	if i < 0 || len(v)-i > 5 || redactShape(v[:i]) == v[:i] {
		return maskAll(len(v))
	}
	return redactShape(v[:i]) + v[i:]
}
