package scanner

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"

	"github.com/cairnsec/cairn/configchecks"
)

// collectMetricFilters lists every CloudWatch Logs metric filter of a region.
func (c *stateCollector) collectMetricFilters(ctx context.Context, region string) configchecks.Attr[[]configchecks.MetricFilter] {
	client := cloudwatchlogs.NewFromConfig(c.cfg, func(o *cloudwatchlogs.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	return listAll(ctx, "logs DescribeMetricFilters",
		cloudwatchlogs.NewDescribeMetricFiltersPaginator(client, &cloudwatchlogs.DescribeMetricFiltersInput{}),
		func(o *cloudwatchlogs.DescribeMetricFiltersOutput) (out []configchecks.MetricFilter) {
			for _, f := range o.MetricFilters {
				mf := configchecks.MetricFilter{
					LogGroupName: aws.ToString(f.LogGroupName), Name: aws.ToString(f.FilterName), Pattern: aws.ToString(f.FilterPattern),
				}
				for _, t := range f.MetricTransformations {
					mf.Metrics = append(mf.Metrics, configchecks.MetricTransform{Name: aws.ToString(t.MetricName), Namespace: aws.ToString(t.MetricNamespace)})
				}
				out = append(out, mf)
			}
			return out
		})
}

// newCloudWatchClient returns a guarded CloudWatch client for region.
//
// Since v1.53 the SDK speaks Smithy RPC v2 CBOR to CloudWatch, which emulators (moto
// 5.2) do not understand; CloudWatch also serves the older AWS Query protocol, so
// with a custom endpoint the client uses that one.
func newCloudWatchClient(cfg aws.Config, ao AWSOptions, region string) *cloudwatch.Client {
	query := customEndpoint(cfg, ao) != ""
	return cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
		o.Region = region
		if query {
			o.Protocol = awsquery.New(cwschemas.GraniteServiceVersion20100801)
		}
		o.APIOptions = guardOpts(o.APIOptions)
	})
}

// collectAlarms lists every CloudWatch metric alarm of a region.
func (c *stateCollector) collectAlarms(ctx context.Context, region string) configchecks.Attr[[]configchecks.MetricAlarm] {
	client := newCloudWatchClient(c.cfg, c.ao, region)
	return listAll(ctx, "cloudwatch DescribeAlarms",
		cloudwatch.NewDescribeAlarmsPaginator(client, &cloudwatch.DescribeAlarmsInput{AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm}}),
		func(o *cloudwatch.DescribeAlarmsOutput) (out []configchecks.MetricAlarm) {
			for _, a := range o.MetricAlarms {
				out = append(out, configchecks.MetricAlarm{
					Name: aws.ToString(a.AlarmName), ARN: aws.ToString(a.AlarmArn),
					MetricName: aws.ToString(a.MetricName), Namespace: aws.ToString(a.Namespace),
					ActionsEnabled: aws.ToBool(a.ActionsEnabled), AlarmActions: a.AlarmActions,
				})
			}
			return out
		})
}

// collectSubscriptions lists every SNS subscription of a region (without endpoints).
func (c *stateCollector) collectSubscriptions(ctx context.Context, region string) configchecks.Attr[[]configchecks.Subscription] {
	client := sns.NewFromConfig(c.cfg, func(o *sns.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	return listAll(ctx, "sns ListSubscriptions",
		sns.NewListSubscriptionsPaginator(client, &sns.ListSubscriptionsInput{}),
		func(o *sns.ListSubscriptionsOutput) (out []configchecks.Subscription) {
			for _, s := range o.Subscriptions {
				out = append(out, configchecks.Subscription{
					TopicARN: aws.ToString(s.TopicArn), SubscriptionARN: aws.ToString(s.SubscriptionArn), Protocol: aws.ToString(s.Protocol),
				})
			}
			return out
		})
}

// collectLogGroups lists every CloudWatch Logs log group of a region with its
// retention.
func (c *stateCollector) collectLogGroups(ctx context.Context, region string) configchecks.Attr[[]configchecks.LogGroup] {
	client := cloudwatchlogs.NewFromConfig(c.cfg, func(o *cloudwatchlogs.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	return listAll(ctx, "logs DescribeLogGroups",
		cloudwatchlogs.NewDescribeLogGroupsPaginator(client, &cloudwatchlogs.DescribeLogGroupsInput{}),
		func(o *cloudwatchlogs.DescribeLogGroupsOutput) (out []configchecks.LogGroup) {
			for _, g := range o.LogGroups {
				name := aws.ToString(g.LogGroupName)
				arn := aws.ToString(g.LogGroupArn)
				if arn == "" {
					arn = c.arn("logs", region, "log-group:"+name)
				}
				out = append(out, configchecks.LogGroup{Name: name, ARN: arn, RetentionDays: aws.ToInt32(g.RetentionInDays)})
			}
			return out
		})
}
