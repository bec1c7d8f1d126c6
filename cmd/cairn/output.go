package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/cairnsec/cairn/report"
	"github.com/cairnsec/cairn/scanner"
)

// s3Location is an s3://bucket/prefix URL split into its parts; prefix has
// no leading or trailing slash.
type s3Location struct {
	bucket, prefix string
}

func (l s3Location) String() string {
	if l.prefix == "" {
		return "s3://" + l.bucket
	}
	return "s3://" + l.bucket + "/" + l.prefix
}

// key returns the object key of rel, a slash-separated path under the prefix.
func (l s3Location) key(rel string) string {
	if l.prefix == "" {
		return rel
	}
	return l.prefix + "/" + rel
}

// parseS3Location parses s3://bucket[/prefix].
func parseS3Location(raw string) (s3Location, error) {
	rest, ok := strings.CutPrefix(raw, "s3://")
	if !ok {
		return s3Location{}, fmt.Errorf("%q is not an s3:// URL", raw)
	}
	bucket, prefix, _ := strings.Cut(rest, "/")
	prefix = strings.Trim(prefix, "/")
	if bucket == "" || strings.ContainsAny(bucket, " \\?#") {
		return s3Location{}, fmt.Errorf("%q: want s3://bucket/prefix", raw)
	}
	for _, seg := range strings.Split(prefix, "/") {
		if seg == "." || seg == ".." || (seg == "" && prefix != "") {
			return s3Location{}, fmt.Errorf("%q: the prefix must not hold empty, . or .. segments", raw)
		}
	}
	return s3Location{bucket: bucket, prefix: prefix}, nil
}

// historyOut is where a run writes its files: the --out directory, or with
// --out s3://… a local staging directory whose files are uploaded, each
// whole, once the history is closed.
type historyOut struct {
	dir    string            // where the history writer puts the files
	output *scanner.S3Output // nil: --out is a local directory
	loc    s3Location
	keep   bool // an upload failed: the staged files are kept, not lost
}

// openHistoryOut prepares --out; for s3:// it makes the output client (not
// guarded: the history bucket is the one place Cairn writes) and the staging
// directory. Call close when the run is done.
func openHistoryOut(ctx context.Context, out string, ao scanner.AWSOptions) (*historyOut, error) {
	h := &historyOut{dir: out}
	if !strings.HasPrefix(out, "s3://") {
		return h, nil
	}
	var err error
	if h.loc, err = parseS3Location(out); err != nil {
		return nil, usageErr("--out: %w", err)
	}
	if h.output, err = scanner.NewS3Output(ctx, ao, h.loc.bucket); err != nil {
		return nil, usageErr("--out: %w", err)
	}
	if h.dir, err = os.MkdirTemp("", "cairn-out-"); err != nil {
		return nil, usageErr("--out: staging directory: %w", err)
	}
	return h, nil
}

// close removes the staging directory, unless an upload failed.
func (h *historyOut) close() {
	if h.output != nil && !h.keep {
		os.RemoveAll(h.dir)
	}
}

// upload sends the run's files (and the PDF, if any) to --out s3://… and
// returns their URLs, the PDF's first; for a local --out it does nothing.
// It runs without the run's cancellation: after SIGINT the upload is how
// what is complete gets written, and a second signal still stops the
// process. A failed upload keeps the staged files and says where they are.
func (h *historyOut) upload(ctx context.Context, files []string, pdf string, log *slog.Logger) ([]string, error) {
	if h.output == nil {
		return nil, nil
	}
	urls, err := uploadHistory(context.WithoutCancel(ctx), h.output, h.loc, h.dir, files, pdf)
	if err != nil {
		h.keep = true
		return urls, &exitError{code: exitIncomplete, err: fmt.Errorf("history: %d of %d files uploaded to %s; the run's files are kept in %s: %w",
			len(urls), len(files)+2*btoi(pdf != ""), h.loc, h.dir, err)}
	}
	log.Info("history uploaded", "files", len(urls), "out", h.loc.String())
	return urls, nil
}

// uploadHistory copies one scan's finished files from the local staging
// directory to the output bucket, keeping the dataset layout
// (<prefix>/<table>/dt=YYYY-MM-DD/<scan_id>.parquet, <prefix>/reports/…;
// the PDF's evidence manifest goes with it when there is one).
// Each object is one PutObject of a complete file, so it appears whole or
// not at all; keys are derived from the scan id, so a retried upload
// replaces objects instead of adding rows. The scans file goes last: its
// row is the scan's commit marker, and an interrupted upload leaves whole
// files of other tables without it. It returns the URLs written.
func uploadHistory(ctx context.Context, out *scanner.S3Output, loc s3Location, staging string, files []string, pdf string) ([]string, error) {
	var first, last []string
	for _, f := range files {
		if filepath.Base(filepath.Dir(filepath.Dir(f))) == report.TableScans {
			last = append(last, f)
		} else {
			first = append(first, f)
		}
	}
	ordered := append(first, last...)
	if pdf != "" {
		reports := []string{pdf}
		// The PDF's evidence manifest, so that `cairn verify --history
		// s3://…` finds it under <prefix>/reports/.
		if _, err := os.Stat(pdf + report.ManifestSuffix); err == nil {
			reports = append(reports, pdf+report.ManifestSuffix)
		}
		ordered = append(reports, ordered...)
	}
	var urls []string
	for _, f := range ordered {
		rel, err := filepath.Rel(staging, f)
		if err != nil || strings.HasPrefix(rel, "..") {
			return urls, fmt.Errorf("upload: %s is outside the staging directory", f)
		}
		key := loc.key(filepath.ToSlash(rel))
		ctype := "application/vnd.apache.parquet"
		switch path.Ext(key) {
		case ".pdf":
			ctype = "application/pdf"
		case ".json":
			ctype = "application/json"
		}
		if err := out.PutFile(ctx, key, f, ctype); err != nil {
			return urls, err
		}
		urls = append(urls, "s3://"+loc.bucket+"/"+key)
	}
	return urls, nil
}
