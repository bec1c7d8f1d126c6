package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// errFetchBudget is returned by s3ReaderAt once the bytes fetched for one
// object would pass its budget.
var errFetchBudget = errors.New("scanner: s3: fetch budget for the object exhausted")

// s3ReaderAt gives random access to one S3 object through ranged GETs, for
// formats that need it (a zip's central directory, a Parquet footer). Reads
// are widened to whole blocks and the last few blocks are cached, so the
// many small reads of a footer parser cost one request each block. Every
// GET carries If-Match with the listed ETag: an object replaced mid-read
// fails instead of mixing versions. The total fetched is capped. Safe for
// concurrent use.
type s3ReaderAt struct {
	ctx    context.Context
	client *s3.Client
	bucket string
	key    string
	region string
	etag   string
	size   int64
	budget int64
	block  int64 // bytes per ranged GET; 0 means readAtBlock

	mu      sync.Mutex
	fetched int64
	blocks  []cachedBlock // most recent last
}

type cachedBlock struct {
	off  int64
	data []byte
}

const (
	readAtBlock  = 64 << 10
	readAtCached = 4
)

var _ io.ReaderAt = (*s3ReaderAt)(nil)

// Fetched returns the bytes downloaded so far.
func (r *s3ReaderAt) Fetched() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fetched
}

// ReadAt implements io.ReaderAt.
func (r *s3ReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("scanner: s3: negative offset")
	}
	if off >= r.size {
		return 0, io.EOF
	}
	bs := r.blockSize()
	n := 0
	for n < len(p) && off+int64(n) < r.size {
		blk, err := r.fetchBlock((off + int64(n)) / bs * bs)
		if err != nil {
			return n, err
		}
		within := off + int64(n) - blk.off
		n += copy(p[n:], blk.data[within:])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// blockSize is the size of one ranged GET.
func (r *s3ReaderAt) blockSize() int64 {
	if r.block > 0 {
		return r.block
	}
	return readAtBlock
}

// fetchBlock returns the cached or freshly fetched block starting at off.
func (r *s3ReaderAt) fetchBlock(off int64) (cachedBlock, error) {
	r.mu.Lock()
	for i, b := range r.blocks {
		if b.off == off {
			// Move to the most-recent end.
			r.blocks = append(append(r.blocks[:i:i], r.blocks[i+1:]...), b)
			r.mu.Unlock()
			return b, nil
		}
	}
	end := min(off+r.blockSize(), r.size)
	if r.fetched+(end-off) > r.budget {
		r.mu.Unlock()
		return cachedBlock{}, errFetchBudget
	}
	r.fetched += end - off
	r.mu.Unlock()

	in := &s3.GetObjectInput{
		Bucket: aws.String(r.bucket),
		Key:    aws.String(r.key),
		Range:  aws.String(fmt.Sprintf("bytes=%d-%d", off, end-1)),
	}
	if r.etag != "" {
		in.IfMatch = aws.String(r.etag)
	}
	_, data, err := getRange(r.ctx, r.client, in, end-off, func(o *s3.Options) { o.Region = r.region })
	if err != nil {
		return cachedBlock{}, fmt.Errorf("scanner: s3: ranged get %s: %w", r.key, err)
	}
	b := cachedBlock{off: off, data: data}
	r.mu.Lock()
	r.blocks = append(r.blocks, b)
	if len(r.blocks) > readAtCached {
		r.blocks = r.blocks[1:]
	}
	r.mu.Unlock()
	return b, nil
}
