package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cairnsec/cairn/configchecks"
	"github.com/cairnsec/cairn/report"
	"github.com/cairnsec/cairn/scanner"
)

// checkOutcome is what the configuration checks produced.
type checkOutcome struct {
	results     []configchecks.Result
	fails       int
	errors      int
	unread      int64 // results that could not be evaluated (ERROR) or a failed collection
	maxFailRank int   // highest --fail-on rank among FAIL results
	// interrupted is set when a signal cancelled the scan before the checks
	// finished: nothing was written, and a resumed scan runs them.
	interrupted bool
}

// severityRank maps check severities onto the --fail-on scale: high and
// critical count as high, medium as medium, low and informational as low.
func severityRank(s configchecks.Severity) int {
	switch s {
	case configchecks.SeverityCritical, configchecks.SeverityHigh:
		return 3
	case configchecks.SeverityMedium:
		return 2
	}
	return 1
}

// runChecks collects the account state, adds what this run's data scan found
// (data), runs every check, writes the control_results rows and feeds them
// to the exposures join. A collection that cannot start is logged and
// counts as unread: the scan is then incomplete, never silently "all PASS".
//
// Control results are all or nothing: when the scan is cancelled (SIGINT,
// SIGTERM) before the account state is collected, no row is written and the
// outcome says interrupted.
//
// keep, when not nil, leaves out the results it returns false for (a shard
// leaves out the data.* checks, which need the whole account's data).
func runChecks(ctx context.Context, cfg aws.Config, ao scanner.AWSOptions, regions []string, hw historyWriter, scanID string, data configchecks.DataScan, join *report.ExposureJoin, keep func(configchecks.Result) bool, log *slog.Logger) checkOutcome {
	var out checkOutcome
	if len(regions) == 0 {
		regions = resolveRegions(ctx, cfg, nil, log)
	}
	log.Info("checks: collecting account state", "regions", len(regions))
	st, err := scanner.CollectAccountState(ctx, cfg, ao, regions, log)
	if ctx.Err() != nil {
		log.Warn("checks: interrupted before the account state was collected; no control results written")
		out.interrupted = true
		return out
	}
	if err != nil {
		log.Error("checks: account state not collected", "error", err)
		out.unread++
		return out
	}
	st.DataScan = data
	out.results = configchecks.Run(st)
	if keep != nil {
		out.results = slices.DeleteFunc(out.results, func(r configchecks.Result) bool { return !keep(r) })
	}
	for _, row := range report.ControlResultRows(scanID, out.results) {
		join.AddControl(row)
		if err := hw.WriteControlResult(row); err != nil {
			log.Error("checks: history write failed", "error", err)
			out.unread++
			break
		}
	}
	for _, r := range out.results {
		switch r.Status {
		case configchecks.StatusFail:
			out.fails++
			out.maxFailRank = max(out.maxFailRank, severityRank(r.Severity))
		case configchecks.StatusError:
			out.errors++
			out.unread++
		}
	}
	return out
}

func hasService(only []string, svc string) bool {
	for _, s := range only {
		if s == svc {
			return true
		}
	}
	return false
}

// checksExportFormat returns the format of a --checks-export path from its
// extension: "csv", or "jsonl" for .json and .jsonl (JSON Lines).
func checksExportFormat(path string) (string, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return "csv", nil
	case ".json", ".jsonl":
		return "jsonl", nil
	}
	return "", fmt.Errorf("--checks-export: %q: want a .csv, .json or .jsonl file", path)
}

// writeChecksExport writes every check result, MANUAL rows included, one row per
// requirement and resource, to path as CSV or JSON Lines (configchecks.WriteCSV,
// WriteJSONLines): the file auditors filter by CIS id, SOC 2 criterion or status.
// The file is written next to its final name and renamed, so a failed write leaves
// no partial export behind.
func writeChecksExport(path string, results []configchecks.Result) (err error) {
	format, err := checksExportFormat(path)
	if err != nil {
		return err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("checks export: %w", err)
		}
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("checks export: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	w := bufio.NewWriter(f)
	if format == "csv" {
		err = configchecks.WriteCSV(w, results)
	} else {
		err = configchecks.WriteJSONLines(w, results)
	}
	if err != nil {
		return fmt.Errorf("checks export: %w", err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("checks export: %w", err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("checks export: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("checks export: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("checks export: %w", err)
	}
	return nil
}
