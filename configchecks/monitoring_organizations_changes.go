package configchecks

// One CIS monitoring requirement: the chain from trail to subscribed SNS topic for
// this pattern (see monitoringCheck; metricPattern says how filters are compared).
var _ = register(monitoringCheck(
	"monitoring.organizations_changes",
	"AWS Organizations changes are monitored",
	[]string{"5.0:4.15", "6.0:5.15", "7.0:5.15"},
	"AWS Organizations changes",
	metricPattern{
		cis: `{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ` +
			`($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ` +
			`($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ` +
			`($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ` +
			`($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ` +
			`($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ` +
			`($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ` +
			`($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ` +
			`($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ` +
			`($.eventName = UpdateOrganizationalUnit)) }`,
		optional: []string{`$.eventSource = "organizations.amazonaws.com"`},
	},
	SeverityMedium,
))
