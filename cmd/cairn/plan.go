package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cairnsec/cairn/scanner"
)

// Work unit services besides the data stores'.
const (
	unitChecks  = "checks"  // the account-level configuration checks of one account
	unitAccount = "account" // an account that could not be entered (Error says why)
)

// Parts of a bucket split by prefix (workUnit.Part).
const (
	partRoot   = "root"
	partPrefix = "prefix"
)

// workUnit is one line of `cairn plan`: a piece of work that one shard
// runs. Data units name one store (Asset), or one part of a bucket split by
// prefix; a data unit with no Asset stands for every store of its service in
// the account (planned so when the stores could not be listed: its scan then
// records why). A checks unit is the account-level checks of one account;
// an account unit records an account that could not be entered.
type workUnit struct {
	Account string `json:"account"`
	Service string `json:"service"` // s3, rds, dynamodb, checks, account
	Region  string `json:"region,omitempty"`
	Asset   string `json:"asset,omitempty"`
	// Part is "root" or "prefix" for a bucket split by prefix, "" otherwise.
	Part   string `json:"part,omitempty"`
	Prefix string `json:"prefix,omitempty"`
	// Prefixes is, for a root part, how many prefix parts the bucket has.
	Prefixes int `json:"prefixes,omitempty"`
	// PlannedPrefixes are, for a root part, the prefixes of its bucket's
	// prefix parts: the root part reports the top-level prefixes created
	// after the plan, which no unit scans.
	PlannedPrefixes []string `json:"planned_prefixes,omitempty"`
	Error           string   `json:"error,omitempty"`
}

// key identifies a unit in a plan; shardOf hashes it.
func (u workUnit) key() string {
	return strings.Join([]string{u.Account, u.Service, u.Region, u.Asset, u.Part, u.Prefix}, "|")
}

// serviceOrder sorts a plan: an account's stores first, its checks after
// (so that a process that runs both feeds the checks its data scan).
var serviceOrder = map[string]int{"s3": 0, "rds": 1, "dynamodb": 2, unitChecks: 3, unitAccount: 4}

func compareUnits(a, b workUnit) int {
	return cmp.Or(strings.Compare(a.Account, b.Account), cmp.Compare(serviceOrder[a.Service], serviceOrder[b.Service]),
		strings.Compare(a.Region, b.Region), strings.Compare(a.Asset, b.Asset),
		strings.Compare(a.Part, b.Part), strings.Compare(a.Prefix, b.Prefix))
}

// planAccount lists the work units of one account that was entered.
func planAccount(ctx context.Context, t orgTarget, s scanSettings, log *slog.Logger) []workUnit {
	ao := s.awsOptions()
	var units []workUnit
	// services whose stores could not all be listed are planned as one unit.
	whole := func(svc string, err error) {
		log.Warn("plan: stores not listed; the service is planned as one unit", "account", t.account, "service", svc, "error", err)
		units = slices.DeleteFunc(units, func(u workUnit) bool { return u.Service == svc })
		units = append(units, workUnit{Account: t.account, Service: svc})
	}
	add := func(svc string, stores []scanner.PlannedStore) {
		for _, st := range stores {
			if len(st.Prefixes) == 0 {
				units = append(units, workUnit{Account: t.account, Service: svc, Region: st.Region, Asset: st.ARN})
				continue
			}
			units = append(units, workUnit{Account: t.account, Service: svc, Region: st.Region, Asset: st.ARN, Part: partRoot, Prefixes: len(st.Prefixes), PlannedPrefixes: st.Prefixes})
			for _, p := range st.Prefixes {
				units = append(units, workUnit{Account: t.account, Service: svc, Region: st.Region, Asset: st.ARN, Part: partPrefix, Prefix: p})
			}
		}
	}
	scanRegions := s.scanRegions()
	if hasService(s.Only, "s3") {
		stores, err := scanner.NewS3Scanner(t.cfg, ao, nil, scanner.Options{Regions: scanRegions, Buckets: s.Buckets}, log).PlanBuckets(ctx, s.Org.SplitObjects)
		add("s3", stores)
		if err != nil {
			whole("s3", err)
		}
	}
	var regions []string
	if hasService(s.Only, "rds") || hasService(s.Only, "dynamodb") {
		regions = resolveRegions(ctx, t.cfg, scanRegions, log)
	}
	if hasService(s.Only, "rds") {
		stores, err := scanner.NewRDSScanner(t.cfg, ao, nil, s.dbOptions(regions), log).PlanDatabases(ctx)
		add("rds", stores)
		if err != nil {
			whole("rds", err)
		}
	}
	if hasService(s.Only, "dynamodb") {
		stores, err := scanner.NewDynamoDBScanner(t.cfg, ao, nil, scanner.DynamoOptions{Regions: regions, Tables: s.DynamoDBTables}, log).PlanTables(ctx, t.account)
		add("dynamodb", stores)
		if err != nil {
			whole("dynamodb", err)
		}
	}
	if hasService(s.Only, "checks") {
		units = append(units, workUnit{Account: t.account, Service: unitChecks})
	}
	return units
}

// buildPlan is the work plan of the targets: every unit of every account
// entered, and an account unit for each that could not be, in a stable order.
func buildPlan(ctx context.Context, targets []orgTarget, s scanSettings, log *slog.Logger) []workUnit {
	var plan []workUnit
	for _, t := range targets {
		if t.err != nil {
			plan = append(plan, workUnit{Account: t.account, Service: unitAccount, Error: t.err.Error()})
			continue
		}
		plan = append(plan, planAccount(ctx, t, s, log)...)
	}
	slices.SortFunc(plan, compareUnits)
	return plan
}

// writePlan writes the plan as JSON Lines, one unit per line.
func writePlan(w io.Writer, plan []workUnit) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for _, u := range plan {
		if err := enc.Encode(u); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// readPlan reads a plan written by `cairn plan` (JSON Lines; blank lines are
// ignored) and returns it in the plan's stable order.
func readPlan(path string) ([]workUnit, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--plan: %w", err)
	}
	defer f.Close()
	var plan []workUnit
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var u workUnit
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&u); err != nil {
			return nil, fmt.Errorf("--plan: %s line %d: %w", path, n, err)
		}
		if _, known := serviceOrder[u.Service]; u.Account == "" || !known {
			return nil, fmt.Errorf("--plan: %s line %d: not a work unit (account and service s3, rds, dynamodb, checks or account)", path, n)
		}
		plan = append(plan, u)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--plan: %s: %w", path, err)
	}
	if len(plan) == 0 {
		return nil, errors.New("--plan: " + path + ": no work units")
	}
	slices.SortFunc(plan, compareUnits)
	return plan, nil
}

func newPlanCmd() *cobra.Command {
	var configFile, regions, only, buckets string
	s := scanSettings{}
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "List the work units of a scan (account × region × service × store) as JSON Lines",
		Long: "plan discovers the accounts, regions and data stores a scan with the same flags would cover and\n" +
			"prints one work unit per line, in a stable order: `cairn scan --shard I/N` runs its share of them.\n" +
			"Buckets with more than --split-objects keys are split by top-level prefix.",
		Example: `  cairn plan --org --role-name CairnReadOnly --split-objects 100000 > plan.jsonl
  cairn scan --org --plan plan.jsonl --shard 0/4 --run-id 2026-11-25 --out s3://audit/cairn`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := s.fromFlags(cmd, configFile, regions, only, buckets); err != nil {
				return err
			}
			if err := s.validate(); err != nil {
				return usageErr("%w", err)
			}
			if err := s.Org.validate(cmd); err != nil {
				return usageErr("%w", err)
			}
			level, _ := parseLevel(s.LogLevel)
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: level}))
			targets, err := discoverTargets(cmd.Context(), s, log)
			if err != nil {
				return err
			}
			plan := buildPlan(cmd.Context(), targets, s, log)
			log.Info("plan", "accounts", len(targets), "units", len(plan))
			if err := writePlan(cmd.OutOrStdout(), plan); err != nil {
				return &exitError{code: exitIncomplete, err: fmt.Errorf("plan: %w", err)}
			}
			for _, t := range targets {
				if t.err != nil {
					return &exitError{code: exitIncomplete}
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&configFile, "config", "", "YAML config file (keys as the flags, with underscores)")
	f.StringVar(&s.Profile, "profile", "", "AWS shared config profile (default: the standard credential chain)")
	f.StringVar(&regions, "regions", "all", "comma-separated regions to scan, or all")
	f.StringVar(&s.EndpointURL, "endpoint-url", "", "AWS-compatible endpoint for every client, e.g. an emulator")
	f.StringVar(&only, "only", "s3,rds,dynamodb,checks", "comma-separated services: "+strings.Join(knownServices, ","))
	f.StringVar(&buckets, "buckets", "", "comma-separated bucket names to scan (default: all)")
	f.StringVar(&s.LogLevel, "log-level", "info", "log level on stderr: debug, info, warn, error")
	addOrgFlags(cmd, &s.Org, false)
	// Defaults scan's validate wants; plan reads none of them.
	s.Out, s.SampleObjects, s.SampleBytes, s.SampleRows, s.Concurrency, s.MaxKeysListed, s.FailOn = "-", 1, 1, 1, 1, 1, "none"
	return cmd
}

// fromFlags fills s from the config file and the flags shared by scan and
// plan, and returns the config file as read (zero without --config).
func (s *scanSettings) fromFlags(cmd *cobra.Command, configFile, regions, only, buckets string) (fileConfig, error) {
	var fc fileConfig
	s.ConfigFile = configFile
	if configFile != "" {
		var err error
		if fc, err = loadFileConfig(configFile); err != nil {
			return fc, usageErr("%w", err)
		}
		s.merge(cmd, fc)
	}
	if cmd.Flags().Changed("regions") || len(s.Regions) == 0 {
		s.Regions = splitList(regions)
	}
	if cmd.Flags().Changed("only") || len(s.Only) == 0 {
		s.Only = splitList(only)
	}
	if cmd.Flags().Changed("buckets") || len(s.Buckets) == 0 {
		s.Buckets = splitList(buckets)
	}
	return fc, nil
}
