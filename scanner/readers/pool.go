package readers

import (
	"bufio"
	"io"
	"sync"
)

// Pools of the large buffers every Read needs, so that reading many small
// objects does not allocate and clear hundreds of KiB each time. Nothing
// taken from a pool is referenced after Read returns: Segment.Data may not be
// retained by emit.
var (
	decoderPool = sync.Pool{New: func() any {
		return &textDecoder{raw: make([]byte, 32<<10), out: make([]byte, 0, 64<<10)}
	}}
	segmentPool = sync.Pool{New: func() any { b := make([]byte, segmentSize); return &b }}
	bufioPool   = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, peekSize) }}
	headPool    = sync.Pool{New: func() any { b := make([]byte, headSize); return &b }}

	jsonWalkerPool = sync.Pool{New: func() any { return new(jsonWalker) }}
	csvRecordPool  = sync.Pool{New: func() any { return new([2]csvRecord) }}
)

// newTextDecoder returns a decoder of src; call release when done with it.
func newTextDecoder(src io.Reader) *textDecoder {
	d := decoderPool.Get().(*textDecoder)
	raw, out := d.raw, d.out[:0]
	*d = textDecoder{src: src, raw: raw, out: out}
	return d
}

// release returns d to its pool; d must not be used afterwards.
func (d *textDecoder) release() {
	if cap(d.out) > 1<<20 {
		d.out = nil // do not keep an outsized buffer
	}
	d.src, d.err, d.readErr, d.trustEOF = nil, nil, nil, false
	decoderPool.Put(d)
}

func getBufio(r io.Reader) *bufio.Reader {
	br := bufioPool.Get().(*bufio.Reader)
	br.Reset(r)
	return br
}

func putBufio(br *bufio.Reader) {
	br.Reset(nil)
	bufioPool.Put(br)
}

// putCSVRecords returns the records of a readCSV to their pool, unless a
// huge row made them outsized.
func putCSVRecords(recs *[2]csvRecord) {
	for i := range recs {
		if cap(recs[i].buf) > 1<<20 || cap(recs[i].ends) > 1<<16 {
			recs[i] = csvRecord{}
		}
		recs[i].reset()
	}
	csvRecordPool.Put(recs)
}
