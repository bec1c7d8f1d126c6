package classifiers

import (
	"reflect"
	"strings"
	"testing"
)

func TestLuhn(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"4111111111111111", true},
		{"4111111111111112", false},
		{"378282246310005", true},
		{"79927398713", true},
		{"79927398710", false},
		{"0", true},
		{"", false},
		{"4111 1111 1111 1111", false}, // digits only
		{"411111111111111a", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := luhnValid([]byte(tt.in)); got != tt.want {
				t.Errorf("luhnValid(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidCard(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"4111111111111111", true},         // Visa 16
		{"4222222222222", true},            // Visa 13
		{"4111 1111 1111 1111", true},      // spaces
		{"4111-1111-1111-1111", true},      // dashes
		{"4111 1111-1111 1111", false},     // mixed separators
		{"5500000000000004", true},         // Mastercard 55
		{"2223000048400011", true},         // Mastercard 2-series
		{"2720990000000007", true},         // 2720 is the last 2-series prefix
		{"2721000000000008", false},        // 2721 is not Mastercard
		{"378282246310005", true},          // Amex
		{"3782822463100050", false},        // Amex is 15 digits
		{"6011111111111117", true},         // Discover
		{"6445644564456445", true},         // Discover 644-649
		{"6221760189555971", true},         // UnionPay in Discover's co-branded 622126-622925
		{"6252601815908303", true},         // UnionPay 62, 16 digits
		{"62487574911862528", true},        // UnionPay 62, 17 digits
		{"6216613186091390999", true},      // UnionPay 62, 19 digits
		{"629711471049745", false},         // UnionPay is 16 to 19 digits
		{"8160308246281949", true},         // UnionPay 81, 16 digits
		{"8182199351819093788", true},      // UnionPay 81, 19 digits
		{"816579754323191", false},         // UnionPay 81, 15 digits
		{"8260308246281948", false},        // 82 is no issuer (Luhn ok)
		{"3530111333300000", true},         // JCB
		{"30569309025904", true},           // Diners 14
		{"36227206271667", true},           // Diners 36
		{"1234567812345670", false},        // Luhn ok, no issuer
		{"7111111111111111", false},        // no issuer
		{"41111111111111111111", false},    // 20 digits
		{"411111111111", false},            // 12 digits
		{"4111111111111111\x00", false},    // stray byte
		{"4111111111111111110", true},      // Visa 19
		{"4111 1111 1111 1111 110", true},  // Visa 19 grouped
		{"4111 1111 1111 1111 113", false}, // Visa 19 grouped, Luhn fails
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := validCard([]byte(tt.in)); got != tt.want {
				t.Errorf("validCard(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidSSN(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"123-45-6789", true},
		{"123 45 6789", true},
		{"123456789", true},
		{"078-05-1120", true},
		{"899-99-9999", true},
		{"000-12-3456", false}, // area 000
		{"666-12-3456", false}, // area 666
		{"900-12-3456", false}, // area 9xx
		{"999-12-3456", false},
		{"123-00-4567", false}, // group 00
		{"123-45-0000", false}, // serial 0000
		{"123-45 6789", false}, // mixed separators
		{"123.45.6789", false},
		{"12345678", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := validSSN([]byte(tt.in)); got != tt.want {
				t.Errorf("validSSN(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidIBAN(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"DE89370400440532013000", true},
		{"DE89 3704 0044 0532 0130 00", true},
		{"GB82WEST12345698765432", true},
		{"GB29 NWBK 6016 1331 9268 19", true},
		{"FR1420041010050500013M02606", true},
		{"ES9121000418450200051332", true},
		{"IT60X0542811101000000123456", true},
		{"NL91ABNA0417164300", true},
		{"BE68539007547034", true},
		{"CH9300762011623852957", true},
		{"NO9386011117947", true},
		{"MT84MALT011000012345MTLCAST001S", true},
		{"DE88370400440532013000", false}, // check digits
		{"DE8937040044053201300", false},  // length
		{"XX89370400440532013000", false}, // country
		{"de89370400440532013000", false}, // lower case
		{"DE89370400440532013000X", false},
		{"DE00370400440532013000", false},
		{"DE99370400440532000016", false},      // mod-97 holds; check digits 99 are never issued
		{"DE00370400440532000052", false},      // mod-97 holds; 00 is never issued
		{"DE01370400440532000034", false},      // mod-97 holds; 01 is never issued
		{"DE01 3704 0044 0532 0000 34", false}, // grouped
		{"DE02370400440532000016", true},       // the issued form of DE99…16
		{"DE98370400440532000034", true},       // the issued form of DE01…34
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := validIBAN([]byte(tt.in)); got != tt.want {
				t.Errorf("validIBAN(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestIBANTable(t *testing.T) {
	sepa := strings.Fields("AD AT BE BG CH CY CZ DE DK EE ES FI FR GB GI GR HR HU IE IS IT LI LT LU LV MC MT NL NO PL PT RO SE SI SK SM VA")
	for _, cc := range sepa {
		if _, ok := ibanLengths[cc]; !ok {
			t.Errorf("SEPA country %s missing from ibanLengths", cc)
		}
	}
	for cc, n := range ibanLengths {
		if len(cc) != 2 || !isUpper(cc[0]) || !isUpper(cc[1]) || n < 15 || n > 34 {
			t.Errorf("ibanLengths[%q] = %d: want two letters and a length in 15..34", cc, n)
		}
	}
}

func TestIBANMod97(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"DE89370400440532013000", 1},
		{"DE00370400440532013000", 9}, // 98 - 89
		{"GB82WEST12345698765432", 1},
		{"DE89-", -1},
		{"DE8", -1},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := ibanMod97([]byte(tt.in)); got != tt.want {
				t.Errorf("ibanMod97(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestNANP(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"2125550142", true},
		{"12125550142", true},
		{"9175550142", true},
		{"1125550142", false}, // area starts with 1
		{"0125550142", false}, // area starts with 0
		{"9115550142", false}, // area N11
		{"2121550142", false}, // exchange starts with 1
		{"2120550142", false}, // exchange starts with 0
		{"2129110142", false}, // exchange N11
		{"22125550142", false},
		{"212555014", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := nanpValid([]byte(tt.in)); got != tt.want {
				t.Errorf("nanpValid(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestWeakPhone(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"2125550142", true},
		{"212 5550142", true},
		{"212-555-0142", false},
		{"(212)5550142", false},
		{"+12125550142", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := isWeakPhone([]byte(tt.in)); got != tt.want {
				t.Errorf("isWeakPhone(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidEmail(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"jane.doe@example.com", true},
		{"J.Smith+billing@mail.example.co.uk", true},
		{"a@b.io", true},
		{"icon@2x.png", false},
		{"logo@3x.JPG", false},
		{"jane..doe@example.com", false},
		{".jane@example.com", false},
		{"jane.@example.com", false},
		{"jane@example..com", false},
		{"jane@example", false},
		{"@example.com", false},
		{"jane@", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := validEmail([]byte(tt.in)); got != tt.want {
				t.Errorf("validEmail(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidAWS(t *testing.T) {
	keyIDs := []struct {
		in   string
		want bool
	}{
		{"AKIAIOSFODNN7EXAMPLE", true},
		{"AKIAAAAAAAAAAAAAAAAA", false},
		{"AKIAABABABABABABABAB", false},
		{"AKIA", false},
	}
	for _, tt := range keyIDs {
		t.Run("id/"+tt.in, func(t *testing.T) {
			if got := validAWSKeyID([]byte(tt.in)); got != tt.want {
				t.Errorf("validAWSKeyID(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	secrets := []struct {
		in   string
		want bool
	}{
		{"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", true},
		{"da39a3ee5e6b4b0d3255bfef95601890afd80709", false}, // SHA-1, lower hex
		{"DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", false}, // SHA-1, upper hex
		{"1234567890123456789012345678901234567890", false},
		{"aAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaA", false}, // placeholder
		{"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE", false},  // 39
	}
	for _, tt := range secrets {
		t.Run("secret/"+tt.in, func(t *testing.T) {
			if got := validAWSSecret([]byte(tt.in)); got != tt.want {
				t.Errorf("validAWSSecret(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestRefineBase64Token(t *testing.T) {
	const key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	tests := []struct {
		name, before, after string
		want                bool
	}{
		{"alone", "", "", true},
		{"key=value", "k=", "\n", true},
		{"quoted", `"`, `"`, true},
		{"longer run before", "A", "", false},
		{"longer run after", "", "x", false},
		{"padding after", "", "=", false},
		{"slash before", "/", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf := []byte(tt.before + key + tt.after)
			s, e, ok := refineBase64Token(buf, len(tt.before), len(tt.before)+len(key))
			if ok != tt.want {
				t.Fatalf("ok = %v, want %v", ok, tt.want)
			}
			if ok && string(buf[s:e]) != key {
				t.Errorf("refined to %q", buf[s:e])
			}
		})
	}
}

func TestRefinePEM(t *testing.T) {
	const hdr = "-----BEGIN RSA PRIVATE KEY-----"
	const body = "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu"
	const end = "-----END RSA PRIVATE KEY-----"
	tests := []struct {
		name, in, want string // want is the refined match; "" means dropped
	}{
		{"complete", hdr + "\n" + body + "\n" + end + "\ntrailer", hdr + "\n" + body + "\n" + end},
		{"crlf", hdr + "\r\n" + body + "\r\n" + end, hdr + "\r\n" + body + "\r\n" + end},
		{"json escaped", hdr + `\n` + body + `\n` + end + `\n"}`, hdr + `\n` + body + `\n` + end},
		{"json escaped slashes", hdr + `\nMII\/Og\/IBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n` + end + `"}`,
			hdr + `\nMII\/Og\/IBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n` + end},
		{"truncated", hdr + "\n" + body + "\n", hdr + "\n" + body},
		{"truncated then text", hdr + "\n" + body + "\n# comment", hdr + "\n" + body},
		{"armour only", hdr, ""},
		{"empty body", hdr + "\n" + end, ""},
		{"other END label", hdr + "\n" + body + "\n-----END EC PRIVATE KEY-----", hdr + "\n" + body},
		{"next BEGIN", hdr + "\n" + body + "\n" + hdr + "\n" + body + "\n" + end, hdr + "\n" + body},
		{"two keys", hdr + "\n" + body + "\n" + end + "\n" + hdr + "\n" + body + "\n" + end, hdr + "\n" + body + "\n" + end},
		{"text after the END line", hdr + "\n" + body + "\n" + end + "BEGIN x", hdr + "\n" + body + "\n" + end},
		{"text before the END line", hdr + "\n" + body + "\n# note\n" + end, hdr + "\n" + body},
		// Code that handles keys, and an END line far away: no key.
		{"far END line", hdr + `") {` + "\n" + strings.Repeat("ref=f8ba865f-cecf-49fa-99a9 ", 20) + "\n" + end, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf := []byte(tt.in)
			s, e, ok := refinePEM(buf, 0, len(hdr))
			got := ""
			if ok {
				got = string(buf[s:e])
			}
			if got != tt.want {
				t.Errorf("refinePEM = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNormalizePEM(t *testing.T) {
	const body = "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu"
	forms := []string{
		"-----BEGIN RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----",
		"-----BEGIN RSA PRIVATE KEY-----\r\n" + body[:32] + "\r\n" + body[32:] + "\r\n-----END RSA PRIVATE KEY-----",
		`-----BEGIN RSA PRIVATE KEY-----\n` + body + `\n-----END RSA PRIVATE KEY-----`,
	}
	want := "RSA PRIVATE KEY:" + body
	for _, f := range forms {
		if got := string(normalizePEM([]byte(f))); got != want {
			t.Errorf("normalizePEM(%q) = %q, want %q", f, got, want)
		}
	}
	// A slash of the base64 escaped as JSON encoders such as PHP's write it.
	const slashed = "MII/OgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu"
	plain := normalizePEM([]byte("-----BEGIN RSA PRIVATE KEY-----\n" + slashed + "\n-----END RSA PRIVATE KEY-----"))
	escaped := normalizePEM([]byte(`-----BEGIN RSA PRIVATE KEY-----\n` + strings.ReplaceAll(slashed, "/", `\/`) + `\n-----END RSA PRIVATE KEY-----`))
	if string(plain) != "RSA PRIVATE KEY:"+slashed || string(escaped) != string(plain) {
		t.Errorf("normalizePEM: plain %q, escaped %q", plain, escaped)
	}
}

func TestKeywordWords(t *testing.T) {
	forms := []struct{ in, want string }{
		{"SecretAccessKey", "secret access key"},
		{"aws_secret_access_key", "aws secret access key"},
		{"customers[].ssn", "customers ssn"},
		{"Social-Security  Number", "social security number"},
		{"phone1", "phone1"},
		{"e-mail", "e mail"},
		{"caf\xc3\xa9 t\xffel", "caf t el"}, // non-ASCII bytes separate words
	}
	for _, tt := range forms {
		if got := string(wordForm(tt.in)); got != tt.want {
			t.Errorf("wordForm(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	hits := []struct {
		text, kw string
		want     bool
	}{
		{"tel: ", "tel", true},
		{"hotel ", "tel", false},
		{"telecom ", "tel", false},
		{"phones: ", "phone", true},
		{"phonetic ", "phone", false},
		{"customerSsn ", "ssn", true},
		{"ssn2 ", "ssn", true},
		{"social security no ", "social security", true},
		{"", "ssn", false},
	}
	for _, tt := range hits {
		t.Run(tt.text+"/"+tt.kw, func(t *testing.T) {
			hay := appendWords(nil, []byte(tt.text))
			if got := containsWord(hay, wordForm(tt.kw)); got != tt.want {
				t.Errorf("containsWord(%q, %q) = %v, want %v", hay, tt.kw, got, tt.want)
			}
			set := newKeywordSet([][]byte{[]byte("zz"), wordForm(tt.kw)})
			if got := set.foundIn(hay); got != tt.want {
				t.Errorf("keywordSet.foundIn(%q) with %q = %v, want %v", hay, tt.kw, got, tt.want)
			}
		})
	}
}

// containsAnyWord reports whether any keyword occurs in hay: the
// reference that keywordSet.foundIn must agree with.
func containsAnyWord(hay []byte, kws [][]byte) bool {
	for _, kw := range kws {
		if containsWord(hay, kw) {
			return true
		}
	}
	return false
}

func TestWindowWordsSentinel(t *testing.T) {
	buf := []byte("hotel 2125550142")
	start := strings.Index(string(buf), "2125550142")
	// A window that starts inside "hotel" must not read "tel" as a word.
	w := windowWords(nil, buf, start, 4)
	if containsWord(w, []byte("tel")) {
		t.Errorf("window %q reads tel as a word", w)
	}
	w = windowWords(nil, []byte("tel 2125550142"), 4, 4)
	if !containsWord(w, []byte("tel")) {
		t.Errorf("window %q misses tel at the buffer start", w)
	}
}

func TestRefineIBAN(t *testing.T) {
	tests := []struct{ in, want string }{
		{"DE89370400440532013000", "DE89370400440532013000"},
		{"DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00"},
		{"ES91 2100 0418 4502 0005 1332 CODE", "ES91 2100 0418 4502 0005 1332"},
		{"DE89 3704 0044 0532 0130 00 ABC", "DE89 3704 0044 0532 0130 00"},
		{"DE8937040044053201300", ""},    // short
		{"DE89370400440532013000AB", ""}, // runs on
		{"XX89370400440532013000", ""},   // no such country
		{"DE", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			buf := []byte(tt.in)
			s, e, ok := refineIBAN(buf, 0, len(buf))
			got := ""
			if ok {
				got = string(buf[s:e])
			}
			if got != tt.want {
				t.Errorf("refineIBAN = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestValidators checks every validator of the table on values that must
// pass and values that must fail. Valid values come from public
// documentation examples or were computed by hand with the published
// algorithm; invalid ones change one thing (a check digit, a range).
func TestValidators(t *testing.T) {
	tests := []struct {
		name string
		fn   func([]byte) bool
		ok   []string
		bad  []string
	}{
		{"validPAN", validPAN,
			[]string{"4526018159083012", "4661 3186 0913 9090", "379093786579753", "36018955597976", "4507529170342366716", "6252 6018 1590 8303", "8182199351819093788"},
			[]string{"4111111111111111", "4242 4242 4242 4242", "5555-5555-5555-4444", "378282246310005", "4526018159083013", "6200000000000005", "6205500000000000004", ""}},
		{"validTrack", validTrack,
			[]string{"%B4526018159083012^LOVELACE/ADA^2712101000000000000000?", ";4526018159083012=27121010000000000?", "4526018159083012=2712201"},
			[]string{"%B4526018159083012^LOVELACE/ADA^2713101?", ";4526018159083012=2712301?", ";4111111111111111=2712101?", ";4526018159083012=27", "%B4526018159083012", ""}},
		{"validCVV", validCVV, []string{"123", "0000", "707"}, []string{"12", "12345", "12a", ""}},
		{"validExpiry", validExpiry,
			[]string{"09/27", "11/2029", "03-28", "2027-12", "12 / 27"},
			[]string{"13/27", "00/27", "09/1999", "09/2", "2027/13", "09/27/01", ""}},
		{"validABA", validABA,
			[]string{"021000021", "011000015", "122105155", "026009593"},
			[]string{"021000022", "991000020", "131000019", "000000000", "02100002", ""}},
		{"validBankAccount", validBankAccount,
			[]string{"4472918305", "000123456789", "123456"},
			[]string{"12345", "111111111", "121212121", "123456789012345678", ""}},
		{"validBIC", validBIC,
			[]string{"DEUTDEFF", "NWBKGB2L", "CHASUS33XXX", "BNPAFRPPIFN"},
			[]string{"DEUTDEF0", "DEUTXXFF", "DEUTDEFFX12", "DEUT1EFF", "DEUTDEF", ""}},
		{"validITIN", validITIN,
			[]string{"912-70-1234", "999881234", "958 94 0001", "900-50-0000"},
			[]string{"912-12-1234", "912-93-1234", "812-70-1234", "912-70 1234", ""}},
		{"validUSPassport", validUSPassport,
			[]string{"520194873", "C62661541"},
			[]string{"111111111", "12345678", "CC2661541", ""}},
		{"validDriversLicense", validDriversLicense,
			[]string{"D5527410", "S530-460-71-152-0", "123456789", "AB123456", "VP444404"},
			[]string{"D1111111", "123456", "ABC123456", "S530-460-71-152", ""}},
		{"validE164", validE164,
			[]string{"+44 20 7946 0958", "+4930901820", "+33 6 12 34 56 78", "+91 98765 43210", "+353 85 123 4567"},
			[]string{"+1 212 555 0142", "+999 1234 5678", "+44 20", "+0 20 7946 0958", "+44  20 7946 0958", "+44 20 7946 0958 1234 5678", "44 20 7946 0958", ""}},
		{"validDOB", validDOB,
			[]string{"1985-03-12", "12/03/1985", "03/31/1985", "31.12.1999", "7 March 1962", "Mar 12, 1985", "Sept 1, 2001", "2000-02-29"},
			[]string{"1985-02-30", "31/31/1985", "1985-13-01", "1985/03-12", "1899-01-01", "1900-02-29", "12 Foo 1985", ""}},
		{"validIPv4", validIPv4,
			[]string{"203.0.113.42", "192.168.10.5", "10.0.0.1", "8.8.8.8"},
			[]string{"256.1.2.3", "01.2.3.4", "0.1.2.3", "255.255.255.255", "1.2.3", "1.2.3.4.5", ""}},
		{"validIPv6", validIPv6,
			[]string{"2001:db8:85a3::8a2e:370:7334", "fe80::1ff:fe23:4567:890a", "2a02:1810:4d02:5b00:9d4b:1cf0:2e15:b1c2", "fe80::1"},
			[]string{"::", "::1", "12:34:56", "2001:db8::g", "1:2:3:4:5:6:7:8:9", "::ffff:1.2.3.4", ""}},
		{"validVIN", validVIN,
			[]string{"1M8GDM9AXKP042788", "1HGCM82633A004352"},
			[]string{"1M8GDM9AXKP042789", "11111111111111111", "1M8GDM9AXKP04278", "1M8GDM9AXIP042788", ""}},
		{"validNINO", validNINO,
			[]string{"AB123456C", "JG 10 37 63 A"},
			[]string{"GB123456A", "DA123456A", "AO123456A", "AB123456E", "AB 123456 C", ""}},
		{"validSIN", validSIN,
			[]string{"130 692 544", "271-838-450", "512345679"},
			[]string{"130 692 545", "046 454 286", "846 454 280", "130-692 544", ""}},
		{"validAadhaar", validAadhaar,
			[]string{"2341 2341 2346", "498612345675", "2341-2341-2346"},
			[]string{"2341 2341 2347", "1341 2341 2346", "23412341-2346", "2341 23412346", ""}},
		{"validINPAN", validINPAN,
			[]string{"ABCPE1234F", "AAACR5055K"},
			[]string{"ABCDE1234F", "ABCPE0000F", "ABCPE1234", "abcpe1234f", ""}},
		{"validCPF", validCPF,
			[]string{"123.456.789-09", "52998224725"},
			[]string{"123.456.789-08", "111.111.111-11", "123.456789-09", "5299822472", ""}},
		{"validDNI", validDNI,
			[]string{"12345678Z", "00000000-T"},
			[]string{"12345678A", "1234567Z", ""}},
		{"validNIE", validNIE,
			[]string{"X1234567L", "Y-7654321-G"},
			[]string{"X1234567A", "W1234567L", ""}},
		{"validTFN", validTFN,
			[]string{"123 456 782", "876543210"},
			[]string{"123 456 783", "123-456-782", "111111111", ""}},
		{"validNIR", validNIR,
			[]string{"1 85 05 78 006 084 91", "269034935012344", "269034935012344", "3 85 05 78 006 084 88", "4 85 05 78 006 084 38", "392017512345651", "403129945678966"},
			[]string{"1 85 05 78 006 084 92", "3 85 05 78 006 084 91", "1 8505 78 006 084 91", "18505780060849", "5 85 05 78 006 084 85", "6 85 05 78 006 084 35", "9 85 05 78 006 084 79", ""}},
		{"validDETaxID", validDETaxID,
			[]string{"86095742719", "65 162 480 376"},
			[]string{"86095742718", "12345678903", "06095742719", "11123456780", ""}},
		{"validITFiscalCode", validITFiscalCode,
			[]string{"RSSMRA85T10A562S", "BNCGNN70E56F205W"},
			[]string{"RSSMRA85T10A562T", "RSSMRA85T92A562S", "RSSMRA85F10A562S", ""}},
		{"validBSN", validBSN,
			[]string{"111222333", "123456782"},
			[]string{"111222334", "000000000", "12345678", ""}},
		{"validBENationalNumber", validBENationalNumber,
			[]string{"85.07.30-033.28", "85073003328", "17073003384"},
			[]string{"85.07.30-033.29", "85.07.30033.28", "85133003328", ""}},
		{"validPESEL", validPESEL,
			[]string{"44051401359"},
			[]string{"44051401358", "44133401359", "02270803628", ""}},
		{"validPersonnummer", validPersonnummer,
			[]string{"19811228-9874", "811228-9874", "8112289874", "811228+9874"},
			[]string{"19811228-9875", "19811328-9874", "8112-289874", ""}},
		{"validHETU", validHETU,
			[]string{"131052-308T", "010594Y899X", "311280-888Y", "020304-5128"},
			[]string{"131052-308U", "010594Y903Y", "320552-308T", "131052G308T", ""}},
		{"validCPR", validCPR,
			[]string{"070761-4285", "2902882134", "010100-0000"},
			[]string{"300261-4285", "070761 4285", "0707614285x", ""}},
		{"validPTNIF", validPTNIF,
			[]string{"123456789", "501964843", "314506128", "631007725", "457877898", "703287923", "711742189", "720967929",
				"749081007", "753390752", "777938340", "787017469", "798145382", "904019160", "911461000", "983307660", "996193456"},
			[]string{"123456788", "423456780", "023456789", "883783266", "404611133", "469309555", "736166300", "764940325",
				"926991027", "973740957", ""}},
		{"validPPSN", validPPSN,
			[]string{"1234567T", "1234567FA", "1234567TW"},
			[]string{"1234567A", "1234567TX", "123456T", ""}},
		{"validSVNR", validSVNR,
			[]string{"1237 010180", "1237010180"},
			[]string{"1238 010180", "1237 310280", "0237 010180", ""}},
		{"validAMKA", validAMKA,
			[]string{"01018012342"},
			[]string{"01018012343", "32018012341", ""}},
		{"validCNP", validCNP,
			[]string{"1800101221144", "2960325041234"},
			[]string{"1800101221145", "3800101221144", "1800101991144", ""}},
		{"validEGN", validEGN,
			[]string{"7523169263", "0342011236"},
			[]string{"7523169264", "7533169263", ""}},
		{"validCZBirthNumber", validCZBirthNumber,
			[]string{"736028/5163", "8553121236"},
			[]string{"736028/5164", "731328/5163", "736028-5163", ""}},
		{"validNPI", validNPI,
			[]string{"1234567893", "1245319599"},
			[]string{"1234567894", "3234567893", "123456789", ""}},
		{"validMBI", validMBI,
			[]string{"1EG4-TE5-MK73", "5RR7YY9UU31", "1EG4TE5MK73"},
			[]string{"1EG4-TE5-MK7", "1SG4-TE5-MK73", "1EG4TE5-MK73", "0EG4TE5MK73", ""}},
		{"validDEA", validDEA,
			[]string{"AB1234563", "FS3456781", "A91234563"},
			[]string{"AB1234564", "NB1234563", "AB1111111", "A!1234563", ""}},
		{"validNHS", validNHS,
			[]string{"943 476 5919", "4010232137", "943-476-5919"},
			[]string{"943 476 5918", "1111111111", "94347659190", ""}},
		{"validNDC", validNDC,
			[]string{"0002-3227-30", "50090-2875-0", "12345-678-90", "12345-6789-01"},
			[]string{"0000-3227-30", "12345-678-9", "1234-5678-901", "0002322730", ""}},
		{"validJWT", validJWT,
			[]string{"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
				"eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."},
			[]string{"eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxIn0.c2lnbmF0dXJlMDEyMzQ1Njc4OQ",
				"eyJhbGciOiJIUzI1NiJ9.bm90LWpzb24tcGF5bG9hZA.c2lnbmF0dXJlMDEyMzQ1Njc",
				"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.",
				"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0", ""}},
		{"validBasicAuth", validBasicAuth,
			[]string{"Basic YWxhZGRpbjpvcGVuc2VzYW1l", "basic YWxhZGRpbjpvcGVuc2VzYW1l", "https://svc:Tr0ub4dor-3x@proxy.example.com"},
			[]string{"Basic dXNlcm5hbWU=", "Basic AAECAwQFBgc=", "Basic YWRtaW46cGFzc3dvcmQ=", "https://user:password@api.example.com", "https://u:${PW}@h.example.com", "https://u:p@", ""}},
		{"validGitHubToken", validGitHubToken,
			[]string{"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", "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"},
			[]string{"ghp_Zx9Qw3Er5Ty7Ui1Op3As5Df7Gh9Jk20KCJdi", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "ghp_Zx9Qw3Er5Ty7Ui1Op3As5Df7Gh9Jk20KCJ!h", ""}},
		{"validSlackToken", validSlackToken,
			[]string{"xoxb-263594206564-2343594206574-FGqddMF8t08v8N7Oq4i57vs1",
				"xapp-1-A02BCD3EFGH-2223334445556-30877432d1026706d7e805da846a32c3bb81e3c29b62179273c8eb5bb682575e",
				"xoxe-1-My0xLTY0ODM1MDMwNTY0MTMtOTUzNzY3MjQyMzg4NC05Njk2NTMyODcxMDEyLTVkMmNjZTgwMzhhMzlkNWUwODUzOTY0YjUwYWYwM2I5NzE3MjJmMjQ0ZjU4ZDY2OWNiZWUzNzcyYTA3NzAyMTc",
				"xoxe.xoxp-1-Mi0xLTEwNTE4MzQ3MzgyOTktNzM3NjMxMTY1NjY3MC0xMDY1MTMzMzg3MjYyLThlNzJlMzEwMjc1ZGZmNmMxNWMwYzhlOWRmNDY5NjExYTExZjUxMjUyMjdjMzcxMmRhODZhNzhjNDllYTIwZTMtMTgzODQyNTEzNQ",
				"xoxe.xoxb-1-Mi0xLTQyNzg0OTgwODQxMjQtMTE4MjQ0OTM1MzQ4Ny00MDE2NDAwNTI0Mjc4LWQwMzI0MWI0ZDQxOWIxYjY3M2JkNDc1NWQwNWFkNzg1M2MxZjc2ZWI5NzcwNmNhODI4YmNhMDM4NTgxM2RiYWQtOTgxNjkzNDA2MA"},
			[]string{"xoxb-xxxxxxxxxxxx-xxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx", "xoxb-123-abc", "xoxb", "",
				"xapp-your-app-token",
				"xapp-1-A02BCD3EFGH-2223334445556", // no secret
				"xapp-1-a02bcd3efgh-2223334445556-30877432d1026706d7e805da846a32c3bb81e3c2",  // app id not A…
				"xapp-12-A02BCD3EFGH-2223334445556-30877432d1026706d7e805da846a32c3bb81e3c2", // version of two digits
				"xapp-1-A02BCD3EFGH-2223334445556-0000000000000000000000000000000000000000",  // placeholder secret
				"xoxe-1-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
				"xoxe-1-My0xLTY0ODM1MDMwNTY0MTMtOTUzNzY3MjQy", // payload too short
				"xoxe-x-My0xLTY0ODM1MDMwNTY0MTMtOTUzNzY3MjQyMzg4NC05Njk2NTMyODcxMDEyLTVkMmNjZTgwMzhhMzlkNWUw",
				"xoxe-1-My0xLTY0ODM1MDMwNTY0MTMtOTUzNzY3MjQyMzg4NC05Njk2NTMyODcxMDEyLTVkMmNj-ZTgwMzhhMzlkNWUwODUzOTY0YjUw", // two payloads
				"xoxe.xoxp-1-", "xoxe.xoxp", "xoxe-", "xapp-"}},
		{"validGoogleAPIKey", validGoogleAPIKey,
			[]string{"AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"},
			[]string{"AIzaAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "AIzaSyD", ""}},
		{"validDatabaseURL", validDatabaseURL,
			[]string{"postgres://app:s3cr3t-Pa55@db.internal.example.com", "redis://:h7Gk2pQ9z@cache.example.org"},
			[]string{"postgres://app:${DB_PASSWORD}@db", "mysql://root:password@localhost", "postgres://app:****@db", "postgres://app@db", "postgres://app:x@", ""}},
		{"validPEMKey", validPEMKey,
			[]string{"-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34Gkx", "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,3F17\n\nKkU5FVZ0YJzGx9Yv"},
			[]string{"-----BEGIN RSA PRIVATE KEY-----\n<your key here>", "-----BEGIN RSA PRIVATE KEY-----", "MIIBOgIBAAJBAKj34Gkx", ""}},
		{"validPGPKey", validPGPKey,
			[]string{"-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\nlQOYBF0lbNwBCAD", "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nxcLYBGVx2fQBDADG"},
			[]string{"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nmQENBF0lbNwBCAD", "-----BEGIN PGP PRIVATE KEY BLOCK-----", ""}},
		{"validOpenSSHKey", validOpenSSHKey,
			[]string{"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA", `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA`},
			[]string{"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAB3NzaC1yc2E", "b3BlbnNzaC1rZXktdjE", ""}},
	}
	for _, tt := range tests {
		for _, v := range tt.ok {
			if !tt.fn([]byte(v)) {
				t.Errorf("%s(%q) = false, want true", tt.name, v)
			}
		}
		for _, v := range tt.bad {
			if tt.fn([]byte(v)) {
				t.Errorf("%s(%q) = true, want false", tt.name, v)
			}
		}
	}
}

// TestKnownTestPANs checks the ignore list: every entry is a Luhn-valid
// number of 13-19 digits (a typo would silently let a test number
// through) that validCard accepts, so that the entry has work to do, and
// each is ignored by validPAN.
func TestKnownTestPANs(t *testing.T) {
	// Entries of issuer ranges cardIssuerValid does not know: listed all
	// the same, in case a range is added.
	unknownRange := map[string]bool{
		"3088000000000017": true, // JCB's old 3088-3094 range
	}
	for pan := range knownTestPANs {
		if len(pan) < 13 || len(pan) > 19 || !luhnValid([]byte(pan)) {
			t.Errorf("knownTestPANs entry %q is not a Luhn-valid PAN", pan)
		}
		if got := validCard([]byte(pan)); got == unknownRange[pan] {
			t.Errorf("knownTestPANs entry %q: validCard = %v, want %v", pan, got, !got)
		}
		if validPAN([]byte(pan)) {
			t.Errorf("validPAN(%q) accepts a published test number", pan)
		}
	}
}

func TestVerhoeff(t *testing.T) {
	for _, s := range []string{"2363", "236", "12340", "234123412346", "498612345675", "0", "2364", "12341", "234123412347"} {
		want := s != "2364" && s != "12341" && s != "234123412347"
		if got := verhoeffValid([]byte(s)); got != want {
			t.Errorf("verhoeffValid(%q) = %v, want %v", s, got, want)
		}
		if got, ref := verhoeffValid([]byte(s)), verhoeffReference(s); got != ref {
			t.Errorf("verhoeffValid(%q) = %v, reference %v", s, got, ref)
		}
	}
}

func TestMod11_10(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{{"86095742719", true}, {"65162480376", true}, {"86095742718", false}, {"0", false}, {"", false}, {"8609574271x", false}} {
		if got := mod11_10Valid([]byte(tt.in)); got != tt.want {
			t.Errorf("mod11_10Valid(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestDigitGroups(t *testing.T) {
	tests := []struct {
		in     string
		digits string
		sep    byte
		ok     bool
	}{
		{"123-45-6789", "123456789", '-', true},
		{"123456789", "123456789", 0, true},
		{"2341 2341 2346", "234123412346", ' ', true},
		{"123-45 6789", "", 0, false},
		{"123--456", "", 0, false},
		{"-123", "", 0, false},
		{"123-", "", 0, false},
		{"12a3", "", 0, false},
		{"", "", 0, false},
	}
	for _, tt := range tests {
		d, sep, ok := digitGroups([]byte(tt.in))
		if ok != tt.ok || (ok && (string(d) != tt.digits || sep != tt.sep)) {
			t.Errorf("digitGroups(%q) = %q, %q, %v; want %q, %q, %v", tt.in, d, sep, ok, tt.digits, tt.sep, tt.ok)
		}
	}
}

func TestValidDate(t *testing.T) {
	for _, tt := range []struct {
		y, m, d int
		want    bool
	}{{2000, 2, 29, true}, {1900, 2, 29, false}, {2024, 2, 29, true}, {2023, 2, 29, false}, {2023, 4, 31, false}, {2023, 12, 31, true}, {2023, 0, 1, false}, {2023, 13, 1, false}, {2023, 1, 0, false}} {
		if got := validDate(tt.y, tt.m, tt.d); got != tt.want {
			t.Errorf("validDate(%d, %d, %d) = %v, want %v", tt.y, tt.m, tt.d, got, tt.want)
		}
	}
}

func TestRefineIsolated(t *testing.T) {
	f := refineIsolated(" -.")
	tests := []struct {
		buf, value string
		want       bool
	}{
		{"x 2341 2341 2346 y", "2341 2341 2346", true},
		{"4526 2341 2341 2346", "2341 2341 2346", false},     // a card's last twelve digits
		{"2341 2341 2346 9855", "2341 2341 2346", false},     // its first twelve
		{"0c3e919f-8900-4705-8921-a6b2", "8900-4705", false}, // inside a UUID
		{"Aadhaar 2341 2341 2346.", "2341 2341 2346", true},
		{"a2341", "2341", false},
	}
	for _, tt := range tests {
		i := strings.Index(tt.buf, tt.value)
		_, _, ok := f([]byte(tt.buf), i, i+len(tt.value))
		if ok != tt.want {
			t.Errorf("refineIsolated(%q in %q) = %v, want %v", tt.value, tt.buf, ok, tt.want)
		}
	}
}

func TestRefineCard(t *testing.T) {
	tests := []struct {
		buf, value string
		want       bool
	}{
		{"card 4526018159083012 ok", "4526018159083012", true},
		{";4526018159083012=2712101?", "4526018159083012", false},
		{"%B4526018159083012^ADA", "4526018159083012", false},
		{"^3005101679798655010?", "3005101679798655010", false},
		{"QA83 4479 0213 0195 9029 0381", "4479 0213 0195 9029", false},
		{"xoxb-101-4400428787277-S24Y", "4400428787277", false},
		{"phone: +4999177620449", "4999177620449", false},
		{"pan=4526018159083012", "4526018159083012", true},
		{"4526-0181-5908-3012.", "4526-0181-5908-3012", true},
	}
	for _, tt := range tests {
		i := strings.Index(tt.buf, tt.value)
		_, _, ok := refineCard([]byte(tt.buf), i, i+len(tt.value))
		if ok != tt.want {
			t.Errorf("refineCard(%q in %q) = %v, want %v", tt.value, tt.buf, ok, tt.want)
		}
	}
}

// TestKeywordAdjacent checks the label rule of keyword-required and
// weak-form identifiers, through the engine.
func TestKeywordAdjacent(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		text, field, id string
		want            bool
	}{
		{"passport: 520194873", "", "US_PASSPORT", true},
		{"passport number 520194873", "", "US_PASSPORT", true},
		{"Passport No. C62661541", "", "US_PASSPORT", true},
		{"passport: none, BSN: 111222333", "", "US_PASSPORT", false},
		{"passport: none, BSN: 111222333", "", "NL_BSN", true},
		{"passport: on file, order=520194873", "", "US_PASSPORT", false},
		{"ssn 000-00-0000, passport 536224081", "", "US_SSN", false},
		{"ssn 123-45-6789 then 536224081", "", "US_SSN", true}, // the dashed one only
		{"520194873", "passport_number", "US_PASSPORT", true},
		{"value: 520194873 end", "passport", "US_PASSPORT", true},
		{"cvv 3 of 5, amount 123", "", "CARD_CVV", false},
		{"card cvv2: 123", "", "CARD_CVV", true},
		{"req=3b35dda9b35b acct 4472918305", "", "US_BANK_ACCOUNT_NUMBER", false},
		{"blob=DxF6Ki7QGwDl1vG7Uqbf PO6297181", "", "US_DRIVERS_LICENSE", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			ms := find(e.Scan([]byte(tt.text), tt.field), tt.id)
			if tt.id == "US_SSN" && tt.want {
				if len(ms) != 1 || tt.text[ms[0].Start:ms[0].End] != "123-45-6789" {
					t.Errorf("got %d matches %v, want only the dashed SSN", len(ms), ms)
				}
				return
			}
			if got := len(ms) > 0; got != tt.want {
				t.Errorf("%s found = %v, want %v", tt.id, got, tt.want)
			}
		})
	}
}

// TestKeywordAdjacentParity checks the adjacency rule where the automaton
// path narrows it with the keyword gate against the go-re2 path, which
// reads every window: keywords at every distance from the number before
// the match, across the edge of the look-back window.
func TestKeywordAdjacentParity(t *testing.T) {
	e := newTestEngine(t)
	ref := newTestEngine(t)
	ref.noAuto = true
	for _, kw := range []string{"ssn", "passport no", "tel", "NHS number"} {
		for n := range 72 {
			text := []byte(kw + strings.Repeat("-", n) + " 000-00-0000, 536224081 943 476 5919")
			for _, field := range []string{"", "ssn", "passport"} {
				if got, want := e.Scan(text, field), ref.Scan(text, field); len(got)+len(want) > 0 && !reflect.DeepEqual(got, want) {
					t.Errorf("%q field %q: automaton %v, go-re2 %v", text, field, got, want)
				}
			}
		}
	}
}

func TestKeywordWordsTokens(t *testing.T) {
	tests := []struct {
		text, kw string
		want     bool
	}{
		{"req=3b35dda9b35b", "dda", false},         // inside a hex id
		{"ref dea91f0", "dea", false},              // hex after a space: digits then letters
		{"blob=DxF6Ki7QGwDl1vG7Uqbf", "dl", false}, // random base64 is one opaque word
		{"id CC551645", "cc", false},               // a short keyword before many digits
		{"ssn2019:", "ssn", false},                 // more than two digits
		{"ssn2:", "ssn", true},
		{"cvv2 ", "cvv", true},
		{"customer_ssn_2019", "ssn", true},
		{"AWS_SECRET_ACCESS_KEY=", "secret access key", true},
		{"SecretAccessKey", "secret access key", true},
	}
	for _, tt := range tests {
		hay := appendWords(nil, []byte(tt.text))
		if got := containsWord(hay, wordForm(tt.kw)); got != tt.want {
			t.Errorf("containsWord(%q, %q) = %v, want %v", hay, tt.kw, got, tt.want)
		}
	}
}
