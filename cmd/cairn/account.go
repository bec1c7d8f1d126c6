package main

import (
	"context"
	"log/slog"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/configchecks"
	"github.com/cairnsec/cairn/scanner"
)

// accountScan is the work of one account in one process: which services
// run, and which of their stores (a sharded or planned scan runs only its
// units).
type accountScan struct {
	cfg     aws.Config // for the account: the caller's own, or an assumed role's
	ao      scanner.AWSOptions
	account string
	s       scanSettings
	engine  *classifiers.Engine
	hw      historyWriter
	scanID  string
	sink    *historySink
	log     *slog.Logger
	prog    *progress

	// services to run: nil runs every service in s.Only.
	services map[string]bool
	// filter keeps a service's stores by ARN (nil or a missing entry: all).
	filter map[string]scanner.AssetFilter
	// parts are the parts of buckets split by prefix (scanner.Options.Parts).
	parts map[string][]scanner.BucketPart
	// regions of RDS and DynamoDB, when the plan already knows them (nil:
	// the requested regions, or every enabled region).
	regions []string
	// noDataChecks leaves the data.* checks out: a shard sees only part of the
	// account's data, so it cannot decide them (see docs/scale.md).
	noDataChecks bool
	// skipChecks leaves the checks out: an earlier part of a resumed scan
	// ran them.
	skipChecks bool
}

// accountOutcome is what scanning one account produced.
type accountOutcome struct {
	stats   scanner.Stats
	scanErr error
	checks  checkOutcome
	regions []string // regions resolved for RDS, DynamoDB and the checks
}

func (a *accountScan) runs(svc string) bool {
	if a.services != nil {
		return a.services[svc]
	}
	return hasService(a.s.Only, svc)
}

// scanAccount scans the stores of one account and runs its checks, writing
// everything through a.sink and a.hw.
func scanAccount(ctx context.Context, a accountScan) accountOutcome {
	var out accountOutcome
	s, cfg, ao, log := a.s, a.cfg, a.ao, a.log
	scanRegions := s.scanRegions()
	if a.runs("s3") {
		s3s := scanner.NewS3Scanner(cfg, ao, a.engine, scanner.Options{
			Regions:           scanRegions,
			Buckets:           s.Buckets,
			SampleObjects:     s.SampleObjects,
			SampleBytes:       s.SampleBytes,
			MaxKeysListed:     s.MaxKeysListed,
			Concurrency:       s.Concurrency,
			Inventory:         s.S3Inventory,
			DiscoverInventory: s.S3InventoryDiscover,
			Filter:            a.filter["s3"],
			Parts:             a.parts,
		}, log)
		out.stats, out.scanErr = s3s.Scan(ctx, a.account, a.sink)
	}
	add := func(st scanner.Stats, err error) {
		out.stats.Assets += st.Assets
		out.stats.Objects += st.Objects
		out.stats.Skipped += st.Skipped
		out.stats.Unread += st.Unread
		out.stats.Findings += st.Findings
		out.stats.Matches += st.Matches
		out.stats.BytesRead += st.BytesRead
		out.stats.Abandoned += st.Abandoned
		if out.scanErr == nil {
			out.scanErr = err
		}
	}
	// Databases, DynamoDB and the checks work per region: "all" means every
	// region enabled for the account.
	regions := a.regions
	if out.scanErr == nil && regions == nil && (a.runs("rds") || a.runs("dynamodb") || a.runs("checks")) {
		regions = resolveRegions(ctx, cfg, scanRegions, log)
	}
	out.regions = regions
	if out.scanErr == nil && a.runs("rds") {
		o := s.dbOptions(regions)
		o.Filter = a.filter["rds"]
		add(scanner.NewRDSScanner(cfg, ao, a.engine, o, log).Scan(ctx, a.account, a.sink))
	}
	if out.scanErr == nil && a.runs("dynamodb") {
		add(scanner.NewDynamoDBScanner(cfg, ao, a.engine, scanner.DynamoOptions{
			Regions: regions, Tables: s.DynamoDBTables, SampleItems: s.SampleRows, Filter: a.filter["dynamodb"],
		}, log).Scan(ctx, a.account, a.sink))
	}
	a.prog.stop()
	if a.runs("checks") && !a.skipChecks && out.scanErr == nil {
		checkRegions := regions
		if a.regions != nil { // the plan's store regions; the checks want the account's
			checkRegions = resolveRegions(ctx, cfg, scanRegions, log)
		}
		var keep func(configchecks.Result) bool
		if a.noDataChecks {
			keep = func(r configchecks.Result) bool { return !strings.HasPrefix(r.CheckID, "data.") }
		}
		out.checks = runChecks(ctx, cfg, ao, checkRegions, a.hw, a.scanID, a.sink.dataScan(s.Only), a.sink.join, keep, log)
		if out.checks.interrupted {
			out.scanErr = context.Cause(ctx)
		}
		if out.checks.unread > 0 {
			out.stats.Unread += out.checks.unread
		}
	}
	return out
}

// awsOptions are the AWS options of the caller's own account.
func (s *scanSettings) awsOptions() scanner.AWSOptions {
	ao := scanner.AWSOptions{Profile: s.Profile, EndpointURL: s.EndpointURL, RateLimits: s.RateLimits}
	if r := s.scanRegions(); len(r) > 0 {
		ao.Region = r[0]
	}
	return ao
}

// scanRegions is --regions with "all" as nil.
func (s *scanSettings) scanRegions() []string {
	if len(s.Regions) == 1 && s.Regions[0] == "all" {
		return nil
	}
	return s.Regions
}
