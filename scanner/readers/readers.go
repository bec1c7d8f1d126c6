// Package readers turns object bytes into batches of text for the
// classification engine. Detect names the format of an object from its name
// and first bytes; Read streams a readable format and hands the engine a few
// large Segments, each with its structural context: a CSV column's header or
// a JSON path.
//
// The engine costs about a microsecond per call, so readers batch: all
// values of one CSV column, or of one JSON path, are joined by '\n' into one
// segment of up to about 256 KiB. A 10,000-row CSV with five columns yields
// about six segments, not 50,000.
//
// Input is untrusted and usually a sample cut at an arbitrary byte. Readers
// never panic, bound their memory by the segment buffers plus the largest
// single record or value of the input (which the caller's sample cap
// bounds), resist hostile nesting, and report a cut or unparsable input in
// Result instead of failing.
package readers

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Format is a detected file format, recorded in object_results.format.
type Format string

// Formats that Read supports.
const (
	FormatText  Format = "text"  // free text: logs, configuration, source, markup
	FormatCSV   Format = "csv"   // comma-separated values (Read also sniffs ';', '|' and tab)
	FormatTSV   Format = "tsv"   // tab-separated values
	FormatJSON  Format = "json"  // one JSON document, or several concatenated
	FormatJSONL Format = "jsonl" // JSON Lines: one JSON value per line
)

// Formats that Detect recognises but Read does not read yet. Their names are
// stable: they are written to the history as object_results.format.
const (
	FormatUnknown Format = "unknown" // no content and no known extension
	FormatGzip    Format = "gzip"
	FormatZip     Format = "zip" // also docx, xlsx, jar and other zip containers
	FormatBzip2   Format = "bzip2"
	FormatXZ      Format = "xz"
	FormatZstd    Format = "zstd"
	FormatLZ4     Format = "lz4"
	Format7z      Format = "7z"
	FormatTar     Format = "tar"
	FormatParquet Format = "parquet"
	FormatAvro    Format = "avro"
	FormatORC     Format = "orc"
	FormatPDF     Format = "pdf"
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

// Readable reports whether Read supports f: text, csv, tsv, json and jsonl.
func Readable(f Format) bool {
	switch f {
	case FormatText, FormatCSV, FormatTSV, FormatJSON, FormatJSONL:
		return true
	}
	return false
}

// Segment is a batch of text with its structural context.
type Segment struct {
	// Field is the context of Data: the header of a CSV/TSV column, a JSON
	// path with array indexes collapsed ("customers[].ssn", "[].email", map
	// keys that are data rather than names shown as "*"), or "" for free
	// text and for values past the cap on distinct fields.
	Field string
	// Data holds the values joined by '\n'. The reader may reuse it after
	// emit returns: the callee must not retain it.
	Data []byte
}

// Result describes how a Read went.
type Result struct {
	// Records counts the units read: lines for text, data rows for CSV/TSV
	// (not the header), top-level values for JSON (the elements of a
	// top-level array), valid lines for JSON Lines.
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
	// invalid. (A few bad JSON lines are emitted as text without setting it.)
	Malformed bool
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
// fails. Truncated or malformed input is not an error: Read returns what it
// could read and says so in Result. Read is safe for concurrent use on
// different inputs.
func Read(ctx context.Context, f Format, r io.Reader, emit func(Segment) error) (Result, error) {
	var res Result
	if !Readable(f) {
		return res, fmt.Errorf("%w: %q", ErrUnsupported, f)
	}
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
	}
	switch {
	case err == nil && d.readErr == nil:
		return res, nil
	case emitErr != nil:
		return res, emitErr
	case ctx.Err() != nil:
		return res, ctx.Err()
	case d.readErr != nil:
		return res, fmt.Errorf("readers: read %s: %w", f, d.readErr)
	}
	return res, fmt.Errorf("readers: read %s: %w", f, err)
}
