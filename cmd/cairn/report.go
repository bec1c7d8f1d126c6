package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/configchecks"
	"github.com/cairnsec/cairn/report"
	"github.com/cairnsec/cairn/scanner"
)

func newReportCmd() *cobra.Command {
	var history, from, to, out, org, generatedAt string
	var accounts []string
	var ao scanner.AWSOptions
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write the PDF evidence report of an observation window from the Parquet history",
		Example: `  cairn report --history ./cairn-out --from 2026-11-01 --to 2026-11-30 --org "Acme Widgets" --out nov.pdf
  cairn verify --history ./cairn-out --manifest nov.pdf.evidence.json
  cairn report --history s3://audit-bucket/cairn --from 2026-11-01 --to 2026-11-30 --out nov.pdf`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if history == "" {
				return usageErr("--history: required")
			}
			var loc s3Location
			if strings.HasPrefix(history, "s3://") {
				var err error
				if loc, err = parseS3Location(history); err != nil {
					return usageErr("--history: %w", err)
				}
			}
			f, err := parseDay("--from", from)
			if err != nil {
				return err
			}
			t, err := parseDay("--to", to)
			if err != nil {
				return err
			}
			if t.Before(f) {
				return usageErr("--to %s is before --from %s", to, from)
			}
			var gen time.Time
			if generatedAt != "" {
				if gen, err = time.Parse(time.RFC3339, generatedAt); err != nil {
					return usageErr("--generated-at: want RFC 3339 (2026-11-30T18:00:00Z): %w", err)
				}
			}
			dir := history
			if loc.bucket != "" {
				// The window's partitions are copied to a temporary directory
				// laid out like the history, so evidence paths and hashes are
				// those of the objects and `cairn verify --history s3://…`
				// rechecks them later.
				ctx := cmd.Context()
				h, err := scanner.NewS3History(ctx, ao, loc.bucket)
				if err != nil {
					return usageErr("--history: %w", err)
				}
				if dir, err = os.MkdirTemp("", "cairn-history-"); err != nil {
					return &exitError{code: exitIncomplete, err: fmt.Errorf("history: %w", err)}
				}
				defer os.RemoveAll(dir)
				// One day more on each side: a run belongs to the day of its
				// first scans file, and its later parts may sit in the next
				// day's partition (report.WindowPartitions).
				first, last := report.WindowPartitions(f, t)
				if _, err := downloadWindow(ctx, h, loc, first, last, dir); err != nil {
					return &exitError{code: exitIncomplete, err: err}
				}
			}
			data, err := report.LoadAuditData(dir, report.AuditFilter{From: f, To: t, Accounts: splitAll(accounts)})
			if errors.Is(err, report.ErrNoScans) {
				return usageErr("%w: %s to %s in %s", report.ErrNoScans, from, to, history)
			}
			if err != nil {
				return &exitError{code: exitIncomplete, err: err}
			}
			model := report.BuildAuditReport(data, auditOptions(org, f, t, gen))
			if err := writeAuditFiles(out, model, nil); err != nil {
				return &exitError{code: exitIncomplete, err: err}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "report: %s (%d scans, %s to %s, %d evidence files); manifest %s\n",
				out, model.Cover.Scans, model.Cover.From, model.Cover.To, len(model.Evidence), out+report.ManifestSuffix)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&history, "history", "", "history written by cairn scan --out: a directory or s3://bucket/prefix")
	fl.StringVar(&from, "from", "", "first day of the observation window, YYYY-MM-DD (UTC)")
	fl.StringVar(&to, "to", "", "last day of the observation window, YYYY-MM-DD (UTC), inclusive")
	fl.StringVar(&out, "out", "cairn-report.pdf", "PDF to write; the evidence manifest goes to <out>"+report.ManifestSuffix)
	fl.StringSliceVar(&accounts, "account", nil, "only these AWS account ids (repeat or comma-separate; default all)")
	fl.StringVar(&org, "org", "", "organisation named on the cover")
	fl.StringVar(&generatedAt, "generated-at", "", "time printed as generated at, RFC 3339 (default: the newest scan's finish, so the same history gives the same bytes)")
	historyAWSFlags(cmd, &ao)
	return cmd
}

// historyAWSFlags adds the flags that reach a history in S3, as cairn scan
// names them.
func historyAWSFlags(cmd *cobra.Command, ao *scanner.AWSOptions) {
	cmd.Flags().StringVar(&ao.Profile, "profile", "", "AWS shared config profile for an s3:// history (default: the standard credential chain)")
	cmd.Flags().StringVar(&ao.EndpointURL, "endpoint-url", "", "AWS-compatible S3 endpoint for an s3:// history, e.g. an emulator")
}

func newVerifyCmd() *cobra.Command {
	var history string
	var manifests []string
	var ao scanner.AWSOptions
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Recheck the SHA-256 of every history file listed by report evidence manifests",
		Long: "verify rehashes each file listed in an evidence manifest (written next to every report as\n" +
			"<report>" + report.ManifestSuffix + " and attached to the PDF) and names every file that is missing or\n" +
			"changed. The history is a directory or s3://bucket/prefix (each object is read with GetObject\n" +
			"and streamed through the hash). Without --manifest it checks every manifest under\n" +
			"<history>/reports/. A manifest is a local file or an s3:// URL.\n" +
			"Exit 0: every file matches; 1: a file is missing or changed; 2: usage error.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if history == "" {
				return usageErr("--history: required")
			}
			ctx := cmd.Context()
			hs := &s3Histories{ao: ao}
			verify := func(m report.EvidenceManifest) []report.EvidenceProblem { return report.VerifyEvidence(history, m) }
			if strings.HasPrefix(history, "s3://") {
				loc, err := parseS3Location(history)
				if err != nil {
					return usageErr("--history: %w", err)
				}
				h, err := hs.get(ctx, loc.bucket)
				if err != nil {
					return usageErr("--history: %w", err)
				}
				if len(manifests) == 0 {
					if manifests, err = s3Manifests(ctx, h, loc); err != nil {
						return &exitError{code: exitIncomplete, err: err}
					}
					if len(manifests) == 0 {
						return usageErr("no evidence manifest under %s; name one with --manifest", loc.key("reports/"))
					}
				}
				verify = func(m report.EvidenceManifest) []report.EvidenceProblem {
					return report.VerifyEvidenceWith(m, func(p string) (io.ReadCloser, error) { return h.Open(ctx, loc.key(p)) })
				}
			} else if len(manifests) == 0 {
				found, _ := filepath.Glob(filepath.Join(history, "reports", "*"+report.ManifestSuffix))
				if len(found) == 0 {
					return usageErr("no evidence manifest under %s; name one with --manifest", filepath.Join(history, "reports"))
				}
				manifests = found
			}
			return runVerify(cmd.OutOrStdout(), manifests,
				func(src string) (report.EvidenceManifest, error) { return readManifestAt(ctx, hs, src) }, verify)
		},
	}
	cmd.Flags().StringVar(&history, "history", "", "history the manifests' paths are relative to: a directory or s3://bucket/prefix")
	cmd.Flags().StringSliceVar(&manifests, "manifest", nil, "evidence manifest(s) to check, local files or s3:// URLs (default: <history>/reports/*"+report.ManifestSuffix+")")
	historyAWSFlags(cmd, &ao)
	return cmd
}

// runVerify reads each manifest with read and prints one FAIL line per
// problem verify finds in it.
func runVerify(stdout io.Writer, manifests []string, read func(string) (report.EvidenceManifest, error),
	verify func(report.EvidenceManifest) []report.EvidenceProblem) error {
	var files, bad int
	for _, src := range manifests {
		m, err := read(src)
		if err != nil {
			return usageErr("%w", err)
		}
		files += len(m.Files)
		for _, p := range verify(m) {
			bad++
			fmt.Fprintf(stdout, "FAIL %s (manifest %s)\n", p, src)
		}
	}
	if bad > 0 {
		return &exitError{code: exitFindings, err: fmt.Errorf("verify: %d of %d evidence files missing or changed", bad, files)}
	}
	fmt.Fprintf(stdout, "verify: OK, %d evidence files of %d manifests match their SHA-256\n", files, len(manifests))
	return nil
}

// auditOptions fills the report options Cairn knows: its version, the
// identifiers it searches for and each check's remediation.
func auditOptions(org string, from, to, generated time.Time) report.AuditOptions {
	o := report.AuditOptions{
		Organization: org, From: from, To: to, GeneratedAt: generated, ToolVersion: version,
		Remediation: map[string]string{},
	}
	// The key only satisfies NewEngine: this engine lists identifiers and
	// never fingerprints anything.
	if e, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{1}, 32)}); err == nil {
		for _, id := range e.Identifiers() {
			o.Identifiers = append(o.Identifiers, id.ID)
		}
	}
	for _, c := range append(configchecks.All(), configchecks.ManualChecks()...) {
		var parts []string
		if c.Remediation.Console != "" {
			parts = append(parts, "Console: "+c.Remediation.Console)
		}
		if c.Remediation.CLI != "" {
			parts = append(parts, "CLI: "+c.Remediation.CLI)
		}
		if len(parts) > 0 {
			o.Remediation[c.ID] = strings.Join(parts, "\n")
		}
	}
	return o
}

// writeAuditFiles writes the PDF to path and its evidence manifest to
// path+ManifestSuffix, each through a temporary file and a rename.
func writeAuditFiles(path string, model *report.AuditReport, detail *report.ScanReport) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("pdf: %w", err)
		}
	}
	var buf bytes.Buffer
	if err := report.WriteAuditPDF(&buf, model, detail); err != nil {
		return err
	}
	if err := writeFileAtomic(path, buf.Bytes()); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	if err := writeFileAtomic(path+report.ManifestSuffix, model.Manifest().JSON()); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	return nil
}

func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

func parseDay(flag, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, usageErr("%s: required (YYYY-MM-DD)", flag)
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, usageErr("%s: want YYYY-MM-DD, got %q", flag, v)
	}
	return t, nil
}

func splitAll(vs []string) []string {
	var out []string
	for _, v := range vs {
		out = append(out, splitList(v)...)
	}
	return out
}
