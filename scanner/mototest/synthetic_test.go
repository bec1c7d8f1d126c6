package mototest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// TestSyntheticProxy checks that a 5 GiB synthetic object is listed with its
// size and ETag, and that ranged reads, HEAD and If-Match behave as S3's do.
func TestSyntheticProxy(t *testing.T) {
	SetTestCredentials(t)
	ctx := context.Background()
	srv := Start(t)
	p := NewSyntheticProxy(srv.Endpoint)
	endpoint, err := p.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	cfg, err := SeedConfig(ctx, endpoint)
	if err != nil {
		t.Fatal(err)
	}
	c := SeedS3Client(cfg)
	const bucket, key, size = "synth", "dir/huge file.csv", int64(5 << 30)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{key, "small.txt"} {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: bytes.NewReader([]byte("placeholder"))}); err != nil {
			t.Fatal(err)
		}
	}
	pattern := []byte("0123456789")
	etag := p.Add(bucket, key, size, pattern)

	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int64{}
	for _, o := range list.Contents {
		sizes[aws.ToString(o.Key)] = aws.ToInt64(o.Size)
		if aws.ToString(o.Key) == key && aws.ToString(o.ETag) != etag {
			t.Errorf("listed ETag %s, want %s", aws.ToString(o.ETag), etag)
		}
	}
	if sizes[key] != size || sizes["small.txt"] != int64(len("placeholder")) {
		t.Errorf("listed sizes %v, want %s=%d and small.txt unchanged", sizes, key, size)
	}

	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt64(head.ContentLength) != size || aws.ToString(head.ETag) != etag {
		t.Errorf("HEAD: length %d etag %s", aws.ToInt64(head.ContentLength), aws.ToString(head.ETag))
	}

	get := func(rng, ifMatch string) ([]byte, *s3.GetObjectOutput, error) {
		in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Range: aws.String(rng)}
		if ifMatch != "" {
			in.IfMatch = aws.String(ifMatch)
		}
		out, err := c.GetObject(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		defer out.Body.Close()
		b, err := io.ReadAll(out.Body)
		return b, out, err
	}
	off := size - 7 // 5 GiB is not a multiple of 10: the pattern phase shows
	b, out, err := get("bytes=5368709113-", etag)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{}
	for i := off; i < size; i++ {
		want = append(want, pattern[i%int64(len(pattern))])
	}
	if !bytes.Equal(b, want) || aws.ToString(out.ContentRange) != "bytes 5368709113-5368709119/5368709120" {
		t.Errorf("tail read %q (range %s), want %q", b, aws.ToString(out.ContentRange), want)
	}
	if b, _, err = get("bytes=0-9", ""); err != nil || string(b) != "0123456789" {
		t.Errorf("first bytes %q, %v", b, err)
	}
	var ae smithy.APIError
	if _, _, err = get("bytes=0-9", `"other"`); !errors.As(err, &ae) || ae.ErrorCode() != "PreconditionFailed" {
		t.Errorf("If-Match with another ETag: %v, want PreconditionFailed", err)
	}
	if _, _, err = get("bytes=6000000000-6000000001", ""); !errors.As(err, &ae) || ae.ErrorCode() != "InvalidRange" {
		t.Errorf("range past the end: %v, want InvalidRange", err)
	}
	if served, reqs := p.Served(bucket, key); served != 17 || reqs != 5 {
		t.Errorf("served %d bytes in %d requests, want 17 in 5", served, reqs)
	}
}
