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

// denyInsecureTransportStatements returns the statements of a bucket policy that deny
// requests not sent over TLS to everyone: Effect Deny, Principal "*", Action s3:* (or
// *), with the condition aws:SecureTransport false (Bool or BoolIfExists) or
// s3:TlsVersion below a version (NumericLessThan).
func denyInsecureTransportStatements(doc string) ([]string, error) {
	d, err := parsePolicy(doc)
	if err != nil {
		return nil, err
	}
	var out []string
	for i, st := range d.Statement {
		if !strings.EqualFold(st.Effect, "Deny") || !st.anyPrincipal() {
			continue
		}
		if !hasValue(st.Action, "s3:*") && !hasValue(st.Action, "*") {
			continue
		}
		insecure := hasValue(st.conditionValues("aws:SecureTransport", "Bool", "BoolIfExists"), "false") ||
			len(st.conditionValues("s3:TlsVersion", "NumericLessThan")) > 0
		if insecure {
			out = append(out, statementName(st, i))
		}
	}
	return out, nil
}

func statementName(st policyStatement, i int) string {
	if st.Sid != "" {
		return st.Sid
	}
	return fmt.Sprintf("statement %d", i+1)
}
