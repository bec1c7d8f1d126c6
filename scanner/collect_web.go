package scanner

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/cairnsec/cairn/configchecks"
)

// collectLoadBalancers reads a region's ELBv2 load balancers with their listeners
// and access-log attribute.
func (c *stateCollector) collectLoadBalancers(ctx context.Context, region string) configchecks.Attr[[]configchecks.LoadBalancer] {
	client := elbv2.NewFromConfig(c.cfg, func(o *elbv2.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	lbs := listAll(ctx, "elasticloadbalancing DescribeLoadBalancers",
		elbv2.NewDescribeLoadBalancersPaginator(client, &elbv2.DescribeLoadBalancersInput{}),
		func(o *elbv2.DescribeLoadBalancersOutput) []elbtypes.LoadBalancer { return o.LoadBalancers })
	if !lbs.Known {
		return configchecks.Unknown[[]configchecks.LoadBalancer](lbs.Err)
	}
	out := make([]configchecks.LoadBalancer, 0, len(lbs.Value))
	for _, lb := range lbs.Value {
		arn := aws.ToString(lb.LoadBalancerArn)
		l := configchecks.LoadBalancer{Name: aws.ToString(lb.LoadBalancerName), ARN: arn, Type: string(lb.Type), Scheme: string(lb.Scheme)}
		for _, az := range lb.AvailabilityZones {
			l.AvailabilityZones = append(l.AvailabilityZones, aws.ToString(az.ZoneName))
		}
		slices.Sort(l.AvailabilityZones)
		l.Listeners = listAll(ctx, "elasticloadbalancing DescribeListeners",
			elbv2.NewDescribeListenersPaginator(client, &elbv2.DescribeListenersInput{LoadBalancerArn: aws.String(arn)}),
			func(o *elbv2.DescribeListenersOutput) (out []configchecks.Listener) {
				for _, li := range o.Listeners {
					x := configchecks.Listener{ARN: aws.ToString(li.ListenerArn), Protocol: string(li.Protocol), Port: aws.ToInt32(li.Port)}
					for _, a := range li.DefaultActions {
						if a.Type == elbtypes.ActionTypeEnumRedirect && a.RedirectConfig != nil && aws.ToString(a.RedirectConfig.Protocol) == "HTTPS" {
							x.RedirectsToHTTPS = true
						}
					}
					out = append(out, x)
				}
				return out
			})
		if a, err := client.DescribeLoadBalancerAttributes(ctx, &elbv2.DescribeLoadBalancerAttributesInput{LoadBalancerArn: aws.String(arn)}); err != nil {
			l.AccessLogs = configchecks.Unknown[bool](reason("elasticloadbalancing DescribeLoadBalancerAttributes", err))
		} else {
			on := false
			for _, kv := range a.Attributes {
				if aws.ToString(kv.Key) == "access_logs.s3.enabled" {
					on = aws.ToString(kv.Value) == "true"
				}
			}
			l.AccessLogs = configchecks.Observed(on)
		}
		out = append(out, l)
	}
	return configchecks.Observed(out)
}

// collectDistributions reads the CloudFront distributions (a global service, called
// in us-east-1 of the partition) with their viewer protocol policies and logging.
func (c *stateCollector) collectDistributions(ctx context.Context) configchecks.Attr[[]configchecks.Distribution] {
	client := cloudfront.NewFromConfig(c.cfg, func(o *cloudfront.Options) {
		o.Region = "us-east-1"
		o.APIOptions = guardOpts(o.APIOptions)
	})
	var out []configchecks.Distribution
	var marker *string
	for pages := 0; ; pages++ {
		if pages == maxStatePages {
			return configchecks.Unknown[[]configchecks.Distribution](reason("cloudfront ListDistributions", truncated()))
		}
		page, err := client.ListDistributions(ctx, &cloudfront.ListDistributionsInput{Marker: marker})
		if err != nil {
			return configchecks.Unknown[[]configchecks.Distribution](reason("cloudfront ListDistributions", err))
		}
		if page.DistributionList == nil {
			break
		}
		for _, d := range page.DistributionList.Items {
			x := configchecks.Distribution{ID: aws.ToString(d.Id), ARN: aws.ToString(d.ARN)}
			// The summary's cache behaviors, else the configuration's (moto's
			// summary has none).
			policies := viewerPolicies(d.DefaultCacheBehavior, d.CacheBehaviors)
			if cfg, err := client.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: d.Id}); err != nil {
				x.Logging = configchecks.Unknown[bool](reason("cloudfront GetDistributionConfig", err))
				x.ViewerProtocolPolicies = configchecks.Unknown[[]string](reason("cloudfront GetDistributionConfig", err))
			} else if dc := cfg.DistributionConfig; dc != nil {
				x.Logging = configchecks.Observed(dc.Logging != nil && aws.ToBool(dc.Logging.Enabled))
				if len(policies) == 0 {
					policies = viewerPolicies(dc.DefaultCacheBehavior, dc.CacheBehaviors)
				}
			}
			if len(policies) > 0 {
				x.ViewerProtocolPolicies = configchecks.Observed(policies)
			} else if x.ViewerProtocolPolicies.Err == "" {
				x.ViewerProtocolPolicies = configchecks.Unknown[[]string]("cloudfront: no cache behavior reported")
			}
			out = append(out, x)
		}
		if !aws.ToBool(page.DistributionList.IsTruncated) {
			break
		}
		marker = page.DistributionList.NextMarker
	}
	return configchecks.Observed(out)
}

// collectFunctions reads a region's Lambda functions with their dead-letter queue and
// on-failure destination for asynchronous invocations.
func (c *stateCollector) collectFunctions(ctx context.Context, region string) configchecks.Attr[[]configchecks.Function] {
	client := lambda.NewFromConfig(c.cfg, func(o *lambda.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	fns := listAll(ctx, "lambda ListFunctions", lambda.NewListFunctionsPaginator(client, &lambda.ListFunctionsInput{}),
		func(o *lambda.ListFunctionsOutput) (out []configchecks.Function) {
			for _, f := range o.Functions {
				x := configchecks.Function{Name: aws.ToString(f.FunctionName), ARN: aws.ToString(f.FunctionArn)}
				if f.DeadLetterConfig != nil {
					x.DeadLetterTarget = aws.ToString(f.DeadLetterConfig.TargetArn)
				}
				out = append(out, x)
			}
			return out
		})
	if !fns.Known {
		return fns
	}
	for i := range fns.Value {
		f := &fns.Value[i]
		cfg, err := client.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String(f.Name)})
		switch {
		case errorCode(err) == "ResourceNotFoundException":
			f.OnFailure = configchecks.Observed("")
		case err != nil:
			f.OnFailure = configchecks.Unknown[string](reason("lambda GetFunctionEventInvokeConfig", err))
		case cfg.DestinationConfig != nil && cfg.DestinationConfig.OnFailure != nil:
			f.OnFailure = configchecks.Observed(aws.ToString(cfg.DestinationConfig.OnFailure.Destination))
		default:
			f.OnFailure = configchecks.Observed("")
		}
	}
	return fns
}

// collectECSServices reads the services of every ECS cluster of a region.
func (c *stateCollector) collectECSServices(ctx context.Context, region string) configchecks.Attr[[]configchecks.ECSService] {
	client := ecs.NewFromConfig(c.cfg, func(o *ecs.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	clusters := listAll(ctx, "ecs ListClusters", ecs.NewListClustersPaginator(client, &ecs.ListClustersInput{}),
		func(o *ecs.ListClustersOutput) []string { return o.ClusterArns })
	if !clusters.Known {
		return configchecks.Unknown[[]configchecks.ECSService](clusters.Err)
	}
	var out []configchecks.ECSService
	for _, cl := range clusters.Value {
		arns := listAll(ctx, "ecs ListServices", ecs.NewListServicesPaginator(client, &ecs.ListServicesInput{Cluster: aws.String(cl)}),
			func(o *ecs.ListServicesOutput) []string { return o.ServiceArns })
		if !arns.Known {
			return configchecks.Unknown[[]configchecks.ECSService](arns.Err)
		}
		for batch := range slices.Chunk(arns.Value, 10) {
			d, err := client.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cl), Services: batch})
			if err == nil && len(d.Failures) > 0 {
				err = errors.New("ecs DescribeServices: " + aws.ToString(d.Failures[0].Reason))
			}
			if err != nil {
				return configchecks.Unknown[[]configchecks.ECSService](reason("ecs DescribeServices", err))
			}
			for _, s := range d.Services {
				x := configchecks.ECSService{Name: aws.ToString(s.ServiceName), ARN: aws.ToString(s.ServiceArn), ClusterARN: cl}
				if n := s.NetworkConfiguration; n != nil && n.AwsvpcConfiguration != nil {
					x.AssignPublicIP = n.AwsvpcConfiguration.AssignPublicIp == "ENABLED"
					x.SecurityGroups = n.AwsvpcConfiguration.SecurityGroups
				}
				out = append(out, x)
			}
		}
	}
	return configchecks.Observed(out)
}

// collectRouting reads a region's route tables, VPC peering connections and VPC
// endpoints into rs.
func (c *stateCollector) collectRouting(ctx context.Context, rs *configchecks.RegionState) {
	region := rs.Name
	client := ec2.NewFromConfig(c.cfg, func(o *ec2.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	rs.RouteTables = listAll(ctx, "ec2 DescribeRouteTables",
		ec2.NewDescribeRouteTablesPaginator(client, &ec2.DescribeRouteTablesInput{}),
		func(o *ec2.DescribeRouteTablesOutput) (out []configchecks.RouteTable) {
			for _, t := range o.RouteTables {
				id := aws.ToString(t.RouteTableId)
				rt := configchecks.RouteTable{ID: id, ARN: c.arn("ec2", region, "route-table/"+id), VPCID: aws.ToString(t.VpcId)}
				for _, r := range t.Routes {
					rt.Routes = append(rt.Routes, configchecks.Route{
						Destination:       cmp.Or(aws.ToString(r.DestinationCidrBlock), aws.ToString(r.DestinationIpv6CidrBlock), aws.ToString(r.DestinationPrefixListId)),
						PeeringConnection: aws.ToString(r.VpcPeeringConnectionId),
						Target:            cmp.Or(aws.ToString(r.GatewayId), aws.ToString(r.NatGatewayId), aws.ToString(r.TransitGatewayId)),
					})
				}
				out = append(out, rt)
			}
			return out
		})
	rs.PeeringConnections = listAll(ctx, "ec2 DescribeVpcPeeringConnections",
		ec2.NewDescribeVpcPeeringConnectionsPaginator(client, &ec2.DescribeVpcPeeringConnectionsInput{}),
		func(o *ec2.DescribeVpcPeeringConnectionsOutput) (out []configchecks.PeeringConnection) {
			for _, p := range o.VpcPeeringConnections {
				out = append(out, peeringConnection(p))
			}
			return out
		})
	rs.VPCEndpoints = listAll(ctx, "ec2 DescribeVpcEndpoints",
		ec2.NewDescribeVpcEndpointsPaginator(client, &ec2.DescribeVpcEndpointsInput{}),
		func(o *ec2.DescribeVpcEndpointsOutput) (out []configchecks.VPCEndpoint) {
			for _, e := range o.VpcEndpoints {
				out = append(out, configchecks.VPCEndpoint{ID: aws.ToString(e.VpcEndpointId), VPCID: aws.ToString(e.VpcId),
					ServiceName: aws.ToString(e.ServiceName), Type: string(e.VpcEndpointType), State: string(e.State)})
			}
			return out
		})
}

// collectAPIStages reads the stages of a region's API Gateway REST APIs.
func (c *stateCollector) collectAPIStages(ctx context.Context, region string) configchecks.Attr[[]configchecks.APIStage] {
	client := apigateway.NewFromConfig(c.cfg, func(o *apigateway.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	type api struct{ id, name string }
	apis := listAll(ctx, "apigateway GetRestApis", apigateway.NewGetRestApisPaginator(client, &apigateway.GetRestApisInput{}),
		func(o *apigateway.GetRestApisOutput) (out []api) {
			for _, a := range o.Items {
				out = append(out, api{aws.ToString(a.Id), aws.ToString(a.Name)})
			}
			return out
		})
	if !apis.Known {
		return configchecks.Unknown[[]configchecks.APIStage](apis.Err)
	}
	var out []configchecks.APIStage
	for _, a := range apis.Value {
		st, err := client.GetStages(ctx, &apigateway.GetStagesInput{RestApiId: aws.String(a.id)})
		if err != nil {
			return configchecks.Unknown[[]configchecks.APIStage](reason("apigateway GetStages", err))
		}
		for _, s := range st.Item {
			name := aws.ToString(s.StageName)
			x := configchecks.APIStage{APIID: a.id, APIName: a.name, Stage: name,
				ARN: "arn:" + c.st.Partition + ":apigateway:" + region + "::/restapis/" + a.id + "/stages/" + name}
			if s.AccessLogSettings != nil {
				x.AccessLogDestination = aws.ToString(s.AccessLogSettings.DestinationArn)
			}
			out = append(out, x)
		}
	}
	return configchecks.Observed(out)
}

// viewerPolicies lists the viewer protocol policies of a distribution's default
// and other cache behaviors.
func viewerPolicies(def *cftypes.DefaultCacheBehavior, others *cftypes.CacheBehaviors) []string {
	var out []string
	if def != nil {
		out = append(out, string(def.ViewerProtocolPolicy))
	}
	if others != nil {
		for _, b := range others.Items {
			out = append(out, string(b.ViewerProtocolPolicy))
		}
	}
	return out
}

// peeringConnection converts one VPC peering connection, with both sides' IPv4 and
// IPv6 CIDR blocks.
func peeringConnection(p ec2types.VpcPeeringConnection) configchecks.PeeringConnection {
	x := configchecks.PeeringConnection{ID: aws.ToString(p.VpcPeeringConnectionId)}
	if p.Status != nil {
		x.Status = string(p.Status.Code)
	}
	if v := p.RequesterVpcInfo; v != nil {
		x.RequesterVPCID = aws.ToString(v.VpcId)
		x.RequesterCIDRs, x.RequesterIPv6CIDRs = vpcCIDRs(aws.ToString(v.CidrBlock), v.CidrBlockSet), vpcIPv6CIDRs(v.Ipv6CidrBlockSet)
	}
	if v := p.AccepterVpcInfo; v != nil {
		x.AccepterVPCID = aws.ToString(v.VpcId)
		x.AccepterCIDRs, x.AccepterIPv6CIDRs = vpcCIDRs(aws.ToString(v.CidrBlock), v.CidrBlockSet), vpcIPv6CIDRs(v.Ipv6CidrBlockSet)
	}
	return x
}

// vpcCIDRs returns a peered VPC's IPv4 CIDR blocks: the set, or else the primary block.
func vpcCIDRs(primary string, set []ec2types.CidrBlock) []string {
	var out []string
	for _, b := range set {
		if c := aws.ToString(b.CidrBlock); c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if len(out) == 0 && primary != "" {
		out = append(out, primary)
	}
	return out
}

// vpcIPv6CIDRs returns a peered VPC's IPv6 CIDR blocks (a VPC has no primary one).
func vpcIPv6CIDRs(set []ec2types.Ipv6CidrBlock) []string {
	var out []string
	for _, b := range set {
		if c := aws.ToString(b.Ipv6CidrBlock); c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}
