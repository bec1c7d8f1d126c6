package corpus

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestDeterministic(t *testing.T) {
	a, b := Labelled(7, Options{PerIdentifier: 20, DecoyFiles: 3}), Labelled(7, Options{PerIdentifier: 20, DecoyFiles: 3})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("Labelled is not deterministic")
	}
	if c := Labelled(8, Options{PerIdentifier: 20, DecoyFiles: 3}); reflect.DeepEqual(a, c) {
		t.Error("different seeds gave the same corpus")
	}
	for _, d := range []Density{Low, Dense} {
		x, y := Bench(3, 256<<10, d), Bench(3, 256<<10, d)
		if !bytes.Equal(x, y) || len(x) != 256<<10 {
			t.Errorf("Bench(%d) not deterministic or not %d bytes (%d)", d, 256<<10, len(x))
		}
	}
	if Bench(1, 0, Low) != nil {
		t.Error("Bench of size 0 is not empty")
	}
}

// TestLabels checks the labels: every span selects a non-empty, labelled
// value inside its segment, spans of a segment do not overlap, Want counts
// them, every identifier is planted, and decoy files plant nothing.
func TestLabels(t *testing.T) {
	files := Labelled(1, Options{PerIdentifier: 30})
	seen := map[string]int{}
	for _, f := range files {
		n := map[string]int{}
		for _, seg := range f.Segments {
			end := 0
			spans := slices.Clone(seg.Want)
			slices.SortFunc(spans, func(a, b Span) int { return a.Start - b.Start })
			for _, sp := range spans {
				if sp.Start < end || sp.End <= sp.Start || sp.End > len(seg.Data) {
					t.Fatalf("%s %q: bad span %+v", f.Name, seg.Field, sp)
				}
				if v := string(seg.Data[sp.Start:sp.End]); strings.TrimSpace(v) != v {
					t.Errorf("%s: span %q has blanks around it", f.Name, v)
				}
				end = sp.End
				n[sp.Identifier]++
				seen[sp.Identifier]++
			}
		}
		if !reflect.DeepEqual(n, f.Want) && !(len(n) == 0 && len(f.Want) == 0) {
			t.Errorf("%s: Want %v, spans %v", f.Name, f.Want, n)
		}
		if f.Decoy && len(n) > 0 {
			t.Errorf("decoy file %s plants %v", f.Name, n)
		}
	}
	for _, id := range Identifiers() {
		if seen[id] < 20 {
			t.Errorf("%s planted %d times", id, seen[id])
		}
	}
}

func TestValueAndColumns(t *testing.T) {
	for _, id := range Identifiers() {
		if v, _, ok := Value(1, id); !ok || v == "" {
			t.Errorf("Value(%s) = %q, %v", id, v, ok)
		}
		if len(Columns(id)) == 0 {
			t.Errorf("Columns(%s) is empty", id)
		}
	}
	if _, _, ok := Value(1, "NO_SUCH_ID"); ok {
		t.Error("Value of an unknown identifier")
	}
}
