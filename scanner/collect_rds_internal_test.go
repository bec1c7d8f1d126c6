package scanner

import "testing"

// TestDatabaseOfCluster checks how an Aurora cluster's posture becomes the checks'
// model: minor upgrades only when every member has them, Multi-AZ when members span
// zones, unknown reachability and snapshot sharing kept unknown.
func TestDatabaseOfCluster(t *testing.T) {
	tg := &dbTarget{id: "aurora", arn: "arn:aws:rds:us-east-1:123456789012:cluster:aurora", kind: "cluster", engine: "aurora-postgresql"}
	p := &DBPosture{Members: []DBMember{
		{ID: "a1", AvailabilityZone: "us-east-1a", AutoMinorVersionUpgrade: true},
		{ID: "a2", AvailabilityZone: "us-east-1b", AutoMinorVersionUpgrade: false},
	}, PublicReason: "UNKNOWN: publicly accessible; security groups unreadable", SnapshotError: "rds DescribeDBClusterSnapshots: AccessDenied"}
	d := databaseOf(tg, p)
	if d.AutoMinorVersionUpgrade || !d.MultiAZ || len(d.AvailabilityZones) != 2 {
		t.Errorf("cluster: %+v", d)
	}
	if d.Reachability.Known || d.PublicSnapshots.Known || d.PublicSnapshots.Err != p.SnapshotError {
		t.Errorf("unknowns not kept: %+v %+v", d.Reachability, d.PublicSnapshots)
	}
	capped := &DBPosture{SnapshotsChecked: 100, SnapshotsTruncated: true}
	if d := databaseOf(tg, capped); d.PublicSnapshots.Known {
		t.Errorf("snapshots past the cap: %+v, want unknown", d.PublicSnapshots)
	}
	p.Members[1].AutoMinorVersionUpgrade = true
	p.Members = p.Members[1:]
	if d := databaseOf(tg, p); !d.AutoMinorVersionUpgrade || d.MultiAZ {
		t.Errorf("single-zone cluster with upgrades: %+v", d)
	}
}
