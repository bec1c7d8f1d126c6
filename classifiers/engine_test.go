package classifiers

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func TestNewEngineOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr bool
	}{
		{"ok", Options{FingerprintKey: testKey}, false},
		{"no key", Options{}, true},
		{"short key", Options{FingerprintKey: []byte("fifteen bytes!!")}, true},
		{"negative max", Options{FingerprintKey: testKey, MaxMatchesPerIdentifier: -1}, true},
		{"explicit max", Options{FingerprintKey: testKey, MaxMatchesPerIdentifier: 5}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := NewEngine(tt.opts)
			if (err != nil) != tt.wantErr {
				t.Fatalf("NewEngine error = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				if !strings.HasPrefix(err.Error(), "classifiers: ") {
					t.Errorf("error %q lacks the classifiers: prefix", err)
				}
				return
			}
			if e == nil {
				t.Fatal("nil engine without error")
			}
		})
	}
	if _, err := NewEngine(Options{FingerprintKey: []byte("short")}); !errors.Is(err, ErrShortKey) {
		t.Errorf("short key error = %v, want ErrShortKey", err)
	}
}

func TestEngineCopiesKey(t *testing.T) {
	key := bytes.Clone(testKey)
	e, err := NewEngine(Options{FingerprintKey: key})
	if err != nil {
		t.Fatal(err)
	}
	before := e.Fingerprint("US_SSN", []byte("123456789"))
	key[0] ^= 0xff
	if after := e.Fingerprint("US_SSN", []byte("123456789")); after != before {
		t.Errorf("changing the caller's key slice changed fingerprints")
	}
}

// find returns the matches of identifier id.
func find(ms []Match, id string) []Match {
	var out []Match
	for _, m := range ms {
		if m.Identifier == id {
			out = append(out, m)
		}
	}
	return out
}

func TestConfidenceAndContext(t *testing.T) {
	e := newTestEngine(t)
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	pad := strings.Repeat("lorem ipsum ", 8) // 96 bytes: pushes keywords out of reach
	tests := []struct {
		name, text, field, id string
		want                  Confidence // "" means no match of id
	}{
		{"card alone", "4526 0181 5908 3012", "", "CREDIT_CARD_NUMBER", ConfidenceMedium},
		{"card keyword", "card: 4526 0181 5908 3012", "", "CREDIT_CARD_NUMBER", ConfidenceHigh},
		{"card camel field", "4526018159083012", "cardNumber", "CREDIT_CARD_NUMBER", ConfidenceHigh},
		{"card snake field", "4526018159083012", "card_number", "CREDIT_CARD_NUMBER", ConfidenceHigh},
		{"card keyword too far", "card " + pad + "4526018159083012", "", "CREDIT_CARD_NUMBER", ConfidenceMedium},
		{"ssn dashes", "123-45-6789", "", "US_SSN", ConfidenceMedium},
		{"ssn spaces keyword", "SSN 123 45 6789", "", "US_SSN", ConfidenceHigh},
		{"ssn bare", "123456789", "", "US_SSN", ""},
		{"ssn bare keyword", "ssn=123456789", "", "US_SSN", ConfidenceHigh},
		{"ssn bare field", "123456789", "ssn", "US_SSN", ConfidenceHigh},
		{"ssn bare json path", "123456789", "customers[].ssn", "US_SSN", ConfidenceHigh},
		{"ssn bare camel field", "123456789", "SocialSecurityNumber", "US_SSN", ConfidenceHigh},
		{"ssn bare unrelated field", "123456789", "classname", "US_SSN", ""},
		{"ssn bare keyword too far", "ssn " + pad + "123456789", "", "US_SSN", ""},
		{"phone formatted", "(212) 555-0142", "", "US_PHONE_NUMBER", ConfidenceMedium},
		{"phone bare", "2125550142", "", "US_PHONE_NUMBER", ""},
		{"phone bare keyword", "Tel: 2125550142", "", "US_PHONE_NUMBER", ConfidenceHigh},
		{"phone bare hotel", "hotel 2125550142", "", "US_PHONE_NUMBER", ""},
		{"phone bare field", "2125550142", "mobile_number", "US_PHONE_NUMBER", ConfidenceHigh},
		{"email alone", "jane.doe@example.com", "", "EMAIL_ADDRESS", ConfidenceMedium},
		{"email keyword", "E-mail: jane.doe@example.com", "", "EMAIL_ADDRESS", ConfidenceHigh},
		{"iban alone", "DE89370400440532013000", "", "IBAN", ConfidenceMedium},
		{"iban field", "DE89370400440532013000", "iban", "IBAN", ConfidenceHigh},
		{"access key id alone", "AKIAIOSFODNN7EXAMPLE", "", "AWS_ACCESS_KEY_ID", ConfidenceHigh},
		{"secret alone", secret, "", "AWS_SECRET_ACCESS_KEY", ""},
		{"secret keyword", "aws_secret_access_key = " + secret, "", "AWS_SECRET_ACCESS_KEY", ConfidenceHigh},
		{"secret env", "AWS_SECRET_ACCESS_KEY=" + secret, "", "AWS_SECRET_ACCESS_KEY", ConfidenceHigh},
		{"secret json", `{"SecretAccessKey":"` + secret + `"}`, "", "AWS_SECRET_ACCESS_KEY", ConfidenceHigh},
		{"secret field", secret, "credentials.SecretAccessKey", "AWS_SECRET_ACCESS_KEY", ConfidenceHigh},
		{"secret snake field", secret, "aws_secret_access_key", "AWS_SECRET_ACCESS_KEY", ConfidenceHigh},
		{"secret keyword too far", "aws_secret_access_key " + pad + secret, "", "AWS_SECRET_ACCESS_KEY", ""},
		{"secret after keyword in other block", "aws_secret_access_key\n" + strings.Repeat("x ", 10000) + secret, "", "AWS_SECRET_ACCESS_KEY", ""},
		{"private key", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----", "", "PRIVATE_KEY", ConfidenceHigh},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := find(e.Scan([]byte(tt.text), tt.field), tt.id)
			if tt.want == "" {
				if len(ms) != 0 {
					t.Errorf("got %d %s matches (%s), want none", len(ms), tt.id, ms[0].Confidence)
				}
				return
			}
			if len(ms) != 1 {
				t.Fatalf("got %d %s matches, want 1", len(ms), tt.id)
			}
			if ms[0].Confidence != tt.want {
				t.Errorf("confidence %s, want %s", ms[0].Confidence, tt.want)
			}
		})
	}
}

// TestDecoys lists look-alikes that must not match any identifier.
func TestDecoys(t *testing.T) {
	e := newTestEngine(t)
	decoys := []string{
		"4111111111111112",                                                 // Luhn-invalid 16 digits
		"5500 0000 0000 0005",                                              // Luhn-invalid, grouped
		"550e8400-e29b-41d4-a716-446655440000",                             // UUID
		"123e4567-e89b-12d3-a456-426614174000",                             // UUID
		"da39a3ee5e6b4b0d3255bfef95601890afd80709",                         // SHA-1
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", // SHA-256
		"DA39A3EE5E6B4B0D3255BFEF95601890AFD80709",                         // SHA-1 upper case
		"order_id=100000000000000008",
		"invoice INV-2023-000184",
		"20231115093000", // timestamp
		"1700000000000",  // epoch milliseconds
		"2023-11-15T09:30:00.000Z",
		"000-12-3456",
		"666-12-3456",
		"912-34-5678",
		"DE88370400440532013000", // IBAN with bad check digits
		"GB82 WEST 1234 5698 7654 33",
		"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",       // 40 chars, no keyword
		"sha1: da39a3ee5e6b4b0d3255bfef95601890afd80709", // hash with a word before
		"aws_secret_access_key_sha1 = da39a3ee5e6b4b0d3255bfef95601890afd80709", // keyword but hex
		"-----BEGIN PUBLIC KEY-----\nMFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf\n-----END PUBLIC KEY-----",
		"if strings.HasPrefix(s, \"-----BEGIN RSA PRIVATE KEY-----\") {",
		"version 1.2.3.4 build 5551234",
		"icon@2x.png",
		"192.168.100.200",
	}
	for _, d := range decoys {
		t.Run(d, func(t *testing.T) {
			for _, m := range e.Scan([]byte(d), "") {
				t.Errorf("decoy matched %s %s %q", m.Identifier, m.Confidence, m.Redacted)
			}
		})
	}
}

func TestRedaction(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		raw, field, id, want string
	}{
		{"4526 0181 5908 3012", "", "CREDIT_CARD_NUMBER", "4526 **** **** 3012"},
		{"4526-0181-5908-3012", "", "CREDIT_CARD_NUMBER", "4526 **** **** 3012"},
		{"379093786579753", "", "CREDIT_CARD_NUMBER", "3790 ****** *9753"},
		{"36018955597976", "", "CREDIT_CARD_NUMBER", "3601 ****** 7976"},
		{"123-45-6789", "", "US_SSN", "***-**-6789"},
		{"123456789", "ssn", "US_SSN", "***-**-6789"},
		{"jane.doe@example.com", "", "EMAIL_ADDRESS", "j***@example.com"},
		{"DE89 3704 0044 0532 0130 00", "", "IBAN", "DE** **** **** **** **30 00"},
		{"GB82WEST12345698765432", "", "IBAN", "GB** **** **** **** **54 32"},
		{"NO9386011117947", "", "IBAN", "NO** **** ***7 947"},
		{"NO93 8601 1117 947", "", "IBAN", "NO** **** ***7 947"},
		{"AKIAIOSFODNN7EXAMPLE", "", "AWS_ACCESS_KEY_ID", "AKIA************MPLE"},
		{"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key", "AWS_SECRET_ACCESS_KEY", "****(40 chars)"},
		{"-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----", "", "PRIVATE_KEY", "-----BEGIN RSA PRIVATE KEY----- ****(95 chars)"},
		{"(212) 555-0142", "", "US_PHONE_NUMBER", "***-***-0142"},
		{"+1 212 555 0142", "", "US_PHONE_NUMBER", "***-***-0142"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			buf := []byte("value: " + tt.raw + " end")
			ms := find(e.Scan(buf, tt.field), tt.id)
			if len(ms) != 1 {
				t.Fatalf("got %d %s matches, want 1", len(ms), tt.id)
			}
			m := ms[0]
			if got := string(buf[m.Start:m.End]); got != tt.raw {
				t.Errorf("offsets select %q, want %q", got, tt.raw)
			}
			if m.Redacted != tt.want {
				t.Errorf("Redacted = %q, want %q", m.Redacted, tt.want)
			}
			assertNoRawValue(t, m, tt.raw)
		})
	}
}

// assertNoRawValue fails if any field of m carries raw or its digits.
func assertNoRawValue(t *testing.T, m Match, raw string) {
	t.Helper()
	forms := []string{raw, string(digitsOnly([]byte(raw))), string(stripSpaces([]byte(raw)))}
	fields := []string{m.Identifier, string(m.Category), string(m.Confidence), m.Redacted, m.Fingerprint}
	for _, f := range fields {
		for _, form := range forms {
			if len(form) >= 8 && strings.Contains(f, form) {
				t.Errorf("match field %q contains the raw value %q", f, form)
			}
		}
	}
	if m.Redacted == raw {
		t.Errorf("Redacted equals the raw value")
	}
}

// TestExamplesRedacted checks the no-raw-value rule on every Example of
// the registry.
func TestExamplesRedacted(t *testing.T) {
	e := newTestEngine(t)
	for _, id := range builtin {
		for _, ex := range id.Examples {
			t.Run(id.ID+"/"+ex, func(t *testing.T) {
				buf := []byte(ex)
				for _, m := range e.Scan(buf, "") {
					assertNoRawValue(t, m, string(buf[m.Start:m.End]))
				}
			})
		}
	}
}

func TestFingerprint(t *testing.T) {
	e := newTestEngine(t)
	mac := hmac.New(sha256.New, testKey)
	mac.Write([]byte("US_SSN:123456789"))
	if got, want := e.Fingerprint("US_SSN", []byte("123456789")), hex.EncodeToString(mac.Sum(nil)); got != want {
		t.Errorf("Fingerprint = %s, want HMAC-SHA256 %s", got, want)
	}
	if e.Fingerprint("US_SSN", []byte("123456789")) == e.Fingerprint("US_PHONE_NUMBER", []byte("123456789")) {
		t.Error("fingerprint does not depend on the identifier")
	}
	other, err := NewEngine(Options{FingerprintKey: []byte("another-installation-key")})
	if err != nil {
		t.Fatal(err)
	}
	if e.Fingerprint("US_SSN", []byte("123456789")) == other.Fingerprint("US_SSN", []byte("123456789")) {
		t.Error("fingerprint does not depend on the key")
	}
	// Written forms of one value share a fingerprint.
	same := []struct {
		id    string
		forms []string
	}{
		{"CREDIT_CARD_NUMBER", []string{"4526018159083012", "4526 0181 5908 3012", "4526-0181-5908-3012"}},
		{"US_SSN", []string{"123-45-6789", "123 45 6789", "ssn 123456789"}},
		{"IBAN", []string{"DE89370400440532013000", "DE89 3704 0044 0532 0130 00"}},
		{"US_PHONE_NUMBER", []string{"(212) 555-0142", "212-555-0142", "+1 212 555 0142", "+12125550142"}},
		{"EMAIL_ADDRESS", []string{"jane.doe@example.com", "Jane.Doe@Example.COM"}},
	}
	for _, tt := range same {
		t.Run(tt.id, func(t *testing.T) {
			var fps []string
			for _, f := range tt.forms {
				ms := find(e.Scan([]byte(f), ""), tt.id)
				if len(ms) != 1 {
					t.Fatalf("%q: %d matches, want 1", f, len(ms))
				}
				fps = append(fps, ms[0].Fingerprint)
			}
			for i := range fps {
				if fps[i] != fps[0] {
					t.Errorf("%q and %q have different fingerprints", tt.forms[0], tt.forms[i])
				}
			}
		})
	}
}

func TestConcurrentScan(t *testing.T) {
	e := newTestEngine(t)
	bufs := [][]byte{
		mixedText(64<<10, 4),
		mixedText(20<<10, 50),
		[]byte("ssn 123-45-6789 card 4526 0181 5908 3012"),
	}
	want := make([][]Match, len(bufs))
	for i, b := range bufs {
		want[i] = e.Scan(b, "")
	}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 10 {
				k := (g + i) % len(bufs)
				if got := e.Scan(bufs[k], ""); !reflect.DeepEqual(got, want[k]) {
					t.Errorf("goroutine %d: buffer %d: concurrent result differs", g, k)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestBinaryNoise(t *testing.T) {
	e := newTestEngine(t)
	noise := []string{"\xff\xfe", "\x00", "\x80\x81\x82", "\xc3", "\xed\xa0\x80", "\x1b", "\xef\xbb\xbf"}
	values := []struct{ id, raw string }{
		{"CREDIT_CARD_NUMBER", "4526018159083012"},
		{"US_SSN", "123-45-6789"},
		{"EMAIL_ADDRESS", "jane.doe@example.com"},
		{"IBAN", "DE89370400440532013000"},
		{"AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"},
		{"US_PHONE_NUMBER", "(212) 555-0142"},
	}
	for _, v := range values {
		for _, n := range noise {
			t.Run(fmt.Sprintf("%s/%q", v.id, n), func(t *testing.T) {
				buf := []byte(n + v.raw + n)
				ms := find(e.Scan(buf, ""), v.id)
				if len(ms) != 1 {
					t.Fatalf("got %d matches, want 1", len(ms))
				}
				if got := string(buf[ms[0].Start:ms[0].End]); got != v.raw {
					t.Errorf("match %q, want %q", got, v.raw)
				}
			})
		}
	}
	// A value inside random binary data.
	r := rand.New(rand.NewPCG(7, 7))
	bin := make([]byte, 100<<10)
	for i := range bin {
		bin[i] = byte(r.Uint32())
	}
	at := 50 << 10
	copy(bin[at:], "\x00 4526 0181 5908 3012 \x00")
	found := false
	for _, m := range e.Scan(bin, "") {
		if m.Start < 0 || m.End > len(bin) || m.Start >= m.End {
			t.Fatalf("bad offsets %d:%d", m.Start, m.End)
		}
		if m.Identifier == "CREDIT_CARD_NUMBER" && m.Start == at+2 {
			found = true
		}
	}
	if !found {
		t.Error("card inside binary data not found")
	}
}

// TestBlockBoundaries checks that block-wise scanning finds exactly what a
// single-window scan finds, including values that straddle block edges.
func TestBlockBoundaries(t *testing.T) {
	// Blocks are the go-re2 path's (the fallback); the automaton path
	// scans whole buffers.
	ref := newTestEngine(t)
	ref.noAuto = true
	ref.block = 1 << 30 // one block: the whole buffer at once
	bufs := map[string][]byte{
		"dense":  mixedText(200<<10, 4),
		"sparse": mixedText(200<<10, 50),
	}
	// Values at every offset around a block edge.
	var b bytes.Buffer
	for i := range 64 {
		b.WriteString(strings.Repeat("z", 1024-i-20))
		b.WriteString(" 4526 0181 5908 3012 ")
		fmt.Fprintf(&b, "ssn %03d-45-6789 ", 100+i)
	}
	bufs["straddling"] = b.Bytes()
	for _, block := range []int{1 << 10, 4 << 10, 16 << 10} {
		e := newTestEngine(t)
		e.noAuto = true
		e.block = block
		for name, buf := range bufs {
			t.Run(fmt.Sprintf("%s/%d", name, block), func(t *testing.T) {
				want, got := ref.Scan(buf, ""), e.Scan(buf, "")
				if len(want) == 0 {
					t.Fatal("reference found nothing")
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("block scan found %d matches, single window %d", len(got), len(want))
				}
			})
		}
	}
}

func TestMaxMatchesPerIdentifier(t *testing.T) {
	e, err := NewEngine(Options{FingerprintKey: testKey, MaxMatchesPerIdentifier: 3})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := range 20 {
		fmt.Fprintf(&b, "user%d@example.com 123-45-%04d\n", i, 1000+i)
	}
	ms := e.Scan([]byte(b.String()), "")
	if n := len(find(ms, "EMAIL_ADDRESS")); n != 3 {
		t.Errorf("%d emails, want 3", n)
	}
	if n := len(find(ms, "US_SSN")); n != 3 {
		t.Errorf("%d SSNs, want 3", n)
	}
}

func TestScanEmptyAndOrder(t *testing.T) {
	e := newTestEngine(t)
	if ms := e.Scan(nil, ""); ms != nil {
		t.Errorf("Scan(nil) = %v", ms)
	}
	ms := e.Scan([]byte("AKIAIOSFODNN7EXAMPLE jane@example.com 123-45-6789 4526018159083012"), "")
	for i := 1; i < len(ms); i++ {
		if ms[i-1].Start > ms[i].Start {
			t.Errorf("matches not ordered by Start: %d before %d", ms[i-1].Start, ms[i].Start)
		}
	}
	if len(ms) != 4 {
		t.Errorf("got %d matches, want 4", len(ms))
	}
}

func TestSummarize(t *testing.T) {
	ms := []Match{
		{Identifier: "US_SSN", Category: CategoryPersonal, Confidence: ConfidenceMedium, Redacted: "***-**-6789", Fingerprint: "c", rank: 30},
		{Identifier: "EMAIL_ADDRESS", Category: CategoryPersonal, Confidence: ConfidenceMedium, Redacted: "j***@example.com", Fingerprint: "x", rank: 90},
		{Identifier: "US_SSN", Category: CategoryPersonal, Confidence: ConfidenceHigh, Redacted: "***-**-1111", Fingerprint: "z", rank: 10},
		{Identifier: "US_SSN", Category: CategoryPersonal, Confidence: ConfidenceLow, Redacted: "***-**-6789", Fingerprint: "c", rank: 30},
		{Identifier: "US_SSN", Category: CategoryPersonal, Confidence: ConfidenceMedium, Redacted: "***-**-2222", Fingerprint: "b", rank: 20},
	}
	got := Summarize(ms, 2, 2)
	type row struct {
		id       string
		conf     Confidence
		count    int
		examples []string
		fps      []string
	}
	var rows []row
	for _, s := range got {
		rows = append(rows, row{s.Identifier, s.Confidence, s.Count, s.RedactedExamples, s.Fingerprints.List()})
	}
	want := []row{
		{"EMAIL_ADDRESS", ConfidenceMedium, 1, []string{"j***@example.com"}, []string{"x"}},
		// The two values of lowest rank (10: "z", 20: "b"), not the two
		// smallest fingerprints nor the first two seen.
		{"US_SSN", ConfidenceHigh, 4, []string{"***-**-6789", "***-**-1111"}, []string{"b", "z"}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("Summarize =\n%+v\nwant\n%+v", rows, want)
	}
	none := Summarize(ms, 0, 0)
	for _, s := range none {
		if len(s.RedactedExamples) != 0 || s.Fingerprints.Len() != 0 {
			t.Errorf("limits 0 kept %v %v", s.RedactedExamples, s.Fingerprints.List())
		}
	}
	if Summarize(nil, 5, 5) != nil {
		t.Error("Summarize(nil) not nil")
	}
}

// TestPrecompile checks that engines made while Precompile is still
// compiling (run with -race) share the one builtin registry it compiles.
func TestPrecompile(t *testing.T) {
	Precompile()
	engines := make([]*Engine, 4)
	errs := make([]error, len(engines))
	var wg sync.WaitGroup
	for i := range engines {
		wg.Go(func() { engines[i], errs[i] = NewEngine(Options{FingerprintKey: testKey}) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	reg, err := loadRegistry()
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range engines {
		if e.reg != reg {
			t.Errorf("engine %d has a registry of its own, not the precompiled one", i)
		}
		if got := e.Scan([]byte("mail jane.doe@example.com"), ""); len(got) != 1 {
			t.Errorf("engine %d: %d matches of an e-mail address, want 1", i, len(got))
		}
	}
}
