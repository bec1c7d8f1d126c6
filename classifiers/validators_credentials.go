package classifiers

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"hash/crc32"
)

// Credential validators: cloud and SaaS keys and tokens, private keys,
// JWTs, and passwords inside URLs and Authorization headers.

// validAWSKeyID rejects placeholder access key ids whose 16 characters
// after the prefix use fewer than four distinct symbols (AKIAAAAAAAAAAAAAAAAA).
func validAWSKeyID(b []byte) bool {
	if len(b) != 20 {
		return false
	}
	return distinct(b[4:]) >= 4
}

// isBase64Char reports whether c belongs to the standard base64 alphabet
// without padding.
func isBase64Char(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '+' || c == '/'
}

// isBase64URLChar reports whether c belongs to the base64url alphabet.
func isBase64URLChar(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '-' || c == '_'
}

// refineBase64Token drops a fixed-length base64 match that is part of a
// longer base64 run (RE2 has no look-around to say so in the pattern).
// Padding after the match also disqualifies it; '=' before it does not
// (key=value).
func refineBase64Token(buf []byte, start, end int) (int, int, bool) {
	if start > 0 && isBase64Char(buf[start-1]) {
		return 0, 0, false
	}
	if end < len(buf) && (isBase64Char(buf[end]) || buf[end] == '=') {
		return 0, 0, false
	}
	return start, end, true
}

// refineURLSafeToken drops a token match glued to more base64url
// characters on either side (GOOGLE_API_KEY, SLACK_TOKEN: '-' and '_'
// are token characters, so \b does not bound them).
func refineURLSafeToken(buf []byte, start, end int) (int, int, bool) {
	if start > 0 && isBase64URLChar(buf[start-1]) {
		return 0, 0, false
	}
	if end < len(buf) && isBase64URLChar(buf[end]) {
		return 0, 0, false
	}
	return start, end, true
}

// validAWSSecret accepts a 40-character secret candidate only if it mixes
// upper- and lower-case letters and is not a run of few symbols: this
// rejects hex digests (SHA-1 is 40 hex characters), digit strings and
// placeholders, while a random base64 key fails it with probability below
// one in a million.
func validAWSSecret(b []byte) bool {
	if len(b) != 40 {
		return false
	}
	var upper, lower bool
	for _, c := range b {
		upper = upper || isUpper(c)
		lower = lower || isLower(c)
	}
	return upper && lower && distinct(b) >= 10
}

// Limits of the PEM Refine hook.
const (
	pemBeginPrefix = "-----BEGIN "
	pemEndPrefix   = "-----END "
	pemDashes      = "-----"
	// maxPEMBody bounds how far past the BEGIN line a key extends (a
	// 16384-bit RSA key is about 12 KiB of PEM).
	maxPEMBody = 64 << 10
	// minPEMBody is the least key material (base64 characters) that makes
	// a BEGIN line a finding; a bare armour line is usually code or docs
	// that handle keys, not a key.
	minPEMBody = 16
)

// pemBodyLen returns how many bytes of b, from its start, look like a PEM
// body: base64, padding, whitespace and the escapes \n, \r, \t of a PEM
// stored inside a JSON or YAML string, and \/, which some JSON encoders
// (PHP's) write for every slash of the base64.
func pemBodyLen(b []byte) int {
	n := 0
	for n < len(b) {
		switch c := b[n]; {
		case isBase64Char(c), c == '=', c == '\n', c == '\r', c == ' ', c == '\t':
			n++
		case c == '\\' && n+1 < len(b) && (b[n+1] == 'n' || b[n+1] == 'r' || b[n+1] == 't' || b[n+1] == '/'):
			n += 2
		default:
			return n
		}
	}
	return n
}

// skipArmorHeaders returns how many bytes of b, from its start, are blank
// lines and armour header lines such as "Proc-Type: 4,ENCRYPTED",
// "DEK-Info: …" (RFC 1421) or "Version: …", "Comment: …" (OpenPGP), with
// real or escaped line ends.
func skipArmorHeaders(b []byte) int {
	n := 0
	for n < len(b) {
		switch {
		case b[n] == '\n' || b[n] == '\r' || b[n] == ' ' || b[n] == '\t':
			n++
			continue
		case b[n] == '\\' && n+1 < len(b) && (b[n+1] == 'n' || b[n+1] == 'r'):
			n += 2
			continue
		}
		// A header line: a name of letters and dashes, ": ", then text up
		// to the line end.
		i := n
		for i < len(b) && (isLetter(b[i]) || b[i] == '-') {
			i++
		}
		if i == n || i+1 >= len(b) || b[i] != ':' || b[i+1] != ' ' {
			return n
		}
		for i < len(b) && b[i] != '\n' && b[i] != '\r' && !(b[i] == '\\' && i+1 < len(b) && b[i+1] == 'n') {
			i++
		}
		n = i
	}
	return n
}

// countBase64 counts the base64 characters of a PEM body, skipping the
// escapes pemBodyLen accepts.
func countBase64(b []byte) int {
	n := 0
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+1 < len(b) {
			i++
			continue
		}
		if isBase64Char(b[i]) {
			n++
		}
	}
	return n
}

// refinePEM extends a PEM BEGIN line over the armour headers and the body
// that follow it and, when the END line of the same label comes right
// after them, over that too, so that the fingerprint covers the key and
// not only the armour; without one (a truncated sample, or the END line
// of another label) the match ends with the body. A BEGIN line with fewer
// than minPEMBody characters of key material is dropped.
//
// The END line is looked for only where the body ends: searching the
// maxPEMBody bytes after every BEGIN line for it cost 64 KiB per line in
// logs full of code that handles keys ("-----BEGIN RSA PRIVATE KEY-----")
// and took a far END line, past any text, as the end of the key.
func refinePEM(buf []byte, start, end int) (int, int, bool) {
	header := buf[start:end]
	if len(header) < len(pemBeginPrefix)+len(pemDashes) || !bytes.HasPrefix(header, []byte(pemBeginPrefix)) {
		return 0, 0, false
	}
	label := header[len(pemBeginPrefix) : len(header)-len(pemDashes)]
	var mbuf [64]byte
	marker := append(mbuf[:0], pemEndPrefix...)
	marker = append(marker, label...)
	marker = append(marker, pemDashes...)
	region := buf[end:min(len(buf), end+maxPEMBody)]
	h := skipArmorHeaders(region)
	n := h + pemBodyLen(region[h:])
	if countBase64(region[h:n]) < minPEMBody {
		return 0, 0, false
	}
	if bytes.HasPrefix(region[n:], marker) {
		return start, end + n + len(marker), true
	}
	// Do not keep trailing whitespace in the match.
	body := bytes.TrimRight(region[:n], " \t\r\n")
	return start, end + len(body), true
}

// normalizePEM reduces a PEM block to its label and base64 body, so line
// endings, wrapping and JSON escaping do not change the fingerprint.
func normalizePEM(b []byte) []byte {
	rest, ok := bytes.CutPrefix(b, []byte(pemBeginPrefix))
	i := bytes.Index(rest, []byte(pemDashes))
	if !ok || i < 0 {
		return bytes.Clone(b)
	}
	label, body := rest[:i], rest[i+len(pemDashes):]
	if j := bytes.Index(body, []byte(pemEndPrefix)); j >= 0 {
		body = body[:j]
	}
	body = body[skipArmorHeaders(body):]
	out := make([]byte, 0, len(label)+1+len(body))
	out = append(out, label...)
	out = append(out, ':')
	for j := 0; j < len(body); j++ {
		c := body[j]
		if c == '\\' && j+1 < len(body) {
			j++ // an escape such as \n, or \/ for a slash of the base64
			if body[j] == '/' {
				out = append(out, '/')
			}
			continue
		}
		if isBase64Char(c) || c == '=' {
			out = append(out, c)
		}
	}
	return out
}

// openSSHMagic is "openssh-key-v1" in base64, how every OpenSSH private
// key body begins.
const openSSHMagic = "b3BlbnNzaC1rZXktdjE"

// validOpenSSHKey checks that an OPENSSH PRIVATE KEY block's body begins
// with the openssh-key-v1 magic.
func validOpenSSHKey(b []byte) bool {
	const begin = pemBeginPrefix + "OPENSSH PRIVATE KEY" + pemDashes
	rest, ok := bytes.CutPrefix(b, []byte(begin))
	if !ok {
		return false
	}
	rest = rest[skipArmorHeaders(rest):]
	return bytes.HasPrefix(rest, []byte(openSSHMagic))
}

// maxJWT bounds how far a JWT is followed past its pattern match.
const maxJWT = 16 << 10

// refineJWT extends a JWT match (header and the start of the payload) to
// the whole token: the rest of the payload, the '.', and the signature.
// A token glued to more base64url characters in front, or without its
// second '.', is dropped.
func refineJWT(buf []byte, start, end int) (int, int, bool) {
	if start > 0 && (isBase64URLChar(buf[start-1]) || buf[start-1] == '.') {
		return 0, 0, false
	}
	limit := min(len(buf), start+maxJWT)
	i := end
	for i < limit && isBase64URLChar(buf[i]) {
		i++
	}
	if i >= limit || buf[i] != '.' {
		return 0, 0, false
	}
	i++
	for i < limit && isBase64URLChar(buf[i]) {
		i++
	}
	if i < len(buf) && (buf[i] == '.' || buf[i] == '=') {
		return 0, 0, false // a JWE (five parts) or not a JWT
	}
	return start, i, true
}

// decodeB64URL decodes base64url with or without padding.
func decodeB64URL(s []byte) ([]byte, bool) {
	s = bytes.TrimRight(s, "=")
	out := make([]byte, base64.RawURLEncoding.DecodedLen(len(s)))
	n, err := base64.RawURLEncoding.Decode(out, s)
	return out[:n], err == nil
}

// validJWT checks a JSON Web Token (JWS compact form): the header decodes
// to a JSON object with an "alg" string, the payload to a JSON object, and
// the signature is present unless alg is "none".
func validJWT(b []byte) bool {
	parts := bytes.Split(b, []byte{'.'})
	if len(parts) != 3 {
		return false
	}
	h, ok := decodeB64URL(parts[0])
	if !ok {
		return false
	}
	var header struct {
		Alg *string `json:"alg"`
	}
	if json.Unmarshal(h, &header) != nil || header.Alg == nil || *header.Alg == "" {
		return false
	}
	// The payload is a JSON object (or null): checked, not decoded into
	// a map, which allocated for every claim of every token.
	p, ok := decodeB64URL(parts[1])
	if t := bytes.TrimLeft(p, " \t\r\n"); !ok || len(t) == 0 || t[0] != '{' && t[0] != 'n' || !json.Valid(p) {
		return false
	}
	if *header.Alg == "none" {
		return true
	}
	_, ok = decodeB64URL(parts[2])
	return ok && len(parts[2]) >= 16
}

// placeholderSecrets are passwords of documentation and templates, not
// of systems.
var placeholderSecrets = map[string]bool{
	"password": true, "passwd": true, "pass": true, "pwd": true, "secret": true,
	"changeme": true, "change_me": true, "yourpassword": true, "your_password": true,
	"mypassword": true, "my_password": true, "example": true, "redacted": true,
	"placeholder": true, "xxx": true, "xxxx": true, "xxxxxx": true, "xxxxxxxx": true,
	"dummy": true, "test": true, "none": true, "null": true, "user": true,
}

// isPlaceholderSecret reports whether a password is a template variable
// (${DB_PASSWORD}, {{ pass }}, <password>, %(pw)s, $PW), masked (****),
// a run of one character, or a placeholder word.
func isPlaceholderSecret(pw []byte) bool {
	if len(pw) == 0 || distinct(pw) == 1 {
		return true
	}
	switch pw[0] {
	case '$', '{', '<', '%', '[':
		return true
	}
	if bytes.Contains(pw, []byte("${")) || bytes.Contains(pw, []byte("{{")) || bytes.Contains(pw, []byte("***")) {
		return true
	}
	return placeholderSecrets[string(lowerASCII(pw))]
}

// urlUserInfo returns the user and password of scheme://user:password@host.
func urlUserInfo(b []byte) (user, password, host []byte, ok bool) {
	_, rest, found := bytes.Cut(b, []byte("://"))
	if !found {
		return nil, nil, nil, false
	}
	at := bytes.LastIndexByte(rest, '@')
	if at < 0 {
		return nil, nil, nil, false
	}
	user, password, found = bytes.Cut(rest[:at], []byte{':'})
	return user, password, rest[at+1:], found && len(rest) > at+1
}

// validURLCredentials checks a URL with user:password@: a host, and a
// password that is not a placeholder.
func validURLCredentials(b []byte) bool {
	_, pw, host, ok := urlUserInfo(b)
	return ok && len(host) > 0 && isAlnum(host[0]) && !isPlaceholderSecret(pw)
}

// validBasicAuth checks an HTTP Basic credential: either "Basic <base64>"
// decoding to printable "user:password" with a real password, or a URL
// with user:password@ (validURLCredentials).
func validBasicAuth(b []byte) bool {
	if bytes.Contains(b, []byte("://")) {
		return validURLCredentials(b)
	}
	i := bytes.LastIndexByte(b, ' ')
	if i < 0 {
		return false
	}
	enc := bytes.TrimRight(b[i+1:], "=")
	if len(enc)%4 == 1 {
		return false
	}
	dec := make([]byte, base64.RawStdEncoding.DecodedLen(len(enc)))
	n, err := base64.RawStdEncoding.Decode(dec, enc)
	if err != nil {
		return false
	}
	dec = dec[:n]
	for _, c := range dec {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	user, pw, found := bytes.Cut(dec, []byte{':'})
	return found && len(user) > 0 && !isPlaceholderSecret(pw)
}

// refineBasicAuth drops a "Basic <base64>" match that stops inside a
// longer base64 run (URL matches pass unchanged).
func refineBasicAuth(buf []byte, start, end int) (int, int, bool) {
	if bytes.Contains(buf[start:end], []byte("://")) {
		return start, end, true
	}
	if end < len(buf) && (isBase64Char(buf[end]) || buf[end] == '=') {
		return 0, 0, false
	}
	return start, end, true
}

// base62 is the digit alphabet of GitHub's token checksums.
const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// validGitHubToken checks a GitHub token. The classic formats
// (ghp_, gho_, ghu_, ghs_, ghr_ and 36 characters) end in a 6-character
// base62 CRC32 of the 30 random characters before it; fine-grained
// personal access tokens (github_pat_22_59) carry no public checksum and
// are checked for shape and randomness only.
func validGitHubToken(b []byte) bool {
	if bytes.HasPrefix(b, []byte("github_pat_")) {
		r := b[len("github_pat_"):]
		return len(r) == 82 && r[22] == '_' && distinct(r) >= 20
	}
	if len(b) != 40 || b[3] != '_' {
		return false
	}
	body, check := b[4:34], b[34:]
	v := uint64(0)
	for _, c := range check {
		i := bytes.IndexByte([]byte(base62), c)
		if i < 0 {
			return false
		}
		v = v*62 + uint64(i)
	}
	return v == uint64(crc32.ChecksumIEEE(body))
}

// validSlackToken checks a Slack token by its prefix:
//
//   - xoxa-, xoxb-, xoxo-, xoxp-, xoxr-, xoxs-: at least three
//     dash-separated parts after the prefix, the last of at least 16
//     characters of which at least eight are distinct (placeholders such as
//     xoxb-xxxx fail);
//   - xapp- (app-level token): a version digit, the app id (A and
//     upper-case letters or digits), a number and a secret of at least 32
//     letters and digits, at least eight distinct;
//   - xoxe- (refresh token), xoxe.xoxb-, xoxe.xoxp- (rotating access
//     tokens): a version digit and one payload, unpadded base64 of at least
//     64 letters and digits, at least 16 distinct.
func validSlackToken(b []byte) bool {
	switch {
	case bytes.HasPrefix(b, []byte("xoxe.xoxb-")), bytes.HasPrefix(b, []byte("xoxe.xoxp-")):
		return validSlackVersioned(b[len("xoxe.xoxb-"):])
	case bytes.HasPrefix(b, []byte("xoxe-")):
		return validSlackVersioned(b[len("xoxe-"):])
	case bytes.HasPrefix(b, []byte("xapp-")):
		parts := bytes.Split(b[len("xapp-"):], []byte{'-'})
		if len(parts) != 4 || !isSlackVersion(parts[0]) {
			return false
		}
		app, num, secret := parts[1], parts[2], parts[3]
		if len(app) < 8 || app[0] != 'A' || len(num) < 8 || !isAllDigits(num) || len(secret) < 32 || distinct(secret) < 8 {
			return false
		}
		for _, c := range app {
			if !isUpper(c) && !isDigit(c) {
				return false
			}
		}
		return isAllAlnum(secret)
	case len(b) < 5:
		return false
	}
	parts := bytes.Split(b[5:], []byte{'-'})
	last := parts[len(parts)-1]
	return len(parts) >= 3 && len(last) >= 16 && distinct(last) >= 8
}

// validSlackVersioned checks the part of a refresh or rotating Slack
// token after its prefix: a version digit, a dash and one payload of at
// least 64 letters and digits with at least 16 distinct.
func validSlackVersioned(b []byte) bool {
	v, payload, ok := bytes.Cut(b, []byte{'-'})
	return ok && isSlackVersion(v) && len(payload) >= 64 && isAllAlnum(payload) && distinct(payload) >= 16
}

// isSlackVersion reports whether b is the one-digit version of a Slack
// token format ("1" in xapp-1-…, xoxe-1-…).
func isSlackVersion(b []byte) bool { return len(b) == 1 && isDigit(b[0]) }

// isAllAlnum reports whether b is non-empty and holds only ASCII letters
// and digits.
func isAllAlnum(b []byte) bool {
	for _, c := range b {
		if !isAlnum(c) {
			return false
		}
	}
	return len(b) > 0
}

// validRandomTail checks that the part of a key after its last '_' or '/'
// has at least eight distinct characters: a live key is random, a
// placeholder (sk_live_xxxxxxxx…) is not.
func validRandomTail(b []byte) bool {
	i := bytes.LastIndexAny(b, "_/")
	return distinct(b[i+1:]) >= 8
}

// validDatabaseURL checks a database connection URL with a password: see
// validURLCredentials.
func validDatabaseURL(b []byte) bool { return validURLCredentials(b) }

// validGoogleAPIKey checks AIza and 35 characters with at least 10
// distinct ones.
func validGoogleAPIKey(b []byte) bool { return len(b) == 39 && distinct(b[4:]) >= 10 }

// lowerSchemeHost normalizes a URL with credentials for fingerprinting:
// scheme and host lower case, user and password as written.
func lowerSchemeHost(b []byte) []byte {
	out := bytes.Clone(b)
	if i := bytes.Index(out, []byte("://")); i >= 0 {
		copy(out, lowerASCII(out[:i]))
	}
	if at := bytes.LastIndexByte(out, '@'); at >= 0 && bytes.Contains(out, []byte("://")) {
		copy(out[at:], lowerASCII(out[at:]))
	}
	return out
}

// armorBody returns the key material of an armoured block (what follows
// the BEGIN line, blank lines and armour headers) and whether armour
// headers (Proc-Type, DEK-Info, Version, Comment …) were present.
func armorBody(b []byte) (body []byte, headers bool) {
	if !bytes.HasPrefix(b, []byte(pemBeginPrefix)) {
		return nil, false
	}
	i := bytes.Index(b[len(pemBeginPrefix):], []byte(pemDashes))
	if i < 0 {
		return nil, false
	}
	rest := b[len(pemBeginPrefix)+i+len(pemDashes):]
	n := skipArmorHeaders(rest)
	blank := 0
	for blank < n && (rest[blank] == '\n' || rest[blank] == '\r' || rest[blank] == ' ' || rest[blank] == '\t' || rest[blank] == '\\') {
		if rest[blank] == '\\' {
			blank++
		}
		blank++
	}
	return rest[n:], blank < n
}

// validPEMKey checks that a PEM private key's body is DER: base64 of an
// ASN.1 SEQUENCE always starts with M. A legacy encrypted key (Proc-Type
// and DEK-Info headers) holds ciphertext and is accepted as it is.
func validPEMKey(b []byte) bool {
	body, headers := armorBody(b)
	return headers || (len(body) > 0 && body[0] == 'M')
}

// validPGPKey checks that a PGP private key block's body starts with a
// secret-key packet: tag 5 in the old packet format (base64 'l') or the
// new one (base64 'x').
func validPGPKey(b []byte) bool {
	body, _ := armorBody(b)
	return len(body) > 0 && (body[0] == 'l' || body[0] == 'x')
}
