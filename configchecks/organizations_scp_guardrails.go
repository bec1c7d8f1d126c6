package configchecks

import "strings"

var _ = register(Check{
	ID:       "organizations.scp_guardrails",
	Title:    "Service control policies set authorization guardrails for the organization's accounts",
	Severity: SeverityMedium,
	Category: CategoryIAM,
	CIS:      []string{"7.0:2.1.2"},
	SOC2:     []string{"CC6.1", "CC6.3"},
	Rationale: "Service control policies cap what any principal of a member account can do, whatever its IAM policies say: " +
		"they keep regions, services and security tooling off-limits even to a compromised administrator.",
	Remediation: Remediation{
		Console: "Organizations console (management account) → Policies → Service control policies: enable the policy type, create guardrail policies (deny leaving the organization, disabling CloudTrail/GuardDuty/Config, unused regions …) and attach them to the root or the OUs.",
		CLI:     "aws organizations enable-policy-type --root-id ROOT --policy-type SERVICE_CONTROL_POLICY; aws organizations create-policy --type SERVICE_CONTROL_POLICY --name NAME --content file://scp.json; aws organizations attach-policy --policy-id ID --target-id ROOT_OR_OU",
	},
	Permissions: []string{"organizations:DescribeOrganization", "organizations:ListPolicies", "organizations:ListTargetsForPolicy"},
	Evaluate: func(st *State) []Result {
		return forOrganization(st, func(o *Organization) Result {
			arn := o.ARN
			if o.FeatureSet != "ALL" {
				return result(StatusFail, arn, GlobalRegion, ev{"organization": o.ID, "feature_set": o.FeatureSet},
					"Organization %s has only consolidated billing enabled, so no service control policy can apply.", o.ID)
			}
			if !o.Policies.Known {
				return unknownResult(arn, GlobalRegion, "the service control policies of "+o.ID, o.Policies.Reason())
			}
			var guardrails, accountOnly []string
			for _, p := range o.Policies.Value {
				if p.AWSManaged || p.Type != "SERVICE_CONTROL_POLICY" {
					continue
				}
				switch {
				case p.TargetTypes["ROOT"] > 0 || p.TargetTypes["ORGANIZATIONAL_UNIT"] > 0:
					guardrails = append(guardrails, p.Name)
				case p.TargetTypes["ACCOUNT"] > 0:
					accountOnly = append(accountOnly, p.Name)
				}
			}
			e := ev{"organization": o.ID, "policies": o.Policies.Value, "guardrails": guardrails}
			switch {
			case len(guardrails) == 0 && len(accountOnly) > 0:
				e["attached_to_accounts_only"] = accountOnly
				return result(StatusFail, arn, GlobalRegion, e, "No customer service control policy is attached to the root or an OU of organization %s: "+
					"%s apply only to the accounts they are attached to, not to accounts added later.", o.ID, strings.Join(accountOnly, ", "))
			case len(guardrails) == 0:
				return result(StatusFail, arn, GlobalRegion, e, "No customer service control policy is attached to the root or an OU of organization %s (only FullAWSAccess applies).", o.ID)
			}
			return result(StatusPass, arn, GlobalRegion, e, "Service control policies attached to the root or OUs of organization %s: %s.", o.ID, strings.Join(guardrails, ", "))
		})
	},
})

// forOrganization evaluates an organization-wide requirement. It says so truthfully
// when the requirement cannot be decided from the scanned account: NOT_APPLICABLE when
// the account belongs to no organization (CIS section 2.1 is about organizations),
// MANUAL in a member account (the policies are readable from the management account
// only: scan it, or audit there), ERROR when the organization could not be read.
func forOrganization(st *State, eval func(o *Organization) Result) []Result {
	arn := st.AccountARN()
	org := st.Account.Organization
	switch {
	case !org.Known:
		return []Result{unknownResult(arn, GlobalRegion, "the account's organization", org.Reason())}
	case org.Value == nil:
		return []Result{result(StatusNotApplicable, arn, GlobalRegion, ev{"organization": nil},
			"The account is not a member of an AWS Organizations organization; organization requirements do not apply to it.")}
	case !org.Value.IsManagement(st.AccountID):
		o := org.Value
		return []Result{result(StatusManual, o.ARN, GlobalRegion, ev{"organization": o.ID, "management_account_id": o.ManagementAccount},
			"The account is a member of organization %s; this is decided in the management account %s: scan it with Cairn or audit there.",
			o.ID, o.ManagementAccount)}
	}
	return []Result{eval(org.Value)}
}
