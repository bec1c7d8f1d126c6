package readers

import "sync"

// batcher groups values by field and emits each field's values, joined by
// '\n', as one Segment once they reach segmentSize, and all of them at the
// end. Field 0 is the catch-all "" that takes free text and the values of
// fields past maxFields. The capacity of all buffers together stays under
// maxBuffered: past it every buffer is emitted and released. After emit
// fails, every call returns that error. Not safe for concurrent use.
type batcher struct {
	emit   func(Segment) error
	names  []string
	bufs   [][]byte
	byName map[string]int // JSON paths; CSV columns use indexes directly
	held   int            // sum of cap(bufs[i])
	err    error
	// spare holds released small buffers by size class, for the fields of
	// later files: growing every field's buffer afresh, file after file,
	// was most of the memory a run touched for the first time. Not counted
	// in held; at most 1 MiB.
	spare [smallClasses][][]byte
}

// newBatcher returns a batcher from the pool: one is made per file read,
// and its field tables were a steady stream of small allocations. Call
// release when done with it.
func newBatcher(emit func(Segment) error) *batcher {
	b := batcherPool.Get().(*batcher)
	b.start(emit)
	return b
}

// start readies an empty batcher for a file.
func (b *batcher) start(emit func(Segment) error) {
	b.emit = emit
	b.names = append(b.names[:0], "")
	b.bufs = append(b.bufs[:0], nil)
}

var batcherPool = sync.Pool{New: func() any { return new(batcher) }}

// newField adds a field and returns its index, or 0 (the catch-all) when
// there are already maxFields fields.
func (b *batcher) newField(name string) int {
	if len(b.names) > maxFields {
		return 0
	}
	b.names = append(b.names, name)
	b.bufs = append(b.bufs, nil)
	return len(b.names) - 1
}

// lookup returns the index of the field named name, adding it if needed.
func (b *batcher) lookup(name []byte) int {
	if len(name) == 0 {
		return 0
	}
	if i, ok := b.byName[string(name)]; ok {
		return i
	}
	if b.byName == nil {
		b.byName = make(map[string]int)
	}
	s := string(name)
	i := b.newField(s)
	if i != 0 {
		b.byName[s] = i
	}
	return i
}

// add appends one value to field i. Empty values are dropped.
func (b *batcher) add(i int, v string) error {
	if b.err != nil || v == "" {
		return b.err
	}
	b.reserve(i, len(v))
	buf := b.bufs[i]
	if len(buf) > 0 {
		buf = append(buf, '\n')
	}
	buf = append(buf, v...)
	return b.stored(i, buf)
}

// addBytes is add for a value held in bytes, which it copies.
func (b *batcher) addBytes(i int, v []byte) error {
	if b.err != nil || len(v) == 0 {
		return b.err
	}
	b.reserve(i, len(v))
	buf := b.bufs[i]
	if len(buf) > 0 {
		buf = append(buf, '\n')
	}
	buf = append(buf, v...)
	return b.stored(i, buf)
}

// reserve makes room for a value of n bytes in field i. Small buffers
// have the capacities of the size classes, minSmallBuf doubling to
// maxSmallBuf, taken from the batcher's spares when it has one; a buffer
// that outgrows maxSmallBuf moves to a pooled one of bigBufCap bytes, so
// that the fields that fill whole segments do not reallocate as they
// grow, from one reader to the next. Capacities depend only on what was
// added, never on which buffers were free, so where held passes
// maxBuffered, and with it the segments emitted, does not either.
func (b *batcher) reserve(i, n int) {
	buf := b.bufs[i]
	need := len(buf) + 1 + n
	if need <= cap(buf) || cap(buf) >= bigBufCap || need > bigBufCap {
		return // no room needed, or a value too large for any: append grows it
	}
	var nb []byte
	if need > maxSmallBuf {
		nb = (*bigBufPool.Get().(*[]byte))[:len(buf)]
	} else {
		c := smallClass(need)
		if k := len(b.spare[c]); k > 0 {
			nb = b.spare[c][k-1][:len(buf)]
			b.spare[c] = b.spare[c][:k-1]
		} else {
			nb = make([]byte, len(buf), minSmallBuf<<c)
		}
	}
	copy(nb, buf)
	b.putSmall(buf)
	b.held += cap(nb) - cap(buf)
	b.bufs[i] = nb
}

// Small field buffers: size classes from minSmallBuf to maxSmallBuf, and
// at most maxSpare spares kept per class (1 MiB in all).
const (
	minSmallBuf  = 256
	maxSmallBuf  = 8 << 10
	smallClasses = 6 // log2(maxSmallBuf/minSmallBuf) + 1
	maxSpare     = 64
)

// putBuf gives back a field buffer that is no longer used: a big one to
// its pool, a small one to b's spares.
func (b *batcher) putBuf(buf []byte) {
	putBigBuf(buf)
	b.putSmall(buf)
}

// smallClass returns the size class of the smallest small buffer that
// holds n bytes, n at most maxSmallBuf.
func smallClass(n int) int {
	c := 0
	for minSmallBuf<<c < n {
		c++
	}
	return c
}

// putSmall keeps buf, if it is a small buffer, as a spare of its class.
func (b *batcher) putSmall(buf []byte) {
	n := cap(buf)
	if n < minSmallBuf || n > maxSmallBuf {
		return
	}
	if c := smallClass(n); minSmallBuf<<c == n && len(b.spare[c]) < maxSpare {
		b.spare[c] = append(b.spare[c], buf[:0])
	}
}

// stored records buf as field i's buffer and flushes as needed.
func (b *batcher) stored(i int, buf []byte) error {
	b.held += cap(buf) - cap(b.bufs[i])
	b.bufs[i] = buf
	if len(buf) >= segmentSize {
		if err := b.flush(i); err != nil {
			return err
		}
	}
	if b.held > maxBuffered {
		return b.flushAll(true)
	}
	return nil
}

// release returns pooled buffers, and b to its pool; b must not be used
// afterwards. Readers call it when done, after their last flush.
func (b *batcher) release() {
	b.reset()
	batcherPool.Put(b)
}

// reset empties b, keeping its tables and spare buffers.
func (b *batcher) reset() {
	for i, buf := range b.bufs {
		b.putBuf(buf)
		b.bufs[i] = nil
	}
	clear(b.names)
	byName := b.byName
	if len(byName) > 256 {
		byName = nil // do not keep, nor clear each time, a table that grew large
	}
	clear(byName)
	*b = batcher{names: b.names[:0], bufs: b.bufs[:0], byName: byName, spare: b.spare}
}

// bigBufCap is the capacity of pooled field buffers: a segment and a value.
const bigBufCap = segmentSize + 64<<10

var bigBufPool = sync.Pool{New: func() any { b := make([]byte, 0, bigBufCap); return &b }}

// putBigBuf returns a pooled buffer.
func putBigBuf(buf []byte) {
	if cap(buf) == bigBufCap {
		p := new([]byte) // here, not for every buffer released
		*p = buf[:0]
		bigBufPool.Put(p)
	}
}

// flush emits field i if it holds anything.
func (b *batcher) flush(i int) error {
	if b.err != nil {
		return b.err
	}
	if len(b.bufs[i]) == 0 {
		return nil
	}
	if err := b.emit(Segment{Field: b.names[i], Data: b.bufs[i]}); err != nil {
		b.err = err
		return err
	}
	b.bufs[i] = b.bufs[i][:0]
	return nil
}

// flushAll emits every field in the order the fields were added; with
// release it also frees the buffers.
func (b *batcher) flushAll(release bool) error {
	for i := range b.bufs {
		if err := b.flush(i); err != nil {
			return err
		}
		if release {
			b.held -= cap(b.bufs[i])
			b.putBuf(b.bufs[i])
			b.bufs[i] = nil
		}
	}
	return nil
}
