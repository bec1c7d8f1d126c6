package configchecks

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// This file is Cairn's one reading of "is this resource policy public, and whom
// does it grant". The scan's asset posture (S3 buckets, DynamoDB tables) and the
// checks both call it.
//
// The rule is AWS's definition of a non-public policy (S3 Block Public Access,
// "The meaning of public"; IAM Access Analyzer reads the aws:Principal* keys the
// same way). An Allow statement for everyone — Principal "*" or {"AWS": "*"}, or
// NotPrincipal, which grants everyone except the principals it names — is
// non-public only when at least one of its conditions pins a key of callerKeys
// to fixed values:
//   - with a positive operator: StringEquals, StringEqualsIgnoreCase or
//     StringLike (ArnEquals and ArnLike too for ARN keys; IpAddress, and only
//     IpAddress, for aws:SourceIp), optionally with the ForAnyValue: prefix.
//     …IfExists (true when the key is absent), Null, StringNot…, ArnNot…,
//     NotIpAddress and ForAllValues: (true for an empty set) limit nothing;
//   - with every value fixed: not empty, no wildcard (* or ?) and no policy
//     variable (${…}); for aws:SourceIp, valid CIDRs or addresses that together
//     leave out part of the IPv4 and of the IPv6 space (0.0.0.0/0 or ::/0 limits
//     nothing). So aws:userid "AROLEID:*" (any session of a role, by its id) is
//     not a fixed value.
//
// Conditions in one statement must all hold, so one restricting condition is
// enough, whatever the others say. Deny statements never make a policy public.

// keyKind says which operators compare a condition key.
type keyKind int

const (
	keyString keyKind = iota // String operators
	keyARN                   // String and Arn operators
	keyIP                    // IpAddress
)

// callerKey is a condition key that, pinned to fixed values, limits who can use
// an Allow statement for everyone.
type callerKey struct {
	name    string // as AWS spells it
	kind    keyKind
	account bool // its values are the account ids that have access
}

// callerKeys are the keys of AWS's definition of a non-public policy, plus
// aws:SourceOrgID and aws:SourceOrgPaths, which pin a service acting for a
// resource to one organization as aws:SourceAccount pins it to one account (IAM
// Access Analyzer reads them so). aws:username (not unique across accounts) and
// aws:PrincipalServiceName (any caller of a service) are not in it.
// s3:DataAccessPointAccount is not read as an account with access: it delegates
// access to the account's access points, whose own policies decide who.
var callerKeys = []callerKey{
	{"aws:SourceIp", keyIP, false},
	{"aws:SourceArn", keyARN, false},
	{"aws:SourceVpc", keyString, false},
	{"aws:SourceVpce", keyString, false},
	{"aws:SourceOwner", keyString, true},
	{"aws:SourceAccount", keyString, true},
	{"aws:SourceOrgID", keyString, false},
	{"aws:SourceOrgPaths", keyString, false},
	{"aws:PrincipalAccount", keyString, true},
	{"aws:PrincipalArn", keyARN, false},
	{"aws:PrincipalOrgID", keyString, false},
	{"aws:PrincipalOrgPaths", keyString, false},
	{"aws:userid", keyString, false},
	{"s3:DataAccessPointArn", keyARN, false},
	{"s3:DataAccessPointAccount", keyString, false},
	{"kms:CallerAccount", keyString, true},
}

// restriction is one condition that pins a statement for everyone to known callers.
type restriction struct {
	key    callerKey
	values []string
}

// PublicStatements returns a description of each Allow statement of a resource
// policy (an S3 bucket policy, a DynamoDB table policy …) that grants access to
// everyone with no condition restricting the caller, by the rule at the top of
// this file: "Sid: Principal * may s3:GetObject", or "statement N: …" when the
// statement has no Sid. The descriptions hold Sids and actions, never condition
// values. It returns an error when the document is not valid JSON.
func PublicStatements(doc string) ([]string, error) {
	return eachPublic(doc, func(st policyStatement, i int) string {
		return fmt.Sprintf("%s: %s may %s", statementName(st, i), st.grantee(), st.actions())
	})
}

// eachPublic returns name(statement, index) for each public statement of a
// resource policy (see policyStatement.public).
func eachPublic(doc string, name func(policyStatement, int) string) ([]string, error) {
	d, err := parsePolicy(doc)
	if err != nil {
		return nil, err
	}
	var out []string
	for i, st := range d.Statement {
		if st.public() {
			out = append(out, name(st, i))
		}
	}
	return out, nil
}

// PolicyPrincipals returns, sorted and distinct, the AWS principals that the
// Allow statements of a resource policy grant access to:
//   - account ids and ARNs named in Principal, as written
//     ("111122223333", "arn:aws:iam::111122223333:root");
//   - for a statement for everyone (Principal "*" or NotPrincipal) that a
//     condition restricts: the account ids that its restricting conditions on
//     aws:PrincipalAccount, aws:SourceAccount, aws:SourceOwner or
//     kms:CallerAccount name (the conditions all hold, so the statement reaches
//     no further than those accounts); without such a condition, "* if " and
//     the restricting keys as AWS spells them ("* if aws:PrincipalOrgID").
//
// A statement for everyone that no condition restricts is public and left out:
// PublicStatements reports it. Negated, …IfExists and Null conditions name the
// accounts that are denied or need not match, not those with access, so they
// never yield principals. Service, federated and canonical-user principals are
// left out. The scanned account's own principals are included: the exposures
// join drops them. It returns an error when the document is not valid JSON.
func PolicyPrincipals(doc string) ([]string, error) {
	d, err := parsePolicy(doc)
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for _, st := range d.Statement {
		if !strings.EqualFold(st.Effect, "Allow") {
			continue
		}
		for _, pr := range st.awsPrincipals() {
			if pr != "*" {
				set[pr] = true
			}
		}
		if !st.everyone() {
			continue
		}
		rs := st.restrictions()
		if len(rs) == 0 {
			continue // public: PublicStatements reports it
		}
		var accounts, keys []string
		for _, r := range rs {
			if r.key.account {
				accounts = append(accounts, r.values...)
			} else {
				keys = append(keys, r.key.name)
			}
		}
		if len(accounts) > 0 {
			for _, a := range accounts {
				set[a] = true
			}
			continue
		}
		slices.Sort(keys)
		set["* if "+strings.Join(slices.Compact(keys), ",")] = true
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out, nil
}

// unrestrictedPublicStatements returns the names (Sid, or "statement N") of the
// statements of a resource policy that PublicStatements reports.
func unrestrictedPublicStatements(doc string) ([]string, error) {
	return eachPublic(doc, statementName)
}

// public reports whether a statement is an Allow for everyone that no condition
// restricts.
func (s policyStatement) public() bool {
	return strings.EqualFold(s.Effect, "Allow") && s.everyone() && len(s.restrictions()) == 0
}

// everyone reports whether a statement names everyone: Principal "*",
// {"AWS": "*"} (alone or in a list), or any NotPrincipal.
func (s policyStatement) everyone() bool {
	return s.hasNotPrincipal() || s.anyPrincipal()
}

// hasNotPrincipal reports whether the statement has a NotPrincipal element.
func (s policyStatement) hasNotPrincipal() bool {
	return len(s.NotPrincipal) > 0 && string(s.NotPrincipal) != "null"
}

// grantee describes whom a statement for everyone grants.
func (s policyStatement) grantee() string {
	if s.hasNotPrincipal() && !s.anyPrincipal() {
		return "NotPrincipal (everyone but the principals named)"
	}
	return "Principal *"
}

// actions describes a statement's actions.
func (s policyStatement) actions() string {
	switch {
	case len(s.Action) > 0:
		return strings.Join(s.Action, ",")
	case len(s.NotAction) > 0:
		return "every action but " + strings.Join(s.NotAction, ",")
	}
	return "no action named"
}

// awsPrincipals returns the AWS principals of the Principal element: "*" for
// Principal "*", the values of {"AWS": …} otherwise.
func (s policyStatement) awsPrincipals() []string {
	if len(s.Principal) == 0 {
		return nil
	}
	var one string
	if json.Unmarshal(s.Principal, &one) == nil {
		return []string{one}
	}
	var m map[string]oneOrMany[string]
	if json.Unmarshal(s.Principal, &m) != nil {
		return nil
	}
	for k, v := range m {
		if strings.EqualFold(k, "AWS") {
			return v
		}
	}
	return nil
}

// restrictions returns the conditions of a statement that pin a key of
// callerKeys to fixed values with a positive operator, in key order.
func (s policyStatement) restrictions() []restriction {
	var out []restriction
	for op, keys := range s.Condition {
		base, ok := positiveOperator(op)
		if !ok {
			continue
		}
		for k, vals := range keys {
			i := slices.IndexFunc(callerKeys, func(c callerKey) bool { return strings.EqualFold(c.name, k) })
			if i < 0 {
				continue
			}
			key := callerKeys[i]
			values := make([]string, len(vals))
			for j, v := range vals {
				values[j] = string(v)
			}
			if operatorFits(base, key.kind) && fixedValues(key.kind, values) {
				out = append(out, restriction{key: key, values: values})
			}
		}
	}
	slices.SortFunc(out, func(a, b restriction) int { return strings.Compare(a.key.name, b.key.name) })
	return out
}

// positiveOperator strips a ForAnyValue: prefix from a condition operator and
// reports whether what is left can restrict: not ForAllValues: (an empty set
// satisfies it), not …IfExists (an absent key satisfies it), not Null.
func positiveOperator(op string) (string, bool) {
	if set, rest, ok := strings.Cut(op, ":"); ok {
		if !strings.EqualFold(set, "ForAnyValue") {
			return "", false
		}
		op = rest
	}
	if len(op) >= len("IfExists") && strings.EqualFold(op[len(op)-len("IfExists"):], "IfExists") {
		return "", false
	}
	return op, true
}

// operatorFits reports whether a positive operator compares a key of this kind
// with what it must equal: negated operators (StringNotEquals, ArnNotLike,
// NotIpAddress), Null and the Bool, Numeric, Date and Binary operators do not.
func operatorFits(op string, kind keyKind) bool {
	is := func(names ...string) bool {
		return slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, op) })
	}
	switch kind {
	case keyIP:
		return is("IpAddress")
	case keyARN:
		return is("StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike")
	}
	return is("StringEquals", "StringEqualsIgnoreCase", "StringLike")
}

// fixedValues reports whether condition values are fixed: at least one, none
// empty, none with a wildcard or a policy variable; for aws:SourceIp, CIDRs (or
// addresses) that do not cover the whole IPv4 or IPv6 space between them.
func fixedValues(kind keyKind, values []string) bool {
	if len(values) == 0 {
		return false
	}
	for _, v := range values {
		if v == "" || strings.ContainsAny(v, "*?") || strings.Contains(v, "${") {
			return false
		}
	}
	if kind != keyIP {
		return true
	}
	var v4, v6 []netip.Prefix
	for _, v := range values {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, aerr := netip.ParseAddr(v)
			if aerr != nil {
				return false // not a CIDR: it pins nothing Cairn can vouch for
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		p = p.Masked()
		if p.Addr().Is4() {
			v4 = append(v4, p)
		} else {
			v6 = append(v6, p)
		}
	}
	return !coversAll(v4, netip.IPv4Unspecified()) && !coversAll(v6, netip.IPv6Unspecified())
}

// CoverAllAddresses reports whether CIDRs (or single addresses) together cover
// every IPv4 address or every IPv6 address: "0.0.0.0/0" alone, or "0.0.0.0/1" with
// "128.0.0.0/1". Values that do not parse are ignored.
func CoverAllAddresses(cidrs []string) bool {
	var v4, v6 []netip.Prefix
	for _, v := range cidrs {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, aerr := netip.ParseAddr(v)
			if aerr != nil {
				continue
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if p = p.Masked(); p.Addr().Is4() {
			v4 = append(v4, p)
		} else {
			v6 = append(v6, p)
		}
	}
	return coversAll(v4, netip.IPv4Unspecified()) || coversAll(v6, netip.IPv6Unspecified())
}

// coversAll reports whether prefixes of one address family together cover the
// whole space that starts at first.
func coversAll(prefixes []netip.Prefix, first netip.Addr) bool {
	slices.SortFunc(prefixes, func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
	next := first // the lowest address not yet covered
	for _, p := range prefixes {
		if next.Less(p.Addr()) {
			return false // a gap before p
		}
		last := lastAddr(p)
		if !last.Less(next) {
			next = last.Next()
			if !next.IsValid() {
				return true // covered up to the family's last address
			}
		}
	}
	return false
}

// lastAddr returns the last address of a masked prefix.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}
