package scanner

import (
	"slices"
	"testing"

	"github.com/cairnsec/cairn/configchecks"
)

// stateCollectorActions are the IAM actions behind every call CollectAccountState
// makes (collect_*.go). A new call needs an entry here, in readOnlyOps, and in the
// Permissions of the checks that read its result.
var stateCollectorActions = []string{
	"sts:GetCallerIdentity",
	"iam:GetAccountSummary", "iam:GetAccountPasswordPolicy", "iam:GenerateCredentialReport", "iam:GetCredentialReport",
	"iam:ListUsers", "iam:ListAttachedUserPolicies", "iam:ListUserPolicies", "iam:ListAccessKeys", "iam:ListMFADevices",
	"iam:ListPolicies", "iam:GetPolicyVersion", "iam:ListServerCertificates", "iam:ListEntitiesForPolicy",
	"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetAccountPublicAccessBlock", "s3:GetBucketPublicAccessBlock",
	"s3:GetEncryptionConfiguration", "s3:GetBucketPolicyStatus", "s3:GetBucketPolicy", "s3:GetBucketAcl",
	"s3:GetBucketVersioning", "s3:GetBucketLogging", "s3:GetBucketObjectLockConfiguration", "kms:DescribeKey",
	"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors",
	"logs:DescribeMetricFilters", "cloudwatch:DescribeAlarms", "sns:ListSubscriptions",
	"ec2:DescribeSecurityGroups", "ec2:DescribeNetworkAcls", "ec2:DescribeVpcs", "ec2:DescribeFlowLogs",
	"ec2:GetEbsEncryptionByDefault", "kms:ListKeys", "kms:GetKeyRotationStatus",
	// Identity, governance, threat detection and secrets (collect_governance.go,
	// collect_resource_policies.go).
	"iam:ListVirtualMFADevices", "iam:ListOrganizationsFeatures", "account:GetAlternateContact",
	"organizations:DescribeOrganization", "organizations:ListPolicies", "organizations:ListTargetsForPolicy",
	"organizations:ListAWSServiceAccessForOrganization", "organizations:ListDelegatedAdministrators",
	"organizations:ListDelegatedServicesForAccount", "access-analyzer:ListAnalyzers",
	"config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus", "config:DescribeDeliveryChannels",
	"securityhub:DescribeHub", "guardduty:ListDetectors", "guardduty:GetDetector",
	"ecr:DescribeRepositories", "ecr:GetRegistryScanningConfiguration", "secretsmanager:ListSecrets",
	"secretsmanager:GetResourcePolicy", "acm:ListCertificates", "acm:DescribeCertificate", "ec2:DescribeInstances",
	"kms:GetKeyPolicy", "lambda:ListFunctions", "lambda:GetPolicy", "sns:ListTopics", "sns:GetTopicAttributes",
	"sqs:ListQueues", "sqs:GetQueueAttributes",
	// Data stores, availability and web front ends (collect_rds.go,
	// collect_datastores.go, collect_web.go).
	"rds:DescribeDBInstances", "rds:DescribeDBClusters", "rds:DescribeDBSubnetGroups", "ec2:DescribeRouteTables",
	"rds:DescribeDBSnapshots", "rds:DescribeDBSnapshotAttributes", "rds:DescribeDBClusterSnapshots", "rds:DescribeDBClusterSnapshotAttributes",
	"elasticfilesystem:DescribeFileSystems", "ec2:DescribeInstances", "ec2:GetInstanceMetadataDefaults",
	"dynamodb:ListTables", "dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups", "dynamodb:GetResourcePolicy",
	"sns:ListTopics", "sns:GetTopicAttributes",
	"elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeLoadBalancerAttributes",
	"cloudfront:ListDistributions", "cloudfront:GetDistributionConfig", "lambda:ListFunctions", "lambda:GetFunctionEventInvokeConfig",
	"ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeVpcEndpoints",
	"apigateway:GET",
	// EBS volumes and snapshots (collect_ec2.go).
	"ec2:DescribeVolumes", "ec2:DescribeSnapshots",
	// Log groups (collect_monitoring.go).
	"logs:DescribeLogGroups",
}

// dataScanActions are named by the data-aware checks (data.*) because the data scan
// of the same run calls them (sampling, classification), not CollectAccountState.
var dataScanActions = []string{"s3:ListBucket", "s3:GetObject", "dynamodb:Scan"}

// sharedPostureActions are read by the collectors only because the S3 collector
// reuses the assets table's bucket posture (public-access verdict, encryption
// details), or the RDS and DynamoDB collectors the data scan's posture; no check
// names them.
var sharedPostureActions = []string{
	"sts:GetCallerIdentity", "s3:GetEncryptionConfiguration", "s3:GetBucketPolicyStatus", "s3:GetBucketAcl",
	"s3:GetBucketVersioning", "s3:GetBucketObjectLockConfiguration", "kms:DescribeKey", "iam:ListMFADevices",
	"dynamodb:GetResourcePolicy",
}

// TestCheckPermissions ties the checks' declared permissions (docs/checks.md) to the
// IAM policy: every permission a check names is granted, and every call the state
// collectors make is granted and, apart from sharedPostureActions, named by a check.
func TestCheckPermissions(t *testing.T) {
	granted := AllowedIAMActions()
	named := map[string]bool{}
	for _, c := range configchecks.All() {
		for _, p := range c.Permissions {
			named[p] = true
			if !slices.Contains(granted, p) {
				t.Errorf("%s: permission %s is not in the allow-list (guard.go)", c.ID, p)
			}
		}
	}
	for _, a := range stateCollectorActions {
		if !slices.Contains(granted, a) {
			t.Errorf("collector action %s is not in the allow-list", a)
		}
		if !named[a] && !slices.Contains(sharedPostureActions, a) {
			t.Errorf("collector action %s is named by no check's Permissions", a)
		}
	}
	for a := range named {
		if !slices.Contains(stateCollectorActions, a) && !slices.Contains(dataScanActions, a) {
			t.Errorf("a check names %s, which no collector calls", a)
		}
	}
}
