package configchecks

import "testing"

// TestRDSOtherSnapshots checks the region rows of rds.snapshots_not_public for the
// snapshots of databases it did not evaluate: FAIL per public one, ERROR when they
// could not all be read, one PASS when none is public, nothing when there are none.
func TestRDSOtherSnapshots(t *testing.T) {
	public := DBSnapshot{ID: "old", ARN: "arn:aws:rds:us-east-1:123456789012:snapshot:old", Kind: "instance", SourceDB: "gone"}
	for _, c := range []struct {
		name  string
		other Attr[OtherSnapshots]
		want  []Status
	}{
		{"public", Observed(OtherSnapshots{Checked: 3, Public: []DBSnapshot{public}}), []Status{StatusFail}},
		{"none public", Observed(OtherSnapshots{Checked: 3}), []Status{StatusPass}},
		{"past the cap", Observed(OtherSnapshots{Checked: 100, Truncated: true}), []Status{StatusError}},
		{"unreadable", Unknown[OtherSnapshots]("rds DescribeDBSnapshots: AccessDenied"), []Status{StatusError}},
		{"none", Observed(OtherSnapshots{}), nil},
	} {
		st := &State{AccountID: "123456789012", Regional: []RegionState{{Name: "us-east-1", Databases: Observed([]Database{}), OtherSnapshots: c.other}}}
		var got []Status
		for _, r := range evalRDSSnapshotsNotPublic(st) {
			got = append(got, r.Status)
		}
		if len(got) != len(c.want) || (len(got) > 0 && got[0] != c.want[0]) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
