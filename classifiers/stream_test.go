package classifiers

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/cairnsec/cairn/classifiers/internal/corpus"
)

// streamAll runs ScanReader with a small chunk size and returns every
// match.
func streamAll(t *testing.T, e *Engine, data []byte, chunk int) []Match {
	t.Helper()
	var out []Match
	err := e.scanReader(context.Background(), bytes.NewReader(data), "", chunk, func(ms []Match) error {
		out = append(out, ms...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestScanReaderEqualsScan checks that a stream cut into many windows
// gives exactly the matches of one Scan over all of it.
func TestScanReaderEqualsScan(t *testing.T) {
	e := newTestEngine(t)
	for name, data := range map[string][]byte{
		"low":   corpus.Bench(11, 600<<10, corpus.Low),
		"dense": corpus.Bench(11, 200<<10, corpus.Dense),
	} {
		want := e.Scan(data, "")
		for _, chunk := range []int{4 << 10, 37 << 10} {
			if got := streamAll(t, e, data, chunk); !reflect.DeepEqual(got, want) {
				t.Errorf("%s chunk %d: %d matches, Scan %d", name, chunk, len(got), len(want))
			}
		}
	}
}

// TestScanReaderEdges places a value across every offset of a window
// edge: it must be found exactly once, with offsets in the stream.
func TestScanReaderEdges(t *testing.T) {
	e := newTestEngine(t)
	const chunk = 4 << 10
	edge := streamLead + chunk // where the first window's own part ends
	for _, id := range []string{"EMAIL_ADDRESS", "US_SSN", "CREDIT_CARD_NUMBER", "IBAN", "AWS_ACCESS_KEY_ID"} {
		v, _, ok := corpus.Value(1, id)
		if !ok {
			t.Fatalf("no corpus value for %s", id)
		}
		for at := edge - len(v) - 2; at <= edge+2; at++ {
			data := bytes.Repeat([]byte("z "), (edge+streamTail+chunk)/2)
			copy(data[at-1:], " "+v+" ")
			ms := find(streamAll(t, e, data, chunk), id)
			if len(ms) != 1 || ms[0].Start != at || ms[0].End != at+len(v) {
				t.Fatalf("%s at %d (edge %d): got %+v", id, at, edge, ms)
			}
		}
	}
}

// TestScanReaderBinary checks that values inside random binary data are
// all found, across windows.
func TestScanReaderBinary(t *testing.T) {
	e := newTestEngine(t)
	r := rand.New(rand.NewPCG(3, 1))
	data := make([]byte, 300<<10)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	v, _, _ := corpus.Value(2, "EMAIL_ADDRESS")
	var at []int
	for p := 1000; p+len(v)+2 < len(data); p += 9973 {
		copy(data[p:], "\x00"+v+"\x00")
		at = append(at, p+1)
	}
	ms := find(streamAll(t, e, data, 8<<10), "EMAIL_ADDRESS")
	if len(ms) != len(at) {
		t.Fatalf("found %d emails in binary data, planted %d", len(ms), len(at))
	}
	for i, m := range ms {
		if m.Start != at[i] {
			t.Errorf("email %d at %d, planted at %d", i, m.Start, at[i])
		}
	}
}

func TestScanReaderErrors(t *testing.T) {
	e := newTestEngine(t)
	data := []byte(strings.Repeat("contact jane.doe@example.com\n", 100))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := e.ScanReader(ctx, bytes.NewReader(data), "", func([]Match) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	stop := errors.New("stop")
	if err := e.ScanReader(context.Background(), bytes.NewReader(data), "", func([]Match) error { return stop }); err != stop {
		t.Errorf("fn error: %v, want it as is", err)
	}
	bad := iotest.TimeoutReader(bytes.NewReader(bytes.Repeat(data, 1000)))
	err := e.ScanReader(context.Background(), bad, "", func([]Match) error { return nil })
	if !errors.Is(err, iotest.ErrTimeout) || !strings.HasPrefix(err.Error(), "classifiers: read: ") {
		t.Errorf("read error: %v", err)
	}
	if err := e.ScanReader(context.Background(), bytes.NewReader(nil), "", func([]Match) error {
		t.Error("fn called for an empty stream")
		return nil
	}); err != nil {
		t.Errorf("empty stream: %v", err)
	}
}

// TestScanReaderCap applies MaxMatchesPerIdentifier to the whole stream.
func TestScanReaderCap(t *testing.T) {
	e, err := NewEngine(Options{FingerprintKey: testKey, MaxMatchesPerIdentifier: 5})
	if err != nil {
		t.Fatal(err)
	}
	data := []byte(strings.Repeat("contact jane.doe@example.com\n", 2000))
	if n := len(find(streamAll(t, e, data, 4<<10), "EMAIL_ADDRESS")); n != 5 {
		t.Errorf("%d emails, want the cap of 5", n)
	}
}

func TestScanReaderConcurrent(t *testing.T) {
	e := newTestEngine(t)
	data := corpus.Bench(12, 300<<10, corpus.Low)
	want := e.Scan(data, "")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			var got []Match
			err := e.scanReader(context.Background(), io.MultiReader(bytes.NewReader(data)), "", 16<<10, func(ms []Match) error {
				got = append(got, ms...)
				return nil
			})
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("concurrent stream: %v, %d matches, want %d", err, len(got), len(want))
			}
		})
	}
	wg.Wait()
}
