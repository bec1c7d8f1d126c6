package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairnsec/cairn/report"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// TestScanRateLimitFlag checks --rate-limit and the config file's
// rate_limits: bad values are usage errors before any AWS call, and the
// flag's entries win over the file's, service by service, in the limits the
// scan runs with (recorded in the scans row's options).
func TestScanRateLimitFlag(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--rate-limit", "kms"}, "--rate-limit"},
		{[]string{"--rate-limit", "kms=-1"}, "--rate-limit"},
		{[]string{"--config", write("bad.yaml", "rate_limits:\n  kms: -2\n")}, "rate limits"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"scan", "--out", filepath.Join(dir, "out")}, c.args...), &stdout, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d naming %s", c.args, code, stderr.String(), exitUsage, c.want)
		}
	}

	mototest.SetTestCredentials(t)
	srv := mototest.Start(t)
	out := filepath.Join(dir, "scan")
	cfgFile := write("limits.yaml", "rate_limits:\n  KMS: 3\n  S3: 50\n")
	var stdout, stderr bytes.Buffer
	code := run([]string{"scan", "--endpoint-url", srv.Endpoint, "--regions", "us-east-1", "--only", "s3", "--no-pdf",
		"--out", out, "--config", cfgFile, "--rate-limit", "KMS=0,IAM=2"}, &stdout, &stderr)
	if code != exitClean {
		t.Fatalf("scan exit %d: %s", code, stderr.String())
	}
	scans, err := report.ReadTable[report.ScanRow](out, "scans")
	if err != nil || len(scans) != 1 {
		t.Fatalf("scans: %d rows, %v", len(scans), err)
	}
	var opt struct {
		RateLimits map[string]float64 `json:"rate_limits"`
	}
	if err := json.Unmarshal([]byte(scans[0].Options), &opt); err != nil {
		t.Fatal(err)
	}
	if want := map[string]float64{"KMS": 0, "S3": 50, "IAM": 2}; !maps.Equal(opt.RateLimits, want) {
		t.Errorf("rate limits recorded %v; want %v", opt.RateLimits, want)
	}
}
