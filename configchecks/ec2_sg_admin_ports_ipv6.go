package configchecks

var _ = register(Check{
	ID:        "ec2.sg_admin_ports_ipv6",
	Title:     "No security group allows ingress from ::/0 to remote administration ports",
	Severity:  SeverityHigh,
	Category:  CategoryNetwork,
	CIS:       []string{"5.0:5.4", "6.0:6.4", "7.0:6.4"},
	SOC2:      []string{"CC6.1", "CC6.6"},
	Rationale: "SSH and RDP open to every IPv6 address are as exposed as on IPv4, and IPv6 rules are easier to overlook.",
	Remediation: Remediation{
		Console: "EC2 console → Security Groups → the group → Inbound rules → Edit: remove the ::/0 rule for ports 22 and 3389, or restrict it.",
		CLI:     "aws ec2 revoke-security-group-ingress --group-id SG --ip-permissions IpProtocol=tcp,FromPort=22,ToPort=22,Ipv6Ranges=[{CidrIpv6=::/0}]",
	},
	Permissions: []string{"ec2:DescribeSecurityGroups"},
	Evaluate:    func(st *State) []Result { return sgPortCheck(st, anyIPv6, adminPorts, "ports 22 and 3389") },
})
