package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cairnsec/cairn/report"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// TestReportAndVerifyS3History builds a window report from a history in
// moto, verifies it against the objects, then overwrites one object and
// deletes another.
func TestReportAndVerifyS3History(t *testing.T) {
	mototest.SetTestCredentials(t)
	srv := mototest.Start(t)
	ctx := context.Background()
	cfg, err := srv.Config(ctx)
	must(t, err)
	c := mototest.SeedS3Client(cfg)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("audit")}); err != nil {
		t.Fatal(err)
	}
	const prefix = "team/cairn"
	put := func(key string, body []byte) {
		t.Helper()
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("audit"), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}

	// The two-day history, uploaded as cairn scan --out s3://… lays it out,
	// plus a scan two days after the window (the report reads one day past
	// it, for the late shards of the window's runs: report.WindowPartitions)
	// and a stray object, which the report must not download.
	hist := writeTwoDayHistory(t)
	var local []string
	for _, table := range report.Tables() {
		files, err := report.TableFiles(hist, table)
		must(t, err)
		for _, f := range files {
			rel, _ := filepath.Rel(hist, f)
			b, err := os.ReadFile(f)
			must(t, err)
			put(prefix+"/"+filepath.ToSlash(rel), b)
			local = append(local, filepath.ToSlash(rel))
			if table == report.TableScans {
				put(prefix+"/"+strings.Replace(filepath.ToSlash(rel), "dt=2026-11-24", "dt=2026-11-26", 1), b)
			}
		}
	}
	put(prefix+"/findings/dt=2026-11-24/notes.txt", []byte("not parquet"))
	slices.Sort(local)

	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	out := filepath.Join(t.TempDir(), "window.pdf")
	history := "s3://audit/" + prefix
	var stdout, stderr bytes.Buffer
	if code := run([]string{"report", "--endpoint-url", srv.Endpoint, "--history", history,
		"--from", "2026-11-23", "--to", "2026-11-24", "--org", "Acme", "--out", out}, &stdout, &stderr); code != exitClean {
		t.Fatalf("report exit %d: %s%s", code, stdout.String(), stderr.String())
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
	if !strings.Contains(strings.Join(strings.Fields(pdfText(t, out)), " "), "2026-11-24 s3.block_public_access FAIL arn:aws:s3:::acme-exports") {
		t.Error("PDF lacks the public-bucket exception of 2026-11-24")
	}
	manifest := out + report.ManifestSuffix
	m, err := report.ReadManifest(manifest)
	must(t, err)
	var paths []string
	for _, f := range m.Files {
		paths = append(paths, f.Path)
	}
	if !slices.Equal(paths, local) {
		t.Fatalf("evidence %q, want the window's files relative to the history root %q", paths, local)
	}

	verify := func(args ...string) (int, string) {
		var o, e bytes.Buffer
		code := run(append([]string{"verify", "--endpoint-url", srv.Endpoint, "--history", history}, args...), &o, &e)
		return code, o.String() + e.String()
	}
	if code, msg := verify("--manifest", manifest); code != exitClean || !strings.Contains(msg, "OK") {
		t.Fatalf("verify of an intact history: exit %d, %q", code, msg)
	}
	// The manifest stored with the history, found by listing or named by URL.
	mb, err := os.ReadFile(manifest)
	must(t, err)
	put(prefix+"/reports/window.pdf"+report.ManifestSuffix, mb)
	for _, args := range [][]string{nil, {"--manifest", history + "/reports/window.pdf" + report.ManifestSuffix}} {
		if code, msg := verify(args...); code != exitClean || !strings.Contains(msg, "of 1 manifests") {
			t.Errorf("verify %q: exit %d, %q", args, code, msg)
		}
	}

	altered, removed := m.Files[0].Path, m.Files[len(m.Files)-1].Path
	put(prefix+"/"+altered, []byte("PAR1 not the file the report read PAR1"))
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("audit"), Key: aws.String(prefix + "/" + removed)}); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--manifest", manifest}, nil} {
		code, msg := verify(args...)
		if code != exitFindings {
			t.Errorf("verify %q of a changed history: exit %d, want %d", args, code, exitFindings)
		}
		for _, want := range []string{altered + ": modified", removed + ": missing", "2 of "} {
			if !strings.Contains(msg, want) {
				t.Errorf("verify %q output lacks %q:\n%s", args, want, msg)
			}
		}
	}

	for name, args := range map[string][]string{
		"bad url":        {"report", "--endpoint-url", srv.Endpoint, "--history", "s3://", "--from", "2026-11-23", "--to", "2026-11-24"},
		"missing bucket": {"report", "--endpoint-url", srv.Endpoint, "--history", "s3://no-such-bucket/x", "--from", "2026-11-23", "--to", "2026-11-24"},
		"empty window": {"report", "--endpoint-url", srv.Endpoint, "--history", history, "--from", "2025-01-01", "--to", "2025-01-02",
			"--out", filepath.Join(t.TempDir(), "x.pdf")},
		"no manifest": {"verify", "--endpoint-url", srv.Endpoint, "--history", "s3://audit/elsewhere"},
	} {
		var o, e bytes.Buffer
		if code := run(args, &o, &e); code != exitUsage {
			t.Errorf("%s: exit %d, want %d (%s)", name, code, exitUsage, e.String())
		}
	}
}
