package configchecks

import (
	"strings"
	"testing"
	"time"
)

func TestUnrestrictedPublicStatements(t *testing.T) {
	for doc, want := range map[string]int{
		`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage"}]}`:                                                                      1,
		`{"Statement":{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"kms:Decrypt"}}`:                                                                  1,
		`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sns:Publish","Condition":{"StringEquals":{"AWS:SourceOwner":"123456789012"}}}]}`:  0,
		`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}`:             0,
		`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEqualsIfExists":{"aws:SourceAccount":"1"}}}]}`:          1, // absent key passes
		`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringLike":{"aws:SourceArn":"*"}}}]}`:                        1, // wildcard value
		`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`:                     1, // not about the caller
		`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Condition":{"ForAnyValue:StringEquals":{"aws:PrincipalOrgPaths":["o-a/r-b/"]}}}]}`: 0,
		`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*"}]}`:                                                                                  0,
		`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*"}]}`:                                            0,
	} {
		got, err := unrestrictedPublicStatements(doc)
		if err != nil || len(got) != want {
			t.Errorf("%s: %v (%v), want %d", doc, got, err, want)
		}
	}
	if _, err := unrestrictedPublicStatements("{"); err == nil {
		t.Error("malformed policy accepted")
	}
}

func TestRegistryScanFrequency(t *testing.T) {
	s := ECRScanning{ScanType: "ENHANCED", Rules: []ECRScanRule{
		{Frequency: "MANUAL", Filters: []string{"*"}},
		{Frequency: "CONTINUOUS_SCAN", Filters: []string{"prod-*"}},
	}}
	if got := registryScanFrequency(s, "prod-api"); got != "CONTINUOUS_SCAN" {
		t.Errorf("prod-api: %q", got)
	}
	if got := registryScanFrequency(s, "dev-api"); got != "" {
		t.Errorf("dev-api: %q, want no rule (MANUAL does not scan)", got)
	}
}

// TestOrganizationScopes checks the organization checks outside the management
// account: MANUAL in a member account, NOT_APPLICABLE outside an organization,
// ERROR when the organization could not be read.
func TestOrganizationScopes(t *testing.T) {
	member := &State{AccountID: "111122223333", ObservedAt: time.Now()}
	member.Account.Organization = Observed(&Organization{ID: "o-abc", ARN: "arn:aws:organizations::999999999999:organization/o-abc",
		ManagementAccount: "999999999999", FeatureSet: "ALL",
		Policies: Unknown[[]OrgPolicy](MemberAccountReason), ServiceAccess: Unknown[[]string](MemberAccountReason),
		DelegatedAdministrators: Unknown[map[string][]string](MemberAccountReason)})
	standalone := &State{AccountID: "111122223333"}
	standalone.Account.Organization = Observed[*Organization](nil)
	denied := &State{AccountID: "111122223333"}
	denied.Account.Organization = Unknown[*Organization]("organizations DescribeOrganization: AccessDeniedException")
	for _, id := range []string{"organizations.scp_guardrails", "organizations.delegated_admins", "organizations.centralized_root"} {
		for _, tc := range []struct {
			st   *State
			want Status
			text string
		}{
			{member, StatusManual, "management account 999999999999"},
			{standalone, StatusNotApplicable, "not a member"},
			{denied, StatusError, "AccessDeniedException"},
		} {
			var got []Result
			for _, r := range Run(tc.st) {
				if r.CheckID == id {
					got = append(got, r)
				}
			}
			if len(got) != 1 || got[0].Status != tc.want || !strings.Contains(got[0].StatusExtended, tc.text) {
				t.Errorf("%s: %v, want one %s saying %q", id, got, tc.want, tc.text)
			}
		}
	}
}
