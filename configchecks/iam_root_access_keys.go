package configchecks

import (
	"fmt"
	"strings"
)

var _ = register(Check{
	ID:       "iam.root_access_keys",
	Title:    "No access key exists for the root user",
	Severity: SeverityCritical,
	Category: CategoryIAM,
	CIS:      []string{"5.0:1.3", "6.0:2.3", "7.0:2.4"},
	SOC2:     []string{"CC6.1", "CC6.2"},
	Rationale: "The root user can do anything in the account, including closing it. An access key for it is a " +
		"long-lived credential that cannot be restricted by any policy; losing it hands over the account.",
	Remediation: Remediation{
		Console: "Sign in as the root user, open Security credentials, and under Access keys deactivate and delete every key.",
		CLI:     "Root access keys cannot be deleted with IAM APIs run as another principal; sign in as root and delete them in the console.",
	},
	Permissions: []string{"iam:GetAccountSummary", "iam:GenerateCredentialReport", "iam:GetCredentialReport"},
	Evaluate:    evalRootAccessKeys,
})

// evalRootAccessKeys fails when the account summary counts root access keys or the
// credential report's root row shows a key, active or not (a key that exists has a
// last-rotated date; an inactive one can be activated again).
func evalRootAccessKeys(st *State) []Result {
	arn := st.AccountARN()
	sum, rep := st.IAM.Summary, st.IAM.CredentialReport
	root, hasRoot := rootRow(rep)
	if !sum.Known && !hasRoot {
		return []Result{unknownResult(arn, GlobalRegion, "the account summary and the credential report's root row",
			sum.Reason()+"; "+reportReason(rep))}
	}
	e := ev{}
	var found []string
	if sum.Known {
		n := sum.Value["AccountAccessKeysPresent"]
		e["AccountAccessKeysPresent"] = n
		if n > 0 {
			found = append(found, "the account summary counts it (AccountAccessKeysPresent)")
		}
	}
	if hasRoot {
		for i, k := range root.AccessKeys {
			e[fmt.Sprintf("access_key_%d_active", i+1)] = k.Active
			switch {
			case k.Active:
				found = append(found, fmt.Sprintf("the credential report shows key %d active", i+1))
			case k.LastRotated != nil:
				found = append(found, fmt.Sprintf("the credential report shows key %d inactive", i+1))
			}
		}
	}
	if len(found) > 0 {
		return []Result{result(StatusFail, arn, GlobalRegion, e, "The root user has an access key: %s.", strings.Join(found, "; "))}
	}
	return []Result{result(StatusPass, arn, GlobalRegion, e, "The root user has no access key.")}
}

// rootRow returns the credential report's <root_account> row, if the report is known
// and has one.
func rootRow(rep Attr[[]CredentialReportRow]) (CredentialReportRow, bool) {
	if !rep.Known {
		return CredentialReportRow{}, false
	}
	for _, r := range rep.Value {
		if r.IsRoot() {
			return r, true
		}
	}
	return CredentialReportRow{}, false
}

// reportReason says why the root row is not available.
func reportReason(rep Attr[[]CredentialReportRow]) string {
	if !rep.Known {
		return "credential report: " + rep.Reason()
	}
	return "credential report has no " + RootUserName + " row"
}
