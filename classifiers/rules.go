package classifiers

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"

	re2 "github.com/wasilibs/go-re2"
)

// CustomIdentifier is a user rule: an RE2 pattern with optional keyword
// context, scanned alongside the builtin identifiers and reported like
// them (redacted as "****(N chars)" and fingerprinted; no validator runs).
// In the config file it is one entry of the custom_identifiers list; see
// docs/custom-identifiers.md.
type CustomIdentifier struct {
	// Name is the identifier's upper-snake id, such as EMPLOYEE_ID. It
	// must not be a builtin id or repeat another custom one.
	Name string
	// Regex is an RE2 pattern for the value. It must not match the empty
	// string, and its matches must be bounded: at most 512 bytes, so use
	// {m,n} rather than + or *.
	Regex string
	// Keywords are words that, in the field name or within MaxDistance
	// bytes before a match, count as context (case, separators and
	// camelCase ignored, as for the builtin identifiers).
	Keywords []string
	// MaxDistance is the keyword look-back in bytes, 1 to 256; 0 means
	// 64.
	MaxDistance int
	// KeywordRequired drops every match without keyword context. It needs
	// Keywords.
	KeywordRequired bool
	// IgnoreWords drop matches that equal or contain one of them,
	// ignoring ASCII case.
	IgnoreWords []string
	// Category is one of CREDENTIALS, FINANCIAL, PERSONAL or HEALTH.
	Category Category
	// Severity, if set, is the confidence (LOW, MEDIUM or HIGH) every
	// match is reported with. Empty means the usual rules: LOW, or MEDIUM
	// with keyword context.
	Severity string
}

// AllowList suppresses matches of any identifier. In the config file it is
// the allow_list key; see docs/custom-identifiers.md.
type AllowList struct {
	// Values are exact values to suppress. A match is suppressed when its
	// normalised form equals a value's normalised form under the same
	// identifier (so "4111 1111 1111 1111" also covers 4111-1111-1111-1111
	// as a card number), or when its text equals a value.
	Values []string
	// Regexes are RE2 patterns; a match whose text contains a match of
	// one of them is suppressed. Anchor with ^ and $ to compare the whole
	// value.
	Regexes []string
}

// customRule is a checked CustomIdentifier, ready for compileRegistry.
type customRule struct {
	id     identifier
	ignore [][]byte
	fixed  Confidence
}

// errEmptyMatch means a pattern matches the empty string.
var errEmptyMatch = errors.New("regex matches the empty string")

// checkCustomIdentifiers validates user rules and converts them to table
// entries. Errors name the rule and the reason, never a scanned value.
func checkCustomIdentifiers(rules []CustomIdentifier) ([]customRule, error) {
	builtinIDs := map[string]bool{}
	for _, id := range builtin {
		builtinIDs[id.ID] = true
	}
	seen := map[string]bool{}
	var out []customRule
	for i, r := range rules {
		fail := func(format string, args ...any) error {
			name := r.Name
			if name == "" {
				name = fmt.Sprintf("#%d", i+1)
			}
			return fmt.Errorf("classifiers: custom identifier %s: "+format, append([]any{name}, args...)...)
		}
		switch {
		case !isUpperSnake(r.Name):
			return nil, fail("name must be upper-snake case, such as EMPLOYEE_ID")
		case builtinIDs[r.Name]:
			return nil, fail("name is a builtin identifier")
		case seen[r.Name]:
			return nil, fail("duplicate name")
		}
		seen[r.Name] = true
		if strings.TrimSpace(r.Regex) == "" {
			return nil, fail("empty regex")
		}
		if err := checkUserRegex(r.Regex); err != nil {
			return nil, fail("%w", err)
		}
		switch r.Category {
		case CategoryCredentials, CategoryFinancial, CategoryPersonal, CategoryHealth:
		default:
			return nil, fail("invalid category %q (want CREDENTIALS, FINANCIAL, PERSONAL or HEALTH)", r.Category)
		}
		var fixed Confidence
		switch sev := Confidence(strings.ToUpper(r.Severity)); sev {
		case "":
		case ConfidenceLow, ConfidenceMedium, ConfidenceHigh:
			fixed = sev
		default:
			return nil, fail("invalid severity %q (want LOW, MEDIUM or HIGH)", r.Severity)
		}
		if r.MaxDistance < 0 || r.MaxDistance > maxKeywordDistance {
			return nil, fail("keyword distance %d out of range 1..%d", r.MaxDistance, maxKeywordDistance)
		}
		for _, kw := range r.Keywords {
			if len(wordForm(kw)) == 0 {
				return nil, fail("keyword %q has no letters or digits", kw)
			}
		}
		if r.KeywordRequired && len(r.Keywords) == 0 {
			return nil, fail("keyword required but no keywords")
		}
		cr := customRule{fixed: fixed, id: identifier{
			ID:              r.Name,
			Name:            r.Name,
			Category:        r.Category,
			Description:     "A custom identifier from the configuration.",
			Checks:          "The configured pattern only.",
			Pattern:         r.Regex,
			Keywords:        r.Keywords,
			KeywordDistance: r.MaxDistance,
			KeywordRequired: r.KeywordRequired,
			Redact:          redactLength,
		}}
		for _, w := range r.IgnoreWords {
			if w != "" {
				cr.ignore = append(cr.ignore, lowerASCII([]byte(w)))
			}
		}
		out = append(out, cr)
	}
	return out, nil
}

// checkUserRegex rejects a pattern that does not parse (in Go's RE2 syntax
// and in go-re2), matches the empty string, or has unbounded or overlong
// matches.
func checkUserRegex(pattern string) error {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return fmt.Errorf("bad regex: %w", err)
	}
	if _, err := re2.Compile(pattern); err != nil {
		return fmt.Errorf("bad regex: %w", err)
	}
	lo, hi := patternWidths(re.Simplify())
	switch {
	case lo == 0 || regexp.MustCompile(pattern).MatchString(""):
		return errEmptyMatch
	case hi < 0:
		return errors.New("regex has unbounded repetition (+, * or {n,}): bound it, as in {1,64}")
	case hi > maxPatternWidth:
		return fmt.Errorf("regex matches up to %d bytes, limit %d", hi, maxPatternWidth)
	}
	return nil
}

// containsFold reports whether v contains one of the lower-case words,
// ignoring ASCII case.
func containsFold(v []byte, words [][]byte) bool {
	var buf [maxPatternWidth]byte
	low := buf[:0]
	for _, c := range v {
		if isUpper(c) {
			c += 'a' - 'A'
		}
		low = append(low, c)
	}
	for _, w := range words {
		if bytes.Contains(low, w) {
			return true
		}
	}
	return false
}

// allowList is a compiled AllowList.
type allowList struct {
	raw  map[string]bool   // values as written
	norm []map[string]bool // per identifier: values as it normalises them
	res  []*regexp.Regexp
}

// compileAllowList checks and compiles an allow list for the identifiers
// ids; it returns nil for an empty list.
func compileAllowList(al AllowList, ids []*compiled) (*allowList, error) {
	if len(al.Values) == 0 && len(al.Regexes) == 0 {
		return nil, nil
	}
	a := &allowList{raw: map[string]bool{}, norm: make([]map[string]bool, len(ids))}
	for i, v := range al.Values {
		if v == "" {
			return nil, fmt.Errorf("classifiers: allow list value #%d is empty", i+1)
		}
		a.raw[v] = true
		for j, c := range ids {
			if c.Normalize == nil {
				continue
			}
			n := c.Normalize([]byte(v))
			if len(n) == 0 {
				continue
			}
			if a.norm[j] == nil {
				a.norm[j] = map[string]bool{}
			}
			a.norm[j][string(n)] = true
		}
	}
	for i, p := range al.Regexes {
		if strings.TrimSpace(p) == "" {
			return nil, fmt.Errorf("classifiers: allow list regex #%d is empty", i+1)
		}
		if _, err := re2.Compile(p); err != nil {
			return nil, fmt.Errorf("classifiers: allow list regex #%d: bad regex: %w", i+1, err)
		}
		// Allow-list regexes run on one short value each: the standard
		// library is faster than a call into go-re2 there.
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("classifiers: allow list regex #%d: bad regex: %w", i+1, err)
		}
		a.res = append(a.res, re)
	}
	return a, nil
}

// allows reports whether a match of identifier i with raw text v and
// normalised form norm is on the allow list.
func (a *allowList) allows(i int, v, norm []byte) bool {
	if a.raw[string(v)] || a.raw[string(norm)] || (a.norm[i] != nil && a.norm[i][string(norm)]) {
		return true
	}
	for _, re := range a.res {
		if re.Match(v) {
			return true
		}
	}
	return false
}
