package configchecks

var _ = register(Check{
	ID:       "account.security_contact",
	Title:    "A security contact is registered for the account",
	Severity: SeverityLow,
	Category: CategoryIAM,
	CIS:      []string{"5.0:1.2", "6.0:2.2", "7.0:2.3"},
	SOC2:     []string{"CC7.3", "CC7.4"},
	Rationale: "AWS sends notices of abuse, compromised credentials and security events to the security contact; without " +
		"one they go to the root e-mail address, which is often nobody's inbox.",
	Remediation: Remediation{
		Console: "Account page (root or an authorized IAM principal) → Alternate contacts → Edit: fill in the Security contact with a team mailbox and phone number.",
		CLI:     "aws account put-alternate-contact --alternate-contact-type SECURITY --name NAME --title TITLE --email-address ADDRESS --phone-number PHONE",
	},
	Permissions: []string{"account:GetAlternateContact"},
	Evaluate: func(st *State) []Result {
		arn := st.AccountARN()
		c := st.Account.SecurityContact
		if !c.Known {
			return []Result{unknownResult(arn, GlobalRegion, "the security alternate contact", c.Reason())}
		}
		if c.Value == nil {
			return []Result{result(StatusFail, arn, GlobalRegion, ev{"security_contact": nil}, "No security alternate contact is registered for the account.")}
		}
		e := ev{"security_contact": c.Value}
		if !c.Value.HasEmail {
			return []Result{result(StatusFail, arn, GlobalRegion, e, "The security alternate contact has no e-mail address.")}
		}
		return []Result{result(StatusPass, arn, GlobalRegion, e, "A security alternate contact with an e-mail address is registered.")}
	},
})
