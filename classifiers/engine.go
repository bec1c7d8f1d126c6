package classifiers

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

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
	// by one Scan call. 0 means DefaultMaxMatchesPerIdentifier. A Scan that
	// returns exactly this many matches of an identifier may have stopped
	// early.
	MaxMatchesPerIdentifier int

	// Hook for a later issue: IgnoreKnownTestValues, off by default, will
	// drop published test values (knownTestPANs such as 4111 1111 1111
	// 1111) after validation. Until then they are reported: the demo
	// data uses them.
}

// IdentifierInfo describes one identifier of an Engine.
type IdentifierInfo struct {
	ID              string   // upper-snake id, as in Match.Identifier
	Name            string   // short human-readable name
	Category        Category // reporting category
	Description     string   // one sentence on what it finds
	KeywordRequired bool     // matches without a keyword are dropped
}

// Engine classifies byte buffers with the builtin identifiers. It is
// immutable after NewEngine and safe for concurrent use by any number of
// goroutines.
type Engine struct {
	reg    *registry
	key    []byte
	max    int
	block  int       // block size of Scan; tests shrink or grow it
	hashes sync.Pool // of hash.Hash: HMAC-SHA256 keyed with key
}

// registry is the compiled builtin table, shared by all engines.
type registry struct {
	// ids is sorted by ID; set pattern i < len(ids) is ids[i].Pattern.
	ids []*compiled
	// set holds every identifier pattern, then one keyword gate per
	// keyword-required identifier (see keywordGate): set pattern
	// len(ids)+j gates ids[gated[j]], and compiled.gate points back.
	set   *experimental.Set
	gated []int
	// context is how many bytes a block window reaches past its own
	// region on each side: enough for the longest pattern match and the
	// longest keyword look-back.
	context int
}

// compiled is one identifier with its compiled pattern and word-form
// keywords.
type compiled struct {
	identifier
	re       *re2.Regexp
	keywords [][]byte
	distance int
	gate     int // set index of the keyword gate, or -1
}

// loadRegistry compiles the builtin table once per process: go-re2
// compilation costs milliseconds per pattern, and the table is static.
var loadRegistry = sync.OnceValues(func() (*registry, error) {
	return compileRegistry(builtin)
})

// NewEngine returns an engine with the builtin identifiers. It fails if the
// fingerprint key is shorter than MinFingerprintKeyLen bytes, if
// MaxMatchesPerIdentifier is negative, or if the identifier table itself
// does not compile (a programming error caught by the package tests).
func NewEngine(opts Options) (*Engine, error) {
	if len(opts.FingerprintKey) < MinFingerprintKeyLen {
		return nil, ErrShortKey
	}
	if opts.MaxMatchesPerIdentifier < 0 {
		return nil, fmt.Errorf("classifiers: max matches per identifier must not be negative, got %d", opts.MaxMatchesPerIdentifier)
	}
	reg, err := loadRegistry()
	if err != nil {
		return nil, err
	}
	e := &Engine{
		reg:   reg,
		key:   slices.Clone(opts.FingerprintKey),
		max:   opts.MaxMatchesPerIdentifier,
		block: defaultBlockSize,
	}
	if e.max == 0 {
		e.max = DefaultMaxMatchesPerIdentifier
	}
	e.hashes.New = func() any { return hmac.New(sha256.New, e.key) }
	return e, nil
}

// compileRegistry checks and compiles an identifier table.
func compileRegistry(table []identifier) (*registry, error) {
	reg := &registry{}
	seen := map[string]bool{}
	for i := range table {
		id := table[i]
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
		w, err := patternWidth(id.Pattern)
		if err != nil {
			return nil, fmt.Errorf("classifiers: identifier %s: %w", id.ID, err)
		}
		if w > maxPatternWidth {
			return nil, fmt.Errorf("classifiers: identifier %s: pattern matches up to %d bytes, limit %d", id.ID, w, maxPatternWidth)
		}
		re, err := re2.Compile(id.Pattern)
		if err != nil {
			return nil, fmt.Errorf("classifiers: identifier %s: %w", id.ID, err)
		}
		reg.context = max(reg.context, w+1)
		c := &compiled{identifier: id, re: re, distance: id.KeywordDistance, gate: -1}
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
	set, err := experimental.CompileSet(patterns)
	if err != nil {
		return nil, fmt.Errorf("classifiers: compile pattern set: %w", err)
	}
	reg.set = set
	return reg, nil
}

// keywordGate returns a case-insensitive RE2 pattern that matches wherever
// one of the word-form keywords could be found by the keyword check: each
// space of a word form may be any run of non-alphanumeric characters or
// none (camelCase). It is a superset of the check, used to skip a
// keyword-required identifier in blocks with no keyword at all.
func keywordGate(keywords [][]byte) string {
	alts := make([]string, len(keywords))
	for i, kw := range keywords {
		words := strings.Fields(string(kw))
		for j, w := range words {
			words[j] = regexpQuote(w)
		}
		alts[i] = strings.Join(words, `[^0-9a-z]*`)
	}
	return `(?i)(?:` + strings.Join(alts, "|") + `)`
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

// patternWidth returns the longest match, in bytes, of an RE2 pattern, or
// an error if the pattern does not parse or its matches are unbounded.
func patternWidth(pattern string) (int, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return 0, fmt.Errorf("parse pattern: %w", err)
	}
	w, ok := maxWidth(re.Simplify())
	if !ok {
		return 0, errors.New("pattern has unbounded repetition")
	}
	return w, nil
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
	h.Reset()
	h.Write([]byte(identifier))
	h.Write([]byte{':'})
	h.Write(normalized)
	var sum [sha256.Size]byte
	out := hex.EncodeToString(h.Sum(sum[:0]))
	e.hashes.Put(h)
	return out
}

// defaultBlockSize is the unit of localisation in Scan: the pattern set
// runs on each block (plus context on both sides), and an identifier's own
// pattern runs only on the blocks where the set says it can match. Smaller
// blocks localise better but cost more calls into go-re2 and rescan more
// context; 4-16 KiB measured best on mixed text (see BenchmarkScan).
const defaultBlockSize = 8 << 10

// Scan classifies buf and returns its matches ordered by Start, then
// Identifier. field is structural context (a CSV column header, a JSON path
// such as "customers[].ssn", a database column) or "" for free text; its
// words count as keywords for every match in buf, so field "ssn" or
// "card_number" satisfies keyword context.
//
// Scan is safe for concurrent use and never panics, whatever the bytes
// (invalid UTF-8 and binary data included); offsets are within buf. Each
// call costs a few microseconds of fixed overhead in go-re2, so pass
// buffers of kilobytes to a few MiB (for example one column's values
// joined by newlines) rather than one short value at a time. A value that
// crosses the end of buf is not found: overlapping consecutive chunks of a
// stream is the caller's job.
func (e *Engine) Scan(buf []byte, field string) []Match {
	if len(buf) == 0 {
		return nil
	}
	s := &scanState{buf: buf, field: field}
	var out []Match
	for own := 0; own < len(buf); {
		ownEnd := own + e.block
		if len(buf)-ownEnd < e.block/4 {
			ownEnd = len(buf) // no tiny last block
		}
		out = e.scanBlock(s, own, ownEnd, out)
		own = ownEnd
	}
	slices.SortFunc(out, func(a, b Match) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return strings.Compare(a.Identifier, b.Identifier)
	})
	return out
}

// scanState is the per-call state of Scan.
type scanState struct {
	buf        []byte
	field      string
	fieldWords []byte // word form of field, built on first use
	fieldDone  bool
	ids        []idState // per identifier, allocated on the first hit
	hit        []bool    // per set pattern, reset for each block
	window     [2*maxKeywordDistance + 1]byte
}

// idState carries one identifier's progress across the blocks of a Scan.
type idState struct {
	lastEnd  int  // end of its last accepted match
	count    int  // accepted matches
	fieldHit int8 // field has a keyword: 0 unknown, 1 yes, -1 no
}

// scanBlock scans the block buf[own:ownEnd]: the set runs on the block and
// its context, and each identifier that can match runs its own pattern on
// the same window; matches starting outside the block are left to the
// block that owns them. The context (longer than any match) makes every
// match that starts in the block visible whole, with the bytes around it;
// TestBlockBoundaries checks that the result equals a single-window scan.
// (In theory a pattern whose candidates overlap one another could resume
// out of step at a window's left edge; the builtin patterns are delimited
// by \b or non-alphanumeric guards, so their candidates do not.)
func (e *Engine) scanBlock(s *scanState, own, ownEnd int, out []Match) []Match {
	reg := e.reg
	ws, we := max(0, own-reg.context), min(len(s.buf), ownEnd+reg.context)
	win := s.buf[ws:we]
	hits, err := reg.set.FindAllWithError(win, -1)
	if err == nil && len(hits) == 0 {
		return out
	}
	if s.ids == nil {
		s.ids = make([]idState, len(reg.ids))
		s.hit = make([]bool, len(reg.ids)+len(reg.gated))
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
		if c.keywords != nil && st.fieldHit == 0 {
			st.fieldHit = -1
			if s.fieldHas(c.keywords) {
				st.fieldHit = 1
			}
		}
		if c.gate >= 0 && !s.hit[c.gate] && st.fieldHit < 0 {
			continue // keyword required, and none anywhere near
		}
		out = e.scanIdentifier(s, c, st, ws, win, own, ownEnd, out)
	}
	return out
}

// fieldHas reports whether the field name contains one of kws.
func (s *scanState) fieldHas(kws [][]byte) bool {
	if s.field == "" {
		return false
	}
	if !s.fieldDone {
		s.fieldWords = appendWords(nil, []byte(s.field))
		s.fieldDone = true
	}
	return containsAnyWord(s.fieldWords, kws)
}

// scanIdentifier appends the accepted matches of identifier c in win
// (which starts at offset ws of the buffer) that start in [own, ownEnd).
func (e *Engine) scanIdentifier(s *scanState, c *compiled, st *idState, ws int, win []byte, own, ownEnd int, out []Match) []Match {
	buf := s.buf
	// Raw candidates are not capped: a block bounds their number and
	// memory, and a run of rejected look-alikes (a column of order ids)
	// must not hide later real values.
	locs := c.re.FindAllIndex(win, -1)
	for _, loc := range locs {
		start, end := ws+loc[0], ws+loc[1]
		if start < own {
			continue
		}
		if start >= ownEnd {
			break
		}
		if start < st.lastEnd || start >= end || end > len(buf) {
			continue
		}
		if c.Refine != nil {
			var ok bool
			if start, end, ok = c.Refine(buf, start, end); !ok || start < st.lastEnd || start >= end || end > len(buf) {
				continue
			}
		}
		v := buf[start:end]
		if c.Validate != nil && !c.Validate(v) {
			continue
		}
		// A structured identifier is HIGH anyway: skip the look-up unless
		// a rule depends on it.
		kw := false
		if c.keywords != nil && (!c.Structured || c.KeywordRequired || c.WeakForm != nil) {
			kw = st.fieldHit > 0 || containsAnyWord(windowWords(s.window[:0], buf, start, c.distance), c.keywords)
		}
		if !kw && (c.KeywordRequired || (c.WeakForm != nil && c.WeakForm(v))) {
			continue
		}
		norm := v
		if c.Normalize != nil {
			norm = c.Normalize(v)
		}
		out = append(out, Match{
			Identifier:  c.ID,
			Category:    c.Category,
			Confidence:  c.confidence(kw),
			Start:       start,
			End:         end,
			Redacted:    c.Redact(string(v)),
			Fingerprint: e.Fingerprint(c.ID, norm),
		})
		st.lastEnd = end
		if st.count++; st.count >= e.max {
			break
		}
	}
	return out
}

// confidence applies the confidence rules: a validated match is MEDIUM,
// an unvalidated one LOW, a structured one HIGH; keyword context raises a
// match one level.
func (c *compiled) confidence(keyword bool) Confidence {
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
