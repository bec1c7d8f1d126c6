package configchecks

var _ = register(Check{
	ID:       "s3.default_encryption",
	Title:    "Every S3 bucket has a default encryption configuration",
	Severity: SeverityMedium,
	Category: CategoryData,
	SOC2:     []string{"CC6.1", "CC6.7", "C1.1"},
	Rationale: "A default encryption configuration makes S3 encrypt every new object at rest, whoever writes it and however. " +
		"Since January 2023 real S3 applies SSE-S3 to every bucket that has no other configuration, and GetBucketEncryption then answers SSE-S3; " +
		"so when the API answers ServerSideEncryptionConfigurationNotFoundError the endpoint itself says no default encryption applies " +
		"(an S3-compatible service, an emulator, or a region or partition without the 2023 default). Cairn reports what the API said and FAILs: " +
		"assuming a default the endpoint denies would turn an unencrypted bucket into a PASS. Evidence names SSE-S3, SSE-KMS or DSSE-KMS and, for KMS, the key and who manages it.",
	Remediation: Remediation{
		Console: "S3 console → the bucket → Properties → Default encryption → Edit: choose SSE-S3 or SSE-KMS (a customer managed key for sensitive data), Save.",
		CLI:     "aws s3api put-bucket-encryption --bucket NAME --server-side-encryption-configuration '{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"KEY_ARN\"},\"BucketKeyEnabled\":true}]}'",
	},
	Permissions: []string{"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetEncryptionConfiguration", "kms:DescribeKey"},
	Evaluate:    evalS3DefaultEncryption,
})

// evalS3DefaultEncryption reports every bucket by its default encryption type.
func evalS3DefaultEncryption(st *State) []Result {
	return forEachBucket(st, func(b Bucket) Result {
		if !b.Encryption.Known {
			return unknownResult(b.ARN, b.Region, "the default encryption of bucket "+b.Name, b.Encryption.Reason())
		}
		enc := b.Encryption.Value
		e := ev{"bucket": b.Name, "encryption": enc}
		switch enc.Type {
		case "SSE-S3":
			return result(StatusPass, b.ARN, b.Region, e, "Bucket %s encrypts new objects by default with SSE-S3 (S3 managed keys).", b.Name)
		case "SSE-KMS", "DSSE-KMS":
			return result(StatusPass, b.ARN, b.Region, e, "Bucket %s encrypts new objects by default with %s.", b.Name, enc.Type)
		case "NONE":
			return result(StatusFail, b.ARN, b.Region, e,
				"S3 reports no default encryption configuration for bucket %s, so new objects may be stored unencrypted.", b.Name)
		default:
			return unknownResult(b.ARN, b.Region, "the default encryption of bucket "+b.Name, "unrecognised encryption type "+enc.Type)
		}
	})
}
