// Command loadtest measures `cairn scan` on a large S3 estate in moto: it
// starts moto on a free loopback port, seeds N buckets with M small objects
// (logs, CSV and JSON Lines with an occasional synthetic sensitive value),
// runs bin/cairn over them with settings that read every object, and prints
// objects/s, MB/s and the scan process's peak RSS. With -steps it scans at
// several sizes, adding objects between scans, and prints how peak RSS grew.
// It is what `make loadtest` runs; it is not part of `make test`.
//
// The figures include moto: on one machine the emulator serves every
// GetObject from a single Python process, so objects/s is a bound set by
// moto as much as by Cairn. Peak RSS is Cairn's alone.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cairnsec/cairn/cmd/cairn/internal/estate"
	"github.com/cairnsec/cairn/report"
	"github.com/cairnsec/cairn/scanner/mototest"
)

func main() {
	o := options{}
	flag.StringVar(&o.cairn, "cairn", "bin/cairn", "path to the cairn binary")
	flag.IntVar(&o.buckets, "buckets", 200, "buckets to seed")
	flag.IntVar(&o.objects, "objects", 50_000, "objects to seed in all (ignored with -steps)")
	steps := flag.String("steps", "", "comma-separated object totals to scan at in turn, e.g. 10000,50000 (objects are added between scans)")
	flag.IntVar(&o.seedWorkers, "seed-workers", 32, "concurrent PutObject requests while seeding")
	flag.IntVar(&o.concurrency, "concurrency", 16, "cairn scan --concurrency")
	flag.Parse()

	o.steps = []int{o.objects}
	if *steps != "" {
		o.steps = nil
		for _, s := range strings.Split(*steps, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n <= 0 || (len(o.steps) > 0 && n <= o.steps[len(o.steps)-1]) {
				fmt.Fprintf(os.Stderr, "loadtest: -steps %q: want increasing positive object totals\n", *steps)
				os.Exit(2)
			}
			o.steps = append(o.steps, n)
		}
	}
	if o.buckets <= 0 || o.seedWorkers <= 0 || o.concurrency <= 0 {
		fmt.Fprintln(os.Stderr, "loadtest: -buckets, -seed-workers and -concurrency must be positive")
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

type options struct {
	cairn       string
	buckets     int
	objects     int
	steps       []int
	seedWorkers int
	concurrency int
}

// result is one measured scan.
type result struct {
	total     int           // objects in moto
	seedTime  time.Duration // to seed the objects added for this step
	seeded    int           // objects added for this step
	wall      time.Duration
	cpu       time.Duration // the scan process's user + system time
	objects   int64         // objects read (scans.objects)
	skipped   int64
	bytesRead int64
	findings  int64
	maxRSS    int64 // bytes; 0 when unknown
}

func run(o options) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	srv, s3c, cairn, err := estate.Start(ctx, "loadtest", o.cairn, o.seedWorkers)
	if err != nil {
		return err
	}
	defer srv.Stop()

	names := estate.BucketNames(o.buckets)
	t0 := time.Now()
	if err := estate.CreateBuckets(ctx, s3c, names, o.seedWorkers); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "loadtest: created %d buckets in %s\n", len(names), time.Since(t0).Round(time.Millisecond))

	work, err := os.MkdirTemp("", "cairn-loadtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	var results []result
	have := 0
	for i, total := range o.steps {
		t0 := time.Now()
		if err := estate.SeedObjects(ctx, s3c, names, have, total, o.seedWorkers, "loadtest"); err != nil {
			return err
		}
		r := result{total: total, seeded: total - have, seedTime: time.Since(t0)}
		fmt.Fprintf(os.Stderr, "loadtest: seeded %d objects in %s (%.0f objects/s); %d in moto\n",
			r.seeded, r.seedTime.Round(time.Millisecond), float64(r.seeded)/r.seedTime.Seconds(), total)
		have = total

		out := filepath.Join(work, fmt.Sprintf("out-%d", i))
		if err := scan(ctx, cairn, srv.Endpoint, out, total, len(names), o.concurrency, &r); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "loadtest: scanned %d objects (%d skipped), %.1f MB in %s (cairn CPU %s): %.0f objects/s, %.2f MB/s, peak RSS %s\n",
			r.objects, r.skipped, float64(r.bytesRead)/1e6, r.wall.Round(time.Millisecond), r.cpu.Round(time.Millisecond),
			float64(r.objects)/r.wall.Seconds(), float64(r.bytesRead)/1e6/r.wall.Seconds(), mib(r.maxRSS))
		if r.objects+r.skipped != int64(total) {
			return fmt.Errorf("scan at %d objects saw %d objects and %d skipped: not every object was read", total, r.objects, r.skipped)
		}
		results = append(results, r)
	}
	printTable(os.Stdout, o, results)
	return nil
}

// scan runs cairn scan over every object in moto and fills r from its exit
// status, its resource usage and the scans row of its history.
func scan(ctx context.Context, cairn, endpoint, out string, total, buckets, concurrency int, r *result) error {
	perBucket := (total + buckets - 1) / buckets
	args := []string{"scan", "--endpoint-url", endpoint, "--regions", mototest.Region, "--only", "s3",
		"--out", out, "--no-pdf", "--fail-on", "none",
		"--sample-objects", strconv.Itoa(perBucket),
		"--max-keys-listed", strconv.Itoa(2 * perBucket),
		"--concurrency", strconv.Itoa(concurrency),
		"--log-level", "warn"}
	cmd := exec.CommandContext(ctx, cairn, args...)
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	// A fixed key keeps the user's fingerprint key file out of it.
	cmd.Env = append(os.Environ(), "CAIRN_FINGERPRINT_KEY=6c6f6164746573742d6f6e6c792d6b6579")
	fmt.Fprintf(os.Stderr, "loadtest: %s\n", cmd.String())
	t0 := time.Now()
	err := cmd.Run()
	r.wall = time.Since(t0)
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 3) { // 3: some objects unreadable
		return fmt.Errorf("cairn scan: %w\n%s", err, stdout.Bytes())
	}
	r.maxRSS = maxRSS(cmd.ProcessState)
	r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	rows, err := report.ReadTable[report.ScanRow](out, report.TableScans)
	if err != nil {
		return fmt.Errorf("read scans table: %w", err)
	}
	if len(rows) != 1 {
		return fmt.Errorf("read scans table: %d rows, want 1", len(rows))
	}
	r.objects, r.skipped, r.bytesRead, r.findings = rows[0].Objects, rows[0].Skipped, rows[0].BytesRead, rows[0].Findings
	return nil
}

// printTable writes the results, one row per scan, and the growth of peak
// RSS from the first scan to the last.
func printTable(w *os.File, o options, results []result) {
	host, _ := os.Hostname()
	fmt.Fprintf(w, "\nCairn load test: %d buckets, %s, %d cores (%s/%s), %s, scan --concurrency %d, host %s\n",
		o.buckets, time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH,
		runtime.Version(), o.concurrency, host)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "objects\tseeded\tseed s\tscanned\tskipped\tMB read\tfindings\tscan s\tcairn CPU s\tobjects/s\tMB/s\tpeak RSS MiB\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%d\t%d\t%.1f\t%d\t%d\t%.1f\t%d\t%.1f\t%.1f\t%.0f\t%.2f\t%.1f\t\n",
			r.total, r.seeded, r.seedTime.Seconds(), r.objects, r.skipped, float64(r.bytesRead)/1e6, r.findings,
			r.wall.Seconds(), r.cpu.Seconds(), float64(r.objects)/r.wall.Seconds(), float64(r.bytesRead)/1e6/r.wall.Seconds(),
			float64(r.maxRSS)/(1<<20))
	}
	tw.Flush()
	if len(results) > 1 {
		first, last := results[0], results[len(results)-1]
		if first.maxRSS > 0 && last.maxRSS > 0 {
			g := 100 * (float64(last.maxRSS) - float64(first.maxRSS)) / float64(first.maxRSS)
			fmt.Fprintf(w, "peak RSS growth from %d to %d objects: %+.1f%%\n", first.total, last.total, g)
		}
	}
}

func mib(b int64) string {
	if b <= 0 {
		return "unknown"
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}
