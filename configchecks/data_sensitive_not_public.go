package configchecks

var _ = register(Check{
	ID:        "data.sensitive_not_public",
	Title:     "Data stores holding sensitive data are not publicly accessible",
	Severity:  SeverityCritical,
	Category:  CategoryData,
	SOC2:      []string{"CC6.1", "CC6.6", "CC6.7", "C1.1"},
	Rationale: "This run's classification found sensitive data in the store, and its policy, ACL or network path lets anyone on the internet reach it: the data is exposed now, not in theory.",
	Remediation: Remediation{
		Console: "S3 console → bucket → Permissions: turn on Block all public access, remove public statements from the bucket policy and public ACL grants. RDS console → database → Modify → Connectivity: Not publicly accessible; remove 0.0.0.0/0 rules from its security groups; make public snapshots private. DynamoDB console → table → Permissions: remove public statements from the resource policy.",
		CLI:     "aws s3api put-public-access-block --bucket BUCKET --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true\naws rds modify-db-instance --db-instance-identifier DB --no-publicly-accessible --apply-immediately\naws dynamodb delete-resource-policy --resource-arn TABLE_ARN",
	},
	Permissions: dataScanPermissions,
	Evaluate: func(st *State) []Result {
		return sensitiveStores(st, func(d DataStore, e ev) Result {
			if !d.Exposure.Known {
				return unknownResult(d.ARN, d.Region, "whether "+storeLabel(d)+" is public", d.Exposure.Reason())
			}
			e["public"], e["public_reason"] = d.Exposure.Value.Public, d.Exposure.Value.Reason
			if d.Exposure.Value.Public {
				return result(StatusFail, d.ARN, d.Region, e, "%s is publicly accessible: %s.", storeLabel(d), d.Exposure.Value.Reason)
			}
			return result(StatusPass, d.ARN, d.Region, e, "%s is not publicly accessible.", storeLabel(d))
		})
	},
})
