package configchecks

import (
	"slices"
	"strings"
)

// centralRootFeatures are the IAM features of centralized root access.
var centralRootFeatures = []string{"RootCredentialsManagement", "RootSessions"}

var _ = register(Check{
	ID:       "organizations.centralized_root",
	Title:    "Root access of member accounts is managed centrally",
	Severity: SeverityMedium,
	Category: CategoryIAM,
	CIS:      []string{"7.0:2.1.1"},
	SOC2:     []string{"CC6.1", "CC6.2"},
	Rationale: "With centralized root access, member accounts need no root password, keys or MFA of their own: the " +
		"management account performs the rare root-only tasks in short, audited sessions, so there is no root credential to steal.",
	Remediation: Remediation{
		Console: "IAM console (management account) → Root access management → Enable: turn on Root credentials management and Privileged root actions in member accounts; then delete the member accounts' root credentials.",
		CLI:     "aws organizations enable-aws-service-access --service-principal iam.amazonaws.com; aws iam enable-organizations-root-credentials-management; aws iam enable-organizations-root-sessions",
	},
	Permissions: []string{"organizations:DescribeOrganization", "iam:ListOrganizationsFeatures"},
	Evaluate: func(st *State) []Result {
		return forOrganization(st, func(o *Organization) Result {
			if !o.RootFeatures.Known {
				return unknownResult(o.ARN, GlobalRegion, "the centralized root access features of "+o.ID, o.RootFeatures.Reason())
			}
			var missing []string
			for _, f := range centralRootFeatures {
				if !slices.Contains(o.RootFeatures.Value, f) {
					missing = append(missing, f)
				}
			}
			e := ev{"organization": o.ID, "enabled_features": o.RootFeatures.Value, "missing_features": missing}
			if len(missing) > 0 {
				return result(StatusFail, o.ARN, GlobalRegion, e, "Centralized root access of organization %s lacks %s.", o.ID, strings.Join(missing, " and "))
			}
			return result(StatusPass, o.ARN, GlobalRegion, e,
				"Organization %s manages member accounts' root access centrally (root credentials management and root sessions enabled); member root credentials can be deleted.", o.ID)
		})
	},
})
