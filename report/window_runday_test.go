package report

import (
	"slices"
	"testing"
	"time"
)

// TestOrgRunAcrossMidnightIsOnOneDay: an --org run starts at 23:30 UTC on
// Nov 30 and enters account B after midnight; all its files are in the
// run's dt=2026-11-30 partition. The November report holds the whole run,
// B's scan and controls dated Nov 30; the December report none of it.
func TestOrgRunAcrossMidnightIsOnOneDay(t *testing.T) {
	dir := t.TempDir()
	run := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)
	bStart := time.Date(2026, 12, 1, 0, 20, 0, 0, time.UTC)
	writeRun(t, dir, "org-run", "org-run", run,
		runAccount{acct: accountA, start: run, controls: []ControlResultRow{cc61("iam.root_mfa", "PASS", "arn:aws:iam::"+accountA+":root")}},
		runAccount{acct: accountB, start: bStart, controls: []ControlResultRow{cc61("iam.root_mfa", "FAIL", "arn:aws:iam::"+accountB+":root")}},
	)
	nov1 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	nov30 := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	d, err := LoadAuditData(dir, AuditFilter{From: nov1, To: nov30})
	must(t, err)
	r := BuildAuditReport(d, AuditOptions{From: nov1, To: nov30})
	if !slices.Equal(r.Cover.Accounts, []string{accountA, accountB}) || r.Cover.ScanDays != 1 {
		t.Errorf("November cover: accounts %v on %d days, want A and B on 1 day", r.Cover.Accounts, r.Cover.ScanDays)
	}
	for _, s := range r.Scope.Scans {
		if s.Day != "2026-11-30" {
			t.Errorf("scan of %s dated %s, want the run's day 2026-11-30", s.AccountID, s.Day)
		}
	}
	for _, e := range criterion(t, r, "CC6.1").Exceptions {
		if e.CheckID == "iam.root_mfa" && !slices.Equal(e.Dates, []string{"2026-11-30"}) {
			t.Errorf("B's FAIL dated %v, want 2026-11-30", e.Dates)
		}
	}
	dec1 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	dec31 := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	if d, err := LoadAuditData(dir, AuditFilter{From: dec1, To: dec31}); err == nil {
		t.Errorf("December report holds %d scans of the November run", len(d.Scans))
	}
}

// TestShardedRunAcrossMidnightIsOnOneDay: shard 0 of a run starts at 23:58
// on Nov 30, shard 1 at 00:03 on Dec 1, each writing into its own start's
// partition. The run belongs to Nov 30: the November report merges both
// shards (the window's last day plus the next partition), the December
// report holds nothing of it.
func TestShardedRunAcrossMidnightIsOnOneDay(t *testing.T) {
	dir := t.TempDir()
	s0 := time.Date(2026, 11, 30, 23, 58, 0, 0, time.UTC)
	s1 := time.Date(2026, 12, 1, 0, 3, 0, 0, time.UTC)
	writeRun(t, dir, "run-9", "run-9-s0of2", s0, runAccount{acct: accountA, start: s0,
		assets: []AssetRow{bucketWithSSN("early", false, "SSE-S3")}, findings: []FindingRow{ssnFinding("early")}})
	writeRun(t, dir, "run-9", "run-9-s1of2", s1, runAccount{acct: accountA, start: s1,
		assets: []AssetRow{bucketWithSSN("late", true, "NONE")}, findings: []FindingRow{ssnFinding("late")}})

	nov30 := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	d, err := LoadAuditData(dir, AuditFilter{From: nov30, To: nov30})
	must(t, err)
	if len(d.Scans) != 1 || len(d.Assets) != 2 || d.RunDays["run-9"] != "2026-11-30" {
		t.Errorf("November: %d scans, %d assets, run day %q; want 1 merged scan, both shards' stores, 2026-11-30",
			len(d.Scans), len(d.Assets), d.RunDays["run-9"])
	}
	var paths []string
	for _, e := range d.Evidence {
		paths = append(paths, e.Path)
	}
	if !slices.Contains(paths, "scans/dt=2026-12-01/run-9-s1of2.parquet") || !slices.Contains(paths, "assets/dt=2026-12-01/run-9-s1of2.parquet") {
		t.Errorf("evidence %v lacks shard 1's files", paths)
	}
	dec1 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if d, err := LoadAuditData(dir, AuditFilter{From: dec1, To: dec1}); err == nil {
		t.Errorf("December: %d scans of a run that belongs to Nov 30", len(d.Scans))
	}
}
