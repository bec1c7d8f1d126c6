// Package classifiers finds sensitive data in bytes. It holds the data
// identifiers, their validators, keyword context, the matching engine,
// redaction and keyed fingerprints. It does no I/O and imports nothing of
// Cairn's and nothing of AWS, so every rule tests in microseconds.
//
// An Engine (NewEngine) scans byte buffers: one go-re2 pattern set tells
// which identifiers can match in each block of the buffer, their own
// patterns then find positions only there, and Go validators, keyword
// context and confidence rules decide what is reported. Summarize folds
// matches into findings rows.
//
// Each identifier is one struct literal in the builtin table
// (identifiers.go). TestRegistry checks every entry against its own
// examples, and docs/identifiers.md is generated from the table by
// go test ./classifiers -run TestIdentifiersDoc -update.
package classifiers

// Category groups identifiers for reporting.
type Category string

// The identifier categories.
const (
	CategoryCredentials Category = "CREDENTIALS"
	CategoryFinancial   Category = "FINANCIAL"
	CategoryPersonal    Category = "PERSONAL"
	CategoryHealth      Category = "HEALTH"
)

// Confidence says how sure the engine is that a match is real, from the
// validator and the surrounding context, in the manner of Macie and Presidio.
type Confidence string

// The confidence levels, lowest first.
const (
	ConfidenceLow    Confidence = "LOW"
	ConfidenceMedium Confidence = "MEDIUM"
	ConfidenceHigh   Confidence = "HIGH"
)

// Rank orders confidences: LOW < MEDIUM < HIGH. Unknown values rank 0.
func (c Confidence) Rank() int {
	switch c {
	case ConfidenceLow:
		return 1
	case ConfidenceMedium:
		return 2
	case ConfidenceHigh:
		return 3
	}
	return 0
}

// Match is one occurrence of an identifier in a buffer. It never carries
// the raw value: only its redacted form and keyed fingerprint.
type Match struct {
	Identifier  string     // upper-snake id, e.g. CREDIT_CARD_NUMBER
	Category    Category   // category of the identifier
	Confidence  Confidence // from validator and context
	Start, End  int        // byte offsets of the value in the scanned buffer
	Redacted    string     // e.g. "4111 **** **** 1111"
	Fingerprint string     // hex HMAC-SHA256 of the normalised value

	rank uint64 // the value's rank in fingerprint sketches (sketch.go)
}
