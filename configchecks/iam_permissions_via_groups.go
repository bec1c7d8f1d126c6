package configchecks

import "slices"

var _ = register(Check{
	ID:       "iam.permissions_via_groups",
	Title:    "IAM users receive permissions only through groups",
	Severity: SeverityLow,
	Category: CategoryIAM,
	CIS:      []string{"5.0:1.14", "6.0:2.14", "7.0:2.13"},
	SOC2:     []string{"CC6.3"},
	Rationale: "Permissions granted through groups follow roles and are reviewed in one place; policies attached to " +
		"individual users drift and are missed in access reviews.",
	Remediation: Remediation{
		Console: "IAM console → Users → the user → Permissions: add the user to a group holding the permissions, then remove the directly attached and inline policies.",
		CLI:     "aws iam add-user-to-group --user-name USER --group-name GROUP; aws iam detach-user-policy --user-name USER --policy-arn ARN; aws iam delete-user-policy --user-name USER --policy-name NAME",
	},
	Permissions: []string{"iam:ListUsers", "iam:ListAttachedUserPolicies", "iam:ListUserPolicies"},
	Evaluate:    evalPermissionsViaGroups,
})

// evalPermissionsViaGroups fails for every user with an attached or inline policy.
func evalPermissionsViaGroups(st *State) []Result {
	type policies struct{ attached, inline Attr[[]string] }
	return forEachUser(st, "policies", func(u IAMUser) Attr[policies] {
		p := policies{u.AttachedPolicies, u.InlinePolicies}
		if !u.AttachedPolicies.Known {
			return Unknown[policies]("attached policies: " + u.AttachedPolicies.Reason())
		}
		if !u.InlinePolicies.Known {
			return Unknown[policies]("inline policies: " + u.InlinePolicies.Reason())
		}
		return Observed(p)
	}, func(u IAMUser, p policies) Result {
		e := ev{"user": u.Name, "attached_policies": slices.Clip(p.attached.Value), "inline_policies": slices.Clip(p.inline.Value)}
		if n := len(p.attached.Value) + len(p.inline.Value); n > 0 {
			return result(StatusFail, u.ARN, GlobalRegion, e, "User %s has %d policies attached directly (%d managed, %d inline).",
				u.Name, n, len(p.attached.Value), len(p.inline.Value))
		}
		return result(StatusPass, u.ARN, GlobalRegion, e, "User %s has no policy attached directly.", u.Name)
	})
}
