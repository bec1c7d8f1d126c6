package configchecks

var _ = register(Check{
	ID:        "ec2.ebs_volumes_encrypted",
	Title:     "Every EBS volume is encrypted",
	Severity:  SeverityMedium,
	Category:  CategoryData,
	SOC2:      []string{"CC6.1", "CC6.7", "C1.1"},
	Rationale: "Encryption by default only covers volumes created after it was turned on; volumes created before, or in a region without it, store their data, its snapshots and the traffic to the instance in clear.",
	Remediation: Remediation{
		Console: "EC2 console → Volumes → the volume → Actions → Create snapshot; then Snapshots → Actions → Copy snapshot with Encrypt this snapshot checked; create a volume from the encrypted copy, swap it in for the old one and delete the old volume.",
		CLI:     "aws ec2 create-snapshot --volume-id VOL\naws ec2 copy-snapshot --source-region REGION --source-snapshot-id SNAP --encrypted --kms-key-id KEY\naws ec2 create-volume --snapshot-id ENCRYPTED_SNAP --availability-zone AZ",
	},
	Permissions: []string{"ec2:DescribeVolumes"},
	Evaluate: func(st *State) []Result {
		return forEachRegion(st, "ec2", "the EBS volumes", func(rs *RegionState) Attr[[]Volume] { return rs.Volumes },
			func(rs *RegionState, vs []Volume) []Result {
				var out []Result
				for _, v := range vs {
					e := ev{"volume": v.ID, "state": v.State, "encrypted": v.Encrypted, "kms_key_id": v.KMSKeyID}
					if v.Encrypted {
						out = append(out, result(StatusPass, v.ARN, rs.Name, e, "EBS volume %s is encrypted.", v.ID))
					} else {
						out = append(out, result(StatusFail, v.ARN, rs.Name, e, "EBS volume %s is not encrypted.", v.ID))
					}
				}
				return out
			})
	},
})
