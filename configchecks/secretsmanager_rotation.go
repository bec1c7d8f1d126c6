package configchecks

var _ = register(Check{
	ID:       "secretsmanager.rotation",
	Title:    "Secrets Manager secrets have automatic rotation enabled",
	Severity: SeverityMedium,
	Category: CategoryIAM,
	SOC2:     []string{"CC6.1", "CC6.2", "CC6.3"},
	Rationale: "A secret that never changes stays valid for as long as anyone who ever read it keeps a copy; automatic " +
		"rotation bounds how long a leaked database password or API key works.",
	Remediation: Remediation{
		Console: "Secrets Manager console → the secret → Rotation → Edit rotation: turn on automatic rotation, choose a schedule and a rotation function.",
		CLI:     "aws secretsmanager rotate-secret --secret-id NAME --rotation-lambda-arn FUNCTION_ARN --rotation-rules AutomaticallyAfterDays=90",
	},
	Permissions: []string{"secretsmanager:ListSecrets"},
	Evaluate: func(st *State) []Result {
		return forEachRegion(st, "secretsmanager", "the Secrets Manager secrets", func(rs *RegionState) Attr[[]Secret] { return rs.Secrets },
			func(rs *RegionState, ss []Secret) []Result {
				var out []Result
				for _, s := range ss {
					e := ev{"secret": s.Name, "rotation_enabled": s.RotationEnabled, "last_rotated": s.LastRotated}
					if s.RotationEnabled {
						out = append(out, result(StatusPass, s.ARN, rs.Name, e, "Secret %s has automatic rotation enabled.", s.Name))
					} else {
						out = append(out, result(StatusFail, s.ARN, rs.Name, e, "Secret %s has no automatic rotation.", s.Name))
					}
				}
				return out
			})
	},
})
