package configchecks

import "testing"

// allow wraps one Allow statement's principal and condition in a policy
// document: allow(`"Principal":"*"`, `{"StringEquals":{…}}`).
func allow(principal, condition string) string {
	st := `{"Sid":"S","Effect":"Allow",` + principal + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`
	if condition != "" {
		st += `,"Condition":` + condition
	}
	return `{"Statement":[` + st + `}]}`
}

// publicRuleCases follow AWS's meaning of a non-public policy (S3 Block Public
// Access, "The meaning of public"): an Allow for everyone is non-public only
// when a positive condition pins one of the listed keys to fixed values.
var publicRuleCases = []struct {
	name   string
	doc    string
	public bool
}{
	// Who the statement names.
	{"anonymous", allow(`"Principal":"*"`, ""), true},
	{"AWS star", allow(`"Principal":{"AWS":"*"}`, ""), true},
	{"AWS star in a list", allow(`"Principal":{"AWS":["arn:aws:iam::111122223333:root","*"]}`, ""), true},
	{"named account", allow(`"Principal":{"AWS":"arn:aws:iam::111122223333:root"}`, ""), false},
	{"service principal", allow(`"Principal":{"Service":"logging.s3.amazonaws.com"}`, ""), false},
	{"deny star", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*"}]}`, false},
	{"source organization", allow(`"Principal":"*"`, `{"StringEquals":{"aws:SourceOrgID":"o-abc123"}}`), false},
	{"source organization paths", allow(`"Principal":"*"`, `{"ForAnyValue:StringEquals":{"aws:SourceOrgPaths":["o-abc123/r-ab12/"]}}`), false},
	{"source organization wildcard", allow(`"Principal":"*"`, `{"StringLike":{"aws:SourceOrgID":"o-*"}}`), true},
	{"NotPrincipal allow is everyone but those named", allow(`"NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"}`, ""), true},
	{"NotPrincipal allow pinned to a VPC endpoint", allow(`"NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"}`, `{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}`), false},
	{"NotPrincipal deny", `{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*"}]}`, false},

	// Keys that pin the caller, with fixed values.
	{"org id", allow(`"Principal":"*"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`), false},
	{"org id, case-insensitive key", allow(`"Principal":"*"`, `{"StringEquals":{"AWS:PRINCIPALORGID":"o-abc123"}}`), false},
	{"org id, StringEqualsIgnoreCase", allow(`"Principal":"*"`, `{"StringEqualsIgnoreCase":{"aws:PrincipalOrgID":"o-abc123"}}`), false},
	{"org paths, ForAnyValue", allow(`"Principal":"*"`, `{"ForAnyValue:StringEquals":{"aws:PrincipalOrgPaths":["o-abc123/r-ab12/ou-ab12-11111111/"]}}`), false},
	{"principal account", allow(`"Principal":"*"`, `{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}`), false},
	{"principal ARN, ArnEquals", allow(`"Principal":"*"`, `{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/app"}}`), false},
	{"source account", allow(`"Principal":"*"`, `{"StringEquals":{"aws:SourceAccount":"111122223333"}}`), false},
	{"source owner", allow(`"Principal":{"AWS":"*"}`, `{"StringEquals":{"AWS:SourceOwner":"111122223333"}}`), false},
	{"source ARN, ArnLike without wildcard", allow(`"Principal":"*"`, `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:topic"}}`), false},
	{"source VPC", allow(`"Principal":"*"`, `{"StringEquals":{"aws:SourceVpc":"vpc-1a2b3c4d"}}`), false},
	{"source VPC endpoint, StringLike without wildcard", allow(`"Principal":"*"`, `{"StringLike":{"aws:SourceVpce":"vpce-1a2b3c4d"}}`), false},
	{"user id", allow(`"Principal":"*"`, `{"StringEquals":{"aws:userid":"AIDAEXAMPLEUSERID"}}`), false},
	{"access point account", allow(`"Principal":"*"`, `{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}`), false},
	{"access point ARN", allow(`"Principal":"*"`, `{"ArnEquals":{"s3:DataAccessPointArn":"arn:aws:s3:us-east-1:111122223333:accesspoint/ap"}}`), false},
	{"KMS caller account", allow(`"Principal":{"AWS":"*"}`, `{"StringEquals":{"kms:CallerAccount":"111122223333"}}`), false},
	{"source IP CIDR", allow(`"Principal":"*"`, `{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}`), false},
	{"source IP single address", allow(`"Principal":"*"`, `{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}`), false},
	{"a restricting condition beside a negated one", allow(`"Principal":"*"`, `{"StringNotEquals":{"aws:PrincipalAccount":"444455556666"},"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`), false},

	// Values that are not fixed.
	{"org id wildcard", allow(`"Principal":"*"`, `{"StringLike":{"aws:PrincipalOrgID":"o-*"}}`), true},
	{"org id question marks", allow(`"Principal":"*"`, `{"StringLike":{"aws:PrincipalOrgID":"o-????????"}}`), true},
	{"account of question marks", allow(`"Principal":"*"`, `{"StringLike":{"aws:PrincipalAccount":"????????????"}}`), true},
	{"principal ARN any account", allow(`"Principal":"*"`, `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}`), true},
	{"source ARN any region", allow(`"Principal":"*"`, `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:111122223333:topic"}}`), true},
	{"one wildcard among fixed values", allow(`"Principal":"*"`, `{"StringEquals":{"aws:SourceAccount":["111122223333","*"]}}`), true},
	{"policy variable", allow(`"Principal":"*"`, `{"StringEquals":{"aws:PrincipalAccount":"${aws:PrincipalAccount}"}}`), true},
	{"role session wildcard user id", allow(`"Principal":"*"`, `{"StringLike":{"aws:userid":"AROAEXAMPLEROLEID:*"}}`), true},
	{"empty value", allow(`"Principal":"*"`, `{"StringEquals":{"aws:SourceAccount":""}}`), true},
	{"IPv4 catch-all", allow(`"Principal":"*"`, `{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}`), true},
	{"IPv6 catch-all beside a CIDR", allow(`"Principal":"*"`, `{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","::/0"]}}`), true},
	{"two halves make a catch-all", allow(`"Principal":"*"`, `{"IpAddress":{"aws:SourceIp":["0.0.0.0/1","128.0.0.0/1"]}}`), true},
	{"three prefixes make a catch-all", allow(`"Principal":"*"`, `{"IpAddress":{"aws:SourceIp":["192.0.0.0/2","0.0.0.0/1","128.0.0.0/2"]}}`), true},
	{"two prefixes with a gap", allow(`"Principal":"*"`, `{"IpAddress":{"aws:SourceIp":["0.0.0.0/1","192.0.0.0/2"]}}`), false},
	{"unmasked catch-all", allow(`"Principal":"*"`, `{"IpAddress":{"aws:SourceIp":"10.1.2.3/0"}}`), true},
	{"malformed CIDR", allow(`"Principal":"*"`, `{"IpAddress":{"aws:SourceIp":"203.0.113.0/33"}}`), true},

	// Operators that do not limit the caller.
	{"IfExists passes when the key is absent", allow(`"Principal":"*"`, `{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1a2b3c4d"}}`), true},
	{"Null", allow(`"Principal":"*"`, `{"Null":{"aws:SourceVpce":"false"}}`), true},
	{"StringNotEquals", allow(`"Principal":"*"`, `{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}`), true},
	{"ArnNotLike", allow(`"Principal":"*"`, `{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/x"}}`), true},
	{"NotIpAddress", allow(`"Principal":"*"`, `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`), true},
	{"ForAllValues", allow(`"Principal":"*"`, `{"ForAllValues:StringEquals":{"aws:PrincipalOrgPaths":["o-abc123/r-ab12/"]}}`), true},
	{"IP operator on a string key", allow(`"Principal":"*"`, `{"IpAddress":{"aws:SourceVpc":"203.0.113.0/24"}}`), true},
	{"string operator on the IP key", allow(`"Principal":"*"`, `{"StringEquals":{"aws:SourceIp":"203.0.113.7"}}`), true},

	// Keys that do not pin the caller.
	{"user name is not unique across accounts", allow(`"Principal":"*"`, `{"StringEquals":{"aws:username":"alice"}}`), true},
	{"any principal of a service", allow(`"Principal":"*"`, `{"StringEquals":{"aws:PrincipalServiceName":"cloudtrail.amazonaws.com"}}`), true},
	{"TLS only", allow(`"Principal":"*"`, `{"Bool":{"aws:SecureTransport":"true"}}`), true},
}

// TestPublicStatementRule checks the rule through the check's reading of a
// resource policy and through PublicStatements, the scan's.
func TestPublicStatementRule(t *testing.T) {
	for _, tt := range publicRuleCases {
		t.Run(tt.name, func(t *testing.T) {
			open, err := unrestrictedPublicStatements(tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(open) > 0; got != tt.public {
				t.Errorf("unrestrictedPublicStatements = %q, want public %v", open, tt.public)
			}
			descs, err := PublicStatements(tt.doc)
			if err != nil || len(descs) != len(open) {
				t.Errorf("PublicStatements = %q (%v), want one per statement of %q", descs, err, open)
			}
		})
	}
}

// FuzzPolicy feeds arbitrary documents to the policy readers: they must not
// panic, must agree on which statements are public, and a Resource pattern that
// covers every object must match any one object.
func FuzzPolicy(f *testing.F) {
	for _, tt := range publicRuleCases {
		f.Add(tt.doc)
	}
	f.Add(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b*","arn:*:s3:::b/?*"],"Condition":{"Bool":{"aws:SecureTransport":false}}}]}`)
	f.Add(`{"Statement":{"Effect":"Allow","NotPrincipal":"*","NotAction":["s3:Delete*"],"Condition":{"ForAnyValue:IpAddress":{"aws:SourceIp":["::/1","8000::/1"]}}}}`)
	f.Fuzz(func(t *testing.T, doc string) {
		open, err := unrestrictedPublicStatements(doc)
		descs, derr := PublicStatements(doc)
		_, perr := PolicyPrincipals(doc)
		if (err == nil) != (derr == nil) || (err == nil) != (perr == nil) || len(open) != len(descs) {
			t.Fatalf("readers disagree: %q (%v), %q (%v), %v", open, err, descs, derr, perr)
		}
		d, err := parsePolicy(doc)
		if err != nil {
			return
		}
		if _, err := denyInsecureTransport(doc, "arn:aws:s3:::b"); err != nil {
			t.Fatal(err)
		}
		for _, st := range d.Statement {
			for _, r := range st.Resource {
				if globCoversSuffixes(r, "arn:aws:s3:::b/") && !globMatch(r, "arn:aws:s3:::b/k?*y") {
					t.Fatalf("%q covers every object of b but not one", r)
				}
			}
		}
	})
}

func TestCoverAllAddresses(t *testing.T) {
	for _, c := range []struct {
		cidrs []string
		want  bool
	}{
		{[]string{"0.0.0.0/0"}, true},
		{[]string{"128.0.0.0/1", "0.0.0.0/1"}, true},
		{[]string{"0.0.0.0/1", "128.0.0.0/2"}, false},
		{[]string{"::/1", "8000::/1"}, true},
		{[]string{"0.0.0.0/1", "8000::/1"}, false},
		{[]string{"10.0.0.0/8", "not a cidr"}, false},
	} {
		if got := CoverAllAddresses(c.cidrs); got != c.want {
			t.Errorf("%q: %v, want %v", c.cidrs, got, c.want)
		}
	}
}
