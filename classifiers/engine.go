package classifiers

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"iter"
	"math"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/dchest/siphash"
	re2 "github.com/wasilibs/go-re2"
	"github.com/wasilibs/go-re2/experimental"
)

// Engine limits.
const (
	// DefaultMaxMatchesPerIdentifier is the per-identifier cap of one Scan
	// call when Options.MaxMatchesPerIdentifier is 0.
	DefaultMaxMatchesPerIdentifier = 10000
	// MinFingerprintKeyLen is the shortest accepted fingerprint key.
	MinFingerprintKeyLen = 16
)

// Errors returned by NewEngine.
var (
	// ErrShortKey means Options.FingerprintKey is missing or shorter than
	// MinFingerprintKeyLen bytes.
	ErrShortKey = errors.New("classifiers: fingerprint key must be at least 16 bytes")
)

// Options configure an Engine.
type Options struct {
	// FingerprintKey is the per-installation HMAC key for fingerprints.
	// It is required and must be at least MinFingerprintKeyLen bytes; the
	// engine keeps its own copy.
	FingerprintKey []byte
	// MaxMatchesPerIdentifier caps the matches of one identifier returned
	// by one Scan call (or one ScanReader call). 0 means
	// DefaultMaxMatchesPerIdentifier. A Scan that returns exactly this many
	// matches of an identifier may have stopped early.
	MaxMatchesPerIdentifier int
	// CustomIdentifiers are user rules scanned alongside the builtin
	// identifiers (see CustomIdentifier). An invalid rule makes NewEngine
	// fail with an error naming the rule.
	CustomIdentifiers []CustomIdentifier
	// AllowList suppresses known, accepted values (test fixtures, a
	// company's own public contact address) for every identifier.
	AllowList AllowList
}

// IdentifierInfo describes one identifier of an Engine.
type IdentifierInfo struct {
	ID              string   // upper-snake id, as in Match.Identifier
	Name            string   // short human-readable name
	Category        Category // reporting category
	Description     string   // one sentence on what it finds
	KeywordRequired bool     // matches without a keyword are dropped
}

// Engine classifies byte buffers with the builtin identifiers and any
// custom ones. It is immutable after NewEngine and safe for concurrent use
// by any number of goroutines.
type Engine struct {
	reg    *registry
	key    []byte
	max    int
	allow  *allowList // nil without an allow list
	block  int        // block size of the go-re2 path; tests shrink or grow it
	noAuto bool       // tests: always take the go-re2 path
	hashes sync.Pool  // of hash.Hash: HMAC-SHA256 keyed with key
	// rankKey is the SipHash key of sketch ranks (sketch.go), derived from
	// key; rankSalt[i] makes identifier i's ranks its own.
	rankKey  [2]uint64
	rankSalt []uint64
}

// registry is a compiled identifier table: the builtin one, shared by all
// engines without custom identifiers, or the builtin and custom ones of
// one engine.
type registry struct {
	// ids is sorted by ID; set pattern i < len(ids) is ids[i].Pattern.
	ids []*compiled
	// set holds every identifier pattern, then one keyword gate per
	// keyword-required identifier (see keywordGate): set pattern
	// len(ids)+j gates ids[gated[j]], and compiled.gate points back.
	set   *experimental.Set
	gated []int
	// setPatterns are the set's patterns; set and each identifier's re
	// are compiled from them on first use (goRE2).
	setPatterns []string
	re2Once     sync.Once
	re2Err      error
	// context is how many bytes a block window reaches past its own
	// region on each side: enough for the longest pattern match and the
	// longest keyword look-back.
	context int
	// auto is the pure-Go matcher Scan uses; nil if the table could not
	// be compiled to one (then every scan takes the go-re2 path).
	auto *automaton
}

// compiled is one identifier with its compiled pattern and word-form
// keywords.
type compiled struct {
	identifier
	re       *re2.Regexp
	syn      *syntax.Regexp // Pattern, parsed and simplified once for the automaton
	keywords [][]byte
	kwSet    keywordSet // keywords, for finding them in text
	distance int
	gate     int    // set index of the keyword gate, or -1
	fpPrefix []byte // ID + ":", the start of what is fingerprinted

	// Custom identifiers only.
	custom bool
	ignore [][]byte   // lower-case IgnoreWords
	fixed  Confidence // from Severity; "" means the usual rules
}

// loadRegistry compiles the builtin table once per process: go-re2
// compilation costs milliseconds per pattern, and the table is static.
var loadRegistry = sync.OnceValues(func() (*registry, error) {
	return compileRegistry(builtin)
})

// Precompile starts compiling the builtin identifier table in the
// background, so that a program can overlap it (10-20 ms at process
// start) with other work; the first NewEngine waits for it to finish, and
// reports its error if it failed. It is never needed for correctness.
func Precompile() {
	go loadRegistry()
}

// NewEngine returns an engine with the builtin identifiers and
// opts.CustomIdentifiers. It fails if the fingerprint key is shorter than
// MinFingerprintKeyLen bytes, if MaxMatchesPerIdentifier is negative, if a
// custom identifier or allow-list entry is invalid (the error names it and
// says why), or if the identifier table itself does not compile (a
// programming error caught by the package tests).
func NewEngine(opts Options) (*Engine, error) {
	if len(opts.FingerprintKey) < MinFingerprintKeyLen {
		return nil, ErrShortKey
	}
	if opts.MaxMatchesPerIdentifier < 0 {
		return nil, fmt.Errorf("classifiers: max matches per identifier must not be negative, got %d", opts.MaxMatchesPerIdentifier)
	}
	var reg *registry
	var err error
	if len(opts.CustomIdentifiers) == 0 {
		reg, err = loadRegistry()
	} else {
		var customs []customRule
		if customs, err = checkCustomIdentifiers(opts.CustomIdentifiers); err == nil {
			reg, err = compileRegistryWith(builtin, customs)
		}
	}
	if err != nil {
		return nil, err
	}
	e := &Engine{
		key:   slices.Clone(opts.FingerprintKey),
		max:   opts.MaxMatchesPerIdentifier,
		block: defaultBlockSize,
	}
	if e.max == 0 {
		e.max = DefaultMaxMatchesPerIdentifier
	}
	if e.allow, err = compileAllowList(opts.AllowList, reg.ids); err != nil {
		return nil, err
	}
	e.hashes.New = func() any { return hmac.New(sha256.New, e.key) }
	e.setRegistry(reg)
	return e, nil
}

// setRegistry installs reg and derives the sketch-rank keys of its
// identifiers from the fingerprint key.
func (e *Engine) setRegistry(reg *registry) {
	e.reg = reg
	mac := hmac.New(sha256.New, e.key)
	mac.Write([]byte("cairn sketch rank key"))
	k := mac.Sum(nil)
	e.rankKey = [2]uint64{binary.LittleEndian.Uint64(k[:8]), binary.LittleEndian.Uint64(k[8:16])}
	e.rankSalt = make([]uint64, len(reg.ids))
	for i, c := range reg.ids {
		e.rankSalt[i] = siphash.Hash(e.rankKey[0], e.rankKey[1], c.fpPrefix)
	}
}

// rank is the sketch rank of identifier i's normalised value norm.
func (e *Engine) rank(i int, norm []byte) uint64 {
	return siphash.Hash(e.rankKey[0]^e.rankSalt[i], e.rankKey[1], norm)
}

// compileRegistry checks and compiles an identifier table.
func compileRegistry(table []identifier) (*registry, error) {
	return compileRegistryWith(table, nil)
}

// compileRegistryWith checks and compiles an identifier table and the
// custom rules (already checked by checkCustomIdentifiers).
func compileRegistryWith(table []identifier, customs []customRule) (*registry, error) {
	reg := &registry{}
	seen := map[string]bool{}
	all := slices.Clone(table)
	for _, cr := range customs {
		all = append(all, cr.id)
	}
	for i := range all {
		id := all[i]
		if !isUpperSnake(id.ID) {
			return nil, fmt.Errorf("classifiers: identifier %q: id must be upper-snake", id.ID)
		}
		if seen[id.ID] {
			return nil, fmt.Errorf("classifiers: identifier %s: duplicate id", id.ID)
		}
		seen[id.ID] = true
		if id.Redact == nil {
			return nil, fmt.Errorf("classifiers: identifier %s: no Redact function", id.ID)
		}
		if id.KeywordDistance < 0 || id.KeywordDistance > maxKeywordDistance {
			return nil, fmt.Errorf("classifiers: identifier %s: keyword distance %d outside 0..%d", id.ID, id.KeywordDistance, maxKeywordDistance)
		}
		if id.KeywordRequired && len(id.Keywords) == 0 {
			return nil, fmt.Errorf("classifiers: identifier %s: keyword required but no keywords", id.ID)
		}
		syn, w, err := parsePattern(id.Pattern)
		if err != nil {
			return nil, fmt.Errorf("classifiers: identifier %s: %w", id.ID, err)
		}
		if w > maxPatternWidth {
			return nil, fmt.Errorf("classifiers: identifier %s: pattern matches up to %d bytes, limit %d", id.ID, w, maxPatternWidth)
		}
		reg.context = max(reg.context, w+1)
		c := &compiled{identifier: id, syn: syn, distance: id.KeywordDistance, gate: -1, fpPrefix: []byte(id.ID + ":")}
		if j := i - len(table); j >= 0 {
			c.custom, c.ignore, c.fixed = true, customs[j].ignore, customs[j].fixed
		}
		if c.distance == 0 {
			c.distance = defaultKeywordDistance
		}
		for _, kw := range id.Keywords {
			wf := wordForm(kw)
			if len(wf) == 0 {
				return nil, fmt.Errorf("classifiers: identifier %s: empty keyword %q", id.ID, kw)
			}
			c.keywords = append(c.keywords, wf)
		}
		c.kwSet = newKeywordSet(c.keywords)
		reg.ids = append(reg.ids, c)
	}
	slices.SortFunc(reg.ids, func(a, b *compiled) int { return strings.Compare(a.ID, b.ID) })
	reg.context = max(reg.context, maxKeywordDistance+1)
	patterns := make([]string, len(reg.ids))
	for i, c := range reg.ids {
		patterns[i] = c.Pattern
	}
	for i, c := range reg.ids {
		if c.KeywordRequired {
			c.gate = len(patterns)
			reg.gated = append(reg.gated, i)
			patterns = append(patterns, keywordGate(c.keywords))
		}
	}
	reg.setPatterns = patterns
	// Without an automaton every scan takes the go-re2 path: slower, not
	// wrong. The package tests require the builtin table to compile.
	if reg.auto, _ = newAutomaton(reg.ids); reg.auto == nil {
		if err := reg.goRE2(); err != nil {
			return nil, err
		}
	}
	return reg, nil
}

// goRE2 compiles, once, the go-re2 side of the registry: each
// identifier's pattern and the pattern set. Only the fallback path (a DFA
// cache that filled up, a table the automaton cannot take) uses it, and
// compiling it costs about 200 ms of start-up, so it waits for first use.
// The patterns parsed at start-up, and the package tests (builtin) and
// checkUserRegex (custom identifiers) compile each with go-re2 then, so
// an error here is a programming error.
func (r *registry) goRE2() error {
	r.re2Once.Do(func() {
		for _, c := range r.ids {
			re, err := re2.Compile(c.Pattern)
			if err != nil {
				r.re2Err = fmt.Errorf("classifiers: identifier %s: %w", c.ID, err)
				return
			}
			c.re = re
		}
		set, err := experimental.CompileSet(r.setPatterns)
		if err != nil {
			r.re2Err = fmt.Errorf("classifiers: compile pattern set: %w", err)
			return
		}
		r.set = set
	})
	return r.re2Err
}

// keywordGate returns an RE2 pattern that matches wherever one of the
// word-form keywords could be found by the keyword check: each word in
// any case, and each space of a word form any run of non-alphanumeric
// characters or none (camelCase). It is a superset of the check, used to
// skip a keyword-required identifier in blocks with no keyword at all.
// The check reads bytes: its separators are every byte but ASCII letters
// and digits, so the class of separators is outside the case folding
// (which would leave out ſ and the Kelvin sign, folded to s and k), and
// a byte that is not valid UTF-8, which no RE2 class matches, is a space
// in what the set reads (setInput).
func keywordGate(keywords [][]byte) string {
	alts := make([]string, len(keywords))
	for i, kw := range keywords {
		words := strings.Fields(string(kw))
		for j, w := range words {
			words[j] = `(?i:` + regexpQuote(w) + `)`
		}
		alts[i] = strings.Join(words, `[^0-9A-Za-z]*`)
	}
	return `(?:` + strings.Join(alts, "|") + `)`
}

// setInput returns win for the set to read, with each byte that is not
// valid UTF-8 made a space, in s's scratch: RE2 matches such a byte with
// nothing, where the keyword check takes it for a separator. For the set,
// which only picks the patterns to run, the change can add matches and
// never remove one (no RE2 construct needs a byte to be invalid; \b reads
// both as non-word).
func (s *scanState) setInput(win []byte) []byte {
	if utf8.Valid(win) {
		return win
	}
	out := append(s.sanitized[:0], win...)
	for i := 0; i < len(out); {
		r, n := utf8.DecodeRune(out[i:])
		if r == utf8.RuneError && n == 1 {
			out[i] = ' '
		}
		i += n
	}
	s.sanitized = out
	return out
}

// regexpQuote escapes RE2 metacharacters (word forms hold only [a-z0-9 ],
// so this is a safeguard).
func regexpQuote(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isLower(c) && !isDigit(c) {
			sb.WriteByte('\\')
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}

// isUpperSnake reports whether s is like CREDIT_CARD_NUMBER: upper-case
// ASCII words of letters and digits joined by single underscores.
func isUpperSnake(s string) bool {
	if s == "" || !isUpper(s[0]) || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isUpper(c) && !isDigit(c) && c != '_' {
			return false
		}
	}
	return true
}

// parsePattern parses and simplifies an RE2 pattern, and returns it with
// the longest match it can have in bytes, or an error if the pattern does
// not parse or its matches are unbounded.
func parsePattern(pattern string) (*syntax.Regexp, int, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, 0, fmt.Errorf("parse pattern: %w", err)
	}
	re = re.Simplify()
	w, ok := maxWidth(re)
	if !ok {
		return nil, 0, errors.New("pattern has unbounded repetition")
	}
	return re, w, nil
}

// maxWidth computes the longest match of a parsed pattern in UTF-8 bytes.
func maxWidth(re *syntax.Regexp) (int, bool) {
	runeLen := func(r rune) int {
		if n := utf8.RuneLen(r); n > 0 {
			return n
		}
		return utf8.UTFMax
	}
	switch re.Op {
	case syntax.OpNoMatch, syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine,
		syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0, true
	case syntax.OpLiteral:
		w := 0
		for _, r := range re.Rune {
			w += runeLen(r)
		}
		return w, true
	case syntax.OpCharClass:
		w := 0
		for i := 1; i < len(re.Rune); i += 2 {
			w = max(w, runeLen(re.Rune[i]))
		}
		return w, true
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		return utf8.UTFMax, true
	case syntax.OpCapture, syntax.OpQuest:
		return maxWidth(re.Sub[0])
	case syntax.OpRepeat:
		if re.Max < 0 {
			return 0, false
		}
		w, ok := maxWidth(re.Sub[0])
		return w * re.Max, ok
	case syntax.OpConcat, syntax.OpAlternate:
		total := 0
		for _, sub := range re.Sub {
			w, ok := maxWidth(sub)
			if !ok {
				return 0, false
			}
			if re.Op == syntax.OpConcat {
				total += w
			} else {
				total = max(total, w)
			}
		}
		return total, true
	}
	return 0, false // OpStar, OpPlus and anything unknown
}

// Identifiers lists the engine's identifiers, sorted by ID.
func (e *Engine) Identifiers() []IdentifierInfo {
	out := make([]IdentifierInfo, len(e.reg.ids))
	for i, c := range e.reg.ids {
		out[i] = IdentifierInfo{
			ID:              c.ID,
			Name:            c.Name,
			Category:        c.Category,
			Description:     c.Description,
			KeywordRequired: c.KeywordRequired,
		}
	}
	return out
}

// Fingerprint returns the hex HMAC-SHA256, under the engine's key, of
// identifier + ":" + normalized. Equal values of one identifier get equal
// fingerprints within one installation, so findings can be deduplicated and
// joined without keeping the value.
func (e *Engine) Fingerprint(identifier string, normalized []byte) string {
	h := e.hashes.Get().(hash.Hash)
	out := fingerprint(h, []byte(identifier+":"), normalized)
	e.hashes.Put(h)
	return out
}

// fingerprint is Fingerprint with a hash from the engine's pool and the
// identifier already joined to ":".
func fingerprint(h hash.Hash, prefix, normalized []byte) string {
	h.Reset()
	h.Write(prefix)
	h.Write(normalized)
	var sum [sha256.Size]byte
	var hx [2 * sha256.Size]byte
	hex.Encode(hx[:], h.Sum(sum[:0]))
	return string(hx[:])
}

// defaultBlockSize is the unit of localisation of the go-re2 path: the
// pattern set runs on each block (plus context on both sides), and an
// identifier's own pattern runs only on the blocks where the set says it
// can match.
const defaultBlockSize = 8 << 10

// Scan classifies buf and returns its matches ordered by Start, then
// Identifier. field is structural context (a CSV column header, a JSON path
// such as "customers[].ssn", a database column) or "" for free text; its
// words count as keywords for every match in buf, so field "ssn" or
// "card_number" satisfies keyword context.
//
// Scan is safe for concurrent use and never panics, whatever the bytes
// (invalid UTF-8 and binary data included); offsets are within buf. Each
// call has a fixed cost of about a microsecond, so pass buffers of
// kilobytes to a few MiB (for example one column's values joined by
// newlines) rather than one short value at a time. A value that crosses
// the end of buf is not found: use ScanReader for streams.
//
// The matches of each identifier are those of its pattern's leftmost-first
// non-overlapping matches (RE2's FindAllIndex) that pass its checks. They
// are found by a pure-Go automaton (automaton.go, dfa.go): one pass of a
// multi-pattern DFA yields every place a pattern match ends, and small
// per-identifier DFAs recover the exact spans only there. If a DFA cache
// fills up (pathological input), that one call takes the go-re2 path
// instead, with the same results.
func (e *Engine) Scan(buf []byte, field string) []Match {
	if len(buf) == 0 {
		return nil
	}
	return e.scan(buf, field, 0, nil)
}

// compareMatches orders matches by Start, then Identifier.
func compareMatches(a, b Match) int {
	if a.Start != b.Start {
		return a.Start - b.Start
	}
	return strings.Compare(a.Identifier, b.Identifier)
}

// scan returns the matches of buf that start at or after from, in Scan's
// order; with sums set (ScanSummaries) it folds them into sums instead and
// returns none.
func (e *Engine) scan(buf []byte, field string, from int, sums []summaryAcc) []Match {
	if a := e.reg.auto; a != nil && !e.noAuto && len(buf) < math.MaxInt32 {
		s := newScanState(buf, field, len(e.reg.ids))
		s.from, s.sums = from, sums
		out, ok := e.scanAuto(s, a)
		e.release(s)
		if ok {
			return out
		}
		for i := range sums {
			sums[i].reset()
		}
	}
	if err := e.reg.goRE2(); err != nil {
		panic(err) // see goRE2: not reachable with a table NewEngine accepted
	}
	s := newScanState(buf, field, len(e.reg.ids))
	s.from, s.sums = from, sums
	out := s.out[:0]
	for own, ownEnd := range e.blocks(len(buf)) {
		if ownEnd > from {
			out = e.scanBlock(s, own, ownEnd, out)
		}
	}
	s.out = out
	out = slices.Clone(out)
	slices.SortFunc(out, compareMatches)
	e.release(s)
	return out
}

// ScanSummaries classifies buf as Scan does and returns what Summarize
// would return for Scan's matches, without building them: per identifier
// the count, the highest confidence, the first maxExamples distinct
// redacted values and a sketch of at most maxFingerprints fingerprints,
// sorted by Identifier. It is Scan for callers that keep only findings
// (the scanner): on dense data it is about half again as fast, as it
// redacts only until it has its examples and computes the HMAC only of
// values that enter the sketch. Safe for concurrent use; nil if nothing
// matched.
func (e *Engine) ScanSummaries(buf []byte, field string, maxExamples, maxFingerprints int) []Summary {
	if len(buf) == 0 {
		return nil
	}
	// The accumulators come from a pool: callers such as the readers make
	// one call per CSV column or JSON field, and a fresh slice (150 bytes
	// per identifier) per call was the largest allocation of cairn
	// classify.
	p := sumsPool.Get().(*[]summaryAcc)
	if cap(*p) < len(e.reg.ids) {
		*p = make([]summaryAcc, len(e.reg.ids))
	}
	sums := (*p)[:len(e.reg.ids)]
	for i := range sums {
		sums[i].maxExamples, sums[i].maxFingerprints = maxExamples, maxFingerprints
	}
	e.scan(buf, field, 0, sums)
	var out []Summary
	for i := range sums { // reg.ids is sorted by ID
		if sums[i].sum.Count > 0 {
			out = append(out, sums[i].sum)
		}
	}
	clear(sums) // out holds copies; drop the pool's references
	sumsPool.Put(p)
	return out
}

// sumsPool holds ScanSummaries' per-identifier accumulators, cleared.
var sumsPool = sync.Pool{New: func() any { return new([]summaryAcc) }}

// summaryAcc is one identifier's Summary as ScanSummaries builds it.
type summaryAcc struct {
	sum                          Summary
	maxExamples, maxFingerprints int
}

func (a *summaryAcc) reset() {
	a.sum = Summary{}
}

// add folds in one accepted match: value v of identifier i, normalised
// norm.
func (a *summaryAcc) add(e *Engine, s *scanState, i int, c *compiled, v, norm []byte, conf Confidence) {
	if a.sum.Count == 0 {
		a.sum = Summary{Identifier: c.ID, Category: c.Category, Confidence: conf, Fingerprints: NewSketch(a.maxFingerprints)}
	}
	a.sum.Count++
	if conf.Rank() > a.sum.Confidence.Rank() {
		a.sum.Confidence = conf
	}
	if len(a.sum.RedactedExamples) < a.maxExamples {
		if r := c.Redact(string(v)); r != "" && !slices.Contains(a.sum.RedactedExamples, r) {
			a.sum.RedactedExamples = append(a.sum.RedactedExamples, r)
		}
	}
	if a.maxFingerprints > 0 {
		a.sum.Fingerprints.add(e.rank(i, norm), func() string { return fingerprint(s.hash(e), c.fpPrefix, norm) })
	}
}

// rawSpan is a pattern match not yet checked: buf[start:end] for
// identifier id.
type rawSpan struct {
	start, end int32
	id         int32
}

// mergeSpans orders spans, a sequence of runs (one per identifier, in
// identifier order) each ordered by start, by start and then identifier,
// into dst; runs[k] is where run k ends.
func mergeSpans(dst, spans []rawSpan, runs []int) []rawSpan {
	var heads, ends []int
	lo := 0
	for _, hi := range runs {
		if hi > lo {
			heads = append(heads, lo)
			ends = append(ends, hi)
		}
		lo = hi
	}
	for len(heads) > 0 {
		// Few runs are ever live at once: a linear minimum is enough. Ties
		// go to the earlier run, the smaller identifier.
		k := 0
		for j := 1; j < len(heads); j++ {
			if spans[heads[j]].start < spans[heads[k]].start {
				k = j
			}
		}
		dst = append(dst, spans[heads[k]])
		if heads[k]++; heads[k] == ends[k] {
			heads = slices.Delete(heads, k, k+1)
			ends = slices.Delete(ends, k, k+1)
		}
	}
	return dst
}

// scanState is the per-call state of a scan.
type scanState struct {
	buf        []byte
	field      string
	from       int    // matches starting before from are not reported
	fieldWords []byte // word form of field, built on first use
	fieldDone  bool
	ids        []idState // per identifier
	hit        []bool    // go-re2 path: per set pattern, reset for each block
	ends       [][]int32 // automaton path: match ends per pattern
	gateOf     []int     // automaton path: keyword gate pattern per identifier
	reps       [4][]uint64
	longRuns   []int32      // automaton path: runs the run-gated identifiers are scanned in
	sanitized  []byte       // go-re2 path: setInput's scratch
	memo       []int        // automaton path: spans' scratch
	out        []Match      // go-re2 path: scratch for the matches
	spans      []rawSpan    // automaton path: raw matches, by identifier
	merged     []rawSpan    // automaton path: raw matches in Scan's order
	runs       []int        // automaton path: end of each identifier's run in spans
	h          hash.Hash    // HMAC of the engine, taken on first use
	sums       []summaryAcc // ScanSummaries: per identifier; nil for Scan
	window     [2*maxKeywordDistance + 1]byte
}

var scanStates = sync.Pool{New: func() any { return new(scanState) }}

// newScanState returns a cleared scan state from the pool.
func newScanState(buf []byte, field string, nids int) *scanState {
	s := scanStates.Get().(*scanState)
	s.buf, s.field, s.from = buf, field, 0
	s.fieldWords, s.fieldDone = s.fieldWords[:0], false
	if cap(s.ids) < nids {
		s.ids = make([]idState, nids)
	}
	s.ids = s.ids[:nids]
	clear(s.ids)
	s.hit = s.hit[:0]
	s.gateOf = nil
	s.runs = s.runs[:0]
	s.sums = nil
	return s
}

// release returns s to the pool, giving back the engine's hash and
// dropping references to caller data; scratch that grew large for a huge
// buffer is not kept.
func (e *Engine) release(s *scanState) {
	if s.h != nil {
		e.hashes.Put(s.h)
		s.h = nil
	}
	n := 0
	for _, x := range s.ends {
		n += cap(x)
	}
	for _, x := range s.reps {
		n += cap(x)
	}
	if n+cap(s.spans)+cap(s.merged)+cap(s.memo) > 1<<20 {
		s.ends, s.reps, s.spans, s.merged, s.memo = nil, [4][]uint64{}, nil, nil, nil
	}
	clear(s.out)
	if cap(s.out) > 1<<16 {
		s.out = nil
	}
	s.out = s.out[:0]
	s.buf, s.field = nil, ""
	scanStates.Put(s)
}

// idState carries one identifier's progress through a scan.
type idState struct {
	lastEnd  int  // end of its last accepted match
	count    int  // accepted matches
	fieldHit int8 // field has a keyword: 0 unknown, 1 yes, -1 no
}

// fieldKeyword reports whether the field has one of c's keywords,
// caching the answer in st.
func (s *scanState) fieldKeyword(c *compiled, st *idState) bool {
	if c.keywords != nil && st.fieldHit == 0 {
		st.fieldHit = -1
		if s.fieldHas(&c.kwSet) {
			st.fieldHit = 1
		}
	}
	return st.fieldHit > 0
}

// scanAuto scans s.buf with the automaton; ok is false if a DFA cache
// filled up, in which case the results are incomplete and dropped.
func (e *Engine) scanAuto(s *scanState, a *automaton) (out []Match, ok bool) {
	reg := e.reg
	c := a.cache.Load()
	npat := len(a.fwd.starts)
	if cap(s.ends) < npat {
		s.ends = make([][]int32, npat)
	}
	s.ends = s.ends[:npat]
	for i := range s.ends {
		s.ends[i] = s.ends[i][:0]
	}
	if !c.multi.scanMulti4(s.buf, a.overlap, s.ends, &s.reps) {
		a.reset(c)
		return nil, false
	}
	s.gateOf = a.gateOf
	if a.runMin > 0 {
		s.longRuns = a.longRuns(s.buf, s.longRuns[:0])
	}
	// Find every identifier's raw matches, then check them in Scan's
	// order so that each Match is written once, into the result.
	spans := s.spans[:0]
	for i := range reg.ids {
		mark := len(spans)
		var ok bool
		if spans, ok = e.rawSpans(s, a, c, i, spans); !ok {
			// One of identifier i's own DFAs filled up (hostile data can
			// fill an email address's): it gets empty ones for later
			// scans, and its matches here come from go-re2, block by
			// block as on the go-re2 path, while every other identifier
			// keeps its DFAs and this scan's results.
			a.resetPattern(c, i)
			if err := reg.goRE2(); err != nil {
				panic(err) // see goRE2: not reachable with a table NewEngine accepted
			}
			spans = e.re2Spans(s, a, i, spans[:mark])
		}
		s.runs = append(s.runs, len(spans))
	}
	s.spans = spans
	s.merged = mergeSpans(s.merged[:0], spans, s.runs)
	if len(s.merged) > 0 && s.sums == nil {
		// Most raw matches of dense data are accepted: size for all of
		// them (a raw match is 12 bytes, a Match 96, so a run of rejected
		// look-alikes costs little).
		out = make([]Match, 0, len(s.merged))
	}
	for _, sp := range s.merged {
		i := int(sp.id)
		st := &s.ids[i]
		if st.count >= e.max {
			continue
		}
		out, _ = e.accept(s, i, reg.ids[i], st, int(sp.start), int(sp.end), out)
	}
	if !slices.IsSortedFunc(out, compareMatches) {
		slices.SortFunc(out, compareMatches) // a Refine moved a start
	}
	return out, true
}

// rawSpans appends identifier i's raw matches in s.buf (go-re2's
// FindAllIndex, less those its checks would reject for want of a
// keyword) to spans, from the multi-pattern pass's ends in s.ends. It
// returns false if one of i's own DFAs filled up; spans then holds part
// of them.
func (e *Engine) rawSpans(s *scanState, a *automaton, c *dfaCache, i int, spans []rawSpan) ([]rawSpan, bool) {
	cp := e.reg.ids[i]
	ends := s.ends[i]
	if b, g := a.byteOf[i], a.anchorOf[i]; b >= 0 || g >= 0 || a.runGated[i] {
		var ok bool
		switch {
		case b >= 0:
			ends, ok = a.byteEnds(c, s.buf, i, byte(b), ends[:0])
		case g >= 0:
			ends, ok = a.passEnds(c, s.buf, i, s.ends[g], ends[:0])
		default:
			ends, ok = a.runEndsIn(c, s.buf, i, s.longRuns, ends[:0])
		}
		s.ends[i] = ends
		if !ok {
			return spans, false
		}
	}
	st := &s.ids[i]
	if a.seps[i] != nil && len(ends) > 0 && !s.fieldKeyword(cp, st) {
		ends = a.dropWeak(s.buf, i, ends, s.keywordHint(i), cp.distance)
		s.ends[i] = ends
	}
	if len(ends) == 0 && !cp.KeywordRequired {
		return spans, true
	}
	if cp.KeywordRequired {
		// Not in the multi-pattern pass: scan near its keywords, or
		// everywhere if the field has one.
		var gate []int32
		if !s.fieldKeyword(cp, st) {
			if gate = s.ends[a.gateOf[i]]; len(gate) == 0 {
				return spans, true
			}
		}
		var ok bool
		ends, ok = a.windowEnds(c, s.buf, i, gate, cp.distance+a.maxw[i], ends[:0])
		s.ends[i] = ends
		if !ok {
			return spans, false
		}
	}
	// Raw matches are not capped: a run of rejected look-alikes (a
	// column of order ids) must not hide later real values.
	done := a.spans(c, s.buf, i, ends, &s.memo, func(start, end int) bool {
		spans = append(spans, rawSpan{int32(start), int32(end), int32(i)})
		return true
	})
	return spans, done
}

// re2Spans appends identifier i's raw matches in s.buf to spans, found
// with go-re2 block by block as the go-re2 path finds them (scanBlock),
// which skips, for a keyword-required identifier, the blocks whose
// window holds no match of its keyword gate: here those where no gate
// match from the multi-pattern pass ends.
func (e *Engine) re2Spans(s *scanState, a *automaton, i int, spans []rawSpan) []rawSpan {
	cp, buf := e.reg.ids[i], s.buf
	var gate []int32
	if cp.KeywordRequired && !s.fieldKeyword(cp, &s.ids[i]) {
		if gate = s.ends[a.gateOf[i]]; len(gate) == 0 {
			return spans
		}
	}
	k := 0
	for own, ownEnd := range e.blocks(len(buf)) {
		ws, we := e.reg.window(len(buf), own, ownEnd)
		if gate != nil {
			for k < len(gate) && int(gate[k]) < ws {
				k++
			}
			if k == len(gate) {
				break
			}
			if int(gate[k]) > we {
				continue
			}
		}
		for start, end := range ownedMatches(cp.re, buf[ws:we], ws, own, ownEnd) {
			spans = append(spans, rawSpan{int32(start), int32(end), int32(i)})
		}
	}
	return spans
}

// window returns the window [ws, we) the go-re2 path reads for the block
// [own, ownEnd) of a buffer of n bytes: the block and context bytes on
// each side, enough for any match that starts in the block and for the
// bytes around it.
func (r *registry) window(n, own, ownEnd int) (ws, we int) {
	return max(0, own-r.context), min(n, ownEnd+r.context)
}

// ownedMatches yields, as offsets in the buffer, the matches of re in win
// (the window at ws) that start in the block [own, ownEnd): a match
// starting outside it belongs to the block it starts in.
func ownedMatches(re *re2.Regexp, win []byte, ws, own, ownEnd int) iter.Seq2[int, int] {
	return func(yield func(int, int) bool) {
		for _, loc := range re.FindAllIndex(win, -1) {
			start, end := ws+loc[0], ws+loc[1]
			if start < own {
				continue
			}
			if start >= ownEnd || !yield(start, end) {
				return
			}
		}
	}
}

// blocks yields the blocks [own, ownEnd) of a buffer of n bytes that the
// go-re2 path scans one at a time, with no tiny last block.
func (e *Engine) blocks(n int) iter.Seq2[int, int] {
	return func(yield func(int, int) bool) {
		for own := 0; own < n; {
			ownEnd := own + e.block
			if n-ownEnd < e.block/4 {
				ownEnd = n
			}
			if !yield(own, ownEnd) {
				return
			}
			own = ownEnd
		}
	}
}

// scanBlock is the go-re2 path for the block buf[own:ownEnd]: the set runs
// on the block and its context, and each identifier that can match runs
// its own pattern on the same window; matches starting outside the block
// are left to the block that owns them. The context (longer than any
// match) makes every match that starts in the block visible whole, with
// the bytes around it; TestBlockBoundaries checks that the result equals a
// single-window scan. (In theory a pattern whose candidates overlap one
// another could resume out of step at a window's left edge; the builtin
// patterns are delimited by \b or non-alphanumeric guards, so their
// candidates do not.)
func (e *Engine) scanBlock(s *scanState, own, ownEnd int, out []Match) []Match {
	reg := e.reg
	ws, we := reg.window(len(s.buf), own, ownEnd)
	win := s.buf[ws:we]
	hits, err := reg.set.FindAllWithError(s.setInput(win), -1)
	if err == nil && len(hits) == 0 {
		return out
	}
	if n := len(reg.ids) + len(reg.gated); len(s.hit) != n {
		s.hit = append(s.hit[:0], make([]bool, n)...)
	}
	clear(s.hit)
	if err != nil {
		// The set could not decide (DFA memory): run every pattern rather
		// than call the block clean.
		for i := range s.hit {
			s.hit[i] = true
		}
	}
	for _, i := range hits {
		if i >= 0 && i < len(s.hit) {
			s.hit[i] = true
		}
	}
	for i, c := range reg.ids {
		if !s.hit[i] {
			continue
		}
		st := &s.ids[i]
		if st.count >= e.max {
			continue
		}
		if c.gate >= 0 && !s.hit[c.gate] && !s.fieldKeyword(c, st) {
			continue // keyword required, and none anywhere near
		}
		// Raw candidates are not capped: a block bounds their number and
		// memory, and a run of rejected look-alikes (a column of order
		// ids) must not hide later real values.
		for start, end := range ownedMatches(c.re, win, ws, own, ownEnd) {
			var full bool
			if out, full = e.accept(s, i, c, st, start, end, out); full {
				break
			}
		}
	}
	return out
}

// keywordNear reports whether identifier i can have a keyword in the
// dist bytes before start (see keywordHint).
func (s *scanState) keywordNear(i, start, dist int) bool {
	return s.keywordHint(i).near(start, dist)
}

// keywordHint says where identifier i can have a keyword: on the
// automaton path, where its keyword gate has a match ending (a superset
// of the keyword check); on the go-re2 path, anywhere.
func (s *scanState) keywordHint(i int) keywordHint {
	if s.gateOf == nil || s.gateOf[i] < 0 {
		return anyKeyword
	}
	return keywordHint{gate: s.ends[s.gateOf[i]]}
}

// hash returns the scan's HMAC, taken from the engine's pool on first use.
func (s *scanState) hash(e *Engine) hash.Hash {
	if s.h == nil {
		s.h = e.hashes.Get().(hash.Hash)
	}
	return s.h
}

// fieldHas reports whether the field name contains one of kws.
func (s *scanState) fieldHas(kws *keywordSet) bool {
	if s.field == "" {
		return false
	}
	if !s.fieldDone {
		s.fieldWords = appendWords(s.fieldWords[:0], []byte(s.field))
		s.fieldDone = true
	}
	return kws.foundIn(s.fieldWords)
}

// accept applies identifier c's checks to the raw match buf[start:end]
// and, if it passes, appends it to out or (summary scans) folds it into
// s.sums; full reports that c has reached the per-call cap.
func (e *Engine) accept(s *scanState, i int, c *compiled, st *idState, start, end int, out []Match) (_ []Match, full bool) {
	start, end, kw, norm, ok := e.check(s, i, c, st, start, end)
	if !ok {
		return out, false
	}
	v := s.buf[start:end]
	if s.sums != nil {
		s.sums[i].add(e, s, i, c, v, norm, c.confidence(kw))
	} else {
		out = append(out, Match{
			Identifier:  c.ID,
			Category:    c.Category,
			Confidence:  c.confidence(kw),
			Start:       start,
			End:         end,
			Redacted:    c.Redact(string(v)),
			Fingerprint: fingerprint(s.hash(e), c.fpPrefix, norm),
			rank:        e.rank(i, norm),
		})
	}
	st.lastEnd = end
	st.count++
	return out, st.count >= e.max
}

// check applies identifier c's checks to the raw match buf[start:end]:
// its Refine, validator, ignore words, keyword rules and the allow list.
// It returns the match's final span, whether a keyword supports it, and
// its normalised value.
func (e *Engine) check(s *scanState, i int, c *compiled, st *idState, start, end int) (_, _ int, kw bool, norm []byte, ok bool) {
	buf := s.buf
	if start < st.lastEnd || start >= end || end > len(buf) {
		return 0, 0, false, nil, false
	}
	if c.Refine != nil {
		if start, end, ok = c.Refine(buf, start, end); !ok || start < st.lastEnd || start >= end || end > len(buf) || start < 0 {
			return 0, 0, false, nil, false
		}
	}
	if start < s.from {
		return 0, 0, false, nil, false
	}
	v := buf[start:end]
	if c.Validate != nil && !c.Validate(v) {
		return 0, 0, false, nil, false
	}
	if c.ignore != nil && containsFold(v, c.ignore) {
		return 0, 0, false, nil, false
	}
	// A structured identifier is HIGH anyway: skip the look-up unless a
	// rule depends on it.
	if c.keywords != nil && (!c.Structured || c.KeywordRequired || c.WeakForm != nil) {
		kw = s.fieldKeyword(c, st) || (s.keywordNear(i, start, c.distance) &&
			c.kwSet.foundIn(windowWords(s.window[:0], buf, start, c.distance)))
	}
	if needsKeyword := func() bool { return c.KeywordRequired || (c.WeakForm != nil && c.WeakForm(v)) }; !kw {
		if needsKeyword() {
			return 0, 0, false, nil, false
		}
	} else if c.adjacent != nil && needsKeyword() && !c.adjacent(buf, start, s.keywordHint(i)) {
		return 0, 0, false, nil, false // another identifier's label is closer
	}
	norm = v
	if c.Normalize != nil {
		norm = c.Normalize(v)
	}
	if e.allow != nil && e.allow.allows(i, v, norm) {
		return 0, 0, false, nil, false
	}
	return start, end, kw, norm, true
}

// confidence applies the confidence rules: a validated match is MEDIUM,
// an unvalidated one LOW, a structured one HIGH; keyword context raises a
// match one level. A custom identifier with a Severity is always reported
// at that level.
func (c *compiled) confidence(keyword bool) Confidence {
	if c.fixed != "" {
		return c.fixed
	}
	level := 1
	if c.Validate != nil {
		level = 2
	}
	if c.Structured {
		level = 3
	}
	if keyword {
		level++
	}
	switch {
	case level >= 3:
		return ConfidenceHigh
	case level == 2:
		return ConfidenceMedium
	}
	return ConfidenceLow
}
