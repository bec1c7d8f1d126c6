package configchecks

import "strings"

var _ = register(Check{
	ID:        "rds.multi_az",
	Title:     "RDS instances and Aurora clusters are deployed across availability zones",
	Severity:  SeverityMedium,
	Category:  CategoryAvailability,
	CIS:       []string{"5.0:2.2.4", "6.0:3.2.4", "7.0:3.2.4"},
	SOC2:      []string{"A1.1", "A1.2", "CC9.1"},
	Rationale: "A Multi-AZ deployment keeps a standby (or, for Aurora, a replica) in another availability zone and fails over to it automatically, so the loss of one zone does not take the database down. The benchmark asks for it on production databases; Cairn cannot tell production from the rest and reports every database.",
	Remediation: Remediation{
		Console: "RDS console → Databases → the instance → Modify → Availability & durability: Create a standby instance → Apply during the next maintenance window. For Aurora: Actions → Add reader, in another availability zone.",
		CLI:     "aws rds modify-db-instance --db-instance-identifier DB --multi-az --no-apply-immediately\naws rds create-db-instance --db-instance-identifier DB-reader --db-cluster-identifier CLUSTER --engine ENGINE --db-instance-class CLASS --availability-zone OTHER_AZ",
	},
	Permissions: rdsPermissions,
	Evaluate: func(st *State) []Result {
		return forEachResource(st, "rds", "the RDS instances and clusters", databases, func(rs *RegionState, d Database) Result {
			e := dbEvidence(d)
			e["multi_az"], e["availability_zones"] = d.MultiAZ, d.AvailabilityZones
			if !d.MultiAZ {
				return result(StatusFail, d.ARN, rs.Name, e, "%s runs in a single availability zone (%s).", dbLabel(d), strings.Join(d.AvailabilityZones, ", "))
			}
			return result(StatusPass, d.ARN, rs.Name, e, "%s is a Multi-AZ deployment.", dbLabel(d))
		})
	},
})
