package scanner

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// BucketPart is one part of a bucket that a work plan split by prefix
// (cairn plan --split-objects). The root part holds the keys outside every
// top-level prefix (a ListObjectsV2 with Delimiter "/") and owns the
// bucket's asset row and posture; every other part holds the keys under one
// top-level prefix and records objects and findings only. Each part is
// sampled on its own (Options.SampleObjects objects, Options.MaxKeysListed
// keys listed), so a split bucket is sampled up to (prefixes + 1) times
// more than a whole one.
type BucketPart struct {
	Root     bool   // the root part (Prefix is then "")
	Prefix   string // a top-level prefix ending in "/" (not for the root part)
	Prefixes int    // root part: how many prefix parts the bucket was split into
	// Planned are, for the root part, the prefixes of the bucket's prefix
	// parts, so that the root part can tell the top-level prefixes created
	// after the plan, which no part scans. Nil when not known (a plan
	// written before they were recorded): the count Prefixes is compared
	// instead, which misses new prefixes offset by deleted ones.
	Planned []string
}

// PlannedStore is a data store found by the planning discovery, with the
// parts of a bucket split by prefix.
type PlannedStore struct {
	Service string // s3, rds, dynamodb
	Region  string
	ARN     string
	Name    string
	// Prefixes are the top-level prefixes of an S3 bucket that is split
	// (nil: scanned whole).
	Prefixes []string
}

// maxSplitPrefixes caps how many top-level prefixes one bucket is split
// into; a bucket with more stays whole.
const maxSplitPrefixes = 1000

// PlanBuckets lists the buckets this scanner would scan (Options.Buckets,
// Regions and Filter apply) and, when splitObjects > 0, splits each bucket
// that holds more than splitObjects keys by its top-level common prefixes
// (ListObjectsV2 with Delimiter "/"; a bucket with more than 1,000 such
// prefixes, or none, stays whole). Counting stops
// at splitObjects+1 keys. A bucket whose keys cannot be counted or listed is
// planned whole: its scan then records the failure.
func (s *S3Scanner) PlanBuckets(ctx context.Context, splitObjects int64) ([]PlannedStore, error) {
	buckets, err := s.listBuckets(ctx)
	if err != nil {
		return nil, err
	}
	var out []PlannedStore
	for _, b := range buckets {
		arn := bucketARN(b.name)
		if !s.opts.Filter.keep(arn) {
			continue
		}
		ps := PlannedStore{Service: "s3", Region: b.region, ARN: arn, Name: b.name}
		if splitObjects > 0 {
			ps.Prefixes = s.splitPrefixes(ctx, b, splitObjects)
		}
		out = append(out, ps)
	}
	return out, nil
}

// splitPrefixes returns the top-level prefixes of a bucket with more than
// limit keys, or nil.
func (s *S3Scanner) splitPrefixes(ctx context.Context, b bucketRef, limit int64) []string {
	inRegion := func(o *s3.Options) { o.Region = b.region }
	var n int64
	p := s3.NewListObjectsV2Paginator(s.s3, &s3.ListObjectsV2Input{Bucket: aws.String(b.name)})
	for p.HasMorePages() && n <= limit {
		page, err := p.NextPage(ctx, inRegion)
		if err != nil {
			s.log.Warn("s3: plan: count keys", "bucket", b.name, "error", describeErr(err))
			return nil
		}
		n += int64(len(page.Contents))
	}
	if n <= limit {
		return nil
	}
	var prefixes []string
	dp := s3.NewListObjectsV2Paginator(s.s3, &s3.ListObjectsV2Input{Bucket: aws.String(b.name), Delimiter: aws.String("/")})
	for dp.HasMorePages() {
		page, err := dp.NextPage(ctx, inRegion)
		if err != nil {
			s.log.Warn("s3: plan: list prefixes", "bucket", b.name, "error", describeErr(err))
			return nil
		}
		for _, cp := range page.CommonPrefixes {
			prefixes = append(prefixes, aws.ToString(cp.Prefix))
		}
		if len(prefixes) > maxSplitPrefixes {
			// Too many to split by: the bucket stays one unit, so no key is
			// left out of both the root part and the prefix parts.
			s.log.Info("s3: plan: too many top-level prefixes to split", "bucket", b.name, "max", maxSplitPrefixes)
			return nil
		}
	}
	return prefixes
}

// PlanTables lists the DynamoDB tables this scanner would scan (Options
// Regions, Tables and Filter apply). A region whose tables cannot be listed
// is named in the returned error, after the others are listed.
func (s *DynamoDBScanner) PlanTables(ctx context.Context, account string) ([]PlannedStore, error) {
	regions := s.opts.Regions
	if len(regions) == 0 {
		regions = []string{s.region}
	}
	want := map[string]bool{}
	for _, t := range s.opts.Tables {
		want[t] = true
	}
	var out []PlannedStore
	var errs []error
	for _, region := range regions {
		p := dynamodb.NewListTablesPaginator(s.ddb, &dynamodb.ListTablesInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx, func(o *dynamodb.Options) { o.Region = region })
			if err != nil {
				errs = append(errs, fmt.Errorf("scanner: dynamodb: list tables in %s: %w", region, err))
				break
			}
			for _, name := range page.TableNames {
				arn := tableARN(region, account, name)
				if (len(want) == 0 || want[name]) && s.opts.Filter.keep(arn) {
					out = append(out, PlannedStore{Service: "dynamodb", Region: region, ARN: arn, Name: name})
				}
			}
		}
	}
	return out, errors.Join(errs...)
}

// PlanDatabases lists the RDS instances and clusters this scanner would scan
// (Options Regions, Identifiers and Filter apply). A region that cannot be
// listed is named in the returned error, after the others are listed.
func (s *RDSScanner) PlanDatabases(ctx context.Context) ([]PlannedStore, error) {
	regions := s.opts.Regions
	if len(regions) == 0 {
		regions = []string{s.region}
	}
	var out []PlannedStore
	var errs []error
	for _, region := range regions {
		ts, err := s.discover(ctx, region)
		if err != nil {
			errs = append(errs, err)
		}
		for _, t := range ts {
			if s.opts.Filter.keep(t.arn) {
				out = append(out, PlannedStore{Service: "rds", Region: t.region, ARN: t.arn, Name: t.id})
			}
		}
	}
	return out, errors.Join(errs...)
}
