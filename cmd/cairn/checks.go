package main

import (
	"context"
	"log/slog"

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

// runChecks collects the account state, runs every check and writes the
// control_results rows, feeding them to the exposures join. A collection that cannot start is logged and counts
// as unread: the scan is then incomplete, never silently "all PASS".
func runChecks(ctx context.Context, cfg aws.Config, ao scanner.AWSOptions, regions []string, hw *report.HistoryWriter, scanID string, join *report.ExposureJoin, log *slog.Logger) checkOutcome {
	var out checkOutcome
	if len(regions) == 0 {
		regions = resolveRegions(ctx, cfg, nil, log)
	}
	log.Info("checks: collecting account state", "regions", len(regions))
	st, err := scanner.CollectAccountState(ctx, cfg, ao, regions, log)
	if err != nil {
		log.Error("checks: account state not collected", "error", err)
		out.unread++
		return out
	}
	out.results = configchecks.Run(st)
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
