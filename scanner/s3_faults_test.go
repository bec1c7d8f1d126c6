package scanner_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// faultMix fails about a fifth of all requests — posture calls, listings and
// object reads alike — in every transient way a real S3 fails. Each request
// identity is failed at most three times, so the SDK's attempts (and Cairn's
// own retries of truncated bodies) are bound to get through.
func faultMix() []mototest.FaultRule {
	const cap = 3
	return []mototest.FaultRule{
		{Fault: mototest.FaultSlowDown, Probability: 0.05, MaxPerRequest: cap},
		{Fault: mototest.FaultInternalError, Probability: 0.04, MaxPerRequest: cap},
		{Fault: mototest.FaultThrottling, Probability: 0.02, MaxPerRequest: cap},
		{Fault: mototest.FaultReset, Probability: 0.03, MaxPerRequest: cap},
		{Fault: mototest.FaultDelay, Probability: 0.03, MaxPerRequest: cap, Delay: 100 * time.Millisecond},
		{Method: http.MethodGet, Fault: mototest.FaultTruncate, Probability: 0.05, MaxPerRequest: cap},
	}
}

// TestS3ScanUnderFaults scans a bucket of 40 objects with known findings
// twice: straight to moto, then through a FaultProxy failing about 20% of
// requests (throttling, server errors, resets, delays, truncated bodies),
// stalling two GETs past the attempt timeout, and denying three keys outright. Transient failures must cost nothing: every
// other object ends as it did in the clean scan, with the same findings. The
// denied keys are SKIPPED with PERMISSION_DENIED, and the scan is incomplete
// (cairn scan exits 3).
func TestS3ScanUnderFaults(t *testing.T) {
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	seed := mototest.SeedS3Client(cfg)
	const bucket = "faults-scan"
	if _, err := seed.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	// Padding makes most objects larger than the sample prefix, so zips are
	// read through further ranged GETs (s3ReaderAt) and truncations bite.
	pad := strings.Repeat("lorem ipsum dolor sit amet\n", 400) // ~10 KiB
	noise := make([]byte, 12<<10)                              // incompressible: the zips stay larger than the prefix
	rand.NewChaCha8([32]byte{1}).Read(noise)
	denied := []string{"restricted/a.csv", "restricted/b.json", "restricted/c.txt"}
	var keys []string
	put := func(key string, body []byte) {
		t.Helper()
		if _, err := seed.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, key)
	}
	for i := range 37 {
		switch i % 5 {
		case 0:
			put(fmt.Sprintf("csv/people-%02d.csv", i), []byte(fmtCSV+pad))
		case 1:
			put(fmt.Sprintf("json/profile-%02d.json", i), []byte(`{"customer":{"email":"`+fmtEmail+`","ssn":"`+fmtSSN+`"},"notes":"`+strings.ReplaceAll(pad, "\n", " ")+`"}`))
		case 2:
			put(fmt.Sprintf("gz/people-%02d.csv.gz", i), gzipOf(t, []byte(fmtCSV+pad)))
		case 3:
			put(fmt.Sprintf("zip/archive-%02d.zip", i), zipOf(t, "noise.hex", hex.EncodeToString(noise), "inner/people.csv", fmtCSV))
		case 4:
			put(fmt.Sprintf("txt/notes-%02d.txt", i), []byte("contact "+fmtEmail+" ssn "+fmtSSN+"\n"+pad))
		}
	}
	for _, k := range denied {
		put(k, []byte(fmtCSV))
	}

	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{3}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	opts := scanner.Options{SampleObjects: 100, SampleBytes: 4 << 10, Concurrency: 8}
	scan := func(ao scanner.AWSOptions, opts scanner.Options) (*memorySink, scanner.Stats, time.Duration) {
		t.Helper()
		guarded, err := scanner.LoadAWSConfig(ctx, ao)
		if err != nil {
			t.Fatal(err)
		}
		sink := newMemorySink()
		start := time.Now()
		stats, err := scanner.NewS3Scanner(guarded, ao, engine, opts, nil).Scan(ctx, mototest.AccountID, sink)
		if err != nil {
			t.Fatal(err)
		}
		return sink, stats, time.Since(start)
	}

	clean, cleanStats, cleanTook := scan(scanner.AWSOptions{EndpointURL: srv.Endpoint}, opts)
	if cleanStats.Incomplete() || clean.assets[bucket].SampledObjects != int64(len(keys)) {
		t.Fatalf("clean scan: %+v, %d objects sampled; want %d, complete", cleanStats, clean.assets[bucket].SampledObjects, len(keys))
	}

	rules := faultMix()
	// Two stalls: the first GET of these objects gets no answer for 10 s. An
	// attempt waits at most 1 s for headers and is then retried; without that,
	// the object's 4 s timeout would end it in TIMEOUT.
	stalled := []string{"csv/people-00.csv", "zip/archive-03.zip"}
	for _, k := range stalled {
		rules = append([]mototest.FaultRule{{Method: http.MethodGet, Bucket: bucket, Key: k, Fault: mototest.FaultDelay, Delay: 10 * time.Second, MaxPerRequest: 1}}, rules...)
	}
	for _, k := range denied {
		rules = append([]mototest.FaultRule{{Method: http.MethodGet, Bucket: bucket, Key: k, Fault: mototest.FaultDeny}}, rules...)
	}
	proxy := mototest.NewFaultProxy(srv.Endpoint, 8, rules...)
	endpoint, err := proxy.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	faultyOpts := opts
	faultyOpts.ObjectTimeout = 4 * time.Second
	faulty, stats, took := scan(scanner.AWSOptions{EndpointURL: endpoint, AttemptTimeout: time.Second}, faultyOpts)
	counts := proxy.Counts()
	t.Logf("clean scan %v; faulty scan %v: %v", cleanTook.Round(time.Millisecond), took.Round(time.Millisecond), counts)
	// The S3 client retries in standard mode: with the adaptive mode's shared
	// client-side rate limit this scan took 11 s instead of 1.5 s (before the
	// stalls, which add about 1 s).
	if took > 7*time.Second {
		t.Errorf("the scan under faults took %v; retries should cost a few seconds at most", took)
	}
	if transient := counts.Total() - counts.Injected[mototest.FaultDeny]; transient*8 < counts.Requests {
		t.Errorf("only %v: the mix should fail about a fifth of requests", counts)
	}

	arn := "arn:aws:s3:::" + bucket + "/"
	for k := range clean.objects {
		k = strings.TrimPrefix(k, arn)
		got, want := faulty.objects[arn+k], clean.objects[arn+k]
		if slices.Contains(denied, k) {
			if got.Status != scanner.StatusSkipped || got.Reason != scanner.ReasonPermissionDenied {
				t.Errorf("%s: %s %q, want SKIPPED %s", k, got.Status, got.Reason, scanner.ReasonPermissionDenied)
			}
			continue
		}
		if got.Status != want.Status || got.Reason != want.Reason || got.Format != want.Format || got.Findings != want.Findings {
			t.Errorf("%s: %s %q %s %d findings; clean scan: %s %q %s %d", k, got.Status, got.Reason, got.Format, got.Findings, want.Status, want.Reason, want.Format, want.Findings)
		}
	}
	if g, w := findingSet(faulty, denied), findingSet(clean, denied); !slices.Equal(g, w) {
		t.Errorf("findings differ under faults:\n got %d: %v\nwant %d: %v", len(g), g, len(w), w)
	}
	if stats.Unread != int64(len(denied)) || !stats.Incomplete() || stats.Skipped != int64(len(denied)) {
		t.Errorf("stats %+v; want %d unread and skipped, incomplete", stats, len(denied))
	}
	a := faulty.assets[bucket]
	if a.Status != scanner.StatusPartial || !strings.Contains(a.Reason, scanner.ReasonObjectsSkipped) || strings.Contains(a.Reason, scanner.ReasonPostureIncomplete) {
		t.Errorf("asset: %s %q; want PARTIAL for the skipped objects only", a.Status, a.Reason)
	}
	if ca := clean.assets[bucket]; a.Encryption != ca.Encryption || a.Public != ca.Public || a.ObjectCount != ca.ObjectCount {
		t.Errorf("asset posture under faults: %+v\nclean: %+v", a, ca)
	}
}

// findingSet lists a sink's findings, outside the excluded locations, as
// comparable strings, sorted.
func findingSet(m *memorySink, exclude []string) []string {
	var out []string
	for _, f := range m.findings {
		if slices.Contains(exclude, f.Location) {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s %d %v", f.Location, f.Identifier, f.Count, f.Fingerprints))
	}
	slices.Sort(out)
	return out
}

// TestS3BodyStall scans a bucket through a FaultProxy whose GETs of two
// objects send half the body and then nothing more. The object stalled once
// is fetched again after the read idle timeout and read COMPLETE with the
// findings of a clean read; the object that stalls every time ends SKIPPED
// with reason TIMEOUT after its body attempts, long before its object
// timeout.
// throughFaults starts a fault proxy with rules in front of upstream (a moto
// endpoint), closed when the test ends, and returns it and its endpoint.
func throughFaults(t *testing.T, upstream string, rules ...mototest.FaultRule) (*mototest.FaultProxy, string) {
	t.Helper()
	proxy := mototest.NewFaultProxy(upstream, 1, rules...)
	endpoint, err := proxy.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	return proxy, endpoint
}

// scanSetup returns what a scanner needs to scan endpoint: the guarded AWS
// configuration, its options, and an engine keyed with 32 bytes of key.
func scanSetup(t *testing.T, endpoint string, key byte) (aws.Config, scanner.AWSOptions, *classifiers.Engine) {
	t.Helper()
	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{key}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	ao := scanner.AWSOptions{EndpointURL: endpoint}
	guarded, err := scanner.LoadAWSConfig(context.Background(), ao)
	if err != nil {
		t.Fatal(err)
	}
	return guarded, ao, engine
}

func TestS3BodyStall(t *testing.T) {
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	seed := mototest.SeedS3Client(cfg)
	const bucket = "stall-scan"
	if _, err := seed.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	pad := strings.Repeat("lorem ipsum dolor sit amet\n", 200)
	for _, k := range []string{"once.csv", "always.csv", "clean.csv"} {
		if _, err := seed.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader(fmtCSV + pad)}); err != nil {
			t.Fatal(err)
		}
	}
	proxy := mototest.NewFaultProxy(srv.Endpoint, 1,
		mototest.FaultRule{Method: http.MethodGet, Bucket: bucket, Key: "once.csv", Fault: mototest.FaultStall, MaxPerRequest: 1},
		mototest.FaultRule{Method: http.MethodGet, Bucket: bucket, Key: "always.csv", Fault: mototest.FaultStall},
	)
	endpoint, err := proxy.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })

	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{3}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	const idle = 300 * time.Millisecond
	ao := scanner.AWSOptions{EndpointURL: endpoint, ReadIdleTimeout: idle}
	guarded, err := scanner.LoadAWSConfig(ctx, ao)
	if err != nil {
		t.Fatal(err)
	}
	sink := newMemorySink()
	opts := scanner.Options{SampleObjects: 10, SampleBytes: 64 << 10, Concurrency: 4, ObjectTimeout: 30 * time.Second}
	start := time.Now()
	stats, err := scanner.NewS3Scanner(guarded, ao, engine, opts, nil).Scan(ctx, mototest.AccountID, sink)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("scan took %v: %v", took.Round(time.Millisecond), proxy.Counts())

	arn := "arn:aws:s3:::" + bucket + "/"
	once, always, clean := sink.objects[arn+"once.csv"], sink.objects[arn+"always.csv"], sink.objects[arn+"clean.csv"]
	if clean.Status != scanner.StatusComplete || clean.Findings == 0 {
		t.Fatalf("clean.csv: %s %q %d findings; want COMPLETE with findings", clean.Status, clean.Reason, clean.Findings)
	}
	if once.Status != scanner.StatusComplete || once.Findings != clean.Findings {
		t.Errorf("once.csv (stalled once): %s %q %d findings; want COMPLETE with %d", once.Status, once.Reason, once.Findings, clean.Findings)
	}
	if always.Status != scanner.StatusSkipped || always.Reason != scanner.ReasonTimeout {
		t.Errorf("always.csv (stalls every time): %s %q; want SKIPPED %s", always.Status, always.Reason, scanner.ReasonTimeout)
	}
	if stalls := proxy.Counts().Injected[mototest.FaultStall]; stalls < 2 {
		t.Errorf("%d stalls injected; want the once.csv one and always.csv's attempts", stalls)
	}
	if !stats.Incomplete() {
		t.Errorf("stats %+v: want incomplete for always.csv", stats)
	}
	// always.csv: 3 body attempts of ~idle each plus the waits between them.
	if took > 5*time.Second {
		t.Errorf("the scan took %v; a stalled body should cost about the read idle timeout (%v) per attempt", took, idle)
	}
}

// TestS3PostureReadsOverlap: a bucket's posture reads run at once. With every
// request about the bucket delayed by the proxy, reading the eight posture
// answers in a row would take eight delays; the scan of the empty bucket
// (its location, posture and listing) must take well under that, and its
// posture must still be complete.
func TestS3PostureReadsOverlap(t *testing.T) {
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	const bucket = "slow-posture"
	if _, err := mototest.SeedS3Client(cfg).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	const delay = 400 * time.Millisecond
	proxy, endpoint := throughFaults(t, srv.Endpoint,
		mototest.FaultRule{Method: http.MethodGet, Bucket: bucket, Fault: mototest.FaultDelay, Delay: delay})
	guarded, ao, engine := scanSetup(t, endpoint, 5)
	sink := newMemorySink()
	start := time.Now()
	if _, err := scanner.NewS3Scanner(guarded, ao, engine, scanner.Options{}, nil).Scan(ctx, mototest.AccountID, sink); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	delayed := proxy.Counts().Injected[mototest.FaultDelay]
	t.Logf("scan took %v, %d requests delayed by %v", took.Round(time.Millisecond), delayed, delay)
	if delayed < 10 {
		t.Fatalf("%d requests delayed; want the location, eight posture reads and the listing", delayed)
	}
	// Location, one round of posture reads, the listing: three delays in a
	// row. In a row, the posture reads alone would be eight.
	if took >= 8*delay {
		t.Errorf("scan took %v: the posture reads did not overlap (%v each)", took, delay)
	}
	a := sink.assets[bucket]
	if a.Status != scanner.StatusComplete || a.Reason != "" {
		t.Errorf("asset = %s %q; want a complete posture", a.Status, a.Reason)
	}
}

// TestS3PolicyStatusUnreadable denies GetBucketPolicyStatus, AWS's own verdict
// on a bucket policy: the posture must record the attribute as incomplete, keep
// a policy Cairn reads as public public, and call a policy it reads as
// non-public unknown rather than private.
func TestS3PolicyStatusUnreadable(t *testing.T) {
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	seed := mototest.SeedS3Client(cfg)
	policies := map[string]string{
		"status-public": `{"Version":"2012-10-17","Statement":[{"Sid":"Anyone","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::status-public/*"}]}`,
		"status-vpce":   `{"Version":"2012-10-17","Statement":[{"Sid":"Endpoint","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::status-vpce/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}`,
	}
	for bucket, policy := range policies {
		if _, err := seed.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
			t.Fatal(err)
		}
		if _, err := seed.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(policy)}); err != nil {
			t.Fatal(err)
		}
	}
	proxy, endpoint := throughFaults(t, srv.Endpoint, mototest.FaultRule{Operation: "GetBucketPolicyStatus", Fault: mototest.FaultDeny})
	guarded, ao, engine := scanSetup(t, endpoint, 6)
	sink := newMemorySink()
	if _, err := scanner.NewS3Scanner(guarded, ao, engine, scanner.Options{}, nil).Scan(ctx, mototest.AccountID, sink); err != nil {
		t.Fatal(err)
	}
	if denied := proxy.Counts().Injected[mototest.FaultDeny]; denied < 2 {
		t.Fatalf("%d GetBucketPolicyStatus calls denied, want one per bucket", denied)
	}
	for bucket, want := range map[string]struct {
		public bool
		reason string
	}{
		"status-public": {true, "bucket policy grants public access (Anyone: Principal * may s3:GetObject)"},
		"status-vpce":   {false, "UNKNOWN: bucket policy status unreadable (AccessDenied)"},
	} {
		a := sink.assets[bucket]
		if a.Public != want.public || !strings.HasPrefix(a.PublicReason, want.reason) {
			t.Errorf("%s: public=%v reason=%q, want %v %q", bucket, a.Public, a.PublicReason, want.public, want.reason)
		}
		if a.Status != scanner.StatusPartial || !strings.Contains(a.Reason, scanner.ReasonPostureIncomplete+": policy_status") {
			t.Errorf("%s: asset %s %q, want PARTIAL with policy_status incomplete", bucket, a.Status, a.Reason)
		}
	}
}
