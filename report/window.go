package report

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// tableExposures is the name of the exposures table (DESIGN.md): one row per
// asset with sensitive data. The window report reads it when the history has
// it and otherwise derives encryption and exposure from the assets table.
const tableExposures = "exposures"

// AuditFilter selects the scans a window report covers.
type AuditFilter struct {
	// From and To are the first and last day of the observation window,
	// inclusive, taken as UTC dates. A run belongs to one day, that of the
	// dt partition of its first scans file (the UTC day its first process
	// started): every account of an --org run, and every shard of a sharded
	// run, is on that day, even those started after midnight.
	From, To time.Time
	// Accounts keeps only scans of these AWS accounts; empty keeps all.
	Accounts []string
	// ScanIDs keeps only these scans; empty keeps all.
	ScanIDs []string
}

// FindingStat sums the findings rows of one (scan, asset, identifier). The
// window report reads no examples and no fingerprints: only these counts.
type FindingStat struct {
	ScanID     string `json:"scan_id"`
	AccountID  string `json:"account_id"`
	AssetARN   string `json:"asset_arn"`
	Identifier string `json:"identifier"`
	Category   string `json:"category"`
	Locations  int    `json:"locations"`
	Matches    int64  `json:"matches"`
}

// ObjectStat counts the object_results rows of one (scan, account, status,
// reason).
type ObjectStat struct {
	ScanID    string `json:"scan_id"`
	AccountID string `json:"account_id"`
	Status    string `json:"status"`
	Reason    string `json:"reason"`
	Objects   int    `json:"objects"`
	BytesRead int64  `json:"bytes_read"`
}

// ExposureRecord is the part of an exposures row the window report uses.
type ExposureRecord struct {
	ScanID      string   `parquet:"scan_id"`
	AccountID   string   `parquet:"account_id"`
	AssetARN    string   `parquet:"asset_arn"`
	DataClasses []string `parquet:"data_classes,list"`
	Encryption  string   `parquet:"encryption"`
	// Exposure is PUBLIC, SHARED, UNKNOWN or PRIVATE; empty in files that
	// predate the column.
	Exposure  string  `parquet:"exposure"`
	Public    bool    `parquet:"public"`
	RiskScore float64 `parquet:"risk_score"`
}

// EvidenceFile is one history file a report was built from: its path
// relative to the history root (slash-separated), SHA-256 and size.
type EvidenceFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
}

// AuditData is what a window report is built from: the rows of the selected
// scans (findings and object results already summed) and the files read.
type AuditData struct {
	Scans     []ScanRow
	Assets    []AssetRow
	Controls  []ControlResultRow
	Findings  []FindingStat
	Objects   []ObjectStat
	Exposures []ExposureRecord
	// RunDays maps the scan id of each selected run to the day it belongs
	// to (YYYY-MM-DD, see AuditFilter). BuildAuditReport dates every row of
	// the run by it; a scan id missing here is dated by its earliest
	// started_at.
	RunDays map[string]string
	// Derived counts the data.* control rows of sharded runs that the report
	// evaluated from the merged rows (see LoadAuditData); they are in Controls.
	Derived int
	// ExposuresNote says why the exposures table was not used, when it was
	// present but could not be read.
	ExposuresNote string
	Evidence      []EvidenceFile
}

// ErrNoScans is returned by LoadAuditData when no scan matches the filter.
var ErrNoScans = errors.New("report: no scan in the window")

// findingCols are the findings columns the window report reads.
type findingCols struct {
	ScanID     string `parquet:"scan_id"`
	AccountID  string `parquet:"account_id"`
	AssetARN   string `parquet:"asset_arn"`
	Location   string `parquet:"location"`
	Identifier string `parquet:"identifier"`
	Category   string `parquet:"category"`
	Count      int64  `parquet:"count"`
	// FieldSensitive feeds the exposures of sharded runs, recomputed here.
	FieldSensitive bool `parquet:"field_sensitive"`
}

// objectCols are the object_results columns the window report reads.
type objectCols struct {
	ScanID    string `parquet:"scan_id"`
	AccountID string `parquet:"account_id"`
	AssetARN  string `parquet:"asset_arn"`
	Location  string `parquet:"location"`
	Status    string `parquet:"status"`
	Reason    string `parquet:"reason"`
	BytesRead int64  `parquet:"bytes_read"`
	Kind      string `parquet:"kind"` // empty in files written before the column
	Part      string `parquet:"part"`
}

// LoadAuditData reads the scans of the history under dir that f selects, and
// every row of theirs in the other tables. Only the partitions of the window,
// and one day either side of it (WindowPartitions), are listed. Each file read is hashed (SHA-256) into Evidence, so the report
// can name exactly what it rests on. Findings are summed per (scan, asset,
// identifier) as they are read, so memory follows the number of stores, not
// of findings rows.
//
// A run of several parts (a sharded run: more than one scans row per account
// under one scan id) is completed from its merged rows, as one process would
// have written it: the data.* checks its shards left out are evaluated over
// the merged assets, findings and control rows (DeriveDataControls) and added
// to Controls, and its exposures are recomputed from the merged rows
// (ExposureJoin) instead of read, since each shard joined only the findings it
// saw. The history itself is not changed.
func LoadAuditData(dir string, f AuditFilter) (AuditData, error) {
	var d AuditData
	from, to := f.From.UTC().Format(time.DateOnly), f.To.UTC().Format(time.DateOnly)
	inWindow := func(day string) bool { return day >= from && day <= to }
	first, last := WindowPartitions(f.From, f.To)

	// A run belongs to one day, its RunDay: the dt partition of its first
	// scans file. The scans of the day before the window are read to find
	// the runs that began then; the files of the day after it, to find the
	// parts of the window's runs that began after midnight.
	scanFiles, err := windowFiles(dir, TableScans, first, last)
	if err != nil {
		return d, err
	}
	type scanFile struct {
		rows []ScanRow
		ev   EvidenceFile
	}
	var read []scanFile
	d.RunDays = map[string]string{}
	for _, p := range scanFiles {
		rows, ev, err := readEvidence[ScanRow](dir, p)
		if err != nil {
			return d, err
		}
		read = append(read, scanFile{rows, ev})
		day := partitionDay(p)
		for _, s := range rows {
			if prev, ok := d.RunDays[s.ScanID]; !ok || day < prev {
				d.RunDays[s.ScanID] = day
			}
		}
	}
	// An --org run (and each shard of a sharded run) writes many accounts
	// under one scan id: a row belongs to the report when its (scan id,
	// account) was selected, never by its scan id alone.
	type scanKey struct{ scan, account string }
	selectedIDs := map[string]bool{} // scan ids with a selected account, to pick files
	multi := map[string]bool{}       // scan ids of runs written in several parts
	byID := map[scanKey]ScanRow{}
	selected := func(scan, account string) bool { _, ok := byID[scanKey{scan, account}]; return ok }
	for _, sf := range read {
		used := false
		for _, s := range sf.rows {
			if !inWindow(d.RunDays[s.ScanID]) || !keep(f.Accounts, s.AccountID) || !keep(f.ScanIDs, s.ScanID) {
				continue
			}
			used = true
			selectedIDs[s.ScanID] = true
			// A run split into shards writes one row per shard and account
			// under one scan id: they merge into one row per account.
			k := scanKey{s.ScanID, s.AccountID}
			if prev, ok := byID[k]; ok {
				s = MergeScanRows(prev, s)
				multi[s.ScanID] = true
			}
			byID[k] = s
		}
		if used {
			d.Evidence = append(d.Evidence, sf.ev)
		}
	}
	maps.DeleteFunc(d.RunDays, func(id string, _ string) bool { return !selectedIDs[id] })
	if len(byID) == 0 {
		return d, fmt.Errorf("%w: %s to %s in %s", ErrNoScans, from, to, dir)
	}
	for _, s := range byID {
		d.Scans = append(d.Scans, s)
	}
	slices.SortFunc(d.Scans, func(a, b ScanRow) int {
		if c := a.StartedAt.Compare(b.StartedAt); c != 0 {
			return c
		}
		return cmpStrings(a.ScanID, b.ScanID, a.AccountID, b.AccountID)
	})

	// joins rebuild the exposures (and the data.* checks' input) of each
	// account of a multi-part run from its merged rows.
	joins := map[scanKey]*ExposureJoin{}
	joinOf := func(scan, account string) *ExposureJoin {
		if !multi[scan] {
			return nil
		}
		k := scanKey{scan, account}
		if joins[k] == nil {
			joins[k] = NewExposureJoin()
		}
		return joins[k]
	}

	// ofScan reports whether a file of another table belongs to a selected
	// scan: files are named <scan_id>[-<part>].parquet.
	ofScan := func(p string) bool {
		name := strings.TrimSuffix(filepath.Base(p), ".parquet")
		for id := range selectedIDs {
			if name == id || strings.HasPrefix(name, id+"-") {
				return true
			}
		}
		return false
	}
	each := func(table string, fn func(path string) (EvidenceFile, error)) error {
		files, err := windowFiles(dir, table, from, last)
		if err != nil {
			return err
		}
		for _, p := range files {
			if !ofScan(p) {
				continue
			}
			ev, err := fn(p)
			if err != nil {
				return err
			}
			d.Evidence = append(d.Evidence, ev)
		}
		return nil
	}

	if err := each(TableAssets, func(p string) (EvidenceFile, error) {
		rows, ev, err := readEvidence[AssetRow](dir, p)
		for _, r := range rows {
			if selected(r.ScanID, r.AccountID) {
				d.Assets = append(d.Assets, r)
				if j := joinOf(r.ScanID, r.AccountID); j != nil {
					j.AddAsset(r)
				}
			}
		}
		return ev, err
	}); err != nil {
		return d, err
	}
	if err := each(TableControlResults, func(p string) (EvidenceFile, error) {
		rows, ev, err := readEvidence[ControlResultRow](dir, p)
		for _, r := range rows {
			if selected(r.ScanID, r.AccountID) {
				d.Controls = append(d.Controls, r)
				if j := joinOf(r.ScanID, r.AccountID); j != nil {
					j.AddControl(r)
				}
			}
		}
		return ev, err
	}); err != nil {
		return d, err
	}

	type fkey struct{ scan, account, asset, id string }
	fstats := map[fkey]*FindingStat{}
	locs := map[fkey]map[string]bool{}
	if err := each(TableFindings, func(p string) (EvidenceFile, error) {
		rows, ev, err := readEvidence[findingCols](dir, p)
		for _, r := range rows {
			if !selected(r.ScanID, r.AccountID) {
				continue
			}
			if j := joinOf(r.ScanID, r.AccountID); j != nil {
				j.AddFinding(FindingRow{AssetARN: r.AssetARN, Location: r.Location, Identifier: r.Identifier,
					Category: r.Category, Count: r.Count, FieldSensitive: r.FieldSensitive})
			}
			k := fkey{r.ScanID, r.AccountID, r.AssetARN, r.Identifier}
			s := fstats[k]
			if s == nil {
				s = &FindingStat{ScanID: r.ScanID, AccountID: r.AccountID, AssetARN: r.AssetARN,
					Identifier: r.Identifier, Category: r.Category}
				fstats[k] = s
				locs[k] = map[string]bool{}
			}
			s.Matches += r.Count
			locs[k][r.Location] = true
		}
		return ev, err
	}); err != nil {
		return d, err
	}
	for k, s := range fstats {
		s.Locations = len(locs[k])
		d.Findings = append(d.Findings, *s)
	}
	slices.SortFunc(d.Findings, func(a, b FindingStat) int {
		return cmpStrings(a.ScanID, b.ScanID, a.AccountID, b.AccountID, a.AssetARN, b.AssetARN, a.Identifier, b.Identifier)
	})

	type okey struct{ scan, account, status, reason string }
	ostats := map[okey]*ObjectStat{}
	if err := each(TableObjectResults, func(p string) (EvidenceFile, error) {
		rows, ev, err := readEvidence[objectCols](dir, p)
		for _, r := range rows {
			if !selected(r.ScanID, r.AccountID) {
				continue
			}
			if j := joinOf(r.ScanID, r.AccountID); j != nil {
				j.AddObject(ObjectResultRow{AssetARN: r.AssetARN, Location: r.Location, Status: r.Status, Kind: r.Kind, Part: r.Part})
			}
			k := okey{r.ScanID, r.AccountID, r.Status, r.Reason}
			s := ostats[k]
			if s == nil {
				s = &ObjectStat{ScanID: r.ScanID, AccountID: r.AccountID, Status: r.Status, Reason: r.Reason}
				ostats[k] = s
			}
			s.Objects++
			s.BytesRead += r.BytesRead
		}
		return ev, err
	}); err != nil {
		return d, err
	}
	for _, s := range ostats {
		d.Objects = append(d.Objects, *s)
	}
	slices.SortFunc(d.Objects, func(a, b ObjectStat) int {
		return cmpStrings(a.ScanID, b.ScanID, a.AccountID, b.AccountID, a.Status, b.Status, a.Reason, b.Reason)
	})

	// The exposures table comes from a later version of the scanner; when
	// it cannot be read the report falls back to the assets table and says
	// so, rather than failing.
	var exposures []ExposureRecord
	var exposureFiles []EvidenceFile
	if err := each(tableExposures, func(p string) (EvidenceFile, error) {
		rows, ev, err := readEvidence[ExposureRecord](dir, p)
		for _, r := range rows {
			if selected(r.ScanID, r.AccountID) {
				exposures = append(exposures, r)
			}
		}
		if err == nil {
			exposureFiles = append(exposureFiles, ev)
		}
		return EvidenceFile{}, err
	}); err != nil {
		d.ExposuresNote = "the exposures table could not be read (" + err.Error() + "); encryption and exposure come from the assets table"
	} else {
		d.Exposures = exposures
		d.Evidence = append(d.Evidence, exposureFiles...)
	}

	// Complete each account of a multi-part run: the data.* checks its shards
	// left out, then its exposures from the merged rows (the join also counts
	// the derived rows' FAILs, as the scanning process's join does).
	if len(joins) > 0 {
		keys := slices.Collect(maps.Keys(joins))
		slices.SortFunc(keys, func(a, b scanKey) int { return cmpStrings(a.scan, b.scan, a.account, b.account) })
		d.Exposures = slices.DeleteFunc(d.Exposures, func(e ExposureRecord) bool { return joins[scanKey{e.ScanID, e.AccountID}] != nil })
		// Each account's control rows, so that the work grows with the rows,
		// not with accounts × rows.
		controls := map[scanKey][]ControlResultRow{}
		for _, c := range d.Controls {
			if k := (scanKey{c.ScanID, c.AccountID}); joins[k] != nil {
				controls[k] = append(controls[k], c)
			}
		}
		for _, k := range keys {
			j := joins[k]
			derived := DeriveDataControls(k.scan, k.account, ServicesOf(byID[k].Options), j, controls[k])
			for _, c := range derived {
				j.AddControl(c)
			}
			d.Controls = append(d.Controls, derived...)
			d.Derived += len(derived)
			for _, e := range j.Rows() {
				d.Exposures = append(d.Exposures, ExposureRecord{ScanID: e.ScanID, AccountID: e.AccountID, AssetARN: e.AssetARN,
					DataClasses: e.DataClasses, Encryption: e.Encryption, Exposure: e.Exposure, Public: e.Public, RiskScore: e.RiskScore})
			}
		}
	}
	d.Evidence = slices.DeleteFunc(d.Evidence, func(e EvidenceFile) bool { return e.Path == "" })
	slices.SortFunc(d.Evidence, func(a, b EvidenceFile) int { return strings.Compare(a.Path, b.Path) })
	return d, nil
}

// scanStatusRank orders scan statuses from best to worst; a merged row
// takes the worst of its parts.
var scanStatusRank = map[string]int{"COMPLETE": 0, "INCOMPLETE": 1, "INTERRUPTED": 2, "FAILED": 3}

// MergeScanRows merges two scans rows of one run and account (the rows the
// shards of a sharded run write): the earliest start, the latest finish,
// the union of regions, summed totals and the worst status, with the options
// of the row that has it (a failed shard's options carry its error).
func MergeScanRows(a, b ScanRow) ScanRow {
	m := a
	if m.StartedAt.IsZero() || (!b.StartedAt.IsZero() && b.StartedAt.Before(m.StartedAt)) {
		m.StartedAt = b.StartedAt
	}
	if b.FinishedAt.After(m.FinishedAt) {
		m.FinishedAt = b.FinishedAt
	}
	m.Regions = append(slices.Clone(a.Regions), b.Regions...)
	slices.Sort(m.Regions)
	m.Regions = slices.Compact(m.Regions)
	if scanStatusRank[b.Status] > scanStatusRank[m.Status] {
		m.Status, m.Options = b.Status, b.Options
	}
	m.Assets += b.Assets
	m.Objects += b.Objects
	m.Skipped += b.Skipped
	m.Findings += b.Findings
	m.BytesRead += b.BytesRead
	return m
}

// WindowPartitions returns the first and last dt partition that the window
// report of from..to reads: one day more on each side, since a run belongs to
// the day of its first scans file and its later parts (shards started after
// midnight) may sit in the next day's partition. A copy of a remote history
// (cairn report --history s3://…) must hold these partitions.
func WindowPartitions(from, to time.Time) (first, last string) {
	return from.UTC().AddDate(0, 0, -1).Format(time.DateOnly), to.UTC().AddDate(0, 0, 1).Format(time.DateOnly)
}

// partitionDay is the day of the dt partition a history file is in.
func partitionDay(path string) string {
	return strings.TrimPrefix(filepath.Base(filepath.Dir(path)), PartitionKey+"=")
}

func keep(allow []string, v string) bool { return len(allow) == 0 || slices.Contains(allow, v) }

// windowFiles lists the files of table in the partitions from..to.
func windowFiles(dir, table, from, to string) ([]string, error) {
	files, err := TableFiles(dir, table)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(files, func(p string) bool {
		day := partitionDay(p)
		return day < from || day > to
	}), nil
}

// readEvidence hashes the file at path and reads its rows. The hash is taken
// from a first pass over the bytes, so memory stays that of ReadRows.
func readEvidence[T any](root, path string) ([]T, EvidenceFile, error) {
	ev, err := hashFile(root, path)
	if err != nil {
		return nil, ev, err
	}
	rows, err := ReadRows[T](path)
	return rows, ev, err
}

func hashFile(root, path string) (EvidenceFile, error) {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return EvidenceFile{}, fmt.Errorf("report: evidence path %s: %w", path, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return EvidenceFile{}, fmt.Errorf("report: hash %s: %w", rel, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return EvidenceFile{}, fmt.Errorf("report: hash %s: %w", rel, err)
	}
	return EvidenceFile{Path: filepath.ToSlash(rel), SHA256: hex.EncodeToString(h.Sum(nil)), Bytes: n}, nil
}
