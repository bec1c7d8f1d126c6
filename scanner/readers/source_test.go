package readers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// failingAt fails every read from off on.
type failingAt struct {
	data []byte
	off  int64
	err  error
}

func (f failingAt) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > f.off {
		n := 0
		if off < f.off {
			n = copy(p, f.data[off:f.off])
		}
		return n, f.err
	}
	return copy(p, f.data[off:]), nil
}

// slowAt sleeps before every read.
type slowAt struct {
	data  []byte
	delay time.Duration
}

func (s slowAt) ReadAt(p []byte, off int64) (int, error) {
	time.Sleep(s.delay)
	return bytes.NewReader(s.data).ReadAt(p, off)
}

func bigCSV() []byte {
	var b strings.Builder
	b.WriteString("id,email\n")
	for i := 0; b.Len() < 2<<20; i++ {
		fmt.Fprintf(&b, "%d,user%d@example.com\n", i*7919, i)
	}
	return []byte(b.String())
}

func TestReadSourceErrors(t *testing.T) {
	ctx := context.Background()
	data := bigCSV()
	zipped := zipBytes(zipFile{name: "a.csv", data: data[:300<<10]}, zipFile{name: "b.csv", data: data[:300<<10]})

	// The first emit error stops the read and comes back unchanged.
	stop := errors.New("stop")
	for _, src := range []Source{
		{Name: "a.csv", Size: int64(len(data)), At: bytes.NewReader(data)},
		{Name: "a.zip", Size: int64(len(zipped)), At: bytes.NewReader(zipped)},
		{Name: "a.csv.gz", Size: -1, Stream: bytes.NewReader(gzipBytes(data))},
	} {
		calls := 0
		res, err := ReadSource(ctx, src, Limits{MaxBytes: 4 << 20}, func(Segment) error { calls++; return stop })
		if err != stop || calls != 1 || res.Status == StatusComplete || res.Reason != ReasonReadError {
			t.Errorf("%s: emit error: err = %v after %d calls, %s %s", src.Name, err, calls, res.Status, res.Reason)
		}
	}

	// A failing source is an error, and READ_ERROR, after what was read.
	boom := errors.New("boom")
	var got int
	res, err := ReadSource(ctx, Source{Name: "a.csv", Size: int64(len(data)), At: failingAt{data: data, off: 1 << 20, err: boom}},
		Limits{MaxBytes: 4 << 20}, func(s Segment) error { got += len(s.Data); return nil })
	if !errors.Is(err, boom) || res.Status != StatusPartial || res.Reason != ReasonReadError || got == 0 {
		t.Errorf("failing At: err %v, %s %s, %d bytes emitted", err, res.Status, res.Reason, got)
	}
	res, err = ReadSource(ctx, Source{Name: "a.zip", Size: int64(len(zipped)), At: failingAt{data: zipped, off: int64(len(zipped)) - 100, err: boom}},
		Limits{}, func(Segment) error { return nil })
	if !errors.Is(err, boom) || res.Status != StatusSkipped || res.Reason != ReasonReadError {
		t.Errorf("failing At on a zip: err %v, %s %s", err, res.Status, res.Reason)
	}

	// Cancellation: ctx.Err() and TIMEOUT.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	res, err = ReadSource(cctx, Source{Name: "a.csv", Size: int64(len(data)), At: bytes.NewReader(data)}, Limits{}, func(Segment) error { return nil })
	if !errors.Is(err, context.Canceled) || res.Reason != ReasonTimeout || res.Status != StatusSkipped {
		t.Errorf("cancelled: err %v, %s %s", err, res.Status, res.Reason)
	}

	// Limits.Timeout bounds the call.
	start := time.Now()
	res, err = ReadSource(ctx, Source{Name: "a.zip", Size: int64(len(zipped)), At: slowAt{data: zipped, delay: 20 * time.Millisecond}},
		Limits{Timeout: 100 * time.Millisecond}, func(Segment) error { return nil })
	if !errors.Is(err, context.DeadlineExceeded) || res.Reason != ReasonTimeout || time.Since(start) > 2*time.Second {
		t.Errorf("timeout: err %v, %s %s after %v", err, res.Status, res.Reason, time.Since(start))
	}

	// At without Size is a caller error.
	if _, err := ReadSource(ctx, Source{Name: "a", Size: -1, At: bytes.NewReader(data)}, Limits{}, func(Segment) error { return nil }); !errors.Is(err, errNoSize) {
		t.Errorf("At without Size: %v", err)
	}
}

func TestDefaultLimits(t *testing.T) {
	got := Limits{}.withDefaults()
	want := Limits{MaxBytes: 1 << 20, MaxDecompressed: 64 << 20, MaxRatio: 100, MaxDepth: 5, MaxEntries: 1000, MaxObjectSize: 256 << 20}
	if got != want || DefaultLimits() != want {
		t.Errorf("defaults %+v", got)
	}
	custom := Limits{MaxBytes: 5, MaxDepth: 2}.withDefaults()
	if custom.MaxBytes != 5 || custom.MaxDepth != 2 || custom.MaxEntries != 1000 {
		t.Errorf("custom %+v", custom)
	}
}

// TestReadSourceLastCell checks that ReadSource, which knows whether it
// cut the input, keeps the last cell of a whole CSV without a final
// newline, which Read must drop.
func TestReadSourceLastCell(t *testing.T) {
	in := "name,ssn\nAda," + markSSN
	segs, res := readSource(t, "a.csv", []byte(in), Limits{})
	if !has(segs, "", "ssn", markSSN) || res.Status != StatusComplete {
		t.Errorf("ReadSource lost the last cell: %s", where(segs, markSSN))
	}
	old, _ := readAll(t, FormatCSV, in)
	if byField(old)["ssn"] != "" {
		t.Errorf("Read kept a cell it cannot know is whole")
	}
	// Cut by the sample: the cell is dropped.
	long := in + strings.Repeat("x", 100) + "\nBob,536-22-8148\n"
	segs, res = readSource(t, "a.csv", []byte(long), Limits{MaxBytes: int64(len(in))})
	if anywhere(segs, markSSN) || res.Reason != ReasonSampleByteLimit {
		t.Errorf("cut cell emitted, or %s", res.Reason)
	}
}

// TestReadSourceStreamRandomAccess reads random-access formats from a
// stream: buffered when the object fits in the sample, else skipped.
func TestReadSourceStreamRandomAccess(t *testing.T) {
	z := zipBytes(zipFile{name: "a.csv", data: []byte(peopleCSV)})
	segs, res := readSourceWith(t, Source{Name: "a.zip", Size: -1, Stream: bytes.NewReader(z)}, Limits{})
	if res.Status != StatusComplete || !has(segs, "a.csv", "email", markEmail) {
		t.Errorf("small zip from a stream: %s %s", res.Status, res.Reason)
	}
	big := zipBytes(zipFile{name: "a.csv", data: bigCSV(), store: true})
	_, res = readSourceWith(t, Source{Name: "a.zip", Size: -1, Stream: bytes.NewReader(big)}, Limits{})
	if res.Status != StatusSkipped || res.Reason != ReasonSampleByteLimit {
		t.Errorf("big zip from a stream: %s %s", res.Status, res.Reason)
	}
	// Only Head: the whole object.
	segs, res = readSourceWith(t, Source{Name: "a.zip", Head: z}, Limits{})
	if res.Status != StatusComplete || !has(segs, "a.csv", "email", markEmail) {
		t.Errorf("zip in Head: %s %s", res.Status, res.Reason)
	}
}

// TestReadSourceBytesRead checks that reads through At are counted and
// bounded.
func TestReadSourceBytesRead(t *testing.T) {
	pq := parquetBytes(t, 5000)
	_, res := readSource(t, "p.parquet", pq, Limits{MaxBytes: 64 << 10})
	if res.BytesRead > 64<<10+int64(len(pq)) || res.BytesRead == 0 {
		t.Errorf("parquet read %d bytes of %d", res.BytesRead, len(pq))
	}
	z := zipBytes(zipFile{name: "a.csv", data: bigCSV()}, zipFile{name: "b.csv", data: bigCSV()})
	_, res = readSource(t, "a.zip", z, Limits{MaxBytes: 32 << 10})
	if res.BytesRead > 32<<10 || res.Reason != ReasonSampleByteLimit || res.Status != StatusPartial {
		t.Errorf("zip: read %d bytes, %s %s", res.BytesRead, res.Status, res.Reason)
	}
}

var _ io.ReaderAt = synthAt{}

// stuckReader returns its data, then nothing, forever, without an error.
type stuckReader struct{ data []byte }

func (s *stuckReader) Read(p []byte) (int, error) {
	n := copy(p, s.data)
	s.data = s.data[n:]
	return n, nil
}

// TestNoProgress feeds readers a stream that stops without ending: they
// must give up instead of spinning.
func TestNoProgress(t *testing.T) {
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"a.csv", []byte(peopleCSV)},
		{"a.json", []byte(`{"a": [1, 2`)},
		{"a.csv.gz", gzipBytes([]byte(peopleCSV))[:40]},
		{"a.csv.xz", xzBytes([]byte(peopleCSV))[:60]},
		{"a.eml", []byte("From: a@example.com\r\nContent-Transfer-Encoding: base64\r\n\r\nYWJj")},
	} {
		done := make(chan Result, 1)
		go func() {
			res, _ := ReadSource(context.Background(), Source{Name: tt.name, Size: -1, Stream: &stuckReader{data: tt.data}}, Limits{}, func(Segment) error { return nil })
			done <- res
		}()
		select {
		case res := <-done:
			checkResult(t, res, Limits{})
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no end on a stream that stops", tt.name)
		}
	}
	// Read too.
	done := make(chan error, 1)
	go func() {
		_, err := Read(context.Background(), FormatText, &stuckReader{data: []byte("abc")}, func(Segment) error { return nil })
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, io.ErrNoProgress) {
			t.Errorf("Read: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Read spins on a stream that stops")
	}
}
