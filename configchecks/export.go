package configchecks

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// CSVHeader is the header row WriteCSV writes: the control_results columns.
var CSVHeader = []string{
	"account_id", "observed_at", "check_id", "title", "cis_ids", "soc2_criteria", "severity",
	"status", "status_extended", "resource_arn", "region", "evidence_json", "finding_uid",
}

// WriteCSV writes results as CSV with CSVHeader; list columns are joined with ";" and
// observed_at is RFC 3339 UTC with milliseconds.
func WriteCSV(w io.Writer, results []Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("configchecks: write csv: %w", err)
	}
	for _, r := range results {
		rec := []string{
			r.AccountID, formatTime(r.ObservedAt), r.CheckID, r.Title, strings.Join(r.CIS, ";"),
			strings.Join(r.SOC2, ";"), string(r.Severity), string(r.Status), r.StatusExtended,
			r.ResourceARN, r.Region, r.Evidence, r.FindingUID,
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("configchecks: write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("configchecks: write csv: %w", err)
	}
	return nil
}

// WriteJSONLines writes one JSON object per result and line, with the field names of
// the control_results table; evidence_json stays a JSON string.
func WriteJSONLines(w io.Writer, results []Result) error {
	enc := json.NewEncoder(w)
	for _, r := range results {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("configchecks: write json: %w", err)
		}
	}
	return nil
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
