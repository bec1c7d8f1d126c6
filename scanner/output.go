package scanner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3Output writes finished files of Cairn's own output (the Parquet history
// and the PDF reports) to an S3 bucket the user chose with --out s3://….
//
// Writing the output is not a scan of the account: its client is built from
// its own aws.Config and is deliberately outside the read-only guard, which
// every client of the scanned account keeps. It can call only the
// operations of its methods (GetBucketLocation, PutObject), on the output
// bucket only. The IAM permissions it needs are s3:GetBucketLocation and
// s3:PutObject on that bucket, granted separately from the read-only scan
// policy (deploy/).
//
// An S3Output is safe for concurrent use.
type S3Output struct {
	client *s3.Client
	bucket string
	region string
}

// NewS3Output returns an S3Output for bucket with the credentials, endpoint
// and retries of o, and checks that the bucket can be reached: it asks for
// its region (GetBucketLocation) and sends every later request there.
func NewS3Output(ctx context.Context, o AWSOptions, bucket string) (*S3Output, error) {
	if bucket == "" {
		return nil, errors.New("scanner: s3 output: empty bucket name")
	}
	cfg, err := loadConfig(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("scanner: s3 output: %w", err)
	}
	endpoint := customEndpoint(cfg, o)
	optFns := func(region string) func(*s3.Options) {
		return func(so *s3.Options) {
			if endpoint != "" {
				so.BaseEndpoint = aws.String(endpoint)
				so.UsePathStyle = true
			}
			if region != "" {
				so.Region = region
			}
		}
	}
	client := s3.NewFromConfig(cfg, optFns(""))
	loc, err := client.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)})
	if err != nil {
		return nil, fmt.Errorf("scanner: s3 output: bucket %s: %w", bucket, err)
	}
	region := locationRegion(loc.LocationConstraint)
	return &S3Output{client: s3.NewFromConfig(cfg, optFns(region)), bucket: bucket, region: region}, nil
}

// Bucket returns the output bucket's name.
func (o *S3Output) Bucket() string { return o.bucket }

// PutFile uploads the local file at path as the object key, in one
// PutObject: S3 makes the object visible only once all of it has arrived, so
// a reader sees the whole file or nothing. Putting the same key again
// replaces the object (a retried upload creates no duplicate).
func (o *S3Output) PutFile(ctx context.Context, key, path, contentType string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("scanner: s3 output: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("scanner: s3 output: %w", err)
	}
	key = strings.TrimPrefix(key, "/")
	_, err = o.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(o.bucket),
		Key:           aws.String(key),
		Body:          f,
		ContentLength: aws.Int64(st.Size()),
		ContentType:   aws.String(contentType),
	})
	if err != nil {
		return fmt.Errorf("scanner: s3 output: put s3://%s/%s: %w", o.bucket, key, err)
	}
	return nil
}
