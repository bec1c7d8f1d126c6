package mototest

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
)

// loopback serves one handler on a free 127.0.0.1 port: the Start and Close
// shared by the test proxies (SSECProxy, SyntheticProxy, FaultProxy).
type loopback struct {
	mu  sync.Mutex
	srv *http.Server
}

// start serves h and returns its URL (http://127.0.0.1:PORT). name labels
// errors; quiet drops the server's own error log (a proxy that resets
// connections on purpose would fill it).
func (l *loopback) start(name string, h http.Handler, quiet bool) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.srv != nil {
		return "", fmt.Errorf("mototest: %s: already started", name)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("mototest: %s: %w", name, err)
	}
	l.srv = &http.Server{Handler: h}
	if quiet {
		l.srv.ErrorLog = log.New(io.Discard, "", 0)
	}
	go l.srv.Serve(ln)
	return "http://" + ln.Addr().String(), nil
}

// close stops a server started with start. It does nothing otherwise.
func (l *loopback) close(name string) error {
	l.mu.Lock()
	srv := l.srv
	l.srv = nil
	l.mu.Unlock()
	if srv == nil {
		return nil
	}
	if err := srv.Close(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("mototest: %s: close: %w", name, err)
	}
	return nil
}
