// Package dbtest runs real PostgreSQL and MariaDB servers for tests and for the demo.
// Each server lives in a temporary directory of its own (data, unix socket, log),
// listens on a free 127.0.0.1 port and is stopped, directory included, by Stop.
//
// Servers are started from the binaries installed on the machine: PostgreSQL's initdb
// and postgres (on PATH, or under /usr/lib/postgresql/*/bin), MariaDB's
// mariadb-install-db and mariadbd (on PATH, or in /usr/sbin). When the process runs as
// root, PostgreSQL (which refuses root) runs as an unprivileged account: the
// "postgres" user if it exists, else "nobody" (override with $CAIRN_DBTEST_USER);
// MariaDB runs as root with --user=root. No account needs to be created.
//
// Like mototest, dbtest depends on no package of Cairn's, so that any test (and the
// demo command) can import it.
package dbtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Flavor names a database server product.
type Flavor string

// Server flavors.
const (
	Postgres Flavor = "postgresql"
	MariaDB  Flavor = "mariadb"
)

// startTimeout caps how long a server may take to accept connections.
const startTimeout = 60 * time.Second

// ErrNotInstalled is returned (wrapped) by StartPostgres and StartMariaDB when the
// server binaries are not installed.
var ErrNotInstalled = errors.New("dbtest: server binaries not installed")

// Server is a running database server. Its fields are read-only; methods are safe for
// concurrent use.
type Server struct {
	// Flavor is Postgres or MariaDB.
	Flavor Flavor
	// Host and Port are the TCP address the server listens on (127.0.0.1).
	Host string
	Port int
	// AdminUser and AdminPassword are a superuser that logs in over TCP with a
	// password (PostgreSQL: scram-sha-256; MariaDB: mysql_native_password).
	AdminUser     string
	AdminPassword string
	// Version is the server's version string (SELECT version()).
	Version string
	// Dir is the temporary directory holding the data directory, the unix socket
	// and LogPath. Stop removes it.
	Dir string
	// LogPath is the server's log file.
	LogPath string

	socket  string // unix socket: the directory (PostgreSQL) or the file (MariaDB)
	cmd     *exec.Cmd
	done    chan struct{}
	waitErr error

	stopOnce sync.Once
	stopErr  error
}

// Addr returns host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// exited reports whether the server process has exited.
func (s *Server) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// Stop shuts the server down cleanly (PostgreSQL fast shutdown, MariaDB SIGTERM),
// kills its process group if it has not exited after 15 s, and removes Dir. Calling
// Stop again returns the first result.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		if s.cmd != nil && s.cmd.Process != nil && !s.exited() {
			var err error
			if s.Flavor == Postgres {
				err = interrupt(s.cmd)
			} else {
				err = terminate(s.cmd)
			}
			if err != nil && !errors.Is(err, os.ErrProcessDone) {
				_ = kill(s.cmd)
			}
			select {
			case <-s.done:
			case <-time.After(15 * time.Second):
				_ = kill(s.cmd)
				select {
				case <-s.done:
				case <-time.After(5 * time.Second):
					s.stopErr = fmt.Errorf("dbtest: stop %s: process %d did not exit", s.Flavor, s.cmd.Process.Pid)
				}
			}
		}
		if s.Dir != "" {
			if err := os.RemoveAll(s.Dir); err != nil && s.stopErr == nil {
				s.stopErr = fmt.Errorf("dbtest: stop %s: %w", s.Flavor, err)
			}
		}
	})
	return s.stopErr
}

// LogTail returns up to the last n bytes of the server log.
func (s *Server) LogTail(n int64) string {
	f, err := os.Open(s.LogPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > n {
		_, _ = f.Seek(fi.Size()-n, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	return string(b)
}

// Exec runs statements one after another as the admin user in database db ("" for
// MariaDB's no default database; PostgreSQL needs a name, "postgres" always exists).
// It stops at the first failing statement.
func (s *Server) Exec(ctx context.Context, db string, stmts ...string) error {
	switch s.Flavor {
	case Postgres:
		return s.execPostgres(ctx, db, stmts)
	case MariaDB:
		return s.execMariaDB(ctx, db, stmts)
	}
	return fmt.Errorf("dbtest: exec: unknown flavor %q", s.Flavor)
}

// launch starts cmd with its output in the log file and a goroutine that records its
// exit.
func (s *Server) launch(cmd *exec.Cmd) error {
	logFile, err := os.OpenFile(s.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close() // the child has its own descriptor
	cmd.Stdout, cmd.Stderr = logFile, logFile
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd = cmd
	s.done = make(chan struct{})
	go func() {
		s.waitErr = cmd.Wait()
		close(s.done)
	}()
	return nil
}

// waitReady calls try until it succeeds, the server exits, ctx ends or startTimeout
// passes.
func (s *Server) waitReady(ctx context.Context, try func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		tctx, tcancel := context.WithTimeout(ctx, 3*time.Second)
		last = try(tctx)
		tcancel()
		if last == nil {
			return nil
		}
		select {
		case <-s.done:
			return fmt.Errorf("server exited during start (%v): last error: %w", s.waitErr, last)
		case <-ctx.Done():
			return fmt.Errorf("not accepting connections: %w (last error: %v)", ctx.Err(), last)
		case <-tick.C:
		}
	}
}

// runTool runs a setup program (initdb, mariadb-install-db) to completion, appending
// its output to the log; on failure the error carries the output's tail.
func runTool(ctx context.Context, logPath string, u *osUser, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Env = toolEnv()
	runAs(cmd, u)
	setProcessGroup(cmd)
	err := cmd.Run()
	if f, ferr := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); ferr == nil {
		_, _ = f.Write(out.Bytes())
		f.Close()
	}
	if err != nil {
		// The tools end with generic advice; the lines that say what went
		// wrong come first.
		var errLines []string
		for _, line := range strings.Split(out.String(), "\n") {
			if strings.Contains(line, "ERROR") || strings.Contains(line, "FATAL") || strings.Contains(line, "rror:") {
				errLines = append(errLines, line)
			}
		}
		if len(errLines) > 20 {
			errLines = errLines[:20]
		}
		tail := out.Bytes()
		if len(tail) > 1024 {
			tail = tail[len(tail)-1024:]
		}
		return fmt.Errorf("%s: %w\n%s\n…\n%s", name, err, strings.Join(errLines, "\n"), bytes.TrimSpace(tail))
	}
	return nil
}

// toolEnv is the environment of the server processes: the current one without the
// client variables that would change what they do (PG*, MYSQL_*), with LC_ALL=C.
func toolEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") || strings.HasPrefix(kv, "MYSQL") ||
			strings.HasPrefix(kv, "LC_") || strings.HasPrefix(kv, "LANG=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C", "LANG=C")
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

// ClosedPort returns a 127.0.0.1 address on which nothing listens (a port that was
// free a moment ago), for tests of unreachable databases.
func ClosedPort() (string, error) {
	p, err := freePort()
	if err != nil {
		return "", fmt.Errorf("dbtest: %w", err)
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(p)), nil
}

// randomPassword returns 24 random hex characters.
func randomPassword() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// makeDir creates the server's temporary directory, private to u (or to us).
func makeDir(prefix string, u *osUser) (string, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	if err := chownTree(dir, u); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}
