package configchecks

import "time"

// day is 24 hours; credential ages are counted in whole days.
const day = 24 * time.Hour

// olderThan reports whether t lies more than days days before st.ObservedAt.
func olderThan(st *State, t time.Time, days int) bool {
	return st.ObservedAt.Sub(t) > time.Duration(days)*day
}

// ageDays is the age of t at st.ObservedAt in whole days.
func ageDays(st *State, t time.Time) int {
	return int(st.ObservedAt.Sub(t) / day)
}

// firstTime returns the first non-nil time.
func firstTime(ts ...*time.Time) *time.Time {
	for _, t := range ts {
		if t != nil {
			return t
		}
	}
	return nil
}
