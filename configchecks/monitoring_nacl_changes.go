package configchecks

// One CIS monitoring requirement: the chain from trail to subscribed SNS topic for
// this pattern (see monitoringCheck; metricPattern says how filters are compared).
var _ = register(monitoringCheck(
	"monitoring.nacl_changes",
	"Network ACL changes are monitored",
	[]string{"5.0:4.11", "6.0:5.11", "7.0:5.11"},
	"network ACL changes",
	metricPattern{
		cis: `{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ` +
			`($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ` +
			`($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }`,
		optional: []string{`$.eventSource = "ec2.amazonaws.com"`},
	},
	SeverityLow,
))
