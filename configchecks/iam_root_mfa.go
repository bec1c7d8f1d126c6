package configchecks

var _ = register(Check{
	ID:       "iam.root_mfa",
	Title:    "MFA is enabled for the root user",
	Severity: SeverityCritical,
	Category: CategoryIAM,
	CIS:      []string{"5.0:1.4", "6.0:2.4", "7.0:2.5"},
	SOC2:     []string{"CC6.1", "CC6.2"},
	Rationale: "With MFA, a stolen root password alone does not open the account. The root user cannot be " +
		"restricted by policies, so it needs the strongest sign-in protection.",
	Remediation: Remediation{
		Console: "Sign in as the root user, open Security credentials, choose Assign MFA device and register a device (a hardware key or passkey is preferred).",
		CLI:     "MFA for the root user is assigned in the console while signed in as root.",
	},
	Permissions: []string{"iam:GetAccountSummary", "iam:GenerateCredentialReport", "iam:GetCredentialReport"},
	Evaluate:    evalRootMFA,
})

// evalRootMFA passes when the account summary (AccountMFAEnabled) or the root row of
// the credential report says MFA is on and neither says it is off.
func evalRootMFA(st *State) []Result {
	arn := st.AccountARN()
	sum, rep := st.IAM.Summary, st.IAM.CredentialReport
	root, hasRoot := rootRow(rep)
	if !sum.Known && !hasRoot {
		return []Result{unknownResult(arn, GlobalRegion, "the account summary and the credential report's root row",
			sum.Reason()+"; "+reportReason(rep))}
	}
	e := ev{}
	enabled := true
	if sum.Known {
		n := sum.Value["AccountMFAEnabled"]
		e["AccountMFAEnabled"] = n
		enabled = enabled && n == 1
	}
	if hasRoot {
		e["mfa_active"] = root.MFAActive
		enabled = enabled && root.MFAActive
	}
	if !enabled {
		return []Result{result(StatusFail, arn, GlobalRegion, e, "MFA is not enabled for the root user.")}
	}
	return []Result{result(StatusPass, arn, GlobalRegion, e, "MFA is enabled for the root user.")}
}
