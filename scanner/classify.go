package scanner

import (
	"bufio"
	"context"
	"io"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner/readers"
)

// FileLimits bound the classification of one local file or stream.
type FileLimits struct {
	MaxBytes    int64 // bytes read; 0 = the whole stream
	MaxExamples int   // redacted examples kept per finding; 0 = 3
}

// StreamResult says how one stream was read.
type StreamResult struct {
	Format    string
	Status    string // COMPLETE, PARTIAL, SKIPPED
	Reason    string
	BytesRead int64
}

// countingReader counts bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// ClassifyStream detects the format of r, reads it with the same readers
// the S3 scanner uses and classifies it with engine. Findings are located
// at name. It never returns an error: a stream that cannot be read is a
// SKIPPED result with a reason. Safe for concurrent use with distinct r.
func ClassifyStream(ctx context.Context, engine *classifiers.Engine, name string, r io.Reader, lim FileLimits) (StreamResult, []Finding) {
	if lim.MaxExamples <= 0 {
		lim.MaxExamples = 3
	}
	cr := &countingReader{r: r}
	var src io.Reader = cr
	if lim.MaxBytes > 0 {
		src = io.LimitReader(cr, lim.MaxBytes)
	}
	br := bufio.NewReaderSize(src, 64<<10)
	head, err := br.Peek(4096)
	res := StreamResult{Status: StatusSkipped}
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		res.Reason, res.BytesRead = readReason(err), cr.n
		return res, nil
	}
	format := readers.Detect(name, head)
	res.Format = string(format)
	if len(head) == 0 {
		res.Status = StatusComplete
		return res, nil
	}
	if !readers.Readable(format) {
		res.Reason, res.BytesRead = ReasonUnsupportedFileType, cr.n
		return res, nil
	}
	agg := newFindingAgg(lim.MaxExamples)
	rr, err := readers.Read(ctx, format, br, func(seg readers.Segment) error {
		agg.add(seg.Field, engine.Scan(seg.Data, seg.Field))
		return nil
	})
	res.BytesRead = cr.n
	if err != nil {
		res.Reason = readReason(err)
		return res, nil
	}
	res.Status = StatusComplete
	if lim.MaxBytes > 0 && cr.n >= lim.MaxBytes {
		// The cap was reached: unless the stream ends exactly there, only a
		// prefix was read.
		if n, _ := r.Read(make([]byte, 1)); n > 0 {
			res.Status, res.Reason = StatusPartial, ReasonByteLimit
		}
	}
	if rr.Malformed && res.Reason == "" {
		res.Reason = ReasonMalformed
	}
	return res, agg.findings(Finding{Location: name})
}
