package readers

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rawEntry is a precompressed zip entry, copied into archives as is.
type rawEntry struct {
	name       string
	method     uint16
	crc        uint32
	usize      uint64
	compressed []byte
	flags      uint16
}

// deflateOf compresses n bytes of b repeated (zeros when b is empty) with
// the strongest deflate, streaming.
func deflateOf(n int64, b []byte) rawEntry {
	if len(b) == 0 {
		b = make([]byte, 64<<10)
	}
	var out bytes.Buffer
	w, _ := flate.NewWriter(&out, flate.BestCompression)
	h := crc32.NewIEEE()
	for left := n; left > 0; {
		k := min(left, int64(len(b)))
		w.Write(b[:k])
		h.Write(b[:k])
		left -= k
	}
	w.Close()
	return rawEntry{method: zip.Deflate, crc: h.Sum32(), usize: uint64(n), compressed: out.Bytes()}
}

// zipRaw builds a zip from precompressed entries.
func zipRaw(entries ...rawEntry) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		fh := &zip.FileHeader{Name: e.name, Method: e.method, CRC32: e.crc,
			CompressedSize64: uint64(len(e.compressed)), UncompressedSize64: e.usize, Flags: e.flags}
		fw, err := w.CreateRaw(fh)
		if err != nil {
			panic(err)
		}
		fw.Write(e.compressed)
	}
	w.Close()
	return buf.Bytes()
}

// bomb42 builds a 42.zip-style bomb: levels of zips each holding 16 copies
// of the level below, the last holding 16 copies of 64 MiB of zeros: 16^4
// × 64 MiB = 4 TiB unpacked, from a few hundred KiB.
func bomb42() []byte {
	zeros := deflateOf(64<<20, nil)
	var level []byte
	for depth := 0; depth < 4; depth++ {
		var entries []rawEntry
		var e rawEntry
		if depth == 0 {
			e = zeros
		} else {
			e = deflateOf(int64(len(level)), level)
		}
		for i := 0; i < 16; i++ {
			e.name = fmt.Sprintf("l%d-%x.zip", depth, i)
			if depth == 0 {
				e.name = fmt.Sprintf("zeros-%x.bin", i)
			}
			entries = append(entries, e)
		}
		level = zipRaw(entries...)
	}
	return level
}

// nestedZips builds zips nested depth deep; level i holds note-i.txt with
// a marker, and next.zip.
func nestedZips(depth int) []byte {
	inner := zipBytes(zipFile{name: fmt.Sprintf("note-%d.txt", depth), data: []byte(fmt.Sprintf("level %d ssn %s\n", depth, markSSN))})
	for i := depth - 1; i >= 0; i-- {
		inner = zipBytes(
			zipFile{name: fmt.Sprintf("note-%d.txt", i), data: []byte(fmt.Sprintf("level %d ssn %s\n", i, markSSN))},
			zipFile{name: "next.zip", data: inner, store: i%2 == 0},
		)
	}
	return inner
}

// manyEntries builds a zip of n tiny entries.
func manyEntries(n int) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for i := 0; i < n; i++ {
		fw, _ := w.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("f%06d.txt", i), Method: zip.Store})
		fmt.Fprintf(fw, "user%d@example.com\n", i)
	}
	w.Close()
	return buf.Bytes()
}

// bigZip builds a zip of stored CSV members totalling n bytes.
func bigZip(n int) []byte {
	var files []zipFile
	for part := 0; n > 0; part++ {
		var b bytes.Buffer
		b.WriteString("id,email\n")
		for i := 0; b.Len() < min(n, 4<<20); i++ {
			fmt.Fprintf(&b, "%d,user%d@example.com\n", i*7919%1000003, i)
		}
		n -= b.Len()
		files = append(files, zipFile{name: fmt.Sprintf("part-%d.csv", part), data: b.Bytes(), store: true})
	}
	return zipBytes(files...)
}

// gzipMembers streams a multi-member gzip of total bytes of b repeated,
// one member per MiB (each member compressed once and repeated).
func gzipMembers(total int64, b []byte) io.ReadCloser {
	if len(b) == 0 {
		b = make([]byte, 1<<20)
	}
	unit := bytes.Repeat(b, (1<<20)/len(b))
	member := gzipBytes(unit)
	pr, pw := io.Pipe()
	go func() {
		for written := int64(0); written < total; written += int64(len(unit)) {
			if _, err := pw.Write(member); err != nil {
				return
			}
		}
		pw.Close()
	}()
	return pr
}

// synthAt is an object that exists only as a pattern: byte i is
// pattern[i%len(pattern)]. It stores nothing.
type synthAt struct {
	size    int64
	pattern []byte
}

func (s synthAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), s.size-off))
	for i := 0; i < n; {
		i += copy(p[i:n], s.pattern[(off+int64(i))%int64(len(s.pattern)):])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// patchXZDict sets the dictionary size code of the first block of an xz
// file and fixes the header CRC.
func patchXZDict(b []byte, code byte) []byte {
	b = bytes.Clone(b)
	hsize := (int(b[12]) + 1) * 4
	h := b[12 : 12+hsize]
	// Single LZMA2 filter: flags, id 0x21, size 1, then the dict byte.
	i := bytes.Index(h[2:], []byte{0x21, 0x01})
	h[2+i+2] = code
	binary.LittleEndian.PutUint32(h[hsize-4:], crc32.ChecksumIEEE(h[:hsize-4]))
	return b
}

// hostileParquetFooter is a file whose footer claims a schema list of
// 2^31-1 elements in a few bytes.
func hostileParquetFooter() []byte {
	footer := []byte{0x15, 0x02, 0x19, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00} // version=1, schema: list<struct> of 2^31-1
	var b bytes.Buffer
	b.WriteString("PAR1")
	b.Write(footer)
	binary.Write(&b, binary.LittleEndian, uint32(len(footer)))
	b.WriteString("PAR1")
	return b.Bytes()
}

type hostileCase struct {
	name   string
	src    func(t testing.TB) (Source, func())
	lim    Limits
	status Status
	reason Reason
	check  func(t *testing.T, segs []sseg, res Result)
}

func atSource(name string, b []byte) (Source, func()) {
	return Source{Name: name, Size: int64(len(b)), At: bytes.NewReader(b)}, func() {}
}

var hostileOnce struct {
	sync.Once
	bomb42, deep20, many, big []byte
}

func hostileInputs() {
	hostileOnce.Do(func() {
		hostileOnce.bomb42 = bomb42()
		hostileOnce.deep20 = nestedZips(20)
		hostileOnce.many = manyEntries(100_000)
		hostileOnce.big = bigZip(17 << 20)
	})
}

func hostileCases() []hostileCase {
	hostileInputs()
	var lines strings.Builder
	lines.WriteString("id,email,ssn\n")
	for i := 0; lines.Len() < 300<<10; i++ {
		fmt.Fprintf(&lines, "%d,user%d@example.com,536-22-%04d\n", i, i, i%10000)
	}
	gz := gzipBytes([]byte(lines.String()))
	pq := parquetBytes(&testing.T{}, 200)
	return []hostileCase{
		{
			name: "42.zip bomb", src: func(testing.TB) (Source, func()) { return atSource("42.zip", hostileOnce.bomb42) },
			status: StatusSkipped, reason: ReasonDecompressionBomb,
		},
		{
			name: "20-deep nested zip", src: func(testing.TB) (Source, func()) { return atSource("deep.zip", hostileOnce.deep20) },
			status: StatusPartial, reason: ReasonArchiveDepthLimit,
			check: func(t *testing.T, segs []sseg, res Result) {
				entry := ""
				for i := 0; i < 5; i++ {
					note := joinEntry(entry, fmt.Sprintf("note-%d.txt", i))
					if !has(segs, note, "", fmt.Sprintf("level %d ssn", i)) {
						t.Errorf("level %d not read: %s", i, where(segs, "level"))
					}
					entry = joinEntry(entry, "next.zip")
				}
				if e, ok := entryResult(res, entry); !ok || e.Reason != ReasonArchiveDepthLimit || e.Status != StatusSkipped {
					t.Errorf("entry %s: %+v", entry, e)
				}
				if anywhere(segs, "level 5 ") {
					t.Errorf("read past the depth limit")
				}
			},
		},
		{
			name: "truncated gzip", src: func(testing.TB) (Source, func()) { return atSource("people.csv.gz", gz[:len(gz)*6/10]) },
			status: StatusPartial, reason: ReasonCorruptFile,
			check: func(t *testing.T, segs []sseg, res Result) {
				if !has(segs, "", "email", "user1@example.com") {
					t.Errorf("nothing from before the cut")
				}
			},
		},
		{
			name: "gzip cut by the sample", src: func(testing.TB) (Source, func()) { return atSource("people.csv.gz", gz) }, lim: Limits{MaxBytes: 32 << 10},
			status: StatusPartial, reason: ReasonSampleByteLimit,
		},
		{
			name: "corrupt parquet footer", src: func(testing.TB) (Source, func()) {
				b := bytes.Clone(pq)
				n := int(binary.LittleEndian.Uint32(b[len(b)-8:]))
				for i := len(b) - 8 - n + n/3; i < len(b)-8-n/3; i++ {
					b[i] = 0xFF
				}
				return atSource("p.parquet", b)
			},
			status: StatusSkipped, reason: ReasonCorruptFile,
		},
		{
			name: "parquet footer claims 2^31 schema elements", src: func(testing.TB) (Source, func()) { return atSource("p.parquet", hostileParquetFooter()) },
			status: StatusSkipped, reason: ReasonCorruptFile,
		},
		{
			name: "parquet footer length past the file", src: func(testing.TB) (Source, func()) {
				b := bytes.Clone(pq)
				binary.LittleEndian.PutUint32(b[len(b)-8:], uint32(len(b)))
				return atSource("p.parquet", b)
			},
			status: StatusSkipped, reason: ReasonCorruptFile,
		},
		{
			name: "parquet footer of 2 GiB", src: func(testing.TB) (Source, func()) {
				b := bytes.Clone(pq)
				binary.LittleEndian.PutUint32(b[len(b)-8:], 1<<31)
				return atSource("p.parquet", b)
			},
			status: StatusSkipped, reason: ReasonObjectExceedsSizeQuota,
		},
		{
			name: "truncated parquet", src: func(testing.TB) (Source, func()) { return atSource("p.parquet", pq[:len(pq)/2]) },
			status: StatusSkipped, reason: ReasonCorruptFile,
		},
		{
			name: "invalid utf-8", src: func(testing.TB) (Source, func()) {
				return atSource("notes.txt", []byte("ok \xff\xfe\xc3\x28 \xed\xa0\x80 ssn "+markSSN+" \xf0\x28\x8c\x28\n"))
			},
			status: StatusComplete,
			check: func(t *testing.T, segs []sseg, res Result) {
				if !has(segs, "", "", markSSN) {
					t.Errorf("marker lost: %s", where(segs, markSSN))
				}
			},
		},
		{
			name: "gzip bomb: 1 GiB of zeros", src: func(testing.TB) (Source, func()) {
				r := gzipMembers(1<<30, nil)
				return Source{Name: "zeros.gz", Size: -1, Stream: r}, func() { r.Close() }
			},
			status: StatusSkipped, reason: ReasonDecompressionBomb,
		},
		{
			name: "gzip bomb: 1 GiB of text", src: func(testing.TB) (Source, func()) {
				r := gzipMembers(1<<30, []byte("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"))
				return Source{Name: "a.txt.gz", Size: -1, Stream: r}, func() { r.Close() }
			},
			status: StatusPartial, reason: ReasonDecompressionBomb,
		},
		{
			name: "zip of 100k entries", src: func(testing.TB) (Source, func()) { return atSource("many.zip", hostileOnce.many) },
			lim:    Limits{MaxBytes: 8 << 20},
			status: StatusPartial, reason: ReasonArchiveEntryLimit,
			check: func(t *testing.T, segs []sseg, res Result) {
				if len(res.Entries) != 1000 || res.Entries[999].Status != StatusComplete {
					t.Errorf("%d entries, last %+v", len(res.Entries), res.Entries[len(res.Entries)-1])
				}
				if !has(segs, "f000999.txt", "", "user999@example.com") {
					t.Errorf("entry 999 not read")
				}
			},
		},
		{
			name: "zip of 100k entries, sample cap", src: func(testing.TB) (Source, func()) { return atSource("many.zip", hostileOnce.many) },
			status: StatusPartial, reason: ReasonArchiveEntryLimit,
		},
		{
			name: "encrypted zip entry", src: func(testing.TB) (Source, func()) {
				secret := deflateOf(1000, []byte("ssn 536-22-8147\n"))
				secret.name, secret.flags = "secret.csv", 1
				plain := deflateOf(int64(len(peopleCSV)), []byte(peopleCSV))
				plain.name = "people.csv"
				return atSource("x.zip", zipRaw(secret, plain))
			},
			status: StatusPartial, reason: ReasonEncryptedFile,
			check: func(t *testing.T, segs []sseg, res Result) {
				if e, _ := entryResult(res, "secret.csv"); e.Status != StatusSkipped || e.Reason != ReasonEncryptedFile || e.Format != FormatCSV {
					t.Errorf("secret.csv: %+v", e)
				}
				if !has(segs, "people.csv", "email", markEmail) {
					t.Errorf("the plain entry was not read")
				}
			},
		},
		{
			name: "zip entry larger than declared", src: func(testing.TB) (Source, func()) {
				e := deflateOf(200<<10, []byte("ssn 536-22-8147\n"))
				e.name, e.usize = "liar.txt", 100
				return atSource("x.zip", zipRaw(e))
			},
			status: StatusPartial, reason: ReasonCorruptFile,
		},
		{
			name: "zip bomb entry declared honestly", src: func(testing.TB) (Source, func()) {
				e := deflateOf(256<<20, nil)
				e.name = "zeros.bin"
				return atSource("x.zip", zipRaw(e))
			},
			status: StatusSkipped, reason: ReasonDecompressionBomb,
		},
		{
			name: "zip with one corrupt member", src: func(testing.TB) (Source, func()) {
				good := deflateOf(int64(len(peopleCSV)), []byte(peopleCSV))
				good.name = "good.csv"
				bad := deflateOf(int64(len(peopleCSV)), []byte(peopleCSV))
				bad.name, bad.crc = "bad.csv", bad.crc^1
				garbled := deflateOf(int64(len(peopleCSV)), []byte(peopleCSV))
				garbled.name = "garbled.csv"
				garbled.compressed = bytes.Repeat([]byte{0xFF}, len(garbled.compressed))
				return atSource("x.zip", zipRaw(bad, garbled, good))
			},
			status: StatusPartial, reason: ReasonCorruptFile,
			check: func(t *testing.T, segs []sseg, res Result) {
				if !has(segs, "good.csv", "email", markEmail) {
					t.Errorf("the good member was not read")
				}
				for _, name := range []string{"bad.csv", "garbled.csv"} {
					if e, _ := entryResult(res, name); e.Reason != ReasonCorruptFile {
						t.Errorf("%s: %+v", name, e)
					}
				}
				if e, _ := entryResult(res, "good.csv"); e.Status != StatusComplete {
					t.Errorf("good.csv: %+v", e)
				}
			},
		},
		{
			name: "nested zip over the in-memory cap", src: func(testing.TB) (Source, func()) {
				return atSource("x.zip", zipBytes(zipFile{name: "big.zip", data: hostileOnce.big}, zipFile{name: "people.csv", data: []byte(peopleCSV)}))
			},
			lim:    Limits{MaxBytes: 64 << 20},
			status: StatusPartial, reason: ReasonObjectExceedsSizeQuota,
			check: func(t *testing.T, segs []sseg, res Result) {
				if e, _ := entryResult(res, "big.zip"); e.Status != StatusSkipped || e.Reason != ReasonObjectExceedsSizeQuota {
					t.Errorf("big.zip: %+v", e)
				}
				if !has(segs, "people.csv", "email", markEmail) {
					t.Errorf("the other member was not read")
				}
			},
		},
		{
			name: "stored nested zip over the in-memory cap is read in place", src: func(testing.TB) (Source, func()) {
				return atSource("x.zip", zipBytes(zipFile{name: "big.zip", data: hostileOnce.big, store: true}))
			},
			lim:    Limits{MaxBytes: 64 << 20},
			status: StatusComplete,
			check: func(t *testing.T, segs []sseg, res Result) {
				if !has(segs, "big.zip!part-0.csv", "email", "user0@example.com") {
					t.Errorf("the stored nested zip was not read: %d segments", len(segs))
				}
			},
		},
		{
			name: "zip without end record", src: func(testing.TB) (Source, func()) {
				z := zipBytes(zipFile{name: "a.csv", data: []byte(peopleCSV)})
				return atSource("x.zip", z[:len(z)-30])
			},
			status: StatusSkipped, reason: ReasonCorruptFile,
		},
		{
			name: "zip over the size quota", src: func(testing.TB) (Source, func()) {
				return Source{Name: "huge.zip", Size: 5 << 30, At: synthAt{size: 5 << 30, pattern: []byte("PK\x03\x04junk")}}, func() {}
			},
			status: StatusSkipped, reason: ReasonObjectExceedsSizeQuota,
		},
		{
			name: "xz asking for a 4 GiB dictionary", src: func(testing.TB) (Source, func()) {
				return atSource("people.csv.xz", patchXZDict(xzBytes([]byte(peopleCSV)), 40))
			},
			status: StatusComplete,
			check: func(t *testing.T, segs []sseg, res Result) {
				if !has(segs, "", "email", markEmail) {
					t.Errorf("not read: %s", where(segs, markEmail))
				}
			},
		},
		{
			name: "zstd asking for a 2 GiB window", src: func(testing.TB) (Source, func()) {
				return atSource("a.txt.zst", []byte("\x28\xb5\x2f\xfd\x00\xa8\x29\x00\x00hello"))
			},
			status: StatusSkipped, reason: ReasonObjectExceedsSizeQuota,
		},
		{
			name: "tar cut mid-entry", src: func(testing.TB) (Source, func()) {
				tb := tarBytes(zipFile{name: "a.csv", data: []byte(peopleCSV)}, zipFile{name: "b.csv", data: bytes.Repeat([]byte("x,y\n"), 1000)})
				return atSource("x.tar", tb[:2048+512+100])
			},
			status: StatusPartial, reason: ReasonCorruptFile,
			check: func(t *testing.T, segs []sseg, res Result) {
				if !has(segs, "a.csv", "email", markEmail) {
					t.Errorf("first entry lost")
				}
			},
		},
		{
			name: "json nested 100k deep", src: func(testing.TB) (Source, func()) {
				return atSource("deep.json", []byte(strings.Repeat("[", 100000)+`"`+markSSN+`"`))
			},
			status: StatusComplete, reason: ReasonMalformedContent,
		},
		{
			name: "xml nested 100k deep", src: func(testing.TB) (Source, func()) {
				return atSource("deep.xml", []byte(strings.Repeat("<a>", 100000)+markSSN+strings.Repeat("</a>", 100000)))
			},
			lim:    Limits{MaxBytes: 4 << 20},
			status: StatusComplete,
			check: func(t *testing.T, segs []sseg, res Result) {
				if !has(segs, "", "a", markSSN) {
					t.Errorf("lost: %s", where(segs, markSSN))
				}
			},
		},
		{
			name: "e-mail nested 100 multiparts deep", src: func(testing.TB) (Source, func()) {
				var b strings.Builder
				b.WriteString("From: a@example.com\r\nTo: b@example.com\r\nMIME-Version: 1.0\r\n")
				for i := 0; i < 100; i++ {
					fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", i, i)
				}
				b.WriteString("Content-Type: text/plain\r\n\r\nssn " + markSSN + "\r\n")
				for i := 99; i >= 0; i-- {
					fmt.Fprintf(&b, "--b%d--\r\n", i)
				}
				return atSource("deep.eml", []byte(b.String()))
			},
			status: StatusPartial, reason: ReasonArchiveDepthLimit,
		},
		{
			name: "avro block of 2^40 null records", src: func(testing.TB) (Source, func()) {
				var b bytes.Buffer
				b.WriteString("Obj\x01")
				b.Write(avroLong(1))
				b.Write(avroLong(int64(len("avro.schema"))))
				b.WriteString("avro.schema")
				b.Write(avroLong(6))
				b.WriteString(`"null"`)
				b.Write(avroLong(0))
				b.WriteString("0123456789abcdef")
				b.Write(avroLong(1 << 40))
				b.Write(avroLong(0))
				b.WriteString("0123456789abcdef")
				return atSource("x.avro", b.Bytes())
			},
			status: StatusPartial, reason: ReasonCorruptFile,
		},
		{
			name: "pdf with a self-referencing object stream", src: func(testing.TB) (Source, func()) { return atSource("x.pdf", pdfCycle()) },
			status: StatusSkipped, reason: ReasonCorruptFile,
		},
		{
			name: "5 GiB object", src: func(testing.TB) (Source, func()) {
				return Source{Name: "huge.csv", Size: 5 << 30, At: synthAt{size: 5 << 30, pattern: []byte("Ada Lovelace,ada@example.com,536-22-8147\n")}}, func() {}
			},
			lim:    Limits{MaxBytes: 64 << 20},
			status: StatusPartial, reason: ReasonSampleByteLimit,
			check: func(t *testing.T, segs []sseg, res Result) {
				if res.BytesRead != 64<<20 || !has(segs, "", "col3", markSSN) {
					t.Errorf("read %d bytes: %s", res.BytesRead, where(segs, markSSN))
				}
			},
		},
	}
}

// TestHostile reads hostile inputs: each must end with the right status and
// reason, quickly, without crashing.
func TestHostile(t *testing.T) {
	for _, tt := range hostileCases() {
		t.Run(tt.name, func(t *testing.T) {
			src, done := tt.src(t)
			defer done()
			start := time.Now()
			var segs []sseg
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			res, err := ReadSource(ctx, src, tt.lim, func(s Segment) error {
				segs = append(segs, sseg{s.Entry, s.Field, string(s.Data)})
				return nil
			})
			if err != nil {
				t.Fatalf("ReadSource: %v", err)
			}
			checkResult(t, res, tt.lim)
			if res.Status != tt.status || res.Reason != tt.reason {
				t.Errorf("%s %s %q; want %s %q (entries: %d, first %+v)", res.Format, res.Status, res.Reason, tt.status, tt.reason, len(res.Entries), firstEntries(res, 4))
			}
			if tt.check != nil {
				tt.check(t, segs, res)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func firstEntries(res Result, n int) []EntryResult {
	return res.Entries[:min(n, len(res.Entries))]
}

// TestPeakHeap reads the hostile inputs, among them the bombs and a
// synthetic 5 GiB object, while sampling the heap every half millisecond
// with runtime/metrics: the heap must stay under 256 MiB, and no input may
// make it grow by more than 128 MiB over what the test holds. Both figures
// count garbage not yet collected: with the default GOGC the heap may reach
// twice what is live, and the test itself holds about 50 MiB of inputs.
func TestPeakHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("reads bombs")
	}
	var worst, peak uint64
	worstCase := ""
	for _, tt := range hostileCases() {
		src, done := tt.src(t)
		runtime.GC()
		base := heapNow()
		p := sampleHeap(func() {
			if _, err := ReadSource(context.Background(), src, tt.lim, func(Segment) error { return nil }); err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
		})
		done()
		peak = max(peak, p)
		if grew := p - min(p, base); grew > worst {
			worst, worstCase = grew, tt.name
		}
	}
	t.Logf("peak heap %.1f MiB; largest growth %.1f MiB (%s)", float64(peak)/(1<<20), float64(worst)/(1<<20), worstCase)
	if peak >= 256<<20 || worst >= 128<<20 {
		t.Errorf("peak heap %d MiB, growth %d MiB during %s", peak>>20, worst>>20, worstCase)
	}
}

// sampleHeap runs fn and returns the largest heap size seen meanwhile.
func sampleHeap(fn func()) uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			if v := heapNow(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(500 * time.Microsecond):
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	return max(peak.Load(), heapNow())
}

func heapNow() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
