package configchecks

var _ = register(Check{
	ID:        "s3.no_public_buckets",
	Title:     "No S3 bucket is public through its policy or ACL",
	Severity:  SeverityHigh,
	Category:  CategoryData,
	SOC2:      []string{"CC6.1", "CC6.6", "CC6.7", "C1.1"},
	Rationale: "A bucket whose policy grants anonymous access, or whose ACL grants AllUsers or AuthenticatedUsers, lets anyone on the internet read (or write) its objects. The verdict is the one the data scan records for the assets table: a public grant neutralised by account or bucket Block Public Access (RestrictPublicBuckets for policies, IgnorePublicAcls for ACLs) does not make the bucket public.",
	Remediation: Remediation{
		Console: "S3 console → the bucket → Permissions: turn on Block all public access; remove Principal \"*\" statements from the bucket policy and the Everyone / Authenticated users grants from the ACL.",
		CLI:     "aws s3api put-public-access-block --bucket NAME --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true\naws s3api put-bucket-acl --bucket NAME --acl private",
	},
	Permissions: []string{"s3:GetAccountPublicAccessBlock", "s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketPublicAccessBlock",
		"s3:GetBucketPolicy", "s3:GetBucketPolicyStatus", "s3:GetBucketAcl"},
	Evaluate: evalS3NoPublicBuckets,
})

// evalS3NoPublicBuckets reports every bucket by its exposure verdict (the data
// scan's bucketPosture, so the check and the assets table agree).
func evalS3NoPublicBuckets(st *State) []Result {
	return forEachBucket(st, func(b Bucket) Result {
		if !b.Exposure.Known {
			return unknownResult(b.ARN, b.Region, "whether bucket "+b.Name+" is public", b.Exposure.Reason())
		}
		e := ev{"bucket": b.Name, "public": b.Exposure.Value.Public, "public_reason": b.Exposure.Value.Reason}
		if b.Exposure.Value.Public {
			return result(StatusFail, b.ARN, b.Region, e, "Bucket %s is public: %s.", b.Name, b.Exposure.Value.Reason)
		}
		return result(StatusPass, b.ARN, b.Region, e, "Bucket %s is not public through its policy or ACL.", b.Name)
	})
}
