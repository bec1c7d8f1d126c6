package readers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Format is a detected file format, recorded in object_results.format.
type Format string

// Formats that Read supports (Readable reports true for them). ReadSource
// reads them too.
const (
	FormatText  Format = "text"  // free text: logs, configuration, source, markup
	FormatCSV   Format = "csv"   // comma-separated values (Read also sniffs ';', '|' and tab)
	FormatTSV   Format = "tsv"   // tab-separated values
	FormatJSON  Format = "json"  // one JSON document, or several concatenated
	FormatJSONL Format = "jsonl" // JSON Lines: one JSON value per line
	FormatXML   Format = "xml"   // XML, SVG, XHTML: element text and attribute values
	FormatHTML  Format = "html"  // HTML: text, scripts and a few attributes
)

// Formats that ReadSource reads but Read does not: they nest (archives,
// compression, attachments) or need random access. Their names are stable:
// they are written to the history as object_results.format.
const (
	FormatGzip    Format = "gzip"
	FormatBzip2   Format = "bzip2"
	FormatXZ      Format = "xz"
	FormatZstd    Format = "zstd"
	FormatSnappy  Format = "snappy" // snappy or S2 framing format
	FormatZip     Format = "zip"    // a zip archive that is not an Office document
	FormatTar     Format = "tar"
	FormatDOCX    Format = "docx"
	FormatXLSX    Format = "xlsx"
	FormatPPTX    Format = "pptx"
	FormatParquet Format = "parquet"
	FormatAvro    Format = "avro" // Avro object container file
	FormatEML     Format = "eml"  // an RFC 5322 e-mail message with MIME parts
	FormatPDF     Format = "pdf"  // the text of its pages (see doc.go); encrypted ones are skipped
)

// Formats that Detect recognises but no reader reads: ReadSource skips them
// with ReasonUnsupportedFileType.
const (
	FormatUnknown Format = "unknown" // no content and no known extension
	FormatLZ4     Format = "lz4"
	Format7z      Format = "7z"
	FormatORC     Format = "orc"
	FormatOLE     Format = "ole" // legacy Office documents (doc, xls, msg)
	FormatSQLite  Format = "sqlite"
	FormatImage   Format = "image"
	FormatBinary  Format = "binary" // anything else that is not text
)

// ErrUnsupported is returned by Read for a format it cannot read; test with
// errors.Is.
var ErrUnsupported = errors.New("readers: unsupported format")

// Tunables. They are constants, not options: the classification engine and
// the memory budget of a worker are designed around them.
const (
	segmentSize = 256 << 10 // target size of one segment
	maxBuffered = 8 << 20   // cap on the capacity of all per-field buffers together
	maxFields   = 4096      // distinct fields (columns, paths) before the catch-all ""
	maxDepth    = 64        // JSON nesting beyond which the rest is read as text
	maxPath     = 512       // bytes of one JSON path
	maxKey      = 64        // bytes of one JSON key used as a path segment
	maxHeader   = 64        // bytes of a CSV header cell; a longer one means the row is data
	maxLine     = 8 << 20   // longest JSON Lines line before the rest is read as text
	peekSize    = 64 << 10  // bytes examined to sniff a CSV delimiter or a bad file
)

// Readable reports whether Read supports f: text, csv, tsv, json, jsonl, xml
// and html. ReadSource reads more; see Format.
func Readable(f Format) bool {
	switch f {
	case FormatText, FormatCSV, FormatTSV, FormatJSON, FormatJSONL, FormatXML, FormatHTML:
		return true
	}
	return false
}

// Segment is a batch of text with its structural context.
type Segment struct {
	// Entry is the path of the content inside an archive or message: a zip
	// or tar member ("inner/path.csv"), an e-mail attachment's file name,
	// nested levels joined by '!' ("a.zip!b.csv"). It is "" for the object
	// itself, compression layers included (the content of data.csv.gz has
	// Entry ""). Read always leaves it "".
	Entry string
	// Field is the context of Data: the header of a CSV/TSV column, a JSON
	// path with array indexes collapsed ("customers[].ssn", "[].email", map
	// keys that are data rather than names shown as "*"), an XML element
	// ("email") or attribute ("customer@ssn"), a Parquet or Avro column path,
	// an xlsx column ("Sheet1!C", with the header as "Sheet1!C:email" when row
	// 1 is one), a docx or pptx part ("word/document.xml"), an e-mail header
	// ("header:To") or body part ("body:text/plain"), a PDF page ("page 3")
	// or its form fields ("form"), or "" for free text and for values past
	// the cap on distinct fields.
	Field string
	// Data holds the values joined by '\n'. The reader may reuse it after
	// emit returns: the callee must not retain it.
	Data []byte
}

// Status is the outcome of reading an object or an archive entry, recorded
// in object_results.status.
type Status string

// Statuses. Could-not-read is never reported as COMPLETE.
const (
	StatusComplete Status = "COMPLETE" // everything was read (Reason may still say MALFORMED_CONTENT)
	StatusPartial  Status = "PARTIAL"  // some content was read and emitted, not all; Reason says why
	StatusSkipped  Status = "SKIPPED"  // nothing was read; Reason says why
)

// Reason is a reason code for a Status other than COMPLETE, recorded in
// object_results.reason. The codes follow Amazon Macie's where Macie has one.
type Reason string

// Reason codes, listed by precedence: when several apply to one object,
// Result.Reason is the first of them in this list.
const (
	ReasonDecompressionBomb      Reason = "DECOMPRESSION_BOMB"        // decompressed size or ratio past Limits.MaxDecompressed / MaxRatio
	ReasonTimeout                Reason = "TIMEOUT"                   // the context ended (Limits.Timeout or the caller's deadline)
	ReasonReadError              Reason = "READ_ERROR"                // Source.At, Source.Stream or emit failed; ReadSource also returns the error
	ReasonEncryptedFile          Reason = "ENCRYPTED_FILE"            // a password-protected zip entry, encrypted Parquet, encrypted PDF
	ReasonCorruptFile            Reason = "CORRUPT_FILE"              // truncated or invalid container: bad gzip, zip, tar, Parquet footer
	ReasonArchiveDepthLimit      Reason = "ARCHIVE_DEPTH_LIMIT"       // nesting past Limits.MaxDepth
	ReasonArchiveEntryLimit      Reason = "ARCHIVE_ENTRY_LIMIT"       // more entries than Limits.MaxEntries
	ReasonObjectExceedsSizeQuota Reason = "OBJECT_EXCEEDS_SIZE_QUOTA" // too big for a format that needs the whole object
	ReasonSampleByteLimit        Reason = "SAMPLE_BYTE_LIMIT"         // only the first Limits.MaxBytes were read
	ReasonUnsupportedFileType    Reason = "UNSUPPORTED_FILE_TYPE"     // a format no reader reads (images, 7z...)
	ReasonMalformedContent       Reason = "MALFORMED_CONTENT"         // content read as text because it did not parse; Status stays COMPLETE
)

// reasonRank orders reasons by precedence; lower wins.
var reasonRank = map[Reason]int{
	ReasonDecompressionBomb: 1, ReasonTimeout: 2, ReasonReadError: 3, ReasonEncryptedFile: 4,
	ReasonCorruptFile: 5, ReasonArchiveDepthLimit: 6, ReasonArchiveEntryLimit: 7,
	ReasonObjectExceedsSizeQuota: 8, ReasonSampleByteLimit: 9, ReasonUnsupportedFileType: 10,
	ReasonMalformedContent: 11,
}

// Source is an object to read: random access when the format needs it (zip
// central directory, Parquet footer), streaming otherwise.
type Source struct {
	// Name is the object key or file path. Its extension is a hint for
	// detection; magic bytes win over it.
	Name string
	// Size is the total object size, or a negative number when unknown
	// (then At must be nil).
	Size int64
	// At gives random access over the whole object. The S3 caller implements
	// it with ranged GETs. ReadSource calls it from one goroutine at a time,
	// with reads of 64 KiB to 1 MiB (small ones only for a file's last bytes
	// or a few fixed headers), and never past Size. It may be nil when only
	// a stream is available.
	At io.ReaderAt
	// Stream is read sequentially when At is nil (stdin, a pipe). Formats
	// that need random access are then buffered in memory if the object
	// fits in Limits.MaxBytes and 16 MiB, else skipped.
	Stream io.Reader
	// Head holds the first bytes of the object, for detection, if the
	// caller already has them (4 KiB is plenty; the whole object is fine).
	// ReadSource does not fetch them again. It may be nil.
	Head []byte
}

// Limits bound one ReadSource call. Zero fields take the defaults that
// DefaultLimits returns.
type Limits struct {
	// MaxBytes caps the raw bytes read from the object: the sample. For
	// streaming formats it is a prefix of the object; for random-access
	// formats (zip, Office, Parquet) it is the total fetched through At
	// (a Parquet footer is not counted: it is capped at 16 MiB instead).
	// Default 1 MiB.
	MaxBytes int64
	// MaxDecompressed caps the decompressed bytes across all nested layers
	// (compression and archive members together). Default 64 MiB.
	MaxDecompressed int64
	// MaxRatio is the decompressed:compressed ratio of one layer past which
	// a decompression bomb is declared, once that layer has produced 1 MiB.
	// Default 100.
	MaxRatio float64
	// MaxDepth caps the nesting of archives, compression layers and e-mail
	// attachments: content inside MaxDepth of them is read, deeper content
	// is not. Default 5.
	MaxDepth int
	// MaxEntries caps the archive entries visited (zip and tar members,
	// Office parts, attachments) across all levels, and so the length of
	// Result.Entries. Default 1000.
	MaxEntries int
	// MaxObjectSize skips, with OBJECT_EXCEEDS_SIZE_QUOTA, objects larger
	// than this in formats that need the whole object or its end: zip and
	// Office documents. Parquet is exempt (only its footer and first row
	// groups are read). Default 256 MiB.
	MaxObjectSize int64
	// Timeout, when positive, bounds the whole call; the caller may as well
	// set a deadline on ctx. ReadSource checks ctx between reads and every
	// few thousand values. No default.
	Timeout time.Duration
}

// DefaultLimits returns the limits that zero fields of Limits take.
func DefaultLimits() Limits {
	return Limits{
		MaxBytes:        1 << 20,
		MaxDecompressed: 64 << 20,
		MaxRatio:        100,
		MaxDepth:        5,
		MaxEntries:      1000,
		MaxObjectSize:   256 << 20,
	}
}

// withDefaults fills in zero (or negative) fields.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxDecompressed <= 0 {
		l.MaxDecompressed = d.MaxDecompressed
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = d.MaxRatio
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = d.MaxEntries
	}
	if l.MaxObjectSize <= 0 {
		l.MaxObjectSize = d.MaxObjectSize
	}
	return l
}

// EntryResult is the outcome of one archive entry (a zip or tar member, an
// Office part is not one), or one e-mail attachment.
type EntryResult struct {
	Entry  string // as in Segment.Entry
	Format Format // the entry's detected format, outermost layer
	Status Status // as for the object: COMPLETE, PARTIAL or SKIPPED
	Reason Reason // why it is not COMPLETE, or MALFORMED_CONTENT, or ""
	Bytes  int64  // bytes of the entry's content read (decompressed)
}

// Result describes how a Read or ReadSource went.
type Result struct {
	// Records counts the units read: lines for text, data rows for CSV/TSV
	// (not the header), top-level values for JSON (the elements of a
	// top-level array), valid lines for JSON Lines, elements with text for
	// XML, rows for Parquet, records for Avro. ReadSource sums them over
	// every entry.
	Records int64
	// Truncated reports that the input ended mid-record: a CSV row or JSON
	// value was cut, as happens when the caller caps the sample. The cut
	// value is not emitted (a partial number could pass for another one),
	// everything before it is. Not an error. A CSV or TSV that does not end
	// in a newline counts as cut, since Read cannot tell; a whole file
	// without a final newline so loses its last cell, and the caller, which
	// knows whether it capped the input, may disregard the flag.
	Truncated bool
	// Malformed reports that some or all of the content did not parse as
	// the format and was read as plain text instead (still emitted, under
	// Field ""): a CSV whose rows do not line up, JSON from its first syntax
	// error or nesting deeper than 64 on, JSON Lines whose lines are mostly
	// invalid, XML from its first syntax error on. (A few bad JSON lines are
	// emitted as text without setting it.)
	Malformed bool

	// The fields below are set by ReadSource; Read sets only Format.

	// Format is the detected format of the object (its outermost layer: a
	// .csv.gz is gzip; a zip holding Office parts is docx, xlsx or pptx).
	Format Format
	// Status is COMPLETE, PARTIAL or SKIPPED.
	Status Status
	// Reason explains a Status other than COMPLETE (the most important one
	// when several apply: see the Reason constants), or is
	// MALFORMED_CONTENT for a COMPLETE read of content that did not parse,
	// or "".
	Reason Reason
	// BytesRead counts the raw bytes read from the object, through At or
	// Stream, the Parquet footer included.
	BytesRead int64
	// Entries lists the outcome of each archive entry and attachment
	// visited, at every nesting level, in the order they were visited; at
	// most Limits.MaxEntries of them.
	Entries []EntryResult
}

// Read streams r, which holds format f, and calls emit with segments, one
// call at a time from the calling goroutine. Encodings are normalised to
// UTF-8 first: UTF-8 and UTF-16 byte-order marks are honoured, UTF-16 without
// one is recognised from its zero bytes, and input that is not valid UTF-8
// but reads as Latin-1 (Windows-1252) text is converted.
//
// Read stops at the first error from emit and returns it unchanged. It
// returns ctx.Err() when ctx is cancelled, an error wrapping ErrUnsupported
// when Readable(f) is false, and an error wrapping the reader's error when r
// fails (after emitting what it read before the failure). Truncated or
// malformed input is not an error: Read returns what it could read and says
// so in Result. Read applies no limits of its own beyond its buffers: the
// caller bounds r. Read is safe for concurrent use on different inputs.
func Read(ctx context.Context, f Format, r io.Reader, emit func(Segment) error) (Result, error) {
	if !Readable(f) {
		return Result{Format: f}, fmt.Errorf("%w: %q", ErrUnsupported, f)
	}
	res, err := readFormat(ctx, f, r, emit)
	res.Format = f
	return res, err
}

// readFormat is Read for a readable format. The error is emit's error
// unchanged, ctx.Err(), or a wrapped error of r.
func readFormat(ctx context.Context, f Format, r io.Reader, emit func(Segment) error) (Result, error) {
	return readFormatEnd(ctx, f, r, emit, false)
}

// readFormatEnd is readFormat; with trustEOF, a clean end of r is the end
// of the content, not a cut (ReadSource reports cuts as errors), so a last
// CSV row without a newline is whole.
func readFormatEnd(ctx context.Context, f Format, r io.Reader, emit func(Segment) error, trustEOF bool) (Result, error) {
	var res Result
	var emitErr error
	em := func(s Segment) error {
		if err := emit(s); err != nil {
			emitErr = err
			return err
		}
		return nil
	}
	d := newTextDecoder(r)
	defer d.release()
	d.trustEOF = trustEOF
	var err error
	switch f {
	case FormatText:
		err = readText(ctx, d, em, &res)
	case FormatCSV, FormatTSV:
		err = readCSV(ctx, f, d, em, &res)
	case FormatJSON:
		err = readJSON(ctx, d, em, &res)
	case FormatJSONL:
		err = readJSONL(ctx, d, em, &res)
	case FormatXML, FormatHTML:
		err = readMarkup(ctx, f == FormatHTML, d, em, &res)
	}
	switch {
	case emitErr != nil:
		return res, emitErr
	case ctx.Err() != nil:
		return res, ctx.Err()
	case d.readErr != nil:
		return res, fmt.Errorf("readers: read %s: %w", f, d.readErr)
	case err != nil:
		return res, fmt.Errorf("readers: read %s: %w", f, err)
	}
	return res, nil
}
