package classifiers

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/cairnsec/cairn/classifiers/internal/corpus"
)

// TestSketchBottomK checks that a sketch holds exactly the k distinct
// values of smallest rank, whatever the order they arrive in and however
// the stream is split and merged.
func TestSketchBottomK(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var ranks []uint64
	for range 5000 {
		ranks = append(ranks, r.Uint64N(3000)) // many repeats
	}
	fp := func(x uint64) string { return fmt.Sprintf("fp%05d", x) }
	const k = 50
	uniq := slices.Compact(slices.Sorted(slices.Values(ranks)))
	var want []string
	for _, x := range uniq[:k] {
		want = append(want, fp(x))
	}
	slices.Sort(want)

	for trial := range 5 {
		order := slices.Clone(ranks)
		r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		cut := r.IntN(len(order))
		a, b := NewSketch(k), NewSketch(k)
		calls := 0
		for _, x := range order[:cut] {
			a.add(x, func() string { calls++; return fp(x) })
		}
		for _, x := range order[cut:] {
			b.add(x, func() string { calls++; return fp(x) })
		}
		var merged Sketch // zero: takes b's size
		merged.Merge(b)
		merged.Merge(a)
		if got := merged.List(); !reflect.DeepEqual(got, want) {
			t.Fatalf("trial %d: merged sketch = %v, want %v", trial, got, want)
		}
		if calls > len(order)/4 {
			t.Errorf("trial %d: fingerprint computed %d times for %d values; only values entering the sketch need it", trial, calls, len(order))
		}
	}
	var none Sketch
	none.add(1, func() string { t.Fatal("zero sketch computed a fingerprint"); return "" })
	if none.Len() != 0 || none.List() != nil {
		t.Error("zero sketch kept a value")
	}
}

// TestScanSummariesEqualsSummarize checks that ScanSummaries gives what
// Summarize gives for Scan's matches (counts, confidence, examples and the
// same fingerprint sketch), on the labelled corpus with field context and
// on the benchmark corpora, on both matching paths.
func TestScanSummariesEqualsSummarize(t *testing.T) {
	type input struct {
		name, field string
		data        []byte
	}
	var inputs []input
	for _, f := range corpus.Labelled(3, corpus.Options{PerIdentifier: 40}) {
		for i, seg := range f.Segments {
			inputs = append(inputs, input{fmt.Sprintf("%s#%d", f.Name, i), seg.Field, seg.Data})
		}
	}
	inputs = append(inputs,
		input{"bench-dense", "", corpus.Bench(1, 1<<20, corpus.Dense)},
		input{"bench-low", "", corpus.Bench(1, 1<<20, corpus.Low)})
	summary := func(s Summary) string {
		return fmt.Sprintf("%s %s %s n=%d ex=%q fp=%q", s.Identifier, s.Category, s.Confidence, s.Count, s.RedactedExamples, s.Fingerprints.List())
	}
	for _, noAuto := range []bool{false, true} {
		e := newTestEngine(t)
		e.noAuto = noAuto
		for _, in := range inputs {
			if noAuto && len(in.data) > 64<<10 {
				continue // the go-re2 path is slow; the labelled files cover it
			}
			var got, want []string
			for _, s := range e.ScanSummaries(in.data, in.field, 3, 20) {
				got = append(got, summary(s))
			}
			for _, s := range Summarize(e.Scan(in.data, in.field), 3, 20) {
				want = append(want, summary(s))
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("noAuto=%v %s: ScanSummaries =\n%v\nSummarize(Scan) =\n%v", noAuto, in.name, got, want)
			}
		}
	}
}
