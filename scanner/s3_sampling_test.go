package scanner_test

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// TestS3SamplingRepresentsBucket seeds a bucket with 20,000 keys in 10
// prefixes and 4 file types and checks that the 100-object sample covers
// every prefix and every type (not just the first keys), and that the asset
// reports the bucket's totals beside what was sampled.
func TestS3SamplingRepresentsBucket(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 20,000 objects")
	}
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	seed := mototest.SeedS3Client(cfg)
	const bucket, keys = "big-bucket", 20000
	if _, err := seed.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	prefixes := []string{"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"}
	exts := []string{".csv", ".json", ".log", ".txt"}
	body := []byte("nothing sensitive in here\n")
	work := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var seedErr error
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				key := fmt.Sprintf("%s/%05d%s", prefixes[i%10], i, exts[(i/10)%4])
				if _, err := seed.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
					mu.Lock()
					seedErr = err
					mu.Unlock()
				}
			}
		}()
	}
	for i := 0; i < keys; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
	if seedErr != nil {
		t.Fatal(seedErr)
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
	s := scanner.NewS3Scanner(guarded, ao, engine, scanner.Options{SampleObjects: 100, Concurrency: 8}, nil)
	if _, err := s.Scan(ctx, mototest.AccountID, sink); err != nil {
		t.Fatal(err)
	}
	a := sink.assets[bucket]
	if a.ObjectCount != keys || a.TotalBytes != int64(keys*len(body)) || a.ListingTruncated {
		t.Errorf("asset totals: %d objects, %d bytes, truncated %v; want %d, %d", a.ObjectCount, a.TotalBytes, a.ListingTruncated, keys, keys*len(body))
	}
	if a.SampledObjects != 100 || len(sink.objects) != 100 {
		t.Errorf("sampled %d objects (%d results), want 100", a.SampledObjects, len(sink.objects))
	}
	seenPrefix, seenExt := map[string]int{}, map[string]int{}
	late := 0
	for _, o := range sink.objects {
		seenPrefix[strings.SplitN(o.Location, "/", 2)[0]]++
		seenExt[path.Ext(o.Location)]++
		var n int
		fmt.Sscanf(strings.SplitN(o.Location, "/", 2)[1], "%05d", &n)
		if n >= keys/2 {
			late++
		}
	}
	if len(seenPrefix) != len(prefixes) || len(seenExt) != len(exts) {
		t.Errorf("sample covers prefixes %v and types %v; want all %d and %d", seenPrefix, seenExt, len(prefixes), len(exts))
	}
	if late < 20 {
		t.Errorf("only %d of 100 sampled keys come from the second half of the listing", late)
	}
}
