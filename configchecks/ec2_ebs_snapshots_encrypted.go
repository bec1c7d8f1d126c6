package configchecks

var _ = register(Check{
	ID:        "ec2.ebs_snapshots_encrypted",
	Title:     "Every EBS snapshot the account owns is encrypted",
	Severity:  SeverityMedium,
	Category:  CategoryData,
	SOC2:      []string{"CC6.1", "CC6.7", "C1.1"},
	Rationale: "A snapshot is a full copy of a volume's data; an unencrypted one can be shared or copied and restored anywhere without any key policy standing in the way.",
	Remediation: Remediation{
		Console: "EC2 console → Snapshots → the snapshot → Actions → Copy snapshot: check Encrypt this snapshot, choose a KMS key; then delete the unencrypted snapshot.",
		CLI:     "aws ec2 copy-snapshot --source-region REGION --source-snapshot-id SNAP --encrypted --kms-key-id KEY\naws ec2 delete-snapshot --snapshot-id SNAP",
	},
	Permissions: []string{"ec2:DescribeSnapshots"},
	Evaluate: func(st *State) []Result {
		return forEachRegion(st, "ec2", "the EBS snapshots", func(rs *RegionState) Attr[[]Snapshot] { return rs.Snapshots },
			func(rs *RegionState, ss []Snapshot) []Result {
				var out []Result
				for _, s := range ss {
					e := ev{"snapshot": s.ID, "volume": s.VolumeID, "encrypted": s.Encrypted, "kms_key_id": s.KMSKeyID}
					if s.Encrypted {
						out = append(out, result(StatusPass, s.ARN, rs.Name, e, "EBS snapshot %s is encrypted.", s.ID))
					} else {
						out = append(out, result(StatusFail, s.ARN, rs.Name, e, "EBS snapshot %s is not encrypted.", s.ID))
					}
				}
				return out
			})
	},
})
