package configchecks

import "slices"

// ManualCheckPrefix starts the check id of a MANUAL row generated from the catalogue.
const ManualCheckPrefix = "cis.manual."

// ManualRows returns one MANUAL result for each CIS requirement of the catalogue that
// no registered check evaluates. Its status_extended is the audit procedure a person
// should follow; it is never PASS. Its check id is "cis.manual." + the requirement's
// key. As checks are added, their requirements drop out of this list.
func ManualRows(st *State) []Result {
	covered := map[string]bool{}
	for _, c := range registry {
		for _, ref := range c.CIS {
			covered[ref] = true
		}
	}
	var out []Result
	for _, req := range cisCatalog {
		refs := req.Refs()
		if slices.ContainsFunc(refs, func(r string) bool { return covered[r] }) {
			continue
		}
		c := manualCheck(req)
		r := complete(c, st, Result{
			Status:         StatusManual,
			StatusExtended: "Not evaluated automatically; audit procedure: " + req.Audit,
			ResourceARN:    st.AccountARN(),
			Region:         GlobalRegion,
			Evidence:       Evidence(ev{"cis_requirement": req.Key, "automated_in_benchmark": req.Automated}),
		})
		out = append(out, r)
	}
	return out
}

// manualCheck is the pseudo-check behind a requirement's MANUAL row.
func manualCheck(req CISRequirement) Check {
	sev := SeverityMedium
	if req.Level == 2 {
		sev = SeverityLow
	}
	return Check{
		ID:       ManualCheckPrefix + req.Key,
		Title:    req.Title,
		Severity: sev,
		Category: req.Category,
		CIS:      req.Refs(),
		SOC2:     slices.Clone(ManualSOC2[req.Category]),
	}
}

// ManualChecks returns the pseudo-checks of the requirements ManualRows reports, for
// documentation: id, title, CIS ids, SOC 2 criteria. Sorted by id.
func ManualChecks() []Check {
	covered := map[string]bool{}
	for _, c := range registry {
		for _, ref := range c.CIS {
			covered[ref] = true
		}
	}
	var out []Check
	for _, req := range cisCatalog {
		if !slices.ContainsFunc(req.Refs(), func(r string) bool { return covered[r] }) {
			out = append(out, manualCheck(req))
		}
	}
	slices.SortFunc(out, func(a, b Check) int {
		if a.ID < b.ID {
			return -1
		}
		if a.ID > b.ID {
			return 1
		}
		return 0
	})
	return out
}
