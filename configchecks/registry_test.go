package configchecks

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

var (
	checkID      = regexp.MustCompile(`^[a-z0-9]+(\.[a-z0-9_]+)+$`)
	iamActionRef = regexp.MustCompile(`^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$`)
)

// TestRegistry guards every registered check: a well-formed unique id, metadata
// complete, CIS ids that exist in the catalogue with every version of the requirement
// listed, and at least one known SOC 2 criterion.
func TestRegistry(t *testing.T) {
	checks := All()
	if len(checks) == 0 {
		t.Fatal("no check registered")
	}
	seen := map[string]bool{}
	for _, c := range checks {
		if !checkID.MatchString(c.ID) || strings.HasPrefix(c.ID, ManualCheckPrefix) {
			t.Errorf("%s: id is not lower-case dotted, or uses the manual prefix", c.ID)
		}
		if seen[c.ID] {
			t.Errorf("%s: duplicate id", c.ID)
		}
		seen[c.ID] = true
		if c.Title == "" || c.Rationale == "" || c.Remediation.Console == "" || c.Remediation.CLI == "" {
			t.Errorf("%s: title, rationale and both remediations are required", c.ID)
		}
		if !slices.Contains(Severities, c.Severity) {
			t.Errorf("%s: unknown severity %q", c.ID, c.Severity)
		}
		if _, ok := ManualSOC2[c.Category]; !ok {
			t.Errorf("%s: unknown category %q", c.ID, c.Category)
		}
		if len(c.SOC2) == 0 {
			t.Errorf("%s: maps to no SOC 2 criterion", c.ID)
		}
		for _, s := range c.SOC2 {
			if _, ok := SOC2Title(s); !ok {
				t.Errorf("%s: unknown SOC 2 criterion %q", c.ID, s)
			}
		}
		if len(c.Permissions) == 0 {
			t.Errorf("%s: lists no IAM permission", c.ID)
		}
		for _, p := range c.Permissions {
			if !iamActionRef.MatchString(p) {
				t.Errorf("%s: permission %q is not service:Action", c.ID, p)
			}
		}
		for _, ref := range c.CIS {
			req, ok := CISRequirementFor(ref)
			if !ok {
				t.Errorf("%s: CIS id %s is not in the catalogue", c.ID, ref)
				continue
			}
			for _, want := range req.Refs() {
				if !slices.Contains(c.CIS, want) {
					t.Errorf("%s: maps %s (%s) but not %s", c.ID, ref, req.Key, want)
				}
			}
		}
	}
}

// TestCatalogueCoverage checks that every requirement of every CIS version is covered
// exactly once: by one check, or by one generated MANUAL row.
func TestCatalogueCoverage(t *testing.T) {
	want := map[string]int{"5.0": 63, "6.0": 63, "7.0": 70}
	count := map[string]int{}
	keys := map[string]bool{}
	for _, r := range cisCatalog {
		if keys[r.Key] || r.Key == "" || r.Title == "" || r.Audit == "" || (r.Level != 1 && r.Level != 2) {
			t.Errorf("catalogue entry %q: duplicate key, or missing title/audit/level", r.Key)
		}
		keys[r.Key] = true
		if _, ok := ManualSOC2[r.Category]; !ok {
			t.Errorf("catalogue entry %q: unknown category %q", r.Key, r.Category)
		}
		for v := range r.IDs {
			count[v]++
		}
	}
	for v, n := range want {
		if count[v] != n {
			t.Errorf("CIS %s: %d requirements in the catalogue, want %d", v, count[v], n)
		}
	}
	covers := map[string][]string{} // "5.0:1.4" → check ids
	for _, c := range append(All(), ManualChecks()...) {
		for _, ref := range c.CIS {
			covers[ref] = append(covers[ref], c.ID)
		}
	}
	for _, r := range cisCatalog {
		for _, ref := range r.Refs() {
			if n := len(covers[ref]); n != 1 {
				t.Errorf("CIS %s (%s): covered %d times %v, want exactly once", ref, r.Key, n, covers[ref])
			}
		}
	}
	// The generated rows are what Run emits, and are never PASS.
	st := &State{AccountID: "123456789012"}
	manual := ManualRows(st)
	if len(manual) != len(ManualChecks()) {
		t.Errorf("ManualRows: %d rows, ManualChecks: %d", len(manual), len(ManualChecks()))
	}
	for _, r := range manual {
		if r.Status != StatusManual || !strings.Contains(r.StatusExtended, "audit procedure") || len(r.SOC2) == 0 {
			t.Errorf("%s: status %s, %q, SOC 2 %v", r.CheckID, r.Status, r.StatusExtended, r.SOC2)
		}
	}
}

// TestRunEmptyState runs every check on a state where nothing was collected: no check
// may PASS on unknown state.
func TestRunEmptyState(t *testing.T) {
	st := &State{AccountID: "123456789012", Regions: []string{"us-east-1"}, Regional: []RegionState{{Name: "us-east-1"}}}
	for _, r := range Run(st) {
		if r.Status == StatusPass {
			t.Errorf("%s: PASS on a state where nothing was collected: %s", r.CheckID, r.StatusExtended)
		}
		if r.FindingUID == "" || r.AccountID != st.AccountID || r.Evidence == "" || r.ResourceARN == "" {
			t.Errorf("%s: incomplete result %+v", r.CheckID, r)
		}
	}
}
