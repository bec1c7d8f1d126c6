package configchecks

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// FrameworkSummary rolls results up to the requirements of one framework.
type FrameworkSummary struct {
	// Framework is "CIS 5.0", "CIS 6.0", "CIS 7.0" or "SOC 2".
	Framework string
	// Requirements is the number of requirements (CIS) or criteria (SOC 2) with at
	// least one result.
	Requirements int
	// ByStatus counts requirements by their rolled-up status: the worst status of
	// their results, in the order of Statuses (FAIL, ERROR, MANUAL, PASS,
	// NOT_APPLICABLE).
	ByStatus map[Status]int
}

// statusRank orders statuses worst first, as in Statuses.
func statusRank(s Status) int {
	if i := slices.Index(Statuses, s); i >= 0 {
		return i
	}
	return len(Statuses)
}

// worse returns the worse of two statuses.
func worse(a, b Status) Status {
	if a == "" || statusRank(b) < statusRank(a) {
		return b
	}
	return a
}

// Summarize rolls results up per framework: CIS v5.0, v6.0, v7.0 (by requirement id)
// and SOC 2 (by criterion).
func Summarize(results []Result) []FrameworkSummary {
	rolled := map[string]map[string]Status{} // framework → requirement → status
	add := func(fw, req string, s Status) {
		if rolled[fw] == nil {
			rolled[fw] = map[string]Status{}
		}
		rolled[fw][req] = worse(rolled[fw][req], s)
	}
	for _, r := range results {
		for _, ref := range r.CIS {
			if v, id, ok := strings.Cut(ref, ":"); ok {
				add("CIS "+v, id, r.Status)
			}
		}
		for _, c := range r.SOC2 {
			add("SOC 2", c, r.Status)
		}
	}
	var out []FrameworkSummary
	for _, fw := range append(cisFrameworks(), "SOC 2") {
		s := FrameworkSummary{Framework: fw, ByStatus: map[Status]int{}}
		for _, st := range rolled[fw] {
			s.Requirements++
			s.ByStatus[st]++
		}
		out = append(out, s)
	}
	return out
}

func cisFrameworks() []string {
	var out []string
	for _, v := range CISVersions {
		out = append(out, "CIS "+v)
	}
	return out
}

// WriteSummary writes summaries as an aligned text table, one line per framework,
// for the terminal.
func WriteSummary(w io.Writer, sums []FrameworkSummary) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "FRAMEWORK\tREQUIREMENTS")
	for _, s := range Statuses {
		fmt.Fprintf(tw, "\t%s", s)
	}
	fmt.Fprintln(tw)
	for _, s := range sums {
		fmt.Fprintf(tw, "%s\t%d", s.Framework, s.Requirements)
		for _, st := range Statuses {
			fmt.Fprintf(tw, "\t%d", s.ByStatus[st])
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("configchecks: write summary: %w", err)
	}
	return nil
}
