// Command benchscan measures what Cairn's classification and bookkeeping cost
// on top of the downloads a scan needs: in one run it seeds moto with a
// company-like S3 estate (internal/estate, as make loadtest does), then
// alternates two sides, each at least three times:
//
//   - cairn: `cairn scan --only s3` end to end (a process: discovery, posture,
//     listing, sampling, classification, Parquet history);
//   - plain: an SDK loop that only downloads the keys and byte ranges Cairn
//     sampled (taken from the first scan's object_results rows: location and
//     bytes_read), with the same concurrency and the same SDK config (retries,
//     attempt timeout) that Cairn's LoadAWSConfig and NewS3Client build.
//
// It prints each run, the median MB/s and objects/s of both sides, and their
// ratio (target: Cairn ≥ 0.8× the plain loop). It is what `make bench-scan`
// runs; it is not part of `make test`. Both sides share the machine with moto,
// a single Python process: on a small machine the ratio also measures how much
// CPU Cairn takes from the emulator.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cairnsec/cairn/cmd/cairn/internal/estate"
	"github.com/cairnsec/cairn/report"
	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// target is the ratio the project aims for (docs/performance.md).
const target = 0.8

func main() {
	o := options{}
	flag.StringVar(&o.cairn, "cairn", "bin/cairn", "path to the cairn binary")
	flag.StringVar(&o.cpuProfiles, "cpuprofile-dir", "", "write a CPU profile of each cairn run into this directory (cairn-<run>.pprof)")
	flag.IntVar(&o.buckets, "buckets", 20, "buckets to seed")
	flag.IntVar(&o.objects, "objects", 4000, "objects to seed in all")
	flag.IntVar(&o.runs, "runs", 3, "runs of each side (at least 3)")
	flag.IntVar(&o.concurrency, "concurrency", 16, "objects read at once, by both sides (cairn scan --concurrency)")
	flag.IntVar(&o.seedWorkers, "seed-workers", 32, "concurrent PutObject requests while seeding")
	flag.Parse()
	if o.buckets <= 0 || o.objects <= 0 || o.concurrency <= 0 || o.seedWorkers <= 0 || o.runs < 3 {
		fmt.Fprintln(os.Stderr, "benchscan: -buckets, -objects, -concurrency, -seed-workers must be positive and -runs at least 3")
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "benchscan:", err)
		os.Exit(1)
	}
}

type options struct {
	cairn                                            string
	buckets, objects, runs, concurrency, seedWorkers int
	cpuProfiles                                      string // directory for a CPU profile of each cairn run; "" for none
}

// measure is one run of one side.
type measure struct {
	side    string // "cairn" or "plain"
	run     int
	wall    time.Duration
	objects int64
	bytes   int64
	cpu     time.Duration // user + system time: of the scan process, or of this process during the plain loop
	// requests is the AWS requests answered, retries included: from the
	// scans row for Cairn, counted by the same middleware for the loop.
	requests int64
}

func (m measure) mbps() float64 { return float64(m.bytes) / 1e6 / m.wall.Seconds() }
func (m measure) ops() float64  { return float64(m.objects) / m.wall.Seconds() }

// sample is one object range Cairn read.
type sample struct {
	bucket, key string
	bytes       int64
}

func run(o options) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	srv, seed, cairn, err := estate.Start(ctx, "benchscan", o.cairn, o.seedWorkers)
	if err != nil {
		return err
	}
	defer srv.Stop()
	names := estate.BucketNames(o.buckets)
	t0 := time.Now()
	if err := estate.CreateBuckets(ctx, seed, names, o.seedWorkers); err != nil {
		return err
	}
	if err := estate.SeedObjects(ctx, seed, names, 0, o.objects, o.seedWorkers, "benchscan"); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "benchscan: seeded %d objects in %d buckets in %s\n", o.objects, len(names), time.Since(t0).Round(time.Millisecond))

	work, err := os.MkdirTemp("", "cairn-benchscan-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	var results []measure
	var samples []sample
	for i := 1; i <= o.runs; i++ {
		// Alternate which side goes first, so neither always meets a warmer
		// (or more tired) moto. The first run is Cairn's: it picks the sample.
		sides := []string{"cairn", "plain"}
		if i%2 == 0 {
			sides = []string{"plain", "cairn"}
		}
		for _, side := range sides {
			var m measure
			switch side {
			case "cairn":
				out := filepath.Join(work, fmt.Sprintf("out-%d", i))
				if m, err = scanSide(ctx, cairn, srv.Endpoint, out, i, o); err != nil {
					return err
				}
				m.run = i
				if samples == nil {
					if samples, err = sampledRanges(out); err != nil {
						return err
					}
					fmt.Fprintf(os.Stderr, "benchscan: cairn sampled %d objects; the plain loop downloads the same ranges\n", len(samples))
				}
			case "plain":
				if samples == nil { // only when run 1 is not Cairn's; kept for safety
					continue
				}
				if m, err = plainSide(ctx, srv.Endpoint, samples, o.concurrency); err != nil {
					return err
				}
				m.run = i
			}
			fmt.Fprintf(os.Stderr, "benchscan: run %d %-5s %d objects, %.2f MB in %s: %.0f objects/s, %.2f MB/s\n",
				i, m.side, m.objects, float64(m.bytes)/1e6, m.wall.Round(time.Millisecond), m.ops(), m.mbps())
			results = append(results, m)
		}
	}
	printResults(os.Stdout, o, results)
	return nil
}

// scanSide runs cairn scan over every object and reads what it did from the
// scans row of its history.
func scanSide(ctx context.Context, cairn, endpoint, out string, run int, o options) (measure, error) {
	perBucket := (o.objects + o.buckets - 1) / o.buckets
	args := []string{"scan", "--endpoint-url", endpoint, "--regions", mototest.Region, "--only", "s3",
		"--out", out, "--no-pdf", "--fail-on", "none",
		"--sample-objects", strconv.Itoa(perBucket),
		"--max-keys-listed", strconv.Itoa(2 * perBucket),
		"--concurrency", strconv.Itoa(o.concurrency),
		"--log-level", "warn"}
	if o.cpuProfiles != "" {
		args = append(args, "--cpuprofile", filepath.Join(o.cpuProfiles, fmt.Sprintf("cairn-%d.pprof", run)))
	}
	cmd := exec.CommandContext(ctx, cairn, args...)
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	cmd.Env = append(os.Environ(), "CAIRN_FINGERPRINT_KEY=62656e63687363616e2d6f6e6c792d6b6579")
	t0 := time.Now()
	err := cmd.Run()
	wall := time.Since(t0)
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 3) {
		return measure{}, fmt.Errorf("cairn scan: %w\n%s", err, stdout.Bytes())
	}
	rows, err := report.ReadTable[report.ScanRow](out, report.TableScans)
	if err != nil || len(rows) != 1 {
		return measure{}, fmt.Errorf("read scans table: %d rows, %v", len(rows), err)
	}
	if rows[0].Skipped > 0 {
		return measure{}, fmt.Errorf("cairn skipped %d objects: the sides would not read the same bytes", rows[0].Skipped)
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return measure{side: "cairn", wall: wall, objects: rows[0].Objects, bytes: rows[0].BytesRead, cpu: cpu, requests: rows[0].AWSRequests}, nil
}

// sampledRanges returns the objects a scan read and how many bytes of each,
// from its object_results rows. Every object of the estate is read from its
// first byte, in one ranged GET of at most --sample-bytes.
func sampledRanges(out string) ([]sample, error) {
	rows, err := report.ReadTable[report.ObjectResultRow](out, report.TableObjectResults)
	if err != nil {
		return nil, fmt.Errorf("read object_results: %w", err)
	}
	return samplesOf(rows)
}

// samplesOf turns object_results rows into the ranges to download.
func samplesOf(rows []report.ObjectResultRow) ([]sample, error) {
	var out []sample
	seen := map[string]bool{}
	for _, r := range rows {
		if r.BytesRead <= 0 || r.Status == scanner.StatusSkipped {
			continue
		}
		bucket, ok := strings.CutPrefix(r.AssetARN, "arn:aws:s3:::")
		if !ok || bucket == "" {
			return nil, fmt.Errorf("object_results: %q is not an S3 bucket ARN", r.AssetARN)
		}
		key, _, _ := strings.Cut(r.Location, "!") // an archive member is read from its archive
		if seen[bucket+"/"+key] {
			continue
		}
		seen[bucket+"/"+key] = true
		out = append(out, sample{bucket: bucket, key: key, bytes: r.BytesRead})
	}
	if len(out) == 0 {
		return nil, errors.New("object_results: no object was read")
	}
	return out, nil
}

// plainSide downloads samples with concurrency goroutines through a client
// built like Cairn's (scanner.LoadAWSConfig, scanner.NewS3Client: the same
// retries, attempt timeout, path-style endpoint), new for each run.
func plainSide(ctx context.Context, endpoint string, samples []sample, concurrency int) (measure, error) {
	requests := &scanner.RequestCounter{}
	ao := scanner.AWSOptions{EndpointURL: endpoint, Region: mototest.Region, Requests: requests}
	t0, cpu0 := time.Now(), selfCPU()
	cfg, err := scanner.LoadAWSConfig(ctx, ao)
	if err != nil {
		return measure{}, err
	}
	client := scanner.NewS3Client(cfg, ao)
	var total atomic.Int64
	err = estate.Parallel(ctx, len(samples), concurrency, func(ctx context.Context, i int) error {
		s := samples[i]
		out, err := client.GetObject(ctx, &s3.GetObjectInput{
			Bucket: aws.String(s.bucket), Key: aws.String(s.key),
			Range: aws.String(fmt.Sprintf("bytes=0-%d", s.bytes-1)),
		})
		if err != nil {
			return fmt.Errorf("get s3://%s/%s: %w", s.bucket, s.key, err)
		}
		n, err := io.Copy(io.Discard, out.Body)
		out.Body.Close()
		if err != nil {
			return fmt.Errorf("read s3://%s/%s: %w", s.bucket, s.key, err)
		}
		if n != s.bytes {
			return fmt.Errorf("s3://%s/%s: read %d bytes, cairn read %d", s.bucket, s.key, n, s.bytes)
		}
		total.Add(n)
		return nil
	})
	if err != nil {
		return measure{}, err
	}
	wall, cpu := time.Since(t0), selfCPU()-cpu0
	var n int64
	for _, c := range requests.Counts() {
		n += c.Requests
	}
	return measure{side: "plain", wall: wall, objects: int64(len(samples)), bytes: total.Load(), cpu: cpu, requests: n}, nil
}

// median returns the median of v (the mean of the middle two for even n).
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func printResults(w io.Writer, o options, results []measure) {
	host, _ := os.Hostname()
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(w, "\nCairn bench-scan: %d objects in %d buckets, concurrency %d, %d runs per side; %s, %d cores (%s/%s), %s, host %s, load %s\n",
		o.objects, o.buckets, o.concurrency, o.runs, time.Now().UTC().Format("2006-01-02 15:04 MST"),
		runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), host, strings.Join(strings.Fields(string(load))[:min(3, len(strings.Fields(string(load))))], " "))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "run\tside\tobjects\tMB\ts\tobjects/s\tMB/s\tCPU s\trequests\t")
	mb := map[string][]float64{}
	ops := map[string][]float64{}
	cpus := map[string][]float64{}
	for _, m := range results {
		cpu := "-"
		if m.cpu > 0 {
			cpu = fmt.Sprintf("%.2f", m.cpu.Seconds())
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%.2f\t%.2f\t%.0f\t%.2f\t%s\t%d\t\n", m.run, m.side, m.objects, float64(m.bytes)/1e6, m.wall.Seconds(), m.ops(), m.mbps(), cpu, m.requests)
		mb[m.side] = append(mb[m.side], m.mbps())
		ops[m.side] = append(ops[m.side], m.ops())
		cpus[m.side] = append(cpus[m.side], m.cpu.Seconds())
	}
	tw.Flush()
	fmt.Fprintf(w, "median: cairn %.2f MB/s, %.0f objects/s, %.2f CPU-s; plain download loop %.2f MB/s, %.0f objects/s, %.2f CPU-s\n",
		median(mb["cairn"]), median(ops["cairn"]), median(cpus["cairn"]), median(mb["plain"]), median(ops["plain"]), median(cpus["plain"]))
	ratio := 0.0
	if p := median(mb["plain"]); p > 0 {
		ratio = median(mb["cairn"]) / p
	}
	verdict := "meets"
	if ratio < target {
		verdict = "BELOW"
	}
	fmt.Fprintf(w, "ratio cairn/plain (median MB/s): %.2f, %s the %.1f target\n", ratio, verdict, target)
}
