package configchecks

var _ = register(Check{
	ID:        "data.sensitive_cmk",
	Title:     "Data stores holding sensitive data are encrypted with a customer managed KMS key",
	Severity:  SeverityMedium,
	Category:  CategoryData,
	SOC2:      []string{"CC6.1", "C1.1", "C1.2"},
	Rationale: "With a customer managed key the owner decides, in the key policy, who may decrypt the sensitive data found in the store, every use of the key is logged in CloudTrail, and disabling or deleting the key makes every copy unreadable. SSE-S3, AWS owned and AWS managed keys give none of that control.",
	Remediation: Remediation{
		Console: "KMS console → Create key (symmetric). S3 console → bucket → Properties → Default encryption: SSE-KMS with that key (re-copy existing objects). DynamoDB console → table → Additional settings → Encryption: Stored in your account, owned and managed by you. RDS: copy a snapshot with the key and restore it.",
		CLI:     "aws s3api put-bucket-encryption --bucket BUCKET --server-side-encryption-configuration '{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"KEY_ARN\"}}]}'\naws dynamodb update-table --table-name TABLE --sse-specification Enabled=true,SSEType=KMS,KMSMasterKeyId=KEY_ARN",
	},
	Permissions: dataScanPermissions,
	Evaluate: func(st *State) []Result {
		return sensitiveStores(st, func(d DataStore, e ev) Result {
			if !d.Encryption.Known {
				return unknownResult(d.ARN, d.Region, "the encryption of "+storeLabel(d), d.Encryption.Reason())
			}
			enc := d.Encryption.Value
			e["encryption"] = enc
			switch {
			case enc.Type == "NONE":
				return result(StatusFail, d.ARN, d.Region, e, "%s is not encrypted at rest, so not with a customer managed key either.", storeLabel(d))
			case enc.KeyManager == "CUSTOMER":
				return result(StatusPass, d.ARN, d.Region, e, "%s is encrypted with the customer managed KMS key %s.", storeLabel(d), enc.KMSKeyARN)
			case enc.KeyManager == "AWS":
				return result(StatusFail, d.ARN, d.Region, e, "%s is encrypted with an AWS managed KMS key, not a customer managed one.", storeLabel(d))
			case enc.Type == "SSE-KMS" || enc.Type == "DSSE-KMS":
				return unknownResult(d.ARN, d.Region, "who manages the KMS key "+enc.KMSKeyARN+" of "+storeLabel(d), "kms DescribeKey did not say")
			}
			return result(StatusFail, d.ARN, d.Region, e, "%s is encrypted with %s (an AWS owned key), not a customer managed KMS key.", storeLabel(d), enc.Type)
		})
	},
})
