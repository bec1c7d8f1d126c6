// Command demo runs Cairn against a fictional AWS account in moto: it starts
// moto on a free loopback port, seeds the account (see package fixture),
// scans it on a simulated first day, makes the app-logs bucket (which holds a
// leaked AWS key) public, scans again a simulated day later, writes the
// window report of the two days, verifies its evidence and stops moto. It is
// what `make demo` runs.
//
// moto does not emulate SSE-C, so the demo puts a small proxy in front of it
// that answers GET/HEAD of SSE-C objects the way real S3 does (HTTP 400
// without the customer key). Everything else is moto's own behaviour.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cairnsec/cairn/cmd/cairn/internal/fixture"
	"github.com/cairnsec/cairn/scanner/dbtest"
	"github.com/cairnsec/cairn/scanner/mototest"
)

func main() {
	cairn := flag.String("cairn", "bin/cairn", "path to the cairn binary")
	out := flag.String("out", "./cairn-out", "history directory for the scan")
	flag.Parse()
	if err := run(*cairn, *out); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(cairn, out string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	fmt.Fprintln(os.Stderr, "demo: starting moto on a free loopback port")
	srv, err := mototest.StartServer(ctx)
	if err != nil {
		return err
	}
	defer srv.Stop()
	proxy := mototest.NewSSECProxy(srv.Endpoint)
	proxyURL, err := proxy.Start()
	if err != nil {
		return err
	}
	defer proxy.Close()

	cfg, err := srv.Config(ctx)
	if err != nil {
		return err
	}
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(proxyURL)
		o.UsePathStyle = true
	})
	fmt.Fprintln(os.Stderr, "demo: seeding the fictional account of Acme Widgets")
	if _, err := fixture.Seed(ctx, s3c, kms.NewFromConfig(cfg)); err != nil {
		return err
	}

	args := []string{"scan", "--endpoint-url", proxyURL, "--regions", "us-east-1", "--out", out}
	pg, err := dbtest.StartPostgres(ctx)
	switch {
	case errors.Is(err, dbtest.ErrNotInstalled):
		fmt.Fprintln(os.Stderr, "demo: PostgreSQL is not installed; the demo account has no database")
	case err != nil:
		return err
	default:
		defer pg.Stop()
		fmt.Fprintln(os.Stderr, "demo: seeding a PostgreSQL database (RDS instance "+fixture.ShopDB+") and a DynamoDB table")
		yml, err := fixture.SeedDatabases(ctx, cfg, pg)
		if err != nil {
			return err
		}
		confDir, err := os.MkdirTemp("", "cairn-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(confDir)
		conf := filepath.Join(confDir, "cairn.yaml")
		if err := os.WriteFile(conf, []byte(yml), 0o600); err != nil {
			return err
		}
		args = append(args, "--config", conf)
	}

	if err := os.RemoveAll(out); err != nil {
		return err
	}
	env := append(os.Environ(),
		"AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PROFILE=",
	)
	// Two scans a simulated day apart (--now sets the scan clock).
	if err := cairnRun(ctx, cairn, env, true, slices.Concat(args, []string{"--now", day1 + "T09:00:00Z"})...); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "demo: a day later, someone makes bucket %s public\n", fixture.AppLogs)
	if err := fixture.MakePublic(ctx, s3c, fixture.AppLogs); err != nil {
		return err
	}
	if err := cairnRun(ctx, cairn, env, true, slices.Concat(args, []string{"--now", day2 + "T09:00:00Z"})...); err != nil {
		return err
	}
	window := filepath.Join(out, "reports", "window-"+day1+"_"+day2+".pdf")
	if err := cairnRun(ctx, cairn, env, false, "report", "--history", out, "--from", day1, "--to", day2,
		"--org", "Acme Widgets", "--out", window); err != nil {
		return err
	}
	if err := cairnRun(ctx, cairn, env, false, "verify", "--history", out); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "demo: window report %s: %s turning public shows as an exception on %s\n", window, fixture.AppLogs, day2)
	fmt.Fprintf(os.Stderr, "demo: done. Parquet history under %s/, PDFs and evidence manifests under %s/reports/\n", out, out)
	return nil
}

// The simulated scan days.
const (
	day1 = "2026-11-24"
	day2 = "2026-11-25"
)

// cairnRun runs the cairn binary. For a scan (isScan), exits 1 (findings)
// and 3 (some objects unreadable) are what the demo account is built to
// give; any other non-zero exit is an error.
func cairnRun(ctx context.Context, cairn string, env []string, isScan bool, args ...string) error {
	cmd := exec.CommandContext(ctx, cairn, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = env
	fmt.Fprintf(os.Stderr, "demo: %s\n", cmd.String())
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return nil
	case isScan && errors.As(err, &ee) && (ee.ExitCode() == 1 || ee.ExitCode() == 3):
		fmt.Fprintf(os.Stderr, "demo: cairn exited %d as expected for this account (1 = findings, 3 = some objects unreadable)\n", ee.ExitCode())
		return nil
	}
	return fmt.Errorf("cairn %s: %w", args[0], err)
}
