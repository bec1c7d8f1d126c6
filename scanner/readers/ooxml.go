package readers

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Office Open XML documents are zip archives of XML parts. Their parts are
// not entries: their text is emitted with the document's Entry and the
// part as Field (docx, pptx), or the sheet column (xlsx). Each part opened
// counts as an entry visited. Embedded objects and media are not read.

const (
	maxSharedStrings    = 1 << 20 // strings of an xlsx shared-strings table kept for lookup
	maxSharedStringData = 8 << 20 // bytes of them; the rest is emitted as free text
	maxSheetColumns     = 16384   // Excel's own limit (XFD)
)

// readOffice reads the text parts of a docx, xlsx or pptx whose directory
// entries are given.
func (r *run) readOffice(c content, kind Format, d *zipDir, entries []zipEntry) outcome {
	parts := map[string]*zipEntry{}
	for i := range entries {
		parts[entries[i].name] = &entries[i]
	}
	var o outcome
	switch kind {
	case FormatDOCX:
		names := []string{"word/document.xml", "word/footnotes.xml", "word/endnotes.xml", "word/comments.xml"}
		names = append(names, partsLike(entries, "word/header", "word/footer")...)
		for _, n := range names {
			if e := parts[n]; e != nil {
				o.merge(r.readOfficePart(c, d, e, func(rd io.Reader, emit func(Segment) error) (int64, error) {
					return readParagraphs(r, rd, emit, n)
				}))
			}
		}
	case FormatPPTX:
		names := partsLike(entries, "ppt/slides/slide", "ppt/notesSlides/notesSlide")
		for _, n := range names {
			o.merge(r.readOfficePart(c, d, parts[n], func(rd io.Reader, emit func(Segment) error) (int64, error) {
				return readParagraphs(r, rd, emit, n)
			}))
		}
	case FormatXLSX:
		o = r.readXLSX(c, d, parts, entries)
	}
	return o
}

// partsLike returns the names of entries that start with one of prefixes,
// ordered by prefix, then by the number in their name (slide2 before
// slide10).
func partsLike(entries []zipEntry, prefixes ...string) []string {
	var out []string
	for _, p := range prefixes {
		var names []string
		for i := range entries {
			n := entries[i].name
			if strings.HasPrefix(n, p) && strings.HasSuffix(n, ".xml") && !strings.Contains(n[len(p):], "/") {
				names = append(names, n)
			}
		}
		sort.Slice(names, func(i, j int) bool {
			a, b := partNumber(names[i]), partNumber(names[j])
			if a != b {
				return a < b
			}
			return names[i] < names[j]
		})
		out = append(out, names...)
	}
	return out
}

// partNumber is the number at the end of a part name ("slide12.xml": 12).
func partNumber(name string) int {
	name = strings.TrimSuffix(name, ".xml")
	i := len(name)
	for i > 0 && name[i-1] >= '0' && name[i-1] <= '9' {
		i--
	}
	n, _ := strconv.Atoi(name[i:])
	return n
}

// readOfficePart opens one part (counting it as an entry visited), decodes
// its text encoding and hands it to read, which returns the records read.
func (r *run) readOfficePart(c content, d *zipDir, e *zipEntry, read func(io.Reader, func(Segment) error) (int64, error)) outcome {
	if r.stopped() {
		return outcome{reason: r.stopReason()}
	}
	if !r.visit() {
		return outcome{reason: ReasonArchiveEntryLimit}
	}
	if reason := r.zipCheck(e); reason != "" {
		return outcome{reason: reason}
	}
	rd, _, closer, err := r.openEntry(d, e)
	if err != nil {
		return outcome{reason: r.reasonFor(err)}
	}
	defer closer()
	cr := &countReader{r: rd}
	td := newTextDecoder(cr)
	defer td.release()
	n, err := read(td, r.emitter(c.entry, ""))
	r.records += n
	if err == nil {
		err = td.readErr
	}
	return outcome{reason: r.reasonFor(err), read: cr.n > 0, bytes: cr.n}
}

// xmlDecoder returns a decoder of UTF-8 XML that ignores the declared
// encoding (the text decoder has normalised it).
func xmlDecoder(rd io.Reader) *xml.Decoder {
	dec := xml.NewDecoder(rd)
	dec.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	return dec
}

// xmlErr turns the end of a part into nil and a syntax error into
// errCorrupt (encoding/xml errors quote content).
func xmlErr(err error) error {
	var syn *xml.SyntaxError
	switch {
	case err == io.EOF:
		return nil
	case errors.As(err, &syn):
		return errCorrupt
	}
	return err
}

// readParagraphs emits the text of a WordprocessingML or DrawingML part,
// one paragraph (<w:p>, <a:p>) per value, under field: the text of <t>
// runs, deleted text (<w:delText>) included, tabs and breaks kept.
func readParagraphs(r *run, rd io.Reader, emit func(Segment) error, field string) (int64, error) {
	dec := xmlDecoder(rd)
	b := newBatcher(emit)
	defer b.release()
	f := b.newField(field)
	var para []byte
	var records int64
	inText := 0
	flush := func() error {
		t := bytes.TrimSpace(para)
		para = para[:0]
		if len(t) == 0 {
			return nil
		}
		records++
		return b.addBytes(f, t)
	}
	for n := 0; ; n++ {
		if n&1023 == 0 && r.ctx.Err() != nil {
			return records, r.ctx.Err()
		}
		tok, err := dec.RawToken()
		if err != nil {
			if ferr := flush(); ferr != nil {
				return records, ferr
			}
			if ferr := b.flushAll(false); ferr != nil {
				return records, ferr
			}
			return records, xmlErr(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t", "delText":
				inText++
			case "tab":
				para = append(para, '\t')
			case "br", "cr":
				para = append(para, '\n')
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t", "delText":
				inText = max(0, inText-1)
			case "p":
				if err := flush(); err != nil {
					return records, err
				}
			}
		case xml.CharData:
			if inText > 0 {
				para = append(para, t...)
				if len(para) >= segmentSize {
					if err := flush(); err != nil {
						return records, err
					}
				}
			}
		}
	}
}

// readXLSX reads the shared strings and then each sheet of a workbook, in
// workbook order.
func (r *run) readXLSX(c content, d *zipDir, parts map[string]*zipEntry, entries []zipEntry) outcome {
	var o outcome
	type sheet struct{ name, part string }
	var sheets []sheet
	if wb, rels := parts["xl/workbook.xml"], parts["xl/_rels/workbook.xml.rels"]; wb != nil && rels != nil {
		var names [][2]string // sheet name, relationship id
		o.merge(r.readOfficePart(c, d, wb, func(rd io.Reader, _ func(Segment) error) (int64, error) {
			var err error
			names, err = readWorkbook(rd)
			return 0, err
		}))
		var targets map[string]string
		o.merge(r.readOfficePart(c, d, rels, func(rd io.Reader, _ func(Segment) error) (int64, error) {
			var err error
			targets, err = readRels(rd)
			return 0, err
		}))
		for _, n := range names {
			if t, ok := targets[n[1]]; ok {
				sheets = append(sheets, sheet{name: n[0], part: t})
			}
		}
	}
	if len(sheets) == 0 {
		for _, p := range partsLike(entries, "xl/worksheets/sheet") {
			sheets = append(sheets, sheet{name: strings.TrimSuffix(path.Base(p), ".xml"), part: p})
		}
	}
	var shared []string
	if e := parts["xl/sharedStrings.xml"]; e != nil {
		o.merge(r.readOfficePart(c, d, e, func(rd io.Reader, emit func(Segment) error) (int64, error) {
			var err error
			shared, err = readSharedStrings(r, rd, emit)
			return 0, err
		}))
	}
	for _, s := range sheets {
		if e := parts[s.part]; e != nil {
			o.merge(r.readOfficePart(c, d, e, func(rd io.Reader, emit func(Segment) error) (int64, error) {
				return readSheet(r, rd, emit, s.name, shared)
			}))
		}
	}
	return o
}

// readWorkbook returns the (name, relationship id) of each sheet.
func readWorkbook(rd io.Reader) ([][2]string, error) {
	dec := xmlDecoder(rd)
	var out [][2]string
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return out, xmlErr(err)
		}
		if t, ok := tok.(xml.StartElement); ok && t.Name.Local == "sheet" && len(out) < 4096 {
			var name, id string
			for _, a := range t.Attr {
				switch {
				case a.Name.Local == "name":
					name = a.Value
				case a.Name.Local == "id" && a.Name.Space != "":
					id = a.Value
				}
			}
			out = append(out, [2]string{cleanName(name), id})
		}
	}
}

// readRels maps relationship ids to part names, resolved against xl/.
func readRels(rd io.Reader) (map[string]string, error) {
	dec := xmlDecoder(rd)
	out := map[string]string{}
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return out, xmlErr(err)
		}
		if t, ok := tok.(xml.StartElement); ok && t.Name.Local == "Relationship" && len(out) < 4096 {
			var id, target string
			for _, a := range t.Attr {
				switch a.Name.Local {
				case "Id":
					id = a.Value
				case "Target":
					target = a.Value
				}
			}
			if strings.HasPrefix(target, "/") {
				target = strings.TrimPrefix(target, "/")
			} else {
				target = path.Join("xl", target)
			}
			out[id] = target
		}
	}
}

// readSharedStrings returns the shared-strings table. Strings past
// maxSharedStrings or maxSharedStringData are not kept (cells that refer
// to them are left out) but emitted here as free text, so that nothing
// goes unread.
func readSharedStrings(r *run, rd io.Reader, emit func(Segment) error) ([]string, error) {
	dec := xmlDecoder(rd)
	b := newBatcher(emit)
	defer b.release()
	overflow := b.newField("xl/sharedStrings.xml")
	var table []string
	var cur []byte
	held := 0
	full := false
	inSI, inT, inPh := false, 0, 0
	for n := 0; ; n++ {
		if n&1023 == 0 && r.ctx.Err() != nil {
			return table, r.ctx.Err()
		}
		tok, err := dec.RawToken()
		if err != nil {
			if ferr := b.flushAll(false); ferr != nil {
				return table, ferr
			}
			return table, xmlErr(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI, cur = true, cur[:0]
			case "t":
				inT++
			case "rPh": // phonetic reading: not part of the value
				inPh++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				inSI = false
				if !full && len(table) < maxSharedStrings && held+len(cur) <= maxSharedStringData {
					table = append(table, string(cur))
					held += len(cur)
				} else {
					full = true // later indexes stay unresolved: their cells are left out
					if err := b.addBytes(overflow, cur); err != nil {
						return table, err
					}
				}
			case "t":
				inT = max(0, inT-1)
			case "rPh":
				inPh = max(0, inPh-1)
			}
		case xml.CharData:
			if inSI && inT > 0 && inPh == 0 && len(cur) < segmentSize {
				cur = append(cur, t...)
			}
		}
	}
}

// readSheet emits the cells of a worksheet by column, under "Sheet!C", or
// "Sheet!C:header" when row 1 reads as a header row (which is then emitted
// under "Sheet" in case it was data). It returns the rows read.
func readSheet(r *run, rd io.Reader, emit func(Segment) error, sheet string, shared []string) (int64, error) {
	dec := xmlDecoder(rd)
	b := newBatcher(emit)
	defer b.release()
	cols := map[int]int{}       // column index → batcher field
	headers := map[int]string{} // column index → header name
	var row1 [][2]string        // (column letters, value) of the first row
	rowNum, col := 0, -1
	var cellType, ref string
	var val []byte
	inV, inT := false, 0
	var rows int64
	row1Done := false
	field := func(c int) int {
		if i, ok := cols[c]; ok {
			return i
		}
		name := sheet + "!" + colName(c)
		if h := headers[c]; h != "" {
			name += ":" + h
		}
		i := b.lookup([]byte(name))
		cols[c] = i
		return i
	}
	endRow1 := func() error {
		if row1Done {
			return nil
		}
		row1Done = true
		vals := make([]string, len(row1))
		for i, kv := range row1 {
			vals[i] = kv[1]
		}
		if len(row1) > 0 && looksLikeHeader(vals) {
			for _, kv := range row1 {
				if h := headerName(kv[1]); h != "" {
					headers[colIndex(kv[0])] = h
				}
			}
			return b.add(b.lookup([]byte(sheet)), strings.Join(vals, "\t"))
		}
		rows++
		for _, kv := range row1 {
			if err := b.add(field(colIndex(kv[0])), kv[1]); err != nil {
				return err
			}
		}
		return nil
	}
	for n := 0; ; n++ {
		if n&1023 == 0 && r.ctx.Err() != nil {
			return rows, r.ctx.Err()
		}
		tok, err := dec.RawToken()
		if err != nil {
			if rowNum == 1 {
				if err := endRow1(); err != nil {
					return rows, err
				}
			}
			if ferr := b.flushAll(false); ferr != nil {
				return rows, ferr
			}
			return rows, xmlErr(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				rowNum++
				for _, a := range t.Attr {
					if a.Name.Local == "r" {
						if v, err := strconv.Atoi(a.Value); err == nil && v > 0 {
							rowNum = v
						}
					}
				}
				col = -1
			case "c":
				cellType, ref = "", ""
				val = val[:0]
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "t":
						cellType = a.Value
					case "r":
						ref = a.Value
					}
				}
				if c := colIndex(ref); c >= 0 {
					col = c
				} else {
					col++
				}
			case "v":
				inV = true
			case "t":
				inT++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
			case "t":
				inT = max(0, inT-1)
			case "row":
				if rowNum == 1 {
					if err := endRow1(); err != nil {
						return rows, err
					}
					row1 = nil
				} else {
					rows++
				}
			case "c":
				v := cellValue(cellType, val, shared)
				if v == "" || col < 0 || col >= maxSheetColumns {
					continue
				}
				if rowNum == 1 {
					if len(row1) < maxSheetColumns {
						row1 = append(row1, [2]string{colName(col), v})
					}
					continue
				}
				if err := b.add(field(col), v); err != nil {
					return rows, err
				}
			}
		case xml.CharData:
			if (inV || inT > 0) && len(val) < segmentSize {
				val = append(val, t...)
			}
		}
	}
}

// cellValue resolves a cell's value by its type: a shared-string index, an
// inline string, a formula string, a number or date; booleans and errors
// are left out.
func cellValue(typ string, val []byte, shared []string) string {
	v := string(bytes.TrimSpace(val))
	switch typ {
	case "s":
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 || i >= len(shared) {
			return ""
		}
		return shared[i]
	case "b", "e":
		return ""
	}
	return v
}

// colIndex returns the 0-based column of a cell reference ("C7": 2), or -1.
func colIndex(ref string) int {
	c := 0
	i := 0
	for i < len(ref) && i < 4 {
		ch := ref[i]
		if ch >= 'a' && ch <= 'z' {
			ch -= 'a' - 'A'
		}
		if ch < 'A' || ch > 'Z' {
			break
		}
		c = c*26 + int(ch-'A'+1)
		i++
	}
	if i == 0 || c > maxSheetColumns {
		return -1
	}
	return c - 1
}

// colName returns the letters of a 0-based column (2: "C").
func colName(c int) string {
	var b [4]byte
	i := len(b)
	for c >= 0 && i > 0 {
		i--
		b[i] = byte('A' + c%26)
		c = c/26 - 1
	}
	return string(b[i:])
}
