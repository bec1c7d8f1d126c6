package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/configchecks"
	"github.com/cairnsec/cairn/report"
	"github.com/cairnsec/cairn/scanner"
)

// scanSettings are the effective settings of one scan, after merging the
// config file and the flags.
type scanSettings struct {
	Profile             string
	Regions             []string // empty or ["all"] = every region
	EndpointURL         string
	Out                 string
	Only                []string
	Buckets             []string
	SampleObjects       int
	SampleBytes         int64
	MaxKeysListed       int64
	S3Inventory         map[string]string // bucket → s3:// inventory location
	S3InventoryDiscover bool
	Concurrency         int
	RateLimits          map[string]float64 // --rate-limit over the config file's rate_limits
	FailOn              string
	FingerprintKeyFile  string
	LogLevel            string
	NoPDF               bool
	ChecksExport        string    // --checks-export: CSV or JSON Lines file of the check results
	Now                 time.Time // the scan clock's start, for demos and tests (--now)
	SampleRows          int
	RDSIdentifiers      []string
	DynamoDBTables      []string
	Databases           map[string]scanner.DBCredentials
	File                fileConfig  // the config file as read (custom identifiers, allow list)
	ConfigFile          string      // --config, for the resume hint
	Org                 orgSettings // --org, --shard, --plan … (org.go)
	// Resume, when set, continues the interrupted scan it was read from
	// (cairn scan --resume, resume.go) instead of starting a new one.
	Resume *resumePlan
}

// services Cairn can scan in this version, and those announced in the
// contract that are not implemented yet (rejected with a clear error).
var (
	knownServices   = []string{"s3", "rds", "dynamodb", "checks"}
	enabledServices = map[string]bool{"s3": true, "rds": true, "dynamodb": true, "checks": true}
)

func newScanCmd() *cobra.Command {
	var configFile, regions, only, buckets, now, resumeID, rateLimits, cpuProfile string
	s := scanSettings{}
	cmd := &cobra.Command{
		Use:   "scan",
		Short: "Discover data stores, sample and classify them, record posture, write history and a PDF",
		Example: `  cairn scan --profile prod --regions all
  cairn scan --endpoint-url http://127.0.0.1:5000 --out ./cairn-out --sample-objects 50
  cairn scan --resume 20261124T090000Z-1a2b3c4d --out ./cairn-out
  cairn scan --org --role-name CairnReadOnly --external-id "$EXT_ID" --out s3://audit/cairn
  cairn scan --org --plan plan.jsonl --shard auto/8 --run-id nightly-2026-11-25 --out s3://audit/cairn`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fc, err := s.fromFlags(cmd, configFile, regions, only, buckets)
			if err != nil {
				return err
			}
			if rateLimits != "" {
				flagLimits, err := scanner.ParseRateLimits(rateLimits)
				if err != nil {
					return usageErr("--rate-limit: %w", err)
				}
				s.RateLimits = maps.Clone(s.RateLimits)
				if s.RateLimits == nil {
					s.RateLimits = map[string]float64{}
				}
				maps.Copy(s.RateLimits, flagLimits)
			}
			if now != "" {
				t, err := time.Parse(time.RFC3339, now)
				if err != nil {
					return usageErr("--now: want RFC 3339 (2026-11-24T09:00:00Z): %w", err)
				}
				s.Now = t.UTC()
			}
			if resumeID != "" {
				if err := s.resumeFrom(cmd, fc, resumeID); err != nil {
					return err
				}
			}
			if err := s.validate(); err != nil {
				return usageErr("%w", err)
			}
			if err := s.Org.validate(cmd); err != nil {
				return usageErr("%w", err)
			}
			if cpuProfile != "" {
				stop, err := startCPUProfile(cpuProfile)
				if err != nil {
					return usageErr("--cpuprofile: %w", err)
				}
				defer stop()
			}
			if s.Org.active() && s.Resume != nil {
				return usageErr("--resume: resuming an organization, planned or sharded run is not supported; run the interrupted shard again with the same --run-id and --shard: its files are replaced whole")
			}
			if s.Org.active() {
				return runOrgScan(cmd.Context(), s, cmd.OutOrStdout(), cmd.ErrOrStderr())
			}
			return runScan(cmd.Context(), s, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&configFile, "config", "", "YAML config file (keys as the flags, with underscores)")
	f.StringVar(&s.Profile, "profile", "", "AWS shared config profile (default: the standard credential chain)")
	f.StringVar(&regions, "regions", "all", "comma-separated regions to scan, or all")
	f.StringVar(&s.EndpointURL, "endpoint-url", "", "AWS-compatible endpoint for every client, e.g. an emulator")
	f.StringVar(&s.Out, "out", "./cairn-out", "history directory or s3://bucket/prefix (Parquet tables and reports/)")
	f.StringVar(&only, "only", "s3,rds,dynamodb,checks", "comma-separated services: "+strings.Join(knownServices, ","))
	f.StringVar(&buckets, "buckets", "", "comma-separated bucket names to scan (default: all)")
	f.IntVar(&s.SampleObjects, "sample-objects", 100, "objects sampled per bucket")
	f.Int64Var(&s.SampleBytes, "sample-bytes", 1<<20, "bytes read per object (ranged GET)")
	f.Int64Var(&s.MaxKeysListed, "max-keys-listed", 100_000, "keys listed per bucket before sampling stops listing")
	f.BoolVar(&s.S3InventoryDiscover, "s3-inventory-discover", false, "read a bucket's keys from its newest S3 Inventory report when it has an enabled, unfiltered CSV or Parquet one")
	f.IntVar(&s.SampleRows, "sample-rows", 1000, "rows (RDS) and items (DynamoDB) sampled per table")
	f.IntVar(&s.Concurrency, "concurrency", 16, "objects read at once")
	f.StringVar(&rateLimits, "rate-limit", "", "client-side AWS request limits, service=requests-per-second,… (SDK service ids, e.g. kms=10,ec2=5; 0 removes a default limit; defaults in docs/resilience.md)")
	f.StringVar(&s.FailOn, "fail-on", "low", "exit 1 when a finding of at least this confidence exists: low, medium, high, none")
	f.StringVar(&s.FingerprintKeyFile, "fingerprint-key-file", "", "HMAC key for fingerprints (default: <user config dir>/cairn/fingerprint.key, created on first use)")
	f.StringVar(&s.LogLevel, "log-level", "info", "log level on stderr: debug, info, warn, error")
	f.BoolVar(&s.NoPDF, "no-pdf", false, "do not write the PDF report")
	f.StringVar(&s.ChecksExport, "checks-export", "", "also write the check results (MANUAL rows included) to this file: .csv, or .json/.jsonl for JSON Lines")
	f.StringVar(&now, "now", "", "for demos and tests: start the scan clock at this RFC 3339 time (scan id, dt partition, started_at, finished_at)")
	_ = f.MarkHidden("now")
	f.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile (pprof) of the scan to this file")
	_ = f.MarkHidden("cpuprofile")
	f.StringVar(&resumeID, "resume", "", "continue the interrupted scan SCAN_ID found in --out: its settings are restored, the stores it recorded are not read again")
	addOrgFlags(cmd, &s.Org, true)
	return cmd
}

// merge copies config-file values for every flag not set on the command line.
func (s *scanSettings) merge(cmd *cobra.Command, fc fileConfig) {
	set := func(name string) bool { return !cmd.Flags().Changed(name) }
	if set("profile") && fc.Profile != "" {
		s.Profile = fc.Profile
	}
	if set("regions") && len(fc.Regions) > 0 {
		s.Regions = fc.Regions
	}
	if set("endpoint-url") && fc.EndpointURL != "" {
		s.EndpointURL = fc.EndpointURL
	}
	if set("out") && fc.Out != "" {
		s.Out = fc.Out
	}
	if set("only") && len(fc.Only) > 0 {
		s.Only = fc.Only
	}
	if set("buckets") && len(fc.Buckets) > 0 {
		s.Buckets = fc.Buckets
	}
	if set("sample-objects") && fc.SampleObjects != 0 {
		s.SampleObjects = fc.SampleObjects
	}
	if set("sample-bytes") && fc.SampleBytes != 0 {
		s.SampleBytes = fc.SampleBytes
	}
	if set("max-keys-listed") && fc.MaxKeysListed != 0 {
		s.MaxKeysListed = fc.MaxKeysListed
	}
	if set("s3-inventory-discover") && fc.S3InventoryDiscover {
		s.S3InventoryDiscover = true
	}
	if set("concurrency") && fc.Concurrency != 0 {
		s.Concurrency = fc.Concurrency
	}
	s.RateLimits = fc.RateLimits // --rate-limit is merged over these in RunE
	if set("fail-on") && fc.FailOn != "" {
		s.FailOn = fc.FailOn
	}
	if set("fingerprint-key-file") && fc.FingerprintKeyFile != "" {
		s.FingerprintKeyFile = fc.FingerprintKeyFile
	}
	if set("sample-rows") && fc.SampleRows != 0 {
		s.SampleRows = fc.SampleRows
	}
	if set("checks-export") && fc.ChecksExport != "" {
		s.ChecksExport = fc.ChecksExport
	}
	s.Org.merge(cmd, fc)
	s.RDSIdentifiers, s.DynamoDBTables, s.Databases = fc.RDSIdentifiers, fc.DynamoDBTables, fc.Databases
	s.S3Inventory = fc.S3Inventory
	s.File = fc
}

func (s *scanSettings) validate() error {
	for _, svc := range s.Only {
		known := false
		for _, k := range knownServices {
			known = known || svc == k
		}
		if !known {
			return fmt.Errorf("--only: unknown service %q (want %s)", svc, strings.Join(knownServices, ","))
		}
		if !enabledServices[svc] {
			return fmt.Errorf("--only: %s is not implemented in this version of Cairn (available: s3, rds, dynamodb, checks)", svc)
		}
	}
	if strings.HasPrefix(s.Out, "s3://") {
		if _, err := parseS3Location(s.Out); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
	}
	if s.Out == "" {
		return errors.New("--out: must not be empty")
	}
	if s.SampleObjects <= 0 || s.SampleBytes <= 0 || s.Concurrency <= 0 || s.MaxKeysListed <= 0 || s.SampleRows <= 0 {
		return errors.New("--sample-objects, --sample-bytes, --sample-rows, --max-keys-listed and --concurrency must be positive")
	}
	for bucket, loc := range s.S3Inventory {
		if err := scanner.ValidateInventoryLocation(loc); err != nil {
			return fmt.Errorf("config s3_inventory: bucket %s: %w", bucket, err)
		}
	}
	if err := s.dbOptions(nil).Validate(); err != nil {
		return fmt.Errorf("config databases: %w", err)
	}
	if s.SampleBytes > 1<<30 {
		return errors.New("--sample-bytes: at most 1 GiB per object")
	}
	for svc, n := range s.RateLimits {
		if strings.TrimSpace(svc) == "" || !(n >= 0) || math.IsInf(n, 1) {
			return fmt.Errorf("rate limits: %q: %v: want a service id and a non-negative number of requests per second", svc, n)
		}
	}
	if _, err := failRank(s.FailOn); err != nil {
		return err
	}
	if s.ChecksExport != "" {
		if _, err := checksExportFormat(s.ChecksExport); err != nil {
			return err
		}
		if !hasService(s.Only, "checks") {
			return errors.New("--checks-export: the checks are not run (add checks to --only)")
		}
	}
	if _, err := parseLevel(s.LogLevel); err != nil {
		return err
	}
	for _, r := range s.Regions {
		if r == "all" && len(s.Regions) > 1 {
			return errors.New("--regions: all cannot be combined with named regions")
		}
	}
	return nil
}

// failRank converts --fail-on to the lowest confidence rank that fails the
// scan; 0 means never.
func failRank(v string) (int, error) {
	switch strings.ToLower(v) {
	case "none":
		return 0, nil
	case "low":
		return classifiers.ConfidenceLow.Rank(), nil
	case "medium":
		return classifiers.ConfidenceMedium.Rank(), nil
	case "high":
		return classifiers.ConfidenceHigh.Rank(), nil
	}
	return 0, fmt.Errorf("--fail-on: want low, medium, high or none, got %q", v)
}

func parseLevel(v string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(v)); err != nil {
		return l, fmt.Errorf("--log-level: want debug, info, warn or error, got %q", v)
	}
	return l, nil
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// newScanID returns a sortable, unique scan id: UTC time plus randomness.
func newScanID(t time.Time) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return t.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}

// runStatus is the status of a scan's row: INTERRUPTED when it stopped on
// a signal, FAILED on any other error, INCOMPLETE when something could not
// be read, else COMPLETE.
func runStatus(ctx context.Context, scanErr error, stats scanner.Stats) string {
	switch {
	case scanErr != nil && ctx.Err() != nil:
		return "INTERRUPTED"
	case scanErr != nil:
		return "FAILED"
	case stats.Incomplete():
		return "INCOMPLETE"
	}
	return "COMPLETE"
}

// record is what a scan records of its settings in its scans row's options
// column (JSON), and what cairn scan --resume restores.
func (s *scanSettings) record() recordedOptions {
	return recordedOptions{
		Only: s.Only, Regions: s.Regions, Buckets: s.Buckets, EndpointURL: s.EndpointURL,
		SampleObjects: s.SampleObjects, SampleBytes: s.SampleBytes,
		MaxKeysListed: s.MaxKeysListed, Concurrency: s.Concurrency, RateLimits: s.RateLimits,
		S3Inventory: s.S3Inventory, S3InventoryDiscover: s.S3InventoryDiscover,
		SampleRows: s.SampleRows, RDSIdentifiers: s.RDSIdentifiers, DynamoDBTables: s.DynamoDBTables,
	}
}

// scanSetup makes what every scan needs before it touches AWS: the progress
// line with the logger that writes around it, and the classification engine
// keyed with the fingerprint key.
func (s *scanSettings) scanSetup(stderr io.Writer) (*progress, *slog.Logger, *classifiers.Engine, error) {
	level, _ := parseLevel(s.LogLevel)
	prog := newProgress(stderr)
	log := slog.New(slog.NewTextHandler(prog.logWriter(), &slog.HandlerOptions{Level: level}))
	key, keySource, err := loadFingerprintKey(s.FingerprintKeyFile)
	if err != nil {
		return nil, nil, nil, usageErr("%w", err)
	}
	log.Debug("fingerprint key", "source", keySource)
	engine, err := classifiers.NewEngine(s.File.engineOptions(key))
	if err != nil {
		return nil, nil, nil, usageErr("config: %w", err)
	}
	return prog, log, engine, nil
}

// runScan performs one scan and returns an *exitError for non-zero exits.
func runScan(ctx context.Context, s scanSettings, stdout, stderr io.Writer) error {
	prog, log, engine, err := s.scanSetup(stderr)
	if err != nil {
		return err
	}

	scanRegions := s.Regions
	if len(scanRegions) == 1 && scanRegions[0] == "all" {
		scanRegions = nil
	}
	// Every request to the scanned account is counted, for the cost estimate.
	requests := &scanner.RequestCounter{}
	ao := scanner.AWSOptions{Profile: s.Profile, EndpointURL: s.EndpointURL, RateLimits: s.RateLimits, Requests: requests}
	if len(scanRegions) > 0 {
		ao.Region = scanRegions[0]
	}
	cfg, err := scanner.LoadAWSConfig(ctx, ao)
	if err != nil {
		return usageErr("aws config: %w", err)
	}
	account, err := scanner.CallerAccount(ctx, cfg)
	if err != nil {
		return usageErr("aws credentials: cannot identify the account (sts GetCallerIdentity): %w", err)
	}

	// With --out s3://…, the scan's files are written to a local staging
	// directory and uploaded, each whole, after the history is closed.
	out, err := openHistoryOut(ctx, s.Out, ao)
	if err != nil {
		return err
	}
	defer out.close()
	histDir := out.dir

	started := time.Now().UTC()
	clockShift := time.Duration(0) // --now: the scan clock runs from s.Now
	if !s.Now.IsZero() {
		clockShift = s.Now.Sub(started)
		started = s.Now
	}
	scanID := newScanID(started)
	var hw historyWriter
	if s.Resume != nil {
		scanID, started = s.Resume.scan.ScanID, s.Resume.scan.StartedAt
		if account != s.Resume.scan.AccountID {
			return usageErr("--resume: scan %s is of account %s, these credentials are of account %s", scanID, s.Resume.scan.AccountID, account)
		}
		hw, err = s.Resume.openWriter(histDir)
	} else {
		hw, err = report.NewHistoryWriter(histDir, scanID, started)
	}
	if err != nil {
		return usageErr("%w", err)
	}
	sink := &historySink{w: hw, scanID: scanID, account: account, prog: prog, log: log, regions: map[string]bool{}, join: report.NewExposureJoin()}
	var filter scanner.AssetFilter
	if s.Resume != nil {
		if err := s.Resume.prime(sink); err != nil {
			hw.Abort()
			return &exitError{code: exitIncomplete, err: fmt.Errorf("--resume: %w", err)}
		}
		filter = s.Resume.filter
		log.Info("scan resumed", "scan_id", scanID, "part", s.Resume.part, "stores_recorded", s.Resume.stores, "checks_done", s.Resume.checksDone)
	}
	log.Info("scan started", "scan_id", scanID, "account", account, "endpoint", s.EndpointURL, "out", s.Out)
	stopHint := context.AfterFunc(ctx, func() {
		if interrupted(ctx) {
			log.Warn("interrupted: finishing in-flight items; resume with: " + resumeCommand(scanID, s))
		}
	})
	defer stopHint()
	prog.start()

	var filters map[string]scanner.AssetFilter
	if s.Resume != nil {
		filters = map[string]scanner.AssetFilter{"s3": filter, "rds": filter, "dynamodb": filter}
	}
	checksDone := s.Resume != nil && s.Resume.checksDone
	res := scanAccount(ctx, accountScan{
		cfg: cfg, ao: ao, account: account, s: s, engine: engine, hw: hw, scanID: scanID, sink: sink, log: log, prog: prog,
		filter: filters, skipChecks: checksDone,
	})
	stats, scanErr, checks := res.stats, res.scanErr, res.checks
	if checksDone {
		checks = s.Resume.checks // run by an earlier part: not again
		stats.Unread += checks.unread
	}
	if scanErr != nil && ctx.Err() != nil && stats.Abandoned > 0 {
		log.Info("interrupted: stores cut short are left out, a resumed scan reads them", "stores", stats.Abandoned)
	}
	if s.Resume != nil {
		stats = s.Resume.addStats(stats)
	}
	finished := time.Now().UTC().Add(clockShift)

	status := runStatus(ctx, scanErr, stats)
	if scanErr != nil && sink.err != nil {
		hw.Abort()
		return &exitError{code: exitIncomplete, err: fmt.Errorf("history: %w", sink.err)}
	}

	recorded := s.record()
	recorded.Resumable = true
	opts, _ := json.Marshal(recorded)
	if s.Resume != nil {
		opts = []byte(s.Resume.scan.Options) // the scan's own settings, restored
	}
	cost := sink.estimateCost(requests.Counts(), scanner.PricesUSEast1)
	scanRow := report.ScanRow{
		ScanID: scanID, AccountID: account, StartedAt: started, FinishedAt: finished,
		Regions: sink.regionList(scanRegions), ToolVersion: version, Status: status, Options: string(opts),
		Assets: stats.Assets, Objects: stats.Objects, Skipped: stats.Skipped,
		Findings: stats.Findings, BytesRead: stats.BytesRead,
		AWSRequests: cost.Requests, BytesDownloaded: cost.S3Bytes,
		EstAWSCostUSD: cost.USD, EstMacieCostUSD: cost.MacieDiscoveryUSD,
		PricesAsOf: cost.Prices.Region + " " + cost.Prices.AsOf,
	}
	if s.Resume != nil { // the earlier parts' traffic is part of the scan's cost
		scanRow.AWSRequests += s.Resume.scan.AWSRequests
		scanRow.BytesDownloaded += s.Resume.scan.BytesDownloaded
		scanRow.EstAWSCostUSD += s.Resume.scan.EstAWSCostUSD
	}
	exposures := sink.join.Rows()
	for _, r := range exposures {
		if err := hw.WriteExposure(r); err != nil {
			hw.Abort()
			return &exitError{code: exitIncomplete, err: fmt.Errorf("history: %w", err)}
		}
	}
	if err := hw.WriteScan(scanRow); err != nil {
		hw.Abort()
		return &exitError{code: exitIncomplete, err: fmt.Errorf("history: %w", err)}
	}
	if err := hw.Close(); err != nil {
		return &exitError{code: exitIncomplete, err: fmt.Errorf("history: %w", err)}
	}

	scanFiles := hw.Files()
	if s.Resume != nil {
		scanFiles = s.Resume.allFiles(scanFiles)
	}
	pdfPath := ""
	if s.NoPDF && s.Resume != nil {
		s.Resume.dropStaleReport(histDir, log)
	}
	if !s.NoPDF {
		pdfPath = filepath.Join(histDir, "reports", scanID+".pdf")
		if err := writeScanPDF(pdfPath, histDir, scanRow, scanFiles, s, started); err != nil {
			log.Error("pdf report not written", "error", err)
			pdfPath = ""
		}
	}
	urls, err := out.upload(ctx, hw.Files(), pdfPath, log)
	if err != nil {
		return err
	}
	if pdfPath != "" && urls != nil {
		pdfPath = urls[0]
	}

	printSummary(stdout, scanRow, sink, stats, s.Out, hw.Files(), pdfPath)
	printCost(stdout, cost, requests.Counts())
	printExposures(stdout, exposures, topExposures)
	if checks.results != nil {
		fmt.Fprintf(stdout, "\nConfiguration checks: %d results, %d FAIL, %d ERROR\n", len(checks.results), checks.fails, checks.errors)
		_ = configchecks.WriteSummary(stdout, configchecks.Summarize(checks.results))
	}
	if s.ChecksExport != "" && checks.results != nil {
		if err := writeChecksExport(s.ChecksExport, checks.results); err != nil {
			return &exitError{code: exitIncomplete, err: err}
		}
		fmt.Fprintf(stdout, "Check results exported to %s\n", s.ChecksExport)
	}

	if status == "INTERRUPTED" {
		return &exitError{code: exitIncomplete, err: fmt.Errorf("scan %s interrupted; what is complete is written; resume with: %s", scanID, resumeCommand(scanID, s))}
	}
	if scanErr != nil {
		return &exitError{code: exitIncomplete, err: fmt.Errorf("scan %s: %w", strings.ToLower(status), scanErr)}
	}
	if stats.Incomplete() {
		return &exitError{code: exitIncomplete}
	}
	rank, _ := failRank(s.FailOn)
	if rank > 0 && (sink.maxConfidence >= rank || checks.maxFailRank >= rank) {
		return &exitError{code: exitFindings}
	}
	return nil
}

// writeScanPDF renders the single-scan report from the Parquet files just
// written, so the PDF shows exactly what the history holds: the window
// report of this one scan (the same model and renderer as cairn report),
// followed by the scan's per-store detail, and its evidence manifest.
func writeScanPDF(path, root string, scan report.ScanRow, files []string, s scanSettings, started time.Time) error {
	rep := report.ScanReport{
		ScanID: scan.ScanID, AccountID: scan.AccountID, ToolVersion: scan.ToolVersion, Status: scan.Status,
		Regions: scan.Regions, StartedAt: scan.StartedAt, FinishedAt: scan.FinishedAt,
		Options: map[string]string{
			"Services":               strings.Join(s.Only, ", "),
			"Objects per bucket":     strconv.Itoa(s.SampleObjects),
			"Bytes per object":       strconv.FormatInt(s.SampleBytes, 10),
			"Keys listed per bucket": strconv.FormatInt(s.MaxKeysListed, 10),
		},
	}
	for _, f := range files {
		var err error
		switch filepath.Base(filepath.Dir(filepath.Dir(f))) {
		case report.TableAssets:
			var rows []report.AssetRow
			rows, err = report.ReadRows[report.AssetRow](f)
			rep.Assets = append(rep.Assets, rows...)
		case report.TableObjectResults:
			var rows []report.ObjectResultRow
			rows, err = report.ReadRows[report.ObjectResultRow](f)
			rep.Objects = append(rep.Objects, rows...)
		case report.TableFindings:
			var rows []report.FindingRow
			rows, err = report.ReadRows[report.FindingRow](f)
			rep.Findings = append(rep.Findings, rows...)
		}
		if err != nil {
			return err
		}
	}
	data, err := report.LoadAuditData(root, report.AuditFilter{From: started, To: started, ScanIDs: []string{scan.ScanID}})
	if err != nil {
		return err
	}
	opts := auditOptions("", started, started, time.Time{})
	opts.Title = "Cairn scan report"
	return writeAuditFiles(path, report.BuildAuditReport(data, opts), &rep)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// historySink adapts scanner results to history rows. The scanner calls it
// from one goroutine.
type historySink struct {
	w       historyWriter
	scanID  string
	account string
	prog    *progress
	log     *slog.Logger
	err     error

	regions       map[string]bool
	assets        []report.AssetRow // kept for the terminal summary (small: one per store)
	join          *report.ExposureJoin
	skipReasons   map[string]int
	maxConfidence int
}

var _ scanner.Sink = (*historySink)(nil)

func (h *historySink) fail(err error) error {
	if err != nil && h.err == nil {
		h.err = err
	}
	return err
}

func (h *historySink) Asset(a scanner.Asset) error {
	h.regions[a.Region] = true
	row := report.AssetRow{
		ScanID: h.scanID, AccountID: h.account, ObservedAt: a.ObservedAt,
		AssetARN: a.ARN, Service: a.Service, Region: a.Region, Name: a.Name,
		Encryption: a.Encryption, KMSKeyARN: a.KMSKeyARN, KMSKeyManager: a.KMSKeyManager,
		Public: a.Public, PublicReason: a.PublicReason,
		SensitivityScore: a.SensitivityScore, DataClasses: a.DataClasses,
		ObjectCount: a.ObjectCount, TotalBytes: a.TotalBytes, ListingTruncated: a.ListingTruncated,
		SampledObjects: a.SampledObjects, SampledBytes: a.SampledBytes,
		Status: a.Status, Reason: a.Reason, Posture: a.Posture,
		ListingSource: a.ListingSource, InventoryDate: a.InventoryDate,
		BucketObjects: a.BucketObjects, BucketBytes: a.BucketBytes, TotalsSource: a.TotalsSource, TotalsAt: a.TotalsAt,
	}
	h.assets = append(h.assets, row)
	h.join.AddAsset(row)
	h.prog.assetDone()
	if h.log != nil {
		h.log.Debug("store recorded", "asset", a.ARN, "status", a.Status)
	}
	return h.fail(h.w.WriteAsset(row))
}

func (h *historySink) Object(o scanner.ObjectResult) error {
	if o.Status == scanner.StatusSkipped {
		if h.skipReasons == nil {
			h.skipReasons = map[string]int{}
		}
		h.skipReasons[o.Reason]++
	}
	h.prog.objectDone(o.BytesRead)
	row := report.ObjectResultRow{
		ScanID: h.scanID, AccountID: h.account, ObservedAt: o.ObservedAt,
		AssetARN: o.AssetARN, Location: o.Location, Format: o.Format, Status: o.Status, Reason: o.Reason,
		Size: o.Size, BytesRead: o.BytesRead, StorageClass: o.StorageClass, Encryption: o.Encryption,
		Findings: o.Findings, Kind: o.Kind, Part: o.Part,
	}
	h.join.AddObject(row)
	return h.fail(h.w.WriteObjectResult(row))
}

func (h *historySink) Finding(f scanner.Finding) error {
	if r := classifiers.Confidence(f.Confidence).Rank(); r > h.maxConfidence {
		h.maxConfidence = r
	}
	h.prog.finding(f.Count)
	row := report.FindingRow{
		ScanID: h.scanID, AccountID: h.account, ObservedAt: f.ObservedAt,
		AssetARN: f.AssetARN, Service: f.Service, Region: f.Region, Location: f.Location,
		Field: f.Field, FieldSensitive: f.FieldSensitive,
		Identifier: f.Identifier, Category: f.Category, Confidence: f.Confidence, Count: f.Count,
		RedactedExamples: f.RedactedExamples, Fingerprints: f.Fingerprints,
	}
	h.join.AddFinding(row)
	return h.fail(h.w.WriteFinding(row))
}

// dataScan is what this run's data scan found, for the data-aware checks: Ran is
// false when only the checks run (--only checks), so those checks say there is no
// classification data instead of passing. It is the exposures join's view of the
// stores and findings, the same function the window report evaluates the data.*
// checks of a sharded run with (report.DeriveDataControls).
func (h *historySink) dataScan(only []string) configchecks.DataScan {
	return h.join.DataScan(only)
}

// estimateCost prices the run's requests, and what Macie would charge for the
// bytes sampled from the S3 buckets of this scan.
func (h *historySink) estimateCost(counts []scanner.OpCount, p scanner.PriceTable) scanner.CostEstimate {
	var in scanner.CostInputs
	for _, a := range h.assets {
		if a.Service != "s3" {
			continue
		}
		in.Buckets++
		in.S3BytesSampled += a.SampledBytes
		if a.BucketObjects > 0 {
			in.BucketObjects += a.BucketObjects
		} else {
			in.BucketObjects += a.ObjectCount
		}
	}
	return scanner.EstimateCost(counts, in, p)
}

// regionList is the scan's regions: those requested, or else those where
// stores were found.
func (h *historySink) regionList(requested []string) []string {
	if len(requested) > 0 {
		return requested
	}
	out := make([]string, 0, len(h.regions))
	for r := range h.regions {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// dbOptions builds the RDS scanner's options for the given regions.
func (s *scanSettings) dbOptions(regions []string) scanner.DBOptions {
	return scanner.DBOptions{
		Regions: regions, Identifiers: s.RDSIdentifiers, Databases: s.Databases, SampleRows: s.SampleRows,
	}
}

// resolveRegions returns the requested regions, or every enabled region
// when none were named (falling back to the default region, with a
// warning, when the list cannot be read).
func resolveRegions(ctx context.Context, cfg aws.Config, requested []string, log *slog.Logger) []string {
	if len(requested) > 0 {
		return requested
	}
	rs, err := scanner.EnabledRegions(ctx, cfg)
	if err != nil || len(rs) == 0 {
		log.Warn("enabled regions unknown; using the default region only", "region", cfg.Region, "error", err)
		return []string{cfg.Region}
	}
	return rs
}
