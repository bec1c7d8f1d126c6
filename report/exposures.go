package report

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// TableExposures is the name of the exposures table: one row per data store
// of a scan, joining findings, posture and control results, ranked by risk.
const TableExposures = "exposures"

// Encryption classes of the exposures table.
const (
	ProtectionNone        = "NONE"
	ProtectionAWSManaged  = "AWS_MANAGED"
	ProtectionCustomerKMS = "CUSTOMER_KMS"
	ProtectionUnknown     = "UNKNOWN"
)

// Exposure classes of the exposures table.
const (
	ExposurePublic  = "PUBLIC"
	ExposureShared  = "SHARED"
	ExposureUnknown = "UNKNOWN"
	ExposurePrivate = "PRIVATE"
)

// MaxSensitiveFields caps an exposure row's sensitive_fields list.
const MaxSensitiveFields = 50

// unsampledPrior is the sensitivity the join assumes for the part of a store
// that was not sampled: an unexamined store is not clean, but it ranks below
// one where sensitive data was actually found.
const unsampledPrior = 0.25

// ExposureJoin builds the exposures rows of one scan from its assets,
// findings and control results, fed in any order and any interleaving. It
// keeps one small tally per asset and data class, never the findings
// themselves, so memory does not grow with the number of findings. It is
// pure: no I/O. It is not safe for concurrent use.
type ExposureJoin struct {
	assets   []AssetRow
	findings map[string]*findingTally // by asset ARN
	controls map[string]*controlTally // by resource ARN
	objects  map[string]*objectTally  // by asset ARN
}

// objectTally counts an asset's object_results rows for sampled_fraction.
type objectTally struct {
	skipped      int64 // SKIPPED objects of the whole bucket or root part (S3)
	read         int64 // rows not SKIPPED, for services whose rows are tables
	rows         int64 // rows seen
	prefixFailed bool  // a prefix part of a split bucket could not be listed
}

type findingTally struct {
	classes    map[string]bool
	categories map[string]bool
	count      int64
	fields     map[string]bool
}

type controlTally struct {
	failing map[string]bool
	unknown map[string]bool
}

// NewExposureJoin returns an empty join.
func NewExposureJoin() *ExposureJoin {
	return &ExposureJoin{
		findings: map[string]*findingTally{}, controls: map[string]*controlTally{}, objects: map[string]*objectTally{},
	}
}

// AddAsset records a data store.
func (j *ExposureJoin) AddAsset(a AssetRow) { j.assets = append(j.assets, a) }

// AddFinding records a finding; only its identifier, category, count and,
// for a sensitive field, its location are kept.
func (j *ExposureJoin) AddFinding(f FindingRow) {
	t := j.findings[f.AssetARN]
	if t == nil {
		t = &findingTally{classes: map[string]bool{}, categories: map[string]bool{}, fields: map[string]bool{}}
		j.findings[f.AssetARN] = t
	}
	t.classes[f.Identifier] = true
	if f.Category != "" {
		t.categories[f.Category] = true
	}
	t.count += f.Count
	if f.FieldSensitive && len(t.fields) < MaxSensitiveFields {
		t.fields[f.Location+":"+f.Identifier] = true
	}
}

// Kinds of object_results rows (ObjectResultRow.Kind).
const (
	KindObject       = "OBJECT"
	KindArchiveEntry = "ARCHIVE_ENTRY"
	KindPrefix       = "PREFIX"
	KindTable        = "TABLE"
	KindDatabase     = "DATABASE"
)

// AddObject records a sampled object's outcome for sampled_fraction. An S3
// object of the bucket (or of a split bucket's root part) that was SKIPPED
// (not read) does not count as sampled; archive entries are parts of an
// object already counted, and the rows of a split bucket's prefix parts are
// not in the root part's counts, so both are left out, except that a prefix
// part whose listing failed leaves the bucket's size unknown. For rows
// written before the kind column existed, an archive entry is told by the
// '!' of its location (which a key may also contain). A DB or DynamoDB
// table counts as read when its row is not SKIPPED.
func (j *ExposureJoin) AddObject(o ObjectResultRow) {
	t := j.objects[o.AssetARN]
	if t == nil {
		t = &objectTally{}
		j.objects[o.AssetARN] = t
	}
	t.rows++
	switch {
	case o.Kind == KindTable:
		if o.Status != "SKIPPED" {
			t.read++
		}
	case o.Kind == KindDatabase:
	case o.Kind == KindPrefix:
		if o.Status == "SKIPPED" {
			t.prefixFailed = true
		}
	case o.Part != "", o.Kind == KindArchiveEntry:
	case o.Kind == KindObject || !strings.Contains(o.Location, "!"):
		if o.Status == "SKIPPED" {
			t.skipped++
		}
		if o.Kind == "" && o.Status != "SKIPPED" {
			t.read++ // an older row: an S3 object, or a table
		}
	}
}

// AddControl records a control result; only FAIL and ERROR results about a
// resource are kept.
func (j *ExposureJoin) AddControl(c ControlResultRow) {
	if c.ResourceARN == "" || (c.Status != "FAIL" && c.Status != "ERROR") {
		return
	}
	t := j.controls[c.ResourceARN]
	if t == nil {
		t = &controlTally{failing: map[string]bool{}, unknown: map[string]bool{}}
		j.controls[c.ResourceARN] = t
	}
	if c.Status == "FAIL" {
		t.failing[c.CheckID] = true
	} else {
		t.unknown[c.CheckID] = true
	}
}

// Rows returns one exposures row per asset added, ordered by risk_rank
// (riskiest first; ties by asset_arn).
func (j *ExposureJoin) Rows() []ExposureRow {
	rows := make([]ExposureRow, 0, len(j.assets))
	for _, a := range j.assets {
		rows = append(rows, j.row(a))
	}
	sort.SliceStable(rows, func(i, k int) bool {
		if rows[i].RiskScore != rows[k].RiskScore {
			return rows[i].RiskScore > rows[k].RiskScore
		}
		return rows[i].AssetARN < rows[k].AssetARN
	})
	for i := range rows {
		rows[i].RiskRank = int64(i + 1)
	}
	return rows
}

// JoinExposures is the exposures rows of one scan's assets, findings and
// control results (see ExposureJoin).
func JoinExposures(assets []AssetRow, objects []ObjectResultRow, findings []FindingRow, controls []ControlResultRow) []ExposureRow {
	j := NewExposureJoin()
	for _, a := range assets {
		j.AddAsset(a)
	}
	for _, o := range objects {
		j.AddObject(o)
	}
	for _, f := range findings {
		j.AddFinding(f)
	}
	for _, c := range controls {
		j.AddControl(c)
	}
	return j.Rows()
}

// postureView is the part of the assets table's posture JSON the join reads.
// The S3 bucket, RDS and DynamoDB postures share these field names.
type postureView struct {
	Encryption *struct {
		Error string `json:"error"`
		Note  string `json:"note"`
	} `json:"encryption"`
	KMSError         string   `json:"kms_error"`         // RDS
	PolicyPrincipals []string `json:"policy_principals"` // S3, DynamoDB resource policies
	ACLGrantees      []string `json:"acl_grantees"`      // S3: "canonical user ID:PERMISSION"
	SharedSnapshots  []string `json:"shared_snapshots"`  // RDS: "snap: 111122223333,…"
	ItemCount        int64    `json:"item_count"`        // DynamoDB
	Sampling         *struct {
		Items int64 `json:"items"`
	} `json:"sampling"`
}

// accountIDRe finds account ids in an RDS snapshot's share list; compiled
// on first use, not in every process's start-up.
var accountIDRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\b\d{12}\b`) })

func (j *ExposureJoin) row(a AssetRow) ExposureRow {
	var p postureView
	postureErr := ""
	if a.Posture != "" {
		if err := json.Unmarshal([]byte(a.Posture), &p); err != nil {
			postureErr = "posture JSON unreadable"
		}
	}
	r := ExposureRow{
		ScanID: a.ScanID, AccountID: a.AccountID, ObservedAt: a.ObservedAt,
		AssetARN: a.AssetARN, AssetType: a.Service, Region: a.Region, Name: a.Name,
		EncryptionDetail: a.Encryption, KMSKeyARN: a.KMSKeyARN, KMSKeyManager: a.KMSKeyManager,
		Public: a.Public, PublicReason: a.PublicReason, AssetStatus: a.Status,
		DataClasses: []string{}, Categories: []string{}, SensitiveFields: []string{},
		FailingControls: []string{}, UnknownControls: []string{},
	}
	if t := j.findings[a.AssetARN]; t != nil {
		r.DataClasses = sortedKeys(t.classes)
		r.Categories = sortedKeys(t.categories)
		r.SensitiveCount = t.count
		r.SensitiveFields = sortedKeys(t.fields)
	}
	// The assets table's data_classes come from the same findings; keep any
	// the findings fed to the join did not carry.
	for _, c := range a.DataClasses {
		if !slices.Contains(r.DataClasses, c) {
			r.DataClasses = append(r.DataClasses, c)
		}
	}
	slices.Sort(r.DataClasses)
	if t := j.controls[a.AssetARN]; t != nil {
		r.FailingControls = sortedKeys(t.failing)
		r.UnknownControls = sortedKeys(t.unknown)
	}

	r.Encryption, r.EncryptionReason = protection(a, p, postureErr)

	ext := map[string]bool{}
	for _, pr := range p.PolicyPrincipals {
		if !ownPrincipal(pr, a.AccountID) {
			ext[pr] = true
		}
	}
	for _, g := range p.ACLGrantees {
		grantee, _, _ := strings.Cut(g, ":")
		ext["ACL "+grantee] = true
	}
	for _, s := range p.SharedSnapshots {
		for _, id := range accountIDRe().FindAllString(s, -1) {
			if id != a.AccountID {
				ext[id] = true
			}
		}
	}
	r.ExternalPrincipals = sortedKeys(ext)
	switch {
	case a.Public:
		r.Exposure = ExposurePublic
	case len(r.ExternalPrincipals) > 0:
		r.Exposure = ExposureShared
	case strings.HasPrefix(a.PublicReason, "UNKNOWN"):
		r.Exposure = ExposureUnknown
	default:
		r.Exposure = ExposurePrivate
	}

	t := j.objects[a.AssetARN]
	if t == nil {
		t = &objectTally{}
	}
	r.SampledFraction = sampledFraction(a, p, *t)
	found := math.Min(math.Max(a.SensitivityScore/100, 0), 1)
	if found == 0 && len(r.DataClasses) > 0 {
		found = 0.2 // a class was found but the score was not computed
	}
	r.Sensitivity = round3(found + (1-found)*(1-r.SampledFraction)*unsampledPrior)
	r.RiskScore = riskScore(r)
	r.Reasons = reasons(r)
	return r
}

// protection maps an asset's encryption to the exposures table's class.
func protection(a AssetRow, p postureView, postureErr string) (class, reason string) {
	switch a.Encryption {
	case "NONE":
		return ProtectionNone, ""
	case "SSE-S3", "AWS_OWNED":
		return ProtectionAWSManaged, ""
	case "SSE-KMS", "DSSE-KMS":
		switch a.KMSKeyManager {
		case "CUSTOMER":
			return ProtectionCustomerKMS, ""
		case "AWS":
			return ProtectionAWSManaged, ""
		}
		// Encrypted with KMS for certain; who manages the key is unknown,
		// so it gets no credit for a customer-managed key.
		return ProtectionAWSManaged, "KMS key manager unknown" + detail(p.KMSError)
	}
	reason = "encryption state not readable"
	switch {
	case p.Encryption != nil && p.Encryption.Error != "":
		reason += ": " + p.Encryption.Error
	case p.KMSError != "":
		reason += ": " + p.KMSError
	case postureErr != "":
		reason += ": " + postureErr
	case a.Reason != "":
		reason += ": " + a.Reason
	}
	return ProtectionUnknown, reason
}

// ownPrincipal reports whether a policy principal belongs to the account
// itself: its id, or an ARN in it.
func ownPrincipal(p, account string) bool {
	if account == "" {
		return false
	}
	if p == account {
		return true
	}
	parts := strings.Split(p, ":")
	return strings.HasPrefix(p, "arn:") && len(parts) > 4 && parts[4] == account
}

func detail(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}

// sampledFraction is how much of the store was sampled and read, 0..1.
// Skipped objects do not count; a store whose size is unknown, or that
// could not be read, counts as not sampled. For a bucket split by prefix it
// is the root part's fraction (the asset row's counts are the root part's),
// and 0 when a prefix part could not be listed: the bucket's size is then
// unknown. For RDS it is the tables read (object rows not SKIPPED) over the
// tables found: tables never attempted are not in sampled_objects either
// (without object rows, sampled_objects is all there is).
func sampledFraction(a AssetRow, p postureView, t objectTally) float64 {
	var num, den float64
	switch a.Service {
	case "dynamodb":
		if p.Sampling != nil && p.ItemCount > 0 {
			num, den = float64(p.Sampling.Items), float64(p.ItemCount)
		} else if p.Sampling != nil && p.Sampling.Items > 0 {
			return 1 // DynamoDB's item count estimate lags: items were read, none counted
		} else {
			num, den = float64(a.SampledObjects), float64(a.ObjectCount)
			if t.rows > 0 {
				num = float64(min(t.read, a.SampledObjects))
			}
		}
	case "rds":
		num, den = float64(a.SampledObjects), float64(a.ObjectCount)
		if t.rows > 0 {
			num = float64(t.read)
		}
	default:
		if t.prefixFailed {
			return 0
		}
		num, den = float64(max(a.SampledObjects-t.skipped, 0)), float64(max(a.BucketObjects, a.ObjectCount))
	}
	if den <= 0 {
		if a.Status == "COMPLETE" {
			return 1 // an empty store, fully examined
		}
		return 0
	}
	return round3(math.Min(num/den, 1))
}

// riskScore places a row in one of eight bands, 12.5 points wide, by three
// flags — sensitive (a data class was found) 4, exposed (PUBLIC, SHARED or
// UNKNOWN) 2, unencrypted (NONE or UNKNOWN) 1 — so sensitive, exposed and
// unencrypted stores always rank first; within a band it orders by
// sensitivity, degree of exposure and of encryption, and failing controls.
func riskScore(r ExposureRow) float64 {
	band := 0
	if len(r.DataClasses) > 0 {
		band += 4
	}
	exposure := map[string]float64{ExposurePublic: 1, ExposureShared: 0.6, ExposureUnknown: 0.5}[r.Exposure]
	if exposure > 0 {
		band += 2
	}
	enc := map[string]float64{ProtectionNone: 1, ProtectionUnknown: 1, ProtectionAWSManaged: 0.3}[r.Encryption]
	if enc == 1 {
		band++
	}
	controls := math.Min(float64(len(r.FailingControls)+len(r.UnknownControls)), 5) / 5
	within := 0.6*r.Sensitivity + 0.2*exposure + 0.1*enc + 0.1*controls
	within = math.Min(within, 0.99)
	return round3(12.5 * (float64(band) + within))
}

// reasons explains a row's rank in a few value-free sentences.
func reasons(r ExposureRow) []string {
	var out []string
	if len(r.DataClasses) > 0 {
		out = append(out, fmt.Sprintf("sensitive: %d matches of %s", r.SensitiveCount, strings.Join(r.DataClasses, ", ")))
	} else {
		out = append(out, "no sensitive data found in the sample")
	}
	if r.SampledFraction < 1 {
		out = append(out, fmt.Sprintf("sampled %.1f%% of the store", 100*r.SampledFraction))
	}
	switch r.Exposure {
	case ExposurePublic:
		out = append(out, "public: "+r.PublicReason)
	case ExposureShared:
		out = append(out, "shared with "+strings.Join(r.ExternalPrincipals, ", "))
	case ExposureUnknown:
		out = append(out, "exposure unknown: "+strings.TrimSpace(strings.TrimPrefix(r.PublicReason, "UNKNOWN:")))
	}
	switch r.Encryption {
	case ProtectionNone:
		out = append(out, "not encrypted at rest")
	case ProtectionUnknown:
		out = append(out, r.EncryptionReason)
	}
	if len(r.FailingControls) > 0 {
		out = append(out, "failing controls: "+strings.Join(r.FailingControls, ", "))
	}
	if len(r.UnknownControls) > 0 {
		out = append(out, "controls not evaluated: "+strings.Join(r.UnknownControls, ", "))
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
