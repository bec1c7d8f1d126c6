package scanner_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

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
	guarded, ao, engine := scanSetup(t, srv.Endpoint, 2)
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

// TestSplitRootUnplannedPrefixes checks that the root part of a split bucket
// reports the top-level prefixes created after the plan, which no part
// scans: they were dropped silently and the root row's totals labelled
// LISTING-exact. With the planned prefixes known, new/ is told from a/;
// without them (an older plan), only a count above the parts' shows.
func TestSplitRootUnplannedPrefixes(t *testing.T) {
	keys := []string{"a/x.csv", "new/people.csv", "root.txt"}
	for _, tc := range []struct {
		name string
		root scanner.BucketPart
	}{
		{"planned prefixes known", scanner.BucketPart{Root: true, Prefixes: 1, Planned: []string{"a/"}}},
		{"count only", scanner.BucketPart{Root: true, Prefixes: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sink := splitScan(t, "split", keys, scanner.Options{
				Parts: map[string][]scanner.BucketPart{"split": {tc.root, {Prefix: "a/"}}},
			})
			a := sink.assets["split"]
			if _, ok := sink.objects["arn:aws:s3:::split/new/people.csv"]; ok {
				t.Fatalf("new/people.csv was scanned; the test expects no part to cover new/")
			}
			if !strings.Contains(a.Reason, scanner.ReasonUnplannedPrefixes+": 1 ") {
				t.Errorf("reason %q; want %s naming 1 prefix", a.Reason, scanner.ReasonUnplannedPrefixes)
			}
			if a.Status == scanner.StatusComplete || a.TotalsSource == scanner.TotalsListing {
				t.Errorf("asset %s with totals from %s; want PARTIAL and totals not labelled exact", a.Status, a.TotalsSource)
			}
		})
	}
	t.Run("no new prefix", func(t *testing.T) {
		sink := splitScan(t, "split", []string{"a/x.csv", "root.txt"}, scanner.Options{
			Parts: map[string][]scanner.BucketPart{"split": {{Root: true, Prefixes: 1, Planned: []string{"a/"}}, {Prefix: "a/"}}},
		})
		if a := sink.assets["split"]; a.Status != scanner.StatusComplete || a.TotalsSource != scanner.TotalsListing || strings.Contains(a.Reason, scanner.ReasonUnplannedPrefixes) {
			t.Errorf("asset %s, totals %s, reason %q; want COMPLETE, LISTING, no %s", a.Status, a.TotalsSource, a.Reason, scanner.ReasonUnplannedPrefixes)
		}
	})
}
