package configchecks

var _ = register(Check{
	ID:        "logging.web_frontend_access_logs",
	Title:     "CloudFront distributions, load balancers and API Gateway stages log access",
	Severity:  SeverityMedium,
	Category:  CategoryLogging,
	CIS:       []string{"7.0:4.10"},
	SOC2:      []string{"CC7.2", "CC7.3"},
	Rationale: "Access logs of the services in front of applications record every request (client address, path, status), which is what an investigation needs to see who reached what; CloudTrail does not record them. Gateway Load Balancers have no access logs and are not evaluated.",
	Remediation: Remediation{
		Console: "CloudFront console → the distribution → General → Settings → Edit: Standard logging On, an S3 bucket. EC2 console → Load Balancers → the load balancer → Attributes → Edit: Access logs on, an S3 location. API Gateway console → the API → Stages → the stage → Logs and tracing → Edit: Custom access logging on, a log group ARN and format.",
		CLI:     "aws elbv2 modify-load-balancer-attributes --load-balancer-arn LB_ARN --attributes Key=access_logs.s3.enabled,Value=true Key=access_logs.s3.bucket,Value=BUCKET\naws apigateway update-stage --rest-api-id API --stage-name STAGE --patch-operations op=replace,path=/accessLogSettings/destinationArn,value=LOG_GROUP_ARN op=replace,path=/accessLogSettings/format,value='$context.requestId'\naws cloudfront update-distribution --id ID --if-match ETAG --distribution-config file://cfg.json  # Logging.Enabled true",
	},
	Permissions: []string{"cloudfront:ListDistributions", "cloudfront:GetDistributionConfig", "elasticloadbalancing:DescribeLoadBalancers",
		"elasticloadbalancing:DescribeLoadBalancerAttributes", "apigateway:GET"},
	Evaluate: func(st *State) []Result {
		var out []Result
		if ds := st.Distributions; !ds.Known {
			out = append(out, unknownResult(st.AccountARN(), GlobalRegion, "the CloudFront distributions", ds.Reason()))
		} else {
			for _, d := range ds.Value {
				switch {
				case !d.Logging.Known:
					out = append(out, unknownResult(d.ARN, GlobalRegion, "the logging of CloudFront distribution "+d.ID, d.Logging.Reason()))
				case d.Logging.Value:
					out = append(out, result(StatusPass, d.ARN, GlobalRegion, ev{"distribution_id": d.ID, "logging": true}, "CloudFront distribution %s has standard logging on.", d.ID))
				default:
					out = append(out, result(StatusFail, d.ARN, GlobalRegion, ev{"distribution_id": d.ID, "logging": false}, "CloudFront distribution %s has standard logging off.", d.ID))
				}
			}
		}
		for _, r := range forEachResource(st, "elasticloadbalancing", "the load balancers", loadBalancers, func(rs *RegionState, lb LoadBalancer) Result {
			switch {
			case lb.Type == "gateway":
				return Result{}
			case !lb.AccessLogs.Known:
				return unknownResult(lb.ARN, rs.Name, "the access logging of load balancer "+lb.Name, lb.AccessLogs.Reason())
			case lb.AccessLogs.Value:
				return result(StatusPass, lb.ARN, rs.Name, ev{"load_balancer": lb.Name, "type": lb.Type, "access_logs.s3.enabled": true}, "Load balancer %s has access logging on.", lb.Name)
			}
			return result(StatusFail, lb.ARN, rs.Name, ev{"load_balancer": lb.Name, "type": lb.Type, "access_logs.s3.enabled": false}, "Load balancer %s has access logging off.", lb.Name)
		}) {
			if r.Status != "" {
				out = append(out, r)
			}
		}
		out = append(out, forEachResource(st, "apigateway", "the API Gateway stages", func(rs *RegionState) Attr[[]APIStage] { return rs.APIStages },
			func(rs *RegionState, s APIStage) Result {
				e := ev{"api_id": s.APIID, "api_name": s.APIName, "stage": s.Stage, "access_log_destination": s.AccessLogDestination}
				if s.AccessLogDestination == "" {
					return result(StatusFail, s.ARN, rs.Name, e, "API Gateway stage %s of API %s has access logging off.", s.Stage, s.APIName)
				}
				return result(StatusPass, s.ARN, rs.Name, e, "API Gateway stage %s of API %s logs access to %s.", s.Stage, s.APIName, s.AccessLogDestination)
			})...)
		return out
	},
})
