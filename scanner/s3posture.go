package scanner

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/smithy-go"

	"github.com/cairnsec/cairn/configchecks"
)

// Encryption states reported for a data store.
const (
	EncryptionNone    = "NONE"
	EncryptionSSES3   = "SSE-S3"
	EncryptionSSEKMS  = "SSE-KMS"
	EncryptionDSSEKMS = "DSSE-KMS"
	EncryptionUnknown = "UNKNOWN"
)

// Key managers of a KMS key.
const (
	KeyManagerAWS      = "AWS"
	KeyManagerCustomer = "CUSTOMER"
)

// BlockPublicAccess is one Block Public Access configuration (account or
// bucket). Known is false when the configuration could not be read; Error
// then says why.
type BlockPublicAccess struct {
	Known                 bool   `json:"known"`
	Configured            bool   `json:"configured"`
	BlockPublicACLs       bool   `json:"block_public_acls"`
	IgnorePublicACLs      bool   `json:"ignore_public_acls"`
	BlockPublicPolicy     bool   `json:"block_public_policy"`
	RestrictPublicBuckets bool   `json:"restrict_public_buckets"`
	Error                 string `json:"error,omitempty"`
}

// BucketEncryption is a bucket's default encryption.
type BucketEncryption struct {
	Type             string `json:"type"` // one of the Encryption* constants
	KMSKeyID         string `json:"kms_key_id,omitempty"`
	KMSKeyARN        string `json:"kms_key_arn,omitempty"`
	KeyManager       string `json:"key_manager,omitempty"` // AWS or CUSTOMER, "" when unknown
	BucketKeyEnabled bool   `json:"bucket_key_enabled"`
	Note             string `json:"note,omitempty"`
	Error            string `json:"error,omitempty"`
}

// BucketPosture is everything Cairn observed about a bucket's protection.
// Every attribute that could not be read carries its error, so "unknown" is
// never mistaken for "safe".
type BucketPosture struct {
	Region                   string            `json:"region"`
	Encryption               BucketEncryption  `json:"encryption"`
	AccountBlockPublicAccess BlockPublicAccess `json:"account_block_public_access"`
	BlockPublicAccess        BlockPublicAccess `json:"block_public_access"`
	PolicyIsPublic           *bool             `json:"policy_is_public,omitempty"` // from GetBucketPolicyStatus
	PolicyStatusError        string            `json:"policy_status_error,omitempty"`
	HasPolicy                bool              `json:"has_policy"`
	PublicStatements         []string          `json:"public_statements,omitempty"`
	PolicyPrincipals         []string          `json:"policy_principals,omitempty"` // see PolicyPrincipals
	PolicyError              string            `json:"policy_error,omitempty"`
	PublicACLGrants          []string          `json:"public_acl_grants,omitempty"`
	ACLGrantees              []string          `json:"acl_grantees,omitempty"` // see crossAccountGrants
	ACLError                 string            `json:"acl_error,omitempty"`
	Versioning               string            `json:"versioning"` // Enabled, Suspended, Disabled
	MFADelete                string            `json:"mfa_delete"` // Enabled, Disabled
	VersioningError          string            `json:"versioning_error,omitempty"`
	LoggingEnabled           bool              `json:"logging_enabled"`
	LoggingTarget            string            `json:"logging_target,omitempty"`
	LoggingError             string            `json:"logging_error,omitempty"`
	ObjectLockEnabled        bool              `json:"object_lock_enabled"`
	ObjectLockError          string            `json:"object_lock_error,omitempty"`

	Public       bool   `json:"public"`
	PublicReason string `json:"public_reason,omitempty"`
	// Incomplete lists the posture attributes that could not be read.
	Incomplete []string `json:"incomplete,omitempty"`
}

// effective combines account and bucket Block Public Access: a setting is
// on when either level turns it on.
func effective(account, bucket BlockPublicAccess) BlockPublicAccess {
	return BlockPublicAccess{
		Known:                 account.Known && bucket.Known,
		BlockPublicACLs:       account.BlockPublicACLs || bucket.BlockPublicACLs,
		IgnorePublicACLs:      account.IgnorePublicACLs || bucket.IgnorePublicACLs,
		BlockPublicPolicy:     account.BlockPublicPolicy || bucket.BlockPublicPolicy,
		RestrictPublicBuckets: account.RestrictPublicBuckets || bucket.RestrictPublicBuckets,
	}
}

// derivePublic sets Public and PublicReason from the observed attributes.
// A bucket is public when a policy grants anonymous access and
// RestrictPublicBuckets is off at both levels, or an ACL grants AllUsers or
// AuthenticatedUsers and IgnorePublicAcls is off at both levels. The policy
// is public when Cairn's reading of it finds a public statement (so an
// unreadable policy status never hides one) or AWS's policy status says so.
// When an attribute needed for the verdict could not be read and nothing else
// makes the bucket public, the reason says the verdict is unknown: that
// includes a policy Cairn reads as non-public whose status AWS could not be
// asked for, since AWS's verdict is the one that holds.
func (p *BucketPosture) derivePublic() {
	eff := effective(p.AccountBlockPublicAccess, p.BlockPublicAccess)
	var reasons, unknown []string

	policyPublic := len(p.PublicStatements) > 0 || (p.PolicyIsPublic != nil && *p.PolicyIsPublic)
	switch {
	case policyPublic && eff.RestrictPublicBuckets:
		// Neutralised: only AWS services and the owner's principals get through.
	case policyPublic && len(p.PublicStatements) > 0:
		reasons = append(reasons, "bucket policy grants public access ("+strings.Join(p.PublicStatements, "; ")+")")
	case policyPublic:
		reasons = append(reasons, "bucket policy status is public")
	case eff.RestrictPublicBuckets:
		// Whatever the policy says, it cannot make the bucket public.
	case p.PolicyError != "" && p.PolicyStatusError != "":
		unknown = append(unknown, "bucket policy unreadable")
	case p.HasPolicy && p.PolicyStatusError != "":
		unknown = append(unknown, "bucket policy status unreadable ("+p.PolicyStatusError+"); Cairn's reading of the policy finds no public statement")
	}

	if len(p.PublicACLGrants) > 0 && !eff.IgnorePublicACLs {
		reasons = append(reasons, "ACL grants "+strings.Join(p.PublicACLGrants, ", "))
	} else if p.ACLError != "" && !eff.IgnorePublicACLs {
		unknown = append(unknown, "ACL unreadable")
	}

	if !eff.Known && len(reasons) == 0 && len(unknown) > 0 {
		unknown = append(unknown, "Block Public Access unreadable")
	}

	switch {
	case len(reasons) > 0:
		p.Public = true
		p.PublicReason = strings.Join(reasons, "; ")
	case len(unknown) > 0:
		p.Public = false
		p.PublicReason = "UNKNOWN: " + strings.Join(unknown, "; ")
	default:
		p.Public = false
		p.PublicReason = ""
	}
}

// PublicStatements describes the Allow statements of a resource policy that
// grant access to everyone without a condition restricting the caller. It is
// configchecks.PublicStatements, where the rule is documented: the scan's
// posture and the checks read policies the same way.
func PublicStatements(policy string) ([]string, error) {
	return configchecks.PublicStatements(policy)
}

// PolicyPrincipals returns, sorted and distinct, the AWS principals that the
// Allow statements of a resource policy grant access to. It is
// configchecks.PolicyPrincipals, where the output is documented.
func PolicyPrincipals(policy string) ([]string, error) {
	return configchecks.PolicyPrincipals(policy)
}

// errorCode returns the AWS error code of err, or "" when it has none.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// describeErr gives a short, value-free description of an AWS error for the
// posture record: the error code when there is one.
func describeErr(err error) string {
	if code := errorCode(err); code != "" {
		return code
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "Timeout"
	}
	if errors.Is(err, ErrNotReadOnly) {
		return "RefusedByReadOnlyGuard"
	}
	return err.Error()
}

// accountBlockPublicAccess reads the account-level Block Public Access.
func accountBlockPublicAccess(ctx context.Context, c *s3control.Client, account string) BlockPublicAccess {
	out, err := c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(account)})
	if err != nil {
		if code := errorCode(err); code == "NoSuchPublicAccessBlockConfiguration" {
			return BlockPublicAccess{Known: true}
		}
		return BlockPublicAccess{Error: describeErr(err)}
	}
	cfg := out.PublicAccessBlockConfiguration
	if cfg == nil {
		return BlockPublicAccess{Known: true}
	}
	return BlockPublicAccess{
		Known:                 true,
		Configured:            true,
		BlockPublicACLs:       aws.ToBool(cfg.BlockPublicAcls),
		IgnorePublicACLs:      aws.ToBool(cfg.IgnorePublicAcls),
		BlockPublicPolicy:     aws.ToBool(cfg.BlockPublicPolicy),
		RestrictPublicBuckets: aws.ToBool(cfg.RestrictPublicBuckets),
	}
}

// bucketPosture reads every posture attribute of one bucket. Failures are
// recorded on the posture, never returned: one unreadable attribute must not
// hide the others.
func (s *S3Scanner) bucketPosture(ctx context.Context, bucket, region string, account BlockPublicAccess) *BucketPosture {
	p := &BucketPosture{Region: region, AccountBlockPublicAccess: account}
	if !account.Known {
		p.Incomplete = append(p.Incomplete, "account_block_public_access")
	}
	inRegion := func(o *s3.Options) { o.Region = region }
	b := aws.String(bucket)

	// The reads are independent: they run at once, so a bucket costs one
	// round trip of posture instead of eight in a row (with thousands of
	// buckets, minutes of a scan). Each writes only its own fields of p and
	// its own slot of incomplete, read after Wait, so the result does not
	// depend on the order in which the answers arrive.
	var incomplete [8]string
	var wg sync.WaitGroup
	wg.Go(func() {
		p.Encryption = s.bucketEncryption(ctx, bucket, region)
		if p.Encryption.Error != "" {
			incomplete[0] = "encryption"
		}
	})
	wg.Go(func() {
		out, err := s.s3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b}, inRegion)
		switch {
		case err != nil && errorCode(err) == "NoSuchPublicAccessBlockConfiguration":
			p.BlockPublicAccess = BlockPublicAccess{Known: true}
		case err != nil:
			p.BlockPublicAccess = BlockPublicAccess{Error: describeErr(err)}
			incomplete[1] = "block_public_access"
		case out.PublicAccessBlockConfiguration != nil:
			c := out.PublicAccessBlockConfiguration
			p.BlockPublicAccess = BlockPublicAccess{
				Known: true, Configured: true,
				BlockPublicACLs:       aws.ToBool(c.BlockPublicAcls),
				IgnorePublicACLs:      aws.ToBool(c.IgnorePublicAcls),
				BlockPublicPolicy:     aws.ToBool(c.BlockPublicPolicy),
				RestrictPublicBuckets: aws.ToBool(c.RestrictPublicBuckets),
			}
		default:
			p.BlockPublicAccess = BlockPublicAccess{Known: true}
		}
	})
	wg.Go(func() {
		if out, err := s.s3.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: b}, inRegion); err != nil {
			if errorCode(err) == "NoSuchBucketPolicy" {
				f := false
				p.PolicyIsPublic = &f
			} else {
				p.PolicyStatusError = describeErr(err)
				incomplete[2] = "policy_status"
			}
		} else if out.PolicyStatus != nil {
			v := aws.ToBool(out.PolicyStatus.IsPublic)
			p.PolicyIsPublic = &v
		}
	})
	wg.Go(func() {
		if out, err := s.s3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b}, inRegion); err != nil {
			if errorCode(err) != "NoSuchBucketPolicy" {
				p.PolicyError = describeErr(err)
				incomplete[3] = "policy"
			}
		} else if doc := aws.ToString(out.Policy); doc != "" {
			p.HasPolicy = true
			stmts, perr := PublicStatements(doc)
			if perr != nil {
				p.PolicyError = "MalformedPolicy"
				incomplete[3] = "policy"
			}
			p.PublicStatements = stmts
			p.PolicyPrincipals, _ = PolicyPrincipals(doc)
		}
	})
	wg.Go(func() {
		if out, err := s.s3.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b}, inRegion); err != nil {
			p.ACLError = describeErr(err)
			incomplete[4] = "acl"
		} else {
			p.PublicACLGrants = publicGrants(out.Grants)
			p.ACLGrantees = crossAccountGrants(out.Owner, out.Grants)
		}
	})
	wg.Go(func() {
		if out, err := s.s3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b}, inRegion); err != nil {
			p.VersioningError = describeErr(err)
			incomplete[5] = "versioning"
		} else {
			p.Versioning = string(out.Status)
			if p.Versioning == "" {
				p.Versioning = "Disabled"
			}
			p.MFADelete = string(out.MFADelete)
			if p.MFADelete == "" {
				p.MFADelete = "Disabled"
			}
		}
	})
	wg.Go(func() {
		if out, err := s.s3.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: b}, inRegion); err != nil {
			p.LoggingError = describeErr(err)
			incomplete[6] = "logging"
		} else if le := out.LoggingEnabled; le != nil {
			p.LoggingEnabled = true
			p.LoggingTarget = aws.ToString(le.TargetBucket) + "/" + aws.ToString(le.TargetPrefix)
		}
	})
	wg.Go(func() {
		if out, err := s.s3.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: b}, inRegion); err != nil {
			if errorCode(err) != "ObjectLockConfigurationNotFoundError" {
				p.ObjectLockError = describeErr(err)
				incomplete[7] = "object_lock"
			}
		} else if c := out.ObjectLockConfiguration; c != nil {
			p.ObjectLockEnabled = c.ObjectLockEnabled == s3types.ObjectLockEnabledEnabled
		}
	})
	wg.Wait()
	for _, field := range incomplete {
		if field != "" {
			p.Incomplete = append(p.Incomplete, field)
		}
	}

	p.derivePublic()
	return p
}

// bucketEncryption reads the default encryption and, for KMS, who manages
// the key. Real S3 answers SSE-S3 for every bucket since January 2023; an
// endpoint that answers "no configuration" (older S3 or an emulator) is
// reported as NONE with a note, because that is what the API said.
func (s *S3Scanner) bucketEncryption(ctx context.Context, bucket, region string) BucketEncryption {
	out, err := s.s3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)},
		func(o *s3.Options) { o.Region = region })
	if err != nil {
		if errorCode(err) == "ServerSideEncryptionConfigurationNotFoundError" {
			return BucketEncryption{Type: EncryptionNone, Note: "no default encryption configuration returned"}
		}
		return BucketEncryption{Type: EncryptionUnknown, Error: describeErr(err)}
	}
	if out.ServerSideEncryptionConfiguration == nil || len(out.ServerSideEncryptionConfiguration.Rules) == 0 {
		return BucketEncryption{Type: EncryptionNone, Note: "empty encryption configuration"}
	}
	rule := out.ServerSideEncryptionConfiguration.Rules[0]
	enc := BucketEncryption{BucketKeyEnabled: aws.ToBool(rule.BucketKeyEnabled)}
	def := rule.ApplyServerSideEncryptionByDefault
	if def == nil {
		enc.Type = EncryptionNone
		enc.Note = "rule without default encryption"
		return enc
	}
	switch def.SSEAlgorithm {
	case s3types.ServerSideEncryptionAes256:
		enc.Type = EncryptionSSES3
		return enc
	case s3types.ServerSideEncryptionAwsKms:
		enc.Type = EncryptionSSEKMS
	case s3types.ServerSideEncryptionAwsKmsDsse:
		enc.Type = EncryptionDSSEKMS
	default:
		enc.Type = EncryptionUnknown
		enc.Note = "unrecognised algorithm " + string(def.SSEAlgorithm)
		return enc
	}
	enc.KMSKeyID = aws.ToString(def.KMSMasterKeyID)
	if enc.KMSKeyID == "" {
		// No key named: S3 uses the AWS managed key aws/s3.
		enc.KeyManager = KeyManagerAWS
		enc.Note = "AWS managed key aws/s3"
		return enc
	}
	k := s.keys.describe(ctx, enc.KMSKeyID, region)
	enc.KMSKeyARN, enc.KeyManager, enc.Error = k.arn, k.manager, k.err
	return enc
}

const (
	allUsersURI           = "http://acs.amazonaws.com/groups/global/AllUsers"
	authenticatedUsersURI = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
)

// crossAccountGrants lists the ACL grants to other AWS accounts, which share the
// bucket without making it public, as "canonical user ID:PERMISSION" (a grantee
// named by e-mail address is listed without the address), sorted. Grants to the
// bucket owner and to groups (public, or S3 log delivery) are left out. A bucket
// whose ACLs are disabled (Object Ownership "bucket owner enforced") reports only
// its owner's grant.
func crossAccountGrants(owner *s3types.Owner, grants []s3types.Grant) []string {
	var out []string
	for _, g := range grants {
		if g.Grantee == nil {
			continue
		}
		switch g.Grantee.Type {
		case s3types.TypeCanonicalUser:
			id := aws.ToString(g.Grantee.ID)
			if id != "" && (owner == nil || id != aws.ToString(owner.ID)) {
				out = append(out, "canonical user "+id+":"+string(g.Permission))
			}
		case s3types.TypeAmazonCustomerByEmail:
			out = append(out, "grantee by e-mail address:"+string(g.Permission))
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// publicGrants lists ACL grants to AllUsers or AuthenticatedUsers as
// "AllUsers:READ", sorted.
func publicGrants(grants []s3types.Grant) []string {
	var out []string
	for _, g := range grants {
		if g.Grantee == nil || g.Grantee.Type != s3types.TypeGroup {
			continue
		}
		switch aws.ToString(g.Grantee.URI) {
		case allUsersURI:
			out = append(out, "AllUsers:"+string(g.Permission))
		case authenticatedUsersURI:
			out = append(out, "AuthenticatedUsers:"+string(g.Permission))
		}
	}
	sort.Strings(out)
	return out
}
