package configchecks

var _ = register(Check{
	ID:        "data.sensitive_encrypted",
	Title:     "Data stores holding sensitive data are encrypted at rest",
	Severity:  SeverityHigh,
	Category:  CategoryData,
	SOC2:      []string{"CC6.1", "CC6.7", "C1.1"},
	Rationale: "This run's classification found sensitive data (identifier ids in the evidence) in the store: unencrypted, it is readable from any copy of the underlying storage, backup or snapshot.",
	Remediation: Remediation{
		Console: "S3 console → bucket → Properties → Default encryption → Edit: SSE-KMS with a customer managed key. RDS: snapshot the instance, copy the snapshot with encryption, restore from it. DynamoDB tables are always encrypted.",
		CLI:     "aws s3api put-bucket-encryption --bucket BUCKET --server-side-encryption-configuration '{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"KEY_ARN\"},\"BucketKeyEnabled\":true}]}'\naws rds copy-db-snapshot --source-db-snapshot-identifier SNAP --target-db-snapshot-identifier SNAP-enc --kms-key-id KEY_ARN",
	},
	Permissions: dataScanPermissions,
	Evaluate: func(st *State) []Result {
		return sensitiveStores(st, func(d DataStore, e ev) Result {
			if !d.Encryption.Known {
				return unknownResult(d.ARN, d.Region, "the encryption of "+storeLabel(d), d.Encryption.Reason())
			}
			e["encryption"] = d.Encryption.Value
			if d.Encryption.Value.Type == "NONE" {
				return result(StatusFail, d.ARN, d.Region, e, "%s is not encrypted at rest.", storeLabel(d))
			}
			return result(StatusPass, d.ARN, d.Region, e, "%s is encrypted at rest (%s).", storeLabel(d), d.Encryption.Value.Type)
		})
	},
})
