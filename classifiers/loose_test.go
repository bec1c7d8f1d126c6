package classifiers

import (
	"regexp/syntax"
	"slices"
	"testing"
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
