package report

import (
	"testing"
	"time"
)

// TestExposureChartNeverCountsUnknownAsSafe: a store whose encryption or
// exposure is UNKNOWN is never "private, encrypted", and one shared with
// other accounts is not private either, as the exposures table has it.
func TestExposureChartNeverCountsUnknownAsSafe(t *testing.T) {
	dir := t.TempDir()
	d1 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	unknownBoth := bucketWithSSN("unknown-both", false, "UNKNOWN")
	unknownBoth.PublicReason = "UNKNOWN: GetBucketPolicyStatus AccessDenied"
	unknownEnc := bucketWithSSN("unknown-enc", false, "SSE-S3")
	unknownExp := bucketWithSSN("unknown-exp", false, "SSE-S3")
	shared := bucketWithSSN("shared", false, "SSE-S3")
	safe := bucketWithSSN("safe", false, "SSE-S3")
	exp := func(a AssetRow, enc, exposure string) ExposureRow {
		return ExposureRow{AssetARN: a.AssetARN, DataClasses: a.DataClasses, Encryption: enc, Exposure: exposure}
	}
	writeRun(t, dir, "s1", "s1", d1, runAccount{acct: accountA, start: d1,
		assets: []AssetRow{unknownBoth, unknownEnc, unknownExp, shared, safe},
		exposures: []ExposureRow{
			exp(unknownBoth, ProtectionUnknown, ExposureUnknown), exp(unknownEnc, ProtectionUnknown, ExposurePrivate),
			exp(unknownExp, ProtectionAWSManaged, ExposureUnknown), exp(shared, ProtectionAWSManaged, ExposureShared),
			exp(safe, ProtectionCustomerKMS, ExposurePrivate),
		}})
	d, err := LoadAuditData(dir, AuditFilter{From: d1, To: d1})
	must(t, err)
	r := BuildAuditReport(d, AuditOptions{From: d1, To: d1})
	for label, want := range map[string]float64{
		"Public, sensitive data":          0,
		"Shared, sensitive data":          1,
		"Unencrypted, sensitive data":     0,
		"Posture unknown, sensitive data": 3,
		"Sensitive, private, encrypted":   1,
	} {
		if got := exposureBar(t, r, label); got != want {
			t.Errorf("%q = %v, want %v", label, got, want)
		}
	}

	// Without an exposures table, the assets table's UNKNOWNs count alike.
	d.Exposures = nil
	r = BuildAuditReport(d, AuditOptions{From: d1, To: d1})
	if got := exposureBar(t, r, "Posture unknown, sensitive data"); got != 1 {
		t.Errorf("assets source: unknown = %v, want 1 (unknown-both)", got)
	}
}

// TestPublicPerDayCountsStores: two scans of one day see one public
// bucket: the per-day chart counts one store, not two results.
func TestPublicPerDayCountsStores(t *testing.T) {
	dir := t.TempDir()
	d1 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for i, id := range []string{"20261102T090000Z-a", "20261102T150000Z-a"} {
		start := d1.Add(time.Duration(6*i) * time.Hour)
		writeRun(t, dir, id, id, start, runAccount{acct: accountA, start: start,
			assets: []AssetRow{bucketWithSSN("a-pii", true, "NONE")}})
	}
	d, err := LoadAuditData(dir, AuditFilter{From: d1, To: d1})
	must(t, err)
	r := BuildAuditReport(d, AuditOptions{From: d1, To: d1})
	trend := r.Summary.Charts[1]
	if len(trend.Bars) != 1 || trend.Bars[0].Value != 1 {
		t.Errorf("%s: %+v, want one day with 1 store", trend.Title, trend.Bars)
	}
}
