package configchecks

// One CIS monitoring requirement: the chain from trail to subscribed SNS topic for
// this pattern (see monitoringCheck; metricPattern says how filters are compared).
var _ = register(monitoringCheck(
	"monitoring.unauthorized_api_calls",
	"Unauthorized API calls are monitored",
	[]string{"5.0:4.1", "6.0:5.1", "7.0:5.1"},
	"unauthorized API calls",
	metricPattern{
		cis: `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ` +
			`($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }`,
		optional: []string{`$.sourceIPAddress != "delivery.logs.amazonaws.com"`, `$.eventName != "HeadBucket"`},
	},
	SeverityLow,
))
