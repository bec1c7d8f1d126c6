package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// exitAbandoned is the exit code after a second SIGINT or SIGTERM: the
// process stops at once and nothing of the interrupted run is kept (128 +
// SIGINT, as shells report a process killed by Ctrl-C).
const exitAbandoned = 130

// errInterrupted is the cause of a context cancelled by the first SIGINT or
// SIGTERM.
var errInterrupted = errors.New("interrupted")

// osExit is os.Exit; tests replace it.
var osExit = os.Exit

// notifyInterrupt returns a context that the first SIGINT or SIGTERM
// cancels, with a cause wrapping errInterrupted: commands stop starting new
// work, let in-flight items finish or abandon them, and write what is
// complete. A second signal prints a line to stderr and exits the process
// with exitAbandoned. stop unregisters the signals.
func notifyInterrupt(parent context.Context, stderr io.Writer) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			cancel(fmt.Errorf("%w by %s", errInterrupted, sig))
		case <-done:
			return
		}
		select {
		case sig := <-sigs:
			fmt.Fprintf(stderr, "cairn: %s again: stopping now; nothing of this run is kept\n", sig)
			osExit(exitAbandoned)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}

// interrupted reports whether ctx was cancelled by a signal.
func interrupted(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), errInterrupted)
}
