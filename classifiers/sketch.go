package classifiers

import "slices"

// Fingerprint sketches. A finding keeps a bounded number of fingerprints
// of the values it matched. Which ones it keeps matters: an analyst joins
// fingerprints across stores and scans ("this SSN is in the bucket and in
// the table"), and two stores holding the same values must keep the same
// fingerprints, whatever order they were read in. So a finding keeps the
// k distinct values of smallest rank, the rank a keyed 64-bit hash of the
// value (SipHash under a key derived from the fingerprint key): a
// bottom-k sketch. It is order-independent, mergeable (the sketch of two
// segments is the bottom k of their sketches), and it lets the engine
// skip the HMAC of every value that cannot enter the sketch, which after
// the first few thousand values is almost all of them.

// Sketch is a bottom-k sketch of the fingerprints of distinct values. The
// zero value keeps nothing; NewSketch gives one that keeps k.
type Sketch struct {
	k     int
	ranks []uint64 // ascending; one per kept value
	fps   []string // fps[i] is the fingerprint of the value of rank ranks[i]
}

// NewSketch returns an empty sketch that keeps at most k fingerprints.
func NewSketch(k int) Sketch { return Sketch{k: max(k, 0)} }

// Len returns how many fingerprints the sketch holds.
func (s *Sketch) Len() int { return len(s.fps) }

// List returns the fingerprints held, sorted.
func (s *Sketch) List() []string {
	if len(s.fps) == 0 {
		return nil
	}
	out := slices.Clone(s.fps)
	slices.Sort(out)
	return out
}

// wants reports whether a value of rank r would enter the sketch (it may
// still be a value the sketch holds).
func (s *Sketch) wants(r uint64) bool {
	return s.k > 0 && (len(s.ranks) < s.k || r < s.ranks[len(s.ranks)-1])
}

// add puts the value of rank r in the sketch if it belongs there; fp is
// called for its fingerprint only then. Equal ranks are one value.
func (s *Sketch) add(r uint64, fp func() string) {
	if !s.wants(r) {
		return
	}
	i, found := slices.BinarySearch(s.ranks, r)
	if found {
		return
	}
	s.insert(i, r, fp())
}

func (s *Sketch) insert(i int, r uint64, fp string) {
	s.ranks = slices.Insert(s.ranks, i, r)
	s.fps = slices.Insert(s.fps, i, fp)
	if len(s.ranks) > s.k {
		s.ranks, s.fps = s.ranks[:s.k], s.fps[:s.k]
	}
}

// Merge folds o into s: s then holds the bottom k of both. A sketch that
// was zero takes o's size.
func (s *Sketch) Merge(o Sketch) {
	if s.k == 0 && len(s.ranks) == 0 {
		s.k = o.k
	}
	for j, r := range o.ranks {
		if !s.wants(r) {
			return // o is ascending: nothing after this enters either
		}
		if i, found := slices.BinarySearch(s.ranks, r); !found {
			s.insert(i, r, o.fps[j])
		}
	}
}
