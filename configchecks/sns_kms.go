package configchecks

var _ = register(Check{
	ID:        "sns.kms_encryption",
	Title:     "SNS topics are encrypted with KMS",
	Severity:  SeverityLow,
	Category:  CategoryData,
	SOC2:      []string{"CC6.1", "CC6.7"},
	Rationale: "Messages published to a topic are stored until delivered; server-side encryption with KMS protects them at rest and lets the key policy decide who may publish and read.",
	Remediation: Remediation{
		Console: "SNS console → Topics → the topic → Edit → Encryption: Enable encryption, choose a KMS key → Save changes.",
		CLI:     "aws sns set-topic-attributes --topic-arn TOPIC_ARN --attribute-name KmsMasterKeyId --attribute-value KEY_ARN",
	},
	Permissions: []string{"sns:ListTopics", "sns:GetTopicAttributes"},
	Evaluate: func(st *State) []Result {
		return forEachResource(st, "sns", "the SNS topics", func(rs *RegionState) Attr[[]Topic] { return rs.Topics },
			func(rs *RegionState, t Topic) Result {
				e := ev{"topic_arn": t.ARN, "kms_master_key_id": t.KMSKeyID}
				if t.KMSKeyID == "" {
					return result(StatusFail, t.ARN, rs.Name, e, "SNS topic %s is not encrypted with KMS.", t.ARN)
				}
				return result(StatusPass, t.ARN, rs.Name, e, "SNS topic %s is encrypted with KMS key %s.", t.ARN, t.KMSKeyID)
			})
	},
})
