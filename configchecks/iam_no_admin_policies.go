package configchecks

import "strings"

var _ = register(Check{
	ID:        "iam.no_admin_policies",
	Title:     "No attached customer managed policy allows \"*:*\" administrative privileges",
	Severity:  SeverityHigh,
	Category:  CategoryIAM,
	CIS:       []string{"5.0:1.15", "6.0:2.15", "7.0:2.14"},
	SOC2:      []string{"CC6.3"},
	Rationale: "A policy allowing every action on every resource defeats least privilege; start from the minimum and add what is needed.",
	Remediation: Remediation{
		Console: "IAM console → Policies → the policy → Entities attached: detach it from every user, group and role, then grant narrower policies.",
		CLI:     "aws iam list-entities-for-policy --policy-arn ARN; aws iam detach-user-policy|detach-group-policy|detach-role-policy ... --policy-arn ARN",
	},
	Permissions: []string{"iam:ListPolicies", "iam:GetPolicyVersion"},
	Evaluate:    evalNoAdminPolicies,
})

// evalNoAdminPolicies reports every attached customer managed policy: FAIL when its
// default version allows Action "*" on Resource "*".
func evalNoAdminPolicies(st *State) []Result {
	ps := st.IAM.Policies
	if !ps.Known {
		return []Result{unknownResult(st.AccountARN(), GlobalRegion, "the customer managed policies", ps.Reason())}
	}
	var out []Result
	for _, p := range ps.Value {
		if !p.Document.Known {
			out = append(out, unknownResult(p.ARN, GlobalRegion, "the default version of policy "+p.Name, p.Document.Reason()))
			continue
		}
		stmts, err := fullAdminStatements(p.Document.Value)
		if err != nil {
			out = append(out, unknownResult(p.ARN, GlobalRegion, "the default version of policy "+p.Name, "malformed policy document"))
			continue
		}
		e := ev{"policy": p.Name, "default_version": p.DefaultVersionID, "attachment_count": p.AttachmentCount, "full_admin_statements": stmts}
		if len(stmts) > 0 {
			out = append(out, result(StatusFail, p.ARN, GlobalRegion, e, "Policy %s is attached %d time(s) and allows \"*\" on \"*\" (%s).",
				p.Name, p.AttachmentCount, strings.Join(stmts, ", ")))
		} else {
			out = append(out, result(StatusPass, p.ARN, GlobalRegion, e, "Policy %s does not allow \"*\" on \"*\".", p.Name))
		}
	}
	return out
}
