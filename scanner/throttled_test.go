package scanner_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// TestThrottledRetriesExhausted: an S3 object whose every GET answers
// SlowDown and a DynamoDB table whose every Scan answers
// ThrottlingException end, once the SDK's attempts are spent (each retried:
// the proxy counts the faults), SKIPPED with
// the reason THROTTLED (not READ_ERROR), and make the scan incomplete.
func TestThrottledRetriesExhausted(t *testing.T) {
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	s3c := mototest.SeedS3Client(cfg)
	const bucket = "throttled"
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"hot.csv", "cool.csv"} {
		if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader("id,note\n1,hello\n")}); err != nil {
			t.Fatal(err)
		}
	}
	ddb := dynamodb.NewFromConfig(cfg)
	if _, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("busy"),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	}); err != nil {
		t.Fatal(err)
	}

	proxy := mototest.NewFaultProxy(srv.Endpoint, 3,
		mototest.FaultRule{Method: "GET", Bucket: bucket, Key: "hot.csv", Fault: mototest.FaultSlowDown},
		mototest.FaultRule{Operation: "Scan", Fault: mototest.FaultThrottling},
	)
	endpoint, err := proxy.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	// Three attempts (the SDK's default) keep the backoff short; the
	// default of eight would take a minute.
	ao := scanner.AWSOptions{EndpointURL: endpoint, MaxAttempts: 3}
	guarded, err := scanner.LoadAWSConfig(ctx, ao)
	if err != nil {
		t.Fatal(err)
	}
	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{4}, 32)})
	if err != nil {
		t.Fatal(err)
	}

	sink := newMemorySink()
	stats, err := scanner.NewS3Scanner(guarded, ao, engine, scanner.Options{}, nil).Scan(ctx, mototest.AccountID, sink)
	if err != nil {
		t.Fatal(err)
	}
	hot, cool := sink.objects["arn:aws:s3:::throttled/hot.csv"], sink.objects["arn:aws:s3:::throttled/cool.csv"]
	if hot.Status != scanner.StatusSkipped || hot.Reason != scanner.ReasonThrottled {
		t.Errorf("hot.csv: %s %q, want SKIPPED %s", hot.Status, hot.Reason, scanner.ReasonThrottled)
	}
	if cool.Status != scanner.StatusComplete {
		t.Errorf("cool.csv: %s %q, want COMPLETE", cool.Status, cool.Reason)
	}
	if !stats.Incomplete() {
		t.Errorf("s3 stats %+v: a throttled object must make the scan incomplete", stats)
	}

	dsink := newMemorySink()
	dstats, err := scanner.NewDynamoDBScanner(guarded, ao, engine, scanner.DynamoOptions{Regions: []string{"us-east-1"}}, nil).Scan(ctx, mototest.AccountID, dsink)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range dsink.objects {
		got = append(got, o.Status+" "+o.Reason)
		if o.Reason != scanner.ReasonThrottled {
			t.Errorf("dynamodb %s: %s %q, want %s", o.Location, o.Status, o.Reason, scanner.ReasonThrottled)
		}
	}
	if len(got) != 1 || !dstats.Incomplete() || proxy.Counts().Injected[mototest.FaultThrottling] < 3 {
		t.Errorf("dynamodb results %q, stats %+v; want one THROTTLED result, incomplete", got, dstats)
	}
	t.Logf("proxy: %v", proxy.Counts())
}
