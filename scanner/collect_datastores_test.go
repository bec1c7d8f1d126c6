package scanner_test

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/cairnsec/cairn/configchecks"
)

// testAMI is any image id: moto does not validate AMIs unless told to.
const testAMI = "ami-0123456789abcdef0"

// seedCompliantDataStores adds data stores, instances and topics that pass the
// data-store and availability checks: an encrypted Multi-AZ database with backups, an
// encrypted file system, an IMDSv2-only instance, a table under a customer managed
// key with PITR, and KMS on every topic.
func seedCompliantDataStores(s *seeder, keyARN string) {
	ctx := s.ctx
	r := rds.NewFromConfig(s.cfg)
	s.ok(r.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String("orders"), Engine: aws.String("postgres"), EngineVersion: aws.String("15.4"),
		DBInstanceClass: aws.String("db.t3.micro"), AllocatedStorage: aws.Int32(20),
		StorageEncrypted: aws.Bool(true), KmsKeyId: aws.String(keyARN), PubliclyAccessible: aws.Bool(false),
		MultiAZ: aws.Bool(true), AutoMinorVersionUpgrade: aws.Bool(true), BackupRetentionPeriod: aws.Int32(7),
	}))
	s.ok(efs.NewFromConfig(s.cfg).CreateFileSystem(ctx, &efs.CreateFileSystemInput{CreationToken: aws.String("shared"), Encrypted: aws.Bool(true), KmsKeyId: aws.String(keyARN)}))
	// The compliant account's one instance (IMDSv2 required, with an instance
	// profile) is seeded by seedCompliantGovernance.
	d := dynamodb.NewFromConfig(s.cfg)
	s.ok(d.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("customers"), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		SSESpecification:     &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms, KMSMasterKeyId: aws.String(keyARN)}}))
	s.ok(d.UpdateContinuousBackups(ctx, &dynamodb.UpdateContinuousBackupsInput{TableName: aws.String("customers"),
		PointInTimeRecoverySpecification: &ddbtypes.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(true)}}))
	topics, err := s.sns.ListTopics(ctx, &sns.ListTopicsInput{})
	s.ok(nil, err)
	for _, t := range topics.Topics {
		s.ok(s.sns.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: t.TopicArn, AttributeName: aws.String("KmsMasterKeyId"), AttributeValue: aws.String(keyARN)}))
	}

	// Web front ends: an ALB in two zones whose HTTP listener redirects to HTTPS,
	// with access logs; a CloudFront distribution redirecting to HTTPS, with logging.
	vpc, defaultSG, _ := s.defaultVPC()
	subnets := s.subnets(vpc)
	elb := elbv2.NewFromConfig(s.cfg)
	lb, err := elb.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String("web"), Subnets: subnets[:2], Type: elbtypes.LoadBalancerTypeEnumApplication})
	s.ok(nil, err)
	s.ok(elb.CreateListener(ctx, &elbv2.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumRedirect, RedirectConfig: &elbtypes.RedirectActionConfig{
			Protocol: aws.String("HTTPS"), Port: aws.String("443"), StatusCode: elbtypes.RedirectActionStatusCodeEnumHttp301}}}}))
	s.ok(elb.ModifyLoadBalancerAttributes(ctx, &elbv2.ModifyLoadBalancerAttributesInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn, Attributes: []elbtypes.LoadBalancerAttribute{
		{Key: aws.String("access_logs.s3.enabled"), Value: aws.String("true")}, {Key: aws.String("access_logs.s3.bucket"), Value: aws.String("log-bucket")}}}))
	s.distribution("site", cftypes.ViewerProtocolPolicyRedirectToHttps, true)

	// A function keeping failed invocations, an ECS service without public IPs, an S3
	// gateway endpoint in the default VPC.
	fn := s.function("ingest")
	s.ok(lambda.NewFromConfig(s.cfg).PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String(fn),
		DestinationConfig: &lambdatypes.DestinationConfig{OnFailure: &lambdatypes.OnFailure{Destination: topics.Topics[0].TopicArn}}}))
	s.ecsService("api", subnets[0], defaultSG, false)
	tables, err := s.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}}})
	s.ok(nil, err)
	s.ok(s.ec2.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(vpc), ServiceName: aws.String("com.amazonaws.us-east-1.s3"),
		VpcEndpointType: ec2types.VpcEndpointTypeGateway, RouteTableIds: []string{aws.ToString(tables.RouteTables[0].RouteTableId)}}))
}

// subnets returns the ids of a VPC's subnets, in distinct availability zones.
func (s *seeder) subnets(vpc string) []string {
	s.t.Helper()
	out, err := s.ec2.DescribeSubnets(s.ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}}})
	s.ok(nil, err)
	var ids []string
	zones := map[string]bool{}
	for _, sn := range out.Subnets {
		if z := aws.ToString(sn.AvailabilityZone); !zones[z] {
			zones[z] = true
			ids = append(ids, aws.ToString(sn.SubnetId))
		}
	}
	if len(ids) < 2 {
		s.t.Fatalf("default VPC has subnets in %d zones", len(ids))
	}
	return ids
}

// distribution creates a CloudFront distribution in front of an S3 origin.
func (s *seeder) distribution(ref string, policy cftypes.ViewerProtocolPolicy, logging bool) {
	s.t.Helper()
	s.ok(cloudfront.NewFromConfig(s.cfg).CreateDistribution(s.ctx, &cloudfront.CreateDistributionInput{DistributionConfig: &cftypes.DistributionConfig{
		CallerReference: aws.String(ref), Comment: aws.String(ref), Enabled: aws.Bool(true),
		Origins: &cftypes.Origins{Quantity: aws.Int32(1), Items: []cftypes.Origin{{Id: aws.String("s3"), DomainName: aws.String("log-bucket.s3.amazonaws.com"),
			S3OriginConfig: &cftypes.S3OriginConfig{OriginAccessIdentity: aws.String("")}}}},
		DefaultCacheBehavior: &cftypes.DefaultCacheBehavior{TargetOriginId: aws.String("s3"), ViewerProtocolPolicy: policy,
			ForwardedValues: &cftypes.ForwardedValues{QueryString: aws.Bool(false), Cookies: &cftypes.CookiePreference{Forward: cftypes.ItemSelectionNone}},
			TrustedSigners:  &cftypes.TrustedSigners{Enabled: aws.Bool(false), Quantity: aws.Int32(0)}, MinTTL: aws.Int64(0)},
		Logging: &cftypes.LoggingConfig{Enabled: aws.Bool(logging), IncludeCookies: aws.Bool(false), Bucket: aws.String("log-bucket.s3.amazonaws.com"), Prefix: aws.String(ref)},
	}}))
}

// function creates a Lambda function (moto runs nothing at creation) and returns its name.
func (s *seeder) function(name string) string {
	s.t.Helper()
	role, err := s.iam.CreateRole(s.ctx, &iam.CreateRoleInput{RoleName: aws.String("lambda-" + name), AssumeRolePolicyDocument: aws.String(assumeRoot)})
	s.ok(nil, err)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("index.py")
	w.Write([]byte("def handler(event, context):\n    return None\n"))
	zw.Close()
	s.ok(lambda.NewFromConfig(s.cfg).CreateFunction(s.ctx, &lambda.CreateFunctionInput{FunctionName: aws.String(name), Runtime: lambdatypes.RuntimePython312,
		Role: role.Role.Arn, Handler: aws.String("index.handler"), Code: &lambdatypes.FunctionCode{ZipFile: buf.Bytes()}}))
	return name
}

// ecsService creates an ECS cluster and a Fargate service in subnet, with a public
// IP or not, behind security group sg.
func (s *seeder) ecsService(name, subnet, sg string, publicIP bool) {
	s.t.Helper()
	c := ecs.NewFromConfig(s.cfg)
	s.ok(c.CreateCluster(s.ctx, &ecs.CreateClusterInput{ClusterName: aws.String(name)}))
	s.ok(c.RegisterTaskDefinition(s.ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String(name), NetworkMode: ecstypes.NetworkModeAwsvpc,
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate}, Cpu: aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx"),
			PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(80)}}}}}))
	assign := ecstypes.AssignPublicIpDisabled
	if publicIP {
		assign = ecstypes.AssignPublicIpEnabled
	}
	vpcCfg := &ecstypes.AwsVpcConfiguration{Subnets: []string{subnet}, SecurityGroups: []string{sg}, AssignPublicIp: assign}
	s.ok(c.CreateService(s.ctx, &ecs.CreateServiceInput{Cluster: aws.String(name), ServiceName: aws.String(name), TaskDefinition: aws.String(name),
		DesiredCount: aws.Int32(1), LaunchType: ecstypes.LaunchTypeFargate, NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: vpcCfg}}))
}

// seedNonCompliantDataStores adds the opposite: an unencrypted, public, single-AZ
// database without minor upgrades, with one day of backups and a public snapshot; an
// unencrypted file system; an instance allowing IMDSv1; a table on the AWS owned key
// without PITR. (The non-compliant account's topic has no KMS key.)
func seedNonCompliantDataStores(s *seeder) {
	ctx := s.ctx
	r := rds.NewFromConfig(s.cfg)
	s.ok(r.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String("legacy"), Engine: aws.String("mariadb"), EngineVersion: aws.String("10.11.6"),
		DBInstanceClass: aws.String("db.t3.micro"), AllocatedStorage: aws.Int32(20),
		PubliclyAccessible: aws.Bool(true), MultiAZ: aws.Bool(false), AutoMinorVersionUpgrade: aws.Bool(false), BackupRetentionPeriod: aws.Int32(1),
	}))
	s.ok(r.CreateDBSnapshot(ctx, &rds.CreateDBSnapshotInput{DBInstanceIdentifier: aws.String("legacy"), DBSnapshotIdentifier: aws.String("legacy-export")}))
	s.ok(r.ModifyDBSnapshotAttribute(ctx, &rds.ModifyDBSnapshotAttributeInput{DBSnapshotIdentifier: aws.String("legacy-export"),
		AttributeName: aws.String("restore"), ValuesToAdd: []string{"all"}}))
	// A database deleted after a public manual snapshot was taken of it: the
	// snapshot outlives it, and only the region-wide snapshot listing sees it.
	s.ok(r.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String("retired"), Engine: aws.String("postgres"), DBInstanceClass: aws.String("db.t3.micro"), AllocatedStorage: aws.Int32(20),
	}))
	s.ok(r.CreateDBSnapshot(ctx, &rds.CreateDBSnapshotInput{DBInstanceIdentifier: aws.String("retired"), DBSnapshotIdentifier: aws.String("retired-final")}))
	s.ok(r.ModifyDBSnapshotAttribute(ctx, &rds.ModifyDBSnapshotAttributeInput{DBSnapshotIdentifier: aws.String("retired-final"),
		AttributeName: aws.String("restore"), ValuesToAdd: []string{"all"}}))
	s.ok(r.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("retired"), SkipFinalSnapshot: aws.Bool(true)}))
	s.ok(efs.NewFromConfig(s.cfg).CreateFileSystem(ctx, &efs.CreateFileSystemInput{CreationToken: aws.String("scratch"), Encrypted: aws.Bool(false)}))
	s.ok(s.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(testAMI), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		MetadataOptions: &ec2types.InstanceMetadataOptionsRequest{HttpTokens: ec2types.HttpTokensStateOptional}}))
	s.ok(dynamodb.NewFromConfig(s.cfg).CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("sessions"), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}}}))

	// Web front ends: an ALB whose HTTP listener forwards (no redirect, no access
	// logs) and an NLB in one zone; a distribution allowing HTTP, without logging.
	vpc, _, _ := s.defaultVPC()
	subnets := s.subnets(vpc)
	elb := elbv2.NewFromConfig(s.cfg)
	tg, err := elb.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: aws.String("web"), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), VpcId: aws.String(vpc)})
	s.ok(nil, err)
	lb, err := elb.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String("web"), Subnets: subnets[:2], Type: elbtypes.LoadBalancerTypeEnumApplication})
	s.ok(nil, err)
	s.ok(elb.CreateListener(ctx, &elbv2.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tg.TargetGroups[0].TargetGroupArn}}}))
	s.ok(elb.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String("tcp"), Subnets: subnets[:1], Type: elbtypes.LoadBalancerTypeEnumNetwork}))
	s.distribution("legacy-site", cftypes.ViewerProtocolPolicyAllowAll, false)

	// A function dropping failed invocations; an ECS service with public IPs behind the
	// wide-open group; a peering route to the whole peer VPC; no S3 endpoint.
	s.function("resize")
	groups, err := s.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{{Name: aws.String("group-name"), Values: []string{"wide-open"}}}})
	s.ok(nil, err)
	s.ecsService("api", subnets[0], aws.ToString(groups.SecurityGroups[0].GroupId), true)
	peer, err := s.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})
	s.ok(nil, err)
	pcx, err := s.ec2.CreateVpcPeeringConnection(ctx, &ec2.CreateVpcPeeringConnectionInput{VpcId: aws.String(vpc), PeerVpcId: peer.Vpc.VpcId})
	s.ok(nil, err)
	tables, err := s.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}}})
	s.ok(nil, err)
	s.ok(s.ec2.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: tables.RouteTables[0].RouteTableId, DestinationCidrBlock: aws.String("10.1.0.0/16"),
		VpcPeeringConnectionId: pcx.VpcPeeringConnection.VpcPeeringConnectionId}))
	// Two more route tables through it: ::/0 (the peer VPC has no IPv6 block), which
	// fails, and a prefix list, which Cairn does not resolve (MANUAL). See
	// checkPeeringResults.
	v6, err := s.ec2.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(vpc)})
	s.ok(nil, err)
	s.ok(s.ec2.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: v6.RouteTable.RouteTableId, DestinationIpv6CidrBlock: aws.String("::/0"),
		VpcPeeringConnectionId: pcx.VpcPeeringConnection.VpcPeeringConnectionId}))
	pl, err := s.ec2.CreateManagedPrefixList(ctx, &ec2.CreateManagedPrefixListInput{PrefixListName: aws.String("peer"), AddressFamily: aws.String("IPv4"),
		MaxEntries: aws.Int32(1), Entries: []ec2types.AddPrefixListEntry{{Cidr: aws.String("10.1.0.0/16")}}})
	s.ok(nil, err)
	viaList, err := s.ec2.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(vpc)})
	s.ok(nil, err)
	s.ok(s.ec2.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: viaList.RouteTable.RouteTableId, DestinationPrefixListId: pl.PrefixList.PrefixListId,
		VpcPeeringConnectionId: pcx.VpcPeeringConnection.VpcPeeringConnectionId}))
}

// checkPeeringResults checks what ec2.vpc_peering_least_access says of the
// non-compliant account's three peering route tables (seedNonCompliantDataStores):
// the route to the peer's whole block and the IPv6 default route fail, the route to a
// prefix list is MANUAL. It shows that the route collector reads
// DestinationIpv6CidrBlock and DestinationPrefixListId. moto 5.2.1 reports no
// Ipv6CidrBlockSet for peered VPCs (TestPeeringConnectionBlocks covers its conversion).
func checkPeeringResults(t *testing.T, bad map[string][]configchecks.Result) {
	t.Helper()
	want := map[string]configchecks.Status{
		"covers the peer VPC's 10.1.0.0/16":        configchecks.StatusFail,
		"::/0 via pcx-":                            configchecks.StatusFail,
		"routes prefix lists through peering (pl-": configchecks.StatusManual,
	}
	for text, status := range want {
		n := 0
		for _, r := range bad["ec2.vpc_peering_least_access"] {
			if strings.Contains(r.StatusExtended, text) {
				n++
				if r.Status != status {
					t.Errorf("ec2.vpc_peering_least_access: %s %q, want %s", r.Status, r.StatusExtended, status)
				}
			}
		}
		if n != 1 {
			t.Errorf("ec2.vpc_peering_least_access: %d results say %q, want 1: %v", n, text, bad["ec2.vpc_peering_least_access"])
		}
	}
	for _, r := range bad["ec2.vpc_peering_least_access"] {
		if strings.Contains(r.StatusExtended, "::/0 via pcx-") && !strings.Contains(r.StatusExtended, "is a default route, and the peer VPC has no IPv6 CIDR block") {
			t.Errorf("ec2.vpc_peering_least_access: ::/0 route: %q", r.StatusExtended)
		}
	}
}

// metadataDefaults stubs ec2 GetInstanceMetadataDefaults, which moto 5.2.1 lacks,
// with the given account-level HttpTokens ("" for no preference).
func metadataDefaults(httpTokens string) stubFunc {
	return func(int, []byte) (int, []byte) {
		level := "<accountLevel/>"
		if httpTokens != "" {
			level = "<accountLevel><httpTokens>" + httpTokens + "</httpTokens></accountLevel>"
		}
		return 200, []byte(`<GetInstanceMetadataDefaultsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>stub</requestId>` + level + `</GetInstanceMetadataDefaultsResponse>`)
	}
}
