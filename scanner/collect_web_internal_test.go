package scanner

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestPeeringConnectionBlocks checks that both sides of a peering connection keep
// their IPv4 and IPv6 CIDR blocks. moto 5.2.1 reports only the primary CidrBlock in
// RequesterVpcInfo/AccepterVpcInfo (no CidrBlockSet, no Ipv6CidrBlockSet), so the
// moto-based TestConfigChecks cannot show the IPv6 blocks; this covers the conversion
// of what real EC2 returns.
func TestPeeringConnectionBlocks(t *testing.T) {
	p := peeringConnection(ec2types.VpcPeeringConnection{
		VpcPeeringConnectionId: aws.String("pcx-1"),
		Status:                 &ec2types.VpcPeeringConnectionStateReason{Code: ec2types.VpcPeeringConnectionStateReasonCodeActive},
		RequesterVpcInfo: &ec2types.VpcPeeringConnectionVpcInfo{VpcId: aws.String("vpc-a"), CidrBlock: aws.String("10.0.0.0/16"),
			CidrBlockSet:     []ec2types.CidrBlock{{CidrBlock: aws.String("10.0.0.0/16")}, {CidrBlock: aws.String("100.64.0.0/16")}},
			Ipv6CidrBlockSet: []ec2types.Ipv6CidrBlock{{Ipv6CidrBlock: aws.String("2600:1f18:aaaa:100::/56")}, {Ipv6CidrBlock: aws.String("2600:1f18:aaaa:100::/56")}}},
		// As moto answers: the primary block only.
		AccepterVpcInfo: &ec2types.VpcPeeringConnectionVpcInfo{VpcId: aws.String("vpc-b"), CidrBlock: aws.String("10.1.0.0/16")},
	})
	if p.ID != "pcx-1" || p.Status != "active" || p.RequesterVPCID != "vpc-a" || p.AccepterVPCID != "vpc-b" {
		t.Errorf("ids: %+v", p)
	}
	for name, c := range map[string]struct{ got, want []string }{
		"requester IPv4": {p.RequesterCIDRs, []string{"10.0.0.0/16", "100.64.0.0/16"}},
		"requester IPv6": {p.RequesterIPv6CIDRs, []string{"2600:1f18:aaaa:100::/56"}},
		"accepter IPv4":  {p.AccepterCIDRs, []string{"10.1.0.0/16"}},
		"accepter IPv6":  {p.AccepterIPv6CIDRs, nil},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s: %q, want %q", name, c.got, c.want)
		}
	}
}
