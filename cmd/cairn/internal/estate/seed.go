package estate

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cairnsec/cairn/scanner/mototest"
)

// BucketNames returns n bucket names that look like a company's.
func BucketNames(n int) []string {
	kinds := []string{"app-logs", "exports", "events", "analytics", "backups", "etl-staging", "reports", "audit"}
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("load-%s-%03d", kinds[i%len(kinds)], i)
	}
	return names
}

// CreateBuckets creates the named buckets, workers at a time.
func CreateBuckets(ctx context.Context, s3c *s3.Client, names []string, workers int) error {
	return Parallel(ctx, len(names), workers, func(ctx context.Context, i int) error {
		if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(names[i])}); err != nil {
			return fmt.Errorf("create bucket %s: %w", names[i], err)
		}
		return nil
	})
}

// SeedObjects writes objects from index from (inclusive) to to (exclusive),
// printing progress on stderr under name every 10 s.
// Object i goes to bucket i mod len(buckets), so every bucket holds the same
// number of objects, give or take one.
func SeedObjects(ctx context.Context, s3c *s3.Client, buckets []string, from, to, workers int, name string) error {
	var done atomic.Int64
	stopProgress := progress(&done, to-from, name)
	defer stopProgress()
	return Parallel(ctx, to-from, workers, func(ctx context.Context, j int) error {
		i := from + j
		bucket := buckets[i%len(buckets)]
		key, body, ctype := Object(i)
		_, err := s3c.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(bucket), Key: aws.String(key),
			Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body))), ContentType: aws.String(ctype),
		})
		if err != nil {
			return fmt.Errorf("put s3://%s/%s: %w", bucket, key, err)
		}
		done.Add(1)
		return nil
	})
}

// progress prints how many of total objects are seeded every 10 s until the
// returned function is called.
func progress(done *atomic.Int64, total int, name string) func() {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(10 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				fmt.Fprintf(os.Stderr, "%s: seeding: %d of %d\n", name, done.Load(), total)
			}
		}
	})
	return func() { close(stop); wg.Wait() }
}

// Parallel calls fn(ctx, i) for i in [0, n) on workers goroutines and returns
// the first error; after it, the remaining calls are skipped.
func Parallel(ctx context.Context, n, workers int, fn func(context.Context, int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := fn(ctx, i); err != nil {
					cancel(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx) // nil unless fn failed or the parent ended
}

// Start prepares a measurement against moto: the test credentials, the
// absolute path of the cairn binary (which must exist), a moto server on a
// free loopback port, and an S3 client for seeding that keeps a connection
// alive for every seeding worker (the SDK keeps 10 per host) and sends no
// CRC trailer on uploads (aws-chunked encoding that moto must decode). The
// caller stops the server.
func Start(ctx context.Context, tool, cairn string, seedWorkers int) (*mototest.Server, *s3.Client, string, error) {
	if err := mototest.UseTestCredentials(); err != nil {
		return nil, nil, "", err
	}
	path, err := filepath.Abs(cairn)
	if err != nil {
		return nil, nil, "", err
	}
	if _, err := os.Stat(path); err != nil {
		return nil, nil, "", fmt.Errorf("cairn binary: %w (run `make build` first)", err)
	}
	fmt.Fprintf(os.Stderr, "%s: starting moto on a free loopback port\n", tool)
	srv, err := mototest.StartServer(ctx)
	if err != nil {
		return nil, nil, "", err
	}
	cfg, err := srv.Config(ctx)
	if err != nil {
		srv.Stop()
		return nil, nil, "", err
	}
	cfg.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConns = 2 * seedWorkers
		t.MaxIdleConnsPerHost = 2 * seedWorkers
	})
	cfg.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	return srv, mototest.SeedS3Client(cfg), path, nil
}
