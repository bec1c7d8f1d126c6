package configchecks

import "strings"

// Names of the AWS managed policies whose attachments the checks read
// (IAMState.PolicyEntities keys).
const (
	PolicyAWSSupportAccess        = "AWSSupportAccess"
	PolicyAWSCloudShellFullAccess = "AWSCloudShellFullAccess"
)

// WatchedManagedPolicies lists the AWS managed policies whose attachments collectors
// must read into IAMState.PolicyEntities.
var WatchedManagedPolicies = []string{PolicyAWSSupportAccess, PolicyAWSCloudShellFullAccess}

var _ = register(Check{
	ID:        "iam.support_role",
	Title:     "A support role exists to manage incidents with AWS Support",
	Severity:  SeverityLow,
	Category:  CategoryIAM,
	CIS:       []string{"5.0:1.16", "6.0:2.16", "7.0:2.15"},
	SOC2:      []string{"CC7.4"},
	Rationale: "During an incident someone must be able to open AWS Support cases without using the root user or broad administrator rights.",
	Remediation: Remediation{
		Console: "IAM console → Roles → Create role: trust your account (or identity provider), attach AWSSupportAccess.",
		CLI:     "aws iam create-role --role-name aws-support --assume-role-policy-document file://trust.json; aws iam attach-role-policy --role-name aws-support --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess",
	},
	Permissions: []string{"iam:ListEntitiesForPolicy"},
	Evaluate: func(st *State) []Result {
		return evalPolicyEntities(st, PolicyAWSSupportAccess, true)
	},
})

// evalPolicyEntities reports the attachments of an AWS managed policy: with wantAttached
// it passes when the policy is attached to at least one role (the CIS audit asks that
// PolicyRoles be non-empty: a support role, not a user who happens to hold the policy),
// else when it is attached to no user, group or role.
func evalPolicyEntities(st *State, policy string, wantAttached bool) []Result {
	arn := "arn:" + st.partition() + ":iam::aws:policy/" + policy
	a, ok := st.IAM.PolicyEntities[policy]
	if !ok {
		a = Unknown[PolicyEntities]("")
	}
	if !a.Known {
		return []Result{unknownResult(arn, GlobalRegion, "the entities of policy "+policy, a.Reason())}
	}
	n := a.Value.Count()
	e := ev{"policy": policy, "users": a.Value.Users, "groups": a.Value.Groups, "roles": a.Value.Roles}
	switch {
	case wantAttached && len(a.Value.Roles) > 0:
		return []Result{result(StatusPass, arn, GlobalRegion, e, "%s is attached to %d role(s): %s.", policy, len(a.Value.Roles), strings.Join(a.Value.Roles, ", "))}
	case wantAttached && n > 0:
		return []Result{result(StatusFail, arn, GlobalRegion, e, "%s is attached to no role, only to %d user(s) or group(s).", policy, n)}
	case wantAttached:
		return []Result{result(StatusFail, arn, GlobalRegion, e, "%s is attached to no user, group or role.", policy)}
	case n > 0:
		return []Result{result(StatusFail, arn, GlobalRegion, e, "%s is attached to %d principal(s).", policy, n)}
	default:
		return []Result{result(StatusPass, arn, GlobalRegion, e, "%s is attached to no user, group or role.", policy)}
	}
}
