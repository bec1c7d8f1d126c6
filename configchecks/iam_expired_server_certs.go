package configchecks

var _ = register(Check{
	ID:        "iam.expired_server_certificates",
	Title:     "No expired SSL/TLS certificate is stored in IAM",
	Severity:  SeverityLow,
	Category:  CategoryIAM,
	CIS:       []string{"5.0:1.18", "6.0:2.18", "7.0:2.17"},
	SOC2:      []string{"CC6.7"},
	Rationale: "An expired certificate deployed by mistake to a load balancer or CloudFront breaks trust in the site; removing them prevents that.",
	Remediation: Remediation{
		Console: "IAM server certificates have no console page; use the CLI (or move to ACM).",
		CLI:     "aws iam delete-server-certificate --server-certificate-name NAME",
	},
	Permissions: []string{"iam:ListServerCertificates"},
	Evaluate:    evalExpiredServerCerts,
})

// evalExpiredServerCerts reports every server certificate (FAIL when expired at the
// observation time), or one PASS for the account when IAM stores none.
func evalExpiredServerCerts(st *State) []Result {
	certs := st.IAM.ServerCertificates
	if !certs.Known {
		return []Result{unknownResult(st.AccountARN(), GlobalRegion, "the IAM server certificates", certs.Reason())}
	}
	if len(certs.Value) == 0 {
		return []Result{result(StatusPass, st.AccountARN(), GlobalRegion, ev{"server_certificates": 0},
			"No server certificate is stored in IAM.")}
	}
	var out []Result
	for _, c := range certs.Value {
		e := ev{"name": c.Name, "expiration": c.Expiration}
		if c.Expiration.Before(st.ObservedAt) {
			out = append(out, result(StatusFail, c.ARN, GlobalRegion, e, "Server certificate %s expired on %s.", c.Name, c.Expiration.Format("2006-01-02")))
		} else {
			out = append(out, result(StatusPass, c.ARN, GlobalRegion, e, "Server certificate %s is valid until %s.", c.Name, c.Expiration.Format("2006-01-02")))
		}
	}
	return out
}
