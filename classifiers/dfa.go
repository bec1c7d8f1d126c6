package classifiers

import (
	"encoding/binary"
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
// States are built on first use under a mutex; scans read the transition
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

const (
	reportBit = 1 << 30
	idMask    = reportBit - 1
	deadState = 0 // anchored modes: no thread left
)

// dstate is one DFA state.
type dstate struct {
	nodes []int32
	flags uint8
	// matches[k] lists the patterns that match before a byte of class k
	// (modeMulti), allocated on first report.
	matches [][]int32
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

func newClassMap(progs ...*nfaProgram) *classMap {
	// Refine a partition by every set: a byte's signature is its
	// membership in each distinguishing set.
	var sig [256][]byte
	mark := func(has func(byte) bool) {
		for c := range 256 {
			if has(byte(c)) {
				sig[c] = append(sig[c], '1')
			} else {
				sig[c] = append(sig[c], '0')
			}
		}
	}
	mark(isWordByte)
	mark(func(c byte) bool { return c == '\n' })
	seen := map[byteSet]bool{}
	for _, p := range progs {
		for _, s := range p.sets {
			if !seen[s] {
				seen[s] = true
				mark(s.has)
			}
		}
	}
	cm := &classMap{}
	ids := map[string]uint8{}
	for c := range 256 {
		id, ok := ids[string(sig[c])]
		if !ok {
			id = uint8(len(cm.rep))
			ids[string(sig[c])] = id
			cm.rep = append(cm.rep, byte(c))
		}
		cm.of[c] = id
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
	limit  int // most states before the DFA gives up

	tab    atomic.Pointer[[]int32]
	states atomic.Pointer[[]*dstate]

	mu      sync.Mutex
	index   map[string]int32
	initial [8]atomic.Int32 // by flags, id+1; 0 unknown
	full    bool
	// closure scratch, under mu
	mark    []uint32
	gen     uint32
	stack   []int32
	byteNs  []int32
	matched []int32
	next    []int32
	key     []byte
	// fromStarts caches, per assertion set, the closure of every pattern
	// start (modeMulti): the part of each new state's closure that all
	// states share, which for a large table is most of it.
	fromStarts map[syntax.EmptyOp]*startClosure
	// sc is the start closure of the closure just computed (modeMulti):
	// its byte nodes are not in byteNs but stepped through sc.next.
	sc *startClosure
}

// startClosure is the closure of a multi DFA's pattern starts under one
// assertion set: its byte nodes and matched patterns, and, per byte class,
// the nodes its byte nodes step to (computed on first use): every new
// state's step shares that part.
type startClosure struct {
	byteNs, matched []int32
	next            [][]int32
	stepped         []bool
}

func newLazyDFA(prog *nfaProgram, mode dfaMode, starts []int32, cls *classMap, limit int) *lazyDFA {
	d := &lazyDFA{
		prog:   prog,
		mode:   mode,
		starts: starts,
		cls:    cls,
		stride: len(cls.rep),
		limit:  limit,
		index:  map[string]int32{},
		mark:   make([]uint32, len(prog.nodes)),
	}
	tab := []int32{}
	states := []*dstate{}
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
	if id, ok := d.index[string(key)]; ok {
		return id
	}
	states := *d.states.Load()
	if len(states) >= d.limit {
		d.full = true
		return -1
	}
	id := int32(len(states))
	d.index[string(key)] = id
	st := &dstate{nodes: slices.Clone(nodes), flags: flags}
	states = append(states, st)
	d.states.Store(&states)
	tab := *d.tab.Load()
	if need := len(states) * d.stride; need > len(tab) {
		grown := make([]int32, need, max(need, 2*len(tab)))
		for i := range tab {
			grown[i] = atomic.LoadInt32(&tab[i])
		}
		grown = grown[:cap(grown)]
		d.tab.Store(&grown)
	}
	return id
}

// closure follows the epsilon edges from nodes (and, in modeMulti, from
// every pattern start) under the assertions sat, collecting byte nodes
// into d.byteNs and matched patterns into d.matched. In modeFirst the
// walk is in priority order and stops at the first match.
func (d *lazyDFA) closure(nodes []int32, sat syntax.EmptyOp) {
	d.gen++
	if d.gen == 0 {
		clear(d.mark)
		d.gen = 1
	}
	d.byteNs = d.byteNs[:0]
	d.matched = d.matched[:0]
	stack := d.stack[:0]
	push := func(list []int32) {
		for i := len(list) - 1; i >= 0; i-- {
			stack = append(stack, list[i])
		}
	}
	if d.mode == modeMulti {
		sc := d.fromStarts[sat]
		if sc == nil {
			push(d.starts)
			d.walk(stack, sat)
			sc = &startClosure{byteNs: slices.Clone(d.byteNs), matched: slices.Clone(d.matched),
				next: make([][]int32, d.stride), stepped: make([]bool, d.stride)}
			if d.fromStarts == nil {
				d.fromStarts = map[syntax.EmptyOp]*startClosure{}
			}
			d.fromStarts[sat] = sc
			stack = d.stack[:0]
			d.byteNs = d.byteNs[:0]
		} else {
			// The nodes of the start closure are not marked: a walk from
			// nodes that reaches one again adds a byte node that step
			// also reaches through sc.next, which step removes, or a
			// pattern twice, which trans removes.
			d.matched = append(d.matched, sc.matched...)
		}
		d.sc = sc
	} else {
		d.sc = nil
	}
	push(nodes)
	d.walk(stack, sat)
}

// walk follows the epsilon edges from the nodes on stack (popped last
// first) under the assertions sat, skipping nodes marked in the current
// generation, and keeps stack's memory in d.stack.
func (d *lazyDFA) walk(stack []int32, sat syntax.EmptyOp) {
	nodesArr := d.prog.nodes
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if d.mark[n] == d.gen {
			continue
		}
		d.mark[n] = d.gen
		nd := &nodesArr[n]
		switch nd.op {
		case opByte:
			d.byteNs = append(d.byteNs, n)
		case opSplit:
			stack = append(stack, nd.out1, nd.out)
		case opAssert:
			if nd.cond&^sat == 0 {
				stack = append(stack, nd.out)
			}
		case opMatch:
			d.matched = append(d.matched, nd.pat)
			if d.mode == modeFirst {
				stack = stack[:0]
			}
		}
	}
	d.stack = stack
}

// step returns the nodes reached on byte c (of class k) from d.byteNs and,
// in modeMulti, from the start closure's byte nodes (through d.sc.next),
// deduplicated (sorted, unless priorities matter).
func (d *lazyDFA) step(c byte, k uint8) []int32 {
	next := d.next[:0]
	d.gen++
	if d.gen == 0 {
		clear(d.mark)
		d.gen = 1
	}
	for _, n := range d.byteNs {
		nd := &d.prog.nodes[n]
		if d.prog.sets[nd.set].has(c) && d.mark[nd.out] != d.gen {
			d.mark[nd.out] = d.gen
			next = append(next, nd.out)
		}
	}
	if sc := d.sc; sc != nil {
		if !sc.stepped[k] {
			var out []int32
			for _, n := range sc.byteNs {
				if nd := &d.prog.nodes[n]; d.prog.sets[nd.set].has(c) {
					out = append(out, nd.out)
				}
			}
			slices.Sort(out)
			sc.next[k], sc.stepped[k] = slices.Compact(out), true
		}
		for _, o := range sc.next[k] {
			if d.mark[o] != d.gen {
				d.mark[o] = d.gen
				next = append(next, o)
			}
		}
	}
	if d.mode != modeFirst {
		slices.Sort(next)
	}
	d.next = next
	return next
}

// trans returns the transition of state s on class k, building it if
// needed; ok is false when the DFA is full.
func (d *lazyDFA) trans(s int32, k uint8) (int32, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	tab := *d.tab.Load()
	idx := int(s)*d.stride + int(k)
	if v := atomic.LoadInt32(&tab[idx]); v != 0 {
		return v, true
	}
	if d.full {
		return 0, false
	}
	st := (*d.states.Load())[s]
	c := d.cls.rep[k]
	d.closure(st.nodes, satisfied(st.flags, c, false))
	report := len(d.matched) > 0
	if report && d.mode == modeMulti {
		if st.matches == nil {
			st.matches = make([][]int32, d.stride)
		}
		m := slices.Clone(d.matched)
		slices.Sort(m)
		st.matches[k] = slices.Compact(m)
	}
	ns := d.addState(d.step(c, k), byteFlags(c))
	if ns < 0 {
		return 0, false
	}
	v := (ns + 1)
	if report {
		v |= reportBit
	}
	tab = *d.tab.Load() // addState may have grown it
	atomic.StoreInt32(&tab[idx], v)
	return v, true
}

// endMatches returns the patterns that match at the text edge from state
// s.
func (d *lazyDFA) endMatches(s int32) []int32 {
	st := (*d.states.Load())[s]
	if st.end.Load() != 0 {
		return st.endMatches
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if st.end.Load() == 0 {
		d.closure(st.nodes, satisfied(st.flags, 0, true))
		m := slices.Clone(d.matched)
		slices.Sort(m)
		st.endMatches = slices.Compact(m)
		if len(st.endMatches) > 0 {
			st.end.Store(2)
		} else {
			st.end.Store(1)
		}
	}
	return st.endMatches
}

// start returns the initial state for flags, or -1 when full.
func (d *lazyDFA) start(flags uint8) int32 {
	if id := d.initial[flags].Load(); id != 0 {
		return id - 1
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if id := d.initial[flags].Load(); id != 0 {
		return id - 1
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
	return id
}

// scanMulti runs a modeMulti DFA over buf and appends, for each pattern
// p, the end offsets of its matches to ends[p] in increasing order. It
// returns false if the DFA is full (the results are then incomplete).
func (d *lazyDFA) scanMulti(buf []byte, ends [][]int32) bool {
	s := d.start(flagsBefore(buf, 0))
	if s < 0 {
		return false
	}
	tab := *d.tab.Load()
	states := *d.states.Load()
	of := &d.cls.of
	stride := d.stride
	for i, c := range buf {
		k := of[c]
		idx := int(s)*stride + int(k)
		var v int32
		if idx < len(tab) {
			v = atomic.LoadInt32(&tab[idx])
		}
		if v == 0 {
			var ok bool
			if v, ok = d.trans(s, k); !ok {
				return false
			}
			tab = *d.tab.Load()
			states = *d.states.Load()
		}
		if v&reportBit != 0 {
			if int(s) >= len(states) {
				states = *d.states.Load()
			}
			for _, p := range states[s].matches[k] {
				ends[p] = append(ends[p], int32(i))
			}
		}
		s = v&idMask - 1
	}
	for _, p := range d.endMatches(s) {
		ends[p] = append(ends[p], int32(len(buf)))
	}
	return true
}

// leftmostStart runs a modeReverse DFA back from end and returns the
// smallest start >= lower of a match ending at end, or -1. ok is false
// when the DFA is full.
func (d *lazyDFA) leftmostStart(buf []byte, end, lower int) (start int, ok bool) {
	s := d.start(flagsAfter(buf, end))
	if s < 0 {
		return -1, false
	}
	best := -1
	tab := *d.tab.Load()
	of := &d.cls.of
	for i := end; ; i-- {
		if i == 0 {
			if len(d.endMatches(s)) > 0 {
				best = 0
			}
			break
		}
		k := of[buf[i-1]]
		idx := int(s)*d.stride + int(k)
		var v int32
		if idx < len(tab) {
			v = atomic.LoadInt32(&tab[idx])
		}
		if v == 0 {
			if v, ok = d.trans(s, k); !ok {
				return -1, false
			}
			tab = *d.tab.Load()
		}
		if v&reportBit != 0 {
			best = i
		}
		s = v&idMask - 1
		if i == lower || s == deadState {
			break
		}
	}
	return best, true
}

// firstEnd runs a modeFirst DFA forwards from start and returns the end
// of the leftmost-first match starting there, or -1.
func (d *lazyDFA) firstEnd(buf []byte, start int) (end int, ok bool) {
	s := d.start(flagsBefore(buf, start))
	if s < 0 {
		return -1, false
	}
	best := -1
	tab := *d.tab.Load()
	of := &d.cls.of
	for i := start; ; i++ {
		if i == len(buf) {
			if len(d.endMatches(s)) > 0 {
				best = i
			}
			break
		}
		k := of[buf[i]]
		idx := int(s)*d.stride + int(k)
		var v int32
		if idx < len(tab) {
			v = atomic.LoadInt32(&tab[idx])
		}
		if v == 0 {
			if v, ok = d.trans(s, k); !ok {
				return -1, false
			}
			tab = *d.tab.Load()
		}
		if v&reportBit != 0 {
			best = i
		}
		s = v&idMask - 1
		if s == deadState {
			break
		}
	}
	return best, true
}

// scanMulti4 is scanMulti with four interleaved streams over four
// segments of buf (each but the first starting ov bytes early to warm up),
// so that the cache misses of four independent state chains overlap.
func (d *lazyDFA) scanMulti4(buf []byte, ov int, ends [][]int32, scratch *[4][]uint64) bool {
	const K = 4
	n := len(buf)
	M := (n + (K-1)*ov) / K
	if M < 4*ov || M < 16<<10 {
		return d.scanMulti(buf, ends)
	}
	var r, rec [K]int
	var s [K]int32
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
		if s[j] = d.start(flagsBefore(buf, r[j])); s[j] < 0 {
			return false
		}
	}
	tab := *d.tab.Load()
	of := &d.cls.of
	stride := d.stride
	step := func(j, i int) bool {
		c := buf[i]
		k := of[c]
		idx := int(s[j])*stride + int(k)
		var v int32
		if idx < len(tab) {
			v = atomic.LoadInt32(&tab[idx])
		}
		if v == 0 {
			var ok bool
			if v, ok = d.trans(s[j], k); !ok {
				return false
			}
			tab = *d.tab.Load()
		}
		if v&reportBit != 0 && i >= rec[j] {
			states := *d.states.Load()
			for _, p := range states[s[j]].matches[k] {
				reps[j] = append(reps[j], uint64(p)<<32|uint64(i))
			}
		}
		s[j] = v&idMask - 1
		return true
	}
	b0, b1, b2, b3 := buf[r[0]:r[0]+M], buf[r[1]:r[1]+M], buf[r[2]:r[2]+M], buf[r[3]:r[3]+M]
	s0, s1, s2, s3 := s[0], s[1], s[2], s[3]
	for i := 0; i < M; i++ {
		i0 := int(s0)*stride + int(of[b0[i]])
		i1 := int(s1)*stride + int(of[b1[i]])
		i2 := int(s2)*stride + int(of[b2[i]])
		i3 := int(s3)*stride + int(of[b3[i]])
		if i0 >= len(tab) || i1 >= len(tab) || i2 >= len(tab) || i3 >= len(tab) {
			goto slow
		}
		{
			v0 := atomic.LoadInt32(&tab[i0])
			v1 := atomic.LoadInt32(&tab[i1])
			v2 := atomic.LoadInt32(&tab[i2])
			v3 := atomic.LoadInt32(&tab[i3])
			if v0 <= 0 || v1 <= 0 || v2 <= 0 || v3 <= 0 {
				goto slow
			}
			if (v0|v1|v2|v3)&reportBit != 0 {
				states := *d.states.Load()
				if v0&reportBit != 0 && i >= rec[0] {
					reps[0] = appendReports(reps[0], states[s0].matches[of[b0[i]]], r[0]+i)
				}
				if v1&reportBit != 0 && r[1]+i >= rec[1] {
					reps[1] = appendReports(reps[1], states[s1].matches[of[b1[i]]], r[1]+i)
				}
				if v2&reportBit != 0 && r[2]+i >= rec[2] {
					reps[2] = appendReports(reps[2], states[s2].matches[of[b2[i]]], r[2]+i)
				}
				if v3&reportBit != 0 && r[3]+i >= rec[3] {
					reps[3] = appendReports(reps[3], states[s3].matches[of[b3[i]]], r[3]+i)
				}
			}
			s0, s1, s2, s3 = v0&idMask-1, v1&idMask-1, v2&idMask-1, v3&idMask-1
			continue
		}
	slow:
		s[0], s[1], s[2], s[3] = s0, s1, s2, s3
		for j := range K {
			if !step(j, r[j]+i) {
				return false
			}
		}
		s0, s1, s2, s3 = s[0], s[1], s[2], s[3]
	}
	s[0], s[1], s[2], s[3] = s0, s1, s2, s3
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
	for _, p := range d.endMatches(s[K-1]) {
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
	s := d.start(flagsBefore(buf, from))
	if s < 0 {
		return ends, false
	}
	tab := *d.tab.Load()
	of := &d.cls.of
	for i := from; i < to; i++ {
		k := of[buf[i]]
		idx := int(s)*d.stride + int(k)
		var v int32
		if idx < len(tab) {
			v = atomic.LoadInt32(&tab[idx])
		}
		if v == 0 {
			var ok bool
			if v, ok = d.trans(s, k); !ok {
				return ends, false
			}
			tab = *d.tab.Load()
		}
		if v&reportBit != 0 && i > from {
			ends = append(ends, int32(i))
		}
		s = v&idMask - 1
	}
	// A match ending at to: decided by the next byte, or the text edge.
	if to == len(buf) {
		if len(d.endMatches(s)) > 0 {
			ends = append(ends, int32(to))
		}
	} else if to > from {
		v, ok := d.trans(s, of[buf[to]])
		if !ok {
			return ends, false
		}
		if v&reportBit != 0 {
			ends = append(ends, int32(to))
		}
	}
	return ends, true
}
