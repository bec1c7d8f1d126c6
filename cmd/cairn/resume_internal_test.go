package main

import (
	"context"
	"log/slog"
	"testing"

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
		configchecks.DataScan{}, report.NewExposureJoin(), slog.New(slog.DiscardHandler))
	if !out.interrupted || len(w.rows) != 0 || out.unread != 0 {
		t.Errorf("interrupted checks: %+v, %d rows written; want interrupted, nothing written, nothing counted unread", out, len(w.rows))
	}
	if !interrupted(parent) {
		t.Error("interrupted() does not recognise a signal's cancellation")
	}
}
