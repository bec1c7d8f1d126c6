package configchecks

var _ = register(Check{
	ID:        "ec2.imdsv2",
	Title:     "EC2 instances and the account's metadata defaults require IMDSv2",
	Severity:  SeverityHigh,
	Category:  CategoryNetwork,
	CIS:       []string{"5.0:5.7", "6.0:6.7", "7.0:6.7"},
	SOC2:      []string{"CC6.1", "CC6.6"},
	Rationale: "IMDSv1 answers any plain GET from the instance, so a server-side request forgery in an application on it hands out the instance role's credentials. IMDSv2 requires a session token obtained with a PUT, which SSRF and open proxies cannot send. The account-level default makes new instances start with IMDSv2 only.",
	Remediation: Remediation{
		Console: "EC2 console → Instances → the instance → Actions → Instance settings → Modify instance metadata options: IMDSv2 Required → Save. For new instances: EC2 console → Settings (Dashboard) → Data protection and security → IMDS defaults → Manage: Metadata version V2 only (token required).",
		CLI:     "aws ec2 modify-instance-metadata-options --instance-id ID --http-tokens required --http-endpoint enabled\naws ec2 modify-instance-metadata-defaults --region REGION --http-tokens required",
	},
	Permissions: []string{"ec2:DescribeInstances", "ec2:GetInstanceMetadataDefaults"},
	Evaluate: func(st *State) []Result {
		var out []Result
		for i := range st.Regional {
			rs := &st.Regional[i]
			arn := st.RegionalAccountARN("ec2", rs.Name)
			if d := rs.MetadataDefaults; !d.Known {
				out = append(out, unknownResult(arn, rs.Name, "the account's instance metadata defaults in "+rs.Name, d.Reason()))
			} else if e := (ev{"account_level_http_tokens": d.Value.HttpTokens, "account_level_http_endpoint": d.Value.HttpEndpoint}); d.Value.HttpTokens == "required" {
				out = append(out, result(StatusPass, arn, rs.Name, e, "New instances in %s require IMDSv2 by default (account-level HttpTokens required).", rs.Name))
			} else {
				out = append(out, result(StatusFail, arn, rs.Name, e, "New instances in %s do not require IMDSv2 by default (account-level HttpTokens %s).", rs.Name, orNone(d.Value.HttpTokens)))
			}
			if !rs.Instances.Known {
				out = append(out, unknownResult(arn, rs.Name, "the EC2 instances in "+rs.Name, rs.Instances.Reason()))
				continue
			}
			for _, in := range rs.Instances.Value {
				e := ev{"instance_id": in.ID, "state": in.State, "http_tokens": in.HttpTokens, "http_endpoint": in.HttpEndpoint}
				switch {
				case in.HttpTokens == "required":
					out = append(out, result(StatusPass, in.ARN, rs.Name, e, "Instance %s requires IMDSv2 (HttpTokens required).", in.ID))
				case in.HttpEndpoint == "disabled":
					out = append(out, result(StatusPass, in.ARN, rs.Name, e, "Instance %s has the instance metadata service turned off.", in.ID))
				default:
					out = append(out, result(StatusFail, in.ARN, rs.Name, e, "Instance %s allows IMDSv1 (HttpTokens %s).", in.ID, orNone(in.HttpTokens)))
				}
			}
		}
		return out
	},
})

// orNone returns s, or "not set" when s is empty.
func orNone(s string) string {
	if s == "" {
		return "not set"
	}
	return s
}
