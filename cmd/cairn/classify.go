package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/sourcegraph/conc/panics"
	"github.com/spf13/cobra"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner"
)

// classifySettings are the options of `cairn classify`.
type classifySettings struct {
	Format      string // table or jsonl
	Workers     int
	MaxBytes    int64
	FailOn      string
	Config      string
	MaxExamples int
	CPUProfile  string // hidden: write a CPU profile of the run here
}

func newClassifyCmd() *cobra.Command {
	s := classifySettings{}
	cmd := &cobra.Command{
		Use:   "classify PATH...|-",
		Short: "Classify local files, directories or stdin with the same readers and engine as scan",
		Long: `classify runs Cairn's readers and classification engine on local files, directories
(walked recursively, symlinks not followed) or standard input ("-"), and prints findings as a
table or as JSON Lines. Values are shown only in redacted form. Use it in pipelines, or to
compare Cairn's engine with other scanners on identical input.`,
		Example: `  cairn classify ./exports
  cat dump.csv | cairn classify --format jsonl -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if s.Format != "table" && s.Format != "jsonl" {
				return usageErr("--format: want table or jsonl, got %q", s.Format)
			}
			if _, err := failRank(s.FailOn); err != nil {
				return usageErr("%w", err)
			}
			if s.Workers <= 0 {
				s.Workers = runtime.GOMAXPROCS(0)
			}
			if cmd.Flags().Changed("fingerprint-key-file") {
				fmt.Fprintln(cmd.ErrOrStderr(), "cairn classify: --fingerprint-key-file is ignored: classify prints no fingerprints")
			}
			if s.CPUProfile != "" {
				stop, err := startCPUProfile(s.CPUProfile)
				if err != nil {
					return usageErr("--cpuprofile: %w", err)
				}
				defer stop()
			}
			return runClassify(cmd.Context(), s, args, cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&s.Format, "format", "table", "output format: table or jsonl")
	f.IntVar(&s.Workers, "workers", 0, "files classified at once (default: number of CPUs)")
	f.Int64Var(&s.MaxBytes, "max-bytes", 0, "bytes read per file (0 = whole file)")
	f.StringVar(&s.FailOn, "fail-on", "low", "exit 1 when a finding of at least this confidence exists: low, medium, high, none")
	// Accepted from earlier versions, which read (or created) the key, with
	// a notice on stderr (cobra's deprecation notice goes to stdout, into
	// the JSON Lines).
	f.String("fingerprint-key-file", "", "ignored: cairn classify prints no fingerprints")
	_ = f.MarkHidden("fingerprint-key-file")
	f.StringVar(&s.Config, "config", "", "YAML config file (custom identifiers and allow lists)")
	f.IntVar(&s.MaxExamples, "max-examples", 3, "redacted examples kept per finding")
	f.StringVar(&s.CPUProfile, "cpuprofile", "", "write a CPU profile (pprof) of the run to this file")
	_ = f.MarkHidden("cpuprofile")
	return cmd
}

// startCPUProfile starts a CPU profile written to path; stop ends it and
// closes the file. For measuring the whole command (docs/performance.md).
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// classifyRecord is one output line: an identifier found in one file.
type classifyRecord struct {
	Identifier string   `json:"identifier"`
	Category   string   `json:"category"`
	File       string   `json:"file"`
	Location   string   `json:"location"`
	Field      string   `json:"field,omitempty"`
	Count      int64    `json:"count"`
	Confidence string   `json:"confidence"`
	Examples   []string `json:"redacted_examples"`
}

// fileOutcome is what classifying one file produced.
type fileOutcome struct {
	file     string
	format   string
	status   string
	reason   string
	bytes    int64
	findings []scanner.Finding
}

func runClassify(ctx context.Context, s classifySettings, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	prog := newProgress(stderr)
	prog.line = classifyStatus
	log := slog.New(slog.NewTextHandler(prog.logWriter(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	// The output has no fingerprints (NoFingerprints below), so the
	// engine's key is never used: a random one, rather than reading the
	// installation's key file, or creating it as a side effect.
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	var err error
	var fc fileConfig
	if s.Config != "" {
		if fc, err = loadFileConfig(s.Config); err != nil {
			return usageErr("%w", err)
		}
	}
	engine, err := classifiers.NewEngine(fc.engineOptions(key))
	if err != nil {
		return usageErr("config: %w", err)
	}
	// The output has no fingerprints: do not compute them.
	lim := scanner.FileLimits{MaxBytes: s.MaxBytes, MaxExamples: s.MaxExamples, NoFingerprints: true}

	began := time.Now()
	// A live status line on a terminal's stderr, unless JSON Lines stream
	// to the same terminal: they show the progress themselves, and the
	// status line would break them up. A table is printed at the end,
	// once the status line is gone.
	if s.Format == "table" || !isTerminal(stdout) {
		prog.start()
		defer prog.stop()
	}
	outcomes := make(chan fileOutcome, 64)
	printed := make(chan classifySummary, 1)
	go func() { printed <- printClassify(stdout, s.Format, outcomes, prog) }()

	// The walk runs ahead of the workers through a buffered queue: handing
	// each file to a pool worker directly left the worker waiting for the
	// walking goroutine to be scheduled, file after file (4% of the
	// workers' time on a directory of small files).
	// A panic is caught per file, so that the workers keep draining the
	// queue, and raised again once all are done.
	queue := make(chan string, 1024) // file paths; "" is stdin
	var wg sync.WaitGroup
	var caught panics.Catcher
	for range s.Workers {
		wg.Go(func() {
			for path := range queue {
				if ctx.Err() != nil {
					continue // interrupted: start no file the walk queued
				}
				caught.Try(func() { outcomes <- classifyPath(ctx, engine, path, stdin, lim) })
			}
		})
	}
	var walkErr error
	for _, arg := range args {
		if arg == "-" {
			queue <- ""
			continue
		}
		err := filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err != nil {
				// An unreadable directory or file is reported, never skipped silently.
				outcomes <- fileOutcome{file: path, status: scanner.StatusSkipped, reason: fileReason(err)}
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				queue <- path
			}
			return nil
		})
		if err != nil && walkErr == nil {
			walkErr = err
		}
	}
	close(queue)
	wg.Wait()
	prog.stop() // before the table, which printClassify writes once outcomes closes
	close(outcomes)
	caught.Repanic()
	sum := <-printed
	elapsed := time.Since(began)
	log.Debug("classify done", "files", sum.files, "bytes", sum.bytes, "elapsed", elapsed)
	if isTerminal(stderr) || s.Format == "table" {
		fmt.Fprintf(stderr, "classified %d files, %s in %s (%.1f MB/s); %d findings; %d not fully read\n",
			sum.files, humanBytes(sum.bytes), elapsed.Round(time.Millisecond),
			float64(sum.bytes)/1e6/elapsed.Seconds(), sum.findings, sum.unread)
	}
	if walkErr != nil {
		return &exitError{code: exitIncomplete, err: fmt.Errorf("classify: %w", walkErr)}
	}
	if sum.unread > 0 {
		return &exitError{code: exitIncomplete}
	}
	rank, _ := failRank(s.FailOn)
	if rank > 0 && sum.maxConfidence >= rank {
		return &exitError{code: exitFindings}
	}
	return nil
}

// classifyPath classifies the file at path, or stdin for "" (named "-").
func classifyPath(ctx context.Context, engine *classifiers.Engine, path string, stdin io.Reader, lim scanner.FileLimits) fileOutcome {
	if path == "" {
		return classifyOne(ctx, engine, "-", stdin, lim)
	}
	f, err := openRegular(path)
	if err != nil {
		return fileOutcome{file: path, status: scanner.StatusSkipped, reason: fileReason(err)}
	}
	defer f.Close()
	return classifyOne(ctx, engine, path, f, lim)
}

// classifyOne reads and classifies one file or stream.
func classifyOne(ctx context.Context, engine *classifiers.Engine, name string, r io.Reader, lim scanner.FileLimits) fileOutcome {
	res, findings := scanner.ClassifyStream(ctx, engine, name, r, lim)
	return fileOutcome{file: name, format: res.Format, status: res.Status, reason: res.Reason, bytes: res.BytesRead, findings: findings}
}

func fileReason(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return scanner.ReasonPermissionDenied
	case errors.Is(err, fs.ErrNotExist):
		return scanner.ReasonObjectUnavailable
	}
	return scanner.ReasonReadError
}

// classifySummary counts what printClassify saw.
type classifySummary struct {
	files, findings, unread int64
	bytes                   int64
	maxConfidence           int
}

// printClassify consumes outcomes (the single collector) and prints them:
// JSON Lines as they arrive, or a table sorted by file at the end. Lines
// are buffered and written whenever no outcome is waiting, so a pipeline
// still sees each file's findings as soon as it is done, without a write
// per line.
func printClassify(out io.Writer, format string, outcomes <-chan fileOutcome, prog *progress) classifySummary {
	var sum classifySummary
	var table []classifyRecord
	var unread []fileOutcome
	w := bufio.NewWriterSize(out, 64<<10)
	defer w.Flush()
	enc := json.NewEncoder(w)
	for o := range outcomes {
		sum.files++
		sum.bytes += o.bytes
		prog.objectDone(o.bytes)
		prog.finding(int64(len(o.findings)))
		if o.status == scanner.StatusSkipped && o.reason != scanner.ReasonUnsupportedFileType {
			sum.unread++
			unread = append(unread, o)
		}
		for _, f := range o.findings {
			sum.findings++
			if r := classifiers.Confidence(f.Confidence).Rank(); r > sum.maxConfidence {
				sum.maxConfidence = r
			}
			rec := classifyRecord{
				Identifier: f.Identifier, Category: f.Category, File: o.file, Location: f.Location,
				Field: f.Field, Count: f.Count, Confidence: f.Confidence, Examples: f.RedactedExamples,
			}
			if format == "jsonl" {
				_ = enc.Encode(rec)
			} else {
				table = append(table, rec)
			}
		}
		if format == "jsonl" && o.status == scanner.StatusSkipped {
			_ = enc.Encode(map[string]string{"file": o.file, "status": o.status, "reason": o.reason, "format": o.format})
		}
		if len(outcomes) == 0 {
			_ = w.Flush() // nothing waiting: write what this file gave
		}
	}
	if format == "table" {
		sort.Slice(table, func(i, j int) bool {
			if table[i].File != table[j].File {
				return table[i].File < table[j].File
			}
			if table[i].Location != table[j].Location {
				return table[i].Location < table[j].Location
			}
			return table[i].Identifier < table[j].Identifier
		})
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "IDENTIFIER\tFILE\tLOCATION\tCOUNT\tCONFIDENCE\tEXAMPLE")
		for _, r := range table {
			loc := r.Location
			if r.Field != "" {
				loc += " [" + r.Field + "]"
			}
			ex := ""
			if len(r.Examples) > 0 {
				ex = r.Examples[0]
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", r.Identifier, r.File, loc, r.Count, r.Confidence, ex)
		}
		tw.Flush()
		sort.Slice(unread, func(i, j int) bool { return unread[i].file < unread[j].file })
		for _, o := range unread {
			fmt.Fprintf(w, "not read: %s (%s)\n", o.file, strings.ToLower(o.reason))
		}
	}
	return sum
}

// classifyStatus is classify's status line.
func classifyStatus(p *progress) string {
	elapsed := time.Since(p.began)
	bytes := p.bytes.Load()
	return fmt.Sprintf("classifying: %d files read (%s, %.1f MB/s), %d findings, %s",
		p.objects.Load(), humanBytes(bytes), float64(bytes)/1e6/max(elapsed.Seconds(), 1e-3),
		p.matches.Load(), elapsed.Round(time.Second))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && newProgress(f).tty
}
