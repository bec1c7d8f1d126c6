package configchecks

import "strings"

var _ = register(Check{
	ID:        "s3.deny_http",
	Title:     "S3 bucket policies deny requests not sent over HTTPS",
	Severity:  SeverityMedium,
	Category:  CategoryData,
	CIS:       []string{"5.0:2.1.1", "6.0:3.1.1", "7.0:3.1.1"},
	SOC2:      []string{"CC6.1", "CC6.7"},
	Rationale: "S3 accepts plain HTTP unless a bucket policy refuses it; data sent without TLS can be read and altered on the way.",
	Remediation: Remediation{
		Console: "S3 console → the bucket → Permissions → Bucket policy → Edit: add a Deny statement for Principal \"*\", Action \"s3:*\", Resource the bucket and its objects, Condition {\"Bool\": {\"aws:SecureTransport\": \"false\"}}.",
		CLI:     "aws s3api put-bucket-policy --bucket NAME --policy file://policy.json (the existing statements plus the TLS-only Deny statement)",
	},
	Permissions: []string{"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketPolicy"},
	Evaluate:    evalS3DenyHTTP,
})

// evalS3DenyHTTP reports every bucket: PASS when its policy denies non-TLS requests
// to everyone.
func evalS3DenyHTTP(st *State) []Result {
	return forEachBucket(st, func(b Bucket) Result {
		if !b.Policy.Known {
			return unknownResult(b.ARN, b.Region, "the bucket policy of "+b.Name, b.Policy.Reason())
		}
		if b.Policy.Value == "" {
			return result(StatusFail, b.ARN, b.Region, ev{"bucket": b.Name, "policy": nil},
				"Bucket %s has no bucket policy, so requests over plain HTTP are accepted.", b.Name)
		}
		stmts, err := denyInsecureTransportStatements(b.Policy.Value)
		if err != nil {
			return unknownResult(b.ARN, b.Region, "the bucket policy of "+b.Name, "malformed policy document")
		}
		e := ev{"bucket": b.Name, "deny_insecure_transport_statements": stmts}
		if len(stmts) > 0 {
			return result(StatusPass, b.ARN, b.Region, e, "The policy of bucket %s denies requests without TLS (%s).", b.Name, strings.Join(stmts, ", "))
		}
		return result(StatusFail, b.ARN, b.Region, e, "The policy of bucket %s has no statement denying requests without TLS (aws:SecureTransport false).", b.Name)
	})
}

// forEachBucket evaluates every bucket; ERROR for the account when the list is unknown.
func forEachBucket(st *State, eval func(Bucket) Result) []Result {
	bs := st.S3.Buckets
	if !bs.Known {
		return []Result{unknownResult(st.AccountARN(), GlobalRegion, "the S3 buckets", bs.Reason())}
	}
	var out []Result
	for _, b := range bs.Value {
		out = append(out, eval(b))
	}
	return out
}
