package classifiers

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"

	"github.com/cairnsec/cairn/classifiers/internal/corpus"
)

func TestLoosenDigits(t *testing.T) {
	for _, tc := range []struct {
		pattern, want string
		changed       bool
	}{
		{`\b[2-9]\d\d\b`, `\b[0-9][0-9][0-9]\b`, true},
		{`5[1-5]|4`, `[0-9][0-9]|[0-9]`, true},
		{`(?:19|20)?x`, `(?:[0-9][0-9]|[0-9][0-9])?x`, true},
		{`[A-Z2-7]`, `[0-9A-Z]`, true},
		{`(?i:ab1)`, `(?i:AB[0-9])`, true},
		{`[^5]`, `[\x00-\x{10ffff}]`, true},
		{`x{2,3}5`, `xxx?[0-9]`, true},
		{`\d{3}-[A-Z]`, `[0-9][0-9][0-9]-[A-Z]`, false},
		{`[a-z]x`, `[a-z]x`, false},
	} {
		re, err := syntax.Parse(tc.pattern, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		re = re.Simplify()
		orig := re.String()
		got, changed := loosenDigits(re)
		if got.String() != tc.want || changed != tc.changed {
			t.Errorf("loosenDigits(%s) = %s, %v; want %s, %v", tc.pattern, got, changed, tc.want, tc.changed)
		}
		if re.String() != orig {
			t.Errorf("loosenDigits(%s) changed its argument to %s", tc.pattern, re)
		}
	}
}

// TestLooseIdentifiers checks that the digit identifiers reach the pass
// loosened, and that the pass no longer tells digits apart by value:
// every byte set of its patterns admits all ten digits or none, except
// those of the keyword gates (keywords such as "track2"), which a run of
// digits does not keep alive.
func TestLooseIdentifiers(t *testing.T) {
	reg, err := loadRegistry()
	if err != nil {
		t.Fatal(err)
	}
	a := reg.auto
	for i, c := range reg.ids {
		if a.loose[i] && a.anchorOf[i] < 0 {
			t.Errorf("%s: loosened, but with no pattern in the pass", c.ID)
		}
	}
	for _, id := range []string{"CREDIT_CARD_NUMBER", "US_SSN", "US_PHONE_NUMBER", "IN_AADHAAR"} {
		i := slices.IndexFunc(reg.ids, func(c *compiled) bool { return c.ID == id })
		if i < 0 || !a.loose[i] {
			t.Errorf("%s: not loosened", id)
		}
	}
	gates := map[int]bool{}
	for _, g := range a.gateOf {
		gates[g] = true
	}
	own := make([]int, len(a.fwd.nodes))
	for pat, start := range a.fwd.starts {
		walkNodes(a.fwd, start, func(n int32) { own[n] = pat })
	}
	for n, node := range a.fwd.nodes {
		if node.op != opByte || gates[own[n]] {
			continue
		}
		set := &a.fwd.sets[node.set]
		k := 0
		for d := byte('0'); d <= '9'; d++ {
			if set.has(d) {
				k++
			}
		}
		if k != 0 && k != 10 {
			t.Errorf("pass pattern %d: a byte set admits %d of the ten digits", own[n], k)
		}
	}
}

// walkNodes calls fn with every node reachable from start.
func walkNodes(p *nfaProgram, start int32, fn func(int32)) {
	seen := map[int32]bool{}
	stack := []int32{start}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n < 0 || seen[n] {
			continue
		}
		seen[n] = true
		fn(n)
		switch node := p.nodes[n]; node.op {
		case opSplit:
			stack = append(stack, node.out, node.out1)
		case opByte, opAssert:
			stack = append(stack, node.out)
		}
	}
}

// TestLooseCustomIdentifiers: custom identifiers take the same routes as
// the builtin ones, the loosened one included (most of the synthetic
// rules tell digits apart). Their raw spans must be go-re2's, and Scan
// must equal the go-re2 path, on digit-heavy text.
func TestLooseCustomIdentifiers(t *testing.T) {
	var rules []CustomIdentifier
	for k, r := range syntheticIdentifiers {
		r.Name = fmt.Sprintf("SYNTH_%02d", k+1)
		r.Category = CategoryPersonal
		rules = append(rules, r)
	}
	e := newCustomEngine(t, Options{CustomIdentifiers: rules})
	ref := newCustomEngine(t, Options{CustomIdentifiers: rules})
	ref.noAuto = true
	loose := 0
	for i, c := range e.reg.ids {
		if e.reg.auto.loose[i] && strings.HasPrefix(c.ID, "SYNTH_") {
			loose++
		}
	}
	if loose < 10 {
		t.Fatalf("%d synthetic identifiers loosened, want at least 10", loose)
	}
	r := rand.New(rand.NewPCG(9, 9))
	digits := make([]byte, 64<<10)
	for i := range digits {
		digits[i] = "0123456789012345678901234567890123456789 -./\nXYZ"[r.IntN(48)]
	}
	for name, buf := range map[string][]byte{
		"low":    corpus.Bench(7, 256<<10, corpus.Low),
		"dense":  corpus.Bench(7, 64<<10, corpus.Dense),
		"mixed":  mixedText(64<<10, 7),
		"digits": digits,
	} {
		compareWithRE2(t, e.reg, name, buf)
		if got, want := e.Scan(buf, ""), ref.Scan(buf, ""); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: automaton %d matches, go-re2 %d", name, len(got), len(want))
		}
	}
}
