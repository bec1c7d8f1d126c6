package configchecks

import (
	"fmt"
	"strings"
)

// unusedCredentialDays is the CIS limit for unused credentials.
const unusedCredentialDays = 45

var _ = register(Check{
	ID:        "iam.unused_credentials",
	Title:     "Credentials unused for 45 days or more are disabled",
	Severity:  SeverityMedium,
	Category:  CategoryIAM,
	CIS:       []string{"5.0:1.11", "6.0:2.11", "7.0:2.11"},
	SOC2:      []string{"CC6.2", "CC6.3"},
	Rationale: "Passwords and access keys nobody uses are still valid ways in; removing them shrinks what an attacker can steal.",
	Remediation: Remediation{
		Console: "IAM console → Users → the user → Security credentials: remove the console password (Manage console access → Disable) and deactivate unused access keys.",
		CLI:     "aws iam delete-login-profile --user-name USER; aws iam update-access-key --user-name USER --access-key-id KEY --status Inactive",
	},
	Permissions: []string{"iam:GenerateCredentialReport", "iam:GetCredentialReport"},
	Evaluate:    evalUnusedCredentials,
})

// evalUnusedCredentials reports every non-root user with an enabled password or an
// active access key. A credential is unused when its last use (or, never used, its
// creation or last rotation) lies more than 45 days before the observation time.
func evalUnusedCredentials(st *State) []Result {
	rep := st.IAM.CredentialReport
	if !rep.Known {
		return []Result{unknownResult(st.AccountARN(), GlobalRegion, "the IAM credential report", rep.Reason())}
	}
	var out []Result
	for _, r := range rep.Value {
		if r.IsRoot() {
			continue
		}
		var stale []string
		e := ev{"user": r.User}
		has := false
		if r.HasPassword() {
			has = true
			ref := firstTime(r.PasswordLastUsed, r.PasswordLastChanged, r.UserCreationTime)
			e["password_last_used"] = r.PasswordLastUsed
			if ref != nil && olderThan(st, *ref, unusedCredentialDays) {
				stale = append(stale, fmt.Sprintf("console password unused for %d days", ageDays(st, *ref)))
			}
		}
		for i, k := range r.AccessKeys {
			if !k.Active {
				continue
			}
			has = true
			ref := firstTime(k.LastUsed, k.LastRotated)
			e[fmt.Sprintf("access_key_%d_last_used", i+1)] = k.LastUsed
			e[fmt.Sprintf("access_key_%d_last_rotated", i+1)] = k.LastRotated
			if ref != nil && olderThan(st, *ref, unusedCredentialDays) {
				stale = append(stale, fmt.Sprintf("access key %d unused for %d days", i+1, ageDays(st, *ref)))
			}
		}
		if !has {
			continue
		}
		if len(stale) > 0 {
			e["stale"] = stale
			out = append(out, result(StatusFail, r.ARN, GlobalRegion, e, "User %s has enabled credentials unused for %d days or more: %s.",
				r.User, unusedCredentialDays, strings.Join(stale, ", ")))
		} else {
			out = append(out, result(StatusPass, r.ARN, GlobalRegion, e, "No enabled credential of user %s has gone unused for %d days "+
				"(one never used counts from when it was set).", r.User, unusedCredentialDays))
		}
	}
	return append(out, usersNotInReport(st, rep.Value)...)
}
