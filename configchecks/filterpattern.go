package configchecks

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// This file parses CloudWatch Logs JSON filter patterns ({ $.eventName = CreateTrail
// || ... }) into expression trees and puts them in disjunctive normal form, so that
// the monitoring checks can compare a metric filter with a CIS pattern by the events
// the two match rather than by their text.
//
// The syntax is the one CloudWatch Logs documents for JSON log events: the pattern is
// enclosed in braces; comparisons are SELECTOR OP VALUE with OP one of = != < > <= >=,
// or SELECTOR IS NULL, IS TRUE, IS FALSE or NOT EXISTS; they combine with && and ||,
// && binding tighter, and parentheses group. A value is a double-quoted string, an
// unquoted word (a quoted and an unquoted value are the same value) or a %regex%; a
// leading or trailing * in a string is a wildcard. Selectors and values are
// case-sensitive, as CloudWatch Logs compares them. Whitespace outside quotes is
// insignificant. Text and space-delimited patterns are not JSON patterns: they do
// not parse.

// Limits on what is parsed: a metric filter pattern is at most 1,024 characters in
// CloudWatch Logs, so these only bound the work done on malformed input.
const (
	maxFilterPatternLen = 4096
	maxFilterDepth      = 32      // nested parentheses
	maxDNFSize          = 1 << 14 // comparisons in all terms of the disjunctive normal form
)

var errFilterSyntax = errors.New("filter pattern: syntax error")

// filterCmp is one comparison of a JSON filter pattern. It is comparable: two
// comparisons are the same condition exactly when they are ==.
type filterCmp struct {
	selector string // "$.userIdentity.type", as written
	op       string // "=", "!=", "<", "<=", ">", ">=", "IS NULL", "IS TRUE", "IS FALSE", "NOT EXISTS"
	value    string // without quotes; "" for the postfix operators
	regex    bool   // value was written %value%
}

// String renders c in filter-pattern syntax, the value always quoted (a backslash
// escapes a quote or a backslash in it).
func (c filterCmp) String() string {
	switch {
	case c.value == "" && isPostfixOp(c.op):
		return c.selector + " " + c.op
	case c.regex:
		return c.selector + " " + c.op + " %" + c.value + "%"
	}
	return c.selector + " " + c.op + " \"" + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(c.value) + "\""
}

func isPostfixOp(op string) bool {
	return op == "IS NULL" || op == "IS TRUE" || op == "IS FALSE" || op == "NOT EXISTS"
}

// filterExpr is a parsed JSON filter pattern: a comparison, or the AND or OR of two
// or more sub-expressions (never an AND directly inside an AND, nor an OR in an OR).
type filterExpr struct {
	kind exprKind
	cmp  filterCmp     // kind exprCmp
	args []*filterExpr // kind exprAnd, exprOr
}

type exprKind uint8

const (
	exprCmp exprKind = iota
	exprAnd
	exprOr
)

// String renders e in filter-pattern syntax, fully parenthesized, without the braces.
func (e *filterExpr) String() string {
	if e.kind == exprCmp {
		return e.cmp.String()
	}
	sep := " && "
	if e.kind == exprOr {
		sep = " || "
	}
	parts := make([]string, len(e.args))
	for i, a := range e.args {
		parts[i] = a.String()
		if a.kind != exprCmp {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return strings.Join(parts, sep)
}

// conjunction is an AND of comparisons, each once.
type conjunction []filterCmp

// dnfSize is the number of comparisons in all terms of a disjunctive normal form.
func dnfSize(terms []conjunction) (n int) {
	for _, t := range terms {
		n += len(t)
	}
	return n
}

// dnf returns e in disjunctive normal form: an OR of conjunctions. ok is false when
// the form would hold more than maxDNFSize comparisons in all.
func (e *filterExpr) dnf() (terms []conjunction, ok bool) {
	switch e.kind {
	case exprCmp:
		return []conjunction{{e.cmp}}, true
	case exprOr:
		size := 0
		for _, a := range e.args {
			sub, ok := a.dnf()
			if size += dnfSize(sub); !ok || size > maxDNFSize {
				return nil, false
			}
			terms = append(terms, sub...)
		}
		return terms, true
	}
	// An AND: its comparisons make one conjunction, which its ORs multiply out.
	var base conjunction
	var ors []*filterExpr
	for _, a := range e.args {
		switch {
		case a.kind != exprCmp:
			ors = append(ors, a)
		case !slices.Contains(base, a.cmp):
			base = append(base, a.cmp)
		}
	}
	terms, size := []conjunction{base}, len(base)
	for _, a := range ors {
		sub, ok := a.dnf()
		if !ok {
			return nil, false
		}
		if size = len(sub)*size + len(terms)*dnfSize(sub); size > maxDNFSize {
			return nil, false
		}
		next := make([]conjunction, 0, len(terms)*len(sub))
		for _, t := range terms {
			for _, s := range sub {
				c := append(make(conjunction, 0, len(t)+len(s)), t...)
				for _, x := range s {
					if !slices.Contains(t, x) {
						c = append(c, x)
					}
				}
				next = append(next, c)
			}
		}
		terms = next
	}
	return terms, true
}

// parseFilterPattern parses a CloudWatch Logs JSON filter pattern.
func parseFilterPattern(pattern string) (*filterExpr, error) {
	if len(pattern) > maxFilterPatternLen {
		return nil, fmt.Errorf("%w: longer than %d bytes", errFilterSyntax, maxFilterPatternLen)
	}
	toks, err := lexFilterPattern(pattern)
	if err != nil {
		return nil, err
	}
	p := &filterParser{toks: toks}
	if err := p.expect(tokLBrace, "{"); err != nil {
		return nil, err
	}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if err := p.expect(tokRBrace, "}"); err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, fmt.Errorf("%w: %q after the closing brace", errFilterSyntax, t.text)
	}
	return e, nil
}

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokLBrace
	tokRBrace
	tokLParen
	tokRParen
	tokAnd
	tokOr
	tokOp     // = != < <= > >=
	tokString // "quoted", text without the quotes
	tokRegex  // %regex%, text without the percent signs
	tokWord   // anything else up to a space or a special character
)

type token struct {
	kind tokKind
	text string
}

// filterSpecial are the bytes that end an unquoted word.
const filterSpecial = "{}()&|!=<>\"%"

func isFilterSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// lexFilterPattern splits a filter pattern into tokens.
func lexFilterPattern(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		two := ""
		if i+1 < len(s) {
			two = s[i : i+2]
		}
		switch {
		case isFilterSpace(c):
			i++
		case c == '{':
			toks = append(toks, token{tokLBrace, "{"})
			i++
		case c == '}':
			toks = append(toks, token{tokRBrace, "}"})
			i++
		case c == '(':
			toks = append(toks, token{tokLParen, "("})
			i++
		case c == ')':
			toks = append(toks, token{tokRParen, ")"})
			i++
		case two == "&&":
			toks = append(toks, token{tokAnd, two})
			i += 2
		case two == "||":
			toks = append(toks, token{tokOr, two})
			i += 2
		case two == "!=" || two == "<=" || two == ">=":
			toks = append(toks, token{tokOp, two})
			i += 2
		case c == '=' || c == '<' || c == '>':
			toks = append(toks, token{tokOp, string(c)})
			i++
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, fmt.Errorf("%w: unterminated quoted string", errFilterSyntax)
			}
			toks = append(toks, token{tokString, b.String()})
			i = j + 1
		case c == '%':
			j := strings.IndexByte(s[i+1:], '%')
			if j < 0 {
				return nil, fmt.Errorf("%w: unterminated %%regex%%", errFilterSyntax)
			}
			toks = append(toks, token{tokRegex, s[i+1 : i+1+j]})
			i += j + 2
		case strings.IndexByte(filterSpecial, c) >= 0:
			return nil, fmt.Errorf("%w: unexpected %q", errFilterSyntax, c)
		default:
			j := i
			for j < len(s) && !isFilterSpace(s[j]) && strings.IndexByte(filterSpecial, s[j]) < 0 {
				j++
			}
			toks = append(toks, token{tokWord, s[i:j]})
			i = j
		}
	}
	return toks, nil
}

// filterParser is a recursive-descent parser over the tokens of one pattern:
//
//	or      = and { "||" and }
//	and     = primary { "&&" primary }
//	primary = "(" or ")" | SELECTOR OP VALUE | SELECTOR ("IS" ("NULL"|"TRUE"|"FALSE") | "NOT" "EXISTS")
type filterParser struct {
	toks  []token
	pos   int
	depth int
}

func (p *filterParser) peek() token {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return token{kind: tokEOF}
}

func (p *filterParser) next() token {
	t := p.peek()
	if p.pos < len(p.toks) {
		p.pos++
	}
	return t
}

func (p *filterParser) expect(k tokKind, what string) error {
	if t := p.next(); t.kind != k {
		if t.kind == tokEOF {
			return fmt.Errorf("%w: want %s, got the end", errFilterSyntax, what)
		}
		return fmt.Errorf("%w: want %s, got %q", errFilterSyntax, what, t.text)
	}
	return nil
}

func (p *filterParser) or() (*filterExpr, error) {
	return p.list(exprOr, tokOr, p.and)
}

func (p *filterParser) and() (*filterExpr, error) {
	return p.list(exprAnd, tokAnd, p.primary)
}

// list parses operands separated by sep into one expression of kind, flattening
// operands of the same kind ((a || b) || c is a || b || c).
func (p *filterParser) list(kind exprKind, sep tokKind, operand func() (*filterExpr, error)) (*filterExpr, error) {
	var args []*filterExpr
	for {
		e, err := operand()
		if err != nil {
			return nil, err
		}
		if e.kind == kind {
			args = append(args, e.args...)
		} else {
			args = append(args, e)
		}
		if p.peek().kind != sep {
			break
		}
		p.next()
	}
	if len(args) == 1 {
		return args[0], nil
	}
	return &filterExpr{kind: kind, args: args}, nil
}

func (p *filterParser) primary() (*filterExpr, error) {
	t := p.next()
	switch {
	case t.kind == tokLParen:
		if p.depth++; p.depth > maxFilterDepth {
			return nil, fmt.Errorf("%w: parentheses nested deeper than %d", errFilterSyntax, maxFilterDepth)
		}
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		p.depth--
		return e, p.expect(tokRParen, ")")
	case t.kind != tokWord || !strings.HasPrefix(t.text, "$"):
		if t.kind == tokEOF {
			return nil, fmt.Errorf("%w: want a selector ($.field), got the end", errFilterSyntax)
		}
		return nil, fmt.Errorf("%w: want a selector ($.field), got %q", errFilterSyntax, t.text)
	}
	c := filterCmp{selector: t.text}
	switch op := p.next(); {
	case op.kind == tokOp:
		c.op = op.text
		v := p.next()
		switch {
		case v.kind == tokString || v.kind == tokWord:
			c.value = v.text
		case v.kind == tokRegex && (c.op == "=" || c.op == "!="):
			c.value, c.regex = v.text, true
		default:
			return nil, fmt.Errorf("%w: want a value after %s %s", errFilterSyntax, c.selector, c.op)
		}
	case op.kind == tokWord && (strings.EqualFold(op.text, "IS") || strings.EqualFold(op.text, "NOT")):
		w := p.next()
		c.op = strings.ToUpper(op.text + " " + w.text)
		if w.kind != tokWord || !isPostfixOp(c.op) {
			return nil, fmt.Errorf("%w: unknown operator %s %s", errFilterSyntax, op.text, w.text)
		}
	default:
		return nil, fmt.Errorf("%w: want an operator after %s", errFilterSyntax, c.selector)
	}
	return &filterExpr{kind: exprCmp, cmp: c}, nil
}
