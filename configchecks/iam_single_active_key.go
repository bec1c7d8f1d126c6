package configchecks

var _ = register(Check{
	ID:        "iam.single_active_key",
	Title:     "No IAM user has more than one active access key",
	Severity:  SeverityMedium,
	Category:  CategoryIAM,
	CIS:       []string{"5.0:1.12", "6.0:2.12"},
	SOC2:      []string{"CC6.1", "CC6.2"},
	Rationale: "A second active key is usually a forgotten one; one key per user keeps rotation and revocation simple.",
	Remediation: Remediation{
		Console: "IAM console → Users → the user → Security credentials: deactivate, then delete, the key that is no longer used.",
		CLI:     "aws iam update-access-key --user-name USER --access-key-id KEY --status Inactive; aws iam delete-access-key --user-name USER --access-key-id KEY",
	},
	Permissions: []string{"iam:ListUsers", "iam:ListAccessKeys"},
	Evaluate:    evalSingleActiveKey,
})

// evalSingleActiveKey reports every user: FAIL with two active keys.
func evalSingleActiveKey(st *State) []Result {
	return forEachUser(st, "access keys", func(u IAMUser) Attr[[]AccessKey] { return u.AccessKeys },
		func(u IAMUser, keys []AccessKey) Result {
			var active []AccessKey
			for _, k := range keys {
				if k.Status == "Active" {
					active = append(active, k)
				}
			}
			e := ev{"user": u.Name, "active_keys": active}
			if len(active) > 1 {
				return result(StatusFail, u.ARN, GlobalRegion, e, "User %s has %d active access keys.", u.Name, len(active))
			}
			return result(StatusPass, u.ARN, GlobalRegion, e, "User %s has %d active access key(s).", u.Name, len(active))
		})
}

// forEachUser evaluates one per-user attribute of every IAM user: ERROR for the
// account when the user list is unknown, ERROR for a user whose attribute is unknown.
func forEachUser[T any](st *State, what string, get func(IAMUser) Attr[T], eval func(IAMUser, T) Result) []Result {
	users := st.IAM.Users
	if !users.Known {
		return []Result{unknownResult(st.AccountARN(), GlobalRegion, "the IAM users", users.Reason())}
	}
	var out []Result
	for _, u := range users.Value {
		a := get(u)
		if !a.Known {
			out = append(out, unknownResult(u.ARN, GlobalRegion, "the "+what+" of user "+u.Name, a.Reason()))
			continue
		}
		out = append(out, eval(u, a.Value))
	}
	return out
}
