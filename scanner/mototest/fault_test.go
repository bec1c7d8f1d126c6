package mototest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// TestFaultProxy sends calls through a FaultProxy with retries off and checks
// each fault as the client sees it: S3, JSON and Query error bodies, a reset
// connection, a delayed and a truncated response, a denied key, the per-request
// fault cap, and that decisions depend only on the seed.
func TestFaultProxy(t *testing.T) {
	SetTestCredentials(t)
	ctx := context.Background()
	srv := Start(t)
	seedCfg, err := srv.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seed := SeedS3Client(seedCfg)
	const bucket = "faults"
	body := bytes.Repeat([]byte("0123456789"), 1000)
	if _, err := seed.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"slow", "internal", "throttle", "reset", "delay", "truncate", "denied", "capped", "clean"} {
		if _, err := seed.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: bytes.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}

	p := NewFaultProxy(srv.Endpoint, 1,
		FaultRule{Key: "slow", Fault: FaultSlowDown},
		FaultRule{Key: "internal", Fault: FaultInternalError},
		FaultRule{Key: "throttle", Fault: FaultThrottling},
		FaultRule{Key: "reset", Fault: FaultReset},
		FaultRule{Key: "delay", Fault: FaultDelay, Delay: 300 * time.Millisecond},
		FaultRule{Key: "truncate", Method: http.MethodGet, Fault: FaultTruncate, Keep: 0.25},
		FaultRule{Method: http.MethodGet, Bucket: bucket, Key: "denied", Fault: FaultDeny},
		FaultRule{Key: "capped", Fault: FaultInternalError, MaxPerRequest: 2},
		FaultRule{Operation: "GetCallerIdentity", Fault: FaultThrottling},
		FaultRule{Operation: "ListTables", Fault: FaultThrottling},
		FaultRule{Operation: "DescribeTable", Fault: FaultDeny},
	)
	endpoint, err := p.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	cfg, err := SeedConfig(ctx, endpoint)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RetryMaxAttempts = 1 // see every fault
	c := SeedS3Client(cfg)

	get := func(key string) ([]byte, error) {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			return nil, err
		}
		defer out.Body.Close()
		return io.ReadAll(out.Body)
	}
	apiErr := func(err error) (code string, status int) {
		var ae smithy.APIError
		if errors.As(err, &ae) {
			code = ae.ErrorCode()
		}
		var re *smithyhttp.ResponseError
		if errors.As(err, &re) {
			status = re.HTTPStatusCode()
		}
		return code, status
	}

	for _, c := range []struct {
		key, code string
		status    int
	}{
		{"slow", "SlowDown", 503},
		{"internal", "InternalError", 500},
		{"throttle", "SlowDown", 503}, // S3 throttles with SlowDown
		{"denied", "AccessDenied", 403},
	} {
		_, err := get(c.key)
		if code, status := apiErr(err); code != c.code || status != c.status {
			t.Errorf("get %s: %v; want %s (%d)", c.key, err, c.code, c.status)
		}
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("denied")}); err != nil {
		t.Errorf("head denied: %v; the rule is for GET only", err)
	}

	if _, err := get("reset"); err == nil || !strings.Contains(err.Error(), "connection reset") && !strings.Contains(err.Error(), "EOF") {
		t.Errorf("get reset: %v; want a dropped connection", err)
	}

	start := time.Now()
	if b, err := get("delay"); err != nil || !bytes.Equal(b, body) {
		t.Errorf("get delay: %d bytes, %v", len(b), err)
	} else if took := time.Since(start); took < 300*time.Millisecond {
		t.Errorf("get delay took %v, want ≥ 300ms", took)
	}

	b, err := get("truncate")
	if !errors.Is(err, io.ErrUnexpectedEOF) || len(b) != len(body)/4 {
		t.Errorf("get truncate: %d bytes, %v; want %d bytes and unexpected EOF", len(b), err, len(body)/4)
	}

	for i := range 3 {
		_, err := get("capped")
		if code, _ := apiErr(err); i < 2 && code != "InternalError" || i == 2 && err != nil {
			t.Errorf("get capped, attempt %d: %v", i+1, err)
		}
	}
	if b, err := get("clean"); err != nil || !bytes.Equal(b, body) {
		t.Errorf("get clean: %d bytes, %v", len(b), err)
	}

	// Query and JSON protocols.
	stsc := sts.NewFromConfig(cfg)
	if _, err := stsc.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); !hasCode(err, "Throttling") {
		t.Errorf("sts: %v; want Throttling", err)
	}
	ddb := dynamodb.NewFromConfig(cfg)
	if _, err := ddb.ListTables(ctx, &dynamodb.ListTablesInput{}); !hasCode(err, "ThrottlingException") {
		t.Errorf("dynamodb list tables: %v; want ThrottlingException", err)
	}
	if _, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("t")}); !hasCode(err, "AccessDeniedException") {
		t.Errorf("dynamodb describe table: %v; want AccessDeniedException", err)
	}

	counts := p.Counts()
	t.Logf("%v", counts)
	// Go's transport itself retries a GET once when a reused connection is
	// dropped before any response: the reset may be counted twice.
	if n := counts.Injected[FaultReset]; n < 1 || n > 2 {
		t.Errorf("reset injected %d times, want 1 or 2", n)
	}
	want := map[Fault]int64{FaultSlowDown: 1, FaultInternalError: 3, FaultThrottling: 3, FaultDelay: 1, FaultTruncate: 1, FaultDeny: 2}
	for f, n := range want {
		if counts.Injected[f] != n {
			t.Errorf("%s injected %d times, want %d", f, counts.Injected[f], n)
		}
	}
}

func hasCode(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}

// TestFaultProxyDeterministic checks that which requests fail depends on the
// seed and the requests, not on timing, and that the failure rate follows the
// rule's probability.
func TestFaultProxyDeterministic(t *testing.T) {
	decisions := func(seed uint64) string {
		p := NewFaultProxy("http://127.0.0.1:1", seed, FaultRule{Fault: FaultSlowDown, Probability: 0.2})
		var b strings.Builder
		for i := range 1000 {
			r, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("http://x/bucket/key-%d", i%500), nil)
			info, err := requestInfoOf(r)
			if err != nil {
				t.Fatal(err)
			}
			_, f := p.decide(info)
			b.WriteString(map[Fault]string{FaultNone: ".", FaultSlowDown: "x"}[f])
		}
		return b.String()
	}
	a, again, other := decisions(7), decisions(7), decisions(8)
	if a != again {
		t.Error("same seed, different decisions")
	}
	if a == other {
		t.Error("different seeds, same decisions")
	}
	if n := strings.Count(a, "x"); n < 150 || n > 250 {
		t.Errorf("%d of 1000 requests failed at probability 0.2", n)
	}
}

// TestS3Operation checks the operation names derived from S3 requests.
func TestS3Operation(t *testing.T) {
	for _, c := range []struct{ method, url, want string }{
		{"GET", "/", "ListBuckets"},
		{"GET", "/b?list-type=2&prefix=a", "ListObjectsV2"},
		{"GET", "/b?policy", "GetBucketPolicy"},
		{"GET", "/b/k/ey", "GetObject"},
		{"GET", "/b/k?x-id=GetObject", "GetObject"},
		{"GET", "/b/k?tagging", ""},
		{"HEAD", "/b/k", "HeadObject"},
		{"HEAD", "/b", "HeadBucket"},
	} {
		r, _ := http.NewRequest(c.method, "http://x"+c.url, nil)
		info, err := requestInfoOf(r)
		if err != nil || info.operation != c.want {
			t.Errorf("%s %s: %q, %v; want %q", c.method, c.url, info.operation, err, c.want)
		}
	}
}

// TestFaultStall checks FaultStall against a plain upstream: the client gets
// the status, the headers and the kept part of the body at once, then no
// data for the rule's Delay, then a broken body.
func TestFaultStall(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789"), 1000)
	up := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Write(body)
	})
	var lb loopback
	upURL, err := lb.start("upstream", up, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lb.close("upstream") })
	const hold = 400 * time.Millisecond
	p := NewFaultProxy(upURL, 1, FaultRule{PathPrefix: "/stall", Fault: FaultStall, Keep: 0.25, Delay: hold})
	endpoint, err := p.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })

	start := time.Now()
	resp, err := http.Get(endpoint + "/stall/object")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ContentLength != int64(len(body)) {
		t.Fatalf("status %d, length %d; want 200 and %d", resp.StatusCode, resp.ContentLength, len(body))
	}
	kept := make([]byte, len(body)/4)
	if _, err := io.ReadFull(resp.Body, kept); err != nil || !bytes.Equal(kept, body[:len(kept)]) {
		t.Fatalf("kept part: %v", err)
	}
	if took := time.Since(start); took > hold/2 {
		t.Errorf("the kept part took %v; want it before the stall", took)
	}
	rest, err := io.ReadAll(resp.Body)
	if took := time.Since(start); err == nil || len(rest) != 0 || took < hold {
		t.Errorf("after the kept part: %d bytes, %v, after %v; want nothing, then an error after %v", len(rest), err, took, hold)
	}
	if c := p.Counts(); c.Injected[FaultStall] != 1 {
		t.Errorf("counts %v; want one stall", c)
	}
	if FaultStall.String() != "stall" {
		t.Errorf("name %q", FaultStall.String())
	}
}
