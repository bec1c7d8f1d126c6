package scanner_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/mototest"
)

func opCount(counts []scanner.OpCount, service, op string) scanner.OpCount {
	for _, c := range counts {
		if c.Service == service && c.Operation == op {
			return c
		}
	}
	return scanner.OpCount{}
}

// TestRequestCounterScan scans a bucket of N objects in moto with a counter on
// the config and checks the counts against what the scan read.
func TestRequestCounterScan(t *testing.T) {
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	seed := mototest.SeedS3Client(cfg)
	const n = 23
	for _, b := range []string{"counted", "counted-kms"} {
		if _, err := seed.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		body := strings.Repeat(fmt.Sprintf("line %d of object %d\n", i, i), 50+i)
		if _, err := seed.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("counted"), Key: aws.String(fmt.Sprintf("logs/%02d.log", i)), Body: strings.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	// One SSE-KMS object without a bucket key: S3 calls KMS for its reads.
	if _, err := seed.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("counted-kms"), Key: aws.String("secret.txt"),
		Body: strings.NewReader("kms encrypted"), ServerSideEncryption: s3types.ServerSideEncryptionAwsKms}); err != nil {
		t.Fatal(err)
	}

	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{3}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	counter := &scanner.RequestCounter{}
	ao := scanner.AWSOptions{EndpointURL: srv.Endpoint, Requests: counter}
	guarded, err := scanner.LoadAWSConfig(ctx, ao)
	if err != nil {
		t.Fatal(err)
	}
	sink := newMemorySink()
	stats, err := scanner.NewS3Scanner(guarded, ao, engine, scanner.Options{SampleObjects: 100, Concurrency: 6}, nil).Scan(ctx, "123456789012", sink)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Objects != n+1 || stats.Skipped != 0 {
		t.Fatalf("scan read %d objects (%d skipped), want %d", stats.Objects, stats.Skipped, n+1)
	}

	counts := counter.Counts()
	get := opCount(counts, "S3", "GetObject")
	if get.Requests < stats.Objects {
		t.Errorf("GetObject requests %d < %d objects read", get.Requests, stats.Objects)
	}
	if get.Bytes < stats.BytesRead {
		t.Errorf("GetObject bytes %d < %d bytes the scan read", get.Bytes, stats.BytesRead)
	}
	if get.KMSRequests < 1 || get.KMSRequests > get.Requests {
		t.Errorf("GetObject KMS requests %d, want ≥1 for the SSE-KMS object (of %d GETs)", get.KMSRequests, get.Requests)
	}
	if l := opCount(counts, "S3", "ListObjectsV2"); l.Requests < 2 {
		t.Errorf("ListObjectsV2 requests %d, want one per bucket at least", l.Requests)
	}
	if l := opCount(counts, "S3", "ListBuckets"); l.Requests != 1 {
		t.Errorf("ListBuckets requests %d, want 1", l.Requests)
	}
	for _, c := range counts {
		if c.Service == "" || c.Operation == "" {
			t.Errorf("request counted without a service or operation: %+v", c)
		}
	}
	total, _ := counter.Total()
	t.Logf("%d requests: %+v", total, counts)

	// The seeding client has no counter: its requests were not counted.
	before := opCount(counter.Counts(), "S3", "HeadBucket").Requests
	if _, err := seed.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("counted")}); err != nil {
		t.Fatal(err)
	}
	if after := opCount(counter.Counts(), "S3", "HeadBucket").Requests; after != before {
		t.Errorf("a client without the counter was counted")
	}
}

// TestRequestCounterConcurrent makes many calls at once through one counter:
// none may be lost (run with -race to check the counter's synchronisation).
func TestRequestCounterConcurrent(t *testing.T) {
	mototest.SetTestCredentials(t)
	srv := mototest.Start(t)
	ctx := context.Background()
	counter := &scanner.RequestCounter{}
	ao := scanner.AWSOptions{EndpointURL: srv.Endpoint, Requests: counter}
	cfg, err := scanner.LoadAWSConfig(ctx, ao)
	if err != nil {
		t.Fatal(err)
	}
	client := scanner.NewS3Client(cfg, ao)
	const workers, calls = 8, 25
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range calls {
				if _, err := client.ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if got := opCount(counter.Counts(), "S3", "ListBuckets").Requests; got != workers*calls {
		t.Errorf("ListBuckets counted %d, want %d", got, workers*calls)
	}
}

func TestEstimateCost(t *testing.T) {
	p := scanner.PricesUSEast1
	counts := []scanner.OpCount{
		{Service: "S3", Operation: "ListObjectsV2", Requests: 2_000},
		{Service: "S3", Operation: "ListBuckets", Requests: 1},
		{Service: "S3", Operation: "GetObject", Requests: 1_000_000, Bytes: 50 << 30, KMSRequests: 20_000},
		{Service: "S3", Operation: "GetBucketEncryption", Requests: 999},
		{Service: "DynamoDB", Operation: "Scan", Requests: 10, Bytes: 4096 * 100},
		{Service: "DynamoDB", Operation: "DescribeTable", Requests: 10},
		{Service: "CloudWatch", Operation: "GetMetricData", Requests: 5, Metrics: 4_000},
		{Service: "CloudWatch", Operation: "ListMetrics", Requests: 1_000},
		{Service: "IAM", Operation: "ListUsers", Requests: 100},
	}
	e := scanner.EstimateCost(counts, scanner.CostInputs{S3BytesSampled: 10 << 30, Buckets: 20, BucketObjects: 3_000_000}, p)
	want := map[string]float64{
		"S3 LIST":                  2.001 * 0.005,     // 2,001 LISTs
		"S3 GET and other":         1000.999 * 0.0004, // GETs + one bucket-level GET
		"S3 transfer in-region":    0,                 // 50 GB in-region
		"KMS (SSE-KMS reads)":      2 * 0.03,          // 20,000 requests
		"DynamoDB Scan":            50 / 1e6 * 0.125,  // 100 × 4 KB at 0.5 RRU
		"CloudWatch GetMetricData": 4 * 0.01,          // 4,000 metrics
		"CloudWatch API":           1 * 0.01,          // 1,000 requests
		"Secrets Manager":          math.NaN(),        // none: no line
		"IAM":                      math.NaN(),        // free: no line
		"total":                    0.010005 + 0.4003996 + 0.06 + 0.00000625 + 0.04 + 0.01,
	}
	got := map[string]float64{"total": e.USD}
	for _, l := range e.Lines {
		got[l.Item] = l.USD
	}
	for item, w := range want {
		g, ok := got[item]
		if math.IsNaN(w) {
			if ok {
				t.Errorf("%s: a line of $%g, want none", item, g)
			}
			continue
		}
		if !ok || math.Abs(g-w) > 1e-9 {
			t.Errorf("%s: $%.9f (present %v), want $%.9f", item, g, ok, w)
		}
	}
	if math.Abs(e.CrossRegionUSD-50*0.02) > 1e-9 {
		t.Errorf("cross-region transfer $%g, want $1.00 for 50 GB", e.CrossRegionUSD)
	}
	if math.Abs(e.MacieDiscoveryUSD-10) > 1e-9 || e.MacieBytes != 10<<30 {
		t.Errorf("Macie discovery $%g for %d bytes, want $10 for 10 GB", e.MacieDiscoveryUSD, e.MacieBytes)
	}
	if math.Abs(e.MacieMonthlyUSD-(20*0.10+30*0.01)) > 1e-9 {
		t.Errorf("Macie monthly $%g, want $2.30 (20 buckets, 3M objects)", e.MacieMonthlyUSD)
	}

	// DynamoDB: a tiny Scan still consumes 0.5 RRU per request.
	e = scanner.EstimateCost([]scanner.OpCount{{Service: "DynamoDB", Operation: "Scan", Requests: 4, Bytes: 100}}, scanner.CostInputs{}, p)
	if len(e.Lines) != 1 || e.Lines[0].Quantity != 2 {
		t.Errorf("4 tiny Scans: %+v, want 2 RRU", e.Lines)
	}
	if e := scanner.EstimateCost(nil, scanner.CostInputs{}, p); e.USD != 0 || len(e.Lines) != 0 || e.MacieDiscoveryUSD != 0 {
		t.Errorf("no requests: %+v", e)
	}
}
