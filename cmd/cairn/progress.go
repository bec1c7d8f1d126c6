package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"
)

// progress shows a one-line live status on stderr when stderr is a
// terminal, and nothing otherwise (logs stay clean in CI and pipes). Log
// lines written while it runs clear the status line first.
type progress struct {
	out     io.Writer
	tty     bool
	assets  atomic.Int64
	objects atomic.Int64
	bytes   atomic.Int64
	matches atomic.Int64
	began   time.Time

	// line, if set, renders the status line in place of scan's.
	line func(*progress) string

	mu   sync.Mutex // serialises writes to out
	done chan struct{}
	wg   sync.WaitGroup
}

func newProgress(out io.Writer) *progress {
	p := &progress{out: out}
	if f, ok := out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	return p
}

func (p *progress) assetDone()            { p.assets.Add(1) }
func (p *progress) objectDone(read int64) { p.objects.Add(1); p.bytes.Add(read) }
func (p *progress) finding(count int64)   { p.matches.Add(count) }

func (p *progress) start() {
	p.began = time.Now()
	if !p.tty {
		return
	}
	p.done = make(chan struct{})
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.done:
				p.mu.Lock()
				fmt.Fprint(p.out, "\r\033[K")
				p.mu.Unlock()
				return
			case <-t.C:
				line := scanStatus
				if p.line != nil {
					line = p.line
				}
				p.mu.Lock()
				fmt.Fprint(p.out, "\r\033[K"+line(p))
				p.mu.Unlock()
			}
		}
	}()
}

// scanStatus is scan's status line.
func scanStatus(p *progress) string {
	return fmt.Sprintf("scanning: %d stores done, %d objects read (%s), %d matches, %s",
		p.assets.Load(), p.objects.Load(), humanBytes(p.bytes.Load()), p.matches.Load(),
		time.Since(p.began).Round(time.Second))
}

func (p *progress) stop() {
	if p.done != nil {
		close(p.done)
		p.wg.Wait()
		p.done = nil
	}
}

// logWriter returns a writer for log lines that does not garble the
// status line.
func (p *progress) logWriter() io.Writer { return progressLog{p} }

type progressLog struct{ p *progress }

func (l progressLog) Write(b []byte) (int, error) {
	l.p.mu.Lock()
	defer l.p.mu.Unlock()
	if l.p.tty {
		fmt.Fprint(l.p.out, "\r\033[K")
	}
	return l.p.out.Write(b)
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for v := n / unit; v >= unit; v /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
