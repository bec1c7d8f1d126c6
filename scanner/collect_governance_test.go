package scanner_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"maps"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/cairnsec/cairn/configchecks"
)

// seedCompliantGovernance adds to the compliant account what the identity,
// governance, threat-detection and secrets checks need to PASS.
func seedCompliantGovernance(s *seeder) {
	ctx, cfg := s.ctx, s.cfg
	// alice's access key is used once, so it is not an unused set-up key.
	keys, err := s.iam.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("alice")})
	s.ok(nil, err)
	if len(keys.AccessKeyMetadata) != 1 {
		s.t.Fatalf("alice has %d keys", len(keys.AccessKeyMetadata))
	}
	// moto returns the secret only on creation: make a fresh key, use it, delete the old.
	nk, err := s.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	s.ok(nil, err)
	s.ok(s.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: keys.AccessKeyMetadata[0].AccessKeyId}))
	alice := cfg.Copy()
	alice.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(nk.AccessKey.AccessKeyId), aws.ToString(nk.AccessKey.SecretAccessKey), "")
	s.ok(sts.NewFromConfig(alice).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))

	// Security contact, organization with a guardrail SCP and a delegated GuardDuty
	// administrator.
	s.ok(account.NewFromConfig(cfg).PutAlternateContact(ctx, &account.PutAlternateContactInput{AlternateContactType: accounttypes.AlternateContactTypeSecurity,
		Name: aws.String("Security team"), Title: aws.String("SecOps"), EmailAddress: aws.String("security@example.com"), PhoneNumber: aws.String("+15550100")}))
	org := organizations.NewFromConfig(cfg)
	s.ok(org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}))
	roots, err := org.ListRoots(ctx, &organizations.ListRootsInput{})
	s.ok(nil, err)
	scp, err := org.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("deny-leave"), Description: aws.String("guardrail"),
		Type: orgtypes.PolicyTypeServiceControlPolicy, Content: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`)})
	s.ok(nil, err)
	s.ok(org.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: scp.Policy.PolicySummary.Id, TargetId: roots.Roots[0].Id}))
	member, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("security-tooling"), Email: aws.String("tooling@example.com")})
	s.ok(nil, err)
	s.ok(org.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("guardduty.amazonaws.com")}))
	s.ok(org.RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{
		AccountId: member.CreateAccountStatus.AccountId, ServicePrincipal: aws.String("guardduty.amazonaws.com")}))

	// AWS Config recording everything, Security Hub, GuardDuty.
	cs := configservice.NewFromConfig(cfg)
	s.ok(cs.PutConfigurationRecorder(ctx, &configservice.PutConfigurationRecorderInput{ConfigurationRecorder: &cfgtypes.ConfigurationRecorder{
		Name: aws.String("default"), RoleARN: aws.String("arn:aws:iam::123456789012:role/aws-support"),
		RecordingGroup: &cfgtypes.RecordingGroup{AllSupported: true, IncludeGlobalResourceTypes: true}}}))
	s.ok(cs.PutDeliveryChannel(ctx, &configservice.PutDeliveryChannelInput{DeliveryChannel: &cfgtypes.DeliveryChannel{
		Name: aws.String("default"), S3BucketName: aws.String("log-bucket")}}))
	s.ok(cs.StartConfigurationRecorder(ctx, &configservice.StartConfigurationRecorderInput{ConfigurationRecorderName: aws.String("default")}))
	s.ok(securityhub.NewFromConfig(cfg).EnableSecurityHub(ctx, &securityhub.EnableSecurityHubInput{}))
	s.ok(guardduty.NewFromConfig(cfg).CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)}))

	// ECR scans on push; the secret rotates; the certificate is valid for a year.
	s.ok(ecr.NewFromConfig(cfg).CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("api"),
		ImageScanningConfiguration: &ecrtypes.ImageScanningConfiguration{ScanOnPush: true}}))
	sm := secretsmanager.NewFromConfig(cfg)
	sec, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("db-password"), SecretString: aws.String("not-a-real-password")})
	s.ok(nil, err)
	s.ok(sm.RotateSecret(ctx, &secretsmanager.RotateSecretInput{SecretId: sec.ARN,
		RotationRules: &smtypes.RotationRulesType{AutomaticallyAfterDays: aws.Int64(30)}, RotateImmediately: aws.Bool(false)}))
	s.importCertificate("www.example.com", 365*24*time.Hour)

	// S3: versioning on both buckets (MFA Delete is stubbed: moto drops it).
	for _, b := range []string{"trail-bucket", "log-bucket"} {
		s.ok(s.s3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(b),
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}))
	}

	// EC2: an instance with an instance profile.
	s.ok(s.iam.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("app")}))
	s.instance(&ec2types.IamInstanceProfileSpecification{Name: aws.String("app")})
}

// seedNonCompliantGovernance adds failures of the same checks to the non-compliant
// account: an organization without guardrails or delegated administrators, no
// Config, Security Hub or GuardDuty, an ECR repository without scanning, a secret
// without rotation, a certificate, an instance without a profile, a public queue and
// a bucket without versioning (open-bucket). bob's keys were created with him and never
// used; no security contact is registered.
func seedNonCompliantGovernance(s *seeder) {
	ctx, cfg := s.ctx, s.cfg
	org := organizations.NewFromConfig(cfg)
	s.ok(org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}))
	s.ok(org.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("securityhub.amazonaws.com")}))
	s.ok(ecr.NewFromConfig(cfg).CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("legacy")}))
	s.ok(secretsmanager.NewFromConfig(cfg).CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("api-token"), SecretString: aws.String("not-a-real-token")}))
	s.importCertificate("old.example.com", 10*24*time.Hour)
	s.instance(nil)
	q, err := sqs.NewFromConfig(cfg).CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("inbox")})
	s.ok(nil, err)
	s.ok(sqs.NewFromConfig(cfg).SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: q.QueueUrl, Attributes: map[string]string{
		"Policy": `{"Version":"2012-10-17","Statement":[{"Sid":"Anyone","Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:inbox"}]}`}}))
}

// instance runs an EC2 instance, with the instance profile when given.
func (s *seeder) instance(profile *ec2types.IamInstanceProfileSpecification) {
	s.t.Helper()
	s.ok(s.ec2.RunInstances(s.ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-12c6146b"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		InstanceType: ec2types.InstanceTypeT3Micro, IamInstanceProfile: profile,
		// Compliant for ec2.imdsv2 too: the one instance of the compliant account.
		MetadataOptions: &ec2types.InstanceMetadataOptionsRequest{HttpTokens: ec2types.HttpTokensStateRequired},
		// And for ec2.ebs_volumes_encrypted: an encrypted root volume (moto's default one is not).
		BlockDeviceMappings: []ec2types.BlockDeviceMapping{{DeviceName: aws.String("/dev/sda1"),
			Ebs: &ec2types.EbsBlockDevice{VolumeSize: aws.Int32(8), Encrypted: aws.Bool(true), KmsKeyId: aws.String(s.key(true))}}}}))
}

// importCertificate imports a self-signed certificate for domain valid for validFor.
func (s *seeder) importCertificate(domain string, validFor time.Duration) {
	s.t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	s.ok(nil, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: domain}, DNSNames: []string{domain},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(validFor)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	s.ok(nil, err)
	kder, err := x509.MarshalECPrivateKey(key)
	s.ok(nil, err)
	s.ok(acm.NewFromConfig(s.cfg).ImportCertificate(s.ctx, &acm.ImportCertificateInput{
		Certificate: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		PrivateKey:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}),
	}))
}

// governanceStubs are the HTTP-level stubs of the identity and governance checks,
// for APIs or fields moto lacks:
//   - IAM Access Analyzer ListAnalyzers: moto has no Access Analyzer (HTTP 500), so
//     the answer is stubbed: one active account analyzer when compliant, none else;
//   - S3 GetBucketVersioning: moto drops MFADelete, so it is added when compliant;
//   - the credential report's <root_account> row (moto has none), used recently or not;
//   - IAM ListOrganizationsFeatures (centralized root access): moto lacks it, so it
//     answers both features enabled when compliant, IAM trusted access off otherwise.
func governanceStubs(compliant bool, rootLastUsed time.Time, mfa, key1Active bool) map[string]stubFunc {
	analyzers := `{"analyzers":[]}`
	if compliant {
		analyzers = `{"analyzers":[{"arn":"arn:aws:access-analyzer:us-east-1:123456789012:analyzer/external","name":"external","type":"ACCOUNT","status":"ACTIVE"}]}`
	}
	stubs := map[string]stubFunc{
		"access-analyzer:GET /analyzer": func(int, []byte) (int, []byte) { return 200, []byte(analyzers) },
		"iam:GetCredentialReport":       withRootRowUsed(mfa, key1Active, rootLastUsed),
	}
	stubs["iam:ListOrganizationsFeatures"] = awsQueryError(400, "ServiceAccessNotEnabledException")
	if compliant {
		stubs["iam:ListOrganizationsFeatures"] = func(int, []byte) (int, []byte) {
			return 200, []byte(`<ListOrganizationsFeaturesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListOrganizationsFeaturesResult>` +
				`<OrganizationId>o-stub</OrganizationId><EnabledFeatures><member>RootCredentialsManagement</member><member>RootSessions</member></EnabledFeatures>` +
				`</ListOrganizationsFeaturesResult><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></ListOrganizationsFeaturesResponse>`)
		}
		for _, b := range []string{"trail-bucket", "log-bucket"} {
			stubs["s3:GET /"+b] = withMFADelete
		}
	}
	return stubs
}

var (
	versioningAnswer = regexp.MustCompile(`<(GetBucketVersioningResponse|VersioningConfiguration)[ >]`)
	versioningStatus = regexp.MustCompile(`(<Status>Enabled</Status>)`)
)

// withMFADelete adds MfaDelete Enabled to a GetBucketVersioning answer (and leaves
// every other GET on the bucket alone).
func withMFADelete(status int, body []byte) (int, []byte) {
	if !versioningAnswer.Match(body) {
		return status, body
	}
	return status, versioningStatus.ReplaceAll(body, []byte("${1}<MfaDelete>Enabled</MfaDelete>"))
}

// mergeStubs returns the union of stub maps; later ones win.
func mergeStubs(ms ...map[string]stubFunc) map[string]stubFunc {
	out := map[string]stubFunc{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

// governanceFailures are failing answers (403, 500) for the collectors of the
// identity, governance, threat-detection and secrets checks; governanceErrors is the
// ERROR each dependent check must then report, naming the call.
var (
	governanceFailures = map[string]stubFunc{
		"access-analyzer:GET /analyzer":         awsJSONError(403, "AccessDeniedException"),
		"securityhub:GET /accounts":             awsJSONError(403, "AccessDeniedException"),
		"guardduty:GET /detector":               awsJSONError(500, "InternalServerErrorException"),
		"config:DescribeConfigurationRecorders": awsJSONError(400, "AccessDeniedException"),
		"organizations:DescribeOrganization":    awsJSONError(400, "AccessDeniedException"),
		"account:POST /getAlternateContact":     awsJSONError(403, "AccessDeniedException"),
		"ecr:DescribeRepositories":              awsJSONError(400, "AccessDeniedException"),
		"secretsmanager:ListSecrets":            awsJSONError(400, "AccessDeniedException"),
		"acm:ListCertificates":                  awsJSONError(400, "AccessDeniedException"),
		"iam:ListVirtualMFADevices":             awsQueryError(403, "AccessDenied"),
		"sqs:ListQueues":                        awsJSONError(400, "AccessDenied"),
		"ec2:DescribeInstances": func(int, []byte) (int, []byte) {
			return 403, []byte(`<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>stub</Message></Error></Errors><RequestID>stub</RequestID></Response>`)
		},
	}
	governanceErrors = map[string]string{
		"iam.access_analyzer":            "accessanalyzer ListAnalyzers: AccessDeniedException",
		"securityhub.enabled":            "securityhub DescribeHub: AccessDeniedException",
		"guardduty.enabled":              "guardduty ListDetectors: InternalServerErrorException",
		"config.recorder_all_regions":    "config DescribeConfigurationRecorders: AccessDeniedException",
		"organizations.scp_guardrails":   "organizations DescribeOrganization: AccessDeniedException",
		"organizations.delegated_admins": "organizations DescribeOrganization: AccessDeniedException",
		"organizations.centralized_root": "organizations DescribeOrganization: AccessDeniedException",
		"account.security_contact":       "account GetAlternateContact: AccessDeniedException",
		"ecr.image_scanning":             "ecr DescribeRepositories: AccessDeniedException",
		"secretsmanager.rotation":        "secretsmanager ListSecrets: AccessDeniedException",
		"acm.certificate_expiry":         "acm ListCertificates: AccessDeniedException",
		"iam.root_hardware_mfa":          "iam ListVirtualMFADevices: AccessDenied",
		"ec2.instance_roles":             "ec2 DescribeInstances: UnauthorizedOperation",
	}
)

// checkGovernanceResults checks what the identity and governance checks say in the
// non-compliant and empty accounts beyond PASS/FAIL.
func checkGovernanceResults(t *testing.T, bad, empty map[string][]configchecks.Result) {
	t.Helper()
	for id, want := range map[string]string{
		"iam.access_analyzer":              "no active external access analyzer",
		"organizations.scp_guardrails":     "No customer service control policy is attached",
		"organizations.delegated_admins":   "securityhub.amazonaws.com",
		"organizations.centralized_root":   "lacks RootCredentialsManagement and RootSessions",
		"iam.resource_policies_not_public": "Anyone",
		"iam.root_daily_use":               "The root user was used in the last 7 days",
		"iam.no_keys_at_setup":             "created with the user and never used",
		"account.security_contact":         "No security alternate contact",
		"ec2.instance_roles":               "has no IAM instance profile",
		"acm.certificate_expiry":           "expired on",
	} {
		if !slices.ContainsFunc(bad[id], func(r configchecks.Result) bool {
			return r.Status == configchecks.StatusFail && strings.Contains(r.StatusExtended, want)
		}) {
			t.Errorf("non-compliant account: %s: no FAIL saying %q: %v", id, want, bad[id])
		}
	}
	// Outside an organization the CIS 2.1 requirements do not apply, and say why.
	for _, id := range []string{"organizations.scp_guardrails", "organizations.delegated_admins", "organizations.centralized_root"} {
		if rs := empty[id]; len(rs) != 1 || rs[0].Status != configchecks.StatusNotApplicable || !strings.Contains(rs[0].StatusExtended, "not a member") {
			t.Errorf("empty account: %s: %v, want NOT_APPLICABLE (not in an organization)", id, rs)
		}
	}
}
