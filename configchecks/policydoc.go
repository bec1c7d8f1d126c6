package configchecks

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// policyDoc is the subset of an IAM or resource policy document the checks inspect.
type policyDoc struct {
	Statement oneOrMany[policyStatement] `json:"Statement"`
}

// policyStatement is one statement of a policy document.
type policyStatement struct {
	Sid          string                                     `json:"Sid"`
	Effect       string                                     `json:"Effect"`
	Principal    json.RawMessage                            `json:"Principal"`
	NotPrincipal json.RawMessage                            `json:"NotPrincipal"`
	Action       oneOrMany[string]                          `json:"Action"`
	NotAction    oneOrMany[string]                          `json:"NotAction"`
	Resource     oneOrMany[string]                          `json:"Resource"`
	Condition    map[string]map[string]oneOrMany[condValue] `json:"Condition"`
}

// condValue is a condition value: policies may write it as a string, a boolean or a
// number ("false" and false are the same).
type condValue string

// UnmarshalJSON implements json.Unmarshaler.
func (c *condValue) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*c = condValue(s)
		return nil
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch v.(type) {
	case bool, float64:
		*c = condValue(strings.TrimSpace(string(b)))
		return nil
	}
	return fmt.Errorf("condition value %s is not a scalar", b)
}

// oneOrMany decodes a JSON value that is a single T or a list of T, as policy fields are.
type oneOrMany[T any] []T

// UnmarshalJSON implements json.Unmarshaler.
func (o *oneOrMany[T]) UnmarshalJSON(b []byte) error {
	var many []T
	if err := json.Unmarshal(b, &many); err == nil {
		*o = many
		return nil
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*o = []T{one}
	return nil
}

// parsePolicy parses a policy document.
func parsePolicy(doc string) (policyDoc, error) {
	var d policyDoc
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return d, fmt.Errorf("configchecks: parse policy: %w", err)
	}
	return d, nil
}

// anyPrincipal reports whether a statement's Principal is everyone: "*" or {"AWS": "*"}
// (alone or in a list). It does not look at NotPrincipal.
func (s policyStatement) anyPrincipal() bool {
	return slices.Contains(s.awsPrincipals(), "*")
}

// hasValue reports whether list holds v, compared case-insensitively.
func hasValue(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// conditionValues returns the values of a condition key under any of the operators
// named, keys compared case-insensitively.
func (s policyStatement) conditionValues(key string, operators ...string) []string {
	var out []string
	for op, keys := range s.Condition {
		if !hasValue(operators, op) {
			continue
		}
		for k, vals := range keys {
			if strings.EqualFold(k, key) {
				for _, v := range vals {
					out = append(out, string(v))
				}
			}
		}
	}
	return out
}

// fullAdminStatements returns the Sids (or "statement N") of Allow statements granting
// Action "*" on Resource "*".
func fullAdminStatements(doc string) ([]string, error) {
	d, err := parsePolicy(doc)
	if err != nil {
		return nil, err
	}
	var out []string
	for i, st := range d.Statement {
		if strings.EqualFold(st.Effect, "Allow") && hasValue(st.Action, "*") && hasValue(st.Resource, "*") {
			out = append(out, statementName(st, i))
		}
	}
	return out, nil
}

// transportDeny is what a bucket policy does about requests sent without TLS.
type transportDeny struct {
	// Statements are the Deny statements that refuse requests without TLS to
	// everyone: Principal "*", Action s3:* (or *), and as their only condition
	// aws:SecureTransport false under Bool or BoolIfExists.
	Statements []string
	// Bucket and Objects say whether the Resource elements of Statements cover
	// the bucket's ARN and the ARN of every object in it.
	Bucket, Objects bool
	// TLSVersionStatements deny requests to everyone with s3:TlsVersion below a
	// version (NumericLessThan). A request over plain HTTP has no TLS version, so
	// such a condition does not match it and the deny does not refuse it.
	TLSVersionStatements []string
}

// denyInsecureTransport reads a bucket policy's Deny statements for requests
// without TLS, and whether they cover bucketARN and its objects (bucketARN/*).
// A statement with a further condition (a VPC endpoint, an account …) is left
// out: conditions must all hold, so it refuses plain HTTP only to some callers.
func denyInsecureTransport(doc, bucketARN string) (transportDeny, error) {
	var out transportDeny
	d, err := parsePolicy(doc)
	if err != nil {
		return out, err
	}
	for i, st := range d.Statement {
		if !strings.EqualFold(st.Effect, "Deny") || !st.anyPrincipal() {
			continue
		}
		if !hasValue(st.Action, "s3:*") && !hasValue(st.Action, "*") {
			continue
		}
		switch {
		case st.onlyInsecureTransportCondition():
			out.Statements = append(out.Statements, statementName(st, i))
			for _, r := range st.Resource {
				out.Bucket = out.Bucket || globMatch(r, bucketARN)
				out.Objects = out.Objects || globCoversSuffixes(r, bucketARN+"/")
			}
		case len(st.conditionValues("s3:TlsVersion", "NumericLessThan")) > 0:
			out.TLSVersionStatements = append(out.TLSVersionStatements, statementName(st, i))
		}
	}
	return out, nil
}

// onlyInsecureTransportCondition reports whether a statement's only condition is
// aws:SecureTransport false under Bool or BoolIfExists.
func (s policyStatement) onlyInsecureTransportCondition() bool {
	n := 0
	for op, keys := range s.Condition {
		for k, vals := range keys {
			n++
			if !strings.EqualFold(k, "aws:SecureTransport") || (!strings.EqualFold(op, "Bool") && !strings.EqualFold(op, "BoolIfExists")) ||
				!slices.ContainsFunc(vals, func(v condValue) bool { return strings.EqualFold(string(v), "false") }) {
				return false
			}
		}
	}
	return n > 0
}

// globMatch reports whether s matches pattern, where * matches any run of
// characters and ? any one character, as in a policy's Resource element.
func globMatch(pattern, s string) bool {
	reach := globAfter(pattern, s)
	return slices.Contains(reach, len(pattern))
}

// globCoversSuffixes reports whether pattern matches prefix followed by any
// string at all: after matching prefix, only stars remain to be matched.
func globCoversSuffixes(pattern, prefix string) bool {
	for _, i := range globAfter(pattern, prefix) {
		if i < len(pattern) && strings.Trim(pattern[i:], "*") == "" {
			return true
		}
	}
	return false
}

// globAfter returns the positions in pattern reachable after matching all of s
// (an NFA run: a star may match nothing, or one more character and stay).
func globAfter(pattern, s string) []int {
	closure := func(set []int) []int {
		for j := 0; j < len(set); j++ {
			if i := set[j]; i < len(pattern) && pattern[i] == '*' && !slices.Contains(set, i+1) {
				set = append(set, i+1)
			}
		}
		return set
	}
	cur := closure([]int{0})
	for k := 0; k < len(s) && len(cur) > 0; k++ {
		var next []int
		for _, i := range cur {
			if i >= len(pattern) {
				continue
			}
			switch pattern[i] {
			case '*':
				next = append(next, i)
			case '?':
				next = append(next, i+1)
			default:
				if pattern[i] == s[k] {
					next = append(next, i+1)
				}
			}
		}
		slices.Sort(next)
		cur = closure(slices.Compact(next))
	}
	return cur
}

func statementName(st policyStatement, i int) string {
	if st.Sid != "" {
		return st.Sid
	}
	return fmt.Sprintf("statement %d", i+1)
}
