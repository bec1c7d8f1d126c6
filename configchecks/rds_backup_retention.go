package configchecks

// minBackupRetentionDays is the shortest automated-backup retention that passes.
const minBackupRetentionDays = 7

var _ = register(Check{
	ID:        "rds.backup_retention",
	Title:     "RDS instances and Aurora clusters keep automated backups for at least 7 days",
	Severity:  SeverityMedium,
	Category:  CategoryAvailability,
	SOC2:      []string{"A1.2", "CC9.1"},
	Rationale: "Automated backups allow point-in-time restore within the retention period; with less than a week, a corruption or deletion noticed after a weekend may no longer be recoverable.",
	Remediation: Remediation{
		Console: "RDS console → Databases → the instance or cluster → Modify → Backup: Backup retention period 7 days or more → Apply immediately.",
		CLI:     "aws rds modify-db-instance --db-instance-identifier DB --backup-retention-period 7 --apply-immediately\naws rds modify-db-cluster --db-cluster-identifier CLUSTER --backup-retention-period 7 --apply-immediately",
	},
	Permissions: rdsPermissions,
	Evaluate: func(st *State) []Result {
		return forEachResource(st, "rds", "the RDS instances and clusters", databases, func(rs *RegionState, d Database) Result {
			e := dbEvidence(d)
			e["backup_retention_days"] = d.BackupRetentionDays
			if d.BackupRetentionDays < minBackupRetentionDays {
				return result(StatusFail, d.ARN, rs.Name, e, "%s keeps automated backups for %d days (fewer than %d).", dbLabel(d), d.BackupRetentionDays, minBackupRetentionDays)
			}
			return result(StatusPass, d.ARN, rs.Name, e, "%s keeps automated backups for %d days.", dbLabel(d), d.BackupRetentionDays)
		})
	},
})
