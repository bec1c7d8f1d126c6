package configchecks

import (
	"strings"
	"testing"
)

// TestS3DenyHTTP evaluates s3.deny_http for bucket b: the Deny statements for
// aws:SecureTransport false must cover the bucket and all of its objects.
func TestS3DenyHTTP(t *testing.T) {
	deny := func(resource, condition string) string {
		st := `{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*"`
		if resource != "" {
			st += `,"Resource":` + resource
		}
		return st + `,"Condition":` + condition + `}`
	}
	const insecure = `{"Bool":{"aws:SecureTransport":"false"}}`
	doc := func(stmts ...string) string { return `{"Statement":[` + strings.Join(stmts, ",") + `]}` }
	both := `["arn:aws:s3:::b","arn:aws:s3:::b/*"]`
	tests := []struct {
		name, doc string
		want      Status
		detail    string // in StatusExtended
	}{
		{"bucket and objects", doc(deny(both, insecure)), StatusPass, "to the bucket and its objects"},
		{"BoolIfExists with a JSON boolean", doc(deny(both, `{"BoolIfExists":{"aws:securetransport":false}}`)), StatusPass, ""},
		{"resources over two statements", doc(deny(`"arn:aws:s3:::b"`, insecure), deny(`"arn:aws:s3:::b/*"`, insecure)), StatusPass, ""},
		{"every resource", doc(deny(`"*"`, insecure)), StatusPass, ""},
		{"every bucket", doc(deny(`"arn:aws:s3:::*"`, insecure)), StatusPass, ""},
		{"prefix wildcard covers both", doc(deny(`"arn:aws:s3:::b*"`, insecure)), StatusPass, ""},
		{"any partition", doc(deny(`["arn:*:s3:::b","arn:*:s3:::b/*"]`, insecure)), StatusPass, ""},
		{"TLS version deny reported beside", doc(deny(both, insecure), deny(both, `{"NumericLessThan":{"s3:TlsVersion":"1.2"}}`)), StatusPass, ""},

		{"no resource", doc(deny("", insecure)), StatusFail, ""},
		{"bucket only", doc(deny(`"arn:aws:s3:::b"`, insecure)), StatusFail, "its objects"},
		{"objects only", doc(deny(`"arn:aws:s3:::b/*"`, insecure)), StatusFail, "the bucket itself"},
		{"some objects only", doc(deny(`["arn:aws:s3:::b","arn:aws:s3:::b/private/*"]`, insecure)), StatusFail, "its objects"},
		{"another bucket", doc(deny(`["arn:aws:s3:::bb","arn:aws:s3:::bb/*"]`, insecure)), StatusFail, ""},
		{"one more character", doc(deny(`"arn:aws:s3:::b?"`, insecure)), StatusFail, ""},
		{"TLS version only", doc(deny(both, `{"NumericLessThan":{"s3:TlsVersion":"1.2"}}`)), StatusFail, "TLS version"},
		{"objects covered only by a TLS version deny", doc(deny(`"arn:aws:s3:::b"`, insecure), deny(`"arn:aws:s3:::b/*"`, `{"NumericLessThan":{"s3:TlsVersion":"1.2"}}`)), StatusFail, "its objects"},
		{"narrowed by another condition", doc(deny(both, `{"Bool":{"aws:SecureTransport":"false"},"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}`)), StatusFail, ""},
		{"one action", doc(strings.Replace(deny(both, insecure), `"s3:*"`, `"s3:GetObject"`, 1)), StatusFail, ""},
		{"allow, not deny", doc(strings.Replace(deny(both, insecure), `"Deny"`, `"Allow"`, 1)), StatusFail, ""},
		{"denies TLS, not plain HTTP", doc(deny(both, `{"Bool":{"aws:SecureTransport":"true"}}`)), StatusFail, ""},
		{"NotPrincipal exempts some callers", doc(strings.Replace(deny(both, insecure), `"Principal":"*"`, `"NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"}`, 1)), StatusFail, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &State{AccountID: "123456789012", Partition: "aws"}
			st.S3.Buckets = Observed([]Bucket{{Name: "b", ARN: "arn:aws:s3:::b", Region: "us-east-1", Policy: Observed(tt.doc)}})
			res := evalS3DenyHTTP(st)
			if len(res) != 1 {
				t.Fatalf("%d results", len(res))
			}
			if res[0].Status != tt.want || !strings.Contains(res[0].StatusExtended, tt.detail) {
				t.Errorf("%s: %s (%s), want %s containing %q", tt.doc, res[0].Status, res[0].StatusExtended, tt.want, tt.detail)
			}
		})
	}
}
