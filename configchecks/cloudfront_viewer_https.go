package configchecks

import "slices"

var _ = register(Check{
	ID:        "cloudfront.viewer_https",
	Title:     "CloudFront distributions require HTTPS between viewers and CloudFront",
	Severity:  SeverityMedium,
	Category:  CategoryNetwork,
	SOC2:      []string{"CC6.7"},
	Rationale: "With the viewer protocol policy allow-all, a cache behavior serves content and accepts requests over plain HTTP; https-only or redirect-to-https keeps data encrypted in transit to the viewer.",
	Remediation: Remediation{
		Console: "CloudFront console → the distribution → Behaviors → each behavior → Edit: Viewer protocol policy Redirect HTTP to HTTPS (or HTTPS only) → Save changes.",
		CLI:     "aws cloudfront get-distribution-config --id ID > cfg.json\n# set every ViewerProtocolPolicy to redirect-to-https, then:\naws cloudfront update-distribution --id ID --if-match ETAG --distribution-config file://cfg.json",
	},
	Permissions: []string{"cloudfront:ListDistributions"},
	Evaluate: func(st *State) []Result {
		ds := st.Distributions
		if !ds.Known {
			return []Result{unknownResult(st.AccountARN(), GlobalRegion, "the CloudFront distributions", ds.Reason())}
		}
		var out []Result
		for _, d := range ds.Value {
			if !d.ViewerProtocolPolicies.Known {
				out = append(out, unknownResult(d.ARN, GlobalRegion, "the viewer protocol policies of CloudFront distribution "+d.ID, d.ViewerProtocolPolicies.Reason()))
				continue
			}
			e := ev{"distribution_id": d.ID, "viewer_protocol_policies": d.ViewerProtocolPolicies.Value}
			if slices.Contains(d.ViewerProtocolPolicies.Value, "allow-all") {
				out = append(out, result(StatusFail, d.ARN, GlobalRegion, e, "CloudFront distribution %s has a cache behavior that allows plain HTTP (viewer protocol policy allow-all).", d.ID))
			} else {
				out = append(out, result(StatusPass, d.ARN, GlobalRegion, e, "Every cache behavior of CloudFront distribution %s requires HTTPS or redirects to it.", d.ID))
			}
		}
		return out
	},
})
