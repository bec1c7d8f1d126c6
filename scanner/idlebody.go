package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"time"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// DefaultReadIdleTimeout is AWSOptions.ReadIdleTimeout's default. The
// attempt timeout covers only the wait for the response headers: a body
// that stops mid-stream would otherwise hold its object until the object's
// 60 s timeout, and end in TIMEOUT with no refetch.
const DefaultReadIdleTimeout = 20 * time.Second

// ErrReadIdle is the error (errors.Is) of a response body read that made no
// progress for AWSOptions.ReadIdleTimeout. It is a timeout (net.Error):
// getRange fetches such a body again like a truncated one, and an object
// whose every attempt stalls is recorded with reason TIMEOUT.
var ErrReadIdle = errors.New("scanner: response body idle")

// readIdleError is ErrReadIdle with the timeout that expired.
type readIdleError struct{ after time.Duration }

var _ net.Error = readIdleError{}

func (e readIdleError) Error() string {
	return fmt.Sprintf("%v: no data for %v", ErrReadIdle, e.after)
}
func (readIdleError) Timeout() bool        { return true }
func (readIdleError) Temporary() bool      { return true }
func (readIdleError) Is(target error) bool { return target == ErrReadIdle }

// idleBody fails a Read that waits longer than timeout for data: it closes
// the underlying body, which ends the blocked Read, and reports
// readIdleError instead of the close's error.
type idleBody struct {
	rc      io.ReadCloser
	timeout time.Duration
	timer   *time.Timer
	stalled atomic.Bool
}

func newIdleBody(rc io.ReadCloser, timeout time.Duration) *idleBody {
	b := &idleBody{rc: rc, timeout: timeout}
	b.timer = time.AfterFunc(timeout, func() {
		b.stalled.Store(true)
		b.rc.Close()
	})
	b.timer.Stop()
	return b
}

func (b *idleBody) Read(p []byte) (int, error) {
	if b.stalled.Load() {
		return 0, readIdleError{b.timeout}
	}
	b.timer.Reset(b.timeout)
	n, err := b.rc.Read(p)
	if !b.timer.Stop() && b.stalled.Load() {
		return n, readIdleError{b.timeout}
	}
	return n, err
}

func (b *idleBody) Close() error {
	b.timer.Stop()
	return b.rc.Close()
}

// readIdleID is the id of the idle-timeout middleware in the Deserialize step.
const readIdleID = "cairn.ReadIdleTimeout"

// addReadIdleTimeout returns an API option that wraps every response body
// of a client in an idleBody with timeout d.
func addReadIdleTimeout(d time.Duration) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		if _, ok := stack.Deserialize.Get(readIdleID); ok {
			return nil
		}
		// Last in the Deserialize step, nearest the transport: the
		// operation's deserializer (and the caller, for a streamed
		// GetObject body) reads the wrapped body.
		if err := stack.Deserialize.Add(readIdleMiddleware{d}, middleware.After); err != nil {
			return fmt.Errorf("scanner: read idle timeout: add middleware: %w", err)
		}
		return nil
	}
}

type readIdleMiddleware struct{ timeout time.Duration }

func (readIdleMiddleware) ID() string { return readIdleID }

func (m readIdleMiddleware) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleDeserialize(ctx, in)
	if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && resp != nil && resp.Response != nil && resp.Body != nil {
		resp.Body = newIdleBody(resp.Body, m.timeout)
	}
	return out, md, err
}
