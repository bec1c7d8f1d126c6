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
	Fingerprints     Sketch     // of the distinct values, at most maxFingerprints (sketch.go)
}

// Summarize groups matches by identifier and returns one Summary per
// identifier, sorted by Identifier. RedactedExamples keeps the first
// maxExamples distinct redacted values in match order. Fingerprints is the
// bottom-maxFingerprints sketch of the distinct values, so the choice does
// not depend on match order and two summaries of the same data agree. A
// limit of 0 or less keeps none. Engine.ScanSummaries gives the same
// summaries without building the matches.
func Summarize(ms []Match, maxExamples, maxFingerprints int) []Summary {
	if len(ms) == 0 {
		return nil
	}
	byID := map[string]*Summary{}
	for _, m := range ms {
		a := byID[m.Identifier]
		if a == nil {
			a = &Summary{Identifier: m.Identifier, Category: m.Category, Confidence: m.Confidence, Fingerprints: NewSketch(maxFingerprints)}
			byID[m.Identifier] = a
		}
		a.Count++
		if m.Confidence.Rank() > a.Confidence.Rank() {
			a.Confidence = m.Confidence
		}
		if len(a.RedactedExamples) < maxExamples && m.Redacted != "" && !slices.Contains(a.RedactedExamples, m.Redacted) {
			a.RedactedExamples = append(a.RedactedExamples, m.Redacted)
		}
		if m.Fingerprint != "" {
			a.Fingerprints.add(m.rank, func() string { return m.Fingerprint })
		}
	}
	out := make([]Summary, 0, len(byID))
	for _, a := range byID {
		out = append(out, *a)
	}
	slices.SortFunc(out, func(a, b Summary) int { return strings.Compare(a.Identifier, b.Identifier) })
	return out
}
