package main

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cairnsec/cairn/report"
	"github.com/cairnsec/cairn/scanner"
)

// printSummary writes the one-screen end-of-scan summary. It prints only
// names, counts, posture and identifiers: never a sampled value.
func printSummary(w io.Writer, scan report.ScanRow, sink *historySink, stats scanner.Stats, out string, files []string, pdf string) {
	dur := scan.FinishedAt.Sub(scan.StartedAt).Round(100 * time.Millisecond)
	fmt.Fprintf(w, "Cairn scan %s  account %s  %s in %s\n", scan.ScanID, scan.AccountID, scan.Status, dur)

	var public, unencrypted, sensitive int
	for _, a := range sink.assets {
		if a.Public {
			public++
		}
		if a.Encryption == scanner.EncryptionNone {
			unencrypted++
		}
		if len(a.DataClasses) > 0 {
			sensitive++
		}
	}
	fmt.Fprintf(w, "Stores: %d (%d public, %d without default encryption, %d holding sensitive data)\n",
		len(sink.assets), public, unencrypted, sensitive)
	fmt.Fprintf(w, "Objects sampled: %d (%d skipped), %s read; %d findings, %d matches\n",
		stats.Objects, stats.Skipped, humanBytes(stats.BytesRead), stats.Findings, stats.Matches)

	assets := append([]report.AssetRow(nil), sink.assets...)
	sort.SliceStable(assets, func(i, j int) bool { return riskRank(assets[i]) > riskRank(assets[j]) })
	if len(assets) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "STORE\tREGION\tENCRYPTION\tPUBLIC\tSCORE\tDATA CLASSES\tSTATUS")
		const maxRows = 20
		for i, a := range assets {
			if i == maxRows {
				fmt.Fprintf(tw, "… %d more (see the assets table)\t\t\t\t\t\t\n", len(assets)-maxRows)
				break
			}
			enc := a.Encryption
			if a.KMSKeyManager != "" {
				enc += " (" + strings.ToLower(a.KMSKeyManager) + " key)"
			}
			pub := "no"
			if a.Public {
				pub = "YES"
			} else if strings.HasPrefix(a.PublicReason, "UNKNOWN") {
				pub = "unknown"
			}
			classes := strings.Join(a.DataClasses, ",")
			if classes == "" {
				classes = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.0f\t%s\t%s\n", a.Name, a.Region, enc, pub, a.SensitivityScore, classes, a.Status)
		}
		tw.Flush()
	}

	if len(sink.skipReasons) > 0 {
		var parts []string
		for r, n := range sink.skipReasons {
			parts = append(parts, fmt.Sprintf("%s %d", r, n))
		}
		sort.Strings(parts)
		fmt.Fprintf(w, "\nSkipped objects by reason: %s\n", strings.Join(parts, ", "))
	}
	fmt.Fprintf(w, "\nHistory: %s (%d Parquet files)\n", out, len(files))
	if pdf != "" {
		fmt.Fprintf(w, "Report:  %s\n", pdf)
	}
}

// riskRank orders stores for display: sensitive and public first, then
// sensitive and unencrypted, then by score.
func riskRank(a report.AssetRow) float64 {
	r := a.SensitivityScore
	if len(a.DataClasses) > 0 {
		if a.Public {
			r += 1000
		}
		if a.Encryption == scanner.EncryptionNone {
			r += 500
		}
	}
	return r
}

// topExposures is the number of riskiest stores the summary lists.
const topExposures = 10

// printExposures lists the n riskiest stores of the exposures table, one
// line each: rank, score, name, exposure, encryption and data classes. It
// prints identifiers and posture only, never a sampled value.
func printExposures(w io.Writer, rows []report.ExposureRow, n int) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "\nRiskiest stores (exposures table, %d of %d):\n", min(n, len(rows)), len(rows))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RANK\tRISK\tSTORE\tTYPE\tEXPOSURE\tENCRYPTION\tSAMPLED\tDATA CLASSES\tFAILING CONTROLS")
	for _, r := range rows[:min(n, len(rows))] {
		classes := strings.Join(r.DataClasses, ",")
		if classes == "" {
			classes = "-"
		}
		fmt.Fprintf(tw, "%d\t%.1f\t%s\t%s\t%s\t%s\t%.0f%%\t%s\t%d\n", r.RiskRank, r.RiskScore, r.Name, r.AssetType,
			r.Exposure, r.Encryption, 100*r.SampledFraction, classes, len(r.FailingControls))
	}
	tw.Flush()
}

// printCost writes the run's AWS requests (the busiest operations), the
// estimate of what they cost and what Macie would charge for the same S3
// bytes, with the price table's region and date.
func printCost(w io.Writer, e scanner.CostEstimate, counts []scanner.OpCount) {
	if e.Requests == 0 {
		return
	}
	top := slices.Clone(counts)
	slices.SortStableFunc(top, func(a, b scanner.OpCount) int { return cmp.Compare(b.Requests, a.Requests) })
	var parts []string
	for i, c := range top {
		if i == 4 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, fmt.Sprintf("%s %s %d", c.Service, c.Operation, c.Requests))
	}
	fmt.Fprintf(w, "\nAWS requests: %d (%s); %s downloaded from S3\n", e.Requests, strings.Join(parts, ", "), humanBytes(e.S3Bytes))
	var lines []string
	for _, l := range e.Lines {
		lines = append(lines, fmt.Sprintf("%s %s %s", l.Item, quantity(l), usd(l.USD)))
	}
	if len(lines) == 0 {
		lines = []string{"no billed requests"}
	}
	fmt.Fprintf(w, "Estimated AWS cost of this run: %s (%s)\n", usd(e.USD), strings.Join(lines, "; "))
	fmt.Fprintf(w, "  data transfer assumes Cairn runs in each bucket's region (free); from another region add %s at $%.2f/GB\n",
		usd(e.CrossRegionUSD), e.Prices.TransferCrossRegionPerGB)
	fmt.Fprintf(w, "Macie for the same %s of S3 objects: %s (sensitive data discovery at $%.2f/GB), plus %s/month bucket evaluation and monitoring of %d buckets\n",
		humanBytes(e.MacieBytes), usd(e.MacieDiscoveryUSD), e.Prices.MacieDiscoveryPerGB, usd(e.MacieMonthlyUSD), e.MacieBuckets)
	fmt.Fprintf(w, "Prices: %s list prices as of %s; they vary by region (docs/cost.md)\n", e.Prices.Region, e.Prices.AsOf)
}

// quantity renders a cost line's quantity in its unit.
func quantity(l scanner.CostLine) string {
	if l.Unit == "GB" {
		return fmt.Sprintf("%.3f GB", l.Quantity)
	}
	if l.Quantity == math.Trunc(l.Quantity) {
		return fmt.Sprintf("%.0f %s", l.Quantity, l.Unit)
	}
	return fmt.Sprintf("%.1f %s", l.Quantity, l.Unit)
}

// usd renders dollars with enough digits to show small amounts.
func usd(v float64) string {
	switch {
	case v == 0:
		return "$0"
	case v >= 1:
		return fmt.Sprintf("$%.2f", v)
	case v >= 0.01:
		return fmt.Sprintf("$%.4f", v)
	}
	return fmt.Sprintf("$%.6f", v)
}
