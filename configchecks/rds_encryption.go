package configchecks

var _ = register(Check{
	ID:        "rds.storage_encrypted",
	Title:     "RDS instances and Aurora clusters are encrypted at rest",
	Severity:  SeverityHigh,
	Category:  CategoryData,
	CIS:       []string{"5.0:2.2.1", "6.0:3.2.1", "7.0:3.2.1"},
	SOC2:      []string{"CC6.1", "CC6.7", "C1.1"},
	Rationale: "Encryption at rest protects the database's storage, automated backups, read replicas and snapshots; it can only be chosen when the instance or cluster is created.",
	Remediation: Remediation{
		Console: "RDS console → Snapshots → take a snapshot of the database → Actions → Copy snapshot: check Enable encryption and choose a KMS key → restore a new, encrypted database from the copy and move clients to it.",
		CLI:     "aws rds create-db-snapshot --db-instance-identifier DB --db-snapshot-identifier DB-snap\naws rds copy-db-snapshot --source-db-snapshot-identifier DB-snap --target-db-snapshot-identifier DB-snap-enc --kms-key-id KEY_ARN\naws rds restore-db-instance-from-db-snapshot --db-instance-identifier DB-enc --db-snapshot-identifier DB-snap-enc",
	},
	Permissions: append([]string{"kms:DescribeKey"}, rdsPermissions...),
	Evaluate: func(st *State) []Result {
		return forEachResource(st, "rds", "the RDS instances and clusters", databases, func(rs *RegionState, d Database) Result {
			e := dbEvidence(d)
			e["storage_encrypted"], e["kms_key_arn"], e["key_manager"] = d.StorageEncrypted, d.KMSKeyARN, d.KeyManager
			if !d.StorageEncrypted {
				return result(StatusFail, d.ARN, rs.Name, e, "%s is not encrypted at rest.", dbLabel(d))
			}
			return result(StatusPass, d.ARN, rs.Name, e, "%s is encrypted at rest with KMS key %s.", dbLabel(d), d.KMSKeyARN)
		})
	},
})
