package configchecks

var _ = register(Check{
	ID:       "s3.mfa_delete",
	Title:    "S3 buckets have versioning with MFA Delete enabled",
	Severity: SeverityLow,
	Category: CategoryData,
	CIS:      []string{"5.0:2.1.2", "6.0:3.1.2", "7.0:3.1.2"},
	SOC2:     []string{"CC6.1", "A1.2", "C1.2"},
	Rationale: "With MFA Delete, permanently deleting an object version or turning versioning off needs the root user's MFA " +
		"code, so stolen credentials alone cannot destroy the bucket's history.",
	Remediation: Remediation{
		Console: "MFA Delete cannot be set in the console: the root user must use the CLI or API with its MFA device.",
		CLI:     "aws s3api put-bucket-versioning --bucket NAME --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa 'arn:aws:iam::ACCOUNT:mfa/root-account-mfa-device CODE' (as the root user)",
	},
	Permissions: []string{"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketVersioning"},
	Evaluate: func(st *State) []Result {
		return forEachBucket(st, func(b Bucket) Result {
			if !b.Versioning.Known {
				return unknownResult(b.ARN, b.Region, "the versioning of bucket "+b.Name, b.Versioning.Reason())
			}
			v := b.Versioning.Value
			e := ev{"bucket": b.Name, "Status": v.Status, "MFADelete": v.MFADelete}
			switch {
			case v.Status != "Enabled":
				return result(StatusFail, b.ARN, b.Region, e, "Bucket %s does not have versioning enabled, so MFA Delete is off.", b.Name)
			case v.MFADelete != "Enabled":
				return result(StatusFail, b.ARN, b.Region, e, "Bucket %s has versioning enabled but MFA Delete off.", b.Name)
			}
			return result(StatusPass, b.ARN, b.Region, e, "Bucket %s has versioning with MFA Delete enabled.", b.Name)
		})
	},
})
