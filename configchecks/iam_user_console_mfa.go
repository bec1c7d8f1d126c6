package configchecks

import "time"

var _ = register(Check{
	ID:        "iam.user_console_mfa",
	Title:     "Every IAM user with a console password has MFA",
	Severity:  SeverityHigh,
	Category:  CategoryIAM,
	CIS:       []string{"5.0:1.9", "6.0:2.9", "7.0:2.10"},
	SOC2:      []string{"CC6.1", "CC6.2"},
	Rationale: "A console password alone is one phishing email away from compromise; MFA adds a factor the attacker does not have.",
	Remediation: Remediation{
		Console: "IAM console → Users → the user → Security credentials → Assign MFA device.",
		CLI:     "aws iam create-virtual-mfa-device --virtual-mfa-device-name NAME --outfile qr.png --bootstrap-method QRCodePNG; aws iam enable-mfa-device --user-name USER --serial-number ARN --authentication-code1 C1 --authentication-code2 C2",
	},
	Permissions: []string{"iam:GenerateCredentialReport", "iam:GetCredentialReport"},
	Evaluate:    evalUserConsoleMFA,
})

// evalUserConsoleMFA reports every non-root user of the credential report that has a
// console password: PASS with MFA, FAIL without.
func evalUserConsoleMFA(st *State) []Result {
	rep := st.IAM.CredentialReport
	if !rep.Known {
		return []Result{unknownResult(st.AccountARN(), GlobalRegion, "the IAM credential report", rep.Reason())}
	}
	var out []Result
	for _, r := range rep.Value {
		if r.IsRoot() || !r.HasPassword() {
			continue
		}
		e := ev{"user": r.User, "password_enabled": r.PasswordEnabled, "mfa_active": r.MFAActive}
		if r.MFAActive {
			out = append(out, result(StatusPass, r.ARN, GlobalRegion, e, "User %s has a console password and MFA.", r.User))
		} else {
			out = append(out, result(StatusFail, r.ARN, GlobalRegion, e, "User %s has a console password but no MFA device.", r.User))
		}
	}
	return append(out, usersNotInReport(st, rep.Value)...)
}

// usersNotInReport returns an ERROR for each IAM user (ListUsers) that the credential
// report does not list: IAM reuses a report for up to four hours, so users created
// since are missing from it, and the checks that read their passwords and keys from
// the report cannot evaluate them. None when the user list is unknown.
func usersNotInReport(st *State, rows []CredentialReportRow) []Result {
	if !st.IAM.Users.Known {
		return nil
	}
	listed := map[string]bool{}
	for _, r := range rows {
		listed[r.ARN] = true
	}
	generated := "an unknown time"
	if t := st.IAM.CredentialReportGeneratedAt; t != nil {
		generated = t.UTC().Format(time.RFC3339)
	}
	var out []Result
	for _, u := range st.IAM.Users.Value {
		if !listed[u.ARN] {
			out = append(out, unknownResult(u.ARN, GlobalRegion, "the credentials of user "+u.Name,
				"not in the IAM credential report generated at "+generated+" (IAM reuses a report for up to 4 hours)"))
		}
	}
	return out
}
