package configchecks

import (
	"fmt"
	"slices"
	"strings"
)

// adminPorts are the remote server administration ports of CIS 5.2–5.4 (SSH, RDP).
var adminPorts = []int32{22, 3389}

// Open-to-the-world CIDRs.
const (
	anyIPv4 = "0.0.0.0/0"
	anyIPv6 = "::/0"
)

// portProtocol reports whether an IP protocol ("-1", "tcp", "udp", "6", "17") can carry
// a TCP or UDP port.
func portProtocol(p string) bool {
	switch strings.ToLower(p) {
	case "-1", "all", "tcp", "udp", "6", "17":
		return true
	}
	return false
}

// sgRuleOpensPort reports whether a security group rule admits port from cidr.
func sgRuleOpensPort(r IPRule, cidr string, port int32) bool {
	if !portProtocol(r.Protocol) {
		return false
	}
	ranges := r.IPv4Ranges
	if cidr == anyIPv6 {
		ranges = r.IPv6Ranges
	}
	if !slices.Contains(ranges, cidr) {
		return false
	}
	if r.Protocol == "-1" || (r.FromPort == -1 && r.ToPort == -1) {
		return true
	}
	return r.FromPort <= port && port <= r.ToPort
}

// openPorts returns, for a security group, the ports of ports that an ingress rule
// admits from cidr, as "22/tcp" strings.
func openPorts(sg SecurityGroup, cidr string, ports []int32) []string {
	var out []string
	for _, p := range ports {
		for _, r := range sg.Ingress {
			if sgRuleOpensPort(r, cidr, p) {
				out = append(out, fmt.Sprintf("%d (protocol %s)", p, r.Protocol))
				break
			}
		}
	}
	return out
}

// forEachRegion evaluates one regional attribute in every scanned region, with an
// ERROR for a region where it is unknown.
func forEachRegion[T any](st *State, service, what string, get func(*RegionState) Attr[T], eval func(rs *RegionState, v T) []Result) []Result {
	var out []Result
	for i := range st.Regional {
		rs := &st.Regional[i]
		a := get(rs)
		if !a.Known {
			out = append(out, unknownResult(st.RegionalAccountARN(service, rs.Name), rs.Name, what+" in "+rs.Name, a.Reason()))
			continue
		}
		out = append(out, eval(rs, a.Value)...)
	}
	return out
}

// sgPortCheck evaluates every security group for ingress from cidr to ports.
func sgPortCheck(st *State, cidr string, ports []int32, portsText string) []Result {
	return forEachRegion(st, "ec2", "the security groups", func(rs *RegionState) Attr[[]SecurityGroup] { return rs.SecurityGroups },
		func(rs *RegionState, sgs []SecurityGroup) []Result {
			var out []Result
			for _, sg := range sgs {
				open := openPorts(sg, cidr, ports)
				e := ev{"group_id": sg.ID, "group_name": sg.Name, "vpc_id": sg.VPCID, "open_from_" + cidr: open, "ingress": sg.Ingress}
				if len(open) > 0 {
					out = append(out, result(StatusFail, sg.ARN, rs.Name, e, "Security group %s (%s) allows ingress from %s to %s.",
						sg.ID, sg.Name, cidr, strings.Join(open, ", ")))
				} else {
					out = append(out, result(StatusPass, sg.ARN, rs.Name, e, "Security group %s (%s) allows no ingress from %s to %s.",
						sg.ID, sg.Name, cidr, portsText))
				}
			}
			return out
		})
}
