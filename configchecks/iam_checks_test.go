package configchecks

import (
	"strings"
	"testing"
	"time"
)

// TestUsersNotInReport checks that a user IAM lists but the (reused, up to four hours
// old) credential report does not is an ERROR in the checks that read the report,
// never silently left out.
func TestUsersNotInReport(t *testing.T) {
	generated := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	st := &State{AccountID: "123456789012", ObservedAt: generated.Add(3 * time.Hour)}
	st.IAM.CredentialReportGeneratedAt = &generated
	st.IAM.CredentialReport = Observed([]CredentialReportRow{{User: "old", ARN: "arn:aws:iam::123456789012:user/old", PasswordEnabled: "true", MFAActive: true}})
	st.IAM.Users = Observed([]IAMUser{
		{Name: "old", ARN: "arn:aws:iam::123456789012:user/old"},
		{Name: "new", ARN: "arn:aws:iam::123456789012:user/team/new"},
	})
	for _, eval := range []func(*State) []Result{evalUserConsoleMFA, evalUnusedCredentials, evalNoKeysAtSetup} {
		var errs []Result
		for _, r := range eval(st) {
			if r.Status == StatusError {
				errs = append(errs, r)
			}
		}
		if len(errs) != 1 || errs[0].ResourceARN != "arn:aws:iam::123456789012:user/team/new" || !strings.Contains(errs[0].StatusExtended, "2026-11-26T09:00:00Z") {
			t.Errorf("%v, want one ERROR for user new naming the report's time", errs)
		}
	}
}
