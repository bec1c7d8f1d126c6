package configchecks

import (
	"net/netip"
	"slices"
	"strings"
)

var _ = register(Check{
	ID:       "ec2.vpc_peering_least_access",
	Title:    "Route tables do not route whole peer VPCs through VPC peering connections",
	Severity: SeverityLow,
	Category: CategoryNetwork,
	CIS:      []string{"5.0:5.6", "6.0:6.6", "7.0:6.6"},
	SOC2:     []string{"CC6.1", "CC6.6"},
	Rationale: "A peering route whose destination covers the peer VPC's whole CIDR block (or more) lets every subnet reach every host of the other VPC. Least access routes only the subnets that need to talk, so a compromise on one side reaches as little as possible of the other. " +
		"Cairn fails a route table with a peering route as wide as a whole CIDR block of the peer VPC of the route's address family (IPv4 or IPv6), and a default route (0.0.0.0/0 or ::/0) through a peering connection whose peer VPC has no block of that family; it passes routes to narrower prefixes. " +
		"A peering route to a prefix list is MANUAL: Cairn does not read prefix list entries, so a person compares them with the peer VPC's blocks. A region with no peering route passes.",
	Remediation: Remediation{
		Console: "VPC console → Route tables → the route table → Routes → Edit routes: replace the route to the peer VPC's CIDR (or the default route) with routes to the specific peer subnets that must be reached → Save changes.",
		CLI:     "aws ec2 delete-route --route-table-id RTB --destination-cidr-block PEER_VPC_CIDR\naws ec2 create-route --route-table-id RTB --destination-cidr-block PEER_SUBNET_CIDR --vpc-peering-connection-id PCX\n# for IPv6 routes, --destination-ipv6-cidr-block instead of --destination-cidr-block",
	},
	Permissions: []string{"ec2:DescribeRouteTables", "ec2:DescribeVpcPeeringConnections"},
	Evaluate:    evalPeeringRoutes,
})

// evalPeeringRoutes evaluates every route table with a route through a VPC peering
// connection: FAIL if a route is as wide as a whole block of the peer VPC (see
// widePeeringRoute), ERROR if the peering connection was not listed, MANUAL if a route
// goes to a prefix list, else PASS.
func evalPeeringRoutes(st *State) []Result {
	var out []Result
	for i := range st.Regional {
		rs := &st.Regional[i]
		arn := st.RegionalAccountARN("ec2", rs.Name)
		if !rs.RouteTables.Known {
			out = append(out, unknownResult(arn, rs.Name, "the route tables in "+rs.Name, rs.RouteTables.Reason()))
			continue
		}
		if !rs.PeeringConnections.Known {
			out = append(out, unknownResult(arn, rs.Name, "the VPC peering connections in "+rs.Name, rs.PeeringConnections.Reason()))
			continue
		}
		peers := map[string]PeeringConnection{}
		for _, p := range rs.PeeringConnections.Value {
			peers[p.ID] = p
		}
		n := 0
		for _, rt := range rs.RouteTables.Value {
			var peering, wide, unresolved, unknown []string
			peerBlocks := map[string][]string{}
			for _, r := range rt.Routes {
				if r.PeeringConnection == "" {
					continue
				}
				route := r.Destination + " via " + r.PeeringConnection
				peering = append(peering, route)
				p, ok := peers[r.PeeringConnection]
				if !ok {
					unknown = append(unknown, r.PeeringConnection)
					continue
				}
				blocks := peerVPCBlocks(p, rt.VPCID)
				peerBlocks[p.ID] = blocks
				why, ok := widePeeringRoute(r.Destination, blocks)
				switch {
				case !ok:
					unresolved = append(unresolved, route)
				case why != "":
					wide = append(wide, route+" "+why)
				}
			}
			if len(peering) == 0 {
				continue
			}
			n++
			e := ev{"route_table_id": rt.ID, "vpc_id": rt.VPCID, "peering_routes": peering, "whole_vpc_routes": wide, "peer_vpc_cidrs": peerBlocks}
			if len(unresolved) > 0 {
				e["unresolved_routes"] = unresolved
			}
			switch {
			case len(wide) > 0:
				out = append(out, result(StatusFail, rt.ARN, rs.Name, e, "Route table %s routes whole peer VPCs, or more, through peering: %s.", rt.ID, strings.Join(wide, "; ")))
			case len(unknown) > 0:
				out = append(out, unknownResult(rt.ARN, rs.Name, "the peer VPC of "+strings.Join(unknown, ", ")+" (route table "+rt.ID+")", "peering connection not listed by ec2 DescribeVpcPeeringConnections"))
			case len(unresolved) > 0:
				out = append(out, result(StatusManual, rt.ARN, rs.Name, e,
					"Route table %s routes prefix lists through peering (%s), which Cairn does not resolve; compare their entries (aws ec2 get-managed-prefix-list-entries --prefix-list-id PL) with the peer VPC's CIDR blocks (aws ec2 describe-vpc-peering-connections --vpc-peering-connection-ids PCX): an entry as wide as a whole block, or a default route, fails.",
					rt.ID, strings.Join(unresolved, "; ")))
			default:
				out = append(out, result(StatusPass, rt.ARN, rs.Name, e, "Route table %s has no peering route as wide as a whole CIDR block of the peer VPC (%s).", rt.ID, strings.Join(peering, "; ")))
			}
		}
		if n == 0 {
			out = append(out, result(StatusPass, arn, rs.Name, ev{"route_tables": len(rs.RouteTables.Value), "peering_routes": 0},
				"No route table in %s routes through a VPC peering connection.", rs.Name))
		}
	}
	return out
}

// peerVPCBlocks returns the IPv4 and IPv6 CIDR blocks of the VPC at the other end of
// p from the VPC vpcID.
func peerVPCBlocks(p PeeringConnection, vpcID string) []string {
	if p.AccepterVPCID == vpcID {
		return slices.Concat(p.RequesterCIDRs, p.RequesterIPv6CIDRs)
	}
	return slices.Concat(p.AccepterCIDRs, p.AccepterIPv6CIDRs)
}

// widePeeringRoute reports why a peering route to dest is as wide as the whole peer
// VPC whose CIDR blocks (both families) are peer, or "" when it is narrower. Blocks
// are compared within dest's address family. A default route (0.0.0.0/0, ::/0) of a
// family the peer VPC has no block of is wider than the peer VPC too. ok is false when
// dest is not a CIDR block (a prefix list id), which cannot be decided from the state.
func widePeeringRoute(dest string, peer []string) (why string, ok bool) {
	d, err := netip.ParsePrefix(dest)
	if err != nil {
		return "", false
	}
	sameFamily := false
	for _, c := range peer {
		p, err := netip.ParsePrefix(c)
		if err != nil || p.Addr().Is4() != d.Addr().Is4() {
			continue
		}
		sameFamily = true
		if coversCIDR(dest, c) {
			return "covers the peer VPC's " + c, true
		}
	}
	if !sameFamily && d.Bits() == 0 {
		family := "IPv6"
		if d.Addr().Is4() {
			family = "IPv4"
		}
		return "is a default route, and the peer VPC has no " + family + " CIDR block", true
	}
	return "", true
}

// coversCIDR reports whether the route destination dest contains the whole block
// cidr. Blocks of different address families never cover each other; a destination
// that is not a CIDR (a prefix list) covers nothing.
func coversCIDR(dest, cidr string) bool {
	d, err1 := netip.ParsePrefix(dest)
	c, err2 := netip.ParsePrefix(cidr)
	if err1 != nil || err2 != nil || d.Addr().Is4() != c.Addr().Is4() {
		return false
	}
	return d.Bits() <= c.Bits() && d.Contains(c.Masked().Addr())
}
