package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/cairnsec/cairn/report"
	"github.com/cairnsec/cairn/scanner"
)

// downloadWindow copies the history files of the days from..to (YYYY-MM-DD,
// inclusive) from loc to the local directory dir, keeping the dataset layout
// (<table>/dt=YYYY-MM-DD/<file>.parquet), so that the local report code reads
// them with paths relative to the history root. Only the window's partitions
// are listed: each table's listing starts after its dt=<from> prefix and
// stops past dt=<to>. Bodies are streamed to disk. It returns the number of
// files copied.
func downloadWindow(ctx context.Context, h *scanner.S3History, loc s3Location, from, to, dir string) (int, error) {
	root := loc.key("")
	n := 0
	for _, table := range report.Tables() {
		tablePrefix := root + table + "/"
		last := tablePrefix + report.PartitionKey + "=" + to + "/"
		var keys []string
		err := h.List(ctx, tablePrefix, tablePrefix+report.PartitionKey+"="+from, func(key string, _ int64) bool {
			// Every key of the last partition sorts right after its prefix;
			// the first key past them ends the window.
			if key > last && !strings.HasPrefix(key, last) {
				return false
			}
			rel := strings.TrimPrefix(key, root)
			parts := strings.Split(rel, "/")
			if len(parts) != 3 || !fs.ValidPath(rel) {
				return true
			}
			day, ok := strings.CutPrefix(parts[1], report.PartitionKey+"=")
			name := parts[2]
			if !ok || day < from || day > to || !strings.HasSuffix(name, ".parquet") ||
				strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return true
			}
			keys = append(keys, key)
			return true
		})
		if err != nil {
			return n, err
		}
		for _, key := range keys {
			if err := downloadObject(ctx, h, key, filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(key, root)))); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// downloadObject streams the object key to the local file dst.
func downloadObject(ctx context.Context, h *scanner.S3History, key, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	body, err := h.Open(ctx, key)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer body.Close()
	f, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	if _, err := io.Copy(f, body); err != nil {
		f.Close()
		return fmt.Errorf("history: download s3://%s/%s: %w", h.Bucket(), key, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	return nil
}

// s3Histories opens one S3History per bucket, on first use.
type s3Histories struct {
	ao      scanner.AWSOptions
	buckets map[string]*scanner.S3History
}

func (s *s3Histories) get(ctx context.Context, bucket string) (*scanner.S3History, error) {
	if h := s.buckets[bucket]; h != nil {
		return h, nil
	}
	h, err := scanner.NewS3History(ctx, s.ao, bucket)
	if err != nil {
		return nil, err
	}
	if s.buckets == nil {
		s.buckets = map[string]*scanner.S3History{}
	}
	s.buckets[bucket] = h
	return h, nil
}

// s3Manifests lists the evidence manifests directly under <loc>/reports/,
// as s3:// URLs.
func s3Manifests(ctx context.Context, h *scanner.S3History, loc s3Location) ([]string, error) {
	dir := loc.key("reports/")
	var urls []string
	err := h.List(ctx, dir, "", func(key string, _ int64) bool {
		if rest := strings.TrimPrefix(key, dir); !strings.Contains(rest, "/") && strings.HasSuffix(rest, report.ManifestSuffix) {
			urls = append(urls, "s3://"+h.Bucket()+"/"+key)
		}
		return true
	})
	return urls, err
}

// readManifestAt reads the manifest at a local path or an s3:// URL.
func readManifestAt(ctx context.Context, hs *s3Histories, src string) (report.EvidenceManifest, error) {
	if !strings.HasPrefix(src, "s3://") {
		return report.ReadManifest(src)
	}
	loc, err := parseS3Location(src)
	if err != nil || loc.prefix == "" || path.Base(loc.prefix) == "" {
		return report.EvidenceManifest{}, fmt.Errorf("--manifest: want s3://bucket/key, got %q", src)
	}
	h, err := hs.get(ctx, loc.bucket)
	if err != nil {
		return report.EvidenceManifest{}, err
	}
	body, err := h.Open(ctx, loc.prefix)
	if err != nil {
		return report.EvidenceManifest{}, fmt.Errorf("report: read manifest: %w", err)
	}
	defer body.Close()
	return report.DecodeManifest(src, body)
}
