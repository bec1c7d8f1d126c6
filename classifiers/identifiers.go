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
	// WeakWhenAlnum says that WeakForm holds for every value of letters
	// and digits alone, that the pattern starts and ends with \b, and that
	// Refine, if any, only drops matches. The engine then drops, before
	// recovering their spans, the candidates that can hold nothing else
	// where no keyword can be near (automaton.go): dense columns and logs
	// hold many such look-alikes (order numbers, epoch times, tracking
	// numbers), which the keyword rule would drop one by one.
	WeakWhenAlnum bool

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
	// KeywordAdjacent makes the keyword rule local for a match that needs
	// a keyword (KeywordRequired, or a WeakForm value): the label closest
	// before it (of all identifiers' keywords, after the last number
	// within KeywordDistance) must be one of its own. In "passport: none,
	// BSN: 123456782" the number is a BSN, not a passport number; in "ssn
	// 123-45-6789, passport 123456789" the SSN keyword does not reach past
	// the first number. With no label nearby, the field name alone can
	// label it (a CSV column). It is for short, generic numbers whose
	// keyword would otherwise reach across neighbouring values. prepare
	// builds the rule into adjacent.
	KeywordAdjacent bool
	// adjacent is the KeywordAdjacent rule, set by prepare: whether the
	// value at start is labelled by one of the identifier's own keywords;
	// near says where one of those can be. The engine asks it only for a
	// value that needs a keyword and has one of its own in reach, which
	// most look-alikes do not.
	adjacent func(buf []byte, start int, near keywordHint) bool
	// HeadAnchored keeps the pattern out of the multi-pattern pass, which
	// looks instead for its head, the fixed-width character classes it
	// starts with (IBAN's country code and check digits); the pattern is
	// then scanned alone around each head found (automaton.go). It is for
	// a pattern whose long optional tail multiplies the pass's DFA states
	// and whose head is rare in ordinary text.
	HeadAnchored bool
	// RunGated keeps the pattern out of the multi-pattern pass too: it is
	// scanned alone in each run of the bytes its matches can hold that is
	// as long as its shortest match (a VIN in a word of 17 capitals and
	// digits), which one pass over the data finds, eight bytes at a time
	// (automaton.go).
	// It is for a pattern whose long counted repetition multiplies the
	// pass's DFA states, as a VIN's 17 characters do those of every other
	// pattern a word of capitals and digits can hold the start of, and
	// whose bytes seldom form runs that long in ordinary text.
	RunGated bool

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

// prepare completes a table before it is compiled: an identifier with
// KeywordAdjacent gets its adjacency rule, which knows the keywords of
// the whole table. It changes entries in place and returns the table.
func prepare(table []identifier) []identifier {
	labels := newLabelIndex(table)
	for i := range table {
		id := &table[i]
		if !id.KeywordAdjacent {
			continue
		}
		kws := make([][]byte, 0, len(id.Keywords))
		for _, kw := range id.Keywords {
			if wf := wordForm(kw); len(wf) > 0 {
				kws = append(kws, wf)
			}
		}
		id.adjacent = adjacencyRule(*id, kws, labels)
	}
	return table
}

// Keyword lists shared by more than one identifier.
var (
	phoneKeywords = []string{"phone", "tel", "telephone", "mobile", "cell", "fax", "contact", "call", "whatsapp", "msisdn"}
	ipKeywords    = []string{"ip", "ip address", "ipv4", "ipv6", "addr", "src", "dst", "x forwarded for", "forwarded for", "remote address", "client address", "source address"}
)

// builtin is the identifier table, one struct literal per identifier.
// Engine.Identifiers lists it sorted by ID; order here is free.
//
// Examples are found as exactly their identifier (TestRegistry). Where two
// identifiers share a shape, checks and keywords keep them apart instead of
// reporting both: a PAN inside track data is CARD_TRACK_DATA only
// (refineCard); +1 numbers are US_PHONE_NUMBER, other +CC numbers
// PHONE_NUMBER_E164 (validE164, refinePhone); space-grouped ten digits are
// a phone or an NHS number only by keyword (isWeakPhone); 3-3-3 digits are
// CA_SIN or AU_TFN by keyword; DDMMYY-NNNN is DK_CPR, SE_PERSONNUMMER or
// FI_HETU by keyword (isWeakPersonnummer, isWeakHETU); user:password@host
// in a URL is a credential, not an email (refineEmail), and a URL's host is
// not an IP address finding (refineNotURLHost). Nine- to thirteen-digit
// national and health numbers are keyword-required with KeywordAdjacent,
// so the nearest label decides between them. docs/identifiers.md lists
// these overlaps for users; TestAccuracy measures them on the labelled
// corpus (internal/corpus).
var builtin = prepare([]identifier{
	// ---- Credentials ----
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
		Name:        "Private key (PEM)",
		Category:    CategoryCredentials,
		Description: "A PEM private key: RSA, EC, DSA, PKCS #8 or encrypted PKCS #8.",
		Checks:      "The BEGIN armour line followed by at least 16 characters of key material that is base64 DER (starts with M), or ciphertext after Proc-Type/DEK-Info headers; the match extends to the matching END line (at most 64 KiB, JSON-escaped newlines allowed) so the fingerprint covers the key body.",
		Pattern:     `-----BEGIN (?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----`,
		Refine:      refinePEM,
		Keywords:    []string{"private key", "pem", "tls key", "ssl key"},
		Validate:    validPEMKey,
		Normalize:   normalizePEM,
		Redact:      redactPEM,
		Structured:  true,
		Examples: []string{
			"-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----",
			`{"private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"}`,
			"-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49\n",                                                        // truncated
			"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,3F17F5316E2BAC89\n\nKkU5FVZ0YJzGx9YvQ8yRr3T1BVsq0sIUoTr9QzFvq4E3gl0hXa3k\n", // legacy encrypted, truncated
		},
		NonExamples: []string{
			"-----BEGIN RSA PRIVATE KEY-----", // armour only, as in code handling keys
			"-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----",
			"-----BEGIN RSA PRIVATE KEY-----\n<your key here, base64 encoded, 64 columns>\n-----END RSA PRIVATE KEY-----",
			"-----BEGIN PUBLIC KEY-----\nMFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf\n-----END PUBLIC KEY-----",
			"-----BEGIN CERTIFICATE-----",
			"BEGIN RSA PRIVATE KEY",
		},
	},
	{
		ID:          "OPENSSH_PRIVATE_KEY",
		Name:        "OpenSSH private key",
		Category:    CategoryCredentials,
		Description: "An OpenSSH-format private key (ssh-keygen's default since OpenSSH 7.8).",
		Checks:      "The BEGIN OPENSSH PRIVATE KEY line and a body that starts with the openssh-key-v1 magic (b3BlbnNzaC1rZXktdjE); the match extends to the END line like a PEM key.",
		Pattern:     `-----BEGIN OPENSSH PRIVATE KEY-----`,
		Refine:      refinePEM,
		Keywords:    []string{"ssh", "private key", "deploy key", "id rsa", "id ed25519"},
		Validate:    validOpenSSHKey,
		Normalize:   normalizePEM,
		Redact:      redactPEM,
		Structured:  true,
		Examples: []string{
			"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----",
			`key: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----"`,
		},
		NonExamples: []string{
			"-----BEGIN OPENSSH PRIVATE KEY-----",
			"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAB3NzaC1yc2EAAAADAQABAAABAQC7vbqajDhA\n-----END OPENSSH PRIVATE KEY-----", // not openssh-key-v1
			"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host",
		},
	},
	{
		ID:          "PGP_PRIVATE_KEY_BLOCK",
		Name:        "PGP private key block",
		Category:    CategoryCredentials,
		Description: "An ASCII-armoured OpenPGP private (secret) key, as exported by gpg --export-secret-keys --armor.",
		Checks:      "The BEGIN PGP PRIVATE KEY BLOCK line, optional armour headers (Version, Comment) and at least 16 characters of key material that starts with a secret-key packet (base64 l or x); the match extends to the END line.",
		Pattern:     `-----BEGIN PGP PRIVATE KEY BLOCK-----`,
		Refine:      refinePEM,
		Keywords:    []string{"pgp", "gpg", "private key", "signing key", "secret key"},
		Validate:    validPGPKey,
		Normalize:   normalizePEM,
		Redact:      redactPEM,
		Structured:  true,
		Examples: []string{
			"-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\nlQOYBF0lbNwBCADQ3Xz1uT7o0K1D9XQm5JiY4Rz2m0qg8aZz\n=Qx2k\n-----END PGP PRIVATE KEY BLOCK-----",
			"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQVYBGVx2fQBDADG6Zk3rB0Mx1k4o9P2yqV8hTnL0vWcJ3sF\n", // truncated
		},
		NonExamples: []string{
			"-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n-----END PGP PRIVATE KEY BLOCK-----",
			"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nmQENBF0lbNwBCADQ3Xz1uT7o0K1D9XQm5JiY4Rz2m0qg8aZz\n-----END PGP PRIVATE KEY BLOCK-----", // a public-key packet
			"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQENBF0lbNwBCADQ3Xz1uT7o0K1D9XQm5JiY4Rz2m0qg8aZz\n-----END PGP PUBLIC KEY BLOCK-----",
			"-----BEGIN PGP SIGNATURE-----\n\niQEzBAEBCAAdFiEE3Xz1uT7o0K1D9XQm5JiY4Rz2m0qg8aZz\n-----END PGP SIGNATURE-----",
		},
	},
	{
		ID:          "JWT",
		Name:        "JSON Web Token",
		Category:    CategoryCredentials,
		Description: "A signed JSON Web Token (JWS compact form), such as an OAuth access or ID token.",
		Checks:      "Three base64url parts; the header decodes to a JSON object with an \"alg\", the payload to a JSON object, and the signature is present (at least 16 characters) unless alg is none. The match extends over the whole token (at most 16 KiB).",
		Pattern:     `\beyJ[A-Za-z0-9_\-]{5,400}\.eyJ[A-Za-z0-9_\-]{0,20}`,
		Refine:      refineJWT,
		Keywords:    []string{"jwt", "bearer", "token", "id token", "access token", "authorization"},
		Validate:    validJWT,
		Redact:      redactKnownPrefix("eyJ"),
		Structured:  true,
		Examples: []string{
			"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
			"Authorization: Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlLmNvbSIsInN1YiI6ImphbmUifQ.dGhpcy1pcy1ub3QtYS1yZWFsLXNpZ25hdHVyZQ",
		},
		NonExamples: []string{
			"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",                                // header only
			"eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxIn0.c2lnbmF0dXJlMDEyMzQ1Njc4OQ",       // header without alg
			"eyJhbGciOiJIUzI1NiJ9.bm90LWpzb24tcGF5bG9hZA.c2lnbmF0dXJlMDEyMzQ1Njc", // payload not JSON
			"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.",   // signature missing
		},
	},
	{
		ID:          "HTTP_BASIC_AUTH",
		Name:        "HTTP Basic credentials",
		Category:    CategoryCredentials,
		Description: "A user name and password: an HTTP Authorization Basic header, or a web/FTP/LDAP URL with user:password@.",
		Checks:      "Basic followed by base64 that decodes to printable user:password; or an http(s), ftp(s), sftp, ws(s), ldap(s), smtp(s) or imap(s) URL with user:password@host. Passwords that are template variables (${PW}, {{pw}}, <password>), masks (****) or placeholder words (password, changeme) are not reported.",
		Pattern:     `(?i:\bbasic)[ \t]{1,4}[A-Za-z0-9+/]{6,340}={0,2}|\b(?:https?|ftps?|sftp|wss?|ldaps?|smtps?|imaps?)://[A-Za-z0-9._~%!$&'()*+,;=\-]{0,64}:[A-Za-z0-9._~%!$&'()*+,;=\-]{1,128}@[A-Za-z0-9][A-Za-z0-9.\-]{0,99}`,
		Refine:      refineBasicAuth,
		Keywords:    []string{"authorization", "auth", "basic auth", "credentials", "proxy", "url", "uri", "endpoint", "callback"},
		Validate:    validBasicAuth,
		Normalize:   lowerSchemeHost,
		Redact:      redactBasicAuth,
		Structured:  true,
		Examples: []string{
			"Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l",
			"proxy = http://svc_backup:Tr0ub4dor-3x@proxy.corp.example.com:3128",
			"ftp://deploy:g7Hq-29xLm@files.example.org/releases",
		},
		NonExamples: []string{
			"Authorization: Basic dXNlcm5hbWU=",              // no password
			"Authorization: Basic ${BASIC_AUTH}",             // template
			"https://user:${PASSWORD}@api.example.com",       // template
			"https://admin:****@api.example.com",             // masked
			"https://user:password@api.example.com",          // placeholder
			"Basic information about the service is below.",  // English
			"Authorization: Bearer YWxhZGRpbjpvcGVuc2VzYW1l", // not Basic
		},
	},
	{
		ID:          "GITHUB_TOKEN",
		Name:        "GitHub token",
		Category:    CategoryCredentials,
		Description: "A GitHub personal access, OAuth, user-to-server, server-to-server or refresh token (ghp_, gho_, ghu_, ghs_, ghr_), or a fine-grained personal access token (github_pat_).",
		Checks:      "Classic tokens: the prefix, 30 random characters and a 6-character base62 CRC32 of them (GitHub's published format). Fine-grained tokens: github_pat_, 22 and 59 alphanumerics split by _, at least 20 distinct characters.",
		Pattern:     `\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b`,
		Keywords:    []string{"github", "gh token", "token", "pat"},
		Validate:    validGitHubToken,
		Redact:      redactKnownPrefix("github_pat_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
		Structured:  true,
		Examples: []string{
			"GITHUB_TOKEN=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",
			"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",
			"github_pat_11ABCDEFG0aBcDeFgHiJkL_mNoPqRsTuVwXyZ0123456789aBcDeFgHiJkLmNoPqRsTuVwXyZ012345678",
		},
		NonExamples: []string{
			"ghp_Zx9Qw3Er5Ty7Ui1Op3As5Df7Gh9Jk20KCJdi", // checksum
			"ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", // placeholder
			"ghx_Zx9Qw3Er5Ty7Ui1Op3As5Df7Gh9Jk20KCJdh", // prefix
			"ghp_Zx9Qw3Er5Ty7Ui1Op3As5Df7Gh9Jk20KCJd",  // short
		},
	},
	{
		ID:          "SLACK_TOKEN",
		Name:        "Slack token",
		Category:    CategoryCredentials,
		Description: "A Slack bot, user, app, refresh, workspace or legacy token (xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxo-), app-level token (xapp-) or rotating access or refresh token (xoxe.xoxb-, xoxe.xoxp-, xoxe-).",
		Checks:      "xox and a type letter (a, b, o, p, r, s) with at least three dash-separated parts whose last has 16 or more characters, at least 8 distinct (placeholders such as xoxb-xxxx fail); xapp- with a version digit, an app id A…, a number and a random secret of 32 or more characters; xoxe-, xoxe.xoxb- or xoxe.xoxp- with a version digit and one base64 payload of 64 or more letters and digits.",
		Pattern:     `\b(?:xox[abposr]|xoxe\.xox[bp]|xoxe|xapp)-[A-Za-z0-9\-]{10,250}`,
		Refine:      refineURLSafeToken,
		Keywords:    []string{"slack", "bot token", "token"},
		Validate:    validSlackToken,
		Redact:      redactKnownPrefix("xoxa-", "xoxb-", "xoxo-", "xoxp-", "xoxr-", "xoxs-", "xapp-", "xoxe.xoxb-", "xoxe.xoxp-", "xoxe-"),
		Structured:  true,
		Examples: []string{
			"SLACK_BOT_TOKEN=xoxb-263594206564-2343594206574-FGqddMF8t08v8N7Oq4i57vs1",
			"xoxp-483274651739-483274651755-1220853457024-d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9",
			"SLACK_APP_TOKEN=xapp-1-A02BCD3EFGH-2223334445556-30877432d1026706d7e805da846a32c3bb81e3c29b62179273c8eb5bb682575e",
			"refresh_token: xoxe-1-My0xLTY0ODM1MDMwNTY0MTMtOTUzNzY3MjQyMzg4NC05Njk2NTMyODcxMDEyLTVkMmNjZTgwMzhhMzlkNWUwODUzOTY0YjUwYWYwM2I5NzE3MjJmMjQ0ZjU4ZDY2OWNiZWUzNzcyYTA3NzAyMTc",
			"xoxe.xoxp-1-Mi0xLTEwNTE4MzQ3MzgyOTktNzM3NjMxMTY1NjY3MC0xMDY1MTMzMzg3MjYyLThlNzJlMzEwMjc1ZGZmNmMxNWMwYzhlOWRmNDY5NjExYTExZjUxMjUyMjdjMzcxMmRhODZhNzhjNDllYTIwZTMtMTgzODQyNTEzNQ",
			"xoxe.xoxb-1-Mi0xLTQyNzg0OTgwODQxMjQtMTE4MjQ0OTM1MzQ4Ny00MDE2NDAwNTI0Mjc4LWQwMzI0MWI0ZDQxOWIxYjY3M2JkNDc1NWQwNWFkNzg1M2MxZjc2ZWI5NzcwNmNhODI4YmNhMDM4NTgxM2RiYWQtOTgxNjkzNDA2MA",
		},
		NonExamples: []string{
			"xoxb-xxxxxxxxxxxx-xxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx",
			"xoxb-123",
			"xoxz-263594206564-2343594206574-FGqddMF8t08v8N7Oq4i57vs1",
			"SLACK_APP_TOKEN=xapp-your-app-token",
			"xapp-1-xxxxxxxxxxx-xxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
			// no version
			"xapp-A02BCD3EFGH-2223334445556-30877432d1026706d7e805da846a32c3bb81e3c29b62179273c8eb5bb682575e",
			"xoxe-1-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
			"xoxe.xoxp-1-My0xLTY0ODM1MDMw", // payload too short
			// no version
			"xoxe-My0xLTY0ODM1MDMwNTY0MTMtOTUzNzY3MjQyMzg4NC05Njk2NTMyODcxMDEyLTVkMmNjZTgwMzhhMzlkNWUwODUzOTY0YjUw",
			"xoxe.xoxz-1-Mi0xLTEwNTE4MzQ3MzgyOTktNzM3NjMxMTY1NjY3MC0xMDY1MTMzMzg3MjYyLThlNzJlMzEwMjc1ZGZmNmMxNWMwYzhl",
		},
	},
	{
		ID:          "SLACK_WEBHOOK_URL",
		Name:        "Slack incoming webhook URL",
		Category:    CategoryCredentials,
		Description: "A Slack incoming-webhook or workflow-trigger URL, which lets anyone post to a channel.",
		Checks:      "https://hooks.slack.com/services/T…/B…/ and a 24-character secret, or /workflows/T…/A…/id/secret; the secret has at least 8 distinct characters.",
		Pattern:     `https://hooks\.slack\.com/(?:services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{24}|workflows/T[A-Z0-9]{8,12}/A[A-Z0-9]{8,12}/\d{8,20}/[A-Za-z0-9]{24,32})\b`,
		Keywords:    []string{"slack", "webhook", "hook"},
		Validate:    validRandomTail,
		Redact:      redactKnownPrefix("https://hooks.slack.com/services/", "https://hooks.slack.com/workflows/"),
		Structured:  true,
		Examples: []string{
			"https://hooks.slack.com/services/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",
			`"webhook": "https://hooks.slack.com/services/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"`,
		},
		NonExamples: []string{
			"https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
			"https://hooks.slack.com/services/",
			"https://slack.com/services/T024BE7LD/B01ABCD2EFG/q2XxY7wZk9LmN3pQr5sT8uVw",
		},
	},
	{
		ID:          "STRIPE_SECRET_KEY",
		Name:        "Stripe live secret key",
		Category:    CategoryCredentials,
		Description: "A Stripe live-mode secret or restricted API key (sk_live_, rk_live_).",
		Checks:      "sk_live_ or rk_live_ and 20 to 247 alphanumerics with at least 8 distinct characters. Test-mode keys (sk_test_) grant no access to real payments and are not reported.",
		Pattern:     `\b[rs]k_live_[A-Za-z0-9]{20,247}\b`,
		Keywords:    []string{"stripe", "secret", "api key"},
		Validate:    validRandomTail,
		Redact:      redactKnownPrefix("sk_live_", "rk_live_"),
		Structured:  true,
		Examples: []string{
			"STRIPE_SECRET_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc",
			"rk_live_51H8aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
		},
		NonExamples: []string{
			"sk_test_4eC39HqLyjWDarjtT1zdp7dc",
			"sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
			"pk_live_4eC39HqLyjWDarjtT1zdp7dc", // publishable
		},
	},
	{
		ID:          "GOOGLE_API_KEY",
		Name:        "Google API key",
		Category:    CategoryCredentials,
		Description: "A Google Cloud / Maps / Firebase API key.",
		Checks:      "AIza and exactly 35 characters of [0-9A-Za-z_-], not part of a longer token, with at least 10 distinct characters.",
		Pattern:     `\bAIza[0-9A-Za-z_\-]{35}`,
		Refine:      refineURLSafeToken,
		Keywords:    []string{"google", "api key", "apikey", "maps", "firebase", "gcp", "key"},
		Validate:    validGoogleAPIKey,
		Redact:      redactKnownPrefix("AIza"),
		Structured:  true,
		Examples: []string{
			"GOOGLE_API_KEY=AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
			`"apiKey": "AIzaSyBd5fK_2k9xLmN3pQr5sT8uVw0yZ1a2b3c"`,
		},
		NonExamples: []string{
			"AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBW",   // 34
			"AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWYZ", // 36
			"AIzaAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  // placeholder
		},
	},
	{
		ID:          "DATABASE_URL_WITH_PASSWORD",
		Name:        "Database URL with password",
		Category:    CategoryCredentials,
		Description: "A database or message-broker connection URL that embeds a password (PostgreSQL, MySQL/MariaDB, MongoDB, Redis, AMQP, SQL Server, Oracle, ClickHouse, CockroachDB; jdbc: prefix allowed).",
		Checks:      "scheme://user:password@host with a non-empty password (user may be empty, as in redis://:pw@host) that is not a template variable, a mask or a placeholder word.",
		Pattern:     `\b(?:jdbc:)?(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|cockroachdb|clickhouse)://[A-Za-z0-9._~%!$&'()*+,;=\-]{0,64}:[A-Za-z0-9._~%!$&'()*+,;=\-]{1,128}@[A-Za-z0-9][A-Za-z0-9.\-]{0,99}`,
		Keywords:    []string{"database url", "database", "dsn", "connection string", "db url", "conn"},
		Validate:    validDatabaseURL,
		Normalize:   lowerSchemeHost,
		Redact:      redactURLCredentials,
		Structured:  true,
		Examples: []string{
			"DATABASE_URL=postgres://app:s3cr3t-Pa55@db.internal.example.com:5432/app",
			"mongodb+srv://reporting:Xk29fLq7@cluster0.ab1cd.mongodb.example.net/?retryWrites=true",
			"redis://:h7Gk2pQ9z@cache.example.org:6379/0",
			"jdbc:mysql://etl:Qw3rty-99@reporting.example.com:3306/dw",
		},
		NonExamples: []string{
			"postgres://app@db.internal.example.com/app",                  // no password
			"postgres://app:${DB_PASSWORD}@db.internal.example.com/app",   // template
			"mysql://root:password@localhost/test",                        // placeholder
			"postgres://user:{{ .Password }}@db.internal.example.com/app", // template
		},
	},

	// ---- Financial ----
	{
		ID:          "CREDIT_CARD_NUMBER",
		Name:        "Payment card number",
		Category:    CategoryFinancial,
		Description: "A Visa, Mastercard, American Express, Discover, UnionPay, JCB or Diners Club card number (PAN).",
		Checks:      "13 to 19 digits, contiguous or in groups split by one consistent space or dash, not glued to a further group; issuer prefix and length; Luhn checksum. Published test numbers (4111 1111 1111 1111, 4242 4242 4242 4242, 5555 5555 5555 4444, 3782 822463 10005 and about 90 others from card networks and payment processors) are ignored; a PAN inside track data is reported as CARD_TRACK_DATA.",
		// Groups: 4-4-4-4(-1..3), 4-6-4/5 (Amex, Diners) or contiguous.
		// The leading two digits are a coarse issuer filter (2[2-7] keeps
		// 20xx timestamps out; 81 is UnionPay's second range); validPAN
		// does the exact check.
		Pattern:   `\b(?:4\d|5[1-5]|2[2-7]|3[04-9]|6[0245]|81)(?:\d\d[ \-]\d{4}[ \-]\d{4}[ \-]\d{4}(?:[ \-]\d{1,3})?|\d\d[ \-]\d{6}[ \-]\d{4,5}|\d{11,17})\b`,
		Refine:    refineCard,
		Keywords:  []string{"card", "credit", "debit", "visa", "mastercard", "amex", "american express", "discover", "unionpay", "union pay", "jcb", "diners", "cc", "pan", "payment"},
		Validate:  validPAN,
		Normalize: digitsOnly,
		Redact:    redactCard,
		Examples: []string{
			"4526018159083012",
			"4661 3186 0913 9090",
			"5196-0308-2462-8192",
			"card: 379093786579753",
			"3790 937865 79753",
			"2221482199351817",
			"6011432319487574",
			"3528491186252761",
			"36018955597976",
			"4507529170342366716",
			"6252601815908303",    // UnionPay 62, outside Discover's co-branded range
			"6216613186091390999", // UnionPay 62, 19 digits
			"8160308246281949",    // UnionPay 81
			"8182199351819093788", // UnionPay 81, 19 digits
		},
		NonExamples: []string{
			"4526018159083013",         // Luhn fails
			"816579754323191",          // UnionPay 81 is 16 to 19 digits
			"8160308246281948",         // Luhn fails
			"6200000000000005",         // published UnionPay test number
			"6205500000000000004",      // published UnionPay test number
			"4661 3186-0913 9090",      // mixed separators
			"1234567812345670",         // Luhn ok, no issuer
			"20231115093000",           // timestamp
			"94526018159083012",        // digits inside a longer number
			"order 100000000000000008", // order id
			"550e8400-e29b-41d4-a716-446655440000",
			"12345678-1234-1234-1234-123456789012",
			"4111 1111 1111 1111", // published test number
			"4242424242424242",
			"5555-5555-5555-4444",
			"378282246310005",
			"9400 4661 3186 0913 9090 12", // inside a longer grouped number
		},
	},
	{
		ID:          "CARD_TRACK_DATA",
		Name:        "Card magnetic-stripe track data",
		Category:    CategoryFinancial,
		Description: "Track 1 (%B<PAN>^NAME^YYMM…) or track 2 (;<PAN>=YYMM…) data of a card's magnetic stripe, which PCI DSS forbids storing after authorisation.",
		Checks:      "The track layout with its sentinels and separators; a PAN that passes the card checks (not a test number); expiry month 01-12; for track 2 a service code starting 1, 2, 5, 6, 7 or 9.",
		Pattern:     `(?:%|\b)B\d{13,19}\^[A-Za-z0-9 /.'\-]{2,26}\^\d{4}(?:\d{3}|\^)\d{0,40}\??|(?:;|\b)\d{13,19}=\d{7,27}\??`,
		Refine:      refineTrack,
		Keywords:    []string{"track", "track1", "track2", "swipe", "magstripe", "magnetic stripe"},
		Validate:    validTrack,
		Normalize:   upperAlnum,
		Redact:      redactLength,
		Structured:  true,
		Examples: []string{
			"%B4526018159083012^LOVELACE/ADA^2712101000000000000000?",
			";4526018159083012=27121010000000000?",
			"track2: 5196030824628192=2803201123456789",
		},
		NonExamples: []string{
			"%B4526018159083013^LOVELACE/ADA^2712101000000000000000?", // Luhn
			";4526018159083012=27131010000000000?",                    // month 13
			";4526018159083012=27123010000000000?",                    // service code 3xx
			";4111111111111111=27121010000000000?",                    // test PAN
		},
	},
	{
		ID:              "CARD_CVV",
		Name:            "Card verification value",
		Category:        CategoryFinancial,
		Description:     "A card security code (CVV2, CVC2, CID) next to its label: sensitive authentication data under PCI DSS.",
		Checks:          "3 digits (4 for American Express), not part of a longer number, with its label (CVV, CVC, security code …) within 32 bytes before it or as the column name.",
		Pattern:         `\b\d{3,4}\b`,
		Refine:          refineIsolated("-./:"),
		Keywords:        []string{"cvv", "cvv2", "cvc", "cvc2", "csc", "card verification", "card security code", "security code"},
		KeywordDistance: 32,
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validCVV,
		Redact:          redactShape,
		Examples: []string{
			"CVV: 123",
			"cvc2=4821",
			"card security code 707",
		},
		NonExamples: []string{
			"123",
			"cvv: 12345",
			"cvv 3 of 5, amount 123",
		},
	},
	{
		ID:              "CARD_EXPIRY",
		Name:            "Card expiry date",
		Category:        CategoryFinancial,
		Description:     "A card expiration date (MM/YY, MM/YYYY, MM-YY or YYYY-MM) next to its label.",
		Checks:          "Month 01-12, a two-digit year or 2000-2099; not part of a longer date; with its label (exp, expiry, valid thru …) within 32 bytes before it or as the column name.",
		Pattern:         `\b(?:0[1-9]|1[0-2]) ?[/\-] ?(?:20)?\d\d\b|\b20\d\d-(?:0[1-9]|1[0-2])\b`,
		Refine:          refineIsolated("-/."),
		Keywords:        []string{"exp", "expiry", "expiration", "exp date", "expiry date", "expiration date", "valid thru", "valid through", "good thru", "card expiry"},
		KeywordDistance: 32,
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validExpiry,
		Redact:          redactShape,
		Examples: []string{
			"exp: 09/27",
			"Expiration date: 11/2029",
			"valid thru 03-28",
		},
		NonExamples: []string{
			"09/27",
			"exp: 13/27",
			"exp 12/03/1985",
			"expires on page 12/27 of the manual", // "expires" is not a keyword
		},
	},
	{
		ID:          "IBAN",
		Name:        "International bank account number",
		Category:    CategoryFinancial,
		Description: "An IBAN of any of the 89 countries in the SWIFT IBAN registry.",
		Checks:      "Registered country code and exactly its length (a following word is not taken in); check digits 02-98 (00, 01 and 99 are never issued); ISO 7064 mod-97 remainder 1. Groups of four split by single spaces are accepted.",
		Pattern:     `\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b`,
		// Its groups of four with optional spaces were half of the
		// multi-pattern DFA's states on ordinary data.
		HeadAnchored: true,
		Keywords:     []string{"iban", "account", "bank", "konto", "rib", "swift", "bic", "sepa"},
		Refine:       refineIBAN,
		Validate:     validIBAN,
		Normalize:    stripSpaces,
		Redact:       redactIBAN,
		Examples: []string{
			"DE89370400440532013000",
			"DE89 3704 0044 0532 0130 00",
			"GB82 WEST 1234 5698 7654 32",
			"FR1420041010050500013M02606",
			"NL91ABNA0417164300",
			"NO9386011117947",
			"MT84MALT011000012345MTLCAST001S",
			"IBAN ES91 2100 0418 4502 0005 1332 BANK",
			"RU0204452560040702810412345678901",
			"OM810180000001299123456",
		},
		NonExamples: []string{
			"DE88370400440532013000",      // bad check digits
			"GB82 WEST 1234 5698 7654 33", // bad check digits
			"DE8937040044053201300",       // wrong length for DE
			"DE89370400440532013000AB",    // runs on
			"XX89370400440532013000",      // no such country
			"DE89-3704-0044-0532-0130-00", // dashes are not IBAN grouping
			"DE99370400440532000016",      // mod-97 holds, but 99 is never issued
			"DE00370400440532000052",      // mod-97 holds, but 00 is never issued
			"DE01 3704 0044 0532 0000 34", // mod-97 holds, but 01 is never issued
		},
	},
	{
		ID:              "US_BANK_ACCOUNT_NUMBER",
		Name:            "US bank account number",
		Category:        CategoryFinancial,
		Description:     "A US checking or savings account number next to its label.",
		Checks:          "6 to 17 digits with at least three distinct digits, with its label (bank account, account number, acct no …) or in an account-number column.",
		Pattern:         `\b\d{6,17}\b`,
		Refine:          refineIsolated("-./"),
		Keywords:        []string{"bank account", "account number", "account no", "account num", "acct no", "acct num", "acct number", "bank acct", "checking account", "savings account", "dda"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validBankAccount,
		Normalize:       digitsOnly,
		Redact:          redactTail,
		Examples: []string{
			"bank account: 4472918305",
			"Account number 000123456789",
			"checking account #7718204413",
		},
		NonExamples: []string{
			"4472918305",
			"bank account: 1111111111",
			"account number pending (2 attempts), order 4472918305",
		},
	},
	{
		ID:              "ABA_ROUTING_NUMBER",
		Name:            "ABA routing transit number",
		Category:        CategoryFinancial,
		Description:     "A US bank routing transit number (ABA RTN) next to its label.",
		Checks:          "Nine digits, a Federal Reserve prefix (00-12, 21-32, 61-72, 80) and the 3-7-1 weighted checksum; labelled (routing, ABA, RTN) or in a routing-number column.",
		Pattern:         `\b\d{9}\b`,
		Refine:          refineIsolated("-./"),
		Keywords:        []string{"routing", "routing number", "aba", "rtn", "routing transit", "transit number"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validABA,
		Redact:          redactTail,
		Examples: []string{
			"routing number: 021000021",
			"ABA 011000015",
			"rtn=122105155",
		},
		NonExamples: []string{
			"021000021",
			"routing number: 021000022", // checksum
			"routing number: 991000020", // prefix
		},
	},
	{
		ID:              "SWIFT_BIC",
		Name:            "SWIFT/BIC code",
		Category:        CategoryFinancial,
		Description:     "A SWIFT business identifier code (BIC) of a bank, next to its label.",
		Checks:          "Four letters, an ISO 3166 country, a location code (second character not 0, which marks a test BIC) and an optional branch (XXX or not starting with X); labelled (BIC, SWIFT) so that English words of eight letters are not taken.",
		Pattern:         `\b[A-Z]{6}[A-Z2-9][A-NP-Z0-9](?:[A-Z0-9]{3})?\b`,
		Keywords:        []string{"swift", "bic", "swift code", "bic code", "bank identifier code"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validBIC,
		Redact:          redactTail,
		Examples: []string{
			"BIC: DEUTDEFF",
			"SWIFT code: NWBKGB2L",
			"swift=CHASUS33XXX",
		},
		NonExamples: []string{
			"DEUTDEFF",
			"swift transfer REJECTED", // CT is no country
			"BIC: DEUTDEF0",           // test BIC
			"BIC: DEUTDEFFX12",        // branch starting with X
		},
	},

	// ---- Personal ----
	{
		ID:              "US_SSN",
		Name:            "US Social Security number",
		Category:        CategoryPersonal,
		Description:     "A United States Social Security number.",
		Checks:          "Area not 000, 666 or 900-999; group not 00; serial not 0000. Written 123-45-6789 or 123 45 6789 it needs no keyword; bare 9 digits need their label or an ssn column.",
		Pattern:         `\b(?:[0-8]\d\d-\d\d-\d{4}|[0-8]\d\d \d\d \d{4}|[0-8]\d{8})\b`,
		Keywords:        []string{"ssn", "social security", "social sec", "ssa number", "ss number"},
		WeakForm:        isAllDigits,
		WeakWhenAlnum:   true,
		KeywordAdjacent: true,
		Validate:        validSSN,
		Normalize:       digitsOnly,
		Redact:          redactSSN,
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
			"ssn 000-00-0000, passport 536224081",
		},
	},
	{
		ID:              "US_ITIN",
		Name:            "US Individual Taxpayer Identification Number",
		Category:        CategoryPersonal,
		Description:     "An IRS Individual Taxpayer Identification Number (ITIN), issued to people who cannot get an SSN.",
		Checks:          "9XX-XX-XXXX with the group (4th-5th digits) in 50-65, 70-88, 90-92 or 94-99. Written with dashes or spaces it needs no keyword; bare 9 digits need one.",
		Pattern:         `\b9\d\d-\d\d-\d{4}\b|\b9\d\d \d\d \d{4}\b|\b9\d{8}\b`,
		Keywords:        []string{"itin", "individual taxpayer", "taxpayer identification", "tin"},
		WeakForm:        isAllDigits,
		WeakWhenAlnum:   true,
		KeywordAdjacent: true,
		Validate:        validITIN,
		Normalize:       digitsOnly,
		Redact:          redactSSN,
		Examples: []string{
			"912-70-1234",
			"ITIN: 999881234",
			"958 94 0001",
		},
		NonExamples: []string{
			"912-12-1234", // group 12
			"912-93-1234", // group 93
			"912701234",   // bare without keyword
			"812-70-1234",
		},
	},
	{
		ID:              "US_PASSPORT",
		Name:            "US passport number",
		Category:        CategoryPersonal,
		Description:     "A US passport book number next to its label.",
		Checks:          "Nine digits, or a letter and eight digits (next-generation books), at least three distinct digits; with its label or in a passport column.",
		Pattern:         `\b(?:[A-Z]\d{8}|\d{9})\b`,
		Refine:          refineIsolated("-./"),
		Keywords:        []string{"passport", "passport no", "passport number", "passport num"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validUSPassport,
		Normalize:       upperAlnum,
		Redact:          redactTail,
		Examples: []string{
			"passport: 520194873",
			"Passport No. C62661541",
		},
		NonExamples: []string{
			"520194873",
			"passport: 111111111",
			"passport expired 2019, ticket 520194873",
		},
	},
	{
		ID:              "US_DRIVERS_LICENSE",
		Name:            "US driver's license number",
		Category:        CategoryPersonal,
		Description:     "A US state driver's license number next to its label.",
		Checks:          "The shapes states use: 7-13 digits, one or two letters and 4-14 digits, or Florida's A123-456-78-901-2; not a run of one digit; with its label or in a driver's-license column.",
		Pattern:         `\b(?:[A-Z]\d{3}-\d{3}-\d{2}-\d{3}-\d|[A-Z]{1,2}\d{4,14}|\d{7,13})\b`,
		Refine:          refineIsolated("-./"),
		Keywords:        []string{"driver's license", "drivers license", "driver license", "driver's licence", "drivers licence", "driver licence", "driving licence", "driving license", "dl", "dln", "license number", "licence number", "license no", "lic no"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validDriversLicense,
		Normalize:       upperAlnum,
		Redact:          redactTail,
		Examples: []string{
			"driver's license: D5527410",
			"DL# S530-460-71-152-0",
			"drivers license number 123456789",
		},
		NonExamples: []string{
			"D5527410",
			"driver's license: D1111111",
			"license: MIT",
		},
	},
	{
		ID:          "EMAIL_ADDRESS",
		Name:        "Email address",
		Category:    CategoryPersonal,
		Description: "An email address such as jane.doe@example.com.",
		Checks:      "Local part and dot-separated host labels of legal shape; image and code file suffixes (icon@2x.png) are not top-level domains; the password@host part of a URL with credentials is not an address.",
		Pattern:     `\b[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.){1,6}[A-Za-z]{2,24}\b`,
		Refine:      refineEmail,
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
		ID:          "US_PHONE_NUMBER",
		Name:        "US phone number",
		Category:    CategoryPersonal,
		Description: "A North American Numbering Plan (US/Canada, +1) phone number.",
		Checks:      "NANP area code 2-9XX and not N11, exchange 2-9XX and not N11. Formatted as (212) 555-0142, 212-555-0142, 212.555.0142 or +1 212 555 0142 it needs no keyword; bare 10 digits and space-only groups (212 555 0142, also the shape of a UK NHS number) need one. Not part of a longer number or of a +CC international number.",
		// The area code is either parenthesised or guarded by \b unless a
		// country code precedes it (+12125550142).
		Pattern:         `(?:(?:\+1[ .\-]?|\b1[ .\-])?\([2-9]\d\d\)[ .\-]?|(?:\+1[ .\-]?|\b1[ .\-]|\b)[2-9]\d\d[ .\-]?)[2-9]\d\d[ .\-]?\d{4}\b`,
		Refine:          refinePhone,
		Keywords:        phoneKeywords,
		WeakForm:        isWeakPhone,
		KeywordAdjacent: true,
		Validate:        validNANP,
		Normalize:       normalizePhone,
		Redact:          redactPhone,
		Examples: []string{
			"(212) 555-0142",
			"212-555-0142",
			"+1 212 555 0142",
			"212.555.0142",
			"+12125550142",
			"phone: 2125550142",
			"tel 212 555 0142",
		},
		NonExamples: []string{
			"2125550142",       // bare digits without keyword
			"212 555 0142",     // space groups without keyword
			"(112) 555-0142",   // area starts with 1
			"911-555-0142",     // N11 area
			"212-155-0142",     // exchange starts with 1
			"20231115093000",   // timestamp
			"212-555-01423",    // longer
			"+39 312 345 6789", // Italian number
			"+4792345678",      // Norwegian number
		},
	},
	{
		ID:          "PHONE_NUMBER_E164",
		Name:        "International phone number",
		Category:    CategoryPersonal,
		Description: "A phone number in international format with a leading + and a country calling code other than +1 (NANP numbers are US_PHONE_NUMBER).",
		Checks:      "+, an assigned ITU-T country calling code, and 8 to 15 digits in all, in groups split by single spaces, dashes or dots.",
		Pattern:     `\+[1-9]\d{0,3}(?:[ .\-]?\d{1,5}){1,6}`,
		Refine:      refineIsolated(" -."),
		Keywords:    phoneKeywords,
		Validate:    validE164,
		Normalize:   normalizeE164,
		Redact:      redactTail,
		Examples: []string{
			"+44 20 7946 0958",
			"phone: +4930901820",
			"+33 6 12 34 56 78",
			"+91 98765 43210",
			"+39 312 345 6789",
		},
		NonExamples: []string{
			"+1 212 555 0142", // NANP
			"+999 1234 5678",  // no such country code
			"+44 20",          // too short
			"+0 20 7946 0958", // no country 0
		},
	},
	{
		ID:              "DATE_OF_BIRTH",
		Name:            "Date of birth",
		Category:        CategoryPersonal,
		Description:     "A date of birth: a date next to a birth keyword (DOB, date of birth, born …) or in a birth-date column.",
		Checks:          "YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY (one separator throughout), 12 March 1985 or Mar 12, 1985; a real calendar date in 1900-2099; not part of a longer date or number; with a birth label or in a birth-date column.",
		Pattern:         `\b(?:19|20)\d\d[\-/.](?:0?[1-9]|1[0-2])[\-/.](?:0?[1-9]|[12]\d|3[01])\b|\b(?:0?[1-9]|[12]\d|3[01])[\-/.](?:0?[1-9]|[12]\d|3[01])[\-/.](?:19|20)\d\d\b|\b(?:0?[1-9]|[12]\d|3[01]) (?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.? (?:19|20)\d\d\b|\b(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.? (?:0?[1-9]|[12]\d|3[01]),? (?:19|20)\d\d\b`,
		Refine:          refineIsolated("-/.:"),
		Keywords:        []string{"dob", "d o b", "date of birth", "birth date", "birthdate", "birthday", "born", "geburtsdatum", "fecha de nacimiento", "date de naissance", "data di nascita", "data de nascimento", "geboortedatum"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validDOB,
		Normalize:       lowerASCII,
		Redact:          redactShape,
		Examples: []string{
			"DOB: 1985-03-12",
			"date of birth: 12/03/1985",
			"born 7 March 1962",
			"birthdate=Mar 12, 1985",
		},
		NonExamples: []string{
			"1985-03-12",
			"dob: 1985-02-30",
			"dob: 31/31/1985",
			"dob unknown (age 40), visit 2024-01-05",
		},
	},
	{
		ID:              "IPV4_ADDRESS",
		Name:            "IPv4 address",
		Category:        CategoryPersonal,
		Description:     "An IPv4 address next to an address keyword (ip, client_ip, remote_addr, src …) or in an IP column: personal data under GDPR when it identifies a user's connection.",
		Checks:          "Four decimal octets 0-255 without leading zeros, not 0.x.x.x or 255.255.255.255, not part of a longer dotted number (an OID, a version), not the host of a URL (a server). Private, loopback and documentation ranges are reported too: they still tie a record to a host. Needs a keyword: dotted quads in logs are as often versions and OIDs.",
		Pattern:         `\b(?:\d{1,3}\.){3}\d{1,3}\b`,
		Refine:          chainRefine(refineIsolated("."), refineNotURLHost),
		Keywords:        ipKeywords,
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validIPv4,
		Redact:          redactIPv4,
		Examples: []string{
			"client_ip=203.0.113.42",
			"ip: 192.168.10.5",
			"X-Forwarded-For: 198.51.100.7",
		},
		NonExamples: []string{
			"192.168.100.200",
			"ip: 256.1.2.3",
			"ip: 01.2.3.4",
			"ip: 1.3.6.1.4.1",
			"version 1.2.3.4",
			"ip: postgres://app:s3cret99@10.0.3.17/db",
		},
	},
	{
		ID:              "IPV6_ADDRESS",
		Name:            "IPv6 address",
		Category:        CategoryPersonal,
		Description:     "An IPv6 address next to an address keyword or in an IP column.",
		Checks:          "Full or ::-compressed IPv6 text form (RFC 4291, parsed by net/netip), at least two groups, not the unspecified address ::, not part of a longer hex-and-colon token (a MAC address), not the host of a URL. Link-local, unique-local and loopback addresses are reported too.",
		Pattern:         `\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b|(?:\b[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6}\b)?`,
		Refine:          chainRefine(refineIPv6, refineNotURLHost),
		Keywords:        ipKeywords,
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validIPv6,
		Normalize:       lowerASCII,
		Redact:          redactIPv6,
		Examples: []string{
			"client_ip=2001:db8:85a3::8a2e:370:7334",
			"ip: 2a02:1810:4d02:5b00:9d4b:1cf0:2e15:b1c2",
			"src fe80::1ff:fe23:4567:890a",
		},
		NonExamples: []string{
			"2001:db8:85a3::8a2e:370:7334",
			"ip: ::",
			"mac=00:1a:2b:3c:4d:5e",
			"ip: 12:34:56",
		},
	},
	{
		ID:          "VIN",
		Name:        "Vehicle identification number",
		Category:    CategoryPersonal,
		Description: "A 17-character vehicle identification number (ISO 3779), which ties a record to a vehicle and its owner.",
		Checks:      "No I, O or Q; at least three letters; model-year character (position 10) not U, Z or 0; numeric serial (positions 15-17); the check digit in position 9 (mandatory in North America, used by most manufacturers elsewhere).",
		Pattern:     `\b[A-HJ-NPR-Z0-9]{17}\b`,
		Keywords:    []string{"vin", "vehicle identification number", "vehicle", "chassis", "fahrgestellnummer"},
		Validate:    validVIN,
		Redact:      redactTail,
		RunGated:    true,
		Examples: []string{
			"1M8GDM9AXKP042788",
			"VIN: 1HGCM82633A004352",
		},
		NonExamples: []string{
			"1M8GDM9AXKP042789", // check digit
			"11111111111111111", // digits only
			"1HGCM82633A00435",  // 16 characters
		},
	},
	{
		ID:          "UK_NINO",
		Name:        "UK National Insurance number",
		Category:    CategoryPersonal,
		Description: "A UK National Insurance number (NINO).",
		Checks:      "Two prefix letters allowed by HMRC (no D, F, I, Q, U, V; no O second; not BG, GB, KN, NK, NT, TN, ZZ), six digits and a suffix A-D; spaces between all pairs or none.",
		Pattern:     `\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b`,
		Keywords:    []string{"nino", "national insurance", "ni number", "ni no", "nin"},
		Validate:    validNINO,
		Normalize:   upperAlnum,
		Redact:      redactTail,
		Examples: []string{
			"AB123456C",
			"NINO: JG 10 37 63 A",
		},
		NonExamples: []string{
			"GB123456A",   // prefix GB
			"DA123456A",   // D
			"AB123456E",   // suffix E
			"AB 123456 C", // mixed spacing
		},
	},
	{
		ID:              "CA_SIN",
		Name:            "Canadian Social Insurance Number",
		Category:        CategoryPersonal,
		Description:     "A Canadian Social Insurance Number next to its label.",
		Checks:          "Nine digits (3-3-3 groups allowed), first digit not 0 or 8, Luhn. It needs a keyword even when formatted: an Australian TFN has the same 3-3-3 shape and one nine-digit number in ten passes Luhn.",
		Pattern:         `\b\d{3}[ \-]?\d{3}[ \-]?\d{3}\b`,
		Refine:          refineIsolated(" -./"),
		Keywords:        []string{"sin", "social insurance", "social insurance number", "numéro d'assurance sociale", "assurance sociale"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validSIN,
		Normalize:       digitsOnly,
		Redact:          redactTail,
		Examples: []string{
			"SIN: 130 692 544",
			"social insurance number 271-838-450",
			"sin=512345679",
		},
		NonExamples: []string{
			"130 692 544",
			"SIN: 130 692 545",
			"SIN: 046 454 286", // 0: fictitious, as in the government's own example
			"SIN: 846 454 280",
		},
	},
	{
		ID:              "IN_AADHAAR",
		Name:            "Indian Aadhaar number",
		Category:        CategoryPersonal,
		Description:     "An Indian Aadhaar (UIDAI) number.",
		Checks:          "Twelve digits, not starting with 0 or 1, Verhoeff check digit. In groups of four (2341 2341 2346) it needs no keyword; twelve contiguous digits need one.",
		Pattern:         `\b[2-9]\d{3}[ \-]?\d{4}[ \-]?\d{4}\b`,
		Refine:          refineIsolated(" -./"),
		Keywords:        []string{"aadhaar", "aadhar", "adhaar", "uidai", "aadhaar number"},
		WeakForm:        isAllDigits,
		WeakWhenAlnum:   true,
		KeywordAdjacent: true,
		Validate:        validAadhaar,
		Normalize:       digitsOnly,
		Redact:          redactTail,
		Examples: []string{
			"2341 2341 2346",
			"Aadhaar: 498612345675",
		},
		NonExamples: []string{
			"2341 2341 2347", // Verhoeff
			"1341 2341 2346", // starts with 1
			"498612345675",   // contiguous without keyword
		},
	},
	{
		ID:              "IN_PAN",
		Name:            "Indian Permanent Account Number",
		Category:        CategoryPersonal,
		Description:     "An Indian income-tax Permanent Account Number (PAN) next to its label.",
		Checks:          "Five letters, four digits, a letter, with a holder type in the fourth position (P, C, H, F, A, T, B, L, J, G); labelled, since PAN has no check digit.",
		Pattern:         `\b[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z]\b`,
		Keywords:        []string{"pan", "pan number", "pan no", "permanent account number", "income tax"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validINPAN,
		Redact:          redactTail,
		Examples: []string{
			"PAN: ABCPE1234F",
			"pan number AAACR5055K",
		},
		NonExamples: []string{
			"ABCPE1234F",
			"PAN: ABCDE1234F", // D is no holder type
			"PAN: ABCPE0000F",
		},
	},
	{
		ID:              "BR_CPF",
		Name:            "Brazilian CPF",
		Category:        CategoryPersonal,
		Description:     "A Brazilian individual taxpayer number (Cadastro de Pessoas Físicas).",
		Checks:          "Eleven digits, not all one digit, two mod-11 check digits. Written 123.456.789-09 it needs no keyword; eleven contiguous digits need one.",
		Pattern:         `\b\d{3}\.?\d{3}\.?\d{3}-?\d{2}\b`,
		Refine:          refineIsolated(".-/"),
		Keywords:        []string{"cpf", "cadastro de pessoas"},
		WeakForm:        isAllDigits,
		WeakWhenAlnum:   true,
		KeywordAdjacent: true,
		Validate:        validCPF,
		Normalize:       digitsOnly,
		Redact:          redactTail,
		Examples: []string{
			"123.456.789-09",
			"CPF: 52998224725",
		},
		NonExamples: []string{
			"123.456.789-08",
			"111.111.111-11",
			"52998224725",
			"123.456789-09",
		},
	},
	{
		ID:          "ES_DNI",
		Name:        "Spanish DNI",
		Category:    CategoryPersonal,
		Description: "A Spanish national identity document number (DNI, the NIF of Spanish citizens).",
		Checks:      "Eight digits and the control letter of the number mod 23 (TRWAGMYFPDXBNJZSQVHLCKE); a dash before the letter allowed.",
		Pattern:     `\b\d{8}-?[A-Z]\b`,
		Keywords:    []string{"dni", "nif", "documento nacional de identidad", "número de identidad"},
		Validate:    validDNI,
		Normalize:   upperAlnum,
		Redact:      redactTail,
		Examples: []string{
			"12345678Z",
			"DNI: 00000000-T",
		},
		NonExamples: []string{
			"12345678A",
			"1234567Z",
		},
	},
	{
		ID:          "ES_NIE",
		Name:        "Spanish NIE",
		Category:    CategoryPersonal,
		Description: "A Spanish foreigner identity number (NIE).",
		Checks:      "X, Y or Z, seven digits and the control letter computed with X=0, Y=1, Z=2 in front.",
		Pattern:     `\b[XYZ]-?\d{7}-?[A-Z]\b`,
		Keywords:    []string{"nie", "número de identidad de extranjero", "numero de identidad de extranjero", "nif"},
		Validate:    validNIE,
		Normalize:   upperAlnum,
		Redact:      redactTail,
		Examples: []string{
			"X1234567L",
			"NIE: Y-7654321-G",
		},
		NonExamples: []string{
			"X1234567A",
			"W1234567L",
		},
	},
	{
		ID:              "AU_TFN",
		Name:            "Australian Tax File Number",
		Category:        CategoryPersonal,
		Description:     "An Australian Tax File Number next to its label.",
		Checks:          "Nine digits (3-3-3 groups split by spaces allowed) with weights 1,4,3,7,5,8,6,9,10, or an older eight-digit one with weights 10,7,8,4,6,3,5,1; the weighted sum divisible by 11.",
		Pattern:         `\b\d{3} ?\d{3} ?\d{2,3}\b`,
		Refine:          refineIsolated(" -./"),
		Keywords:        []string{"tfn", "tax file number", "tax file no"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validTFN,
		Normalize:       digitsOnly,
		Redact:          redactTail,
		Examples: []string{
			"TFN: 123 456 782",
			"tax file number 876543210",
		},
		NonExamples: []string{
			"123 456 782",
			"TFN: 123 456 783",
		},
	},
	{
		ID:              "FR_INSEE_NIR",
		Name:            "French social security number (NIR)",
		Category:        CategoryPersonal,
		Description:     "A French social security number (NIR, numéro INSEE), as on the carte Vitale.",
		Checks:          "Sex 1 or 2 (3, 4, 7 or 8 in a provisional number); year; month 01-12, 20-42 or 50-99; department (2A/2B for Corsica); commune; order; key 97 − (number mod 97). Written in its groups (1 85 05 78 006 084 91) it needs no keyword; 15 contiguous digits need one.",
		Pattern:         `\b[1-478] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}\b`,
		Refine:          refineIsolated(" -./"),
		Keywords:        []string{"nir", "insee", "numéro de sécurité sociale", "sécurité sociale", "securite sociale", "carte vitale", "numéro ss", "numero ss"},
		WeakForm:        hasNoSpace,
		WeakWhenAlnum:   true,
		KeywordAdjacent: true,
		Validate:        validNIR,
		Normalize:       upperAlnum,
		Redact:          redactBirthDateID,
		Examples: []string{
			"1 85 05 78 006 084 91",
			"NIR: 269034935012344",
			"3 85 05 78 006 084 88", // provisional number
			"NIR: 403129945678966",
		},
		NonExamples: []string{
			"1 85 05 78 006 084 92",
			"185057800608491",       // contiguous without keyword
			"3 85 05 78 006 084 91", // key of the number with sex 1
			"5 85 05 78 006 084 85", // no sex 5
			"6 85 05 78 006 084 35", // no sex 6
		},
	},
	{
		ID:              "DE_TAX_ID",
		Name:            "German tax identification number",
		Category:        CategoryPersonal,
		Description:     "A German tax identification number (steuerliche Identifikationsnummer, Steuer-ID) next to its label.",
		Checks:          "Eleven digits, the first not 0; in the first ten exactly one digit occurs twice or three times (three not in a row); ISO 7064 MOD 11,10 check digit.",
		Pattern:         `\b\d{2} ?\d{3} ?\d{3} ?\d{3}\b`,
		Refine:          refineIsolated(" -./"),
		Keywords:        []string{"steuer id", "steueridentifikationsnummer", "steuerliche identifikationsnummer", "identifikationsnummer", "idnr", "IdNr", "steuer idnr", "tax id"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validDETaxID,
		Normalize:       digitsOnly,
		Redact:          redactTail,
		Examples: []string{
			"Steuer-ID: 86095742719",
			"IdNr 65 162 480 376",
		},
		NonExamples: []string{
			"86095742719",
			"Steuer-ID: 86095742718",
			"Steuer-ID: 12345678903", // all digits distinct
		},
	},
	{
		ID:          "IT_FISCAL_CODE",
		Name:        "Italian fiscal code",
		Category:    CategoryPersonal,
		Description: "An Italian fiscal code (codice fiscale) of a person.",
		Checks:      "Six letters of surname and name, year, month letter, day (41-71 for women), the cadastral code of the birthplace, and the check letter; digits may be replaced by the omocodia letters L-V.",
		Pattern:     `\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b`,
		Keywords:    []string{"codice fiscale", "cf", "fiscal code", "tax code"},
		Validate:    validITFiscalCode,
		Redact:      redactTail,
		RunGated:    true,
		Examples: []string{
			"RSSMRA85T10A562S",
			"codice fiscale: BNCGNN70E56F205W",
		},
		NonExamples: []string{
			"RSSMRA85T10A562T",
			"RSSMRA85T92A562S", // day 92
		},
	},
	{
		ID:              "NL_BSN",
		Name:            "Dutch citizen service number (BSN)",
		Category:        CategoryPersonal,
		Description:     "A Dutch burgerservicenummer next to its label.",
		Checks:          "Nine digits passing the eleven test (9·d1 + 8·d2 + … + 2·d8 − d9 divisible by 11).",
		Pattern:         `\b\d{9}\b`,
		Refine:          refineIsolated("-./"),
		Keywords:        []string{"bsn", "burgerservicenummer", "burger service nummer", "sofinummer", "sofi nummer"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validBSN,
		Redact:          redactTail,
		Examples: []string{
			"BSN: 111222333",
			"burgerservicenummer 123456782",
		},
		NonExamples: []string{
			"111222333",
			"BSN: 111222334",
		},
	},
	{
		ID:              "BE_NATIONAL_NUMBER",
		Name:            "Belgian national register number",
		Category:        CategoryPersonal,
		Description:     "A Belgian national register number (rijksregisternummer, numéro national) or BIS number.",
		Checks:          "Birth date YY.MM.DD (month 0-12, or +20/+40 for BIS numbers), order 001-998, and the check 97 − (number mod 97), with a leading 2 for births from 2000. Written YY.MM.DD-SSS.CC it needs no keyword; eleven contiguous digits need one.",
		Pattern:         `\b\d{2}\.?\d{2}\.?\d{2}-?\d{3}\.?\d{2}\b`,
		Refine:          refineIsolated(".-/"),
		Keywords:        []string{"rijksregisternummer", "rijksregister", "numéro national", "numero national", "registre national", "national register", "national number", "insz", "niss", "inss"},
		WeakForm:        isAllDigits,
		WeakWhenAlnum:   true,
		KeywordAdjacent: true,
		Validate:        validBENationalNumber,
		Normalize:       digitsOnly,
		Redact:          redactBirthDateID,
		Examples: []string{
			"85.07.30-033.28",
			"rijksregisternummer 17073003384",
		},
		NonExamples: []string{
			"85.07.30-033.29",
			"85073003328", // contiguous without keyword
		},
	},
	{
		ID:              "PL_PESEL",
		Name:            "Polish PESEL",
		Category:        CategoryPersonal,
		Description:     "A Polish national identification number (PESEL) next to its label.",
		Checks:          "Eleven digits, a birth date whose month carries the century (+80 1800s, +20 2000s, +40 2100s, +60 2200s), and the check digit with weights 1,3,7,9.",
		Pattern:         `\b\d{11}\b`,
		Refine:          refineIsolated("-./"),
		Keywords:        []string{"pesel", "numer pesel"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validPESEL,
		Redact:          redactBirthDateID,
		Examples: []string{
			"PESEL: 44051401359",
		},
		NonExamples: []string{
			"44051401359",
			"PESEL: 44051401358",
			"PESEL: 44133401359", // month 13
		},
	},
	{
		ID:              "SE_PERSONNUMMER",
		Name:            "Swedish personal identity number",
		Category:        CategoryPersonal,
		Description:     "A Swedish personnummer or samordningsnummer (day + 60).",
		Checks:          "YYYYMMDD-NNNC or YYMMDD-NNNC ('+' for the over-100s), a real date, Luhn over the ten digits YYMMDDNNNC. The twelve-digit form with its separator needs no keyword; ten-digit forms (the shape of a Danish CPR number) and twelve contiguous digits (a timestamp's shape) need one.",
		Pattern:         `\b(?:19|20)?\d{6}[\-+]?\d{4}\b`,
		Refine:          refineIsolated("-/."),
		Keywords:        []string{"personnummer", "personnr", "person nr", "samordningsnummer", "personal identity number"},
		WeakForm:        isWeakPersonnummer,
		WeakWhenAlnum:   true,
		KeywordAdjacent: true,
		Validate:        validPersonnummer,
		Normalize:       normalizePersonnummer,
		Redact:          redactBirthDateID,
		Examples: []string{
			"19811228-9874",
			"personnummer: 811228-9874",
		},
		NonExamples: []string{
			"811228-9874", // ten digits without keyword
			"19811228-9875",
			"19811328-9874", // month 13
		},
	},
	{
		ID:              "FI_HETU",
		Name:            "Finnish personal identity code",
		Category:        CategoryPersonal,
		Description:     "A Finnish personal identity code (henkilötunnus, HETU).",
		Checks:          "DDMMYY, a century sign (+ 1800s; - or U-Y 1900s; A-F 2000s), an individual number 002-899 and the check character of DDMMYYNNN mod 31. Codes with a - or + sign and a digit as check character (the shape of a Danish CPR number) need a keyword.",
		Pattern:         `\b\d{6}[\-+A-FU-Y]\d{3}[0-9A-FHJ-NPR-Y]\b`,
		Keywords:        []string{"hetu", "henkilötunnus", "henkilotunnus", "personbeteckning", "sotu", "personal identity code", "sosiaaliturvatunnus"},
		WeakForm:        isWeakHETU,
		KeywordAdjacent: true,
		Validate:        validHETU,
		Redact:          redactBirthDateID,
		Examples: []string{
			"131052-308T",
			"010594Y899X",
			"311280-888Y",
			"HETU: 020304-5128",
		},
		NonExamples: []string{
			"131052-308U",
			"020304-5128", // digit check without keyword: a CPR number's shape
			"010594Y903Y", // individual number 903 is a temporary one
			"320552-308T",
		},
	},
	{
		ID:              "DK_CPR",
		Name:            "Danish CPR number",
		Category:        CategoryPersonal,
		Description:     "A Danish civil registration (CPR) number next to its label.",
		Checks:          "DDMMYY-SSSS with a real date whose century follows from the seventh digit (the mod-11 check was dropped in 2007, so a keyword is required).",
		Pattern:         `\b(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}-?\d{4}\b`,
		Refine:          refineIsolated("-/."),
		Keywords:        []string{"cpr", "cpr nr", "cpr nummer", "centrale personregister"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validCPR,
		Normalize:       digitsOnly,
		Redact:          redactBirthDateID,
		Examples: []string{
			"CPR: 070761-4285",
			"CPR-nr. 2902882134",
		},
		NonExamples: []string{
			"070761-4285",
			"CPR: 300261-4285", // 30 February
		},
	},
	{
		ID:              "PT_NIF",
		Name:            "Portuguese tax number (NIF)",
		Category:        CategoryPersonal,
		Description:     "A Portuguese tax identification number (NIF, número de contribuinte) next to its label.",
		Checks:          "Nine digits, a prefix that is issued (1, 2, 3, 45 for persons; 5, 6, 70-72, 74, 75, 77-79, 90, 91, 98, 99 for entities; not the obsolete 8), and the mod-11 check digit with weights 9..2.",
		Pattern:         `\b\d{9}\b`,
		Refine:          refineIsolated("-./"),
		Keywords:        []string{"nif", "contribuinte", "número de contribuinte", "numero de contribuinte", "nipc", "número fiscal"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validPTNIF,
		Redact:          redactTail,
		Examples: []string{
			"NIF: 123456789",
			"contribuinte n.º 501964843",
			"NIF: 457877898", // non-resident person
			"NIF: 787017469", // ex officio, VAT refund
			"NIF: 983307660", // non-resident without a permanent establishment
		},
		NonExamples: []string{
			"123456789",
			"NIF: 123456788",
			"NIF: 423456780",
			"NIF: 883783266", // sole trader, no longer valid
			"NIF: 736166300", // 73 is not issued
			"NIF: 926991027", // 92 is not issued
		},
	},
	{
		ID:          "IE_PPSN",
		Name:        "Irish PPS number",
		Category:    CategoryPersonal,
		Description: "An Irish Personal Public Service Number (PPSN).",
		Checks:      "Seven digits, the check letter of the weighted sum mod 23, and an optional second letter (W, or A, B, H … since 2013) that enters the sum with weight 9.",
		Pattern:     `\b\d{7}[A-W][A-IW]?\b`,
		Keywords:    []string{"ppsn", "pps number", "pps no", "personal public service"},
		Validate:    validPPSN,
		Normalize:   upperAlnum,
		Redact:      redactTail,
		Examples: []string{
			"1234567T",
			"PPSN: 1234567FA",
		},
		NonExamples: []string{
			"1234567A",
			"1234567TX",
		},
	},
	{
		ID:              "AT_SVNR",
		Name:            "Austrian social insurance number",
		Category:        CategoryPersonal,
		Description:     "An Austrian social insurance number (Sozialversicherungsnummer) next to its label.",
		Checks:          "NNNC DDMMYY: a serial not starting with 0, the check digit C (weights 3,7,9,5,8,4,2,1,6 mod 11, never 10) and a real birth date.",
		Pattern:         `\b\d{4} ?\d{6}\b`,
		Refine:          refineIsolated(" -./"),
		Keywords:        []string{"svnr", "sv nr", "sv nummer", "sozialversicherungsnummer", "versicherungsnummer", "svn"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validSVNR,
		Normalize:       digitsOnly,
		Redact:          redactBirthDateID,
		Examples: []string{
			"SVNR: 1237 010180",
			"Sozialversicherungsnummer 1237010180",
		},
		NonExamples: []string{
			"1237 010180",
			"SVNR: 1238 010180",
			"SVNR: 1237 310280", // 31 February
		},
	},
	{
		ID:              "GR_AMKA",
		Name:            "Greek social security number (AMKA)",
		Category:        CategoryPersonal,
		Description:     "A Greek social security number (AMKA) next to its label.",
		Checks:          "Eleven digits: a birth date DDMMYY, four digits, and the Luhn check digit.",
		Pattern:         `\b\d{11}\b`,
		Refine:          refineIsolated("-./"),
		Keywords:        []string{"amka", "a m k a"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validAMKA,
		Redact:          redactBirthDateID,
		Examples: []string{
			"AMKA: 01018012342",
		},
		NonExamples: []string{
			"01018012342",
			"AMKA: 01018012343",
			"AMKA: 32018012341",
		},
	},
	{
		ID:              "RO_CNP",
		Name:            "Romanian personal numeric code (CNP)",
		Category:        CategoryPersonal,
		Description:     "A Romanian personal numeric code (cod numeric personal) next to its label.",
		Checks:          "SYYMMDDJJNNNC: sex and century S (1/2 1900s, 5/6 2000s, 7/8 residents), a real date, a county 01-52, and the check digit with weights 279146358279 (mod 11, 10 becomes 1).",
		Pattern:         `\b[1-8]\d{12}\b`,
		Refine:          refineIsolated("-./"),
		Keywords:        []string{"cnp", "cod numeric personal"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validCNP,
		Redact:          redactBirthDateID,
		Examples: []string{
			"CNP: 1800101221144",
			"cnp 2960325041234",
		},
		NonExamples: []string{
			"1800101221144",
			"CNP: 1800101221145",
			"CNP: 3800101221144", // 1800s
		},
	},
	{
		ID:              "BG_EGN",
		Name:            "Bulgarian unified civil number (EGN)",
		Category:        CategoryPersonal,
		Description:     "A Bulgarian unified civil number (EGN) next to its label.",
		Checks:          "YYMMDD with the month +20 for the 1800s and +40 for the 2000s, a real date, and the check digit with weights 2,4,8,5,10,9,7,3,6 (mod 11, 10 becomes 0).",
		Pattern:         `\b\d{10}\b`,
		Refine:          refineIsolated("-./"),
		Keywords:        []string{"egn", "edinen grazhdanski nomer", "unified civil number"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validEGN,
		Redact:          redactBirthDateID,
		Examples: []string{
			"EGN: 7523169263",
			"egn 0342011236",
		},
		NonExamples: []string{
			"7523169263",
			"EGN: 7523169264",
		},
	},
	{
		ID:              "CZ_BIRTH_NUMBER",
		Name:            "Czech/Slovak birth number",
		Category:        CategoryPersonal,
		Description:     "A Czech or Slovak birth number (rodné číslo).",
		Checks:          "YYMMDD/XXXX: a real date with the month +50 for women (+20/+70 since 2004) and the ten-digit number divisible by 11. With its slash it needs no keyword; ten contiguous digits need one. Nine-digit numbers from before 1954 carry no check and are not recognised.",
		Pattern:         `\b\d{6}/?\d{4}\b`,
		Refine:          refineIsolated("-/."),
		Keywords:        []string{"rodné číslo", "rodne cislo", "rodné č", "birth number"},
		WeakForm:        isNoSlash,
		WeakWhenAlnum:   true,
		KeywordAdjacent: true,
		Validate:        validCZBirthNumber,
		Normalize:       digitsOnly,
		Redact:          redactBirthDateID,
		Examples: []string{
			"736028/5163",
			"rodné číslo: 8553121236",
		},
		NonExamples: []string{
			"736028/5164",
			"8553121236", // contiguous without keyword
			"731328/5163",
		},
	},

	// ---- Health ----
	{
		ID:              "US_NPI",
		Name:            "US National Provider Identifier",
		Category:        CategoryHealth,
		Description:     "A US National Provider Identifier of a health-care provider, next to its label.",
		Checks:          "Ten digits starting with 1 or 2 whose Luhn check, computed with the prefix 80840 in front, is 0; labelled (NPI), since one ten-digit number in ten passes.",
		Pattern:         `\b[12]\d{9}\b`,
		Refine:          refineIsolated("-./"),
		Keywords:        []string{"npi", "national provider identifier", "national provider id"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validNPI,
		Redact:          redactTail,
		Examples: []string{
			"NPI: 1234567893",
			"provider NPI 1245319599",
		},
		NonExamples: []string{
			"1234567893",
			"NPI: 1234567894",
		},
	},
	{
		ID:          "US_MBI",
		Name:        "Medicare Beneficiary Identifier",
		Category:    CategoryHealth,
		Description: "A US Medicare Beneficiary Identifier (the MBI that replaced the SSN-based HICN in 2018).",
		Checks:      "Eleven characters by position: 1 a digit 1-9; 2, 5, 8, 9 letters; 3 and 6 letter or digit; 4, 7, 10, 11 digits; letters never S, L, O, I, B or Z; dashes after the 4th and 7th allowed.",
		Pattern:     `\b[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y]{2}\d{2}\b`,
		Keywords:    []string{"mbi", "medicare", "medicare beneficiary identifier", "medicare id", "medicare number"},
		Validate:    validMBI,
		Normalize:   upperAlnum,
		Redact:      redactTail,
		Examples: []string{
			"1EG4-TE5-MK73",
			"MBI: 5RR7YY9UU31",
		},
		NonExamples: []string{
			"1EG4-TE5-MK7",  // short
			"1SG4-TE5-MK73", // S
			"1EG4TE5-MK73",  // one dash
		},
	},
	{
		ID:              "US_DEA_NUMBER",
		Name:            "US DEA registration number",
		Category:        CategoryHealth,
		Description:     "A US Drug Enforcement Administration registration number of a prescriber, next to its label.",
		Checks:          "A registrant-type letter, the registrant's last-name initial (or 9), seven digits, and the check digit: the last digit of (d1+d3+d5) + 2·(d2+d4+d6).",
		Pattern:         `\b[ABCDEFGHJKLMPRSTUX][A-Z9]\d{7}\b`,
		Keywords:        []string{"dea", "dea number", "dea registration", "dea no"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validDEA,
		Redact:          redactTail,
		Examples: []string{
			"DEA: AB1234563",
			"DEA# FS3456781",
		},
		NonExamples: []string{
			"AB1234563",
			"DEA: AB1234564",
			"DEA: NB1234563", // N is no registrant type
		},
	},
	{
		ID:              "UK_NHS_NUMBER",
		Name:            "UK NHS number",
		Category:        CategoryHealth,
		Description:     "A National Health Service number of England, Wales or the Isle of Man, next to its label.",
		Checks:          "Ten digits (3-3-4 groups allowed) and the mod-11 check digit with weights 10..2; labelled (NHS), since the shape is also a phone number's.",
		Pattern:         `\b\d{3}[ \-]?\d{3}[ \-]?\d{4}\b`,
		Refine:          refineIsolated(" -./"),
		Keywords:        []string{"nhs", "nhs number", "nhs no", "national health service"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validNHS,
		Normalize:       digitsOnly,
		Redact:          redactTail,
		Examples: []string{
			"NHS number: 943 476 5919",
			"NHS No. 4010232137",
		},
		NonExamples: []string{
			"943 476 5919",
			"NHS number: 943 476 5918",
		},
	},
	{
		ID:              "US_NDC",
		Name:            "US National Drug Code",
		Category:        CategoryHealth,
		Description:     "A US National Drug Code (FDA product identifier) next to its label; in a patient's record it reveals medication.",
		Checks:          "The FDA's dashed layouts 4-4-2, 5-3-2 and 5-4-1, or the 11-digit billing form 5-4-2; a labeler code that is not all zeros; labelled (NDC).",
		Pattern:         `\b(?:\d{4}-\d{4}-\d{2}|\d{5}-\d{3,4}-\d{1,2})\b`,
		Refine:          refineIsolated("-./"),
		Keywords:        []string{"ndc", "national drug code"},
		KeywordRequired: true,
		KeywordAdjacent: true,
		Validate:        validNDC,
		Redact:          redactTail,
		Examples: []string{
			"NDC: 0002-3227-30",
			"ndc 50090-2875-0",
		},
		NonExamples: []string{
			"0002-3227-30",
			"NDC: 0000-3227-30",
			"NDC: 12345-678-9", // 5-3-1
		},
	},
})
