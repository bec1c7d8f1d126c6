package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/configchecks"
	"github.com/cairnsec/cairn/report"
	"github.com/cairnsec/cairn/scanner"
)

// How a scan is interrupted and resumed (docs/history.md, "Interrupted and
// resumed scans"):
//
//   - The first SIGINT or SIGTERM cancels the scan's context. Stores being
//     read are abandoned whole (the collector drops them), the checks are
//     written only if they had finished, and the run writes its files as
//     usual under <scan_id>.parquet, with the scans row's status INTERRUPTED.
//   - cairn scan --resume SCAN_ID reads that history back, restores the
//     scan's settings from the scans row's options, leaves out every store
//     already recorded, runs the checks only if no earlier run wrote them,
//     and writes the new rows as a part, <scan_id>-rN.parquet, in the scan's
//     dt partition. It then replaces the scan's exposures and scans files
//     (<scan_id>.parquet) with rows computed over every part: the scan keeps
//     exactly one scans row, with the final status and totals.

// historyWriter is what runScan writes a scan's rows through: a
// report.HistoryWriter for a new scan, a resumeWriter for a resumed one.
// Like them, it is not safe for concurrent use.
type historyWriter interface {
	WriteScan(report.ScanRow) error
	WriteAsset(report.AssetRow) error
	WriteObjectResult(report.ObjectResultRow) error
	WriteFinding(report.FindingRow) error
	WriteControlResult(report.ControlResultRow) error
	WriteExposure(report.ExposureRow) error
	Close() error
	Abort()
	Files() []string
}

var (
	_ historyWriter = (*report.HistoryWriter)(nil)
	_ historyWriter = (*resumeWriter)(nil)
)

// resumeWriter writes a resumed run: data rows to a new part of the scan,
// the scans and exposures rows to files that replace the scan's own.
type resumeWriter struct {
	part  *report.HistoryWriter // assets, object_results, findings, control_results: <scan_id>-rN
	final *report.HistoryWriter // scans, exposures: <scan_id>, replacing the earlier files
}

func (w *resumeWriter) WriteScan(r report.ScanRow) error         { return w.final.WriteScan(r) }
func (w *resumeWriter) WriteExposure(r report.ExposureRow) error { return w.final.WriteExposure(r) }
func (w *resumeWriter) WriteAsset(r report.AssetRow) error       { return w.part.WriteAsset(r) }
func (w *resumeWriter) WriteFinding(r report.FindingRow) error   { return w.part.WriteFinding(r) }
func (w *resumeWriter) WriteObjectResult(r report.ObjectResultRow) error {
	return w.part.WriteObjectResult(r)
}
func (w *resumeWriter) WriteControlResult(r report.ControlResultRow) error {
	return w.part.WriteControlResult(r)
}

// Close publishes the part first, then the replacing exposures and scans
// files (scans last). A crash in between leaves the part next to the old
// INTERRUPTED scans row: the next resume reads it like any earlier part.
func (w *resumeWriter) Close() error {
	if err := w.part.Close(); err != nil {
		w.final.Abort()
		return err
	}
	return w.final.Close()
}

func (w *resumeWriter) Abort() { w.part.Abort(); w.final.Abort() }

func (w *resumeWriter) Files() []string {
	if w.part.Files() == nil || w.final.Files() == nil {
		return nil
	}
	return append(w.part.Files(), w.final.Files()...)
}

// resumePlan is what a resumed run takes over from the runs before it.
type resumePlan struct {
	scan  report.ScanRow // the scan's scans row, INTERRUPTED
	part  string         // this run's file name: <scan_id>-rN
	files []string       // the scan's history files before this run, every table

	// Filled by prime from the earlier runs' rows.
	stores     int             // stores recorded
	done       map[string]bool // their ARNs, as recorded and as the scanners build them
	checksDone bool            // control results were written
	checks     checkOutcome    // from those control results
	old        scanner.Stats   // counted from the earlier rows
}

// recordedOptions is the options JSON of a scans row (runScan).
type recordedOptions struct {
	Only                []string           `json:"only"`
	Regions             []string           `json:"regions"`
	Buckets             []string           `json:"buckets"`
	EndpointURL         string             `json:"endpoint_url"`
	SampleObjects       int                `json:"sample_objects"`
	SampleBytes         int64              `json:"sample_bytes"`
	MaxKeysListed       int64              `json:"max_keys_listed"`
	Concurrency         int                `json:"concurrency"`
	S3Inventory         map[string]string  `json:"s3_inventory"`
	S3InventoryDiscover bool               `json:"s3_inventory_discover"`
	SampleRows          int                `json:"sample_rows"`
	RDSIdentifiers      []string           `json:"rds_identifiers"`
	DynamoDBTables      []string           `json:"dynamodb_tables"`
	RateLimits          map[string]float64 `json:"rate_limits"`
	// Resumable: an interrupted run of this version records no partial
	// store, so cairn scan --resume can continue it.
	Resumable bool `json:"resumable,omitempty"`
}

// partPattern matches the name of a resumed run's part: <scan_id>-r<N>.
var partPattern = regexp.MustCompile(`-r([0-9]+)$`)

// loadResumePlan finds the scan id in the history under out and checks
// that it can be resumed. Every error is a usage error: nothing was read
// from AWS yet.
func loadResumePlan(out, id string) (*resumePlan, error) {
	if strings.HasPrefix(out, "s3://") {
		return nil, usageErr("--resume: the history must be a local directory; copy it first (aws s3 sync %s DIR), resume with --out DIR, and copy it back", out)
	}
	if !validScanID(id) {
		return nil, usageErr("--resume: %q is not a scan id", id)
	}
	scanFiles, err := report.TableFiles(out, report.TableScans)
	if err != nil {
		return nil, usageErr("--resume: %w", err)
	}
	p := &resumePlan{}
	var scanFile string
	for _, f := range scanFiles {
		if filepath.Base(f) != id+".parquet" {
			continue
		}
		rows, err := report.ReadRows[report.ScanRow](f)
		if err != nil {
			return nil, usageErr("--resume: %w", err)
		}
		for _, r := range rows {
			if r.ScanID == id {
				p.scan, scanFile = r, f
			}
		}
	}
	switch {
	case scanFile == "":
		return nil, usageErr("--resume: scan %s not found in %s (a scan stopped by a second signal or a crash wrote nothing: start a new scan)", id, out)
	case p.scan.Status == "COMPLETE":
		return nil, usageErr("--resume: scan %s is already COMPLETE: nothing to resume", id)
	case p.scan.Status != "INTERRUPTED":
		return nil, usageErr("--resume: scan %s is %s: only an INTERRUPTED scan can be resumed; start a new scan", id, p.scan.Status)
	}
	var rec recordedOptions
	if err := json.Unmarshal([]byte(p.scan.Options), &rec); err != nil || !rec.Resumable {
		return nil, usageErr("--resume: scan %s was written by a Cairn that could record half-read stores, so it cannot be resumed: start a new scan", id)
	}

	// Every file of the scan lives in the scans file's dt partition.
	partition := filepath.Base(filepath.Dir(scanFile))
	last := 0
	for _, table := range report.Tables() {
		dir := filepath.Join(out, table, partition)
		ents, err := os.ReadDir(dir)
		if err != nil && !os.IsNotExist(err) {
			return nil, usageErr("--resume: %w", err)
		}
		for _, e := range ents {
			name, ok := strings.CutSuffix(e.Name(), ".parquet")
			if !ok || !e.Type().IsRegular() || (name != id && !strings.HasPrefix(name, id+"-")) {
				continue
			}
			p.files = append(p.files, filepath.Join(dir, e.Name()))
			if m := partPattern.FindStringSubmatch(strings.TrimPrefix(name, id)); m != nil {
				n, _ := strconv.Atoi(m[1])
				last = max(last, n)
			}
		}
	}
	p.part = fmt.Sprintf("%s-r%d", id, last+1)
	return p, nil
}

// resumeFrom makes s continue the interrupted scan id: it loads the plan and
// restores the scan's settings. A flag or config key that sets a recorded
// setting to another value is a usage error; --concurrency may change (it
// does not change what is read), as may everything that is not recorded
// (--profile, --config for database credentials and custom identifiers,
// --fingerprint-key-file, --fail-on, --log-level, --no-pdf, --checks-export).
func (s *scanSettings) resumeFrom(cmd *cobra.Command, fc fileConfig, id string) error {
	plan, err := loadResumePlan(s.Out, id)
	if err != nil {
		return err
	}
	var rec recordedOptions
	_ = json.Unmarshal([]byte(plan.scan.Options), &rec) // checked by loadResumePlan
	changed := cmd.Flags().Changed
	conflicts := []struct {
		name       string
		given      bool
		same       bool
		mine, recd any
	}{
		{"--regions", changed("regions") || len(fc.Regions) > 0, slices.Equal(s.Regions, rec.Regions), s.Regions, rec.Regions},
		{"--only", changed("only") || len(fc.Only) > 0, slices.Equal(s.Only, rec.Only), s.Only, rec.Only},
		{"--buckets", changed("buckets") || len(fc.Buckets) > 0, slices.Equal(s.Buckets, rec.Buckets), s.Buckets, rec.Buckets},
		{"--endpoint-url", changed("endpoint-url") || fc.EndpointURL != "", s.EndpointURL == rec.EndpointURL, s.EndpointURL, rec.EndpointURL},
		{"--sample-objects", changed("sample-objects") || fc.SampleObjects != 0, s.SampleObjects == rec.SampleObjects, s.SampleObjects, rec.SampleObjects},
		{"--sample-bytes", changed("sample-bytes") || fc.SampleBytes != 0, s.SampleBytes == rec.SampleBytes, s.SampleBytes, rec.SampleBytes},
		{"--max-keys-listed", changed("max-keys-listed") || fc.MaxKeysListed != 0, s.MaxKeysListed == rec.MaxKeysListed, s.MaxKeysListed, rec.MaxKeysListed},
		{"--sample-rows", changed("sample-rows") || fc.SampleRows != 0, s.SampleRows == rec.SampleRows, s.SampleRows, rec.SampleRows},
		{"--s3-inventory-discover", changed("s3-inventory-discover") || fc.S3InventoryDiscover, s.S3InventoryDiscover == rec.S3InventoryDiscover, s.S3InventoryDiscover, rec.S3InventoryDiscover},
		{"config s3_inventory", len(fc.S3Inventory) > 0, maps.Equal(s.S3Inventory, rec.S3Inventory), s.S3Inventory, rec.S3Inventory},
		{"config rds_identifiers", len(fc.RDSIdentifiers) > 0, slices.Equal(s.RDSIdentifiers, rec.RDSIdentifiers), s.RDSIdentifiers, rec.RDSIdentifiers},
		{"config dynamodb_tables", len(fc.DynamoDBTables) > 0, slices.Equal(s.DynamoDBTables, rec.DynamoDBTables), s.DynamoDBTables, rec.DynamoDBTables},
	}
	for _, c := range conflicts {
		if c.given && !c.same {
			return usageErr("--resume: %s is %v here but %v in scan %s: a resumed scan keeps its own settings (drop %s)", c.name, c.mine, c.recd, id, c.name)
		}
	}
	s.Regions, s.Only, s.Buckets, s.EndpointURL = rec.Regions, rec.Only, rec.Buckets, rec.EndpointURL
	s.SampleObjects, s.SampleBytes, s.MaxKeysListed, s.SampleRows = rec.SampleObjects, rec.SampleBytes, rec.MaxKeysListed, rec.SampleRows
	s.S3Inventory, s.S3InventoryDiscover = rec.S3Inventory, rec.S3InventoryDiscover
	s.RDSIdentifiers, s.DynamoDBTables = rec.RDSIdentifiers, rec.DynamoDBTables
	if !changed("concurrency") && fc.Concurrency == 0 {
		s.Concurrency = rec.Concurrency
	}
	s.Resume = plan
	return nil
}

// openWriter opens the writers of this run under dir (the local history,
// or the staging directory of an s3:// output).
func (p *resumePlan) openWriter(dir string) (historyWriter, error) {
	part, err := report.NewHistoryWriterTables(dir, p.part, p.scan.StartedAt,
		report.TableAssets, report.TableObjectResults, report.TableFindings, report.TableControlResults)
	if err != nil {
		return nil, err
	}
	final, err := report.NewHistoryWriterTables(dir, p.scan.ScanID, p.scan.StartedAt, report.TableScans, report.TableExposures)
	if err != nil {
		part.Abort()
		return nil, err
	}
	return &resumeWriter{part: part, final: final}, nil
}

// prime reads the earlier runs' rows into sink, as if this run had
// recorded them: the exposures join, the stores and categories the
// data-aware checks need, the summary's stores, the highest confidence for
// --fail-on. It notes which stores are done, whether the checks ran, and
// counts the earlier rows. Earlier exposures and scans rows are not read:
// they are recomputed and replaced.
func (p *resumePlan) prime(sink *historySink) error {
	p.done = map[string]bool{}
	for _, f := range p.files {
		switch filepath.Base(filepath.Dir(filepath.Dir(f))) {
		case report.TableAssets:
			rows, err := report.ReadRows[report.AssetRow](f)
			if err != nil {
				return err
			}
			for _, r := range rows {
				if r.ScanID != p.scan.ScanID {
					continue
				}
				p.stores++
				p.old.Assets++
				if r.Status == scanner.StatusError {
					p.old.Unread++
				}
				p.done[r.AssetARN] = true
				p.done[scannerARN(r, p.scan.AccountID)] = true
				sink.assets = append(sink.assets, r)
				sink.join.AddAsset(r)
				sink.regions[r.Region] = true
			}
		case report.TableObjectResults:
			rows, err := report.ReadRows[report.ObjectResultRow](f)
			if err != nil {
				return err
			}
			for _, r := range rows {
				if r.ScanID != p.scan.ScanID {
					continue
				}
				p.old.Objects++
				p.old.BytesRead += r.BytesRead
				if r.Status == scanner.StatusSkipped {
					p.old.Skipped++
				}
				if scanner.CouldNotRead(r.Reason) {
					p.old.Unread++
				}
				sink.join.AddObject(r)
			}
		case report.TableFindings:
			rows, err := report.ReadRows[report.FindingRow](f)
			if err != nil {
				return err
			}
			for _, r := range rows {
				if r.ScanID != p.scan.ScanID {
					continue
				}
				p.old.Findings++
				p.old.Matches += r.Count
				sink.maxConfidence = max(sink.maxConfidence, classifiers.Confidence(r.Confidence).Rank())
				sink.join.AddFinding(r)
			}
		case report.TableControlResults:
			rows, err := report.ReadRows[report.ControlResultRow](f)
			if err != nil {
				return err
			}
			for _, r := range rows {
				if r.ScanID != p.scan.ScanID {
					continue
				}
				p.checksDone = true
				switch r.Status {
				case string(configchecks.StatusFail):
					p.checks.fails++
					p.checks.maxFailRank = max(p.checks.maxFailRank, severityRank(configchecks.Severity(r.Severity)))
				case string(configchecks.StatusError):
					p.checks.errors++
					p.checks.unread++
				}
				sink.join.AddControl(r)
			}
		}
	}
	return nil
}

// filter is the resumed run's AssetFilter: stores already recorded are not
// read again.
func (p *resumePlan) filter(arn string) bool { return !p.done[arn] }

// addStats adds the earlier runs' counts to this run's.
func (p *resumePlan) addStats(st scanner.Stats) scanner.Stats {
	st.Assets += p.old.Assets
	st.Objects += p.old.Objects
	st.Skipped += p.old.Skipped
	st.Unread += p.old.Unread
	st.Findings += p.old.Findings
	st.Matches += p.old.Matches
	st.BytesRead += p.old.BytesRead
	return st
}

// allFiles is every history file of the scan after this run: the earlier
// ones and this run's, those this run replaced listed once.
func (p *resumePlan) allFiles(written []string) []string {
	out := slices.Clone(written)
	for _, f := range p.files {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}

// scannerARN is the ARN a scanner's AssetFilter is asked about for the
// store of r: S3 and DynamoDB build it from the name before the store is
// described, which may differ from the ARN recorded (another partition).
func scannerARN(r report.AssetRow, account string) string {
	switch r.Service {
	case "s3":
		return "arn:aws:s3:::" + r.Name
	case "dynamodb":
		return fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s", r.Region, account, r.Name)
	}
	return r.AssetARN
}

// dropStaleReport removes the interrupted run's PDF and evidence manifest
// when the resumed run writes none (--no-pdf): they describe the scans and
// exposures files this run replaced, so cairn verify would report those as
// modified.
func (p *resumePlan) dropStaleReport(histDir string, log *slog.Logger) {
	pdf := filepath.Join(histDir, "reports", p.scan.ScanID+".pdf")
	for _, f := range []string{pdf, pdf + report.ManifestSuffix} {
		if err := os.Remove(f); err == nil {
			log.Info("resume: removed the interrupted run's report, which no longer matches the history", "file", f)
		}
	}
}

// resumeCommand is the command line that resumes scan id.
func resumeCommand(id string, s scanSettings) string {
	cmd := "cairn scan --resume " + id + " --out " + s.Out
	if strings.HasPrefix(s.Out, "s3://") {
		cmd = "aws s3 sync " + s.Out + " DIR, then cairn scan --resume " + id + " --out DIR (and sync DIR back)"
	}
	if s.ConfigFile != "" {
		cmd += " --config " + s.ConfigFile
	}
	if s.Profile != "" {
		cmd += " --profile " + s.Profile
	}
	return cmd
}
