package scanner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/middleware"
	"github.com/sourcegraph/conc/pool"

	"github.com/cairnsec/cairn/configchecks"
)

// Bounds of state collection: every listing stops after maxStatePages pages (the
// attribute is then unknown, never silently partial), each collector gets
// collectTimeout, and at most collectConcurrency collectors (or per-item calls within
// one) run at once.
const (
	maxStatePages      = 200
	collectTimeout     = 10 * time.Minute
	collectConcurrency = 8
)

// errTruncated reports a listing that hit maxStatePages.
var errTruncated = errors.New("listing truncated")

// CollectAccountState reads, once, everything the configuration checks need from the
// account cfg's credentials belong to: IAM and the S3 bucket list globally, and
// CloudTrail, CloudWatch Logs metric filters, CloudWatch alarms, SNS subscriptions,
// EC2 network settings and KMS keys in each of regions. cfg must come from
// LoadAWSConfig (every client made here is guarded again anyway); ao gives the
// endpoint. The collectors run concurrently, each owning its own part of the state.
//
// Every API call that fails or is refused is recorded on the attribute it feeds (the
// checks then report ERROR with that reason), so the error returned is only for
// setup: no region given, or the account id could not be read.
func CollectAccountState(ctx context.Context, cfg aws.Config, ao AWSOptions, regions []string, log *slog.Logger) (*configchecks.State, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	regions = slices.Compact(slices.Sorted(slices.Values(regions)))
	if len(regions) == 0 {
		return nil, errors.New("scanner: collect account state: no region")
	}
	account, err := CallerAccount(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("scanner: collect account state: %w", err)
	}
	st := &configchecks.State{
		AccountID:  account,
		Partition:  partitionOf(regions[0]),
		ObservedAt: time.Now().UTC().Truncate(time.Millisecond),
		Regions:    regions,
		Regional:   make([]configchecks.RegionState, len(regions)),
	}
	for i, r := range regions {
		st.Regional[i].Name = r
	}
	c := &stateCollector{cfg: cfg, ao: ao, st: st, log: log}

	// Each task writes only the fields it names, so they share st without locks.
	type task struct {
		name string
		run  func(ctx context.Context)
	}
	tasks := []task{
		{"iam", func(ctx context.Context) { st.IAM = c.collectIAM(ctx) }},
		{"s3", func(ctx context.Context) { st.S3 = c.collectS3(ctx) }},
		{"account", func(ctx context.Context) { st.Account = c.collectAccount(ctx) }},
	}
	for i := range st.Regional {
		rs := &st.Regional[i]
		r := rs.Name
		tasks = append(tasks,
			task{"cloudtrail " + r, func(ctx context.Context) { rs.Trails = c.collectTrails(ctx, r) }},
			task{"logs " + r, func(ctx context.Context) { rs.MetricFilters = c.collectMetricFilters(ctx, r) }},
			task{"cloudwatch " + r, func(ctx context.Context) { rs.Alarms = c.collectAlarms(ctx, r) }},
			task{"sns " + r, func(ctx context.Context) { rs.Subscriptions = c.collectSubscriptions(ctx, r) }},
			task{"ec2 " + r, func(ctx context.Context) { c.collectEC2(ctx, rs) }},
			task{"kms " + r, func(ctx context.Context) { rs.KMSKeys = c.collectKMSKeys(ctx, r) }},
		)
		// Identity, threat detection and secrets (collect_governance.go,
		// collect_resource_policies.go).
		tasks = append(tasks,
			task{"accessanalyzer " + r, func(ctx context.Context) { rs.AccessAnalyzers = c.collectAccessAnalyzers(ctx, r) }},
			task{"config " + r, func(ctx context.Context) { rs.Config = c.collectConfig(ctx, r) }},
			task{"securityhub " + r, func(ctx context.Context) { rs.SecurityHub = c.collectSecurityHub(ctx, r) }},
			task{"guardduty " + r, func(ctx context.Context) { rs.GuardDuty = c.collectGuardDuty(ctx, r) }},
			task{"ecr " + r, func(ctx context.Context) { rs.ECR = c.collectECR(ctx, r) }},
			task{"secretsmanager " + r, func(ctx context.Context) { rs.Secrets = c.collectSecrets(ctx, r) }},
			task{"acm " + r, func(ctx context.Context) { rs.Certificates = c.collectCertificates(ctx, r) }},
			task{"ec2 instances " + r, func(ctx context.Context) { rs.InstanceRoles = c.collectInstanceRoles(ctx, r) }},
			task{"resource policies " + r, func(ctx context.Context) { rs.ResourcePolicies = c.collectResourcePolicies(ctx, r) }},
		)
	}
	// CloudWatch Logs log groups and their retention (logs.retention_365).
	for i := range st.Regional {
		rs := &st.Regional[i]
		r := rs.Name
		tasks = append(tasks, task{"logs groups " + r, func(ctx context.Context) { rs.LogGroups = c.collectLogGroups(ctx, r) }})
	}
	// Data stores, availability and web front ends.
	for i := range st.Regional {
		rs := &st.Regional[i]
		r := rs.Name
		tasks = append(tasks,
			task{"rds " + r, func(ctx context.Context) { rs.Databases, rs.OtherSnapshots = c.collectDatabases(ctx, r) }},
			task{"efs " + r, func(ctx context.Context) { rs.FileSystems = c.collectFileSystems(ctx, r) }},
			task{"ec2 instances " + r, func(ctx context.Context) { c.collectInstances(ctx, rs) }},
			task{"dynamodb " + r, func(ctx context.Context) { rs.Tables = c.collectTables(ctx, r) }},
			task{"sns topics " + r, func(ctx context.Context) { rs.Topics = c.collectTopics(ctx, r) }},
			task{"elbv2 " + r, func(ctx context.Context) { rs.LoadBalancers = c.collectLoadBalancers(ctx, r) }},
			task{"lambda " + r, func(ctx context.Context) { rs.Functions = c.collectFunctions(ctx, r) }},
			task{"ecs " + r, func(ctx context.Context) { rs.ECSServices = c.collectECSServices(ctx, r) }},
			task{"ec2 routing " + r, func(ctx context.Context) { c.collectRouting(ctx, rs) }},
			task{"apigateway " + r, func(ctx context.Context) { rs.APIStages = c.collectAPIStages(ctx, r) }},
		)
	}
	tasks = append(tasks, task{"cloudfront", func(ctx context.Context) { st.Distributions = c.collectDistributions(ctx) }})
	p := pool.New().WithMaxGoroutines(collectConcurrency)
	for _, t := range tasks {
		p.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, collectTimeout)
			defer cancel()
			start := time.Now()
			t.run(ctx)
			log.Debug("checks: collected", "collector", t.name, "took", time.Since(start).Round(time.Millisecond))
		})
	}
	p.Wait()
	return st, nil
}

// stateCollector holds what the per-service collectors share. Its fields are read
// only after construction, so it is safe for concurrent use.
type stateCollector struct {
	cfg aws.Config
	ao  AWSOptions
	st  *configchecks.State // AccountID, Partition and Regions only: read-only
	log *slog.Logger
}

// partitionOf returns the ARN partition of a region.
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	}
	return "aws"
}

// reason is the value-free description of a failed call recorded on an attribute:
// "service Operation: ErrorCode".
func reason(op string, err error) string {
	if errors.Is(err, errTruncated) {
		return op + ": " + err.Error()
	}
	return op + ": " + describeErr(err)
}

// truncated is the error of a listing that reached maxStatePages.
func truncated() error {
	return fmt.Errorf("%w after %d pages", errTruncated, maxStatePages)
}

// guardOpts returns apiOptions plus the read-only guard. Every state client gets it in
// addition to the one cfg already carries from LoadAWSConfig, so a config built
// another way stays read-only too.
func guardOpts(apiOptions []func(*middleware.Stack) error) []func(*middleware.Stack) error {
	return append(slices.Clip(apiOptions), AddReadOnlyGuard)
}

// arn builds arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE for the scanned account.
func (c *stateCollector) arn(service, region, resource string) string {
	return "arn:" + c.st.Partition + ":" + service + ":" + region + ":" + c.st.AccountID + ":" + resource
}

// pager is the shape of the SDK's generated paginators: O is the page type, Opt the
// service's Options.
type pager[O, Opt any] interface {
	HasMorePages() bool
	NextPage(ctx context.Context, optFns ...func(*Opt)) (O, error)
}

// listAll reads every page of p (at most maxStatePages) and converts each with conv.
// A failed page or a truncated listing makes the whole attribute unknown, with the
// reason "op: ErrorCode": a partial list must not pass for the full one.
func listAll[O, Opt, T any](ctx context.Context, op string, p pager[O, Opt], conv func(O) []T) configchecks.Attr[[]T] {
	var out []T
	for pages := 0; p.HasMorePages(); pages++ {
		if pages == maxStatePages {
			return configchecks.Unknown[[]T](reason(op, truncated()))
		}
		page, err := p.NextPage(ctx)
		if err != nil {
			return configchecks.Unknown[[]T](reason(op, err))
		}
		out = append(out, conv(page)...)
	}
	return configchecks.Observed(out)
}
