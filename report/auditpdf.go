package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// Section titles of the window report, also its bookmarks. Each criterion's
// section is titled CriterionTitle(id).
const (
	SectionCover     = "Cover"
	SectionScope     = "Scope and method"
	SectionExecutive = "Executive summary"
	SectionCriteria  = "Trust services criteria"
	SectionInventory = "Data inventory"
	SectionAppendix  = "Appendix: evidence files"
)

// CriterionTitle is the section title of a criterion: "CC6.1 — <title>".
func CriterionTitle(id, title string) string {
	if title == "" {
		return id
	}
	return id + " — " + title
}

// WriteAuditPDF renders r as a PDF to w. The evidence manifest (r.Manifest)
// is embedded as the attachment ManifestAttachment. The output is
// byte-for-byte deterministic for a given r: its dates are
// r.Cover.GeneratedAt. detail, when not nil, appends the scan report's
// per-store sections (data stores, redacted findings, objects not read):
// `cairn scan` uses it for its single-scan report.
func WriteAuditPDF(w io.Writer, r *AuditReport, detail *ScanReport) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("report: render pdf: %v", p)
		}
	}()
	created := r.Cover.GeneratedAt
	if created.IsZero() {
		created = time.Unix(0, 0)
	}
	subject := "SOC 2 evidence for AWS accounts " + strings.Join(r.Cover.Accounts, ", ") +
		", " + r.Cover.From + " to " + r.Cover.To
	pdf := newPDF(created, r.Title, subject, r.Cover.ToolVersion)
	pdf.SetAttachments([]fpdf.Attachment{{
		Content: r.Manifest().JSON(), Filename: ManifestAttachment,
		Description: "SHA-256 of every history file this report was built from (cairn verify --manifest)",
	}})
	d := &auditDoc{layout: layout{pdf: pdf}, r: r}
	pdf.SetHeaderFunc(d.header)
	pdf.SetFooterFunc(d.footer)
	d.render(detail)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("report: render pdf: %w", err)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("report: write pdf: %w", err)
	}
	return nil
}

// newPDF returns an A4 document with the embedded fonts, margins, page
// numbering and fixed dates that make its bytes deterministic.
func newPDF(created time.Time, title, subject, version string) *fpdf.Fpdf {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true) // fonts and images in fixed order: deterministic bytes
	pdf.SetCreationDate(created.UTC())
	pdf.SetModificationDate(created.UTC())
	pdf.SetTitle(clean(title), true)
	pdf.SetSubject(clean(subject), true)
	pdf.SetCreator("Cairn "+clean(version), true)
	pdf.SetAuthor("Cairn", true)
	pdf.AddUTF8FontFromBytes(fontFamily, "", fontRegular)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", fontBold)
	pdf.SetMargins(pageMargin, pageMargin, pageMargin)
	pdf.SetAutoPageBreak(true, bottomMargin)
	pdf.AliasNbPages("")
	return pdf
}

type auditDoc struct {
	layout
	r *AuditReport
	// toc holds the contents entries: title, outline level and the alias
	// replaced by the page number once the section is drawn.
	toc []tocEntry
}

type tocEntry struct {
	title string
	level int
	alias string
	page  int
}

// Contents entries, in document order; aliases are filled in as the
// sections are drawn (fpdf RegisterAlias).
func (d *auditDoc) contents() []tocEntry {
	entries := []tocEntry{{title: SectionScope}, {title: SectionExecutive}, {title: SectionCriteria}}
	for _, c := range d.r.Criteria {
		entries = append(entries, tocEntry{title: CriterionTitle(c.ID, c.Title), level: 1})
	}
	entries = append(entries, tocEntry{title: SectionInventory}, tocEntry{title: SectionAppendix})
	for i := range entries {
		entries[i].alias = fmt.Sprintf("{toc%03d}", i)
	}
	return entries
}

func (d *auditDoc) render(detail *ScanReport) {
	d.toc = d.contents()
	d.pdf.AddPage()
	d.cover()
	d.pdf.AddPage()
	d.scope()
	d.summary()
	d.criteria()
	d.inventory()
	if detail != nil {
		sd := &scanDoc{layout: d.layout, r: *detail}
		sd.indexAssets()
		sd.dataStores()
		sd.sensitive()
		sd.notRead()
	}
	d.appendix()
	for _, e := range d.toc {
		d.pdf.RegisterAlias(e.alias, fmt.Sprint(e.page))
	}
}

func (d *auditDoc) header() {
	p := d.pdf
	if p.PageNo() == 1 {
		return
	}
	p.SetFont(fontFamily, "", 7.5)
	p.SetTextColor(100, 100, 100)
	org := d.r.Cover.Organization
	if org != "" {
		org += " · "
	}
	text := clean(d.r.Title) + " · " + clean(org) + d.r.Cover.From + " to " + d.r.Cover.To
	p.CellFormat(contentWidth, 4, fitText(p, text, contentWidth), "B", 1, "L", false, 0, "")
	p.SetTextColor(0, 0, 0)
	p.Ln(3)
}

func (d *auditDoc) footer() {
	p := d.pdf
	p.SetY(-12)
	p.SetFont(fontFamily, "", 7.5)
	p.SetTextColor(100, 100, 100)
	left := fitText(p, "Cairn "+clean(d.r.Cover.ToolVersion)+" · generated "+utcTime(d.r.Cover.GeneratedAt), contentWidth-35)
	p.CellFormat(contentWidth-35, 4, left, "T", 0, "L", false, 0, "")
	p.CellFormat(35, 4, fmt.Sprintf("Page %d of {nb}", p.PageNo()), "T", 0, "R", false, 0, "")
	p.SetTextColor(0, 0, 0)
}

// mark records the page of a contents entry and adds its bookmark.
func (d *auditDoc) mark(title string) {
	for i := range d.toc {
		if d.toc[i].title == title && d.toc[i].page == 0 {
			d.toc[i].page = d.pdf.PageNo()
			return
		}
	}
}

// top starts a top-level section on a new page.
func (d *auditDoc) top(title string) {
	if d.pdf.GetY() > 40 {
		d.pdf.AddPage()
	}
	d.mark(title)
	d.heading(title)
}

func (d *auditDoc) cover() {
	p := d.pdf
	c := d.r.Cover
	p.SetFont(fontFamily, "B", 12)
	p.Bookmark(SectionCover, 0, -1)
	p.SetY(45)
	p.SetFont(fontFamily, "B", 24)
	p.MultiCell(contentWidth, 11, clean(d.r.Title), "", "L", false)
	p.SetFont(fontFamily, "", 12)
	p.SetTextColor(80, 80, 80)
	p.MultiCell(contentWidth, 6, "Where sensitive data lives in AWS, whether it is encrypted and exposed, "+
		"and the state of the controls behind SOC 2 CC6, CC7 and C1 over the observation window.", "", "L", false)
	p.SetTextColor(0, 0, 0)
	p.Ln(8)
	kv := [][2]string{
		{"Organisation", orDash(clean(c.Organization))},
		{"AWS accounts", orDash(strings.Join(cleanAll(c.Accounts), ", "))},
		{"Regions", orDash(strings.Join(cleanAll(c.Regions), ", "))},
		{"Observation window", c.From + " to " + c.To + " (UTC dates, inclusive)"},
		{"Scans", fmt.Sprintf("%s on %s days", num(c.Scans), num(c.ScanDays))},
		{"Generated at", utcTime(c.GeneratedAt)},
		{"Tool version", "Cairn " + txt(c.ToolVersion)},
		{"Scans run by", orDash(strings.Join(cleanAll(c.ScanVersions), ", "))},
	}
	d.keyValues(kv)
	p.Ln(8)
	p.SetFont(fontFamily, "B", 11)
	p.CellFormat(contentWidth, 7, "Contents", "B", 1, "L", false, 0, "")
	p.Ln(1)
	for _, e := range d.toc {
		indent := float64(e.level) * 6
		p.SetFont(fontFamily, map[bool]string{true: "B", false: ""}[e.level == 0], bodySize)
		p.SetX(pageMargin + indent)
		p.CellFormat(contentWidth-indent-15, 5, fitText(p, clean(e.title), contentWidth-indent-15), "", 0, "L", false, 0, "")
		p.CellFormat(15, 5, e.alias, "", 1, "R", false, 0, "")
	}
}

func (d *auditDoc) scope() {
	s := d.r.Scope
	d.top(SectionScope)
	d.keyValues([][2]string{
		{"Services", orDash(strings.Join(cleanAll(s.Services), ", "))},
		{"CIS benchmark", orDash(strings.Join(s.CISVersions, ", "))},
		{"SOC 2", s.SOC2Version},
		{"Data identifiers", fmt.Sprintf("%s: %s", num(len(s.Identifiers)), orDash(strings.Join(cleanAll(s.Identifiers), ", ")))},
	})
	if len(s.Sampling) > 0 {
		d.pdf.Ln(2)
		d.subheading("Sampling parameters")
		var kv [][2]string
		for _, e := range s.Sampling {
			kv = append(kv, [2]string{clean(e.Key), clean(e.Value)})
		}
		d.keyValues(kv)
	}
	d.pdf.Ln(2)
	d.subheading("Scans in the window")
	var rows [][]string
	for _, sc := range s.Scans {
		rows = append(rows, []string{sc.Day, txt(sc.ScanID), txt(sc.AccountID), txt(sc.Status),
			num64(sc.Assets), num64(sc.Objects), num(sc.NotRead), num64(sc.Findings)})
	}
	d.table([]tableCol{
		{"Day", 20, "L"}, {"Scan", 48, "L"}, {"Account", 26, "L"}, {"Status", 22, "L"},
		{"Stores", 14, "R"}, {"Objects", 16, "R"}, {"Not read", 16, "R"}, {"Findings", 18, "R"},
	}, rows)
	d.pdf.Ln(2)
	d.subheading("Method and limits")
	for _, l := range s.Limits {
		d.paragraph("• " + l)
	}
}

func (d *auditDoc) summary() {
	s := d.r.Summary
	d.top(SectionExecutive)
	var kv [][2]string
	for _, f := range s.Figures {
		kv = append(kv, [2]string{clean(f.Key), clean(f.Value)})
	}
	d.keyValues(kv)
	for _, c := range s.Charts {
		d.pdf.Ln(3)
		d.chart(c)
	}
}

// chart draws a horizontal bar chart with fpdf rectangles.
func (d *auditDoc) chart(c Chart) {
	p := d.pdf
	const labelW, valueW, barH, gap = 55.0, 38.0, 4.2, 1.4
	barW := contentWidth - labelW - valueW
	d.ensure(8 + float64(max(len(c.Bars), 1))*(barH+gap))
	p.SetFont(fontFamily, "B", bodySize)
	p.MultiCell(contentWidth, 5, clean(c.Title), "", "L", false)
	p.Ln(1)
	if len(c.Bars) == 0 {
		d.paragraph("Nothing to show.")
		return
	}
	scale := c.Max
	for _, b := range c.Bars {
		scale = max(scale, b.Value)
	}
	p.SetFont(fontFamily, "", tableSize)
	y := p.GetY()
	p.SetDrawColor(150, 150, 150)
	p.SetLineWidth(0.2)
	p.Line(pageMargin+labelW, y-0.5, pageMargin+labelW, y+float64(len(c.Bars))*(barH+gap))
	for _, b := range c.Bars {
		p.SetXY(pageMargin, y)
		p.CellFormat(labelW-2, barH, fitText(p, clean(b.Label), labelW-2), "", 0, "R", false, 0, "")
		if scale > 0 && b.Value > 0 {
			if b.Alert {
				p.SetFillColor(204, 68, 51)
			} else {
				p.SetFillColor(70, 120, 180)
			}
			p.Rect(pageMargin+labelW, y+0.4, barW*b.Value/scale, barH-0.8, "F")
		}
		p.SetXY(pageMargin+labelW+barW+1, y)
		p.CellFormat(valueW-1, barH, fitText(p, clean(b.Text), valueW-1), "", 0, "L", false, 0, "")
		y += barH + gap
	}
	p.SetFillColor(255, 255, 255)
	p.SetDrawColor(0, 0, 0)
	p.SetXY(pageMargin, y)
}

func (d *auditDoc) criteria() {
	d.top(SectionCriteria)
	d.paragraph("One section per criterion. Each lists the controls mapped to it that ran in the window " +
		"(configuration checks, and controls Cairn derives from its data inventory), their status on each " +
		"scan day, the exceptions (FAIL: the control was not met; ERROR: it could not be evaluated, which is " +
		"never counted as a pass) with the days and resources involved, and how to remediate them.")
	d.legend()
	for i, c := range d.r.Criteria {
		if i > 0 || d.pdf.GetY() > 60 {
			d.pdf.AddPage()
		}
		d.criterion(c)
	}
}

// Grid cell colours by status.
var gridColours = map[string][3]int{
	"PASS":     {190, 228, 190},
	"FAIL":     {240, 160, 150},
	"ERROR":    {250, 210, 140},
	"MANUAL":   {215, 220, 235},
	GridNA:     {235, 235, 235},
	GridNotRun: {255, 255, 255},
	GridNoScan: {200, 200, 200},
}

// gridColour is the fill of a grid cell: its status's colour, also when
// the cell is marked partial.
func gridColour(cell string) [3]int {
	col, ok := gridColours[strings.TrimSuffix(cell, GridPartial)]
	if !ok {
		col = gridColours[GridNA]
	}
	return col
}

func gridLabel(cell string) string {
	if c, ok := strings.CutSuffix(cell, GridPartial); ok && c != "" {
		return gridLabel(c) + GridPartial
	}
	switch cell {
	case GridNoScan:
		return "none"
	case "ERROR":
		return "ERR"
	case "MANUAL":
		return "MAN"
	case GridNotRun:
		return "–"
	}
	return cell
}

func (d *auditDoc) legend() {
	p := d.pdf
	p.SetFont(fontFamily, "", tableSize)
	x := pageMargin
	for _, e := range []struct{ cell, text string }{
		{"PASS", "pass"}, {"FAIL", "fail"}, {"ERROR", "could not evaluate"}, {"MANUAL", "manual review"},
		{GridNA, "not applicable"}, {GridNotRun, "not evaluated that day"}, {GridNoScan, "no scan that day"},
		{"PASS" + GridPartial, "some account of the report not scanned that day: the status of those scanned"},
	} {
		w := p.GetStringWidth(e.text) + 4
		if x > pageMargin && x+9+w > pageMargin+contentWidth {
			x = pageMargin
			p.Ln(5)
		}
		col := gridColour(e.cell)
		p.SetFillColor(col[0], col[1], col[2])
		p.SetDrawColor(170, 170, 170)
		p.SetXY(x, p.GetY())
		p.CellFormat(9, 4, gridLabel(e.cell), "1", 0, "C", true, 0, "")
		p.CellFormat(w, 4, e.text, "", 0, "L", false, 0, "")
		x += 9 + w
	}
	p.SetFillColor(255, 255, 255)
	p.SetDrawColor(0, 0, 0)
	p.Ln(7)
}

func (d *auditDoc) criterion(c CriterionSection) {
	title := CriterionTitle(c.ID, c.Title)
	d.mark(title)
	p := d.pdf
	p.SetFont(fontFamily, "B", 12)
	p.Bookmark(clean(title), 1, -1)
	p.MultiCell(contentWidth, 6, clean(title), "B", "L", false)
	p.Ln(2)
	d.paragraph(c.Narrative)
	if len(c.Controls) == 0 {
		d.paragraph("No control mapped to " + c.ID + " ran in this window.")
		return
	}

	d.subheading("Controls")
	var rows [][]string
	for _, l := range c.Controls {
		name := txt(l.CheckID) + "\n" + clean(l.Title)
		if l.Source == "data" {
			name += "\n(derived from the data inventory)"
		}
		var cis []string
		for _, id := range l.CIS {
			cis = append(cis, clean(id))
		}
		rows = append(rows, []string{name, txt(l.Severity), orDash(strings.Join(cis, "\n")),
			num(l.Pass), num(l.Fail), num(l.Error), num(l.Other)})
	}
	d.table([]tableCol{
		{"Control", 92, "L"}, {"Severity", 18, "L"}, {"CIS", 22, "L"},
		{"Pass", 12, "R"}, {"Fail", 12, "R"}, {"Error", 12, "R"}, {"Other", 12, "R"},
	}, rows)

	p.Ln(3)
	d.subheading("Status by day")
	d.grid(c)

	p.Ln(3)
	d.subheading(fmt.Sprintf("Exceptions (%s)", num(len(c.Exceptions)+c.ExceptionsOmitted)))
	if len(c.Exceptions) == 0 {
		d.paragraph("None: every control mapped to " + c.ID + " passed, or did not apply, on every scan day.")
	} else {
		if c.ExceptionsOmitted > 0 {
			d.paragraph(fmt.Sprintf("Showing the first %s; %s more are in the control_results table.",
				num(len(c.Exceptions)), num(c.ExceptionsOmitted)))
		}
		var ex [][]string
		for _, e := range c.Exceptions {
			ex = append(ex, []string{dateRanges(e.Dates), txt(e.CheckID) + "\n" + txt(e.Status),
				txt(e.Resource), txt(e.Detail)})
		}
		d.table([]tableCol{{"Days", 28, "L"}, {"Control", 42, "L"}, {"Resource", 50, "L"}, {"Observed", 60, "L"}}, ex)
	}
	if len(c.Remediation) > 0 {
		p.Ln(3)
		d.subheading("Remediation")
		var kv [][]string
		for _, r := range c.Remediation {
			kv = append(kv, []string{txt(r.Key), txt(r.Value)})
		}
		d.table([]tableCol{{"Control", 50, "L"}, {"How to fix", 130, "L"}}, kv)
	}
}

// grid draws the day × control table in blocks of at most gridDays days.
func (d *auditDoc) grid(c CriterionSection) {
	const gridDays, nameW, rowH = 14, 54.0, 4.6
	p := d.pdf
	if len(c.Days) == 0 {
		d.paragraph("No scan day in the window.")
		return
	}
	cellW := (contentWidth - nameW) / gridDays
	for start := 0; start < len(c.Days); start += gridDays {
		end := min(start+gridDays, len(c.Days))
		d.ensure(rowH * float64(min(len(c.Grid), 6)+1))
		head := func() {
			p.SetFont(fontFamily, "B", 6.5)
			p.SetFillColor(225, 230, 238)
			p.SetDrawColor(170, 170, 170)
			p.CellFormat(nameW, rowH, "Control", "1", 0, "L", true, 0, "")
			for _, day := range c.Days[start:end] {
				p.CellFormat(cellW, rowH, day[5:], "1", 0, "C", true, 0, "")
			}
			p.Ln(rowH)
		}
		if end-start < len(c.Days) || start > 0 {
			p.SetFont(fontFamily, "", tableSize)
			p.CellFormat(contentWidth, 4, fmt.Sprintf("%s to %s", c.Days[start], c.Days[end-1]), "", 1, "L", false, 0, "")
		}
		head()
		for _, row := range c.Grid {
			if p.GetY()+rowH > d.breakY() {
				p.AddPage()
				head()
			}
			p.SetFont(fontFamily, "", 6.5)
			p.SetFillColor(255, 255, 255)
			p.CellFormat(nameW, rowH, fitText(p, clean(row.CheckID), nameW), "1", 0, "L", false, 0, "")
			for _, cell := range row.Cells[start:end] {
				col := gridColour(cell)
				p.SetFillColor(col[0], col[1], col[2])
				p.CellFormat(cellW, rowH, gridLabel(cell), "1", 0, "C", true, 0, "")
			}
			p.Ln(rowH)
		}
		p.SetFillColor(255, 255, 255)
		p.SetDrawColor(0, 0, 0)
		p.Ln(2)
	}
}

func (d *auditDoc) inventory() {
	inv := d.r.Inventory
	d.top(SectionInventory)
	d.paragraph("Where each class of sensitive data lives, as of each store's latest scan in the window, with its " +
		"encryption at rest and exposure (source: the " + inv.Source + " table). Public days are every scan day " +
		"on which the store was publicly accessible. Counts come from sampling: they are lower bounds.")
	if inv.Note != "" {
		d.notice(inv.Note)
	}
	if len(inv.Rows) == 0 {
		d.paragraph("No sensitive data was found in the window's latest scans.")
		return
	}
	var rows [][]string
	for _, r := range inv.Rows {
		public := "No"
		if r.Public {
			public = "Yes"
		}
		if len(r.PublicDays) > 0 {
			public += "\npublic on " + dateRanges(r.PublicDays)
		}
		store := txt(r.Store)
		if r.Service != "" {
			store += " [" + clean(r.Service) + "]"
		}
		rows = append(rows, []string{txt(r.Class) + "\n" + clean(r.Category), store, txt(r.Region),
			encryption(AssetRow{Encryption: r.Encryption}), public, num(r.Locations), num64(r.Matches)})
	}
	d.table([]tableCol{
		{"Data class", 36, "L"}, {"Store", 44, "L"}, {"Region", 20, "L"}, {"Encryption", 20, "L"},
		{"Public", 30, "L"}, {"Locations", 15, "R"}, {"Matches", 15, "R"},
	}, rows)
}

func (d *auditDoc) appendix() {
	d.top(SectionAppendix)
	d.paragraph(fmt.Sprintf("The %s history files this report was built from, with their SHA-256. Paths are relative to "+
		"the history directory. The same list is attached to this PDF as %s and written next to it as "+
		"<report>%s; `cairn verify --history DIR --manifest FILE` rechecks every hash.",
		num(len(d.r.Evidence)), ManifestAttachment, ManifestSuffix))
	var rows [][]string
	for _, e := range d.r.Evidence {
		rows = append(rows, []string{txt(e.Path), splitHash(e.SHA256), num64(e.Bytes)})
	}
	d.table([]tableCol{{"File", 100, "L"}, {"SHA-256", 62, "L"}, {"Bytes", 18, "R"}}, rows)
}

// dateRanges writes sorted YYYY-MM-DD days compactly: consecutive days as
// "first – last".
func dateRanges(days []string) string {
	var parts []string
	for i := 0; i < len(days); {
		j := i
		for j+1 < len(days) && nextDay(days[j]) == days[j+1] {
			j++
		}
		if j == i {
			parts = append(parts, days[i])
		} else {
			parts = append(parts, days[i]+" – "+days[j])
		}
		i = j + 1
	}
	return orDash(strings.Join(parts, ", "))
}

func nextDay(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 0, 1).Format(time.DateOnly)
}

func cleanAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = clean(v)
	}
	return out
}

// splitHash breaks a hex digest in two lines of equal length.
func splitHash(h string) string {
	if len(h) < 2 {
		return txt(h)
	}
	return clean(h[:len(h)/2]) + "\n" + clean(h[len(h)/2:])
}
