package configchecks

// certificateExpiryDays is how close to its expiry an ACM certificate fails.
const certificateExpiryDays = 30

var _ = register(Check{
	ID:       "acm.certificate_expiry",
	Title:    "ACM certificates are not expired and do not expire within 30 days",
	Severity: SeverityMedium,
	Category: CategoryData,
	SOC2:     []string{"CC6.1", "CC6.7"},
	Rationale: "An expired certificate breaks TLS for its clients, who then fail or are pushed to insecure fallbacks; " +
		"imported certificates are not renewed by ACM and need replacing in time.",
	Remediation: Remediation{
		Console: "ACM console (in the region) → the certificate: for an imported certificate choose Reimport with a renewed certificate; for an Amazon-issued one complete the DNS validation so managed renewal succeeds; delete certificates no longer used.",
		CLI:     "aws acm import-certificate --certificate-arn ARN --certificate fileb://cert.pem --private-key fileb://key.pem --certificate-chain fileb://chain.pem",
	},
	Permissions: []string{"acm:ListCertificates", "acm:DescribeCertificate"},
	Evaluate: func(st *State) []Result {
		return forEachRegion(st, "acm", "the ACM certificates", func(rs *RegionState) Attr[[]Certificate] { return rs.Certificates },
			func(rs *RegionState, cs []Certificate) []Result {
				var out []Result
				for _, c := range cs {
					e := ev{"domain_name": c.DomainName, "status": c.Status, "type": c.Type, "in_use": c.InUse, "not_after": c.NotAfter}
					switch {
					case c.Status != "ISSUED" && c.Status != "EXPIRED":
						continue // pending validation, failed, revoked: not a certificate in service
					case c.NotAfter == nil:
						out = append(out, unknownResult(c.ARN, rs.Name, "the expiry date of certificate "+c.DomainName, "acm DescribeCertificate: no NotAfter"))
					case !c.NotAfter.After(st.ObservedAt):
						out = append(out, result(StatusFail, c.ARN, rs.Name, e, "Certificate for %s expired on %s.", c.DomainName, c.NotAfter.UTC().Format("2006-01-02")))
					case c.NotAfter.Sub(st.ObservedAt) <= certificateExpiryDays*day:
						out = append(out, result(StatusFail, c.ARN, rs.Name, e, "Certificate for %s expires on %s, within %d days.", c.DomainName, c.NotAfter.UTC().Format("2006-01-02"), certificateExpiryDays))
					default:
						out = append(out, result(StatusPass, c.ARN, rs.Name, e, "Certificate for %s is valid until %s.", c.DomainName, c.NotAfter.UTC().Format("2006-01-02")))
					}
				}
				return out
			})
	},
})
