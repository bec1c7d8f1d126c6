package configchecks

var _ = register(Check{
	ID:        "dynamodb.kms_encryption",
	Title:     "DynamoDB tables are encrypted with a KMS key",
	Severity:  SeverityMedium,
	Category:  CategoryData,
	SOC2:      []string{"CC6.1", "C1.1"},
	Rationale: "Every DynamoDB table is encrypted, but with the default AWS owned key the account cannot see or control who uses the key. A KMS key in the account (AWS managed aws/dynamodb, or better a customer managed key) logs every use in CloudTrail; a customer managed key also lets the owner restrict and revoke decryption.",
	Remediation: Remediation{
		Console: "DynamoDB console → Tables → the table → Additional settings → Encryption → Manage encryption: Stored in your account, owned and managed by you (choose a customer managed key) → Save.",
		CLI:     "aws dynamodb update-table --table-name TABLE --sse-specification Enabled=true,SSEType=KMS,KMSMasterKeyId=KEY_ARN",
	},
	Permissions: []string{"dynamodb:ListTables", "dynamodb:DescribeTable", "kms:DescribeKey"},
	Evaluate: func(st *State) []Result {
		return forEachResource(st, "dynamodb", "the DynamoDB tables", func(rs *RegionState) Attr[[]DynamoTable] { return rs.Tables },
			func(rs *RegionState, t DynamoTable) Result {
				e := ev{"table": t.Name, "encryption": t.Encryption}
				switch {
				case t.Encryption.Type != "SSE-KMS":
					return result(StatusFail, t.ARN, rs.Name, e, "DynamoDB table %s is encrypted with the AWS owned key, not a KMS key in the account.", t.Name)
				case t.Encryption.KeyManager == "CUSTOMER":
					return result(StatusPass, t.ARN, rs.Name, e, "DynamoDB table %s is encrypted with the customer managed KMS key %s.", t.Name, t.Encryption.KMSKeyARN)
				case t.Encryption.KeyManager == "AWS":
					return result(StatusPass, t.ARN, rs.Name, e, "DynamoDB table %s is encrypted with the AWS managed KMS key aws/dynamodb (not a customer managed key).", t.Name)
				}
				return result(StatusPass, t.ARN, rs.Name, e, "DynamoDB table %s is encrypted with the KMS key %s (who manages it could not be read).", t.Name, t.Encryption.KMSKeyARN)
			})
	},
})
