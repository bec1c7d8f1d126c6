package configchecks

var _ = register(Check{
	ID:        "ec2.sg_admin_ports_ipv4",
	Title:     "No security group allows ingress from 0.0.0.0/0 to remote administration ports",
	Severity:  SeverityHigh,
	Category:  CategoryNetwork,
	CIS:       []string{"5.0:5.3", "6.0:6.3", "7.0:6.3"},
	SOC2:      []string{"CC6.1", "CC6.6"},
	Rationale: "SSH and RDP open to the whole internet are scanned and brute-forced within minutes of exposure.",
	Remediation: Remediation{
		Console: "EC2 console → Security Groups → the group → Inbound rules → Edit: remove the 0.0.0.0/0 rule for ports 22 and 3389, or restrict it to known addresses (better: use Session Manager).",
		CLI:     "aws ec2 revoke-security-group-ingress --group-id SG --ip-permissions IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]",
	},
	Permissions: []string{"ec2:DescribeSecurityGroups"},
	Evaluate:    func(st *State) []Result { return sgPortCheck(st, anyIPv4, adminPorts, "ports 22 and 3389") },
})
