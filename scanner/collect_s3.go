package scanner

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/sourcegraph/conc/pool"

	"github.com/cairnsec/cairn/configchecks"
)

// collectS3 reads the account-level Block Public Access and, for every bucket in the
// scanned regions, the same posture the S3 scan records for the assets table
// (S3Scanner.bucketPosture, so both agree on what is public) plus the bucket policy
// document.
func (c *stateCollector) collectS3(ctx context.Context) configchecks.S3State {
	sc := &S3Scanner{
		s3:      NewS3Client(c.cfg, c.ao),
		control: NewS3ControlClient(c.cfg, c.ao),
		keys:    newKeyResolver(kms.NewFromConfig(c.cfg, func(o *kms.Options) { o.APIOptions = guardOpts(o.APIOptions) })),
		opts:    Options{Regions: c.st.Regions}.withDefaults(),
		log:     c.log,
	}
	var s configchecks.S3State
	acct := accountBlockPublicAccess(ctx, sc.control, c.st.AccountID)
	s.AccountBlockPublicAccess = bpaAttr(acct, "s3control GetPublicAccessBlock")

	refs, err := sc.listBuckets(ctx)
	if err != nil {
		s.Buckets = configchecks.Unknown[[]configchecks.Bucket](reason("s3 ListBuckets", err))
		return s
	}
	buckets := make([]configchecks.Bucket, len(refs))
	p := pool.New().WithMaxGoroutines(collectConcurrency)
	for i, ref := range refs {
		b := &buckets[i] // each task fills one bucket
		p.Go(func() { *b = c.bucketState(ctx, sc, ref, acct) })
	}
	p.Wait()
	s.Buckets = configchecks.Observed(buckets)
	return s
}

// bucketState converts one bucket's posture into the state model.
func (c *stateCollector) bucketState(ctx context.Context, sc *S3Scanner, ref bucketRef, acct BlockPublicAccess) configchecks.Bucket {
	p := sc.bucketPosture(ctx, ref.name, ref.region, acct)
	b := configchecks.Bucket{
		Name:              ref.name,
		ARN:               "arn:" + c.st.Partition + ":s3:::" + ref.name,
		Region:            ref.region,
		BlockPublicAccess: bpaAttr(p.BlockPublicAccess, "s3 GetPublicAccessBlock"),
	}
	b.Encryption = bucketEncryptionAttr(p.Encryption)
	if p.VersioningError != "" {
		b.Versioning = configchecks.Unknown[configchecks.BucketVersioning]("s3 GetBucketVersioning: " + p.VersioningError)
	} else {
		b.Versioning = configchecks.Observed(configchecks.BucketVersioning{Status: p.Versioning, MFADelete: p.MFADelete})
	}
	if p.LoggingError != "" {
		b.Logging = configchecks.Unknown[configchecks.BucketLogging]("s3 GetBucketLogging: " + p.LoggingError)
	} else {
		target, prefix, _ := strings.Cut(p.LoggingTarget, "/")
		b.Logging = configchecks.Observed(configchecks.BucketLogging{Enabled: p.LoggingEnabled, TargetBucket: target, TargetPrefix: prefix})
	}
	if rest, unknown := strings.CutPrefix(p.PublicReason, "UNKNOWN: "); unknown {
		b.Exposure = configchecks.Unknown[configchecks.BucketExposure]("s3 public access: " + rest)
	} else {
		b.Exposure = configchecks.Observed(configchecks.BucketExposure{Public: p.Public, Reason: p.PublicReason})
	}
	out, err := sc.s3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(ref.name)}, func(o *s3.Options) { o.Region = ref.region })
	switch {
	case err != nil && errorCode(err) == "NoSuchBucketPolicy":
		b.Policy = configchecks.Observed("")
	case err != nil:
		b.Policy = configchecks.Unknown[string](reason("s3 GetBucketPolicy", err))
	default:
		b.Policy = configchecks.Observed(aws.ToString(out.Policy))
	}
	return b
}

// bpaAttr converts a Block Public Access reading.
func bpaAttr(b BlockPublicAccess, op string) configchecks.Attr[configchecks.BlockPublicAccess] {
	if !b.Known {
		return configchecks.Unknown[configchecks.BlockPublicAccess](op + ": " + b.Error)
	}
	return configchecks.Observed(configchecks.BlockPublicAccess{
		Configured:            b.Configured,
		BlockPublicACLs:       b.BlockPublicACLs,
		IgnorePublicACLs:      b.IgnorePublicACLs,
		BlockPublicPolicy:     b.BlockPublicPolicy,
		RestrictPublicBuckets: b.RestrictPublicBuckets,
	})
}

// bucketEncryptionAttr converts a bucket's default encryption into the state model.
// An error with a known type is kms DescribeKey's: the bucket's encryption is
// known, only who manages its key is not (KeyManager stays empty), so the checks
// that need the manager say so and the others are not left unknown.
func bucketEncryptionAttr(e BucketEncryption) configchecks.Attr[configchecks.BucketEncryption] {
	if e.Error != "" && e.Type == EncryptionUnknown {
		return configchecks.Unknown[configchecks.BucketEncryption]("s3 GetBucketEncryption: " + e.Error)
	}
	return configchecks.Observed(configchecks.BucketEncryption{Type: e.Type, KMSKeyARN: e.KMSKeyARN, KeyManager: e.KeyManager})
}
