package classifiers

import (
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cairnsec/cairn/classifiers/internal/corpus"
)

var accuracySeed = flag.Uint64("accuracy.seed", 1, "seed of the labelled corpus of TestAccuracy")

// Accuracy thresholds every identifier must meet on the labelled corpus.
const (
	minPrecision = 0.99
	minRecall    = 0.98
)

// tally counts one identifier's outcomes: a match that overlaps a planted
// value of the same identifier is a true positive (exact if the spans are
// equal), any other match a false positive, and a planted value no match
// overlaps a false negative.
type tally struct {
	tp, exact, fp, fn int
	examples          []string // a few misses and false alarms, for the log
}

func (t *tally) precision() float64 {
	if t.tp+t.fp == 0 {
		return 1
	}
	return float64(t.tp) / float64(t.tp+t.fp)
}

func (t *tally) recall() float64 {
	if t.tp+t.fn == 0 {
		return 1
	}
	return float64(t.tp) / float64(t.tp+t.fn)
}

func (t *tally) note(format string, args ...any) {
	if len(t.examples) < 4 {
		t.examples = append(t.examples, fmt.Sprintf(format, args...))
	}
}

// snippet shows data[start:end] with a little context, on one line. The
// corpus is synthetic, so showing its values in a test log is fine.
func snippet(data []byte, start, end int) string {
	a, b := max(0, start-40), min(len(data), end+20)
	s := string(data[a:start]) + "[[" + string(data[start:end]) + "]]" + string(data[end:b])
	return strings.NewReplacer("\n", `\n`, "\t", `\t`).Replace(s)
}

// TestAccuracy scans the labelled corpus (logs, CSV, JSON and JSON Lines
// with planted values of every identifier, and decoy-only files) as the
// scanner would: a log as one text segment, structured files one column
// or JSON path at a time with its name as field. Every identifier must
// reach minPrecision and minRecall by position, and decoy files must give
// no match at all.
func TestAccuracy(t *testing.T) {
	e := newTestEngine(t)
	files := corpus.Labelled(*accuracySeed, corpus.Options{})

	ids := map[string]*tally{}
	for _, info := range e.Identifiers() {
		ids[info.ID] = &tally{}
	}
	for _, id := range corpus.Identifiers() {
		if ids[id] == nil {
			t.Errorf("corpus generates %s, which the engine does not know", id)
			ids[id] = &tally{}
		}
	}

	var bytesScanned, decoyBytes int
	for _, f := range files {
		for _, seg := range f.Segments {
			bytesScanned += len(seg.Data)
			ms := e.Scan(seg.Data, seg.Field)
			if f.Decoy {
				decoyBytes += len(seg.Data)
				for _, m := range ms {
					t.Errorf("decoy file %s field %q: %s %s at %s", f.Name, seg.Field, m.Identifier, m.Confidence, snippet(seg.Data, m.Start, m.End))
				}
				continue
			}
			used := make([]bool, len(seg.Want))
			for _, m := range ms {
				tl := ids[m.Identifier]
				hit := -1
				for i, w := range seg.Want {
					if !used[i] && w.Identifier == m.Identifier && m.Start < w.End && w.Start < m.End {
						hit = i
						break
					}
				}
				if hit < 0 {
					tl.fp++
					tl.note("FP %s field %q: %s", f.Name, seg.Field, snippet(seg.Data, m.Start, m.End))
					continue
				}
				used[hit] = true
				tl.tp++
				if w := seg.Want[hit]; w.Start == m.Start && w.End == m.End {
					tl.exact++
				} else {
					tl.note("span %s field %q: want %s got %s", f.Name, seg.Field, snippet(seg.Data, w.Start, w.End), snippet(seg.Data, m.Start, m.End))
				}
			}
			for i, w := range seg.Want {
				if !used[i] {
					tl := ids[w.Identifier]
					tl.fn++
					tl.note("FN %s field %q: %s", f.Name, seg.Field, snippet(seg.Data, w.Start, w.End))
				}
			}
		}
	}

	names := make([]string, 0, len(ids))
	for id := range ids {
		names = append(names, id)
	}
	slices.Sort(names)
	var sb strings.Builder
	fmt.Fprintf(&sb, "labelled corpus seed %d: %d files, %.1f MiB scanned (%.1f MiB decoy-only)\n", *accuracySeed, len(files), float64(bytesScanned)/(1<<20), float64(decoyBytes)/(1<<20))
	fmt.Fprintf(&sb, "%-28s %6s %6s %5s %5s %9s %7s\n", "identifier", "values", "exact", "FP", "FN", "precision", "recall")
	for _, id := range names {
		tl := ids[id]
		fmt.Fprintf(&sb, "%-28s %6d %6d %5d %5d %9.4f %7.4f\n", id, tl.tp+tl.fn, tl.exact, tl.fp, tl.fn, tl.precision(), tl.recall())
	}
	for _, id := range names {
		if tl := ids[id]; len(tl.examples) > 0 {
			fmt.Fprintf(&sb, "%s:\n\t%s\n", id, strings.Join(tl.examples, "\n\t"))
		}
	}
	t.Log("\n" + sb.String())

	for _, id := range names {
		tl := ids[id]
		if tl.tp+tl.fn < 50 {
			t.Errorf("%s: only %d planted values; the corpus must cover every identifier", id, tl.tp+tl.fn)
		}
		if tl.precision() < minPrecision || tl.recall() < minRecall {
			t.Errorf("%s: precision %.4f (min %.2f), recall %.4f (min %.2f); e.g.\n\t%s", id, tl.precision(), minPrecision, tl.recall(), minRecall, strings.Join(tl.examples, "\n\t"))
		}
	}
}
