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
	byID := map[string]*compiled{}
	perCategory := map[Category]int{}
	for _, c := range e.reg.ids {
		byID[c.ID] = c
		perCategory[c.Category]++
	}
	var b bytes.Buffer
	b.WriteString(`# Data identifiers

<!-- Generated from classifiers/identifiers.go by
     go test ./classifiers -run TestIdentifiersDoc -update
     Do not edit by hand. -->

Cairn's classification engine (package ` + "`classifiers`" + `) reports each match with one
of these identifiers, a confidence, a redacted form and a keyed HMAC fingerprint. No raw
value is kept.

`)
	fmt.Fprintf(&b, "%d identifiers: %d credentials, %d financial, %d personal, %d health.\n\n",
		len(e.reg.ids), perCategory[CategoryCredentials], perCategory[CategoryFinancial], perCategory[CategoryPersonal], perCategory[CategoryHealth])
	b.WriteString(`## Confidence

| evidence | confidence |
|---|---|
| pattern and validator pass, keyword context | HIGH |
| pattern and validator pass, no keyword | MEDIUM |
| pattern only (no validator), no keyword | LOW (MEDIUM with a keyword) |
| strongly structured identifier (private key, access key id, token formats) | HIGH without keyword |
| keyword-required identifier without a keyword | not reported |

Keyword context is a keyword in the field name (CSV header, JSON path such as
` + "`customers[].ssn`" + `, database column) or in the bytes just before the match. Case,
separators and camelCase are ignored (` + "`SecretAccessKey`" + ` reads as "secret access key"), and
keywords count only as whole words (` + "`tel`" + ` does not match inside ` + "`hotel`" + `, ` + "`dea`" + ` not
inside the hex id ` + "`3b35dea9f1`" + `, and long random tokens such as base64 keys hold no words).

For short, generic numbers (the "label" rule below) the keyword must also be the label of
the value: of all identifiers' keywords, the one closest before the value, after any other
number, must be its own, and a ` + "`:`" + `, ` + "`=`" + ` or ` + "`#`" + ` that introduces the value must follow that
keyword within a word. So in ` + "`passport: none, BSN: 111222333`" + ` the number is a BSN, and in
` + "`ssn 123-45-6789, passport 536224081`" + ` the second number is not an SSN. In a CSV column or
JSON path the field name is the label.

Where two identifiers share a shape, their checks and keywords keep them apart, and the
registry test requires every example to be found as exactly its own identifier:

- a PAN inside magnetic-stripe track data is ` + "`CARD_TRACK_DATA`" + `, not also ` + "`CREDIT_CARD_NUMBER`" + `;
- ` + "`+1`" + ` numbers are ` + "`US_PHONE_NUMBER`" + `, other ` + "`+CC`" + ` numbers ` + "`PHONE_NUMBER_E164`" + ` (and their national
  digits are not read as a US number or a card);
- ten digits in 3-3-4 space groups are a phone number only with a phone keyword and an NHS
  number only with an NHS keyword; 3-3-3 groups are ` + "`CA_SIN`" + ` or ` + "`AU_TFN`" + ` by keyword;
- ` + "`DDMMYY-NNNN`" + ` is ` + "`DK_CPR`" + ` (keyword), ` + "`SE_PERSONNUMMER`" + ` (keyword for ten digits) or
  ` + "`FI_HETU`" + ` (keyword when its check character is a digit);
- nine-, ten- and eleven-digit national numbers (` + "`NL_BSN`" + `, ` + "`PT_NIF`" + `, ` + "`US_PASSPORT`" + `,
  ` + "`ABA_ROUTING_NUMBER`" + `, ` + "`US_NPI`" + `, ` + "`BG_EGN`" + `, ` + "`PL_PESEL`" + `, ` + "`GR_AMKA`" + `, …) need their own keyword;
- ` + "`user:password@host`" + ` inside a URL is a credential, not an email address, and an IP
  address that is a URL's host is not ` + "`IPV4_ADDRESS`" + `/` + "`IPV6_ADDRESS`" + `.

Published test card numbers (4111 1111 1111 1111, 4242 4242 4242 4242, 5555 5555 5555 4444,
3782 822463 10005 and about 90 others) are never reported.

## Summary

| id | name | category | keyword rule | confidence |
|---|---|---|---|---|
`)
	for _, info := range e.Identifiers() {
		c := byID[info.ID]
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s | %s | %s |\n", c.ID, strings.ToLower(c.ID), c.Name, c.Category, keywordRule(c), confidenceRule(c))
	}
	for _, info := range e.Identifiers() {
		c := byID[info.ID]
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\n", c.ID, c.Description)
		fmt.Fprintf(&b, "- **Name:** %s\n", c.Name)
		fmt.Fprintf(&b, "- **Category:** %s\n", c.Category)
		fmt.Fprintf(&b, "- **Validation:** %s\n", c.Checks)
		fmt.Fprintf(&b, "- **Keywords:** %s\n", quoteList(c.Keywords))
		fmt.Fprintf(&b, "- **Keyword rule:** %s\n", keywordRule(c))
		fmt.Fprintf(&b, "- **Confidence:** %s\n", confidenceRule(c))
		fmt.Fprintf(&b, "- **Reported as:** %s\n", redactedExamples(e, c))
	}
	return b.Bytes()
}

// keywordRule describes how keywords affect an identifier.
func keywordRule(c *compiled) string {
	label := ""
	if c.KeywordAdjacent {
		label = "; label rule"
	}
	switch {
	case c.KeywordRequired:
		return fmt.Sprintf("required, within %d bytes before the value or in the field name%s", c.distance, label)
	case c.WeakForm != nil:
		return fmt.Sprintf("optional (raises confidence, within %d bytes before the value or in the field name); required for the unformatted form%s", c.distance, label)
	case c.Structured:
		return "not needed (structured)"
	}
	return fmt.Sprintf("optional (raises confidence, within %d bytes before the value or in the field name)", c.distance)
}

// confidenceRule states the confidence of an identifier's matches without
// and with a keyword.
func confidenceRule(c *compiled) string {
	with, without := c.confidence(true), c.confidence(false)
	switch {
	case c.KeywordRequired:
		return fmt.Sprintf("%s (always with a keyword)", with)
	case c.Structured:
		return string(without)
	case c.WeakForm != nil:
		return fmt.Sprintf("%s formatted; %s with a keyword (the unformatted form only then)", without, with)
	}
	return fmt.Sprintf("%s; %s with a keyword", without, with)
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
