package configchecks

import (
	"strings"
	"time"
)

// Attr is one attribute group of the account state as a collector observed it. Known
// is true when the API calls behind it succeeded, and Value is then what they said
// (including "nothing configured"). When Known is false, Err says why it could not be
// read (an error code such as AccessDenied, or "not collected"), and every check that
// depends on it reports ERROR with that reason, never PASS.
type Attr[T any] struct {
	Value T      `json:"value"`
	Known bool   `json:"known"`
	Err   string `json:"error,omitempty"`
}

// Observed returns a known attribute holding v.
func Observed[T any](v T) Attr[T] { return Attr[T]{Value: v, Known: true} }

// Unknown returns an attribute that could not be read, for the given reason.
func Unknown[T any](reason string) Attr[T] {
	if reason == "" {
		reason = notCollected
	}
	return Attr[T]{Err: reason}
}

// notCollected is the reason given for a zero Attr, which no collector filled in.
const notCollected = "not collected"

// Reason returns why the attribute is unknown: Err, or "not collected" for a zero Attr.
// It returns "" for a known attribute.
func (a Attr[T]) Reason() string {
	switch {
	case a.Known:
		return ""
	case a.Err != "":
		return a.Err
	default:
		return notCollected
	}
}

// State is everything Cairn observed about one AWS account, filled by the collectors in
// package scanner and read by the checks. It holds plain values only; the checks never
// call AWS. Global services (IAM, the S3 bucket list) appear once, regional ones once per
// scanned region in Regional.
type State struct {
	// AccountID is the 12-digit id of the scanned account.
	AccountID string `json:"account_id"`
	// Partition is the ARN partition: aws, aws-cn or aws-us-gov.
	Partition string `json:"partition"`
	// ObservedAt is when collection started. Checks measure ages (unused
	// credentials, key rotation) against it, never against the clock.
	ObservedAt time.Time `json:"observed_at"`
	// Regions lists the scanned regions, sorted.
	Regions []string `json:"regions"`

	IAM IAMState `json:"iam"`
	S3  S3State  `json:"s3"`
	// Regional holds one entry per scanned region, sorted by name.
	Regional []RegionState `json:"regional"`

	// Account is the account's contacts and organization (state_governance.go).
	Account AccountState `json:"account"`
	// DataScan is what this run's data scan (sampling and classification) found
	// in each data store; the data-aware checks read it. It is filled by the
	// caller that ran the data scan, not by CollectAccountState.
	DataScan DataScan `json:"data_scan"`
	// Distributions are the CloudFront distributions (a global service).
	Distributions Attr[[]Distribution] `json:"distributions"`
}

// partition returns the state's partition, "aws" when unset.
func (s *State) partition() string {
	if s.Partition == "" {
		return "aws"
	}
	return s.Partition
}

// AccountARN is the resource ARN used for account-wide results:
// arn:PARTITION:iam::ACCOUNT:root, the ARN of the account principal.
func (s *State) AccountARN() string {
	return "arn:" + s.partition() + ":iam::" + s.AccountID + ":root"
}

// RegionalAccountARN is the resource ARN used for per-region account settings of a
// service (EBS encryption by default, …): arn:PARTITION:SERVICE:REGION:ACCOUNT:account.
func (s *State) RegionalAccountARN(service, region string) string {
	return "arn:" + s.partition() + ":" + service + ":" + region + ":" + s.AccountID + ":account"
}

// Region returns the state of the named region, or nil when it was not scanned.
func (s *State) Region(name string) *RegionState {
	for i := range s.Regional {
		if s.Regional[i].Name == name {
			return &s.Regional[i]
		}
	}
	return nil
}

// IAMState is the account's IAM configuration (a global service, read once).
type IAMState struct {
	// Summary is GetAccountSummary's SummaryMap (AccountMFAEnabled,
	// AccountAccessKeysPresent, Users …).
	Summary Attr[map[string]int32] `json:"summary"`
	// PasswordPolicy is nil when the account has no password policy (NoSuchEntity).
	PasswordPolicy Attr[*PasswordPolicy] `json:"password_policy"`
	// CredentialReport holds the parsed rows of the IAM credential report, the
	// <root_account> row included when the report has it.
	CredentialReport Attr[[]CredentialReportRow] `json:"credential_report"`
	// CredentialReportGeneratedAt is when IAM generated the report, which it
	// reuses for up to four hours: users created since are not in it.
	CredentialReportGeneratedAt *time.Time `json:"credential_report_generated_at,omitempty"`
	// Users lists the IAM users with their policies, keys and MFA devices.
	Users Attr[[]IAMUser] `json:"users"`
	// Policies lists the customer managed policies attached to at least one
	// principal, with their default version's document.
	Policies Attr[[]ManagedPolicy] `json:"policies"`
	// ServerCertificates lists the server certificates stored in IAM.
	ServerCertificates Attr[[]ServerCertificate] `json:"server_certificates"`
	// PolicyEntities maps the name of an AWS managed policy that checks look at
	// (AWSSupportAccess, AWSCloudShellFullAccess) to the principals it is attached to.
	PolicyEntities map[string]Attr[PolicyEntities] `json:"policy_entities"`

	// VirtualMFADevices are the assigned virtual MFA devices (the root user's
	// included, serial …:mfa/root-account-mfa-device).
	VirtualMFADevices Attr[[]VirtualMFADevice] `json:"virtual_mfa_devices"`
}

// PasswordPolicy is the account password policy (GetAccountPasswordPolicy).
type PasswordPolicy struct {
	MinimumPasswordLength      int32 `json:"minimum_password_length"`
	PasswordReusePrevention    int32 `json:"password_reuse_prevention"`
	MaxPasswordAge             int32 `json:"max_password_age"`
	RequireSymbols             bool  `json:"require_symbols"`
	RequireNumbers             bool  `json:"require_numbers"`
	RequireUppercaseCharacters bool  `json:"require_uppercase_characters"`
	RequireLowercaseCharacters bool  `json:"require_lowercase_characters"`
	ExpirePasswords            bool  `json:"expire_passwords"`
	HardExpiry                 bool  `json:"hard_expiry"`
}

// RootUserName is the user name of the root user's row in the credential report.
const RootUserName = "<root_account>"

// CredentialReportRow is one parsed row of the IAM credential report. Times are nil
// when the report says N/A, no_information or not_supported.
type CredentialReportRow struct {
	User             string     `json:"user"`
	ARN              string     `json:"arn"`
	UserCreationTime *time.Time `json:"user_creation_time,omitempty"`
	// PasswordEnabled is "true", "false" or "not_supported" (the root user).
	PasswordEnabled     string     `json:"password_enabled"`
	PasswordLastUsed    *time.Time `json:"password_last_used,omitempty"`
	PasswordLastChanged *time.Time `json:"password_last_changed,omitempty"`
	MFAActive           bool       `json:"mfa_active"`
	// AccessKeys are the report's access_key_1 and access_key_2 columns.
	AccessKeys  [2]ReportAccessKey `json:"access_keys"`
	Cert1Active bool               `json:"cert_1_active"`
	Cert2Active bool               `json:"cert_2_active"`
}

// IsRoot reports whether the row is the root user's.
func (r CredentialReportRow) IsRoot() bool { return r.User == RootUserName }

// HasPassword reports whether the row's user has a console password.
func (r CredentialReportRow) HasPassword() bool { return r.PasswordEnabled == "true" }

// ReportAccessKey is one access-key column group of the credential report.
type ReportAccessKey struct {
	Active      bool       `json:"active"`
	LastRotated *time.Time `json:"last_rotated,omitempty"`
	LastUsed    *time.Time `json:"last_used,omitempty"`
}

// IAMUser is one IAM user and what is attached to it.
type IAMUser struct {
	Name       string    `json:"name"`
	ARN        string    `json:"arn"`
	CreateDate time.Time `json:"create_date"`
	// AttachedPolicies are the ARNs of managed policies attached directly.
	AttachedPolicies Attr[[]string] `json:"attached_policies"`
	// InlinePolicies are the names of the user's inline policies.
	InlinePolicies Attr[[]string] `json:"inline_policies"`
	// AccessKeys are the user's access keys (ListAccessKeys).
	AccessKeys Attr[[]AccessKey] `json:"access_keys"`
	// MFADevices are the serial numbers (ARNs) of the user's MFA devices.
	MFADevices Attr[[]string] `json:"mfa_devices"`
}

// AccessKey is one access key of an IAM user. ID is masked (first and last four
// characters only): evidence must not carry values that Cairn itself reports as
// sensitive data.
type AccessKey struct {
	ID         string    `json:"id"`
	Status     string    `json:"status"` // Active or Inactive
	CreateDate time.Time `json:"create_date"`
}

// ManagedPolicy is a customer managed IAM policy with its default version.
type ManagedPolicy struct {
	Name             string `json:"name"`
	ARN              string `json:"arn"`
	DefaultVersionID string `json:"default_version_id"`
	AttachmentCount  int32  `json:"attachment_count"`
	// Document is the default version's policy document (JSON, URL-decoded).
	Document Attr[string] `json:"document"`
}

// ServerCertificate is a server certificate stored in IAM.
type ServerCertificate struct {
	Name       string    `json:"name"`
	ARN        string    `json:"arn"`
	Expiration time.Time `json:"expiration"`
}

// PolicyEntities are the principals a managed policy is attached to
// (ListEntitiesForPolicy), by name.
type PolicyEntities struct {
	PolicyARN string   `json:"policy_arn"`
	Users     []string `json:"users,omitempty"`
	Groups    []string `json:"groups,omitempty"`
	Roles     []string `json:"roles,omitempty"`
}

// Count is the number of principals.
func (p PolicyEntities) Count() int { return len(p.Users) + len(p.Groups) + len(p.Roles) }

// S3State is the account's S3 configuration.
type S3State struct {
	// AccountBlockPublicAccess is the account-level Block Public Access setting.
	AccountBlockPublicAccess Attr[BlockPublicAccess] `json:"account_block_public_access"`
	// Buckets lists the buckets in the scanned regions.
	Buckets Attr[[]Bucket] `json:"buckets"`
}

// BlockPublicAccess is one S3 Block Public Access configuration (account or bucket).
// Configured is false when none is set (every flag then off).
type BlockPublicAccess struct {
	Configured            bool `json:"configured"`
	BlockPublicACLs       bool `json:"block_public_acls"`
	IgnorePublicACLs      bool `json:"ignore_public_acls"`
	BlockPublicPolicy     bool `json:"block_public_policy"`
	RestrictPublicBuckets bool `json:"restrict_public_buckets"`
}

// All reports whether all four settings are on.
func (b BlockPublicAccess) All() bool {
	return b.BlockPublicACLs && b.IgnorePublicACLs && b.BlockPublicPolicy && b.RestrictPublicBuckets
}

// Or returns the settings in force where b and c both apply: S3 enforces a setting
// that is on at either level (account or bucket).
func (b BlockPublicAccess) Or(c BlockPublicAccess) BlockPublicAccess {
	return BlockPublicAccess{
		Configured:            b.Configured || c.Configured,
		BlockPublicACLs:       b.BlockPublicACLs || c.BlockPublicACLs,
		IgnorePublicACLs:      b.IgnorePublicACLs || c.IgnorePublicACLs,
		BlockPublicPolicy:     b.BlockPublicPolicy || c.BlockPublicPolicy,
		RestrictPublicBuckets: b.RestrictPublicBuckets || c.RestrictPublicBuckets,
	}
}

// Bucket is one S3 bucket and its protection settings.
type Bucket struct {
	Name   string `json:"name"`
	ARN    string `json:"arn"`
	Region string `json:"region"`
	// Policy is the bucket policy document, "" when the bucket has none.
	Policy            Attr[string]            `json:"policy"`
	BlockPublicAccess Attr[BlockPublicAccess] `json:"block_public_access"`
	Encryption        Attr[BucketEncryption]  `json:"encryption"`
	Versioning        Attr[BucketVersioning]  `json:"versioning"`
	Logging           Attr[BucketLogging]     `json:"logging"`
	// Exposure is Cairn's verdict on public access (the same one the assets table
	// carries), unknown when the attributes it needs could not be read.
	Exposure Attr[BucketExposure] `json:"exposure"`
}

// BucketEncryption is a bucket's default encryption.
type BucketEncryption struct {
	// Type is NONE, SSE-S3, SSE-KMS, DSSE-KMS or UNKNOWN.
	Type      string `json:"type"`
	KMSKeyARN string `json:"kms_key_arn,omitempty"`
	// KeyManager is AWS or CUSTOMER for KMS keys, "" otherwise or when unknown.
	KeyManager string `json:"key_manager,omitempty"`
}

// BucketVersioning is a bucket's versioning state.
type BucketVersioning struct {
	Status    string `json:"status"`     // Enabled, Suspended, Disabled
	MFADelete string `json:"mfa_delete"` // Enabled, Disabled
}

// BucketLogging is a bucket's server access logging.
type BucketLogging struct {
	Enabled      bool   `json:"enabled"`
	TargetBucket string `json:"target_bucket,omitempty"`
	TargetPrefix string `json:"target_prefix,omitempty"`
}

// BucketExposure is whether a bucket is public, and why.
type BucketExposure struct {
	Public bool   `json:"public"`
	Reason string `json:"reason,omitempty"`
}

// RegionState is what was observed in one region.
type RegionState struct {
	Name string `json:"name"`
	// Trails are the CloudTrail trails whose home region is this one (and trails
	// whose home region was not scanned, reported by the first scanned region).
	Trails Attr[[]Trail] `json:"trails"`
	// MetricFilters are all CloudWatch Logs metric filters of the region.
	MetricFilters Attr[[]MetricFilter] `json:"metric_filters"`
	// Alarms are all CloudWatch metric alarms of the region.
	Alarms Attr[[]MetricAlarm] `json:"alarms"`
	// Subscriptions are all SNS subscriptions of the region.
	Subscriptions Attr[[]Subscription] `json:"subscriptions"`

	SecurityGroups Attr[[]SecurityGroup] `json:"security_groups"`
	NetworkACLs    Attr[[]NetworkACL]    `json:"network_acls"`
	VPCs           Attr[[]VPC]           `json:"vpcs"`
	FlowLogs       Attr[[]FlowLog]       `json:"flow_logs"`
	// EBSEncryptionByDefault is ec2 GetEbsEncryptionByDefault.
	EBSEncryptionByDefault Attr[bool] `json:"ebs_encryption_by_default"`

	// KMSKeys are the region's KMS keys with their rotation status.
	KMSKeys Attr[[]KMSKey] `json:"kms_keys"`

	// Identity, threat detection and secrets (state_governance.go).
	AccessAnalyzers Attr[[]AccessAnalyzer]    `json:"access_analyzers"`
	Config          Attr[ConfigRecording]     `json:"config"`
	SecurityHub     Attr[SecurityHub]         `json:"security_hub"`
	GuardDuty       Attr[[]GuardDutyDetector] `json:"guardduty"`
	ECR             Attr[ECRScanning]         `json:"ecr"`
	Secrets         Attr[[]Secret]            `json:"secrets"`
	Certificates    Attr[[]Certificate]       `json:"certificates"`
	InstanceRoles   Attr[[]InstanceRole]      `json:"instance_roles"`
	// ResourcePolicies maps a service of ResourcePolicyServices to the
	// resource policies of its resources in the region.
	ResourcePolicies map[string]Attr[[]ResourcePolicy] `json:"resource_policies"`
	// Data stores, availability and web front ends.

	// Databases are the RDS instances and Aurora clusters, with their posture.
	Databases Attr[[]Database] `json:"databases"`
	// OtherSnapshots are the manual DB and DB cluster snapshots of databases not in
	// Databases: deleted ones, and those of engines Cairn does not read (Oracle, SQL
	// Server, Db2), with their sharing.
	OtherSnapshots Attr[OtherSnapshots] `json:"other_db_snapshots"`
	// FileSystems are the EFS file systems.
	FileSystems Attr[[]FileSystem] `json:"file_systems"`
	// Instances are the EC2 instances that are not terminated.
	Instances Attr[[]Instance] `json:"instances"`
	// MetadataDefaults is ec2 GetInstanceMetadataDefaults: the account-level
	// defaults new instances of the region launch with.
	MetadataDefaults Attr[MetadataDefaults] `json:"metadata_defaults"`
	// Tables are the DynamoDB tables.
	Tables Attr[[]DynamoTable] `json:"tables"`
	// Topics are the SNS topics with their encryption.
	Topics Attr[[]Topic] `json:"topics"`
	// LoadBalancers are the Application, Network and Gateway Load Balancers.
	LoadBalancers Attr[[]LoadBalancer] `json:"load_balancers"`
	// Functions are the Lambda functions with their failure handling.
	Functions Attr[[]Function] `json:"functions"`
	// ECSServices are the ECS services of every cluster.
	ECSServices Attr[[]ECSService] `json:"ecs_services"`
	// RouteTables are the VPC route tables.
	RouteTables Attr[[]RouteTable] `json:"route_tables"`
	// PeeringConnections are the VPC peering connections.
	PeeringConnections Attr[[]PeeringConnection] `json:"peering_connections"`
	// VPCEndpoints are the VPC endpoints.
	VPCEndpoints Attr[[]VPCEndpoint] `json:"vpc_endpoints"`
	// APIStages are the API Gateway REST API stages.
	APIStages Attr[[]APIStage] `json:"api_stages"`

	// Volumes are the EBS volumes (state_ebs.go).
	Volumes Attr[[]Volume] `json:"volumes"`
	// Snapshots are the EBS snapshots the account owns.
	Snapshots Attr[[]Snapshot] `json:"snapshots"`

	// LogGroups are the CloudWatch Logs log groups.
	LogGroups Attr[[]LogGroup] `json:"log_groups"`
}

// LogGroup is one CloudWatch Logs log group.
type LogGroup struct {
	Name string `json:"name"`
	ARN  string `json:"arn"`
	// RetentionDays is retentionInDays, 0 when events never expire.
	RetentionDays int32 `json:"retention_days"`
}

// Trail is one CloudTrail trail.
type Trail struct {
	Name              string `json:"name"`
	ARN               string `json:"arn"`
	HomeRegion        string `json:"home_region"`
	MultiRegion       bool   `json:"multi_region"`
	Organization      bool   `json:"organization"`
	LogFileValidation bool   `json:"log_file_validation"`
	KMSKeyID          string `json:"kms_key_id,omitempty"`
	S3BucketName      string `json:"s3_bucket_name,omitempty"`
	// LogGroupARN is CloudWatchLogsLogGroupArn, "" when the trail does not send
	// events to CloudWatch Logs.
	LogGroupARN string               `json:"log_group_arn,omitempty"`
	Status      Attr[TrailStatus]    `json:"status"`
	Selectors   Attr[TrailSelectors] `json:"selectors"`
}

// TrailStatus is GetTrailStatus.
type TrailStatus struct {
	IsLogging bool `json:"is_logging"`
	// LatestCloudWatchLogsDelivery is when CloudTrail last delivered events to
	// CloudWatch Logs (nil when the API gives none); LatestCloudWatchLogsError the
	// error of the last failed delivery.
	LatestCloudWatchLogsDelivery *time.Time `json:"latest_cloudwatch_logs_delivery,omitempty"`
	LatestCloudWatchLogsError    string     `json:"latest_cloudwatch_logs_error,omitempty"`
}

// TrailSelectors are a trail's event selectors: either basic or advanced ones.
type TrailSelectors struct {
	Basic    []EventSelector    `json:"basic,omitempty"`
	Advanced []AdvancedSelector `json:"advanced,omitempty"`
}

// EventSelector is one basic CloudTrail event selector.
type EventSelector struct {
	ReadWriteType           string         `json:"read_write_type"` // All, ReadOnly, WriteOnly
	IncludeManagementEvents bool           `json:"include_management_events"`
	ExcludeSources          []string       `json:"exclude_management_event_sources,omitempty"`
	DataResources           []DataResource `json:"data_resources,omitempty"`
}

// DataResource is a data-event resource of a basic event selector.
type DataResource struct {
	Type   string   `json:"type"`
	Values []string `json:"values"`
}

// AdvancedSelector is one advanced CloudTrail event selector.
type AdvancedSelector struct {
	Name   string          `json:"name,omitempty"`
	Fields []SelectorField `json:"fields"`
}

// SelectorField is one field condition of an advanced event selector.
type SelectorField struct {
	Field         string   `json:"field"`
	Equals        []string `json:"equals,omitempty"`
	NotEquals     []string `json:"not_equals,omitempty"`
	StartsWith    []string `json:"starts_with,omitempty"`
	NotStartsWith []string `json:"not_starts_with,omitempty"`
	EndsWith      []string `json:"ends_with,omitempty"`
	NotEndsWith   []string `json:"not_ends_with,omitempty"`
}

// MetricFilter is one CloudWatch Logs metric filter.
type MetricFilter struct {
	LogGroupName string            `json:"log_group_name"`
	Name         string            `json:"name"`
	Pattern      string            `json:"pattern"`
	Metrics      []MetricTransform `json:"metrics"`
}

// MetricTransform is the metric a filter publishes.
type MetricTransform struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
}

// MetricAlarm is one CloudWatch metric alarm.
type MetricAlarm struct {
	Name           string   `json:"name"`
	ARN            string   `json:"arn"`
	MetricName     string   `json:"metric_name"`
	Namespace      string   `json:"namespace"`
	ActionsEnabled bool     `json:"actions_enabled"`
	AlarmActions   []string `json:"alarm_actions,omitempty"`
}

// Subscription is one SNS subscription. The endpoint (an address) is not kept.
type Subscription struct {
	TopicARN        string `json:"topic_arn"`
	SubscriptionARN string `json:"subscription_arn"`
	Protocol        string `json:"protocol"`
}

// Confirmed reports whether the subscription is confirmed (its ARN is a real ARN, not
// PendingConfirmation or Deleted).
func (s Subscription) Confirmed() bool { return strings.HasPrefix(s.SubscriptionARN, "arn:") }

// SecurityGroup is one EC2 security group.
type SecurityGroup struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	VPCID   string   `json:"vpc_id,omitempty"`
	ARN     string   `json:"arn"`
	Ingress []IPRule `json:"ingress"`
	Egress  []IPRule `json:"egress"`
}

// IPRule is one security group permission. Protocol is "-1" for all traffic; FromPort
// and ToPort are -1 for protocols without ports.
type IPRule struct {
	Protocol    string   `json:"protocol"`
	FromPort    int32    `json:"from_port"`
	ToPort      int32    `json:"to_port"`
	IPv4Ranges  []string `json:"ipv4_ranges,omitempty"`
	IPv6Ranges  []string `json:"ipv6_ranges,omitempty"`
	PrefixLists []string `json:"prefix_lists,omitempty"`
	Groups      []string `json:"groups,omitempty"`
}

// NetworkACL is one VPC network ACL.
type NetworkACL struct {
	ID        string      `json:"id"`
	VPCID     string      `json:"vpc_id"`
	ARN       string      `json:"arn"`
	IsDefault bool        `json:"is_default"`
	Entries   []NACLEntry `json:"entries"`
}

// NACLEntry is one network ACL rule. Protocol is "-1" for all, else the IP protocol
// number ("6" TCP, "17" UDP). HasPorts is false when the rule names no port range.
type NACLEntry struct {
	RuleNumber int32  `json:"rule_number"`
	Egress     bool   `json:"egress"`
	Protocol   string `json:"protocol"`
	Action     string `json:"action"` // allow or deny
	CIDR       string `json:"cidr,omitempty"`
	IPv6CIDR   string `json:"ipv6_cidr,omitempty"`
	HasPorts   bool   `json:"has_ports"`
	FromPort   int32  `json:"from_port,omitempty"`
	ToPort     int32  `json:"to_port,omitempty"`
}

// VPC is one VPC.
type VPC struct {
	ID        string `json:"id"`
	ARN       string `json:"arn"`
	IsDefault bool   `json:"is_default"`
	CIDR      string `json:"cidr"`
}

// FlowLog is one VPC flow log.
type FlowLog struct {
	ID          string `json:"id"`
	ResourceID  string `json:"resource_id"`
	Status      string `json:"status"` // ACTIVE …
	TrafficType string `json:"traffic_type"`
}

// KMSKey is one KMS key.
type KMSKey struct {
	ID      string `json:"id"`
	ARN     string `json:"arn"`
	Manager string `json:"manager"` // AWS or CUSTOMER
	State   string `json:"state"`   // Enabled, Disabled, PendingDeletion …
	Spec    string `json:"spec"`    // SYMMETRIC_DEFAULT, RSA_2048 …
	Origin  string `json:"origin"`  // AWS_KMS, EXTERNAL, AWS_CLOUDHSM …
	// Rotation is GetKeyRotationStatus; collected for enabled customer managed
	// symmetric keys only (others: unknown with reason "not applicable").
	Rotation Attr[bool] `json:"rotation"`
}

// DataScan is what the data scan of the same `cairn scan` run found: which stores
// hold sensitive data, and how they are protected. It carries identifier ids and
// categories only, never a value.
type DataScan struct {
	// Ran is true when a data scan ran in this run. When false (cairn scan
	// --only checks) the data-aware checks report NOT_APPLICABLE, never PASS:
	// there is no classification data to decide on.
	Ran bool `json:"ran"`
	// Services are the services the data scan covered (s3, rds, dynamodb).
	Services []string `json:"services,omitempty"`
	// Stores are the data stores it scanned.
	Stores []DataStore `json:"stores,omitempty"`
}

// DataStore is one bucket, database or table as the data scan saw it.
type DataStore struct {
	ARN     string `json:"arn"`
	Service string `json:"service"` // s3, rds, dynamodb
	Region  string `json:"region"`
	Name    string `json:"name"`
	// Identifiers are the ids of the data identifiers found in the sample
	// (US_SSN, CREDIT_CARD_NUMBER …), sorted. Empty: nothing sensitive found.
	Identifiers []string `json:"identifiers,omitempty"`
	// Categories are the identifiers' categories (personal, financial …), sorted.
	Categories []string `json:"categories,omitempty"`
	// Status is the asset's scan status: COMPLETE, PARTIAL or ERROR, and Reason
	// why it is not COMPLETE (reason codes such as OBJECTS_SKIPPED).
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
	// Encryption is the store's encryption at rest, unknown when it could not
	// be read.
	Encryption Attr[StoreEncryption] `json:"encryption"`
	// Exposure is Cairn's public-access verdict, unknown when an attribute it
	// needs could not be read.
	Exposure Attr[BucketExposure] `json:"exposure"`
}

// Sensitive reports whether the data scan found sensitive data in the store.
func (d DataStore) Sensitive() bool { return len(d.Identifiers) > 0 }

// StoreEncryption is a data store's encryption at rest.
type StoreEncryption struct {
	// Type is NONE, SSE-S3, SSE-KMS, DSSE-KMS or AWS_OWNED (DynamoDB).
	Type      string `json:"type"`
	KMSKeyARN string `json:"kms_key_arn,omitempty"`
	// KeyManager is AWS or CUSTOMER for KMS keys, "" otherwise.
	KeyManager string `json:"key_manager,omitempty"`
}

// OtherSnapshots are a region's manual snapshots of databases not in Databases.
type OtherSnapshots struct {
	// Checked is how many had their sharing read; Truncated is set when more exist
	// than were checked.
	Checked   int  `json:"checked"`
	Truncated bool `json:"truncated,omitempty"`
	// Public lists the snapshots restorable by every AWS account.
	Public []DBSnapshot `json:"public,omitempty"`
}

// DBSnapshot is a manual DB or DB cluster snapshot.
type DBSnapshot struct {
	ID       string `json:"id"`
	ARN      string `json:"arn"`
	Kind     string `json:"kind"`      // instance or cluster
	SourceDB string `json:"source_db"` // the identifier of the database it was taken of
}

// Database is an RDS DB instance or Aurora / Multi-AZ DB cluster. Cluster member
// instances are folded into their cluster.
type Database struct {
	ID     string `json:"id"`
	ARN    string `json:"arn"`
	Kind   string `json:"kind"` // instance or cluster
	Engine string `json:"engine"`

	StorageEncrypted bool   `json:"storage_encrypted"`
	KMSKeyARN        string `json:"kms_key_arn,omitempty"`
	KeyManager       string `json:"key_manager,omitempty"`
	// AutoMinorVersionUpgrade is the instance's setting; for a cluster, true
	// only when the cluster and every member instance have it on.
	AutoMinorVersionUpgrade bool `json:"auto_minor_version_upgrade"`
	// MultiAZ is the MultiAZ flag; for a cluster, also true when its member
	// instances span two or more availability zones.
	MultiAZ           bool     `json:"multi_az"`
	AvailabilityZones []string `json:"availability_zones,omitempty"`
	// PubliclyAccessible is the endpoint flag (for a cluster: any member's).
	PubliclyAccessible bool `json:"publicly_accessible"`
	// Reachability is Cairn's verdict on whether the endpoint is reachable from
	// the internet (open security group and a route to an internet gateway), as
	// in the assets table.
	Reachability Attr[BucketExposure] `json:"reachability"`
	// ExposureNote says why a publicly accessible endpoint is not reachable.
	ExposureNote        string `json:"exposure_note,omitempty"`
	BackupRetentionDays int32  `json:"backup_retention_days"`
	// PublicSnapshots are the manual snapshots restorable by any AWS account.
	PublicSnapshots Attr[[]string] `json:"public_snapshots"`
}

// FileSystem is one EFS file system.
type FileSystem struct {
	ID        string `json:"id"`
	ARN       string `json:"arn"`
	Name      string `json:"name,omitempty"`
	Encrypted bool   `json:"encrypted"`
	KMSKeyID  string `json:"kms_key_id,omitempty"`
}

// Instance is one EC2 instance and its instance metadata options.
type Instance struct {
	ID    string `json:"id"`
	ARN   string `json:"arn"`
	State string `json:"state"` // running, stopped …
	// HttpTokens is required (IMDSv2 only) or optional (IMDSv1 allowed).
	HttpTokens string `json:"http_tokens"`
	// HttpEndpoint is enabled or disabled (no metadata service at all).
	HttpEndpoint string `json:"http_endpoint"`
	// PublicIP is whether the instance has a public IPv4 address.
	PublicIP bool `json:"public_ip"`
}

// MetadataDefaults are a region's account-level instance metadata defaults.
// Empty fields mean no preference (the AMI's and launch request's settings apply).
type MetadataDefaults struct {
	HttpTokens   string `json:"http_tokens,omitempty"`
	HttpEndpoint string `json:"http_endpoint,omitempty"`
}

// DynamoTable is one DynamoDB table.
type DynamoTable struct {
	Name string `json:"name"`
	ARN  string `json:"arn"`
	// Encryption is the table's encryption at rest: Type SSE-KMS (KeyManager AWS
	// for aws/dynamodb, CUSTOMER for a customer managed key) or AWS_OWNED.
	Encryption StoreEncryption `json:"encryption"`
	// PITR is whether point-in-time recovery is enabled.
	PITR Attr[bool] `json:"pitr"`
}

// Topic is one SNS topic.
type Topic struct {
	ARN string `json:"arn"`
	// KMSKeyID is KmsMasterKeyId, "" when the topic is not encrypted.
	KMSKeyID string `json:"kms_key_id,omitempty"`
}

// LoadBalancer is one Elastic Load Balancing v2 load balancer.
type LoadBalancer struct {
	Name   string `json:"name"`
	ARN    string `json:"arn"`
	Type   string `json:"type"`   // application, network, gateway
	Scheme string `json:"scheme"` // internet-facing, internal
	// AvailabilityZones are the zones the load balancer is enabled in.
	AvailabilityZones []string `json:"availability_zones"`
	// Listeners are the load balancer's listeners.
	Listeners Attr[[]Listener] `json:"listeners"`
	// AccessLogs is the access_logs.s3.enabled attribute.
	AccessLogs Attr[bool] `json:"access_logs"`
}

// Listener is one load balancer listener.
type Listener struct {
	ARN      string `json:"arn"`
	Protocol string `json:"protocol"` // HTTP, HTTPS, TCP, TLS …
	Port     int32  `json:"port"`
	// RedirectsToHTTPS is true when the default action redirects to HTTPS.
	RedirectsToHTTPS bool `json:"redirects_to_https"`
}

// Function is one Lambda function and how failed asynchronous invocations are kept.
type Function struct {
	Name string `json:"name"`
	ARN  string `json:"arn"`
	// DeadLetterTarget is the dead-letter queue or topic ARN, "" when none.
	DeadLetterTarget string `json:"dead_letter_target,omitempty"`
	// OnFailure is the on-failure destination of asynchronous invocations
	// (GetFunctionEventInvokeConfig), "" when none.
	OnFailure Attr[string] `json:"on_failure"`
}

// ECSService is one ECS service and how its tasks are networked.
type ECSService struct {
	Name       string `json:"name"`
	ARN        string `json:"arn"`
	ClusterARN string `json:"cluster_arn"`
	// AssignPublicIP is the awsvpc configuration's assignPublicIp (ENABLED).
	AssignPublicIP bool `json:"assign_public_ip"`
	// SecurityGroups are the awsvpc configuration's security group ids.
	SecurityGroups []string `json:"security_groups,omitempty"`
}

// RouteTable is one VPC route table.
type RouteTable struct {
	ID     string  `json:"id"`
	ARN    string  `json:"arn"`
	VPCID  string  `json:"vpc_id"`
	Routes []Route `json:"routes"`
}

// Route is one route of a route table.
type Route struct {
	Destination string `json:"destination"` // IPv4 or IPv6 CIDR, or a prefix list id
	// PeeringConnection is the VPC peering connection id the route targets, "".
	PeeringConnection string `json:"peering_connection,omitempty"`
	Target            string `json:"target,omitempty"`
}

// PeeringConnection is one VPC peering connection with both sides' CIDR blocks, as
// DescribeVpcPeeringConnections reports them (RequesterVpcInfo, AccepterVpcInfo).
type PeeringConnection struct {
	ID             string `json:"id"`
	Status         string `json:"status"`
	RequesterVPCID string `json:"requester_vpc_id"`
	// RequesterCIDRs are the requester VPC's IPv4 blocks (CidrBlockSet, else CidrBlock).
	RequesterCIDRs []string `json:"requester_cidrs,omitempty"`
	// RequesterIPv6CIDRs are the requester VPC's IPv6 blocks (Ipv6CidrBlockSet).
	RequesterIPv6CIDRs []string `json:"requester_ipv6_cidrs,omitempty"`
	AccepterVPCID      string   `json:"accepter_vpc_id"`
	// AccepterCIDRs are the accepter VPC's IPv4 blocks (CidrBlockSet, else CidrBlock).
	AccepterCIDRs []string `json:"accepter_cidrs,omitempty"`
	// AccepterIPv6CIDRs are the accepter VPC's IPv6 blocks (Ipv6CidrBlockSet).
	AccepterIPv6CIDRs []string `json:"accepter_ipv6_cidrs,omitempty"`
}

// VPCEndpoint is one VPC endpoint.
type VPCEndpoint struct {
	ID          string `json:"id"`
	VPCID       string `json:"vpc_id"`
	ServiceName string `json:"service_name"` // com.amazonaws.REGION.s3 …
	Type        string `json:"type"`         // Gateway, Interface, GatewayLoadBalancer
	State       string `json:"state"`
}

// APIStage is one API Gateway REST API stage.
type APIStage struct {
	APIID   string `json:"api_id"`
	APIName string `json:"api_name"`
	Stage   string `json:"stage"`
	ARN     string `json:"arn"`
	// AccessLogDestination is the access log destination ARN, "" when off.
	AccessLogDestination string `json:"access_log_destination,omitempty"`
}

// Distribution is one CloudFront distribution.
type Distribution struct {
	ID  string `json:"id"`
	ARN string `json:"arn"`
	// ViewerProtocolPolicies are the viewer protocol policies of the default
	// and every other cache behavior (allow-all, https-only, redirect-to-https).
	ViewerProtocolPolicies Attr[[]string] `json:"viewer_protocol_policies"`
	// Logging is whether standard (access) logging is enabled
	// (GetDistributionConfig).
	Logging Attr[bool] `json:"logging"`
}
