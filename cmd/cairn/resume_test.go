package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cairnsec/cairn/report"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// cliEnv, set to 1 in a test binary's environment, makes the binary run the
// cairn CLI on its arguments instead of the tests: tests start it as a real
// subprocess to send it signals.
const cliEnv = "CAIRN_TEST_RUN_CLI"

// resumeBuckets are the seeded buckets: the first is read at once, every
// GET of the others waits slowDelay in the fault proxy.
var (
	fastBucket  = "a-fast"
	slowBuckets = []string{"b-slow-1", "b-slow-2", "b-slow-3", "b-slow-4", "b-slow-5"}
)

const slowDelay = 4 * time.Second

// seedResumeAccount seeds the buckets in moto and returns the fault proxy's
// endpoint, which delays every GetObject of the slow buckets.
func seedResumeAccount(t *testing.T) string {
	t.Helper()
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	s3c := mototest.SeedS3Client(cfg)
	cards := []string{"4556 1043 3218 1965", "5425-0013-3890-8381", "371463794026543", "6011235116155942"}
	ssns := []string{"536-22-8147", "219-09-9999", "457-55-5462", "301-44-1290"}
	for bi, b := range append([]string{fastBucket}, slowBuckets...) {
		if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
		for i := range 4 {
			body := fmt.Sprintf("customer_id,card_number,ssn\nC%d%d,%s,%s\n", bi, i, cards[(bi+i)%4], ssns[(bi+2*i)%4])
			if i == 3 {
				body = "plain notes, nothing sensitive here\n"
			}
			if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String(fmt.Sprintf("export-%d.csv", i)),
				Body: strings.NewReader(body)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	proxy := mototest.NewFaultProxy(srv.Endpoint, 1, mototest.FaultRule{
		PathPrefix: "/b-slow-", Operation: "GetObject", Fault: mototest.FaultDelay, Delay: slowDelay,
	})
	url, err := proxy.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	t.Setenv(fingerprintKeyEnv, hex.EncodeToString(bytes.Repeat([]byte{9}, 32)))
	return url
}

// TestScanInterruptAndResume starts `cairn scan` as a subprocess, sends it
// SIGINT once the fast bucket is recorded (the slow buckets are then
// waiting on their GETs), checks that it exits 3 with an INTERRUPTED scan
// holding only whole stores, resumes it with `cairn scan --resume`, and
// compares every table with an uninterrupted scan of the same account: the
// same rows, no duplicate keys, one scans row, and an evidence manifest
// that still verifies.
func TestScanInterruptAndResume(t *testing.T) {
	endpoint := seedResumeAccount(t)
	args := func(out string) []string {
		return []string{"scan", "--endpoint-url", endpoint, "--regions", "us-east-1", "--only", "s3,checks",
			"--sample-objects", "10", "--concurrency", "16", "--out", out, "--fail-on", "none"}
	}

	// The uninterrupted reference scan.
	full := t.TempDir()
	var stdout, stderr bytes.Buffer
	start := time.Now()
	fullCode := run(args(full), &stdout, &stderr)
	t.Logf("uninterrupted scan: exit %d in %s", fullCode, time.Since(start).Round(time.Millisecond))
	// moto lacks some APIs the checks read: their ERROR results make the
	// scan INCOMPLETE (exit 3) rather than clean. Not INTERRUPTED, though.
	if fullCode != exitClean && fullCode != exitIncomplete || strings.Contains(stderr.String(), "interrupted") {
		t.Fatalf("uninterrupted scan: exit %d\nstderr:\n%s", fullCode, stderr.String())
	}

	// The interrupted scan, a real process.
	out := t.TempDir()
	code, first, log := interruptScan(t, args(out))
	if code != exitIncomplete {
		t.Fatalf("interrupted scan: exit %d, want %d\nstderr:\n%s", code, exitIncomplete, log)
	}
	if !strings.Contains(first, "asset=arn:aws:s3:::"+fastBucket) {
		t.Fatalf("the first store recorded is not the fast bucket: %s", first)
	}
	for _, want := range []string{"interrupted: finishing in-flight items; resume with: cairn scan --resume ", "interrupted; what is complete is written; resume with: cairn scan --resume "} {
		if !strings.Contains(log, want) {
			t.Errorf("stderr lacks %q:\n%s", want, log)
		}
	}
	scans, err := report.ReadTable[report.ScanRow](out, report.TableScans)
	if err != nil || len(scans) != 1 || scans[0].Status != "INTERRUPTED" {
		t.Fatalf("interrupted scans table = %+v, %v; want one INTERRUPTED row", scans, err)
	}
	id := scans[0].ScanID
	// Only whole stores: the fast bucket with all its objects, nothing of
	// the slow buckets that were being read, and no checks yet.
	assets, _ := report.ReadTable[report.AssetRow](out, report.TableAssets)
	objects, _ := report.ReadTable[report.ObjectResultRow](out, report.TableObjectResults)
	controls, _ := report.ReadTable[report.ControlResultRow](out, report.TableControlResults)
	if len(assets) != 1 || assets[0].Name != fastBucket || assets[0].Status != "COMPLETE" {
		t.Errorf("interrupted assets = %+v, want the fast bucket only, COMPLETE", assets)
	}
	for _, o := range objects {
		if o.AssetARN != "arn:aws:s3:::"+fastBucket {
			t.Errorf("interrupted scan recorded %s %s of a store it did not finish", o.AssetARN, o.Location)
		}
	}
	if len(objects) != 4 || len(controls) != 0 || scans[0].Assets != 1 || scans[0].Objects != 4 {
		t.Errorf("interrupted scan: %d objects, %d control results, scans row %+v; want 4, 0 and matching totals", len(objects), len(controls), scans[0])
	}

	// Refusals: a setting that conflicts, an unknown scan id. Both exit 2
	// before any AWS call.
	for _, bad := range [][]string{
		{"scan", "--resume", id, "--out", out, "--sample-objects", "3"},
		{"scan", "--resume", "20990101T000000Z-00000000", "--out", out},
		{"scan", "--resume", id, "--out", "s3://bucket/prefix"},
	} {
		var so, se bytes.Buffer
		if code := run(bad, &so, &se); code != exitUsage {
			t.Errorf("%q: exit %d, want %d\n%s", bad, code, exitUsage, se.String())
		}
	}

	// Resume, and interrupt the resumed run too once it has recorded a
	// store: a part, <scan_id>-r1, and the scans row replaced, still
	// INTERRUPTED. Repeating the scan's own settings is allowed.
	code, _, log = interruptScan(t, append(args(out), "--resume", id))
	if code != exitIncomplete {
		t.Fatalf("interrupted resume: exit %d, want %d\nstderr:\n%s", code, exitIncomplete, log)
	}
	scans, _ = report.ReadTable[report.ScanRow](out, report.TableScans)
	assets, _ = report.ReadTable[report.AssetRow](out, report.TableAssets)
	if len(scans) != 1 || scans[0].Status != "INTERRUPTED" || scans[0].Assets != int64(len(assets)) || len(assets) < 2 || len(assets) > len(slowBuckets) {
		t.Fatalf("after the interrupted resume: scans %+v, %d assets; want one INTERRUPTED row counting 2 to %d assets", scans, len(assets), len(slowBuckets))
	}
	parts, _ := filepath.Glob(filepath.Join(out, report.TableAssets, "dt=*", id+"-r1.parquet"))
	if len(parts) != 1 {
		t.Errorf("no assets part %s-r1.parquet after the interrupted resume", id)
	}

	// Resume again, to the end.
	stdout.Reset()
	stderr.Reset()
	start = time.Now()
	code = run(append(args(out), "--resume", id), &stdout, &stderr)
	t.Logf("resumed scan: exit %d in %s", code, time.Since(start).Round(time.Millisecond))
	if code != fullCode {
		t.Fatalf("resumed scan: exit %d, want %d as uninterrupted\nstderr:\n%s", code, fullCode, stderr.String())
	}
	if parts, _ := filepath.Glob(filepath.Join(out, report.TableAssets, "dt=*", id+"-r2.parquet")); len(parts) != 1 {
		t.Errorf("no assets part %s-r2.parquet after the second resume", id)
	}
	if !strings.Contains(stderr.String(), "scan resumed") {
		t.Errorf("stderr does not say the scan was resumed:\n%s", stderr.String())
	}

	compareHistories(t, full, out)

	// The evidence manifest of the scan's PDF verifies, and the window
	// report reads the merged scan.
	var so, se bytes.Buffer
	if code := run([]string{"verify", "--history", out}, &so, &se); code != exitClean {
		t.Errorf("verify after resume: exit %d\n%s%s", code, so.String(), se.String())
	}
	day := scans[0].StartedAt
	for _, dir := range []string{full, out} {
		d, err := report.LoadAuditData(dir, report.AuditFilter{From: day, To: day})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Scans) != 1 || len(d.Assets) != 1+len(slowBuckets) || len(d.Exposures) != 1+len(slowBuckets) {
			t.Errorf("%s: window report read %d scans, %d assets, %d exposures; want 1, %d, %d",
				dir, len(d.Scans), len(d.Assets), len(d.Exposures), 1+len(slowBuckets), 1+len(slowBuckets))
		}
	}

	// A COMPLETE scan is not resumed again.
	if code := run(append(args(out), "--resume", id), &so, &se); code != exitUsage {
		t.Errorf("resuming a COMPLETE scan: exit %d, want %d", code, exitUsage)
	}
}

// interruptScan runs cairn with args as a subprocess (this test binary,
// see TestMain) and sends it SIGINT when its log says a store was
// recorded. It returns the exit code, that log line and the whole log.
func interruptScan(t *testing.T, args []string) (code int, first, log string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append(args, "--log-level", "debug")...)
	cmd.Env = append(os.Environ(), cliEnv+"=1")
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = &bytes.Buffer{}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	lines := bufio.NewScanner(errPipe)
	for lines.Scan() {
		line := lines.Text()
		b.WriteString(line + "\n")
		if first == "" && strings.Contains(line, `msg="store recorded"`) {
			first = line
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
		}
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	switch {
	case first == "":
		t.Fatalf("no store was recorded, no signal sent: %v\n%s", err, b.String())
	case errors.As(err, &ee):
		return ee.ExitCode(), first, b.String()
	case err != nil:
		t.Fatal(err)
	}
	return 0, first, b.String()
}

// compareHistories checks that the history in got holds the same rows as
// the one in want, table by table, ignoring scan ids and timestamps, with
// no duplicate key and exactly one scans row.
func compareHistories(t *testing.T, want, got string) {
	t.Helper()
	compareResumedTable[report.AssetRow](t, want, got, report.TableAssets, func(r report.AssetRow) string { return r.AssetARN })
	compareResumedTable[report.ObjectResultRow](t, want, got, report.TableObjectResults, func(r report.ObjectResultRow) string {
		return r.AssetARN + " " + r.Location
	})
	compareResumedTable[report.FindingRow](t, want, got, report.TableFindings, func(r report.FindingRow) string {
		return r.AssetARN + " " + r.Location + " " + r.Identifier + " " + r.Field
	})
	compareResumedTable[report.ControlResultRow](t, want, got, report.TableControlResults, func(r report.ControlResultRow) string {
		return r.CheckID + " " + r.ResourceARN + " " + r.Region + " " + r.FindingUID
	})
	compareResumedTable[report.ExposureRow](t, want, got, report.TableExposures, func(r report.ExposureRow) string { return r.AssetARN })
	compareResumedTable[report.ScanRow](t, want, got, report.TableScans, func(r report.ScanRow) string { return r.AccountID })
	// The resumed scan's traffic covers every part: at least the reads of
	// one uninterrupted run.
	w, errW := report.ReadTable[report.ScanRow](want, report.TableScans)
	g, errG := report.ReadTable[report.ScanRow](got, report.TableScans)
	if errW != nil || errG != nil || len(w) != 1 || len(g) != 1 {
		t.Fatalf("scans rows: %v %v", errW, errG)
	}
	if g[0].BytesDownloaded < w[0].BytesDownloaded || g[0].AWSRequests <= 0 || g[0].EstAWSCostUSD <= 0 {
		t.Errorf("resumed scan's traffic: %d requests, %d bytes, $%g; the uninterrupted scan downloaded %d bytes",
			g[0].AWSRequests, g[0].BytesDownloaded, g[0].EstAWSCostUSD, w[0].BytesDownloaded)
	}
}

// compareResumedTable compares one table of two histories as sorted lists of
// normalised rows, and checks that key is unique in got.
func compareResumedTable[T any](t *testing.T, want, got, table string, key func(T) string) {
	t.Helper()
	wantRows, err := report.ReadTable[T](want, table)
	if err != nil {
		t.Fatal(err)
	}
	gotRows, err := report.ReadTable[T](got, table)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range gotRows {
		if k := key(r); seen[k] {
			t.Errorf("%s: duplicate key %q", table, k)
		} else {
			seen[k] = true
		}
	}
	w, g := normalised(wantRows), normalised(gotRows)
	if len(w) == 0 {
		t.Errorf("%s: the reference scan wrote no rows; the comparison would prove nothing", table)
	}
	if !slices.Equal(w, g) {
		t.Errorf("%s: %d rows after resume, %d in the uninterrupted scan, or they differ", table, len(g), len(w))
		for _, r := range g {
			if !slices.Contains(w, r) {
				t.Errorf("%s: only after resume: %s", table, r)
			}
		}
		for _, r := range w {
			if !slices.Contains(g, r) {
				t.Errorf("%s: only uninterrupted: %s", table, r)
			}
		}
	}
}

// normalised renders rows as sorted JSON with the scan id, every timestamp
// and the scans row's options (its concurrency) left out.
func normalised[T any](rows []T) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		v := reflect.ValueOf(&r).Elem()
		for i := range v.NumField() {
			f := v.Field(i)
			switch {
			case f.Type() == reflect.TypeFor[time.Time]():
				f.Set(reflect.Zero(f.Type()))
			case v.Type().Field(i).Name == "ScanID":
				f.SetString("")
			case slices.Contains([]string{"AWSRequests", "BytesDownloaded", "EstAWSCostUSD"}, v.Type().Field(i).Name):
				// The traffic of an interrupted scan and its resumes is the sum
				// of every part's: more than one uninterrupted run's, by design
				// (checked on its own).
				f.Set(reflect.Zero(f.Type()))
			}
		}
		b, _ := json.Marshal(r)
		out = append(out, string(b))
	}
	slices.Sort(out)
	return out
}
