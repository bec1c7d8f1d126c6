package configchecks

var _ = register(Check{
	ID:        "cloudtrail.log_file_validation",
	Title:     "CloudTrail log file validation is enabled",
	Severity:  SeverityMedium,
	Category:  CategoryLogging,
	CIS:       []string{"5.0:3.2", "6.0:4.2", "7.0:4.2"},
	SOC2:      []string{"CC7.2"},
	Rationale: "Validation adds signed digest files, so tampering with or deleting log files after delivery can be detected.",
	Remediation: Remediation{
		Console: "CloudTrail console → Trails → the trail → General details → Edit: enable Log file validation.",
		CLI:     "aws cloudtrail update-trail --name NAME --enable-log-file-validation",
	},
	Permissions: []string{"cloudtrail:DescribeTrails"},
	Evaluate: func(st *State) []Result {
		return forEachTrail(st, func(t Trail) Result {
			e := ev{"trail": t.Name, "LogFileValidationEnabled": t.LogFileValidation}
			if t.LogFileValidation {
				return result(StatusPass, t.ARN, t.HomeRegion, e, "Trail %s has log file validation enabled.", t.Name)
			}
			return result(StatusFail, t.ARN, t.HomeRegion, e, "Trail %s has log file validation disabled.", t.Name)
		})
	},
})

// forEachTrail evaluates every trail, plus one ERROR per region whose trails are
// unknown.
func forEachTrail(st *State, eval func(Trail) Result) []Result {
	trails, _ := allTrails(st)
	var out []Result
	for _, rs := range st.Regional {
		if !rs.Trails.Known {
			out = append(out, unknownResult(st.RegionalAccountARN("cloudtrail", rs.Name), rs.Name, "the CloudTrail trails of "+rs.Name, rs.Trails.Reason()))
		}
	}
	for _, t := range trails {
		out = append(out, eval(t))
	}
	return out
}
