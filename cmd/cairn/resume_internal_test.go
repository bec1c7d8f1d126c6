package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/cairnsec/cairn/configchecks"
	"github.com/cairnsec/cairn/report"
	"github.com/cairnsec/cairn/scanner"
)

// controlsOnly records the control results written to it; other writes
// fail (the embedded zero HistoryWriter has no table open).
type controlsOnly struct {
	rows []report.ControlResultRow
	report.HistoryWriter
}

func (c *controlsOnly) WriteControlResult(r report.ControlResultRow) error {
	c.rows = append(c.rows, r)
	return nil
}

// TestRunChecksInterruptedWritesNothing: checks cancelled by a signal
// before the account state is collected write no control result and say
// they were interrupted, so a resumed scan runs them instead of keeping
// ERROR rows that only the interruption caused.
func TestRunChecksInterruptedWritesNothing(t *testing.T) {
	parent, cancel := context.WithCancelCause(context.Background())
	cancel(errInterrupted)
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint: aws.String("http://127.0.0.1:9")}
	w := &controlsOnly{}
	out := runChecks(parent, cfg, scanner.AWSOptions{EndpointURL: "http://127.0.0.1:9"}, []string{"us-east-1"}, w, "s1",
		configchecks.DataScan{}, report.NewExposureJoin(), nil, slog.New(slog.DiscardHandler))
	if !out.interrupted || len(w.rows) != 0 || out.unread != 0 {
		t.Errorf("interrupted checks: %+v, %d rows written; want interrupted, nothing written, nothing counted unread", out, len(w.rows))
	}
	if !interrupted(parent) {
		t.Error("interrupted() does not recognise a signal's cancellation")
	}
}

// TestSecondSignalExitsAtOnce: the first SIGINT cancels the context with
// an interrupted cause and leaves the process running; the second exits it
// with exitAbandoned and says so on stderr.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	exited := make(chan int, 1)
	osExit = func(code int) { exited <- code }
	defer func() { osExit = os.Exit }()
	var stderr syncBuffer
	ctx, stop := notifyInterrupt(context.Background(), &stderr)
	defer stop()

	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the first SIGINT did not cancel the context")
	}
	if !interrupted(ctx) {
		t.Errorf("cause %v, want errInterrupted", context.Cause(ctx))
	}
	select {
	case code := <-exited:
		t.Fatalf("the first SIGINT exited the process (%d)", code)
	case <-time.After(100 * time.Millisecond):
	}

	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-exited:
		if code != exitAbandoned {
			t.Errorf("exit code %d, want %d", code, exitAbandoned)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the second signal did not exit")
	}
	if !strings.Contains(stderr.String(), "stopping now") {
		t.Errorf("stderr = %q", stderr.String())
	}
}

// syncBuffer is a bytes.Buffer safe for the signal goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
