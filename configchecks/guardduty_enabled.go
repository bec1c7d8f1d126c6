package configchecks

import "strings"

var _ = register(Check{
	ID:       "guardduty.enabled",
	Title:    "GuardDuty is enabled in every region",
	Severity: SeverityHigh,
	Category: CategoryThreat,
	SOC2:     []string{"CC6.8", "CC7.2", "CC7.3", "CC7.4", "CC7.5"},
	Rationale: "GuardDuty watches CloudTrail, VPC flow logs and DNS logs for compromised credentials, crypto-mining, " +
		"data exfiltration and malware; a region without a detector is a region where an attacker goes unseen.",
	Remediation: Remediation{
		Console: "GuardDuty console (in each region) → Get started → Enable GuardDuty (or enable it for the organization from the delegated administrator).",
		CLI:     "aws guardduty create-detector --enable --region REGION",
	},
	Permissions: []string{"guardduty:ListDetectors", "guardduty:GetDetector"},
	Evaluate: func(st *State) []Result {
		return forEachRegion(st, "guardduty", "the GuardDuty detectors", func(rs *RegionState) Attr[[]GuardDutyDetector] { return rs.GuardDuty },
			func(rs *RegionState, ds []GuardDutyDetector) []Result {
				arn := st.RegionalAccountARN("guardduty", rs.Name)
				var enabled []string
				for _, d := range ds {
					if strings.EqualFold(d.Status, "ENABLED") {
						enabled = append(enabled, d.ID)
					}
				}
				e := ev{"detectors": ds}
				switch {
				case len(enabled) > 0:
					return []Result{result(StatusPass, arn, rs.Name, e, "GuardDuty detector %s is enabled in %s.", enabled[0], rs.Name)}
				case len(ds) > 0:
					return []Result{result(StatusFail, arn, rs.Name, e, "GuardDuty detector %s in %s is suspended.", ds[0].ID, rs.Name)}
				}
				return []Result{result(StatusFail, arn, rs.Name, e, "GuardDuty has no detector in %s.", rs.Name)}
			})
	},
})
