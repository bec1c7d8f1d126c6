package scanner_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"

	"github.com/cairnsec/cairn/configchecks"
	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/mototest"
)

const (
	testAccount = mototest.AccountID
	testRegion  = mototest.Region
)

// seeder holds unguarded clients for writing test state into moto.
type seeder struct {
	t       *testing.T
	ctx     context.Context
	cfg     aws.Config
	iam     *iam.Client
	s3      *s3.Client
	control *s3control.Client
	trail   *cloudtrail.Client
	logs    *cloudwatchlogs.Client
	cw      *cloudwatch.Client
	sns     *sns.Client
	ec2     *ec2.Client
	kms     *kms.Client
}

func newSeeder(t *testing.T, srv *mototest.Server) *seeder {
	ctx := context.Background()
	cfg, err := srv.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return &seeder{
		t: t, ctx: ctx, cfg: cfg,
		iam: iam.NewFromConfig(cfg), s3: mototest.SeedS3Client(cfg), control: mototest.SeedS3ControlClient(cfg),
		trail: cloudtrail.NewFromConfig(cfg), logs: cloudwatchlogs.NewFromConfig(cfg), cw: cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
			o.Protocol = awsquery.New(cwschemas.GraniteServiceVersion20100801) // moto speaks no CBOR
		}),
		sns: sns.NewFromConfig(cfg), ec2: ec2.NewFromConfig(cfg), kms: kms.NewFromConfig(cfg),
	}
}

// ok fails the test on a seeding error; the output is ignored.
func (s *seeder) ok(_ any, err error) {
	s.t.Helper()
	if err != nil {
		s.t.Fatalf("seed: %v", err)
	}
}

// collect runs CollectAccountState through endpoint (moto, or a stub proxy in front).
func collect(t *testing.T, endpoint string, maxAttempts int) *configchecks.State {
	t.Helper()
	ctx := context.Background()
	ao := scanner.AWSOptions{EndpointURL: endpoint, MaxAttempts: maxAttempts}
	cfg, err := scanner.LoadAWSConfig(ctx, ao)
	if err != nil {
		t.Fatal(err)
	}
	st, err := scanner.CollectAccountState(ctx, cfg, ao, []string{testRegion}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// cisPatterns are the CIS filter patterns of the monitoring requirements, as the
// benchmark's remediation gives them, by check id.
var cisPatterns = map[string]string{
	"monitoring.unauthorized_api_calls":     `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }`,
	"monitoring.console_signin_without_mfa": `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`,
	"monitoring.root_usage":                 `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`,
	"monitoring.iam_policy_changes":         `{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}`,
	"monitoring.cloudtrail_changes":         `{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }`,
	"monitoring.console_auth_failures":      `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`,
	"monitoring.cmk_disable_delete":         `{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }`,
	"monitoring.s3_policy_changes":          `{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }`,
	"monitoring.config_changes":             `{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }`,
	"monitoring.security_group_changes":     `{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules) }`,
	"monitoring.nacl_changes":               `{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }`,
	"monitoring.network_gateway_changes":    `{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }`,
	"monitoring.route_table_changes":        `{ ($.eventSource = ec2.amazonaws.com) && ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }`,
	"monitoring.vpc_changes":                `{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }`,
	"monitoring.organizations_changes":      `{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }`,
}

const assumeRoot = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`

// tlsOnlyPolicy is a bucket policy that denies requests without TLS.
func tlsOnlyPolicy(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",` +
		`"Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
}

// bucket creates a bucket.
func (s *seeder) bucket(name string) {
	s.t.Helper()
	s.ok(s.s3.CreateBucket(s.ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}))
}

// userWithPassword creates a user with a console password.
func (s *seeder) userWithPassword(name string) {
	s.t.Helper()
	s.ok(s.iam.CreateUser(s.ctx, &iam.CreateUserInput{UserName: aws.String(name)}))
	s.ok(s.iam.CreateLoginProfile(s.ctx, &iam.CreateLoginProfileInput{UserName: aws.String(name), Password: aws.String("Correct-Horse-Battery-1")}))
}

// policy creates a customer managed policy and returns its ARN.
func (s *seeder) policy(name, doc string) *string {
	s.t.Helper()
	out, err := s.iam.CreatePolicy(s.ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(doc)})
	s.ok(nil, err)
	return out.Policy.Arn
}

// key creates a KMS key and returns its ARN.
func (s *seeder) key(rotate bool) string {
	s.t.Helper()
	k, err := s.kms.CreateKey(s.ctx, &kms.CreateKeyInput{})
	s.ok(nil, err)
	if rotate {
		s.ok(s.kms.EnableKeyRotation(s.ctx, &kms.EnableKeyRotationInput{KeyId: k.KeyMetadata.KeyId}))
	}
	return aws.ToString(k.KeyMetadata.Arn)
}

// newTrail creates and starts a trail.
func (s *seeder) newTrail(in *cloudtrail.CreateTrailInput, selectors []cttypes.EventSelector) {
	s.t.Helper()
	s.ok(s.trail.CreateTrail(s.ctx, in))
	s.ok(s.trail.StartLogging(s.ctx, &cloudtrail.StartLoggingInput{Name: in.Name}))
	s.ok(s.trail.PutEventSelectors(s.ctx, &cloudtrail.PutEventSelectorsInput{TrailName: in.Name, EventSelectors: selectors}))
}

// topic creates an SNS topic, with an e-mail subscription when subscribed.
func (s *seeder) topic(name string, subscribed bool) string {
	s.t.Helper()
	out, err := s.sns.CreateTopic(s.ctx, &sns.CreateTopicInput{Name: aws.String(name)})
	s.ok(nil, err)
	if subscribed {
		s.ok(s.sns.Subscribe(s.ctx, &sns.SubscribeInput{TopicArn: out.TopicArn, Protocol: aws.String("email"), Endpoint: aws.String("secops@example.com")}))
	}
	return aws.ToString(out.TopicArn)
}

// alert creates a metric filter on group and, when topic is not "", an alarm on its
// metric notifying topic (with actions enabled or not).
func (s *seeder) alert(group, name, pattern, topic string, actionsEnabled bool) {
	s.t.Helper()
	s.ok(s.logs.PutMetricFilter(s.ctx, &cloudwatchlogs.PutMetricFilterInput{
		LogGroupName: aws.String(group), FilterName: aws.String(name), FilterPattern: aws.String(pattern),
		MetricTransformations: []logstypes.MetricTransformation{{MetricName: aws.String(name), MetricNamespace: aws.String("CISBenchmark"), MetricValue: aws.String("1")}},
	}))
	if topic == "" {
		return
	}
	s.ok(s.cw.PutMetricAlarm(s.ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String(name), MetricName: aws.String(name), Namespace: aws.String("CISBenchmark"),
		Statistic: cwtypes.StatisticSum, Period: aws.Int32(300), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold,
		AlarmActions:       []string{topic}, ActionsEnabled: aws.Bool(actionsEnabled),
	}))
}

// defaultVPC returns the id of the region's default VPC, its default security group and
// network ACL.
func (s *seeder) defaultVPC() (vpc, sg, acl string) {
	s.t.Helper()
	vpcs, err := s.ec2.DescribeVpcs(s.ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}})
	s.ok(nil, err)
	vpc = aws.ToString(vpcs.Vpcs[0].VpcId)
	sgs, err := s.ec2.DescribeSecurityGroups(s.ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{vpc}}, {Name: aws.String("group-name"), Values: []string{"default"}}}})
	s.ok(nil, err)
	acls, err := s.ec2.DescribeNetworkAcls(s.ctx, &ec2.DescribeNetworkAclsInput{Filters: []ec2types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{vpc}}, {Name: aws.String("default"), Values: []string{"true"}}}})
	s.ok(nil, err)
	return vpc, aws.ToString(sgs.SecurityGroups[0].GroupId), aws.ToString(acls.NetworkAcls[0].NetworkAclId)
}

// ebsVolume creates an EBS volume, encrypted with kmsKey or ("") not, and a snapshot
// of it. (Without a key moto would create alias/aws/ebs as a key without rotation.)
func (s *seeder) ebsVolume(kmsKey string) {
	s.t.Helper()
	in := &ec2.CreateVolumeInput{AvailabilityZone: aws.String(testRegion + "a"), Size: aws.Int32(1)}
	if kmsKey != "" {
		in.Encrypted, in.KmsKeyId = aws.Bool(true), aws.String(kmsKey)
	}
	v, err := s.ec2.CreateVolume(s.ctx, in)
	s.ok(nil, err)
	s.ok(s.ec2.CreateSnapshot(s.ctx, &ec2.CreateSnapshotInput{VolumeId: v.VolumeId}))
}

// seedCompliant builds an account that meets every automated check.
func seedCompliant(s *seeder) {
	ctx := s.ctx
	// IAM: a strong password policy; alice has a password, MFA and one key, and gets
	// her permissions from a group; a support role exists.
	s.ok(s.iam.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(14), PasswordReusePrevention: aws.Int32(24)}))
	s.userWithPassword("alice")
	s.ok(s.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")}))
	mfa, err := s.iam.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("alice")})
	s.ok(nil, err)
	s.ok(s.iam.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("alice"), SerialNumber: mfa.VirtualMFADevice.SerialNumber,
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321")}))
	s.ok(s.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("readers")}))
	s.ok(s.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("readers"), UserName: aws.String("alice")}))
	read := s.policy("S3Read", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}]}`)
	s.ok(s.iam.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("readers"), PolicyArn: read}))
	s.ok(s.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("aws-support"), AssumeRolePolicyDocument: aws.String(assumeRoot)}))
	s.ok(s.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("aws-support"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AWSSupportAccess")}))

	// S3: the trail's bucket logs to log-bucket; both deny plain HTTP. (Logging is
	// set before the policies: see NOTES.md.)
	s.bucket("trail-bucket")
	s.bucket("log-bucket")
	s.ok(s.s3.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("log-bucket"), ACL: s3types.BucketCannedACL("log-delivery-write")}))
	s.ok(s.s3.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: aws.String("trail-bucket"), BucketLoggingStatus: &s3types.BucketLoggingStatus{
		LoggingEnabled: &s3types.LoggingEnabled{TargetBucket: aws.String("log-bucket"), TargetPrefix: aws.String("trail/")}}}))
	// The log bucket logs its own access under another prefix.
	s.ok(s.s3.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: aws.String("log-bucket"), BucketLoggingStatus: &s3types.BucketLoggingStatus{
		LoggingEnabled: &s3types.LoggingEnabled{TargetBucket: aws.String("log-bucket"), TargetPrefix: aws.String("self/")}}}))
	for _, b := range []string{"trail-bucket", "log-bucket"} {
		s.ok(s.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(b), Policy: aws.String(tlsOnlyPolicy(b))}))
	}
	s.ok(s.control.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: aws.String(testAccount),
		PublicAccessBlockConfiguration: &s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true),
			BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}}))

	// CloudTrail: one multi-region trail, validated, KMS-encrypted, with S3 data
	// events, sending to CloudWatch Logs where every CIS filter has an alarm
	// notifying a subscribed topic.
	keyARN := s.key(true)
	// Default encryption on both buckets: SSE-KMS for the trail's, SSE-S3 for the
	// access-log target (log delivery writes only to SSE-S3 buckets).
	s.ok(s.s3.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("trail-bucket"),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(keyARN)}}}}}))
	s.ok(s.s3.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("log-bucket"),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}}}}}))
	s.ok(s.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("trail-logs")}))
	s.newTrail(&cloudtrail.CreateTrailInput{Name: aws.String("main"), S3BucketName: aws.String("trail-bucket"), IsMultiRegionTrail: aws.Bool(true),
		EnableLogFileValidation: aws.Bool(true), KmsKeyId: aws.String(keyARN),
		CloudWatchLogsLogGroupArn: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:trail-logs:*"),
		CloudWatchLogsRoleArn:     aws.String("arn:aws:iam::123456789012:role/aws-support")},
		[]cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true),
			DataResources: []cttypes.DataResource{{Type: aws.String("AWS::S3::Object"), Values: []string{"arn:aws:s3"}}}}})
	topic := s.topic("security-alerts", true)
	for id, pattern := range cisPatterns {
		s.alert("trail-logs", strings.TrimPrefix(id, "monitoring."), pattern, topic, true)
	}

	// EC2: default security group and NACL closed, flow logs, EBS encryption.
	vpc, sg, acl := s.defaultVPC()
	s.ok(s.ec2.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(sg),
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}))
	s.ok(s.ec2.ReplaceNetworkAclEntry(ctx, &ec2.ReplaceNetworkAclEntryInput{NetworkAclId: aws.String(acl), RuleNumber: aws.Int32(100), Egress: aws.Bool(false),
		Protocol: aws.String("-1"), RuleAction: ec2types.RuleActionAllow, CidrBlock: aws.String("10.0.0.0/8")}))
	s.ok(s.ec2.CreateFlowLogs(ctx, &ec2.CreateFlowLogsInput{ResourceType: ec2types.FlowLogsResourceTypeVpc, ResourceIds: []string{vpc},
		TrafficType: ec2types.TrafficTypeAll, LogDestinationType: ec2types.LogDestinationTypeS3, LogDestination: aws.String("arn:aws:s3:::log-bucket")}))
	s.ok(s.ec2.EnableEbsEncryptionByDefault(ctx, &ec2.EnableEbsEncryptionByDefaultInput{}))
	// An encrypted volume and its (encrypted) snapshot.
	s.ebsVolume(keyARN)

	seedCompliantGovernance(s)
	seedCompliantDataStores(s, keyARN)
}

// seedNonCompliant builds an account that fails the checks, several ways.
func seedNonCompliant(s *seeder) {
	ctx := s.ctx
	// IAM: no password policy; bob has a password without MFA, two keys, a directly
	// attached *:* policy, an inline policy and AWSCloudShellFullAccess; an (expired)
	// server certificate is stored.
	s.userWithPassword("bob")
	s.ok(s.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")}))
	s.ok(s.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")}))
	admin := s.policy("Admin", `{"Version":"2012-10-17","Statement":[{"Sid":"Everything","Effect":"Allow","Action":"*","Resource":"*"}]}`)
	s.ok(s.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: admin}))
	s.ok(s.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("extra"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`)}))
	s.ok(s.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AWSCloudShellFullAccess")}))
	s.ok(s.iam.UploadServerCertificate(ctx, &iam.UploadServerCertificateInput{ServerCertificateName: aws.String("old-site"),
		CertificateBody: aws.String("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"), PrivateKey: aws.String("-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----")}))

	// S3: no Block Public Access anywhere; one bucket without a policy, one whose
	// policy allows another account but does not deny plain HTTP.
	s.bucket("open-bucket")
	s.bucket("shared-bucket")
	// open-bucket (the trails' bucket) is readable by anyone through its ACL.
	s.ok(s.s3.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("open-bucket"), ACL: s3types.BucketCannedACLPublicRead}))
	s.ok(s.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("shared-bucket"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared-bucket/*"}]}`)}))

	// CloudTrail: a single-region trail without validation or KMS, logging to a
	// bucket without access logging; and a multi-region trail whose alerting chain
	// breaks at different links for different requirements.
	s.key(false)
	s.newTrail(&cloudtrail.CreateTrailInput{Name: aws.String("regional"), S3BucketName: aws.String("open-bucket")},
		[]cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true)}})
	s.ok(s.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("watched")}))
	// Its events expire after 30 days.
	s.ok(s.logs.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("watched"), RetentionInDays: aws.Int32(30)}))
	s.ok(s.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("trail-logs"), AssumeRolePolicyDocument: aws.String(assumeRoot)}))
	s.newTrail(&cloudtrail.CreateTrailInput{Name: aws.String("watched"), S3BucketName: aws.String("open-bucket"), IsMultiRegionTrail: aws.Bool(true),
		CloudWatchLogsLogGroupArn: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:watched:*"),
		CloudWatchLogsRoleArn:     aws.String("arn:aws:iam::123456789012:role/trail-logs")},
		[]cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true)}})
	lonely := s.topic("nobody-listens", false)
	// Full chain, but the topic has no subscriber.
	s.alert("watched", "unauthorized", cisPatterns["monitoring.unauthorized_api_calls"], lonely, true)
	// Filter and alarm, but the alarm's actions are disabled.
	s.alert("watched", "root", cisPatterns["monitoring.root_usage"], lonely, false)
	// A filter missing one event name.
	s.alert("watched", "iam", strings.Replace(cisPatterns["monitoring.iam_policy_changes"], "||($.eventName=DetachGroupPolicy)", "", 1), lonely, true)
	// A filter narrowed by an extra condition.
	s.alert("watched", "nomfa", `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.sourceIPAddress = "198.51.100.7") }`, lonely, true)

	// EC2: a group open to the world on SSH, RDP (IPv6) and SMB; the default group and
	// NACL as AWS creates them (open); no flow logs; no EBS encryption by default.
	vpc, _, _ := s.defaultVPC()
	sg, err := s.ec2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("wide-open"), Description: aws.String("test"), VpcId: aws.String(vpc)})
	s.ok(nil, err)
	s.ok(s.ec2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: []ec2types.IpPermission{
		{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}},
		{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(3389), ToPort: aws.Int32(3389), Ipv6Ranges: []ec2types.Ipv6Range{{CidrIpv6: aws.String("::/0")}}},
		{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(445), ToPort: aws.Int32(445), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}},
	}}))
	// An unencrypted volume and its (unencrypted) snapshot.
	s.ebsVolume("")
	seedNonCompliantGovernance(s)
	seedNonCompliantDataStores(s)
}

// byCheck groups results by check id.
func byCheck(rs []configchecks.Result) map[string][]configchecks.Result {
	m := map[string][]configchecks.Result{}
	for _, r := range rs {
		m[r.CheckID] = append(m[r.CheckID], r)
	}
	return m
}

// statuses lists the statuses of results.
func statuses(rs []configchecks.Result) []configchecks.Status {
	var out []configchecks.Status
	for _, r := range rs {
		out = append(out, r.Status)
	}
	return out
}

// TestConfigChecks runs every check against accounts built in moto, one server for
// all cases: a compliant account (every automated check PASSes), a non-compliant one
// and an empty one (every check FAILs in at least one of them), and one whose APIs
// fail (the checks depending on them report ERROR, never PASS).
//
// moto lacks two things real IAM has, so a proxy stubs them at the HTTP level (see
// stubProxy): the credential report's <root_account> row (moto has none) and root MFA
// in the account summary (moto always says 0).
func TestConfigChecks(t *testing.T) {
	mototest.SetTestCredentials(t)
	srv := mototest.Start(t, "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	proxy, endpoint := startStubProxy(t, srv.Endpoint)
	s := newSeeder(t, srv)
	reset := func() {
		t.Helper()
		if err := srv.Reset(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	automated := configchecks.All()

	// Compliant: root has MFA and no key (stubbed root row, summary rewritten).
	seedCompliant(s)
	proxy.set(mergeStubs(governanceStubs(true, time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC), true, false),
		map[string]stubFunc{"iam:GetAccountSummary": rootMFASummary, "iam:GetCredentialReport": withRootRow(true, false),
			"ec2:GetInstanceMetadataDefaults": metadataDefaults("required")}))
	good := byCheck(configchecks.Run(collect(t, endpoint, 0)))

	// Non-compliant: root has an active key and no MFA (stubbed root row). Observed
	// 100 days later, so that keys and passwords created now are stale: moto cannot
	// backdate them.
	reset()
	seedNonCompliant(s)
	// The root user was used a day before the observation time.
	proxy.set(mergeStubs(governanceStubs(false, time.Now().Add(99*24*time.Hour), false, true),
		map[string]stubFunc{"ec2:GetInstanceMetadataDefaults": metadataDefaults("optional")}))
	st := collect(t, endpoint, 0)
	st.ObservedAt = st.ObservedAt.Add(100 * 24 * time.Hour)
	bad := byCheck(configchecks.Run(st))

	// Empty: a fresh account (whose root user was used just now).
	reset()
	proxy.set(mergeStubs(governanceStubs(false, time.Now(), false, false),
		map[string]stubFunc{"ec2:GetInstanceMetadataDefaults": metadataDefaults("")}))
	empty := byCheck(configchecks.Run(collect(t, endpoint, 0)))

	for _, c := range automated {
		t.Run(c.ID, func(t *testing.T) {
			if strings.HasPrefix(c.ID, "data.") {
				t.Skip("fed by the data scan, which CollectAccountState does not run: its PASS and FAIL in moto are in cmd/cairn's TestScanDemoAccount")
			}
			g := good[c.ID]
			if !slices.Contains(statuses(g), configchecks.StatusPass) {
				t.Errorf("compliant account: no PASS: %v", g)
			}
			for _, r := range g {
				if r.Status != configchecks.StatusPass {
					t.Errorf("compliant account: %s %s: %s", r.Status, r.ResourceARN, r.StatusExtended)
				}
			}
			if !slices.Contains(statuses(bad[c.ID]), configchecks.StatusFail) && !slices.Contains(statuses(empty[c.ID]), configchecks.StatusFail) {
				t.Errorf("no FAIL in the non-compliant or empty account: %v / %v", bad[c.ID], empty[c.ID])
			}
			for _, r := range append(bad[c.ID], empty[c.ID]...) {
				if r.Status == configchecks.StatusError {
					t.Errorf("ERROR where every API answered: %s", r.StatusExtended)
				}
			}
		})
	}

	// How the monitoring chain fails is said precisely.
	for id, want := range map[string]string{
		"monitoring.unauthorized_api_calls":     "no alarm notifies an SNS topic with a confirmed subscription",
		"monitoring.root_usage":                 "no alarm with actions enabled watches the filter's metric",
		"monitoring.iam_policy_changes":         "no metric filter on the trail's log group matches the pattern",
		"monitoring.console_signin_without_mfa": "no metric filter on the trail's log group matches the pattern",
		"monitoring.vpc_changes":                "no metric filter on the trail's log group matches the pattern",
	} {
		if rs := bad[id]; len(rs) != 1 || rs[0].Status != configchecks.StatusFail || !strings.Contains(rs[0].StatusExtended, want) {
			t.Errorf("%s: %v, want one FAIL saying %q", id, rs, want)
		}
	}
	// The public snapshot of a deleted database is found by the region-wide listing.
	if rs := bad["rds.snapshots_not_public"]; !slices.ContainsFunc(rs, func(r configchecks.Result) bool {
		return r.Status == configchecks.StatusFail && strings.Contains(r.StatusExtended, "retired-final") && strings.HasSuffix(r.ResourceARN, ":snapshot:retired-final")
	}) {
		t.Errorf("rds.snapshots_not_public: %v, want a FAIL for the public snapshot retired-final of a deleted database", rs)
	}
	if rs := empty["monitoring.vpc_changes"]; len(rs) != 1 || !strings.Contains(rs[0].StatusExtended, "no multi-region trail") {
		t.Errorf("empty account: monitoring.vpc_changes: %v", rs)
	}
	if rs := empty["cloudtrail.multi_region"]; len(rs) != 1 || rs[0].StatusExtended != "The account has no CloudTrail trail." {
		t.Errorf("empty account: cloudtrail.multi_region: %v", rs)
	}
	checkGovernanceResults(t, bad, empty)
	checkPeeringResults(t, bad)

	// Requirements without a check yet come out as MANUAL rows, never PASS.
	if rs := good[configchecks.ManualCheckPrefix+"contact-details"]; len(rs) != 1 || rs[0].Status != configchecks.StatusManual {
		t.Errorf("contact-details: %v, want one MANUAL row", rs)
	}

	t.Run("failing APIs give ERROR", func(t *testing.T) {
		reset()
		seedCompliant(s)
		proxy.set(mergeStubs(governanceStubs(true, time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC), true, false), map[string]stubFunc{
			"iam:GetAccountSummary":                          rootMFASummary,
			"iam:GetCredentialReport":                        withRootRow(true, false),
			"iam:GetAccountPasswordPolicy":                   awsQueryError(403, "AccessDenied"),
			"cloudtrail:DescribeTrails":                      awsJSONError(500, "InternalFailure"),
			"logs:DescribeMetricFilters":                     awsJSONError(403, "AccessDeniedException"),
			"logs:DescribeLogGroups":                         awsJSONError(403, "AccessDeniedException"),
			"ec2:GetInstanceMetadataDefaults":                metadataDefaults("required"),
			"rds:DescribeDBInstances":                        awsQueryError(403, "AccessDenied"),
			"dynamodb:ListTables":                            awsJSONError(400, "AccessDeniedException"),
			"sns:ListTopics":                                 awsQueryError(403, "AuthorizationError"),
			"elasticfilesystem:GET /2015-02-01/file-systems": awsJSONError(403, "AccessDeniedException"),
			"elasticloadbalancing:DescribeLoadBalancers":     awsQueryError(403, "AccessDenied"),
			"cloudfront:GET /2020-05-31/distribution":        awsQueryError(403, "AccessDenied"),
			"lambda:GET /2015-03-31/functions":               awsJSONError(403, "AccessDeniedException"),
			"ecs:ListClusters":                               awsJSONError(400, "AccessDeniedException"),
			"ec2:DescribeVpcPeeringConnections": func(int, []byte) (int, []byte) {
				return 403, []byte(`<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>stub</Message></Error></Errors><RequestID>stub</RequestID></Response>`)
			},
			"ec2:GetEbsEncryptionByDefault": func(int, []byte) (int, []byte) {
				return 500, []byte(`<Response><Errors><Error><Code>InternalError</Code><Message>stub</Message></Error></Errors><RequestID>stub</RequestID></Response>`)
			},
			"ec2:DescribeVolumes": func(int, []byte) (int, []byte) {
				return 403, []byte(`<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>stub</Message></Error></Errors><RequestID>stub</RequestID></Response>`)
			},
			"ec2:DescribeSnapshots": func(int, []byte) (int, []byte) {
				return 403, []byte(`<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>stub</Message></Error></Errors><RequestID>stub</RequestID></Response>`)
			},
		}, governanceFailures))
		got := byCheck(configchecks.Run(collect(t, endpoint, 1)))
		wantErrors := maps.Clone(governanceErrors)
		maps.Copy(wantErrors, map[string]string{
			"iam.password_min_length":          "iam GetAccountPasswordPolicy: AccessDenied",
			"iam.password_reuse":               "iam GetAccountPasswordPolicy: AccessDenied",
			"cloudtrail.multi_region":          "cloudtrail DescribeTrails: InternalFailure",
			"cloudtrail.log_file_validation":   "cloudtrail DescribeTrails: InternalFailure",
			"cloudtrail.s3_object_read_events": "cloudtrail DescribeTrails: InternalFailure",
			"cloudtrail.cloudwatch_logs":       "cloudtrail DescribeTrails: InternalFailure",
			"cloudtrail.bucket_not_public":     "cloudtrail DescribeTrails: InternalFailure",
			"monitoring.root_usage":            "cloudtrail DescribeTrails: InternalFailure",
			"ec2.ebs_default_encryption":       "ec2 GetEbsEncryptionByDefault: InternalError",
			"rds.storage_encrypted":            "AccessDenied",
			"rds.multi_az":                     "AccessDenied",
			"dynamodb.pitr":                    "dynamodb ListTables: AccessDeniedException",
			"sns.kms_encryption":               "sns ListTopics: AuthorizationError",
			"efs.encrypted":                    "efs DescribeFileSystems: AccessDeniedException",
			"elb.multi_az":                     "elasticloadbalancing DescribeLoadBalancers: AccessDenied",
			"elb.https_redirect":               "elasticloadbalancing DescribeLoadBalancers: AccessDenied",
			"cloudfront.viewer_https":          "cloudfront ListDistributions: AccessDenied",
			"lambda.failure_destination":       "lambda ListFunctions: AccessDeniedException",
			"ecs.no_public_open_services":      "ecs ListClusters: AccessDeniedException",
			"ec2.vpc_peering_least_access":     "ec2 DescribeVpcPeeringConnections: UnauthorizedOperation",
			"ec2.ebs_volumes_encrypted":        "ec2 DescribeVolumes: UnauthorizedOperation",
			"ec2.ebs_snapshots_encrypted":      "ec2 DescribeSnapshots: UnauthorizedOperation",
			"logs.retention_365":               "logs DescribeLogGroups: AccessDeniedException",
		})
		for id, want := range wantErrors {
			rs := got[id]
			if len(rs) == 0 {
				t.Errorf("%s: no result", id)
			}
			for _, r := range rs {
				if r.Status != configchecks.StatusError || !strings.Contains(r.StatusExtended, want) {
					t.Errorf("%s: %s %q, want ERROR naming %q", id, r.Status, r.StatusExtended, want)
				}
			}
		}
		// One service's failure makes only its resource policies ERROR.
		if !slices.ContainsFunc(got["iam.resource_policies_not_public"], func(r configchecks.Result) bool {
			return r.Status == configchecks.StatusError && strings.Contains(r.StatusExtended, "sqs ListQueues: AccessDenied")
		}) {
			t.Errorf("iam.resource_policies_not_public: no ERROR naming sqs ListQueues: %v", got["iam.resource_policies_not_public"])
		}
		// Checks whose APIs answered still decide.
		if rs := got["iam.root_mfa"]; len(rs) != 1 || rs[0].Status != configchecks.StatusPass {
			t.Errorf("iam.root_mfa: %v", rs)
		}
	})

	// S3 failures, in a run of their own: a denied ListBuckets would also change the
	// errors the CloudTrail checks above report.
	t.Run("failing S3 APIs give ERROR", func(t *testing.T) {
		reset()
		seedCompliant(s)
		proxy.set(mergeStubs(governanceStubs(true, time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC), true, false), map[string]stubFunc{
			"ec2:GetInstanceMetadataDefaults": metadataDefaults("required"),
			// ListBuckets (path-style GET /).
			"s3:GET /": func(int, []byte) (int, []byte) {
				return 403, []byte(`<Error><Code>AccessDenied</Code><Message>stub</Message><RequestId>stub</RequestId></Error>`)
			},
		}))
		got := byCheck(configchecks.Run(collect(t, endpoint, 1)))
		for id, want := range map[string]string{
			"s3.no_public_buckets":         "s3 ListBuckets: AccessDenied",
			"s3.default_encryption":        "s3 ListBuckets: AccessDenied",
			"s3.server_access_logging":     "s3 ListBuckets: AccessDenied",
			"cloudtrail.bucket_not_public": "s3 ListBuckets: AccessDenied",
		} {
			rs := got[id]
			if len(rs) == 0 {
				t.Errorf("%s: no result", id)
			}
			for _, r := range rs {
				if r.Status != configchecks.StatusError || !strings.Contains(r.StatusExtended, want) {
					t.Errorf("%s: %s %q, want ERROR naming %q", id, r.Status, r.StatusExtended, want)
				}
			}
		}
	})
}
