package scanner_test

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/sns"
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
	s.ok(s.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(testAMI), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		MetadataOptions: &ec2types.InstanceMetadataOptionsRequest{HttpTokens: ec2types.HttpTokensStateRequired}}))
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
	s.ok(efs.NewFromConfig(s.cfg).CreateFileSystem(ctx, &efs.CreateFileSystemInput{CreationToken: aws.String("scratch"), Encrypted: aws.Bool(false)}))
	s.ok(s.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(testAMI), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		MetadataOptions: &ec2types.InstanceMetadataOptionsRequest{HttpTokens: ec2types.HttpTokensStateOptional}}))
	s.ok(dynamodb.NewFromConfig(s.cfg).CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("sessions"), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}}}))
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
