package configchecks

var _ = register(Check{
	ID:        "ec2.sg_cifs_restricted",
	Title:     "No security group allows CIFS/SMB (port 445) from anywhere",
	Severity:  SeverityHigh,
	Category:  CategoryNetwork,
	CIS:       []string{"5.0:5.1.2", "6.0:6.1.2", "7.0:6.1.2"},
	SOC2:      []string{"CC6.1", "CC6.6"},
	Rationale: "SMB exposed to the internet has a long history of wormable vulnerabilities and leaks file shares.",
	Remediation: Remediation{
		Console: "EC2 console → Security Groups → the group → Inbound rules → Edit: remove or restrict the 0.0.0.0/0 and ::/0 rules covering port 445.",
		CLI:     "aws ec2 revoke-security-group-ingress --group-id SG --ip-permissions IpProtocol=tcp,FromPort=445,ToPort=445,IpRanges=[{CidrIp=0.0.0.0/0}]",
	},
	Permissions: []string{"ec2:DescribeSecurityGroups"},
	Evaluate:    evalCIFS,
})

// evalCIFS reports every security group: FAIL when port 445 is open to 0.0.0.0/0 or ::/0.
func evalCIFS(st *State) []Result {
	return forEachRegion(st, "ec2", "the security groups", func(rs *RegionState) Attr[[]SecurityGroup] { return rs.SecurityGroups },
		func(rs *RegionState, sgs []SecurityGroup) []Result {
			var out []Result
			for _, sg := range sgs {
				open := append(openPorts(sg, anyIPv4, []int32{445}), openPorts(sg, anyIPv6, []int32{445})...)
				e := ev{"group_id": sg.ID, "group_name": sg.Name, "open_445": open}
				if len(open) > 0 {
					out = append(out, result(StatusFail, sg.ARN, rs.Name, e, "Security group %s (%s) allows CIFS (port 445) from anywhere.", sg.ID, sg.Name))
				} else {
					out = append(out, result(StatusPass, sg.ARN, rs.Name, e, "Security group %s (%s) does not allow CIFS (port 445) from anywhere.", sg.ID, sg.Name))
				}
			}
			return out
		})
}
