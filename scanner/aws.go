package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
)

// DefaultRegion is the region used when neither AWSOptions.Region nor the environment
// or shared config profile names one.
const DefaultRegion = "us-east-1"

// DefaultMaxAttempts is the number of attempts per AWS call (first try plus retries)
// when AWSOptions.MaxAttempts is 0. It is higher than the SDK's 3 because a bulk scan
// meets throttling that a single call rarely does.
const DefaultMaxAttempts = 8

// AWSOptions select credentials, region and endpoint.
type AWSOptions struct {
	// Profile is the shared config profile to use. "" selects the SDK's default chain:
	// environment, SSO, assume-role, web identity, container and instance roles.
	Profile string
	// Region is the default region when the environment and the profile have none.
	// "" means DefaultRegion.
	Region string
	// EndpointURL sends every call to an AWS-compatible endpoint, e.g. an emulator
	// (http://127.0.0.1:5000). "" means real AWS.
	EndpointURL string
	// MaxAttempts is the number of attempts per call, retries included.
	// 0 means DefaultMaxAttempts.
	MaxAttempts int
	// AttemptTimeout bounds how long one attempt waits for the response
	// headers once its request is sent; an attempt that times out is retried
	// like a dropped connection. 0 means DefaultAttemptTimeout.
	AttemptTimeout time.Duration
	// ReadIdleTimeout bounds how long a read of an S3 response body may
	// wait for data (NewS3Client): a body that stalls mid-stream fails with
	// ErrReadIdle and is fetched again. 0 means DefaultReadIdleTimeout.
	ReadIdleTimeout time.Duration
	// RateLimits overrides DefaultRateLimits: requests per second per region
	// for a service, keyed by the SDK's service id (awsmiddleware.GetServiceID:
	// "S3", "EC2", "IAM", "Config Service" …; case and spaces ignored). 0
	// removes a default limit. Every attempt, retries included, waits for its
	// service's token; the wait ends with the context.
	RateLimits map[string]float64
	// Requests, when set, counts every request made by the clients of the config
	// LoadAWSConfig returns (not its credential providers' STS calls, nor the
	// history output's), for the run's cost estimate.
	Requests *RequestCounter
}

// DefaultAttemptTimeout is AWSOptions.AttemptTimeout's default. Without it a
// server that accepts a request and never answers holds the call until the
// caller's deadline (a whole object's 60 s), which then ends in TIMEOUT with
// no retry.
const DefaultAttemptTimeout = 30 * time.Second

// maxIdleConnsPerHost is how many idle connections to one endpoint are kept
// for reuse: above any sensible --concurrency.
const maxIdleConnsPerHost = 128

// LoadAWSConfig returns an aws.Config for o with the SDK's normal credential chain,
// adaptive retries (aws.RetryModeAdaptive, o.MaxAttempts attempts; the S3 and
// DynamoDB clients Cairn builds retry in standard mode instead), the base endpoint
// when o.EndpointURL is set (for the role credential providers' STS calls too), and the
// read-only guard (AddReadOnlyGuard) in its APIOptions, so every API client made from
// it refuses operations that are not on the allow-list, and the client-side rate
// limits (DefaultRateLimits with o.RateLimits over them). The limits belong to the
// returned config: configs copied from it (AssumeRoleConfig) share them.
//
// The guard is added after the SDK has built its credential providers: the STS, SSO,
// Signin, IMDS and container-credential clients those providers use internally are
// not guarded, so assume-role, SSO and instance/container roles work as usual.
// Credentials are resolved lazily, on the first call.
func LoadAWSConfig(ctx context.Context, o AWSOptions) (aws.Config, error) {
	limits, err := newRateLimits(o.RateLimits)
	if err != nil {
		return aws.Config{}, fmt.Errorf("scanner: load aws config: %w", err)
	}
	cfg, err := loadConfig(ctx, o)
	if err != nil {
		return aws.Config{}, err
	}
	// A fresh backing array: the credential clients built during loading hold
	// cfg.APIOptions too, and must not see the guard appear in their slice.
	cfg.APIOptions = append(slices.Clip(cfg.APIOptions), AddReadOnlyGuard)
	if limits != nil {
		cfg.APIOptions = append(cfg.APIOptions, limits.addTo)
	}
	if o.Requests != nil {
		cfg.APIOptions = append(cfg.APIOptions, o.Requests.AddTo)
	}
	return cfg, nil
}

// loadConfig is LoadAWSConfig without the read-only guard. Every call loads
// a new aws.Config, so the guard added to one never reaches another.
func loadConfig(ctx context.Context, o AWSOptions) (aws.Config, error) {
	if o.MaxAttempts < 0 {
		return aws.Config{}, fmt.Errorf("scanner: load aws config: max attempts %d is negative", o.MaxAttempts)
	}
	region := o.Region
	if region == "" {
		region = DefaultRegion
	}
	attempts := o.MaxAttempts
	if attempts == 0 {
		attempts = DefaultMaxAttempts
	}
	if o.AttemptTimeout < 0 {
		return aws.Config{}, fmt.Errorf("scanner: load aws config: attempt timeout %v is negative", o.AttemptTimeout)
	}
	if o.ReadIdleTimeout < 0 {
		return aws.Config{}, fmt.Errorf("scanner: load aws config: read idle timeout %v is negative", o.ReadIdleTimeout)
	}
	attemptTimeout := o.AttemptTimeout
	if attemptTimeout == 0 {
		attemptTimeout = DefaultAttemptTimeout
	}
	opts := []func(*config.LoadOptions) error{
		config.WithDefaultRegion(region),
		config.WithRetryMaxAttempts(attempts),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewAdaptiveMode(func(ao *retry.AdaptiveModeOptions) {
				ao.StandardOptions = append(ao.StandardOptions, standardRetries(attempts))
			})
		}),
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			tr.ResponseHeaderTimeout = attemptTimeout
			// The SDK keeps 10 idle connections per host; a scan reads with
			// more at once (--concurrency 16 by default), so every read past
			// the tenth closed its connection and the next opened one again,
			// a TLS handshake each against real S3 (12% of a scan's CPU in
			// the bench-scan profile).
			tr.MaxIdleConnsPerHost = maxIdleConnsPerHost
			tr.MaxIdleConns = 2 * maxIdleConnsPerHost
		})),
	}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.EndpointURL != "" {
		if _, err := parseEndpointURL(o.EndpointURL); err != nil {
			return aws.Config{}, fmt.Errorf("scanner: load aws config: %w", err)
		}
		opts = append(opts,
			config.WithBaseEndpoint(o.EndpointURL),
			// The SDK builds the assume-role and web-identity STS clients before it
			// applies the base endpoint: send their calls to the endpoint too, so a
			// role profile used with an emulator does not talk to real STS.
			config.WithAssumeRoleCredentialOptions(func(ao *stscreds.AssumeRoleOptions) {
				if _, done := ao.Client.(stsAtEndpoint); ao.Client != nil && !done {
					ao.Client = stsAtEndpoint{assumeRole: ao.Client, endpoint: o.EndpointURL}
				}
			}),
			config.WithWebIdentityRoleCredentialOptions(func(wo *stscreds.WebIdentityRoleOptions) {
				if _, done := wo.Client.(stsAtEndpoint); wo.Client != nil && !done {
					wo.Client = stsAtEndpoint{webIdentity: wo.Client, endpoint: o.EndpointURL}
				}
			}),
		)
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("scanner: load aws config: %w", err)
	}
	// WithRetryer leaves the mode and the attempts unset: say what the
	// retryer is (NewS3Client reads both and builds its own).
	cfg.RetryMode = aws.RetryModeAdaptive
	cfg.RetryMaxAttempts = attempts
	return cfg, nil
}

// stsAtEndpoint sends the STS calls of the SDK's role credential providers to a custom
// endpoint. Only the method whose client is set may be called.
type stsAtEndpoint struct {
	assumeRole  stscreds.AssumeRoleAPIClient
	webIdentity stscreds.AssumeRoleWithWebIdentityAPIClient
	endpoint    string
}

var (
	_ stscreds.AssumeRoleAPIClient                = stsAtEndpoint{}
	_ stscreds.AssumeRoleWithWebIdentityAPIClient = stsAtEndpoint{}
)

func (c stsAtEndpoint) atEndpoint(o *sts.Options) { o.BaseEndpoint = aws.String(c.endpoint) }

// AssumeRole implements stscreds.AssumeRoleAPIClient.
func (c stsAtEndpoint) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	if c.assumeRole == nil {
		return nil, errors.New("scanner: sts at endpoint: no assume-role client")
	}
	return c.assumeRole.AssumeRole(ctx, in, append(slices.Clip(optFns), c.atEndpoint)...)
}

// AssumeRoleWithWebIdentity implements stscreds.AssumeRoleWithWebIdentityAPIClient.
func (c stsAtEndpoint) AssumeRoleWithWebIdentity(ctx context.Context, in *sts.AssumeRoleWithWebIdentityInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	if c.webIdentity == nil {
		return nil, errors.New("scanner: sts at endpoint: no web-identity client")
	}
	return c.webIdentity.AssumeRoleWithWebIdentity(ctx, in, append(slices.Clip(optFns), c.atEndpoint)...)
}

// parseEndpointURL checks that raw is an absolute http(s) URL with a host.
func parseEndpointURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("endpoint url %q: %w", raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("endpoint url %q: want http(s)://host[:port]", raw)
	}
	return u, nil
}

// customEndpoint returns o.EndpointURL, else the base endpoint cfg carries (e.g. from
// AWS_ENDPOINT_URL), else "".
func customEndpoint(cfg aws.Config, o AWSOptions) string {
	if o.EndpointURL != "" {
		return o.EndpointURL
	}
	return aws.ToString(cfg.BaseEndpoint)
}

// standardRetries sets the attempts of a retryer, and makes it retry a
// response whose body breaks off before its Content-Length (the error then
// wraps io.ErrUnexpectedEOF), which the SDK does not: a dropped connection
// during a listing or a posture call would otherwise fail the call for good.
func standardRetries(attempts int) func(*retry.StandardOptions) {
	return func(ro *retry.StandardOptions) {
		ro.MaxAttempts = attempts
		ro.Retryables = append([]retry.IsErrorRetryable{retry.NoRetryCanceledError{}, truncatedResponse}, ro.Retryables...)
	}
}

// truncatedResponse says a call whose response body ended early may be retried.
var truncatedResponse = retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return aws.TrueTernary
	}
	return aws.UnknownTernary
})

// configMaxAttempts is the attempts per call of a client that builds its own
// retryer (S3, DynamoDB): cfg's (LoadAWSConfig sets
// AWSOptions.MaxAttempts there), else DefaultMaxAttempts.
func configMaxAttempts(cfg aws.Config) int {
	if cfg.RetryMaxAttempts > 0 {
		return cfg.RetryMaxAttempts
	}
	return DefaultMaxAttempts
}

// NewS3Client returns a guarded S3 client for cfg (normally from LoadAWSConfig). With a
// custom endpoint (o.EndpointURL, or AWS_ENDPOINT_URL already in cfg) it uses that
// endpoint with path-style addressing, which emulators need. Every response body
// read fails with ErrReadIdle after o.ReadIdleTimeout without data. Where cfg asks for
// adaptive retries (LoadAWSConfig does), it retries in the SDK's standard mode
// instead, with cfg's attempts (see the comment inside). optFns apply after those settings (e.g. a per-region client:
// `func(o *s3.Options) { o.Region = "eu-west-1" }`); the guard is added after optFns, so
// they cannot drop it. The client is safe for concurrent use.
func NewS3Client(cfg aws.Config, o AWSOptions, optFns ...func(*s3.Options)) *s3.Client {
	fns := make([]func(*s3.Options), 0, len(optFns)+3)
	fns = append(fns, func(so *s3.Options) {
		// Ranged reads (sampling) carry no whole-object checksum; without this the SDK
		// logs "Response has no supported checksum" to stderr for every one.
		so.DisableLogOutputChecksumValidationSkipped = true
		// Standard retries, not adaptive: S3 throttles per bucket prefix, and the
		// adaptive mode's client-side rate limit, shared by every bucket this one
		// client reads, would slow the whole scan after one prefix's SlowDown (AWS:
		// adaptive mode "assumes that the client is working against a single
		// resource"). Measured in TestS3ScanUnderFaults: 4 SlowDowns in 71 requests
		// took the scan from 1.5 s to 11 s.
		if cfg.RetryMode == aws.RetryModeAdaptive {
			so.Retryer = retry.NewStandard(standardRetries(configMaxAttempts(cfg)))
		}
	})
	if endpoint := customEndpoint(cfg, o); endpoint != "" {
		fns = append(fns, func(so *s3.Options) {
			so.BaseEndpoint = aws.String(endpoint)
			so.UsePathStyle = true
		})
	}
	idle := o.ReadIdleTimeout
	if idle <= 0 {
		idle = DefaultReadIdleTimeout
	}
	fns = append(fns, optFns...)
	fns = append(fns, func(so *s3.Options) {
		so.APIOptions = append(slices.Clip(so.APIOptions), AddReadOnlyGuard, addReadIdleTimeout(idle))
	})
	return s3.NewFromConfig(cfg, fns...)
}

// NewS3ControlClient returns a guarded S3 Control client for cfg. S3 Control's endpoint
// rules put the account id in front of the host (123456789012.s3-control.…), which is
// right for AWS but not for a local endpoint: with a custom endpoint (o.EndpointURL, or
// AWS_ENDPOINT_URL already in cfg) the client sends requests to that endpoint itself, keeping the rules' signing properties. Operations
// still carry the account id in the x-amz-account-id header. The client is safe for
// concurrent use.
func NewS3ControlClient(cfg aws.Config, o AWSOptions) *s3control.Client {
	endpoint := customEndpoint(cfg, o)
	return s3control.NewFromConfig(cfg, func(so *s3control.Options) {
		if endpoint != "" {
			so.BaseEndpoint = aws.String(endpoint)
			so.EndpointResolverV2 = fixedHostS3ControlResolver{
				endpoint: endpoint,
				rules:    s3control.NewDefaultEndpointResolverV2(),
			}
		}
		so.APIOptions = append(slices.Clip(so.APIOptions), AddReadOnlyGuard)
	})
}

// fixedHostS3ControlResolver resolves S3 Control endpoints with the SDK's rules, then
// replaces the scheme and host (which carry the account id prefix) with those of a
// fixed local endpoint.
type fixedHostS3ControlResolver struct {
	endpoint string
	rules    s3control.EndpointResolverV2
}

var _ s3control.EndpointResolverV2 = fixedHostS3ControlResolver{}

// ResolveEndpoint implements s3control.EndpointResolverV2.
func (r fixedHostS3ControlResolver) ResolveEndpoint(ctx context.Context, params s3control.EndpointParameters) (smithyendpoints.Endpoint, error) {
	base, err := parseEndpointURL(r.endpoint)
	if err != nil {
		return smithyendpoints.Endpoint{}, fmt.Errorf("scanner: s3control endpoint: %w", err)
	}
	ep, err := r.rules.ResolveEndpoint(ctx, params)
	if err != nil {
		return smithyendpoints.Endpoint{}, err
	}
	ep.URI.Scheme = base.Scheme
	ep.URI.Host = base.Host
	return ep, nil
}

// CallerAccount returns the id of the account whose credentials cfg carries
// (sts GetCallerIdentity).
func CallerAccount(ctx context.Context, cfg aws.Config) (string, error) {
	client := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.APIOptions = append(slices.Clip(o.APIOptions), AddReadOnlyGuard)
	})
	out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("scanner: caller account: %w", err)
	}
	account := aws.ToString(out.Account)
	if account == "" {
		return "", fmt.Errorf("scanner: caller account: sts returned no account id")
	}
	return account, nil
}

// EnabledRegions returns, sorted, the regions enabled for the account (those that need
// no opt-in, and those opted in), as ec2 DescribeRegions in cfg's region reports them.
// It is the expansion of --regions all.
func EnabledRegions(ctx context.Context, cfg aws.Config) ([]string, error) {
	client := ec2.NewFromConfig(cfg, func(o *ec2.Options) {
		o.APIOptions = append(slices.Clip(o.APIOptions), AddReadOnlyGuard)
	})
	// Without AllRegions, DescribeRegions lists only enabled regions; the opt-in status
	// is checked again below in case an endpoint lists more.
	out, err := client.DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		return nil, fmt.Errorf("scanner: enabled regions: %w", err)
	}
	var regions []string
	for _, r := range out.Regions {
		name := aws.ToString(r.RegionName)
		switch aws.ToString(r.OptInStatus) {
		case "", "opt-in-not-required", "opted-in":
		default: // "not-opted-in"
			continue
		}
		if name != "" {
			regions = append(regions, name)
		}
	}
	if len(regions) == 0 {
		return nil, fmt.Errorf("scanner: enabled regions: ec2 listed no enabled region")
	}
	slices.Sort(regions)
	return slices.Compact(regions), nil
}
