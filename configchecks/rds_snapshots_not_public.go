package configchecks

import (
	"fmt"
	"strings"
)

var _ = register(Check{
	ID:       "rds.snapshots_not_public",
	Title:    "Manual RDS and Aurora snapshots are not public",
	Severity: SeverityCritical,
	Category: CategoryData,
	SOC2:     []string{"CC6.1", "CC6.7", "C1.1"},
	Rationale: "A public snapshot can be restored by any AWS account, handing over a full copy of the database. Cairn reads the manual " +
		"snapshots of every database it evaluates and also those of deleted databases and of engines it does not read (Oracle, SQL Server, Db2), " +
		"which outlive the database they copy.",
	Remediation: Remediation{
		Console: "RDS console → Snapshots → Manual → the snapshot → Actions → Share snapshot: DB snapshot visibility Private → Save.",
		CLI:     "aws rds modify-db-snapshot-attribute --db-snapshot-identifier SNAP --attribute-name restore --values-to-remove all\naws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier SNAP --attribute-name restore --values-to-remove all",
	},
	Permissions: append([]string{"rds:DescribeDBSnapshots", "rds:DescribeDBSnapshotAttributes", "rds:DescribeDBClusterSnapshots", "rds:DescribeDBClusterSnapshotAttributes"}, rdsPermissions...),
	Evaluate:    evalRDSSnapshotsNotPublic,
})

// evalRDSSnapshotsNotPublic reports every database, then, per region, the manual
// snapshots of the other databases (deleted, or of engines Cairn does not read):
// FAIL for each public one, one PASS when none is, ERROR when they could not all
// be read.
func evalRDSSnapshotsNotPublic(st *State) []Result {
	out := forEachResource(st, "rds", "the RDS instances and clusters", databases, func(rs *RegionState, d Database) Result {
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
	for i := range st.Regional {
		rs := &st.Regional[i]
		other := rs.OtherSnapshots
		arn := st.RegionalAccountARN("rds", rs.Name)
		switch {
		case !rs.Databases.Known:
			// forEachResource reported the region unknown already.
		case !other.Known:
			out = append(out, unknownResult(arn, rs.Name, "the manual snapshots of other databases (deleted, or of engines Cairn does not read) in "+rs.Name, other.Reason()))
		case len(other.Value.Public) > 0:
			for _, sn := range other.Value.Public {
				out = append(out, result(StatusFail, sn.ARN, rs.Name, ev{"snapshot": sn.ID, "kind": sn.Kind, "source_db": sn.SourceDB},
					"Manual snapshot %s of %s, a database not evaluated above (deleted, or of an engine Cairn does not read), is restorable by any AWS account.", sn.ID, sn.SourceDB))
			}
		case other.Value.Truncated:
			out = append(out, unknownResult(arn, rs.Name, "the sharing of the manual snapshots of other databases in "+rs.Name,
				fmt.Sprintf("only the first %d were checked", other.Value.Checked)))
		case other.Value.Checked > 0:
			out = append(out, result(StatusPass, arn, rs.Name, ev{"snapshots_checked": other.Value.Checked},
				"None of the %d manual snapshots of other databases (deleted, or of engines Cairn does not read) in %s is public.", other.Value.Checked, rs.Name))
		}
	}
	return out
}
