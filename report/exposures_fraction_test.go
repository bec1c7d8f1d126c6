package report

import "testing"

// fractionOf is the sampled_fraction of the one exposures row that a, with
// its object rows, gives.
func fractionOf(t *testing.T, a AssetRow, objs ...ObjectResultRow) float64 {
	t.Helper()
	j := NewExposureJoin()
	j.AddAsset(a)
	for _, o := range objs {
		j.AddObject(o)
	}
	rows := j.Rows()
	if len(rows) != 1 {
		t.Fatalf("%d rows", len(rows))
	}
	return rows[0].SampledFraction
}

// TestSampledFractionRowKinds checks that sampled_fraction subtracts the
// SKIPPED rows that sampled_objects counted, and only those, telling them
// apart by the kind and part columns rather than by the location.
func TestSampledFractionRowKinds(t *testing.T) {
	const s3ARN, rdsARN = "arn:aws:s3:::b", "arn:aws:rds:eu-west-1:111122223333:db:x"
	obj := func(loc, status, reason string) ObjectResultRow {
		return ObjectResultRow{AssetARN: s3ARN, Location: loc, Status: status, Reason: reason, Kind: KindObject}
	}
	split := AssetRow{AssetARN: s3ARN, Service: "s3", ObjectCount: 2, BucketObjects: 2, SampledObjects: 2, Status: "COMPLETE",
		TotalsSource: "LISTING", Reason: "SPLIT_BY_PREFIX: this row covers the keys outside the bucket's top-level prefixes; 2 prefixes are scanned as separate units"}
	prefixObj := func(status string) ObjectResultRow {
		o := obj("2025/x", status, "")
		o.Part = "2025/"
		return o
	}
	table := func(status, reason string) ObjectResultRow {
		return ObjectResultRow{AssetARN: rdsARN, Location: "db/public.t", Status: status, Reason: reason, Kind: KindTable}
	}
	rds := AssetRow{AssetARN: rdsARN, Service: "rds", ObjectCount: 10, SampledObjects: 4, Status: "PARTIAL"}
	var rdsRows, rdsLegacy []ObjectResultRow
	for i := 0; i < 10; i++ {
		r := table("COMPLETE", "")
		if i >= 4 {
			r = table("SKIPPED", "TIMEOUT") // never attempted: not in sampled_objects
		}
		rdsRows = append(rdsRows, r)
		r.Kind = ""
		rdsLegacy = append(rdsLegacy, r)
	}
	cases := []struct {
		name string
		a    AssetRow
		objs []ObjectResultRow
		want float64
	}{
		{"key with ! skipped", AssetRow{AssetARN: s3ARN, Service: "s3", ObjectCount: 2, BucketObjects: 2, SampledObjects: 2, Status: "PARTIAL"},
			[]ObjectResultRow{obj("ok.txt", "COMPLETE", ""), obj("backup!2024.csv", "SKIPPED", "INVALID_OBJECT_STATE")}, 0.5},
		{"archive entry skipped", AssetRow{AssetARN: s3ARN, Service: "s3", ObjectCount: 2, BucketObjects: 2, SampledObjects: 2, Status: "PARTIAL"},
			[]ObjectResultRow{obj("ok.txt", "COMPLETE", ""), obj("a.zip", "PARTIAL", ""),
				{AssetARN: s3ARN, Location: "a.zip!x.csv", Status: "SKIPPED", Reason: "ENCRYPTED_FILE", Kind: KindArchiveEntry}}, 1},
		{"legacy archive entry skipped", AssetRow{AssetARN: s3ARN, Service: "s3", ObjectCount: 2, BucketObjects: 2, SampledObjects: 2, Status: "PARTIAL"},
			[]ObjectResultRow{{AssetARN: s3ARN, Location: "a.zip!x.csv", Status: "SKIPPED"}, {AssetARN: s3ARN, Location: "b.txt", Status: "SKIPPED"}}, 0.5},
		{"split: prefix parts' skips are not the root's", split,
			[]ObjectResultRow{obj("r1", "COMPLETE", ""), obj("r2", "COMPLETE", ""), prefixObj("SKIPPED"), prefixObj("SKIPPED")}, 1},
		{"split: a prefix listing failed", split,
			[]ObjectResultRow{obj("r1", "COMPLETE", ""), obj("r2", "COMPLETE", ""), prefixObj("COMPLETE"),
				{AssetARN: s3ARN, Location: "2026/", Status: "SKIPPED", Reason: "LIST_FAILED", Kind: KindPrefix, Part: "2026/"}}, 0},
		{"split: empty root, a prefix listing failed",
			AssetRow{AssetARN: s3ARN, Service: "s3", Status: "COMPLETE", TotalsSource: "LISTING", Reason: split.Reason},
			[]ObjectResultRow{prefixObj("COMPLETE"), {AssetARN: s3ARN, Location: "2026/", Status: "SKIPPED", Reason: "LIST_FAILED", Kind: KindPrefix, Part: "2026/"}}, 0},
		{"rds: tables never attempted", rds, rdsRows, 0.4},
		{"rds: tables never attempted, older rows", rds, rdsLegacy, 0.4},
		{"rds: a database not reached", AssetRow{AssetARN: rdsARN, Service: "rds", ObjectCount: 2, SampledObjects: 2, Status: "PARTIAL"},
			[]ObjectResultRow{table("COMPLETE", ""), table("SKIPPED", "TIMEOUT"),
				{AssetARN: rdsARN, Location: "other", Status: "SKIPPED", Reason: "AUTHENTICATION_FAILED", Kind: KindDatabase}}, 0.5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := fractionOf(t, c.a, c.objs...); got != c.want {
				t.Errorf("sampled_fraction %v; want %v", got, c.want)
			}
		})
	}
}
