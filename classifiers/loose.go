package classifiers

import (
	"cmp"
	"regexp/syntax"
	"slices"
)

// Loosened digits. A pattern that cares which digit stands where ("5[1-5]"
// opening a card number, "[2-9]" opening a US phone number's area code,
// "[0-8]" an SSN's area) makes the multi-pattern DFA follow the data's
// digit values: in a run of digits each start offset is a partial match
// of some of these patterns and not of others, so the states multiply
// with the combinations the data holds, and a one-shot run spends much of
// its DFA construction on them. Such an identifier, when the pass would
// take it whole (no rare byte, literals, head or runs to gate it), puts
// into the pass, in place of its pattern, the pattern with every class or
// literal that admits some digits widened to all ten (loosenDigits). The
// pass then tells digits apart by nothing but the shape of their runs
// (on the benchmark input its states halve, 7,376 to 3,656). Every match
// of the pattern is a match of the loosened one, ending at the same
// place, so identifier i is scanned alone (its own small DFA, which tells
// the digits apart) only in the maxw[i] bytes before each end the pass
// reports (looseEnds), and finds exactly the ends a scan of the whole
// buffer would.

// loosenDigits returns re with every character class and literal that
// admits some but not all of the ASCII digits widened to admit all of
// them, and whether anything changed. The result matches everything re
// matches, with the same widths; assertions are kept.
func loosenDigits(re *syntax.Regexp) (*syntax.Regexp, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if !slices.ContainsFunc(re.Rune, isDigitRune) {
			return re, false
		}
		subs := make([]*syntax.Regexp, 0, len(re.Rune))
		for _, r := range re.Rune {
			if isDigitRune(r) {
				subs = append(subs, &syntax.Regexp{Op: syntax.OpCharClass, Rune: []rune{'0', '9'}})
			} else {
				subs = append(subs, &syntax.Regexp{Op: syntax.OpLiteral, Rune: []rune{r}, Flags: re.Flags})
			}
		}
		if len(subs) == 1 {
			return subs[0], true
		}
		return &syntax.Regexp{Op: syntax.OpConcat, Sub: subs}, true
	case syntax.OpCharClass:
		n := 0
		for d := '0'; d <= '9'; d++ {
			if classHas(re.Rune, d) {
				n++
			}
		}
		if n == 0 || n == 10 {
			return re, false
		}
		return &syntax.Regexp{Op: syntax.OpCharClass, Rune: mergeRanges(append(slices.Clone(re.Rune), '0', '9'))}, true
	}
	var subs []*syntax.Regexp
	for k, sub := range re.Sub {
		l, ok := loosenDigits(sub)
		if ok && subs == nil {
			subs = slices.Clone(re.Sub)
		}
		if ok {
			subs[k] = l
		}
	}
	if subs == nil {
		return re, false
	}
	out := *re
	out.Sub0 = [1]*syntax.Regexp{}
	out.Sub = subs
	return &out, true
}

func isDigitRune(r rune) bool { return '0' <= r && r <= '9' }

// classHas reports whether the class ranges (pairs of lo, hi) hold r.
func classHas(ranges []rune, r rune) bool {
	for k := 0; k+1 < len(ranges); k += 2 {
		if ranges[k] <= r && r <= ranges[k+1] {
			return true
		}
	}
	return false
}

// mergeRanges returns the ranges (pairs of lo, hi) sorted, with those that
// overlap or touch merged, as regexp/syntax keeps a class.
func mergeRanges(ranges []rune) []rune {
	type span struct{ lo, hi rune }
	spans := make([]span, 0, len(ranges)/2)
	for k := 0; k+1 < len(ranges); k += 2 {
		spans = append(spans, span{ranges[k], ranges[k+1]})
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.lo, b.lo) })
	out := make([]rune, 0, len(ranges))
	for _, s := range spans {
		if n := len(out); n > 0 && s.lo <= out[n-1]+1 {
			out[n-1] = max(out[n-1], s.hi)
			continue
		}
		out = append(out, s.lo, s.hi)
	}
	return out
}

// looseEnds appends to ends the ends of identifier i's matches, given
// cand, the increasing ends of its loosened pattern's matches from the
// multi-pattern pass. A match of i ends at one of them, e, and starts at
// or after e-maxw[i], so i is scanned alone over [e-maxw[i], e] (the
// scan decides a match at e by the byte after it), windows that overlap
// or touch as one.
func (a *automaton) looseEnds(c *dfaCache, buf []byte, i int, cand, ends []int32) ([]int32, bool) {
	win := soloWindows(c, buf, i, ends)
	for _, e := range cand {
		if !win.add(max(0, int(e)-a.maxw[i]), int(e)) {
			return win.ends, false
		}
	}
	return win.done()
}
