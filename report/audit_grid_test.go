package report

import (
	"slices"
	"testing"
	"time"
)

// gridOf returns the grid row of check in the criterion.
func gridOf(t *testing.T, c CriterionSection, check string) []string {
	t.Helper()
	for _, g := range c.Grid {
		if g.CheckID == check {
			return g.Cells
		}
	}
	t.Fatalf("%s: no grid row %s", c.ID, check)
	return nil
}

// TestGridAcrossAccounts: a cell is the worst status of every account
// scanned that day; a day on which an account of the report was not
// scanned is marked partial, never a plain PASS for it; a day of the window
// without any scan is a gap.
func TestGridAcrossAccounts(t *testing.T) {
	dir := t.TempDir()
	d1 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	d2, d3, d5 := d1.AddDate(0, 0, 1), d1.AddDate(0, 0, 2), d1.AddDate(0, 0, 4)
	root := func(acct string) string { return "arn:aws:iam::" + acct + ":root" }
	// Nov 2: A fails, B passes. Nov 3: only B, passing. Nov 4: A's scan
	// failed, B passes. Nov 5: nothing. Nov 6: A passes, B passes.
	writeRun(t, dir, "r1", "r1", d1,
		runAccount{acct: accountA, start: d1, controls: []ControlResultRow{cc61("iam.root_mfa", "FAIL", root(accountA))}},
		runAccount{acct: accountB, start: d1, controls: []ControlResultRow{cc61("iam.root_mfa", "PASS", root(accountB))}})
	writeRun(t, dir, "r2", "r2", d2,
		runAccount{acct: accountB, start: d2, controls: []ControlResultRow{cc61("iam.root_mfa", "PASS", root(accountB))}})
	writeRun(t, dir, "r3", "r3", d3,
		runAccount{acct: accountA, start: d3, status: "FAILED"},
		runAccount{acct: accountB, start: d3, controls: []ControlResultRow{cc61("iam.root_mfa", "PASS", root(accountB))}})
	writeRun(t, dir, "r5", "r5", d5,
		runAccount{acct: accountA, start: d5, controls: []ControlResultRow{cc61("iam.root_mfa", "PASS", root(accountA))}},
		runAccount{acct: accountB, start: d5, controls: []ControlResultRow{cc61("iam.root_mfa", "PASS", root(accountB))}})

	from, to := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 6, 0, 0, 0, 0, time.UTC)
	d, err := LoadAuditData(dir, AuditFilter{From: from, To: to})
	must(t, err)
	r := BuildAuditReport(d, AuditOptions{From: from, To: to})
	c := criterion(t, r, "CC6.1")
	if want := []string{"2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06"}; !slices.Equal(c.Days, want) {
		t.Errorf("days %v, want every day of the window %v", c.Days, want)
	}
	want := []string{GridNoScan, "FAIL", "PASS" + GridPartial, "PASS" + GridPartial, GridNoScan, "PASS"}
	if got := gridOf(t, c, "iam.root_mfa"); !slices.Equal(got, want) {
		t.Errorf("iam.root_mfa cells %q, want %q", got, want)
	}
	if r.Cover.ScanDays != 4 {
		t.Errorf("cover scan days %d, want 4", r.Cover.ScanDays)
	}

	// One account: its scan days are plain, the others gaps.
	d, err = LoadAuditData(dir, AuditFilter{From: from, To: to, Accounts: []string{accountB}})
	must(t, err)
	r = BuildAuditReport(d, AuditOptions{From: from, To: to})
	want = []string{GridNoScan, "PASS", "PASS", "PASS", GridNoScan, "PASS"}
	if got := gridOf(t, criterion(t, r, "CC6.1"), "iam.root_mfa"); !slices.Equal(got, want) {
		t.Errorf("account B only: cells %q, want %q", got, want)
	}
}
