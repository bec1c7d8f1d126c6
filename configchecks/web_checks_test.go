package configchecks

import "testing"

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
