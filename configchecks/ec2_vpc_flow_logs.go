package configchecks

var _ = register(Check{
	ID:        "ec2.vpc_flow_logs",
	Title:     "VPC flow logging is enabled in every VPC",
	Severity:  SeverityMedium,
	Category:  CategoryLogging,
	CIS:       []string{"5.0:3.7", "6.0:4.7", "7.0:4.7"},
	SOC2:      []string{"CC7.2"},
	Rationale: "Flow logs record which addresses talked to which, which detecting exfiltration and investigating an incident need.",
	Remediation: Remediation{
		Console: "VPC console → Your VPCs → the VPC → Flow logs → Create flow log: filter Reject (or All), destination CloudWatch Logs or S3.",
		CLI:     "aws ec2 create-flow-logs --resource-type VPC --resource-ids VPC_ID --traffic-type REJECT --log-destination-type s3 --log-destination arn:aws:s3:::BUCKET",
	},
	Permissions: []string{"ec2:DescribeVpcs", "ec2:DescribeFlowLogs"},
	Evaluate:    evalVPCFlowLogs,
})

// evalVPCFlowLogs reports every VPC: PASS with an active flow log on the VPC that
// records rejected traffic (REJECT or ALL), which is what the CIS remediation and
// Security Hub EC2.6 ask for: a log of ACCEPT only shows none of the probes a network
// turned away.
func evalVPCFlowLogs(st *State) []Result {
	return forEachRegion(st, "ec2", "the VPCs", func(rs *RegionState) Attr[[]VPC] { return rs.VPCs },
		func(rs *RegionState, vpcs []VPC) []Result {
			if len(vpcs) > 0 && !rs.FlowLogs.Known {
				return []Result{unknownResult(st.RegionalAccountARN("ec2", rs.Name), rs.Name, "the flow logs in "+rs.Name, rs.FlowLogs.Reason())}
			}
			var out []Result
			for _, v := range vpcs {
				var logs []FlowLog
				rejects := 0
				for _, fl := range rs.FlowLogs.Value {
					if fl.ResourceID == v.ID && (fl.Status == "" || fl.Status == "ACTIVE") {
						logs = append(logs, fl)
						if fl.TrafficType != "ACCEPT" {
							rejects++
						}
					}
				}
				e := ev{"vpc_id": v.ID, "is_default": v.IsDefault, "flow_logs": logs}
				switch {
				case rejects > 0:
					out = append(out, result(StatusPass, v.ARN, rs.Name, e, "VPC %s has %d active flow log(s) recording rejected traffic.", v.ID, rejects))
				case len(logs) > 0:
					out = append(out, result(StatusFail, v.ARN, rs.Name, e, "VPC %s has active flow logs of accepted traffic only: rejected traffic is not recorded.", v.ID))
				default:
					out = append(out, result(StatusFail, v.ARN, rs.Name, e, "VPC %s has no active flow log.", v.ID))
				}
			}
			return out
		})
}
