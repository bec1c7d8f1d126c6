// Command cairn finds sensitive data in AWS, records whether each store is
// encrypted and exposed, and writes a Parquet history and PDF evidence.
//
// Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or
// configuration error, 3 scan incomplete (some targets could not be read, or
// the scan was interrupted by SIGINT or SIGTERM and can be resumed with
// cairn scan --resume), 130 a second signal stopped the process at once.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	// Compiles the identifier table while the other packages initialise.
	_ "github.com/cairnsec/cairn/cmd/cairn/internal/precompile"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// Exit codes, part of the public contract (DESIGN.md).
const (
	exitClean      = 0
	exitFindings   = 1
	exitUsage      = 2
	exitIncomplete = 3
)

// exitError carries an exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErr marks err as a usage or configuration error (exit 2).
func usageErr(format string, a ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, a...)}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the CLI with the given output streams and returns the
// process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := notifyInterrupt(context.Background(), stderr)
	defer stop()
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitClean
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "cairn:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "cairn:", err)
	// Cobra's own flag and argument errors are usage errors.
	return exitUsage
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "cairn",
		Short:         "Find sensitive data in AWS and prove it is protected",
		Long:          "Cairn samples S3 objects, classifies what it reads, records each store's encryption and\nexposure, and writes a Parquet history and PDF evidence for auditors. It never changes the\naccount it scans.",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr("%w", err) })
	root.AddCommand(newScanCmd(), newPlanCmd(), newClassifyCmd(), newReportCmd(), newVerifyCmd(), newAthenaDDLCmd())
	return root
}
