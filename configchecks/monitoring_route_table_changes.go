package configchecks

// One CIS monitoring requirement: the chain from trail to subscribed SNS topic for
// this pattern (see monitoringCheck; metricPattern says how filters are compared).
var _ = register(monitoringCheck(
	"monitoring.route_table_changes",
	"Route table changes are monitored",
	[]string{"5.0:4.13", "6.0:5.13", "7.0:5.13"},
	"route table changes",
	metricPattern{
		cis: `{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ` +
			`($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ` +
			`($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ` +
			`($.eventName = DisassociateRouteTable) }`,
		optional: []string{`$.eventSource = "ec2.amazonaws.com"`},
	},
	SeverityMedium,
))
