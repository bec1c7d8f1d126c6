package configchecks

import (
	"maps"
	"slices"
	"strings"
)

// CISVersions are the CIS AWS Foundations Benchmark versions Cairn maps to, oldest
// first. A CIS id in Check.CIS is "VERSION:ID", e.g. "5.0:1.4".
var CISVersions = []string{"5.0", "6.0", "7.0"}

// CISRequirement is one requirement of the CIS AWS Foundations Benchmark, with its id
// in each version that has it. Requirements that moved between versions (1.4 in v5.0
// is 2.4 in v6.0 and 2.5 in v7.0) are one entry.
type CISRequirement struct {
	// Key is Cairn's stable name for the requirement (root-mfa); the MANUAL row of
	// a requirement without a check has the check id "cis.manual.KEY".
	Key string
	// IDs maps a version ("5.0") to the requirement's id in it ("1.4"). Versions
	// without the requirement are absent.
	IDs map[string]string
	// Title is the requirement's title in the newest version that has it.
	Title string
	// Level is the CIS profile level, 1 or 2.
	Level int
	// Category is the area the requirement belongs to; it gives the SOC 2
	// criteria of the requirement's MANUAL row (ManualSOC2).
	Category Category
	// Automated is the benchmark's assessment status: true for "Automated", false
	// for "Manual". Cairn evaluates manual requirements too where the API allows.
	Automated bool
	// Audit is the audit procedure, in Cairn's words: what a person checks. It is
	// the status_extended of the requirement's MANUAL row.
	Audit string
}

// Refs returns the requirement's ids as "VERSION:ID", in CISVersions order.
func (r CISRequirement) Refs() []string {
	var out []string
	for _, v := range CISVersions {
		if id, ok := r.IDs[v]; ok {
			out = append(out, v+":"+id)
		}
	}
	return out
}

// cisIDs builds CISRequirement.IDs from the ids in v5.0, v6.0 and v7.0 ("" = absent).
func cisIDs(v5, v6, v7 string) map[string]string {
	m := map[string]string{}
	for i, id := range []string{v5, v6, v7} {
		if id != "" {
			m[CISVersions[i]] = id
		}
	}
	return m
}

// CISCatalog returns every requirement of CIS AWS Foundations Benchmark v5.0.0,
// v6.0.0 and v7.0.0 (ids, titles, levels, assessment status), in benchmark order. The
// slice and its maps are copies.
func CISCatalog() []CISRequirement {
	out := slices.Clone(cisCatalog)
	for i := range out {
		out[i].IDs = maps.Clone(out[i].IDs)
	}
	return out
}

// CISRequirementFor returns the requirement a "VERSION:ID" reference names.
func CISRequirementFor(ref string) (CISRequirement, bool) {
	version, id, ok := strings.Cut(ref, ":")
	if !ok {
		return CISRequirement{}, false
	}
	for _, r := range cisCatalog {
		if r.IDs[version] == id {
			return r, true
		}
	}
	return CISRequirement{}, false
}

// cisCatalog is the catalogue: v5.0.0 has 63 requirements, v6.0.0 63 and v7.0.0 70.
// Ids and titles are the benchmarks' own; audit procedures are Cairn's summaries.
var cisCatalog = []CISRequirement{
	{Key: "contact-details", IDs: cisIDs("1.1", "2.1", "2.2"), Level: 1, Automated: false, Category: CategoryIAM,
		Title: "Maintain current AWS account contact details",
		Audit: "In the Billing console's Account page, confirm the account contact email and phone number reach more than one person (a mail alias, a hunt group), or run aws account get-contact-information."},
	{Key: "security-contact", IDs: cisIDs("1.2", "2.2", "2.3"), Level: 1, Automated: false, Category: CategoryIAM,
		Title: "Ensure security contact information is registered",
		Audit: "Confirm a SECURITY alternate contact is registered: aws account get-alternate-contact --alternate-contact-type SECURITY."},
	{Key: "root-access-keys", IDs: cisIDs("1.3", "2.3", "2.4"), Level: 1, Automated: true, Category: CategoryIAM,
		Title: "Ensure no 'root' user account access key exists",
		Audit: "aws iam get-account-summary must show AccountAccessKeysPresent 0, and the credential report's <root_account> row access_key_1_active and access_key_2_active false."},
	{Key: "root-mfa", IDs: cisIDs("1.4", "2.4", "2.5"), Level: 1, Automated: true, Category: CategoryIAM,
		Title: "Ensure MFA is enabled for the 'root' user account",
		Audit: "aws iam get-account-summary must show AccountMFAEnabled 1 (the credential report's <root_account> row: mfa_active true)."},
	{Key: "root-hardware-mfa", IDs: cisIDs("1.5", "2.5", "2.6"), Level: 2, Automated: false, Category: CategoryIAM,
		Title: "Ensure hardware MFA is enabled for the 'root' user account",
		Audit: "Confirm the root user's MFA device is a hardware device: aws iam list-virtual-mfa-devices must list no device whose serial number ends in root-account-mfa-device while aws iam get-account-summary reports AccountMFAEnabled 1."},
	{Key: "root-daily-use", IDs: cisIDs("1.6", "2.6", "2.7"), Level: 1, Automated: false, Category: CategoryIAM,
		Title: "Eliminate use of the 'root' user for administrative and daily tasks",
		Audit: "In the credential report, read password_last_used and access_key_N_last_used_date of <root_account>: the root user should have been used only for the few tasks that require it."},
	{Key: "password-min-length", IDs: cisIDs("1.7", "2.7", "2.8"), Level: 1, Automated: true, Category: CategoryIAM,
		Title: "Ensure IAM password policy requires minimum length of 14 or greater",
		Audit: "aws iam get-account-password-policy must show MinimumPasswordLength 14 or more."},
	{Key: "password-reuse", IDs: cisIDs("1.8", "2.8", "2.9"), Level: 1, Automated: true, Category: CategoryIAM,
		Title: "Ensure IAM password policy prevents password reuse",
		Audit: "aws iam get-account-password-policy must show PasswordReusePrevention 24."},
	{Key: "user-console-mfa", IDs: cisIDs("1.9", "2.9", "2.10"), Level: 1, Automated: true, Category: CategoryIAM,
		Title: "Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password",
		Audit: "In the credential report, every user with password_enabled true must have mfa_active true."},
	{Key: "no-keys-at-setup", IDs: cisIDs("1.10", "2.10", ""), Level: 1, Automated: false, Category: CategoryIAM,
		Title: "Do not create access keys during initial setup for IAM users with a console password",
		Audit: "In the credential report, for each user with a console password, confirm no access key was created together with the user and left unused (access_key_N_last_used_date N/A)."},
	{Key: "unused-credentials", IDs: cisIDs("1.11", "2.11", "2.11"), Level: 1, Automated: true, Category: CategoryIAM,
		Title: "Ensure credentials unused for 45 days or more are disabled",
		Audit: "In the credential report, no user may have an enabled password or an active access key unused (or, if never used, created) 45 days or more ago."},
	{Key: "single-active-key", IDs: cisIDs("1.12", "2.12", ""), Level: 1, Automated: true, Category: CategoryIAM,
		Title: "Ensure there is only one active access key for any single IAM user",
		Audit: "aws iam list-access-keys --user-name NAME must show at most one key with Status Active, for every user."},
	{Key: "key-rotation", IDs: cisIDs("1.13", "2.13", "2.12"), Level: 1, Automated: true, Category: CategoryIAM,
		Title: "Ensure access keys are rotated every 90 days or less",
		Audit: "aws iam list-access-keys must show no Active key whose CreateDate is more than 90 days ago, for every user."},
	{Key: "permissions-via-groups", IDs: cisIDs("1.14", "2.14", "2.13"), Level: 1, Automated: true, Category: CategoryIAM,
		Title: "Ensure IAM users receive permissions only through groups",
		Audit: "For every user, aws iam list-attached-user-policies and list-user-policies must both be empty."},
	{Key: "no-admin-policies", IDs: cisIDs("1.15", "2.15", "2.14"), Level: 1, Automated: true, Category: CategoryIAM,
		Title: "Ensure IAM policies that allow full \"*:*\" administrative privileges are not attached",
		Audit: "For every attached customer managed policy (aws iam list-policies --scope Local --only-attached), the default version (get-policy-version) must not Allow Action '*' on Resource '*'."},
	{Key: "support-role", IDs: cisIDs("1.16", "2.16", "2.15"), Level: 1, Automated: true, Category: CategoryIAM,
		Title: "Ensure a support role has been created to manage incidents with AWS Support",
		Audit: "aws iam list-entities-for-policy --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess must list at least one user, group or role."},
	{Key: "instance-roles", IDs: cisIDs("1.17", "2.17", "2.16"), Level: 2, Automated: true, Category: CategoryIAM,
		Title: "Ensure IAM instance roles are used for AWS resource access from instances",
		Audit: "For each running EC2 instance, confirm an IAM instance profile is attached (aws ec2 describe-instances, IamInstanceProfile) and that no long-term access keys are stored on the instance."},
	{Key: "expired-server-certs", IDs: cisIDs("1.18", "2.18", "2.17"), Level: 1, Automated: true, Category: CategoryIAM,
		Title: "Ensure that all expired SSL/TLS certificates stored in AWS IAM are removed",
		Audit: "aws iam list-server-certificates must show no certificate whose Expiration is in the past."},
	{Key: "access-analyzer", IDs: cisIDs("1.19", "2.19", "2.18"), Level: 1, Automated: true, Category: CategoryIAM,
		Title: "Ensure that IAM External Access Analyzer is enabled for all regions",
		Audit: "In every enabled region, aws accessanalyzer list-analyzers must show an analyzer with status ACTIVE."},
	{Key: "central-identity", IDs: cisIDs("1.20", "2.20", "2.19"), Level: 2, Automated: false, Category: CategoryIAM,
		Title: "Ensure IAM users are managed centrally via identity federation or AWS Organizations for multi-account environments",
		Audit: "Confirm people sign in through IAM Identity Center or an external identity provider, and that IAM users exist only in a central identity account of the organization."},
	{Key: "cloudshell-access", IDs: cisIDs("1.21", "2.21", "2.20"), Level: 1, Automated: false, Category: CategoryIAM,
		Title: "Ensure access to AWSCloudShellFullAccess is restricted",
		Audit: "aws iam list-entities-for-policy --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess must list no user, group or role."},
	{Key: "s3-deny-http", IDs: cisIDs("2.1.1", "3.1.1", "3.1.1"), Level: 2, Automated: true, Category: CategoryData,
		Title: "Ensure S3 Bucket Policy is set to deny HTTP requests",
		Audit: "For each bucket, aws s3api get-bucket-policy must have a Deny statement for Principal '*' and s3 actions with the condition aws:SecureTransport false."},
	{Key: "s3-mfa-delete", IDs: cisIDs("2.1.2", "3.1.2", "3.1.2"), Level: 2, Automated: false, Category: CategoryData,
		Title: "Ensure MFA Delete is enabled on S3 buckets",
		Audit: "For each bucket, aws s3api get-bucket-versioning --bucket NAME must show Status Enabled and MFADelete Enabled."},
	{Key: "s3-data-classified", IDs: cisIDs("2.1.3", "3.1.3", "3.1.3"), Level: 2, Automated: false, Category: CategoryData,
		Title: "Ensure all data in Amazon S3 has been discovered, classified, and secured when necessary",
		Audit: "Run a data discovery over every bucket (Cairn's S3 scan, or Amazon Macie) and confirm the buckets holding sensitive data are encrypted with a customer managed key and not public."},
	{Key: "s3-block-public-access", IDs: cisIDs("2.1.4", "3.1.4", "3.1.4"), Level: 1, Automated: true, Category: CategoryData,
		Title: "Ensure that S3 is configured with 'Block Public Access' enabled",
		Audit: "aws s3control get-public-access-block --account-id ID must show all four settings true; otherwise aws s3api get-public-access-block must show all four true for every bucket."},
	{Key: "rds-encryption", IDs: cisIDs("2.2.1", "3.2.1", "3.2.1"), Level: 1, Automated: true, Category: CategoryData,
		Title: "Ensure that encryption-at-rest is enabled for RDS instances",
		Audit: "aws rds describe-db-instances must show StorageEncrypted true for every DB instance."},
	{Key: "rds-minor-upgrade", IDs: cisIDs("2.2.2", "3.2.2", "3.2.2"), Level: 1, Automated: true, Category: CategoryData,
		Title: "Ensure the Auto Minor Version Upgrade feature is enabled for RDS instances",
		Audit: "aws rds describe-db-instances must show AutoMinorVersionUpgrade true for every DB instance."},
	{Key: "rds-public", IDs: cisIDs("2.2.3", "3.2.3", "3.2.3"), Level: 1, Automated: true, Category: CategoryData,
		Title: "Ensure that RDS instances are not publicly accessible",
		Audit: "aws rds describe-db-instances must show PubliclyAccessible false for every DB instance."},
	{Key: "rds-multi-az", IDs: cisIDs("2.2.4", "3.2.4", "3.2.4"), Level: 1, Automated: false, Category: CategoryAvailability,
		Title: "Ensure Multi-AZ deployments are used for enhanced availability in Amazon RDS",
		Audit: "aws rds describe-db-instances must show MultiAZ true for every production DB instance."},
	{Key: "efs-encryption", IDs: cisIDs("2.3.1", "3.3.1", "3.3.1"), Level: 1, Automated: true, Category: CategoryData,
		Title: "Ensure that encryption is enabled for EFS file systems",
		Audit: "aws efs describe-file-systems must show Encrypted true for every file system."},
	{Key: "cloudtrail-multi-region", IDs: cisIDs("3.1", "4.1", "4.1"), Level: 1, Automated: false, Category: CategoryLogging,
		Title: "Ensure CloudTrail is enabled in all regions",
		Audit: "aws cloudtrail describe-trails must show a trail with IsMultiRegionTrail true whose get-trail-status shows IsLogging true and whose get-event-selectors include management events with ReadWriteType All."},
	{Key: "cloudtrail-log-validation", IDs: cisIDs("3.2", "4.2", "4.2"), Level: 2, Automated: true, Category: CategoryLogging,
		Title: "Ensure CloudTrail log file validation is enabled",
		Audit: "aws cloudtrail describe-trails must show LogFileValidationEnabled true for every trail."},
	{Key: "config-all-regions", IDs: cisIDs("3.3", "4.3", "4.3"), Level: 2, Automated: true, Category: CategoryLogging,
		Title: "Ensure AWS Config is enabled in all regions",
		Audit: "In every enabled region, aws configservice describe-configuration-recorders must show a recorder recording all resource types, and describe-configuration-recorder-status must show recording true with lastStatus SUCCESS."},
	{Key: "cloudtrail-bucket-logging", IDs: cisIDs("3.4", "4.4", "4.4"), Level: 1, Automated: false, Category: CategoryLogging,
		Title: "Ensure that server access logging is enabled on the CloudTrail S3 bucket",
		Audit: "For the S3 bucket of every trail (S3BucketName), aws s3api get-bucket-logging must return a LoggingEnabled target."},
	{Key: "cloudtrail-kms", IDs: cisIDs("3.5", "4.5", "4.5"), Level: 2, Automated: true, Category: CategoryLogging,
		Title: "Ensure CloudTrail logs are encrypted at rest using KMS CMKs",
		Audit: "aws cloudtrail describe-trails must show a KmsKeyId for every trail."},
	{Key: "kms-rotation", IDs: cisIDs("3.6", "4.6", "4.6"), Level: 2, Automated: true, Category: CategoryLogging,
		Title: "Ensure rotation for customer-created symmetric CMKs is enabled",
		Audit: "For every enabled customer managed symmetric key (aws kms list-keys, describe-key), aws kms get-key-rotation-status must show KeyRotationEnabled true."},
	{Key: "vpc-flow-logs", IDs: cisIDs("3.7", "4.7", "4.7"), Level: 2, Automated: true, Category: CategoryLogging,
		Title: "Ensure VPC flow logging is enabled in all VPCs",
		Audit: "For every VPC (aws ec2 describe-vpcs), aws ec2 describe-flow-logs --filter Name=resource-id,Values=VPC_ID must show an ACTIVE flow log."},
	{Key: "s3-object-write-logging", IDs: cisIDs("3.8", "4.8", "4.8"), Level: 2, Automated: true, Category: CategoryLogging,
		Title: "Ensure that object-level logging for write events is enabled for S3 buckets",
		Audit: "aws cloudtrail get-event-selectors must show, on a logging multi-region trail, an S3 data-event selector (AWS::S3::Object) covering all buckets (arn:aws:s3) or the bucket, with ReadWriteType All or WriteOnly."},
	{Key: "s3-object-read-logging", IDs: cisIDs("3.9", "4.9", "4.9"), Level: 2, Automated: true, Category: CategoryLogging,
		Title: "Ensure that object-level logging for read events is enabled for S3 buckets",
		Audit: "aws cloudtrail get-event-selectors must show, on a logging multi-region trail, an S3 data-event selector (AWS::S3::Object) covering all buckets (arn:aws:s3) or the bucket, with ReadWriteType All or ReadOnly."},
	{Key: "monitor-unauthorized-api-calls", IDs: cisIDs("4.1", "5.1", "5.1"), Level: 2, Automated: false, Category: CategoryMonitoring,
		Title: "Ensure unauthorized API calls are monitored",
		Audit: "aws cloudtrail describe-trails must show a logging multi-region trail sending to a CloudWatch Logs group (CloudWatchLogsLogGroupArn); aws logs describe-metric-filters on that group must show a filter matching the CIS pattern for unauthorized API calls; aws cloudwatch describe-alarms must show an alarm on the filter's metric whose action is an SNS topic; aws sns list-subscriptions-by-topic must show at least one confirmed subscription."},
	{Key: "monitor-console-no-mfa", IDs: cisIDs("4.2", "5.2", "5.2"), Level: 1, Automated: false, Category: CategoryMonitoring,
		Title: "Ensure management console sign-in without MFA is monitored",
		Audit: "aws cloudtrail describe-trails must show a logging multi-region trail sending to a CloudWatch Logs group (CloudWatchLogsLogGroupArn); aws logs describe-metric-filters on that group must show a filter matching the CIS pattern for console sign-in without MFA; aws cloudwatch describe-alarms must show an alarm on the filter's metric whose action is an SNS topic; aws sns list-subscriptions-by-topic must show at least one confirmed subscription."},
	{Key: "monitor-root-usage", IDs: cisIDs("4.3", "5.3", "5.3"), Level: 1, Automated: false, Category: CategoryMonitoring,
		Title: "Ensure usage of the 'root' account is monitored",
		Audit: "aws cloudtrail describe-trails must show a logging multi-region trail sending to a CloudWatch Logs group (CloudWatchLogsLogGroupArn); aws logs describe-metric-filters on that group must show a filter matching the CIS pattern for root user usage; aws cloudwatch describe-alarms must show an alarm on the filter's metric whose action is an SNS topic; aws sns list-subscriptions-by-topic must show at least one confirmed subscription."},
	{Key: "monitor-iam-policy-changes", IDs: cisIDs("4.4", "5.4", "5.4"), Level: 1, Automated: false, Category: CategoryMonitoring,
		Title: "Ensure IAM policy changes are monitored",
		Audit: "aws cloudtrail describe-trails must show a logging multi-region trail sending to a CloudWatch Logs group (CloudWatchLogsLogGroupArn); aws logs describe-metric-filters on that group must show a filter matching the CIS pattern for IAM policy changes; aws cloudwatch describe-alarms must show an alarm on the filter's metric whose action is an SNS topic; aws sns list-subscriptions-by-topic must show at least one confirmed subscription."},
	{Key: "monitor-cloudtrail-changes", IDs: cisIDs("4.5", "5.5", "5.5"), Level: 1, Automated: false, Category: CategoryMonitoring,
		Title: "Ensure CloudTrail configuration changes are monitored",
		Audit: "aws cloudtrail describe-trails must show a logging multi-region trail sending to a CloudWatch Logs group (CloudWatchLogsLogGroupArn); aws logs describe-metric-filters on that group must show a filter matching the CIS pattern for CloudTrail configuration changes; aws cloudwatch describe-alarms must show an alarm on the filter's metric whose action is an SNS topic; aws sns list-subscriptions-by-topic must show at least one confirmed subscription."},
	{Key: "monitor-console-auth-failures", IDs: cisIDs("4.6", "5.6", "5.6"), Level: 2, Automated: false, Category: CategoryMonitoring,
		Title: "Ensure AWS Management Console authentication failures are monitored",
		Audit: "aws cloudtrail describe-trails must show a logging multi-region trail sending to a CloudWatch Logs group (CloudWatchLogsLogGroupArn); aws logs describe-metric-filters on that group must show a filter matching the CIS pattern for console authentication failures; aws cloudwatch describe-alarms must show an alarm on the filter's metric whose action is an SNS topic; aws sns list-subscriptions-by-topic must show at least one confirmed subscription."},
	{Key: "monitor-cmk-disable-delete", IDs: cisIDs("4.7", "5.7", "5.7"), Level: 2, Automated: false, Category: CategoryMonitoring,
		Title: "Ensure disabling or scheduled deletion of customer created CMKs is monitored",
		Audit: "aws cloudtrail describe-trails must show a logging multi-region trail sending to a CloudWatch Logs group (CloudWatchLogsLogGroupArn); aws logs describe-metric-filters on that group must show a filter matching the CIS pattern for disabling or scheduled deletion of customer managed keys; aws cloudwatch describe-alarms must show an alarm on the filter's metric whose action is an SNS topic; aws sns list-subscriptions-by-topic must show at least one confirmed subscription."},
	{Key: "monitor-s3-policy-changes", IDs: cisIDs("4.8", "5.8", "5.8"), Level: 1, Automated: false, Category: CategoryMonitoring,
		Title: "Ensure S3 bucket policy changes are monitored",
		Audit: "aws cloudtrail describe-trails must show a logging multi-region trail sending to a CloudWatch Logs group (CloudWatchLogsLogGroupArn); aws logs describe-metric-filters on that group must show a filter matching the CIS pattern for S3 bucket policy changes; aws cloudwatch describe-alarms must show an alarm on the filter's metric whose action is an SNS topic; aws sns list-subscriptions-by-topic must show at least one confirmed subscription."},
	{Key: "monitor-config-changes", IDs: cisIDs("4.9", "5.9", "5.9"), Level: 2, Automated: false, Category: CategoryMonitoring,
		Title: "Ensure AWS Config configuration changes are monitored",
		Audit: "aws cloudtrail describe-trails must show a logging multi-region trail sending to a CloudWatch Logs group (CloudWatchLogsLogGroupArn); aws logs describe-metric-filters on that group must show a filter matching the CIS pattern for AWS Config configuration changes; aws cloudwatch describe-alarms must show an alarm on the filter's metric whose action is an SNS topic; aws sns list-subscriptions-by-topic must show at least one confirmed subscription."},
	{Key: "monitor-security-group-changes", IDs: cisIDs("4.10", "5.10", "5.10"), Level: 2, Automated: false, Category: CategoryMonitoring,
		Title: "Ensure security group changes are monitored",
		Audit: "aws cloudtrail describe-trails must show a logging multi-region trail sending to a CloudWatch Logs group (CloudWatchLogsLogGroupArn); aws logs describe-metric-filters on that group must show a filter matching the CIS pattern for security group changes; aws cloudwatch describe-alarms must show an alarm on the filter's metric whose action is an SNS topic; aws sns list-subscriptions-by-topic must show at least one confirmed subscription."},
	{Key: "monitor-nacl-changes", IDs: cisIDs("4.11", "5.11", "5.11"), Level: 2, Automated: false, Category: CategoryMonitoring,
		Title: "Ensure Network Access Control List (NACL) changes are monitored",
		Audit: "aws cloudtrail describe-trails must show a logging multi-region trail sending to a CloudWatch Logs group (CloudWatchLogsLogGroupArn); aws logs describe-metric-filters on that group must show a filter matching the CIS pattern for network ACL changes; aws cloudwatch describe-alarms must show an alarm on the filter's metric whose action is an SNS topic; aws sns list-subscriptions-by-topic must show at least one confirmed subscription."},
	{Key: "monitor-gateway-changes", IDs: cisIDs("4.12", "5.12", "5.12"), Level: 1, Automated: false, Category: CategoryMonitoring,
		Title: "Ensure changes to network gateways are monitored",
		Audit: "aws cloudtrail describe-trails must show a logging multi-region trail sending to a CloudWatch Logs group (CloudWatchLogsLogGroupArn); aws logs describe-metric-filters on that group must show a filter matching the CIS pattern for network gateway changes; aws cloudwatch describe-alarms must show an alarm on the filter's metric whose action is an SNS topic; aws sns list-subscriptions-by-topic must show at least one confirmed subscription."},
	{Key: "monitor-route-table-changes", IDs: cisIDs("4.13", "5.13", "5.13"), Level: 1, Automated: false, Category: CategoryMonitoring,
		Title: "Ensure route table changes are monitored",
		Audit: "aws cloudtrail describe-trails must show a logging multi-region trail sending to a CloudWatch Logs group (CloudWatchLogsLogGroupArn); aws logs describe-metric-filters on that group must show a filter matching the CIS pattern for route table changes; aws cloudwatch describe-alarms must show an alarm on the filter's metric whose action is an SNS topic; aws sns list-subscriptions-by-topic must show at least one confirmed subscription."},
	{Key: "monitor-vpc-changes", IDs: cisIDs("4.14", "5.14", "5.14"), Level: 1, Automated: false, Category: CategoryMonitoring,
		Title: "Ensure VPC changes are monitored",
		Audit: "aws cloudtrail describe-trails must show a logging multi-region trail sending to a CloudWatch Logs group (CloudWatchLogsLogGroupArn); aws logs describe-metric-filters on that group must show a filter matching the CIS pattern for VPC changes; aws cloudwatch describe-alarms must show an alarm on the filter's metric whose action is an SNS topic; aws sns list-subscriptions-by-topic must show at least one confirmed subscription."},
	{Key: "monitor-organizations-changes", IDs: cisIDs("4.15", "5.15", "5.15"), Level: 1, Automated: false, Category: CategoryMonitoring,
		Title: "Ensure AWS Organizations changes are monitored",
		Audit: "aws cloudtrail describe-trails must show a logging multi-region trail sending to a CloudWatch Logs group (CloudWatchLogsLogGroupArn); aws logs describe-metric-filters on that group must show a filter matching the CIS pattern for AWS Organizations changes; aws cloudwatch describe-alarms must show an alarm on the filter's metric whose action is an SNS topic; aws sns list-subscriptions-by-topic must show at least one confirmed subscription."},
	{Key: "security-hub", IDs: cisIDs("4.16", "5.16", "5.16"), Level: 2, Automated: true, Category: CategoryThreat,
		Title: "Ensure AWS Security Hub is enabled",
		Audit: "In every enabled region, aws securityhub describe-hub must return the hub (not InvalidAccessException)."},
	{Key: "nacl-admin-ports", IDs: cisIDs("5.2", "6.2", "6.2"), Level: 1, Automated: true, Category: CategoryNetwork,
		Title: "Ensure no Network ACLs allow ingress from 0.0.0.0/0 to remote server administration ports",
		Audit: "aws ec2 describe-network-acls must show no inbound allow rule from 0.0.0.0/0 or ::/0 that covers port 22 or 3389 (protocol all, TCP or UDP)."},
	{Key: "sg-admin-ports-ipv4", IDs: cisIDs("5.3", "6.3", "6.3"), Level: 1, Automated: true, Category: CategoryNetwork,
		Title: "Ensure no security groups allow ingress from 0.0.0.0/0 to remote server administration ports",
		Audit: "aws ec2 describe-security-groups must show no inbound rule from 0.0.0.0/0 that covers port 22 or 3389."},
	{Key: "sg-admin-ports-ipv6", IDs: cisIDs("5.4", "6.4", "6.4"), Level: 1, Automated: true, Category: CategoryNetwork,
		Title: "Ensure no security groups allow ingress from ::/0 to remote server administration ports",
		Audit: "aws ec2 describe-security-groups must show no inbound rule from ::/0 that covers port 22 or 3389."},
	{Key: "default-sg", IDs: cisIDs("5.5", "6.5", "6.5"), Level: 2, Automated: true, Category: CategoryNetwork,
		Title: "Ensure the default security group of every VPC restricts all traffic",
		Audit: "For every VPC, aws ec2 describe-security-groups --filters Name=group-name,Values=default must show no inbound and no outbound rules."},
	{Key: "vpc-peering-routes", IDs: cisIDs("5.6", "6.6", "6.6"), Level: 2, Automated: false, Category: CategoryNetwork,
		Title: "Ensure routing tables for VPC peering are \"least access\"",
		Audit: "For each VPC peering connection, review the route tables that reference it (aws ec2 describe-route-tables): routes must cover only the CIDRs that need to reach the peer."},
	{Key: "imdsv2", IDs: cisIDs("5.7", "6.7", "6.7"), Level: 1, Automated: true, Category: CategoryNetwork,
		Title: "Ensure that the EC2 Metadata Service only allows IMDSv2",
		Audit: "aws ec2 describe-instances must show MetadataOptions.HttpTokens required for every instance."},
	{Key: "ebs-default-encryption", IDs: cisIDs("5.1.1", "6.1.1", "6.1.1"), Level: 1, Automated: true, Category: CategoryNetwork,
		Title: "Ensure EBS volume encryption is enabled in all regions",
		Audit: "In every enabled region, aws ec2 get-ebs-encryption-by-default must show EbsEncryptionByDefault true."},
	{Key: "cifs", IDs: cisIDs("5.1.2", "6.1.2", "6.1.2"), Level: 1, Automated: true, Category: CategoryNetwork,
		Title: "Ensure CIFS access is restricted to trusted networks to prevent unauthorized access",
		Audit: "aws ec2 describe-security-groups must show no inbound rule from 0.0.0.0/0 or ::/0 that covers port 445."},
	{Key: "org-centralized-root", IDs: cisIDs("", "", "2.1.1"), Level: 2, Automated: false, Category: CategoryIAM,
		Title: "Ensure centralized root access in AWS Organizations",
		Audit: "In the Organizations management account, confirm centralized root access is enabled (aws iam list-organizations-features shows RootCredentialsManagement and RootSessions) and member accounts have no root credentials."},
	{Key: "org-guardrails", IDs: cisIDs("", "", "2.1.2"), Level: 2, Automated: false, Category: CategoryIAM,
		Title: "Ensure authorization guardrails for all AWS Organization accounts",
		Audit: "Confirm service control policies and resource control policies are attached to the organization root or OUs to enforce authorization guardrails for all accounts (aws organizations list-policies-for-target)."},
	{Key: "org-management-no-workloads", IDs: cisIDs("", "", "2.1.3"), Level: 2, Automated: false, Category: CategoryIAM,
		Title: "Ensure Organizations management account is not used for workloads",
		Audit: "Confirm the Organizations management account runs no workloads: no EC2, RDS, Lambda or other application resources beyond what organization management needs."},
	{Key: "org-ou-structure", IDs: cisIDs("", "", "2.1.4"), Level: 2, Automated: false, Category: CategoryIAM,
		Title: "Ensure Organizational Units are structured by environment and sensitivity",
		Audit: "Review aws organizations list-organizational-units-for-parent: OUs should separate accounts by environment (production, development) and data sensitivity."},
	{Key: "org-delegated-policies", IDs: cisIDs("", "", "2.1.5"), Level: 2, Automated: false, Category: CategoryIAM,
		Title: "Ensure delegated admin manages AWS Organizations policies",
		Audit: "Confirm a delegated administrator account manages Organizations policies (aws organizations describe-resource-policy) so the management account is not used day to day."},
	{Key: "org-delegated-services", IDs: cisIDs("", "", "2.1.6"), Level: 2, Automated: false, Category: CategoryIAM,
		Title: "Ensure delegated admins manage AWS Organizations-integrated services",
		Audit: "For each Organizations-integrated service (aws organizations list-aws-service-access-for-organization), confirm a delegated administrator is registered (list-delegated-administrators)."},
	{Key: "resource-policy-no-public", IDs: cisIDs("", "", "2.21"), Level: 1, Automated: false, Category: CategoryIAM,
		Title: "Ensure AWS resource policies do not allow unrestricted access using 'Principal': '*'",
		Audit: "Review the resource policies of S3 buckets, SNS topics, SQS queues, KMS keys, Lambda functions and other resources: no Allow statement may have Principal '*' without a condition that restricts the caller."},
	{Key: "web-frontend-logging", IDs: cisIDs("", "", "4.10"), Level: 1, Automated: false, Category: CategoryLogging,
		Title: "Ensure all AWS-managed web front-end services have access logging enabled",
		Audit: "Confirm access logging is enabled on every CloudFront distribution, Application/Network Load Balancer and API Gateway stage."},
	{Key: "vpc-endpoints", IDs: cisIDs("", "", "6.8"), Level: 2, Automated: false, Category: CategoryNetwork,
		Title: "Ensure VPC Endpoints are used for access to AWS Services",
		Audit: "Confirm VPCs that call AWS services privately use VPC endpoints (aws ec2 describe-vpc-endpoints) for those services, such as S3, DynamoDB and KMS."},
}
