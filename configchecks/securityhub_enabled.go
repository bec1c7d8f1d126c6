package configchecks

var _ = register(Check{
	ID:       "securityhub.enabled",
	Title:    "AWS Security Hub is enabled in every region",
	Severity: SeverityMedium,
	Category: CategoryThreat,
	CIS:      []string{"5.0:4.16", "6.0:5.16", "7.0:5.16"},
	SOC2:     []string{"CC7.1", "CC7.2", "CC7.3"},
	Rationale: "Security Hub gathers the findings of GuardDuty, Inspector, Macie, Access Analyzer and its own standard checks in " +
		"one place, so security events are seen, triaged and followed up.",
	Remediation: Remediation{
		Console: "Security Hub console (in each region) → Go to Security Hub → Enable Security Hub (or enable it for the organization from the delegated administrator).",
		CLI:     "aws securityhub enable-security-hub --enable-default-standards --region REGION",
	},
	Permissions: []string{"securityhub:DescribeHub"},
	Evaluate: func(st *State) []Result {
		return forEachRegion(st, "securityhub", "the Security Hub subscription", func(rs *RegionState) Attr[SecurityHub] { return rs.SecurityHub },
			func(rs *RegionState, h SecurityHub) []Result {
				arn := st.RegionalAccountARN("securityhub", rs.Name)
				e := ev{"enabled": h.Enabled, "hub_arn": h.HubARN}
				if h.Enabled {
					return []Result{result(StatusPass, arn, rs.Name, e, "Security Hub is enabled in %s.", rs.Name)}
				}
				return []Result{result(StatusFail, arn, rs.Name, e, "Security Hub is not enabled in %s.", rs.Name)}
			})
	},
})
