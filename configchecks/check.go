package configchecks

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Status is the outcome of a check for one resource.
type Status string

// Check statuses, as written to the control_results table.
const (
	// StatusPass: the resource meets the requirement.
	StatusPass Status = "PASS"
	// StatusFail: the resource does not meet the requirement.
	StatusFail Status = "FAIL"
	// StatusError: the state needed to decide could not be read (the reason is in
	// StatusExtended). Never a PASS in disguise.
	StatusError Status = "ERROR"
	// StatusNotApplicable: there is nothing the requirement applies to (no buckets …).
	StatusNotApplicable Status = "NOT_APPLICABLE"
	// StatusManual: Cairn cannot decide from the API; StatusExtended holds the audit
	// procedure a person should follow.
	StatusManual Status = "MANUAL"
)

// Statuses lists every status, worst first (the order of the terminal summary).
var Statuses = []Status{StatusFail, StatusError, StatusManual, StatusPass, StatusNotApplicable}

// Severity ranks how much a failed check matters.
type Severity string

// Severities, most severe first.
const (
	SeverityCritical Severity = "critical"
	SeverityHigh     Severity = "high"
	SeverityMedium   Severity = "medium"
	SeverityLow      Severity = "low"
	SeverityInfo     Severity = "informational"
)

// Severities lists every severity, most severe first.
var Severities = []Severity{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow, SeverityInfo}

// Category groups checks for the SOC 2 control table and the summary.
type Category string

// Check categories.
const (
	CategoryIAM          Category = "iam"
	CategoryNetwork      Category = "network"
	CategoryData         Category = "data"
	CategoryLogging      Category = "logging"
	CategoryMonitoring   Category = "monitoring"
	CategoryThreat       Category = "threat-detection"
	CategoryAvailability Category = "availability"
)

// Remediation tells how to fix a failed check.
type Remediation struct {
	// Console is the steps in the AWS console.
	Console string
	// CLI is the AWS CLI command(s).
	CLI string
}

// Check is one control: its metadata and a pure function over the account state.
// A check lives in its own file and registers itself with
// `var _ = register(Check{...})`.
type Check struct {
	// ID is the stable identifier, lower-case dotted (iam.root_mfa). It is part of
	// every result's finding_uid: never rename one.
	ID       string
	Title    string
	Severity Severity
	Category Category
	// CIS lists the CIS AWS Foundations Benchmark requirements the check
	// evaluates, as "VERSION:ID" ("5.0:1.4", "6.0:2.4", "7.0:2.5"). Every version
	// of the catalogue that has the requirement must be listed.
	CIS []string
	// SOC2 lists the SOC 2 trust services criteria the check supports (CC6.1 …).
	SOC2 []string
	// Rationale says why the control matters.
	Rationale string
	// Remediation says how to fix a failure.
	Remediation Remediation
	// Permissions are the IAM actions whose results the check reads.
	Permissions []string
	// Evaluate returns one result per resource the check applies to. It fills
	// Status, StatusExtended, ResourceARN, Region and Evidence; Run fills the rest.
	// It returns nothing when there is nothing to check (Run then reports
	// NOT_APPLICABLE). It must not modify st.
	Evaluate func(st *State) []Result
}

// Result is one row of the control_results table: the outcome of one check for one
// resource.
type Result struct {
	CheckID    string    `json:"check_id"`
	Title      string    `json:"title"`
	CIS        []string  `json:"cis_ids"`
	SOC2       []string  `json:"soc2_criteria"`
	Severity   Severity  `json:"severity"`
	Category   Category  `json:"category"`
	AccountID  string    `json:"account_id"`
	ObservedAt time.Time `json:"observed_at"`
	Status     Status    `json:"status"`
	// StatusExtended is one sentence saying what was observed (or, for MANUAL, how
	// to audit).
	StatusExtended string `json:"status_extended"`
	ResourceARN    string `json:"resource_arn"`
	// Region is the resource's region, "global" for global resources.
	Region string `json:"region"`
	// Evidence is the API fields the decision rests on, as a JSON object.
	Evidence string `json:"evidence_json"`
	// FindingUID is FindingUID(CheckID, AccountID, Region, ResourceARN).
	FindingUID string `json:"finding_uid"`
}

// GlobalRegion is the Region of results about global resources (IAM, the account).
const GlobalRegion = "global"

// registry holds every check, in registration order; All returns it sorted by id.
var registry []Check

// register adds c to the registry. It is called from package-level variable
// initializers (`var _ = register(Check{...})`), one per check file. It panics on an
// empty or duplicate id or a missing Evaluate, so a bad check fails every test run.
func register(c Check) struct{} {
	if c.ID == "" || c.Evaluate == nil {
		panic(fmt.Sprintf("configchecks: register %q: id and Evaluate are required", c.ID))
	}
	for _, o := range registry {
		if o.ID == c.ID {
			panic("configchecks: register: duplicate check id " + c.ID)
		}
	}
	registry = append(registry, c)
	return struct{}{}
}

// All returns every registered check, sorted by id. The slice is a copy.
func All() []Check {
	out := slices.Clone(registry)
	slices.SortFunc(out, func(a, b Check) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// Run evaluates every registered check against st, then adds one MANUAL row for each
// CIS requirement of the catalogue that no check evaluates (ManualRows). Results are
// ordered by check id, then region, then resource. A check that panics yields an
// ERROR result; one that returns nothing yields NOT_APPLICABLE.
func Run(st *State) []Result {
	var out []Result
	for _, c := range All() {
		out = append(out, runCheck(c, st)...)
	}
	out = append(out, ManualRows(st)...)
	return out
}

// RunOnly evaluates the registered checks that keep selects against st, in id
// order, with no MANUAL rows. The window report uses it to evaluate the data.*
// checks of a sharded run over a DataScan rebuilt from the merged history.
func RunOnly(st *State, keep func(Check) bool) []Result {
	var out []Result
	for _, c := range All() {
		if keep(c) {
			out = append(out, runCheck(c, st)...)
		}
	}
	return out
}

// IsDataCheck reports whether the check with this id is data-aware: it reads
// the run's classification (State.DataScan), which no single shard of a
// sharded run sees whole.
func IsDataCheck(id string) bool { return strings.HasPrefix(id, "data.") }

// runCheck evaluates one check and completes its results.
func runCheck(c Check, st *State) (rs []Result) {
	defer func() {
		if p := recover(); p != nil {
			rs = []Result{complete(c, st, Result{
				Status:         StatusError,
				StatusExtended: fmt.Sprintf("The check failed internally (%v); the requirement was not evaluated.", p),
				ResourceARN:    st.AccountARN(),
				Region:         GlobalRegion,
			})}
		}
	}()
	rs = c.Evaluate(st)
	if len(rs) == 0 {
		rs = []Result{{
			Status:         StatusNotApplicable,
			StatusExtended: "No resource this check applies to was found.",
			ResourceARN:    st.AccountARN(),
			Region:         GlobalRegion,
		}}
	}
	for i := range rs {
		rs[i] = complete(c, st, rs[i])
	}
	slices.SortStableFunc(rs, func(a, b Result) int {
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.ResourceARN, b.ResourceARN))
	})
	return rs
}

// complete fills in a check's metadata and the identifiers of r.
func complete(c Check, st *State, r Result) Result {
	r.CheckID = c.ID
	r.Title = c.Title
	r.CIS = slices.Clone(c.CIS)
	r.SOC2 = slices.Clone(c.SOC2)
	r.Severity = c.Severity
	r.Category = c.Category
	r.AccountID = st.AccountID
	r.ObservedAt = st.ObservedAt
	if r.Region == "" {
		r.Region = GlobalRegion
	}
	if r.ResourceARN == "" {
		r.ResourceARN = st.AccountARN()
	}
	if r.Evidence == "" {
		r.Evidence = "{}"
	}
	r.FindingUID = FindingUID(r.CheckID, r.AccountID, r.Region, r.ResourceARN)
	return r
}

// FindingUID is the stable identifier of a (check, account, region, resource): the
// first 32 hex digits of the SHA-256 of the four values joined by NUL bytes. It is
// the same in every scan, so results can be followed over time.
func FindingUID(checkID, accountID, region, resourceARN string) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{checkID, accountID, region, resourceARN}, "\x00")))
	return hex.EncodeToString(sum[:16])
}

// Evidence renders v (normally a map or struct of the API fields observed) as a JSON
// object for Result.Evidence. Map keys come out sorted, so the text is stable.
func Evidence(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf(`{"evidence_error":%q}`, err.Error())
	}
	return string(b)
}

// ev is shorthand for an evidence map.
type ev = map[string]any

// result builds a result for a check's Evaluate.
func result(status Status, resource, region string, evidence any, format string, args ...any) Result {
	return Result{
		Status:         status,
		StatusExtended: fmt.Sprintf(format, args...),
		ResourceARN:    resource,
		Region:         region,
		Evidence:       Evidence(evidence),
	}
}

// unknownResult is the ERROR result for state that could not be read: what is
// unknown and why.
func unknownResult(resource, region, what, reason string) Result {
	return result(StatusError, resource, region, ev{"unknown": what, "reason": reason},
		"Could not read %s (%s); the requirement was not evaluated.", what, reason)
}
