package readers

import (
	"bufio"
	"compress/bzip2"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"

	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz/lzma"
)

// maxWindow caps the history a zstd or xz decoder may keep: it is
// allocated up front, so a hostile header could otherwise ask for GiBs.
// zstd up to level 19 and xz up to preset -7 stay within it.
const maxWindow = 16 << 20

// compressedExts maps each compression format to its extensions; the name
// of the inner content drops them ("x.tgz" holds "x.tar").
var compressedExts = map[Format][]string{
	FormatGzip:   {".gz", ".gzip", ".z"},
	FormatBzip2:  {".bz2", ".bzip2", ".bz"},
	FormatXZ:     {".xz"},
	FormatZstd:   {".zst", ".zstd"},
	FormatSnappy: {".sz", ".snappy"},
}

// tarShorthands are single extensions for a compressed tar.
var tarShorthands = []string{".tgz", ".tbz2", ".tbz", ".txz", ".tzst"}

// innerName is the name of the content of a compressed file.
func innerName(name string, f Format) string {
	for _, e := range tarShorthands {
		if t := trimExt(name, e); t != name {
			return t + ".tar"
		}
	}
	return trimExt(name, compressedExts[f]...)
}

// readCompressed decompresses one layer, within the byte, ratio and depth
// limits, and reads what it holds as new content (same entry, one level
// deeper), detected by its magic bytes and then by the name without the
// compression extension.
func (r *run) readCompressed(c content, f Format, br *bufio.Reader) outcome {
	if c.depth >= r.lim.MaxDepth {
		return outcome{reason: ReasonArchiveDepthLimit}
	}
	in := &countReader{r: br}
	dec, closer, err := newDecompressor(f, in)
	if err != nil {
		return outcome{reason: r.reasonFor(err)}
	}
	defer closer()
	lr := &layerReader{r: r, src: dec, in: in}
	inner := content{name: innerName(c.name, f), entry: c.entry, depth: c.depth + 1, size: -1, compressed: true}
	inner.open = func() io.Reader { return lr }
	o := r.readContent(inner)
	return outcome{format: f, reason: o.reason, read: o.read, bytes: lr.out}
}

// newDecompressor returns a reader of the decompressed content of src and
// a function that releases the decoder.
func newDecompressor(f Format, src *countReader) (io.Reader, func(), error) {
	nop := func() {}
	switch f {
	case FormatGzip:
		z, err := gzip.NewReader(src) // multistream: concatenated members are one file
		if err != nil {
			return nil, nop, err
		}
		return z, nop, nil
	case FormatBzip2:
		return bzip2.NewReader(src), nop, nil
	case FormatZstd:
		d, err := zstd.NewReader(src, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(maxWindow))
		if err != nil {
			return nil, nop, err
		}
		return zstdReader{d}, d.Close, nil
	case FormatSnappy:
		return s2.NewReader(src, s2.ReaderMaxBlockSize(4<<20)), nop, nil
	case FormatXZ:
		return newXZReader(src), nop, nil
	}
	return nil, nop, errVariant
}

// zstdReader reports a window past maxWindow as too big rather than corrupt.
type zstdReader struct{ d *zstd.Decoder }

func (z zstdReader) Read(p []byte) (int, error) {
	n, err := z.d.Read(p)
	if errors.Is(err, zstd.ErrWindowSizeExceeded) || errors.Is(err, zstd.ErrDecoderSizeExceeded) {
		err = errTooBig
	}
	return n, err
}

// xzReader decodes the xz container format (concatenated streams, blocks,
// index, padding) around LZMA2 data, which ulikunitz/xz/lzma decodes. It
// exists because xz.Reader allocates the dictionary size a block header
// asks for, up to 4 GiB: this one caps it at maxWindow. A stream that
// needs more history than that fails with errTooBig once it refers back
// past the cap. Filter chains other than a single LZMA2 filter (BCJ, delta)
// are errVariant. Integrity checks are skipped; header CRCs are verified.
type xzReader struct {
	src      io.Reader // must not read ahead: a byte reader over a buffer
	block    io.Reader // the current block's LZMA2 reader
	blockIn  *countReader
	check    int  // bytes of the check field of the current stream
	inStream bool // between a stream header and its footer
	streams  int
	capped   bool // a dictionary was capped below its declared size
	err      error
}

func newXZReader(src io.Reader) *xzReader { return &xzReader{src: src} }

func (x *xzReader) Read(p []byte) (int, error) {
	if x.err != nil {
		return 0, x.err
	}
	for idle := 0; ; idle++ {
		if idle > 100 {
			x.err = io.ErrNoProgress
			return 0, x.err
		}
		if x.block != nil {
			n, err := x.block.Read(p)
			if err == io.EOF {
				err = x.endBlock()
				if err == nil && n > 0 {
					return n, nil
				}
			}
			if err != nil {
				if x.capped && err != io.ErrUnexpectedEOF && !errors.Is(err, errSampleLimit) && !errors.Is(err, errBomb) {
					var se *sourceError
					if !errors.As(err, &se) {
						err = errTooBig
					}
				}
				x.err = err
				return n, err
			}
			if n > 0 {
				return n, nil
			}
			continue
		}
		if err := x.next(); err != nil {
			x.err = err
			return 0, err
		}
	}
}

// endBlock skips the padding and check after a block's LZMA2 data.
func (x *xzReader) endBlock() error {
	pad := (4 - x.blockIn.n%4) % 4
	if _, err := io.CopyN(io.Discard, x.src, pad+int64(x.check)); err != nil {
		return unexpected(err)
	}
	x.block = nil
	return nil
}

// next reads what comes before the next block: stream headers, the index
// and footer of the stream just done, stream padding. It returns io.EOF at
// the end of the last stream.
func (x *xzReader) next() error {
	var b [12]byte
	for {
		if !x.inStream {
			// Stream padding (zero bytes in fours), then a stream header.
			if _, err := io.ReadFull(x.src, b[:4]); err != nil {
				if err == io.EOF && x.streams > 0 {
					return io.EOF
				}
				return unexpected(err)
			}
			if b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0 && x.streams > 0 {
				continue
			}
			if _, err := io.ReadFull(x.src, b[4:12]); err != nil {
				return unexpected(err)
			}
			if string(b[:6]) != "\xfd7zXZ\x00" || b[6] != 0 || b[7]&0xF0 != 0 ||
				crc32.ChecksumIEEE(b[6:8]) != binary.LittleEndian.Uint32(b[8:12]) {
				return errCorrupt
			}
			x.check = xzCheckSize(b[7] & 0x0F)
			x.inStream = true
			x.streams++
		}
		if _, err := io.ReadFull(x.src, b[:1]); err != nil {
			return unexpected(err)
		}
		if b[0] == 0 {
			if err := x.skipIndex(); err != nil {
				return err
			}
			x.inStream = false
			continue
		}
		return x.startBlock(b[0])
	}
}

// xzCheckSize is the size of the check field for a check type.
func xzCheckSize(t byte) int {
	switch {
	case t == 0:
		return 0
	case t <= 3:
		return 4
	case t <= 6:
		return 8
	case t <= 9:
		return 16
	case t <= 12:
		return 32
	}
	return 64
}

// startBlock parses a block header whose first byte is first and opens
// the block's LZMA2 data.
func (x *xzReader) startBlock(first byte) error {
	size := (int(first) + 1) * 4
	h := make([]byte, size)
	h[0] = first
	if _, err := io.ReadFull(x.src, h[1:]); err != nil {
		return unexpected(err)
	}
	if crc32.ChecksumIEEE(h[:size-4]) != binary.LittleEndian.Uint32(h[size-4:]) {
		return errCorrupt
	}
	flags := h[1]
	if flags&0x3C != 0 {
		return errCorrupt
	}
	rest := h[2 : size-4]
	var ok bool
	if flags&0x40 != 0 { // compressed size
		if _, rest, ok = uvarint(rest); !ok {
			return errCorrupt
		}
	}
	if flags&0x80 != 0 { // uncompressed size
		if _, rest, ok = uvarint(rest); !ok {
			return errCorrupt
		}
	}
	if flags&0x03 != 0 {
		return errVariant // more than one filter: BCJ or delta before LZMA2
	}
	var id, propSize uint64
	if id, rest, ok = uvarint(rest); !ok {
		return errCorrupt
	}
	if propSize, rest, ok = uvarint(rest); !ok {
		return errCorrupt
	}
	if id != 0x21 || propSize != 1 || len(rest) < 1 {
		return errVariant
	}
	declared, err := lzma.DecodeDictCap(rest[0])
	if err != nil {
		return errCorrupt
	}
	dict := min(declared, maxWindow)
	if dict < declared {
		x.capped = true
	}
	dict = max(dict, lzma.MinDictCap)
	x.blockIn = &countReader{r: x.src}
	lr, err := lzma.Reader2Config{DictCap: int(dict)}.NewReader2(x.blockIn)
	if err != nil {
		return errCorrupt
	}
	x.block = lr
	return nil
}

// skipIndex skips a stream's index, whose indicator byte was read, and its
// footer.
func (x *xzReader) skipIndex() error {
	n := int64(1)
	read := func() (uint64, error) {
		var v uint64
		for i := 0; i < 9; i++ {
			var b [1]byte
			if _, err := io.ReadFull(x.src, b[:]); err != nil {
				return 0, unexpected(err)
			}
			n++
			v |= uint64(b[0]&0x7F) << (7 * i)
			if b[0]&0x80 == 0 {
				return v, nil
			}
		}
		return 0, errCorrupt
	}
	records, err := read()
	if err != nil {
		return err
	}
	for i := uint64(0); i < records; i++ {
		if _, err := read(); err != nil {
			return err
		}
		if _, err := read(); err != nil {
			return err
		}
	}
	pad := (4 - n%4) % 4
	if _, err := io.CopyN(io.Discard, x.src, pad); err != nil {
		return unexpected(err)
	}
	var tail [4 + 12]byte // CRC32 of the index, then the stream footer
	if _, err := io.ReadFull(x.src, tail[:]); err != nil {
		return unexpected(err)
	}
	if string(tail[14:16]) != "YZ" {
		return errCorrupt
	}
	return nil
}

// uvarint decodes an xz multibyte integer from the start of b.
func uvarint(b []byte) (uint64, []byte, bool) {
	var v uint64
	for i := 0; i < 9 && i < len(b); i++ {
		v |= uint64(b[i]&0x7F) << (7 * i)
		if b[i]&0x80 == 0 {
			return v, b[i+1:], true
		}
	}
	return 0, nil, false
}

// unexpected turns an end of input inside a structure into
// io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
