package configchecks

import (
	"strings"
	"testing"
)

// checkResults runs one check over st and returns its results by resource ARN.
func checkResults(t *testing.T, id string, st *State) map[string]Result {
	t.Helper()
	for _, c := range All() {
		if c.ID == id {
			out := map[string]Result{}
			for _, r := range runCheck(c, st) {
				out[r.ResourceARN] = r
			}
			return out
		}
	}
	t.Fatalf("no check %s", id)
	return nil
}

func TestCoversCIDR(t *testing.T) {
	for _, tc := range []struct {
		dest, cidr string
		want       bool
	}{
		{"10.1.0.0/16", "10.1.0.0/16", true},
		{"10.0.0.0/8", "10.1.0.0/16", true},
		{"0.0.0.0/0", "10.1.0.0/16", true},
		{"10.1.2.0/24", "10.1.0.0/16", false},
		{"10.2.0.0/16", "10.1.0.0/16", false},
		{"pl-1234", "10.1.0.0/16", false},
		{"::/0", "10.1.0.0/16", false}, // address families never cover each other
		{"0.0.0.0/0", "2600:1f18:abcd:1200::/56", false},
		{"::/0", "2600:1f18:abcd:1200::/56", true},
		{"2600:1f18:abcd:1200::/56", "2600:1f18:abcd:1200::/56", true},
		{"2600:1f18:abcd:1200::/64", "2600:1f18:abcd:1200::/56", false},
	} {
		if got := coversCIDR(tc.dest, tc.cidr); got != tc.want {
			t.Errorf("coversCIDR(%s, %s) = %v", tc.dest, tc.cidr, got)
		}
	}
}

// TestNetworkChecksEdgeCases covers what the moto accounts do not: a narrow peering
// route, a peering connection the listing did not return, a service whose security
// groups are unknown, a Gateway Load Balancer, IMDS turned off.
func TestNetworkChecksEdgeCases(t *testing.T) {
	pcx := PeeringConnection{ID: "pcx-1", RequesterVPCID: "vpc-a", RequesterCIDRs: []string{"10.0.0.0/16"}, AccepterVPCID: "vpc-b", AccepterCIDRs: []string{"10.1.0.0/16"}}
	st := &State{AccountID: "123456789012", Regional: []RegionState{{Name: "eu-west-1",
		RouteTables: Observed([]RouteTable{
			{ID: "rtb-narrow", ARN: "arn:rtb-narrow", VPCID: "vpc-a", Routes: []Route{{Destination: "10.1.2.0/24", PeeringConnection: "pcx-1"}}},
			{ID: "rtb-back", ARN: "arn:rtb-back", VPCID: "vpc-b", Routes: []Route{{Destination: "10.0.0.0/16", PeeringConnection: "pcx-1"}}},
			{ID: "rtb-lost", ARN: "arn:rtb-lost", VPCID: "vpc-a", Routes: []Route{{Destination: "10.9.0.0/24", PeeringConnection: "pcx-9"}}},
		}),
		PeeringConnections: Observed([]PeeringConnection{pcx}),
		ECSServices:        Observed([]ECSService{{Name: "api", ARN: "arn:svc", AssignPublicIP: true, SecurityGroups: []string{"sg-1"}}}),
		SecurityGroups:     Unknown[[]SecurityGroup]("ec2 DescribeSecurityGroups: UnauthorizedOperation"),
		LoadBalancers: Observed([]LoadBalancer{{Name: "gwlb", ARN: "arn:gwlb", Type: "gateway", AvailabilityZones: []string{"a", "b"}},
			{Name: "alb", ARN: "arn:alb", Type: "application", AvailabilityZones: []string{"a", "b"}, Listeners: Unknown[[]Listener]("elasticloadbalancing DescribeListeners: Throttling"), AccessLogs: Observed(true)}}),
		Instances:        Observed([]Instance{{ID: "i-1", ARN: "arn:i-1", HttpTokens: "optional", HttpEndpoint: "disabled"}}),
		MetadataDefaults: Observed(MetadataDefaults{HttpTokens: "required"}),
	}}}
	for id, want := range map[string]map[string]Status{
		"ec2.vpc_peering_least_access":     {"arn:rtb-narrow": StatusPass, "arn:rtb-back": StatusFail, "arn:rtb-lost": StatusError},
		"ecs.no_public_open_services":      {"arn:svc": StatusError},
		"elb.https_redirect":               {"arn:alb": StatusError},
		"logging.web_frontend_access_logs": {"arn:alb": StatusPass},
		"ec2.imdsv2":                       {"arn:i-1": StatusPass},
	} {
		got := checkResults(t, id, st)
		for arn, status := range want {
			if got[arn].Status != status {
				t.Errorf("%s %s: %s %q, want %s", id, arn, got[arn].Status, got[arn].StatusExtended, status)
			}
		}
		if _, ok := got["arn:gwlb"]; ok {
			t.Errorf("%s: evaluated a Gateway Load Balancer", id)
		}
	}
}

// TestPeeringRouteFamilies checks peering routes against the peer VPC's CIDR blocks of
// the route's own address family: a route as wide as a block of its family fails, a
// default route of a family the peer VPC has no block of fails, and a route to a prefix
// list (which Cairn does not resolve) is left to a person rather than passed.
func TestPeeringRouteFamilies(t *testing.T) {
	const v6 = "2600:1f18:abcd:1200::/56"
	for _, c := range []struct {
		name       string
		peer6      []string // the peer VPC's IPv6 blocks (its IPv4 block is 10.1.0.0/16)
		dests      []string
		want       Status
		wantSubstr string
	}{
		{"ipv6 default route, peer without ipv6", nil, []string{"::/0"}, StatusFail, "::/0 via pcx-1 is a default route, and the peer VPC has no IPv6 CIDR block"},
		{"ipv4 default route", nil, []string{"0.0.0.0/0"}, StatusFail, "0.0.0.0/0 via pcx-1 covers the peer VPC's 10.1.0.0/16"},
		{"narrower ipv4 route", nil, []string{"10.1.2.0/24"}, StatusPass, "no peering route as wide as"},
		{"ipv6 route, peer without ipv6", nil, []string{"2001:db8::/32"}, StatusPass, "2001:db8::/32 via pcx-1"},
		{"ipv6 default route, peer with ipv6", []string{v6}, []string{"::/0"}, StatusFail, "::/0 via pcx-1 covers the peer VPC's " + v6},
		{"whole peer ipv6 block", []string{v6}, []string{v6}, StatusFail, v6 + " via pcx-1 covers the peer VPC's " + v6},
		{"wider than the peer ipv6 block", []string{v6}, []string{"2600:1f18:abcd::/48"}, StatusFail, "covers the peer VPC's " + v6},
		{"ipv6 subnet of the peer", []string{v6}, []string{"2600:1f18:abcd:1201::/64"}, StatusPass, ""},
		{"other ipv6 block", []string{v6}, []string{"2600:1f18:ffff:1200::/56"}, StatusPass, ""},
		{"both families narrow", []string{v6}, []string{"10.1.2.0/24", "2600:1f18:abcd:1201::/64"}, StatusPass, ""},
		{"prefix list", nil, []string{"pl-0123456789abcdef0"}, StatusManual, "pl-0123456789abcdef0 via pcx-1"},
		{"prefix list beside a narrow route", nil, []string{"10.1.2.0/24", "pl-0123456789abcdef0"}, StatusManual, "get-managed-prefix-list-entries"},
		{"prefix list beside a whole-VPC route", nil, []string{"pl-0123456789abcdef0", "10.1.0.0/16"}, StatusFail, "10.1.0.0/16 via pcx-1 covers"},
	} {
		t.Run(c.name, func(t *testing.T) {
			pcx := PeeringConnection{ID: "pcx-1", RequesterVPCID: "vpc-a", RequesterCIDRs: []string{"10.0.0.0/16"},
				AccepterVPCID: "vpc-b", AccepterCIDRs: []string{"10.1.0.0/16"}, AccepterIPv6CIDRs: c.peer6}
			rt := RouteTable{ID: "rtb-1", ARN: "arn:rtb-1", VPCID: "vpc-a"}
			for _, d := range c.dests {
				rt.Routes = append(rt.Routes, Route{Destination: d, PeeringConnection: "pcx-1"})
			}
			st := &State{AccountID: "123456789012", Regional: []RegionState{{Name: "eu-west-1",
				RouteTables: Observed([]RouteTable{rt}), PeeringConnections: Observed([]PeeringConnection{pcx})}}}
			r := checkResults(t, "ec2.vpc_peering_least_access", st)["arn:rtb-1"]
			if r.Status != c.want || !strings.Contains(r.StatusExtended, c.wantSubstr) {
				t.Errorf("%s %q, want %s saying %q", r.Status, r.StatusExtended, c.want, c.wantSubstr)
			}
		})
	}
}

// TestPeeringRouteSides checks that each side of a peering connection is compared with
// the other side's blocks: the requester's route to the accepter's IPv6 block, and the
// accepter's route back to the requester's, both fail.
func TestPeeringRouteSides(t *testing.T) {
	pcx := PeeringConnection{ID: "pcx-1",
		RequesterVPCID: "vpc-a", RequesterCIDRs: []string{"10.0.0.0/16"}, RequesterIPv6CIDRs: []string{"2600:1f18:aaaa:100::/56"},
		AccepterVPCID: "vpc-b", AccepterCIDRs: []string{"10.1.0.0/16"}, AccepterIPv6CIDRs: []string{"2600:1f18:bbbb:200::/56"}}
	st := &State{AccountID: "123456789012", Regional: []RegionState{{Name: "eu-west-1",
		RouteTables: Observed([]RouteTable{
			{ID: "rtb-a", ARN: "arn:rtb-a", VPCID: "vpc-a", Routes: []Route{{Destination: "2600:1f18:bbbb:200::/56", PeeringConnection: "pcx-1"}}},
			{ID: "rtb-b", ARN: "arn:rtb-b", VPCID: "vpc-b", Routes: []Route{{Destination: "2600:1f18:aaaa:100::/56", PeeringConnection: "pcx-1"}}},
			{ID: "rtb-a-own", ARN: "arn:rtb-a-own", VPCID: "vpc-a", Routes: []Route{{Destination: "2600:1f18:aaaa:100::/56", PeeringConnection: "pcx-1"}}},
		}),
		PeeringConnections: Observed([]PeeringConnection{pcx})}}}
	got := checkResults(t, "ec2.vpc_peering_least_access", st)
	for arn, want := range map[string]Status{"arn:rtb-a": StatusFail, "arn:rtb-b": StatusFail, "arn:rtb-a-own": StatusPass} {
		if got[arn].Status != want {
			t.Errorf("%s: %s %q, want %s", arn, got[arn].Status, got[arn].StatusExtended, want)
		}
	}
}
