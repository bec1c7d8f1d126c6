package scanner

import (
	"slices"
	"sort"
	"strings"

	"github.com/cairnsec/cairn/classifiers"
)

// maxFingerprints caps fingerprints kept per finding row.
const maxFingerprints = 50

// findingAgg merges the per-segment matches of one location into finding
// rows, keeping counts exact and examples and fingerprints bounded.
type findingAgg struct {
	maxExamples int
	ids         map[string]*idAgg
}

type idAgg struct {
	category, confidence string
	count                int64
	fields               map[string]bool
	examples             []string
	fingerprints         classifiers.Sketch
}

func newFindingAgg(maxExamples int) *findingAgg {
	return &findingAgg{maxExamples: maxExamples, ids: map[string]*idAgg{}}
}

// add folds the summaries of one segment (with its field context).
func (a *findingAgg) add(field string, sums []classifiers.Summary) {
	for _, sum := range sums {
		g, ok := a.ids[sum.Identifier]
		if !ok {
			g = &idAgg{category: string(sum.Category), fields: map[string]bool{}, fingerprints: classifiers.NewSketch(maxFingerprints)}
			a.ids[sum.Identifier] = g
		}
		g.count += int64(sum.Count)
		if sum.Confidence.Rank() > classifiers.Confidence(g.confidence).Rank() {
			g.confidence = string(sum.Confidence)
		}
		if field != "" && len(g.fields) < 16 {
			g.fields[field] = true
		}
		for _, ex := range sum.RedactedExamples {
			if len(g.examples) < a.maxExamples && !slices.Contains(g.examples, ex) {
				g.examples = append(g.examples, ex)
			}
		}
		// The bottom-k of the segments' sketches: the same values give the
		// same fingerprints in every store, so rows join across stores.
		g.fingerprints.Merge(sum.Fingerprints)
	}
}

// findings returns one row per identifier, based on tmpl, sorted by identifier.
func (a *findingAgg) findings(tmpl Finding) []Finding {
	out := make([]Finding, 0, len(a.ids))
	for id, g := range a.ids {
		f := tmpl
		f.Identifier, f.Category, f.Confidence, f.Count = id, g.category, g.confidence, g.count
		f.Field = strings.Join(sortedKeys(g.fields), ",")
		f.RedactedExamples = append([]string(nil), g.examples...)
		f.Fingerprints = g.fingerprints.List()
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Identifier < out[j].Identifier })
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// locationAggs aggregates findings per location of one object: the object
// itself and, inside archives, each entry ("key!inner/path").
type locationAggs struct {
	base        string
	maxExamples int
	byLoc       map[string]*findingAgg
}

func newLocationAggs(base string, maxExamples int) *locationAggs {
	return &locationAggs{base: base, maxExamples: maxExamples, byLoc: map[string]*findingAgg{}}
}

// add folds the summaries of one segment found in entry ("" for the object).
func (l *locationAggs) add(entry, field string, sums []classifiers.Summary) {
	loc := l.base
	if entry != "" {
		loc += "!" + entry
	}
	a, ok := l.byLoc[loc]
	if !ok {
		a = newFindingAgg(l.maxExamples)
		l.byLoc[loc] = a
	}
	a.add(field, sums)
}

// findings returns the rows of every location, based on tmpl, sorted by
// location then identifier.
func (l *locationAggs) findings(tmpl Finding) []Finding {
	locs := make([]string, 0, len(l.byLoc))
	for loc := range l.byLoc {
		locs = append(locs, loc)
	}
	sort.Strings(locs)
	var out []Finding
	for _, loc := range locs {
		t := tmpl
		t.Location = loc
		out = append(out, l.byLoc[loc].findings(t)...)
	}
	return out
}
