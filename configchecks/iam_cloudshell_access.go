package configchecks

var _ = register(Check{
	ID:       "iam.cloudshell_full_access",
	Title:    "AWSCloudShellFullAccess is attached to no one",
	Severity: SeverityMedium,
	Category: CategoryIAM,
	CIS:      []string{"5.0:1.21", "6.0:2.21", "7.0:2.20"},
	SOC2:     []string{"CC6.3", "CC6.7"},
	Rationale: "AWSCloudShellFullAccess allows uploading and downloading files to CloudShell, a path for moving data out " +
		"of the account that bypasses other controls.",
	Remediation: Remediation{
		Console: "IAM console → Policies → AWSCloudShellFullAccess → Entities attached: detach it from every user, group and role; grant a narrower CloudShell policy where needed.",
		CLI:     "aws iam detach-user-policy|detach-group-policy|detach-role-policy ... --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess",
	},
	Permissions: []string{"iam:ListEntitiesForPolicy"},
	Evaluate: func(st *State) []Result {
		return evalPolicyEntities(st, PolicyAWSCloudShellFullAccess, false)
	},
})
