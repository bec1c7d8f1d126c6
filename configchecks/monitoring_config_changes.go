package configchecks

// One CIS monitoring requirement: the chain from trail to subscribed SNS topic for
// this pattern (see monitoringCheck; metricPattern says how filters are compared).
var _ = register(monitoringCheck(
	"monitoring.config_changes",
	"AWS Config configuration changes are monitored",
	[]string{"5.0:4.9", "6.0:5.9", "7.0:5.9"},
	"AWS Config configuration changes",
	metricPattern{
		cis: `{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ` +
			`($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ` +
			`($.eventName = PutConfigurationRecorder)) }`,
		optional: []string{`$.eventSource = "config.amazonaws.com"`},
	},
	SeverityLow,
))
