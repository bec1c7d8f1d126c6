package configchecks

import (
	"fmt"
	"strings"
)

var _ = register(Check{
	ID:        "elb.https_redirect",
	Title:     "Application Load Balancer HTTP listeners redirect to HTTPS",
	Severity:  SeverityMedium,
	Category:  CategoryNetwork,
	SOC2:      []string{"CC6.1", "CC6.6", "CC6.7"},
	Rationale: "An HTTP listener that serves requests instead of redirecting them sends credentials, session cookies and data in clear text across the internet.",
	Remediation: Remediation{
		Console: "EC2 console → Load Balancers → the ALB → Listeners → the HTTP listener → Edit: Default action Redirect to URL, protocol HTTPS, port 443, status 301 → Save.",
		CLI:     "aws elbv2 modify-listener --listener-arn LISTENER_ARN --default-actions 'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'",
	},
	Permissions: []string{"elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeListeners"},
	Evaluate: func(st *State) []Result {
		var out []Result
		for _, r := range forEachResource(st, "elasticloadbalancing", "the load balancers", loadBalancers, func(rs *RegionState, lb LoadBalancer) Result {
			if lb.Type != "application" {
				return Result{} // only ALBs speak HTTP
			}
			if !lb.Listeners.Known {
				return unknownResult(lb.ARN, rs.Name, "the listeners of load balancer "+lb.Name, lb.Listeners.Reason())
			}
			var plain []string
			for _, l := range lb.Listeners.Value {
				if l.Protocol == "HTTP" && !l.RedirectsToHTTPS {
					plain = append(plain, fmt.Sprintf("HTTP:%d", l.Port))
				}
			}
			e := ev{"load_balancer": lb.Name, "listeners": lb.Listeners.Value, "http_listeners_not_redirecting": plain}
			if len(plain) > 0 {
				return result(StatusFail, lb.ARN, rs.Name, e, "Load balancer %s serves plain HTTP without redirecting to HTTPS on %s.", lb.Name, strings.Join(plain, ", "))
			}
			return result(StatusPass, lb.ARN, rs.Name, e, "Every HTTP listener of load balancer %s redirects to HTTPS (or it has none).", lb.Name)
		}) {
			if r.Status != "" {
				out = append(out, r)
			}
		}
		return out
	},
})

// loadBalancers is the getter of the ELBv2 load balancers.
func loadBalancers(rs *RegionState) Attr[[]LoadBalancer] { return rs.LoadBalancers }
