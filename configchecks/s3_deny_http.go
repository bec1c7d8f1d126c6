package configchecks

import (
	"fmt"
	"strings"
)

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

// evalS3DenyHTTP reports every bucket: PASS when its policy denies requests without
// TLS to everyone, for the bucket and all of its objects.
func evalS3DenyHTTP(st *State) []Result {
	return forEachBucket(st, func(b Bucket) Result {
		if !b.Policy.Known {
			return unknownResult(b.ARN, b.Region, "the bucket policy of "+b.Name, b.Policy.Reason())
		}
		if b.Policy.Value == "" {
			return result(StatusFail, b.ARN, b.Region, ev{"bucket": b.Name, "policy": nil},
				"Bucket %s has no bucket policy, so requests over plain HTTP are accepted.", b.Name)
		}
		d, err := denyInsecureTransport(b.Policy.Value, b.ARN)
		if err != nil {
			return unknownResult(b.ARN, b.Region, "the bucket policy of "+b.Name, "malformed policy document")
		}
		e := ev{"bucket": b.Name, "deny_insecure_transport_statements": d.Statements,
			"covers_bucket": d.Bucket, "covers_objects": d.Objects, "deny_old_tls_statements": d.TLSVersionStatements}
		switch {
		case len(d.Statements) > 0 && d.Bucket && d.Objects:
			return result(StatusPass, b.ARN, b.Region, e, "The policy of bucket %s denies requests without TLS to the bucket and its objects (%s).",
				b.Name, strings.Join(d.Statements, ", "))
		case len(d.Statements) > 0:
			missing := "the bucket itself and its objects"
			if d.Bucket {
				missing = "its objects (" + b.ARN + "/*)"
			} else if d.Objects {
				missing = "the bucket itself (" + b.ARN + ")"
			}
			return result(StatusFail, b.ARN, b.Region, e, "The policy of bucket %s denies requests without TLS (%s), but their resources do not cover %s, so plain HTTP is accepted there.",
				b.Name, strings.Join(d.Statements, ", "), missing)
		}
		msg := fmt.Sprintf("The policy of bucket %s has no statement denying requests without TLS (aws:SecureTransport false) to everyone.", b.Name)
		if len(d.TLSVersionStatements) > 0 {
			msg += fmt.Sprintf(" Its statements on s3:TlsVersion (%s) deny only old TLS versions; a plain HTTP request has no TLS version, so they do not refuse it.",
				strings.Join(d.TLSVersionStatements, ", "))
		}
		return result(StatusFail, b.ARN, b.Region, e, "%s", msg)
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
