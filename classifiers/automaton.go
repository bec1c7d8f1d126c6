package classifiers

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"regexp/syntax"
	"slices"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// The pure-Go matching automaton. Each identifier pattern is parsed with
// regexp/syntax (RE2 syntax) and compiled to a byte-level NFA the way RE2
// compiles for its DFA: character classes become UTF-8 byte sequences, so
// invalid UTF-8 never matches a class (as in go-re2), and \b is the ASCII
// word boundary. Lazy DFAs over these NFAs (dfa.go) then find, in one
// pass, where every identifier has a match ending, and per identifier the
// exact leftmost-first spans RE2 would return; differential tests check
// the spans against go-re2 FindAllIndex.

// nfaOp is the kind of an NFA nfaNode.
type nfaOp uint8

const (
	opByte   nfaOp = iota + 1 // consume one byte in set, go to out
	opSplit                   // epsilon to out (preferred), then out1
	opAssert                  // empty-width assertion cond, then out
	opMatch                   // accept pattern pat
	opFail                    // dead end
)

// nfaNode is one NFA node.
type nfaNode struct {
	op   nfaOp
	cond syntax.EmptyOp // opAssert
	set  int32          // opByte: index into nfaProgram.sets
	out  int32
	out1 int32 // opSplit
	pat  int32 // opMatch
}

// byteSet is a set of bytes.
type byteSet [4]uint64

func (s *byteSet) has(c byte) bool { return s[c>>6]&(1<<(c&63)) != 0 }
func (s *byteSet) add(c byte)      { s[c>>6] |= 1 << (c & 63) }

// addSet adds every byte of t to s.
func (s *byteSet) addSet(t *byteSet) {
	for k := range s {
		s[k] |= t[k]
	}
}
func (s *byteSet) addRange(lo, hi byte) {
	for c := int(lo); c <= int(hi); c++ {
		s.add(byte(c))
	}
}

// nfaProgram is a byte-level NFA for one or more patterns.
type nfaProgram struct {
	nodes []nfaNode
	sets  []byteSet
	setID map[byteSet]int32
	// starts[i] is the entry nfaNode of pattern i.
	starts []int32
}

func newNFAProgram() *nfaProgram {
	return &nfaProgram{setID: map[byteSet]int32{}}
}

func (p *nfaProgram) add(n nfaNode) int32 {
	p.nodes = append(p.nodes, n)
	return int32(len(p.nodes) - 1)
}

func (p *nfaProgram) byteNode(s byteSet, out int32) int32 {
	id, ok := p.setID[s]
	if !ok {
		id = int32(len(p.sets))
		p.sets = append(p.sets, s)
		p.setID[s] = id
	}
	return p.add(nfaNode{op: opByte, set: id, out: out})
}

func (p *nfaProgram) split(a, b int32) int32 { return p.add(nfaNode{op: opSplit, out: a, out1: b}) }

// errNFATooLarge is returned for patterns whose NFA would be too big.
var errNFATooLarge = errors.New("pattern too large for the automaton")

// maxNFANodes bounds one nfaProgram.
const maxNFANodes = 1 << 20

// addPattern compiles re (already simplified) as pattern pat; reverse
// builds the NFA of the reversed language, for scanning backwards from a
// match end.
func (p *nfaProgram) addPattern(re *syntax.Regexp, pat int32, reverse bool) error {
	c := nfaCompiler{p: p, reverse: reverse}
	m := p.add(nfaNode{op: opMatch, pat: pat})
	start := c.compile(re, m)
	if c.err != nil {
		return c.err
	}
	p.starts = append(p.starts, start)
	return nil
}

type nfaCompiler struct {
	p       *nfaProgram
	reverse bool
	err     error
}

// compile returns the entry nfaNode of re followed by next.
func (c *nfaCompiler) compile(re *syntax.Regexp, next int32) int32 {
	if c.err != nil {
		return next
	}
	if len(c.p.nodes) > maxNFANodes {
		c.err = errNFATooLarge
		return next
	}
	p := c.p
	switch re.Op {
	case syntax.OpNoMatch:
		return p.add(nfaNode{op: opFail})
	case syntax.OpEmptyMatch:
		return next
	case syntax.OpLiteral:
		runes := re.Rune
		fold := re.Flags&syntax.FoldCase != 0
		for i := range runes {
			r := runes[len(runes)-1-i]
			if c.reverse {
				r = runes[i]
			}
			if fold {
				next = c.class(foldRanges(r), next)
			} else {
				next = c.class([]rune{r, r}, next)
			}
		}
		return next
	case syntax.OpCharClass:
		return c.class(re.Rune, next)
	case syntax.OpAnyCharNotNL:
		return c.class([]rune{0, '\n' - 1, '\n' + 1, unicode.MaxRune}, next)
	case syntax.OpAnyChar:
		return c.class([]rune{0, unicode.MaxRune}, next)
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return p.add(nfaNode{op: opAssert, cond: c.assertion(re.Op), out: next})
	case syntax.OpCapture:
		return c.compile(re.Sub[0], next)
	case syntax.OpConcat:
		for i := range re.Sub {
			sub := re.Sub[len(re.Sub)-1-i]
			if c.reverse {
				sub = re.Sub[i]
			}
			next = c.compile(sub, next)
		}
		return next
	case syntax.OpAlternate:
		entries := make([]int32, len(re.Sub))
		for i, sub := range re.Sub {
			entries[i] = c.compile(sub, next)
		}
		e := entries[len(entries)-1]
		for i := len(entries) - 2; i >= 0; i-- {
			e = p.split(entries[i], e)
		}
		return e
	case syntax.OpQuest:
		body := c.compile(re.Sub[0], next)
		if re.Flags&syntax.NonGreedy != 0 {
			return p.split(next, body)
		}
		return p.split(body, next)
	case syntax.OpStar, syntax.OpPlus:
		loop := p.split(-1, -1)
		body := c.compile(re.Sub[0], loop)
		if re.Flags&syntax.NonGreedy != 0 {
			p.nodes[loop].out, p.nodes[loop].out1 = next, body
		} else {
			p.nodes[loop].out, p.nodes[loop].out1 = body, next
		}
		if re.Op == syntax.OpStar {
			return loop
		}
		return body
	case syntax.OpRepeat:
		// Simplify removes counted repetition; expand whatever is left.
		if re.Max < 0 {
			star := &syntax.Regexp{Op: syntax.OpStar, Flags: re.Flags, Sub: re.Sub}
			next = c.compile(star, next)
		} else {
			quest := &syntax.Regexp{Op: syntax.OpQuest, Flags: re.Flags, Sub: re.Sub}
			for i := re.Min; i < re.Max; i++ {
				next = c.compile(quest, next)
			}
		}
		for i := 0; i < re.Min; i++ {
			next = c.compile(re.Sub[0], next)
		}
		return next
	}
	c.err = errors.New("unsupported regexp operator")
	return next
}

// assertion maps an empty-width operator to its condition, swapping the
// sides when the NFA runs backwards.
func (c *nfaCompiler) assertion(op syntax.Op) syntax.EmptyOp {
	switch op {
	case syntax.OpBeginLine:
		if c.reverse {
			return syntax.EmptyEndLine
		}
		return syntax.EmptyBeginLine
	case syntax.OpEndLine:
		if c.reverse {
			return syntax.EmptyBeginLine
		}
		return syntax.EmptyEndLine
	case syntax.OpBeginText:
		if c.reverse {
			return syntax.EmptyEndText
		}
		return syntax.EmptyBeginText
	case syntax.OpEndText:
		if c.reverse {
			return syntax.EmptyBeginText
		}
		return syntax.EmptyEndText
	case syntax.OpWordBoundary:
		return syntax.EmptyWordBoundary
	}
	return syntax.EmptyNoWordBoundary
}

// foldRanges returns the case-folding orbit of r as sorted ranges.
func foldRanges(r rune) []rune {
	rs := []rune{r}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		rs = append(rs, f)
	}
	out := make([]rune, 0, 2*len(rs))
	for _, x := range rs {
		out = append(out, x, x)
	}
	return out
}

// class compiles a rune class (pairs of lo, hi) followed by next: the
// ASCII part is one byte nfaNode, each multi-byte part a chain of byte nodes.
func (c *nfaCompiler) class(ranges []rune, next int32) int32 {
	var ascii byteSet
	hasASCII := false
	var seqs [][]utf8Range
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		if lo <= 0x7f {
			a := min(hi, 0x7f)
			ascii.addRange(byte(lo), byte(a))
			hasASCII = true
			lo = 0x80
		}
		if lo <= hi {
			utf8Sequences(lo, hi, func(s []utf8Range) {
				seqs = append(seqs, append([]utf8Range(nil), s...))
			})
		}
	}
	var entries []int32
	if hasASCII {
		entries = append(entries, c.p.byteNode(ascii, next))
	}
	for _, s := range seqs {
		e := next
		for i := range s {
			br := s[len(s)-1-i]
			if c.reverse {
				br = s[i]
			}
			var bs byteSet
			bs.addRange(br.lo, br.hi)
			e = c.p.byteNode(bs, e)
		}
		entries = append(entries, e)
	}
	if len(entries) == 0 {
		return c.p.add(nfaNode{op: opFail})
	}
	e := entries[len(entries)-1]
	for i := len(entries) - 2; i >= 0; i-- {
		e = c.p.split(entries[i], e)
	}
	return e
}

type utf8Range struct{ lo, hi byte }

// utf8Sequences calls emit with the byte-range sequences whose
// concatenations are exactly the UTF-8 encodings of [lo, hi] (lo >= 0x80),
// surrogates excluded.
func utf8Sequences(lo, hi rune, emit func([]utf8Range)) {
	if hi > unicode.MaxRune {
		hi = unicode.MaxRune
	}
	if lo > hi {
		return
	}
	if lo <= 0xdfff && hi >= 0xd800 {
		utf8Sequences(lo, 0xd7ff, emit)
		utf8Sequences(0xe000, hi, emit)
		return
	}
	for _, m := range []rune{0x7f, 0x7ff, 0xffff} {
		if lo <= m && hi > m {
			utf8Sequences(lo, m, emit)
			utf8Sequences(m+1, hi, emit)
			return
		}
	}
	n := utf8.RuneLen(lo)
	for i := 1; i < n; i++ {
		m := rune(1)<<(6*i) - 1
		if lo&^m != hi&^m {
			if lo&m != 0 {
				utf8Sequences(lo, lo|m, emit)
				utf8Sequences((lo|m)+1, hi, emit)
				return
			}
			if hi&m != m {
				utf8Sequences(lo, (hi&^m)-1, emit)
				utf8Sequences(hi&^m, hi, emit)
				return
			}
		}
	}
	var a, b [utf8.UTFMax]byte
	utf8.EncodeRune(a[:], lo)
	utf8.EncodeRune(b[:], hi)
	seq := make([]utf8Range, n)
	for i := range n {
		seq[i] = utf8Range{a[i], b[i]}
	}
	emit(seq)
}

// patternWidths returns the shortest and longest match of re in bytes; max is -1
// when unbounded.
func patternWidths(re *syntax.Regexp) (lo, hi int) {
	runeMin := func(r rune) int {
		if n := utf8.RuneLen(r); n > 0 {
			return n
		}
		return 1
	}
	runeMax := func(r rune) int {
		if n := utf8.RuneLen(r); n > 0 {
			return n
		}
		return utf8.UTFMax
	}
	switch re.Op {
	case syntax.OpNoMatch, syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine,
		syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0, 0
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			lo += runeMin(r)
			hi += runeMax(r)
		}
		if re.Flags&syntax.FoldCase != 0 {
			hi = len(re.Rune) * utf8.UTFMax
		}
		return lo, hi
	case syntax.OpCharClass:
		if len(re.Rune) == 0 {
			return 0, 0
		}
		lo = utf8.UTFMax
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo = min(lo, runeMin(re.Rune[i]))
			hi = max(hi, runeMax(re.Rune[i+1]))
		}
		return lo, hi
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		return 1, utf8.UTFMax
	case syntax.OpCapture:
		return patternWidths(re.Sub[0])
	case syntax.OpQuest:
		_, h := patternWidths(re.Sub[0])
		return 0, h
	case syntax.OpStar:
		return 0, -1
	case syntax.OpPlus:
		l, _ := patternWidths(re.Sub[0])
		return l, -1
	case syntax.OpRepeat:
		l, h := patternWidths(re.Sub[0])
		if re.Max < 0 || h < 0 {
			return l * re.Min, -1
		}
		return l * re.Min, h * re.Max
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			l, h := patternWidths(sub)
			lo += l
			if hi >= 0 {
				if h < 0 {
					hi = -1
				} else {
					hi += h
				}
			}
		}
		return lo, hi
	case syntax.OpAlternate:
		lo = -1
		for _, sub := range re.Sub {
			l, h := patternWidths(sub)
			if lo < 0 || l < lo {
				lo = l
			}
			if hi >= 0 {
				if h < 0 {
					hi = -1
				} else {
					hi = max(hi, h)
				}
			}
		}
		return max(lo, 0), hi
	}
	return 0, -1
}

// addKeywordGate adds pattern pat matching wherever one of the word-form
// keywords could be found by the keyword check (keywords.go): letters in
// either case, digits as they are, and between words any run of bytes
// other than ASCII letters and digits, or none (camelCase). It is a
// superset of the check, built from bytes rather than from a regexp so
// that non-ASCII and invalid UTF-8 separators count as the check counts
// them.
func (p *nfaProgram) addKeywordGate(keywords [][]byte, pat int32) {
	m := p.add(nfaNode{op: opMatch, pat: pat})
	sep := bytesWhere(func(b byte) bool { return !isAlnum(b) })
	var entries []int32
	for _, kw := range keywords {
		words := bytes.Fields(kw)
		next := m
		for i := len(words) - 1; i >= 0; i-- {
			w := words[i]
			for j := len(w) - 1; j >= 0; j-- {
				var s byteSet
				s.add(w[j])
				if isLower(w[j]) {
					s.add(w[j] - 'a' + 'A')
				}
				next = p.byteNode(s, next)
			}
			if i > 0 {
				loop := p.split(-1, next)
				p.nodes[loop].out = p.byteNode(sep, loop)
				next = loop
			}
		}
		entries = append(entries, next)
	}
	if len(entries) == 0 {
		p.starts = append(p.starts, p.add(nfaNode{op: opFail}))
		return
	}
	e := entries[len(entries)-1]
	for i := len(entries) - 2; i >= 0; i-- {
		e = p.split(entries[i], e)
	}
	p.starts = append(p.starts, e)
}

// DFA state limits (variables for tests). A cache that fills up is
// replaced by an empty one for later scans; the scan that hit the limit
// falls back to go-re2. At about 350 bytes a state, a full cache of the
// builtin table stays under 100 MB even when every DFA fills up, and
// typical data needs well under 20 MB.
var (
	multiStateLimit   = 40000
	patternStateLimit = 4000
)

// automaton is the compiled pure-Go matcher of a registry.
type automaton struct {
	// fwd holds pattern i for registry identifier i, then the keyword
	// gates: gateOf[i] is the pattern of identifier i's gate, or -1 if it
	// has no keywords.
	fwd    *nfaProgram
	gateOf []int
	// byteOf[i] >= 0 is the rare byte every match of identifier i holds:
	// it is scanned around those bytes, not in the multi-pattern pass.
	byteOf []int
	// anchorOf[i] >= 0 is the pattern, in the multi-pattern pass, of the
	// literals one of which every match of identifier i holds ("ghp_",
	// "AIza", "://"): it is scanned alone around them, as byteOf. Or,
	// when loose[i], of identifier i's pattern with its digits loosened
	// (see loose.go): it is scanned alone just before where those match.
	anchorOf []int
	loose    []bool
	// bytesOf[i] holds every byte a match of identifier i can contain;
	// all bytes if it could not be bounded. A match lies inside one run
	// of such bytes.
	bytesOf []byteSet
	// runGated[i] is true for a RunGated identifier, out of the
	// multi-pattern pass: scanned alone in each run of bytesOf[i] at
	// least minw[i] long. Those runs lie in the runs of runBytes (the
	// union of their bytesOf, as runSet) at least runMin long (the least
	// minw), all of which longRuns finds in one pass; runMin is 0 if no
	// identifier is run-gated.
	runGated []bool
	runBytes [256]bool
	// seps[i], for a WeakWhenAlnum identifier, holds the bytes of
	// bytesOf[i] that are not ASCII letters or digits (a match without
	// one is weak); nil otherwise. See dropWeak.
	seps       []*byteSet
	runSet     runSet
	runMin     int
	rev, first []*nfaProgram // per identifier: reversed, and forward alone
	minw, maxw []int         // per identifier: match length bounds
	// cls is the byte classes of the multi-pattern pass (fwd); patCls[i]
	// those of identifier i's own programs, far fewer: a digit pattern
	// needs a handful, and its DFA rows stay small and in cache.
	cls    *classMap
	patCls []*classMap
	// overlap is how far each interleaved stream of the forward scan
	// starts before the region it reports: more than the longest match
	// of a pattern in the pass. A keyword gate can match wider (any run
	// of separators between a keyword's words), but a keyword the check
	// can find lies whole in the maxKeywordDistance bytes before a match,
	// so the gate match that stands for it is no wider than that.
	overlap int
	cache   atomic.Pointer[dfaCache]
}

// dfaCache holds the lazily built DFAs of an automaton.
type dfaCache struct {
	multi      *lazyDFA
	rev, first []*lazyDFA
	solo       []*lazyDFA // keyword-required identifiers: unanchored, alone
}

// newAutomaton compiles the identifier patterns and keyword gates. It
// fails only for patterns the NFA compiler cannot take (none of RE2's
// syntax is missing; the limit is size).
func newAutomaton(ids []*compiled) (*automaton, error) {
	a := &automaton{fwd: newNFAProgram()}
	widest := maxKeywordDistance   // of the pass's matches that matter; see overlap
	var anchors [][]*syntax.Regexp // per identifier: its anchor literals or loosened pattern, or nil
	for i, c := range ids {
		re := c.syn // parsed by compileRegistryWith; not by some tests
		if re == nil {
			var err error
			if re, _, err = parsePattern(c.Pattern); err != nil {
				return nil, err
			}
		}
		lo, hi := patternWidths(re)
		if hi < 0 {
			return nil, errors.New("unbounded pattern")
		}
		a.byteOf = append(a.byteOf, -1)
		a.anchorOf = append(a.anchorOf, -1)
		a.loose = append(a.loose, false)
		a.runGated = append(a.runGated, false)
		a.bytesOf = append(a.bytesOf, matchBytes(re))
		var lits []*syntax.Regexp
		if !c.KeywordRequired {
			if b, ok := requiredByte(re); ok {
				a.byteOf[i] = int(b)
			} else if lits, ok = anchorLiterals(re); ok {
				a.anchorOf[i] = -2 // numbered after the keyword gates
			} else if c.HeadAnchored {
				head, ok := patternHead(re)
				if !ok {
					return nil, fmt.Errorf("identifier %s: HeadAnchored, but the pattern has no head of %d fixed-width classes", c.ID, minHeadWidth)
				}
				lits = []*syntax.Regexp{head}
				a.anchorOf[i] = -2
			} else if c.RunGated {
				if a.bytesOf[i] == allBytes || lo < minRunWidth {
					return nil, fmt.Errorf("identifier %s: RunGated, but the pattern's bytes are not bounded or its matches can be shorter than %d", c.ID, minRunWidth)
				}
				a.runGated[i] = true
			} else if l, ok := loosenDigits(re); ok {
				lits = []*syntax.Regexp{l}
				a.anchorOf[i] = -2
				a.loose[i] = true
			}
		}
		anchors = append(anchors, lits)
		a.minw = append(a.minw, max(lo, 1))
		a.maxw = append(a.maxw, hi)
		rp, fp := newNFAProgram(), newNFAProgram()
		for _, x := range []struct {
			p   *nfaProgram
			pat int32
			rev bool
		}{{a.fwd, int32(i), false}, {rp, 0, true}, {fp, 0, false}} {
			if x.p == a.fwd && (c.KeywordRequired || a.byteOf[i] >= 0 || a.anchorOf[i] != -1 || a.runGated[i]) {
				// Found another way: through its keyword gate
				// (windowEnds), whose weak shapes (any 3 or 9 digits)
				// would flood the pass, its rare byte, anchor or head,
				// its runs, or its loosened pattern.
				x.p.starts = append(x.p.starts, x.p.add(nfaNode{op: opFail}))
				continue
			}
			if err := x.p.addPattern(re, x.pat, x.rev); err != nil {
				return nil, err
			}
			if x.p == a.fwd {
				widest = max(widest, hi)
			}
		}
		a.rev = append(a.rev, rp)
		a.first = append(a.first, fp)
		var seps *byteSet
		if c.WeakWhenAlnum {
			var err error
			if seps, err = weakSeparators(c, re, a.bytesOf[i], fp, rp); err != nil {
				return nil, err
			}
		}
		a.seps = append(a.seps, seps)
	}
	for _, c := range ids {
		if len(c.keywords) == 0 {
			a.gateOf = append(a.gateOf, -1)
			continue
		}
		a.gateOf = append(a.gateOf, len(a.fwd.starts))
		a.fwd.addKeywordGate(c.keywords, int32(len(a.fwd.starts)))
	}
	for i, lits := range anchors {
		if lits == nil {
			continue
		}
		a.anchorOf[i] = len(a.fwd.starts)
		alt := &syntax.Regexp{Op: syntax.OpAlternate, Sub: lits}
		if err := a.fwd.addPattern(alt, int32(len(a.fwd.starts)), false); err != nil {
			return nil, err
		}
		_, hi := patternWidths(alt)
		if hi < 0 {
			return nil, errors.New("unbounded anchor literals")
		}
		widest = max(widest, hi)
	}
	var union byteSet
	for i, gated := range a.runGated {
		if !gated {
			continue
		}
		union.addSet(&a.bytesOf[i])
		if a.runMin == 0 || a.minw[i] < a.runMin {
			a.runMin = a.minw[i]
		}
	}
	if a.runMin > 0 {
		if union[2] != 0 || union[3] != 0 {
			return nil, errors.New("RunGated identifiers: their patterns hold bytes outside ASCII")
		}
		a.runSet = newRunSet(union)
		for b := range 128 {
			a.runBytes[b] = a.runSet.has(byte(b))
		}
	}
	a.overlap = widest + 1
	a.cls = newClassMap(a.fwd)
	for i := range a.rev {
		a.patCls = append(a.patCls, newClassMap(a.rev[i], a.first[i]))
	}
	a.cache.Store(a.newCache())
	return a, nil
}

func (a *automaton) newCache() *dfaCache {
	c := &dfaCache{multi: newLazyDFA(a.fwd, modeMulti, a.fwd.starts, a.cls, multiStateLimit)}
	for i := range a.rev {
		rev, first, solo := a.patternDFAs(i)
		c.rev, c.first, c.solo = append(c.rev, rev), append(c.first, first), append(c.solo, solo)
	}
	return c
}

// patternDFAs returns new, empty DFAs of identifier i's own programs.
func (a *automaton) patternDFAs(i int) (rev, first, solo *lazyDFA) {
	cls := a.patCls[i]
	return newLazyDFA(a.rev[i], modeReverse, a.rev[i].starts, cls, patternStateLimit),
		newLazyDFA(a.first[i], modeFirst, a.first[i].starts, cls, patternStateLimit),
		newLazyDFA(a.first[i], modeMulti, a.first[i].starts, cls, patternStateLimit)
}

// windowEnds appends to ends the ends of identifier i's matches in the
// windows where a keyword can be close enough before them: after each end
// g of its keyword gate, [g, g+reach]. With gate nil it scans all of buf.
// It returns false if a DFA filled up.
func (a *automaton) windowEnds(c *dfaCache, buf []byte, i int, gate []int32, reach int, ends []int32) ([]int32, bool) {
	solo := c.solo[i]
	if gate == nil {
		return solo.scanRange(buf, 0, len(buf), ends)
	}
	for k := 0; k < len(gate); {
		from := int(gate[k])
		to := min(len(buf), from+reach)
		for k++; k < len(gate) && int(gate[k]) <= to; k++ {
			to = min(len(buf), int(gate[k])+reach)
		}
		var ok bool
		if ends, ok = solo.scanRange(buf, from, to, ends); !ok {
			return ends, false
		}
	}
	return ends, true
}

// dropWeak removes from ends, the match ends of WeakWhenAlnum identifier
// i, those where every match is weak and has no keyword, which check
// would drop: no keyword gate match ends where a keyword before any of
// those matches could be (hint; the caller has ruled out the field), and
// each match lies in the run of letters and digits before the end. A
// match starts with a letter or digit and holds only bytes of bytesOf[i],
// so one that holds a separator (seps[i]) is found, walking back from the
// end through bytesOf[i] up to the longest match, as a separator and then
// a letter or digit.
//
// Dropping them changes no result, although spans then no longer skips
// the bytes they cover: a match starts and ends at a word boundary, and
// there is none inside a run of letters and digits, so no other match
// starts inside a dropped one, and a start whose matches all lie in such
// a run has all its ends dropped.
func (a *automaton) dropWeak(buf []byte, i int, ends []int32, hint keywordHint, dist int) []int32 {
	if hint.anywhere {
		return ends
	}
	seps, in := a.seps[i], &a.bytesOf[i]
	minw, maxw := a.minw[i], a.maxw[i]
	kept := ends[:0]
	g := 0 // the first gate end in reach of this end or a later one
	for _, e := range ends {
		end := int(e)
		// A match ending at end starts in [end-maxw, end-minw]; a
		// keyword before it ends at most dist bytes before its start
		// (keywordHint.near, for every start at once).
		for g < len(hint.gate) && int(hint.gate[g]) < end-maxw-dist {
			g++
		}
		keep := g < len(hint.gate) && int(hint.gate[g]) <= end-minw
		sep := false
		for p := end - 1; !keep && p >= max(0, end-maxw) && in.has(buf[p]); p-- {
			if seps.has(buf[p]) {
				sep = true
			} else {
				keep = sep
			}
		}
		if keep {
			kept = append(kept, e)
		}
	}
	return kept
}

// weakSeparators checks that the WeakWhenAlnum identifier c can use
// dropWeak, its pattern being re, the bytes of its matches in, and fp
// and rp its forward and reversed programs: c has a WeakForm and
// keywords that are not required, every match starts and ends with \b
// and with a letter or digit. It returns the bytes of in that are not
// letters or digits.
func weakSeparators(c *compiled, re *syntax.Regexp, in byteSet, fp, rp *nfaProgram) (*byteSet, error) {
	switch {
	case c.WeakForm == nil || len(c.keywords) == 0 || c.KeywordRequired:
		return nil, fmt.Errorf("identifier %s: WeakWhenAlnum needs a WeakForm and keywords that are not required", c.ID)
	case !wordBounded(re, true) || !wordBounded(re, false):
		return nil, fmt.Errorf("identifier %s: WeakWhenAlnum needs a pattern that starts and ends with \\b", c.ID)
	}
	if in.has('_') { // the one word byte that is not a letter or digit
		return nil, fmt.Errorf("identifier %s: WeakWhenAlnum, but its matches can hold '_'", c.ID)
	}
	for _, p := range []*nfaProgram{fp, rp} {
		if e := p.edgeBytes(); !e.within(&alnumBytes) {
			return nil, fmt.Errorf("identifier %s: WeakWhenAlnum, but a match can start or end with a byte other than a letter or digit", c.ID)
		}
	}
	seps := bytesWhere(func(b byte) bool { return in.has(b) && !isAlnum(b) })
	return &seps, nil
}

// alnumBytes holds the ASCII letters and digits.
var alnumBytes = bytesWhere(isAlnum)

// bytesWhere returns the set of the bytes for which f is true.
func bytesWhere(f func(byte) bool) (s byteSet) {
	for c := range 256 {
		if f(byte(c)) {
			s.add(byte(c))
		}
	}
	return s
}

// within reports whether every byte of s is in t.
func (s *byteSet) within(t *byteSet) bool {
	for k := range s {
		if s[k]&^t[k] != 0 {
			return false
		}
	}
	return true
}

// edgeBytes returns the bytes a match of p can consume first: for a
// reversed program, the bytes a match can end with. Assertions are taken
// to hold, so the set may be larger than the truth, never smaller.
func (p *nfaProgram) edgeBytes() byteSet {
	var u byteSet
	seen := make([]bool, len(p.nodes))
	stack := slices.Clone(p.starts)
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[n] {
			continue
		}
		seen[n] = true
		switch nd := &p.nodes[n]; nd.op {
		case opByte:
			u.addSet(&p.sets[nd.set])
		case opSplit:
			stack = append(stack, nd.out, nd.out1)
		case opAssert:
			stack = append(stack, nd.out)
		}
	}
	return u
}

// wordBounded reports whether every match of re starts (start) or ends
// (!start) with \b.
func wordBounded(re *syntax.Regexp, start bool) bool {
	switch re.Op {
	case syntax.OpWordBoundary:
		return true
	case syntax.OpCapture:
		return wordBounded(re.Sub[0], start)
	case syntax.OpConcat:
		if len(re.Sub) == 0 {
			return false
		}
		if start {
			return wordBounded(re.Sub[0], start)
		}
		return wordBounded(re.Sub[len(re.Sub)-1], start)
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if !wordBounded(sub, start) {
				return false
			}
		}
		return true
	}
	return false
}

// reset replaces a full cache by an empty one (once, however many scans
// saw it fill up).
func (a *automaton) reset(full *dfaCache) {
	a.cache.CompareAndSwap(full, a.newCache())
}

// resetPattern replaces, in a copy of c, identifier i's own DFAs, one of
// which filled up, by empty ones, and stores the copy unless c has been
// replaced already (a scan that then finds i's DFA full again retries).
// The other DFAs, and what they have built, are kept.
func (a *automaton) resetPattern(c *dfaCache, i int) {
	n := *c
	n.rev, n.first, n.solo = slices.Clone(c.rev), slices.Clone(c.first), slices.Clone(c.solo)
	n.rev[i], n.first[i], n.solo[i] = a.patternDFAs(i)
	a.cache.CompareAndSwap(c, &n)
}

// spans calls fn with the leftmost-first, non-overlapping matches of
// identifier i (what go-re2's FindAllIndex returns), given ends, the
// increasing offsets where a match of i ends. Runs of ends with gaps
// shorter than the longest match depend on one another; a gap that long
// resets nothing, as no match can span it. fn returns false to stop.
// spans returns false if a DFA filled up. memo, if not nil, is scratch
// kept by the caller from one call to the next.
//
// A match holds only bytes of bytesOf[i], which saves most of the DFA
// runs on dense data, where values sit between separators such a match
// cannot hold (a CSV column joined by newlines): a start right after such
// a byte is the leftmost there can be, so the ends after it need no
// backward run, and a match from it ends before the next such byte, so
// an IBAN's or a phone number's many inner ends need no forward run to
// tell which one is its end when the next value's ends are out of reach.
func (a *automaton) spans(c *dfaCache, buf []byte, i int, ends []int32, memo *[]int, fn func(start, end int) bool) bool {
	rev, first := c.rev[i], c.first[i]
	minw, maxw, in := a.minw[i], a.maxw[i], &a.bytesOf[i]
	cursor := 0
	// memo[k] is the leftmost start found for run[k] at an earlier cursor,
	// -1 for none, or unknownStart. The cursor only grows, so a start at
	// or after it (or none at all) still holds: with values closer
	// together than the longest match (emails in a CSV), each end is
	// otherwise scanned backwards once per value before it.
	const unknownStart = -2
	if memo == nil {
		memo = new([]int)
	}
	for lo := 0; lo < len(ends); {
		// One run of dependent ends: ends[lo:hi].
		hi := lo + 1
		for hi < len(ends) && int(ends[hi]-ends[hi-1]) < maxw {
			hi++
		}
		run := ends[lo:hi]
		*memo = (*memo)[:0]
		for range run {
			*memo = append(*memo, unknownStart)
		}
		j := 0
		for {
			for j < len(run) && int(run[j]) < cursor+minw {
				j++
			}
			if j == len(run) {
				break
			}
			// The leftmost start of any match at or after cursor; a match
			// ending beyond bestS+maxw cannot start before bestS.
			bestS := -1
			for k := j; k < len(run); k++ {
				e := int(run[k])
				if bestS >= 0 && e > bestS+maxw {
					break
				}
				s := (*memo)[k]
				if s == unknownStart || (s >= 0 && s < cursor) {
					var ok bool
					if k+1 < len(run) && (*memo)[k+1] == unknownStart && int(run[k+1]-run[k]) >= minw {
						// The next end is far enough to be the next
						// value's, whose start the next round needs:
						// find both in one run of two.
						var next int
						if s, next, ok = rev.leftmostStarts(buf, e, int(run[k+1]), cursor); !ok {
							return false
						}
						(*memo)[k+1] = next
					} else if s, ok = rev.leftmostStart(buf, e, cursor); !ok {
						return false
					}
					(*memo)[k] = s
				}
				if s >= 0 && (bestS < 0 || s < bestS) {
					// The ends still to come are later than e: a match
					// of theirs that starts before s holds the byte
					// before s.
					if bestS = s; s == cursor || !in.has(buf[s-1]) {
						break
					}
				}
			}
			if bestS < 0 {
				break
			}
			// The leftmost-first end from bestS is one of the ends in
			// (bestS, bestS+maxw] where a match from bestS can end; when
			// there is only one, it is that one. Such a match holds no
			// byte outside bytesOf, and an end whose leftmost start at or
			// after an earlier cursor is not at or before bestS has none.
			end, n := -1, 0
			limit := min(bestS+maxw, len(buf))
			// The first end a match from bestS can have lies in
			// run[j:k0+1], k0 being the end whose start bestS is, which
			// the loop above has walked: a linear search costs no more
			// than that loop. (A dense column is one long run, which a
			// binary search halved again for every value.)
			k := j
			for k < len(run) && int(run[k]) < bestS+minw {
				k++
			}
			for ; k < len(run) && int(run[k]) <= limit && n < 2; k++ {
				if s := (*memo)[k]; s == -1 || s > bestS {
					continue
				}
				if n == 1 {
					// A second candidate: look for the byte that
					// bounds the match before running the forward DFA.
					for p := bestS; p < limit; p++ {
						if !in.has(buf[p]) {
							limit = p
							break
						}
					}
					if int(run[k]) > limit {
						break
					}
				}
				end, n = int(run[k]), n+1
			}
			if n > 1 {
				var ok bool
				if end, ok = first.firstEnd(buf, bestS); !ok {
					return false
				}
			}
			if end <= bestS { // cannot happen: patterns never match empty
				end = bestS + 1
			} else if !fn(bestS, end) {
				return true
			}
			cursor = end
		}
		lo = hi
	}
	return true
}

// Required bytes. Some patterns cannot match without one particular rare
// byte ('@' in an email address). Such an identifier is left out of the
// multi-pattern pass (where its long bounded repetitions would multiply
// the DFA states of all the others) and scanned alone only around the
// occurrences of that byte, found with bytes.IndexByte. Every match holds
// the byte and lies within the pattern's longest match of it, so the
// windows hold every match, whole, and the spans are the same as a scan
// of the whole buffer.

// byteWeight estimates how common a byte is in text, for choosing the
// rarest byte set a pattern requires.
func byteWeight(c byte) int {
	switch {
	case isLower(c), c == ' ':
		return 30
	case isDigit(c):
		return 20
	case isUpper(c), c == '\n':
		return 10
	case c == '.', c == ',', c == '-', c == '_', c == ':', c == '/', c == '=', c == '"':
		return 8
	}
	return 1
}

// requiredByte returns a byte that every match of re contains, if there
// is one rare enough to be worth a scan of its own.
func requiredByte(re *syntax.Regexp) (byte, bool) {
	set, ok := requiredSet(re)
	if !ok {
		return 0, false
	}
	n, w, b := 0, 0, byte(0)
	for c := range 256 {
		if set.has(byte(c)) {
			n, w, b = n+1, w+byteWeight(byte(c)), byte(c)
		}
	}
	return b, n == 1 && w == 1
}

// requiredSet returns a set of ASCII bytes of which every match of re
// contains at least one, choosing the rarest it can prove.
func requiredSet(re *syntax.Regexp) (byteSet, bool) {
	weight := func(s byteSet) int {
		w := 0
		for c := range 256 {
			if s.has(byte(c)) {
				w += byteWeight(byte(c))
			}
		}
		return w
	}
	switch re.Op {
	case syntax.OpLiteral:
		var best byteSet
		found := false
		for _, r := range re.Rune {
			if r >= utf8.RuneSelf {
				continue
			}
			var s byteSet
			for _, f := range foldRanges(r) {
				if re.Flags&syntax.FoldCase != 0 || f == r {
					if f < utf8.RuneSelf {
						s.add(byte(f))
					}
				}
			}
			if !found || weight(s) < weight(best) {
				best, found = s, true
			}
		}
		return best, found
	case syntax.OpCharClass:
		var s byteSet
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1] >= utf8.RuneSelf {
				return s, false
			}
			s.addRange(byte(re.Rune[i]), byte(re.Rune[i+1]))
		}
		return s, len(re.Rune) > 0
	case syntax.OpCapture, syntax.OpPlus:
		return requiredSet(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredSet(re.Sub[0])
		}
	case syntax.OpConcat:
		var best byteSet
		found := false
		for _, sub := range re.Sub {
			if s, ok := requiredSet(sub); ok && (!found || weight(s) < weight(best)) {
				best, found = s, true
			}
		}
		return best, found
	case syntax.OpAlternate:
		var u byteSet
		for _, sub := range re.Sub {
			s, ok := requiredSet(sub)
			if !ok {
				return u, false
			}
			u.addSet(&s)
		}
		return u, len(re.Sub) > 0
	}
	return byteSet{}, false
}

// byteEnds appends to ends the ends of identifier i's matches, scanning it
// alone around each occurrence of its required byte b (see runEnds).
func (a *automaton) byteEnds(c *dfaCache, buf []byte, i int, b byte, ends []int32) ([]int32, bool) {
	return a.runEnds(c, buf, i, ends, func(from int) int {
		if k := bytes.IndexByte(buf[from:], b); k >= 0 {
			return from + k
		}
		return -1
	})
}

// passEnds appends to ends the ends of identifier i's matches, given
// cand, the increasing ends of its pattern in the multi-pattern pass
// (anchorOf[i]): its loosened pattern's (looseEnds) or its anchor
// literals' (anchorEnds).
func (a *automaton) passEnds(c *dfaCache, buf []byte, i int, cand, ends []int32) ([]int32, bool) {
	if a.loose[i] {
		return a.looseEnds(c, buf, i, cand, ends)
	}
	return a.anchorEnds(c, buf, i, cand, ends)
}

// anchorEnds appends to ends the ends of identifier i's matches, scanning
// it alone around each of its anchor literals; anchor holds where they end
// (from the multi-pattern pass), in increasing order.
func (a *automaton) anchorEnds(c *dfaCache, buf []byte, i int, anchor, ends []int32) ([]int32, bool) {
	k := 0
	return a.runEnds(c, buf, i, ends, func(from int) int {
		// An anchor ending at g has its last byte at g-1.
		for k < len(anchor) && int(anchor[k])-1 < from {
			k++
		}
		if k == len(anchor) {
			return -1
		}
		return int(anchor[k]) - 1
	})
}

// runEnds appends to ends the ends of identifier i's matches, scanning it
// alone around the positions next yields (next(from) is the first at or
// after from, or -1): bytes every match holds one of. A match holding the
// byte at p lies within [p-w, p+w], w its longest match, and within the
// run of bytes around p that a match can contain (in "id,jane@example.com,"
// the run of an email address ends at the commas), so only that much is
// scanned; windows that overlap or touch are scanned as one.
func (a *automaton) runEnds(c *dfaCache, buf []byte, i int, ends []int32, next func(from int) int) ([]int32, bool) {
	w, in := a.maxw[i], &a.bytesOf[i]
	win := soloWindows(c, buf, i, ends)
	for p := 0; p < len(buf); {
		at := next(p)
		if at < 0 {
			break
		}
		lo, hi := at, at+1
		for lim := max(0, at-w); lo > lim && in.has(buf[lo-1]); {
			lo--
		}
		for lim := min(len(buf), at+w); hi < lim && in.has(buf[hi]); {
			hi++
		}
		if !win.add(lo, hi) {
			return win.ends, false
		}
		p = at + 1
	}
	return win.done()
}

// windows scans one identifier alone over windows given in increasing
// order of their starts, those that overlap or touch as one, appending
// the ends of its matches to ends.
type windows struct {
	solo     *lazyDFA
	buf      []byte
	from, to int // the window being grown; from < 0 if none
	ends     []int32
}

// soloWindows returns an empty windows scanning identifier i alone in buf
// with c's DFA, appending to ends.
func soloWindows(c *dfaCache, buf []byte, i int, ends []int32) windows {
	return windows{solo: c.solo[i], buf: buf, from: -1, to: -1, ends: ends}
}

// add adds the window [lo, hi]; it returns false if the DFA filled up.
func (w *windows) add(lo, hi int) bool {
	if w.from >= 0 && lo > w.to {
		var ok bool
		if w.ends, ok = w.solo.scanRange(w.buf, w.from, w.to, w.ends); !ok {
			return false
		}
		w.from = -1
	}
	if w.from < 0 {
		w.from = lo
	}
	w.to = max(w.to, hi)
	return true
}

// done scans the last window and returns the ends.
func (w *windows) done() ([]int32, bool) {
	if w.from < 0 {
		return w.ends, true
	}
	return w.solo.scanRange(w.buf, w.from, w.to, w.ends)
}

// minRunWidth is the shortest match a RunGated identifier may have: a
// run that long covers a whole aligned word of eight bytes, which
// longRuns looks for, and runs of fewer bytes are common in ordinary text.
const minRunWidth = 15

// allBytes is the byteSet of every byte.
var allBytes = byteSet{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}

// longRuns appends to dst the maximal runs of runBytes in buf at least
// runMin long, as pairs of offsets, in order. As runMin is at least
// minRunWidth (15), every such run covers a whole aligned word of eight
// bytes: it tests words eight bytes at a time (runSet.full), and measures
// a run only around a word that is all in the set.
func (a *automaton) longRuns(buf []byte, dst []int32) []int32 {
	in := &a.runBytes
	for i := 0; i+8 <= len(buf); i += 8 {
		if !a.runSet.full(binary.LittleEndian.Uint64(buf[i:])) {
			continue
		}
		start, end := i, i+8
		for start > 0 && in[buf[start-1]] {
			start--
		}
		for end+8 <= len(buf) && a.runSet.full(binary.LittleEndian.Uint64(buf[end:])) {
			end += 8
		}
		for end < len(buf) && in[buf[end]] {
			end++
		}
		if end-start >= a.runMin {
			dst = append(dst, int32(start), int32(end))
		}
		// buf[end] is out of the set: the word that holds it is not full.
		i = end &^ 7
	}
	return dst
}

// runSet is a set of ASCII bytes held as at most maxRunRanges ranges
// [first, last], for testing eight bytes at once: lo[r] and over[r] add,
// to each byte (high bit cleared), what sets its high bit when it is at
// least range r's first byte, and when it is past its last.
type runSet struct {
	n           int
	first, last [maxRunRanges]byte
	lo, over    [maxRunRanges]uint64
}

const maxRunRanges = 3

// newRunSet returns the runSet of the ranges of s, which holds only ASCII
// bytes; when s has more than maxRunRanges ranges, those with the
// shortest gaps between them are merged, so that the set grows: a run of
// s's bytes then lies in a run of the set's, which is what longRuns needs.
func newRunSet(s byteSet) runSet {
	type rng struct{ lo, hi int }
	var rs []rng
	for c := 0; c < 128; c++ {
		if !s.has(byte(c)) {
			continue
		}
		if n := len(rs); n > 0 && rs[n-1].hi == c-1 {
			rs[n-1].hi = c
		} else {
			rs = append(rs, rng{c, c})
		}
	}
	for len(rs) > maxRunRanges {
		k := 0
		for j := 1; j+1 < len(rs); j++ {
			if rs[j+1].lo-rs[j].hi < rs[k+1].lo-rs[k].hi {
				k = j
			}
		}
		rs[k].hi = rs[k+1].hi
		rs = slices.Delete(rs, k+1, k+2)
	}
	const ones = 0x0101010101010101
	var set runSet
	set.n = len(rs)
	for r, x := range rs {
		set.first[r], set.last[r] = byte(x.lo), byte(x.hi)
		set.lo[r] = uint64(0x80-x.lo) * ones
		set.over[r] = uint64(0x80-x.hi-1) * ones
	}
	return set
}

// full reports whether all eight bytes of x are in the set. No byte's sum
// carries into the next: a byte is at most 0x7f once its high bit is
// cleared, and each addend at most 0x80.
func (s *runSet) full(x uint64) bool {
	const high = 0x8080808080808080
	y := x &^ high
	var in uint64
	for r := range s.n {
		in |= (y + s.lo[r]) &^ (y + s.over[r])
	}
	return in&high&^x == high
}

// has reports whether c is in the set.
func (s *runSet) has(c byte) bool {
	for r := range s.n {
		if s.first[r] <= c && c <= s.last[r] {
			return true
		}
	}
	return false
}

// runEndsIn appends to ends the ends of the run-gated identifier i's
// matches, scanning it alone in each run of its bytes at least minw[i]
// long; runs holds the long runs of runBytes (longRuns), which contain
// all of those.
func (a *automaton) runEndsIn(c *dfaCache, buf []byte, i int, runs, ends []int32) ([]int32, bool) {
	solo, in, w := c.solo[i], &a.bytesOf[i], a.minw[i]
	for k := 0; k+1 < len(runs); k += 2 {
		for p, end := int(runs[k]), int(runs[k+1]); p < end; {
			for p < end && !in.has(buf[p]) {
				p++
			}
			q := p
			for q < end && in.has(buf[q]) {
				q++
			}
			if q-p >= w {
				var ok bool
				if ends, ok = solo.scanRange(buf, p, q, ends); !ok {
					return ends, false
				}
			}
			p = q
		}
	}
	return ends, true
}

// minHeadWidth is the shortest head patternHead returns: a shorter one
// would be common in ordinary text.
const minHeadWidth = 3

// patternHead returns the head of re: its leading empty-width assertions
// and the character classes and literals of fixed width it starts with
// (`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4})...` gives `\b[A-Z]{2}\d{2}`). Every
// match of re starts with a match of the head, so the head's last byte
// lies in it: the head can stand for re in the multi-pattern pass as
// anchor literals do (see identifier.HeadAnchored). Keeping the \b makes
// the head rarer and its DFA states fewer. ok is false if the head is
// narrower than minHeadWidth.
func patternHead(re *syntax.Regexp) (*syntax.Regexp, bool) {
	var items []*syntax.Regexp
	var flat func(re *syntax.Regexp)
	flat = func(re *syntax.Regexp) {
		switch re.Op {
		case syntax.OpConcat:
			for _, sub := range re.Sub {
				flat(sub)
			}
		case syntax.OpCapture:
			flat(re.Sub[0])
		default:
			items = append(items, re)
		}
	}
	flat(re)
	var head []*syntax.Regexp
	width := 0
	for _, it := range items {
		if w := fixedWidth(it); w > 0 {
			head = append(head, it)
			width += w
			continue
		}
		if width == 0 && emptyWidth(it) {
			head = append(head, it) // a leading \b or ^
			continue
		}
		break
	}
	if width < minHeadWidth {
		return nil, false
	}
	return &syntax.Regexp{Op: syntax.OpConcat, Sub: head}, true
}

// fixedWidth returns the width of re if it is a run of single ASCII
// characters each from a fixed set (a literal, a class, a class repeated a
// fixed number of times), or 0.
func fixedWidth(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if r >= utf8.RuneSelf {
				return 0
			}
		}
		return len(re.Rune)
	case syntax.OpCharClass:
		if len(re.Rune) == 0 || re.Rune[len(re.Rune)-1] >= utf8.RuneSelf {
			return 0
		}
		return 1
	case syntax.OpRepeat:
		if w := fixedWidth(re.Sub[0]); w > 0 && re.Min == re.Max && re.Min > 0 {
			return w * re.Min
		}
	}
	return 0
}

// emptyWidth reports whether re is an empty-width assertion.
func emptyWidth(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpBeginLine, syntax.OpBeginText, syntax.OpEmptyMatch:
		return true
	}
	return false
}

// Anchor literals. A pattern such as `\bghp_[A-Za-z0-9]{36}` cannot match
// without one of a few literals; in the multi-pattern pass its bounded
// repetition multiplies the DFA states of every other pattern (a counter
// of 36 positions per state), while the literal alone adds a handful. So
// such an identifier is represented in the pass by its literals, and
// scanned alone only around them.

// Bounds on anchor literals: at least minAnchorLen bytes each (shorter
// ones are too common to be worth it), at most maxAnchors of them.
const (
	minAnchorLen = 3
	maxAnchors   = 16
)

// anchorLiterals returns literal patterns one of which every match of re
// contains, if there are few enough long enough ones.
func anchorLiterals(re *syntax.Regexp) ([]*syntax.Regexp, bool) {
	lits, ok := requiredLits(re)
	if !ok || len(lits) == 0 || len(lits) > maxAnchors {
		return nil, false
	}
	out := make([]*syntax.Regexp, len(lits))
	for k, l := range lits {
		if len(l.s) < minAnchorLen {
			return nil, false
		}
		flags := syntax.Flags(0)
		if l.fold {
			flags = syntax.FoldCase
		}
		out[k] = &syntax.Regexp{Op: syntax.OpLiteral, Rune: []rune(l.s), Flags: flags}
	}
	return out, true
}

// lit is an ASCII literal, matched exactly or, with fold, case-insensitively.
type lit struct {
	s    string
	fold bool
}

// requiredLits returns literals one of which every match of re contains,
// choosing among the possibilities the set whose shortest literal is
// longest (then the smallest set). Literals next to each other and small
// classes between them are joined ("gh" [pousr] "_" gives "ghp_", "gho_",
// ...).
func requiredLits(re *syntax.Regexp) ([]lit, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		l, ok := literalOf(re)
		return []lit{l}, ok
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLits(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLits(re.Sub[0])
		}
	case syntax.OpAlternate:
		var all []lit
		for _, sub := range re.Sub {
			ls, ok := requiredLits(sub)
			if !ok {
				return nil, false
			}
			all = append(all, ls...)
		}
		return all, len(all) > 0 && len(all) <= maxAnchors
	case syntax.OpConcat:
		var best []lit
		consider := func(ls []lit) {
			if len(ls) == 0 || len(ls) > maxAnchors {
				return
			}
			if best == nil || shortest(ls) > shortest(best) || (shortest(ls) == shortest(best) && len(ls) < len(best)) {
				best = ls
			}
		}
		run := []lit{{}} // literals joined so far from consecutive subs
		for _, sub := range re.Sub {
			if ext, ok := joinLit(run, sub); ok {
				run = ext
				continue
			}
			consider(run)
			run = []lit{{}}
			if ls, ok := requiredLits(sub); ok {
				consider(ls)
			}
		}
		consider(run)
		return best, best != nil
	}
	return nil, false
}

// literalOf returns re (an OpLiteral) as a lit if it is ASCII.
func literalOf(re *syntax.Regexp) (lit, bool) {
	b := make([]byte, 0, len(re.Rune))
	for _, r := range re.Rune {
		if r >= utf8.RuneSelf {
			return lit{}, false
		}
		b = append(b, byte(r))
	}
	return lit{s: string(b), fold: re.Flags&syntax.FoldCase != 0}, len(b) > 0
}

// joinLit extends every literal of run by the strings sub matches (see
// literalSet), if the result stays small and of one case mode.
func joinLit(run []lit, sub *syntax.Regexp) ([]lit, bool) {
	tails, ok := literalSet(sub)
	if !ok {
		return nil, false
	}
	return joinTails(run, tails)
}

// literalSet returns every string re matches, if re matches few and only
// ASCII ones: a literal, a class of at most a few ASCII bytes, and
// concatenations, alternations and optional parts of those. The parser
// factors common prefixes out of alternations (xoxb|xoxe|xapp reads
// x(?:ox[be]|app)), so an alternation of literals is a concatenation of
// literals and alternations.
func literalSet(re *syntax.Regexp) ([]lit, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		l, ok := literalOf(re)
		return []lit{l}, ok
	case syntax.OpEmptyMatch:
		return []lit{{}}, true
	case syntax.OpCharClass:
		var out []lit
		for k := 0; k+1 < len(re.Rune); k += 2 {
			lo, hi := re.Rune[k], re.Rune[k+1]
			if hi >= utf8.RuneSelf || len(out)+int(hi-lo+1) > 8 {
				return nil, false
			}
			for r := lo; r <= hi; r++ {
				out = append(out, lit{s: string(rune(r))})
			}
		}
		return out, true
	case syntax.OpCapture:
		return literalSet(re.Sub[0])
	case syntax.OpQuest:
		ls, ok := literalSet(re.Sub[0])
		return append(ls, lit{}), ok && len(ls) < maxAnchors
	case syntax.OpConcat:
		out := []lit{{}}
		for _, sub := range re.Sub {
			var ok bool
			if out, ok = joinLit(out, sub); !ok {
				return nil, false
			}
		}
		return out, true
	case syntax.OpAlternate:
		var out []lit
		for _, sub := range re.Sub {
			ls, ok := literalSet(sub)
			if !ok || len(out)+len(ls) > maxAnchors {
				return nil, false
			}
			out = append(out, ls...)
		}
		return out, true
	}
	return nil, false
}

// joinTails extends every literal of run by every literal of tails.
func joinTails(run, tails []lit) ([]lit, bool) {
	if len(run)*len(tails) > maxAnchors {
		return nil, false
	}
	var out []lit
	for _, h := range run {
		for _, t := range tails {
			switch {
			case t.s == "":
				out = append(out, h)
			case h.s == "":
				out = append(out, t)
			case h.fold != t.fold:
				return nil, false
			default:
				out = append(out, lit{s: h.s + t.s, fold: t.fold})
			}
		}
	}
	return out, true
}

// shortest returns the length of the shortest literal of ls.
func shortest(ls []lit) int {
	n := -1
	for _, l := range ls {
		if n < 0 || len(l.s) < n {
			n = len(l.s)
		}
	}
	return n
}

// matchBytes returns the set of bytes that a match of re can contain: all
// bytes if it cannot tell (a non-ASCII class, any character). A
// case-folded ASCII literal can also match the non-ASCII letters that fold
// to it (the long s of "baſic", the Kelvin sign): their UTF-8 bytes are in
// the set.
func matchBytes(re *syntax.Regexp) byteSet {
	var all byteSet
	for k := range all {
		all[k] = ^uint64(0)
	}
	var s byteSet
	ok := true
	var walk func(re *syntax.Regexp)
	walk = func(re *syntax.Regexp) {
		switch re.Op {
		case syntax.OpLiteral:
			for _, r := range re.Rune {
				if r >= utf8.RuneSelf {
					ok = false
					return
				}
				for _, f := range foldRanges(r) {
					if re.Flags&syntax.FoldCase != 0 || f == r {
						var enc [utf8.UTFMax]byte
						for _, b := range enc[:utf8.EncodeRune(enc[:], f)] {
							s.add(b)
						}
					}
				}
			}
		case syntax.OpCharClass:
			for k := 0; k+1 < len(re.Rune); k += 2 {
				if re.Rune[k+1] >= utf8.RuneSelf {
					ok = false
					return
				}
				s.addRange(byte(re.Rune[k]), byte(re.Rune[k+1]))
			}
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			ok = false
		}
		for _, sub := range re.Sub {
			walk(sub)
		}
	}
	walk(re)
	if !ok {
		return all
	}
	return s
}
