package configchecks

import "strings"

var _ = register(Check{
	ID:       "iam.access_analyzer",
	Title:    "IAM Access Analyzer for external access is enabled in every region",
	Severity: SeverityMedium,
	Category: CategoryIAM,
	CIS:      []string{"5.0:1.19", "6.0:2.19", "7.0:2.18"},
	SOC2:     []string{"CC6.1", "CC6.3", "CC7.2"},
	Rationale: "An external access analyzer continuously finds resources (buckets, keys, roles, queues …) shared outside the " +
		"account or organization; without one in a region, accidental public or cross-account access there goes unnoticed.",
	Remediation: Remediation{
		Console: "IAM console (in each region) → Access analyzer → Analyzer settings → Create analyzer: type External access, zone of trust the account or the organization.",
		CLI:     "aws accessanalyzer create-analyzer --analyzer-name external-access --type ACCOUNT --region REGION",
	},
	Permissions: []string{"access-analyzer:ListAnalyzers"},
	Evaluate: func(st *State) []Result {
		return forEachRegion(st, "access-analyzer", "the IAM Access Analyzer analyzers", func(rs *RegionState) Attr[[]AccessAnalyzer] { return rs.AccessAnalyzers },
			func(rs *RegionState, as []AccessAnalyzer) []Result {
				arn := st.RegionalAccountARN("access-analyzer", rs.Name)
				var active []string
				for _, a := range as {
					if a.Status == "ACTIVE" && (a.Type == "ACCOUNT" || a.Type == "ORGANIZATION") {
						active = append(active, a.Name)
					}
				}
				e := ev{"analyzers": as, "active_external_access": active}
				if len(active) > 0 {
					return []Result{result(StatusPass, arn, rs.Name, e, "IAM Access Analyzer has an active external access analyzer in %s (%s).", rs.Name, strings.Join(active, ", "))}
				}
				return []Result{result(StatusFail, arn, rs.Name, e, "IAM Access Analyzer has no active external access analyzer in %s.", rs.Name)}
			})
	},
})
