package configchecks

import (
	"fmt"
	"slices"
	"strings"
)

var _ = register(Check{
	ID:        "ec2.nacl_admin_ports",
	Title:     "No network ACL allows ingress from anywhere to remote administration ports",
	Severity:  SeverityMedium,
	Category:  CategoryNetwork,
	CIS:       []string{"5.0:5.2", "6.0:6.2", "7.0:6.2"},
	SOC2:      []string{"CC6.1", "CC6.6"},
	Rationale: "Network ACLs are the subnet-level layer of defence: they should stop SSH and RDP from the internet even when a security group is too open.",
	Remediation: Remediation{
		Console: "VPC console → Network ACLs → the ACL → Inbound rules → Edit: restrict or deny rules from 0.0.0.0/0 and ::/0 that cover ports 22 and 3389 (a deny rule numbered before the allow).",
		CLI:     "aws ec2 replace-network-acl-entry --network-acl-id ACL --ingress --rule-number N --protocol tcp --port-range From=22,To=22 --cidr-block 10.0.0.0/8 --rule-action allow",
	},
	Permissions: []string{"ec2:DescribeNetworkAcls"},
	Evaluate:    evalNACLAdminPorts,
})

// evalNACLAdminPorts reports every network ACL: FAIL when, evaluating inbound rules in
// rule-number order as AWS does, TCP or UDP traffic from 0.0.0.0/0 or ::/0 to port 22 or
// 3389 is allowed (as AWS Config's nacl-no-unrestricted-ssh-rdp; RDP also listens on UDP).
func evalNACLAdminPorts(st *State) []Result {
	return forEachRegion(st, "ec2", "the network ACLs", func(rs *RegionState) Attr[[]NetworkACL] { return rs.NetworkACLs },
		func(rs *RegionState, acls []NetworkACL) []Result {
			var out []Result
			for _, acl := range acls {
				var open []string
				for _, port := range adminPorts {
					for _, proto := range []string{"6", "17"} {
						for _, cidr := range []string{anyIPv4, anyIPv6} {
							if e, ok := naclDecides(acl, cidr, proto, port); ok && e.Action == "allow" {
								open = append(open, fmt.Sprintf("%s %d from %s (rule %d)", naclProtocols[proto], port, cidr, e.RuleNumber))
							}
						}
					}
				}
				e := ev{"network_acl_id": acl.ID, "vpc_id": acl.VPCID, "is_default": acl.IsDefault, "allowed": open}
				if len(open) > 0 {
					out = append(out, result(StatusFail, acl.ARN, rs.Name, e, "Network ACL %s allows ingress to %s.", acl.ID, strings.Join(open, ", ")))
				} else {
					out = append(out, result(StatusPass, acl.ARN, rs.Name, e, "Network ACL %s allows no ingress from anywhere to ports 22 and 3389.", acl.ID))
				}
			}
			return out
		})
}

// naclProtocols names the IP protocol numbers the check evaluates.
var naclProtocols = map[string]string{"6": "TCP", "17": "UDP"}

// naclDecides returns the first inbound entry, by rule number, that applies to traffic
// of protocol proto ("6" TCP, "17" UDP) from cidr to port: an entry whose CIDR is cidr
// (rules for narrower ranges do not decide for the whole internet) and whose protocol
// and ports cover it.
func naclDecides(acl NetworkACL, cidr, proto string, port int32) (NACLEntry, bool) {
	entries := slices.Clone(acl.Entries)
	slices.SortFunc(entries, func(a, b NACLEntry) int { return int(a.RuleNumber) - int(b.RuleNumber) })
	for _, e := range entries {
		if e.Egress || (e.CIDR != cidr && e.IPv6CIDR != cidr) {
			continue
		}
		if e.Protocol != "-1" && e.Protocol != proto {
			continue
		}
		if e.Protocol == "-1" || !e.HasPorts || (e.FromPort <= port && port <= e.ToPort) {
			return e, true
		}
	}
	return NACLEntry{}, false
}
