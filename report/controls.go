package report

import (
	"time"

	"github.com/cairnsec/cairn/configchecks"
)

// TableControlResults is the name of the control_results table: one row per
// (check, resource) of a scan's configuration checks.
const TableControlResults = "control_results"

// ControlResultRow is one row of the control_results table (DESIGN.md). Column names
// are part of the public contract. Lists are Parquet LISTs; observed_at is UTC
// milliseconds, NULL when unknown.
type ControlResultRow struct {
	ScanID     string    `parquet:"scan_id"`
	AccountID  string    `parquet:"account_id"`
	ObservedAt time.Time `parquet:"observed_at,optional,timestamp(millisecond)"`
	CheckID    string    `parquet:"check_id"`
	Title      string    `parquet:"title"`
	// CISIDs are "VERSION:ID" ("5.0:2.1.4").
	CISIDs []string `parquet:"cis_ids,list"`
	// SOC2Criteria are trust services criteria ("CC6.1").
	SOC2Criteria []string `parquet:"soc2_criteria,list"`
	Severity     string   `parquet:"severity"` // critical, high, medium, low, informational
	Status       string   `parquet:"status"`   // PASS, FAIL, ERROR, NOT_APPLICABLE, MANUAL
	// StatusExtended is one sentence on what was observed (MANUAL: the audit procedure).
	StatusExtended string `parquet:"status_extended"`
	ResourceARN    string `parquet:"resource_arn"`
	Region         string `parquet:"region"` // "global" for global resources
	// EvidenceJSON is the API fields the decision rests on, as a JSON object.
	EvidenceJSON string `parquet:"evidence_json"`
	// FindingUID is stable across scans for the same check, account, region and resource.
	FindingUID string `parquet:"finding_uid"`
}

// ControlResultRows converts check results (configchecks.Run) into rows of scan scanID.
func ControlResultRows(scanID string, results []configchecks.Result) []ControlResultRow {
	rows := make([]ControlResultRow, 0, len(results))
	for _, r := range results {
		rows = append(rows, ControlResultRow{
			ScanID:         scanID,
			AccountID:      r.AccountID,
			ObservedAt:     r.ObservedAt.UTC().Truncate(time.Millisecond),
			CheckID:        r.CheckID,
			Title:          r.Title,
			CISIDs:         r.CIS,
			SOC2Criteria:   r.SOC2,
			Severity:       string(r.Severity),
			Status:         string(r.Status),
			StatusExtended: r.StatusExtended,
			ResourceARN:    r.ResourceARN,
			Region:         r.Region,
			EvidenceJSON:   r.Evidence,
			FindingUID:     r.FindingUID,
		})
	}
	return rows
}
