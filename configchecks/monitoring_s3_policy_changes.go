package configchecks

// One CIS monitoring requirement: the chain from trail to subscribed SNS topic for
// this pattern (see monitoringCheck; metricPattern says how filters are compared).
var _ = register(monitoringCheck(
	"monitoring.s3_policy_changes",
	"S3 bucket policy changes are monitored",
	[]string{"5.0:4.8", "6.0:5.8", "7.0:5.8"},
	"S3 bucket policy changes",
	metricPattern{
		cis: `{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ` +
			`($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ` +
			`($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ` +
			`($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ` +
			`($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }`,
		optional: []string{`$.eventSource = "s3.amazonaws.com"`},
	},
	SeverityMedium,
))
