package configchecks

var _ = register(Check{
	ID:        "ec2.default_sg_restricts_all",
	Title:     "The default security group of every VPC restricts all traffic",
	Severity:  SeverityMedium,
	Category:  CategoryNetwork,
	CIS:       []string{"5.0:5.5", "6.0:6.5", "7.0:6.5"},
	SOC2:      []string{"CC6.1", "CC6.6"},
	Rationale: "Resources launched without a security group land in the default one; with no rules it grants nothing by accident.",
	Remediation: Remediation{
		Console: "VPC console → Security groups → the VPC's default group: delete every inbound and outbound rule, and move resources to purpose-made groups.",
		CLI:     "aws ec2 revoke-security-group-ingress --group-id SG --ip-permissions file://ingress.json; aws ec2 revoke-security-group-egress --group-id SG --ip-permissions file://egress.json",
	},
	Permissions: []string{"ec2:DescribeSecurityGroups"},
	Evaluate:    evalDefaultSG,
})

// evalDefaultSG reports every VPC default security group (named "default" in a VPC):
// FAIL when it has any inbound or outbound rule.
func evalDefaultSG(st *State) []Result {
	return forEachRegion(st, "ec2", "the security groups", func(rs *RegionState) Attr[[]SecurityGroup] { return rs.SecurityGroups },
		func(rs *RegionState, sgs []SecurityGroup) []Result {
			var out []Result
			for _, sg := range sgs {
				if sg.Name != "default" || sg.VPCID == "" {
					continue
				}
				e := ev{"group_id": sg.ID, "vpc_id": sg.VPCID, "ingress": sg.Ingress, "egress": sg.Egress}
				if n := len(sg.Ingress) + len(sg.Egress); n > 0 {
					out = append(out, result(StatusFail, sg.ARN, rs.Name, e, "The default security group %s of VPC %s has %d inbound and %d outbound rules.",
						sg.ID, sg.VPCID, len(sg.Ingress), len(sg.Egress)))
				} else {
					out = append(out, result(StatusPass, sg.ARN, rs.Name, e, "The default security group %s of VPC %s has no rules.", sg.ID, sg.VPCID))
				}
			}
			return out
		})
}
