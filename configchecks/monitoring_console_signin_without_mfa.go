package configchecks

// One CIS monitoring requirement: the chain from trail to subscribed SNS topic for
// this pattern (see monitoringCheck; metricPattern says how filters are compared).
var _ = register(monitoringCheck(
	"monitoring.console_signin_without_mfa",
	"Management console sign-in without MFA is monitored",
	[]string{"5.0:4.2", "6.0:5.2", "7.0:5.2"},
	"console sign-ins without MFA",
	metricPattern{
		cis: `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ` +
			`($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`,
		optional: []string{`$.userIdentity.type = "IAMUser"`, `$.responseElements.ConsoleLogin = "Success"`},
	},
	SeverityMedium,
))
