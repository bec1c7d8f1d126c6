package configchecks

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// update regenerates docs/checks.md: go test ./configchecks -run TestChecksDoc -update
var update = flag.Bool("update", false, "rewrite docs/checks.md from the registry")

// TestChecksDoc checks that docs/checks.md is the registry's documentation.
func TestChecksDoc(t *testing.T) {
	path := filepath.Join("..", "docs", "checks.md")
	want := checksDoc()
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with: go test ./configchecks -run TestChecksDoc -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date; run: go test ./configchecks -run TestChecksDoc -update", path)
	}
}

// checksDoc renders docs/checks.md from the registry and the catalogue.
func checksDoc() []byte {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	checks := All()
	manual := ManualChecks()
	p("# Configuration checks\n\n")
	p("<!-- Generated from package configchecks by `go test ./configchecks -run TestChecksDoc -update`. Do not edit. -->\n\n")
	p("`cairn scan` evaluates these checks against the account state it collects (read-only) and writes one\n")
	p("`control_results` row per check and resource. Statuses: `PASS`, `FAIL`, `ERROR` (the state could not\n")
	p("be read; the reason is in `status_extended`, never a PASS), `NOT_APPLICABLE`, `MANUAL` (a person must\n")
	p("audit; `status_extended` holds the procedure). CIS ids are `VERSION:ID` for the CIS AWS Foundations\n")
	p("Benchmark v5.0.0, v6.0.0 and v7.0.0.\n\n")

	p("## Coverage\n\n| CIS version | requirements | evaluated by a check | MANUAL rows |\n|---|---|---|---|\n")
	for _, v := range CISVersions {
		total, checked := 0, 0
		for _, r := range cisCatalog {
			id, ok := r.IDs[v]
			if !ok {
				continue
			}
			total++
			if slices.ContainsFunc(checks, func(c Check) bool { return slices.Contains(c.CIS, v+":"+id) }) {
				checked++
			}
		}
		p("| %s | %d | %d | %d |\n", v, total, checked, total-checked)
	}
	p("\n%d checks, %d MANUAL rows.\n\n", len(checks), len(manual))

	p("## Checks\n\n| check | severity | CIS 5.0 | CIS 6.0 | CIS 7.0 | SOC 2 |\n|---|---|---|---|---|---|\n")
	for _, c := range checks {
		p("| [`%s`](#%s) | %s | %s | %s | %s | %s |\n", c.ID, anchor(c.ID), c.Severity,
			cisFor(c, "5.0"), cisFor(c, "6.0"), cisFor(c, "7.0"), strings.Join(c.SOC2, ", "))
	}
	p("\n")
	for _, c := range checks {
		p("### %s\n\n**%s** (%s, %s)\n\n", c.ID, c.Title, c.Severity, c.Category)
		p("- CIS: %s\n", strings.Join(c.CIS, ", "))
		p("- SOC 2: %s\n", soc2Text(c.SOC2))
		p("- AWS permissions: %s\n\n", "`"+strings.Join(c.Permissions, "`, `")+"`")
		p("%s\n\n", c.Rationale)
		p("Remediation (console): %s\n\n", c.Remediation.Console)
		p("Remediation (CLI): `%s`\n\n", c.Remediation.CLI)
	}

	p("## MANUAL rows\n\nRequirements no check evaluates yet. Each scan writes one `MANUAL` row for each, with\n")
	p("this audit procedure as its `status_extended`; they are never `PASS`.\n\n")
	p("| check | CIS | SOC 2 | audit procedure |\n|---|---|---|---|\n")
	for _, c := range manual {
		req, _ := CISRequirementFor(c.CIS[0])
		p("| `%s` %s | %s | %s | %s |\n", c.ID, c.Title, strings.Join(c.CIS, ", "), strings.Join(c.SOC2, ", "),
			strings.ReplaceAll(req.Audit, "|", "\\|"))
	}

	p("\n## SOC 2 criteria\n\n| criterion | title | checks |\n|---|---|---|\n")
	for _, s := range SOC2Criteria {
		n := 0
		for _, c := range checks {
			if slices.Contains(c.SOC2, s.ID) {
				n++
			}
		}
		p("| %s | %s | %d |\n", s.ID, s.Title, n)
	}
	return b.Bytes()
}

func cisFor(c Check, version string) string {
	var ids []string
	for _, ref := range c.CIS {
		if v, id, _ := strings.Cut(ref, ":"); v == version {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return "–"
	}
	return strings.Join(ids, ", ")
}

func soc2Text(ids []string) string {
	var out []string
	for _, id := range ids {
		title, _ := SOC2Title(id)
		out = append(out, id+" ("+title+")")
	}
	return strings.Join(out, "; ")
}

// anchor is the GitHub heading anchor of a check id.
func anchor(id string) string { return strings.ReplaceAll(id, ".", "") }
