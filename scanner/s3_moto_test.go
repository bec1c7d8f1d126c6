package scanner_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/hex"
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

// memorySink records results; the scanner calls it from one goroutine, the
// mutex only guards reads from the test after Scan returns.
type memorySink struct {
	mu       sync.Mutex
	assets   map[string]scanner.Asset
	objects  map[string]scanner.ObjectResult
	findings []scanner.Finding
}

var _ scanner.Sink = (*memorySink)(nil)

func newMemorySink() *memorySink {
	return &memorySink{assets: map[string]scanner.Asset{}, objects: map[string]scanner.ObjectResult{}}
}

func (m *memorySink) Asset(a scanner.Asset) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.assets[a.Name] = a
	return nil
}

func (m *memorySink) Object(o scanner.ObjectResult) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objects[o.AssetARN+"/"+o.Location] = o
	return nil
}

func (m *memorySink) Finding(f scanner.Finding) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.findings = append(m.findings, f)
	return nil
}

// TestS3PostureAndFindings seeds buckets whose exposure depends on the
// interplay of policies, ACLs and Block Public Access, and checks what the
// scanner derives, plus findings and the sampling counts.
func TestS3PostureAndFindings(t *testing.T) {
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	seed := mototest.SeedS3Client(cfg)
	mk := func(name string) {
		t.Helper()
		if _, err := seed.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	put := func(bucket, key, body string) {
		t.Helper()
		if _, err := seed.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	publicPolicy := func(bucket string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"Anyone","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/*"}]}`)
	}

	mk("acl-public")
	put("acl-public", "people.csv", "name,ssn\nAda,536-22-8147\nAlan,219-09-9999\n")
	if _, err := seed.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("acl-public"), ACL: s3types.BucketCannedACLPublicRead}); err != nil {
		t.Fatal(err)
	}

	mk("policy-neutralised")
	put("policy-neutralised", "notes.txt", "nothing to see")
	if _, err := seed.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("policy-neutralised"), Policy: publicPolicy("policy-neutralised")}); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("policy-neutralised"),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{RestrictPublicBuckets: aws.Bool(true), IgnorePublicAcls: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}

	mk("kms-aws-managed")
	put("kms-aws-managed", "data.json", `{"user":{"email":"grace@example.com"}}`)
	if _, err := seed.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("kms-aws-managed"),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms},
		}}}}); err != nil {
		t.Fatal(err)
	}

	mk("many-objects")
	for i := 0; i < 60; i++ {
		put("many-objects", []string{"a/", "b/", "c/"}[i%3]+"f"+string(rune('a'+i%26))+hex.EncodeToString([]byte{byte(i)})+".txt", "plain text")
	}

	mk("formats")
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	zf, _ := zw.Create("inner/people.csv")
	zf.Write([]byte("name,ssn\nAda,536-22-8147\n"))
	zw.Close()
	put("formats", "exports/archive.zip", zbuf.String())
	var gbuf bytes.Buffer
	gw := gzip.NewWriter(&gbuf)
	gw.Write([]byte(`{"customer":{"email":"grace@example.com"}}`))
	gw.Close()
	put("formats", "exports/profile.json.gz", gbuf.String())

	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{1}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	ao := scanner.AWSOptions{EndpointURL: srv.Endpoint}
	guarded, err := scanner.LoadAWSConfig(ctx, ao)
	if err != nil {
		t.Fatal(err)
	}
	sink := newMemorySink()
	s := scanner.NewS3Scanner(guarded, ao, engine, scanner.Options{SampleObjects: 12, Concurrency: 4}, nil)
	stats, err := s.Scan(ctx, "123456789012", sink)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Incomplete() {
		t.Errorf("scan incomplete: %+v", stats)
	}

	if a := sink.assets["acl-public"]; !a.Public || !strings.Contains(a.PublicReason, "AllUsers:READ") || !contains(a.DataClasses, "US_SSN") {
		t.Errorf("acl-public: public=%v reason=%q classes=%v", a.Public, a.PublicReason, a.DataClasses)
	}
	if a := sink.assets["policy-neutralised"]; a.Public || a.PublicReason != "" {
		t.Errorf("policy-neutralised: public=%v reason=%q", a.Public, a.PublicReason)
	}
	if a := sink.assets["kms-aws-managed"]; a.Encryption != scanner.EncryptionSSEKMS || a.KMSKeyManager != scanner.KeyManagerAWS || !contains(a.DataClasses, "EMAIL_ADDRESS") {
		t.Errorf("kms-aws-managed: enc=%s manager=%s classes=%v", a.Encryption, a.KMSKeyManager, a.DataClasses)
	}
	m := sink.assets["many-objects"]
	if m.ObjectCount != 60 || m.SampledObjects != 12 || m.Status != scanner.StatusComplete {
		t.Errorf("many-objects: listed=%d sampled=%d status=%s", m.ObjectCount, m.SampledObjects, m.Status)
	}
	prefixes := map[string]bool{}
	for k, o := range sink.objects {
		if strings.HasPrefix(k, "arn:aws:s3:::many-objects/") {
			prefixes[strings.SplitN(o.Location, "/", 2)[0]] = true
		}
	}
	if len(prefixes) != 3 {
		t.Errorf("sample covers prefixes %v, want a, b and c", prefixes)
	}
	found := map[string]string{}
	for _, f := range sink.findings {
		found[f.Location+"|"+f.Identifier] = f.Field
	}
	if field, ok := found["exports/archive.zip!inner/people.csv|US_SSN"]; !ok || field != "ssn" {
		t.Errorf("zip entry finding: ok=%v field=%q (all: %v)", ok, field, found)
	}
	if field, ok := found["exports/profile.json.gz|EMAIL_ADDRESS"]; !ok || field != "customer.email" {
		t.Errorf("gzip JSON finding: ok=%v field=%q", ok, field)
	}
	if o := sink.objects["arn:aws:s3:::formats/exports/archive.zip"]; o.Format != "zip" || o.Status != scanner.StatusComplete {
		t.Errorf("zip object result = %+v", o)
	}
	for _, f := range sink.findings {
		if f.Location == "people.csv" && f.Identifier == "US_SSN" {
			if f.Count != 2 || f.Field != "ssn" || f.Confidence != string(classifiers.ConfidenceHigh) {
				t.Errorf("people.csv SSN finding = %+v", f)
			}
			for _, ex := range f.RedactedExamples {
				if strings.Contains(ex, "536-22-8147") || strings.Contains(ex, "219-09-9999") {
					t.Errorf("unredacted example %q", ex)
				}
			}
		}
	}

	// A filter leaves buckets out by ARN: nothing of theirs is read or recorded.
	only := newMemorySink()
	filtered := scanner.NewS3Scanner(guarded, ao, engine, scanner.Options{SampleObjects: 12, Concurrency: 4,
		Filter: func(arn string) bool { return arn == "arn:aws:s3:::formats" }}, nil)
	fstats, err := filtered.Scan(ctx, "123456789012", only)
	if err != nil {
		t.Fatal(err)
	}
	if len(only.assets) != 1 || fstats.Assets != 1 || only.assets["formats"].Name != "formats" {
		t.Errorf("filtered scan recorded assets %v, want only formats", keys(only.assets))
	}
	for k := range only.objects {
		if !strings.HasPrefix(k, "arn:aws:s3:::formats/") {
			t.Errorf("filtered scan read %s", k)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
