package configchecks

import (
	"fmt"
	"strings"
	"testing"
)

// TestParseFilterPattern checks the expression tree of JSON filter patterns, shown
// fully parenthesized with every value quoted, and that malformed ones are refused.
func TestParseFilterPattern(t *testing.T) {
	for pattern, want := range map[string]string{
		`{ $.eventName = CreateTrail }`:                             `$.eventName = "CreateTrail"`,
		`{($.eventName="CreateTrail")}`:                             `$.eventName = "CreateTrail"`,
		`{ $.a = 1 || $.b = 2 && $.c = 3 }`:                         `$.a = "1" || ($.b = "2" && $.c = "3")`, // && binds tighter
		`{ ($.a = 1 || $.b = 2) && $.c = 3 }`:                       `($.a = "1" || $.b = "2") && $.c = "3"`,
		`{ (($.a = 1) || (($.b = 2) || $.c = 3)) }`:                 `$.a = "1" || $.b = "2" || $.c = "3"`, // flattened
		`{ $.a != "x y" && $.b.c[0] = "*z" }`:                       `$.a != "x y" && $.b.c[0] = "*z"`,
		`{ $.a = "say \"hi\"" }`:                                    `$.a = "say \"hi\""`,
		`{ $.a = "{ (&&) }" }`:                                      `$.a = "{ (&&) }"`,
		`{ $.a = "" }`:                                              `$.a = ""`,
		`{ $.a NOT EXISTS && $.b is null && $.c IS TRUE }`:          `$.a NOT EXISTS && $.b IS NULL && $.c IS TRUE`,
		`{ $.latency >= 500 && $.n < -1.5e3 && $.m != +7 }`:         `$.latency >= "500" && $.n < "-1.5e3" && $.m != "+7"`,
		`{ $.sourceIPAddress != 123.123.* }`:                        `$.sourceIPAddress != "123.123.*"`,
		`{ $.message = %bind: address (already)? in use% }`:         `$.message = %bind: address (already)? in use%`,
		"\n{\t$.a\n=\r\nb }\n":                                      `$.a = "b"`,
		`{ $.userIdentity.arn = "arn:aws:iam::123456789012:root" }`: `$.userIdentity.arn = "arn:aws:iam::123456789012:root"`,
	} {
		e, err := parseFilterPattern(pattern)
		if err != nil {
			t.Errorf("%q: %v", pattern, err)
			continue
		}
		if got := e.String(); got != want {
			t.Errorf("%q: got %s, want %s", pattern, got, want)
		}
	}
	for _, pattern := range []string{
		``, `{`, `}`, `{ }`, `()`, `{ () }`, `ERROR`, `"Failed authentication"`, `[ip, user, status_code = 4*]`,
		`{ $.a = b } }`, `{ $.a = b`, `{ $.a = b ) }`, `{ ($.a = b }`, `{ $.a = b && }`, `{ || $.a = b }`,
		`{ $.a = b & $.c = d }`, `{ $.a = b | $.c = d }`, `{ $.a == b }`, `{ $.a ! b }`, `{ $.a }`, `{ $.a = }`,
		`{ a = b }`, `{ $.a = "b }`, `{ $.a = %b }`, `{ $.a > %b% }`, `{ $.a IS MISSING }`, `{ $.a NOT NULL }`,
		`{ $.a = b c }`, `{ $.a = b } x`, `{ $.a = $.b = c }`,
		"{ " + strings.Repeat("(", maxFilterDepth+1) + "$.a = b" + strings.Repeat(")", maxFilterDepth+1) + " }",
		"{ $.a = \"" + strings.Repeat("x", maxFilterPatternLen) + "\" }",
	} {
		if e, err := parseFilterPattern(pattern); err == nil {
			t.Errorf("%q parsed as %s, want an error", pattern, e)
		}
	}
}

// TestFilterDNF checks the disjunctive normal form and its bound.
func TestFilterDNF(t *testing.T) {
	e, err := parseFilterPattern(`{ ($.a = 1 || $.b = 2) && ($.c = 3 || $.a = 1) }`)
	if err != nil {
		t.Fatal(err)
	}
	terms, ok := e.dnf()
	var got []string
	for _, c := range terms {
		var parts []string
		for _, x := range c {
			parts = append(parts, x.String())
		}
		got = append(got, strings.Join(parts, " && "))
	}
	if want := `$.a = "1" && $.c = "3" | $.a = "1" | $.b = "2" && $.c = "3" | $.b = "2" && $.a = "1"`; !ok || strings.Join(got, " | ") != want {
		t.Errorf("dnf = %q (%v), want %q", strings.Join(got, " | "), ok, want)
	}
	// 2^13 terms of 13 comparisons: over maxDNFSize.
	big := "{ " + strings.Repeat("($.a = 1 || $.b = 2) && ", 12) + "($.a = 1 || $.b = 2) }"
	if e, err := parseFilterPattern(big); err != nil {
		t.Fatal(err)
	} else if _, ok := e.dnf(); ok {
		t.Error("dnf of 2^13 terms accepted")
	}
	// 2^11 terms, each of them with the same 300 comparisons: refused before
	// it is built.
	wide := "{ " + strings.Repeat("($.a = 1 || $.b = 2) && ", 11)
	for i := range 300 {
		wide += fmt.Sprintf("$.x = %d && ", i)
	}
	wide += "$.y = 0 }"
	if e, err := parseFilterPattern(wide); err != nil {
		t.Fatal(err)
	} else if _, ok := e.dnf(); ok {
		t.Error("dnf of 2^11 terms of 300 comparisons accepted")
	}
	if c, err := (metricPattern{cis: `{ $.a = 1 }`}).compile(); err != nil || c.matches(big) {
		t.Errorf("a pattern too large to normalize matched (%v)", err)
	}
}

// FuzzParseFilterPattern checks that any input either fails to parse or parses to a
// tree whose rendering parses back to the same tree, and that normalizing it and
// matching it against a CIS pattern do not panic. Filter patterns come from the
// scanned account.
func FuzzParseFilterPattern(f *testing.F) {
	for _, s := range []string{
		`{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) }`,
		`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }`,
		`{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`,
		`{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }`,
		`{ $.a = "say \"hi\"" && $.b IS NULL || $.c >= -1.5e3 && $.d = %re(x)?% }`,
		`{ $.a = "\`, `[ip, user, status_code = 4*]`, `ERROR`, ``,
	} {
		f.Add(s)
	}
	c, err := metricPattern{cis: `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") || $.a NOT EXISTS }`}.compile()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c.matches(s)
		e, err := parseFilterPattern(s)
		if err != nil {
			return
		}
		e.dnf()
		text := e.String()
		again, err := parseFilterPattern("{ " + text + " }")
		if err != nil {
			t.Fatalf("%q renders as %q, which does not parse: %v", s, text, err)
		}
		if again.String() != text {
			t.Fatalf("%q renders as %q, which renders as %q", s, text, again.String())
		}
	})
}
