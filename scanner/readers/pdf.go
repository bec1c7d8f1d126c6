package readers

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/ascii85"
	"errors"
	"io"
	"slices"
	"strconv"
)

// PDF text is read by a small extractor written for hostile input rather
// than a library. github.com/ledongthuc/pdf and rsc.io/pdf resolve an object
// that lives in an object stream by first resolving that stream, without a
// visited set, so a ~300-byte file whose cross-reference stream puts an
// object stream inside itself recurses until the Go runtime aborts the
// process with "fatal error: stack overflow", which recover cannot catch
// (pdfCycle in pdf_test.go builds it); their object parsers also recurse
// once per nested array. pdfcpu bounds its recursion only since 2026 and
// has no glyph-to-Unicode text extraction.
//
// The extractor:
//   - finds objects by scanning for "N G obj", not by trusting the
//     cross-reference table; a later definition of a number wins, and objects
//     of object streams fill the numbers not defined directly;
//   - parses values without recursion (nesting capped at 64) and spends an
//     element budget, so memory stays a bounded multiple of the input;
//   - takes a stream's length from a direct /Length when "endstream" follows
//     it, else searches for "endstream";
//   - decodes FlateDecode, ASCIIHexDecode and ASCII85Decode (chains of up to
//     four), charging every decoded byte to MaxDecompressed and MaxRatio
//     like any compression layer; other filters (images) are not decoded;
//   - walks the page tree with a visited set, resolves references a bounded
//     number of hops, and runs each page's content streams, and the form
//     XObjects they draw (each once), through a flat interpreter of the text
//     operators (pdftext.go).
//
// Text is emitted per page under Field "page N" (pages the tree does not
// reach as "object N"), and filled-in form fields under "form".
func (r *run) readPDF(c content, head []byte, stream func() *bufio.Reader) outcome {
	if pdfEncrypted(head) {
		return outcome{reason: ReasonEncryptedFile}
	}
	if c.at != nil && c.size > int64(len(head)) {
		tail := make([]byte, min(c.size, 4<<10))
		n, err := c.at.ReadAt(tail, c.size-int64(len(tail)))
		if err != nil && err != io.EOF && r.stopped() {
			return outcome{reason: r.reasonFor(err)}
		}
		if pdfEncrypted(tail[:n]) {
			return outcome{reason: ReasonEncryptedFile}
		}
	}
	data, o := r.loadPDF(stream())
	defer func() { r.held -= int64(cap(data)) }()
	if r.stopped() || len(data) == 0 {
		return o
	}
	d := &pdfDoc{r: r, data: data}
	d.index()
	if d.encrypted {
		return outcome{reason: ReasonEncryptedFile, bytes: int64(len(data))}
	}
	d.extract(c.entry)
	o.merge(outcome{reason: d.reason, read: d.emitted})
	o.bytes = int64(len(data))
	if o.reason == "" && !d.emitted && d.images {
		o.reason = ReasonUnsupportedFileType // pages of images: nothing read
	}
	return o
}

// loadPDF reads the content into memory, up to maxInMemory bytes (and
// what maxHeldTotal leaves). The outcome holds the reason for a cut.
func (r *run) loadPDF(src io.Reader) ([]byte, outcome) {
	limit := min(int64(maxInMemory), maxHeldTotal-r.held)
	if limit <= 0 {
		return nil, outcome{reason: ReasonObjectExceedsSizeQuota}
	}
	var buf bytes.Buffer
	_, err := buf.ReadFrom(io.LimitReader(src, limit))
	data := buf.Bytes()
	r.held += int64(cap(data))
	var o outcome
	switch {
	case err != nil:
		o.reason = r.reasonFor(err)
	case int64(len(data)) == limit:
		var one [1]byte
		if n, _ := src.Read(one[:]); n > 0 {
			o.reason = ReasonSampleByteLimit // the first 16 MiB only
		} else if r.cut {
			o.reason = ReasonSampleByteLimit
		}
	}
	return data, o
}

// pdfEncrypted reports whether b holds a trailer or cross-reference
// dictionary that refers to an /Encrypt dictionary.
func pdfEncrypted(b []byte) bool {
	i := bytes.Index(b, []byte("/Encrypt"))
	return i >= 0 && (bytes.Contains(b, []byte("trailer")) || bytes.Contains(b, []byte("/XRef")))
}

// Bounds of the PDF reader. Every one is far above what real documents
// need; past them the rest of the document is not read.
const (
	pdfMaxObjects  = 1 << 18  // objects indexed
	pdfMaxElements = 1 << 21  // values inside arrays and dictionaries, all objects together
	pdfMaxStream   = 16 << 20 // decoded bytes of one stream
	pdfMaxFilters  = 4        // filters in one stream's chain
	pdfMaxHops     = 16       // references followed to reach one value
	pdfMaxPages    = 1 << 16  // pages read
	pdfMaxForms    = 1 << 12  // form XObjects read, all pages together
	pdfMaxFonts    = 1 << 12  // fonts loaded
)

// pdfStream is a stream object: its dictionary and raw bytes.
type pdfStream struct {
	dict pdfDict
	raw  []byte
}

// pdfDoc is one PDF being read. Not safe for concurrent use.
type pdfDoc struct {
	r    *run
	data []byte

	objs     map[int]any // by object number: values and *pdfStream
	trailers []pdfDict   // trailer and cross-reference stream dictionaries
	parser   pdfParser
	work     int // bytes the object parser may still scan: failed parses rescan

	encrypted bool
	images    bool   // image XObjects were seen
	emitted   bool   // some text was emitted
	reason    Reason // the worst reason so far
	textOut   int64  // bytes of text emitted

	fonts map[pdfRef]*pdfFont
	forms map[int]bool // form XObjects already read
}

// fail records a reason.
func (d *pdfDoc) fail(reason Reason) { d.reason = worse(d.reason, reason) }

// failErr records the reason for err.
func (d *pdfDoc) failErr(err error) {
	switch {
	case err == nil:
	case err == io.EOF, errors.Is(err, errPDFDeep), errors.Is(err, errPDFSyntax), errors.Is(err, errPDFBudget):
		d.fail(ReasonCorruptFile)
	default:
		d.fail(d.r.reasonFor(err))
	}
}

// index finds every object of the file and of its object streams.
func (d *pdfDoc) index() {
	d.objs = make(map[int]any)
	d.parser.budget = pdfMaxElements
	d.work = 4*len(d.data) + 1<<20
	b := d.data
	objKw := []byte("obj")
	for pos, n := 0, 0; pos < len(b); n++ {
		if n&1023 == 0 && d.r.ctx.Err() != nil {
			d.fail(ReasonTimeout)
			return
		}
		i := bytes.Index(b[pos:], objKw)
		if i < 0 {
			break
		}
		at := pos + i
		pos = at + 3
		if pos < len(b) && !pdfSpace(b[pos]) && !pdfDelim(b[pos]) {
			continue // "objx"
		}
		num, ok := objHeader(b, at)
		if !ok {
			continue
		}
		if len(d.objs) >= pdfMaxObjects {
			d.fail(ReasonCorruptFile)
			break
		}
		lx := pdfLexer{b: b, pos: pos}
		v, kw, err := d.parseAt(&lx)
		if err != nil {
			d.failErr(err)
			if errors.Is(err, errPDFBudget) {
				return
			}
			continue
		}
		if kw != "" {
			continue // "N 0 obj endobj": an empty object
		}
		pos = lx.pos
		if dict, ok := v.(pdfDict); ok {
			save := lx.pos
			if k, w := lx.next(); k == tokKeyword && w == pdfKeyword("stream") {
				s, end := d.streamAt(dict, b, lx.pos)
				v, pos = s, end
			} else {
				lx.pos = save
			}
			if t, _ := dict["Type"].(pdfName); t == "XRef" {
				d.trailers = append(d.trailers, dict)
			}
		}
		d.objs[num] = v
	}
	d.indexTrailers()
	d.indexObjectStreams()
	for _, t := range d.trailers {
		if t["Encrypt"] != nil {
			d.encrypted = true
		}
	}
}

// parseAt parses the value at lx, charging the bytes scanned to the work
// budget. A hostile file can make a parse scan to its end from many
// places (unterminated strings after every "obj"); the budget keeps that
// linear in the input.
func (d *pdfDoc) parseAt(lx *pdfLexer) (any, pdfKeyword, error) {
	if d.work <= 0 {
		return nil, "", errPDFBudget
	}
	start := lx.pos
	v, kw, err := d.parser.parse(lx)
	d.work -= lx.pos - start
	return v, kw, err
}

// objHeader checks that "N G " precedes the "obj" at at, and returns N.
func objHeader(b []byte, at int) (int, bool) {
	i := at
	if i == 0 || !pdfSpace(b[i-1]) {
		return 0, false
	}
	for i > 0 && pdfSpace(b[i-1]) && at-i < 16 {
		i--
	}
	g := i
	for i > 0 && b[i-1] >= '0' && b[i-1] <= '9' && g-i < 6 {
		i--
	}
	if i == g || i == 0 || !pdfSpace(b[i-1]) {
		return 0, false
	}
	s := i
	for i > 0 && pdfSpace(b[i-1]) && s-i < 16 {
		i--
	}
	e := i
	for i > 0 && b[i-1] >= '0' && b[i-1] <= '9' && e-i < 11 {
		i--
	}
	if i == e || (i > 0 && !pdfSpace(b[i-1]) && !pdfDelim(b[i-1])) {
		return 0, false
	}
	num, err := strconv.Atoi(string(b[i:e]))
	if err != nil || num < 0 || num >= 1<<31 {
		return 0, false
	}
	return num, true
}

// streamAt locates the data of a stream whose keyword ends at pos, and
// returns the stream and the offset after it.
func (d *pdfDoc) streamAt(dict pdfDict, b []byte, pos int) (*pdfStream, int) {
	if pos < len(b) && b[pos] == '\r' {
		pos++
	}
	if pos < len(b) && b[pos] == '\n' {
		pos++
	}
	if n, ok := dict["Length"].(int64); ok && n >= 0 && n <= int64(len(b)-pos) {
		end := pos + int(n)
		lx := pdfLexer{b: b, pos: end}
		if k, w := lx.next(); k == tokKeyword && w == pdfKeyword("endstream") {
			return &pdfStream{dict: dict, raw: b[pos:end]}, lx.pos
		}
	}
	// An indirect or wrong /Length: the data ends at "endstream".
	i := bytes.Index(b[pos:], []byte("endstream"))
	if i < 0 {
		d.fail(ReasonCorruptFile) // cut inside the stream
		return &pdfStream{dict: dict, raw: b[pos:]}, len(b)
	}
	end := pos + i
	raw := b[pos:end]
	if n := len(raw); n > 0 && raw[n-1] == '\n' {
		raw = raw[:n-1]
	}
	if n := len(raw); n > 0 && raw[n-1] == '\r' {
		raw = raw[:n-1]
	}
	return &pdfStream{dict: dict, raw: raw}, end + len("endstream")
}

// indexTrailers parses the dictionaries after "trailer" keywords.
func (d *pdfDoc) indexTrailers() {
	b := d.data
	for pos := 0; pos < len(b); {
		i := bytes.Index(b[pos:], []byte("trailer"))
		if i < 0 {
			return
		}
		lx := pdfLexer{b: b, pos: pos + i + len("trailer")}
		pos = lx.pos
		v, _, err := d.parseAt(&lx)
		if errors.Is(err, errPDFBudget) {
			d.failErr(err)
			return
		}
		if t, ok := v.(pdfDict); ok && err == nil {
			d.trailers = append(d.trailers, t)
			pos = lx.pos
		}
	}
}

// indexObjectStreams adds the objects of object streams (type ObjStm)
// whose numbers no direct object took. Object streams are only those found
// directly: an object stream cannot hold a stream.
func (d *pdfDoc) indexObjectStreams() {
	var nums []int
	for n, v := range d.objs {
		if s, ok := v.(*pdfStream); ok {
			if t, _ := s.dict["Type"].(pdfName); t == "ObjStm" {
				nums = append(nums, n)
			}
		}
	}
	slices.Sort(nums)
	for _, n := range nums {
		if d.r.stopped() {
			d.fail(d.r.stopReason())
			return
		}
		s := d.objs[n].(*pdfStream)
		data, err := d.decode(s)
		if err != nil {
			d.failErr(err)
			if d.r.bomb || d.r.stopped() {
				return
			}
			if len(data) == 0 {
				continue
			}
		}
		d.work += 4 * len(data)
		count, _ := s.dict["N"].(int64)
		first, _ := s.dict["First"].(int64)
		if count <= 0 || first < 0 || first > int64(len(data)) {
			d.fail(ReasonCorruptFile)
			continue
		}
		hdr := pdfLexer{b: data[:first]}
		for k := int64(0); k < count; k++ {
			_, on := hdr.next()
			_, oo := hdr.next()
			num, ok1 := on.(int64)
			off, ok2 := oo.(int64)
			if !ok1 || !ok2 {
				break
			}
			if off < 0 || first+off >= int64(len(data)) || num < 0 || num >= 1<<31 {
				continue
			}
			if _, taken := d.objs[int(num)]; taken {
				continue
			}
			if len(d.objs) >= pdfMaxObjects {
				d.fail(ReasonCorruptFile)
				return
			}
			lx := pdfLexer{b: data, pos: int(first + off)}
			v, _, err := d.parseAt(&lx)
			if err != nil {
				d.failErr(err)
				if errors.Is(err, errPDFBudget) {
					return
				}
				continue
			}
			d.objs[int(num)] = v
		}
	}
}

// resolve follows references, at most pdfMaxHops of them.
func (d *pdfDoc) resolve(v any) any {
	for range pdfMaxHops {
		ref, ok := v.(pdfRef)
		if !ok {
			return v
		}
		v = d.objs[ref.num]
	}
	return nil
}

// dict resolves v to a dictionary (a stream's dictionary too), or nil.
func (d *pdfDoc) dict(v any) pdfDict {
	switch x := d.resolve(v).(type) {
	case pdfDict:
		return x
	case *pdfStream:
		return x.dict
	}
	return nil
}

// stream resolves v to a stream, or nil.
func (d *pdfDoc) stream(v any) *pdfStream {
	s, _ := d.resolve(v).(*pdfStream)
	return s
}

// errPDFFilter marks a stream whose filter Cairn does not decode.
var errPDFFilter = errors.New("readers: pdf: unsupported filter")

// decode returns the decoded data of s: at most pdfMaxStream bytes, each
// charged to the run's MaxDecompressed and its layer's MaxRatio. On an
// error it returns what was decoded before it.
func (d *pdfDoc) decode(s *pdfStream) ([]byte, error) {
	var filters []pdfName
	switch f := d.resolve(s.dict["Filter"]).(type) {
	case pdfName:
		filters = append(filters, f)
	case pdfArray:
		for _, x := range f {
			if n, ok := d.resolve(x).(pdfName); ok {
				filters = append(filters, n)
			}
		}
	}
	if len(filters) > pdfMaxFilters {
		return nil, errVariant
	}
	data := s.raw
	for _, f := range filters {
		var err error
		switch f {
		case "FlateDecode", "Fl":
			data, err = d.inflate(data)
		case "ASCIIHexDecode", "AHx":
			data, err = d.layer(bytes.NewReader(asciiHexDecode(data)), nil)
		case "ASCII85Decode", "A85":
			data, err = d.layer(ascii85.NewDecoder(bytes.NewReader(ascii85Body(data))), nil)
		default:
			return nil, errPDFFilter
		}
		if err != nil {
			return data, err
		}
	}
	return data, nil
}

// inflate undoes FlateDecode: zlib, or bare deflate from writers that
// leave out the zlib header. A stream cut short keeps what it produced.
func (d *pdfDoc) inflate(in []byte) ([]byte, error) {
	cr := &countReader{r: bytes.NewReader(in)}
	var src io.Reader
	if zr, err := zlib.NewReader(cr); err == nil {
		src = zr
	} else {
		cr = &countReader{r: bytes.NewReader(in)}
		src = flate.NewReader(cr)
	}
	out, err := d.layer(src, cr)
	if len(out) > 0 && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, zlib.ErrChecksum)) {
		err = nil // a missing end or checksum: keep the text
	}
	return out, err
}

// layer reads one decoding layer through the run's decompression budget.
func (d *pdfDoc) layer(src io.Reader, in *countReader) ([]byte, error) {
	lr := &layerReader{r: d.r, src: src, in: in}
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(lr, pdfMaxStream+1))
	out := buf.Bytes()
	if n > pdfMaxStream {
		return out[:pdfMaxStream], errBomb
	}
	return out, err
}

// asciiHexDecode undoes ASCIIHexDecode up to '>'.
func asciiHexDecode(in []byte) []byte {
	out := make([]byte, 0, len(in)/2)
	hi := -1
	for _, c := range in {
		if c == '>' {
			break
		}
		v := unhex(c)
		if v < 0 {
			continue
		}
		if hi < 0 {
			hi = v
		} else {
			out = append(out, byte(hi<<4|v))
			hi = -1
		}
	}
	if hi >= 0 {
		out = append(out, byte(hi<<4))
	}
	return out
}

// ascii85Body returns the data of an ASCII85Decode stream without its
// "<~" prefix, "~>" end and white space.
func ascii85Body(in []byte) []byte {
	in = bytes.TrimPrefix(bytes.TrimLeft(in, " \t\r\n"), []byte("<~"))
	if i := bytes.Index(in, []byte("~>")); i >= 0 {
		in = in[:i]
	}
	return bytes.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' || r == '\f' || r == 0 {
			return -1
		}
		return r
	}, in)
}
