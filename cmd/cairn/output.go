package main

import (
	"context"
	"fmt"
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
