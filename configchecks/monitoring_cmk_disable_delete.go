package configchecks

// One CIS monitoring requirement: the chain from trail to subscribed SNS topic for
// this pattern (see monitoringCheck; metricPattern says how filters are compared).
var _ = register(monitoringCheck(
	"monitoring.cmk_disable_delete",
	"Disabling or scheduled deletion of customer managed keys is monitored",
	[]string{"5.0:4.7", "6.0:5.7", "7.0:5.7"},
	"disables and scheduled deletions of customer managed KMS keys",
	metricPattern{
		cis: `{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ` +
			`($.eventName = ScheduleKeyDeletion)) }`,
		optional: []string{`$.eventSource = "kms.amazonaws.com"`},
	},
	SeverityLow,
))
