package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cairnsec/cairn/report"
	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/mototest"
)

func TestParseS3Location(t *testing.T) {
	for raw, want := range map[string]s3Location{
		"s3://b":             {bucket: "b"},
		"s3://b/":            {bucket: "b"},
		"s3://b/team/cairn/": {bucket: "b", prefix: "team/cairn"},
	} {
		if got, err := parseS3Location(raw); err != nil || got != want {
			t.Errorf("parseS3Location(%q) = %+v, %v; want %+v", raw, got, err, want)
		}
	}
	for _, raw := range []string{"s3://", "s3:///p", "s3://b/a//c", "s3://b/../x", "/tmp/x"} {
		if _, err := parseS3Location(raw); err == nil {
			t.Errorf("parseS3Location(%q) accepted", raw)
		}
	}
}

// TestScanHistoryToS3 scans a one-bucket account in moto twice with
// --out s3://…/prefix and reads the uploaded dataset back.
func TestScanHistoryToS3(t *testing.T) {
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	c := mototest.SeedS3Client(cfg)
	for _, b := range []string{"data", "cairn-history"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("data"), Key: aws.String("contacts.csv"),
		Body: strings.NewReader("name,email\nAda,ada@example.org\nBob,bob@example.net\n"),
	}); err != nil {
		t.Fatal(err)
	}
	t.Setenv(fingerprintKeyEnv, hex.EncodeToString(bytes.Repeat([]byte{7}, 32)))
	scan := func(out string) (int, string) {
		var stdout, stderr bytes.Buffer
		code := run([]string{"scan", "--endpoint-url", srv.Endpoint, "--regions", "us-east-1", "--only", "s3",
			"--buckets", "data", "--out", out}, &stdout, &stderr)
		return code, stdout.String() + stderr.String()
	}

	const prefix = "team/cairn"
	for i := range 2 {
		if code, out := scan("s3://cairn-history/" + prefix + "/"); code != exitClean && code != exitFindings {
			t.Fatalf("scan %d: exit %d\n%s", i, code, out)
		}
	}

	keys := listKeys(t, c, "cairn-history", prefix+"/")
	layout := regexp.MustCompile(`^team/cairn/(scans|assets|object_results|findings|control_results|exposures)/dt=\d{4}-\d{2}-\d{2}/(\d{8}T\d{6}Z-[0-9a-f]{8})\.parquet$|^team/cairn/reports/(\d{8}T\d{6}Z-[0-9a-f]{8})\.pdf(?:\.evidence\.json)?$`)
	perScan := map[string]int{}
	for _, k := range keys {
		m := layout.FindStringSubmatch(k)
		if m == nil {
			t.Errorf("object %q does not follow the dataset layout", k)
			continue
		}
		perScan[m[2]+m[3]]++
	}
	if len(perScan) != 2 {
		t.Fatalf("objects of %d scans, want 2: %q", len(perScan), keys)
	}
	for id, n := range perScan {
		if n != len(report.Tables())+2 {
			t.Errorf("scan %s: %d objects, want one per table, the PDF and its manifest", id, n)
		}
	}

	// Each scan's PDF manifest was uploaded with it: verify finds both
	// under <prefix>/reports/ and rechecks them in S3.
	var vo, ve bytes.Buffer
	if code := run([]string{"verify", "--endpoint-url", srv.Endpoint, "--history", "s3://cairn-history/" + prefix}, &vo, &ve); code != exitClean ||
		!strings.Contains(vo.String(), "of 2 manifests") {
		t.Errorf("verify after scanning to S3: exit %d\n%s%s", code, vo.String(), ve.String())
	}

	// The dataset downloaded as is reads like a local history.
	dir := t.TempDir()
	for _, k := range keys {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("cairn-history"), Key: aws.String(k)})
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(k, prefix+"/")))
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		data, err := io.ReadAll(out.Body)
		out.Body.Close()
		must(t, err)
		must(t, os.WriteFile(p, data, 0o644))
	}
	scans, err := report.ReadTable[report.ScanRow](dir, report.TableScans)
	if err != nil || len(scans) != 2 {
		t.Fatalf("scans = %d rows, %v; want 2", len(scans), err)
	}
	exposures, err := report.ReadTable[report.ExposureRow](dir, report.TableExposures)
	if err != nil || len(exposures) != 2 || exposures[0].Name != "data" || !slices.Contains(exposures[0].DataClasses, "EMAIL_ADDRESS") {
		t.Fatalf("exposures = %+v, %v; want the data bucket once per scan", exposures, err)
	}

	// A retried upload of the same scan rewrites the same keys: no new
	// object, so no duplicate row.
	out, err := scanner.NewS3Output(ctx, scanner.AWSOptions{EndpointURL: srv.Endpoint}, "cairn-history")
	if err != nil {
		t.Fatal(err)
	}
	files, err := report.TableFiles(dir, report.TableScans)
	must(t, err)
	loc := s3Location{bucket: "cairn-history", prefix: prefix}
	for range 2 {
		if _, err := uploadHistory(ctx, out, loc, dir, files, ""); err != nil {
			t.Fatal(err)
		}
	}
	if again := listKeys(t, c, "cairn-history", prefix+"/"); !slices.Equal(again, keys) {
		t.Errorf("after re-uploading: %d objects, want the same %d", len(again), len(keys))
	}

	// An output bucket that cannot be reached is a usage error before any
	// scanning.
	if code, out := scan("s3://no-such-bucket/x"); code != exitUsage || !strings.Contains(out, "no-such-bucket") {
		t.Errorf("missing output bucket: exit %d\n%s", code, out)
	}
}

// TestOutputClientIsOutsideTheGuard checks that the output client may write
// while a scanning client built from the same options may not.
func TestOutputClientIsOutsideTheGuard(t *testing.T) {
	mototest.SetTestCredentials(t)
	srv := mototest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg, err := srv.Config(ctx)
	must(t, err)
	if _, err := mototest.SeedS3Client(cfg).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("out")}); err != nil {
		t.Fatal(err)
	}
	ao := scanner.AWSOptions{EndpointURL: srv.Endpoint}
	f := filepath.Join(t.TempDir(), "x.parquet")
	must(t, os.WriteFile(f, []byte("PAR1"), 0o644))
	out, err := scanner.NewS3Output(ctx, ao, "out")
	must(t, err)
	if err := out.PutFile(ctx, "x.parquet", f, "application/vnd.apache.parquet"); err != nil {
		t.Fatalf("output client: %v", err)
	}
	guarded, err := scanner.LoadAWSConfig(ctx, ao)
	must(t, err)
	_, err = scanner.NewS3Client(guarded, ao).PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("out"), Key: aws.String("y"), Body: strings.NewReader("y"),
	})
	if !errors.Is(err, scanner.ErrNotReadOnly) {
		t.Fatalf("scanning client PutObject: %v, want ErrNotReadOnly", err)
	}
}

func listKeys(t *testing.T, c *s3.Client, bucket, prefix string) []string {
	t.Helper()
	var keys []string
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	slices.Sort(keys)
	return keys
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestAthenaDDLCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"athena-ddl", "--location", "s3://audit/cairn/"}, &stdout, &stderr); code != exitClean {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, table := range report.Tables() {
		if !strings.Contains(stdout.String(), "CREATE EXTERNAL TABLE IF NOT EXISTS `cairn`.`"+table+"`") ||
			!strings.Contains(stdout.String(), "LOCATION 's3://audit/cairn/"+table+"/'") {
			t.Errorf("no statement for %s", table)
		}
	}
	for _, args := range [][]string{{"athena-ddl"}, {"athena-ddl", "--location", "./local"}, {"athena-ddl", "--location", "s3://b", "--database", "Bad-Name"}} {
		stdout.Reset()
		if code := run(args, &stdout, &stderr); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
}
