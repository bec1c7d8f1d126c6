package scanner

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/cairnsec/cairn/configchecks"
)

// collectEC2 reads a region's security groups, network ACLs, VPCs, flow logs and the
// EBS encryption-by-default setting into rs.
func (c *stateCollector) collectEC2(ctx context.Context, rs *configchecks.RegionState) {
	region := rs.Name
	client := ec2.NewFromConfig(c.cfg, func(o *ec2.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	rs.SecurityGroups = listAll(ctx, "ec2 DescribeSecurityGroups",
		ec2.NewDescribeSecurityGroupsPaginator(client, &ec2.DescribeSecurityGroupsInput{}),
		func(o *ec2.DescribeSecurityGroupsOutput) (out []configchecks.SecurityGroup) {
			for _, g := range o.SecurityGroups {
				id := aws.ToString(g.GroupId)
				out = append(out, configchecks.SecurityGroup{
					ID: id, Name: aws.ToString(g.GroupName), VPCID: aws.ToString(g.VpcId),
					ARN:     c.arn("ec2", region, "security-group/"+id),
					Ingress: ipRules(g.IpPermissions), Egress: ipRules(g.IpPermissionsEgress),
				})
			}
			return out
		})
	rs.NetworkACLs = listAll(ctx, "ec2 DescribeNetworkAcls",
		ec2.NewDescribeNetworkAclsPaginator(client, &ec2.DescribeNetworkAclsInput{}),
		func(o *ec2.DescribeNetworkAclsOutput) (out []configchecks.NetworkACL) {
			for _, a := range o.NetworkAcls {
				id := aws.ToString(a.NetworkAclId)
				acl := configchecks.NetworkACL{
					ID: id, VPCID: aws.ToString(a.VpcId), IsDefault: aws.ToBool(a.IsDefault),
					ARN: c.arn("ec2", region, "network-acl/"+id),
				}
				for _, e := range a.Entries {
					ne := configchecks.NACLEntry{
						RuleNumber: aws.ToInt32(e.RuleNumber), Egress: aws.ToBool(e.Egress),
						Protocol: aws.ToString(e.Protocol), Action: string(e.RuleAction),
						CIDR: aws.ToString(e.CidrBlock), IPv6CIDR: aws.ToString(e.Ipv6CidrBlock),
					}
					if pr := e.PortRange; pr != nil && pr.From != nil && pr.To != nil {
						ne.HasPorts, ne.FromPort, ne.ToPort = true, *pr.From, *pr.To
					}
					acl.Entries = append(acl.Entries, ne)
				}
				out = append(out, acl)
			}
			return out
		})
	rs.VPCs = listAll(ctx, "ec2 DescribeVpcs",
		ec2.NewDescribeVpcsPaginator(client, &ec2.DescribeVpcsInput{}),
		func(o *ec2.DescribeVpcsOutput) (out []configchecks.VPC) {
			for _, v := range o.Vpcs {
				id := aws.ToString(v.VpcId)
				out = append(out, configchecks.VPC{ID: id, ARN: c.arn("ec2", region, "vpc/"+id), IsDefault: aws.ToBool(v.IsDefault), CIDR: aws.ToString(v.CidrBlock)})
			}
			return out
		})
	rs.FlowLogs = listAll(ctx, "ec2 DescribeFlowLogs",
		ec2.NewDescribeFlowLogsPaginator(client, &ec2.DescribeFlowLogsInput{}),
		func(o *ec2.DescribeFlowLogsOutput) (out []configchecks.FlowLog) {
			for _, f := range o.FlowLogs {
				out = append(out, configchecks.FlowLog{
					ID: aws.ToString(f.FlowLogId), ResourceID: aws.ToString(f.ResourceId),
					Status: aws.ToString(f.FlowLogStatus), TrafficType: string(f.TrafficType),
				})
			}
			return out
		})
	if out, err := client.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{}); err != nil {
		rs.EBSEncryptionByDefault = configchecks.Unknown[bool](reason("ec2 GetEbsEncryptionByDefault", err))
	} else {
		rs.EBSEncryptionByDefault = configchecks.Observed(aws.ToBool(out.EbsEncryptionByDefault))
	}
	c.collectEBS(ctx, client, rs)
}

// collectEBS reads the region's EBS volumes and the snapshots the account owns.
func (c *stateCollector) collectEBS(ctx context.Context, client *ec2.Client, rs *configchecks.RegionState) {
	region := rs.Name
	rs.Volumes = listAll(ctx, "ec2 DescribeVolumes",
		ec2.NewDescribeVolumesPaginator(client, &ec2.DescribeVolumesInput{}),
		func(o *ec2.DescribeVolumesOutput) (out []configchecks.Volume) {
			for _, v := range o.Volumes {
				id := aws.ToString(v.VolumeId)
				out = append(out, configchecks.Volume{
					ID: id, ARN: c.arn("ec2", region, "volume/"+id), State: string(v.State),
					Encrypted: aws.ToBool(v.Encrypted), KMSKeyID: aws.ToString(v.KmsKeyId),
				})
			}
			return out
		})
	rs.Snapshots = listAll(ctx, "ec2 DescribeSnapshots",
		ec2.NewDescribeSnapshotsPaginator(client, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}}),
		func(o *ec2.DescribeSnapshotsOutput) (out []configchecks.Snapshot) {
			for _, s := range o.Snapshots {
				id := aws.ToString(s.SnapshotId)
				out = append(out, configchecks.Snapshot{
					// Snapshot ARNs carry no account id.
					ID: id, ARN: "arn:" + c.st.Partition + ":ec2:" + region + "::snapshot/" + id, VolumeID: aws.ToString(s.VolumeId),
					Encrypted: aws.ToBool(s.Encrypted), KMSKeyID: aws.ToString(s.KmsKeyId),
				})
			}
			return out
		})
}

// ipRules converts security group permissions.
func ipRules(perms []ec2types.IpPermission) []configchecks.IPRule {
	out := make([]configchecks.IPRule, 0, len(perms))
	for _, p := range perms {
		r := configchecks.IPRule{Protocol: aws.ToString(p.IpProtocol), FromPort: -1, ToPort: -1}
		if p.FromPort != nil {
			r.FromPort = *p.FromPort
		}
		if p.ToPort != nil {
			r.ToPort = *p.ToPort
		}
		for _, x := range p.IpRanges {
			r.IPv4Ranges = append(r.IPv4Ranges, aws.ToString(x.CidrIp))
		}
		for _, x := range p.Ipv6Ranges {
			r.IPv6Ranges = append(r.IPv6Ranges, aws.ToString(x.CidrIpv6))
		}
		for _, x := range p.PrefixListIds {
			r.PrefixLists = append(r.PrefixLists, aws.ToString(x.PrefixListId))
		}
		for _, x := range p.UserIdGroupPairs {
			r.Groups = append(r.Groups, aws.ToString(x.GroupId))
		}
		if r.Protocol == "" {
			r.Protocol = "-1"
		}
		out = append(out, r)
	}
	return out
}
