package configchecks

var _ = register(Check{
	ID:        "cloudtrail.bucket_not_public",
	Title:     "The S3 buckets CloudTrail writes to are not public",
	Severity:  SeverityHigh,
	Category:  CategoryLogging,
	SOC2:      []string{"CC6.1", "CC7.2"},
	Rationale: "CloudTrail logs describe every API call in the account (principals, resources, source addresses); a public trail bucket hands that map to anyone. The verdict is the data scan's bucket exposure: a public policy or ACL grant not neutralised by account or bucket Block Public Access.",
	Remediation: Remediation{
		Console: "S3 console → the trail's bucket → Permissions: turn on Block all public access; remove Principal \"*\" statements (other than the CloudTrail service and TLS-only Deny statements) from the bucket policy and the Everyone / Authenticated users grants from the ACL.",
		CLI:     "aws s3api put-public-access-block --bucket TRAIL_BUCKET --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true\naws s3api put-bucket-acl --bucket TRAIL_BUCKET --acl private",
	},
	Permissions: []string{"cloudtrail:DescribeTrails", "s3:GetAccountPublicAccessBlock", "s3:ListAllMyBuckets", "s3:GetBucketLocation",
		"s3:GetBucketPublicAccessBlock", "s3:GetBucketPolicy", "s3:GetBucketPolicyStatus", "s3:GetBucketAcl"},
	Evaluate: evalCloudTrailBucketNotPublic,
})

// evalCloudTrailBucketNotPublic reports every trail by the exposure of its bucket.
// A bucket outside the scanned account or regions is MANUAL: it must be audited
// where it lives.
func evalCloudTrailBucketNotPublic(st *State) []Result {
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
			if !b.Exposure.Known {
				return unknownResult(t.ARN, t.HomeRegion, "whether bucket "+b.Name+" is public", b.Exposure.Reason())
			}
			e["public"], e["public_reason"] = b.Exposure.Value.Public, b.Exposure.Value.Reason
			if b.Exposure.Value.Public {
				return result(StatusFail, t.ARN, t.HomeRegion, e, "The bucket of trail %s (%s) is public: %s.", t.Name, b.Name, b.Exposure.Value.Reason)
			}
			return result(StatusPass, t.ARN, t.HomeRegion, e, "The bucket of trail %s (%s) is not public.", t.Name, b.Name)
		}
		return result(StatusManual, t.ARN, t.HomeRegion, e,
			"The bucket of trail %s (%s) is not in the scanned account or regions; check that it is not public where it lives (aws s3api get-bucket-policy-status, get-bucket-acl).", t.Name, t.S3BucketName)
	})
}
