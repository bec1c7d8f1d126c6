package scanner_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// splitScan creates bucket with keys in moto and scans it split into parts
// with opts; it returns the sink.
func splitScan(t *testing.T, bucket string, keys []string, opts scanner.Options) *memorySink {
	t.Helper()
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	seed := mototest.SeedS3Client(cfg)
	if _, err := seed.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if _, err := seed.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: bytes.NewReader([]byte(fmtCSV))}); err != nil {
			t.Fatal(err)
		}
	}
	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{2}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	ao := scanner.AWSOptions{EndpointURL: srv.Endpoint}
	guarded, err := scanner.LoadAWSConfig(ctx, ao)
	if err != nil {
		t.Fatal(err)
	}
	sink := newMemorySink()
	opts.Buckets = []string{bucket}
	if _, err := scanner.NewS3Scanner(guarded, ao, engine, opts, nil).Scan(ctx, mototest.AccountID, sink); err != nil {
		t.Fatal(err)
	}
	return sink
}

// TestSplitPrefixListingCapped checks that a prefix part whose listing stops
// at --max-keys-listed records it in the history: a PREFIX row, PARTIAL,
// LISTING_CAPPED. It was only logged, so the history read as if the prefix
// had been listed whole.
func TestSplitPrefixListingCapped(t *testing.T) {
	sink := splitScan(t, "capped", []string{"a/1.csv", "a/2.csv", "a/3.csv", "b/1.csv", "root.txt"}, scanner.Options{
		MaxKeysListed: 2,
		Parts:         map[string][]scanner.BucketPart{"capped": {{Root: true, Prefixes: 2}, {Prefix: "a/"}, {Prefix: "b/"}}},
	})
	a, ok := sink.objects["arn:aws:s3:::capped/a/"]
	if !ok || a.Kind != scanner.ObjectKindPrefix || a.Status != scanner.StatusPartial || a.Reason != scanner.ReasonListingCapped || a.Part != "a/" {
		t.Errorf("prefix a/ (3 keys, cap 2): row %+v (found %v); want a PREFIX row, PARTIAL, %s", a, ok, scanner.ReasonListingCapped)
	}
	if b, ok := sink.objects["arn:aws:s3:::capped/b/"]; ok {
		t.Errorf("prefix b/ (1 key) listed whole, yet has a row %+v", b)
	}
	if scanner.CouldNotRead(scanner.ReasonListingCapped) {
		t.Errorf("a capped listing makes the scan INCOMPLETE; a whole bucket's does not")
	}
}
