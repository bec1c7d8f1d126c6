package scanner_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3controltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// TestGuardAgainstMoto drives the guarded clients against moto: writes are refused
// and leave no trace (checked through the unguarded seeding clients), reads work.
func TestGuardAgainstMoto(t *testing.T) {
	ctx := context.Background()
	mototest.SetTestCredentials(t)
	srv := mototest.Start(t)
	seedCfg, err := srv.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seed := mototest.SeedS3Client(seedCfg)
	if _, err := seed.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("existing")}); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("existing"), Key: aws.String("seeded.txt"), Body: strings.NewReader("hello")}); err != nil {
		t.Fatal(err)
	}

	ao := scanner.AWSOptions{EndpointURL: srv.Endpoint}
	cfg, err := scanner.LoadAWSConfig(ctx, ao)
	if err != nil {
		t.Fatal(err)
	}
	client := scanner.NewS3Client(cfg, ao)

	t.Run("RefusesPutObject", func(t *testing.T) {
		_, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("existing"), Key: aws.String("written.txt"), Body: strings.NewReader("x")})
		if !errors.Is(err, scanner.ErrNotReadOnly) || !strings.Contains(err.Error(), "scanner: guard: s3 PutObject refused") {
			t.Fatalf("err = %v, want the guard's refusal", err)
		}
		if _, err := seed.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("existing"), Key: aws.String("written.txt")}); err == nil {
			t.Fatal("the refused object exists")
		}
	})
	t.Run("RefusesCreateBucket", func(t *testing.T) {
		_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("must-not-exist")})
		if !errors.Is(err, scanner.ErrNotReadOnly) {
			t.Fatalf("err = %v, want ErrNotReadOnly", err)
		}
		out, err := seed.ListBuckets(ctx, &s3.ListBucketsInput{})
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range out.Buckets {
			if aws.ToString(b.Name) == "must-not-exist" {
				t.Fatal("the refused bucket exists")
			}
		}
	})
	t.Run("RefusesDeleteObject", func(t *testing.T) {
		_, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("existing"), Key: aws.String("seeded.txt")})
		if !errors.Is(err, scanner.ErrNotReadOnly) {
			t.Fatalf("err = %v, want ErrNotReadOnly", err)
		}
		if _, err := seed.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("existing"), Key: aws.String("seeded.txt")}); err != nil {
			t.Fatalf("the object is gone: %v", err)
		}
	})
	t.Run("AllowsReads", func(t *testing.T) {
		out, err := client.ListBuckets(ctx, &s3.ListBucketsInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Buckets) != 1 || aws.ToString(out.Buckets[0].Name) != "existing" {
			t.Fatalf("buckets = %+v", out.Buckets)
		}
		if _, err := client.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("existing")}); err != nil {
			t.Error(err)
		}
		list, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("existing")})
		if err != nil || len(list.Contents) != 1 {
			t.Fatalf("list: %v", err)
		}
		if _, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("existing"), Key: aws.String("seeded.txt")}); err != nil {
			t.Error(err)
		}
		obj, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("existing"), Key: aws.String("seeded.txt"), Range: aws.String("bytes=0-3")})
		if err != nil {
			t.Fatal(err)
		}
		defer obj.Body.Close()
		if b, _ := io.ReadAll(obj.Body); string(b) != "hell" {
			t.Errorf("ranged get = %q", b)
		}
	})
	t.Run("S3ControlPublicAccessBlock", func(t *testing.T) {
		account := aws.String(mototest.AccountID)
		_, err := mototest.SeedS3ControlClient(seedCfg).PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{
			AccountId: account,
			PublicAccessBlockConfiguration: &s3controltypes.PublicAccessBlockConfiguration{
				BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true),
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		control := scanner.NewS3ControlClient(cfg, ao)
		out, err := control.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: account})
		if err != nil {
			t.Fatal(err)
		}
		if c := out.PublicAccessBlockConfiguration; !aws.ToBool(c.BlockPublicAcls) || !aws.ToBool(c.BlockPublicPolicy) || aws.ToBool(c.RestrictPublicBuckets) {
			t.Errorf("public access block = %+v", *c)
		}
		_, err = control.DeletePublicAccessBlock(ctx, &s3control.DeletePublicAccessBlockInput{AccountId: account})
		if !errors.Is(err, scanner.ErrNotReadOnly) {
			t.Fatalf("delete: err = %v, want ErrNotReadOnly", err)
		}
		if _, err := control.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: account}); err != nil {
			t.Fatalf("after refused delete: %v", err)
		}
	})
	t.Run("KMS", func(t *testing.T) {
		created, err := kms.NewFromConfig(seedCfg).CreateKey(ctx, &kms.CreateKeyInput{})
		if err != nil {
			t.Fatal(err)
		}
		keyID := created.KeyMetadata.KeyId
		guarded := kms.NewFromConfig(cfg)
		if _, err := guarded.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: keyID}); err != nil {
			t.Error(err)
		}
		if _, err := guarded.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: keyID}); err != nil {
			t.Error(err)
		}
		if _, err := guarded.ListAliases(ctx, &kms.ListAliasesInput{}); err != nil {
			t.Error(err)
		}
		_, err = guarded.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: keyID})
		if !errors.Is(err, scanner.ErrNotReadOnly) {
			t.Fatalf("schedule deletion: err = %v, want ErrNotReadOnly", err)
		}
		out, err := kms.NewFromConfig(seedCfg).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: keyID})
		if err != nil {
			t.Fatal(err)
		}
		if out.KeyMetadata.KeyState != kmstypes.KeyStateEnabled {
			t.Errorf("key state after refused deletion = %s", out.KeyMetadata.KeyState)
		}
	})
}

func TestAWSCallerAccountAndRegions(t *testing.T) {
	ctx := context.Background()
	mototest.SetTestCredentials(t)
	srv := mototest.Start(t)
	cfg, err := scanner.LoadAWSConfig(ctx, scanner.AWSOptions{EndpointURL: srv.Endpoint})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "us-east-1" || cfg.RetryMode != aws.RetryModeAdaptive || cfg.RetryMaxAttempts != scanner.DefaultMaxAttempts {
		t.Errorf("region %q, retry mode %q, attempts %d", cfg.Region, cfg.RetryMode, cfg.RetryMaxAttempts)
	}
	account, err := scanner.CallerAccount(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if account != mototest.AccountID {
		t.Errorf("account = %q, want %q", account, mototest.AccountID)
	}
	regions, err := scanner.EnabledRegions(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSorted(regions) || !slices.Contains(regions, "us-east-1") || !slices.Contains(regions, "eu-west-1") {
		t.Errorf("regions = %v", regions)
	}
}

// TestAWSAssumeRoleProfile loads a role profile with the guard installed: the SDK's
// assume-role provider still gets credentials (from moto's STS, through the custom
// endpoint), and the calls made with them are the role's.
func TestAWSAssumeRoleProfile(t *testing.T) {
	ctx := context.Background()
	mototest.SetTestCredentials(t)
	srv := mototest.Start(t)
	dir := t.TempDir()
	configFile := filepath.Join(dir, "config")
	const roleAccount = "111111111111"
	err := os.WriteFile(configFile, []byte(fmt.Sprintf(`[profile base]
aws_access_key_id = testing
aws_secret_access_key = testing

[profile scan]
role_arn = arn:aws:iam::%s:role/cairn-scan
source_profile = base
region = eu-west-1
`, roleAccount)), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", configFile)
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")

	cfg, err := scanner.LoadAWSConfig(ctx, scanner.AWSOptions{Profile: "scan", EndpointURL: srv.Endpoint})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "eu-west-1" {
		t.Errorf("region = %q, want the profile's eu-west-1", cfg.Region)
	}
	account, err := scanner.CallerAccount(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if account != roleAccount {
		t.Errorf("account = %q, want the role's %q", account, roleAccount)
	}
}

// TestAWSContainerCredentials checks that the guard does not reach the SDK's
// container-credentials client (whose "GetCredentials" is on no allow-list). moto has
// no container credentials endpoint, so a few lines of httptest stand in for it.
func TestAWSContainerCredentials(t *testing.T) {
	ctx := context.Background()
	mototest.SetTestCredentials(t)
	srv := mototest.Start(t)
	var served atomic.Int32
	creds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"AccessKeyId":"testing","SecretAccessKey":"testing","Token":"token","Expiration":%q}`,
			time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
	}))
	t.Cleanup(creds.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", creds.URL+"/creds")

	ao := scanner.AWSOptions{EndpointURL: srv.Endpoint}
	cfg, err := scanner.LoadAWSConfig(ctx, ao)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scanner.NewS3Client(cfg, ao).ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil {
		t.Fatal(err)
	}
	if served.Load() == 0 {
		t.Fatal("container credentials endpoint not used")
	}
}

// TestAWSConnectionsReused: reads at a concurrency above the SDK's default of
// ten idle connections per host reuse their connections in the next round,
// instead of closing all but ten and opening new ones (a TLS handshake each
// against real S3).
func TestAWSConnectionsReused(t *testing.T) {
	mototest.SetTestCredentials(t)
	var opened atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond) // keep every read of a round in flight at once
		w.Header().Set("Content-Length", "5")
		io.WriteString(w, "hello")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)

	ctx := context.Background()
	ao := scanner.AWSOptions{EndpointURL: srv.URL}
	cfg, err := scanner.LoadAWSConfig(ctx, ao)
	if err != nil {
		t.Fatal(err)
	}
	client := scanner.NewS3Client(cfg, ao)
	const concurrency = 32
	round := func() {
		var wg sync.WaitGroup
		for i := range concurrency {
			wg.Go(func() {
				out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String(fmt.Sprint("k", i))})
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, out.Body)
				out.Body.Close()
			})
		}
		wg.Wait()
	}
	round()
	first := opened.Load()
	round()
	round()
	// Three rounds need no more connections than one round's reads at once.
	if total := opened.Load(); total > concurrency {
		t.Errorf("%d reads at once opened %d connections, and %d more in two further rounds; want them reused", concurrency, first, total-first)
	}
}
