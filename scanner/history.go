package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// S3History reads Cairn's own history (the Parquet dataset and report
// manifests) back from the bucket it was written to with --out s3://…, for
// `cairn report` and `cairn verify`.
//
// Unlike S3Output it only reads: its client is a guarded client
// (NewS3Client), so it can call nothing outside the read-only allow-list. It
// uses GetBucketLocation, ListObjectsV2 and GetObject on the history bucket:
// s3:GetBucketLocation, s3:ListBucket and s3:GetObject.
//
// An S3History is safe for concurrent use.
type S3History struct {
	client *s3.Client
	bucket string
}

// NewS3History returns an S3History for bucket with the credentials, endpoint
// and retries of o. It asks for the bucket's region (GetBucketLocation), so
// that an unreachable bucket is an error here, and sends every later request
// there.
func NewS3History(ctx context.Context, o AWSOptions, bucket string) (*S3History, error) {
	if bucket == "" {
		return nil, errors.New("scanner: s3 history: empty bucket name")
	}
	cfg, err := LoadAWSConfig(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("scanner: s3 history: %w", err)
	}
	client := NewS3Client(cfg, o)
	loc, err := client.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)})
	if err != nil {
		return nil, fmt.Errorf("scanner: s3 history: bucket %s: %w", bucket, err)
	}
	region := locationRegion(loc.LocationConstraint)
	return &S3History{client: NewS3Client(cfg, o, func(so *s3.Options) { so.Region = region }), bucket: bucket}, nil
}

// Bucket returns the history bucket's name.
func (h *S3History) Bucket() string { return h.bucket }

// List calls fn with the key and size of every object under prefix whose key
// sorts after startAfter ("" for all), in key order, until fn returns false.
func (h *S3History) List(ctx context.Context, prefix, startAfter string, fn func(key string, size int64) bool) error {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(h.bucket), Prefix: aws.String(prefix)}
	if startAfter != "" {
		in.StartAfter = aws.String(startAfter)
	}
	p := s3.NewListObjectsV2Paginator(h.client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("scanner: s3 history: list s3://%s/%s: %w", h.bucket, prefix, err)
		}
		for _, o := range page.Contents {
			if !fn(aws.ToString(o.Key), aws.ToInt64(o.Size)) {
				return nil
			}
		}
	}
	return nil
}

// Open returns the body of the object key, to be read as a stream and
// closed by the caller. A missing object (NoSuchKey, or a 404) is an error
// wrapping fs.ErrNotExist.
func (h *S3History) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	out, err := h.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(h.bucket), Key: aws.String(key)})
	if err != nil {
		var nsk *s3types.NoSuchKey
		var re *awshttp.ResponseError
		if errors.As(err, &nsk) || (errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound) {
			return nil, fmt.Errorf("scanner: s3 history: get s3://%s/%s: %w", h.bucket, key, fs.ErrNotExist)
		}
		return nil, fmt.Errorf("scanner: s3 history: get s3://%s/%s: %w", h.bucket, key, err)
	}
	return out.Body, nil
}
