package scanner

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/signin"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
)

// update regenerates golden files: go test ./scanner -run TestIAMPolicy -update.
// Other golden-file tests of package scanner should use this flag, not define another.
var update = flag.Bool("update", false, "rewrite golden files (deploy/iam-policy.json …) from the code")

// sdkClients maps the service id of every service in the allow-list to its SDK client
// type, so that TestGuardAllowList can check that each operation name exists. A new
// service in readOnlyOps needs a line here.
var sdkClients = map[string]reflect.Type{
	s3.ServiceID:             reflect.TypeFor[*s3.Client](),
	s3control.ServiceID:      reflect.TypeFor[*s3control.Client](),
	sts.ServiceID:            reflect.TypeFor[*sts.Client](),
	kms.ServiceID:            reflect.TypeFor[*kms.Client](),
	ec2.ServiceID:            reflect.TypeFor[*ec2.Client](),
	rds.ServiceID:            reflect.TypeFor[*rds.Client](),
	secretsmanager.ServiceID: reflect.TypeFor[*secretsmanager.Client](),
	dynamodb.ServiceID:       reflect.TypeFor[*dynamodb.Client](),
	iam.ServiceID:            reflect.TypeFor[*iam.Client](),
	cloudtrail.ServiceID:     reflect.TypeFor[*cloudtrail.Client](),
	cloudwatchlogs.ServiceID: reflect.TypeFor[*cloudwatchlogs.Client](),
	cloudwatch.ServiceID:     reflect.TypeFor[*cloudwatch.Client](),
	sns.ServiceID:            reflect.TypeFor[*sns.Client](),
	sso.ServiceID:            reflect.TypeFor[*sso.Client](),
	ssooidc.ServiceID:        reflect.TypeFor[*ssooidc.Client](),
	signin.ServiceID:         reflect.TypeFor[*signin.Client](),
	// Identity, governance, threat detection and secrets checks.
	account.ServiceID:        reflect.TypeFor[*account.Client](),
	organizations.ServiceID:  reflect.TypeFor[*organizations.Client](),
	accessanalyzer.ServiceID: reflect.TypeFor[*accessanalyzer.Client](),
	configservice.ServiceID:  reflect.TypeFor[*configservice.Client](),
	securityhub.ServiceID:    reflect.TypeFor[*securityhub.Client](),
	guardduty.ServiceID:      reflect.TypeFor[*guardduty.Client](),
	ecr.ServiceID:            reflect.TypeFor[*ecr.Client](),
	acm.ServiceID:            reflect.TypeFor[*acm.Client](),
	lambda.ServiceID:         reflect.TypeFor[*lambda.Client](),
	sqs.ServiceID:            reflect.TypeFor[*sqs.Client](),
	// Data stores, availability and web front ends.
	efs.ServiceID:                    reflect.TypeFor[*efs.Client](),
	elasticloadbalancingv2.ServiceID: reflect.TypeFor[*elasticloadbalancingv2.Client](),
	cloudfront.ServiceID:             reflect.TypeFor[*cloudfront.Client](),
	ecs.ServiceID:                    reflect.TypeFor[*ecs.Client](),
	apigateway.ServiceID:             reflect.TypeFor[*apigateway.Client](),
}

// mutatingVerb matches operation names that change state. No account-reading entry
// of the allow-list may start with one (credential operations are exempt).
var mutatingVerb = regexp.MustCompile(`^(Abort|Accept|Add|Allocate|Associate|Attach|Authorize|Cancel|Complete|Copy|Create|Decrypt|Delete|Deregister|Detach|Disable|Disassociate|Enable|Encrypt|Execute|Import|Invoke|Modify|Publish|Purchase|Put|ReEncrypt|Reboot|Register|Reject|Release|Remove|Replace|Request|Reset|Restore|Revoke|Rotate|Run|Schedule|Send|Set|Sign|Start|Stop|Tag|Terminate|Untag|Update|Upload|Write)`)

var iamAction = regexp.MustCompile(`^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$`)

func TestGuardAllowList(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range readOnlyOps {
		name := e.service + " " + e.op
		if seen[name] {
			t.Errorf("%s: listed twice", name)
		}
		seen[name] = true
		client, ok := sdkClients[e.service]
		if !ok {
			t.Errorf("%s: no SDK client type for service %q in sdkClients (guard_test.go)", name, e.service)
		} else if _, ok := client.MethodByName(e.op); !ok {
			t.Errorf("%s: %v has no method %s (typo?)", name, client, e.op)
		}
		if e.action == credentialOp {
			continue
		}
		if !iamAction.MatchString(e.action) {
			t.Errorf("%s: IAM action %q is not service:Action", name, e.action)
		}
		if mutatingVerb.MatchString(e.op) {
			t.Errorf("%s: starts with a mutating verb; only reads belong in the allow-list", name)
		}
	}
}

func TestAllowedIAMActions(t *testing.T) {
	got := AllowedIAMActions()
	if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Fatalf("not sorted and unique: %v", got)
	}
	for _, want := range []string{
		"s3:GetObject", "s3:ListBucket", "s3:ListAllMyBuckets", "s3:GetBucketPolicyStatus",
		"s3:GetAccountPublicAccessBlock", "s3:GetBucketPublicAccessBlock", "s3:GetEncryptionConfiguration",
		"s3:GetBucketObjectLockConfiguration", "kms:DescribeKey", "ec2:DescribeRegions", "sts:GetCallerIdentity",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("missing %s", want)
		}
	}
	for _, a := range got {
		if a == "" || strings.HasPrefix(a, "sso") || a == "sts:AssumeRole" {
			t.Errorf("credential operation %q must not be in the policy", a)
		}
	}
}

// TestIAMPolicy checks that deploy/iam-policy.json grants exactly AllowedIAMActions.
// Regenerate it with: go test ./scanner -run TestIAMPolicy -update
func TestIAMPolicy(t *testing.T) {
	path := filepath.Join("..", "deploy", "iam-policy.json")
	want := IAMPolicy()
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with: go test ./scanner -run TestIAMPolicy -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date with the allow-list; run: go test ./scanner -run TestIAMPolicy -update\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// TestIAMPolicyREADME checks that deploy/README.md explains every granted action.
func TestIAMPolicyREADME(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "deploy", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range AllowedIAMActions() {
		if !bytes.Contains(readme, []byte("`"+a+"`")) {
			t.Errorf("deploy/README.md does not explain %s", a)
		}
	}
}

// recordingTransport stands in for the network in the unit tests below: they must
// prove that a refused operation sends nothing, which a server cannot show. It records
// each request and fails it.
type recordingTransport struct {
	mu   sync.Mutex
	reqs []string
}

var errNoNetwork = errors.New("recording transport: no network in this test")

func (rt *recordingTransport) Do(r *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	rt.reqs = append(rt.reqs, r.Method+" "+r.URL.String())
	return nil, errNoNetwork
}

func (rt *recordingTransport) count() int {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return len(rt.reqs)
}

func guardedTestConfig(rt *recordingTransport) aws.Config {
	return aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		HTTPClient:  rt,
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} },
		// Twice on purpose: adding the guard again must be harmless.
		APIOptions: []func(*middleware.Stack) error{AddReadOnlyGuard, AddReadOnlyGuard},
	}
}

func TestGuardUnit(t *testing.T) {
	ctx := context.Background()
	bucket, key, account := aws.String("b"), aws.String("k"), aws.String("123456789012")
	cases := []struct {
		name    string
		allowed bool
		call    func(aws.Config) error
	}{
		{"s3 PutObject", false, func(c aws.Config) error {
			_, err := s3.NewFromConfig(c).PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: key, Body: strings.NewReader("x")})
			return err
		}},
		{"s3 CreateBucket", false, func(c aws.Config) error {
			_, err := s3.NewFromConfig(c).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket})
			return err
		}},
		{"s3 DeleteObject", false, func(c aws.Config) error {
			_, err := s3.NewFromConfig(c).DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: key})
			return err
		}},
		{"s3 PutBucketPolicy", false, func(c aws.Config) error {
			_, err := s3.NewFromConfig(c).PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String("{}")})
			return err
		}},
		{"s3 ListObjects", false, func(c aws.Config) error { // exact names: V1 is not allowed
			_, err := s3.NewFromConfig(c).ListObjects(ctx, &s3.ListObjectsInput{Bucket: bucket})
			return err
		}},
		{"s3control PutPublicAccessBlock", false, func(c aws.Config) error {
			_, err := s3control.NewFromConfig(c).PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: account})
			return err
		}},
		{"s3control DeletePublicAccessBlock", false, func(c aws.Config) error {
			_, err := s3control.NewFromConfig(c).DeletePublicAccessBlock(ctx, &s3control.DeletePublicAccessBlockInput{AccountId: account})
			return err
		}},
		{"kms ScheduleKeyDeletion", false, func(c aws.Config) error {
			_, err := kms.NewFromConfig(c).ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String("k")})
			return err
		}},
		{"kms Decrypt", false, func(c aws.Config) error {
			_, err := kms.NewFromConfig(c).Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: []byte("x")})
			return err
		}},
		{"ec2 TerminateInstances", false, func(c aws.Config) error {
			_, err := ec2.NewFromConfig(c).TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{"i-1"}})
			return err
		}},
		{"sts GetSessionToken", false, func(c aws.Config) error {
			_, err := sts.NewFromConfig(c).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
			return err
		}},

		{"s3 ListBuckets", true, func(c aws.Config) error {
			_, err := s3.NewFromConfig(c).ListBuckets(ctx, &s3.ListBucketsInput{})
			return err
		}},
		{"s3 GetObject", true, func(c aws.Config) error {
			_, err := s3.NewFromConfig(c).GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: key})
			return err
		}},
		{"s3 HeadObject", true, func(c aws.Config) error {
			_, err := s3.NewFromConfig(c).HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: key})
			return err
		}},
		{"s3control GetPublicAccessBlock", true, func(c aws.Config) error {
			_, err := s3control.NewFromConfig(c).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: account})
			return err
		}},
		{"kms DescribeKey", true, func(c aws.Config) error {
			_, err := kms.NewFromConfig(c).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("k")})
			return err
		}},
		{"ec2 DescribeRegions", true, func(c aws.Config) error {
			_, err := ec2.NewFromConfig(c).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
			return err
		}},
		{"sts GetCallerIdentity", true, func(c aws.Config) error {
			_, err := sts.NewFromConfig(c).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}},
		{"sts AssumeRole", true, func(c aws.Config) error {
			_, err := sts.NewFromConfig(c).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/r"), RoleSessionName: aws.String("s")})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rt := &recordingTransport{}
			err := tc.call(guardedTestConfig(rt))
			if tc.allowed {
				if errors.Is(err, ErrNotReadOnly) || !errors.Is(err, errNoNetwork) || rt.count() == 0 {
					t.Fatalf("allowed call: err = %v, %d requests; want it sent", err, rt.count())
				}
				return
			}
			if !errors.Is(err, ErrNotReadOnly) {
				t.Fatalf("err = %v, want ErrNotReadOnly", err)
			}
			if want := "scanner: guard: " + tc.name + " refused: "; !strings.Contains(err.Error(), want) {
				t.Errorf("err = %q, want it to contain %q", err, want)
			}
			if n := rt.count(); n != 0 {
				t.Errorf("refused call sent %d requests: %v", n, rt.reqs)
			}
		})
	}
}

// TestGuardClientsKeepGuard checks that the constructors add the guard even to a config
// without it, and after option functions that drop APIOptions.
func TestGuardClientsKeepGuard(t *testing.T) {
	ctx := context.Background()
	rt := &recordingTransport{}
	cfg := guardedTestConfig(rt)
	cfg.APIOptions = nil
	o := AWSOptions{EndpointURL: "http://127.0.0.1:1"}
	drop := func(so *s3.Options) { so.APIOptions = nil }
	_, err := NewS3Client(cfg, o, drop).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String("k"), Body: strings.NewReader("x")})
	if !errors.Is(err, ErrNotReadOnly) {
		t.Errorf("NewS3Client PutObject: err = %v, want ErrNotReadOnly", err)
	}
	_, err = NewS3ControlClient(cfg, o).PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: aws.String("123456789012")})
	if !errors.Is(err, ErrNotReadOnly) {
		t.Errorf("NewS3ControlClient PutPublicAccessBlock: err = %v, want ErrNotReadOnly", err)
	}
	if n := rt.count(); n != 0 {
		t.Errorf("refused calls sent %d requests: %v", n, rt.reqs)
	}
	// And the allowed call goes to the endpoint itself, with no account id in the host.
	_, err = NewS3ControlClient(cfg, o).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String("123456789012")})
	if !errors.Is(err, errNoNetwork) || rt.count() != 1 || !strings.HasPrefix(rt.reqs[0], "GET http://127.0.0.1:1/") {
		t.Errorf("GetPublicAccessBlock: err = %v, requests %v", err, rt.reqs)
	}
}

func TestGuardUnidentifiedOperation(t *testing.T) {
	stack := middleware.NewStack("Mystery", nil)
	if err := AddReadOnlyGuard(stack); err != nil {
		t.Fatal(err)
	}
	h := middleware.DecorateHandler(middleware.HandlerFunc(func(context.Context, any) (any, middleware.Metadata, error) {
		t.Error("handler reached")
		return nil, middleware.Metadata{}, nil
	}), stack)
	if _, _, err := h.Handle(context.Background(), nil); !errors.Is(err, ErrNotReadOnly) {
		t.Fatalf("err = %v, want ErrNotReadOnly", err)
	}
}

func TestLoadAWSConfigOptions(t *testing.T) {
	for _, o := range []AWSOptions{
		{EndpointURL: "127.0.0.1:5000"},
		{EndpointURL: "ftp://127.0.0.1"},
		{MaxAttempts: -1},
		{AttemptTimeout: -1},
	} {
		if _, err := LoadAWSConfig(context.Background(), o); err == nil {
			t.Errorf("LoadAWSConfig(%+v): no error", o)
		}
	}
}
