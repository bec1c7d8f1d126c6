package configchecks

// minLogRetentionDays is the shortest retention accepted: a year of events covers
// a SOC 2 Type II observation period and most incident look-backs.
const minLogRetentionDays = 365

var _ = register(Check{
	ID:        "logs.retention_365",
	Title:     "CloudWatch Logs log groups keep events for at least 365 days",
	Severity:  SeverityLow,
	Category:  CategoryLogging,
	SOC2:      []string{"CC7.2", "CC4.1"},
	Rationale: "Logs deleted before an incident is discovered cannot show how it started; a year of retention covers a SOC 2 Type II period and the typical time to detect a breach. Never expire (no retention set) passes.",
	Remediation: Remediation{
		Console: "CloudWatch console → Log groups → the group → Actions → Edit retention setting: 1 year (or longer, or Never expire), Save.",
		CLI:     "aws logs put-retention-policy --log-group-name NAME --retention-in-days 365",
	},
	Permissions: []string{"logs:DescribeLogGroups"},
	Evaluate: func(st *State) []Result {
		return forEachRegion(st, "logs", "the CloudWatch Logs log groups", func(rs *RegionState) Attr[[]LogGroup] { return rs.LogGroups },
			func(rs *RegionState, gs []LogGroup) []Result {
				var out []Result
				for _, g := range gs {
					e := ev{"log_group": g.Name, "retention_in_days": g.RetentionDays}
					switch {
					case g.RetentionDays == 0:
						e["retention_in_days"] = nil
						out = append(out, result(StatusPass, g.ARN, rs.Name, e, "Log group %s keeps events forever (never expire).", g.Name))
					case g.RetentionDays >= minLogRetentionDays:
						out = append(out, result(StatusPass, g.ARN, rs.Name, e, "Log group %s keeps events for %d days.", g.Name, g.RetentionDays))
					default:
						out = append(out, result(StatusFail, g.ARN, rs.Name, e, "Log group %s keeps events for only %d days (fewer than %d).", g.Name, g.RetentionDays, minLogRetentionDays))
					}
				}
				return out
			})
	},
})
