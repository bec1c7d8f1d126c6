package classifiers

import (
	"strings"
	"testing"

	re2 "github.com/wasilibs/go-re2"
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
			if w, err := patternWidth(id.Pattern); err != nil || w > maxPatternWidth {
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
			for _, spelling := range []string{
				strings.Join(words, "_"),
				strings.ToUpper(strings.Join(words, "_")),
				strings.Join(title, ""),
				strings.Join(words, "-"),
				strings.Join(words, " \t "),
				strings.Join(words, "\u00a0"),
			} {
				if !gate.MatchString("x " + spelling + " = y") {
					t.Errorf("%s: gate misses %q", id.ID, spelling)
				}
				if !containsAnyWord(appendWords(nil, []byte("x "+spelling+" = y")), kws) {
					t.Errorf("%s: keyword check misses %q", id.ID, spelling)
				}
			}
		}
	}
}
