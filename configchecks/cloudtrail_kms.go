package configchecks

var _ = register(Check{
	ID:        "cloudtrail.kms_encryption",
	Title:     "CloudTrail logs are encrypted at rest with a KMS key",
	Severity:  SeverityMedium,
	Category:  CategoryLogging,
	CIS:       []string{"5.0:3.5", "6.0:4.5", "7.0:4.5"},
	SOC2:      []string{"CC6.1", "CC7.2"},
	Rationale: "With SSE-KMS, reading the logs needs both S3 access and permission on the key, and key use is itself logged.",
	Remediation: Remediation{
		Console: "CloudTrail console → Trails → the trail → General details → Edit: enable Log file SSE-KMS encryption and choose a customer managed key.",
		CLI:     "aws cloudtrail update-trail --name NAME --kms-key-id KEY_ARN",
	},
	Permissions: []string{"cloudtrail:DescribeTrails"},
	Evaluate: func(st *State) []Result {
		return forEachTrail(st, func(t Trail) Result {
			e := ev{"trail": t.Name, "KmsKeyId": t.KMSKeyID}
			if t.KMSKeyID != "" {
				return result(StatusPass, t.ARN, t.HomeRegion, e, "Trail %s encrypts its logs with KMS key %s.", t.Name, t.KMSKeyID)
			}
			return result(StatusFail, t.ARN, t.HomeRegion, e, "Trail %s does not encrypt its logs with a KMS key.", t.Name)
		})
	},
})
