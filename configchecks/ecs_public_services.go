package configchecks

import (
	"slices"
	"strings"
)

var _ = register(Check{
	ID:        "ecs.no_public_open_services",
	Title:     "ECS services do not give tasks a public IP behind a security group open to the internet",
	Severity:  SeverityHigh,
	Category:  CategoryNetwork,
	SOC2:      []string{"CC6.1", "CC6.6"},
	Rationale: "A task with a public IP address and a security group admitting 0.0.0.0/0 or ::/0 is directly reachable from the internet, bypassing any load balancer, WAF or authentication in front of the service.",
	Remediation: Remediation{
		Console: "ECS console → the cluster → the service → Update → Networking: turn Public IP off (reach the internet through a NAT gateway), and remove 0.0.0.0/0 and ::/0 rules from the task security groups; put a load balancer in front if the service must be public.",
		CLI:     "aws ecs update-service --cluster CLUSTER --service SERVICE --network-configuration 'awsvpcConfiguration={subnets=[PRIVATE_SUBNET],securityGroups=[SG],assignPublicIp=DISABLED}'",
	},
	Permissions: []string{"ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices", "ec2:DescribeSecurityGroups"},
	Evaluate: func(st *State) []Result {
		return forEachResource(st, "ecs", "the ECS services", func(rs *RegionState) Attr[[]ECSService] { return rs.ECSServices },
			func(rs *RegionState, s ECSService) Result {
				e := ev{"service": s.Name, "cluster_arn": s.ClusterARN, "assign_public_ip": s.AssignPublicIP, "security_groups": s.SecurityGroups}
				if !s.AssignPublicIP {
					return result(StatusPass, s.ARN, rs.Name, e, "ECS service %s does not assign public IP addresses to its tasks.", s.Name)
				}
				if !rs.SecurityGroups.Known {
					return unknownResult(s.ARN, rs.Name, "the security groups of ECS service "+s.Name, rs.SecurityGroups.Reason())
				}
				var open []string
				for _, sg := range rs.SecurityGroups.Value {
					if !slices.Contains(s.SecurityGroups, sg.ID) {
						continue
					}
					for _, r := range sg.Ingress {
						if slices.Contains(r.IPv4Ranges, anyIPv4) || slices.Contains(r.IPv6Ranges, anyIPv6) {
							open = append(open, sg.ID+" "+ruleText(r))
						}
					}
				}
				e["open_to_internet"] = open
				if len(open) > 0 {
					return result(StatusFail, s.ARN, rs.Name, e, "ECS service %s gives its tasks public IP addresses and its security groups admit the internet: %s.", s.Name, strings.Join(open, "; "))
				}
				return result(StatusPass, s.ARN, rs.Name, e, "ECS service %s assigns public IP addresses, but no security group of its tasks admits 0.0.0.0/0 or ::/0.", s.Name)
			})
	},
})
