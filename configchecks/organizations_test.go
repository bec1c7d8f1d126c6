package configchecks

import (
	"strings"
	"testing"
)

// TestSCPGuardrailsAccountOnly checks that service control policies attached only to
// accounts fail the check with a message that names them, rather than claiming that
// only FullAWSAccess applies.
func TestSCPGuardrailsAccountOnly(t *testing.T) {
	org := func(targets map[string]int) *State {
		st := &State{AccountID: "999999999999"}
		st.Account.Organization = Observed(&Organization{ID: "o-abc", ARN: "arn:aws:organizations::999999999999:organization/o-abc",
			ManagementAccount: "999999999999", FeatureSet: "ALL",
			Policies: Observed([]OrgPolicy{
				{Name: "FullAWSAccess", Type: "SERVICE_CONTROL_POLICY", AWSManaged: true, TargetTypes: map[string]int{"ROOT": 1}},
				{Name: "DenyLeave", Type: "SERVICE_CONTROL_POLICY", TargetTypes: targets},
			})})
		return st
	}
	for _, c := range []struct {
		targets map[string]int
		want    Status
		text    string
	}{
		{map[string]int{"ACCOUNT": 12}, StatusFail, "DenyLeave apply only to the accounts"},
		{map[string]int{"ORGANIZATIONAL_UNIT": 1}, StatusPass, "DenyLeave"},
		{map[string]int{}, StatusFail, "only FullAWSAccess applies"},
	} {
		var got []Result
		for _, r := range Run(org(c.targets)) {
			if r.CheckID == "organizations.scp_guardrails" {
				got = append(got, r)
			}
		}
		if len(got) != 1 || got[0].Status != c.want || !strings.Contains(got[0].StatusExtended, c.text) {
			t.Errorf("%v: %v, want %s saying %q", c.targets, got, c.want, c.text)
		}
	}
}
