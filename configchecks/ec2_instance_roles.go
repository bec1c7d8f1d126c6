package configchecks

var _ = register(Check{
	ID:       "ec2.instance_roles",
	Title:    "EC2 instances use an IAM instance profile for AWS access",
	Severity: SeverityMedium,
	Category: CategoryIAM,
	CIS:      []string{"5.0:1.17", "6.0:2.17", "7.0:2.16"},
	SOC2:     []string{"CC6.1", "CC6.3"},
	Rationale: "An instance role gives software on the instance short-lived, automatically rotated credentials; without one, " +
		"applications tend to carry long-term access keys on disk, where anyone who reaches the instance can copy them.",
	Remediation: Remediation{
		Console: "EC2 console → Instances → the instance → Actions → Security → Modify IAM role: choose a role with only the permissions the software needs; then remove any access keys stored on the instance.",
		CLI:     "aws ec2 associate-iam-instance-profile --instance-id ID --iam-instance-profile Name=PROFILE",
	},
	Permissions: []string{"ec2:DescribeInstances"},
	Evaluate: func(st *State) []Result {
		return forEachRegion(st, "ec2", "the EC2 instances", func(rs *RegionState) Attr[[]InstanceRole] { return rs.InstanceRoles },
			func(rs *RegionState, is []InstanceRole) []Result {
				var out []Result
				for _, in := range is {
					e := ev{"instance_id": in.ID, "state": in.State, "iam_instance_profile": in.InstanceProfileARN}
					if in.InstanceProfileARN != "" {
						out = append(out, result(StatusPass, in.ARN, rs.Name, e, "Instance %s uses instance profile %s.", in.ID, in.InstanceProfileARN))
					} else {
						out = append(out, result(StatusFail, in.ARN, rs.Name, e, "Instance %s (%s) has no IAM instance profile.", in.ID, in.State))
					}
				}
				return out
			})
	},
})
