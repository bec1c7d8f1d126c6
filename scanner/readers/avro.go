package readers

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"io"
	"math"
	"strconv"

	"github.com/hamba/avro/v2"
	"github.com/klauspost/compress/snappy"
	"github.com/klauspost/compress/zstd"
)

// Avro object container files are parsed here, block by block, and their
// datums decoded by walking the schema that hamba/avro parses. (hamba's
// ocf package would hold each block in memory and needs a module Cairn
// does not require.) Values stream from the block's decompressor, so
// memory stays flat whatever the block size.

const (
	maxAvroMeta   = 1 << 20  // bytes of the file header's metadata (the schema)
	maxAvroValue  = 16 << 20 // bytes of one string or bytes value
	maxAvroBlock  = 1 << 30  // bytes of one compressed block
	maxAvroSnappy = 16 << 20 // bytes of one snappy block, which is decoded whole
	maxAvroWork   = 1 << 26  // values decoded per object: zero-size datums cost no input
	maxAvroNest   = 64       // nesting of datums (recursive schemas)
)

// readAvro reads an Avro object container file: each string, number and
// text-like bytes value under its field path ("customer.email",
// "orders[].id", map values under "m.*").
func (r *run) readAvro(c content, br *bufio.Reader) outcome {
	cr := &countReader{r: br}
	d := &avroDec{r: r, src: cr}
	schema, codec, sync, err := d.header()
	if err != nil {
		return outcome{reason: r.reasonFor(err), bytes: cr.n}
	}
	d.b = newBatcher(r.emitter(c.entry, ""))
	defer d.b.release()
	o := outcome{read: true}
	for {
		if r.stopped() {
			o.reason = worse(o.reason, r.stopReason())
			break
		}
		if err := d.block(schema, codec, sync); err != nil {
			if err != io.EOF {
				o.reason = worse(o.reason, r.reasonFor(err))
			}
			break
		}
	}
	if err := d.b.flushAll(false); err != nil {
		o.reason = worse(o.reason, r.reasonFor(err))
	}
	o.bytes = cr.n
	return o
}

// avroDec decodes one container file.
type avroDec struct {
	r    *run
	src  *countReader // the file
	in   io.ByteReader
	rd   io.Reader // the current block's content
	b    *batcher
	path []byte
	buf  []byte
	num  []byte
	work int64

	firstByteEOF bool // the last long() met the end of input before its first byte
}

// header reads the magic, the metadata and the sync marker.
func (d *avroDec) header() (avro.Schema, string, [16]byte, error) {
	var sync [16]byte
	d.in, d.rd = d.src, d.src
	var magic [4]byte
	if _, err := io.ReadFull(d.src, magic[:]); err != nil || string(magic[:]) != "Obj\x01" {
		return nil, "", sync, errCorrupt
	}
	meta := map[string][]byte{}
	total := 0
	for {
		n, err := d.long()
		if err != nil {
			return nil, "", sync, err
		}
		if n == 0 {
			break
		}
		if n < 0 {
			n = -n
			if _, err := d.long(); err != nil {
				return nil, "", sync, err
			}
		}
		for i := int64(0); i < n; i++ {
			k, err := d.bytes(maxAvroMeta - total)
			if err != nil {
				return nil, "", sync, err
			}
			key := string(k)
			v, err := d.bytes(maxAvroMeta - total - len(key))
			if err != nil {
				return nil, "", sync, err
			}
			total += len(key) + len(v)
			meta[key] = bytes.Clone(v)
		}
	}
	if _, err := io.ReadFull(d.src, sync[:]); err != nil {
		return nil, "", sync, unexpected(err)
	}
	codec := string(meta["avro.codec"])
	if codec == "" {
		codec = "null"
	}
	schema, err := parseAvroSchema(meta["avro.schema"])
	if err != nil {
		return nil, "", sync, errCorrupt
	}
	return schema, codec, sync, nil
}

// parseAvroSchema parses a schema with a cache of its own (the default
// one is global and would keep every name seen) and turns a panic of the
// parser into an error.
func parseAvroSchema(b []byte) (s avro.Schema, err error) {
	defer func() {
		if recover() != nil {
			s, err = nil, errCorrupt
		}
	}()
	if len(b) == 0 {
		return nil, errCorrupt
	}
	return avro.ParseBytesWithCache(b, "", &avro.SchemaCache{})
}

// block reads one data block; io.EOF at a clean end of file.
func (d *avroDec) block(schema avro.Schema, codec string, sync [16]byte) error {
	d.in, d.rd = d.src, d.src
	count, err := d.long()
	if err == io.ErrUnexpectedEOF && d.firstByteEOF {
		return io.EOF
	}
	if err != nil {
		return err
	}
	size, err := d.long()
	if err != nil {
		return err
	}
	if count < 0 || size < 0 || size > maxAvroBlock {
		return errCorrupt
	}
	raw := &countReader{r: io.LimitReader(d.src, size)}
	var dec io.Reader
	closer := func() {}
	switch codec {
	case "null":
		dec = raw
	case "deflate":
		fr := flate.NewReader(raw)
		dec, closer = fr, func() { fr.Close() }
	case "snappy":
		if size < 4 || size > maxAvroSnappy {
			return errTooBig
		}
		blk := make([]byte, size)
		if _, err := io.ReadFull(raw, blk); err != nil {
			return unexpected(err)
		}
		n, err := snappy.DecodedLen(blk[:size-4])
		if err != nil || n > maxAvroSnappy {
			return errCorrupt
		}
		out, err := snappy.Decode(nil, blk[:size-4])
		if err != nil || crc32.ChecksumIEEE(out) != binary.BigEndian.Uint32(blk[size-4:]) {
			return errCorrupt
		}
		dec = bytes.NewReader(out)
	case "zstandard":
		zd, err := zstd.NewReader(raw, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxWindow(maxWindow))
		if err != nil {
			return errCorrupt
		}
		dec, closer = zstdReader{zd}, zd.Close
	case "bzip2":
		dec = bzip2.NewReader(raw)
	case "xz":
		dec = newXZReader(raw)
	default:
		return errVariant
	}
	defer closer()
	if codec != "null" {
		dec = &layerReader{r: d.r, src: dec, in: raw}
	}
	br := getBufio(dec)
	defer putBufio(br)
	d.in, d.rd = br, br
	for i := int64(0); i < count; i++ {
		if err := d.datum(schema, 0); err != nil {
			return unexpected(err)
		}
		d.r.records++
	}
	d.in, d.rd = d.src, d.src
	if _, err := io.Copy(io.Discard, raw); err != nil { // what the codec left
		return err
	}
	if raw.n != size {
		return io.ErrUnexpectedEOF
	}
	var got [16]byte
	if _, err := io.ReadFull(d.src, got[:]); err != nil {
		return unexpected(err)
	}
	if got != sync {
		return errCorrupt
	}
	return nil
}

// long reads a zig-zag varint. firstByteEOF tells that the input ended
// before its first byte.
func (d *avroDec) long() (int64, error) {
	var u uint64
	d.firstByteEOF = false
	for i := 0; i < 10; i++ {
		b, err := d.in.ReadByte()
		if err != nil {
			if i == 0 && err == io.EOF {
				d.firstByteEOF = true
			}
			return 0, unexpected(err)
		}
		u |= uint64(b&0x7F) << (7 * i)
		if b&0x80 == 0 {
			return int64(u>>1) ^ -int64(u&1), nil
		}
	}
	return 0, errCorrupt
}

// bytes reads a length-prefixed value of up to limit bytes, valid until
// the next call.
func (d *avroDec) bytes(limit int) ([]byte, error) {
	n, err := d.long()
	if err != nil {
		return nil, err
	}
	if n < 0 || n > int64(limit) {
		return nil, errCorrupt
	}
	if int64(cap(d.buf)) < n {
		d.buf = make([]byte, n)
	}
	d.buf = d.buf[:n]
	if _, err := io.ReadFull(d.rd, d.buf); err != nil {
		return nil, unexpected(err)
	}
	return d.buf, nil
}

// emit adds a value under the current path.
func (d *avroDec) emit(v []byte) error {
	return d.b.addBytes(d.b.lookup(d.path), v)
}

// datum decodes one value of schema s.
func (d *avroDec) datum(s avro.Schema, depth int) error {
	d.work++
	if d.work&4095 == 0 {
		if err := d.r.ctx.Err(); err != nil {
			return err
		}
	}
	if d.work > maxAvroWork || depth > maxAvroNest {
		return errCorrupt
	}
	switch s := s.(type) {
	case *avro.NullSchema:
		return nil
	case *avro.PrimitiveSchema:
		return d.primitive(s)
	case *avro.RecordSchema:
		n := len(d.path)
		for _, f := range s.Fields() {
			d.path = appendPath(d.path[:n], f.Name())
			if err := d.datum(f.Type(), depth+1); err != nil {
				return err
			}
		}
		d.path = d.path[:n]
		return nil
	case *avro.EnumSchema:
		_, err := d.long() // the symbol is the schema's, not data
		return err
	case *avro.ArraySchema:
		n := len(d.path)
		d.path = appendPath(d.path, "[]")
		err := d.blocks(func() error { return d.datum(s.Items(), depth+1) })
		d.path = d.path[:n]
		return err
	case *avro.MapSchema:
		n := len(d.path)
		d.path = appendPath(d.path, "*")
		err := d.blocks(func() error {
			k, err := d.bytes(maxAvroValue)
			if err != nil {
				return err
			}
			if err := d.emit(k); err != nil {
				return err
			}
			return d.datum(s.Values(), depth+1)
		})
		d.path = d.path[:n]
		return err
	case *avro.UnionSchema:
		i, err := d.long()
		if err != nil {
			return err
		}
		types := s.Types()
		if i < 0 || i >= int64(len(types)) {
			return errCorrupt
		}
		return d.datum(types[i], depth+1)
	case *avro.FixedSchema:
		b := d.buf[:0]
		if s.Size() > 0 {
			if s.Size() > maxAvroValue {
				return errCorrupt
			}
			if cap(d.buf) < s.Size() {
				d.buf = make([]byte, s.Size())
			}
			b = d.buf[:s.Size()]
			if _, err := io.ReadFull(d.rd, b); err != nil {
				return unexpected(err)
			}
		}
		if s.Logical() == nil && printable(b) {
			return d.emit(b)
		}
		return nil
	case *avro.RefSchema:
		return d.datum(s.Schema(), depth+1)
	}
	return errVariant
}

// blocks reads the blocks of an array or map, calling item for each item.
func (d *avroDec) blocks(item func() error) error {
	for {
		n, err := d.long()
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		if n < 0 {
			if n == math.MinInt64 {
				return errCorrupt
			}
			n = -n
			if _, err := d.long(); err != nil { // the block's size in bytes
				return err
			}
		}
		for i := int64(0); i < n; i++ {
			if err := item(); err != nil {
				return err
			}
		}
	}
}

// primitive decodes a primitive value: strings always, text-like bytes,
// numbers unless they are dates or times.
func (d *avroDec) primitive(s *avro.PrimitiveSchema) error {
	logical := s.Logical()
	switch s.Type() {
	case avro.Null:
		return nil
	case avro.Boolean:
		_, err := d.in.ReadByte()
		return unexpected(err)
	case avro.Int, avro.Long:
		v, err := d.long()
		if err != nil || logical != nil {
			return err
		}
		d.num = strconv.AppendInt(d.num[:0], v, 10)
		return d.emit(d.num)
	case avro.Float, avro.Double:
		size := 4
		if s.Type() == avro.Double {
			size = 8
		}
		var b [8]byte
		if _, err := io.ReadFull(d.rd, b[:size]); err != nil {
			return unexpected(err)
		}
		var f float64
		if size == 4 {
			f = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[:])))
			d.num = strconv.AppendFloat(d.num[:0], f, 'g', -1, 32)
		} else {
			f = math.Float64frombits(binary.LittleEndian.Uint64(b[:]))
			d.num = strconv.AppendFloat(d.num[:0], f, 'g', -1, 64)
		}
		return d.emit(d.num)
	case avro.String:
		v, err := d.bytes(maxAvroValue)
		if err != nil {
			return err
		}
		return d.emit(v)
	case avro.Bytes:
		v, err := d.bytes(maxAvroValue)
		if err != nil {
			return err
		}
		if logical == nil && printable(v) {
			return d.emit(v)
		}
		return nil
	}
	return errVariant
}
