package configchecks

var _ = register(Check{
	ID:        "efs.encrypted",
	Title:     "EFS file systems are encrypted at rest",
	Severity:  SeverityHigh,
	Category:  CategoryData,
	CIS:       []string{"5.0:2.3.1", "6.0:3.3.1", "7.0:3.3.1"},
	SOC2:      []string{"CC6.1", "CC6.7", "C1.1"},
	Rationale: "Encryption at rest protects the file system's data and metadata on the underlying storage; it can only be chosen when the file system is created.",
	Remediation: Remediation{
		Console: "EFS console → Create file system → Customize → check Enable encryption of data at rest (choose a KMS key) → create it, copy the data over (AWS DataSync) and move clients to the new file system.",
		CLI:     "aws efs create-file-system --encrypted --kms-key-id KEY_ARN --creation-token NEW\n# then copy the data (aws datasync) and delete the unencrypted file system",
	},
	Permissions: []string{"elasticfilesystem:DescribeFileSystems"},
	Evaluate: func(st *State) []Result {
		return forEachResource(st, "elasticfilesystem", "the EFS file systems", func(rs *RegionState) Attr[[]FileSystem] { return rs.FileSystems },
			func(rs *RegionState, f FileSystem) Result {
				e := ev{"file_system_id": f.ID, "name": f.Name, "encrypted": f.Encrypted, "kms_key_id": f.KMSKeyID}
				if !f.Encrypted {
					return result(StatusFail, f.ARN, rs.Name, e, "EFS file system %s is not encrypted at rest.", f.ID)
				}
				return result(StatusPass, f.ARN, rs.Name, e, "EFS file system %s is encrypted at rest with KMS key %s.", f.ID, f.KMSKeyID)
			})
	},
})
