package mototest

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3controltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/smithy-go"
)

func TestServerLifecycle(t *testing.T) {
	ctx := context.Background()
	srv := Start(t)
	if !strings.HasPrefix(srv.Endpoint, "http://127.0.0.1:") {
		t.Fatalf("Endpoint = %q, want http://127.0.0.1:PORT", srv.Endpoint)
	}
	cfg, err := srv.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	client := SeedS3Client(cfg)
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("lifecycle")}); err != nil {
		t.Fatal(err)
	}
	if n := countBuckets(t, client); n != 1 {
		t.Fatalf("buckets after create = %d, want 1", n)
	}
	if err := srv.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if n := countBuckets(t, client); n != 0 {
		t.Fatalf("buckets after reset = %d, want 0", n)
	}
	if err := srv.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if _, err := http.Get(srv.Endpoint); err == nil {
		t.Fatal("server still answers after Stop")
	}
	if _, err := os.Stat(srv.LogPath); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("log %s not removed by Stop: %v", srv.LogPath, err)
	}
}

func countBuckets(t *testing.T, client *s3.Client) int {
	t.Helper()
	out, err := client.ListBuckets(context.Background(), &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.Buckets)
}

func TestSeedS3ControlClient(t *testing.T) {
	ctx := context.Background()
	srv := Start(t)
	cfg, err := srv.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	client := SeedS3ControlClient(cfg)
	_, err = client.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{
		AccountId: aws.String(AccountID),
		PublicAccessBlockConfiguration: &s3controltypes.PublicAccessBlockConfiguration{
			BlockPublicAcls:       aws.Bool(true),
			RestrictPublicBuckets: aws.Bool(true),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := client.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(AccountID)})
	if err != nil {
		t.Fatal(err)
	}
	c := out.PublicAccessBlockConfiguration
	if !aws.ToBool(c.BlockPublicAcls) || !aws.ToBool(c.RestrictPublicBuckets) || aws.ToBool(c.IgnorePublicAcls) {
		t.Fatalf("public access block = %+v", *c)
	}
}

func TestSeedConfigRejectsBadEndpoint(t *testing.T) {
	for _, endpoint := range []string{"", "127.0.0.1:5000", "ftp://127.0.0.1", "http://"} {
		if _, err := SeedConfig(context.Background(), endpoint); err == nil {
			t.Errorf("SeedConfig(%q): no error", endpoint)
		}
	}
}

func TestSetTestCredentials(t *testing.T) {
	t.Setenv("AWS_PROFILE", "some-real-profile")
	t.Setenv("AWS_ENDPOINT_URL", "http://example.invalid")
	SetTestCredentials(t)
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccessKeyID != AccessKeyID || creds.SecretAccessKey != SecretAccessKey || creds.SessionToken != "" {
		t.Errorf("credentials = %q/%q/%q, want the test credentials", creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken)
	}
	if cfg.Region != Region {
		t.Errorf("region = %q, want %q", cfg.Region, Region)
	}
	if cfg.BaseEndpoint != nil {
		t.Errorf("base endpoint = %q, want none", *cfg.BaseEndpoint)
	}
	for _, k := range []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"} {
		if _, err := os.Stat(os.Getenv(k)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s=%q exists or is unset", k, os.Getenv(k))
		}
	}
}

// ssecKey is a customer key for SSE-C, with the headers' base64 forms.
type ssecKey struct{ key, md5 string }

func newSSECKey() ssecKey {
	raw := bytes.Repeat([]byte{0x42}, 32)
	sum := md5.Sum(raw)
	return ssecKey{
		key: base64.StdEncoding.EncodeToString(raw),
		md5: base64.StdEncoding.EncodeToString(sum[:]),
	}
}

func TestSSECProxy(t *testing.T) {
	ctx := context.Background()
	srv := Start(t)
	proxy := NewSSECProxy(srv.Endpoint)
	endpoint, err := proxy.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := proxy.Close(); err != nil {
			t.Error(err)
		}
	})
	cfg, err := SeedConfig(ctx, endpoint)
	if err != nil {
		t.Fatal(err)
	}
	client := SeedS3Client(cfg)
	key := newSSECKey()
	const bucket = "ssec"
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	put := func(name string, sse bool) {
		t.Helper()
		in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(name), Body: strings.NewReader("secret " + name)}
		if sse {
			in.SSECustomerAlgorithm = aws.String("AES256")
			in.SSECustomerKey = aws.String(key.key)
			in.SSECustomerKeyMD5 = aws.String(key.md5)
		}
		if _, err := client.PutObject(ctx, in); err != nil {
			t.Fatalf("put %s: %v", name, err)
		}
	}
	put("sealed/a b.txt", true) // a space: keys are compared decoded
	put("plain.txt", false)

	// wantSSECRequired checks an SDK error for real S3's answer.
	wantSSECRequired := func(t *testing.T, err error, code string) {
		t.Helper()
		var re *awshttp.ResponseError
		if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusBadRequest {
			t.Fatalf("err = %v, want HTTP 400", err)
		}
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != code {
			t.Fatalf("err = %v, want code %s", err, code)
		}
	}

	t.Run("GetWithoutKey", func(t *testing.T) {
		_, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("sealed/a b.txt")})
		wantSSECRequired(t, err, "InvalidRequest")
		var ae smithy.APIError
		errors.As(err, &ae)
		if ae.ErrorMessage() != ssecRequiredMessage {
			t.Errorf("message = %q", ae.ErrorMessage())
		}
	})
	t.Run("HeadWithoutKey", func(t *testing.T) {
		_, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("sealed/a b.txt")})
		// No body: the SDK names the error after the status, as it does for real S3.
		wantSSECRequired(t, err, "BadRequest")
	})
	t.Run("RawResponses", func(t *testing.T) {
		resp, err := http.Get(endpoint + "/ssec/sealed/a%20b.txt")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Content-Type") != "application/xml" ||
			resp.Header.Get("X-Amz-Request-Id") == "" ||
			!bytes.Contains(body, []byte("<Error><Code>InvalidRequest</Code><Message>"+ssecRequiredMessage+"</Message>")) {
			t.Errorf("GET: %s %q\n%s", resp.Status, resp.Header.Get("Content-Type"), body)
		}
		resp, err = http.Head(endpoint + "/ssec/sealed/a%20b.txt")
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || len(body) != 0 {
			t.Errorf("HEAD: %s, %d body bytes", resp.Status, len(body))
		}
	})
	t.Run("WithKey", func(t *testing.T) {
		out, err := client.GetObject(ctx, &s3.GetObjectInput{
			Bucket: aws.String(bucket), Key: aws.String("sealed/a b.txt"),
			SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(key.key), SSECustomerKeyMD5: aws.String(key.md5),
		})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(out.Body)
		out.Body.Close()
		if string(body) != "secret sealed/a b.txt" || aws.ToString(out.SSECustomerAlgorithm) != "AES256" || aws.ToString(out.SSECustomerKeyMD5) != key.md5 {
			t.Errorf("body %q, algorithm %q, key md5 %q", body, aws.ToString(out.SSECustomerAlgorithm), aws.ToString(out.SSECustomerKeyMD5))
		}
		head, err := client.HeadObject(ctx, &s3.HeadObjectInput{
			Bucket: aws.String(bucket), Key: aws.String("sealed/a b.txt"),
			SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(key.key), SSECustomerKeyMD5: aws.String(key.md5),
		})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(head.SSECustomerAlgorithm) != "AES256" {
			t.Errorf("head algorithm %q", aws.ToString(head.SSECustomerAlgorithm))
		}
	})
	t.Run("PassThrough", func(t *testing.T) {
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("plain.txt")})
		if err != nil {
			t.Fatal(err)
		}
		out.Body.Close()
		if out.SSECustomerAlgorithm != nil {
			t.Errorf("plain object reports SSE-C %q", *out.SSECustomerAlgorithm)
		}
		// Sub-resources and listings of an SSE-C object need no key in real S3 either.
		if _, err := client.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(bucket), Key: aws.String("sealed/a b.txt")}); err != nil {
			t.Errorf("get object tagging: %v", err)
		}
		list, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
		if err != nil || len(list.Contents) != 2 {
			t.Errorf("list: %v, %d objects", err, len(list.Contents))
		}
	})
	t.Run("OverwriteAndDelete", func(t *testing.T) {
		put("sealed/a b.txt", false)
		if _, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("sealed/a b.txt")}); err != nil {
			t.Fatalf("overwritten without SSE-C, still sealed: %v", err)
		}
		put("sealed/a b.txt", true)
		if _, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("sealed/a b.txt")}); err != nil {
			t.Fatal(err)
		}
		put("sealed/a b.txt", false)
		if _, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("sealed/a b.txt")}); err != nil {
			t.Fatalf("deleted and rewritten without SSE-C, still sealed: %v", err)
		}
	})
}

func TestSSECProxyBadUpstream(t *testing.T) {
	p := NewSSECProxy("not a url")
	if _, err := p.Start(); err == nil {
		t.Fatal("Start: no error for a bad upstream")
	}
	rec := httptest.NewRecorder()
	p.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/b/k", nil))
	if rec.Code != http.StatusBadGateway {
		t.Fatalf("status = %d, want 502", rec.Code)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}
