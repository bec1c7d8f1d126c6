package classifiers

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files (docs/identifiers.md)")

// identifiersDocPath is docs/identifiers.md, relative to this package.
var identifiersDocPath = filepath.Join("..", "docs", "identifiers.md")

// TestIdentifiersDoc fails if docs/identifiers.md is not what the builtin
// table generates; go test ./classifiers -run TestIdentifiersDoc -update
// rewrites it.
func TestIdentifiersDoc(t *testing.T) {
	got := identifiersDoc(newTestEngine(t))
	if *update {
		if err := os.WriteFile(identifiersDocPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(identifiersDocPath)
	if err != nil {
		t.Fatalf("%v (run go test ./classifiers -run TestIdentifiersDoc -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go test ./classifiers -run TestIdentifiersDoc -update", identifiersDocPath)
	}
}

// identifiersDoc renders the identifier reference from the registry.
func identifiersDoc(e *Engine) []byte {
	var b bytes.Buffer
	b.WriteString(`# Data identifiers

<!-- Generated from classifiers/identifiers.go by
     go test ./classifiers -run TestIdentifiersDoc -update
     Do not edit by hand. -->

Cairn's classification engine (package ` + "`classifiers`" + `) reports each match with one
of these identifiers, a confidence, a redacted form and a keyed HMAC fingerprint. No raw
value is kept.

## Confidence

| evidence | confidence |
|---|---|
| pattern and validator pass, keyword context | HIGH |
| pattern and validator pass, no keyword | MEDIUM |
| pattern only (no validator), no keyword | LOW (MEDIUM with a keyword) |
| strongly structured identifier (private key, access key id) | HIGH without keyword |

Keyword context is a keyword in the field name (CSV header, JSON path such as
` + "`customers[].ssn`" + `, database column) or in the bytes just before the match. Case,
separators and camelCase are ignored (` + "`SecretAccessKey`" + ` reads as "secret access key"), and
keywords count only as whole words (` + "`tel`" + ` does not match inside ` + "`hotel`" + `).

## Summary

| id | category | validation | keyword rule |
|---|---|---|---|
`)
	byID := map[string]*compiled{}
	for _, c := range e.reg.ids {
		byID[c.ID] = c
	}
	for _, info := range e.Identifiers() {
		c := byID[info.ID]
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", c.ID, c.Category, c.Checks, keywordRule(c))
	}
	for _, info := range e.Identifiers() {
		c := byID[info.ID]
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\n", c.ID, c.Description)
		fmt.Fprintf(&b, "- **Name:** %s\n", c.Name)
		fmt.Fprintf(&b, "- **Category:** %s\n", c.Category)
		fmt.Fprintf(&b, "- **Keywords:** %s\n", quoteList(c.Keywords))
		fmt.Fprintf(&b, "- **Reported as:** %s\n", redactedExamples(e, c))
	}
	return b.Bytes()
}

// keywordRule describes how keywords affect an identifier.
func keywordRule(c *compiled) string {
	switch {
	case c.KeywordRequired:
		return fmt.Sprintf("required, within %d bytes before the value or in the field name", c.distance)
	case c.WeakForm != nil:
		return fmt.Sprintf("optional (raises confidence, within %d bytes before the value or in the field name); required for the unformatted form", c.distance)
	case c.Structured:
		return "not needed (structured)"
	}
	return fmt.Sprintf("optional (raises confidence, within %d bytes before the value or in the field name)", c.distance)
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = "`" + s + "`"
	}
	return strings.Join(q, ", ")
}

// redactedExamples shows how the registry's own examples are reported.
func redactedExamples(e *Engine, c *compiled) string {
	var out []string
	seen := map[string]bool{}
	for _, ex := range c.Examples {
		for _, m := range find(e.Scan([]byte(ex), ""), c.ID) {
			if !seen[m.Redacted] && len(out) < 3 {
				seen[m.Redacted] = true
				out = append(out, fmt.Sprintf("`%s` (%s)", m.Redacted, m.Confidence))
			}
		}
	}
	return strings.Join(out, ", ")
}
