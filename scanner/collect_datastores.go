package scanner

import (
	"cmp"
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/cairnsec/cairn/configchecks"
)

// collectFileSystems reads a region's EFS file systems.
func (c *stateCollector) collectFileSystems(ctx context.Context, region string) configchecks.Attr[[]configchecks.FileSystem] {
	client := efs.NewFromConfig(c.cfg, func(o *efs.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	return listAll(ctx, "efs DescribeFileSystems",
		efs.NewDescribeFileSystemsPaginator(client, &efs.DescribeFileSystemsInput{}),
		func(o *efs.DescribeFileSystemsOutput) (out []configchecks.FileSystem) {
			for _, f := range o.FileSystems {
				id := aws.ToString(f.FileSystemId)
				out = append(out, configchecks.FileSystem{
					ID: id, ARN: cmp.Or(aws.ToString(f.FileSystemArn), c.arn("elasticfilesystem", region, "file-system/"+id)),
					Name: aws.ToString(f.Name), Encrypted: aws.ToBool(f.Encrypted), KMSKeyID: aws.ToString(f.KmsKeyId),
				})
			}
			return out
		})
}

// collectInstances reads a region's EC2 instances (not terminated ones) and the
// account-level instance metadata defaults.
func (c *stateCollector) collectInstances(ctx context.Context, rs *configchecks.RegionState) {
	region := rs.Name
	client := ec2.NewFromConfig(c.cfg, func(o *ec2.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	rs.Instances = listAll(ctx, "ec2 DescribeInstances",
		ec2.NewDescribeInstancesPaginator(client, &ec2.DescribeInstancesInput{}),
		func(o *ec2.DescribeInstancesOutput) (out []configchecks.Instance) {
			for _, r := range o.Reservations {
				for _, in := range r.Instances {
					state := ""
					if in.State != nil {
						state = string(in.State.Name)
					}
					if state == string(ec2types.InstanceStateNameTerminated) || state == string(ec2types.InstanceStateNameShuttingDown) {
						continue
					}
					id := aws.ToString(in.InstanceId)
					i := configchecks.Instance{ID: id, ARN: c.arn("ec2", region, "instance/"+id), State: state, PublicIP: aws.ToString(in.PublicIpAddress) != ""}
					if m := in.MetadataOptions; m != nil {
						i.HttpTokens, i.HttpEndpoint = string(m.HttpTokens), string(m.HttpEndpoint)
					}
					out = append(out, i)
				}
			}
			return out
		})
	if out, err := client.GetInstanceMetadataDefaults(ctx, &ec2.GetInstanceMetadataDefaultsInput{}); err != nil {
		rs.MetadataDefaults = configchecks.Unknown[configchecks.MetadataDefaults](reason("ec2 GetInstanceMetadataDefaults", err))
	} else {
		var d configchecks.MetadataDefaults
		if a := out.AccountLevel; a != nil {
			d.HttpTokens, d.HttpEndpoint = string(a.HttpTokens), string(a.HttpEndpoint)
		}
		rs.MetadataDefaults = configchecks.Observed(d)
	}
}

// collectTables reads a region's DynamoDB tables, reusing the data scan's table
// posture (dynamodb.go) so that both judge encryption the same way.
func (c *stateCollector) collectTables(ctx context.Context, region string) configchecks.Attr[[]configchecks.DynamoTable] {
	s := NewDynamoDBScanner(c.cfg, c.ao, nil, DynamoOptions{Regions: []string{region}}, c.log)
	s.ddb = dynamodb.NewFromConfig(c.cfg, func(o *dynamodb.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	inRegion := func(o *dynamodb.Options) { o.Region = region }
	names := listAll(ctx, "dynamodb ListTables",
		dynamodb.NewListTablesPaginator(s.ddb, &dynamodb.ListTablesInput{}),
		func(o *dynamodb.ListTablesOutput) []string { return o.TableNames })
	if !names.Known {
		return configchecks.Unknown[[]configchecks.DynamoTable](names.Err)
	}
	out := make([]configchecks.DynamoTable, 0, len(names.Value))
	for _, name := range names.Value {
		d, err := s.ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, inRegion)
		if err != nil {
			return configchecks.Unknown[[]configchecks.DynamoTable](reason("dynamodb DescribeTable", err))
		}
		arn := aws.ToString(d.Table.TableArn)
		p := &TablePosture{Region: region}
		s.tablePosture(ctx, region, arn, d.Table, p)
		t := configchecks.DynamoTable{Name: name, ARN: arn, Encryption: configchecks.StoreEncryption{
			Type: p.Encryption.Type, KMSKeyARN: p.Encryption.KMSKeyARN, KeyManager: p.Encryption.KeyManager}}
		if p.PITRError != "" {
			t.PITR = configchecks.Unknown[bool](p.PITRError)
		} else {
			t.PITR = configchecks.Observed(p.PITREnabled)
		}
		out = append(out, t)
	}
	return configchecks.Observed(out)
}

// collectTopics reads a region's SNS topics and their KMS key.
func (c *stateCollector) collectTopics(ctx context.Context, region string) configchecks.Attr[[]configchecks.Topic] {
	client := sns.NewFromConfig(c.cfg, func(o *sns.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	arns := listAll(ctx, "sns ListTopics", sns.NewListTopicsPaginator(client, &sns.ListTopicsInput{}),
		func(o *sns.ListTopicsOutput) (out []string) {
			for _, t := range o.Topics {
				out = append(out, aws.ToString(t.TopicArn))
			}
			return out
		})
	if !arns.Known {
		return configchecks.Unknown[[]configchecks.Topic](arns.Err)
	}
	out := make([]configchecks.Topic, 0, len(arns.Value))
	for _, arn := range arns.Value {
		a, err := client.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
		if err != nil {
			return configchecks.Unknown[[]configchecks.Topic](reason("sns GetTopicAttributes", err))
		}
		out = append(out, configchecks.Topic{ARN: arn, KMSKeyID: a.Attributes["KmsMasterKeyId"]})
	}
	return configchecks.Observed(out)
}
