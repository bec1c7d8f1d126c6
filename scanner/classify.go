package scanner

import (
	"context"
	"io"
	"os"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner/readers"
)

// FileLimits bound the classification of one local file or stream.
type FileLimits struct {
	MaxBytes    int64 // bytes read; 0 = the whole stream
	MaxExamples int   // redacted examples kept per finding; 0 = 3
	// NoFingerprints leaves Finding.Fingerprints empty. A caller that does
	// not use them should set it: ranking every match and computing the
	// HMAC of those that enter the sketch is a sizeable part of classifying
	// PII-dense data. Counts, confidences and examples are the same.
	NoFingerprints bool
}

// StreamResult says how one stream was read.
type StreamResult struct {
	Format    string
	Status    string // COMPLETE, PARTIAL, SKIPPED
	Reason    string
	BytesRead int64
}

// ClassifyStream detects the format of r, reads it with the same readers
// the S3 scanner uses and classifies it with engine. A regular file (an
// *os.File) is read with random access, so archives and Parquet work; any
// other reader is streamed. Findings are located at name, or name!entry
// inside archives. It never returns an error: a stream that cannot be read
// is a SKIPPED result with a reason. Safe for concurrent use with distinct r.
func ClassifyStream(ctx context.Context, engine *classifiers.Engine, name string, r io.Reader, lim FileLimits) (StreamResult, []Finding) {
	if lim.MaxExamples <= 0 {
		lim.MaxExamples = defaultMaxExamples
	}
	fingerprints := maxFingerprints
	if lim.NoFingerprints {
		fingerprints = 0
	}
	src := readers.Source{Name: name, Size: -1, Stream: r}
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			src = readers.Source{Name: name, Size: st.Size(), At: f}
		}
	}
	rl := readers.DefaultLimits()
	rl.MaxBytes = lim.MaxBytes
	if rl.MaxBytes <= 0 {
		rl.MaxBytes = 1 << 62 // the whole stream
		rl.MaxObjectSize = 1 << 62
	}
	aggs := newLocationAggs(name, lim.MaxExamples)
	rr, err := readers.ReadSource(ctx, src, rl, func(seg readers.Segment) error {
		aggs.add(seg.Entry, seg.Field, engine.ScanSummaries(seg.Data, seg.Field, lim.MaxExamples, fingerprints))
		return nil
	})
	res := StreamResult{Format: string(rr.Format), Status: string(rr.Status), Reason: string(rr.Reason), BytesRead: rr.BytesRead}
	if err != nil && res.Reason == "" {
		res.Reason = readReason(err)
	}
	if res.Status == "" {
		res.Status = StatusSkipped
	}
	findings := aggs.findings(Finding{})
	return res, findings
}
