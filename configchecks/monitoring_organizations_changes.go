package configchecks

// One CIS monitoring requirement: the chain from trail to subscribed SNS topic for
// this pattern (see monitoringCheck; metricPattern says how filters are compared).
var _ = register(monitoringCheck(
	"monitoring.organizations_changes",
	"AWS Organizations changes are monitored",
	[]string{"5.0:4.15", "6.0:5.15", "7.0:5.15"},
	"AWS Organizations changes",
	metricPattern{
		required: append([]string{`$.eventSource = "organizations.amazonaws.com"`}, eventNames("AcceptHandshake", "AttachPolicy",
			"CreateAccount", "CreateOrganizationalUnit", "CreatePolicy", "DeclineHandshake", "DeleteOrganization",
			"DeleteOrganizationalUnit", "DeletePolicy", "DetachPolicy", "DisablePolicyType", "EnablePolicyType",
			"InviteAccountToOrganization", "LeaveOrganization", "MoveAccount", "RemoveAccountFromOrganization", "UpdatePolicy",
			"UpdateOrganizationalUnit")...),
	},
	SeverityMedium,
))
