package configchecks

import (
	"net/netip"
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
		"Cairn fails a route table with a peering route as wide as a whole CIDR block of the peer VPC, and passes routes to narrower prefixes; a region with no peering route passes.",
	Remediation: Remediation{
		Console: "VPC console → Route tables → the route table → Routes → Edit routes: replace the route to the peer VPC's CIDR with routes to the specific peer subnets that must be reached → Save changes.",
		CLI:     "aws ec2 delete-route --route-table-id RTB --destination-cidr-block PEER_VPC_CIDR\naws ec2 create-route --route-table-id RTB --destination-cidr-block PEER_SUBNET_CIDR --vpc-peering-connection-id PCX",
	},
	Permissions: []string{"ec2:DescribeRouteTables", "ec2:DescribeVpcPeeringConnections"},
	Evaluate: func(st *State) []Result {
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
				var peering, wide, unknown []string
				for _, r := range rt.Routes {
					if r.PeeringConnection == "" {
						continue
					}
					peering = append(peering, r.Destination+" via "+r.PeeringConnection)
					p, ok := peers[r.PeeringConnection]
					if !ok {
						unknown = append(unknown, r.PeeringConnection)
						continue
					}
					peerCIDRs := p.AccepterCIDRs
					if p.AccepterVPCID == rt.VPCID {
						peerCIDRs = p.RequesterCIDRs
					}
					for _, c := range peerCIDRs {
						if coversCIDR(r.Destination, c) {
							wide = append(wide, r.Destination+" via "+r.PeeringConnection+" covers the peer VPC's "+c)
							break
						}
					}
				}
				if len(peering) == 0 {
					continue
				}
				n++
				e := ev{"route_table_id": rt.ID, "vpc_id": rt.VPCID, "peering_routes": peering, "whole_vpc_routes": wide}
				switch {
				case len(wide) > 0:
					out = append(out, result(StatusFail, rt.ARN, rs.Name, e, "Route table %s routes whole peer VPCs through peering: %s.", rt.ID, strings.Join(wide, "; ")))
				case len(unknown) > 0:
					out = append(out, unknownResult(rt.ARN, rs.Name, "the peer VPC of "+strings.Join(unknown, ", ")+" (route table "+rt.ID+")", "peering connection not listed by ec2 DescribeVpcPeeringConnections"))
				default:
					out = append(out, result(StatusPass, rt.ARN, rs.Name, e, "Route table %s routes only parts of peer VPCs through peering (%s).", rt.ID, strings.Join(peering, "; ")))
				}
			}
			if n == 0 {
				out = append(out, result(StatusPass, arn, rs.Name, ev{"route_tables": len(rs.RouteTables.Value), "peering_routes": 0},
					"No route table in %s routes through a VPC peering connection.", rs.Name))
			}
		}
		return out
	},
})

// coversCIDR reports whether the route destination dest contains the whole block
// cidr. A destination that is not a CIDR (a prefix list) covers nothing.
func coversCIDR(dest, cidr string) bool {
	d, err1 := netip.ParsePrefix(dest)
	c, err2 := netip.ParsePrefix(cidr)
	if err1 != nil || err2 != nil {
		return false
	}
	return d.Bits() <= c.Bits() && d.Contains(c.Masked().Addr())
}
