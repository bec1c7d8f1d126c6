package classifiers

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Streaming. ScanReader reads fixed chunks and scans each with the tail of
// the previous one in front, so a value across a chunk edge is seen whole
// in one window; each window reports only the matches that start in its
// own part of the stream, so none is reported twice.

// Stream chunking.
const (
	// StreamChunkSize is how many new bytes ScanReader reads per window.
	StreamChunkSize = 1 << 20
	// streamTail is how far a window reaches past its own part: more than
	// the longest match including a Refine extension (a PEM body up to its
	// END line) and the context after it.
	streamTail = maxPEMBody + 2*maxPatternWidth
	// streamLead is the context a window keeps before its own part, for
	// keyword look-back and word boundaries.
	streamLead = maxKeywordDistance + maxPatternWidth
)

// ScanReader scans everything r yields, as Scan would scan it in one
// buffer, with memory bounded by about 1.2 MiB whatever the stream's size.
// It calls fn with each window's matches, ordered by Start, as soon as
// they are known; Start and End are offsets from the beginning of the
// stream, and every match is reported exactly once. The per-identifier
// cap of Options.MaxMatchesPerIdentifier applies to the whole stream.
//
// It returns nil at EOF, ctx.Err() if ctx ends first (checked between
// chunks), the error of fn as is if fn fails, or a read error wrapped as
// "classifiers: read: ...". Invalid UTF-8 and binary data are scanned like
// any other bytes. ScanReader is safe for concurrent use (on different
// readers).
func (e *Engine) ScanReader(ctx context.Context, r io.Reader, field string, fn func([]Match) error) error {
	return e.scanReader(ctx, r, field, StreamChunkSize, fn)
}

// scanReader is ScanReader with the chunk size as a parameter, for tests.
func (e *Engine) scanReader(ctx context.Context, r io.Reader, field string, chunk int, fn func([]Match) error) error {
	buf := make([]byte, 0, streamLead+chunk+streamTail)
	var base int64 // stream offset of buf[0]
	own := 0       // matches starting before buf[own] were reported already
	lastEnd := map[string]int64{}
	counts := map[string]int{}
	eof := false
	for !eof {
		if err := ctx.Err(); err != nil {
			return err
		}
		// Fill buf up to its capacity.
		n, err := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		switch {
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			eof = true
		case err != nil:
			return fmt.Errorf("classifiers: read: %w", err)
		}
		if len(buf) == 0 {
			return nil
		}
		// This window owns [own, cut): the part whose matches are complete
		// and have their context. At EOF it owns the rest.
		cut := len(buf)
		if !eof {
			cut = len(buf) - streamTail
		}
		var keep []Match
		if cut > own {
			for _, m := range e.scan(buf, field, own, nil) {
				if m.Start >= cut {
					continue
				}
				start, end := base+int64(m.Start), base+int64(m.End)
				if start < lastEnd[m.Identifier] || counts[m.Identifier] >= e.max {
					continue
				}
				lastEnd[m.Identifier] = end
				counts[m.Identifier]++
				m.Start, m.End = int(start), int(end)
				keep = append(keep, m)
			}
		}
		if len(keep) > 0 {
			if err := fn(keep); err != nil {
				return err
			}
		}
		if eof {
			break
		}
		// Keep the lead context before the next window's own part.
		from := max(0, cut-streamLead)
		n = copy(buf, buf[from:])
		buf = buf[:n]
		base += int64(from)
		own = cut - from
	}
	return nil
}
