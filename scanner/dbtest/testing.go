package dbtest

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
)

// unavailable skips t when err means the server is not installed, or fails it when
// the environment variable CI is "true", so that CI never passes by skipping.
// Any other error fails the test.
func unavailable(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, ErrNotInstalled) {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	t.Fatal(err)
}

// StartForTest starts a server of flavor f for one test and stops it in t.Cleanup
// (printing the end of its log first when the test failed). A missing server binary
// skips the test, or fails it when CI=true.
func StartForTest(t testing.TB, f Flavor) *Server {
	t.Helper()
	start := StartPostgres
	if f == MariaDB {
		start = StartMariaDB
	}
	s, err := start(context.Background())
	if err != nil {
		unavailable(t, err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("dbtest: %s log, last lines:\n%s", f, s.LogTail(4096))
		}
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// sharedServer is one flavor's per-process server of Shared.
type sharedServer struct {
	once sync.Once
	srv  *Server
	err  error
}

// shared holds the per-process servers of Shared, one entry per flavor, so that
// both flavors can start at the same time.
var shared = struct {
	mu      sync.Mutex
	servers map[Flavor]*sharedServer
}{servers: map[Flavor]*sharedServer{}}

// Shared returns this test binary's server of flavor f, starting it on first use:
// every test of a package shares one PostgreSQL and one MariaDB server, which keeps a
// package's test time low (tests calling Shared for different flavors in parallel
// start them concurrently). A failed start is remembered and fails (or skips) every
// later caller the same way. The package's TestMain must call StopShared after m.Run.
// Tests that share a server must not depend on each other's data: give each its own
// database.
func Shared(t testing.TB, f Flavor) *Server {
	t.Helper()
	e := sharedEntry(f)
	e.start(f)
	if e.err != nil {
		unavailable(t, e.err)
	}
	return e.srv
}

// SharedServers is Shared for several flavors at once: the servers not yet
// running start concurrently.
func SharedServers(t testing.TB, flavors ...Flavor) []*Server {
	t.Helper()
	entries := make([]*sharedServer, len(flavors))
	var wg sync.WaitGroup
	for i, f := range flavors {
		entries[i] = sharedEntry(f)
		wg.Add(1)
		go func() {
			defer wg.Done()
			entries[i].start(f)
		}()
	}
	wg.Wait()
	out := make([]*Server, len(flavors))
	for i, e := range entries {
		if e.err != nil {
			unavailable(t, e.err)
		}
		out[i] = e.srv
	}
	return out
}

// sharedEntry returns flavor f's entry, creating it.
func sharedEntry(f Flavor) *sharedServer {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	e := shared.servers[f]
	if e == nil {
		e = &sharedServer{}
		shared.servers[f] = e
	}
	return e
}

// start starts the server once; every caller waits for the first start.
func (e *sharedServer) start(f Flavor) {
	e.once.Do(func() {
		start := StartPostgres
		if f == MariaDB {
			start = StartMariaDB
		}
		e.srv, e.err = start(context.Background())
	})
}

// StopShared stops the servers started by Shared. Call it from TestMain after m.Run.
func StopShared() error {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	var errs []error
	for f, e := range shared.servers {
		if e.srv != nil {
			errs = append(errs, e.srv.Stop())
		}
		delete(shared.servers, f)
	}
	return errors.Join(errs...)
}
