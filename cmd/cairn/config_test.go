package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigS3Inventory reads the s3_inventory keys of a config file, and
// refuses a location that is not an s3:// URL before any AWS call.
func TestConfigS3Inventory(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, []byte("s3_inventory:\n  big-bucket: s3://inventory-dest/reports/big-bucket/daily/\ns3_inventory_discover: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fc, err := loadFileConfig(good)
	if err != nil {
		t.Fatal(err)
	}
	if fc.S3Inventory["big-bucket"] != "s3://inventory-dest/reports/big-bucket/daily/" || !fc.S3InventoryDiscover {
		t.Errorf("decoded %+v, %v", fc.S3Inventory, fc.S3InventoryDiscover)
	}

	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("s3_inventory:\n  big-bucket: /local/path\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"scan", "--config", bad, "--out", filepath.Join(dir, "out")}, &stdout, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), "s3_inventory") {
		t.Errorf("exit %d, stderr %q; want %d naming s3_inventory", code, stderr.String(), exitUsage)
	}
}
