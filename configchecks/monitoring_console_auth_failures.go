package configchecks

// One CIS monitoring requirement: the chain from trail to subscribed SNS topic for
// this pattern (see monitoringCheck; metricPattern says how filters are compared).
var _ = register(monitoringCheck(
	"monitoring.console_auth_failures",
	"Management console authentication failures are monitored",
	[]string{"5.0:4.6", "6.0:5.6", "7.0:5.6"},
	"console authentication failures",
	metricPattern{
		cis: `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`,
	},
	SeverityLow,
))
