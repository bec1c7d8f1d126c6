package readers

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/klauspost/compress/snappy"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
	"github.com/pierrec/lz4/v4"
)

// Parquet is read through parquet-go (pre-1.0), never trusting it with
// unchecked input: every call into it is guarded by recover, and the
// input it sees is validated first, because some of its failure modes
// allocate as much as a hostile header asks, which no recover can catch.
//
//   - Only the footer and the column chunks of the first keepRowGroups row
//     groups are fetched through At, with reads sized to what is needed.
//   - The footer is refused past maxFooter (OBJECT_EXCEEDS_SIZE_QUOTA), is
//     walked by thriftWalker (every list length checked against the bytes
//     left, the memory a decoder would allocate estimated and capped at
//     maxFooterWeight), and rewritten to list only the row groups read.
//     parquet-go opens that rewritten footer; it reads no page index and no
//     bloom filter.
//   - Pages are read here, into a window per column chunk, and each page
//     header is checked: sizes within maxPage and the chunk, value counts
//     within maxPageValues, and the page data decompressed once with a
//     limit to prove it decodes to no more than its declared size (the
//     codecs of parquet-go would otherwise grow their output without
//     bound, or loop on a corrupt LZ4 block). parquet-go then decodes only
//     the pages of that window.
//   - Bytes fetched for pages count against Limits.MaxBytes; the footer
//     does not, it is capped on its own.

const (
	maxFooter       = 16 << 20 // bytes of a Parquet footer
	maxFooterWeight = 64 << 20 // estimated bytes of the decoded footer
	maxPage         = 16 << 20 // compressed or uncompressed bytes of one page
	maxPageValues   = 1 << 20  // values (and levels) of one page
	maxPageHeader   = 1 << 20  // bytes of one page header (statistics included)
	minColumnShare  = 64 << 10 // bytes of a column chunk's pages worth reading
)

// readParquet reads the first row groups of a Parquet file, column by
// column: each value under the column's path ("customer.email",
// "tags[]").
func (r *run) readParquet(c content, stream func() *bufio.Reader) outcome {
	at, size, release, o := r.randomAccess(c, stream)
	if o.reason != "" {
		return o
	}
	defer release()
	footerAt := at
	if b, ok := at.(*budgetAt); ok {
		footerAt = &budgetAt{r: r, at: b.at, size: b.size, free: true}
	}
	if size < 12 {
		return outcome{reason: ReasonCorruptFile}
	}
	var tail [8]byte
	if _, err := footerAt.ReadAt(tail[:], size-8); err != nil && err != io.EOF {
		return outcome{reason: r.reasonFor(err)}
	}
	switch string(tail[4:]) {
	case "PAR1":
	case "PARE":
		return outcome{reason: ReasonEncryptedFile}
	default:
		return outcome{reason: ReasonCorruptFile}
	}
	footerLen := int64(binary.LittleEndian.Uint32(tail[:4]))
	if footerLen > maxFooter {
		return outcome{reason: ReasonObjectExceedsSizeQuota}
	}
	footerOff := size - 8 - footerLen
	if footerOff < 4 {
		return outcome{reason: ReasonCorruptFile}
	}
	footer := make([]byte, footerLen)
	if _, err := footerAt.ReadAt(footer, footerOff); err != nil && err != io.EOF {
		return outcome{reason: r.reasonFor(err)}
	}
	w := &thriftWalker{b: footer}
	if !w.structure(0, true) || w.pos != len(footer) {
		return outcome{reason: ReasonCorruptFile}
	}
	if w.encrypted {
		return outcome{reason: ReasonEncryptedFile}
	}
	if w.weight > maxFooterWeight {
		return outcome{reason: ReasonObjectExceedsSizeQuota}
	}
	trimmed := footer
	if w.rgCount > len(w.rgEnds) {
		trimmed = make([]byte, 0, len(footer))
		trimmed = append(trimmed, footer[:w.rgHeader]...)
		trimmed = appendListHeader(trimmed, len(w.rgEnds), w.rgType)
		trimmed = append(trimmed, footer[w.rgElems:w.rgEnds[len(w.rgEnds)-1]]...)
		trimmed = append(trimmed, footer[w.rgEnd:]...)
	}
	f, err := openParquet(trimmed)
	if err != nil {
		return outcome{reason: ReasonCorruptFile}
	}
	_, charged := at.(*budgetAt)
	p := &parquetReader{r: r, at: at, dataEnd: footerOff, charged: charged, b: newBatcher(r.emitter(c.entry, ""))}
	defer p.b.release()
	o = p.read(f)
	if w.rgCount > len(w.rgEnds) {
		o.merge(outcome{reason: ReasonSampleByteLimit}) // row groups past the first ones are not read
	}
	if err := p.b.flushAll(false); err != nil {
		o.merge(outcome{reason: r.reasonFor(err)})
	}
	return o
}

// openParquet opens a file made of the magic bytes and the given footer:
// parquet-go reads nothing else when opening.
func openParquet(footer []byte) (f *parquet.File, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, errCorrupt
		}
	}()
	file := make([]byte, 0, 4+len(footer)+8)
	file = append(file, "PAR1"...)
	file = append(file, footer...)
	file = binary.LittleEndian.AppendUint32(file, uint32(len(footer)))
	file = append(file, "PAR1"...)
	return parquet.OpenFile(bytes.NewReader(file), int64(len(file)),
		parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true), parquet.FileReadMode(parquet.ReadModeSync))
}

// parquetReader reads the pages of one file.
type parquetReader struct {
	r       *run
	at      io.ReaderAt
	dataEnd int64 // where the footer starts: column chunks end before
	charged bool  // at is the object: page bytes count against MaxBytes
	b       *batcher
	vals    []parquet.Value
	num     []byte
}

// leafColumns returns the leaf columns of f in column order.
func leafColumns(c *parquet.Column, out []*parquet.Column) []*parquet.Column {
	if c.Leaf() {
		return append(out, c)
	}
	for _, child := range c.Columns() {
		out = leafColumns(child, out)
	}
	return out
}

// columnField names a column by its path, with LIST and MAP wrappers
// collapsed: "tags.list.element" reads "tags[]", "m.key_value.value" "m.*".
func columnField(path []string) string {
	s := strings.Join(path, ".")
	s = strings.ReplaceAll(s, ".list.element", "[]")
	s = strings.ReplaceAll(s, ".key_value.key", ".*")
	s = strings.ReplaceAll(s, ".key_value.value", ".*")
	if len(s) > maxPath {
		s = s[:maxPath]
	}
	return s
}

func (p *parquetReader) read(f *parquet.File) (o outcome) {
	defer func() {
		if x := recover(); x != nil {
			o.merge(outcome{reason: ReasonCorruptFile})
		}
	}()
	cols := leafColumns(f.Root(), nil)
	meta := f.Metadata()
	groups := f.RowGroups()
	fields := make([]int, len(cols))
	skipNumbers := make([]bool, len(cols))
	for i, c := range cols {
		fields[i] = p.b.lookup([]byte(columnField(c.Path())))
		if lt := c.Type().LogicalType(); lt != nil {
			switch lt.Value.(type) {
			case *format.DateType, *format.TimeType, *format.TimestampType:
				skipNumbers[i] = true
			}
		}
	}
	if len(groups) == 0 || len(cols) == 0 {
		return outcome{read: true}
	}
	for g := range groups {
		chunks := groups[g].ColumnChunks()
		if g >= len(meta.RowGroups) || len(chunks) != len(cols) || len(meta.RowGroups[g].Columns) != len(cols) {
			o.merge(outcome{reason: ReasonCorruptFile})
			return o
		}
		for i := range cols {
			if p.r.stopped() {
				o.merge(outcome{reason: p.r.stopReason()})
				return o
			}
			share := int64(maxInMemory)
			if p.charged {
				left := p.r.lim.MaxBytes - p.r.raw
				if left <= 0 {
					p.r.cut = true
					o.merge(outcome{reason: ReasonSampleByteLimit})
					return o
				}
				share = max(left/int64(len(cols)-i), minColumnShare)
			}
			fc, ok := chunks[i].(*parquet.FileColumnChunk)
			if !ok {
				continue
			}
			cm := &meta.RowGroups[g].Columns[i].MetaData
			rows, co := p.column(fc, cm, fields[i], skipNumbers[i], share)
			if i == 0 {
				p.r.records += rows
			}
			o.merge(co)
		}
	}
	return o
}

// column reads the pages of one column chunk that fit in share bytes (at
// least its first data page if the budget allows) and emits their values.
func (p *parquetReader) column(fc *parquet.FileColumnChunk, cm *format.ColumnMetaData, field int, skipNumbers bool, share int64) (rows int64, o outcome) {
	switch cm.Codec {
	case format.Uncompressed, format.Snappy, format.Gzip, format.Zstd, format.Lz4Raw:
	default:
		return 0, outcome{reason: ReasonUnsupportedFileType}
	}
	start := cm.DataPageOffset
	if cm.DictionaryPageOffset > 0 && cm.DictionaryPageOffset < start {
		start = cm.DictionaryPageOffset
	}
	end := start + cm.TotalCompressedSize
	if start < 4 || cm.TotalCompressedSize < 0 || end > p.dataEnd || end < start {
		return 0, outcome{reason: ReasonCorruptFile}
	}
	win, dataPages, reason := p.window(start, end, cm.Codec, share)
	o.reason = reason
	if dataPages == 0 {
		return 0, o
	}
	o.read = true
	rows, err := p.values(fc, start, win, dataPages, field, skipNumbers)
	if err != nil {
		o.merge(outcome{reason: p.r.reasonFor(err)})
	}
	return rows, o
}

// window fetches and checks the pages of the chunk [start, end) that fit
// in share bytes (the first data page, with its dictionary, whatever
// share says; the raw budget still applies). It returns the bytes from
// start, the number of data pages in them, and why it stopped before the
// end of the chunk, if it did.
func (p *parquetReader) window(start, end int64, codec format.CompressionCodec, share int64) ([]byte, int, Reason) {
	var buf []byte
	fetch := func(upto int64) error { // make buf cover [start, upto)
		upto = min(upto, end)
		have := start + int64(len(buf))
		if upto <= have {
			return nil
		}
		nb := make([]byte, upto-start)
		copy(nb, buf)
		n, err := p.at.ReadAt(nb[len(buf):], have)
		buf = nb[:len(buf)+n]
		if err == io.EOF && int64(n) == upto-have {
			err = nil
		}
		return err
	}
	pos := start
	dataPages := 0
	for pos < end {
		if p.r.stopped() {
			return buf[:pos-start], dataPages, p.r.stopReason()
		}
		if dataPages > 0 && pos-start >= share {
			return buf[:pos-start], dataPages, ReasonSampleByteLimit
		}
		// The page header: a few hundred bytes unless statistics are big.
		hlen := 0
		for want := int64(512); ; want *= 8 {
			err := fetch(pos + want)
			w := &thriftWalker{b: buf[pos-start:]}
			if w.structure(0, false) {
				hlen = w.pos
				break
			}
			if err != nil {
				return buf[:pos-start], dataPages, p.r.reasonFor(err)
			}
			if start+int64(len(buf)) >= end || want >= maxPageHeader {
				return buf[:pos-start], dataPages, ReasonCorruptFile
			}
		}
		var hdr format.PageHeader
		if err := decodePageHeader(buf[pos-start:pos-start+int64(hlen)], &hdr); err != nil {
			return buf[:pos-start], dataPages, ReasonCorruptFile
		}
		csize, usize := int64(hdr.CompressedPageSize), int64(hdr.UncompressedPageSize)
		pageEnd := pos + int64(hlen) + csize
		if csize < 0 || usize < 0 || csize > maxPage || usize > maxPage || pageEnd > end {
			return buf[:pos-start], dataPages, ReasonCorruptFile
		}
		if dataPages > 0 && pageEnd-start > share {
			return buf[:pos-start], dataPages, ReasonSampleByteLimit
		}
		if err := fetch(pageEnd); err != nil {
			return buf[:pos-start], dataPages, p.r.reasonFor(err)
		}
		if reason := checkPage(&hdr, codec, buf[pos-start+int64(hlen):pageEnd-start]); reason != "" {
			return buf[:pos-start], dataPages, reason
		}
		pos = pageEnd
		if hdr.Type == format.DataPage || hdr.Type == format.DataPageV2 {
			dataPages++
		}
	}
	return buf[:pos-start], dataPages, ""
}

// decodePageHeader decodes a page header that thriftWalker has checked.
func decodePageHeader(b []byte, h *format.PageHeader) (err error) {
	defer func() {
		if recover() != nil {
			err = errCorrupt
		}
	}()
	return thrift.Unmarshal(new(thrift.CompactProtocol), b, h)
}

// checkPage validates a page before parquet-go decodes it: counts within
// maxPageValues, level lengths within the data, and the data decompressing
// to no more than the declared size.
func checkPage(h *format.PageHeader, codec format.CompressionCodec, data []byte) Reason {
	usize := int(h.UncompressedPageSize)
	compressed := data
	switch h.Type {
	case format.DataPage:
		if !h.DataPageHeader.Valid || h.DataPageHeader.V.NumValues < 0 || h.DataPageHeader.V.NumValues > maxPageValues {
			return ReasonCorruptFile
		}
	case format.DictionaryPage:
		if !h.DictionaryPageHeader.Valid || h.DictionaryPageHeader.V.NumValues < 0 || h.DictionaryPageHeader.V.NumValues > maxPageValues {
			return ReasonCorruptFile
		}
	case format.DataPageV2:
		v := h.DataPageHeaderV2.V
		if !h.DataPageHeaderV2.Valid || v.NumValues < 0 || v.NumValues > maxPageValues || v.NumNulls < 0 || v.NumNulls > v.NumValues ||
			v.NumRows < 0 || v.NumRows > maxPageValues || v.RepetitionLevelsByteLength < 0 || v.DefinitionLevelsByteLength < 0 {
			return ReasonCorruptFile
		}
		levels := int(v.RepetitionLevelsByteLength) + int(v.DefinitionLevelsByteLength)
		if levels > len(data) || levels > usize {
			return ReasonCorruptFile
		}
		compressed, usize = data[levels:], usize-levels
		if v.IsCompressed.Valid && !v.IsCompressed.V {
			return ""
		}
	case format.IndexPage:
		return ""
	default:
		return ReasonCorruptFile
	}
	if err := checkDecompressed(codec, compressed, usize); err != nil {
		return ReasonCorruptFile
	}
	return ""
}

// checkDecompressed decodes src with codec, discarding the output, and
// fails if it is invalid or longer than limit.
func checkDecompressed(codec format.CompressionCodec, src []byte, limit int) error {
	var rd io.Reader
	switch codec {
	case format.Uncompressed:
		return nil
	case format.Snappy:
		n, err := snappy.DecodedLen(src)
		if err != nil || n > limit {
			return errCorrupt
		}
		return nil
	case format.Lz4Raw:
		if _, err := lz4.UncompressBlock(src, make([]byte, limit)); err != nil {
			return errCorrupt
		}
		return nil
	case format.Gzip:
		z, err := gzip.NewReader(bytes.NewReader(src))
		if err != nil {
			return errCorrupt
		}
		rd = z
	case format.Zstd:
		z, err := zstd.NewReader(bytes.NewReader(src), zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxWindow(maxWindow))
		if err != nil {
			return errCorrupt
		}
		defer z.Close()
		rd = z
	default:
		return errVariant
	}
	n, err := io.Copy(io.Discard, io.LimitReader(rd, int64(limit)+1))
	if err != nil || n > int64(limit) {
		return errCorrupt
	}
	return nil
}

// windowAt serves the checked window of a column chunk to parquet-go, and
// nothing else.
type windowAt struct {
	start int64
	buf   []byte
}

var errOutsideWindow = errors.New("readers: parquet read outside the checked pages")

func (w *windowAt) ReadAt(p []byte, off int64) (int, error) {
	if off < w.start || off >= w.start+int64(len(w.buf)) {
		return 0, errOutsideWindow
	}
	n := copy(p, w.buf[off-w.start:])
	if n < len(p) {
		return n, errOutsideWindow
	}
	return n, nil
}

// values has parquet-go decode the data pages of a checked window and
// emits their values. It returns the rows read.
func (p *parquetReader) values(fc *parquet.FileColumnChunk, start int64, win []byte, dataPages, field int, skipNumbers bool) (rows int64, err error) {
	defer func() {
		if x := recover(); x != nil {
			err = errCorrupt
		}
	}()
	pages := fc.PagesFrom(&windowAt{start: start, buf: win})
	defer pages.Close()
	if p.vals == nil {
		p.vals = make([]parquet.Value, 1024)
	}
	for i := 0; i < dataPages; i++ {
		if p.r.stopped() {
			return rows, p.r.ctx.Err()
		}
		page, err := pages.ReadPage()
		if err != nil {
			if err == io.EOF {
				return rows, nil
			}
			return rows, errCorrupt
		}
		rows += page.NumRows()
		err = p.pageValues(page, field, skipNumbers)
		parquet.Release(page)
		if err != nil {
			return rows, err
		}
	}
	return rows, nil
}

// pageValues emits the values of one page.
func (p *parquetReader) pageValues(page parquet.Page, field int, skipNumbers bool) error {
	vr := page.Values()
	for {
		n, err := vr.ReadValues(p.vals)
		for _, v := range p.vals[:n] {
			if err := p.emitValue(v, field, skipNumbers); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return errCorrupt
		}
		if n == 0 {
			return nil
		}
	}
}

// emitValue emits text and numbers; booleans, INT96 and binary data are
// left out.
func (p *parquetReader) emitValue(v parquet.Value, field int, skipNumbers bool) error {
	if v.IsNull() {
		return nil
	}
	switch v.Kind() {
	case parquet.ByteArray, parquet.FixedLenByteArray:
		if b := v.ByteArray(); printable(b) {
			return p.b.addBytes(field, b)
		}
		return nil
	case parquet.Int32, parquet.Int64:
		if skipNumbers {
			return nil
		}
		p.num = strconv.AppendInt(p.num[:0], v.Int64(), 10)
	case parquet.Float:
		p.num = strconv.AppendFloat(p.num[:0], float64(v.Float()), 'g', -1, 32)
	case parquet.Double:
		p.num = strconv.AppendFloat(p.num[:0], v.Double(), 'g', -1, 64)
	default:
		return nil
	}
	return p.b.addBytes(field, p.num)
}
