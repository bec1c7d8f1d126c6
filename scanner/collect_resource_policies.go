package scanner

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/sourcegraph/conc/pool"

	"github.com/cairnsec/cairn/configchecks"
)

// policyAttr is the resource policies of one service in one region.
type policyAttr = configchecks.Attr[[]configchecks.ResourcePolicy]

// collectResourcePolicies reads the resource policies of a region's KMS keys, Lambda
// functions, Secrets Manager secrets, SNS topics and SQS queues, keyed as
// configchecks.ResourcePolicyServices. Each service records its own error.
func (c *stateCollector) collectResourcePolicies(ctx context.Context, region string) map[string]policyAttr {
	out := map[string]policyAttr{
		"kms":            c.kmsKeyPolicies(ctx, region),
		"lambda":         c.lambdaPolicies(ctx, region),
		"secretsmanager": c.secretPolicies(ctx, region),
		"sns":            c.topicPolicies(ctx, region),
		"sqs":            c.queuePolicies(ctx, region),
	}
	return out
}

// eachPolicy fetches the policy of every listed resource with get (at most
// collectConcurrency at once). A resource whose policy cannot be read makes the
// service's whole attribute unknown: a skipped resource might be the public one.
func eachPolicy(ctx context.Context, service string, list configchecks.Attr[[]string], get func(ctx context.Context, id string) (arn, doc, failure string)) policyAttr {
	if !list.Known {
		return configchecks.Unknown[[]configchecks.ResourcePolicy](list.Err)
	}
	pols := make([]configchecks.ResourcePolicy, len(list.Value))
	failed := make([]string, len(list.Value))
	p := pool.New().WithMaxGoroutines(collectConcurrency)
	for i, id := range list.Value {
		p.Go(func() {
			arn, doc, failure := get(ctx, id)
			pols[i] = configchecks.ResourcePolicy{Service: service, ARN: arn, Document: doc}
			failed[i] = failure
		})
	}
	p.Wait()
	for _, f := range failed {
		if f != "" {
			return configchecks.Unknown[[]configchecks.ResourcePolicy](f)
		}
	}
	return configchecks.Observed(pols)
}

func (c *stateCollector) kmsKeyPolicies(ctx context.Context, region string) policyAttr {
	client := kms.NewFromConfig(c.cfg, func(o *kms.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	keys := listAll(ctx, "kms ListKeys", kms.NewListKeysPaginator(client, &kms.ListKeysInput{}),
		func(o *kms.ListKeysOutput) (out []string) {
			for _, k := range o.Keys {
				out = append(out, aws.ToString(k.KeyArn))
			}
			return out
		})
	return eachPolicy(ctx, "kms", keys, func(ctx context.Context, arn string) (string, string, string) {
		out, err := client.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(arn), PolicyName: aws.String("default")})
		if err != nil {
			return arn, "", reason("kms GetKeyPolicy", err)
		}
		return arn, aws.ToString(out.Policy), ""
	})
}

func (c *stateCollector) lambdaPolicies(ctx context.Context, region string) policyAttr {
	client := lambda.NewFromConfig(c.cfg, func(o *lambda.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	fns := listAll(ctx, "lambda ListFunctions", lambda.NewListFunctionsPaginator(client, &lambda.ListFunctionsInput{}),
		func(o *lambda.ListFunctionsOutput) (out []string) {
			for _, f := range o.Functions {
				out = append(out, aws.ToString(f.FunctionArn))
			}
			return out
		})
	return eachPolicy(ctx, "lambda", fns, func(ctx context.Context, arn string) (string, string, string) {
		out, err := client.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(arn)})
		switch {
		case err != nil && errorCode(err) == "ResourceNotFoundException":
			return arn, "", "" // no resource policy
		case err != nil:
			return arn, "", reason("lambda GetPolicy", err)
		}
		return arn, aws.ToString(out.Policy), ""
	})
}

func (c *stateCollector) secretPolicies(ctx context.Context, region string) policyAttr {
	client := secretsmanager.NewFromConfig(c.cfg, func(o *secretsmanager.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	secrets := listAll(ctx, "secretsmanager ListSecrets", secretsmanager.NewListSecretsPaginator(client, &secretsmanager.ListSecretsInput{}),
		func(o *secretsmanager.ListSecretsOutput) (out []string) {
			for _, s := range o.SecretList {
				out = append(out, aws.ToString(s.ARN))
			}
			return out
		})
	return eachPolicy(ctx, "secretsmanager", secrets, func(ctx context.Context, arn string) (string, string, string) {
		out, err := client.GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: aws.String(arn)})
		if err != nil {
			return arn, "", reason("secretsmanager GetResourcePolicy", err)
		}
		return arn, aws.ToString(out.ResourcePolicy), ""
	})
}

func (c *stateCollector) topicPolicies(ctx context.Context, region string) policyAttr {
	client := sns.NewFromConfig(c.cfg, func(o *sns.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	topics := listAll(ctx, "sns ListTopics", sns.NewListTopicsPaginator(client, &sns.ListTopicsInput{}),
		func(o *sns.ListTopicsOutput) (out []string) {
			for _, t := range o.Topics {
				out = append(out, aws.ToString(t.TopicArn))
			}
			return out
		})
	return eachPolicy(ctx, "sns", topics, func(ctx context.Context, arn string) (string, string, string) {
		out, err := client.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
		if err != nil {
			return arn, "", reason("sns GetTopicAttributes", err)
		}
		return arn, out.Attributes["Policy"], ""
	})
}

func (c *stateCollector) queuePolicies(ctx context.Context, region string) policyAttr {
	client := sqs.NewFromConfig(c.cfg, func(o *sqs.Options) {
		o.Region = region
		o.APIOptions = guardOpts(o.APIOptions)
	})
	queues := listAll(ctx, "sqs ListQueues", sqs.NewListQueuesPaginator(client, &sqs.ListQueuesInput{}),
		func(o *sqs.ListQueuesOutput) []string { return o.QueueUrls })
	return eachPolicy(ctx, "sqs", queues, func(ctx context.Context, url string) (string, string, string) {
		out, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
			AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNamePolicy, sqstypes.QueueAttributeNameQueueArn}})
		if err != nil {
			return url, "", reason("sqs GetQueueAttributes", err)
		}
		arn := out.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]
		if arn == "" {
			arn = url
		}
		return arn, out.Attributes[string(sqstypes.QueueAttributeNamePolicy)], ""
	})
}
