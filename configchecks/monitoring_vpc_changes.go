package configchecks

// One CIS monitoring requirement: the chain from trail to subscribed SNS topic for
// this pattern (see monitoringCheck; metricPattern says how filters are compared).
var _ = register(monitoringCheck(
	"monitoring.vpc_changes",
	"VPC changes are monitored",
	[]string{"5.0:4.14", "6.0:5.14", "7.0:5.14"},
	"VPC changes",
	metricPattern{
		cis: `{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ` +
			`($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ` +
			`($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ` +
			`($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ` +
			`($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }`,
		optional: []string{`$.eventSource = "ec2.amazonaws.com"`},
	},
	SeverityMedium,
))
