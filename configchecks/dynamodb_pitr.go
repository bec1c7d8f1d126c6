package configchecks

var _ = register(Check{
	ID:        "dynamodb.pitr",
	Title:     "DynamoDB tables have point-in-time recovery enabled",
	Severity:  SeverityMedium,
	Category:  CategoryAvailability,
	SOC2:      []string{"A1.2", "CC9.1"},
	Rationale: "Point-in-time recovery keeps continuous backups for up to 35 days, so a table can be restored to any second before an accidental write or delete.",
	Remediation: Remediation{
		Console: "DynamoDB console → Tables → the table → Backups → Point-in-time recovery → Edit: Turn on → Save.",
		CLI:     "aws dynamodb update-continuous-backups --table-name TABLE --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true",
	},
	Permissions: []string{"dynamodb:ListTables", "dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups"},
	Evaluate: func(st *State) []Result {
		return forEachResource(st, "dynamodb", "the DynamoDB tables", func(rs *RegionState) Attr[[]DynamoTable] { return rs.Tables },
			func(rs *RegionState, t DynamoTable) Result {
				if !t.PITR.Known {
					return unknownResult(t.ARN, rs.Name, "the point-in-time recovery of DynamoDB table "+t.Name, t.PITR.Reason())
				}
				e := ev{"table": t.Name, "point_in_time_recovery": t.PITR.Value}
				if !t.PITR.Value {
					return result(StatusFail, t.ARN, rs.Name, e, "DynamoDB table %s has point-in-time recovery off.", t.Name)
				}
				return result(StatusPass, t.ARN, rs.Name, e, "DynamoDB table %s has point-in-time recovery on.", t.Name)
			})
	},
})
