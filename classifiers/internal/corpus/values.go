package corpus

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// gen makes valid values of one identifier, with the context a document
// gives them: an inline label, or a column (CSV header, JSON key).
type gen struct {
	id string
	// required: every value needs a label or a column name (the
	// identifier is keyword-required).
	required bool
	// labels are written directly before a value in free text; each holds
	// a keyword of the identifier.
	labels []string
	// columns are CSV headers and JSON keys that hold a keyword.
	columns []string
	// value returns a valid value; weak reports a written form that is
	// only recognised with a keyword (a bare nine-digit SSN).
	value func(r *rand.Rand) (v string, weak bool)
	// long marks values that do not fit a CSV cell (multi-line keys).
	long bool
}

// pick returns a random element of xs.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

var (
	firstNames = []string{"ada", "alan", "grace", "edsger", "barbara", "donald", "margaret", "ken", "dennis", "frances", "john", "radia", "tim", "shafi", "leslie", "niklaus", "katherine", "hedy", "linus", "sophie", "jean", "marie", "lucia", "mateo", "noah", "emma", "olivia", "liam", "aiko", "ravi"}
	lastNames  = []string{"lovelace", "turing", "hopper", "dijkstra", "liskov", "knuth", "hamilton", "thompson", "ritchie", "allen", "mccarthy", "perlman", "berners", "goldwasser", "lamport", "wirth", "johnson", "lamarr", "torvalds", "wilson", "dupont", "curie", "rossi", "garcia", "smith", "brown", "tanaka", "patel", "schmidt", "nowak"}
	domains    = []string{"example.com", "example.org", "mail.example.net", "acme-corp.example", "contoso.example", "corp.example.co.uk", "webmail.example.de", "example.io"}
	hosts      = []string{"db.internal.example.com", "10.0.3.17", "pg-prod-1.example.net", "cluster0.ab1cd.mongodb.example.net", "cache.example.org", "mq.example.io", "reporting.example.com"}
)

// name returns "First Last".
func name(r *rand.Rand) string {
	f, l := pick(r, firstNames), pick(r, lastNames)
	return strings.ToUpper(f[:1]) + f[1:] + " " + strings.ToUpper(l[:1]) + l[1:]
}

// password returns a random password of URL-safe userinfo characters.
func password(r *rand.Rand) string {
	for {
		p := chars(r, alnum+"._~!*-", 10+r.IntN(12))
		if strings.ContainsAny(p, decimal) && strings.ContainsAny(p, lower) {
			return p
		}
	}
}

// pemBody returns n lines of 64 random base64 characters starting with
// prefix.
func pemBody(r *rand.Rand, prefix string, n int) string {
	s := prefix + chars(r, b64, 64*n-len(prefix))
	var lines []string
	for len(s) > 64 {
		lines = append(lines, s[:64])
		s = s[64:]
	}
	return strings.Join(append(lines, s), "\n")
}

// cardPAN returns a Luhn-valid card number of a random issuer.
func cardPAN(r *rand.Rand) string {
	type issuer struct {
		prefix string
		length int
	}
	issuers := []issuer{
		{"4", 16}, {"4", 16}, {"4", 16}, {"4", 13}, {"4", 19},
		{"51", 16}, {"53", 16}, {"55", 16}, {"2221", 16}, {"2720", 16}, {"23", 16},
		{"34", 15}, {"37", 15},
		{"6011", 16}, {"65", 16}, {"644", 16},
		{"62", 16}, {"62", 19}, {"81", 16},
		{"3528", 16}, {"3589", 16},
		{"36", 14}, {"300", 14}, {"38", 16},
	}
	is := pick(r, issuers)
	body := is.prefix + digits(r, is.length-len(is.prefix)-1)
	return body + string(luhnDigit(body))
}

// groupDigits writes d in groups of the given sizes split by sep.
func groupDigits(d string, sep string, sizes ...int) string {
	var parts []string
	for _, n := range sizes {
		if n >= len(d) {
			break
		}
		parts = append(parts, d[:n])
		d = d[n:]
	}
	return strings.Join(append(parts, d), sep)
}

// ibanBBAN holds the BBAN layout of some countries: 'a' an upper-case
// letter, 'n' a digit, 'c' either. Countries not listed get digits.
var ibanBBAN = map[string]string{
	"GB": "aaaannnnnnnnnnnnnn", "NL": "aaaannnnnnnnnn", "IE": "aaaannnnnnnnnnnnnn",
	"FR": "nnnnnnnnnnccccccccccccnn", "IT": "annnnnnnnnnccccccccccccc", "MT": "aaaannnnnccccccccccccccccccc",
	"BG": "aaaannnnnncccccccc", "RO": "aaaacccccccccccccccc", "CH": "nnnnnccccccccccccc",
}

// ibanLengths is the IBAN length of the countries the generator uses.
var ibanLengths = map[string]int{
	"DE": 22, "GB": 22, "FR": 27, "ES": 24, "IT": 27, "NL": 18, "BE": 16, "AT": 20, "CH": 21, "PL": 28,
	"SE": 24, "DK": 18, "FI": 18, "NO": 15, "IE": 22, "PT": 25, "LU": 20, "CZ": 24, "HU": 28, "RO": 24,
	"BG": 22, "GR": 27, "HR": 21, "SI": 19, "SK": 24, "LT": 20, "LV": 21, "EE": 20, "MT": 31, "CY": 28,
	"SA": 24, "AE": 23, "TR": 26, "BR": 29, "IL": 23, "UA": 29, "QA": 29, "KW": 30, "LC": 32, "RU": 33,
	"MN": 20, "OM": 23, "NI": 28, "SO": 23, "BI": 27,
}

// iban returns a valid IBAN in electronic form.
func iban(r *rand.Rand) string {
	ccs := make([]string, 0, len(ibanLengths))
	for cc := range ibanLengths {
		ccs = append(ccs, cc)
	}
	slices.Sort(ccs)
	cc := pick(r, ccs)
	n := ibanLengths[cc] - 4
	layout, ok := ibanBBAN[cc]
	if !ok || len(layout) != n {
		layout = strings.Repeat("n", n)
	}
	b := make([]byte, n)
	for i, k := range layout {
		switch k {
		case 'a':
			b[i] = upper[r.IntN(26)]
		case 'c':
			b[i] = upperNum[r.IntN(36)]
		default:
			b[i] = decimal[r.IntN(10)]
		}
	}
	bban := string(b)
	return cc + ibanCheck(cc, bban) + bban
}

// groupIBAN writes an IBAN in print form, groups of four.
func groupIBAN(s string) string {
	var parts []string
	for len(s) > 4 {
		parts = append(parts, s[:4])
		s = s[4:]
	}
	return strings.Join(append(parts, s), " ")
}

// abaPrefixes are Federal Reserve routing symbol ranges.
var abaPrefixes = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72}

// aba returns a valid routing number.
func aba(r *rand.Rand) string {
	for {
		body := fmt.Sprintf("%02d", pick(r, abaPrefixes)) + digits(r, 6)
		s := weighted(body, 3, 7, 1, 3, 7, 1, 3, 7)
		v := body + string(byte('0'+(10-s%10)%10))
		if distinctCount(v) >= 3 {
			return v
		}
	}
}

// distinctCount counts distinct bytes.
func distinctCount(s string) int {
	seen := map[byte]bool{}
	for i := 0; i < len(s); i++ {
		seen[s[i]] = true
	}
	return len(seen)
}

// ssn returns the nine digits of a valid SSN.
func ssn(r *rand.Rand) string {
	for {
		area := 1 + r.IntN(899)
		if area == 666 {
			continue
		}
		return fmt.Sprintf("%03d%02d%04d", area, 1+r.IntN(99), 1+r.IntN(9999))
	}
}

// nanp returns ten NANP digits.
func nanp(r *rand.Rand) string {
	for {
		d := string(byte('2'+r.IntN(8))) + digits(r, 2) + string(byte('2'+r.IntN(8))) + digits(r, 6)
		if d[1:3] != "11" && d[4:6] != "11" {
			return d
		}
	}
}

// e164Countries are calling codes and national number lengths used for
// international numbers, with a grouping (sizes of the leading groups).
var e164Countries = []struct {
	cc     string
	n      int
	groups []int
}{
	{"44", 10, []int{2, 4}}, {"44", 10, []int{4}}, {"49", 11, []int{3, 4}}, {"49", 10, []int{2, 4}},
	{"33", 9, []int{1, 2, 2, 2}}, {"34", 9, []int{3, 3}}, {"39", 10, []int{3, 3}}, {"31", 9, []int{1, 4}},
	{"32", 9, []int{3, 2, 2}}, {"41", 9, []int{2, 3, 2}}, {"43", 10, []int{3, 3}}, {"46", 9, []int{2, 3, 2}},
	{"47", 8, []int{3, 2}}, {"45", 8, []int{2, 2, 2}}, {"48", 9, []int{3, 3}}, {"351", 9, []int{3, 3}},
	{"353", 9, []int{2, 3}}, {"61", 9, []int{3, 3}}, {"64", 9, []int{2, 3}}, {"81", 10, []int{2, 4}},
	{"82", 10, []int{2, 4}}, {"86", 11, []int{3, 4}}, {"91", 10, []int{5}}, {"55", 11, []int{2, 5}},
	{"52", 10, []int{2, 4}}, {"27", 9, []int{2, 3}}, {"234", 10, []int{3, 3}}, {"971", 9, []int{2, 3}},
	{"972", 9, []int{2, 3}}, {"65", 8, []int{4}}, {"852", 8, []int{4}}, {"7", 10, []int{3, 3, 2}},
}

// dobText formats a date as a date of birth in one of the common
// layouts.
func dobText(r *rand.Rand, dt date) string {
	months := []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	switch r.IntN(7) {
	case 0, 1:
		return fmt.Sprintf("%04d-%02d-%02d", dt.y, dt.m, dt.d)
	case 2:
		return fmt.Sprintf("%02d/%02d/%04d", dt.m, dt.d, dt.y)
	case 3:
		return fmt.Sprintf("%02d/%02d/%04d", dt.d, dt.m, dt.y)
	case 4:
		return fmt.Sprintf("%02d.%02d.%04d", dt.d, dt.m, dt.y)
	case 5:
		return fmt.Sprintf("%d %s %04d", dt.d, months[dt.m-1], dt.y)
	}
	return fmt.Sprintf("%s %d, %04d", months[dt.m-1][:3], dt.d, dt.y)
}

// vinValues is the ISO 3779 transliteration, indexed by letter.
const vinValues = "12345678012345070923456789"

// vin returns a valid 17-character VIN with its check digit.
func vin(r *rand.Rand) string {
	const vinChars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
	const yearChars = "ABCDEFGHJKLMNPRSTVWXY123456789"
	wmis := []string{"1HG", "WVW", "JHM", "1FT", "5YJ", "WBA", "SAL", "YV1", "VF1", "ZFA", "KMH", "JTD", "3VW", "WDD", "1G1"}
	{
		v := []byte(pick(r, wmis) + chars(r, "ABCDEFGHJKLMNPRSTUVWXYZ", 2) + chars(r, vinChars, 3) + "0" + chars(r, yearChars, 1) + chars(r, "ABCDEFGHJKLMNPRSTUVWXYZ", 1) + digits(r, 6))
		weights := []int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}
		sum := 0
		for i, c := range v {
			val := int(c - '0')
			if c >= 'A' && c <= 'Z' {
				val = int(vinValues[c-'A'] - '0')
			}
			sum += val * weights[i]
		}
		if sum%11 == 10 {
			v[8] = 'X'
		} else {
			v[8] = byte('0' + sum%11)
		}
		return string(v)
	}
}

// itFiscal returns a valid Italian fiscal code.
func itFiscal(r *rand.Rand) string {
	const oddDigits = "\x01\x00\x05\x07\x09\x0d\x0f\x11\x13\x15"
	const oddLetters = "\x01\x00\x05\x07\x09\x0d\x0f\x11\x13\x15\x02\x04\x12\x14\x0b\x03\x06\x08\x0c\x0e\x10\x0a\x16\x19\x18\x17"
	dt := randomDate(r, 1940, 2005)
	day := dt.d
	if r.IntN(2) == 0 {
		day += 40
	}
	places := []string{"H501", "F205", "L219", "A944", "G273", "D612", "Z404", "C351"}
	s := chars(r, "BCDFGHLMNPRSTVZ", 3) + chars(r, "BCDFGHLMNPRSTVZAEIOU", 3) +
		fmt.Sprintf("%02d", dt.y%100) + string("ABCDEHLMPRST"[dt.m-1]) + fmt.Sprintf("%02d", day) + pick(r, places)
	sum := 0
	for i := 0; i < 15; i++ {
		c := s[i]
		if i%2 == 0 {
			if c >= '0' && c <= '9' {
				sum += int(oddDigits[c-'0'])
			} else {
				sum += int(oddLetters[c-'A'])
			}
		} else if c >= '0' && c <= '9' {
			sum += int(c - '0')
		} else {
			sum += int(c - 'A')
		}
	}
	return s + string(byte('A'+sum%26))
}

// deTaxID returns a valid German tax id: one digit of the first ten twice,
// one missing, first not 0, MOD 11,10 check.
func deTaxID(r *rand.Rand) string {
	for {
		perm := r.Perm(10)
		ds := make([]byte, 10)
		for i := range 9 {
			ds[i] = byte('0' + perm[i])
		}
		ds[9] = ds[r.IntN(9)] // one digit twice, perm[9] missing
		r.Shuffle(10, func(i, j int) { ds[i], ds[j] = ds[j], ds[i] })
		if ds[0] == '0' {
			continue
		}
		product := 10
		for _, c := range ds {
			sum := (int(c-'0') + product) % 10
			if sum == 0 {
				sum = 10
			}
			product = (2 * sum) % 11
		}
		check := 11 - product
		if check == 10 {
			check = 0
		}
		return string(ds) + string(byte('0'+check))
	}
}

// yymmdd and ddmmyy write a date as six digits.
func yymmdd(dt date) string { return fmt.Sprintf("%02d%02d%02d", dt.y%100, dt.m, dt.d) }
func ddmmyy(dt date) string { return fmt.Sprintf("%02d%02d%02d", dt.d, dt.m, dt.y%100) }

// gens is the generator of every identifier, keyed by id.
var gens = []gen{
	// Credentials
	{id: "AWS_ACCESS_KEY_ID", labels: []string{"aws_access_key_id = ", "AccessKeyId: ", "key="}, columns: []string{"aws_access_key_id", "access_key_id"},
		value: func(r *rand.Rand) (string, bool) {
			return pick(r, []string{"AKIA", "ASIA"}) + chars(r, base32AWS, 16), false
		}},
	{id: "AWS_SECRET_ACCESS_KEY", required: true, labels: []string{"aws_secret_access_key = ", "SecretAccessKey: ", "AWS_SECRET_ACCESS_KEY="}, columns: []string{"aws_secret_access_key", "secret_access_key"},
		value: func(r *rand.Rand) (string, bool) {
			for {
				s := chars(r, alnum, 1) + chars(r, b64, 38) + chars(r, alnum, 1)
				if strings.ContainsAny(s, upper) && strings.ContainsAny(s, lower) {
					return s, false
				}
			}
		}},
	{id: "PRIVATE_KEY", long: true, labels: []string{"key material:\n", ""}, columns: []string{"private_key", "tls_key"},
		value: func(r *rand.Rand) (string, bool) {
			kind := pick(r, []string{"RSA ", "EC ", "", "ENCRYPTED "})
			return "-----BEGIN " + kind + "PRIVATE KEY-----\n" + pemBody(r, "MII", 3+r.IntN(6)) + "\n-----END " + kind + "PRIVATE KEY-----", false
		}},
	{id: "OPENSSH_PRIVATE_KEY", long: true, labels: []string{"deploy key:\n", ""}, columns: []string{"ssh_private_key", "deploy_key"},
		value: func(r *rand.Rand) (string, bool) {
			return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + pemBody(r, "b3BlbnNzaC1rZXktdjEAAAAA", 4+r.IntN(4)) + "\n-----END OPENSSH PRIVATE KEY-----", false
		}},
	{id: "PGP_PRIVATE_KEY_BLOCK", long: true, labels: []string{"signing key:\n", ""}, columns: []string{"pgp_private_key", "gpg_key"},
		value: func(r *rand.Rand) (string, bool) {
			return "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n" + pemBody(r, "lQOYBF", 4+r.IntN(6)) + "\n=" + chars(r, b64, 4) + "\n-----END PGP PRIVATE KEY BLOCK-----", false
		}},
	{id: "JWT", labels: []string{"Authorization: Bearer ", "id_token=", "token: "}, columns: []string{"id_token", "access_token", "jwt"},
		value: func(r *rand.Rand) (string, bool) {
			alg, sig := "HS256", 43
			if r.IntN(3) == 0 {
				alg, sig = "RS256", 342
			}
			enc := base64.RawURLEncoding.EncodeToString
			h := enc([]byte(`{"alg":"` + alg + `","typ":"JWT"}`))
			p := enc(fmt.Appendf(nil, `{"sub":"%d","name":"%s","iat":%d,"exp":%d}`, r.IntN(1e9), name(r), 1700000000+r.IntN(1e7), 1800000000+r.IntN(1e7)))
			return h + "." + p + "." + chars(r, b64url, sig), false
		}},
	{id: "HTTP_BASIC_AUTH", labels: []string{"Authorization: ", "proxy: ", "callback "}, columns: []string{"authorization", "proxy_url", "callback_url"},
		value: func(r *rand.Rand) (string, bool) {
			user := pick(r, firstNames) + fmt.Sprint(r.IntN(100))
			if r.IntN(2) == 0 {
				return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password(r))), false
			}
			return pick(r, []string{"https", "http", "ftp"}) + "://" + user + ":" + password(r) + "@" + pick(r, []string{"api.example.com", "files.example.org", "proxy.example.net"}), false
		}},
	{id: "GITHUB_TOKEN", labels: []string{"GITHUB_TOKEN=", "token ", "github_token: "}, columns: []string{"github_token", "gh_token"},
		value: func(r *rand.Rand) (string, bool) {
			if r.IntN(4) == 0 {
				return "github_pat_" + chars(r, alnum, 22) + "_" + chars(r, alnum, 59), false
			}
			body := chars(r, alnum, 30)
			return pick(r, []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}) + body + githubChecksum(body), false
		}},
	{id: "SLACK_TOKEN", labels: []string{"SLACK_BOT_TOKEN=", "slack token: "}, columns: []string{"slack_token", "bot_token"},
		value: func(r *rand.Rand) (string, bool) {
			switch r.IntN(6) {
			case 0:
				return "xapp-1-A" + chars(r, upperNum, 10) + "-" + digits(r, 13) + "-" + chars(r, hexLower, 64), false
			case 1:
				// Refresh and rotating tokens carry unpadded base64 of
				// "N-1-<ids>-<hex>", which holds letters and digits only.
				ids := digits(r, 13) + "-" + digits(r, 13) + "-" + digits(r, 13) + "-" + chars(r, hexLower, 64)
				prefix := pick(r, []string{"xoxe-", "xoxe.xoxp-", "xoxe.xoxb-"})
				return prefix + "1-" + base64.RawStdEncoding.EncodeToString([]byte("2-1-"+ids)), false
			case 2, 3:
				return "xoxb-" + digits(r, 12) + "-" + digits(r, 13) + "-" + chars(r, alnum, 24), false
			}
			return pick(r, []string{"xoxp-", "xoxa-", "xoxs-"}) + digits(r, 12) + "-" + digits(r, 12) + "-" + digits(r, 13) + "-" + chars(r, hexLower, 32), false
		}},
	{id: "SLACK_WEBHOOK_URL", labels: []string{"webhook: ", "SLACK_WEBHOOK_URL="}, columns: []string{"slack_webhook_url", "webhook"},
		value: func(r *rand.Rand) (string, bool) {
			return "https://hooks.slack.com/services/T" + chars(r, upperNum, 8+r.IntN(3)) + "/B" + chars(r, upperNum, 8+r.IntN(3)) + "/" + chars(r, alnum, 24), false
		}},
	{id: "STRIPE_SECRET_KEY", labels: []string{"STRIPE_SECRET_KEY=", "stripe.api_key = ", "secret: "}, columns: []string{"stripe_secret_key", "stripe_key"},
		value: func(r *rand.Rand) (string, bool) {
			n := 24
			if r.IntN(2) == 0 {
				n = 99
			}
			return pick(r, []string{"sk_live_", "sk_live_", "rk_live_"}) + chars(r, alnum, n), false
		}},
	{id: "GOOGLE_API_KEY", labels: []string{"GOOGLE_API_KEY=", "key=", "apiKey: "}, columns: []string{"google_api_key", "maps_api_key"},
		value: func(r *rand.Rand) (string, bool) {
			return "AIzaSy" + chars(r, alnum+"-_", 32) + chars(r, alnum, 1), false
		}},
	{id: "DATABASE_URL_WITH_PASSWORD", labels: []string{"DATABASE_URL=", "dsn: ", "connecting to "}, columns: []string{"database_url", "dsn", "connection_string"},
		value: func(r *rand.Rand) (string, bool) {
			scheme := pick(r, []string{"postgres", "postgresql", "mysql", "mongodb", "mongodb+srv", "redis", "amqp", "amqps", "mariadb"})
			user := pick(r, []string{"app", "admin", "reporting", "svc_billing", "root", "etl"})
			if scheme == "redis" && r.IntN(2) == 0 {
				user = ""
			}
			return scheme + "://" + user + ":" + password(r) + "@" + pick(r, hosts), false
		}},

	// Financial
	{id: "CREDIT_CARD_NUMBER", labels: []string{"card: ", "card number ", "pan=", "Visa "}, columns: []string{"card_number", "credit_card", "pan", "cc_number"},
		value: func(r *rand.Rand) (string, bool) {
			p := cardPAN(r)
			switch r.IntN(4) {
			case 0:
				if len(p) == 16 {
					return groupDigits(p, " ", 4, 4, 4), false
				}
				if len(p) == 15 {
					return groupDigits(p, " ", 4, 6), false
				}
			case 1:
				if len(p) == 16 {
					return groupDigits(p, "-", 4, 4, 4), false
				}
			}
			return p, false
		}},
	{id: "CARD_TRACK_DATA", labels: []string{"swipe: ", "track=", ""}, columns: []string{"track_data", "track2"},
		value: func(r *rand.Rand) (string, bool) {
			pan := cardPAN(r)
			exp := fmt.Sprintf("%02d%02d", 26+r.IntN(8), 1+r.IntN(12))
			svc := pick(r, []string{"101", "201", "121", "221"})
			if r.IntN(2) == 0 {
				n := strings.ToUpper(pick(r, lastNames) + "/" + pick(r, firstNames))
				return "%B" + pan + "^" + n + "^" + exp + svc + digits(r, 12) + "?", false
			}
			return ";" + pan + "=" + exp + svc + digits(r, 10) + "?", false
		}},
	{id: "CARD_CVV", required: true, labels: []string{"CVV: ", "cvv=", "CVC2 ", "security code: "}, columns: []string{"cvv", "card_cvv", "cvc"},
		value: func(r *rand.Rand) (string, bool) {
			if r.IntN(6) == 0 {
				return digits(r, 4), false
			}
			return digits(r, 3), false
		}},
	{id: "CARD_EXPIRY", required: true, labels: []string{"exp: ", "expiry=", "Expiration date: ", "valid thru "}, columns: []string{"exp", "card_expiry", "expiration_date", "exp_date"},
		value: func(r *rand.Rand) (string, bool) {
			m, y := 1+r.IntN(12), 26+r.IntN(8)
			switch r.IntN(4) {
			case 0:
				return fmt.Sprintf("%02d/20%02d", m, y), false
			case 1:
				return fmt.Sprintf("%02d-%02d", m, y), false
			}
			return fmt.Sprintf("%02d/%02d", m, y), false
		}},
	{id: "IBAN", labels: []string{"IBAN: ", "iban=", "account "}, columns: []string{"iban", "bank_iban"},
		value: func(r *rand.Rand) (string, bool) {
			s := iban(r)
			if r.IntN(2) == 0 {
				return groupIBAN(s), false
			}
			return s, false
		}},
	{id: "US_BANK_ACCOUNT_NUMBER", required: true, labels: []string{"bank account: ", "account number ", "acct no: ", "checking account #"}, columns: []string{"bank_account_number", "account_number", "acct_no"},
		value: func(r *rand.Rand) (string, bool) {
			for {
				v := string(byte('1'+r.IntN(9))) + digits(r, 7+r.IntN(5))
				if distinctCount(v) >= 3 {
					return v, false
				}
			}
		}},
	{id: "ABA_ROUTING_NUMBER", required: true, labels: []string{"routing number: ", "ABA ", "rtn="}, columns: []string{"routing_number", "aba_routing", "aba"},
		value: func(r *rand.Rand) (string, bool) { return aba(r), false }},
	{id: "SWIFT_BIC", required: true, labels: []string{"BIC: ", "SWIFT code: ", "swift="}, columns: []string{"bic", "swift_code", "swift_bic"},
		value: func(r *rand.Rand) (string, bool) {
			cc := pick(r, []string{"DE", "FR", "GB", "US", "CH", "NL", "IT", "ES", "JP", "SG", "AU", "CA", "BE", "SE"})
			loc := chars(r, upper+"23456789", 1) + chars(r, upper[:14]+upper[15:]+"123456789", 1)
			branch := ""
			switch r.IntN(3) {
			case 0:
				branch = "XXX"
			case 1:
				branch = chars(r, upper[:23], 1) + chars(r, upperNum, 2)
			}
			return chars(r, upper, 4) + cc + loc + branch, false
		}},

	// Personal
	{id: "US_SSN", labels: []string{"SSN: ", "ssn=", "social security number "}, columns: []string{"ssn", "social_security_number", "customer_ssn"},
		value: func(r *rand.Rand) (string, bool) {
			d := ssn(r)
			switch r.IntN(4) {
			case 0:
				return d, true
			case 1:
				return groupDigits(d, " ", 3, 2), false
			}
			return groupDigits(d, "-", 3, 2), false
		}},
	{id: "US_ITIN", labels: []string{"ITIN: ", "itin="}, columns: []string{"itin", "taxpayer_itin"},
		value: func(r *rand.Rand) (string, bool) {
			groups := []int{50, 55, 60, 65, 70, 75, 78, 80, 85, 88, 90, 91, 92, 94, 95, 99}
			d := fmt.Sprintf("9%02d%02d%04d", r.IntN(100), pick(r, groups), r.IntN(10000))
			if r.IntN(4) == 0 {
				return d, true
			}
			return groupDigits(d, "-", 3, 2), false
		}},
	{id: "US_PASSPORT", required: true, labels: []string{"passport: ", "passport number ", "Passport No. "}, columns: []string{"passport_number", "passport_no", "passport"},
		value: func(r *rand.Rand) (string, bool) {
			for {
				v := digits(r, 9)
				if r.IntN(3) == 0 {
					v = chars(r, upper, 1) + digits(r, 8)
				}
				if distinctCount(v) >= 4 {
					return v, false
				}
			}
		}},
	{id: "US_DRIVERS_LICENSE", required: true, labels: []string{"driver's license: ", "DL# ", "drivers license number "}, columns: []string{"drivers_license", "dl_number", "driver_license_no"},
		value: func(r *rand.Rand) (string, bool) {
			switch r.IntN(5) {
			case 0:
				return chars(r, upper, 1) + digits(r, 7), false
			case 1:
				return chars(r, upper, 1) + digits(r, 12), false
			case 2:
				return string(byte('1'+r.IntN(9))) + digits(r, 8), false
			case 3:
				return chars(r, upper, 2) + digits(r, 6), false
			}
			d := digits(r, 12)
			return chars(r, upper, 1) + d[:3] + "-" + d[3:6] + "-" + d[6:8] + "-" + d[8:11] + "-" + d[11:], false
		}},
	{id: "EMAIL_ADDRESS", labels: []string{"email: ", "contact ", "mailto:"}, columns: []string{"email", "email_address", "contact_email"},
		value: func(r *rand.Rand) (string, bool) {
			f, l := pick(r, firstNames), pick(r, lastNames)
			local := pick(r, []string{f + "." + l, f + l[:1], f[:1] + l, f + "_" + l + fmt.Sprint(r.IntN(100)), f + "+billing"})
			return local + "@" + pick(r, domains), false
		}},
	{id: "US_PHONE_NUMBER", labels: []string{"phone: ", "tel ", "mobile="}, columns: []string{"phone", "phone_number", "mobile"},
		value: func(r *rand.Rand) (string, bool) {
			d := nanp(r)
			switch r.IntN(7) {
			case 0:
				return "(" + d[:3] + ") " + d[3:6] + "-" + d[6:], false
			case 1:
				return groupDigits(d, "-", 3, 3), false
			case 2:
				return groupDigits(d, ".", 3, 3), false
			case 3:
				return "+1 " + groupDigits(d, " ", 3, 3), false
			case 4:
				return "+1" + d, false
			case 5:
				return groupDigits(d, " ", 3, 3), true
			}
			return d, true
		}},
	{id: "PHONE_NUMBER_E164", labels: []string{"phone: ", "tel ", "whatsapp="}, columns: []string{"phone", "mobile", "msisdn"},
		value: func(r *rand.Rand) (string, bool) {
			c := pick(r, e164Countries)
			nat := string(byte('1'+r.IntN(9))) + digits(r, c.n-1)
			if r.IntN(3) == 0 {
				return "+" + c.cc + nat, false
			}
			return "+" + c.cc + " " + groupDigits(nat, " ", c.groups...), false
		}},
	{id: "DATE_OF_BIRTH", required: true, labels: []string{"DOB: ", "date of birth: ", "born ", "birthdate="}, columns: []string{"dob", "date_of_birth", "birth_date", "birthdate"},
		value: func(r *rand.Rand) (string, bool) { return dobText(r, randomDate(r, 1930, 2010)), false }},
	{id: "IPV4_ADDRESS", required: true, labels: []string{"client_ip=", "ip: ", "remote_addr=", "src="}, columns: []string{"ip_address", "client_ip", "last_login_ip"},
		value: func(r *rand.Rand) (string, bool) {
			return fmt.Sprintf("%d.%d.%d.%d", 1+r.IntN(223), r.IntN(256), r.IntN(256), 1+r.IntN(254)), false
		}},
	{id: "IPV6_ADDRESS", required: true, labels: []string{"client_ip=", "ip: ", "ipv6 "}, columns: []string{"ip_address", "client_ipv6"},
		value: func(r *rand.Rand) (string, bool) {
			g := func() string { return fmt.Sprintf("%x", r.IntN(0x10000)) }
			switch r.IntN(3) {
			case 0:
				return fmt.Sprintf("2001:db8:%s:%s::%s", g(), g(), g()), false
			case 1:
				return fmt.Sprintf("fe80::%s:%s:%s:%s", g(), g(), g(), g()), false
			}
			return fmt.Sprintf("2a02:%04x:%s:%s:%s:%s:%s:%s", r.IntN(0x10000), g(), g(), g(), g(), g(), g()), false
		}},
	{id: "VIN", labels: []string{"VIN: ", "vehicle ", "chassis "}, columns: []string{"vin", "vehicle_vin"},
		value: func(r *rand.Rand) (string, bool) { return vin(r), false }},
	{id: "UK_NINO", labels: []string{"NINO: ", "national insurance number "}, columns: []string{"nino", "ni_number"},
		value: func(r *rand.Rand) (string, bool) {
			for {
				p := chars(r, "ABCEGHJKLMNOPRSTWXYZ", 1) + chars(r, "ABCEGHJKLMNPRSTWXYZ", 1)
				switch p {
				case "BG", "GB", "KN", "NK", "NT", "TN", "ZZ":
					continue
				}
				d, s := digits(r, 6), chars(r, "ABCD", 1)
				if r.IntN(2) == 0 {
					return p + " " + d[:2] + " " + d[2:4] + " " + d[4:] + " " + s, false
				}
				return p + d + s, false
			}
		}},
	{id: "CA_SIN", required: true, labels: []string{"SIN: ", "social insurance number "}, columns: []string{"sin", "social_insurance_number"},
		value: func(r *rand.Rand) (string, bool) {
			body := string("12345679"[r.IntN(8)]) + digits(r, 7)
			d := body + string(luhnDigit(body))
			switch r.IntN(3) {
			case 0:
				return groupDigits(d, " ", 3, 3), false
			case 1:
				return groupDigits(d, "-", 3, 3), false
			}
			return d, false
		}},
	{id: "IN_AADHAAR", labels: []string{"Aadhaar: ", "aadhaar no "}, columns: []string{"aadhaar", "aadhaar_number"},
		value: func(r *rand.Rand) (string, bool) {
			body := string(byte('2'+r.IntN(8))) + digits(r, 10)
			d := body + string(verhoeffDigit(body))
			switch r.IntN(3) {
			case 0:
				return d, true
			case 1:
				return groupDigits(d, "-", 4, 4), false
			}
			return groupDigits(d, " ", 4, 4), false
		}},
	{id: "IN_PAN", required: true, labels: []string{"PAN: ", "PAN number "}, columns: []string{"pan_number", "income_tax_pan"},
		value: func(r *rand.Rand) (string, bool) {
			return chars(r, upper, 3) + chars(r, "PCHFATBLJG", 1) + chars(r, upper, 1) + fmt.Sprintf("%04d", 1+r.IntN(9999)) + chars(r, upper, 1), false
		}},
	{id: "BR_CPF", labels: []string{"CPF: ", "cpf "}, columns: []string{"cpf"},
		value: func(r *rand.Rand) (string, bool) {
			d := digits(r, 9)
			for k := 9; k <= 10; k++ {
				sum := 0
				for i := 0; i < k; i++ {
					sum += int(d[i]-'0') * (k + 1 - i)
				}
				d += string(byte('0' + (sum*10)%11%10))
			}
			if r.IntN(3) == 0 {
				return d, true
			}
			return d[:3] + "." + d[3:6] + "." + d[6:9] + "-" + d[9:], false
		}},
	{id: "ES_DNI", labels: []string{"DNI: ", "NIF "}, columns: []string{"dni", "nif_dni"},
		value: func(r *rand.Rand) (string, bool) {
			n := 10000000 + r.IntN(90000000)
			return fmt.Sprintf("%08d%c", n, "TRWAGMYFPDXBNJZSQVHLCKE"[n%23]), false
		}},
	{id: "ES_NIE", labels: []string{"NIE: ", "nie "}, columns: []string{"nie"},
		value: func(r *rand.Rand) (string, bool) {
			lead, n := r.IntN(3), r.IntN(10000000)
			return fmt.Sprintf("%c%07d%c", "XYZ"[lead], n, "TRWAGMYFPDXBNJZSQVHLCKE"[(lead*10000000+n)%23]), false
		}},
	{id: "AU_TFN", required: true, labels: []string{"TFN: ", "tax file number "}, columns: []string{"tfn", "tax_file_number"},
		value: func(r *rand.Rand) (string, bool) {
			for {
				d := digits(r, 9)
				if weighted(d, 1, 4, 3, 7, 5, 8, 6, 9, 10)%11 == 0 && distinctCount(d) >= 3 {
					if r.IntN(2) == 0 {
						return groupDigits(d, " ", 3, 3), false
					}
					return d, false
				}
			}
		}},
	{id: "FR_INSEE_NIR", labels: []string{"NIR: ", "numéro de sécurité sociale : ", "INSEE "}, columns: []string{"nir", "numero_securite_sociale", "insee"},
		value: func(r *rand.Rand) (string, bool) {
			dt := randomDate(r, 1940, 2005)
			dep := fmt.Sprintf("%02d", 1+r.IntN(95))
			body := fmt.Sprintf("%c%02d%02d%s%03d%03d", "12341278"[r.IntN(8)], dt.y%100, dt.m, dep, 1+r.IntN(999), 1+r.IntN(999))
			key := fmt.Sprintf("%02d", 97-mod97(body))
			if r.IntN(3) == 0 {
				return body + key, true
			}
			return body[:1] + " " + body[1:3] + " " + body[3:5] + " " + body[5:7] + " " + body[7:10] + " " + body[10:13] + " " + key, false
		}},
	{id: "DE_TAX_ID", required: true, labels: []string{"Steuer-ID: ", "Steueridentifikationsnummer ", "IdNr "}, columns: []string{"steuer_id", "steueridentifikationsnummer", "idnr"},
		value: func(r *rand.Rand) (string, bool) {
			d := deTaxID(r)
			if r.IntN(3) == 0 {
				return groupDigits(d, " ", 2, 3, 3), false
			}
			return d, false
		}},
	{id: "IT_FISCAL_CODE", labels: []string{"codice fiscale: ", "CF "}, columns: []string{"codice_fiscale", "cf"},
		value: func(r *rand.Rand) (string, bool) { return itFiscal(r), false }},
	{id: "NL_BSN", required: true, labels: []string{"BSN: ", "burgerservicenummer "}, columns: []string{"bsn", "burgerservicenummer"},
		value: func(r *rand.Rand) (string, bool) {
			for {
				d := string(byte('1'+r.IntN(9))) + digits(r, 8)
				if (weighted(d, 9, 8, 7, 6, 5, 4, 3, 2)-int(d[8]-'0'))%11 == 0 && distinctCount(d) >= 3 {
					return d, false
				}
			}
		}},
	{id: "BE_NATIONAL_NUMBER", labels: []string{"rijksregisternummer: ", "numéro national "}, columns: []string{"rijksregisternummer", "national_number", "insz"},
		value: func(r *rand.Rand) (string, bool) {
			dt := randomDate(r, 1940, 2010)
			body := yymmdd(dt) + fmt.Sprintf("%03d", 1+r.IntN(997))
			base := body
			if dt.y >= 2000 {
				base = "2" + body
			}
			d := body + fmt.Sprintf("%02d", 97-mod97(base))
			if r.IntN(3) == 0 {
				return d, true
			}
			return d[:2] + "." + d[2:4] + "." + d[4:6] + "-" + d[6:9] + "." + d[9:], false
		}},
	{id: "PL_PESEL", required: true, labels: []string{"PESEL: ", "pesel "}, columns: []string{"pesel"},
		value: func(r *rand.Rand) (string, bool) {
			dt := randomDate(r, 1930, 2015)
			m := dt.m
			if dt.y >= 2000 {
				m += 20
			}
			body := fmt.Sprintf("%02d%02d%02d", dt.y%100, m, dt.d) + digits(r, 4)
			return body + string(byte('0'+(10-weighted(body, 1, 3, 7, 9, 1, 3, 7, 9, 1, 3)%10)%10)), false
		}},
	{id: "SE_PERSONNUMMER", labels: []string{"personnummer: ", "personnr "}, columns: []string{"personnummer"},
		value: func(r *rand.Rand) (string, bool) {
			dt := randomDate(r, 1930, 2015)
			body := yymmdd(dt) + digits(r, 3)
			ten := body + string(luhnDigit(body))
			switch r.IntN(3) {
			case 0:
				return fmt.Sprintf("%04d", dt.y) + ten[2:6] + "-" + ten[6:], false
			case 1:
				return ten[:6] + "-" + ten[6:], true
			}
			return ten, true
		}},
	{id: "FI_HETU", labels: []string{"HETU: ", "henkilötunnus "}, columns: []string{"hetu", "henkilotunnus"},
		value: func(r *rand.Rand) (string, bool) {
			dt := randomDate(r, 1930, 2015)
			sign := byte('-')
			switch {
			case dt.y >= 2000:
				sign = "ABCDEF"[r.IntN(6)]
			case r.IntN(4) == 0:
				sign = "UVWXY"[r.IntN(5)]
			}
			n := 2 + r.IntN(898)
			dm := ddmmyy(dt)
			q := (atoi(dm)*1000 + n) % 31
			check := "0123456789ABCDEFHJKLMNPRSTUVWXY"[q]
			weak := (sign == '-' || sign == '+') && check >= '0' && check <= '9'
			return fmt.Sprintf("%s%c%03d%c", dm, sign, n, check), weak
		}},
	{id: "DK_CPR", required: true, labels: []string{"CPR: ", "CPR-nr. "}, columns: []string{"cpr", "cpr_nummer"},
		value: func(r *rand.Rand) (string, bool) {
			dt := randomDate(r, 1937, 1999)
			serial := string("0123"[r.IntN(4)]) + digits(r, 3)
			if r.IntN(3) == 0 {
				return ddmmyy(dt) + serial, false
			}
			return ddmmyy(dt) + "-" + serial, false
		}},
	{id: "PT_NIF", required: true, labels: []string{"NIF: ", "contribuinte n.º "}, columns: []string{"nif", "numero_contribuinte"},
		value: func(r *rand.Rand) (string, bool) {
			for {
				prefix := pick(r, []string{"1", "2", "3", "45", "5", "6", "70", "71", "72", "74", "75", "77", "78", "79", "90", "91", "98", "99"})
				body := prefix + digits(r, 8-len(prefix))
				c := 11 - weighted(body, 9, 8, 7, 6, 5, 4, 3, 2)%11
				if c >= 10 {
					c = 0
				}
				d := body + string(byte('0'+c))
				if distinctCount(d) >= 3 {
					return d, false
				}
			}
		}},
	{id: "IE_PPSN", labels: []string{"PPSN: ", "PPS number "}, columns: []string{"ppsn", "pps_number"},
		value: func(r *rand.Rand) (string, bool) {
			d := digits(r, 7)
			sum := weighted(d, 8, 7, 6, 5, 4, 3, 2)
			second := ""
			if r.IntN(3) == 0 {
				second = "A"
				sum += 9
			}
			return d + string("WABCDEFGHIJKLMNOPQRSTUV"[sum%23]) + second, false
		}},
	{id: "AT_SVNR", required: true, labels: []string{"SVNR: ", "Sozialversicherungsnummer "}, columns: []string{"svnr", "sozialversicherungsnummer"},
		value: func(r *rand.Rand) (string, bool) {
			for {
				serial := string(byte('1'+r.IntN(9))) + digits(r, 2)
				dm := ddmmyy(randomDate(r, 1930, 2015))
				sum := weighted(serial, 3, 7, 9) + weighted(dm, 5, 8, 4, 2, 1, 6)
				if sum%11 == 10 {
					continue
				}
				d := serial + string(byte('0'+sum%11))
				if r.IntN(2) == 0 {
					return d + " " + dm, false
				}
				return d + dm, false
			}
		}},
	{id: "GR_AMKA", required: true, labels: []string{"AMKA: ", "amka "}, columns: []string{"amka"},
		value: func(r *rand.Rand) (string, bool) {
			body := ddmmyy(randomDate(r, 1930, 2015)) + digits(r, 4)
			return body + string(luhnDigit(body)), false
		}},
	{id: "RO_CNP", required: true, labels: []string{"CNP: ", "cnp "}, columns: []string{"cnp"},
		value: func(r *rand.Rand) (string, bool) {
			dt := randomDate(r, 1930, 2015)
			s := "12"[r.IntN(2)]
			if dt.y >= 2000 {
				s = "56"[r.IntN(2)]
			}
			body := string(s) + yymmdd(dt) + fmt.Sprintf("%02d", 1+r.IntN(46)) + digits(r, 3)
			c := weighted(body, 2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9) % 11
			if c == 10 {
				c = 1
			}
			return body + string(byte('0'+c)), false
		}},
	{id: "BG_EGN", required: true, labels: []string{"EGN: ", "egn "}, columns: []string{"egn"},
		value: func(r *rand.Rand) (string, bool) {
			dt := randomDate(r, 1930, 2015)
			m := dt.m
			if dt.y >= 2000 {
				m += 40
			}
			body := fmt.Sprintf("%02d%02d%02d", dt.y%100, m, dt.d) + digits(r, 3)
			c := weighted(body, 2, 4, 8, 5, 10, 9, 7, 3, 6) % 11
			if c == 10 {
				c = 0
			}
			return body + string(byte('0'+c)), false
		}},
	{id: "CZ_BIRTH_NUMBER", labels: []string{"rodné číslo: ", "birth number "}, columns: []string{"rodne_cislo", "birth_number"},
		value: func(r *rand.Rand) (string, bool) {
			for {
				dt := randomDate(r, 1954, 2015)
				m := dt.m
				if r.IntN(2) == 0 {
					m += 50
				}
				body := fmt.Sprintf("%02d%02d%02d", dt.y%100, m, dt.d) + digits(r, 3)
				// body*10 + c ≡ 0 (mod 11) ⇔ c ≡ body (mod 11)
				c := atoi(body) % 11
				if c == 10 {
					continue
				}
				d := body + string(byte('0'+c))
				if r.IntN(3) == 0 {
					return d, true
				}
				return d[:6] + "/" + d[6:], false
			}
		}},

	// Health
	{id: "US_NPI", required: true, labels: []string{"NPI: ", "provider NPI "}, columns: []string{"npi", "provider_npi"},
		value: func(r *rand.Rand) (string, bool) {
			body := string("12"[r.IntN(2)]) + digits(r, 8)
			return body + string(luhnDigit("80840"+body)), false
		}},
	{id: "US_MBI", labels: []string{"MBI: ", "Medicare ID "}, columns: []string{"mbi", "medicare_beneficiary_id"},
		value: func(r *rand.Rand) (string, bool) {
			const a = "ACDEFGHJKMNPQRTUVWXY"
			const an = a + decimal
			s := chars(r, "123456789", 1) + chars(r, a, 1) + chars(r, an, 1) + digits(r, 1) + chars(r, a, 1) + chars(r, an, 1) + digits(r, 1) + chars(r, a, 2) + digits(r, 2)
			if r.IntN(3) == 0 {
				return s[:4] + "-" + s[4:7] + "-" + s[7:], false
			}
			return s, false
		}},
	{id: "US_DEA_NUMBER", required: true, labels: []string{"DEA: ", "DEA# "}, columns: []string{"dea_number", "dea"},
		value: func(r *rand.Rand) (string, bool) {
			for {
				d := digits(r, 6)
				if distinctCount(d) < 3 {
					continue
				}
				c := weighted(d, 1, 2, 1, 2, 1, 2) % 10
				return chars(r, "ABCDFGMPRX", 1) + chars(r, upper, 1) + d + string(byte('0'+c)), false
			}
		}},
	{id: "UK_NHS_NUMBER", required: true, labels: []string{"NHS number: ", "NHS No. "}, columns: []string{"nhs_number", "nhs_no"},
		value: func(r *rand.Rand) (string, bool) {
			for {
				body := digits(r, 9)
				c := 11 - weighted(body, 10, 9, 8, 7, 6, 5, 4, 3, 2)%11
				if c == 11 {
					c = 0
				}
				if c == 10 || distinctCount(body) < 3 {
					continue
				}
				d := body + string(byte('0'+c))
				if r.IntN(3) == 0 {
					return d, false
				}
				return groupDigits(d, " ", 3, 3), false
			}
		}},
	{id: "US_NDC", required: true, labels: []string{"NDC: ", "ndc "}, columns: []string{"ndc", "ndc_code"},
		value: func(r *rand.Rand) (string, bool) {
			lab := string(byte('1' + r.IntN(9)))
			switch r.IntN(4) {
			case 0:
				return lab + digits(r, 3) + "-" + digits(r, 4) + "-" + digits(r, 2), false
			case 1:
				return lab + digits(r, 4) + "-" + digits(r, 3) + "-" + digits(r, 2), false
			case 2:
				return lab + digits(r, 4) + "-" + digits(r, 4) + "-" + digits(r, 1), false
			}
			return lab + digits(r, 4) + "-" + digits(r, 4) + "-" + digits(r, 2), false
		}},
}

// atoi parses a decimal string that the generator made.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
