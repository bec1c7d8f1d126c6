package configchecks

// One CIS monitoring requirement: the chain from trail to subscribed SNS topic for
// this pattern (see monitoringCheck; metricPattern says how filters are compared).
var _ = register(monitoringCheck(
	"monitoring.security_group_changes",
	"Security group changes are monitored",
	[]string{"5.0:4.10", "6.0:5.10", "7.0:5.10"},
	"security group changes",
	metricPattern{
		cis: `{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ` +
			`($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ` +
			`($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ` +
			`($.eventName = ModifySecurityGroupRules) }`,
		optional: []string{`$.eventSource = "ec2.amazonaws.com"`},
	},
	SeverityLow,
))
