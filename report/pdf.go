package report

import (
	"cmp"
	_ "embed"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
)

// DejaVu Sans, copied from Debian's fonts-dejavu-core (licence in
// fonts/LICENSE). Embedding a TTF is the only way fpdf writes UTF-8 text.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

// Caps on the detail tables of the scan PDF, so a scan with millions of rows
// still gives a readable, bounded document. The summary counts always cover
// every row; the Parquet history holds the full lists.
const (
	MaxPDFFindingRows = 1000
	MaxPDFObjectRows  = 1000
)

// ScanReport is everything the scan PDF shows about one scan. The caller
// fills it from the scan's rows; WriteScanPDF does not read the history.
type ScanReport struct {
	ScanID, AccountID, ToolVersion, Status string
	Regions                                []string
	StartedAt, FinishedAt                  time.Time
	// Options holds the sampling parameters to show, such as
	// "sample_objects" → "100". Keys are listed in sorted order.
	Options map[string]string
	Assets  []AssetRow
	// Objects holds all object results; the PDF lists the non-COMPLETE ones
	// with their reasons and counts the rest.
	Objects []ObjectResultRow
	// Findings holds the findings rows. Only their redacted examples are
	// printed, never fingerprints.
	Findings []FindingRow
}

// Section titles of the scan PDF, also used as its bookmarks.
const (
	SectionOverview   = "Scan overview"
	SectionSummary    = "Summary"
	SectionDataStores = "Data stores"
	SectionSensitive  = "Sensitive data found"
	SectionNotRead    = "Objects not fully read"
	SectionSOC2       = "SOC 2 mapping"
)

// WriteScanPDF renders the evidence report of one scan as a PDF to w. The
// output is byte-for-byte deterministic for a given r: the document dates are
// r.FinishedAt (or r.StartedAt, or the Unix epoch, when not set).
func WriteScanPDF(w io.Writer, r ScanReport) (err error) {
	// fpdf reports most problems through Error(), but a malformed font or
	// an internal bug can still panic; never take the caller down with it.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("report: render pdf: %v", p)
		}
	}()
	d := newScanDoc(r)
	d.render()
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("report: render pdf: %w", err)
	}
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("report: write pdf: %w", err)
	}
	return nil
}

// Page geometry in millimetres (A4 portrait).
const (
	pageMargin   = 15.0
	bottomMargin = 18.0
	contentWidth = 210 - 2*pageMargin
	fontFamily   = "DejaVu"
	bodySize     = 9.0
	tableSize    = 7.5
	tableLineH   = 3.4
	cellPadY     = 0.8
	maxCellLines = 6
)

// layout holds the drawing helpers shared by the scan and window reports:
// headings with bookmarks, paragraphs, key/value lists and paginated tables.
type layout struct {
	pdf *fpdf.Fpdf
}

type scanDoc struct {
	layout
	r ScanReport

	assets     []AssetRow          // riskiest first
	assetIndex map[string]int      // ARN → position in assets
	classes    map[string][]string // ARN → sorted data classes (asset row ∪ findings)
}

func newScanDoc(r ScanReport) *scanDoc {
	created := r.FinishedAt
	if created.IsZero() {
		created = r.StartedAt
	}
	if created.IsZero() {
		created = time.Unix(0, 0)
	}
	pdf := newPDF(created, "Cairn scan report "+r.ScanID, "Sensitive data evidence for AWS account "+r.AccountID, r.ToolVersion)

	d := &scanDoc{layout: layout{pdf: pdf}, r: r}
	d.indexAssets()

	pdf.SetHeaderFunc(d.header)
	pdf.SetFooterFunc(d.footer)
	return d
}

func (d *scanDoc) render() {
	d.pdf.AddPage()
	d.overview()
	d.summary()
	d.dataStores()
	d.sensitive()
	d.notRead()
	d.soc2()
}

// header runs on every page; the first page has the title block instead.
func (d *scanDoc) header() {
	p := d.pdf
	if p.PageNo() == 1 {
		return
	}
	p.SetFont(fontFamily, "", 7.5)
	p.SetTextColor(100, 100, 100)
	p.CellFormat(contentWidth, 4, fitText(p, "Cairn scan report · "+utcTime(d.r.StartedAt)+" – "+utcTime(d.r.FinishedAt), contentWidth), "B", 1, "L", false, 0, "")
	p.SetTextColor(0, 0, 0)
	p.Ln(3)
}

func (d *scanDoc) footer() {
	p := d.pdf
	p.SetY(-12)
	p.SetFont(fontFamily, "", 7.5)
	p.SetTextColor(100, 100, 100)
	left := fitText(p, "Cairn "+clean(d.r.ToolVersion)+" · account "+clean(d.r.AccountID)+" · scan "+clean(d.r.ScanID), contentWidth-35)
	p.CellFormat(contentWidth-35, 4, left, "T", 0, "L", false, 0, "")
	p.CellFormat(35, 4, fmt.Sprintf("Page %d of {nb}", p.PageNo()), "T", 0, "R", false, 0, "")
	p.SetTextColor(0, 0, 0)
}

func (d *scanDoc) overview() {
	p := d.pdf
	r := d.r
	p.SetFont(fontFamily, "B", 20)
	p.CellFormat(contentWidth, 10, "Cairn scan report", "", 1, "L", false, 0, "")
	p.SetFont(fontFamily, "", 11)
	p.SetTextColor(80, 80, 80)
	p.CellFormat(contentWidth, 6, fitText(p, "Sensitive data evidence for AWS account "+txt(r.AccountID), contentWidth), "", 1, "L", false, 0, "")
	p.SetTextColor(0, 0, 0)
	p.Ln(2)
	d.heading(SectionOverview)

	regions := make([]string, len(r.Regions))
	for i, reg := range r.Regions {
		regions[i] = clean(reg)
	}
	slices.Sort(regions)
	kv := [][2]string{
		{"AWS account", txt(r.AccountID)},
		{"Regions", orDash(strings.Join(regions, ", "))},
		{"Scan ID", txt(r.ScanID)},
		{"Window start", utcTime(r.StartedAt)},
		{"Window finish", utcTime(r.FinishedAt)},
		{"Duration", duration(r.StartedAt, r.FinishedAt)},
		{"Status", txt(r.Status)},
		{"Tool version", txt(r.ToolVersion)},
	}
	d.keyValues(kv)

	if len(r.Options) > 0 {
		p.Ln(3)
		d.subheading("Sampling parameters")
		var opts [][2]string
		for _, k := range slices.Sorted(maps.Keys(r.Options)) {
			opts = append(opts, [2]string{clean(k), txt(r.Options[k])})
		}
		d.keyValues(opts)
	}
	var objs, stores int
	for _, o := range r.Objects {
		if o.Status != "COMPLETE" {
			objs++
		}
	}
	for _, a := range r.Assets {
		if a.Status != "COMPLETE" {
			stores++
		}
	}
	if objs > 0 || stores > 0 || (r.Status != "" && r.Status != "COMPLETE") {
		p.Ln(3)
		d.notice(fmt.Sprintf("This scan's status is %s. %s data stores and %s sampled objects could not be "+
			"fully read; they are listed under %q. Finding nothing there is not evidence that no sensitive "+
			"data is there.", txt(r.Status), num(stores), num(objs), SectionNotRead))
	}
}

func (d *scanDoc) summary() {
	r := d.r
	d.section(SectionSummary)

	services := map[string]int{}
	var sensitive, public, publicSensitive, unencrypted, notExamined int
	for _, a := range d.assets {
		services[a.Service]++
		isSensitive := len(d.classes[a.AssetARN]) > 0
		if isSensitive {
			sensitive++
		}
		if a.Public {
			public++
			if isSensitive {
				publicSensitive++
			}
		}
		if strings.EqualFold(a.Encryption, "NONE") {
			unencrypted++
		}
		if a.Status != "COMPLETE" {
			notExamined++
		}
	}
	var bySvc []string
	for _, s := range slices.Sorted(maps.Keys(services)) {
		bySvc = append(bySvc, fmt.Sprintf("%s %s", txt(s), num(services[s])))
	}
	storesLine := num(len(d.assets))
	if len(bySvc) > 0 {
		storesLine += " (" + strings.Join(bySvc, ", ") + ")"
	}

	var complete, partial, skipped, other int
	var bytesRead int64
	for _, o := range r.Objects {
		bytesRead += o.BytesRead
		switch o.Status {
		case "COMPLETE":
			complete++
		case "PARTIAL":
			partial++
		case "SKIPPED":
			skipped++
		default:
			other++
		}
	}
	objLine := fmt.Sprintf("%s: %s read completely, %s partially, %s skipped",
		num(len(r.Objects)), num(complete), num(partial), num(skipped))
	if other > 0 {
		objLine += fmt.Sprintf(", %s with another status", num(other))
	}

	var matches int64
	ids := map[string]bool{}
	for _, f := range r.Findings {
		matches += f.Count
		ids[f.Identifier] = true
	}

	d.keyValues([][2]string{
		{"Data stores examined", storesLine},
		{"Holding sensitive data", num(sensitive)},
		{"Publicly accessible", fmt.Sprintf("%s, of which %s hold sensitive data", num(public), num(publicSensitive))},
		{"Not encrypted at rest", num(unencrypted)},
		{"Not fully examined", num(notExamined)},
		{"Objects sampled", objLine},
		{"Bytes read", bytesHuman(bytesRead)},
		{"Sensitive data", fmt.Sprintf("%s matches of %s identifiers in %s findings rows",
			num64(matches), num(len(ids)), num(len(r.Findings)))},
	})
}

func (d *scanDoc) dataStores() {
	d.section(SectionDataStores)
	if len(d.assets) == 0 {
		d.paragraph("No data stores were examined in this scan.")
		return
	}
	d.paragraph("Riskiest first: publicly accessible stores holding sensitive data, then other stores holding " +
		"sensitive data, then public stores; by sensitivity score (0–100) within each group.")
	cols := []tableCol{
		{"Data store", 46, "L"}, {"Region", 20, "L"}, {"Encryption", 30, "L"},
		{"Public", 34, "L"}, {"Data classes", 36, "L"}, {"Score", 14, "R"},
	}
	rows := make([][]string, 0, len(d.assets))
	for _, a := range d.assets {
		store := assetName(a) + " [" + txt(a.Service) + "]"
		if a.Status != "COMPLETE" {
			store += "\n" + txt(a.Status)
			if a.Reason != "" {
				store += ": " + clean(a.Reason)
			}
		}
		public := "No"
		if a.Public {
			public = "Yes"
			if a.PublicReason != "" {
				public += " — " + clean(a.PublicReason)
			}
		}
		classes := "None found"
		if c := d.classes[a.AssetARN]; len(c) > 0 {
			classes = clean(strings.Join(c, ", "))
		}
		rows = append(rows, []string{store, txt(a.Region), encryption(a), public, classes,
			strconv.FormatFloat(a.SensitivityScore, 'f', 0, 64)})
	}
	d.table(cols, rows)
}

func (d *scanDoc) sensitive() {
	r := d.r
	d.section(SectionSensitive)
	if len(r.Findings) == 0 {
		d.paragraph("No sensitive data was found in the data that was read.")
		return
	}

	// Per identifier: a short table an auditor can read at a glance.
	type idStat struct {
		category     string
		stores, locs map[string]bool
		matches      int64
	}
	stats := map[string]*idStat{}
	for _, f := range r.Findings {
		s := stats[f.Identifier]
		if s == nil {
			s = &idStat{category: f.Category, stores: map[string]bool{}, locs: map[string]bool{}}
			stats[f.Identifier] = s
		}
		s.stores[f.AssetARN] = true
		s.locs[f.AssetARN+"\x00"+f.Location] = true
		s.matches += f.Count
	}
	ids := slices.Collect(maps.Keys(stats))
	slices.SortFunc(ids, func(a, b string) int {
		if c := cmp.Compare(stats[b].matches, stats[a].matches); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	d.subheading("By identifier")
	var sumRows [][]string
	for _, id := range ids {
		s := stats[id]
		sumRows = append(sumRows, []string{txt(id), txt(s.category), num(len(s.stores)), num(len(s.locs)), num64(s.matches)})
	}
	d.table([]tableCol{
		{"Identifier", 55, "L"}, {"Category", 35, "L"}, {"Data stores", 28, "R"},
		{"Locations", 30, "R"}, {"Matches", 32, "R"},
	}, sumRows)

	d.pdf.Ln(4)
	d.subheading("By location")
	findings := slices.Clone(r.Findings)
	slices.SortStableFunc(findings, func(a, b FindingRow) int {
		if c := d.assetOrder(a.AssetARN) - d.assetOrder(b.AssetARN); c != 0 {
			return c
		}
		return cmpStrings(a.AssetARN, b.AssetARN, a.Location, b.Location, a.Identifier, b.Identifier, a.Field, b.Field)
	})
	shown := findings
	if len(shown) > MaxPDFFindingRows {
		shown = shown[:MaxPDFFindingRows]
		d.paragraph(fmt.Sprintf("Showing the first %s of %s findings rows, riskiest data stores first; "+
			"the findings table of the Parquet history holds them all.", num(len(shown)), num(len(findings))))
	}
	d.paragraph("Examples are shown in redacted form only, as recorded by the scan.")
	var rows [][]string
	for _, f := range shown {
		loc := txt(f.Location)
		if f.Field != "" {
			loc += "\nfield: " + clean(f.Field)
		}
		examples := "—"
		if n := len(f.RedactedExamples); n > 0 {
			ex := make([]string, 0, 3)
			for _, e := range f.RedactedExamples[:min(n, 3)] {
				ex = append(ex, txt(e))
			}
			examples = strings.Join(ex, "\n")
			if n > 3 {
				examples += fmt.Sprintf("\n(+%d more)", n-3)
			}
		}
		rows = append(rows, []string{d.storeName(f.AssetARN), loc, txt(f.Identifier), txt(f.Confidence), num64(f.Count), examples})
	}
	d.table([]tableCol{
		{"Data store", 27, "L"}, {"Location", 48, "L"}, {"Identifier", 36, "L"},
		{"Confidence", 19, "L"}, {"Count", 13, "R"}, {"Redacted examples", 37, "L"},
	}, rows)
}

func (d *scanDoc) notRead() {
	r := d.r
	d.section(SectionNotRead)

	var stores [][]string
	for _, a := range d.assets {
		if a.Status != "COMPLETE" {
			stores = append(stores, []string{assetName(a) + " [" + txt(a.Service) + "]", txt(a.Status), reasonText(a.Reason)})
		}
	}

	var notComplete []ObjectResultRow
	type key struct{ status, reason string }
	counts := map[key]int{}
	for _, o := range r.Objects {
		if o.Status == "COMPLETE" {
			continue
		}
		notComplete = append(notComplete, o)
		counts[key{o.Status, o.Reason}]++
	}
	d.paragraph(fmt.Sprintf("%s of %s sampled objects were read completely; %s were not. "+
		"Data that was not read is not evidence that no sensitive data is there.",
		num(len(r.Objects)-len(notComplete)), num(len(r.Objects)), num(len(notComplete))))

	if len(stores) > 0 {
		d.subheading("Data stores not fully examined")
		d.table([]tableCol{{"Data store", 80, "L"}, {"Status", 30, "L"}, {"Reason", 70, "L"}}, stores)
		d.pdf.Ln(4)
	}
	if len(notComplete) == 0 {
		return
	}

	d.subheading("Objects by reason")
	keys := slices.Collect(maps.Keys(counts))
	slices.SortFunc(keys, func(a, b key) int {
		if c := counts[b] - counts[a]; c != 0 {
			return c
		}
		return cmpStrings(a.status, b.status, a.reason, b.reason)
	})
	var reasonRows [][]string
	for _, k := range keys {
		reasonRows = append(reasonRows, []string{txt(k.status), reasonText(k.reason), num(counts[k])})
	}
	d.table([]tableCol{{"Status", 35, "L"}, {"Reason", 110, "L"}, {"Objects", 35, "R"}}, reasonRows)

	d.pdf.Ln(4)
	d.subheading("Objects")
	slices.SortStableFunc(notComplete, func(a, b ObjectResultRow) int {
		if c := d.assetOrder(a.AssetARN) - d.assetOrder(b.AssetARN); c != 0 {
			return c
		}
		return cmpStrings(a.AssetARN, b.AssetARN, a.Location, b.Location)
	})
	shown := notComplete
	if len(shown) > MaxPDFObjectRows {
		shown = shown[:MaxPDFObjectRows]
		d.paragraph(fmt.Sprintf("Showing the first %s of %s objects; the object_results table of the "+
			"Parquet history holds them all.", num(len(shown)), num(len(notComplete))))
	}
	var rows [][]string
	for _, o := range shown {
		rows = append(rows, []string{d.storeName(o.AssetARN), txt(o.Location), txt(o.Status), reasonText(o.Reason)})
	}
	d.table([]tableCol{{"Data store", 36, "L"}, {"Location", 82, "L"}, {"Status", 20, "L"}, {"Reason", 42, "L"}}, rows)
}

func (d *scanDoc) soc2() {
	d.section(SectionSOC2)
	d.paragraph("How this report serves as evidence for the SOC 2 Trust Services Criteria (2017, revised 2022). " +
		"It records what one scan observed during the window above; an observation period is covered by the " +
		"reports of its scans together.")
	d.keyValues([][2]string{
		{"CC6.7", "Restricting and protecting the transmission, movement and removal of information. " +
			"The Data stores table shows, per store, whether data is encrypted at rest and who manages the key, " +
			"and whether the store is publicly accessible, that is open to removal by anyone."},
		{"C1.1", "Identifying and maintaining confidential information. The Sensitive data found section " +
			"identifies where confidential information resides, by data class, location and confidence."},
		{"C1.2", "Disposing of confidential information. The locations listed show where confidential data " +
			"is still held, so retention and disposal can be checked against policy."},
	})
	d.pdf.Ln(2)
	d.paragraph("Limits: objects are sampled with the parameters shown in the overview, so absence of a finding is " +
		"not proof of absence. Targets that could not be read are listed, never counted as clean. No raw " +
		"sensitive value appears in this report or in the history it was made from.")
}

// indexAssets sorts the assets riskiest first and records each one's data
// classes: those of its row plus the identifiers of its findings.
func (d *scanDoc) indexAssets() {
	d.classes = map[string][]string{}
	for _, a := range d.r.Assets {
		d.classes[a.AssetARN] = append(d.classes[a.AssetARN], a.DataClasses...)
	}
	for _, f := range d.r.Findings {
		if f.Identifier != "" {
			d.classes[f.AssetARN] = append(d.classes[f.AssetARN], f.Identifier)
		}
	}
	for arn, c := range d.classes {
		slices.Sort(c)
		d.classes[arn] = slices.Compact(c)
	}

	d.assets = slices.Clone(d.r.Assets)
	tier := func(a AssetRow) int {
		sensitive := len(d.classes[a.AssetARN]) > 0
		switch {
		case a.Public && sensitive:
			return 0
		case sensitive:
			return 1
		case a.Public:
			return 2
		default:
			return 3
		}
	}
	slices.SortStableFunc(d.assets, func(a, b AssetRow) int {
		if c := tier(a) - tier(b); c != 0 {
			return c
		}
		if a.SensitivityScore != b.SensitivityScore {
			if a.SensitivityScore > b.SensitivityScore {
				return -1
			}
			return 1
		}
		if ua, ub := strings.EqualFold(a.Encryption, "NONE"), strings.EqualFold(b.Encryption, "NONE"); ua != ub {
			if ua {
				return -1
			}
			return 1
		}
		return cmpStrings(assetName(a), assetName(b), a.AssetARN, b.AssetARN)
	})
	d.assetIndex = make(map[string]int, len(d.assets))
	for i, a := range d.assets {
		if _, ok := d.assetIndex[a.AssetARN]; !ok {
			d.assetIndex[a.AssetARN] = i
		}
	}
}

// assetOrder is the risk rank of the asset with this ARN; unknown ARNs sort
// last.
func (d *scanDoc) assetOrder(arn string) int {
	if i, ok := d.assetIndex[arn]; ok {
		return i
	}
	return len(d.assets)
}

func (d *scanDoc) storeName(arn string) string {
	if i, ok := d.assetIndex[arn]; ok {
		return assetName(d.assets[i])
	}
	return txt(arn)
}

// assetName is the cleaned name of a, or its ARN when it has none.
func assetName(a AssetRow) string {
	if a.Name != "" {
		return clean(a.Name)
	}
	return txt(a.AssetARN)
}

func encryption(a AssetRow) string {
	enc := clean(a.Encryption)
	switch strings.ToUpper(enc) {
	case "":
		return "Unknown"
	case "NONE":
		return "None"
	}
	switch a.KMSKeyManager {
	case "AWS":
		enc += "\nAWS managed key"
	case "CUSTOMER":
		enc += "\ncustomer managed key"
	}
	return enc
}

func reasonText(s string) string {
	if s == "" {
		return "(no reason recorded)"
	}
	return clean(s)
}

// ---- layout helpers ----

func (d *layout) breakY() float64 {
	_, h := d.pdf.GetPageSize()
	return h - bottomMargin
}

// ensure starts a new page unless h millimetres still fit on this one.
func (d *layout) ensure(h float64) {
	if d.pdf.GetY()+h > d.breakY() {
		d.pdf.AddPage()
	}
}

func (d *layout) section(title string) {
	p := d.pdf
	p.Ln(5)
	d.ensure(30) // keep a heading with the start of its content
	d.heading(title)
}

// heading prints a section title and adds it to the document outline.
func (d *layout) heading(title string) {
	p := d.pdf
	p.SetFont(fontFamily, "B", 13) // before Bookmark: it encodes for the current font
	p.Bookmark(title, 0, -1)
	p.CellFormat(contentWidth, 8, title, "B", 1, "L", false, 0, "")
	p.Ln(2)
}

func (d *layout) subheading(title string) {
	p := d.pdf
	d.ensure(20)
	p.SetFont(fontFamily, "B", 10)
	p.CellFormat(contentWidth, 6, title, "", 1, "L", false, 0, "")
	p.Ln(1)
}

func (d *layout) paragraph(text string) {
	p := d.pdf
	p.SetFont(fontFamily, "", bodySize)
	p.MultiCell(contentWidth, 4.5, clean(text), "", "L", false)
	p.Ln(1.5)
}

func (d *layout) notice(text string) {
	p := d.pdf
	p.SetFont(fontFamily, "B", bodySize)
	p.SetFillColor(255, 240, 200)
	p.MultiCell(contentWidth, 5, clean(text), "1", "L", true)
	p.SetFillColor(255, 255, 255)
	p.Ln(1.5)
}

// keyValues prints label/value pairs, values wrapped in the right column.
func (d *layout) keyValues(kv [][2]string) {
	p := d.pdf
	const keyW, lineH = 48.0, 4.6
	for _, e := range kv {
		p.SetFont(fontFamily, "", bodySize)
		lines := d.wrap(e[1], contentWidth-keyW, 20)
		d.ensure(float64(len(lines)) * lineH)
		y := p.GetY()
		p.SetFont(fontFamily, "B", bodySize)
		p.CellFormat(keyW, lineH, fitText(p, clean(e[0]), keyW), "", 0, "L", false, 0, "")
		p.SetFont(fontFamily, "", bodySize)
		for i, l := range lines {
			p.SetXY(pageMargin+keyW, y+float64(i)*lineH)
			p.CellFormat(contentWidth-keyW, lineH, l, "", 0, "L", false, 0, "")
		}
		p.SetXY(pageMargin, y+float64(len(lines))*lineH+0.6)
	}
}

type tableCol struct {
	title string
	width float64
	align string
}

// table draws rows under a header. A row that does not fit on the page moves
// to the next one, where the header is repeated; a cell longer than
// maxCellLines lines is cut with an ellipsis, so a row never outgrows a page.
func (d *layout) table(cols []tableCol, rows [][]string) {
	p := d.pdf
	p.SetFont(fontFamily, "B", tableSize)
	headH := d.rowHeight(cols, titles(cols))
	p.SetFont(fontFamily, "", tableSize)
	firstH := headH
	if len(rows) > 0 {
		firstH += d.rowHeight(cols, rows[0])
	}
	d.ensure(firstH)
	d.tableRow(cols, titles(cols), true, false)
	for i, row := range rows {
		p.SetFont(fontFamily, "", tableSize)
		if p.GetY()+d.rowHeight(cols, row) > d.breakY() {
			p.AddPage()
			d.tableRow(cols, titles(cols), true, false)
		}
		d.tableRow(cols, row, false, i%2 == 1)
	}
	p.SetFont(fontFamily, "", bodySize)
}

func titles(cols []tableCol) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.title
	}
	return out
}

func (d *layout) rowHeight(cols []tableCol, row []string) float64 {
	n := 1
	for i, c := range cols {
		n = max(n, len(d.wrap(cell(row, i), c.width, maxCellLines)))
	}
	return float64(n)*tableLineH + 2*cellPadY
}

func cell(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

func (d *layout) tableRow(cols []tableCol, row []string, head, shade bool) {
	p := d.pdf
	style := ""
	if head {
		style = "B"
	}
	p.SetFont(fontFamily, style, tableSize)
	h := d.rowHeight(cols, row)
	x, y := pageMargin, p.GetY()
	p.SetDrawColor(170, 170, 170)
	p.SetLineWidth(0.15)
	for i, c := range cols {
		switch {
		case head:
			p.SetFillColor(225, 230, 238)
			p.Rect(x, y, c.width, h, "FD")
		case shade:
			p.SetFillColor(246, 246, 246)
			p.Rect(x, y, c.width, h, "FD")
		default:
			p.Rect(x, y, c.width, h, "D")
		}
		for j, line := range d.wrap(cell(row, i), c.width, maxCellLines) {
			p.SetXY(x, y+cellPadY+float64(j)*tableLineH)
			p.CellFormat(c.width, tableLineH, line, "", 0, c.align, false, 0, "")
		}
		x += c.width
	}
	p.SetFillColor(255, 255, 255)
	p.SetDrawColor(0, 0, 0)
	p.SetXY(pageMargin, y+h)
}

// wrap cleans s and splits it into lines that fit a cell of width w in the
// current font, keeping explicit line breaks. Past maxLines it keeps the
// first and the last lines around a "…" line: the end of an object key (its
// file name) or of an example list ("+N more") matters as much as its start.
func (d *layout) wrap(s string, w float64, maxLines int) []string {
	const maxRunes = 2048 // bound the work for absurd values; far more than maxLines hold
	if utf8.RuneCountInString(s) > maxRunes {
		r := []rune(s)
		s = string(r[:maxRunes/2]) + "…" + string(r[len(r)-maxRunes/2:])
	}
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		para = clean(para)
		if para == "" {
			lines = append(lines, "")
			continue
		}
		lines = append(lines, d.pdf.SplitText(para, w)...)
	}
	if len(lines) == 0 {
		return []string{""}
	}
	if len(lines) > maxLines {
		head := maxLines / 2
		tail := maxLines - 1 - head
		out := append(lines[:head:head], "…")
		lines = append(out, lines[len(lines)-tail:]...)
	}
	return lines
}

// fitText cuts s so it fits a cell of width w in the current font, ending it
// with an ellipsis when cut.
func fitText(p *fpdf.Fpdf, s string, w float64) string {
	avail := w - 2*p.GetCellMargin()
	if p.GetStringWidth(s) <= avail {
		return s
	}
	r := []rune(strings.TrimSuffix(s, "…"))
	for len(r) > 0 && p.GetStringWidth(string(r)+"…") > avail {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// clean makes text from AWS (bucket names, object keys, reasons) safe to
// print: invalid UTF-8 becomes U+FFFD, control characters are shown as
// \xNN escapes, and characters outside the Basic Multilingual Plane, which
// the embedded font and fpdf's subsetting cannot draw, become U+FFFD.
func clean(s string) string {
	ok := true
	for _, r := range s {
		if r == utf8.RuneError || r > 0xFFFF || unicode.IsControl(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune('\uFFFD')
		case r > 0xFFFF:
			b.WriteRune('\uFFFD')
		case unicode.IsControl(r):
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// txt cleans a value from the rows for printing, showing an empty one as a
// dash. Values must go through clean before they are joined with the "\n"
// line breaks the layout adds, so a newline inside a value stays visible.
func txt(s string) string { return orDash(clean(s)) }

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func utcTime(t time.Time) string {
	if t.IsZero() {
		return "not recorded"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func duration(start, end time.Time) string {
	if start.IsZero() || end.IsZero() {
		return "—"
	}
	if end.Before(start) {
		return "— (finish is before start)"
	}
	return end.Sub(start).Round(time.Second).String()
}

func num(n int) string { return num64(int64(n)) }

// num64 formats n with thousands separators.
func num64(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func bytesHuman(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, exp := float64(n), 0
	for v >= unit && exp < 6 {
		v /= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB (%s bytes)", v, "KMGTPE"[exp-1], num64(n))
}

// cmpStrings compares pairs (a0, b0), (a1, b1), … in turn.
func cmpStrings(pairs ...string) int {
	if len(pairs)%2 != 0 {
		panic("report: cmpStrings needs pairs")
	}
	for i := 0; i < len(pairs); i += 2 {
		if c := strings.Compare(pairs[i], pairs[i+1]); c != 0 {
			return c
		}
	}
	return 0
}
