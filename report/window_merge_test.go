package report

import (
	"slices"
	"testing"
	"time"
)

// TestMergeScanRows merges the rows two shards wrote for one account.
func TestMergeScanRows(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	a := ScanRow{ScanID: "run-1", AccountID: "111111111111", StartedAt: t0.Add(time.Minute), FinishedAt: t0.Add(5 * time.Minute),
		Regions: []string{"us-east-1"}, Status: "COMPLETE", Options: `{"shard":"0/2"}`, Assets: 2, Objects: 10, Skipped: 1, Findings: 3, BytesRead: 100}
	b := ScanRow{ScanID: "run-1", AccountID: "111111111111", StartedAt: t0, FinishedAt: t0.Add(3 * time.Minute),
		Regions: []string{"eu-west-1", "us-east-1"}, Status: "INCOMPLETE", Options: `{"shard":"1/2"}`, Assets: 1, Objects: 5, Findings: 1, BytesRead: 50}
	for _, m := range []ScanRow{MergeScanRows(a, b), MergeScanRows(b, a)} {
		if !m.StartedAt.Equal(t0) || !m.FinishedAt.Equal(t0.Add(5*time.Minute)) {
			t.Errorf("merged times %s..%s, want %s..%s", m.StartedAt, m.FinishedAt, t0, t0.Add(5*time.Minute))
		}
		if !slices.Equal(m.Regions, []string{"eu-west-1", "us-east-1"}) {
			t.Errorf("merged regions %v", m.Regions)
		}
		if m.Status != "INCOMPLETE" || m.Options != `{"shard":"1/2"}` {
			t.Errorf("merged status %s options %s, want the worse row's", m.Status, m.Options)
		}
		if m.Assets != 3 || m.Objects != 15 || m.Skipped != 1 || m.Findings != 4 || m.BytesRead != 150 {
			t.Errorf("merged totals %+v", m)
		}
	}
	if len(a.Regions) != 1 {
		t.Errorf("merge changed its input: %v", a.Regions)
	}
}
