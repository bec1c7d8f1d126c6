package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/cairnsec/cairn/configchecks"
)

// AuditOptions are the parts of a window report that the caller chooses.
type AuditOptions struct {
	// Organization names the audited organisation on the cover.
	Organization string
	// From and To are the observation window, inclusive UTC dates.
	From, To time.Time
	// GeneratedAt is printed on the cover and used as the PDF's dates. Zero
	// means the newest scan's finish (or start) time, so that the same
	// history always gives the same report.
	GeneratedAt time.Time
	// ToolVersion is the version of the Cairn writing the report.
	ToolVersion string
	// Identifiers are the data identifiers the scans search for; empty
	// means those found in the window.
	Identifiers []string
	// Remediation maps a check id to how to fix a failure of it.
	Remediation map[string]string
	// Title overrides the report's title ("Cairn evidence report").
	Title string
}

// SOC2Version names the edition of the criteria the report maps to.
const SOC2Version = "AICPA Trust Services Criteria 2017 (revised points of focus, 2022)"

// RequiredCriteria always get a section in a window report, even when no
// control of the window maps to them.
var RequiredCriteria = []string{"CC6.1", "CC6.6", "CC6.7", "C1.1", "C1.2", "CC7.2"}

// MaxAuditExceptions caps the exceptions listed per criterion; the count of
// those left out is kept.
const MaxAuditExceptions = 500

// Cell values of the day × control grid besides the control statuses.
const (
	GridNotRun = ""        // the day's scans did not evaluate the control
	GridNA     = "N/A"     // NOT_APPLICABLE
	GridNoScan = "NO_SCAN" // no scan of any account in the report that day
	// GridPartial ends a cell of a day on which some account of the report
	// had no scan (none, or only a FAILED one): "PASS*" is the worst status of
	// the accounts scanned that day, and says nothing of the others.
	GridPartial = "*"
)

// MaxGridWindowDays is the longest window whose every day gets a grid
// column; a longer window's grid has its scan days only.
const MaxGridWindowDays = 400

// AuditReport is the document model of a window report: plain values built
// from the history rows by BuildAuditReport and drawn by WriteAuditPDF. It
// holds no raw sensitive value: the window report reads counts, never
// examples or fingerprints.
type AuditReport struct {
	Title     string             `json:"title"`
	Cover     AuditCover         `json:"cover"`
	Scope     AuditScope         `json:"scope"`
	Summary   AuditSummary       `json:"summary"`
	Criteria  []CriterionSection `json:"criteria"`
	Inventory AuditInventory     `json:"inventory"`
	// Evidence lists every history file the report was built from.
	Evidence []EvidenceFile `json:"evidence"`
}

// AuditCover is the cover page.
type AuditCover struct {
	Organization string    `json:"organization"`
	Accounts     []string  `json:"accounts"`
	Regions      []string  `json:"regions"`
	From         string    `json:"from"`
	To           string    `json:"to"`
	GeneratedAt  time.Time `json:"generated_at"`
	ToolVersion  string    `json:"tool_version"`
	// ScanVersions are the Cairn versions that ran the scans.
	ScanVersions []string `json:"scan_versions"`
	Scans        int      `json:"scans"`
	ScanDays     int      `json:"scan_days"`
}

// AuditScope is the scope and method section.
type AuditScope struct {
	Services    []string    `json:"services"`
	Sampling    []KeyValue  `json:"sampling"`
	Identifiers []string    `json:"identifiers"`
	CISVersions []string    `json:"cis_versions"`
	SOC2Version string      `json:"soc2_version"`
	Scans       []ScanEntry `json:"scans"`
	Limits      []string    `json:"limits"`
}

// KeyValue is a labelled value.
type KeyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ScanEntry is one scan of the window.
type ScanEntry struct {
	ScanID     string    `json:"scan_id"`
	AccountID  string    `json:"account_id"`
	Day        string    `json:"day"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Status     string    `json:"status"`
	Assets     int64     `json:"assets"`
	Objects    int64     `json:"objects"`
	NotRead    int       `json:"not_read"`
	Findings   int64     `json:"findings"`
}

// AuditSummary is the executive summary: headline figures and bar charts.
type AuditSummary struct {
	Figures []KeyValue `json:"figures"`
	Charts  []Chart    `json:"charts"`
}

// Chart is a horizontal bar chart. Max is the scale's full length (100 for
// percentages); zero means the largest bar.
type Chart struct {
	Title string  `json:"title"`
	Max   float64 `json:"max,omitempty"`
	Bars  []Bar   `json:"bars"`
}

// Bar is one bar of a chart; Text is its printed value.
type Bar struct {
	Label string  `json:"label"`
	Value float64 `json:"value"`
	Text  string  `json:"text"`
	// Alert bars are drawn in the warning colour.
	Alert bool `json:"alert,omitempty"`
}

// CriterionSection is the evidence for one trust services criterion.
type CriterionSection struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Narrative string `json:"narrative"`
	// Controls are the checks mapped to the criterion that ran in the window.
	Controls []ControlLine `json:"controls"`
	// Days are the days of the window, with or without a scan (only the
	// scan days when the window is longer than MaxGridWindowDays); Grid has
	// one cell per day.
	Days []string  `json:"days"`
	Grid []GridRow `json:"grid"`
	// Exceptions are the FAIL and ERROR results, one per (control,
	// resource, status) with the days it was seen.
	Exceptions        []Exception `json:"exceptions"`
	ExceptionsOmitted int         `json:"exceptions_omitted,omitempty"`
	Remediation       []KeyValue  `json:"remediation"`
}

// ControlLine is one control mapped to a criterion, with its results over
// the window (one result per resource per scan).
type ControlLine struct {
	CheckID  string   `json:"check_id"`
	Title    string   `json:"title"`
	Severity string   `json:"severity"`
	CIS      []string `json:"cis,omitempty"`
	// Source is "check" for a configuration check, "data" for a control
	// Cairn derives from the data inventory.
	Source string `json:"source"`
	Pass   int    `json:"pass"`
	Fail   int    `json:"fail"`
	Error  int    `json:"error"`
	Other  int    `json:"other"`
}

// GridRow is one control's status per day: the worst of its results that
// day over every account scanned (FAIL, ERROR, PASS, MANUAL, N/A), followed by
// GridPartial when some account of the report was not scanned that day; or
// GridNotRun, or GridNoScan.
type GridRow struct {
	CheckID string   `json:"check_id"`
	Cells   []string `json:"cells"`
}

// Exception is a control that failed, or could not be evaluated, for one
// resource on the listed days.
type Exception struct {
	CheckID  string   `json:"check_id"`
	Status   string   `json:"status"`
	Resource string   `json:"resource"`
	Detail   string   `json:"detail"`
	Dates    []string `json:"dates"`
}

// AuditInventory is where each class of sensitive data lives, as of each
// store's latest scan in the window.
type AuditInventory struct {
	// Source is the table encryption and exposure come from: "exposures"
	// or "assets".
	Source string         `json:"source"`
	Note   string         `json:"note,omitempty"`
	Rows   []InventoryRow `json:"rows"`
}

// InventoryRow is one (data class, store).
type InventoryRow struct {
	Class      string `json:"class"`
	Category   string `json:"category"`
	Store      string `json:"store"`
	Service    string `json:"service"`
	Region     string `json:"region"`
	Encryption string `json:"encryption"`
	Public     bool   `json:"public"`
	// PublicDays are the scan days the store was publicly accessible.
	PublicDays []string `json:"public_days"`
	Locations  int      `json:"locations"`
	Matches    int64    `json:"matches"`
	LastSeen   string   `json:"last_seen"`
}

// Derived controls: checks Cairn evaluates from its own data inventory, for
// each store holding sensitive data in each scan.
const (
	CheckSensitiveNotPublic = "data.sensitive_not_public"
	CheckSensitiveEncrypted = "data.sensitive_encrypted"
	CheckStoresRead         = "data.stores_fully_read"
)

type derivedControl struct {
	id, title, severity, remediation string
	soc2                             []string
}

var derivedControls = []derivedControl{
	{CheckSensitiveNotPublic, "Data stores holding sensitive data are not publicly accessible", "critical",
		"Block public access to the store (S3: turn on Block Public Access and remove public grants from the bucket policy and ACLs), or move the sensitive data out of it.",
		[]string{"CC6.1", "CC6.6", "CC6.7", "C1.1"}},
	{CheckSensitiveEncrypted, "Data stores holding sensitive data are encrypted at rest", "high",
		"Turn on default encryption (SSE-KMS with a customer managed key for confidential data) and re-encrypt existing objects or snapshots.",
		[]string{"CC6.1", "CC6.7", "C1.1"}},
	{CheckStoresRead, "Every data store was examined completely", "medium",
		"Grant Cairn's read-only role the missing permissions (see the reasons), restore archived objects to be sampled, or record the store as out of scope.",
		[]string{"C1.1", "C1.2"}},
}

// criterionNarrative says what Cairn's evidence shows for each criterion.
var criterionNarrative = map[string]string{
	"CC6.1": "Logical access to information assets. Evidence: configuration checks of identity, network and storage access, and whether stores holding sensitive data are public or unencrypted.",
	"CC6.6": "Protection against threats from outside the system boundary. Evidence: public access to data stores, network exposure of administration ports and account-wide public access blocks.",
	"CC6.7": "Restriction of the transmission, movement and removal of information. Evidence: encryption at rest and in transit, key management, and whether stores with sensitive data are open to removal by anyone.",
	"C1.1":  "Identification and maintenance of confidential information. Evidence: the data inventory below, built from sampling every store in scope, and the controls that keep those stores private and encrypted.",
	"C1.2":  "Disposal of confidential information. Evidence: where confidential data is still held on each scan day (data inventory), so retention and disposal can be checked against policy, and whether every store could be examined.",
	"CC7.2": "Monitoring of system components for anomalies. Evidence: CloudTrail, CloudWatch metric filters and alarms, and flow logs.",
}

// statusRank orders statuses for the grid: the worst wins.
func statusRank(s string) int {
	switch s {
	case "FAIL":
		return 5
	case "ERROR":
		return 4
	case "PASS":
		return 3
	case "MANUAL":
		return 2
	case "NOT_APPLICABLE":
		return 1
	}
	return 0
}

// assetKey names a store in one scan of one account.
type assetKey struct{ scan, account, arn string }

// storeKey names a store across the scans of its account.
type storeKey struct{ account, arn string }

// scanAccount names one account's part of a scan: an --org run writes many
// accounts under one scan id.
type scanAccount struct{ scan, account string }

// result is one control outcome for one resource in one scan: a row of
// control_results or a derived control.
type result struct {
	checkID, title, severity, source string
	cis, soc2                        []string
	status, detail, resource, day    string
	scanID, account                  string
}

// BuildAuditReport turns the rows of a window into the document model. It is
// a pure function of its arguments: the same rows give the same model.
func BuildAuditReport(d AuditData, o AuditOptions) *AuditReport {
	r := &AuditReport{Title: cmp.Or(o.Title, "Cairn evidence report")}
	// One day per run: every account (and shard) of a run is dated by the
	// run's day, so an --org run that crosses midnight is on one day.
	scanDay := maps.Clone(d.RunDays)
	if scanDay == nil {
		scanDay = map[string]string{}
	}
	for _, s := range d.Scans {
		if _, ok := d.RunDays[s.ScanID]; ok {
			continue
		}
		day := s.StartedAt.UTC().Format(time.DateOnly)
		if s.StartedAt.IsZero() {
			day = o.From.UTC().Format(time.DateOnly)
		}
		if prev, ok := scanDay[s.ScanID]; !ok || day < prev {
			scanDay[s.ScanID] = day
		}
	}
	isLatest := latestObservations(d)
	days := sortedSet(slices.Collect(maps.Values(scanDay)))

	r.Cover = buildCover(d, o, days)
	grid := gridDays(d, o, scanDay, days)
	r.Scope = buildScope(d, o, scanDay)

	// Sensitive data per (scan, asset): classes from the asset row and its
	// findings, encryption and exposure from the exposures table if any.
	classes := map[assetKey][]string{}
	for _, a := range d.Assets {
		k := assetKey{a.ScanID, a.AccountID, a.AssetARN}
		classes[k] = append(classes[k], a.DataClasses...)
	}
	for _, f := range d.Findings {
		k := assetKey{f.ScanID, f.AccountID, f.AssetARN}
		classes[k] = append(classes[k], f.Identifier)
	}
	for k, c := range classes {
		classes[k] = sortedSet(c)
	}
	exposure := map[assetKey]ExposureRecord{}
	for _, e := range d.Exposures {
		exposure[assetKey{e.ScanID, e.AccountID, e.AssetARN}] = e
	}
	source := "assets"
	if len(d.Exposures) > 0 {
		source = "exposures"
	}
	type posture struct {
		public     bool
		encryption string
	}
	postureOf := func(a AssetRow) posture {
		if e, ok := exposure[assetKey{a.ScanID, a.AccountID, a.AssetARN}]; ok {
			return posture{e.Public, e.Encryption}
		}
		return posture{a.Public, a.Encryption}
	}
	// classOf is the store's exposure and encryption class as the exposures
	// table names them (report/exposures.go), from its exposures row if any,
	// else from the assets row.
	classOf := func(a AssetRow) (exposureClass, encryptionClass string) {
		e, ok := exposure[assetKey{a.ScanID, a.AccountID, a.AssetARN}]
		switch {
		case ok && e.Exposure != "":
			exposureClass = e.Exposure
		case a.Public || (ok && e.Public):
			exposureClass = ExposurePublic
		case strings.HasPrefix(a.PublicReason, "UNKNOWN"):
			exposureClass = ExposureUnknown
		default:
			exposureClass = ExposurePrivate
		}
		enc := a.Encryption
		if ok {
			enc = e.Encryption
		}
		switch strings.ToUpper(enc) {
		case ProtectionNone:
			encryptionClass = ProtectionNone
		case "", ProtectionUnknown:
			encryptionClass = ProtectionUnknown
		default:
			encryptionClass = enc
		}
		return exposureClass, encryptionClass
	}

	// Every control outcome of the window: the check rows, then the
	// controls derived from the stores.
	var results []result
	// ran[(scan, account)][check]: that account's control_results of the
	// scan already hold the check (the scanner's data.* checks); the report
	// then derives nothing for it in that account. Another account of the
	// same --org run may lack them (its checks did not run).
	ran := map[scanAccount]map[string]bool{}
	for _, c := range d.Controls {
		k := scanAccount{c.ScanID, c.AccountID}
		if ran[k] == nil {
			ran[k] = map[string]bool{}
		}
		ran[k][c.CheckID] = true
		results = append(results, result{
			checkID: c.CheckID, title: c.Title, severity: c.Severity, source: "check",
			cis: c.CISIDs, soc2: c.SOC2Criteria, status: c.Status, detail: c.StatusExtended,
			resource: c.ResourceARN, day: scanDay[c.ScanID], scanID: c.ScanID, account: c.AccountID,
		})
	}
	for _, a := range d.Assets {
		ak := assetKey{a.ScanID, a.AccountID, a.AssetARN}
		sensitive := len(classes[ak]) > 0
		p := postureOf(a)
		add := func(dc derivedControl, status, detail string) {
			if ran[scanAccount{a.ScanID, a.AccountID}][dc.id] {
				return
			}
			results = append(results, result{
				checkID: dc.id, title: dc.title, severity: dc.severity, source: "data", soc2: dc.soc2,
				status: status, detail: detail, resource: a.AssetARN, day: scanDay[a.ScanID], scanID: a.ScanID, account: a.AccountID,
			})
		}
		name := cmp.Or(a.Name, a.AssetARN)
		if sensitive {
			cls := strings.Join(classes[ak], ", ")
			switch {
			case strings.HasPrefix(a.PublicReason, "UNKNOWN"):
				add(derivedControls[0], "ERROR", fmt.Sprintf("Whether %s is public could not be determined (%s); it holds %s.", name, a.PublicReason, cls))
			case p.public:
				add(derivedControls[0], "FAIL", fmt.Sprintf("%s is publicly accessible (%s) and holds %s.", name, cmp.Or(a.PublicReason, "public"), cls))
			default:
				add(derivedControls[0], "PASS", fmt.Sprintf("%s holds %s and is not publicly accessible.", name, cls))
			}
			switch enc := strings.ToUpper(p.encryption); enc {
			case "NONE":
				add(derivedControls[1], "FAIL", fmt.Sprintf("%s is not encrypted at rest and holds %s.", name, cls))
			case "", "UNKNOWN":
				add(derivedControls[1], "ERROR", fmt.Sprintf("The encryption of %s could not be determined; it holds %s.", name, cls))
			default:
				add(derivedControls[1], "PASS", fmt.Sprintf("%s is encrypted at rest (%s).", name, p.encryption))
			}
		}
		if a.Status == "COMPLETE" {
			add(derivedControls[2], "PASS", fmt.Sprintf("%s was examined completely.", name))
		} else {
			add(derivedControls[2], "ERROR", fmt.Sprintf("%s was not examined completely: %s %s.", name, a.Status, cmp.Or(a.Reason, "(no reason recorded)")))
		}
	}

	remediation := maps.Clone(o.Remediation)
	if remediation == nil {
		remediation = map[string]string{}
	}
	for _, dc := range derivedControls {
		remediation[dc.id] = dc.remediation
	}

	// Criteria: the required ones, then any other that a control maps to,
	// in the order of the Trust Services Criteria.
	mapped := map[string]bool{}
	for _, res := range results {
		for _, c := range res.soc2 {
			mapped[c] = true
		}
	}
	var criteria []string
	for _, c := range configchecks.SOC2Criteria {
		if slices.Contains(RequiredCriteria, c.ID) || mapped[c.ID] {
			criteria = append(criteria, c.ID)
		}
	}
	for _, id := range criteria {
		r.Criteria = append(r.Criteria, buildCriterion(id, results, grid, remediation))
	}

	post := func(a AssetRow) (bool, string) {
		p := postureOf(a)
		return p.public, p.encryption
	}
	r.Summary = buildSummary(d, r, results, days, classes, isLatest, classOf)
	r.Inventory = buildInventory(d, isLatest, scanDay, post)
	r.Inventory.Source = source
	r.Inventory.Note = d.ExposuresNote
	r.Evidence = slices.Clone(d.Evidence)
	if r.Evidence == nil {
		r.Evidence = []EvidenceFile{}
	}
	return r
}

func buildCover(d AuditData, o AuditOptions, days []string) AuditCover {
	c := AuditCover{
		Organization: o.Organization,
		From:         o.From.UTC().Format(time.DateOnly),
		To:           o.To.UTC().Format(time.DateOnly),
		ToolVersion:  o.ToolVersion,
		Scans:        len(d.Scans),
		ScanDays:     len(days),
		GeneratedAt:  o.GeneratedAt.UTC(),
	}
	var accounts, regions, versions []string
	for _, s := range d.Scans {
		accounts = append(accounts, s.AccountID)
		regions = append(regions, s.Regions...)
		versions = append(versions, s.ToolVersion)
		if o.GeneratedAt.IsZero() {
			t := cmp.Or(s.FinishedAt, s.StartedAt)
			if t.After(c.GeneratedAt) {
				c.GeneratedAt = t.UTC()
			}
		}
	}
	for _, a := range d.Assets {
		regions = append(regions, a.Region)
	}
	c.Accounts, c.Regions, c.ScanVersions = sortedSet(accounts), sortedSet(regions), sortedSet(versions)
	return c
}

func buildScope(d AuditData, o AuditOptions, scanDay map[string]string) AuditScope {
	s := AuditScope{SOC2Version: SOC2Version}
	notRead := map[scanAccount]int{}
	for _, ob := range d.Objects {
		if ob.Status != "COMPLETE" {
			notRead[scanAccount{ob.ScanID, ob.AccountID}] += ob.Objects
		}
	}
	var services []string
	sampling := map[string][]string{}
	for _, sc := range d.Scans {
		s.Scans = append(s.Scans, ScanEntry{
			ScanID: sc.ScanID, AccountID: sc.AccountID, Day: scanDay[sc.ScanID],
			StartedAt: sc.StartedAt, FinishedAt: sc.FinishedAt, Status: sc.Status,
			Assets: sc.Assets, Objects: sc.Objects, NotRead: notRead[scanAccount{sc.ScanID, sc.AccountID}], Findings: sc.Findings,
		})
		var opts map[string]any
		dec := json.NewDecoder(strings.NewReader(sc.Options))
		dec.UseNumber() // 1048576, not 1.048576e+06
		if dec.Decode(&opts) != nil {
			continue
		}
		for k, v := range opts {
			switch k {
			case "only":
				if l, ok := v.([]any); ok {
					for _, e := range l {
						services = append(services, fmt.Sprint(e))
					}
				}
			case "sample_objects", "sample_bytes", "sample_rows", "max_keys_listed", "concurrency":
				sampling[k] = append(sampling[k], fmt.Sprint(v))
			}
		}
	}
	for _, a := range d.Assets {
		services = append(services, a.Service)
	}
	if len(d.Controls) > 0 {
		services = append(services, "checks")
	}
	s.Services = sortedSet(services)
	for _, k := range slices.Sorted(maps.Keys(sampling)) {
		s.Sampling = append(s.Sampling, KeyValue{k, strings.Join(sortedSet(sampling[k]), ", ")})
	}
	ids := o.Identifiers
	if len(ids) == 0 {
		for _, f := range d.Findings {
			ids = append(ids, f.Identifier)
		}
	}
	s.Identifiers = sortedSet(ids)
	var cis []string
	for _, c := range d.Controls {
		for _, id := range c.CISIDs {
			if v, _, ok := strings.Cut(id, ":"); ok {
				cis = append(cis, "CIS AWS Foundations Benchmark v"+v)
			}
		}
	}
	s.CISVersions = sortedSet(cis)
	s.Limits = []string{
		"Objects, rows and items are sampled with the parameters above: finding nothing in a store is not proof that it holds no sensitive data.",
		"A store or object that could not be read is reported as such (ERROR, SKIPPED, PARTIAL), never as clean.",
		"Each scan observes the account at one time; the day grids show the state on scan days only (days without a scan are marked as such).",
		"No raw sensitive value appears in this report or in the history it was made from.",
	}
	return s
}

// dayCoverage is the grid's days and how each was scanned.
type dayCoverage struct {
	days []string
	// noScan and partial are, per day, whether no account of the report had
	// a scan that day, and whether some account had none but others did.
	noScan, partial []bool
}

// gridDays returns the days of the grid: every day of the window (when it
// is at most MaxGridWindowDays long) and every scan day, so that days
// without a scan show as gaps; and which of them some account of the report
// was not scanned on. An account counts as scanned on a day when it has a
// scan that day that did not fail.
func gridDays(d AuditData, o AuditOptions, scanDay map[string]string, scanDays []string) dayCoverage {
	all := slices.Clone(scanDays)
	from, to := o.From.UTC(), o.To.UTC()
	if !o.From.IsZero() && !to.Before(from) && to.Sub(from) < MaxGridWindowDays*24*time.Hour {
		for t := from; !t.After(to); t = t.AddDate(0, 0, 1) {
			all = append(all, t.Format(time.DateOnly))
		}
	}
	c := dayCoverage{days: sortedSet(all)}
	accounts := map[string]bool{}
	hasScan := map[string]bool{}
	scanned := map[string]map[string]bool{}
	for _, s := range d.Scans {
		accounts[s.AccountID] = true
		day := scanDay[s.ScanID]
		hasScan[day] = true
		if s.Status == "FAILED" {
			continue
		}
		if scanned[day] == nil {
			scanned[day] = map[string]bool{}
		}
		scanned[day][s.AccountID] = true
	}
	for _, day := range c.days {
		c.noScan = append(c.noScan, !hasScan[day])
		c.partial = append(c.partial, hasScan[day] && len(scanned[day]) < len(accounts))
	}
	return c
}

func buildCriterion(id string, results []result, cov dayCoverage, remediation map[string]string) CriterionSection {
	title, _ := configchecks.SOC2Title(id)
	days := cov.days
	sec := CriterionSection{ID: id, Title: title, Narrative: criterionNarrative[id], Days: days}
	dayIndex := map[string]int{}
	for i, d := range days {
		dayIndex[d] = i
	}
	lines := map[string]*ControlLine{}
	grid := map[string][]string{}
	type exKey struct{ check, resource, status string }
	exc := map[exKey]*Exception{}
	for _, res := range results {
		if !slices.Contains(res.soc2, id) {
			continue
		}
		l := lines[res.checkID]
		if l == nil {
			l = &ControlLine{CheckID: res.checkID, Title: res.title, Severity: res.severity, CIS: res.cis, Source: res.source}
			lines[res.checkID] = l
			grid[res.checkID] = make([]string, len(days))
		}
		switch res.status {
		case "PASS":
			l.Pass++
		case "FAIL":
			l.Fail++
		case "ERROR":
			l.Error++
		default:
			l.Other++
		}
		if i, ok := dayIndex[res.day]; ok {
			if cell := grid[res.checkID][i]; statusRank(res.status) > statusRank(gridStatus(cell)) {
				grid[res.checkID][i] = gridCell(res.status)
			}
		}
		if res.status == "FAIL" || res.status == "ERROR" {
			k := exKey{res.checkID, res.resource, res.status}
			e := exc[k]
			if e == nil {
				e = &Exception{CheckID: res.checkID, Status: res.status, Resource: res.resource}
				exc[k] = e
			}
			e.Dates = append(e.Dates, res.day)
			if res.day >= lastOf(e.Dates[:len(e.Dates)-1]) {
				e.Detail = res.detail // the latest day's observation
			}
		}
	}
	sec.Controls = []ControlLine{}
	for _, k := range slices.Sorted(maps.Keys(lines)) {
		sec.Controls = append(sec.Controls, *lines[k])
		cells := grid[k]
		for i := range cells {
			switch {
			case cov.noScan[i]:
				cells[i] = GridNoScan
			case cov.partial[i] && cells[i] != GridNotRun:
				cells[i] += GridPartial
			}
		}
		sec.Grid = append(sec.Grid, GridRow{CheckID: k, Cells: cells})
	}
	if sec.Grid == nil {
		sec.Grid = []GridRow{}
	}
	sec.Exceptions = []Exception{}
	for _, e := range exc {
		e.Dates = sortedSet(e.Dates)
		sec.Exceptions = append(sec.Exceptions, *e)
	}
	slices.SortFunc(sec.Exceptions, func(a, b Exception) int {
		return cmpStrings(a.Dates[0], b.Dates[0], a.CheckID, b.CheckID, a.Resource, b.Resource, a.Status, b.Status)
	})
	if n := len(sec.Exceptions); n > MaxAuditExceptions {
		sec.ExceptionsOmitted = n - MaxAuditExceptions
		sec.Exceptions = sec.Exceptions[:MaxAuditExceptions]
	}
	sec.Remediation = []KeyValue{}
	var failing []string
	for _, e := range sec.Exceptions {
		failing = append(failing, e.CheckID)
	}
	for _, c := range sortedSet(failing) {
		sec.Remediation = append(sec.Remediation, KeyValue{c, cmp.Or(remediation[c], "See the check's documentation (docs/checks.md).")})
	}
	return sec
}

func gridCell(status string) string {
	if status == "NOT_APPLICABLE" {
		return GridNA
	}
	return status
}

func gridStatus(cell string) string {
	if cell == GridNA {
		return "NOT_APPLICABLE"
	}
	return cell
}

func lastOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return slices.Max(s)
}

func buildSummary(d AuditData, r *AuditReport, results []result, days []string, classes map[assetKey][]string,
	isLatest func(assetKey) bool, classOf func(AssetRow) (exposure, encryption string)) AuditSummary {
	var s AuditSummary

	// Findings by category, as of each store's latest scan.
	byCat := map[string]int{}
	for _, f := range d.Findings {
		if isLatest(assetKey{f.ScanID, f.AccountID, f.AssetARN}) {
			byCat[cmp.Or(f.Category, "OTHER")] += f.Locations
		}
	}
	cat := Chart{Title: "Locations with sensitive data, by category (each store's latest scan)"}
	for _, k := range slices.Sorted(maps.Keys(byCat)) {
		cat.Bars = append(cat.Bars, Bar{Label: k, Value: float64(byCat[k]), Text: num(byCat[k])})
	}

	// Stores by exposure, each as of its latest scan: each sensitive store
	// in the first bar it fits. UNKNOWN exposure or encryption is never
	// counted as private or encrypted (the exposures table's rule).
	var pubSens, sharedSens, unencSens, unknownSens, safeSens, none, notRead, stores int
	for _, a := range d.Assets {
		k := assetKey{a.ScanID, a.AccountID, a.AssetARN}
		if !isLatest(k) {
			continue
		}
		stores++
		sensitive := len(classes[k]) > 0
		exposure, encryption := classOf(a)
		switch {
		case sensitive && exposure == ExposurePublic:
			pubSens++
		case sensitive && exposure == ExposureShared:
			sharedSens++
		case sensitive && encryption == ProtectionNone:
			unencSens++
		case sensitive && (exposure == ExposureUnknown || encryption == ProtectionUnknown):
			unknownSens++
		case sensitive:
			safeSens++
		default:
			none++
		}
		if a.Status != "COMPLETE" {
			notRead++
		}
	}
	exp := Chart{Title: "Data stores by exposure (each store's latest scan)", Bars: []Bar{
		{Label: "Public, sensitive data", Value: float64(pubSens), Text: num(pubSens), Alert: pubSens > 0},
		{Label: "Shared, sensitive data", Value: float64(sharedSens), Text: num(sharedSens), Alert: sharedSens > 0},
		{Label: "Unencrypted, sensitive data", Value: float64(unencSens), Text: num(unencSens), Alert: unencSens > 0},
		{Label: "Posture unknown, sensitive data", Value: float64(unknownSens), Text: num(unknownSens), Alert: unknownSens > 0},
		{Label: "Sensitive, private, encrypted", Value: float64(safeSens), Text: num(safeSens)},
		{Label: "No sensitive data found", Value: float64(none), Text: num(none)},
		{Label: "Not fully examined", Value: float64(notRead), Text: num(notRead), Alert: notRead > 0},
	}}

	// Public stores with sensitive data per scan day: distinct stores, so
	// that two scans of a day count a store once.
	public := map[string]map[storeKey]bool{}
	for _, res := range results {
		if res.checkID == CheckSensitiveNotPublic && res.status == "FAIL" {
			if public[res.day] == nil {
				public[res.day] = map[storeKey]bool{}
			}
			public[res.day][storeKey{res.account, res.resource}] = true
		}
	}
	perDay := map[string]int{}
	for day, stores := range public {
		perDay[day] = len(stores)
	}
	trend := Chart{Title: "Public data stores holding sensitive data, per scan day"}
	for _, day := range days {
		trend.Bars = append(trend.Bars, Bar{Label: day, Value: float64(perDay[day]), Text: num(perDay[day]), Alert: perDay[day] > 0})
	}

	// Pass rate per criterion over the window.
	rates := Chart{Title: "Control pass rate by criterion (PASS of PASS, FAIL and ERROR results, whole window)", Max: 100}
	var exceptions int
	for _, c := range r.Criteria {
		var pass, decided int
		for _, l := range c.Controls {
			pass += l.Pass
			decided += l.Pass + l.Fail + l.Error
		}
		exceptions += len(c.Exceptions) + c.ExceptionsOmitted
		if decided == 0 {
			rates.Bars = append(rates.Bars, Bar{Label: c.ID, Text: "no results"})
			continue
		}
		pct := 100 * float64(pass) / float64(decided)
		rates.Bars = append(rates.Bars, Bar{Label: c.ID, Value: pct, Text: fmt.Sprintf("%.0f%% (%s/%s)", pct, num(pass), num(decided)), Alert: pass < decided})
	}
	s.Charts = []Chart{exp, trend, cat, rates}

	var fails, errs int
	for _, res := range results {
		switch res.status {
		case "FAIL":
			fails++
		case "ERROR":
			errs++
		}
	}
	s.Figures = []KeyValue{
		{"Observation window", r.Cover.From + " to " + r.Cover.To},
		{"Scans", fmt.Sprintf("%s on %s days", num(r.Cover.Scans), num(r.Cover.ScanDays))},
		{"Data stores (each one's latest scan)", fmt.Sprintf("%s, of which %s public with sensitive data", num(stores), num(pubSens))},
		{"Control results", fmt.Sprintf("%s, of which %s FAIL and %s ERROR", num(len(results)), num(fails), num(errs))},
		{"Exceptions listed", num(exceptions) + " (counted once per criterion)"},
	}
	return s
}

func buildInventory(d AuditData, isLatest func(assetKey) bool, scanDay map[string]string, posture func(AssetRow) (bool, string)) AuditInventory {
	inv := AuditInventory{Rows: []InventoryRow{}}
	publicDays := map[storeKey][]string{}
	latestAsset := map[storeKey]AssetRow{}
	for _, a := range d.Assets {
		sk := storeKey{a.AccountID, a.AssetARN}
		if pub, _ := posture(a); pub {
			publicDays[sk] = append(publicDays[sk], scanDay[a.ScanID])
		}
		if isLatest(assetKey{a.ScanID, a.AccountID, a.AssetARN}) {
			latestAsset[sk] = a
		}
	}
	for _, f := range d.Findings {
		if !isLatest(assetKey{f.ScanID, f.AccountID, f.AssetARN}) {
			continue
		}
		sk := storeKey{f.AccountID, f.AssetARN}
		a, ok := latestAsset[sk]
		row := InventoryRow{
			Class: f.Identifier, Category: f.Category, Store: f.AssetARN,
			Locations: f.Locations, Matches: f.Matches, LastSeen: scanDay[f.ScanID],
			PublicDays: sortedSet(publicDays[sk]), Encryption: "UNKNOWN",
		}
		if ok {
			row.Store = cmp.Or(a.Name, a.AssetARN)
			row.Service, row.Region = a.Service, a.Region
			row.Public, row.Encryption = posture(a)
		}
		inv.Rows = append(inv.Rows, row)
	}
	slices.SortFunc(inv.Rows, func(a, b InventoryRow) int {
		return cmpStrings(a.Class, b.Class, a.Store, b.Store, a.Region, b.Region)
	})
	return inv
}

// sortedSet returns the distinct non-empty values of s, sorted; never nil.
func sortedSet(s []string) []string {
	out := slices.DeleteFunc(slices.Clone(s), func(v string) bool { return v == "" })
	slices.Sort(out)
	out = slices.Compact(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// latestObservations returns whether a (scan, account, store) is the store's
// latest observation in the window, the one the data inventory and the
// latest-scan charts show. A store is observed by the scans whose assets or
// findings rows name it; the latest is the one with the latest start (ties:
// the greater scan id). So a later scan that did not look at the store (it
// FAILED, or ran with --only for another service) leaves the store as an
// earlier scan saw it. A store is gone, and shown nowhere, when a later
// COMPLETE scan of its account covered it (scanScope.covers) and did not
// find it: it was deleted, or has moved out of scope.
func latestObservations(d AuditData) func(assetKey) bool {
	scans := map[scanAccount]ScanRow{}
	for _, s := range d.Scans {
		scans[scanAccount{s.ScanID, s.AccountID}] = s
	}
	later := func(a, b scanAccount) bool {
		sa, sb := scans[a], scans[b]
		if c := sa.StartedAt.Compare(sb.StartedAt); c != 0 {
			return c > 0
		}
		return a.scan > b.scan
	}
	latest := map[storeKey]scanAccount{}
	observe := func(scan, account, arn string) {
		k, o := storeKey{account, arn}, scanAccount{scan, account}
		if cur, ok := latest[k]; !ok || later(o, cur) {
			latest[k] = o
		}
	}
	for _, a := range d.Assets {
		observe(a.ScanID, a.AccountID, a.AssetARN)
	}
	for _, f := range d.Findings {
		observe(f.ScanID, f.AccountID, f.AssetARN)
	}
	// The latest assets row of each store: its service and region say which
	// later scans covered it. A store seen in findings only is never gone.
	row := map[storeKey]AssetRow{}
	for _, a := range d.Assets {
		if k := (storeKey{a.AccountID, a.AssetARN}); latest[k] == (scanAccount{a.ScanID, a.AccountID}) {
			row[k] = a
		}
	}
	// Each account's COMPLETE scans, latest first, with their scope parsed
	// once.
	byAccount := map[string][]scanScope{}
	for _, s := range d.Scans {
		if s.Status == "COMPLETE" {
			byAccount[s.AccountID] = append(byAccount[s.AccountID], scopeOf(s))
		}
	}
	for _, l := range byAccount {
		slices.SortFunc(l, func(a, b scanScope) int {
			if later(a.key, b.key) {
				return -1
			}
			if later(b.key, a.key) {
				return 1
			}
			return 0
		})
	}
	gone := map[storeKey]bool{}
	for k, a := range row {
		for _, s := range byAccount[k.account] {
			if !later(s.key, latest[k]) {
				break
			}
			if s.covers(a) {
				gone[k] = true
				break
			}
		}
	}
	return func(k assetKey) bool {
		sk := storeKey{k.account, k.arn}
		return !gone[sk] && latest[sk] == scanAccount{k.scan, k.account}
	}
}

// scanScope is what a scan looked for: its services, whether a store filter
// narrowed it, and its regions.
type scanScope struct {
	key      scanAccount
	services []string
	narrowed bool
	regions  []string
}

// scopeOf reads a scan's scope from its options: the services of "only",
// narrowed when a store filter (buckets, rds_identifiers, dynamodb_tables)
// is set. A scan whose options cannot be read has no service.
func scopeOf(s ScanRow) scanScope {
	sc := scanScope{key: scanAccount{s.ScanID, s.AccountID}, regions: s.Regions}
	var o struct {
		Buckets        []string `json:"buckets"`
		RDSIdentifiers []string `json:"rds_identifiers"`
		DynamoDBTables []string `json:"dynamodb_tables"`
	}
	if json.Unmarshal([]byte(s.Options), &o) != nil {
		return sc
	}
	sc.services = ServicesOf(s.Options)
	sc.narrowed = len(o.Buckets) > 0 || len(o.RDSIdentifiers) > 0 || len(o.DynamoDBTables) > 0
	return sc
}

// covers reports whether the scan looked for every store of the asset's
// service and region in its account: the service is among its services,
// no store filter narrowed it, and its regions, when recorded, hold the
// asset's.
func (sc scanScope) covers(a AssetRow) bool {
	if sc.narrowed || !slices.Contains(sc.services, a.Service) {
		return false
	}
	return a.Region == "" || len(sc.regions) == 0 || slices.Contains(sc.regions, a.Region)
}
