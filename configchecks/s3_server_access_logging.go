package configchecks

var _ = register(Check{
	ID:        "s3.server_access_logging",
	Title:     "Server access logging is enabled on every S3 bucket",
	Severity:  SeverityLow,
	Category:  CategoryLogging,
	SOC2:      []string{"CC4.1", "CC7.1", "CC7.2"},
	Rationale: "Server access logs record every request made to a bucket (requester, operation, object, response), including requests CloudTrail data events are not configured for; without them, reads of the data cannot be reconstructed after an incident.",
	Remediation: Remediation{
		Console: "S3 console → the bucket → Properties → Server access logging → Edit: enable, choose a target bucket (not the bucket itself in production) and a prefix, Save.",
		CLI:     "aws s3api put-bucket-logging --bucket NAME --bucket-logging-status '{\"LoggingEnabled\":{\"TargetBucket\":\"LOG_BUCKET\",\"TargetPrefix\":\"NAME/\"}}'",
	},
	Permissions: []string{"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketLogging"},
	Evaluate:    evalS3ServerAccessLogging,
})

// evalS3ServerAccessLogging reports every bucket by its server access logging.
func evalS3ServerAccessLogging(st *State) []Result {
	return forEachBucket(st, func(b Bucket) Result {
		if !b.Logging.Known {
			return unknownResult(b.ARN, b.Region, "the access logging of bucket "+b.Name, b.Logging.Reason())
		}
		e := ev{"bucket": b.Name, "logging": b.Logging.Value}
		if b.Logging.Value.Enabled {
			return result(StatusPass, b.ARN, b.Region, e, "Bucket %s has server access logging enabled (target bucket %s).", b.Name, b.Logging.Value.TargetBucket)
		}
		return result(StatusFail, b.ARN, b.Region, e, "Bucket %s has server access logging disabled.", b.Name)
	})
}
