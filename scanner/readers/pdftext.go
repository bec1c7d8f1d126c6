package readers

import (
	"bytes"
	"errors"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Text of PDF pages: fonts, ToUnicode CMaps and a flat interpreter of the
// text operators of content streams.

// extract emits the text of every page, then of filled-in form fields.
func (d *pdfDoc) extract(entry string) {
	d.fonts = make(map[pdfRef]*pdfFont)
	d.forms = make(map[int]bool)
	emit := d.r.emitter(entry, "")
	pages, orphans := d.pages()
	if len(pages) == 0 && len(orphans) == 0 {
		d.fail(ReasonCorruptFile) // no page: nothing that could be read
		return
	}
	t := &pdfText{d: d}
	do := func(field string, page pdfDict) bool {
		if d.r.stopped() {
			d.fail(d.r.stopReason())
			return false
		}
		t.runPage(page)
		d.r.records++
		return d.flush(t, field, emit)
	}
	for i, p := range pages {
		if !do("page "+strconv.Itoa(i+1), d.dict(p)) {
			return
		}
	}
	for _, n := range orphans {
		if !do("object "+strconv.Itoa(n), d.dict(pdfRef{num: n})) {
			return
		}
	}
	d.formFields(t, emit)
}

// flush emits the text gathered in t under field, in segments of up to
// segmentSize, and empties it. It returns false when reading must stop.
func (d *pdfDoc) flush(t *pdfText, field string, emit func(Segment) error) bool {
	data := bytes.TrimSpace(t.out)
	for len(data) > 0 {
		n := len(data)
		if n > segmentSize {
			n = cutPoint(data[:segmentSize])
		}
		if err := emit(Segment{Field: field, Data: data[:n]}); err != nil {
			d.fail(d.r.reasonFor(err))
			return false
		}
		d.emitted = true
		data = data[n:]
	}
	t.out = t.out[:0]
	t.moved = false
	return !t.full
}

// pages returns the pages in the order of the page tree, as references or
// dictionaries, and the numbers of page objects the tree does not reach.
func (d *pdfDoc) pages() (tree []any, orphans []int) {
	var root any
	for _, t := range d.trailers {
		if t["Root"] != nil {
			root = t["Root"]
		}
	}
	if d.dict(root) == nil {
		for n, v := range d.objs {
			if dict, ok := v.(pdfDict); ok && dict["Type"] == pdfName("Catalog") {
				root = pdfRef{num: n}
				break
			}
		}
	}
	seen := make(map[int]bool)
	if cat := d.dict(root); cat != nil {
		stack := []any{cat["Pages"]}
		for steps := 0; len(stack) > 0 && steps < pdfMaxObjects && len(tree) < pdfMaxPages; steps++ {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if ref, ok := v.(pdfRef); ok {
				if seen[ref.num] {
					continue
				}
				seen[ref.num] = true
			}
			node := d.dict(v)
			if node == nil {
				continue
			}
			kids, isTree := d.resolve(node["Kids"]).(pdfArray)
			if !isTree || node["Type"] == pdfName("Page") {
				tree = append(tree, v)
				continue
			}
			for i := len(kids) - 1; i >= 0 && len(stack) < pdfMaxObjects; i-- {
				stack = append(stack, kids[i])
			}
		}
	}
	for n, v := range d.objs {
		if dict, ok := v.(pdfDict); ok && dict["Type"] == pdfName("Page") && !seen[n] {
			orphans = append(orphans, n)
		}
	}
	slices.Sort(orphans)
	if len(orphans) > pdfMaxPages-len(tree) {
		orphans = orphans[:max(0, pdfMaxPages-len(tree))]
	}
	return tree, orphans
}

// formFields emits the values of filled-in form fields as "name: value"
// under "form".
func (d *pdfDoc) formFields(t *pdfText, emit func(Segment) error) {
	nums := make([]int, 0)
	for n, v := range d.objs {
		if dict, ok := v.(pdfDict); ok {
			if _, ok := dict["V"].([]byte); ok && (dict["FT"] != nil || dict["T"] != nil) {
				nums = append(nums, n)
			}
		}
	}
	slices.Sort(nums)
	for _, n := range nums {
		dict := d.objs[n].(pdfDict)
		if name, ok := dict["T"].([]byte); ok {
			t.out = append(t.out, pdfTextString(name)...)
			t.out = append(t.out, ": "...)
		}
		t.out = append(t.out, pdfTextString(dict["V"].([]byte))...)
		t.out = append(t.out, '\n')
		if len(t.out) > segmentSize && !d.flush(t, "form", emit) {
			return
		}
	}
	d.flush(t, "form", emit)
}

// pdfTextString decodes a text string: UTF-16BE or UTF-8 with a byte-order
// mark, else PDFDocEncoding (taken as Windows-1252, which it matches for
// letters and digits).
func pdfTextString(b []byte) []byte {
	switch {
	case len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF:
		return appendUTF16(nil, b[2:])
	case len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF:
		return bytes.ToValidUTF8(b[3:], []byte("\uFFFD"))
	}
	var out []byte
	for _, c := range b {
		out = utf8.AppendRune(out, winAnsi(c))
	}
	return out
}

// appendUTF16 appends UTF-16BE text to out.
func appendUTF16(out, b []byte) []byte {
	units := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		units = append(units, uint16(b[i])<<8|uint16(b[i+1]))
	}
	for _, r := range utf16.Decode(units) {
		out = utf8.AppendRune(out, r)
	}
	return out
}

// winAnsi maps a byte of WinAnsiEncoding.
func winAnsi(c byte) rune {
	if c >= 0x80 && c < 0xA0 {
		return cp1252[c-0x80]
	}
	return rune(c)
}

// --- fonts ---

// pdfFont maps the codes of a font to text and widths.
type pdfFont struct {
	cmap     *pdfCMap    // ToUnicode, or nil
	multi    bool        // a composite (Type0) font: 2-byte codes by default
	ucs2     bool        // a Type0 font whose codes are UCS-2 (UniXXX-UCS2 encodings)
	enc      [256]rune   // simple fonts without ToUnicode; 0 = no text
	first    int         // simple fonts: code of widths[0]
	widths   []float64   // simple fonts, in thousandths of an em
	cidW     []widthSpan // composite fonts
	defWidth float64
}

// widthSpan gives codes lo..hi the width w.
type widthSpan struct {
	lo, hi int
	w      float64
}

// font returns the font that resources name, loading it once per object.
func (d *pdfDoc) font(res pdfDict, name pdfName) *pdfFont {
	v := d.dict(res["Font"])[name]
	ref, isRef := v.(pdfRef)
	if isRef {
		if f, ok := d.fonts[ref]; ok {
			return f
		}
	}
	if len(d.fonts) >= pdfMaxFonts {
		return nil
	}
	f := d.loadFont(d.dict(v))
	if isRef {
		d.fonts[ref] = f
	}
	return f
}

// loadFont builds a font from its dictionary.
func (d *pdfDoc) loadFont(fd pdfDict) *pdfFont {
	f := &pdfFont{defWidth: 500}
	if fd == nil {
		f.enc = winAnsiTable
		return f
	}
	if s := d.stream(fd["ToUnicode"]); s != nil {
		if data, err := d.decode(s); len(data) > 0 && (err == nil || !d.r.bomb) {
			f.cmap = parseCMap(data)
		}
	}
	if fd["Subtype"] == pdfName("Type0") {
		f.multi = true
		if e, ok := fd["Encoding"].(pdfName); ok && (strings.Contains(string(e), "UCS2") || strings.Contains(string(e), "UTF16")) {
			f.ucs2 = true
		}
		f.defWidth = 1000
		if desc, ok := d.resolve(fd["DescendantFonts"]).(pdfArray); ok && len(desc) > 0 {
			cf := d.dict(desc[0])
			if dw, ok := pdfNum(d.resolve(cf["DW"])); ok {
				f.defWidth = dw
			}
			f.cidW = d.cidWidths(cf["W"])
		}
		return f
	}
	f.enc = winAnsiTable
	switch e := d.resolve(fd["Encoding"]).(type) {
	case pdfDict:
		f.differences(d, e["Differences"])
	}
	if first, ok := d.resolve(fd["FirstChar"]).(int64); ok && first >= 0 && first < 256 {
		f.first = int(first)
	}
	if ws, ok := d.resolve(fd["Widths"]).(pdfArray); ok {
		for _, w := range ws[:min(len(ws), 256)] {
			n, _ := pdfNum(d.resolve(w))
			f.widths = append(f.widths, n)
		}
	} else if base, _ := fd["BaseFont"].(pdfName); strings.Contains(string(base), "Courier") {
		f.defWidth = 600
	} else {
		f.first, f.widths = 32, helveticaWidths
	}
	return f
}

// differences applies an encoding's /Differences array.
func (f *pdfFont) differences(d *pdfDoc, v any) {
	arr, _ := d.resolve(v).(pdfArray)
	code := -1
	for _, x := range arr {
		switch x := x.(type) {
		case int64:
			code = int(x)
		case pdfName:
			if code >= 0 && code < 256 {
				f.enc[code] = glyphRune(string(x))
			}
			code++
		}
	}
}

// glyphRune maps a glyph name to its character, or 0.
func glyphRune(name string) rune {
	if r, ok := glyphNames[name]; ok {
		return r
	}
	if len(name) == 1 && name[0] > ' ' && name[0] < 0x7F {
		return rune(name[0])
	}
	for _, p := range []string{"uni", "u"} {
		if h, ok := strings.CutPrefix(name, p); ok && len(h) >= 4 && len(h) <= 6 {
			if v, err := strconv.ParseUint(h[:min(len(h), 6)], 16, 32); err == nil && utf8.ValidRune(rune(v)) {
				return rune(v)
			}
		}
	}
	return 0
}

// cidWidths reads a CIDFont's /W array: "c [w1 w2 ...]" and "c1 c2 w".
func (d *pdfDoc) cidWidths(v any) []widthSpan {
	arr, _ := d.resolve(v).(pdfArray)
	var spans []widthSpan
	for i := 0; i+1 < len(arr); {
		c, ok := pdfNum(arr[i])
		if !ok {
			break
		}
		if ws, ok := d.resolve(arr[i+1]).(pdfArray); ok {
			for k, w := range ws {
				n, _ := pdfNum(w)
				spans = append(spans, widthSpan{int(c) + k, int(c) + k, n})
			}
			i += 2
			continue
		}
		if i+2 >= len(arr) {
			break
		}
		hi, ok1 := pdfNum(arr[i+1])
		w, ok2 := pdfNum(arr[i+2])
		if !ok1 || !ok2 {
			break
		}
		spans = append(spans, widthSpan{int(c), int(hi), w})
		i += 3
	}
	sort.SliceStable(spans, func(a, b int) bool { return spans[a].lo < spans[b].lo })
	return spans
}

// width returns the width of code in thousandths of an em.
func (f *pdfFont) width(code int) float64 {
	if f.multi {
		i := sort.Search(len(f.cidW), func(i int) bool { return f.cidW[i].hi >= code })
		if i < len(f.cidW) && f.cidW[i].lo <= code {
			return f.cidW[i].w
		}
		return f.defWidth
	}
	if i := code - f.first; i >= 0 && i < len(f.widths) && f.widths[i] > 0 {
		return f.widths[i]
	}
	return f.defWidth
}

// codeLen returns the length of the code that starts b.
func (f *pdfFont) codeLen(b []byte) int {
	if f.cmap != nil && len(f.cmap.space) > 0 {
		for _, r := range f.cmap.space {
			if len(r.lo) <= len(b) && r.contains(b[:len(r.lo)]) {
				return len(r.lo)
			}
		}
		return min(len(b), len(f.cmap.space[0].lo))
	}
	if f.multi {
		return min(len(b), 2)
	}
	return 1
}

// text appends the text of code (n bytes long) to out.
func (f *pdfFont) text(out []byte, code uint32, n int) []byte {
	if f.cmap != nil {
		if out, ok := f.cmap.lookup(out, code, n); ok {
			return out
		}
	}
	switch {
	case f.ucs2:
		return utf8.AppendRune(out, rune(code))
	case !f.multi && n == 1:
		if r := f.enc[code&0xFF]; r >= ' ' {
			return utf8.AppendRune(out, r)
		}
	}
	return out
}

// --- ToUnicode CMaps ---

// pdfCMap is a parsed ToUnicode CMap.
type pdfCMap struct {
	space  []codeRange
	chars  map[uint64]string // (length<<32 | code) → text
	ranges []cmapRange
}

// codeRange is a codespace range: codes of len(lo) bytes, each byte within
// the bytes of lo and hi.
type codeRange struct{ lo, hi []byte }

func (r codeRange) contains(b []byte) bool {
	for i := range b {
		if b[i] < r.lo[i] || b[i] > r.hi[i] {
			return false
		}
	}
	return true
}

// cmapRange maps codes lo..hi of n bytes to dst plus the offset from lo.
type cmapRange struct {
	lo, hi uint32
	n      int
	dst    []uint16
}

// Bounds of one CMap.
const (
	cmapMaxEntries = 1 << 16 // bfchar entries, and bfrange entries
	cmapMaxDst     = 16      // UTF-16 units of one destination (ligatures need 3)
)

// parseCMap reads codespace ranges, bfchar and bfrange entries; anything
// else in the CMap is skipped.
func parseCMap(data []byte) *pdfCMap {
	m := &pdfCMap{chars: make(map[uint64]string)}
	lx := pdfLexer{b: data}
	var ops []any
	for {
		kind, v := lx.next()
		switch kind {
		case tokEOF:
			sort.Slice(m.ranges, func(a, b int) bool { return m.ranges[a].lo < m.ranges[b].lo })
			slices.SortStableFunc(m.space, func(a, b codeRange) int { return len(a.lo) - len(b.lo) })
			return m
		case tokValue:
			if len(ops) < 3*256 {
				ops = append(ops, v)
			}
			continue
		case tokArrayOpen:
			arr := pdfArray{}
			for k, x := lx.next(); k == tokValue && len(arr) < 256; k, x = lx.next() {
				arr = append(arr, x)
			}
			if len(ops) < 3*256 {
				ops = append(ops, arr)
			}
			continue
		case tokKeyword:
		default:
			ops = ops[:0]
			continue
		}
		switch v.(pdfKeyword) {
		case "endcodespacerange":
			for i := 0; i+1 < len(ops) && len(m.space) < 256; i += 2 {
				lo, ok1 := ops[i].([]byte)
				hi, ok2 := ops[i+1].([]byte)
				if ok1 && ok2 && len(lo) == len(hi) && len(lo) >= 1 && len(lo) <= 4 {
					m.space = append(m.space, codeRange{lo, hi})
				}
			}
		case "endbfchar":
			for i := 0; i+1 < len(ops) && len(m.chars) < cmapMaxEntries; i += 2 {
				src, ok1 := ops[i].([]byte)
				dst, ok2 := ops[i+1].([]byte)
				if ok1 && ok2 && len(src) >= 1 && len(src) <= 4 {
					m.chars[uint64(len(src))<<32|uint64(codeOf(src))] = string(appendUTF16(nil, dst[:min(len(dst), 2*cmapMaxDst)]))
				}
			}
		case "endbfrange":
			for i := 0; i+2 < len(ops) && len(m.ranges)+len(m.chars) < 2*cmapMaxEntries; i += 3 {
				lo, ok1 := ops[i].([]byte)
				hi, ok2 := ops[i+1].([]byte)
				if !ok1 || !ok2 || len(lo) != len(hi) || len(lo) < 1 || len(lo) > 4 || codeOf(hi) < codeOf(lo) {
					continue
				}
				switch dst := ops[i+2].(type) {
				case []byte:
					units := make([]uint16, 0, len(dst)/2)
					for k := 0; k+1 < len(dst) && len(units) < cmapMaxDst; k += 2 {
						units = append(units, uint16(dst[k])<<8|uint16(dst[k+1]))
					}
					if len(dst) == 1 {
						units = append(units, uint16(dst[0]))
					}
					if len(units) > 0 {
						m.ranges = append(m.ranges, cmapRange{codeOf(lo), codeOf(hi), len(lo), units})
					}
				case pdfArray:
					for k, x := range dst {
						code := uint64(codeOf(lo)) + uint64(k)
						if s, ok := x.([]byte); ok && code <= uint64(codeOf(hi)) {
							m.chars[uint64(len(lo))<<32|code] = string(appendUTF16(nil, s[:min(len(s), 2*cmapMaxDst)]))
						}
					}
				}
			}
		}
		ops = ops[:0]
	}
}

// codeOf reads up to 4 bytes as a big-endian code.
func codeOf(b []byte) uint32 {
	var c uint32
	for _, x := range b {
		c = c<<8 | uint32(x)
	}
	return c
}

// lookup appends the text of code, n bytes long, to out.
func (m *pdfCMap) lookup(out []byte, code uint32, n int) ([]byte, bool) {
	if s, ok := m.chars[uint64(n)<<32|uint64(code)]; ok {
		return append(out, s...), true
	}
	// The range that starts last at or before code, or one of the few
	// before it when ranges overlap.
	i := sort.Search(len(m.ranges), func(i int) bool { return m.ranges[i].lo > code }) - 1
	for k := 0; i >= 0 && k < 8; i, k = i-1, k+1 {
		r := m.ranges[i]
		if r.n == n && code >= r.lo && code <= r.hi {
			last := r.dst[len(r.dst)-1] + uint16(code-r.lo)
			if len(r.dst) == 1 && !utf16.IsSurrogate(rune(last)) {
				return utf8.AppendRune(out, rune(last)), true
			}
			units := slices.Clone(r.dst)
			units[len(units)-1] = last
			for _, x := range utf16.Decode(units) {
				out = utf8.AppendRune(out, x)
			}
			return out, true
		}
	}
	return out, false
}

// --- content streams ---

// pdfText interprets content streams and gathers their text.
type pdfText struct {
	d    *pdfDoc
	out  []byte
	full bool // the text budget is spent

	font              *pdfFont
	size, tc, tw, th  float64
	tl                float64
	tm, tlm           [6]float64
	endX, endY, endFS float64 // where the last text shown ended, and its size
	moved             bool    // text was shown since the last flush
	saved             []pdfTextState
	queue             []pdfForm // form XObjects to read after this stream
}

// pdfTextState is what q saves and Q restores.
type pdfTextState struct {
	font                 *pdfFont
	size, tc, tw, th, tl float64
}

// pdfForm is a form XObject waiting to be read.
type pdfForm struct {
	s   *pdfStream
	res pdfDict
}

// runPage reads the content streams of a page and the forms they draw.
func (t *pdfText) runPage(page pdfDict) {
	d := t.d
	res := d.resources(page)
	var data []byte
	contents := d.resolve(page["Contents"])
	items, ok := contents.(pdfArray)
	if !ok {
		items = pdfArray{page["Contents"]}
	}
	for _, it := range items {
		s := d.stream(it)
		if s == nil {
			continue
		}
		b, err := d.decode(s)
		if err != nil {
			if errors.Is(err, errPDFFilter) {
				d.fail(ReasonUnsupportedFileType)
			} else {
				d.failErr(err)
			}
		}
		data = append(data, b...)
		data = append(data, '\n')
		if int64(len(data)) > pdfMaxStream {
			d.fail(ReasonDecompressionBomb)
			break
		}
	}
	t.reset()
	t.run(data, res)
	for len(t.queue) > 0 && !t.full && !d.r.stopped() {
		f := t.queue[0]
		t.queue = t.queue[1:]
		b, err := d.decode(f.s)
		d.failErr(err)
		t.newline()
		t.reset()
		t.run(b, f.res)
	}
	t.queue = t.queue[:0]
}

// resources returns a page's resources, inherited from its ancestors.
func (d *pdfDoc) resources(page pdfDict) pdfDict {
	node := page
	for range pdfMaxHops {
		if node == nil {
			return nil
		}
		if res := d.dict(node["Resources"]); res != nil {
			return res
		}
		node = d.dict(node["Parent"])
	}
	return nil
}

// reset starts a content stream with a fresh text state.
func (t *pdfText) reset() {
	t.font, t.size, t.tc, t.tw, t.th, t.tl = nil, 0, 0, 0, 1, 0
	t.tm = [6]float64{1, 0, 0, 1, 0, 0}
	t.tlm = t.tm
	t.saved = t.saved[:0]
}

// newline ends the current line of text.
func (t *pdfText) newline() {
	if n := len(t.out); n > 0 && t.out[n-1] != '\n' {
		if t.out[n-1] == ' ' {
			t.out = t.out[:n-1]
		}
		t.out = append(t.out, '\n')
	}
}

// space separates words.
func (t *pdfText) space() {
	if n := len(t.out); n > 0 && t.out[n-1] != ' ' && t.out[n-1] != '\n' {
		t.out = append(t.out, ' ')
	}
}

// maxOperands caps the operands kept for one operator.
const maxOperands = 32

// run interprets one content stream with resources res.
func (t *pdfText) run(data []byte, res pdfDict) {
	d := t.d
	lx := pdfLexer{b: data}
	p := pdfParser{}
	var ops []any
	for n := 0; !t.full; n++ {
		if n&4095 == 0 && d.r.ctx.Err() != nil {
			d.fail(ReasonTimeout)
			return
		}
		p.budget = 1 << 16
		v, kw, err := p.parse(&lx)
		switch {
		case err == io.EOF:
			return
		case err != nil && (errors.Is(err, errPDFDeep) || lx.pos >= len(lx.b)):
			d.fail(ReasonCorruptFile) // nesting past the cap, or cut inside an array
			if lx.pos >= len(lx.b) {
				return
			}
			ops = ops[:0]
			continue
		case err != nil:
			ops = ops[:0] // a stray bracket: drop the operands
			continue
		}
		if kw == "" {
			if len(ops) < maxOperands {
				ops = append(ops, v)
			}
			continue
		}
		t.op(string(kw), ops, res, &lx)
		ops = ops[:0]
	}
}

// op runs one operator.
func (t *pdfText) op(kw string, ops []any, res pdfDict, lx *pdfLexer) {
	num := func(i int) float64 {
		if i < len(ops) {
			n, _ := pdfNum(ops[i])
			return n
		}
		return 0
	}
	switch kw {
	case "BT":
		t.tm = [6]float64{1, 0, 0, 1, 0, 0}
		t.tlm = t.tm
	case "Tf":
		if len(ops) == 2 {
			name, _ := ops[0].(pdfName)
			t.font, t.size = t.d.font(res, name), num(1)
		}
	case "Tc":
		t.tc = num(0)
	case "Tw":
		t.tw = num(0)
	case "Tz":
		t.th = num(0) / 100
	case "TL":
		t.tl = num(0)
	case "Td":
		t.moveLine(num(0), num(1))
	case "TD":
		t.tl = -num(1)
		t.moveLine(num(0), num(1))
	case "Tm":
		if len(ops) == 6 {
			for i := range 6 {
				t.tm[i] = num(i)
			}
			t.tlm = t.tm
		}
	case "T*":
		t.moveLine(0, -t.tl)
	case "Tj":
		if len(ops) > 0 {
			t.show(ops[len(ops)-1])
		}
	case "'":
		t.moveLine(0, -t.tl)
		if len(ops) > 0 {
			t.show(ops[len(ops)-1])
		}
	case "\"":
		if len(ops) == 3 {
			t.tw, t.tc = num(0), num(1)
			t.moveLine(0, -t.tl)
			t.show(ops[2])
		}
	case "TJ":
		if len(ops) > 0 {
			arr, _ := ops[len(ops)-1].(pdfArray)
			for _, x := range arr {
				if adj, ok := pdfNum(x); ok {
					t.advance(-adj / 1000 * t.size * t.th)
				} else {
					t.show(x)
				}
			}
		}
	case "q":
		if len(t.saved) < 64 {
			t.saved = append(t.saved, pdfTextState{t.font, t.size, t.tc, t.tw, t.th, t.tl})
		}
	case "Q":
		if n := len(t.saved); n > 0 {
			s := t.saved[n-1]
			t.saved = t.saved[:n-1]
			t.font, t.size, t.tc, t.tw, t.th, t.tl = s.font, s.size, s.tc, s.tw, s.th, s.tl
		}
	case "Do":
		if len(ops) > 0 {
			name, _ := ops[0].(pdfName)
			t.xobject(res, name)
		}
	case "BI":
		skipInlineImage(lx)
	}
}

// moveLine starts a new line offset by (x, y) from the current one.
func (t *pdfText) moveLine(x, y float64) {
	m := t.tlm
	t.tlm[4] = x*m[0] + y*m[2] + m[4]
	t.tlm[5] = x*m[1] + y*m[3] + m[5]
	t.tm = t.tlm
}

// advance moves the text position by x in text space.
func (t *pdfText) advance(x float64) {
	t.tm[4] += x * t.tm[0]
	t.tm[5] += x * t.tm[1]
}

// show appends the text of string s and moves past it. Before it, a line
// break or a space is inserted when the text starts away from where the
// previous text ended: on another line, or more than 0.15 em to the right
// (or behind it).
func (t *pdfText) show(v any) {
	s, ok := v.([]byte)
	if !ok || len(s) == 0 {
		return
	}
	f := t.font
	if f == nil {
		f = defaultFont
	}
	fs := t.size * math.Hypot(t.tm[2], t.tm[3])
	if fs <= 0 || math.IsNaN(fs) || math.IsInf(fs, 0) {
		fs = 1
	}
	if t.moved {
		ux, uy := t.tm[0], t.tm[1]
		if l := math.Hypot(ux, uy); l > 0 {
			ux, uy = ux/l, uy/l
		} else {
			ux, uy = 1, 0
		}
		dx, dy := t.tm[4]-t.endX, t.tm[5]-t.endY
		along, across := dx*ux+dy*uy, -dx*uy+dy*ux
		em := max(fs, t.endFS)
		switch {
		case math.Abs(across) > 0.5*em:
			t.newline()
		case along > 0.15*em || along < -0.5*em:
			t.space()
		}
	}
	before := len(t.out)
	for i := 0; i < len(s); {
		n := max(f.codeLen(s[i:]), 1)
		code := codeOf(s[i : i+n])
		k := len(t.out)
		t.out = f.text(t.out, code, n)
		if len(t.out) == k+1 && t.out[k] == ' ' && k > 0 && (t.out[k-1] == ' ' || t.out[k-1] == '\n') {
			t.out = t.out[:k] // a space glyph where a separator already is
		}
		w := f.width(int(code))/1000*t.size + t.tc
		if n == 1 && code == ' ' {
			w += t.tw
		}
		t.advance(w * t.th)
		i += n
	}
	t.endX, t.endY, t.endFS, t.moved = t.tm[4], t.tm[5], fs, true
	if t.d.textOut += int64(len(t.out) - before); t.d.textOut > t.d.r.lim.MaxDecompressed || len(t.out) > maxBuffered {
		t.full = true
		t.d.fail(ReasonDecompressionBomb) // more text than MaxDecompressed
	}
}

// xobject queues a form XObject drawn by Do, once per document.
func (t *pdfText) xobject(res pdfDict, name pdfName) {
	d := t.d
	v := d.dict(res["XObject"])[name]
	s := d.stream(v)
	if s == nil {
		return
	}
	switch s.dict["Subtype"] {
	case pdfName("Image"):
		d.images = true
	case pdfName("Form"):
		ref, ok := v.(pdfRef)
		if !ok || d.forms[ref.num] || len(d.forms) >= pdfMaxForms {
			return
		}
		d.forms[ref.num] = true
		fres := d.dict(s.dict["Resources"])
		if fres == nil {
			fres = res
		}
		t.queue = append(t.queue, pdfForm{s, fres})
	}
}

// skipInlineImage skips from BI past the image data and its EI.
func skipInlineImage(lx *pdfLexer) {
	for {
		kind, v := lx.next()
		if kind == tokEOF {
			return
		}
		if kind == tokKeyword && v == pdfKeyword("ID") {
			break
		}
	}
	for lx.pos < len(lx.b) {
		i := bytes.Index(lx.b[lx.pos:], []byte("EI"))
		if i < 0 {
			lx.pos = len(lx.b)
			return
		}
		at := lx.pos + i
		lx.pos = at + 2
		if at > 0 && pdfSpace(lx.b[at-1]) && (lx.pos == len(lx.b) || pdfSpace(lx.b[lx.pos])) {
			return
		}
	}
}

// defaultFont stands in when text is shown before any font is set.
var defaultFont = &pdfFont{enc: winAnsiTable, first: 32, widths: helveticaWidths, defWidth: 500}

// winAnsiTable is WinAnsiEncoding, used for simple fonts without a
// ToUnicode CMap whatever their base encoding (StandardEncoding and
// MacRomanEncoding agree with it on letters and digits). Control codes
// give no text.
var winAnsiTable = func() (t [256]rune) {
	for c := 0x20; c < 0x100; c++ {
		t[c] = winAnsi(byte(c))
	}
	t[0x7F] = 0
	return t
}()

// helveticaWidths are the widths of Helvetica's codes 32 to 126, for the
// standard fonts that documents use without widths.
var helveticaWidths = []float64{
	278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space to /
	556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0 to ?
	1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ to O
	667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P to _
	333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` to o
	556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p to ~
}

// glyphNames maps the glyph names of /Differences that are not a single
// character to it.
var glyphNames = map[string]rune{
	"space": ' ', "exclam": '!', "quotedbl": '"', "numbersign": '#', "dollar": '$', "percent": '%',
	"ampersand": '&', "quotesingle": '\'', "quoteright": '\u2019', "quoteleft": '\u2018', "parenleft": '(',
	"parenright": ')', "asterisk": '*', "plus": '+', "comma": ',', "hyphen": '-', "minus": '-', "period": '.',
	"slash": '/', "zero": '0', "one": '1', "two": '2', "three": '3', "four": '4', "five": '5', "six": '6',
	"seven": '7', "eight": '8', "nine": '9', "colon": ':', "semicolon": ';', "less": '<', "equal": '=',
	"greater": '>', "question": '?', "at": '@', "bracketleft": '[', "backslash": '\\', "bracketright": ']',
	"asciicircum": '^', "underscore": '_', "grave": '`', "braceleft": '{', "bar": '|', "braceright": '}',
	"asciitilde": '~', "endash": '\u2013', "emdash": '\u2014', "bullet": '\u2022', "quotedblleft": '\u201C',
	"quotedblright": '\u201D', "fi": '\uFB01', "fl": '\uFB02', "nbspace": '\u00A0', "sterling": '£',
	"Euro": '€', "eacute": 'é', "egrave": 'è', "agrave": 'à', "ccedilla": 'ç', "udieresis": 'ü',
	"odieresis": 'ö', "adieresis": 'ä', "germandbls": 'ß', "degree": '°', "section": '§', "paragraph": '¶',
}
