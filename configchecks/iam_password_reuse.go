package configchecks

var _ = register(Check{
	ID:        "iam.password_reuse",
	Title:     "The IAM password policy prevents reuse of the last 24 passwords",
	Severity:  SeverityMedium,
	Category:  CategoryIAM,
	CIS:       []string{"5.0:1.8", "6.0:2.8", "7.0:2.9"},
	SOC2:      []string{"CC6.1"},
	Rationale: "Preventing reuse stops users from cycling back to a password that may already be compromised.",
	Remediation: Remediation{
		Console: "IAM console → Account settings → Password policy → Edit: check Prevent password reuse and set 24.",
		CLI:     "aws iam update-account-password-policy --password-reuse-prevention 24 (repeat the other settings you keep)",
	},
	Permissions: []string{"iam:GetAccountPasswordPolicy"},
	Evaluate: func(st *State) []Result {
		return evalPasswordPolicy(st, "password reuse prevention", func(p PasswordPolicy) (bool, any) {
			return p.PasswordReusePrevention >= 24, p.PasswordReusePrevention
		}, "remembers at least the last 24 passwords", "remembers fewer than the last 24 passwords")
	},
})
