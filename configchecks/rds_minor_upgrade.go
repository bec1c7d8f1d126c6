package configchecks

var _ = register(Check{
	ID:        "rds.auto_minor_version_upgrade",
	Title:     "RDS instances and Aurora clusters apply minor engine upgrades automatically",
	Severity:  SeverityLow,
	Category:  CategoryData,
	CIS:       []string{"5.0:2.2.2", "6.0:3.2.2", "7.0:3.2.2"},
	SOC2:      []string{"CC7.1", "CC8.1"},
	Rationale: "Minor engine versions carry security fixes; with automatic minor version upgrade they are applied in the maintenance window instead of waiting for someone to schedule them.",
	Remediation: Remediation{
		Console: "RDS console → Databases → the instance (for Aurora: each instance of the cluster) → Modify → Maintenance: Enable auto minor version upgrade → Continue → Apply during the next maintenance window.",
		CLI:     "aws rds modify-db-instance --db-instance-identifier DB --auto-minor-version-upgrade --no-apply-immediately",
	},
	Permissions: rdsPermissions,
	Evaluate: func(st *State) []Result {
		return forEachResource(st, "rds", "the RDS instances and clusters", databases, func(rs *RegionState, d Database) Result {
			e := dbEvidence(d)
			e["auto_minor_version_upgrade"] = d.AutoMinorVersionUpgrade
			if !d.AutoMinorVersionUpgrade {
				return result(StatusFail, d.ARN, rs.Name, e, "%s does not upgrade minor engine versions automatically (on a cluster: not every instance does).", dbLabel(d))
			}
			return result(StatusPass, d.ARN, rs.Name, e, "%s upgrades minor engine versions automatically.", dbLabel(d))
		})
	},
})
