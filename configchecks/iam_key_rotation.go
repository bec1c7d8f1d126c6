package configchecks

import "strings"

// keyRotationDays is the CIS limit for the age of an active access key.
const keyRotationDays = 90

var _ = register(Check{
	ID:        "iam.key_rotation",
	Title:     "Active access keys are rotated every 90 days or less",
	Severity:  SeverityMedium,
	Category:  CategoryIAM,
	CIS:       []string{"5.0:1.13", "6.0:2.13", "7.0:2.12"},
	SOC2:      []string{"CC6.1"},
	Rationale: "An old key has had more time to leak through logs, laptops and repositories; rotation limits how long a leaked key works.",
	Remediation: Remediation{
		Console: "IAM console → Users → the user → Security credentials: create a new access key, move the workload to it, deactivate and delete the old key.",
		CLI:     "aws iam create-access-key --user-name USER; (switch the workload) aws iam update-access-key --user-name USER --access-key-id OLD --status Inactive; aws iam delete-access-key --user-name USER --access-key-id OLD",
	},
	Permissions: []string{"iam:ListUsers", "iam:ListAccessKeys"},
	Evaluate:    evalKeyRotation,
})

// evalKeyRotation reports every user with an active key: FAIL when one was created
// more than 90 days before the observation time.
func evalKeyRotation(st *State) []Result {
	rs := forEachUser(st, "access keys", func(u IAMUser) Attr[[]AccessKey] { return u.AccessKeys },
		func(u IAMUser, keys []AccessKey) Result {
			var old []string
			var active []AccessKey
			for _, k := range keys {
				if k.Status != "Active" {
					continue
				}
				active = append(active, k)
				if olderThan(st, k.CreateDate, keyRotationDays) {
					old = append(old, k.ID)
				}
			}
			e := ev{"user": u.Name, "active_keys": active}
			switch {
			case len(active) == 0:
				return Result{} // nothing to rotate; dropped below
			case len(old) > 0:
				return result(StatusFail, u.ARN, GlobalRegion, e, "User %s has active access keys older than %d days: %s.",
					u.Name, keyRotationDays, strings.Join(old, ", "))
			default:
				return result(StatusPass, u.ARN, GlobalRegion, e, "Every active access key of user %s is younger than %d days.",
					u.Name, keyRotationDays)
			}
		})
	out := rs[:0]
	for _, r := range rs {
		if r.Status != "" {
			out = append(out, r)
		}
	}
	return out
}
