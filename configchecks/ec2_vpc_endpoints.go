package configchecks

import "strings"

var _ = register(Check{
	ID:       "ec2.vpc_endpoints",
	Title:    "VPCs reach Amazon S3 through a VPC endpoint",
	Severity: SeverityLow,
	Category: CategoryNetwork,
	CIS:      []string{"7.0:6.8"},
	SOC2:     []string{"CC6.1", "CC6.6", "CC6.7"},
	Rationale: "A VPC endpoint keeps traffic to an AWS service on the AWS network and lets endpoint and bucket policies restrict which principals and buckets the VPC can reach, closing an exfiltration path to buckets outside the organization. " +
		"Cairn's rule: every VPC has an available endpoint (gateway or interface) for Amazon S3, the service that holds most data and the one a gateway endpoint serves at no cost; endpoints for DynamoDB and other services are listed as evidence. Which other services need an endpoint depends on the workload and stays a manual review.",
	Remediation: Remediation{
		Console: "VPC console → Endpoints → Create endpoint: AWS services, com.amazonaws.REGION.s3, type Gateway, the VPC and its route tables → Create endpoint. Add a DynamoDB gateway endpoint and interface endpoints (KMS, STS, Secrets Manager …) for the services the workloads call.",
		CLI:     "aws ec2 create-vpc-endpoint --vpc-id VPC --vpc-endpoint-type Gateway --service-name com.amazonaws.REGION.s3 --route-table-ids RTB",
	},
	Permissions: []string{"ec2:DescribeVpcs", "ec2:DescribeVpcEndpoints"},
	Evaluate: func(st *State) []Result {
		var out []Result
		for i := range st.Regional {
			rs := &st.Regional[i]
			arn := st.RegionalAccountARN("ec2", rs.Name)
			if !rs.VPCs.Known {
				out = append(out, unknownResult(arn, rs.Name, "the VPCs in "+rs.Name, rs.VPCs.Reason()))
				continue
			}
			if !rs.VPCEndpoints.Known {
				out = append(out, unknownResult(arn, rs.Name, "the VPC endpoints in "+rs.Name, rs.VPCEndpoints.Reason()))
				continue
			}
			for _, v := range rs.VPCs.Value {
				var services []string
				s3 := false
				for _, e := range rs.VPCEndpoints.Value {
					if e.VPCID != v.ID || !strings.EqualFold(e.State, "available") {
						continue
					}
					services = append(services, e.ServiceName+" ("+e.Type+")")
					s3 = s3 || strings.HasSuffix(e.ServiceName, ".s3")
				}
				e := ev{"vpc_id": v.ID, "is_default": v.IsDefault, "endpoints": services}
				if s3 {
					out = append(out, result(StatusPass, v.ARN, rs.Name, e, "VPC %s reaches Amazon S3 through a VPC endpoint (endpoints: %s).", v.ID, strings.Join(services, ", ")))
				} else {
					out = append(out, result(StatusFail, v.ARN, rs.Name, e, "VPC %s has no VPC endpoint for Amazon S3.", v.ID))
				}
			}
		}
		return out
	},
})
