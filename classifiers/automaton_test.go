package classifiers

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"
	"testing"

	re2 "github.com/wasilibs/go-re2"

	"github.com/cairnsec/cairn/classifiers/internal/corpus"
)

// The automaton must return, for every identifier, exactly the raw spans
// go-re2's FindAllIndex returns; these tests and FuzzAutomaton compare the
// two on the builtin table and on hand-written edge cases.

// autoFindAll returns identifier i's raw matches in buf as the automaton
// finds them, however Scan would route the identifier.
func autoFindAll(tb testing.TB, a *automaton, i int, buf []byte) [][]int {
	tb.Helper()
	c := a.cache.Load()
	var ends []int32
	ok := true
	switch {
	case a.byteOf[i] >= 0:
		ends, ok = a.byteEnds(c, buf, i, byte(a.byteOf[i]), nil)
	case a.runGated[i]:
		ends, ok = a.runEndsIn(c, buf, i, a.longRuns(buf, nil), nil)
	case a.anchorOf[i] >= 0:
		all := make([][]int32, len(a.fwd.starts))
		if ok = c.multi.scanMulti4(buf, a.overlap, all, &[4][]uint64{}); ok {
			ends, ok = a.passEnds(c, buf, i, all[a.anchorOf[i]], nil)
		}
	case a.fwd.nodes[a.fwd.starts[i]].op == opFail:
		ends, ok = a.windowEnds(c, buf, i, nil, 0, nil)
	default:
		all := make([][]int32, len(a.fwd.starts))
		ok = c.multi.scanMulti4(buf, a.overlap, all, &[4][]uint64{})
		ends = all[i]
	}
	if !ok {
		tb.Fatal("DFA cache full")
	}
	var out [][]int
	if !a.spans(c, buf, i, ends, nil, func(s, e int) bool { out = append(out, []int{s, e}); return true }) {
		tb.Fatal("DFA cache full")
	}
	return out
}

// compareWithRE2 checks every identifier of reg on buf.
func compareWithRE2(t *testing.T, reg *registry, name string, buf []byte) {
	t.Helper()
	if err := reg.goRE2(); err != nil {
		t.Fatal(err)
	}
	for i, c := range reg.ids {
		got := autoFindAll(t, reg.auto, i, buf)
		want := c.re.FindAllIndex(buf, -1)
		if len(got) == 0 && len(want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			k := 0
			for k < min(len(got), len(want)) && reflect.DeepEqual(got[k], want[k]) {
				k++
			}
			t.Errorf("%s: %s: automaton %d spans, go-re2 %d; first difference at #%d", name, c.ID, len(got), len(want), k)
		}
	}
}

func TestAutomatonMatchesRE2(t *testing.T) {
	reg, err := loadRegistry()
	if err != nil {
		t.Fatal(err)
	}
	if reg.auto == nil {
		t.Fatal("the builtin table does not compile to an automaton")
	}
	var examples bytes.Buffer
	for _, id := range builtin {
		for _, s := range append(append([]string{}, id.Examples...), id.NonExamples...) {
			examples.WriteString(s)
			examples.WriteString("\n\xff ")
		}
	}
	// Columns as the readers pass them: one identifier's values joined by
	// newlines, so that each value's start and end sit next to another's.
	var columns bytes.Buffer
	for _, id := range builtin {
		for range 3 {
			for _, s := range id.Examples {
				columns.WriteString(s)
				columns.WriteByte('\n')
			}
		}
	}
	r := rand.New(rand.NewPCG(5, 5))
	noise := make([]byte, 64<<10)
	for i := range noise {
		noise[i] = "0123456789 -./:@_AKIZaz\n\xc3\xa9\xff"[r.IntN(27)]
	}
	for name, buf := range map[string][]byte{
		"examples": examples.Bytes(),
		"columns":  columns.Bytes(),
		"low":      corpus.Bench(3, 384<<10, corpus.Low),
		"dense":    corpus.Bench(3, 64<<10, corpus.Dense),
		"mixed":    mixedText(64<<10, 5),
		"noise":    noise,
		// Non-ASCII letters that fold to an ASCII one: the windows of an
		// anchored identifier must reach over their bytes.
		"folds": []byte("Authorization: Baſic dXNlcjpwYXNzd29yZA==\nx BAſIC dXNlcjpwYXNzd29yZA== y\nborn 3 ſep 1970\n"),
	} {
		compareWithRE2(t, reg, name, buf)
	}
}

// TestAutomatonEdgeCases covers what the builtin patterns do not use:
// alternation priority, lazy and unbounded repetition, line and text
// anchors, \B, case folding and non-ASCII classes.
func TestAutomatonEdgeCases(t *testing.T) {
	patterns := []string{
		`a|ab`, `x\d{2}|\d{2}`, `ab??c?`, `\d{1,4}?`, `(?m)^\w{2,3}$`, `^foo`, `bar$`, `\Bx\B`,
		`(?i)straße|ǅ`, `[^\s:@/]{2,4}@`, `é{1,3}`, `[\x{80}-\x{10FFFF}]{2}`, `(?s:.)\n`, `\bx\b`,
		`\d|x\d{2}`, // a later end ("x12") can start before an earlier one ("1")
	}
	reg := patternRegistry(t, patterns, identifier{})
	compareRandom(t, reg, 9, 400, 40, []string{"a", "b", "c", "x", "1", "2", " ", "\n", "@", "é", "ß", "SS", "ǆ", "\xff", "\xc3", "foo", "bar"})
}

// patternRegistry returns a registry of one identifier per pattern, each
// otherwise like tmpl, compiled to an automaton.
func patternRegistry(t *testing.T, patterns []string, tmpl identifier) *registry {
	t.Helper()
	var ids []*compiled
	for _, p := range patterns {
		id := tmpl
		id.ID, id.Pattern = "X", p
		ids = append(ids, &compiled{identifier: id, re: re2.MustCompile(p), gate: -1})
	}
	reg := &registry{ids: ids, context: 64}
	var err error
	if reg.auto, err = newAutomaton(ids); err != nil {
		t.Fatal(err)
	}
	return reg
}

// compareRandom runs compareWithRE2 on n random texts of up to maxParts
// pieces of alphabet each.
func compareRandom(t *testing.T, reg *registry, seed uint64, n, maxParts int, alphabet []string) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed))
	for k := range n {
		var b bytes.Buffer
		for range r.IntN(maxParts) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		compareWithRE2(t, reg, fmt.Sprintf("random %d %q", k, b.String()), b.Bytes())
	}
}

// TestEngineParity checks that Scan gives the same matches on the
// automaton path and on the go-re2 path.
func TestEngineParity(t *testing.T) {
	e := newTestEngine(t)
	ref := newTestEngine(t)
	ref.noAuto = true
	for name, buf := range map[string][]byte{
		"low":   corpus.Bench(4, 256<<10, corpus.Low),
		"dense": corpus.Bench(4, 64<<10, corpus.Dense),
		"mixed": mixedText(64<<10, 5),
	} {
		for _, field := range []string{"", "ssn"} {
			if got, want := e.Scan(buf, field), ref.Scan(buf, field); !reflect.DeepEqual(got, want) {
				t.Errorf("%s field %q: automaton %d matches, go-re2 %d", name, field, len(got), len(want))
			}
		}
	}
}

// limitedEngines returns an engine with a registry of its own, whose DFAs
// hold at most multi and pattern states, the registry, and an engine on
// the go-re2 path to compare it with.
func limitedEngines(t *testing.T, multi, pattern int) (e, ref *Engine, reg *registry) {
	t.Helper()
	m, p := multiStateLimit, patternStateLimit
	t.Cleanup(func() { multiStateLimit, patternStateLimit = m, p })
	multiStateLimit, patternStateLimit = multi, pattern // until the test ends: new DFAs read them
	reg, err := compileRegistry(builtin)
	if err != nil {
		t.Fatal(err)
	}
	e = newTestEngine(t)
	e.setRegistry(reg)
	ref = newTestEngine(t)
	ref.noAuto = true
	return e, ref, reg
}

// TestAutomatonCacheFull forces the DFA caches to fill up: Scan must fall
// back to go-re2 with the same results and start later scans afresh.
func TestAutomatonCacheFull(t *testing.T) {
	e, ref, reg := limitedEngines(t, 50, 20)
	buf := corpus.Bench(6, 128<<10, corpus.Low)
	before := reg.auto.cache.Load()
	if got, want := e.Scan(buf, ""), ref.Scan(buf, ""); !reflect.DeepEqual(got, want) {
		t.Errorf("after a full cache: %d matches, want %d", len(got), len(want))
	}
	if reg.auto.cache.Load() == before {
		t.Error("the full cache was not replaced")
	}
}

// TestAutomatonPatternFull fills identifiers' own DFAs, not the
// multi-pattern one: Scan must give the go-re2 path's results, replace
// only those DFAs, and keep the multi-pattern DFA with what it built.
func TestAutomatonPatternFull(t *testing.T) {
	e, ref, reg := limitedEngines(t, multiStateLimit, 8)
	for name, buf := range map[string][]byte{
		"low":   corpus.Bench(6, 128<<10, corpus.Low),
		"dense": corpus.Bench(6, 64<<10, corpus.Dense),
	} {
		before := reg.auto.cache.Load()
		for _, field := range []string{"", "ssn"} {
			if got, want := e.Scan(buf, field), ref.Scan(buf, field); !reflect.DeepEqual(got, want) {
				t.Errorf("%s field %q: %d matches, want %d", name, field, len(got), len(want))
			}
		}
		after := reg.auto.cache.Load()
		if after == before {
			t.Errorf("%s: no identifier's DFAs were replaced", name)
			continue
		}
		if after.multi != before.multi || len(*after.multi.states.Load()) == 0 {
			t.Errorf("%s: the multi-pattern DFA was replaced too", name)
		}
		kept := 0
		for i := range after.solo {
			if after.solo[i] == before.solo[i] {
				kept++
			}
		}
		if kept == 0 {
			t.Errorf("%s: every identifier's DFAs were replaced", name)
		}
	}
}

// TestAutomatonConcurrent scans from many goroutines on a cold cache, so
// that states are built concurrently (run with -race).
func TestAutomatonConcurrent(t *testing.T) {
	reg, err := compileRegistry(builtin) // cold cache
	if err != nil {
		t.Fatal(err)
	}
	bufs := [][]byte{corpus.Bench(7, 96<<10, corpus.Low), corpus.Bench(8, 48<<10, corpus.Dense), mixedText(64<<10, 3)}
	scanConcurrently(t, reg, bufs, 8, 6)
}

// scanConcurrently scans bufs with reg from goroutines goroutines, each
// scanning rounds of them, and compares every result with the go-re2
// path's.
func scanConcurrently(t *testing.T, reg *registry, bufs [][]byte, goroutines, rounds int) {
	t.Helper()
	e := newTestEngine(t)
	e.setRegistry(reg)
	ref := newTestEngine(t)
	ref.noAuto = true
	want := make([][]Match, len(bufs))
	for i, b := range bufs {
		want[i] = ref.Scan(b, "")
	}
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for k := range rounds {
				i := (g + k) % len(bufs)
				if got := e.Scan(bufs[i], ""); !reflect.DeepEqual(got, want[i]) {
					t.Errorf("goroutine %d buffer %d: %d matches, want %d", g, i, len(got), len(want[i]))
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestAutomatonConcurrentSameStates has many goroutines scan the same
// buffer on a cold cache at once, so that they race to build the same
// transitions and start closures (built outside the lock, first to publish
// wins); run with -race. Each must get go-re2's matches.
func TestAutomatonConcurrentSameStates(t *testing.T) {
	buf := append(corpus.Bench(9, 32<<10, corpus.Dense), mixedText(32<<10, 2)...)
	ref := newTestEngine(t)
	ref.noAuto = true
	want := ref.Scan(buf, "")
	for round := range 3 {
		reg, err := compileRegistry(builtin) // cold cache
		if err != nil {
			t.Fatal(err)
		}
		e := newTestEngine(t)
		e.setRegistry(reg)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				<-start
				if got := e.Scan(buf, ""); !reflect.DeepEqual(got, want) {
					t.Errorf("round %d goroutine %d: %d matches, want %d", round, g, len(got), len(want))
				}
			})
		}
		close(start)
		wg.Wait()
	}
}

// TestAutomatonConcurrentFull fills small DFA caches from many goroutines
// at once: scans that see a full cache fall back to go-re2, the cache is
// replaced, and every result still equals go-re2's (run with -race).
func TestAutomatonConcurrentFull(t *testing.T) {
	defer func(m, p int) { multiStateLimit, patternStateLimit = m, p }(multiStateLimit, patternStateLimit)
	multiStateLimit, patternStateLimit = 300, 40
	reg, err := compileRegistry(builtin)
	if err != nil {
		t.Fatal(err)
	}
	bufs := [][]byte{corpus.Bench(10, 32<<10, corpus.Low), corpus.Bench(11, 16<<10, corpus.Dense), mixedText(16<<10, 3)}
	scanConcurrently(t, reg, bufs, 6, 4)
}

// TestAutomatonHashCollisions makes every DFA state's index hash collide,
// so that states are told apart by their keys (the spill map), and checks
// the spans against go-re2's.
func TestAutomatonHashCollisions(t *testing.T) {
	reg, err := compileRegistry(builtin)
	if err != nil {
		t.Fatal(err)
	}
	c := reg.auto.cache.Load()
	collide := func(d *lazyDFA) { d.hash = func([]byte) uint64 { return 1 } }
	collide(c.multi)
	for i := range c.rev {
		collide(c.rev[i])
		collide(c.first[i])
		collide(c.solo[i])
	}
	compareWithRE2(t, reg, "collisions", append(corpus.Bench(12, 16<<10, corpus.Dense), mixedText(16<<10, 3)...))
	if len(c.multi.spill) == 0 {
		t.Error("no state went to the spill map")
	}
}

// FuzzAutomaton compares the automaton's spans with go-re2's for every
// builtin identifier on arbitrary bytes:
// go test -run='^$' -fuzz=FuzzAutomaton -fuzztime=60s ./classifiers/
func FuzzAutomaton(f *testing.F) {
	for _, s := range seedStrings() {
		f.Add([]byte(s))
	}
	f.Add(corpus.Bench(1, 4<<10, corpus.Dense))
	reg, err := loadRegistry()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		compareWithRE2(t, reg, "fuzz", data)
	})
}

// TestHeadAnchored checks patternHead and that identifiers found through
// their head (identifier.HeadAnchored) give go-re2's matches.
func TestHeadAnchored(t *testing.T) {
	for _, tc := range []struct{ pattern, head string }{
		{`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}\b`, `\b[A-Z][A-Z][0-9][0-9]`},
		{`^ab[c-e]x?`, `\Aab[c-e]`},
		{`(?:ab|cd)xyz`, ``},       // starts with an alternation
		{`\b[A-Z]\d?[A-Z]{5}`, ``}, // one fixed-width class, then an optional one
	} {
		re, err := syntax.Parse(tc.pattern, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		head, ok := patternHead(re.Simplify())
		if got := ""; ok != (tc.head != "") || ok && head.String() != tc.head {
			if ok {
				got = head.String()
			}
			t.Errorf("patternHead(%s) = %q, %v; want %q", tc.pattern, got, ok, tc.head)
		}
	}

	patterns := []string{
		`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){1,3}(?: ?[A-Z0-9]{1,3})?\b`,
		`[A-Z]{3}-?\d{1,4}`,
		`\bAB\d{2}[ X]{0,4}\d\b`,
	}
	reg := patternRegistry(t, patterns, identifier{HeadAnchored: true})
	for i := range patterns {
		if reg.auto.anchorOf[i] < 0 {
			t.Fatalf("pattern %s is not head-anchored", patterns[i])
		}
	}
	compareRandom(t, reg, 11, 600, 60, []string{"A", "B", "Z", "AB", "DE", "0", "1", "9", "12", " ", " ", "-", "X", "x", "\n", "_", "\xff"})
	if _, err := newAutomaton([]*compiled{{identifier: identifier{ID: "Y", Pattern: `\d?[A-Z]{4}`, HeadAnchored: true}, gate: -1}}); err == nil {
		t.Error("a HeadAnchored pattern without a head compiled")
	}
}

// TestRunGated checks longRuns against a plain scan, and that identifiers
// found in the runs of their bytes (identifier.RunGated) give go-re2's
// matches.
func TestRunGated(t *testing.T) {
	patterns := []string{
		`\b[A-HJ-NPR-Z0-9]{17}\b`,
		`[A-Z]{3}\d{12,14}`,
		`\b\d{4}[ \-]?\d{4}[ \-]?\d{4}[ \-]?\d{4}\b`,
	}
	reg := patternRegistry(t, patterns, identifier{RunGated: true})
	a := reg.auto
	for i := range patterns {
		if !a.runGated[i] {
			t.Fatalf("pattern %s is not run-gated", patterns[i])
		}
	}
	if a.runMin != 15 {
		t.Fatalf("runMin = %d, want 15", a.runMin)
	}
	alphabet := []string{"A", "B", "I", "Z", "AB", "0", "1", "9", "12", "1234", "12345678", "ABCDEFGH", " ", " ", "-", "x", "\n", "_", "\xff"}
	r := rand.New(rand.NewPCG(5, 5))
	for range 3000 {
		var b bytes.Buffer
		for range r.IntN(60) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		buf := b.Bytes()
		var want []int32
		for p := 0; p < len(buf); {
			q := p
			for q < len(buf) && a.runBytes[buf[q]] {
				q++
			}
			if q-p >= a.runMin {
				want = append(want, int32(p), int32(q))
			}
			p = max(q, p+1)
		}
		if got := a.longRuns(buf, nil); !slices.Equal(got, want) {
			t.Fatalf("longRuns(%q) = %v, want %v", buf, got, want)
		}
	}
	compareRandom(t, reg, 13, 600, 60, alphabet)

	for _, p := range []string{`\b.{17}\b`, `[A-Z]{3}\d{9,11}`} {
		if _, err := newAutomaton([]*compiled{{identifier: identifier{ID: "Y", Pattern: p, RunGated: true}, gate: -1}}); err == nil {
			t.Errorf("RunGated pattern %s compiled: its bytes are unbounded or its matches short", p)
		}
	}
}

// TestWeakWhenAlnum checks the claim of every WeakWhenAlnum identifier,
// that random values of its pattern made of letters and digits alone are
// weak forms, and dropWeak on a column of them.
func TestWeakWhenAlnum(t *testing.T) {
	reg, err := loadRegistry()
	if err != nil {
		t.Fatal(err)
	}
	a := reg.auto
	r := rand.New(rand.NewPCG(11, 11))
	ssn := -1
	for i, c := range reg.ids {
		if c.ID == "US_SSN" {
			ssn = i
		}
		if !c.WeakWhenAlnum {
			continue
		}
		if a.seps[i] == nil {
			t.Fatalf("%s: WeakWhenAlnum, but the automaton has no separators for it", c.ID)
		}
		var alphabet []byte // digits five times as likely as letters
		for b := range 256 {
			switch {
			case !a.bytesOf[i].has(byte(b)):
			case isDigit(byte(b)):
				alphabet = append(alphabet, bytes.Repeat([]byte{byte(b)}, 5)...)
			case isAlnum(byte(b)):
				alphabet = append(alphabet, byte(b))
			}
		}
		full := regexp.MustCompile(`^(?:` + c.Pattern + `)$`)
		matched := 0
		for range 20000 {
			v := make([]byte, a.minw[i]+r.IntN(a.maxw[i]-a.minw[i]+1))
			for k := range v {
				v[k] = alphabet[r.IntN(len(alphabet))]
			}
			if !full.Match(v) {
				continue
			}
			matched++
			if !c.WeakForm(v) {
				t.Errorf("%s: WeakWhenAlnum, but %q is not a weak form", c.ID, v)
				break
			}
		}
		if matched < 100 {
			t.Errorf("%s: %d random values of letters and digits matched; the check needs more", c.ID, matched)
		}
	}
	if ssn < 0 || a.seps[ssn] == nil {
		t.Fatal("US_SSN is not WeakWhenAlnum")
	}

	// A bare number is dropped unless a keyword gate match ends within
	// reach before it; a number with separators is kept.
	dist := reg.ids[ssn].distance
	pad := dist + 5
	buf := []byte("ssn" + strings.Repeat(" ", pad) + "123456789 ok\norder 345-67-8901\n")
	var ends []int32
	for _, m := range regexp.MustCompile(reg.ids[ssn].Pattern).FindAllIndex(buf, -1) {
		ends = append(ends, int32(m[1]))
	}
	start := 3 + pad
	if want := []int32{int32(start + 9), int32(start + 30)}; !slices.Equal(ends, want) {
		t.Fatalf("SSN ends = %v, want %v", ends, want)
	}
	for _, tc := range []struct {
		gate []int32
		want []int32
	}{
		{nil, ends[1:]},
		{[]int32{3}, ends[1:]}, // "ssn", out of reach
		{[]int32{int32(start - dist)}, ends},
		{[]int32{int32(start)}, ends},          // in reach
		{[]int32{int32(start + 40)}, ends[1:]}, // after
	} {
		if got := a.dropWeak(buf, ssn, slices.Clone(ends), keywordHint{gate: tc.gate}, dist); !slices.Equal(got, tc.want) {
			t.Errorf("dropWeak with gate %v = %v, want %v", tc.gate, got, tc.want)
		}
	}
	if got := a.dropWeak(buf, ssn, slices.Clone(ends), anyKeyword, dist); !slices.Equal(got, ends) {
		t.Errorf("dropWeak with any keyword = %v, want %v", got, ends)
	}

	good := identifier{ID: "Y", Pattern: `\b\d{3}-?\d{6}\b`, WeakForm: isAllDigits, WeakWhenAlnum: true}
	if _, err := newAutomaton([]*compiled{{identifier: good, keywords: [][]byte{[]byte("y")}, gate: -1}}); err != nil {
		t.Errorf("WeakWhenAlnum pattern %s: %v", good.Pattern, err)
	}
	for _, p := range []string{`\d{9}\b`, `\b\d{9}`, `\b\d{9}\b|x\d{9}\b`, `\b-?\d{9}\b`, `\b\d{9}_\b`} {
		id := identifier{ID: "Y", Pattern: p, WeakForm: isAllDigits, WeakWhenAlnum: true}
		if _, err := newAutomaton([]*compiled{{identifier: id, keywords: [][]byte{[]byte("y")}, gate: -1}}); err == nil {
			t.Errorf("WeakWhenAlnum pattern %s compiled: it is not bounded by \\b and by letters or digits", p)
		}
	}
}

// TestWeakDropParity checks that Scan, which drops weak candidates with
// no keyword near (dropWeak), finds what the go-re2 path finds in texts
// of numbers, separators and keywords near and far.
func TestWeakDropParity(t *testing.T) {
	e := newTestEngine(t)
	ref := newTestEngine(t)
	ref.noAuto = true
	alphabet := []string{"123456789", "536224081", "2345678901", "234567890123", "123456789012", "8501011234",
		"536-22-4081", "536 22 4081", "2345 6789 0124", "111.444.777-35", "850101-1234", "850101/1234", "1 85 05 78 006 084 36",
		"1", "9", "0", "19", "2A", "B", "x", " ", " ", "-", "/", ".", "+", "\n", ",", ": ",
		"ssn ", "cpf ", "aadhaar ", "rodné číslo ", "personnummer ", "nir ", "tin ", "the order number "}
	r := rand.New(rand.NewPCG(17, 17))
	for k := range 1500 {
		var b bytes.Buffer
		for range r.IntN(40) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		buf := b.Bytes()
		for _, field := range []string{"", "ssn", "notes"} {
			got, want := e.Scan(buf, field), ref.Scan(buf, field)
			if len(got)+len(want) > 0 && !reflect.DeepEqual(got, want) {
				t.Fatalf("text %d %q field %q: automaton %v, go-re2 %v", k, buf, field, got, want)
			}
		}
	}
}

// TestRunSet checks that a runSet holds every byte of the set it is made
// from, exactly when that has at most maxRunRanges ranges, and that full
// tests eight bytes as has tests each.
func TestRunSet(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for range 500 {
		var s byteSet
		ranges := 1 + r.IntN(5)
		for range ranges {
			lo := r.IntN(128)
			s.addRange(byte(lo), byte(min(127, lo+r.IntN(12))))
		}
		set := newRunSet(s)
		n, exact := 0, true
		for c := range 256 {
			in := s.has(byte(c))
			if in && (c == 0 || !s.has(byte(c-1))) {
				n++
			}
			if in && !set.has(byte(c)) {
				t.Fatalf("byte %#x of the set is not in its runSet", c)
			}
			exact = exact && in == set.has(byte(c))
		}
		if n <= maxRunRanges && !exact {
			t.Fatalf("a set of %d ranges has a runSet with more bytes", n)
		}
		var members []byte
		for c := range 128 {
			if set.has(byte(c)) {
				members = append(members, byte(c))
			}
		}
		for range 40 {
			// Mostly members, so that full is often true.
			var x uint64
			want := true
			for k := range 8 {
				c := byte(r.Uint32())
				if len(members) > 0 && r.IntN(8) > 0 {
					c = members[r.IntN(len(members))]
				}
				want = want && set.has(c)
				x |= uint64(c) << (8 * k)
			}
			if got := set.full(x); got != want {
				t.Fatalf("full(%#x) = %v, want %v", x, got, want)
			}
		}
	}
}

// TestClassMap checks newClassMap's partition: two bytes share a class
// exactly when every set, the word characters and '\n' treat them alike,
// and classes are numbered in the order of their first byte, which is
// their representative.
func TestClassMap(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for range 200 {
		var progs []*nfaProgram
		for range 1 + r.IntN(3) {
			p := &nfaProgram{}
			for range r.IntN(12) {
				var s byteSet
				for range 1 + r.IntN(4) {
					lo := r.IntN(256)
					s.addRange(byte(lo), byte(min(255, lo+r.IntN(40))))
				}
				p.sets = append(p.sets, s)
			}
			progs = append(progs, p)
		}
		cm := newClassMap(progs...)
		alike := func(a, b byte) bool {
			if isWordByte(a) != isWordByte(b) || (a == '\n') != (b == '\n') {
				return false
			}
			for _, p := range progs {
				for _, s := range p.sets {
					if s.has(a) != s.has(b) {
						return false
					}
				}
			}
			return true
		}
		next := 0
		for c := range 256 {
			k := int(cm.of[c])
			if k == next {
				if cm.rep[k] != byte(c) {
					t.Fatalf("class %d: representative %d, first byte %d", k, cm.rep[k], c)
				}
				next++
			} else if k > next {
				t.Fatalf("byte %d opens class %d before class %d", c, k, next)
			}
			if !alike(byte(c), cm.rep[k]) {
				t.Fatalf("byte %d is in the class of %d, but a set tells them apart", c, cm.rep[k])
			}
		}
		if next != len(cm.rep) {
			t.Fatalf("%d classes, %d representatives", next, len(cm.rep))
		}
		for i := range cm.rep {
			for j := range i {
				if alike(cm.rep[i], cm.rep[j]) {
					t.Fatalf("classes %d and %d are alike", j, i)
				}
			}
		}
	}
}

// TestStateReciprocal checks that state's multiplication by the
// reciprocal of the stride divides every row offset exactly.
func TestStateReciprocal(t *testing.T) {
	for stride := 1; stride <= 256; stride++ {
		d := &lazyDFA{stride: stride, recip: reciprocal(stride)}
		for _, id := range []int{0, 1, 2, 1000, maxRowOffset/stride - 1} {
			if got := uint64(int32(id*stride)) * d.recip >> 32; got != uint64(id) {
				t.Fatalf("stride %d, id %d: got %d", stride, id, got)
			}
		}
	}
}

// TestScanMulti4Overlap checks the four-stream pass against one stream on
// buffers from the shortest that takes four streams up, holding
// identifiers' examples and their keywords with the words spread by runs
// of separators as wide as a keyword the check can find (the overlap's
// bound for keyword gates): every pattern of the pass, keyword gates
// included, must end at the same offsets, and Scan must give what the
// go-re2 path gives.
func TestScanMulti4Overlap(t *testing.T) {
	e := newTestEngine(t)
	ref := newTestEngine(t)
	ref.noAuto = true
	a := e.reg.auto
	r := rand.New(rand.NewPCG(11, 11))
	var pieces []string
	for _, c := range e.reg.ids {
		for _, kw := range c.keywords {
			words := strings.Fields(string(kw))
			if len(words) > 1 {
				room := maxKeywordDistance - len(strings.Join(words, ""))
				width := 1 + r.IntN(room/(len(words)-1))
				pieces = append(pieces, strings.Join(words, strings.Repeat(" ", width)))
			}
			pieces = append(pieces, string(kw))
		}
		pieces = append(pieces, c.Examples...)
	}
	filler := []string{" ", "\n", ", ", ": ", "id=", "order 4821 ", "the ", "2026-05-14T12:52:42Z "}
	shortest := 13 * a.overlap // M = (n + 3·overlap)/4 reaches 4·overlap
	for k := range 40 {
		n := shortest + r.IntN(8<<10)
		var b bytes.Buffer
		for b.Len() < n {
			b.WriteString(pieces[r.IntN(len(pieces))])
			b.WriteString(filler[r.IntN(len(filler))])
		}
		buf := b.Bytes()[:n]
		c := a.cache.Load()
		one, four := make([][]int32, len(a.fwd.starts)), make([][]int32, len(a.fwd.starts))
		if !c.multi.scanMulti(buf, one) || !c.multi.scanMulti4(buf, a.overlap, four, &[4][]uint64{}) {
			t.Fatal("DFA cache full")
		}
		for p := range one {
			if !slices.Equal(one[p], four[p]) {
				t.Errorf("buffer %d (%d bytes): pattern %d ends at %v in one stream, %v in four", k, n, p, one[p], four[p])
			}
		}
		if got, want := e.Scan(buf, ""), ref.Scan(buf, ""); !reflect.DeepEqual(got, want) {
			t.Errorf("buffer %d (%d bytes): automaton %d matches, go-re2 %d", k, n, len(got), len(want))
		}
	}
}

// TestCredentialAnchors checks that the credential identifiers whose every match
// holds one of a few prefixes are anchored on them: without anchors a bounded
// repetition such as SLACK_TOKEN's {10,250} enters the multi-pattern pass and
// multiplies its states (the Slack pattern's alternation of prefixes once hid them).
func TestCredentialAnchors(t *testing.T) {
	want := map[string]string{
		"SLACK_TOKEN":       "xapp-",
		"GITHUB_TOKEN":      "hp_",
		"STRIPE_SECRET_KEY": "sk_live_",
		"AWS_ACCESS_KEY_ID": "AKIA",
		"GOOGLE_API_KEY":    "AIza",
	}
	for _, id := range builtin {
		prefix, ok := want[id.ID]
		if !ok {
			continue
		}
		delete(want, id.ID)
		re, err := syntax.Parse(id.Pattern, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		lits, ok := anchorLiterals(re)
		if !ok || !slices.ContainsFunc(lits, func(l *syntax.Regexp) bool { return string(l.Rune) == prefix }) {
			t.Errorf("%s: anchors %v, want them to include %q", id.ID, lits, prefix)
		}
	}
	for id := range want {
		t.Errorf("%s: not in the builtin table", id)
	}
}
