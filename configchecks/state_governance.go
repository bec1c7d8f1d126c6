package configchecks

import "time"

// This file holds the state of the identity, governance, threat-detection and secrets
// checks: the account's organization and contacts, and per region IAM Access Analyzer,
// AWS Config, Security Hub, GuardDuty, ECR scanning, Secrets Manager, ACM, EC2
// instance profiles and resource policies.

// AccountState is the account's own settings and its place in AWS Organizations.
type AccountState struct {
	// SecurityContact is the SECURITY alternate contact (account
	// GetAlternateContact), nil when none is registered.
	SecurityContact Attr[*AlternateContact] `json:"security_contact"`
	// Organization is the organization the account belongs to
	// (DescribeOrganization), nil when it belongs to none.
	Organization Attr[*Organization] `json:"organization"`
}

// AlternateContact is an alternate contact of the account. Its name, e-mail address
// and phone number are personal data: only whether each is set is kept.
type AlternateContact struct {
	Type     string `json:"type"` // SECURITY, BILLING, OPERATIONS
	HasName  bool   `json:"has_name"`
	HasEmail bool   `json:"has_email"`
	HasPhone bool   `json:"has_phone"`
}

// Organization is the AWS Organizations organization of the scanned account. The
// policies, delegated administrators and integrated services are readable only from
// the management account; in a member account they are unknown with the reason
// "member account".
type Organization struct {
	ID                string `json:"id"`
	ARN               string `json:"arn"`
	ManagementAccount string `json:"management_account_id"`
	// FeatureSet is ALL or CONSOLIDATED_BILLING (no policies then).
	FeatureSet string `json:"feature_set"`
	// Policies are the service control policies with the targets (root, OUs,
	// accounts) they are attached to.
	Policies Attr[[]OrgPolicy] `json:"policies"`
	// ServiceAccess lists the service principals integrated with the
	// organization (ListAWSServiceAccessForOrganization).
	ServiceAccess Attr[[]string] `json:"service_access"`
	// DelegatedAdministrators maps a delegated administrator account id to the
	// service principals it administers.
	DelegatedAdministrators Attr[map[string][]string] `json:"delegated_administrators"`
	// RootFeatures are the centralized root access features enabled for the
	// member accounts (iam ListOrganizationsFeatures: RootCredentialsManagement,
	// RootSessions); empty when IAM's trusted access is not enabled.
	RootFeatures Attr[[]string] `json:"root_features"`
}

// MemberAccountReason is the reason the management-account parts of Organization are
// unknown when the scanned account is a member account.
const MemberAccountReason = "member account: readable from the management account only"

// IsManagement reports whether accountID is the organization's management account.
func (o Organization) IsManagement(accountID string) bool { return o.ManagementAccount == accountID }

// OrgPolicy is one Organizations policy and where it is attached.
type OrgPolicy struct {
	ID          string         `json:"id"`
	ARN         string         `json:"arn"`
	Name        string         `json:"name"`
	Type        string         `json:"type"` // SERVICE_CONTROL_POLICY …
	AWSManaged  bool           `json:"aws_managed"`
	TargetTypes map[string]int `json:"target_types"` // ROOT, ORGANIZATIONAL_UNIT, ACCOUNT → count
}

// AccessAnalyzer is one IAM Access Analyzer analyzer.
type AccessAnalyzer struct {
	Name   string `json:"name"`
	ARN    string `json:"arn"`
	Type   string `json:"type"`   // ACCOUNT, ORGANIZATION, *_UNUSED_ACCESS …
	Status string `json:"status"` // ACTIVE, CREATING, DISABLED, FAILED
}

// ConfigRecording is a region's AWS Config set-up.
type ConfigRecording struct {
	Recorders        []ConfigRecorder `json:"recorders"`
	DeliveryChannels []string         `json:"delivery_channels"`
}

// ConfigRecorder is one configuration recorder with its status.
type ConfigRecorder struct {
	Name string `json:"name"`
	// AllSupported is recordingGroup.allSupported (every supported resource type).
	AllSupported bool `json:"all_supported"`
	// IncludeGlobalResourceTypes is recordingGroup.includeGlobalResourceTypes.
	IncludeGlobalResourceTypes bool `json:"include_global_resource_types"`
	Recording                  bool `json:"recording"`
	// LastStatus is the last recording attempt: Pending, Success or Failure.
	LastStatus string `json:"last_status"`
}

// SecurityHub is a region's Security Hub subscription (DescribeHub).
type SecurityHub struct {
	Enabled bool   `json:"enabled"`
	HubARN  string `json:"hub_arn,omitempty"`
}

// GuardDutyDetector is one GuardDuty detector of a region.
type GuardDutyDetector struct {
	ID     string `json:"id"`
	Status string `json:"status"` // ENABLED, DISABLED
}

// ECRScanning is a region's ECR registry scanning configuration and repositories.
type ECRScanning struct {
	// ScanType is the registry's scanning type: BASIC or ENHANCED.
	ScanType string `json:"scan_type"`
	// Rules are the registry scanning rules.
	Rules        []ECRScanRule   `json:"rules,omitempty"`
	Repositories []ECRRepository `json:"repositories"`
}

// ECRScanRule is one registry scanning rule: a frequency for the repositories matching
// any of its wildcard filters.
type ECRScanRule struct {
	Frequency string   `json:"frequency"` // SCAN_ON_PUSH, CONTINUOUS_SCAN, MANUAL
	Filters   []string `json:"filters"`
}

// ECRRepository is one ECR repository.
type ECRRepository struct {
	Name       string `json:"name"`
	ARN        string `json:"arn"`
	ScanOnPush bool   `json:"scan_on_push"`
}

// Secret is one Secrets Manager secret (never its value).
type Secret struct {
	Name            string     `json:"name"`
	ARN             string     `json:"arn"`
	RotationEnabled bool       `json:"rotation_enabled"`
	LastRotated     *time.Time `json:"last_rotated,omitempty"`
}

// Certificate is one ACM certificate.
type Certificate struct {
	ARN        string     `json:"arn"`
	DomainName string     `json:"domain_name"`
	Status     string     `json:"status"` // ISSUED, EXPIRED, PENDING_VALIDATION …
	Type       string     `json:"type"`   // AMAZON_ISSUED, IMPORTED, PRIVATE
	InUse      bool       `json:"in_use"`
	NotAfter   *time.Time `json:"not_after,omitempty"`
}

// InstanceRole is a running or stopped EC2 instance and its IAM instance profile.
type InstanceRole struct {
	ID    string `json:"id"`
	ARN   string `json:"arn"`
	State string `json:"state"` // running, stopped …
	// InstanceProfileARN is "" when the instance has no instance profile.
	InstanceProfileARN string `json:"instance_profile_arn,omitempty"`
}

// VirtualMFADevice is one assigned virtual MFA device (ListVirtualMFADevices).
type VirtualMFADevice struct {
	SerialNumber string `json:"serial_number"`
	// UserARN is the ARN of the user it is assigned to (arn:…:root for root).
	UserARN string `json:"user_arn"`
}

// ResourcePolicy is the resource-based policy of one resource.
type ResourcePolicy struct {
	Service string `json:"service"` // sns, sqs, kms, lambda, secretsmanager
	ARN     string `json:"arn"`
	// Document is the policy JSON, "" when the resource has none.
	Document string `json:"document"`
}

// ResourcePolicyServices are the regional services whose resource policies are
// collected into RegionState.ResourcePolicies (S3 bucket policies are in S3State).
var ResourcePolicyServices = []string{"kms", "lambda", "secretsmanager", "sns", "sqs"}
