package configchecks

// One CIS monitoring requirement: the chain from trail to subscribed SNS topic for
// this pattern (see monitoringCheck; metricPattern says how filters are compared).
var _ = register(monitoringCheck(
	"monitoring.network_gateway_changes",
	"Network gateway changes are monitored",
	[]string{"5.0:4.12", "6.0:5.12", "7.0:5.12"},
	"network gateway changes",
	metricPattern{
		cis: `{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ` +
			`($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ` +
			`($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }`,
		optional: []string{`$.eventSource = "ec2.amazonaws.com"`},
	},
	SeverityMedium,
))
