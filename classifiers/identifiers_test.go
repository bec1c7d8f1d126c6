package classifiers

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	re2 "github.com/wasilibs/go-re2"

	"github.com/cairnsec/cairn/classifiers/internal/corpus"
)

// testKey is the fingerprint key of test engines.
var testKey = []byte("cairn-test-fingerprint-key-0001")

func newTestEngine(tb testing.TB) *Engine {
	tb.Helper()
	e, err := NewEngine(Options{FingerprintKey: testKey})
	if err != nil {
		tb.Fatalf("NewEngine: %v", err)
	}
	return e
}

// TestRegistry guards every entry of the builtin table: unique upper-snake
// ids, complete metadata, bounded patterns, and its own examples.
func TestRegistry(t *testing.T) {
	e := newTestEngine(t)
	// The go-re2 side (the fallback path) is compiled on first use; every
	// builtin pattern must compile there too.
	if err := e.reg.goRE2(); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, id := range builtin {
		t.Run(id.ID, func(t *testing.T) {
			if seen[id.ID] {
				t.Errorf("duplicate id %s", id.ID)
			}
			seen[id.ID] = true
			if !isUpperSnake(id.ID) {
				t.Errorf("id %q is not upper-snake", id.ID)
			}
			if id.Name == "" || id.Description == "" || id.Checks == "" || id.Category == "" {
				t.Errorf("missing Name, Description, Checks or Category")
			}
			switch id.Category {
			case CategoryCredentials, CategoryFinancial, CategoryPersonal, CategoryHealth:
			default:
				t.Errorf("unknown category %q", id.Category)
			}
			if id.Redact == nil {
				t.Errorf("no Redact function")
			}
			if _, w, err := parsePattern(id.Pattern); err != nil || w > maxPatternWidth {
				t.Errorf("pattern width %d, err %v; want bounded by %d", w, err, maxPatternWidth)
			}
			if len(id.Examples) == 0 || len(id.NonExamples) == 0 {
				t.Errorf("need at least one Example and one NonExample")
			}
			for _, ex := range id.Examples {
				ms := e.Scan([]byte(ex), "")
				found := false
				for _, m := range ms {
					if m.Identifier != id.ID {
						t.Errorf("example %q: also found %s at %d:%d", ex, m.Identifier, m.Start, m.End)
						continue
					}
					found = true
				}
				if !found {
					t.Errorf("example %q: %s not found", ex, id.ID)
				}
			}
			for _, nex := range id.NonExamples {
				for _, m := range e.Scan([]byte(nex), "") {
					if m.Identifier == id.ID {
						t.Errorf("non-example %q: found %s %q (%s)", nex, m.Identifier, m.Redacted, m.Confidence)
					}
				}
			}
		})
	}
}

// TestIdentifiersSorted checks that Identifiers lists every builtin
// identifier once, sorted by ID.
func TestIdentifiersSorted(t *testing.T) {
	infos := newTestEngine(t).Identifiers()
	if len(infos) != len(builtin) {
		t.Fatalf("Identifiers() has %d entries, builtin %d", len(infos), len(builtin))
	}
	for i := 1; i < len(infos); i++ {
		if strings.Compare(infos[i-1].ID, infos[i].ID) >= 0 {
			t.Errorf("Identifiers() not sorted: %s before %s", infos[i-1].ID, infos[i].ID)
		}
	}
}

// TestCompileRegistryRejects checks that a malformed table entry is an
// error, not a silently broken engine.
func TestCompileRegistryRejects(t *testing.T) {
	good := identifier{ID: "X_ID", Name: "x", Category: CategoryPersonal, Pattern: `\bx\b`, Redact: redactLength}
	tests := []struct {
		name   string
		mutate func(*identifier)
	}{
		{"lower-case id", func(id *identifier) { id.ID = "x_id" }},
		{"double underscore", func(id *identifier) { id.ID = "X__ID" }},
		{"bad pattern", func(id *identifier) { id.Pattern = `(` }},
		{"unbounded pattern", func(id *identifier) { id.Pattern = `x+` }},
		{"too wide pattern", func(id *identifier) { id.Pattern = `x{600}` }},
		{"no redact", func(id *identifier) { id.Redact = nil }},
		{"keyword required without keywords", func(id *identifier) { id.KeywordRequired = true }},
		{"keyword distance too long", func(id *identifier) { id.KeywordDistance = maxKeywordDistance + 1 }},
		{"empty keyword", func(id *identifier) { id.Keywords = []string{"--"} }},
	}
	if _, err := compileRegistry([]identifier{good}); err != nil {
		t.Fatalf("good table: %v", err)
	}
	if _, err := compileRegistry([]identifier{good, good}); err == nil {
		t.Error("duplicate ids accepted")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := good
			tt.mutate(&id)
			_, err := compileRegistry([]identifier{id})
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.HasPrefix(err.Error(), "classifiers: ") {
				t.Errorf("error %q lacks the classifiers: prefix", err)
			}
		})
	}
}

// TestKeywordGate checks that the set's keyword gate fires on every
// spelling the keyword check accepts, so gating never hides a match.
func TestKeywordGate(t *testing.T) {
	for _, id := range builtin {
		if !id.KeywordRequired {
			continue
		}
		var kws [][]byte
		for _, kw := range id.Keywords {
			kws = append(kws, wordForm(kw))
		}
		gate, err := re2.Compile(keywordGate(kws))
		if err != nil {
			t.Fatalf("%s: gate does not compile: %v", id.ID, err)
		}
		for _, kw := range id.Keywords {
			words := strings.Fields(string(wordForm(kw)))
			title := make([]string, len(words))
			for i, w := range words {
				title[i] = strings.ToUpper(w[:1]) + w[1:]
			}
			spellings := []string{
				strings.Join(words, "_"),
				strings.ToUpper(strings.Join(words, "_")),
				strings.Join(words, "-"),
				strings.Join(words, " \t "),
				strings.Join(words, "\u00a0"),
				strings.Join(words, "\xa0"),              // Latin-1, not valid UTF-8
				strings.Join(words, "\xff\xff\xff\xff "), // a run of invalid bytes
				strings.Join(words, "\u017f"),            // ſ, which folds to s
			}
			// camelCase cannot spell a one-letter word ("driver's
			// license" is "driver s license"; "DriverSLicense" reads
			// "driver slicense").
			if !slices.ContainsFunc(words, func(w string) bool { return len(w) == 1 }) {
				spellings = append(spellings, strings.Join(title, ""))
			}
			for _, spelling := range spellings {
				if !gate.Match(new(scanState).setInput([]byte("x " + spelling + " = y"))) {
					t.Errorf("%s: gate misses %q", id.ID, spelling)
				}
				if !containsAnyWord(appendWords(nil, []byte("x "+spelling+" = y")), kws) {
					t.Errorf("%s: keyword check misses %q", id.ID, spelling)
				}
			}
		}
	}
}

// TestConfidenceRules checks the confidence rules on generated values of
// every identifier: alone, a keyword-required identifier is not reported,
// a structured one is HIGH and a validated one MEDIUM; a weak form (bare
// digits) is not reported alone; with a column name that holds a keyword,
// every value is HIGH.
func TestConfidenceRules(t *testing.T) {
	e := newTestEngine(t)
	for _, id := range builtin {
		t.Run(id.ID, func(t *testing.T) {
			cols := corpus.Columns(id.ID)
			if len(cols) == 0 {
				t.Fatalf("the corpus generator has no columns for %s", id.ID)
			}
			for seed := uint64(1); seed <= 40; seed++ {
				v, weak, ok := corpus.Value(seed, id.ID)
				if !ok {
					t.Fatalf("the corpus generator does not know %s", id.ID)
				}
				alone := find(e.Scan([]byte(v), ""), id.ID)
				var want Confidence
				switch {
				case id.KeywordRequired || weak:
				case id.Structured:
					want = ConfidenceHigh
				default:
					want = ConfidenceMedium
				}
				if want == "" && len(alone) != 0 {
					t.Errorf("%q alone: found %s %s, want nothing without a keyword", v, alone[0].Confidence, alone[0].Redacted)
				}
				if want != "" && (len(alone) != 1 || alone[0].Confidence != want) {
					t.Errorf("%q alone: %d matches %v, want one %s", v, len(alone), alone, want)
				}
				col := cols[int(seed)%len(cols)]
				inCol := find(e.Scan([]byte(v), col), id.ID)
				if len(inCol) != 1 || inCol[0].Confidence != ConfidenceHigh {
					t.Errorf("%q in column %q: %d matches %v, want one HIGH", v, col, len(inCol), inCol)
				}
			}
		})
	}
}

// TestFieldHints checks that column names and JSON paths label values
// through the field argument, in the spellings readers produce.
func TestFieldHints(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		value, field, id string
	}{
		{"536224081", "customer.ssn", "US_SSN"},
		{"536224081\n372841935", "customers[].ssn", "US_SSN"},
		{"1985-03-12", "dob", "DATE_OF_BIRTH"},
		{"12/03/1985", "DateOfBirth", "DATE_OF_BIRTH"},
		{"DE89370400440532013000", "iban", "IBAN"},
		{"520194873", "customers[].passport_number", "US_PASSPORT"},
		{"203.0.113.42", "client_ip", "IPV4_ADDRESS"},
		{"2001:db8::8a2e:370:7334", "remote_addr", "IPV6_ADDRESS"},
		{"123", "card_cvv", "CARD_CVV"},
		{"09/27", "exp_date", "CARD_EXPIRY"},
		{"4472918305", "bank_account_number", "US_BANK_ACCOUNT_NUMBER"},
		{"021000021", "routing_number", "ABA_ROUTING_NUMBER"},
		{"DEUTDEFF", "swift_bic", "SWIFT_BIC"},
		{"111222333", "bsn", "NL_BSN"},
		{"1234567893", "provider_npi", "US_NPI"},
		{"9434765919", "nhsNumber", "UK_NHS_NUMBER"},
		{"2125550142", "mobile_phone", "US_PHONE_NUMBER"},
		{"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws.SecretAccessKey", "AWS_SECRET_ACCESS_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			if ms := find(e.Scan([]byte(tt.value), ""), tt.id); len(ms) != 0 && tt.id != "IBAN" {
				t.Errorf("without the field: found %d %s, want none", len(ms), tt.id)
			}
			ms := find(e.Scan([]byte(tt.value), tt.field), tt.id)
			if want := strings.Count(tt.value, "\n") + 1; len(ms) != want {
				t.Fatalf("with field %q: %d %s matches, want %d", tt.field, len(ms), tt.id, want)
			}
			for _, m := range ms {
				if m.Confidence != ConfidenceHigh {
					t.Errorf("with field %q: confidence %s, want HIGH", tt.field, m.Confidence)
				}
			}
		})
	}
}

// TestRedactors checks how every identifier's matches are redacted: one
// example each with its exact redacted form, then generated values of
// every identifier, none of which may show its raw value; structured ids
// keep at most four characters and secrets only a length hint.
func TestRedactors(t *testing.T) {
	e := newTestEngine(t)
	examples := []struct{ raw, field, id, want string }{
		{"123456789", "passport", "US_PASSPORT", "******789"},
		{"D5527410", "dl_number", "US_DRIVERS_LICENSE", "******10"},
		{"912-70-1234", "", "US_ITIN", "***-**-1234"},
		{"+44 20 7946 0958", "", "PHONE_NUMBER_E164", "+** ** **** 0958"},
		{"1985-03-12", "dob", "DATE_OF_BIRTH", "****-**-**"},
		{"203.0.113.42", "client_ip", "IPV4_ADDRESS", "***.***.***.42"},
		{"2001:db8:85a3::8a2e:370:7334", "client_ip", "IPV6_ADDRESS", "****:***:****::****:***:7334"},
		{"1M8GDM9AXKP042788", "", "VIN", "*************2788"},
		{"AB123456C", "", "UK_NINO", "******56C"},
		{"2341 2341 2346", "", "IN_AADHAAR", "**** **** 2346"},
		{"123.456.789-09", "", "BR_CPF", "***.***.**9-09"},
		{"RSSMRA85T10A562S", "", "IT_FISCAL_CODE", "************562S"},
		{"1 85 05 78 006 084 91", "", "FR_INSEE_NIR", "* ** ** ** *** *** **"},
		{"123", "cvv", "CARD_CVV", "***"},
		{"09/27", "exp", "CARD_EXPIRY", "**/**"},
		{"%B4526018159083012^LOVELACE/ADA^2712101000000000000000?", "", "CARD_TRACK_DATA", "****(55 chars)"},
		{"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", "", "GITHUB_TOKEN", "ghp_****(36 chars)"},
		{"sk_live_4eC39HqLyjWDarjtT1zdp7dc", "", "STRIPE_SECRET_KEY", "sk_live_****(24 chars)"},
		{"AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", "", "GOOGLE_API_KEY", "AIza****(35 chars)"},
		{"xoxb-263594206564-2343594206574-FGqddMF8t08v8N7Oq4i57vs1", "", "SLACK_TOKEN", "xoxb-****(51 chars)"},
		{"xapp-1-A02BCD3EFGH-2223334445556-30877432d1026706d7e805da846a32c3bb81e3c29b62179273c8eb5bb682575e", "", "SLACK_TOKEN", "xapp-****(92 chars)"},
		{"xoxe.xoxp-1-Mi0xLTEwNTE4MzQ3MzgyOTktNzM3NjMxMTY1NjY3MC0xMDY1MTMzMzg3MjYyLThlNzJlMzEwMjc1ZGZmNmMxNWMwYzhlOWRmNDY5NjExYTExZjUxMjUyMjdjMzcxMmRhODZhNzhjNDllYTIwZTMtMTgzODQyNTEzNQ", "", "SLACK_TOKEN", "xoxe.xoxp-****(164 chars)"},
		{"https://hooks.slack.com/services/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", "", "SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/****(46 chars)"},
		{"postgres://app:s3cr3t-Pa55@db.internal.example.com", "", "DATABASE_URL_WITH_PASSWORD", "postgres://****:****@db.internal.example.com"},
		{"Basic YWxhZGRpbjpvcGVuc2VzYW1l", "", "HTTP_BASIC_AUTH", "Basic ****(24 chars)"},
		{"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", "", "JWT", "eyJ****(152 chars)"},
		{"943 476 5919", "nhs_number", "UK_NHS_NUMBER", "*** *** *919"},
		{"AB1234563", "dea", "US_DEA_NUMBER", "******563"},
		{"19811228-9874", "", "SE_PERSONNUMMER", "********-****"},
		{"131052-308T", "", "FI_HETU", "******-****"},
		{"85.07.30-033.28", "", "BE_NATIONAL_NUMBER", "**.**.**-***.**"},
		{"736028/5163", "", "CZ_BIRTH_NUMBER", "******/****"},
		{"7523169263", "egn", "BG_EGN", "**********"},
	}
	for _, tt := range examples {
		t.Run(tt.id, func(t *testing.T) {
			buf := []byte("value: " + tt.raw + " end")
			ms := find(e.Scan(buf, tt.field), tt.id)
			if len(ms) != 1 {
				t.Fatalf("got %d %s matches, want 1", len(ms), tt.id)
			}
			if got := string(buf[ms[0].Start:ms[0].End]); got != tt.raw {
				t.Errorf("offsets select %q, want %q", got, tt.raw)
			}
			if ms[0].Redacted != tt.want {
				t.Errorf("Redacted = %q, want %q", ms[0].Redacted, tt.want)
			}
		})
	}
	tail := map[string]bool{}
	for _, id := range builtin {
		if reflect.ValueOf(id.Redact).Pointer() == reflect.ValueOf(redactTail).Pointer() ||
			reflect.ValueOf(id.Redact).Pointer() == reflect.ValueOf(redactShape).Pointer() ||
			reflect.ValueOf(id.Redact).Pointer() == reflect.ValueOf(redactBirthDateID).Pointer() {
			tail[id.ID] = true
		}
	}
	for _, id := range builtin {
		cols := corpus.Columns(id.ID)
		for seed := uint64(100); seed < 120; seed++ {
			v, _, _ := corpus.Value(seed, id.ID)
			for _, m := range find(e.Scan([]byte(v), cols[0]), id.ID) {
				raw := v[m.Start:m.End]
				assertNoRawValue(t, m, raw)
				if tail[id.ID] {
					kept := 0
					for i := 0; i < len(m.Redacted); i++ {
						if isAlnum(m.Redacted[i]) {
							kept++
						}
					}
					if kept > 4 {
						t.Errorf("%s: %q keeps %d characters of %q", id.ID, m.Redacted, kept, raw)
					}
				}
				if id.Category == CategoryCredentials && id.ID != "AWS_ACCESS_KEY_ID" && !strings.Contains(m.Redacted, "chars)") && !strings.Contains(m.Redacted, "://****:****@") && !strings.HasSuffix(m.Redacted, " ****") {
					t.Errorf("%s: %q of a secret has no mask", id.ID, m.Redacted)
				}
			}
		}
	}
}

// TestBirthDateIDRedaction checks the redaction rule of national ids whose
// digits are mostly a birth date (redactBirthDateID): whoever knows the
// birth date learns nothing from its masking, so of the other characters
// (serial, check character) the redacted form may show at most one. Each
// value is written with its layout: D a character of the birth date
// (century signs and digits included; for the French NIR also the sex and
// the birthplace, which whoever knows the person knows too), N any other
// letter or digit,
// anything else a separator kept as it is. The table must list every
// identifier that uses redactBirthDateID, and only those.
func TestBirthDateIDRedaction(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		id, field, raw, layout string
	}{
		{"SE_PERSONNUMMER", "", "19811228-9874", "DDDDDDDD-NNNN"},
		{"SE_PERSONNUMMER", "personnummer", "811228-9874", "DDDDDD-NNNN"},
		{"SE_PERSONNUMMER", "personnummer", "8112289874", "DDDDDDNNNN"},
		{"SE_PERSONNUMMER", "personnummer", "198112289874", "DDDDDDDDNNNN"},
		{"FI_HETU", "", "131052-308T", "DDDDDDDNNNN"},
		{"FI_HETU", "", "010594Y899X", "DDDDDDDNNNN"},
		{"FI_HETU", "hetu", "020304-5128", "DDDDDDDNNNN"},
		{"DK_CPR", "cpr", "070761-4285", "DDDDDD-NNNN"},
		{"DK_CPR", "cpr", "2902882134", "DDDDDDNNNN"},
		{"CZ_BIRTH_NUMBER", "", "736028/5163", "DDDDDD/NNNN"},
		{"CZ_BIRTH_NUMBER", "rodne_cislo", "8553121236", "DDDDDDNNNN"},
		{"BG_EGN", "egn", "7523169263", "DDDDDDNNNN"},
		{"BG_EGN", "egn", "0342011236", "DDDDDDNNNN"},
		{"BE_NATIONAL_NUMBER", "", "85.07.30-033.28", "DD.DD.DD-NNN.NN"},
		{"BE_NATIONAL_NUMBER", "rijksregisternummer", "17073003384", "DDDDDDNNNNN"},
		{"PL_PESEL", "pesel", "44051401359", "DDDDDDNNNNN"},
		{"GR_AMKA", "amka", "01018012342", "DDDDDDNNNNN"},
		{"RO_CNP", "cnp", "1800101221144", "DDDDDDDNNNNNN"},
		{"FR_INSEE_NIR", "", "1 85 05 78 006 084 91", "D DD DD DD DDD NNN NN"},
		{"FR_INSEE_NIR", "nir", "269034935012344", "DDDDDDDDDDNNNNN"},
		{"AT_SVNR", "svnr", "1237 010180", "NNNN DDDDDD"},
		{"AT_SVNR", "svnr", "1237010180", "NNNNDDDDDD"},
	}
	listed := map[string]bool{}
	for _, tt := range tests {
		listed[tt.id] = true
		t.Run(tt.id+"/"+tt.raw, func(t *testing.T) {
			if len(tt.layout) != len(tt.raw) {
				t.Fatalf("layout %q does not fit %q", tt.layout, tt.raw)
			}
			ms := find(e.Scan([]byte(tt.raw), tt.field), tt.id)
			if len(ms) != 1 || ms[0].Start != 0 || ms[0].End != len(tt.raw) {
				t.Fatalf("got %v, want one %s match of the whole value", ms, tt.id)
			}
			red := ms[0].Redacted
			revealed := 0
			if len(red) == len(tt.raw) {
				// A redaction in place: count the non-date characters
				// shown where they stand.
				for i := range red {
					if tt.layout[i] == 'N' && red[i] == tt.raw[i] {
						revealed++
					}
				}
			} else {
				// Any other form: count every letter or digit it shows
				// (a length hint aside) as a non-date character.
				shown := strings.TrimSuffix(red, " chars)")
				if i := strings.LastIndexByte(shown, '('); i >= 0 && i < len(shown)-1 && isAllDigits([]byte(shown[i+1:])) {
					shown = shown[:i]
				}
				for i := 0; i < len(shown); i++ {
					if isAlnum(shown[i]) {
						revealed++
					}
				}
			}
			if revealed > 1 {
				t.Errorf("%s redacts %q as %q: %d of its serial and check characters shown, want at most 1", tt.id, tt.raw, red, revealed)
			}
		})
	}
	for _, id := range builtin {
		uses := reflect.ValueOf(id.Redact).Pointer() == reflect.ValueOf(redactBirthDateID).Pointer()
		if uses != listed[id.ID] {
			t.Errorf("%s: uses redactBirthDateID = %v, listed here = %v; keep the two in step", id.ID, uses, listed[id.ID])
		}
	}
}
