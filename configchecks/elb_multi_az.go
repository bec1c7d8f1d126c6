package configchecks

import "strings"

var _ = register(Check{
	ID:        "elb.multi_az",
	Title:     "Load balancers span at least two availability zones",
	Severity:  SeverityMedium,
	Category:  CategoryAvailability,
	SOC2:      []string{"A1.1", "A1.2"},
	Rationale: "A load balancer enabled in a single availability zone goes down with that zone, taking every healthy target in other zones with it.",
	Remediation: Remediation{
		Console: "EC2 console → Load Balancers → the load balancer → Network mapping → Edit subnets: select a subnet in a second availability zone → Save.",
		CLI:     "aws elbv2 set-subnets --load-balancer-arn LB_ARN --subnets SUBNET_AZ1 SUBNET_AZ2",
	},
	Permissions: []string{"elasticloadbalancing:DescribeLoadBalancers"},
	Evaluate: func(st *State) []Result {
		return forEachResource(st, "elasticloadbalancing", "the load balancers", loadBalancers, func(rs *RegionState, lb LoadBalancer) Result {
			e := ev{"load_balancer": lb.Name, "type": lb.Type, "availability_zones": lb.AvailabilityZones}
			if len(lb.AvailabilityZones) < 2 {
				return result(StatusFail, lb.ARN, rs.Name, e, "Load balancer %s is enabled in %d availability zone(s) (%s).", lb.Name, len(lb.AvailabilityZones), strings.Join(lb.AvailabilityZones, ", "))
			}
			return result(StatusPass, lb.ARN, rs.Name, e, "Load balancer %s spans %d availability zones.", lb.Name, len(lb.AvailabilityZones))
		})
	},
})
