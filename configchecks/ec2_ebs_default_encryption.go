package configchecks

var _ = register(Check{
	ID:        "ec2.ebs_default_encryption",
	Title:     "EBS encryption by default is enabled in every region",
	Severity:  SeverityMedium,
	Category:  CategoryData,
	CIS:       []string{"5.0:5.1.1", "6.0:6.1.1", "7.0:6.1.1"},
	SOC2:      []string{"CC6.1", "CC6.7", "C1.1"},
	Rationale: "With encryption by default, every new volume and snapshot is encrypted, whoever creates it and however.",
	Remediation: Remediation{
		Console: "EC2 console (in each region) → Settings → Data protection and security → EBS encryption → Manage: check Always encrypt new EBS volumes.",
		CLI:     "aws ec2 enable-ebs-encryption-by-default --region REGION",
	},
	Permissions: []string{"ec2:GetEbsEncryptionByDefault"},
	Evaluate: func(st *State) []Result {
		return forEachRegion(st, "ec2", "the EBS encryption-by-default setting", func(rs *RegionState) Attr[bool] { return rs.EBSEncryptionByDefault },
			func(rs *RegionState, on bool) []Result {
				arn := st.RegionalAccountARN("ec2", rs.Name)
				e := ev{"EbsEncryptionByDefault": on}
				if on {
					return []Result{result(StatusPass, arn, rs.Name, e, "EBS encryption by default is enabled in %s.", rs.Name)}
				}
				return []Result{result(StatusFail, arn, rs.Name, e, "EBS encryption by default is disabled in %s.", rs.Name)}
			})
	},
})
