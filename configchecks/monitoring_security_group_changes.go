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
			`($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }`,
		optional: []string{`$.eventSource = "ec2.amazonaws.com"`},
		// CIS lists six event names. ModifySecurityGroupRules (EC2's API, since 2021,
		// for changing a rule by its id) changes security groups too, so the
		// remediation adds it; a filter copied from CIS, without it, still passes.
		recommended: `{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ` +
			`($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ` +
			`($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ` +
			`($.eventName = ModifySecurityGroupRules) }`,
	},
	SeverityLow,
))
