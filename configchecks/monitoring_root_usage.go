package configchecks

// One CIS monitoring requirement: the chain from trail to subscribed SNS topic for
// this pattern (see monitoringCheck; metricPattern says how filters are compared).
var _ = register(monitoringCheck(
	"monitoring.root_usage",
	"Usage of the root user is monitored",
	[]string{"5.0:4.3", "6.0:5.3", "7.0:5.3"},
	"uses of the root user",
	metricPattern{
		cis: `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && ` +
			`$.eventType != "AwsServiceEvent" }`,
	},
	SeverityHigh,
))
