package scanner_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// TestRateLimits drives guarded clients against moto with client-side rate
// limits: calls to a limited service are spaced by 1/limit, other services
// and other regions have buckets of their own, and a wait ends with the
// caller's context.
func TestRateLimits(t *testing.T) {
	mototest.SetTestCredentials(t)
	srv := mototest.Start(t)
	load := func(t *testing.T, limits map[string]float64) (*kms.Client, *dynamodb.Client) {
		t.Helper()
		cfg, err := scanner.LoadAWSConfig(context.Background(), scanner.AWSOptions{EndpointURL: srv.Endpoint, RateLimits: limits})
		if err != nil {
			t.Fatal(err)
		}
		return kms.NewFromConfig(cfg), dynamodb.NewFromConfig(cfg)
	}
	listKeys := func(t *testing.T, ctx context.Context, c *kms.Client, optFns ...func(*kms.Options)) time.Duration {
		t.Helper()
		start := time.Now()
		if _, err := c.ListKeys(ctx, &kms.ListKeysInput{}, optFns...); err != nil {
			t.Fatal(err)
		}
		return time.Since(start)
	}

	t.Run("Pace", func(t *testing.T) {
		const n, limit = 10, 20.0
		kc, _ := load(t, map[string]float64{"KMS": limit})
		start := time.Now()
		for range n {
			listKeys(t, context.Background(), kc)
		}
		// Burst 1: the first call goes at once, each other waits 1/limit.
		if took, want := time.Since(start), time.Duration(float64(n-1)/limit*float64(time.Second)); took < want {
			t.Errorf("%d calls at %v/s took %v; want at least %v", n, limit, took, want)
		}
	})

	t.Run("PerServiceAndRegion", func(t *testing.T) {
		kc, dc := load(t, map[string]float64{"kms": 1, "DynamoDB": 1})
		first := time.Now()
		listKeys(t, context.Background(), kc) // takes KMS's only token
		start := time.Now()
		if _, err := dc.ListTables(context.Background(), &dynamodb.ListTablesInput{}); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took > 500*time.Millisecond {
			t.Errorf("a DynamoDB call after a KMS call took %v: the services share a bucket", took)
		}
		if took := listKeys(t, context.Background(), kc, func(o *kms.Options) { o.Region = "eu-west-1" }); took > 500*time.Millisecond {
			t.Errorf("KMS in eu-west-1 after KMS in %s took %v: the regions share a bucket", mototest.Region, took)
		}
		listKeys(t, context.Background(), kc)
		if since := time.Since(first); since < time.Second {
			t.Errorf("a second KMS call ended %v after the first began; want the limit's 1 s between them", since)
		}
	})

	t.Run("DefaultApplies", func(t *testing.T) {
		limit := scanner.DefaultRateLimits["KMS"]
		if limit == 0 {
			t.Fatal("KMS has no default limit any more: pick another service for this test")
		}
		kc, _ := load(t, nil)
		start := time.Now()
		for range 5 {
			listKeys(t, context.Background(), kc)
		}
		if took, want := time.Since(start), time.Duration(4/limit*float64(time.Second)); took < want {
			t.Errorf("5 KMS calls with the default limit (%v/s) took %v; want at least %v", limit, took, want)
		}
	})

	t.Run("Cancel", func(t *testing.T) {
		kc, _ := load(t, map[string]float64{"KMS": 0.2}) // one token per 5 s
		listKeys(t, context.Background(), kc)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		_, err := kc.ListKeys(ctx, &kms.ListKeysInput{})
		if took := time.Since(start); !errors.Is(err, context.Canceled) || took > 2*time.Second {
			t.Errorf("cancelled wait: %v after %v; want context.Canceled soon after 100ms", err, took)
		}
		// A deadline before the next token ends the call at once.
		ctx, cancel2 := context.WithTimeout(context.Background(), time.Second)
		defer cancel2()
		start = time.Now()
		_, err = kc.ListKeys(ctx, &kms.ListKeysInput{})
		if took := time.Since(start); !errors.Is(err, context.DeadlineExceeded) || took > 500*time.Millisecond {
			t.Errorf("deadline before the token: %v after %v; want context.DeadlineExceeded at once", err, took)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		for _, bad := range []map[string]float64{{"KMS": -1}, {" ": 3}} {
			if _, err := scanner.LoadAWSConfig(context.Background(), scanner.AWSOptions{EndpointURL: srv.Endpoint, RateLimits: bad}); err == nil {
				t.Errorf("RateLimits %v accepted", bad)
			}
		}
	})
}

func TestParseRateLimits(t *testing.T) {
	got, err := scanner.ParseRateLimits("kms=20, Config Service=2.5,s3=0")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got["kms"] != 20 || got["Config Service"] != 2.5 || got["s3"] != 0 {
		t.Errorf("got %v", got)
	}
	for _, bad := range []string{"kms", "kms=", "=3", "kms=-1", "kms=NaN", "kms=fast"} {
		if _, err := scanner.ParseRateLimits(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
