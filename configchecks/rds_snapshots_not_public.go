package configchecks

import "strings"

var _ = register(Check{
	ID:        "rds.snapshots_not_public",
	Title:     "Manual RDS and Aurora snapshots are not public",
	Severity:  SeverityCritical,
	Category:  CategoryData,
	SOC2:      []string{"CC6.1", "CC6.7", "C1.1"},
	Rationale: "A public snapshot can be restored by any AWS account, handing over a full copy of the database.",
	Remediation: Remediation{
		Console: "RDS console → Snapshots → Manual → the snapshot → Actions → Share snapshot: DB snapshot visibility Private → Save.",
		CLI:     "aws rds modify-db-snapshot-attribute --db-snapshot-identifier SNAP --attribute-name restore --values-to-remove all\naws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier SNAP --attribute-name restore --values-to-remove all",
	},
	Permissions: append([]string{"rds:DescribeDBSnapshots", "rds:DescribeDBSnapshotAttributes", "rds:DescribeDBClusterSnapshots", "rds:DescribeDBClusterSnapshotAttributes"}, rdsPermissions...),
	Evaluate: func(st *State) []Result {
		return forEachResource(st, "rds", "the RDS instances and clusters", databases, func(rs *RegionState, d Database) Result {
			if !d.PublicSnapshots.Known {
				return unknownResult(d.ARN, rs.Name, "the snapshot sharing of "+dbLabel(d), d.PublicSnapshots.Reason())
			}
			e := dbEvidence(d)
			e["public_snapshots"] = d.PublicSnapshots.Value
			if len(d.PublicSnapshots.Value) > 0 {
				return result(StatusFail, d.ARN, rs.Name, e, "Manual snapshots of %s are restorable by any AWS account: %s.", dbLabel(d), strings.Join(d.PublicSnapshots.Value, ", "))
			}
			return result(StatusPass, d.ARN, rs.Name, e, "No manual snapshot of %s is public.", dbLabel(d))
		})
	},
})
