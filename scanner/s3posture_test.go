package scanner

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestPublicStatements(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		public []string
	}{
		{"anonymous read", `{"Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`, []string{"PublicRead: Principal * may s3:GetObject"}},
		{"AWS star in a list", `{"Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","*"]},"Action":["s3:GetObject","s3:ListBucket"]}}`, []string{"statement 1: Principal * may s3:GetObject,s3:ListBucket"}},
		{"deny star is not public", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, nil},
		{"star restricted to an org", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}`, nil},
		{"star restricted to a VPC endpoint", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}]}`, nil},
		{"star with a non-restricting condition", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`, []string{"statement 1: Principal * may s3:GetObject"}},
		{"named account", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject"}]}`, nil},
		{"service principal", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject"}]}`, nil},
		// The review's cases: conditions that name a restricting key but do not restrict.
		{"negated account", `{"Statement":[{"Sid":"N","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}}]}`, []string{"N: Principal * may s3:GetObject"}},
		{"IfExists", `{"Statement":[{"Sid":"I","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}}]}`, []string{"I: Principal * may s3:GetObject"}},
		{"Null", `{"Statement":[{"Sid":"U","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"Null":{"aws:SourceVpce":"false"}}}]}`, []string{"U: Principal * may s3:GetObject"}},
		{"wildcard org", `{"Statement":[{"Sid":"W","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringLike":{"aws:PrincipalOrgID":"o-*"}}}]}`, []string{"W: Principal * may s3:GetObject"}},
		{"catch-all CIDR", `{"Statement":[{"Sid":"C","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}}]}`, []string{"C: Principal * may s3:GetObject"}},
		{"NotPrincipal", `{"Statement":[{"Sid":"E","Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject"}]}`, []string{"E: NotPrincipal (everyone but the principals named) may s3:GetObject"}},
		{"NotAction", `{"Statement":[{"Sid":"A","Effect":"Allow","Principal":"*","NotAction":"s3:DeleteObject"}]}`, []string{"A: Principal * may every action but s3:DeleteObject"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PublicStatements(tt.policy)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.public) {
				t.Errorf("public statements = %q, want %q", got, tt.public)
			}
		})
	}
	if _, err := PublicStatements("{not json"); err == nil {
		t.Error("malformed policy accepted")
	}
}

func TestDerivePublic(t *testing.T) {
	known := BlockPublicAccess{Known: true}
	restrict := BlockPublicAccess{Known: true, Configured: true, RestrictPublicBuckets: true, IgnorePublicACLs: true}
	tests := []struct {
		name       string
		p          BucketPosture
		public     bool
		reasonPart string
	}{
		{"policy public", BucketPosture{AccountBlockPublicAccess: known, BlockPublicAccess: known, PublicStatements: []string{"S: Principal * may s3:GetObject"}}, true, "bucket policy"},
		{"policy neutralised by bucket BPA", BucketPosture{AccountBlockPublicAccess: known, BlockPublicAccess: restrict, PublicStatements: []string{"S"}}, false, ""},
		{"policy neutralised by account BPA", BucketPosture{AccountBlockPublicAccess: restrict, BlockPublicAccess: known, PublicStatements: []string{"S"}}, false, ""},
		{"public ACL", BucketPosture{AccountBlockPublicAccess: known, BlockPublicAccess: known, PublicACLGrants: []string{"AllUsers:READ"}}, true, "AllUsers:READ"},
		{"public ACL ignored", BucketPosture{AccountBlockPublicAccess: known, BlockPublicAccess: restrict, PublicACLGrants: []string{"AllUsers:READ"}}, false, ""},
		{"private", BucketPosture{AccountBlockPublicAccess: known, BlockPublicAccess: known}, false, ""},
		{"policy status unreadable, parser finds public", BucketPosture{AccountBlockPublicAccess: known, BlockPublicAccess: known, HasPolicy: true, PublicStatements: []string{"S: Principal * may s3:GetObject"}, PolicyStatusError: "AccessDenied"}, true, "bucket policy grants public access"},
		{"policy status unreadable, parser finds none", BucketPosture{AccountBlockPublicAccess: known, BlockPublicAccess: known, HasPolicy: true, PolicyStatusError: "AccessDenied"}, false, "UNKNOWN: bucket policy status unreadable (AccessDenied)"},
		{"policy status unreadable, neutralised", BucketPosture{AccountBlockPublicAccess: known, BlockPublicAccess: restrict, HasPolicy: true, PolicyStatusError: "AccessDenied"}, false, ""},
		{"policy status unreadable, no policy", BucketPosture{AccountBlockPublicAccess: known, BlockPublicAccess: known, PolicyStatusError: "AccessDenied"}, false, ""},
		{"unreadable is unknown, not private", BucketPosture{AccountBlockPublicAccess: BlockPublicAccess{Error: "AccessDenied"}, BlockPublicAccess: BlockPublicAccess{Error: "AccessDenied"}, PolicyError: "AccessDenied", PolicyStatusError: "AccessDenied", ACLError: "AccessDenied"}, false, "UNKNOWN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.p
			p.derivePublic()
			if p.Public != tt.public || !strings.Contains(p.PublicReason, tt.reasonPart) || (tt.reasonPart == "" && p.PublicReason != "") {
				t.Errorf("public=%v reason=%q, want %v containing %q", p.Public, p.PublicReason, tt.public, tt.reasonPart)
			}
		})
	}
}

func TestSamplerCoversStrata(t *testing.T) {
	s := newSampler("bucket", 10)
	exts := []string{".csv", ".json", ".log", ".txt"}
	for i := 0; i < 20000; i++ {
		prefix := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}[i%10]
		s.Add(ObjectRef{Key: prefix + "/part-" + "000" + strconv.Itoa(i%7) + "-" + strconv.Itoa(i) + exts[(i/10)%4], Size: 2048})
	}
	if s.Listed != 20000 || s.ListedBytes != 20000*2048 {
		t.Fatalf("listed %d objects / %d bytes", s.Listed, s.ListedBytes)
	}
	sample := s.Sample(100)
	if len(sample) != 100 {
		t.Fatalf("sample size %d", len(sample))
	}
	seen := map[string]bool{}
	for _, o := range sample {
		seen[stratum(o.Key, o.Size)] = true
	}
	if len(seen) != 40 { // 10 prefixes × 4 types × one size class
		t.Errorf("sample covers %d strata, want all 40", len(seen))
	}
	// Not just the first keys: some picks come from late in the listing.
	late := 0
	for _, o := range sample {
		if strings.Contains(o.Key, "-1") {
			late++
		}
	}
	if late == 0 {
		t.Error("sample holds only early keys")
	}
	// Deterministic for the same bucket and listing.
	s2 := newSampler("bucket", 10)
	for i := 0; i < 20000; i++ {
		prefix := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}[i%10]
		s2.Add(ObjectRef{Key: prefix + "/part-" + "000" + strconv.Itoa(i%7) + "-" + strconv.Itoa(i) + exts[(i/10)%4], Size: 2048})
	}
	again := s2.Sample(100)
	for i := range sample {
		if sample[i].Key != again[i].Key {
			t.Fatal("sample differs between identical runs")
		}
	}
}

func TestSamplerBoundsStrata(t *testing.T) {
	s := newSampler("b", 2)
	for i := 0; i < 5000; i++ {
		s.Add(ObjectRef{Key: "p" + strconv.Itoa(i) + "/x.csv", Size: 10})
	}
	if len(s.strata) > maxStrata+1 {
		t.Errorf("%d strata kept, cap %d", len(s.strata), maxStrata)
	}
}

func TestPolicyPrincipals(t *testing.T) {
	stmt := func(principal, condition string) string {
		st := `{"Effect":"Allow",` + principal + `,"Action":"s3:GetObject"`
		if condition != "" {
			st += `,"Condition":` + condition
		}
		return st + `}`
	}
	doc := func(stmts ...string) string { return `{"Statement":[` + strings.Join(stmts, ",") + `]}` }
	tests := []struct {
		name   string
		policy string
		want   []string
	}{
		{"principals, accounts and keys", doc(
			stmt(`"Principal":"*"`, ""),
			stmt(`"Principal":{"AWS":["arn:aws:iam::111122223333:root","444455556666"]}`, ""),
			stmt(`"Principal":{"AWS":"*"}`, `{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}`),
			stmt(`"Principal":{"AWS":"*"}`, `{"StringEquals":{"aws:SourceAccount":["777788889999"]}}`),
			stmt(`"Principal":{"Service":"logging.s3.amazonaws.com"}`, ""),
			`{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"s3:*"}`,
		), []string{"* if aws:PrincipalOrgID", "444455556666", "777788889999", "arn:aws:iam::111122223333:root"}},
		// A negated condition names the accounts that do not get access: the
		// statement is public (PublicStatements reports it), not shared.
		{"negated principal account", doc(stmt(`"Principal":"*"`, `{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}`)), []string{}},
		{"negated source account", doc(stmt(`"Principal":"*"`, `{"StringNotEquals":{"aws:SourceAccount":"999999999999"}}`)), []string{}},
		{"IfExists account", doc(stmt(`"Principal":"*"`, `{"StringEqualsIfExists":{"aws:SourceAccount":"999999999999"}}`)), []string{}},
		{"wildcard account", doc(stmt(`"Principal":"*"`, `{"StringLike":{"aws:PrincipalAccount":"1111*"}}`)), []string{}},
		{"negated account beside an org", doc(stmt(`"Principal":"*"`, `{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"},"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}`)), []string{"* if aws:PrincipalOrgID"}},
		// Conditions AND: a statement pinned to accounts reaches no further.
		{"account and VPC endpoint", doc(stmt(`"Principal":"*"`, `{"StringEquals":{"aws:PrincipalAccount":"111122223333","aws:SourceVpce":"vpce-1"}}`)), []string{"111122223333"}},
		{"keys named as AWS spells them, non-restricting ones left out", doc(stmt(`"Principal":"*"`, `{"StringEquals":{"AWS:PRINCIPALORGID":"o-abc"},"Bool":{"aws:SecureTransport":"true"}}`)), []string{"* if aws:PrincipalOrgID"}},
		{"NotPrincipal pinned to an org", doc(stmt(`"NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"}`, `{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}`)), []string{"* if aws:PrincipalOrgID"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PolicyPrincipals(tt.policy)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("PolicyPrincipals = %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := PolicyPrincipals("{"); err == nil {
		t.Fatal("malformed policy accepted")
	}
}

// TestCrossAccountGrants checks which bucket ACL grants share the bucket with other
// accounts: canonical users other than the owner and e-mail grantees (listed without
// the address), not the owner, the public groups or S3 log delivery.
func TestCrossAccountGrants(t *testing.T) {
	owner := &s3types.Owner{ID: aws.String("owner-id")}
	grant := func(typ s3types.Type, id, uri string, perm s3types.Permission) s3types.Grant {
		g := s3types.Grant{Grantee: &s3types.Grantee{Type: typ}, Permission: perm}
		if id != "" {
			g.Grantee.ID = aws.String(id)
		}
		if uri != "" {
			g.Grantee.URI = aws.String(uri)
		}
		if typ == s3types.TypeAmazonCustomerByEmail {
			g.Grantee.EmailAddress = aws.String("someone@example.com")
		}
		return g
	}
	got := crossAccountGrants(owner, []s3types.Grant{
		grant(s3types.TypeCanonicalUser, "owner-id", "", s3types.PermissionFullControl),
		grant(s3types.TypeCanonicalUser, "other-id", "", s3types.PermissionRead),
		grant(s3types.TypeGroup, "", allUsersURI, s3types.PermissionRead),
		grant(s3types.TypeGroup, "", "http://acs.amazonaws.com/groups/s3/LogDelivery", s3types.PermissionWrite),
		grant(s3types.TypeAmazonCustomerByEmail, "", "", s3types.PermissionWrite),
	})
	want := []string{"canonical user other-id:READ", "grantee by e-mail address:WRITE"}
	if !slices.Equal(got, want) {
		t.Errorf("crossAccountGrants = %q, want %q", got, want)
	}
	if strings.Contains(strings.Join(got, " "), "@") {
		t.Error("an e-mail address reached the posture")
	}
}
