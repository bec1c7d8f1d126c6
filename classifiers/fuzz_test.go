package classifiers

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// Fuzz targets: every parser of untrusted bytes. Seeds come from the
// registry's examples and non-examples plus binary snippets; run one with
// go test -run='^$' -fuzz=FuzzEngineScan -fuzztime=30s ./classifiers/

// seedStrings returns the registry's examples and non-examples and some
// binary noise.
func seedStrings() []string {
	var out []string
	for _, id := range builtin {
		out = append(out, id.Examples...)
		out = append(out, id.NonExamples...)
	}
	return append(out,
		"", "\x00", "\xff\xfe\xfd", "\xc3(", "4111\xff1111\x001111 1111",
		"-----BEGIN RSA PRIVATE KEY-----\\n", "aws_secret_access_key=\x80",
		strings.Repeat("9", 40), strings.Repeat("A", 60),
	)
}

func FuzzEngineScan(f *testing.F) {
	for _, s := range seedStrings() {
		f.Add([]byte(s), "")
	}
	f.Add([]byte("123456789"), "customers[].ssn")
	f.Add([]byte("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), "SecretAccessKey")
	f.Add([]byte("2125550142"), "\xffphone")
	e := newTestEngine(f)
	known := map[string]Category{}
	for _, id := range builtin {
		known[id.ID] = id.Category
	}
	f.Fuzz(func(t *testing.T, data []byte, field string) {
		ms := e.Scan(data, field)
		lastEnd := map[string]int{}
		for i, m := range ms {
			if m.Start < 0 || m.End > len(data) || m.Start >= m.End {
				t.Fatalf("match %d: offsets %d:%d outside buffer of %d bytes", i, m.Start, m.End, len(data))
			}
			if i > 0 && ms[i-1].Start > m.Start {
				t.Fatalf("matches not ordered by Start")
			}
			cat, ok := known[m.Identifier]
			if !ok || cat != m.Category {
				t.Fatalf("unknown identifier %q or wrong category %q", m.Identifier, m.Category)
			}
			if m.Confidence.Rank() == 0 {
				t.Fatalf("invalid confidence %q", m.Confidence)
			}
			if fp, err := hex.DecodeString(m.Fingerprint); err != nil || len(fp) != 32 {
				t.Fatalf("fingerprint %q is not hex SHA-256", m.Fingerprint)
			}
			raw := data[m.Start:m.End]
			if m.Redacted == "" || m.Redacted == string(raw) || (len(raw) >= 8 && strings.Contains(m.Redacted, string(raw))) {
				t.Fatalf("%s: redacted %q exposes raw %q", m.Identifier, m.Redacted, raw)
			}
			if m.Start < lastEnd[m.Identifier] {
				t.Fatalf("%s matches overlap", m.Identifier)
			}
			lastEnd[m.Identifier] = m.End
		}
	})
}

// luhnReference is an independent Luhn implementation for FuzzLuhn.
func luhnReference(s string) bool {
	if s == "" {
		return false
	}
	table := [2][10]int{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {0, 2, 4, 6, 8, 1, 3, 5, 7, 9}}
	sum := 0
	for i := range len(s) {
		c := s[len(s)-1-i]
		if c < '0' || c > '9' {
			return false
		}
		sum += table[i%2][c-'0']
	}
	return sum%10 == 0
}

func FuzzLuhn(f *testing.F) {
	for _, s := range []string{"4111111111111111", "79927398713", "0", "", "12a", "378282246310005"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := luhnValid([]byte(s)), luhnReference(s); got != want {
			t.Fatalf("luhnValid(%q) = %v, reference %v", s, got, want)
		}
	})
}

func FuzzCard(f *testing.F) {
	for _, s := range append(seedStrings(), "4111-1111-1111-1111", "3782 822463 10005") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !validCard([]byte(s)) {
			return
		}
		d := digitsOnly([]byte(s))
		if len(d) < 13 || len(d) > 19 || !luhnValid(d) || !cardIssuerValid(d) {
			t.Fatalf("validCard(%q) accepted %q", s, d)
		}
		if r := redactCard(s); strings.Contains(r, string(d)) {
			t.Fatalf("redactCard(%q) = %q exposes the number", s, r)
		}
	})
}

func FuzzIBAN(f *testing.F) {
	for _, s := range append(seedStrings(), "GB82 WEST 1234 5698 7654 32", "DE89370400440532013000") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ibanMod97([]byte(s))
		if rs, re, ok := refineIBAN([]byte(s), 0, len(s)); ok && (rs != 0 || re > len(s) || re <= rs) {
			t.Fatalf("refineIBAN(%q) = %d:%d", s, rs, re)
		}
		if !validIBAN([]byte(s)) {
			return
		}
		e := stripSpaces([]byte(s))
		if n, ok := ibanLengths[string(e[:2])]; !ok || n != len(e) || ibanMod97(e) != 1 {
			t.Fatalf("validIBAN(%q) accepted a bad IBAN", s)
		}
		if r := redactIBAN(s); bytes.Contains(stripSpaces([]byte(r)), e) {
			t.Fatalf("redactIBAN(%q) = %q exposes the IBAN", s, r)
		}
	})
}

func FuzzSSN(f *testing.F) {
	for _, s := range append(seedStrings(), "123-45-6789", "666 12 3456") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !validSSN([]byte(s)) {
			return
		}
		d := string(digitsOnly([]byte(s)))
		if len(d) != 9 || d[:3] == "000" || d[:3] == "666" || d[0] == '9' || d[3:5] == "00" || d[5:] == "0000" {
			t.Fatalf("validSSN(%q) accepted %q", s, d)
		}
		if r := redactSSN(s); strings.Contains(r, d[:5]) {
			t.Fatalf("redactSSN(%q) = %q exposes area or group", s, r)
		}
	})
}

func FuzzNANP(f *testing.F) {
	for _, s := range append(seedStrings(), "+1 (212) 555-0142", "1-911-555-0142") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		isWeakPhone([]byte(s))
		n := normalizePhone([]byte(s))
		if !validNANP([]byte(s)) {
			return
		}
		if len(n) != 10 || n[0] < '2' || n[3] < '2' {
			t.Fatalf("validNANP(%q) accepted %q", s, n)
		}
		if r := redactPhone(s); strings.Contains(r, string(n[:6])) {
			t.Fatalf("redactPhone(%q) = %q exposes area and exchange", s, r)
		}
	})
}

func FuzzEmail(f *testing.F) {
	for _, s := range append(seedStrings(), "a@b.co", "@", "a@", "@b", "a@b.") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ok := validEmail([]byte(s))
		r := redactEmail(s)
		if ok && len(s) >= 8 && strings.Contains(r, s) {
			t.Fatalf("redactEmail(%q) = %q exposes the address", s, r)
		}
	})
}

func FuzzAWS(f *testing.F) {
	for _, s := range append(seedStrings(), "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") {
		f.Add(s, 0)
	}
	f.Fuzz(func(t *testing.T, s string, at int) {
		b := []byte(s)
		validAWSKeyID(b)
		if validAWSSecret(b) && (len(b) != 40 || bytes.Equal(bytes.ToLower(b), b) || bytes.Equal(bytes.ToUpper(b), b)) {
			t.Fatalf("validAWSSecret(%q) accepted a single-case string", s)
		}
		if r := redactKeepEnds(s); len(s) >= 8 && strings.Contains(r, s) {
			t.Fatalf("redactKeepEnds(%q) = %q", s, r)
		}
		if r := redactLength(s); len(s) >= 8 && strings.Contains(r, s) {
			t.Fatalf("redactLength(%q) = %q", s, r)
		}
		if len(b) > 0 {
			start := ((at % len(b)) + len(b)) % len(b)
			end := min(len(b), start+40)
			if ns, ne, ok := refineBase64Token(b, start, end); ok && (ns != start || ne != end) {
				t.Fatalf("refineBase64Token moved the match")
			}
		}
	})
}

func FuzzRefinePEM(f *testing.F) {
	for _, s := range seedStrings() {
		f.Add(s)
	}
	f.Add("\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf\n-----END RSA PRIVATE KEY-----")
	f.Add(`\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf\n-----END RSA PRIVATE KEY-----\n`)
	const hdr = "-----BEGIN RSA PRIVATE KEY-----"
	f.Fuzz(func(t *testing.T, tail string) {
		buf := []byte(hdr + tail)
		s, e, ok := refinePEM(buf, 0, len(hdr))
		if !ok {
			return
		}
		if s != 0 || e < len(hdr) || e > len(buf) {
			t.Fatalf("refinePEM offsets %d:%d of %d", s, e, len(buf))
		}
		v := buf[s:e]
		normalizePEM(v)
		if r := redactPEM(string(v)); strings.Contains(r, string(v)) {
			t.Fatalf("redactPEM(%q) = %q", v, r)
		}
	})
}

func FuzzKeywords(f *testing.F) {
	f.Add("customers[].ssn", "ssn", 5, 64)
	f.Add("hotel 2125550142", "tel", 6, 4)
	f.Add("\xffSecretAccessKey\x00", "secret access key", 17, 64)
	f.Fuzz(func(t *testing.T, text, kw string, start, dist int) {
		hay := appendWords(nil, []byte(text))
		containsWord(hay, wordForm(kw))
		buf := []byte(text)
		if len(buf) == 0 {
			return
		}
		start = ((start % (len(buf) + 1)) + len(buf) + 1) % (len(buf) + 1)
		dist = ((dist % (maxKeywordDistance + 1)) + maxKeywordDistance + 1) % (maxKeywordDistance + 1)
		var scratch [2*maxKeywordDistance + 1]byte
		w := windowWords(scratch[:0], buf, start, dist)
		if len(w) > 2*dist+1 {
			t.Fatalf("window of %d bytes grew to %d", dist, len(w))
		}
	})
}
