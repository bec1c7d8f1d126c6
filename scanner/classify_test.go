package scanner_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner"
)

// TestClassifyStreamNoFingerprints checks that NoFingerprints drops the
// fingerprints and nothing else.
func TestClassifyStreamNoFingerprints(t *testing.T) {
	eng, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	const data = "name,ssn,email\nAda,123-45-6789,ada@example.com\nBob,219-09-9999,bob@example.org\n"
	classify := func(lim scanner.FileLimits) []scanner.Finding {
		t.Helper()
		res, findings := scanner.ClassifyStream(context.Background(), eng, "people.csv", strings.NewReader(data), lim)
		if res.Status != scanner.StatusComplete {
			t.Fatalf("status %s (%s)", res.Status, res.Reason)
		}
		return findings
	}
	with, without := classify(scanner.FileLimits{}), classify(scanner.FileLimits{NoFingerprints: true})
	if len(with) == 0 || len(with) != len(without) {
		t.Fatalf("%d findings with fingerprints, %d without", len(with), len(without))
	}
	for i := range with {
		if len(with[i].Fingerprints) == 0 {
			t.Errorf("%s: no fingerprints by default", with[i].Identifier)
		}
		if len(without[i].Fingerprints) != 0 {
			t.Errorf("%s: %d fingerprints with NoFingerprints", without[i].Identifier, len(without[i].Fingerprints))
		}
		a, b := with[i], without[i]
		a.Fingerprints, b.Fingerprints = nil, nil
		if a.Identifier != b.Identifier || a.Count != b.Count || a.Confidence != b.Confidence ||
			a.Field != b.Field || a.Location != b.Location || strings.Join(a.RedactedExamples, "|") != strings.Join(b.RedactedExamples, "|") {
			t.Errorf("findings differ beyond fingerprints: %+v and %+v", a, b)
		}
	}
}
