package scanner_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// TestPlanBucketsAndParts splits a bucket above the threshold by its
// top-level prefixes, leaves a small one whole, and checks that scanning
// the parts reads every key exactly once, with the asset row from the root
// part only; every object row says which part wrote it.
func TestPlanBucketsAndParts(t *testing.T) {
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	seed := mototest.SeedS3Client(cfg)
	put := func(bucket, key, body string) {
		t.Helper()
		if _, err := seed.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range []string{"big", "small"} {
		if _, err := seed.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	keys := []string{"root.txt", "a/1.txt", "a/2.txt", "b/1.txt", "b/c/2.txt", "top2.csv"}
	for _, k := range keys {
		put("big", k, "name,ssn\nAda,536-22-8147\n")
	}
	put("small", "one.txt", "hello")

	ao := scanner.AWSOptions{EndpointURL: srv.Endpoint, Region: "us-east-1"}
	guarded, err := scanner.LoadAWSConfig(ctx, ao)
	if err != nil {
		t.Fatal(err)
	}
	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{1}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := scanner.NewS3Scanner(guarded, ao, engine, scanner.Options{}, nil).PlanBuckets(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan) != 2 || plan[0].Name != "big" || plan[1].Name != "small" {
		t.Fatalf("plan = %+v, want big and small", plan)
	}
	if !slices.Equal(plan[0].Prefixes, []string{"a/", "b/"}) || plan[1].Prefixes != nil {
		t.Fatalf("prefixes = %q and %q, want [a/ b/] and none", plan[0].Prefixes, plan[1].Prefixes)
	}

	// Every part on its own, as separate shards would: together they read
	// each key once, and only the root part sends the asset.
	parts := []scanner.BucketPart{{Root: true, Prefixes: 2}, {Prefix: "a/"}, {Prefix: "b/"}}
	seen := map[string]int{}
	assets := 0
	for _, p := range parts {
		sink := newMemorySink()
		s := scanner.NewS3Scanner(guarded, ao, engine, scanner.Options{
			Buckets: []string{"big"}, Parts: map[string][]scanner.BucketPart{"big": {p}},
		}, nil)
		if _, err := s.Scan(ctx, "123456789012", sink); err != nil {
			t.Fatal(err)
		}
		for k, o := range sink.objects {
			seen[strings.TrimPrefix(k, "arn:aws:s3:::big/")]++
			// The join tells the prefix parts' rows from the root part's
			// by these, not by the location.
			if o.Kind != scanner.ObjectKindObject || o.Part != p.Prefix {
				t.Errorf("part %+v: row %s has kind %q, part %q; want %s, %q", p, o.Location, o.Kind, o.Part, scanner.ObjectKindObject, p.Prefix)
			}
		}
		if a, ok := sink.assets["big"]; ok {
			assets++
			if !p.Root || a.ObjectCount != 2 || !strings.Contains(a.Reason, scanner.ReasonSplitByPrefix) {
				t.Errorf("part %+v sent asset %+v, want the root part's with 2 objects and %s", p, a, scanner.ReasonSplitByPrefix)
			}
		}
		if len(sink.findings) == 0 {
			t.Errorf("part %+v: no findings", p)
		}
	}
	if assets != 1 {
		t.Errorf("%d parts sent the asset row, want 1", assets)
	}
	for _, k := range keys {
		if seen[k] != 1 {
			t.Errorf("key %s read %d times, want once (seen %v)", k, seen[k], seen)
		}
	}
}

// TestOrgAccountsAndAssumeRole lists the accounts of a moto organization and
// reads a member account through the assumed role, guard in place.
func TestOrgAccountsAndAssumeRole(t *testing.T) {
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	org := organizations.NewFromConfig(cfg)
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: "ALL"}); err != nil {
		t.Fatal(err)
	}
	ca, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("member"), Email: aws.String("member@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	member := aws.ToString(ca.CreateAccountStatus.AccountId)

	guarded, err := scanner.LoadAWSConfig(ctx, scanner.AWSOptions{EndpointURL: srv.Endpoint, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := scanner.OrgAccounts(ctx, guarded)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range accounts {
		if !scanner.OrgAccountActive(a) {
			t.Errorf("account %s status %q, want ACTIVE", a.ID, a.Status)
		}
		ids = append(ids, a.ID)
	}
	if !slices.Contains(ids, member) || !slices.Contains(ids, "123456789012") || !slices.IsSorted(ids) {
		t.Fatalf("accounts = %v, want sorted, with 123456789012 and %s", ids, member)
	}
	mcfg := scanner.AssumeRoleConfig(guarded, member, "CairnReadOnly", "ext-id", "cairn-test")
	got, err := scanner.CallerAccount(ctx, mcfg)
	if err != nil || got != member {
		t.Fatalf("caller through the role = %q, %v; want %s", got, err, member)
	}
	// The guard still refuses writes in the member account.
	_, err = s3.NewFromConfig(mcfg, func(o *s3.Options) { o.UsePathStyle = true }).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("nope")})
	if err == nil || !strings.Contains(err.Error(), scanner.ErrNotReadOnly.Error()) {
		t.Fatalf("CreateBucket through the role: %v, want the guard's refusal", err)
	}
}
