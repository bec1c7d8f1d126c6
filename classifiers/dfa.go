package classifiers

import (
	"encoding/binary"
	"hash/maphash"
	"regexp/syntax"
	"slices"
	"sync"
	"sync/atomic"
)

// A lazily built DFA over a nfaProgram, in one of three modes:
//
//   - modeMulti: unanchored, every pattern at once; a transition reports
//     the patterns that have a match ending just before its byte. One
//     pass over a buffer yields every (pattern, end) pair.
//   - modeReverse: anchored at a match end and run backwards over one
//     pattern's reversed nfaProgram; reports every start of a match.
//   - modeFirst: anchored at a start and run forwards over one pattern
//     with leftmost-first (Perl/RE2) priorities; the last report is the
//     end RE2 would choose.
//
// States are built on first use: the new state's closure and step are
// computed without a lock, in scratch of the calling goroutine, and only
// adding the state to the index and publishing the transition take the
// mutex, so goroutines that meet new states at the same time build them in
// parallel (two that need the same transition both compute it; the first
// to publish wins, the other's work is dropped). Scans read the transition
// table without locks (atomic loads of a table that only grows by copy),
// so one DFA serves any number of goroutines.

type dfaMode uint8

const (
	modeMulti dfaMode = iota
	modeReverse
	modeFirst
)

// State flags: what the consumed side of the current position looks like.
const (
	flagStart    = 1 << iota // at the start of the scan (text start, or text end backwards)
	flagPrevNL               // previous byte is '\n'
	flagPrevWord             // previous byte is an ASCII word character
)

// A scan's current state is the offset of its row in the transition
// table (its id × stride), so that a step is one load and an add, with no
// multiplication on the chain of dependent loads. A table entry is
// unbuilt (-1) until its transition is built; then it is the next
// state's row offset times two, plus 1 (report) if the transition reports
// a match.
const (
	unbuilt   = -1
	report    = 1
	deadState = 0 // anchored modes: no thread left; id and offset 0
	// maxRowOffset bounds a row offset, so that an entry (offset × 2 + 1)
	// fits an int32.
	maxRowOffset = 1 << 30
)

// dstate is one DFA state.
type dstate struct {
	nodes []int32
	flags uint8
	// matches[k] is, for a transition on class k that reports, 1 + the
	// index in the DFA's lists of the patterns that match before a byte
	// of class k (modeMulti). Allocated on the state's first report,
	// under mu; an entry is written before its transition is published.
	// Interned indices rather than a slice per class: a row of slices per
	// reporting state was a large share of what a cold run allocated.
	matches []uint32
	// end is 0 until computed, then 1 (no match at the text edge) or 2.
	end        atomic.Int32
	endMatches []int32
}

// classMap partitions bytes into classes that every byte set of a nfaProgram,
// the word characters and '\n' respect.
type classMap struct {
	of  [256]uint8
	rep []byte // a representative byte per class
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// newClassMap partitions the bytes by their membership in every byte set
// of progs, the word characters and '\n', numbering the classes in the
// order of their first byte. Each set refines the partition in place: a
// byte's new class is the first of its old class's bytes with the same
// membership, renumbered in byte order, so no per-byte signature is kept.
func newClassMap(progs ...*nfaProgram) *classMap {
	var of [256]uint8 // class of each byte; one class at first
	n := 1
	refine := func(has func(byte) bool) {
		var next [2 * 256]int16 // (old class, member) → new class + 1
		k := 0
		for c := range 256 {
			i := 2 * int(of[c])
			if has(byte(c)) {
				i++
			}
			if next[i] == 0 {
				k++
				next[i] = int16(k)
			}
			of[c] = uint8(next[i] - 1)
		}
		n = k
	}
	refine(isWordByte)
	refine(func(c byte) bool { return c == '\n' })
	seen := map[byteSet]bool{}
	for _, p := range progs {
		for _, s := range p.sets {
			if !seen[s] {
				seen[s] = true
				refine(s.has)
			}
		}
	}
	cm := &classMap{of: of, rep: make([]byte, n)}
	for c := 255; c >= 0; c-- {
		cm.rep[of[c]] = byte(c) // ends at each class's first byte
	}
	return cm
}

// lazyDFA is a lazily built DFA; see the top of this file.
type lazyDFA struct {
	prog   *nfaProgram
	mode   dfaMode
	starts []int32
	cls    *classMap
	stride int
	recip  uint64 // ⌈2³²/stride⌉, for state
	limit  int    // most states before the DFA gives up

	tab    atomic.Pointer[[]int32]
	states atomic.Pointer[[]*dstate]

	mu sync.Mutex
	// index finds a state by the hash of its key (flags and nodes), and
	// holds what telling it apart needs, so that a look-up reads no state
	// (a cache miss or three each, on a large DFA); the rare state whose
	// hash collides with an earlier, different state's is in spill, by
	// key. Both under mu.
	index map[uint64]stateRef
	spill map[string]int32
	// arena is the tail of the block that new states' node lists are
	// carved from, under mu: one allocation per block, not per state.
	arena []int32
	hash  func(key []byte) uint64 // maphash under a seed of d's; tests collide
	// lists are the distinct sets of patterns reported by transitions
	// (modeMulti), grown by copy like tab; listIdx finds one, under mu.
	lists   atomic.Pointer[[][]int32]
	listIdx map[string]uint32
	key     []byte          // addState's scratch, under mu
	initial [8]atomic.Int32 // by flags, id+1; 0 unknown
	full    atomic.Bool     // set under mu
	// fromStarts caches, per assertion set (an EmptyOp, below 64), the
	// closure of every pattern start (modeMulti): the part of each new
	// state's closure that all states share, which for a large table is
	// most of it. Computed on first use; a goroutine that loses the race
	// to store it uses the winner's, which is equal.
	fromStarts [64]atomic.Pointer[startClosure]
}

// startClosure is the closure of a multi DFA's pattern starts under one
// assertion set: its byte nodes and matched patterns, and, per byte class,
// the nodes its byte nodes step to (computed on first use, like
// fromStarts): every new state's step shares that part.
type startClosure struct {
	byteNs, matched []int32
	next            []atomic.Pointer[[]int32]
}

// dfaScratch is the working memory of building one transition: a
// goroutine takes one from scratchPool for the closure and step and gives
// it back. mark is indexed by NFA node and stamped with gen, so one
// scratch serves DFAs of any size (it grows to the largest program).
type dfaScratch struct {
	mark    []uint32
	gen     uint32
	stack   []int32
	byteNs  []int32
	matched []int32
	next    []int32
	// sc is the start closure of the closure just computed (modeMulti):
	// its byte nodes are not in byteNs but stepped through sc.next.
	sc *startClosure
}

var scratchPool = sync.Pool{New: func() any { return new(dfaScratch) }}

// getScratch returns a scratch whose mark covers d's program.
func (d *lazyDFA) getScratch() *dfaScratch {
	x := scratchPool.Get().(*dfaScratch)
	if len(x.mark) < len(d.prog.nodes) {
		x.mark, x.gen = make([]uint32, len(d.prog.nodes)), 0
	}
	return x
}

// nextGen starts a new marking generation.
func (x *dfaScratch) nextGen() {
	x.gen++
	if x.gen == 0 {
		clear(x.mark)
		x.gen = 1
	}
}

func newLazyDFA(prog *nfaProgram, mode dfaMode, starts []int32, cls *classMap, limit int) *lazyDFA {
	d := &lazyDFA{
		prog:   prog,
		mode:   mode,
		starts: starts,
		cls:    cls,
		stride: len(cls.rep),
		recip:  reciprocal(len(cls.rep)),
		limit:  limit,
		index:  map[uint64]stateRef{},
	}
	seed := maphash.MakeSeed()
	d.hash = func(key []byte) uint64 { return maphash.Bytes(seed, key) }
	tab := []int32{}
	states := []*dstate{}
	lists := [][]int32{}
	d.lists.Store(&lists)
	d.tab.Store(&tab)
	d.states.Store(&states)
	if mode != modeMulti {
		d.mu.Lock()
		d.addState(nil, 0) // the dead state, id 0
		d.mu.Unlock()
	}
	return d
}

// flagsBefore returns the state flags for a scan starting at position i
// of buf going forwards.
func flagsBefore(buf []byte, i int) uint8 {
	if i == 0 {
		return flagStart
	}
	return byteFlags(buf[i-1])
}

// flagsAfter returns the state flags for a scan starting at position i of
// buf going backwards.
func flagsAfter(buf []byte, i int) uint8 {
	if i == len(buf) {
		return flagStart
	}
	return byteFlags(buf[i])
}

func byteFlags(c byte) uint8 {
	var f uint8
	if c == '\n' {
		f |= flagPrevNL
	}
	if isWordByte(c) {
		f |= flagPrevWord
	}
	return f
}

// satisfied returns the assertions that hold between the consumed side
// (flags) and the next byte c (atEdge: no next byte).
func satisfied(flags uint8, c byte, atEdge bool) syntax.EmptyOp {
	var op syntax.EmptyOp
	if flags&flagStart != 0 {
		op |= syntax.EmptyBeginText | syntax.EmptyBeginLine
	}
	if flags&flagPrevNL != 0 {
		op |= syntax.EmptyBeginLine
	}
	nextWord := false
	if atEdge {
		op |= syntax.EmptyEndText | syntax.EmptyEndLine
	} else {
		if c == '\n' {
			op |= syntax.EmptyEndLine
		}
		nextWord = isWordByte(c)
	}
	if (flags&flagPrevWord != 0) != nextWord {
		op |= syntax.EmptyWordBoundary
	} else {
		op |= syntax.EmptyNoWordBoundary
	}
	return op
}

// addState returns the id of the state (nodes, flags), creating it. It
// returns -1 when the state limit is reached. Called under mu.
func (d *lazyDFA) addState(nodes []int32, flags uint8) int32 {
	if d.mode != modeMulti && len(nodes) == 0 {
		if st := *d.states.Load(); len(st) > 0 {
			return deadState
		}
		flags = 0
	}
	key := append(d.key[:0], flags)
	for _, n := range nodes {
		key = binary.LittleEndian.AppendUint32(key, uint32(n))
	}
	d.key = key
	h := d.hash(key)
	first, collides := d.index[h]
	if collides {
		if first.flags == flags && slices.Equal(first.nodes, nodes) {
			return first.id
		}
		if id, ok := d.spill[string(key)]; ok {
			return id
		}
	}
	states := *d.states.Load()
	if len(states) >= d.limit || (len(states)+1)*d.stride > maxRowOffset {
		d.full.Store(true)
		return -1
	}
	id := int32(len(states))
	st := &dstate{nodes: d.carve(nodes), flags: flags}
	if !collides {
		d.index[h] = stateRef{nodes: st.nodes, id: id, flags: flags}
	} else {
		if d.spill == nil {
			d.spill = map[string]int32{}
		}
		d.spill[string(key)] = id
	}
	states = append(states, st)
	d.states.Store(&states)
	tab := *d.tab.Load()
	if need := len(states) * d.stride; need > len(tab) {
		grown := make([]int32, need, max(need, 2*len(tab)))
		// Entries change only under mu, which is held: a plain copy
		// races with nothing (scans only load).
		copy(grown, tab)
		grown = grown[:cap(grown)]
		d.tab.Store(&grown)
		tab = grown
	}
	// No scan reads the new row before a transition to it is published.
	row := tab[int(id)*d.stride : int(id+1)*d.stride]
	for k := range row {
		row[k] = unbuilt
	}
	return id
}

// stateRef is an index entry: a state's id and key.
type stateRef struct {
	nodes []int32
	id    int32
	flags uint8
}

// Node lists are carved from blocks of nodes that double from
// minArenaBlock to maxArenaBlock (most of a registry's DFAs stay small);
// a list longer than a quarter of the largest gets its own allocation.
const (
	minArenaBlock = 256
	maxArenaBlock = 16 << 10
)

// carve returns a copy of nodes in d's arena (nil for none). Called
// under mu.
func (d *lazyDFA) carve(nodes []int32) []int32 {
	n := len(nodes)
	switch {
	case n == 0:
		return nil
	case n > maxArenaBlock/4:
		return slices.Clone(nodes)
	case n > cap(d.arena)-len(d.arena):
		d.arena = make([]int32, 0, max(n, min(maxArenaBlock, max(minArenaBlock, 2*cap(d.arena)))))
	}
	m := len(d.arena)
	d.arena = append(d.arena, nodes...)
	return d.arena[m : m+n : m+n]
}

// closure follows the epsilon edges from nodes (and, in modeMulti, from
// every pattern start) under the assertions sat, collecting byte nodes
// into x.byteNs and matched patterns into x.matched. In modeFirst the
// walk is in priority order and stops at the first match. It reads only
// what never changes once published, so it runs without d.mu.
func (d *lazyDFA) closure(x *dfaScratch, nodes []int32, sat syntax.EmptyOp) {
	x.nextGen()
	x.byteNs = x.byteNs[:0]
	x.matched = x.matched[:0]
	x.sc = nil
	stack := x.stack[:0]
	push := func(list []int32) {
		for i := len(list) - 1; i >= 0; i-- {
			stack = append(stack, list[i])
		}
	}
	if d.mode == modeMulti {
		sc := d.fromStarts[sat].Load()
		if sc == nil {
			push(d.starts)
			stack = d.walk(x, stack, sat)
			sc = &startClosure{byteNs: slices.Clone(x.byteNs), matched: slices.Clone(x.matched),
				next: make([]atomic.Pointer[[]int32], d.stride)}
			if !d.fromStarts[sat].CompareAndSwap(nil, sc) {
				// Another goroutine stored an equal one first. The
				// marks of this generation still cover sc's nodes.
				sc = d.fromStarts[sat].Load()
			}
			x.byteNs = x.byteNs[:0]
		} else {
			// The nodes of the start closure are not marked: a walk from
			// nodes that reaches one again adds a byte node that step
			// also reaches through sc.next, which step removes, or a
			// pattern twice, which trans removes.
			x.matched = append(x.matched, sc.matched...)
		}
		x.sc = sc
	}
	push(nodes)
	x.stack = d.walk(x, stack, sat)
}

// walk follows the epsilon edges from the nodes on stack (popped last
// first) under the assertions sat, skipping nodes marked in the current
// generation, and returns stack's memory for reuse.
func (d *lazyDFA) walk(x *dfaScratch, stack []int32, sat syntax.EmptyOp) []int32 {
	nodesArr := d.prog.nodes
	mark, gen := x.mark, x.gen
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if mark[n] == gen {
			continue
		}
		mark[n] = gen
		nd := &nodesArr[n]
		switch nd.op {
		case opByte:
			x.byteNs = append(x.byteNs, n)
		case opSplit:
			stack = append(stack, nd.out1, nd.out)
		case opAssert:
			if nd.cond&^sat == 0 {
				stack = append(stack, nd.out)
			}
		case opMatch:
			x.matched = append(x.matched, nd.pat)
			if d.mode == modeFirst {
				stack = stack[:0]
			}
		}
	}
	return stack
}

// step returns the nodes reached on byte c (of class k) from x.byteNs and,
// in modeMulti, from the start closure's byte nodes (through x.sc.next),
// deduplicated (sorted, unless priorities matter). Like closure, it runs
// without d.mu.
func (d *lazyDFA) step(x *dfaScratch, c byte, k uint8) []int32 {
	next := x.next[:0]
	x.nextGen()
	mark, gen := x.mark, x.gen
	for _, n := range x.byteNs {
		nd := &d.prog.nodes[n]
		if d.prog.sets[nd.set].has(c) && mark[nd.out] != gen {
			mark[nd.out] = gen
			next = append(next, nd.out)
		}
	}
	if sc := x.sc; sc != nil {
		p := sc.next[k].Load()
		if p == nil {
			out := []int32{}
			for _, n := range sc.byteNs {
				if nd := &d.prog.nodes[n]; d.prog.sets[nd.set].has(c) {
					out = append(out, nd.out)
				}
			}
			slices.Sort(out)
			out = slices.Compact(out)
			if !sc.next[k].CompareAndSwap(nil, &out) {
				p = sc.next[k].Load() // an equal one, stored first
			} else {
				p = &out
			}
		}
		for _, o := range *p {
			if mark[o] != gen {
				mark[o] = gen
				next = append(next, o)
			}
		}
	}
	if d.mode != modeFirst {
		slices.Sort(next)
	}
	x.next = next
	return next
}

// trans returns the table entry of the state at row offset o on class k,
// building the transition if needed; ok is false when the DFA is full.
// The new state is computed without the lock (see the top of this file);
// d.mu covers only the index look-up, adding the state and publishing the
// transition.
func (d *lazyDFA) trans(o int32, k uint8) (int32, bool) {
	idx := int(o) + int(k)
	if tab := *d.tab.Load(); idx < len(tab) {
		if v := atomic.LoadInt32(&tab[idx]); v != unbuilt {
			return v, true
		}
	}
	if d.full.Load() {
		return 0, false
	}
	st := d.state(o)
	c := d.cls.rep[k]
	x := d.getScratch()
	defer scratchPool.Put(x)
	d.closure(x, st.nodes, satisfied(st.flags, c, false))
	reports := len(x.matched) > 0
	var m []int32
	if reports && d.mode == modeMulti {
		m = slices.Clone(x.matched)
		slices.Sort(m)
		m = slices.Compact(m)
	}
	next := d.step(x, c, k)

	d.mu.Lock()
	defer d.mu.Unlock()
	tab := *d.tab.Load()
	if v := atomic.LoadInt32(&tab[idx]); v != unbuilt {
		return v, true // built meanwhile by another goroutine
	}
	if d.full.Load() {
		return 0, false
	}
	ns := d.addState(next, byteFlags(c))
	if ns < 0 {
		return 0, false
	}
	if m != nil {
		// Published before the transition that reports it: a scan reads
		// st.matches[k] only after loading a transition that reports.
		if st.matches == nil {
			st.matches = make([]uint32, d.stride)
		}
		st.matches[k] = d.internList(m)
	}
	v := (ns * int32(d.stride)) << 1
	if reports {
		v |= report
	}
	tab = *d.tab.Load() // addState may have grown it
	atomic.StoreInt32(&tab[idx], v)
	return v, true
}

// reciprocal returns ⌈2³²/n⌉.
func reciprocal(n int) uint64 {
	return (1<<32 + uint64(n) - 1) / uint64(n)
}

// state returns the state at row offset o. A scan asks it for every
// reported match, so the division by the stride is a multiplication by
// its reciprocal: o is a multiple of the stride below maxRowOffset, for
// which (o × ⌈2³²/stride⌉) >> 32 is exact.
func (d *lazyDFA) state(o int32) *dstate {
	return (*d.states.Load())[uint64(o)*d.recip>>32]
}

// internList returns 1 + the index of the pattern list m in d.lists,
// adding it. Called under mu.
func (d *lazyDFA) internList(m []int32) uint32 {
	key := d.key[:0]
	for _, p := range m {
		key = binary.LittleEndian.AppendUint32(key, uint32(p))
	}
	d.key = key
	if i, ok := d.listIdx[string(key)]; ok {
		return i
	}
	lists := append(*d.lists.Load(), m) // a new array when it grows
	d.lists.Store(&lists)
	if d.listIdx == nil {
		d.listIdx = map[string]uint32{}
	}
	i := uint32(len(lists))
	d.listIdx[string(key)] = i
	return i
}

// reported returns the patterns that the state at row offset o reports on
// class k; call it only after loading a transition of that state on k
// that reports.
func (d *lazyDFA) reported(o int32, k uint8) []int32 {
	return (*d.lists.Load())[d.state(o).matches[k]-1]
}

// endMatches returns the patterns that match at the text edge from the
// state at row offset o. They are computed without the lock; the first
// goroutine to publish them wins.
func (d *lazyDFA) endMatches(o int32) []int32 {
	st := d.state(o)
	if st.end.Load() != 0 {
		return st.endMatches
	}
	x := d.getScratch()
	d.closure(x, st.nodes, satisfied(st.flags, 0, true))
	m := slices.Clone(x.matched)
	scratchPool.Put(x)
	slices.Sort(m)
	m = slices.Compact(m)
	d.mu.Lock()
	defer d.mu.Unlock()
	if st.end.Load() == 0 {
		st.endMatches = m
		if len(m) > 0 {
			st.end.Store(2)
		} else {
			st.end.Store(1)
		}
	}
	return st.endMatches
}

// start returns the row offset of the initial state for flags, or -1 when
// full.
func (d *lazyDFA) start(flags uint8) int32 {
	if id := d.initial[flags].Load(); id != 0 {
		return (id - 1) * int32(d.stride)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if id := d.initial[flags].Load(); id != 0 {
		return (id - 1) * int32(d.stride)
	}
	var nodes []int32
	if d.mode != modeMulti {
		nodes = d.starts
	}
	id := d.addState(nodes, flags)
	if id < 0 {
		return -1
	}
	d.initial[flags].Store(id + 1)
	return id * int32(d.stride)
}

// entry returns tab[idx], or unbuilt if tab (a scan's copy of d.tab,
// which only grows) does not reach it yet.
func entry(tab []int32, idx int) int32 {
	if idx < len(tab) {
		return atomic.LoadInt32(&tab[idx])
	}
	return unbuilt
}

// build returns the table entry of the state at row offset o on class k,
// building the transition (trans), with the table to use from then on;
// ok is false when the DFA is full. The scan loops call it when entry
// says unbuilt.
func (d *lazyDFA) build(o int32, k uint8) (v int32, tab []int32, ok bool) {
	v, ok = d.trans(o, k)
	return v, *d.tab.Load(), ok
}

// scanMulti runs a modeMulti DFA over buf and appends, for each pattern
// p, the end offsets of its matches to ends[p] in increasing order. It
// returns false if the DFA is full (the results are then incomplete).
func (d *lazyDFA) scanMulti(buf []byte, ends [][]int32) bool {
	o := d.start(flagsBefore(buf, 0))
	if o < 0 {
		return false
	}
	tab := *d.tab.Load()
	of := &d.cls.of
	for i, c := range buf {
		k := of[c]
		v := entry(tab, int(o)+int(k))
		if v < 0 {
			var ok bool
			if v, tab, ok = d.build(o, k); !ok {
				return false
			}
		}
		if v&report != 0 {
			for _, p := range d.reported(o, k) {
				ends[p] = append(ends[p], int32(i))
			}
		}
		o = v >> 1
	}
	for _, p := range d.endMatches(o) {
		ends[p] = append(ends[p], int32(len(buf)))
	}
	return true
}

// leftmostStart runs a modeReverse DFA back from end and returns the
// smallest start >= lower of a match ending at end, or -1. ok is false
// when the DFA is full.
func (d *lazyDFA) leftmostStart(buf []byte, end, lower int) (start int, ok bool) {
	o := d.start(flagsAfter(buf, end))
	if o < 0 {
		return -1, false
	}
	return d.leftmostFrom(buf, o, end, lower, -1)
}

// leftmostStarts is leftmostStart from two ends at once, for the same
// lower bound. The two backward runs do not depend on each other, so
// stepping them together overlaps the latency of their table loads,
// which is what a run costs.
func (d *lazyDFA) leftmostStarts(buf []byte, end1, end2, lower int) (start1, start2 int, ok bool) {
	o1, o2 := d.start(flagsAfter(buf, end1)), d.start(flagsAfter(buf, end2))
	if o1 < 0 || o2 < 0 {
		return -1, -1, false
	}
	best1, best2 := -1, -1
	i1, i2 := end1, end2
	done1, done2 := false, false
	tab := *d.tab.Load()
	of := &d.cls.of
	// Both step while both can with built transitions; leftmostFrom
	// finishes each run (the text edge, new states).
	for !done1 && !done2 && i1 > 0 && i2 > 0 {
		v1 := entry(tab, int(o1)+int(of[buf[i1-1]]))
		v2 := entry(tab, int(o2)+int(of[buf[i2-1]]))
		if v1 < 0 || v2 < 0 {
			break // unbuilt
		}
		if v1&report != 0 {
			best1 = i1
		}
		if v2&report != 0 {
			best2 = i2
		}
		o1, o2 = v1>>1, v2>>1
		if done1 = i1 == lower || o1 == deadState; !done1 {
			i1--
		}
		if done2 = i2 == lower || o2 == deadState; !done2 {
			i2--
		}
	}
	if !done1 {
		if best1, ok = d.leftmostFrom(buf, o1, i1, lower, best1); !ok {
			return -1, -1, false
		}
	}
	if !done2 {
		if best2, ok = d.leftmostFrom(buf, o2, i2, lower, best2); !ok {
			return -1, -1, false
		}
	}
	return best1, best2, true
}

// leftmostFrom continues leftmostStart's backward run in the state at row
// offset o at i, the start found so far being best.
func (d *lazyDFA) leftmostFrom(buf []byte, o int32, i, lower, best int) (start int, ok bool) {
	tab := *d.tab.Load()
	of := &d.cls.of
	for ; ; i-- {
		if i == 0 {
			if len(d.endMatches(o)) > 0 {
				best = 0
			}
			break
		}
		k := of[buf[i-1]]
		v := entry(tab, int(o)+int(k))
		if v < 0 {
			if v, tab, ok = d.build(o, k); !ok {
				return -1, false
			}
		}
		if v&report != 0 {
			best = i
		}
		o = v >> 1
		if i == lower || o == deadState {
			break
		}
	}
	return best, true
}

// firstEnd runs a modeFirst DFA forwards from start and returns the end
// of the leftmost-first match starting there, or -1.
func (d *lazyDFA) firstEnd(buf []byte, start int) (end int, ok bool) {
	o := d.start(flagsBefore(buf, start))
	if o < 0 {
		return -1, false
	}
	best := -1
	tab := *d.tab.Load()
	of := &d.cls.of
	for i := start; ; i++ {
		if i == len(buf) {
			if len(d.endMatches(o)) > 0 {
				best = i
			}
			break
		}
		k := of[buf[i]]
		v := entry(tab, int(o)+int(k))
		if v < 0 {
			if v, tab, ok = d.build(o, k); !ok {
				return -1, false
			}
		}
		if v&report != 0 {
			best = i
		}
		o = v >> 1
		if o == deadState {
			break
		}
	}
	return best, true
}

// scanMulti4 is scanMulti with four interleaved streams over four
// segments of buf (each but the first starting ov bytes early to warm up),
// so that the cache misses of four independent state chains overlap. A
// buffer whose segments would be shorter than four overlaps (under about
// 3.3 KB with the builtin table) is scanned in one stream: the overlaps
// would cost more than the interleaving gains.
func (d *lazyDFA) scanMulti4(buf []byte, ov int, ends [][]int32, scratch *[4][]uint64) bool {
	const K = 4
	n := len(buf)
	M := (n + (K-1)*ov) / K
	if M < 4*ov {
		return d.scanMulti(buf, ends)
	}
	var r, rec [K]int
	var o [K]int32
	reps := scratch
	for j := range reps {
		reps[j] = reps[j][:0]
	}
	for j := range K {
		r[j] = j * (M - ov)
		rec[j] = r[j] + ov
		if j == 0 {
			rec[j] = 0
		}
		if o[j] = d.start(flagsBefore(buf, r[j])); o[j] < 0 {
			return false
		}
	}
	tab := *d.tab.Load()
	of := &d.cls.of
	// step advances stream j over buf[i] the slow way: building the
	// transition if needed, and reporting.
	step := func(j, i int) bool {
		k := of[buf[i]]
		v := entry(tab, int(o[j])+int(k))
		if v < 0 {
			var ok bool
			if v, tab, ok = d.build(o[j], k); !ok {
				return false
			}
		}
		if v&report != 0 && i >= rec[j] {
			reps[j] = appendReports(reps[j], d.reported(o[j], k), i)
		}
		o[j] = v >> 1
		return true
	}
	b0, b1, b2, b3 := buf[r[0]:r[0]+M], buf[r[1]:r[1]+M], buf[r[2]:r[2]+M], buf[r[3]:r[3]+M]
	for i := 0; i < M; {
		// The fast loop: as long as every transition is built.
		o0, o1, o2, o3 := o[0], o[1], o[2], o[3]
		for ; i < M; i++ {
			k0, k1, k2, k3 := of[b0[i]], of[b1[i]], of[b2[i]], of[b3[i]]
			i0, i1, i2, i3 := int(o0)+int(k0), int(o1)+int(k1), int(o2)+int(k2), int(o3)+int(k3)
			if i0 >= len(tab) || i1 >= len(tab) || i2 >= len(tab) || i3 >= len(tab) {
				break
			}
			v0, v1, v2, v3 := atomic.LoadInt32(&tab[i0]), atomic.LoadInt32(&tab[i1]), atomic.LoadInt32(&tab[i2]), atomic.LoadInt32(&tab[i3])
			u := v0 | v1 | v2 | v3
			if u < 0 {
				break // unbuilt
			}
			if u&report != 0 {
				if v0&report != 0 {
					reps[0] = appendReports(reps[0], d.reported(o0, k0), r[0]+i)
				}
				if v1&report != 0 && r[1]+i >= rec[1] {
					reps[1] = appendReports(reps[1], d.reported(o1, k1), r[1]+i)
				}
				if v2&report != 0 && r[2]+i >= rec[2] {
					reps[2] = appendReports(reps[2], d.reported(o2, k2), r[2]+i)
				}
				if v3&report != 0 && r[3]+i >= rec[3] {
					reps[3] = appendReports(reps[3], d.reported(o3, k3), r[3]+i)
				}
			}
			o0, o1, o2, o3 = v0>>1, v1>>1, v2>>1, v3>>1
		}
		o[0], o[1], o[2], o[3] = o0, o1, o2, o3
		if i == M {
			break
		}
		for j := range K {
			if !step(j, r[j]+i) {
				return false
			}
		}
		i++
	}
	for i := r[K-1] + M; i < n; i++ {
		if !step(K-1, i) {
			return false
		}
	}
	for j := range K {
		for _, x := range reps[j] {
			ends[x>>32] = append(ends[x>>32], int32(uint32(x)))
		}
	}
	for _, p := range d.endMatches(o[K-1]) {
		ends[p] = append(ends[p], int32(n))
	}
	return true
}

func appendReports(dst []uint64, pats []int32, i int) []uint64 {
	for _, p := range pats {
		dst = append(dst, uint64(p)<<32|uint64(i))
	}
	return dst
}

// scanRange runs a one-pattern modeMulti DFA over buf[from:to], with the
// context of the bytes around it, and appends the ends of matches that
// start at or after from and end at or before to. It returns false if the
// DFA is full.
func (d *lazyDFA) scanRange(buf []byte, from, to int, ends []int32) ([]int32, bool) {
	o := d.start(flagsBefore(buf, from))
	if o < 0 {
		return ends, false
	}
	tab := *d.tab.Load()
	of := &d.cls.of
	for i := from; i < to; i++ {
		k := of[buf[i]]
		v := entry(tab, int(o)+int(k))
		if v < 0 {
			var ok bool
			if v, tab, ok = d.build(o, k); !ok {
				return ends, false
			}
		}
		if v&report != 0 && i > from {
			ends = append(ends, int32(i))
		}
		o = v >> 1
	}
	// A match ending at to: decided by the next byte, or the text edge.
	if to == len(buf) {
		if len(d.endMatches(o)) > 0 {
			ends = append(ends, int32(to))
		}
	} else if to > from {
		v, ok := d.trans(o, of[buf[to]])
		if !ok {
			return ends, false
		}
		if v&report != 0 {
			ends = append(ends, int32(to))
		}
	}
	return ends, true
}
