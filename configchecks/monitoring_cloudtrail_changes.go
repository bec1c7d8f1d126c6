package configchecks

// One CIS monitoring requirement: the chain from trail to subscribed SNS topic for
// this pattern (see monitoringCheck; metricPattern says how filters are compared).
var _ = register(monitoringCheck(
	"monitoring.cloudtrail_changes",
	"CloudTrail configuration changes are monitored",
	[]string{"5.0:4.5", "6.0:5.5", "7.0:5.5"},
	"CloudTrail configuration changes",
	metricPattern{
		cis: `{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ` +
			`($.eventName = StartLogging) || ($.eventName = StopLogging) }`,
		optional: []string{`$.eventSource = "cloudtrail.amazonaws.com"`},
	},
	SeverityMedium,
))
