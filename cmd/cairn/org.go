package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/cairnsec/cairn/report"
	"github.com/cairnsec/cairn/scanner"
)

// orgSettings are the flags of organization, planned and sharded scans.
type orgSettings struct {
	Enabled         bool // --org
	RoleName        string
	ExternalID      string
	Accounts        []string // --accounts: only these member accounts
	ExcludeAccounts []string // --exclude-accounts
	SplitObjects    int64    // --split-objects: split buckets with more keys by prefix (0: never)
	Shard           shardSpec
	RunID           string
	PlanFile        string
	// The flags as given, parsed by validate.
	shard, run, accounts, excludeAccounts string
}

// defaultRoleName is the role --org assumes in each member account.
const defaultRoleName = "CairnReadOnly"

func addOrgFlags(cmd *cobra.Command, o *orgSettings, scan bool) {
	f := cmd.Flags()
	f.BoolVar(&o.Enabled, "org", false, "scan every account of the AWS Organization (organizations ListAccounts), through --role-name in each member account")
	f.StringVar(&o.RoleName, "role-name", defaultRoleName, "with --org: the role assumed in each member account")
	f.StringVar(&o.ExternalID, "external-id", "", "with --org: the external id the member accounts' role trust requires")
	f.StringVar(&o.accounts, "accounts", "", "with --org: comma-separated account ids to scan (default: every active account)")
	f.StringVar(&o.excludeAccounts, "exclude-accounts", "", "with --org: comma-separated account ids to leave out")
	f.Int64Var(&o.SplitObjects, "split-objects", 0, "split buckets holding more than N keys into one work unit per top-level prefix (0: never)")
	if scan {
		f.StringVar(&o.shard, "shard", "", "run shard I of N of the work plan (0-based I/N), or auto/N with I from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX")
		f.StringVar(&o.run, "run-id", "", "the run id shared by every shard: the scan_id of all their rows (default: $CAIRN_RUN_ID, or the AWS Batch array job id)")
		f.StringVar(&o.PlanFile, "plan", "", "run the units of this plan (cairn plan output) instead of discovering them")
	}
}

// merge copies the config file's organization keys for every flag not set
// on the command line.
func (o *orgSettings) merge(cmd *cobra.Command, fc fileConfig) {
	unset := func(name string) bool { f := cmd.Flags().Lookup(name); return f != nil && !f.Changed }
	if unset("org") && fc.Org {
		o.Enabled = true
	}
	if unset("role-name") && fc.RoleName != "" {
		o.RoleName = fc.RoleName
	}
	if unset("external-id") && fc.ExternalID != "" {
		o.ExternalID = fc.ExternalID
	}
	if unset("accounts") && len(fc.Accounts) > 0 {
		o.accounts = strings.Join(fc.Accounts, ",")
	}
	if unset("exclude-accounts") && len(fc.ExcludeAccounts) > 0 {
		o.excludeAccounts = strings.Join(fc.ExcludeAccounts, ",")
	}
	if unset("split-objects") && fc.SplitObjects != 0 {
		o.SplitObjects = fc.SplitObjects
	}
}

var accountIDRe = regexp.MustCompile(`^\d{12}$`)

// validate parses the raw flags and checks they fit together.
func (o *orgSettings) validate(cmd *cobra.Command) error {
	o.Accounts, o.ExcludeAccounts = splitList(o.accounts), splitList(o.excludeAccounts)
	for _, id := range append(slices.Clone(o.Accounts), o.ExcludeAccounts...) {
		if !accountIDRe.MatchString(id) {
			return fmt.Errorf("--accounts, --exclude-accounts: %q is not a 12-digit account id", id)
		}
	}
	if !o.Enabled {
		for _, name := range []string{"accounts", "exclude-accounts", "role-name", "external-id"} {
			if cmd.Flags().Changed(name) {
				return fmt.Errorf("--%s needs --org", name)
			}
		}
		if len(o.Accounts) > 0 || len(o.ExcludeAccounts) > 0 || o.ExternalID != "" || o.RoleName != defaultRoleName {
			return errors.New("config: accounts, exclude_accounts, role_name and external_id need org: true (or --org)")
		}
	}
	if o.RoleName == "" {
		return errors.New("--role-name: must not be empty")
	}
	if o.SplitObjects < 0 {
		return errors.New("--split-objects: must not be negative")
	}
	if o.shard != "" {
		sh, err := parseShard(o.shard, osGetenv)
		if err != nil {
			return err
		}
		o.Shard = sh
		if o.RunID, err = resolveRunID(o.run, osGetenv); err != nil {
			return err
		}
	} else if o.run != "" {
		if err := checkRunID("--run-id", o.run); err != nil {
			return err
		}
		o.RunID = o.run
	}
	if o.active() && cmd.Flags().Lookup("checks-export") != nil && cmd.Flags().Changed("checks-export") {
		return errors.New("--checks-export: not available with --org, --plan, --shard, --run-id or --split-objects yet (the check results are in the history's control_results table)")
	}
	return nil
}

// active reports whether the scan goes through a work plan (runOrgScan)
// rather than the single-account path.
func (o orgSettings) active() bool {
	return o.Enabled || o.shard != "" || o.PlanFile != "" || o.SplitObjects > 0 || o.RunID != ""
}

// orgTarget is an account to scan and the config that reads it; err says
// why it could not be entered.
type orgTarget struct {
	account string
	cfg     aws.Config
	err     error
}

// callerConfig loads the guarded config of the caller's own account and
// names the account.
func callerConfig(ctx context.Context, s scanSettings) (aws.Config, string, error) {
	cfg, err := scanner.LoadAWSConfig(ctx, s.awsOptions())
	if err != nil {
		return cfg, "", usageErr("aws config: %w", err)
	}
	account, err := scanner.CallerAccount(ctx, cfg)
	if err != nil {
		return cfg, "", usageErr("aws credentials: cannot identify the account (sts GetCallerIdentity): %w", err)
	}
	return cfg, account, nil
}

// enterAccount returns the config that reads account: the caller's own, or
// the member account's role, checked with sts GetCallerIdentity.
func enterAccount(ctx context.Context, s scanSettings, base aws.Config, caller, account string) (aws.Config, error) {
	if account == caller {
		return base, nil
	}
	cfg := scanner.AssumeRoleConfig(base, account, s.Org.RoleName, s.Org.ExternalID, "cairn-"+caller)
	got, err := scanner.CallerAccount(ctx, cfg)
	if err != nil {
		return cfg, fmt.Errorf("assume role %s: %w", scanner.RoleARN(account, s.Org.RoleName), err)
	}
	if got != account {
		return cfg, fmt.Errorf("assume role %s: the credentials are account %s's", scanner.RoleARN(account, s.Org.RoleName), got)
	}
	return cfg, nil
}

// discoverTargets returns the accounts to scan, sorted: the caller's own
// without --org; with --org every ACTIVE account of the organization (minus
// --exclude-accounts, or only --accounts), each entered through its role. An
// account that cannot be entered is returned with the reason; accounts the
// organization lists as SUSPENDED or closing are left out and logged.
func discoverTargets(ctx context.Context, s scanSettings, log *slog.Logger) ([]orgTarget, error) {
	base, caller, err := callerConfig(ctx, s)
	if err != nil {
		return nil, err
	}
	if !s.Org.Enabled {
		return []orgTarget{{account: caller, cfg: base}}, nil
	}
	accounts, err := scanner.OrgAccounts(ctx, base)
	if err != nil {
		return nil, usageErr("--org: the organization's accounts cannot be listed (run Cairn in the management or a delegated administrator account): %w", err)
	}
	status := map[string]string{}
	var ids []string
	for _, a := range accounts {
		status[a.ID] = a.Status
		if scanner.OrgAccountActive(a) {
			ids = append(ids, a.ID)
		} else if len(s.Org.Accounts) == 0 {
			log.Warn("org: account not active, left out", "account", a.ID, "status", a.Status)
		}
	}
	if len(s.Org.Accounts) > 0 {
		ids = slices.Clone(s.Org.Accounts)
		slices.Sort(ids)
		ids = slices.Compact(ids)
	}
	var out []orgTarget
	for _, id := range ids {
		if slices.Contains(s.Org.ExcludeAccounts, id) {
			continue
		}
		t := orgTarget{account: id}
		switch st, ok := status[id]; {
		case !ok:
			t.err = errors.New("not an account of the organization")
		case !scanner.OrgAccountActive(scanner.OrgAccount{Status: st}):
			t.err = fmt.Errorf("the organization lists the account as %s", st)
		default:
			t.cfg, t.err = enterAccount(ctx, s, base, caller, id)
		}
		if t.err != nil {
			log.Error("org: account cannot be entered", "account", id, "error", t.err)
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		return nil, usageErr("--org: no account left to scan")
	}
	return out, nil
}

// accountWork is what one process does in one account, from its units.
type accountWork struct {
	units    []workUnit
	failed   string // an account unit: why the account could not be entered
	services map[string]bool
	filter   map[string]scanner.AssetFilter
	parts    map[string][]scanner.BucketPart
	regions  []string
}

// workOf turns the units of one account into scanner settings.
func workOf(units []workUnit) accountWork {
	w := accountWork{units: units, services: map[string]bool{}, filter: map[string]scanner.AssetFilter{}, parts: map[string][]scanner.BucketPart{}}
	arns := map[string]map[string]bool{}
	whole := map[string]bool{}
	regions := map[string]bool{}
	for _, u := range units {
		switch u.Service {
		case unitAccount:
			w.failed = u.Error
			continue
		case unitChecks:
			w.services[unitChecks] = true
			continue
		}
		w.services[u.Service] = true
		if u.Asset == "" {
			whole[u.Service] = true
			continue
		}
		if arns[u.Service] == nil {
			arns[u.Service] = map[string]bool{}
		}
		arns[u.Service][u.Asset] = true
		if u.Service != "s3" {
			regions[u.Region] = true
		}
		if u.Service == "s3" && u.Part != "" {
			name := strings.TrimPrefix(u.Asset, "arn:aws:s3:::")
			w.parts[name] = append(w.parts[name], scanner.BucketPart{Root: u.Part == partRoot, Prefix: u.Prefix, Prefixes: u.Prefixes, Planned: u.PlannedPrefixes})
		}
	}
	for svc, set := range arns {
		if !whole[svc] {
			w.filter[svc] = func(arn string) bool { return set[arn] }
		}
	}
	if !whole["rds"] && !whole["dynamodb"] && len(regions) > 0 {
		w.regions = slices.Sorted(maps.Keys(regions))
	}
	return w
}

// runOrgScan runs a scan through a work plan: every account of an
// organization (--org), the units of a plan file (--plan), or one shard of
// them (--shard). Each account gets its own scans row (per shard), all under
// one run id; a shard writes its files as <run_id>-s<I>of<N>.
func runOrgScan(ctx context.Context, s scanSettings, stdout, stderr io.Writer) error {
	prog, log, engine, err := s.scanSetup(stderr)
	if err != nil {
		return err
	}

	base, caller, err := callerConfig(ctx, s)
	if err != nil {
		return err
	}
	var plan []workUnit
	entered := map[string]aws.Config{}
	if s.Org.PlanFile != "" {
		if plan, err = readPlan(s.Org.PlanFile); err != nil {
			return usageErr("%w", err)
		}
	} else {
		targets, err := discoverTargets(ctx, s, log)
		if err != nil {
			return err
		}
		for _, t := range targets {
			if t.err == nil {
				entered[t.account] = t.cfg
			}
		}
		plan = buildPlan(ctx, targets, s, log)
	}
	mine := shardUnits(plan, s.Org.Shard)
	// Every account of the plan gets a scans row from every shard, even with
	// no unit of its own there; an account that could not be entered only
	// from the shard that owns its account unit.
	byAccount := map[string][]workUnit{}
	failedInPlan := map[string]bool{}
	for _, u := range plan {
		if _, ok := byAccount[u.Account]; !ok {
			byAccount[u.Account] = nil
		}
		if u.Service == unitAccount {
			failedInPlan[u.Account] = true
		}
	}
	for _, u := range mine {
		byAccount[u.Account] = append(byAccount[u.Account], u)
	}
	accounts := slices.Sorted(maps.Keys(byAccount))

	out, err := openHistoryOut(ctx, s.Out, s.awsOptions())
	if err != nil {
		return err
	}
	defer out.close()
	histDir := out.dir

	started := time.Now().UTC()
	clockShift := time.Duration(0)
	if !s.Now.IsZero() {
		clockShift = s.Now.Sub(started)
		started = s.Now
	}
	runID := s.Org.RunID
	if runID == "" {
		runID = newScanID(started)
	}
	hw, err := report.NewHistoryWriter(histDir, shardFileName(runID, s.Org.Shard), started)
	if err != nil {
		return usageErr("%w", err)
	}
	log.Info("scan started", "run_id", runID, "shard", s.Org.Shard.String(), "accounts", len(accounts),
		"units", len(mine), "of", len(plan), "endpoint", s.EndpointURL, "out", s.Out)
	prog.start()

	type accountResult struct {
		row      report.ScanRow
		res      accountOutcome
		sink     *historySink
		reason   string
		requests *scanner.RequestCounter
	}
	var results []accountResult
	var total scanner.Stats
	var totalCost struct {
		USD, MacieUSD float64
		requests      int64
	}
	maxConfidence, maxFailRank := 0, 0
	incomplete := false
	for _, acct := range accounts {
		w := workOf(byAccount[acct])
		if failedInPlan[acct] && w.failed == "" {
			continue // another shard records this account's failure
		}
		accStarted := time.Now().UTC().Add(clockShift)
		sink := &historySink{w: hw, scanID: runID, account: acct, prog: prog, regions: map[string]bool{}, join: report.NewExposureJoin()}
		ar := accountResult{sink: sink, reason: w.failed, requests: &scanner.RequestCounter{}}
		if ar.reason == "" && len(w.units) > 0 {
			cfg, ok := entered[acct]
			if !ok {
				var err error
				if cfg, err = enterAccount(ctx, s, base, caller, acct); err != nil {
					ar.reason = err.Error()
					log.Error("org: account cannot be entered", "account", acct, "error", err)
				}
			}
			if ar.reason == "" {
				// Each account's requests are counted on their own, for the
				// cost estimate of its scans row.
				cfg.APIOptions = append(slices.Clip(cfg.APIOptions), ar.requests.AddTo)
				ao := s.awsOptions()
				ar.res = scanAccount(ctx, accountScan{
					cfg: cfg, ao: ao, account: acct, s: s, engine: engine, hw: hw, scanID: runID, sink: sink, log: log, prog: prog,
					services: w.services, filter: w.filter, parts: w.parts, regions: w.regions,
					noDataChecks: s.Org.Shard.sharded(),
				})
			}
		}
		status := runStatus(ctx, ar.res.scanErr, ar.res.stats)
		switch {
		case ar.reason != "":
			status = "FAILED"
		case status == "FAILED":
			ar.reason = ar.res.scanErr.Error()
		}
		if status != "COMPLETE" {
			incomplete = true
		}
		optJSON, _ := json.Marshal(struct {
			recordedOptions
			Org          bool   `json:"org"`
			RoleName     string `json:"role_name"`
			SplitObjects int64  `json:"split_objects"`
			Shard        string `json:"shard"`
			Units        int    `json:"units"`
			Error        string `json:"error,omitempty"`
		}{s.record(), s.Org.Enabled, s.Org.RoleName, s.Org.SplitObjects, s.Org.Shard.String(), len(w.units), ar.reason})
		st := ar.res.stats
		ar.row = report.ScanRow{
			ScanID: runID, AccountID: acct, StartedAt: accStarted, FinishedAt: time.Now().UTC().Add(clockShift),
			Regions: sink.regionList(s.scanRegions()), ToolVersion: version, Status: status, Options: string(optJSON),
			Assets: st.Assets, Objects: st.Objects, Skipped: st.Skipped, Findings: st.Findings, BytesRead: st.BytesRead,
		}
		if cost := sink.estimateCost(ar.requests.Counts(), scanner.PricesUSEast1); cost.Requests > 0 {
			ar.row.AWSRequests, ar.row.BytesDownloaded = cost.Requests, cost.S3Bytes
			ar.row.EstAWSCostUSD, ar.row.EstMacieCostUSD = cost.USD, cost.MacieDiscoveryUSD
			ar.row.PricesAsOf = cost.Prices.Region + " " + cost.Prices.AsOf
			totalCost.USD += cost.USD
			totalCost.MacieUSD += cost.MacieDiscoveryUSD
			totalCost.requests += cost.Requests
		}
		if sink.err != nil {
			hw.Abort()
			return &exitError{code: exitIncomplete, err: fmt.Errorf("history: %w", sink.err)}
		}
		for _, r := range sink.join.Rows() {
			if err := hw.WriteExposure(r); err != nil {
				hw.Abort()
				return &exitError{code: exitIncomplete, err: fmt.Errorf("history: %w", err)}
			}
		}
		if err := hw.WriteScan(ar.row); err != nil {
			hw.Abort()
			return &exitError{code: exitIncomplete, err: fmt.Errorf("history: %w", err)}
		}
		total.Assets += st.Assets
		total.Objects += st.Objects
		total.Skipped += st.Skipped
		total.Findings += st.Findings
		total.BytesRead += st.BytesRead
		maxConfidence = max(maxConfidence, sink.maxConfidence)
		maxFailRank = max(maxFailRank, ar.res.checks.maxFailRank)
		results = append(results, ar)
	}
	prog.stop()
	if err := hw.Close(); err != nil {
		return &exitError{code: exitIncomplete, err: fmt.Errorf("history: %w", err)}
	}
	if _, err := out.upload(ctx, hw.Files(), "", log); err != nil {
		return err
	}

	shard := ""
	if s.Org.Shard.sharded() {
		shard = "  shard " + s.Org.Shard.String()
	}
	fmt.Fprintf(stdout, "Cairn run %s%s  %d accounts, %d of %d work units\n", runID, shard, len(results), len(mine), len(plan))
	sort.Slice(results, func(i, j int) bool { return results[i].row.AccountID < results[j].row.AccountID })
	for _, r := range results {
		line := fmt.Sprintf("  account %s  %-10s %d stores, %d objects, %d findings", r.row.AccountID, r.row.Status, r.row.Assets, r.row.Objects, r.row.Findings)
		if r.res.checks.results != nil {
			line += fmt.Sprintf(", %d check results (%d FAIL)", len(r.res.checks.results), r.res.checks.fails)
		}
		if r.reason != "" {
			line += "  — " + r.reason
		}
		fmt.Fprintln(stdout, line)
	}
	if totalCost.requests > 0 {
		fmt.Fprintf(stdout, "AWS requests: %d; estimated AWS cost %s, Macie discovery of the same S3 bytes %s (%s list prices, docs/cost.md)\n",
			totalCost.requests, usd(totalCost.USD), usd(totalCost.MacieUSD), scanner.PricesUSEast1.Region)
	}
	fmt.Fprintf(stdout, "History: %s (%d files). Build the evidence PDF of the run with: cairn report --history %s\n", s.Out, len(hw.Files()), s.Out)

	if incomplete || total.Incomplete() {
		return &exitError{code: exitIncomplete}
	}
	rank, _ := failRank(s.FailOn)
	if rank > 0 && (maxConfidence >= rank || maxFailRank >= rank) {
		return &exitError{code: exitFindings}
	}
	return nil
}
