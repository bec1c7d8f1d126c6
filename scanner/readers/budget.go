package readers

import (
	"context"
	"errors"
	"io"
	"sync"
)

// Sentinel errors of the limits. They are mapped to reason codes and never
// returned by ReadSource.
var (
	errSampleLimit = errors.New("readers: sample byte limit reached")
	errBomb        = errors.New("readers: decompression bomb")
	errTooBig      = errors.New("readers: object exceeds size quota")
	errEncrypted   = errors.New("readers: encrypted content")
	errVariant     = errors.New("readers: unsupported variant of the format")
	errCorrupt     = errors.New("readers: corrupt content")
	errNoSize      = errors.New("readers: Source.At given without Source.Size")
	errReleased    = errors.New("readers: read of a released stream")
)

// sourceError wraps an error of Source.At or Source.Stream, as opposed to an
// error about the content.
type sourceError struct{ err error }

func (e *sourceError) Error() string { return "readers: read source: " + e.err.Error() }
func (e *sourceError) Unwrap() error { return e.err }

// Sizes of the bounded buffers.
const (
	headSize     = 4 << 10  // bytes examined by Detect
	streamChunk  = 1 << 20  // largest read of the top-level stream through At
	ratioFloor   = 1 << 20  // a layer's output before MaxRatio applies
	maxInMemory  = 16 << 20 // largest entry buffered for random access
	maxHeldTotal = 32 << 20 // all entries buffered for random access at once
	bombProbe    = 2 << 20  // unreadable content drained from a compression layer to tell a bomb
)

// rawStream reads the top-level object sequentially: first the head the
// caller gave, then through At in chunks of up to streamChunk, or from
// Stream. It charges every byte to the run's raw budget and, once the budget
// is spent with more of the object left, sets run.cut and fails with
// errSampleLimit. Failures of At or Stream come back as *sourceError and
// are recorded in the run.
type rawStream struct {
	r    *run
	at   io.ReaderAt
	src  io.Reader
	head []byte // served first, from offset 0
	size int64  // -1 when unknown
	off  int64  // offset of the next byte
	buf  []byte // read-ahead from at: buf[bpos:] is unread
	bpos int
	err  error

	headCharged bool // head was charged to the budget when fetched
	idle        int  // reads of src in a row that returned nothing
}

func (s *rawStream) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if s.bpos < len(s.buf) { // read ahead, charged when fetched
		n := copy(p, s.buf[s.bpos:])
		s.bpos += n
		s.off += int64(n)
		return n, nil
	}
	if s.headCharged && s.off < int64(len(s.head)) { // charged when fetched
		n := copy(p, s.head[s.off:])
		s.off += int64(n)
		return n, nil
	}
	if err := s.r.ctx.Err(); err != nil {
		s.err = err
		return 0, err
	}
	if s.size >= 0 && s.off >= s.size {
		s.err = io.EOF
		return 0, io.EOF
	}
	rem := s.r.lim.MaxBytes - s.r.raw
	if rem <= 0 {
		s.err = s.limitOrEOF()
		return 0, s.err
	}
	want := min(int64(len(p)), rem)
	if s.size >= 0 {
		want = min(want, s.size-s.off)
	}
	var n int
	var err error
	switch {
	case s.off < int64(len(s.head)):
		n = copy(p[:want], s.head[s.off:])
		s.off += int64(n)
		s.r.raw += int64(n)
	case s.at != nil:
		chunk := min(rem, streamChunk)
		if s.size >= 0 {
			chunk = min(chunk, s.size-s.off)
		}
		if int64(cap(s.buf)) < chunk {
			s.buf = (*streamBufPool.Get().(*[]byte))[:0] // chunk <= streamChunk
		}
		var m int
		m, err = s.at.ReadAt(s.buf[:chunk], s.off)
		s.r.raw += int64(m)
		s.buf = s.buf[:m]
		n = copy(p, s.buf)
		s.bpos = n
		s.off += int64(n)
		if err == io.EOF && m > 0 {
			err = nil
		}
	default:
		n, err = s.src.Read(p[:want])
		s.off += int64(n)
		s.r.raw += int64(n)
		if n == 0 && err == nil {
			if s.idle++; s.idle > 100 {
				err = io.ErrNoProgress // a stream that returns nothing forever
			}
		} else {
			s.idle = 0
		}
	}
	switch {
	case err == nil:
	case err == io.EOF:
		if n == 0 {
			s.err = io.EOF
			return 0, io.EOF
		}
	default:
		s.err = s.r.sourceFailed(err)
		if n == 0 {
			return 0, s.err
		}
	}
	return n, nil
}

// streamBufPool holds rawStream read-ahead buffers of streamChunk bytes:
// one per object read was the largest allocation of reading many files.
var streamBufPool = sync.Pool{New: func() any { b := make([]byte, streamChunk); return &b }}

// release gives the read-ahead buffer back to its pool; s must not be
// read afterwards.
func (s *rawStream) release() {
	if cap(s.buf) == streamChunk {
		b := s.buf[:cap(s.buf)]
		streamBufPool.Put(&b)
	}
	s.buf, s.bpos, s.err = nil, 0, errReleased
}

// limitOrEOF is called with the budget spent: it tells whether the object
// goes on (a cut sample) or ends here.
func (s *rawStream) limitOrEOF() error {
	more := false
	switch {
	case s.size >= 0:
		more = s.off < s.size
	case s.bpos < len(s.buf):
		more = true
	case s.src != nil:
		var one [1]byte
		for range 100 { // a reader that returns nothing forever ends here
			n, err := s.src.Read(one[:])
			if n > 0 {
				more = true
				break
			}
			if err != nil {
				break
			}
		}
	}
	if more {
		s.r.cut = true
		return errSampleLimit
	}
	return io.EOF
}

// budgetAt is random access to the top-level object through Source.At,
// charged to the run's raw budget. A read that would pass the budget
// returns what fits and errSampleLimit (setting run.cut); a free budgetAt
// reads outside the budget (for the Parquet footer, capped on its own),
// counted in Result.BytesRead only.
type budgetAt struct {
	r    *run
	at   io.ReaderAt
	size int64
	free bool
}

func (b *budgetAt) ReadAt(p []byte, off int64) (int, error) {
	if err := b.r.ctx.Err(); err != nil {
		return 0, err
	}
	if off < 0 || off >= b.size {
		return 0, io.EOF
	}
	var short error
	if off+int64(len(p)) > b.size {
		p, short = p[:b.size-off], io.EOF
	}
	if !b.free {
		rem := b.r.lim.MaxBytes - b.r.raw
		if rem <= 0 {
			b.r.cut = true
			return 0, errSampleLimit
		}
		if int64(len(p)) > rem {
			p, short = p[:rem], errSampleLimit
			b.r.cut = true
		}
	}
	n, err := b.at.ReadAt(p, off)
	if b.free {
		b.r.free += int64(n)
	} else {
		b.r.raw += int64(n)
	}
	if err != nil && err != io.EOF {
		return n, b.r.sourceFailed(err)
	}
	if n < len(p) {
		return n, io.ErrUnexpectedEOF // the object is shorter than Size said
	}
	return n, short
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// ReadByte lets decompressors read without wrapping c in their own buffer.
func (c *countReader) ReadByte() (byte, error) {
	if br, ok := c.r.(io.ByteReader); ok {
		b, err := br.ReadByte()
		if err == nil {
			c.n++
		}
		return b, err
	}
	var one [1]byte
	n, err := io.ReadFull(c.r, one[:])
	c.n += int64(n)
	return one[0], err
}

// layerReader is the output of one decompression layer: it charges the
// bytes to the run's MaxDecompressed budget and declares a bomb, with
// errBomb, when the budget is spent or the layer's output passes MaxRatio
// times its input (once past ratioFloor). in counts the layer's input; nil
// means the layer expands nothing and only the budget applies.
type layerReader struct {
	r   *run
	src io.Reader
	in  *countReader
	out int64
	err error
}

func (l *layerReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if err := l.r.ctx.Err(); err != nil {
		l.err = err
		return 0, err
	}
	n, err := l.src.Read(p)
	l.out += int64(n)
	l.r.out += int64(n)
	if over := l.r.out - l.r.lim.MaxDecompressed; over > 0 {
		n -= int(min(over, int64(n)))
		l.err, err = errBomb, errBomb
	} else if l.in != nil && l.out > ratioFloor && float64(l.out) > l.r.lim.MaxRatio*float64(max(l.in.n, 1)) {
		l.err, err = errBomb, errBomb
	}
	if err == errBomb {
		l.r.bomb = true
	}
	if err != nil && err != io.EOF && l.err == nil {
		l.err = err
	}
	return n, err
}

// readFull is io.ReadFull that gives up, with io.ErrNoProgress, on a
// reader that returns nothing without an error 100 times in a row.
func readFull(r io.Reader, p []byte) (int, error) {
	n, idle := 0, 0
	for n < len(p) {
		m, err := r.Read(p[n:])
		n += m
		switch {
		case err == io.EOF && n > 0 && n < len(p):
			return n, io.ErrUnexpectedEOF
		case err != nil:
			return n, err
		case m == 0:
			if idle++; idle > 100 {
				return n, io.ErrNoProgress
			}
		default:
			idle = 0
		}
	}
	return n, nil
}

// ctxErr reports whether err is a context error.
func ctxErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
