package classifiers

import (
	"strings"
	"testing"

	"github.com/cairnsec/cairn/classifiers/internal/corpus"
)

func newCustomEngine(t *testing.T, opts Options) *Engine {
	t.Helper()
	opts.FingerprintKey = testKey
	e, err := NewEngine(opts)
	if err != nil {
		t.Fatalf("NewEngine: %v", err)
	}
	return e
}

func TestCustomIdentifiers(t *testing.T) {
	e := newCustomEngine(t, Options{CustomIdentifiers: []CustomIdentifier{
		{Name: "EMPLOYEE_ID", Regex: `\bEMP-\d{6}\b`, Keywords: []string{"employee"}, Category: CategoryPersonal},
		{Name: "PROJECT_CODE", Regex: `\bPRJ[A-Z]{3}\d{2}\b`, Keywords: []string{"project"}, KeywordRequired: true, MaxDistance: 16, Category: CategoryCredentials},
		{Name: "TICKET", Regex: `\bTKT\d{4}\b`, IgnoreWords: []string{"tkt0000", "9999"}, Category: CategoryPersonal, Severity: "high"},
	}})
	tests := []struct {
		text, field, id string
		want            Confidence // "" means no match
	}{
		{"badge EMP-123456 issued", "", "EMPLOYEE_ID", ConfidenceLow},
		{"employee: EMP-123456", "", "EMPLOYEE_ID", ConfidenceMedium},
		{"EMP-123456", "employee_id", "EMPLOYEE_ID", ConfidenceMedium},
		{"XEMP-123456", "", "EMPLOYEE_ID", ""},
		{"project PRJABC12", "", "PROJECT_CODE", ConfidenceMedium},
		{"PRJABC12", "", "PROJECT_CODE", ""},
		{"project " + strings.Repeat("x", 20) + " PRJABC12", "", "PROJECT_CODE", ""},
		{"PRJABC12", "ProjectCode", "PROJECT_CODE", ConfidenceMedium},
		{"ticket TKT1234", "", "TICKET", ConfidenceHigh},
		{"ticket TKT0000", "", "TICKET", ""},
		{"ticket tkt9999", "", "TICKET", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			ms := find(e.Scan([]byte(tt.text), tt.field), tt.id)
			if tt.want == "" {
				if len(ms) != 0 {
					t.Errorf("got %d matches, want none", len(ms))
				}
				return
			}
			if len(ms) != 1 || ms[0].Confidence != tt.want {
				t.Fatalf("got %+v, want one %s match", ms, tt.want)
			}
			if !strings.HasPrefix(ms[0].Redacted, "****(") {
				t.Errorf("redacted %q", ms[0].Redacted)
			}
		})
	}
	// Custom identifiers are listed, and the builtin ones still work.
	found := false
	for _, info := range e.Identifiers() {
		found = found || info.ID == "PROJECT_CODE" && info.KeywordRequired && info.Category == CategoryCredentials
	}
	if !found {
		t.Error("PROJECT_CODE not listed by Identifiers")
	}
	v, _, _ := corpus.Value(3, "EMAIL_ADDRESS")
	if len(find(e.Scan([]byte("mail "+v), ""), "EMAIL_ADDRESS")) != 1 {
		t.Error("builtin identifier lost with custom identifiers")
	}
}

func TestCustomIdentifierErrors(t *testing.T) {
	ok := CustomIdentifier{Name: "MY_ID", Regex: `\bMY\d{4}\b`, Category: CategoryPersonal}
	tests := []struct {
		name   string
		mutate func(*CustomIdentifier)
		reason string
	}{
		{"bad regex", func(c *CustomIdentifier) { c.Regex = `(\d` }, "bad regex"},
		{"empty regex", func(c *CustomIdentifier) { c.Regex = " " }, "empty regex"},
		{"empty match", func(c *CustomIdentifier) { c.Regex = `\d{0,4}` }, "matches the empty string"},
		{"unbounded", func(c *CustomIdentifier) { c.Regex = `MY\d+` }, "unbounded"},
		{"too wide", func(c *CustomIdentifier) { c.Regex = `MY\d{600}` }, "limit"},
		{"lower-case name", func(c *CustomIdentifier) { c.Name = "my_id" }, "upper-snake"},
		{"builtin name", func(c *CustomIdentifier) { c.Name = "US_SSN" }, "builtin"},
		{"category", func(c *CustomIdentifier) { c.Category = "SECRET" }, "invalid category"},
		{"no category", func(c *CustomIdentifier) { c.Category = "" }, "invalid category"},
		{"severity", func(c *CustomIdentifier) { c.Severity = "CRITICAL" }, "invalid severity"},
		{"distance", func(c *CustomIdentifier) { c.MaxDistance = 1000 }, "out of range"},
		{"negative distance", func(c *CustomIdentifier) { c.MaxDistance = -1 }, "out of range"},
		{"keyword required without keywords", func(c *CustomIdentifier) { c.KeywordRequired = true }, "no keywords"},
		{"empty keyword", func(c *CustomIdentifier) { c.Keywords = []string{"--"} }, "no letters or digits"},
	}
	if _, err := NewEngine(Options{FingerprintKey: testKey, CustomIdentifiers: []CustomIdentifier{ok}}); err != nil {
		t.Fatalf("valid rule: %v", err)
	}
	if _, err := NewEngine(Options{FingerprintKey: testKey, CustomIdentifiers: []CustomIdentifier{ok, ok}}); err == nil || !strings.Contains(err.Error(), "duplicate") {
		t.Errorf("duplicate rule: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.mutate(&c)
			_, err := NewEngine(Options{FingerprintKey: testKey, CustomIdentifiers: []CustomIdentifier{c}})
			if err == nil {
				t.Fatal("accepted")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "classifiers: custom identifier ") || !strings.Contains(msg, tt.reason) {
				t.Errorf("error %q does not name the rule and say %q", msg, tt.reason)
			}
			if c.Name != "" && isUpperSnake(c.Name) && !strings.Contains(msg, c.Name) {
				t.Errorf("error %q does not name %s", msg, c.Name)
			}
		})
	}
}

func TestAllowList(t *testing.T) {
	card, _, _ := corpus.Value(4, "CREDIT_CARD_NUMBER")
	digits := string(digitsOnly([]byte(card)))
	grouped := digits[:4] + "-" + digits[4:8] + "-" + digits[8:12] + "-" + digits[12:]
	e := newCustomEngine(t, Options{AllowList: AllowList{
		Values:  []string{grouped, "Jane.Doe@Example.com"},
		Regexes: []string{`@example\.org$`},
	}})
	for _, text := range []string{"card " + digits, "card " + grouped, "mail jane.doe@example.com", "mail bob@example.org"} {
		if ms := e.Scan([]byte(text), ""); len(ms) != 0 {
			t.Errorf("%q: allow-listed value reported as %s", text, ms[0].Identifier)
		}
	}
	if ms := e.Scan([]byte("mail bob@example.net"), ""); len(find(ms, "EMAIL_ADDRESS")) != 1 {
		t.Error("value not on the allow list suppressed")
	}
	for _, al := range []AllowList{{Values: []string{""}}, {Regexes: []string{"("}}, {Regexes: []string{" "}}} {
		if _, err := NewEngine(Options{FingerprintKey: testKey, AllowList: al}); err == nil || !strings.HasPrefix(err.Error(), "classifiers: allow list ") {
			t.Errorf("allow list %+v: error %v", al, err)
		}
	}
}
