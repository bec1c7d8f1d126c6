package configchecks

import "strings"

var _ = register(Check{
	ID:       "iam.resource_policies_not_public",
	Title:    "Resource policies do not allow unrestricted access with Principal \"*\"",
	Severity: SeverityHigh,
	Category: CategoryIAM,
	CIS:      []string{"7.0:2.21"},
	SOC2:     []string{"CC6.1", "CC6.6", "C1.1"},
	Rationale: "An Allow statement for Principal \"*\" without a condition that pins the caller (source account, " +
		"organization, VPC endpoint …) grants the action to every AWS account and, for many services, to anonymous callers.",
	Remediation: Remediation{
		Console: "Open the resource (S3 bucket → Permissions → Bucket policy; SNS topic or SQS queue → Access policy; KMS key → Key policy; Lambda function → Configuration → Permissions; Secrets Manager secret → Resource permissions) and replace Principal \"*\" with the accounts or roles that need access, or add a condition such as aws:PrincipalOrgID or aws:SourceAccount.",
		CLI:     "aws s3api put-bucket-policy / aws sns set-topic-attributes --attribute-name Policy / aws sqs set-queue-attributes --attributes Policy=… / aws kms put-key-policy / aws lambda remove-permission / aws secretsmanager put-resource-policy, with the restricted document",
	},
	Permissions: []string{
		"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketPolicy",
		"sns:ListTopics", "sns:GetTopicAttributes", "sqs:ListQueues", "sqs:GetQueueAttributes",
		"kms:ListKeys", "kms:GetKeyPolicy", "lambda:ListFunctions", "lambda:GetPolicy",
		"secretsmanager:ListSecrets", "secretsmanager:GetResourcePolicy",
	},
	Evaluate: evalResourcePoliciesNotPublic,
})

// evalResourcePoliciesNotPublic reports every bucket, topic, queue, key, function and
// secret that has a resource policy: FAIL when an Allow statement grants everyone
// (Principal "*", or NotPrincipal) with no condition restricting the caller to fixed
// values (policy_public.go has the rule).
func evalResourcePoliciesNotPublic(st *State) []Result {
	var out []Result
	check := func(service, arn, region, doc string) {
		if doc == "" {
			return
		}
		open, err := unrestrictedPublicStatements(doc)
		if err != nil {
			out = append(out, unknownResult(arn, region, "the "+service+" resource policy of "+arn, "malformed policy document"))
			return
		}
		e := ev{"service": service, "unrestricted_public_statements": open}
		if len(open) > 0 {
			out = append(out, result(StatusFail, arn, region, e, "The %s resource policy of %s allows everyone (Principal \"*\" or NotPrincipal) without a condition that pins the caller to fixed values (%s).",
				service, arn, strings.Join(open, ", ")))
			return
		}
		out = append(out, result(StatusPass, arn, region, e, "The %s resource policy of %s allows no unrestricted access for Principal \"*\".", service, arn))
	}
	if bs := st.S3.Buckets; !bs.Known {
		out = append(out, unknownResult(st.AccountARN(), GlobalRegion, "the S3 buckets", bs.Reason()))
	} else {
		for _, b := range bs.Value {
			if !b.Policy.Known {
				out = append(out, unknownResult(b.ARN, b.Region, "the bucket policy of "+b.Name, b.Policy.Reason()))
				continue
			}
			check("s3", b.ARN, b.Region, b.Policy.Value)
		}
	}
	for i := range st.Regional {
		rs := &st.Regional[i]
		for _, svc := range ResourcePolicyServices {
			a := rs.ResourcePolicies[svc]
			if !a.Known {
				out = append(out, unknownResult(st.RegionalAccountARN(svc, rs.Name), rs.Name, "the "+svc+" resource policies in "+rs.Name, a.Reason()))
				continue
			}
			for _, p := range a.Value {
				check(svc, p.ARN, rs.Name, p.Document)
			}
		}
	}
	return out
}
