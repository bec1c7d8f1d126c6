package configchecks

var _ = register(Check{
	ID:        "s3.block_public_access",
	Title:     "S3 Block Public Access is enabled for the account or every bucket",
	Severity:  SeverityHigh,
	Category:  CategoryData,
	CIS:       []string{"5.0:2.1.4", "6.0:3.1.4", "7.0:3.1.4"},
	SOC2:      []string{"CC6.1", "CC6.6", "C1.1"},
	Rationale: "Block Public Access overrides any policy or ACL that would make data public; set on the account it also protects buckets created later.",
	Remediation: Remediation{
		Console: "S3 console → Block Public Access settings for this account → Edit: check Block all public access, Save.",
		CLI:     "aws s3control put-public-access-block --account-id ACCOUNT --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
	},
	Permissions: []string{"s3:GetAccountPublicAccessBlock", "s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketPublicAccessBlock"},
	Evaluate:    evalS3BlockPublicAccess,
})

// evalS3BlockPublicAccess passes the account when all four account-level settings are
// on; otherwise it reports every bucket (PASS when each of the four settings is on for
// the bucket or for the account: S3 enforces the two levels together).
// With no bucket and the account-level setting incomplete, the account fails: the
// next bucket would start unprotected.
func evalS3BlockPublicAccess(st *State) []Result {
	acct := st.S3.AccountBlockPublicAccess
	arn := st.AccountARN()
	if acct.Known && acct.Value.All() {
		return []Result{result(StatusPass, arn, GlobalRegion, ev{"account_block_public_access": acct.Value},
			"All four Block Public Access settings are on for the account.")}
	}
	bs := st.S3.Buckets
	if !bs.Known {
		return []Result{unknownResult(arn, GlobalRegion, "the S3 buckets", bs.Reason())}
	}
	var acctEv any = acct.Value
	if !acct.Known {
		acctEv = ev{"error": acct.Reason()}
	}
	if len(bs.Value) == 0 {
		if !acct.Known {
			return []Result{unknownResult(arn, GlobalRegion, "the account-level Block Public Access", acct.Reason())}
		}
		return []Result{result(StatusFail, arn, GlobalRegion, ev{"account_block_public_access": acct.Value},
			"Block Public Access is not fully enabled for the account (no bucket exists yet).")}
	}
	var out []Result
	for _, b := range bs.Value {
		switch {
		case !b.BlockPublicAccess.Known:
			out = append(out, unknownResult(b.ARN, b.Region, "the Block Public Access of bucket "+b.Name, b.BlockPublicAccess.Reason()))
		case b.BlockPublicAccess.Value.All():
			out = append(out, result(StatusPass, b.ARN, b.Region, ev{"bucket_block_public_access": b.BlockPublicAccess.Value, "account_block_public_access": acctEv},
				"All four Block Public Access settings are on for bucket %s.", b.Name))
		case !acct.Known:
			out = append(out, unknownResult(b.ARN, b.Region, "the account-level Block Public Access (bucket "+b.Name+" does not block all public access itself)", acct.Reason()))
		case b.BlockPublicAccess.Value.Or(acct.Value).All():
			out = append(out, result(StatusPass, b.ARN, b.Region, ev{"bucket_block_public_access": b.BlockPublicAccess.Value, "account_block_public_access": acct.Value},
				"All four Block Public Access settings are on for bucket %s, some at the account level and the rest on the bucket.", b.Name))
		default:
			out = append(out, result(StatusFail, b.ARN, b.Region, ev{"bucket_block_public_access": b.BlockPublicAccess.Value, "account_block_public_access": acct.Value},
				"Block Public Access is not fully enabled for bucket %s, nor for the account.", b.Name))
		}
	}
	return out
}
