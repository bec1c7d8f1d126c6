package configchecks

var _ = register(Check{
	ID:        "iam.password_min_length",
	Title:     "The IAM password policy requires at least 14 characters",
	Severity:  SeverityMedium,
	Category:  CategoryIAM,
	CIS:       []string{"5.0:1.7", "6.0:2.7", "7.0:2.8"},
	SOC2:      []string{"CC6.1"},
	Rationale: "Long passwords resist guessing and brute force. Without a policy, IAM accepts passwords of 8 characters.",
	Remediation: Remediation{
		Console: "IAM console → Account settings → Password policy → Edit: set Minimum password length to 14 or more.",
		CLI:     "aws iam update-account-password-policy --minimum-password-length 14 (repeat the other settings you keep: the call replaces the whole policy)",
	},
	Permissions: []string{"iam:GetAccountPasswordPolicy"},
	Evaluate: func(st *State) []Result {
		return evalPasswordPolicy(st, "minimum length", func(p PasswordPolicy) (bool, any) {
			return p.MinimumPasswordLength >= 14, p.MinimumPasswordLength
		}, "requires at least 14 characters", "allows passwords shorter than 14 characters")
	},
})

// evalPasswordPolicy evaluates one property of the account password policy. ok
// returns whether the policy meets the requirement and the value observed.
func evalPasswordPolicy(st *State, what string, ok func(PasswordPolicy) (bool, any), passText, failText string) []Result {
	arn := st.AccountARN()
	pp := st.IAM.PasswordPolicy
	if !pp.Known {
		return []Result{unknownResult(arn, GlobalRegion, "the account password policy", pp.Reason())}
	}
	if pp.Value == nil {
		return []Result{result(StatusFail, arn, GlobalRegion, ev{"password_policy": nil},
			"The account has no password policy, so nothing sets its %s.", what)}
	}
	good, v := ok(*pp.Value)
	e := ev{"password_policy": pp.Value, "observed": v}
	if good {
		return []Result{result(StatusPass, arn, GlobalRegion, e, "The password policy %s (%v).", passText, v)}
	}
	return []Result{result(StatusFail, arn, GlobalRegion, e, "The password policy %s (%v).", failText, v)}
}
