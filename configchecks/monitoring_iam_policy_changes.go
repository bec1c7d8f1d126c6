package configchecks

// One CIS monitoring requirement: the chain from trail to subscribed SNS topic for
// this pattern (see monitoringCheck; metricPattern says how filters are compared).
var _ = register(monitoringCheck(
	"monitoring.iam_policy_changes",
	"IAM policy changes are monitored",
	[]string{"5.0:4.4", "6.0:5.4", "7.0:5.4"},
	"IAM policy changes",
	metricPattern{
		cis: `{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ` +
			`($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ` +
			`($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ` +
			`($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ` +
			`($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ` +
			`($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ` +
			`($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ` +
			`($.eventName = DetachGroupPolicy) }`,
		optional: []string{`$.eventSource = "iam.amazonaws.com"`},
	},
	SeverityMedium,
))
