package readers

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/flate"
	"encoding/binary"
	"hash"
	"hash/crc32"
	"io"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// The zip reader is written here rather than taken from archive/zip, which
// loads the whole central directory into memory (a hostile directory of
// millions of entries would not fit) and offers no way to stop early. This
// one streams the directory through a 64 KiB buffer and stops after
// MaxEntries entries.

const (
	zipLocalLen = 30 // fixed part of a local file header
	zipDirLen   = 46 // fixed part of a central directory record
	zipEndLen   = 22 // fixed part of the end of central directory record
)

// zipDir is an opened zip archive.
type zipDir struct {
	at    io.ReaderAt
	size  int64
	base  int64  // bytes before the archive (a self-extractor's stub)
	count uint64 // entries, per the end record
	cdOff int64  // central directory offset, base included
	cdLen int64
}

// zipEntry is one central directory record.
type zipEntry struct {
	name         string
	flags        uint16
	method       uint16
	crc          uint32
	csize, usize int64
	offset       int64 // local header offset, base not included
	aes          bool  // WinZip AES extra field
}

func (e *zipEntry) dir() bool       { return strings.HasSuffix(e.name, "/") }
func (e *zipEntry) encrypted() bool { return e.flags&1 != 0 || e.method == 99 || e.aes }

// openZip finds the end record of the archive in at (of size bytes).
func openZip(at io.ReaderAt, size int64) (*zipDir, error) {
	// Most archives have no comment: try the last KiB before the longest
	// tail a comment allows.
	var tail []byte
	pos := -1
	for _, want := range []int64{1 << 10, 65535 + zipEndLen} {
		tailLen := min(size, want)
		tail = make([]byte, tailLen)
		if _, err := at.ReadAt(tail, size-tailLen); err != nil && err != io.EOF {
			return nil, err
		}
		for i := len(tail) - zipEndLen; i >= 0; i-- {
			if string(tail[i:i+4]) == "PK\x05\x06" {
				n := int(binary.LittleEndian.Uint16(tail[i+20:]))
				if i+zipEndLen+n <= len(tail) {
					pos = i
					break
				}
			}
		}
		if pos >= 0 || tailLen == size {
			break
		}
	}
	if pos < 0 {
		return nil, errCorrupt
	}
	tailLen := int64(len(tail))
	end := tail[pos:]
	endOff := size - tailLen + int64(pos)
	d := &zipDir{at: at, size: size}
	d.count = uint64(binary.LittleEndian.Uint16(end[10:]))
	cdLen := uint64(binary.LittleEndian.Uint32(end[12:]))
	cdOff := uint64(binary.LittleEndian.Uint32(end[16:]))
	if d.count == 0xFFFF || cdLen == 0xFFFFFFFF || cdOff == 0xFFFFFFFF {
		// Zip64: the locator sits just before the end record.
		var loc [20]byte
		if endOff >= 20 {
			if _, err := at.ReadAt(loc[:], endOff-20); err != nil && err != io.EOF {
				return nil, err
			}
		}
		if string(loc[:4]) == "PK\x06\x07" {
			recOff := int64(binary.LittleEndian.Uint64(loc[8:]))
			if recOff < 0 || recOff > size-56 {
				return nil, errCorrupt
			}
			var rec [56]byte
			if _, err := at.ReadAt(rec[:], recOff); err != nil && err != io.EOF {
				return nil, err
			}
			if string(rec[:4]) != "PK\x06\x06" {
				return nil, errCorrupt
			}
			d.count = binary.LittleEndian.Uint64(rec[32:])
			cdLen = binary.LittleEndian.Uint64(rec[40:])
			cdOff = binary.LittleEndian.Uint64(rec[48:])
			endOff = recOff
		}
	}
	if cdLen > uint64(size) || cdOff > uint64(size) {
		return nil, errCorrupt
	}
	d.base = max(0, endOff-int64(cdLen)-int64(cdOff))
	d.cdOff, d.cdLen = d.base+int64(cdOff), int64(cdLen)
	if d.cdOff+d.cdLen > size {
		return nil, errCorrupt
	}
	return d, nil
}

// list reads up to limit file entries (directories are left out) from the
// central directory. more reports that the directory holds further
// entries. A corrupt record ends the list with errCorrupt after the
// entries before it.
func (d *zipDir) list(r *run, limit int) (entries []zipEntry, more bool, err error) {
	br := getBufio(io.NewSectionReader(d.at, d.cdOff, d.cdLen))
	defer putBufio(br)
	var fixed [zipDirLen]byte
	for i := uint64(0); i < d.count || d.count == 0xFFFF; i++ {
		if i&255 == 0 && r.stopped() {
			return entries, false, r.ctx.Err()
		}
		if _, err := io.ReadFull(br, fixed[:4]); err != nil {
			if err == io.EOF && d.count == 0xFFFF {
				return entries, false, nil
			}
			return entries, false, unexpected(err)
		}
		if string(fixed[:4]) != "PK\x01\x02" {
			if d.count == 0xFFFF {
				return entries, false, nil
			}
			return entries, false, errCorrupt
		}
		if _, err := io.ReadFull(br, fixed[4:]); err != nil {
			return entries, false, unexpected(err)
		}
		le := binary.LittleEndian
		e := zipEntry{
			flags:  le.Uint16(fixed[8:]),
			method: le.Uint16(fixed[10:]),
			crc:    le.Uint32(fixed[16:]),
			csize:  int64(le.Uint32(fixed[20:])),
			usize:  int64(le.Uint32(fixed[24:])),
			offset: int64(le.Uint32(fixed[42:])),
		}
		nameLen, extraLen, commentLen := int(le.Uint16(fixed[28:])), int(le.Uint16(fixed[30:])), int(le.Uint16(fixed[32:]))
		buf := make([]byte, nameLen+extraLen)
		if _, err := io.ReadFull(br, buf); err != nil {
			return entries, false, unexpected(err)
		}
		if _, err := br.Discard(commentLen); err != nil {
			return entries, false, unexpected(err)
		}
		e.name = string(buf[:nameLen])
		e.parseExtra(buf[nameLen:])
		if e.csize < 0 || e.usize < 0 || e.offset < 0 {
			return entries, false, errCorrupt
		}
		if e.dir() {
			continue
		}
		if len(entries) >= limit {
			return entries, true, nil
		}
		entries = append(entries, e)
	}
	return entries, false, nil
}

// parseExtra reads the zip64 sizes and offset and notes the AES field.
func (e *zipEntry) parseExtra(extra []byte) {
	le := binary.LittleEndian
	for len(extra) >= 4 {
		id, n := le.Uint16(extra), int(le.Uint16(extra[2:]))
		if 4+n > len(extra) {
			return
		}
		field := extra[4 : 4+n]
		extra = extra[4+n:]
		switch id {
		case 0x0001: // zip64: present only for the fields that overflowed
			if e.usize == 0xFFFFFFFF && len(field) >= 8 {
				e.usize, field = int64(le.Uint64(field)), field[8:]
			}
			if e.csize == 0xFFFFFFFF && len(field) >= 8 {
				e.csize, field = int64(le.Uint64(field)), field[8:]
			}
			if e.offset == 0xFFFFFFFF && len(field) >= 8 {
				e.offset = int64(le.Uint64(field))
			}
		case 0x9901: // WinZip AES
			e.aes = true
		}
	}
}

// dataOffset reads e's local header and returns where its data starts.
func (d *zipDir) dataOffset(e *zipEntry) (int64, error) {
	off := d.base + e.offset
	if off < 0 || off > d.size-zipLocalLen {
		return 0, errCorrupt
	}
	var h [zipLocalLen]byte
	if _, err := d.at.ReadAt(h[:], off); err != nil && err != io.EOF {
		return 0, err
	}
	if string(h[:4]) != "PK\x03\x04" {
		return 0, errCorrupt
	}
	data := off + zipLocalLen + int64(binary.LittleEndian.Uint16(h[26:])) + int64(binary.LittleEndian.Uint16(h[28:]))
	if data+e.csize > d.size {
		return 0, errCorrupt
	}
	return data, nil
}

// check tells why e cannot be read, before reading it: encrypted, an
// unsupported method, or a declared ratio that is a bomb.
func (r *run) zipCheck(e *zipEntry) Reason {
	switch {
	case e.encrypted():
		return ReasonEncryptedFile
	case e.method != 0 && e.method != 8 && e.method != 12 && e.method != 93 && e.method != 95:
		return ReasonUnsupportedFileType // deflate64, lzma, ppmd...
	case e.method != 0 && e.usize > ratioFloor && float64(e.usize) > r.lim.MaxRatio*float64(max(e.csize, 1)):
		return ReasonDecompressionBomb
	case e.method == 0 && e.usize != e.csize:
		return ReasonCorruptFile
	}
	return ""
}

// openEntry returns the decompressed content of e, bounded by the run's
// limits and checked against e's size and CRC-32 at its end, a random
// access view when e is stored uncompressed, and a function that releases
// the decoders.
func (r *run) openEntry(d *zipDir, e *zipEntry) (io.Reader, io.ReaderAt, func(), error) {
	nop := func() {}
	data, err := d.dataOffset(e)
	if err != nil {
		return nil, nil, nop, err
	}
	sec := io.NewSectionReader(d.at, data, e.csize)
	if e.method == 0 {
		return &crcReader{r: sec, want: e.crc, size: e.usize, h: crc32.NewIEEE()}, sec, nop, nil
	}
	br := getBufio(sec)
	in := &countReader{r: br}
	var dec io.Reader
	closer := func() { putBufio(br) }
	switch e.method {
	case 8:
		fr := flate.NewReader(in)
		dec = fr
		closer = func() { fr.Close(); putBufio(br) }
	case 12:
		dec = bzip2.NewReader(in)
	case 93:
		zd, err := zstd.NewReader(in, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxWindow(maxWindow))
		if err != nil {
			putBufio(br)
			return nil, nil, nop, err
		}
		dec = zstdReader{zd}
		closer = func() { zd.Close(); putBufio(br) }
	case 95:
		dec = newXZReader(in)
	default:
		putBufio(br)
		return nil, nil, nop, errVariant
	}
	lr := &layerReader{r: r, src: dec, in: in}
	return &crcReader{r: lr, want: e.crc, size: e.usize, h: crc32.NewIEEE()}, nil, closer, nil
}

// crcReader checks the size and CRC-32 of an entry's content: more bytes
// than declared, or a mismatch at the end, is errCorrupt.
type crcReader struct {
	r    io.Reader
	h    hash.Hash32
	want uint32
	size int64
	n    int64
}

func (c *crcReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	if c.n > c.size {
		return n, errCorrupt
	}
	if err == io.EOF && (c.n != c.size || c.h.Sum32() != c.want) {
		return n, errCorrupt
	}
	return n, err
}

// readZip reads a zip archive, or an Office document once its directory
// shows it is one.
func (r *run) readZip(c content, f Format, stream func() *bufio.Reader) outcome {
	if c.depth >= r.lim.MaxDepth {
		return outcome{reason: ReasonArchiveDepthLimit}
	}
	if c.top && c.size > r.lim.MaxObjectSize {
		return outcome{reason: ReasonObjectExceedsSizeQuota}
	}
	at, size, release, o := r.randomAccess(c, stream)
	if o.reason != "" {
		return o
	}
	defer release()
	d, err := openZip(at, size)
	if err != nil {
		return outcome{reason: r.reasonFor(err)}
	}
	limit := max(0, r.lim.MaxEntries-r.visited)
	entries, more, err := d.list(r, limit)
	o = outcome{reason: r.reasonFor(err)}
	if kind := officeKind(entries); kind != "" {
		oo := r.readOffice(c, kind, d, entries)
		oo.merge(o)
		oo.format = kind
		return oo
	}
	o.format = FormatZip
	for i := range entries {
		if r.stopped() {
			o.merge(outcome{reason: r.stopReason()})
			break
		}
		if r.cut {
			o.merge(outcome{reason: ReasonSampleByteLimit})
			break
		}
		if !r.visit() {
			more = true
			break
		}
		o.merge(r.readZipEntry(c, d, &entries[i]))
	}
	if more {
		o.merge(outcome{reason: ReasonArchiveEntryLimit})
	}
	return o
}

// readZipEntry reads one member of a zip archive and records it.
func (r *run) readZipEntry(c content, d *zipDir, e *zipEntry) outcome {
	name := cleanName(e.name)
	entry := joinEntry(c.entry, name)
	if reason := r.zipCheck(e); reason != "" {
		o := outcome{format: Detect(name, nil), reason: reason}
		r.record(entry, o)
		return o
	}
	rd, at, closer, err := r.openEntry(d, e)
	if err != nil {
		o := outcome{format: Detect(name, nil), reason: r.reasonFor(err)}
		r.record(entry, o)
		return o
	}
	defer closer()
	ec := content{name: name, entry: entry, depth: c.depth + 1, size: e.usize, at: at}
	ec.open = func() io.Reader { return rd }
	return r.readEntry(ec)
}

// officeKind tells an Office Open XML document from its parts.
func officeKind(entries []zipEntry) Format {
	for i := range entries {
		switch entries[i].name {
		case "word/document.xml":
			return FormatDOCX
		case "xl/workbook.xml":
			return FormatXLSX
		case "ppt/presentation.xml":
			return FormatPPTX
		}
	}
	return ""
}

// zipHeadKind tells an Office document from another zip by the names of
// the local headers in the first bytes, else by its extension.
func zipHeadKind(name string, head []byte) Format {
	sawTypes := false
	for i := 0; i+zipLocalLen <= len(head); {
		if string(head[i:i+4]) != "PK\x03\x04" {
			break
		}
		n := int(binary.LittleEndian.Uint16(head[i+26:]))
		m := int(binary.LittleEndian.Uint16(head[i+28:]))
		if i+zipLocalLen+n > len(head) {
			break
		}
		entry := string(head[i+zipLocalLen : i+zipLocalLen+n])
		switch {
		case strings.HasPrefix(entry, "word/"):
			return FormatDOCX
		case strings.HasPrefix(entry, "xl/"):
			return FormatXLSX
		case strings.HasPrefix(entry, "ppt/"):
			return FormatPPTX
		case entry == "[Content_Types].xml":
			sawTypes = true
		}
		flags := binary.LittleEndian.Uint16(head[i+6:])
		if flags&8 != 0 {
			break // sizes follow the data: the next header cannot be found
		}
		i += zipLocalLen + n + m + int(binary.LittleEndian.Uint32(head[i+18:]))
	}
	switch ext := extension(name); {
	case ext == ".docx" || ext == ".docm" || ext == ".dotx":
		return FormatDOCX
	case ext == ".xlsx" || ext == ".xlsm" || ext == ".xltx":
		return FormatXLSX
	case ext == ".pptx" || ext == ".pptm" || ext == ".potx":
		return FormatPPTX
	case sawTypes && bytes.Contains(head, []byte("word/")):
		return FormatDOCX
	}
	return FormatZip
}
