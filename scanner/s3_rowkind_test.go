package scanner_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// TestS3ObjectRowKinds checks that an archive entry's row is marked as one
// and that an object whose key contains '!' is marked as an object: readers
// (the exposures join) must not tell them apart by the location.
func TestS3ObjectRowKinds(t *testing.T) {
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	seed := mototest.SeedS3Client(cfg)
	if _, err := seed.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("kinds")}); err != nil {
		t.Fatal(err)
	}
	put := func(key string, body []byte) {
		t.Helper()
		if _, err := seed.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("kinds"), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	put("backup!2024.csv", []byte(fmtCSV))
	noise := make([]byte, 20000)
	rand.NewChaCha8([32]byte{1}).Read(noise)
	put("a.zip", zipOf(t, "noise.hex", hex.EncodeToString(noise), "people.csv", fmtCSV))

	guarded, ao, engine := scanSetup(t, srv.Endpoint, 2)
	sink := newMemorySink()
	s := scanner.NewS3Scanner(guarded, ao, engine, scanner.Options{Buckets: []string{"kinds"}, SampleBytes: 4096}, nil)
	if _, err := s.Scan(ctx, mototest.AccountID, sink); err != nil {
		t.Fatal(err)
	}
	entries := 0
	for _, o := range sink.objects {
		t.Logf("%s: %s %s kind %s", o.Location, o.Status, o.Reason, o.Kind)
		want := scanner.ObjectKindObject
		if o.Location != "backup!2024.csv" && strings.Contains(o.Location, "!") {
			want = scanner.ObjectKindArchiveEntry
			entries++
		}
		if o.Kind != want || o.Part != "" {
			t.Errorf("%s: kind %q, part %q; want %s and no part", o.Location, o.Kind, o.Part, want)
		}
	}
	if entries == 0 {
		t.Errorf("no archive entry row: the test needs one not fully read")
	}
}
