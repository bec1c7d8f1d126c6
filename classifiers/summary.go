package classifiers

import (
	"slices"
	"strings"
)

// Summary aggregates the matches of one identifier, for a findings row.
type Summary struct {
	Identifier       string     // upper-snake id
	Category         Category   // category of the identifier
	Confidence       Confidence // highest confidence among the matches
	Count            int        // number of matches
	RedactedExamples []string   // distinct redacted values in match order, at most maxExamples
	Fingerprints     []string   // distinct fingerprints, sorted, at most maxFingerprints
}

// Summarize groups matches by identifier and returns one Summary per
// identifier, sorted by Identifier. RedactedExamples keeps the first
// maxExamples distinct redacted values in match order. Fingerprints keeps
// the maxFingerprints smallest distinct fingerprints, so the choice does
// not depend on match order and two summaries of the same data agree. A
// limit of 0 or less keeps none.
func Summarize(ms []Match, maxExamples, maxFingerprints int) []Summary {
	if len(ms) == 0 {
		return nil
	}
	type acc struct {
		s        Summary
		examples map[string]bool
		fps      map[string]bool
	}
	byID := map[string]*acc{}
	for _, m := range ms {
		a := byID[m.Identifier]
		if a == nil {
			a = &acc{
				s:        Summary{Identifier: m.Identifier, Category: m.Category, Confidence: m.Confidence},
				examples: map[string]bool{},
				fps:      map[string]bool{},
			}
			byID[m.Identifier] = a
		}
		a.s.Count++
		if m.Confidence.Rank() > a.s.Confidence.Rank() {
			a.s.Confidence = m.Confidence
		}
		if len(a.s.RedactedExamples) < maxExamples && m.Redacted != "" && !a.examples[m.Redacted] {
			a.examples[m.Redacted] = true
			a.s.RedactedExamples = append(a.s.RedactedExamples, m.Redacted)
		}
		if maxFingerprints > 0 && m.Fingerprint != "" {
			a.fps[m.Fingerprint] = true
		}
	}
	out := make([]Summary, 0, len(byID))
	for _, a := range byID {
		if len(a.fps) > 0 {
			fps := make([]string, 0, len(a.fps))
			for fp := range a.fps {
				fps = append(fps, fp)
			}
			slices.Sort(fps)
			a.s.Fingerprints = fps[:min(len(fps), maxFingerprints)]
		}
		out = append(out, a.s)
	}
	slices.SortFunc(out, func(a, b Summary) int { return strings.Compare(a.Identifier, b.Identifier) })
	return out
}
