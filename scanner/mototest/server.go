// Package mototest runs the moto AWS emulator for tests and for the demo: it starts and
// stops moto_server processes, provides test credentials that never touch ~/.aws,
// unguarded clients for seeding test data, and HTTP proxies in front of moto: one adds
// the SSE-C behaviour moto lacks (SSECProxy), one serves objects too large to store
// (SyntheticProxy), one fails requests by rule to test retries and skips (FaultProxy).
//
// It depends only on the standard library and the AWS SDK, never on Cairn's packages,
// so that any package's tests (scanner's included) can import it.
package mototest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Binary is the moto server executable looked up on PATH.
const Binary = "moto_server"

// startTimeout caps how long StartServer waits for a new server to answer.
const startTimeout = 60 * time.Second

// Server is a moto_server process on a free 127.0.0.1 port. Its state (buckets, keys …)
// lives until Reset or Stop. Methods are safe for concurrent use.
type Server struct {
	// Endpoint is the server's base URL, http://127.0.0.1:PORT.
	Endpoint string
	// LogPath is the file that receives the server's stdout and stderr. It is removed
	// by Stop.
	LogPath string

	cmd     *exec.Cmd
	dir     string
	done    chan struct{} // closed when the process has exited
	waitErr error         // cmd.Wait's result, set before done is closed

	stopOnce sync.Once
	stopErr  error
}

// StartServer starts moto_server on a free loopback port and waits until it answers
// HTTP requests (at most about 10 s, less if ctx ends sooner). The environment is the
// current one without AWS_* variables, plus MOTO_EC2_LOAD_DEFAULT_AMIS=false (first EC2
// calls stay fast), plus extraEnv ("KEY=VALUE", later entries win). ctx bounds the start only; the process
// runs until Stop. The caller must call Stop.
func StartServer(ctx context.Context, extraEnv ...string) (*Server, error) {
	bin, err := exec.LookPath(Binary)
	if err != nil {
		return nil, fmt.Errorf("mototest: start: %w", err)
	}
	var lastErr error
	// A port found free can be taken before moto binds it: try a few times.
	for range 3 {
		s, err := startOnce(ctx, bin, extraEnv)
		if err == nil {
			return s, nil
		}
		lastErr = err
		if ctx.Err() != nil || !errors.Is(err, errExited) {
			break
		}
	}
	return nil, lastErr
}

// errExited reports that moto_server exited during start.
var errExited = errors.New("moto_server exited during start")

func startOnce(ctx context.Context, bin string, extraEnv []string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("mototest: start: %w", err)
	}
	dir, err := os.MkdirTemp("", "mototest-")
	if err != nil {
		return nil, fmt.Errorf("mototest: start: %w", err)
	}
	logPath := filepath.Join(dir, "moto_server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("mototest: start: %w", err)
	}
	defer logFile.Close() // the child holds its own descriptor

	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Env = serverEnv(os.Environ(), extraEnv)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.Dir = dir
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("mototest: start %s: %w", bin, err)
	}
	s := &Server{
		Endpoint: "http://127.0.0.1:" + strconv.Itoa(port),
		LogPath:  logPath,
		cmd:      cmd,
		dir:      dir,
		done:     make(chan struct{}),
	}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.done)
	}()
	if err := s.waitReady(ctx); err != nil {
		tail := s.logTail(2048)
		s.Stop()
		return nil, fmt.Errorf("mototest: start on port %d: %w; log:\n%s", port, err, tail)
	}
	return s, nil
}

// waitReady polls the server until it answers, it exits, ctx ends or startTimeout passes.
func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.Endpoint+"/moto-api/data.json", nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return nil
		}
		select {
		case <-s.done:
			return fmt.Errorf("%w (%v)", errExited, s.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("not answering: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

// serverEnv is the server's environment: environ without its AWS_* variables, which are
// the clients' business (moto's embedded botocore fails on some, e.g. AWS_PROFILE naming
// a missing profile, and real credentials have no reason to reach it), plus
// MOTO_EC2_LOAD_DEFAULT_AMIS=false, plus extraEnv.
func serverEnv(environ, extraEnv []string) []string {
	env := make([]string, 0, len(environ)+1+len(extraEnv))
	for _, kv := range environ {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	env = append(env, "MOTO_EC2_LOAD_DEFAULT_AMIS=false")
	return append(env, extraEnv...)
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Stop kills the server's process group, waits for the process to exit and removes its
// temporary directory (log included). Calling Stop again returns the first result.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		select {
		case <-s.done: // already gone
		default:
			if err := killProcessGroup(s.cmd); err != nil && !errors.Is(err, os.ErrProcessDone) {
				s.stopErr = fmt.Errorf("mototest: stop: %w", err)
			}
			select {
			case <-s.done:
			case <-time.After(10 * time.Second):
				if s.stopErr == nil {
					s.stopErr = fmt.Errorf("mototest: stop: process %d did not exit", s.cmd.Process.Pid)
				}
			}
		}
		if err := os.RemoveAll(s.dir); err != nil && s.stopErr == nil {
			s.stopErr = fmt.Errorf("mototest: stop: %w", err)
		}
	})
	return s.stopErr
}

// Reset clears all of the server's state (POST /moto-api/reset), as after a fresh start
// but faster. Tests sharing one server call it between cases.
func (s *Server) Reset(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.Endpoint+"/moto-api/reset", nil)
	if err != nil {
		return fmt.Errorf("mototest: reset: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("mototest: reset: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("mototest: reset: %s: %s", resp.Status, bytes.TrimSpace(body))
	}
	return nil
}

// logTail returns up to the last n bytes of the server log.
func (s *Server) logTail(n int64) string {
	f, err := os.Open(s.LogPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > n {
		f.Seek(fi.Size()-n, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	return string(b)
}

// Start starts a server for a test and registers its Stop with t.Cleanup (the server
// log is printed first when the test failed). When moto_server is not on PATH the test
// is skipped, or fails if the environment variable CI is "true", so that CI never
// passes by skipping. Any other start error fails the test.
func Start(t testing.TB, extraEnv ...string) *Server {
	t.Helper()
	if _, err := exec.LookPath(Binary); err != nil {
		msg := "mototest: " + Binary + " not on PATH; install it with `pip install 'moto[server]==5.2.1'` to run this test"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	s, err := StartServer(context.Background(), extraEnv...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("mototest: moto_server log (%s), last lines:\n%s", s.Endpoint, s.logTail(4096))
		}
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	})
	return s
}
