package mototest

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
)

// Config returns an UNGUARDED config for seeding test data into s: static test
// credentials, region us-east-1, base endpoint s.Endpoint. Seeding needs writes, which
// Cairn's own code path (scanner.LoadAWSConfig) refuses; never hand this config to the
// code under test. ctx is unused today and kept for symmetry with config loading.
func (s *Server) Config(ctx context.Context) (aws.Config, error) {
	return SeedConfig(ctx, s.Endpoint)
}

// SeedConfig returns an UNGUARDED config like Server.Config for any endpoint, e.g. an
// SSECProxy in front of the server. It reads no environment variable and no file.
func SeedConfig(_ context.Context, endpoint string) (aws.Config, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return aws.Config{}, fmt.Errorf("mototest: seed config: endpoint %q is not an http(s) URL", endpoint)
	}
	return aws.Config{
		Region:           Region,
		Credentials:      aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, "")),
		BaseEndpoint:     aws.String(endpoint),
		RetryMaxAttempts: 3,
	}, nil
}

// SeedS3Client returns an unguarded path-style S3 client for cfg (from Config or
// SeedConfig), for seeding buckets and objects.
func SeedS3Client(cfg aws.Config, optFns ...func(*s3.Options)) *s3.Client {
	fns := append([]func(*s3.Options){func(o *s3.Options) { o.UsePathStyle = true }}, optFns...)
	return s3.NewFromConfig(cfg, fns...)
}

// SeedS3ControlClient returns an unguarded S3 Control client for cfg that sends requests
// to cfg.BaseEndpoint itself. (S3 Control's endpoint rules would put the account id in
// front of the host, 123456789012.127.0.0.1:PORT; scanner.NewS3ControlClient does the
// same correction for Cairn's guarded client. It is repeated here because mototest
// must not import scanner.)
func SeedS3ControlClient(cfg aws.Config) *s3control.Client {
	return s3control.NewFromConfig(cfg, func(o *s3control.Options) {
		if cfg.BaseEndpoint != nil {
			o.EndpointResolverV2 = fixedHostResolver{
				endpoint: *cfg.BaseEndpoint,
				rules:    s3control.NewDefaultEndpointResolverV2(),
			}
		}
	})
}

// fixedHostResolver resolves with S3 Control's rules, then replaces the scheme and
// host with those of a fixed endpoint.
type fixedHostResolver struct {
	endpoint string
	rules    s3control.EndpointResolverV2
}

// ResolveEndpoint implements s3control.EndpointResolverV2.
func (r fixedHostResolver) ResolveEndpoint(ctx context.Context, params s3control.EndpointParameters) (smithyendpoints.Endpoint, error) {
	base, err := url.Parse(r.endpoint)
	if err != nil {
		return smithyendpoints.Endpoint{}, fmt.Errorf("mototest: s3control endpoint: %w", err)
	}
	ep, err := r.rules.ResolveEndpoint(ctx, params)
	if err != nil {
		return smithyendpoints.Endpoint{}, err
	}
	ep.URI.Scheme = base.Scheme
	ep.URI.Host = base.Host
	return ep, nil
}

// StartSeeded is the start of most moto tests: SetTestCredentials, Start, and
// the server's UNGUARDED seeding Config.
func StartSeeded(t testing.TB, extraEnv ...string) (*Server, aws.Config) {
	t.Helper()
	SetTestCredentials(t)
	srv := Start(t, extraEnv...)
	cfg, err := srv.Config(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return srv, cfg
}
