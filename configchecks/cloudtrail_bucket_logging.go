package configchecks

var _ = register(Check{
	ID:        "cloudtrail.bucket_access_logging",
	Title:     "Server access logging is enabled on the CloudTrail S3 bucket",
	Severity:  SeverityLow,
	Category:  CategoryLogging,
	CIS:       []string{"5.0:3.4", "6.0:4.4", "7.0:4.4"},
	SOC2:      []string{"CC7.2"},
	Rationale: "Access logs of the trail's bucket show who read or tried to change the audit trail itself.",
	Remediation: Remediation{
		Console: "S3 console → the trail's bucket → Properties → Server access logging → Edit: enable, choose a target bucket.",
		CLI:     "aws s3api put-bucket-logging --bucket TRAIL_BUCKET --bucket-logging-status '{\"LoggingEnabled\":{\"TargetBucket\":\"LOG_BUCKET\",\"TargetPrefix\":\"cloudtrail/\"}}'",
	},
	Permissions: []string{"cloudtrail:DescribeTrails", "s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketLogging"},
	Evaluate:    evalCloudTrailBucketLogging,
})

// evalCloudTrailBucketLogging reports every trail by the access logging of its bucket.
// A bucket outside the scanned account or regions is MANUAL: it must be audited where
// it lives.
func evalCloudTrailBucketLogging(st *State) []Result {
	return forEachTrail(st, func(t Trail) Result {
		e := ev{"trail": t.Name, "bucket": t.S3BucketName}
		if t.S3BucketName == "" {
			return result(StatusFail, t.ARN, t.HomeRegion, e, "Trail %s names no S3 bucket.", t.Name)
		}
		if !st.S3.Buckets.Known {
			return unknownResult(t.ARN, t.HomeRegion, "the S3 buckets", st.S3.Buckets.Reason())
		}
		for _, b := range st.S3.Buckets.Value {
			if b.Name != t.S3BucketName {
				continue
			}
			if !b.Logging.Known {
				return unknownResult(t.ARN, t.HomeRegion, "the access logging of bucket "+b.Name, b.Logging.Reason())
			}
			e["logging"] = b.Logging.Value
			if b.Logging.Value.Enabled {
				return result(StatusPass, t.ARN, t.HomeRegion, e, "The bucket of trail %s (%s) has server access logging enabled.", t.Name, b.Name)
			}
			return result(StatusFail, t.ARN, t.HomeRegion, e, "The bucket of trail %s (%s) has server access logging disabled.", t.Name, b.Name)
		}
		return result(StatusManual, t.ARN, t.HomeRegion, e,
			"The bucket of trail %s (%s) is not in the scanned account or regions; check its access logging where it lives (aws s3api get-bucket-logging).", t.Name, t.S3BucketName)
	})
}
