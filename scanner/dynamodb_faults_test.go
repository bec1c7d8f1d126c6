package scanner_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/dbtest"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// TestDynamoDBScanUnderFaults scans ten tables of customer items twice:
// straight to moto, then through a FaultProxy that throttles about a fifth
// of all DynamoDB requests (ProvisionedThroughputExceededException and
// ThrottlingException in DynamoDB's JSON protocol), fails some with server
// errors, and denies every Scan of one table. Throttling must cost nothing:
// every other table ends as in the clean scan, with the same findings. The
// denied table is SKIPPED with PERMISSION_DENIED and its asset is ERROR.
func TestDynamoDBScanUnderFaults(t *testing.T) {
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	ddb := dynamodb.NewFromConfig(cfg)
	const denied = "restricted"
	tables := []string{"customers", "orders", "profiles", "leads", "archive", "invoices", "contacts", "tickets", "visits", denied}
	for n, table := range tables {
		if _, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName:            aws.String(table),
			AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
			KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
			BillingMode:          ddbtypes.BillingModePayPerRequest,
		}); err != nil {
			t.Fatal(err)
		}
		for start := 1; start <= 50; start += 25 {
			var reqs []ddbtypes.WriteRequest
			for i := start; i < start+25; i++ {
				reqs = append(reqs, ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: dbtest.FixtureDynamoItem(100*n + i)}})
			}
			out, err := ddb.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]ddbtypes.WriteRequest{table: reqs}})
			if err != nil || len(out.UnprocessedItems) > 0 {
				t.Fatalf("batch write: %v (unprocessed %d)", err, len(out.UnprocessedItems))
			}
		}
	}

	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{4}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	// More items than a table holds: every segment is read, so a scan's
	// findings do not depend on the random first segment.
	opts := scanner.DynamoOptions{SampleItems: 1000, Concurrency: 10, TableTimeout: 30 * time.Second}
	scan := func(endpoint string) (*memorySink, scanner.Stats, time.Duration) {
		t.Helper()
		ao := scanner.AWSOptions{EndpointURL: endpoint}
		guarded, err := scanner.LoadAWSConfig(ctx, ao)
		if err != nil {
			t.Fatal(err)
		}
		sink := newMemorySink()
		start := time.Now()
		stats, err := scanner.NewDynamoDBScanner(guarded, ao, engine, opts, nil).Scan(ctx, mototest.AccountID, sink)
		if err != nil {
			t.Fatal(err)
		}
		return sink, stats, time.Since(start)
	}
	clean, cleanStats, cleanTook := scan(srv.Endpoint)
	if cleanStats.Incomplete() || len(clean.objects) != len(tables) {
		t.Fatalf("clean scan: %+v, %d tables; want %d, complete", cleanStats, len(clean.objects), len(tables))
	}

	const cap = 3
	proxy := mototest.NewFaultProxy(srv.Endpoint, 5,
		mototest.FaultRule{TableName: denied, Operation: "Scan", Fault: mototest.FaultDeny},
		mototest.FaultRule{Operation: "Scan", Fault: mototest.FaultThroughputExceeded, Probability: 0.25, MaxPerRequest: cap},
		mototest.FaultRule{Fault: mototest.FaultThrottling, Probability: 0.15, MaxPerRequest: cap},
		mototest.FaultRule{Fault: mototest.FaultInternalError, Probability: 0.05, MaxPerRequest: cap},
	)
	endpoint, err := proxy.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	faulty, stats, took := scan(endpoint)
	counts := proxy.Counts()
	t.Logf("clean scan %v; faulty scan %v: %v", cleanTook.Round(time.Millisecond), took.Round(time.Millisecond), counts)
	if throttled := counts.Injected[mototest.FaultThroughputExceeded] + counts.Injected[mototest.FaultThrottling]; throttled*10 < counts.Requests || counts.Injected[mototest.FaultThroughputExceeded] == 0 {
		t.Errorf("only %v: the mix should throttle about a fifth of requests, some with ProvisionedThroughputExceededException", counts)
	}
	// The DynamoDB client retries in standard mode: with the adaptive mode's
	// shared client-side rate limit this scan took 25-34 s instead of 7-8 s.
	if took > 15*time.Second {
		t.Errorf("the scan under faults took %v; retries should cost a few seconds", took)
	}

	for arn, want := range clean.objects {
		got := faulty.objects[arn]
		if want.Location == denied {
			if got.Status != scanner.StatusSkipped || got.Reason != scanner.ReasonPermissionDenied {
				t.Errorf("%s: %s %q, want SKIPPED %s", want.Location, got.Status, got.Reason, scanner.ReasonPermissionDenied)
			}
			if a := faulty.assets[denied]; a.Status != scanner.StatusError || !strings.Contains(a.Reason, scanner.ReasonPermissionDenied) {
				t.Errorf("%s asset: %s %q; want ERROR naming %s", want.Location, a.Status, a.Reason, scanner.ReasonPermissionDenied)
			}
			continue
		}
		if got.Status != want.Status || got.Reason != want.Reason || got.Findings != want.Findings || got.BytesRead != want.BytesRead {
			t.Errorf("%s: %s %q %d findings %d bytes; clean scan: %s %q %d %d", want.Location, got.Status, got.Reason, got.Findings, got.BytesRead, want.Status, want.Reason, want.Findings, want.BytesRead)
		}
		if ga, wa := faulty.assets[want.Location], clean.assets[want.Location]; ga.Status != wa.Status || ga.Reason != wa.Reason || ga.Encryption != wa.Encryption || ga.Public != wa.Public {
			t.Errorf("%s asset under faults: %s %q %s public=%v; clean: %s %q %s public=%v", want.Location, ga.Status, ga.Reason, ga.Encryption, ga.Public, wa.Status, wa.Reason, wa.Encryption, wa.Public)
		}
	}
	if g, w := dynamoFindingSet(faulty, denied), dynamoFindingSet(clean, denied); len(w) == 0 || !slices.Equal(g, w) {
		t.Errorf("findings differ under faults:\n got %d: %v\nwant %d: %v", len(g), g, len(w), w)
	}
	// Unread: the denied table's sample and its asset (ERROR).
	if stats.Unread != 2 || stats.Skipped != 1 || !stats.Incomplete() {
		t.Errorf("stats %+v; want the denied table's sample and asset unread, incomplete", stats)
	}
}

// dynamoFindingSet lists a sink's findings outside table excluded as
// comparable strings (fingerprints sorted: the items' order depends on the
// random first segment), sorted.
func dynamoFindingSet(m *memorySink, excluded string) []string {
	var out []string
	for _, f := range m.findings {
		if strings.HasPrefix(f.Location, excluded+"#") {
			continue
		}
		fps := slices.Sorted(slices.Values(f.Fingerprints))
		out = append(out, fmt.Sprintf("%s %s %d %v", f.Location, f.Identifier, f.Count, fps))
	}
	slices.Sort(out)
	return out
}

// TestDynamoDBUndescribedTableExposureUnknown checks that a table whose DescribeTable
// is denied is recorded with its exposure unknown, not as private: nothing about it,
// its resource policy included, was read.
func TestDynamoDBUndescribedTableExposureUnknown(t *testing.T) {
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	ddb := dynamodb.NewFromConfig(cfg)
	if _, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("hidden"),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	}); err != nil {
		t.Fatal(err)
	}
	_, endpoint := throughFaults(t, srv.Endpoint, mototest.FaultRule{TableName: "hidden", Operation: "DescribeTable", Fault: mototest.FaultDeny})
	guarded, ao, engine := scanSetup(t, endpoint, 4)
	sink := newMemorySink()
	if _, err := scanner.NewDynamoDBScanner(guarded, ao, engine, scanner.DynamoOptions{SampleItems: 10}, nil).Scan(ctx, mototest.AccountID, sink); err != nil {
		t.Fatal(err)
	}
	a := sink.assets["hidden"]
	if a.Status != scanner.StatusError || a.Public || !strings.HasPrefix(a.PublicReason, "UNKNOWN") {
		t.Errorf("asset: %s public=%v %q; want ERROR with an UNKNOWN exposure", a.Status, a.Public, a.PublicReason)
	}
}
