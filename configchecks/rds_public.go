package configchecks

var _ = register(Check{
	ID:        "rds.not_publicly_accessible",
	Title:     "RDS instances and Aurora clusters are not publicly accessible",
	Severity:  SeverityHigh,
	Category:  CategoryData,
	CIS:       []string{"5.0:2.2.3", "6.0:3.2.3", "7.0:3.2.3"},
	SOC2:      []string{"CC6.1", "CC6.6", "C1.1"},
	Rationale: "A publicly accessible database gets a public DNS name and address; one security group rule or route away from the internet, its login is the only barrier left.",
	Remediation: Remediation{
		Console: "RDS console → Databases → the instance (for Aurora: each instance) → Modify → Connectivity → Additional configuration: Not publicly accessible → Apply immediately.",
		CLI:     "aws rds modify-db-instance --db-instance-identifier DB --no-publicly-accessible --apply-immediately",
	},
	Permissions: append([]string{"ec2:DescribeSecurityGroups", "ec2:DescribeRouteTables", "rds:DescribeDBSubnetGroups"}, rdsPermissions...),
	Evaluate: func(st *State) []Result {
		return forEachResource(st, "rds", "the RDS instances and clusters", databases, func(rs *RegionState, d Database) Result {
			e := dbEvidence(d)
			e["publicly_accessible"] = d.PubliclyAccessible
			if d.Reachability.Known {
				e["reachable_from_internet"], e["reachability"] = d.Reachability.Value.Public, d.Reachability.Value.Reason
			} else {
				e["reachability_unknown"] = d.Reachability.Reason()
			}
			if d.ExposureNote != "" {
				e["exposure_note"] = d.ExposureNote
			}
			if !d.PubliclyAccessible {
				return result(StatusPass, d.ARN, rs.Name, e, "%s is not publicly accessible.", dbLabel(d))
			}
			if d.ExposureNote != "" {
				return result(StatusFail, d.ARN, rs.Name, e, "%s is publicly accessible (%s).", dbLabel(d), d.ExposureNote)
			}
			if d.Reachability.Known && d.Reachability.Value.Public {
				return result(StatusFail, d.ARN, rs.Name, e, "%s is publicly accessible and exposed: %s.", dbLabel(d), d.Reachability.Value.Reason)
			}
			return result(StatusFail, d.ARN, rs.Name, e, "%s is publicly accessible.", dbLabel(d))
		})
	},
})
