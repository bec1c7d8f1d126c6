package readers

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// recoverPanics makes ReadSource turn a panic in a reader into a
// CORRUPT_FILE outcome, as a last line of defence for the scan. Tests turn
// it off so that fuzzing finds the panics.
var recoverPanics = true

// ReadSource detects the format of src and reads it, with nested archives,
// compression layers and attachments, calling emit with segments one at a
// time from the calling goroutine. Every read is bounded by lim (see
// Limits; zero fields take the defaults) and the whole call by ctx.
//
// Content problems are not errors: they are reported in the Result, whose
// Status is COMPLETE, PARTIAL (something was read and emitted, not all) or
// SKIPPED (nothing was read), with a Reason, and whose Entries record each
// archive entry visited. Partial success is the norm: a truncated gzip
// yields what decompressed before the cut (PARTIAL, CORRUPT_FILE); a zip
// with one corrupt entry yields the others.
//
// ReadSource returns an error only when it had to stop: the first error of
// emit, returned unchanged; ctx.Err() when ctx ends (Reason TIMEOUT); or an
// error wrapping the failure of src.At or src.Stream (Reason READ_ERROR).
// The Result describes what was read before. Errors never hold content
// bytes. ReadSource is safe for concurrent use on different sources.
func ReadSource(ctx context.Context, src Source, lim Limits, emit func(Segment) error) (res Result, err error) {
	lim = lim.withDefaults()
	if lim.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, lim.Timeout)
		defer cancel()
	}
	r := &run{ctx: ctx, lim: lim, user: emit}
	var o outcome
	func() {
		if recoverPanics {
			defer func() {
				if p := recover(); p != nil {
					o = outcome{format: o.format, reason: ReasonCorruptFile, read: r.emitted}
				}
			}()
		}
		o = r.readObject(src)
	}()
	if o.format == "" {
		o.format = FormatUnknown
	}
	res = Result{
		Records: r.records, Truncated: r.truncated, Malformed: r.malformed,
		Format: o.format, Status: o.status(), Reason: o.reason,
		BytesRead: r.raw + r.free, Entries: r.entries,
	}
	switch {
	case r.emitErr != nil:
		return res, r.emitErr
	case r.srcErr != nil:
		return res, fmt.Errorf("readers: read object: %w", r.srcErr)
	case ctx.Err() != nil:
		return res, ctx.Err()
	}
	return res, nil
}

// run is the state of one ReadSource call. Not safe for concurrent use.
type run struct {
	ctx  context.Context
	lim  Limits
	user func(Segment) error

	emitErr error // the first error of emit: stop
	srcErr  error // the first error of At or Stream: stop
	emitted bool  // some segment was emitted

	raw     int64 // raw bytes read from the object, charged to MaxBytes
	free    int64 // raw bytes read outside the budget (a Parquet footer)
	cut     bool  // the raw budget stopped a read
	out     int64 // decompressed bytes, all layers
	bomb    bool  // a layer declared a bomb
	held    int64 // bytes buffered for random access right now
	visited int   // archive entries visited

	entries   []EntryResult
	records   int64
	truncated bool
	malformed bool
}

// stopped reports whether the run must end: emit or the source failed, or
// the context ended.
func (r *run) stopped() bool {
	return r.emitErr != nil || r.srcErr != nil || r.ctx.Err() != nil
}

// sourceFailed records a failure of Source.At or Source.Stream and returns
// the error to pass on.
func (r *run) sourceFailed(err error) error {
	if ctxErr(err) && r.ctx.Err() != nil {
		return err
	}
	if r.srcErr == nil {
		r.srcErr = err
	}
	return &sourceError{err}
}

// emitter returns the emit function for content at entry: it sets
// Segment.Entry, names free text after field when field is not "", and
// records the first error.
func (r *run) emitter(entry, field string) func(Segment) error {
	return func(s Segment) error {
		if r.emitErr != nil {
			return r.emitErr
		}
		if err := r.ctx.Err(); err != nil {
			return err
		}
		s.Entry = entry
		if s.Field == "" {
			s.Field = field
		}
		r.emitted = true
		if err := r.user(s); err != nil {
			r.emitErr = err
			return err
		}
		return nil
	}
}

// stopReason is the reason for content left unread because the run
// stopped: TIMEOUT, or READ_ERROR when the source or emit failed.
func (r *run) stopReason() Reason {
	if r.ctx.Err() != nil {
		return ReasonTimeout
	}
	return ReasonReadError
}

// reasonFor maps an error met while reading content to a reason code.
func (r *run) reasonFor(err error) Reason {
	var se *sourceError
	switch {
	case err == nil || err == io.EOF:
		return ""
	case r.emitErr != nil:
		return ReasonReadError // the read stopped on emit's error
	case errors.Is(err, errBomb):
		return ReasonDecompressionBomb
	case r.ctx.Err() != nil || ctxErr(err):
		return ReasonTimeout
	case errors.As(err, &se):
		return ReasonReadError
	case errors.Is(err, errSampleLimit), r.cut:
		return ReasonSampleByteLimit
	case errors.Is(err, errEncrypted):
		return ReasonEncryptedFile
	case errors.Is(err, errTooBig):
		return ReasonObjectExceedsSizeQuota
	case errors.Is(err, errVariant):
		return ReasonUnsupportedFileType
	}
	return ReasonCorruptFile
}

// outcome is how reading one piece of content went.
type outcome struct {
	format Format
	reason Reason
	read   bool  // some of the content was read
	bytes  int64 // bytes of the content read
}

// status derives the Status: COMPLETE without a reason (or with
// MALFORMED_CONTENT), else PARTIAL if something was read, else SKIPPED.
func (o outcome) status() Status {
	switch {
	case o.reason == "" || o.reason == ReasonMalformedContent:
		return StatusComplete
	case o.read:
		return StatusPartial
	}
	return StatusSkipped
}

// worse returns the reason of higher precedence.
func worse(a, b Reason) Reason {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case reasonRank[b] < reasonRank[a]:
		return b
	}
	return a
}

// merge folds the outcome of a part (an entry, an attachment) into o.
func (o *outcome) merge(part outcome) {
	o.reason = worse(o.reason, part.reason)
	o.read = o.read || part.read
}

// content is a piece of content to read: the object, a decompressed layer,
// an archive entry or an attachment.
type content struct {
	name  string // name for detection: key, entry path, attachment file name
	entry string // Segment.Entry of its segments
	depth int    // containers around it
	size  int64  // -1 when unknown
	head  []byte // its first bytes, when already known

	// Access: a stream, random access, or both. open returns the stream,
	// positioned at the start; it is called at most once.
	open func() io.Reader
	at   io.ReaderAt

	compressed bool // inside a compression layer
	top        bool // the object itself
}

// joinEntry appends an entry name to the entry path of its container.
func joinEntry(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "!" + name
}

// cleanName makes an entry name fit for Segment.Entry: valid UTF-8, no
// control characters, at most 1 KiB.
func cleanName(name string) string {
	if len(name) > 1024 {
		name = name[:1024]
	}
	name = strings.ToValidUTF8(name, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7F {
			return '_'
		}
		return r
	}, name)
}

// readObject reads the top-level object.
func (r *run) readObject(src Source) outcome {
	size := src.Size
	switch {
	case src.At == nil && src.Stream == nil:
		src.Stream = bytes.NewReader(src.Head)
		size = int64(len(src.Head))
		src.Head = nil
	case src.At != nil && size < 0:
		r.srcErr = errNoSize
		return outcome{format: FormatUnknown, reason: ReasonReadError}
	}
	if size == 0 {
		f := Detect(src.Name, nil)
		if f == FormatUnknown {
			f = FormatText
		}
		return outcome{format: f}
	}
	rs := &rawStream{r: r, at: src.At, src: src.Stream, size: size, head: src.Head}
	head := src.Head
	if len(head) == 0 {
		// Fetch the head, charged once, and serve it again to the reader.
		hp := headPool.Get().(*[]byte)
		defer headPool.Put(hp)
		h := (*hp)[:min(headSize, r.lim.MaxBytes)]
		if size >= 0 {
			h = h[:min(size, int64(len(h)))]
		}
		var n int
		var err error
		if src.At != nil {
			n, err = src.At.ReadAt(h, 0)
		} else {
			n, err = readFull(src.Stream, h)
		}
		r.raw += int64(n)
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			r.sourceFailed(err)
			return outcome{format: FormatUnknown, reason: r.reasonFor(&sourceError{err})}
		}
		head = h[:n]
		rs.head, rs.headCharged = head, true
	}
	if len(head) > headSize {
		head = head[:headSize]
	}
	c := content{name: src.Name, size: size, head: head, top: true}
	c.open = func() io.Reader { return rs }
	if src.At != nil {
		c.at = &budgetAt{r: r, at: src.At, size: size}
	}
	o := r.readContent(c)
	rs.release()
	return o
}

// readContent detects the format of c and reads it.
func (r *run) readContent(c content) outcome {
	if r.stopped() {
		return outcome{format: FormatUnknown, reason: r.stopReason()}
	}
	if c.open == nil && c.at != nil {
		at, size := c.at, c.size
		c.open = func() io.Reader { return io.NewSectionReader(at, 0, size) }
	}
	var br *bufio.Reader
	stream := func() *bufio.Reader {
		if br == nil {
			br = getBufio(c.open())
		}
		return br
	}
	defer func() {
		if br != nil {
			putBufio(br)
		}
	}()
	head := c.head
	if head == nil {
		switch {
		case c.open != nil:
			head, _ = stream().Peek(headSize)
		case c.at != nil:
			h := make([]byte, min(headSize, max(c.size, 0)))
			n, _ := c.at.ReadAt(h, 0)
			head = h[:n]
		}
	}
	f := r.detect(c, head)
	if r.stopped() {
		return outcome{format: f, reason: r.stopReason()}
	}
	var o outcome
	switch {
	case Readable(f):
		o = r.readTextual(c, f, stream())
	case f == FormatGzip, f == FormatBzip2, f == FormatZstd, f == FormatXZ, f == FormatSnappy:
		o = r.readCompressed(c, f, stream())
	case f == FormatTar:
		o = r.readTar(c, stream())
	case f == FormatZip, f == FormatDOCX, f == FormatXLSX, f == FormatPPTX:
		o = r.readZip(c, f, stream)
	case f == FormatParquet:
		o = r.readParquet(c, stream)
	case f == FormatAvro:
		o = r.readAvro(c, stream())
	case f == FormatEML:
		o = r.readEML(c, stream())
	case f == FormatPDF:
		o = r.readPDF(c, head, stream)
	default:
		o = r.unsupported(c, stream)
	}
	if o.format == "" {
		o.format = f
	}
	return o
}

// detect names the format of c from its name and head. readZip tells
// Office documents from other zip archives by their directory.
func (r *run) detect(c content, head []byte) Format {
	f := Detect(c.name, head)
	if f == FormatUnknown && len(head) == 0 {
		return FormatText // empty content
	}
	return f
}

// readTextual reads a format that Read supports.
func (r *run) readTextual(c content, f Format, br *bufio.Reader) outcome {
	cr := &countReader{r: br}
	res, err := readFormatEnd(r.ctx, f, cr, r.emitter(c.entry, ""), true)
	r.records += res.Records
	r.truncated = r.truncated || res.Truncated
	r.malformed = r.malformed || res.Malformed
	o := outcome{reason: r.reasonFor(err), read: cr.n > 0 || res.Records > 0, bytes: cr.n}
	if o.reason == "" {
		switch {
		case res.Truncated && (f == FormatJSON || f == FormatJSONL || f == FormatXML):
			o.reason = ReasonCorruptFile // the file itself ends inside a value
		case res.Malformed:
			o.reason = ReasonMalformedContent
		}
	}
	return o
}

// unsupported skips content no reader reads. Inside a compression layer
// it first drains up to bombProbe bytes, so that a bomb of zeros or other
// binary filler is reported as one.
func (r *run) unsupported(c content, stream func() *bufio.Reader) outcome {
	if c.compressed {
		_, err := io.CopyN(io.Discard, stream(), bombProbe)
		if rs := r.reasonFor(err); rs == ReasonDecompressionBomb || rs == ReasonTimeout {
			return outcome{reason: rs}
		}
	}
	return outcome{reason: ReasonUnsupportedFileType}
}

// randomAccess gives random access to c: its own, or a copy in memory of
// up to maxInMemory bytes (maxHeldTotal for all copies alive at once).
// release must be called when done.
func (r *run) randomAccess(c content, stream func() *bufio.Reader) (at io.ReaderAt, size int64, release func(), o outcome) {
	release = func() {}
	if c.at != nil {
		return c.at, c.size, release, o
	}
	if c.size > maxInMemory || r.held+max(c.size, 0) > maxHeldTotal {
		return nil, 0, release, outcome{reason: ReasonObjectExceedsSizeQuota}
	}
	limit := min(int64(maxInMemory), maxHeldTotal-r.held)
	var buf bytes.Buffer
	if c.size > 0 {
		buf.Grow(int(c.size))
	}
	n, err := buf.ReadFrom(io.LimitReader(stream(), limit+1))
	if err != nil {
		return nil, 0, release, outcome{reason: r.reasonFor(err)}
	}
	if n > limit {
		return nil, 0, release, outcome{reason: ReasonObjectExceedsSizeQuota}
	}
	r.held += n
	release = func() { r.held -= n }
	return bytes.NewReader(buf.Bytes()), n, release, o
}

// visit counts one archive entry; it returns false once MaxEntries entries
// have been visited.
func (r *run) visit() bool {
	if r.visited >= r.lim.MaxEntries {
		return false
	}
	r.visited++
	return true
}

// record appends the outcome of an entry to the results, and returns its
// index (or -1 past the cap) so that a container can update it later.
func (r *run) record(entry string, o outcome) int {
	if len(r.entries) >= r.lim.MaxEntries {
		return -1
	}
	r.entries = append(r.entries, EntryResult{Entry: entry, Format: o.format, Status: o.status(), Reason: o.reason, Bytes: o.bytes})
	return len(r.entries) - 1
}

// readEntry reads one archive entry or attachment and records its outcome;
// the entry must have been counted by visit.
func (r *run) readEntry(c content) outcome {
	idx := r.record(c.entry, outcome{format: FormatUnknown, reason: ReasonTimeout})
	o := r.readContent(c)
	if idx >= 0 {
		r.entries[idx] = EntryResult{Entry: c.entry, Format: o.format, Status: o.status(), Reason: o.reason, Bytes: o.bytes}
	}
	return o
}

// trimExt removes the last extension of name when it is one of exts.
func trimExt(name string, exts ...string) string {
	lower := strings.ToLower(name)
	for _, e := range exts {
		if strings.HasSuffix(lower, e) && len(name) > len(e) {
			return name[:len(name)-len(e)]
		}
	}
	return name
}

// printable reports whether b reads as text worth classifying: valid UTF-8
// without control characters other than white space.
func printable(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7F {
			return false
		}
	}
	return true
}
