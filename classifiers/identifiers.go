package classifiers

// identifier is one data identifier: everything the engine, the registry
// test and docs/identifiers.md need to know about it lives in its one struct
// literal in builtin. Adding an identifier means adding one literal there.
type identifier struct {
	// ID is the upper-snake identifier reported in Match.Identifier.
	ID string
	// Name is a short human-readable name.
	Name string
	// Category groups the identifier for reporting.
	Category Category
	// Description says in one sentence what the identifier finds.
	Description string
	// Checks says in one sentence what validates a candidate; it is
	// rendered into docs/identifiers.md.
	Checks string

	// Pattern is an RE2 expression for candidates. Its match length must
	// be bounded (at most maxPatternWidth bytes) and it should carry its
	// own boundaries (\b or a non-alphanumeric guard) so that digits inside
	// longer numbers do not match.
	Pattern string
	// Refine, if set, adjusts or rejects a raw pattern match using the
	// bytes around it, for rules RE2 cannot express (it has no
	// look-around): a base64 boundary, a PEM body up to its END line. It
	// gets the whole buffer and the match offsets and returns the new
	// offsets, or ok=false to drop the match. It must stay within buf.
	Refine func(buf []byte, start, end int) (newStart, newEnd int, ok bool)

	// Keywords are words that, found in the field name or within
	// KeywordDistance bytes before a match, make it more likely real.
	// Case, separators (_ - . space) and camelCase are ignored, so
	// "secret access key" also matches "SecretAccessKey" and
	// "AWS_SECRET_ACCESS_KEY".
	Keywords []string
	// KeywordDistance is how many bytes before the match are searched for
	// a keyword; 0 means defaultKeywordDistance. At most maxKeywordDistance.
	KeywordDistance int
	// KeywordRequired drops every match without a keyword.
	KeywordRequired bool
	// WeakForm, if set, reports whether a value is in a form that counts
	// only with a keyword (a bare 9-digit SSN, a bare 10-digit phone
	// number); such matches without a keyword are dropped.
	WeakForm func(value []byte) bool

	// Validate rejects candidates that are not real values (Luhn, mod-97,
	// number ranges). Nil means the pattern alone decides.
	Validate func(value []byte) bool
	// Normalize gives the canonical form that is fingerprinted (digits
	// only for a card). Nil means the value as matched.
	Normalize func(value []byte) []byte
	// Redact masks a raw value for display. It must not return the value
	// or any substring long enough to identify it.
	Redact func(value string) string
	// Structured marks identifiers whose shape alone is conclusive (PEM
	// private keys, AWS access key ids): they are HIGH without a keyword.
	Structured bool

	// Examples must each be found as exactly this identifier when scanned
	// alone with no field; NonExamples must not produce it.
	Examples    []string
	NonExamples []string
}

// Limits of the identifier table.
const (
	// defaultKeywordDistance is the keyword look-back of an identifier
	// with KeywordDistance 0; maxKeywordDistance caps any look-back.
	defaultKeywordDistance = 64
	maxKeywordDistance     = 256
	// maxPatternWidth bounds the length of any pattern match, so that
	// Scan's blocks (and a later cross-chunk overlap) need only a bounded
	// context.
	maxPatternWidth = 512
)

// builtin is the identifier table, one struct literal per identifier.
// Engine.Identifiers lists it sorted by ID; order here is free.
var builtin = []identifier{
	{
		ID:          "EMAIL_ADDRESS",
		Name:        "Email address",
		Category:    CategoryPersonal,
		Description: "An email address such as jane.doe@example.com.",
		Checks:      "Local part and dot-separated host labels of legal shape; image and code file suffixes (icon@2x.png) are not top-level domains.",
		Pattern:     `\b[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.){1,6}[A-Za-z]{2,24}\b`,
		Keywords:    []string{"email", "e mail", "mail", "mailto", "contact"},
		Validate:    validEmail,
		Normalize:   lowerASCII,
		Redact:      redactEmail,
		Examples: []string{
			"jane.doe@example.com",
			"contact: J.Smith+billing@mail.example.co.uk",
		},
		NonExamples: []string{
			"icon@2x.png",
			"user@localhost",
			"jane..doe@example.com",
			"@example.com",
		},
	},
	{
		ID:          "CREDIT_CARD_NUMBER",
		Name:        "Payment card number",
		Category:    CategoryFinancial,
		Description: "A Visa, Mastercard, American Express, Discover, JCB or Diners Club card number (PAN).",
		Checks:      "13 to 19 digits, contiguous or in groups split by one consistent space or dash; issuer prefix and length; Luhn checksum.",
		// Groups: 4-4-4-4(-1..3), 4-6-4/5 (Amex, Diners) or contiguous.
		// Known test PANs (4111 1111 1111 1111 …) are reported on purpose:
		// the demo uses them. A later issue adds an opt-in hook,
		// Options.IgnoreKnownTestValues backed by a knownTestPANs list,
		// checked in the engine after Validate; it stays off by default.
		// The leading two digits are a coarse issuer filter (2[2-7] keeps
		// 20xx timestamps out); validCard does the exact check.
		Pattern:   `\b(?:4\d|5[1-5]|2[2-7]|3[04-9]|6[0245])(?:\d\d[ \-]\d{4}[ \-]\d{4}[ \-]\d{4}(?:[ \-]\d{1,3})?|\d\d[ \-]\d{6}[ \-]\d{4,5}|\d{11,17})\b`,
		Keywords:  []string{"card", "credit", "debit", "visa", "mastercard", "amex", "american express", "discover", "jcb", "diners", "cc", "pan", "payment"},
		Validate:  validCard,
		Normalize: digitsOnly,
		Redact:    redactCard,
		Examples: []string{
			"4111111111111111",
			"4111 1111 1111 1111",
			"5500-0000-0000-0004",
			"card: 378282246310005",
			"3782 822463 10005",
			"2223000048400011",
			"6011000990139424",
			"3530111333300000",
			"30569309025904",
			"4012888888881881",
		},
		NonExamples: []string{
			"4111111111111112",         // Luhn fails
			"4111 1111-1111 1111",      // mixed separators
			"1234567812345670",         // Luhn ok, no issuer
			"20231115093000",           // timestamp
			"94111111111111111",        // digits inside a longer number
			"order 100000000000000008", // order id
			"550e8400-e29b-41d4-a716-446655440000",
			"12345678-1234-1234-1234-123456789012",
		},
	},
	{
		ID:          "US_SSN",
		Name:        "US Social Security number",
		Category:    CategoryPersonal,
		Description: "A United States Social Security number.",
		Checks:      "Area not 000, 666 or 900-999; group not 00; serial not 0000. Written 123-45-6789 or 123 45 6789 it needs no keyword; bare 9 digits need one.",
		Pattern:     `\b(?:[0-8]\d\d-\d\d-\d{4}|[0-8]\d\d \d\d \d{4}|[0-8]\d{8})\b`,
		Keywords:    []string{"ssn", "social security", "social sec", "ssa number", "ss number"},
		WeakForm:    isAllDigits,
		Validate:    validSSN,
		Normalize:   digitsOnly,
		Redact:      redactSSN,
		Examples: []string{
			"123-45-6789",
			"372 84 1935",
			"SSN: 123456789",
			"social security number 536224081",
		},
		NonExamples: []string{
			"000-12-3456",
			"666-12-3456",
			"900-12-3456",
			"123-00-4567",
			"123-45-0000",
			"123456789",
			"123-45 6789",
			"1123-45-6789",
		},
	},
	{
		ID:          "IBAN",
		Name:        "International bank account number",
		Category:    CategoryFinancial,
		Description: "An IBAN of a SEPA country, the United Kingdom or another registered IBAN country.",
		Checks:      "Registered country code and exactly its length (a following word is not taken in); ISO 7064 mod-97 remainder 1. Groups of four split by single spaces are accepted.",
		Pattern:     `\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b`,
		Keywords:    []string{"iban", "account", "bank", "konto", "rib", "swift", "bic", "sepa"},
		Refine:      refineIBAN,
		Validate:    validIBAN,
		Normalize:   stripSpaces,
		Redact:      redactIBAN,
		Examples: []string{
			"DE89370400440532013000",
			"DE89 3704 0044 0532 0130 00",
			"GB82 WEST 1234 5698 7654 32",
			"FR1420041010050500013M02606",
			"NL91ABNA0417164300",
			"NO9386011117947",
			"MT84MALT011000012345MTLCAST001S",
			"IBAN ES91 2100 0418 4502 0005 1332 BANK",
		},
		NonExamples: []string{
			"DE88370400440532013000",      // bad check digits
			"GB82 WEST 1234 5698 7654 33", // bad check digits
			"DE8937040044053201300",       // wrong length for DE
			"DE89370400440532013000AB",    // runs on
			"XX89370400440532013000",      // no such country
			"DE89-3704-0044-0532-0130-00", // dashes are not IBAN grouping
		},
	},
	{
		ID:          "AWS_ACCESS_KEY_ID",
		Name:        "AWS access key id",
		Category:    CategoryCredentials,
		Description: "An AWS access key id (long-term AKIA, temporary ASIA, or ABIA/ACCA).",
		Checks:      "Prefix AKIA, ASIA, ABIA or ACCA and 16 base32 characters [A-Z2-7], not a repeated placeholder.",
		Pattern:     `\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b`,
		Keywords:    []string{"aws access key id", "access key id", "access key", "aws", "accesskeyid"},
		Validate:    validAWSKeyID,
		Redact:      redactKeepEnds,
		Structured:  true,
		Examples: []string{
			"AKIAIOSFODNN7EXAMPLE",
			"aws_access_key_id = ASIAY34FZKBOKMUTVV7A",
		},
		NonExamples: []string{
			"AKIAIOSFODNN7EXAMPL",   // too short
			"AKIAIOSFODNN7EXAMPLE1", // too long
			"AKIAAAAAAAAAAAAAAAAA",  // placeholder
			"AKIA1OSF0DNN7EXAMP1E",  // 0, 1 are not base32
			"XAKIAIOSFODNN7EXAMPLE",
		},
	},
	{
		ID:              "AWS_SECRET_ACCESS_KEY",
		Name:            "AWS secret access key",
		Category:        CategoryCredentials,
		Description:     "An AWS secret access key: 40 base64 characters next to a secret-key keyword or field.",
		Checks:          "Exactly 40 characters of [A-Za-z0-9/+] not part of a longer base64 run, with both upper- and lower-case letters (rejects hex digests and digit strings).",
		Pattern:         `[A-Za-z0-9/+]{40}`,
		Refine:          refineBase64Token,
		Keywords:        []string{"aws secret access key", "secret access key", "aws secret", "secretaccesskey", "aws secret key", "secret key"},
		KeywordRequired: true,
		Validate:        validAWSSecret,
		Redact:          redactLength,
		Examples: []string{
			"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
			`"SecretAccessKey": "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"`,
		},
		NonExamples: []string{
			"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",                          // no keyword
			"aws_secret_access_key = da39a3ee5e6b4b0d3255bfef95601890afd80709",  // SHA-1 hex
			"aws_secret_access_key = 1234567890123456789012345678901234567890",  // digits
			"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYX", // 41 chars
		},
	},
	{
		ID:          "PRIVATE_KEY",
		Name:        "Private key",
		Category:    CategoryCredentials,
		Description: "A PEM or PGP armoured private key (RSA, EC, DSA, OpenSSH, PKCS #8, encrypted PKCS #8, PGP).",
		Checks:      "The BEGIN armour line followed by at least 16 characters of key material; the match extends to the matching END line (at most 64 KiB, JSON-escaped newlines allowed) so the fingerprint covers the key body.",
		Pattern:     `-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----`,
		Refine:      refinePEM,
		Keywords:    []string{"private key", "pem", "ssh"},
		Normalize:   normalizePEM,
		Redact:      redactPEM,
		Structured:  true,
		Examples: []string{
			"-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----",
			"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----",
			`{"private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"}`,
			"-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49\n", // truncated
		},
		NonExamples: []string{
			"-----BEGIN RSA PRIVATE KEY-----", // armour only, as in code handling keys
			"-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----",
			"-----BEGIN PUBLIC KEY-----",
			"-----BEGIN CERTIFICATE-----",
			"BEGIN RSA PRIVATE KEY",
		},
	},
	{
		ID:          "US_PHONE_NUMBER",
		Name:        "US phone number",
		Category:    CategoryPersonal,
		Description: "A North American Numbering Plan (US/Canada) phone number.",
		Checks:      "NANP area code 2-9XX and not N11, exchange 2-9XX and not N11. Formatted as (212) 555-0142, 212-555-0142, 212.555.0142 or +1 212 555 0142 it needs no keyword; bare 10 digits need one.",
		// The area code is either parenthesised or guarded by \b unless a
		// country code precedes it (+12125550142).
		Pattern:   `(?:(?:\+1[ .\-]?|\b1[ .\-])?\([2-9]\d\d\)[ .\-]?|(?:\+1[ .\-]?|\b1[ .\-]|\b)[2-9]\d\d[ .\-]?)[2-9]\d\d[ .\-]?\d{4}\b`,
		Keywords:  []string{"phone", "tel", "telephone", "mobile", "cell", "fax", "contact", "call"},
		WeakForm:  isWeakPhone,
		Validate:  validNANP,
		Normalize: normalizePhone,
		Redact:    redactPhone,
		Examples: []string{
			"(212) 555-0142",
			"212-555-0142",
			"+1 212 555 0142",
			"212.555.0142",
			"+12125550142",
			"phone: 2125550142",
		},
		NonExamples: []string{
			"2125550142",     // bare digits without keyword
			"(112) 555-0142", // area starts with 1
			"911-555-0142",   // N11 area
			"212-155-0142",   // exchange starts with 1
			"20231115093000", // timestamp
			"212-555-01423",
		},
	},
}
