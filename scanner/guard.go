package scanner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
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

// ErrNotReadOnly is returned (wrapped) by every AWS call that the read-only guard
// refuses because its operation is not on the allow-list. Test for it with errors.Is.
var ErrNotReadOnly = errors.New("operation is not on the read-only allow-list")

// guardID is the id of the guard middleware in the Initialize step.
const guardID = "cairn.ReadOnlyGuard"

// registerServiceMetadataID is the id of the awsmiddleware.RegisterServiceMetadata step.
var registerServiceMetadataID = (&awsmiddleware.RegisterServiceMetadata{}).ID()

// allowedOp is one AWS API operation Cairn may call.
type allowedOp struct {
	service string // SDK service id, as awsmiddleware.GetServiceID reports it (s3.ServiceID …)
	op      string // SDK operation name, as awsmiddleware.GetOperationName reports it
	// action is the IAM action that authorizes op; it goes into deploy/iam-policy.json.
	// It is empty only for credential operations (see credentialOp).
	action string
}

// credentialOp marks an allow-list entry that obtains credentials rather than reading
// the account: it changes nothing in the account, and the permission to call it is not
// Cairn's to grant (a role's trust policy, an SSO assignment, a bearer token), so it has
// no IAM action in the shipped policy.
const credentialOp = ""

// readOnlyOps is the read-only allow-list: every AWS operation Cairn may call, and the
// IAM action that authorizes it. To let Cairn read a new service, add its operations
// here (and regenerate deploy/iam-policy.json with
// `go test ./scanner -run TestIAMPolicy -update`); nothing else needs to change.
// An operation that writes, deletes, starts, stops, tags or otherwise changes
// anything in the scanned account must never appear here.
var readOnlyOps = []allowedOp{
	// S3: discovery, bucket posture, sampling.
	{s3.ServiceID, "ListBuckets", "s3:ListAllMyBuckets"},
	{s3.ServiceID, "GetBucketLocation", "s3:GetBucketLocation"},
	{s3.ServiceID, "GetBucketEncryption", "s3:GetEncryptionConfiguration"},
	{s3.ServiceID, "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"},
	{s3.ServiceID, "GetBucketPolicyStatus", "s3:GetBucketPolicyStatus"},
	{s3.ServiceID, "GetBucketPolicy", "s3:GetBucketPolicy"},
	{s3.ServiceID, "GetBucketAcl", "s3:GetBucketAcl"},
	{s3.ServiceID, "GetBucketVersioning", "s3:GetBucketVersioning"},
	{s3.ServiceID, "GetBucketLogging", "s3:GetBucketLogging"},
	{s3.ServiceID, "GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration"},
	{s3.ServiceID, "GetBucketOwnershipControls", "s3:GetBucketOwnershipControls"},
	{s3.ServiceID, "GetBucketTagging", "s3:GetBucketTagging"},
	{s3.ServiceID, "ListObjectsV2", "s3:ListBucket"},
	{s3.ServiceID, "HeadObject", "s3:GetObject"},
	{s3.ServiceID, "GetObject", "s3:GetObject"},
	// S3 Inventory as the listing source: discovering a bucket's inventory
	// configurations (the reports themselves are read with ListObjectsV2 and
	// GetObject on the destination bucket).
	{s3.ServiceID, "ListBucketInventoryConfigurations", "s3:GetInventoryConfiguration"},
	// CloudWatch: a bucket's daily storage metrics (NumberOfObjects,
	// BucketSizeBytes) when its listing stops at the key cap.
	{cloudwatch.ServiceID, "ListMetrics", "cloudwatch:ListMetrics"},
	{cloudwatch.ServiceID, "GetMetricData", "cloudwatch:GetMetricData"},

	// S3 Control: the account-level Block Public Access setting.
	{s3control.ServiceID, "GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock"},

	// STS: who are we scanning. (GetCallerIdentity needs no permission; it is listed
	// so that the policy names every call Cairn makes.)
	{sts.ServiceID, "GetCallerIdentity", "sts:GetCallerIdentity"},

	// KMS: the keys behind SSE-KMS encryption.
	{kms.ServiceID, "DescribeKey", "kms:DescribeKey"},
	{kms.ServiceID, "GetKeyRotationStatus", "kms:GetKeyRotationStatus"},
	{kms.ServiceID, "ListAliases", "kms:ListAliases"},

	// EC2: region discovery for --regions all.
	{ec2.ServiceID, "DescribeRegions", "ec2:DescribeRegions"},

	// RDS and Aurora: discovery and posture (rds.go, rdsposture.go).
	{rds.ServiceID, "DescribeDBInstances", "rds:DescribeDBInstances"},
	{rds.ServiceID, "DescribeDBClusters", "rds:DescribeDBClusters"},
	{rds.ServiceID, "DescribeDBSubnetGroups", "rds:DescribeDBSubnetGroups"},
	{rds.ServiceID, "DescribeDBSnapshots", "rds:DescribeDBSnapshots"},
	{rds.ServiceID, "DescribeDBSnapshotAttributes", "rds:DescribeDBSnapshotAttributes"},
	{rds.ServiceID, "DescribeDBClusterSnapshots", "rds:DescribeDBClusterSnapshots"},
	{rds.ServiceID, "DescribeDBClusterSnapshotAttributes", "rds:DescribeDBClusterSnapshotAttributes"},
	// EC2: whether a database's security groups and subnets expose it.
	{ec2.ServiceID, "DescribeSecurityGroups", "ec2:DescribeSecurityGroups"},
	{ec2.ServiceID, "DescribeRouteTables", "ec2:DescribeRouteTables"},
	// Secrets Manager: database credentials named in the config (secret_arn) or
	// managed by RDS (MasterUserSecret). Reading a secret changes nothing; Cairn
	// needs the password to log in and sample tables read-only.
	{secretsmanager.ServiceID, "GetSecretValue", "secretsmanager:GetSecretValue"},

	// DynamoDB: discovery, posture and sampling (dynamodb.go).
	{dynamodb.ServiceID, "ListTables", "dynamodb:ListTables"},
	{dynamodb.ServiceID, "DescribeTable", "dynamodb:DescribeTable"},
	{dynamodb.ServiceID, "DescribeContinuousBackups", "dynamodb:DescribeContinuousBackups"},
	{dynamodb.ServiceID, "GetResourcePolicy", "dynamodb:GetResourcePolicy"},
	{dynamodb.ServiceID, "Scan", "dynamodb:Scan"},

	// Configuration checks: the account state read by CollectAccountState
	// (collect_*.go) for package configchecks. (ec2 DescribeSecurityGroups and the KMS
	// key reads are listed above.)
	{iam.ServiceID, "GetAccountSummary", "iam:GetAccountSummary"},
	{iam.ServiceID, "GetAccountPasswordPolicy", "iam:GetAccountPasswordPolicy"},
	// GenerateCredentialReport asks IAM to (re)build the credential report, a
	// read-only CSV of the users' credential status; it changes no configuration of
	// the account and is how the report is read (CIS 1.x audit procedures use it).
	{iam.ServiceID, "GenerateCredentialReport", "iam:GenerateCredentialReport"},
	{iam.ServiceID, "GetCredentialReport", "iam:GetCredentialReport"},
	{iam.ServiceID, "ListUsers", "iam:ListUsers"},
	{iam.ServiceID, "ListAttachedUserPolicies", "iam:ListAttachedUserPolicies"},
	{iam.ServiceID, "ListUserPolicies", "iam:ListUserPolicies"},
	{iam.ServiceID, "ListAccessKeys", "iam:ListAccessKeys"},
	{iam.ServiceID, "ListMFADevices", "iam:ListMFADevices"},
	{iam.ServiceID, "ListPolicies", "iam:ListPolicies"},
	{iam.ServiceID, "GetPolicyVersion", "iam:GetPolicyVersion"},
	{iam.ServiceID, "ListServerCertificates", "iam:ListServerCertificates"},
	{iam.ServiceID, "ListEntitiesForPolicy", "iam:ListEntitiesForPolicy"},
	{cloudtrail.ServiceID, "DescribeTrails", "cloudtrail:DescribeTrails"},
	{cloudtrail.ServiceID, "GetTrailStatus", "cloudtrail:GetTrailStatus"},
	{cloudtrail.ServiceID, "GetEventSelectors", "cloudtrail:GetEventSelectors"},
	{cloudwatchlogs.ServiceID, "DescribeMetricFilters", "logs:DescribeMetricFilters"},
	{cloudwatch.ServiceID, "DescribeAlarms", "cloudwatch:DescribeAlarms"},
	{sns.ServiceID, "ListSubscriptions", "sns:ListSubscriptions"},
	{ec2.ServiceID, "DescribeNetworkAcls", "ec2:DescribeNetworkAcls"},
	{ec2.ServiceID, "DescribeVpcs", "ec2:DescribeVpcs"},
	{ec2.ServiceID, "DescribeFlowLogs", "ec2:DescribeFlowLogs"},
	{ec2.ServiceID, "GetEbsEncryptionByDefault", "ec2:GetEbsEncryptionByDefault"},
	{kms.ServiceID, "ListKeys", "kms:ListKeys"},

	// Configuration checks: identity, governance, threat detection and secrets
	// (collect_governance.go, collect_resource_policies.go). Secrets Manager is read
	// for metadata and resource policies only here, never for values.
	{iam.ServiceID, "ListVirtualMFADevices", "iam:ListVirtualMFADevices"},
	{account.ServiceID, "GetAlternateContact", "account:GetAlternateContact"},
	{organizations.ServiceID, "DescribeOrganization", "organizations:DescribeOrganization"},
	{organizations.ServiceID, "ListPolicies", "organizations:ListPolicies"},
	{organizations.ServiceID, "ListTargetsForPolicy", "organizations:ListTargetsForPolicy"},
	{organizations.ServiceID, "ListAWSServiceAccessForOrganization", "organizations:ListAWSServiceAccessForOrganization"},
	{organizations.ServiceID, "ListDelegatedAdministrators", "organizations:ListDelegatedAdministrators"},
	{organizations.ServiceID, "ListDelegatedServicesForAccount", "organizations:ListDelegatedServicesForAccount"},
	{iam.ServiceID, "ListOrganizationsFeatures", "iam:ListOrganizationsFeatures"},
	{accessanalyzer.ServiceID, "ListAnalyzers", "access-analyzer:ListAnalyzers"},
	{configservice.ServiceID, "DescribeConfigurationRecorders", "config:DescribeConfigurationRecorders"},
	{configservice.ServiceID, "DescribeConfigurationRecorderStatus", "config:DescribeConfigurationRecorderStatus"},
	{configservice.ServiceID, "DescribeDeliveryChannels", "config:DescribeDeliveryChannels"},
	{securityhub.ServiceID, "DescribeHub", "securityhub:DescribeHub"},
	{guardduty.ServiceID, "ListDetectors", "guardduty:ListDetectors"},
	{guardduty.ServiceID, "GetDetector", "guardduty:GetDetector"},
	{ecr.ServiceID, "DescribeRepositories", "ecr:DescribeRepositories"},
	{ecr.ServiceID, "GetRegistryScanningConfiguration", "ecr:GetRegistryScanningConfiguration"},
	{secretsmanager.ServiceID, "ListSecrets", "secretsmanager:ListSecrets"},
	{secretsmanager.ServiceID, "GetResourcePolicy", "secretsmanager:GetResourcePolicy"},
	{acm.ServiceID, "ListCertificates", "acm:ListCertificates"},
	{acm.ServiceID, "DescribeCertificate", "acm:DescribeCertificate"},
	{ec2.ServiceID, "DescribeInstances", "ec2:DescribeInstances"},
	{kms.ServiceID, "GetKeyPolicy", "kms:GetKeyPolicy"},
	{lambda.ServiceID, "ListFunctions", "lambda:ListFunctions"},
	{lambda.ServiceID, "GetPolicy", "lambda:GetPolicy"},
	{sns.ServiceID, "ListTopics", "sns:ListTopics"},
	{sns.ServiceID, "GetTopicAttributes", "sns:GetTopicAttributes"},
	{sqs.ServiceID, "ListQueues", "sqs:ListQueues"},
	{sqs.ServiceID, "GetQueueAttributes", "sqs:GetQueueAttributes"},
	// Configuration checks on data stores, availability and web front ends
	// (collect_rds.go, collect_datastores.go, collect_web.go). The RDS and DynamoDB
	// reads are the data scan's, listed above.
	{efs.ServiceID, "DescribeFileSystems", "elasticfilesystem:DescribeFileSystems"},
	{ec2.ServiceID, "GetInstanceMetadataDefaults", "ec2:GetInstanceMetadataDefaults"},
	{elasticloadbalancingv2.ServiceID, "DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancers"},
	{elasticloadbalancingv2.ServiceID, "DescribeListeners", "elasticloadbalancing:DescribeListeners"},
	{elasticloadbalancingv2.ServiceID, "DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeLoadBalancerAttributes"},
	{cloudfront.ServiceID, "ListDistributions", "cloudfront:ListDistributions"},
	{cloudfront.ServiceID, "GetDistributionConfig", "cloudfront:GetDistributionConfig"},
	{lambda.ServiceID, "GetFunctionEventInvokeConfig", "lambda:GetFunctionEventInvokeConfig"},
	{ecs.ServiceID, "ListClusters", "ecs:ListClusters"},
	{ecs.ServiceID, "ListServices", "ecs:ListServices"},
	{ecs.ServiceID, "DescribeServices", "ecs:DescribeServices"},
	{ec2.ServiceID, "DescribeVpcPeeringConnections", "ec2:DescribeVpcPeeringConnections"},
	{ec2.ServiceID, "DescribeVpcEndpoints", "ec2:DescribeVpcEndpoints"},
	{apigateway.ServiceID, "GetRestApis", "apigateway:GET"},
	{apigateway.ServiceID, "GetStages", "apigateway:GET"},
	// EBS volumes and snapshots (ec2.ebs_volumes_encrypted, ec2.ebs_snapshots_encrypted).
	{ec2.ServiceID, "DescribeVolumes", "ec2:DescribeVolumes"},
	{ec2.ServiceID, "DescribeSnapshots", "ec2:DescribeSnapshots"},
	// Log group retention (logs.retention_365).
	{cloudwatchlogs.ServiceID, "DescribeLogGroups", "logs:DescribeLogGroups"},

	// Organizations: the member accounts of cairn scan --org / cairn plan --org
	// (org.go), read in the management or a delegated administrator account.
	{organizations.ServiceID, "ListAccounts", "organizations:ListAccounts"},

	// Credential operations. LoadAWSConfig installs the guard after the SDK has built
	// its credential providers, so the STS/SSO/Signin clients those providers use are
	// not guarded at all. These entries are for clients built later from a guarded
	// config, e.g. stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), roleARN) to
	// scan another account of an organization: they exchange one credential for
	// another and change nothing in any account.
	{sts.ServiceID, "AssumeRole", credentialOp},
	{sts.ServiceID, "AssumeRoleWithWebIdentity", credentialOp},
	{sso.ServiceID, "GetRoleCredentials", credentialOp},
	{ssooidc.ServiceID, "CreateToken", credentialOp},
	{signin.ServiceID, "CreateOAuth2Token", credentialOp},
}

// allowIndex maps service id → operation name → entry.
var allowIndex = func() map[string]map[string]allowedOp {
	idx := make(map[string]map[string]allowedOp)
	for _, e := range readOnlyOps {
		if idx[e.service] == nil {
			idx[e.service] = make(map[string]allowedOp)
		}
		idx[e.service][e.op] = e
	}
	return idx
}()

// isAllowed reports whether the operation op of the service with SDK id service is on
// the read-only allow-list. Names are matched exactly.
func isAllowed(service, op string) bool {
	_, ok := allowIndex[service][op]
	return ok
}

// AllowedIAMActions returns the IAM actions that authorize the allow-listed operations,
// sorted and without duplicates. It is exactly the Action list of deploy/iam-policy.json.
func AllowedIAMActions() []string {
	var actions []string
	for _, e := range readOnlyOps {
		if e.action != credentialOp {
			actions = append(actions, e.action)
		}
	}
	slices.Sort(actions)
	return slices.Compact(actions)
}

// iamPolicyDocument is the JSON shape of an IAM identity policy.
type iamPolicyDocument struct {
	Version   string               `json:"Version"`
	Statement []iamPolicyStatement `json:"Statement"`
}

type iamPolicyStatement struct {
	Sid      string   `json:"Sid"`
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource string   `json:"Resource"`
}

// IAMPolicy returns the least-privilege IAM policy Cairn needs: one Allow statement
// (Sid "CairnReadOnly", Resource "*") granting exactly AllowedIAMActions(), as indented
// JSON ending in a newline. deploy/iam-policy.json holds the same bytes.
func IAMPolicy() []byte {
	doc := iamPolicyDocument{
		Version: "2012-10-17",
		Statement: []iamPolicyStatement{{
			Sid:      "CairnReadOnly",
			Effect:   "Allow",
			Action:   AllowedIAMActions(),
			Resource: "*",
		}},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		// Marshalling a struct of strings cannot fail.
		panic(fmt.Sprintf("scanner: iam policy: %v", err))
	}
	return append(b, '\n')
}

// readOnlyGuard is the Initialize middleware that refuses operations outside the
// allow-list before anything is serialized, signed or sent.
type readOnlyGuard struct{}

func (readOnlyGuard) ID() string { return guardID }

func (readOnlyGuard) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	service := awsmiddleware.GetServiceID(ctx)
	op := awsmiddleware.GetOperationName(ctx)
	if service == "" || op == "" {
		// Fail closed: an operation we cannot name is an operation we cannot allow.
		return middleware.InitializeOutput{}, middleware.Metadata{},
			fmt.Errorf("scanner: guard: unidentified operation (service %q, operation %q) refused: %w", service, op, ErrNotReadOnly)
	}
	if !isAllowed(service, op) {
		return middleware.InitializeOutput{}, middleware.Metadata{},
			fmt.Errorf("scanner: guard: %s %s refused: %w", serviceName(service), op, ErrNotReadOnly)
	}
	return next.HandleInitialize(ctx, in)
}

// serviceName turns an SDK service id ("S3 Control") into the short lowercase form used
// in messages ("s3control").
func serviceName(serviceID string) string {
	return strings.ToLower(strings.ReplaceAll(serviceID, " ", ""))
}

// AddReadOnlyGuard adds the read-only guard to an API client's middleware stack, in the
// Initialize step, as early as the service id and operation name are known (first, or
// right after RegisterServiceMetadata in clients that set them there). It is an APIOptions function: LoadAWSConfig puts it in
// aws.Config.APIOptions, so every client made from that config is guarded; code that
// builds a client some other way can add it with
// `func(o *svc.Options) { o.APIOptions = append(o.APIOptions, scanner.AddReadOnlyGuard) }`.
// Adding it more than once is harmless. Every operation not on the allow-list then fails
// with an error wrapping ErrNotReadOnly, without any request being sent.
func AddReadOnlyGuard(stack *middleware.Stack) error {
	if _, ok := stack.Initialize.Get(guardID); ok {
		return nil
	}
	var err error
	if _, ok := stack.Initialize.Get(registerServiceMetadataID); ok {
		// Older generated clients (s3control) put the service id and operation name
		// into the context in this middleware rather than before the stack runs.
		err = stack.Initialize.Insert(readOnlyGuard{}, registerServiceMetadataID, middleware.After)
	} else {
		err = stack.Initialize.Add(readOnlyGuard{}, middleware.Before)
	}
	if err != nil {
		return fmt.Errorf("scanner: guard: add middleware: %w", err)
	}
	return nil
}
