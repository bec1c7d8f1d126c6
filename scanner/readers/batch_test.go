package readers

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// batchValue is one value of a batcher test: n bytes for field.
type batchValue struct{ field, n int }

// feedBatcher adds values to b as one file and returns the segments it
// emitted, copied.
func feedBatcher(t *testing.T, b *batcher, values []batchValue) []Segment {
	t.Helper()
	var segs []Segment
	b.start(func(s Segment) error {
		segs = append(segs, Segment{Field: s.Field, Data: bytes.Clone(s.Data)})
		return nil
	})
	index := map[int]int{}
	for k, v := range values {
		i, ok := index[v.field]
		if !ok {
			i = b.newField(fmt.Sprint("f", v.field))
			index[v.field] = i
		}
		if err := b.addBytes(i, bytes.Repeat([]byte{'a' + byte(k%26)}, v.n)); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.flushAll(true); err != nil {
		t.Fatal(err)
	}
	return segs
}

// batchValues returns a file of values of every size over many fields,
// several times maxBuffered, so that buffers of every class are taken and
// the batcher empties itself midway.
func batchValues(seed uint64) []batchValue {
	rng := rand.New(rand.NewPCG(seed, 1))
	var values []batchValue
	for total := 0; total < 3*maxBuffered; {
		v := batchValue{field: rng.IntN(1500), n: 1 + rng.IntN(300)}
		if rng.IntN(40) == 0 {
			v.n = 1 + rng.IntN(3*maxSmallBuf)
		}
		values = append(values, v)
		total += v.n
	}
	return values
}

// TestBatcherSpares checks that the buffers a batcher keeps from one file
// change nothing in what it emits for the next: the same values give the
// same segments from a fresh batcher and from one that read another file
// before (where held passes maxBuffered depends on the buffers'
// capacities, so a spare of another size would move those flushes).
func TestBatcherSpares(t *testing.T) {
	values := batchValues(1)
	fresh := feedBatcher(t, new(batcher), values)
	fields := map[string]bool{}
	for _, s := range fresh {
		fields[s.Field] = true
	}
	if len(fresh) < 2*len(fields) {
		t.Fatalf("%d segments of %d fields: the test needs the batcher to empty itself midway", len(fresh), len(fields))
	}

	b := new(batcher)
	feedBatcher(t, b, batchValues(2))
	b.reset()
	spares := 0
	for _, class := range b.spare {
		spares += len(class)
	}
	if spares == 0 {
		t.Fatal("no spare buffers kept after a file")
	}
	if again := feedBatcher(t, b, values); !reflect.DeepEqual(again, fresh) {
		t.Errorf("with spares from an earlier file: %d segments, want the fresh batcher's %d (or different contents)", len(again), len(fresh))
	}
}

// TestBatcherReusesBuffers checks that a small file's field buffers come
// from the spares the previous file left, not from new allocations.
func TestBatcherReusesBuffers(t *testing.T) {
	emit := func(Segment) error { return nil }
	names := make([]string, 20)
	for i := range names {
		names[i] = fmt.Sprint("column", i)
	}
	value := bytes.Repeat([]byte("x"), 60)
	b := new(batcher)
	file := func() {
		b.start(emit)
		for _, name := range names {
			b.newField(name)
		}
		for range 30 {
			for i := range names {
				if err := b.addBytes(1+i, value); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := b.flushAll(true); err != nil {
			t.Fatal(err)
		}
		b.reset()
	}
	if allocs := testing.AllocsPerRun(20, file); allocs > 0 {
		t.Errorf("%.1f allocations per file of %d fields, want none once the spares are kept", allocs, len(names))
	}
}
