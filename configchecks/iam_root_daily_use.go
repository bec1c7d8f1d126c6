package configchecks

import (
	"fmt"
	"strings"
	"time"
)

// rootRecentUseDays is the window in which any use of the root user's password or
// access keys is reported: the root user is for the few tasks only it can do.
const rootRecentUseDays = 7

var _ = register(Check{
	ID:       "iam.root_daily_use",
	Title:    "The root user was not used in the last 7 days",
	Severity: SeverityHigh,
	Category: CategoryIAM,
	CIS:      []string{"5.0:1.6", "6.0:2.6", "7.0:2.7"},
	SOC2:     []string{"CC6.1", "CC6.2", "CC6.3"},
	Rationale: "The root user cannot be limited by any policy; using it for daily work exposes its credentials far more " +
		"often than the handful of tasks that need it. Recent root use means administrators work as root.",
	Remediation: Remediation{
		Console: "Create IAM Identity Center users or IAM roles for administration, stop signing in as root, and delete any root access keys (Security credentials while signed in as root). Review CloudTrail for the root activity found.",
		CLI:     "aws iam generate-credential-report; aws iam get-credential-report (read <root_account>: password_last_used, access_key_N_last_used_date)",
	},
	Permissions: []string{"iam:GenerateCredentialReport", "iam:GetCredentialReport"},
	Evaluate:    evalRootDailyUse,
})

// evalRootDailyUse fails when the credential report's root row shows the password or
// an access key used within rootRecentUseDays of the observation time.
func evalRootDailyUse(st *State) []Result {
	arn := st.AccountARN()
	rep := st.IAM.CredentialReport
	root, ok := rootRow(rep)
	if !ok {
		return []Result{unknownResult(arn, GlobalRegion, "the credential report's root row", reportReason(rep))}
	}
	e := ev{"password_last_used": root.PasswordLastUsed,
		"access_key_1_last_used": root.AccessKeys[0].LastUsed, "access_key_2_last_used": root.AccessKeys[1].LastUsed}
	var recent []string
	check := func(what string, t *time.Time) {
		if t != nil && !olderThan(st, *t, rootRecentUseDays) {
			recent = append(recent, fmt.Sprintf("%s on %s", what, t.UTC().Format("2006-01-02")))
		}
	}
	check("password used", root.PasswordLastUsed)
	check("access key 1 used", root.AccessKeys[0].LastUsed)
	check("access key 2 used", root.AccessKeys[1].LastUsed)
	if len(recent) > 0 {
		return []Result{result(StatusFail, arn, GlobalRegion, e, "The root user was used in the last %d days: %s.", rootRecentUseDays, strings.Join(recent, ", "))}
	}
	return []Result{result(StatusPass, arn, GlobalRegion, e, "The root user's password and access keys were not used in the last %d days.", rootRecentUseDays)}
}
