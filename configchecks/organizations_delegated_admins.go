package configchecks

import (
	"maps"
	"slices"
	"strings"
)

// delegableServices are the organization-integrated security and governance services
// that support a delegated administrator account; the check looks only at these.
var delegableServices = []string{
	"access-analyzer.amazonaws.com", "config.amazonaws.com", "config-multiaccountsetup.amazonaws.com",
	"guardduty.amazonaws.com", "securityhub.amazonaws.com", "macie.amazonaws.com", "inspector2.amazonaws.com",
	"detective.amazonaws.com", "fms.amazonaws.com", "cloudtrail.amazonaws.com", "sso.amazonaws.com",
	"member.org.stacksets.cloudformation.amazonaws.com", "backup.amazonaws.com", "auditmanager.amazonaws.com",
	"ipam.amazonaws.com", "health.amazonaws.com", "ssm.amazonaws.com", "account.amazonaws.com",
}

var _ = register(Check{
	ID:       "organizations.delegated_admins",
	Title:    "Organization-integrated security services are managed by delegated administrators",
	Severity: SeverityLow,
	Category: CategoryIAM,
	CIS:      []string{"7.0:2.1.6"},
	SOC2:     []string{"CC6.1", "CC6.3"},
	Rationale: "Running security services from the management account means people sign in to the one account that can " +
		"change every other; a delegated administrator (a security tooling account) keeps that use out of it.",
	Remediation: Remediation{
		Console: "In each service's console in the management account (GuardDuty, Security Hub, Config, Access Analyzer …) → Settings → Delegated administrator: enter the security tooling account id.",
		CLI:     "aws organizations register-delegated-administrator --account-id ACCOUNT --service-principal SERVICE (or the service's own enable-organization-admin-account)",
	},
	Permissions: []string{"organizations:DescribeOrganization", "organizations:ListAWSServiceAccessForOrganization",
		"organizations:ListDelegatedAdministrators", "organizations:ListDelegatedServicesForAccount"},
	Evaluate: func(st *State) []Result {
		return forOrganization(st, func(o *Organization) Result {
			arn := o.ARN
			if !o.ServiceAccess.Known {
				return unknownResult(arn, GlobalRegion, "the services integrated with "+o.ID, o.ServiceAccess.Reason())
			}
			if !o.DelegatedAdministrators.Known {
				return unknownResult(arn, GlobalRegion, "the delegated administrators of "+o.ID, o.DelegatedAdministrators.Reason())
			}
			delegated := map[string]string{} // service → admin account
			for _, acct := range slices.Sorted(maps.Keys(o.DelegatedAdministrators.Value)) {
				for _, svc := range o.DelegatedAdministrators.Value[acct] {
					delegated[svc] = acct
				}
			}
			var evaluated, missing []string
			for _, svc := range o.ServiceAccess.Value {
				if !slices.Contains(delegableServices, svc) {
					continue
				}
				evaluated = append(evaluated, svc)
				if delegated[svc] == "" {
					missing = append(missing, svc)
				}
			}
			e := ev{"organization": o.ID, "integrated_services": o.ServiceAccess.Value, "delegated_administrators": o.DelegatedAdministrators.Value,
				"evaluated_services": evaluated, "without_delegated_admin": missing}
			switch {
			case len(evaluated) == 0:
				return result(StatusNotApplicable, arn, GlobalRegion, e, "No security service that supports a delegated administrator is integrated with organization %s.", o.ID)
			case len(missing) > 0:
				return result(StatusFail, arn, GlobalRegion, e, "Integrated services of organization %s without a delegated administrator: %s.", o.ID, strings.Join(missing, ", "))
			}
			return result(StatusPass, arn, GlobalRegion, e, "Every integrated security service of organization %s (%s) has a delegated administrator.", o.ID, strings.Join(evaluated, ", "))
		})
	},
})
