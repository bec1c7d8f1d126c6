package classifiers

import (
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
		{"truncated", hdr + "\n" + body + "\n", hdr + "\n" + body},
		{"truncated then text", hdr + "\n" + body + "\n# comment", hdr + "\n" + body},
		{"armour only", hdr, ""},
		{"empty body", hdr + "\n" + end, ""},
		{"other END label", hdr + "\n" + body + "\n-----END EC PRIVATE KEY-----", hdr + "\n" + body},
		{"next BEGIN", hdr + "\n" + body + "\n" + hdr + "\n" + body + "\n" + end, hdr + "\n" + body},
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
		})
	}
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
