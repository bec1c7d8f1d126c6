package configchecks

import (
	"fmt"
	"strings"
)

// setupWindow is how soon after a user's creation an access key counts as created
// during the initial set-up.
const setupWindow = day

var _ = register(Check{
	ID:       "iam.no_keys_at_setup",
	Title:    "Console users have no unused access key created during their initial set-up",
	Severity: SeverityLow,
	Category: CategoryIAM,
	CIS:      []string{"5.0:1.10", "6.0:2.10"},
	SOC2:     []string{"CC6.2", "CC6.3"},
	Rationale: "Access keys created by default with a console user are usually never needed; they are long-lived " +
		"credentials nobody watches. Keys should be created only when a workload needs one.",
	Remediation: Remediation{
		Console: "IAM console → Users → the user → Security credentials → Access keys: deactivate and delete the unused key.",
		CLI:     "aws iam delete-access-key --user-name USER --access-key-id KEY",
	},
	Permissions: []string{"iam:GenerateCredentialReport", "iam:GetCredentialReport"},
	Evaluate:    evalNoKeysAtSetup,
})

// evalNoKeysAtSetup reports every non-root user with a console password: FAIL when an
// active access key was created within setupWindow of the user and never used.
func evalNoKeysAtSetup(st *State) []Result {
	rep := st.IAM.CredentialReport
	if !rep.Known {
		return []Result{unknownResult(st.AccountARN(), GlobalRegion, "the IAM credential report", rep.Reason())}
	}
	var out []Result
	for _, r := range rep.Value {
		if r.IsRoot() || !r.HasPassword() {
			continue
		}
		e := ev{"user": r.User, "user_creation_time": r.UserCreationTime}
		var bad []string
		for i, k := range r.AccessKeys {
			e[fmt.Sprintf("access_key_%d_active", i+1)] = k.Active
			e[fmt.Sprintf("access_key_%d_last_rotated", i+1)] = k.LastRotated
			e[fmt.Sprintf("access_key_%d_last_used", i+1)] = k.LastUsed
			if !k.Active || k.LastUsed != nil || k.LastRotated == nil || r.UserCreationTime == nil {
				continue
			}
			if k.LastRotated.Sub(*r.UserCreationTime) <= setupWindow {
				bad = append(bad, fmt.Sprintf("access key %d", i+1))
			}
		}
		if len(bad) > 0 {
			out = append(out, result(StatusFail, r.ARN, GlobalRegion, e, "User %s has a console password and %s created with the user and never used.",
				r.User, strings.Join(bad, " and ")))
		} else {
			out = append(out, result(StatusPass, r.ARN, GlobalRegion, e, "User %s has a console password and no unused access key from its set-up.", r.User))
		}
	}
	return append(out, usersNotInReport(st, rep.Value)...)
}
