package classifiers

import (
	"bytes"
	"encoding/hex"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cairnsec/cairn/classifiers/internal/corpus"
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
	// Long enough for the multi-pattern pass's four streams (from about
	// 3.3 KB), whose overlaps must lose no match and no keyword.
	f.Add(corpus.Bench(2, 6<<10, corpus.Dense), "")
	e := newTestEngine(f)
	// The go-re2 path reads every keyword window the automaton path
	// narrows with its keyword gates: both must find the same.
	ref := newTestEngine(f)
	ref.noAuto = true
	known := map[string]Category{}
	for _, id := range builtin {
		known[id.ID] = id.Category
	}
	f.Fuzz(func(t *testing.T, data []byte, field string) {
		ms := e.Scan(data, field)
		if want := ref.Scan(data, field); len(ms)+len(want) > 0 && !reflect.DeepEqual(ms, want) {
			t.Fatalf("automaton %d matches, go-re2 path %d", len(ms), len(want))
		}
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
		validEmail([]byte(s))
		// The first character of the local part and the domain are shown;
		// the rest of the local part is not.
		at := strings.LastIndexByte(s, '@')
		if i, ok := shows(redactEmail, s, func(i int) bool { return at <= 0 || (i > 0 && i < at) }); ok {
			t.Fatalf("redactEmail(%q) shows byte %d of the local part", s, i)
		}
	})
}

// shows reports whether redact's output depends on a byte of s that
// masked says it hides, and which: each such byte is changed in turn and
// the output must not change. Looking for s in the output instead would
// fail on values already made of the mask character ("0000****…").
func shows(redact func(string) string, s string, masked func(i int) bool) (int, bool) {
	want := redact(s)
	b := []byte(s)
	for i, c := range b {
		if !masked(i) {
			continue
		}
		b[i] = 'x'
		if c == 'x' {
			b[i] = 'y'
		}
		if redact(string(b)) != want {
			return i, true
		}
		b[i] = c
	}
	return 0, false
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
		// Values of 16 bytes or more keep four at each end; shorter ones
		// show nothing.
		if i, ok := shows(redactKeepEnds, s, func(i int) bool { return len(s) < 16 || (i >= 4 && i < len(s)-4) }); ok {
			t.Fatalf("redactKeepEnds(%q) shows byte %d", s, i)
		}
		if i, ok := shows(redactLength, s, func(int) bool { return true }); ok {
			t.Fatalf("redactLength(%q) shows byte %d", s, i)
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
	f.Add("Phone Numbers: x, tel2 y", "fax|phone number|tel", 0, 0)
	f.Add("passport no: none, BSN numbers 123", "US_PASSPORT", 0, 0)
	f.Add("bank account: 123", "IBAN", 0, 0) // two labels end at one word
	labels := newLabelIndex(builtin)
	f.Fuzz(func(t *testing.T, text, kw string, start, dist int) {
		hay := appendWords(nil, []byte(text))
		containsWord(hay, wordForm(kw))
		words := strings.Fields(string(hay))
		ids, k := nearestReference(labels, words)
		for _, id := range []string{kw, "US_PASSPORT", "NL_BSN", "US_SSN"} {
			found, mine, after := labels.nearest(hay, id)
			if found != (ids != nil) || (found && (mine != slices.Contains(ids, id) || after != len(words)-1-k)) {
				t.Fatalf("nearest(%q, %s) = %v, %v, %v; reference %v at word %d of %d", hay, id, found, mine, after, ids, k, len(words))
			}
		}
		// kw holds one or more keywords separated by '|'.
		var kws [][]byte
		for _, k := range strings.Split(kw, "|") {
			kws = append(kws, wordForm(k))
		}
		set := newKeywordSet(kws)
		if got, want := set.foundIn(hay), containsAnyWord(hay, kws); got != want {
			t.Fatalf("keywordSet.foundIn(%q) = %v, containsAnyWord = %v", hay, got, want)
		}
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

// verhoeffReference is an independent Verhoeff check: the dihedral group
// D5 multiplication computed from the group law (rotations 0-4,
// reflections 5-9) and the position permutation as powers of σ =
// (0 1 5 8 9 4 2 7)(3 6), instead of the tables verhoeffValid uses.
func verhoeffReference(s string) bool {
	if s == "" {
		return false
	}
	mul := func(j, k int) int {
		switch {
		case j < 5 && k < 5:
			return (j + k) % 5
		case j < 5:
			return 5 + (j+k-5)%5
		case k < 5:
			return 5 + (j-5-k+5)%5
		}
		return (j - k + 5) % 5
	}
	sigma := [10]int{1, 5, 7, 6, 2, 8, 3, 0, 9, 4}
	c := 0
	for i := range len(s) {
		ch := s[len(s)-1-i]
		if ch < '0' || ch > '9' {
			return false
		}
		d := int(ch - '0')
		for range i % 8 {
			d = sigma[d]
		}
		c = mul(c, d)
	}
	return c == 0
}

func FuzzVerhoeff(f *testing.F) {
	for _, s := range []string{"2363", "236", "234123412346", "498612345675", "", "0", "12a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := verhoeffValid([]byte(s)), verhoeffReference(s); got != want {
			t.Fatalf("verhoeffValid(%q) = %v, reference %v", s, got, want)
		}
		validAadhaar([]byte(s))
	})
}

// mod11_10Reference validates ISO 7064 MOD 11,10 with the standard's
// recursive form over the whole number: P = 10, then for every digit
// S = (P + d) mod 10 (10 if 0), P = 2S mod 11, except that the last step
// checks (P + check) mod 10 = 1.
func mod11_10Reference(s string) bool {
	if len(s) < 2 {
		return false
	}
	p := 10
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		d := int(s[i] - '0')
		if i == len(s)-1 {
			return (p+d)%10 == 1
		}
		sum := (p + d) % 10
		if sum == 0 {
			sum = 10
		}
		p = 2 * sum % 11
	}
	return false
}

func FuzzMod11_10(f *testing.F) {
	for _, s := range []string{"86095742719", "65162480376", "86095742718", "", "1", "x9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := mod11_10Valid([]byte(s)), mod11_10Reference(s); got != want {
			t.Fatalf("mod11_10Valid(%q) = %v, reference %v", s, got, want)
		}
		if validDETaxID([]byte(s)) && !mod11_10Reference(string(digitsOnly([]byte(s)))) {
			t.Fatalf("validDETaxID(%q) accepted a bad check digit", s)
		}
	})
}

// FuzzMod11 checks the weighted mod-11 validators (NHS, BSN, PT NIF, ABA,
// PESEL, CNP, EGN, TFN) against sums written in their closed form: a valid
// number's full weighted sum, check digit included, is divisible by 11
// (or 10).
func FuzzMod11(f *testing.F) {
	for _, s := range []string{"9434765919", "111222333", "123456789", "021000021", "44051401359", "1800101221144", "7523169263", "123456782", "", "12345"} {
		f.Add(s)
	}
	sum := func(s string, w ...int) int {
		t := 0
		for i, x := range w {
			t += int(s[i]-'0') * x
		}
		return t
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		if validNHS(b) {
			d := string(digitsOnly(b))
			if sum(d, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)%11 != 0 {
				t.Fatalf("validNHS(%q): weighted sum not divisible by 11", s)
			}
		}
		if validBSN(b) && (sum(s, 9, 8, 7, 6, 5, 4, 3, 2)-int(s[8]-'0'))%11 != 0 {
			t.Fatalf("validBSN(%q) fails the eleven test", s)
		}
		if validPTNIF(b) {
			if r := (sum(s, 9, 8, 7, 6, 5, 4, 3, 2) + int(s[8]-'0')) % 11; r != 0 && !(r == 1 && s[8] == '0') {
				t.Fatalf("validPTNIF(%q): sum mod 11 = %d", s, r)
			}
		}
		if validABA(b) && sum(s, 3, 7, 1, 3, 7, 1, 3, 7, 1)%10 != 0 {
			t.Fatalf("validABA(%q) fails 3-7-1", s)
		}
		if validPESEL(b) && sum(s, 1, 3, 7, 9, 1, 3, 7, 9, 1, 3, 1)%10 != 0 {
			t.Fatalf("validPESEL(%q) fails its check", s)
		}
		if validTFN(b) {
			d := string(digitsOnly(b))
			if len(d) == 9 && sum(d, 1, 4, 3, 7, 5, 8, 6, 9, 10)%11 != 0 {
				t.Fatalf("validTFN(%q) fails its check", s)
			}
		}
		validCNP(b)
		validEGN(b)
		validAMKA(b)
		validSVNR(b)
		validCPR(b)
		validCZBirthNumber(b)
		validNPI(b)
		validSIN(b)
		validCPF(b)
		validBENationalNumber(b)
		validNIR(b)
		validPersonnummer(b)
	})
}

// FuzzValidators runs every validator, normalizer and redactor of the
// table on arbitrary input: none may panic, and no redactor may return
// the value it was given (for values of eight bytes or more, not even as a
// substring; a bare PEM armour line, which holds no key, is kept).
func FuzzValidators(f *testing.F) {
	for _, s := range seedStrings() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		for _, id := range builtin {
			if id.Validate != nil {
				id.Validate(b)
			}
			if id.Normalize != nil {
				id.Normalize(b)
			}
			if id.WeakForm != nil {
				id.WeakForm(b)
			}
			// They get the scanned buffer itself, and normalizers may
			// return it: none may write to it.
			if string(b) != s {
				t.Fatalf("%s: a check changed its input %q to %q", id.ID, s, b)
			}
			r := id.Redact(s)
			// A bare armour line, even with whitespace after it.
			line := strings.TrimRight(s, " \t\r\n")
			armourOnly := strings.HasPrefix(line, pemBeginPrefix) && strings.HasSuffix(line, pemDashes) && strings.HasPrefix(r, line)
			if r == "" || (s != "" && r == s) || (len(s) >= 8 && strings.Contains(r, s) && !armourOnly) {
				t.Fatalf("%s: Redact(%q) = %q", id.ID, s, r)
			}
		}
	})
}

// FuzzRefine runs every Refine hook of the table, the keyword-adjacency
// rule included, at arbitrary offsets: the result must stay inside the
// buffer.
func FuzzRefine(f *testing.F) {
	for _, s := range seedStrings() {
		f.Add(s, 0, len(s))
	}
	f.Add("passport: none, BSN: 111222333", 21, 30)
	f.Add("ssn 123-45-6789, passport 536224081", 26, 35)
	f.Fuzz(func(t *testing.T, s string, start, end int) {
		buf := []byte(s)
		if len(buf) == 0 {
			return
		}
		start = ((start % len(buf)) + len(buf)) % len(buf)
		end = start + 1 + ((end%len(buf))+len(buf))%(len(buf)-start)
		for _, id := range builtin {
			if id.Refine == nil {
				continue
			}
			if ns, ne, ok := id.Refine(buf, start, end); ok && (ns < 0 || ne > len(buf) || ns >= ne) {
				t.Fatalf("%s: Refine(%q, %d, %d) = %d:%d", id.ID, s, start, end, ns, ne)
			}
		}
	})
}

func FuzzJWT(f *testing.F) {
	for _, s := range []string{
		"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
		"eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", "eyJ.eyJ.", "eyJhbGciOiJIUzI1NiJ9.eyJ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		if ns, ne, ok := refineJWT(b, 0, min(len(b), 3)); ok && (ns != 0 || ne > len(b)) {
			t.Fatalf("refineJWT(%q) = %d:%d", s, ns, ne)
		}
		if validJWT(b) && strings.Count(s, ".") != 2 {
			t.Fatalf("validJWT(%q) accepted a token without three parts", s)
		}
	})
}

func FuzzCredentials(f *testing.F) {
	for _, s := range []string{"Basic YWxhZGRpbjpvcGVuc2VzYW1l", "https://u:p4ss@h.example.com", "postgres://:x@db", "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", "xoxb-1-2-abcdefghijklmnop", "xapp-1-A1234567-12345678-0123456789abcdef0123456789abcdef", "xoxe-1-My0x", "xoxe.xoxp-1-", "://@", "Basic ="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		validBasicAuth(b)
		validURLCredentials(b)
		validSlackToken(b)
		validRandomTail(b)
		lowerSchemeHost(b)
		if validGitHubToken(b) && len(b) != 40 && len(b) != 93 {
			t.Fatalf("validGitHubToken(%q) accepted length %d", s, len(b))
		}
		for _, r := range []string{redactBasicAuth(s), redactURLCredentials(s)} {
			if len(s) >= 8 && strings.Contains(r, s) {
				t.Fatalf("redactor exposed %q as %q", s, r)
			}
		}
	})
}

func FuzzDOB(f *testing.F) {
	for _, s := range []string{"1985-03-12", "12/03/1985", "7 March 1962", "Mar 12, 1985", "Sept. 1, 2001", "31/31/1985", "1985-02-30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validDOB([]byte(s)), validDOBReference([]byte(s)); got != want {
			t.Fatalf("validDOB(%q) = %v, reference %v", s, got, want)
		}
		validExpiry([]byte(s))
		if r := redactShape(s); len(s) > 0 && r == s && strings.ContainsFunc(s, func(c rune) bool { return c < 0x80 && isAlnum(byte(c)) }) {
			t.Fatalf("redactShape(%q) kept the value", s)
		}
	})
}

func FuzzIP(f *testing.F) {
	for _, s := range []string{"203.0.113.42", "2001:db8::1", "::", "fe80::1%eth0", "1.2.3.4.5", "::ffff:1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		if validIPv4(b) && strings.Count(s, ".") != 3 {
			t.Fatalf("validIPv4(%q) accepted", s)
		}
		if got, want := validIPv4(b), validIPv4Reference(s); got != want {
			t.Fatalf("validIPv4(%q) = %v, reference %v", s, got, want)
		}
		if validIPv6(b) && !strings.Contains(s, ":") {
			t.Fatalf("validIPv6(%q) accepted", s)
		}
		if len(b) > 0 {
			refineIPv6(b, 0, len(b))
		}
		for _, r := range []string{redactIPv4(s), redactIPv6(s)} {
			if s != "" && r == s {
				t.Fatalf("IP redactor kept %q", s)
			}
		}
	})
}

// FuzzNormalizers compares the normalizers, which return their input
// when it is already in their form, with plain filters that always copy.
func FuzzNormalizers(f *testing.F) {
	for _, s := range seedStrings() {
		f.Add(s)
	}
	filter := func(s string, keep func(byte) (byte, bool)) string {
		var out []byte
		for i := 0; i < len(s); i++ {
			if c, ok := keep(s[i]); ok {
				out = append(out, c)
			}
		}
		return string(out)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, tc := range []struct {
			name string
			fn   func([]byte) []byte
			keep func(byte) (byte, bool)
		}{
			{"digitsOnly", digitsOnly, func(c byte) (byte, bool) { return c, isDigit(c) }},
			{"stripSpaces", stripSpaces, func(c byte) (byte, bool) { return c, c != ' ' }},
			{"lowerASCII", lowerASCII, func(c byte) (byte, bool) {
				if isUpper(c) {
					c += 'a' - 'A'
				}
				return c, true
			}},
			{"upperAlnum", upperAlnum, func(c byte) (byte, bool) {
				if isLower(c) {
					c -= 'a' - 'A'
				}
				return c, isUpper(c) || isDigit(c)
			}},
		} {
			b := []byte(s)
			got := tc.fn(b)
			if want := filter(s, tc.keep); string(got) != want || string(b) != s {
				t.Fatalf("%s(%q) = %q, want %q", tc.name, s, got, want)
			}
			if cap(got) > len(got) && len(got) > 0 && &got[0] == &b[0] {
				t.Fatalf("%s(%q) returned its input with room to append into", tc.name, s)
			}
		}
	})
}

// validDOBReference is validDOB written plainly, with a slice of fields
// and a lower-cased copy of the month: the reference for FuzzDOB.
func validDOBReference(b []byte) bool {
	fields := bytes.FieldsFunc(b, func(r rune) bool { return r == ' ' || r == ',' || r == '.' || r == '-' || r == '/' })
	if len(fields) != 3 {
		return false
	}
	month := func(w []byte) int {
		lw := string(bytes.Map(func(r rune) rune {
			if r < 0x80 && isUpper(byte(r)) {
				return r + 'a' - 'A'
			}
			return r
		}, w))
		for i, m := range monthNames {
			if len(lw) >= 3 && strings.HasPrefix(m, lw) && (len(lw) == 3 || lw == m || lw == "sept") {
				return i + 1
			}
		}
		return 0
	}
	if m := month(fields[0]); m > 0 {
		return dobYear(fields[2]) && validDate(num(fields[2]), m, num(fields[1]))
	}
	if m := month(fields[1]); m > 0 {
		return dobYear(fields[2]) && validDate(num(fields[2]), m, num(fields[0]))
	}
	if _, _, ok := digitGroups(b); !ok {
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

// validIPv4Reference is validIPv4 written with strings.Split: the
// reference for FuzzIP.
func validIPv4Reference(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		v := num([]byte(p))
		if len(p) == 0 || len(p) > 3 || v < 0 || v > 255 || (len(p) > 1 && p[0] == '0') {
			return false
		}
	}
	return num([]byte(parts[0])) != 0 && s != "255.255.255.255"
}

// nearestReference is labelIndex.nearest over a slice of words, as it
// was written before it read the word form in place: the reference for
// FuzzKeywords. It returns the identifiers of the closest keyword and the
// index of the word it ends at; nil and -1 if there is none.
func nearestReference(x *labelIndex, words []string) ([]string, int) {
	var ids []string
	for k := len(words) - 1; k >= 0; k-- {
		w := words[k]
		cands := []string{w, strings.TrimSuffix(w, "s")}
		if t := strings.TrimRight(w, "0123456789"); len(w)-len(t) <= 2 && len(t) >= 3 {
			cands = append(cands, t)
		}
		for ci, c := range cands {
			if c == "" || (ci > 0 && c == w) {
				continue
			}
			for _, e := range x.byLast[c] {
				n := len(e.words)
				if k-n+1 >= 0 && slices.Equal(words[k-n+1:k], e.words[:n-1]) {
					ids = append(ids, e.ids...)
				}
			}
		}
		if ids != nil {
			return ids, k
		}
	}
	return nil, -1
}
