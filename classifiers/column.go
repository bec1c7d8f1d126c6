package classifiers

import "bytes"

// Column verdicts. A value-level match says "this cell holds an SSN"; a
// reader that samples a column (a CSV column, a database column, a
// DynamoDB attribute) can also say "this column holds SSNs" when most of
// its sampled values match, which is what a data map reports. ColumnStats
// is that small, shared rule, so every reader applies it the same way.

// Column verdict thresholds.
const (
	// MinColumnMatches is the fewest matching values that make a column
	// sensitive, so that two stray values in a tiny sample do not.
	MinColumnMatches = 3
)

// ColumnStats counts, for one column and one identifier (or any
// identifier, as the caller chooses), the sampled non-empty values and
// how many of them matched. The zero value is ready to use; it is not safe
// for concurrent use.
type ColumnStats struct {
	Values  int // non-empty values seen
	Matched int // of those, values with at least one match
}

// Add counts one sampled value: empty or all-whitespace values are not
// counted at all, so a sparse column is judged on what it holds.
func (c *ColumnStats) Add(value []byte, matched bool) {
	if len(bytes.TrimSpace(value)) == 0 {
		return
	}
	c.Values++
	if matched {
		c.Matched++
	}
}

// Sensitive reports whether the column as a whole counts as sensitive: at
// least MinColumnMatches matching values, and at least half of the
// non-empty values match.
func (c ColumnStats) Sensitive() bool {
	return c.Matched >= MinColumnMatches && 2*c.Matched >= c.Values
}
