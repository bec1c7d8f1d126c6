package report

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
)

// Table names of the Parquet history. Each is a top-level directory of the
// dataset, partitioned by day: <dir>/<table>/dt=YYYY-MM-DD/<scan_id>.parquet.
const (
	TableScans         = "scans"
	TableAssets        = "assets"
	TableObjectResults = "object_results"
	TableFindings      = "findings"
)

// Tables returns the names of the tables that a HistoryWriter writes, in the
// order their files are listed by Files.
func Tables() []string {
	return []string{TableScans, TableAssets, TableObjectResults, TableFindings, TableControlResults, TableExposures}
}

// PartitionKey is the name of the Hive partition column of every table.
const PartitionKey = "dt"

// RowGroupRows is the number of rows after which the history writer closes
// a row group and writes it out, so memory stays bounded whatever the number
// of rows of a scan.
const RowGroupRows = 64 * 1024

// dictionaryMaxBytes caps each string column's dictionary in a row group. A
// column whose distinct values outgrow it (fingerprints, locations) falls back
// to PLAIN for the rest of the row group, which bounds memory too.
const dictionaryMaxBytes = 1 << 20

// Sentinel errors of the history writer and readers.
var (
	// ErrWriterClosed is returned by a write to a HistoryWriter after Close
	// or Abort.
	ErrWriterClosed = errors.New("report: history writer is closed")
	// ErrBadScanID is returned by NewHistoryWriter for a scan id that is not
	// a safe file name.
	ErrBadScanID = errors.New("report: invalid scan id")
)

// writerOptions returns the parquet-go settings every history file is written
// with. They are chosen for Athena, Trino, Spark and DuckDB: zstd pages, data
// page v1, strings dictionary-encoded with a PLAIN fallback (parquet-go's
// default for strings, DELTA_LENGTH_BYTE_ARRAY, is not readable everywhere),
// the page index kept (it is written by default) and row groups of at most
// RowGroupRows rows. Measured: 200k findings rows peak at ~35 MiB of live
// heap, about half of it the shared zstd encoder.
func writerOptions() []parquet.WriterOption {
	return []parquet.WriterOption{
		parquet.Compression(&parquet.Zstd),
		parquet.DataPageVersion(1),
		parquet.DefaultEncodingFor(parquet.ByteArray, &parquet.RLEDictionary),
		parquet.DictionaryMaxBytes(dictionaryMaxBytes),
		parquet.MaxRowsPerRowGroup(RowGroupRows),
		// parquet-go checks DictionaryMaxBytes only when a page is cut,
		// and a page of dictionary indexes holds PageBufferSize/4 values:
		// 64 KiB pages keep a high-cardinality column's dictionary near
		// its cap (the 256 KiB default let it hold a whole row group,
		// doubling the peak heap) and give the page index finer pages.
		parquet.PageBufferSize(64 << 10),
	}
}

// HistoryWriter streams one scan's rows into the Parquet history dataset:
// one file per table in <dir>/<table>/dt=YYYY-MM-DD/<scan_id>.parquet.
// Rows are encoded as they arrive; only the current row group of each table
// is held in memory.
//
// Files are written under a hidden temporary name and renamed into place by
// Close, so a reader never sees a half-written file. Every table gets a file,
// even when no row was written to it.
//
// A HistoryWriter is not safe for concurrent use: feed it from one collector
// goroutine.
type HistoryWriter struct {
	scans    *tableFile[ScanRow]
	assets   *tableFile[AssetRow]
	objects  *tableFile[ObjectResultRow]
	findings *tableFile[FindingRow]
	controls *tableFile[ControlResultRow]
	exposure *tableFile[ExposureRow]

	files []string
	err   error // first write error; Close returns it
	done  bool
}

// NewHistoryWriter creates the partition directories for day (taken in UTC)
// under dir and opens one temporary file per table for the scan scanID.
// scanID becomes the file name, so it must be non-empty, at most 200 bytes of
// ASCII letters, digits, '.', '_' or '-', and must not start with '.'.
func NewHistoryWriter(dir, scanID string, day time.Time) (*HistoryWriter, error) {
	return NewHistoryWriterTables(dir, scanID, day, Tables()...)
}

// NewHistoryWriterTables is NewHistoryWriter for some of the tables only,
// and with any file name: a resumed scan writes its new rows as a part
// (<scan_id>-r1.parquet) of the data tables, and replaces the scans and
// exposures files (<scan_id>.parquet) with rows that cover every part. Only
// the named tables get a file; a write to another table fails. Close renames
// over an existing file of the same name, which replaces it atomically.
func NewHistoryWriterTables(dir, name string, day time.Time, tables ...string) (*HistoryWriter, error) {
	if err := checkScanID(name); err != nil {
		return nil, err
	}
	dt := day.UTC().Format(time.DateOnly)
	w := &HistoryWriter{}
	var err error
	for _, table := range tables {
		switch table {
		case TableScans:
			w.scans, err = openTableFile[ScanRow](dir, TableScans, dt, name)
		case TableAssets:
			w.assets, err = openTableFile[AssetRow](dir, TableAssets, dt, name)
		case TableObjectResults:
			w.objects, err = openTableFile[ObjectResultRow](dir, TableObjectResults, dt, name)
		case TableFindings:
			w.findings, err = openTableFile[FindingRow](dir, TableFindings, dt, name)
		case TableControlResults:
			w.controls, err = openTableFile[ControlResultRow](dir, TableControlResults, dt, name)
		case TableExposures:
			w.exposure, err = openTableFile[ExposureRow](dir, TableExposures, dt, name)
		default:
			err = fmt.Errorf("report: unknown table %q", table)
		}
		if err != nil {
			w.Abort()
			return nil, err
		}
	}
	return w, nil
}

// WriteScan appends r to the scans table.
func (w *HistoryWriter) WriteScan(r ScanRow) error { return writeRow(w, w.scans, r) }

// WriteAsset appends r to the assets table.
func (w *HistoryWriter) WriteAsset(r AssetRow) error { return writeRow(w, w.assets, r) }

// WriteObjectResult appends r to the object_results table.
func (w *HistoryWriter) WriteObjectResult(r ObjectResultRow) error {
	return writeRow(w, w.objects, r)
}

// WriteFinding appends r to the findings table.
func (w *HistoryWriter) WriteFinding(r FindingRow) error { return writeRow(w, w.findings, r) }

// WriteControlResult appends r to the control_results table.
func (w *HistoryWriter) WriteControlResult(r ControlResultRow) error {
	return writeRow(w, w.controls, r)
}

// WriteExposure appends r to the exposures table.
func (w *HistoryWriter) WriteExposure(r ExposureRow) error { return writeRow(w, w.exposure, r) }

func writeRow[T any](w *HistoryWriter, t *tableFile[T], r T) error {
	if w.done {
		return ErrWriterClosed
	}
	if t == nil {
		return fmt.Errorf("report: write %T: the table is not open in this writer", r)
	}
	if w.err != nil {
		return w.err
	}
	t.one[0] = r
	_, err := t.w.Write(t.one[:])
	var zero T
	t.one[0] = zero // drop references to the caller's slices
	if err != nil {
		w.err = fmt.Errorf("report: write %s: %w", t.table, err)
		return w.err
	}
	return nil
}

// Close finishes every table's file: it writes the Parquet footer, fsyncs the
// temporary file, renames it to its final name and fsyncs the partition
// directory. If any step fails, or an earlier write failed, Close removes
// every file of this scan it had created (temporary or already renamed) and
// returns the error. Close and Abort after Close do nothing; Close after Abort
// returns ErrWriterClosed.
func (w *HistoryWriter) Close() error {
	if w.done {
		if w.files != nil {
			return nil
		}
		return ErrWriterClosed
	}
	if w.err != nil {
		err := w.err
		w.Abort()
		return err
	}
	// Finish every temporary file before renaming any, so a failure leaves
	// no final file of this scan behind.
	for _, t := range w.tables() {
		if err := t.finish(); err != nil {
			w.Abort()
			return err
		}
	}
	// The scans file is published last: its row is the scan's commit
	// marker. A crash between renames leaves whole files of the other
	// tables and no scans row, which readers joining on scans ignore.
	tables := w.tables()
	order := slices.Clone(tables)
	if w.scans != nil {
		order = append(order[1:], w.scans) // tables() lists scans first
	}
	var renamed []string
	for _, t := range order {
		if err := t.publish(); err != nil {
			for _, p := range renamed {
				_ = os.Remove(p)
			}
			w.Abort()
			return err
		}
		renamed = append(renamed, t.finalPath())
	}
	w.done = true
	for _, t := range tables {
		w.files = append(w.files, t.finalPath())
	}
	return nil
}

// Abort stops the writer and removes its temporary files. It is safe to defer
// right after NewHistoryWriter: after a successful Close it does nothing, so
// the published files stay.
func (w *HistoryWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	for _, t := range w.tables() {
		t.abort()
	}
}

// Files returns the final paths of the files written, one per table in the
// order of Tables, after a successful Close; before that it returns nil.
func (w *HistoryWriter) Files() []string {
	if w.files == nil {
		return nil
	}
	return append([]string(nil), w.files...)
}

// tables returns the open table files in the order of Tables, skipping any
// that NewHistoryWriter did not get to open.
func (w *HistoryWriter) tables() []historyTable {
	var out []historyTable
	if w.scans != nil {
		out = append(out, w.scans)
	}
	if w.assets != nil {
		out = append(out, w.assets)
	}
	if w.objects != nil {
		out = append(out, w.objects)
	}
	if w.findings != nil {
		out = append(out, w.findings)
	}
	if w.controls != nil {
		out = append(out, w.controls)
	}
	if w.exposure != nil {
		out = append(out, w.exposure)
	}
	return out
}

// historyTable is the part of a tableFile that does not depend on its row
// type.
type historyTable interface {
	finish() error
	publish() error
	abort()
	finalPath() string
}

// tableFile is one table's output file while it is being written.
type tableFile[T any] struct {
	table    string
	dir      string // partition directory
	final    string
	tmp      string
	f        *os.File
	w        *parquet.GenericWriter[T]
	one      [1]T
	finished bool
}

func openTableFile[T any](root, table, dt, scanID string) (*tableFile[T], error) {
	dir := filepath.Join(root, table, PartitionKey+"="+dt)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("report: create %s partition: %w", table, err)
	}
	name := scanID + ".parquet"
	t := &tableFile[T]{
		table: table,
		dir:   dir,
		final: filepath.Join(dir, name),
		// The leading dot hides the file from Athena, Hive, Spark and
		// DuckDB globs should it ever be left behind by a crash.
		tmp: filepath.Join(dir, "."+name+".tmp"),
	}
	f, err := os.OpenFile(t.tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("report: create %s file: %w", table, err)
	}
	t.f = f
	t.w = parquet.NewGenericWriter[T](f, writerOptions()...)
	return t, nil
}

// finish writes the footer, fsyncs and closes the temporary file.
func (t *tableFile[T]) finish() error {
	if err := t.w.Close(); err != nil {
		return fmt.Errorf("report: close %s: %w", t.table, err)
	}
	if err := t.f.Sync(); err != nil {
		return fmt.Errorf("report: sync %s: %w", t.table, err)
	}
	err := t.f.Close()
	t.f = nil
	if err != nil {
		return fmt.Errorf("report: close %s: %w", t.table, err)
	}
	t.finished = true
	return nil
}

// publish renames the finished temporary file to its final name and fsyncs
// the directory so the rename survives a crash.
func (t *tableFile[T]) publish() error {
	if err := os.Rename(t.tmp, t.final); err != nil {
		return fmt.Errorf("report: publish %s: %w", t.table, err)
	}
	if err := syncDir(t.dir); err != nil {
		return fmt.Errorf("report: sync %s directory: %w", t.table, err)
	}
	return nil
}

func (t *tableFile[T]) finalPath() string { return t.final }

// abort closes the temporary file if it is still open and removes it.
func (t *tableFile[T]) abort() {
	if t.f != nil {
		_ = t.f.Close()
		t.f = nil
	}
	_ = os.Remove(t.tmp)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

func checkScanID(id string) error {
	if !ValidScanID(id) {
		return fmt.Errorf("%w: %q", ErrBadScanID, id)
	}
	return nil
}

// ValidScanID reports whether id can name a scan's history files: 1 to
// 200 letters, digits, '.', '_' or '-', not starting with '.'.
func ValidScanID(id string) bool {
	if id == "" || len(id) > 200 || id[0] == '.' {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '.' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

// readBatch is the number of rows ReadRows decodes per call into parquet-go.
const readBatch = 1024

// ReadRows reads every row of the Parquet file at path into values of T, one
// of the row types of this package (or any struct whose parquet tags name a
// subset of the file's columns). Timestamps come back in UTC, truncated to
// milliseconds, and a NULL timestamp as the zero time.Time; a nil or empty
// list comes back as an empty, non-nil slice. A corrupt or incompatible file
// yields an error, never a panic.
func ReadRows[T any](path string) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("report: read %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("report: read %s: %w", path, err)
	}
	rows, err := readRows[T](f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("report: read %s: %w", path, err)
	}
	return rows, nil
}

func readRows[T any](r io.ReaderAt, size int64) (rows []T, err error) {
	// parquet-go panics on some malformed input and on schemas it cannot
	// convert; a history file may come from anywhere, so turn those into
	// errors.
	defer func() {
		if p := recover(); p != nil {
			rows, err = nil, fmt.Errorf("malformed parquet: %v", p)
		}
	}()
	if err := checkFraming(r, size); err != nil {
		return nil, err
	}
	pf, err := parquet.OpenFile(r, size)
	if err != nil {
		return nil, err
	}
	n := pf.NumRows()
	if n < 0 {
		return nil, fmt.Errorf("malformed parquet: %d rows", n)
	}
	rd := parquet.NewGenericReader[T](pf)
	defer rd.Close()
	rows = make([]T, 0, min(n, 1<<16))
	buf := make([]T, readBatch)
	for {
		k, err := rd.Read(buf)
		rows = append(rows, buf[:k]...)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if k == 0 {
			return nil, errors.New("malformed parquet: reader made no progress")
		}
	}
	if int64(len(rows)) != n {
		return nil, fmt.Errorf("malformed parquet: read %d rows, footer says %d", len(rows), n)
	}
	return rows, nil
}

// checkFraming verifies the magic bytes and the footer length before
// parquet-go sees the file: it allocates whatever footer length the last
// bytes claim, up to 4 GiB.
func checkFraming(r io.ReaderAt, size int64) error {
	const magic = "PAR1"
	if size < 12 {
		return fmt.Errorf("not a parquet file: %d bytes", size)
	}
	var head, tail [8]byte
	if _, err := r.ReadAt(head[:4], 0); err != nil {
		return err
	}
	if _, err := r.ReadAt(tail[:], size-8); err != nil {
		return err
	}
	if string(head[:4]) != magic || string(tail[4:]) != magic {
		return errors.New("not a parquet file: missing PAR1 magic")
	}
	if n := int64(binary.LittleEndian.Uint32(tail[:4])); n == 0 || n > size-12 {
		return fmt.Errorf("malformed parquet: footer length %d in a file of %d bytes", n, size)
	}
	return nil
}

// TableFiles returns the paths of every Parquet file of table under dir,
// across all dt= partitions, sorted by partition then file name. Hidden files
// (such as a writer's temporary files) and files not ending in ".parquet" are
// skipped. A missing table directory yields no files and no error.
func TableFiles(dir, table string) ([]string, error) {
	root := filepath.Join(dir, table)
	parts, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("report: list %s: %w", table, err)
	}
	var files []string
	for _, p := range parts {
		if !p.IsDir() || !strings.HasPrefix(p.Name(), PartitionKey+"=") {
			continue
		}
		ents, err := os.ReadDir(filepath.Join(root, p.Name()))
		if err != nil {
			return nil, fmt.Errorf("report: list %s: %w", table, err)
		}
		for _, e := range ents {
			name := e.Name()
			if !e.Type().IsRegular() || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") ||
				!strings.HasSuffix(name, ".parquet") {
				continue
			}
			files = append(files, filepath.Join(root, p.Name(), name))
		}
	}
	sort.Strings(files)
	return files, nil
}

// ReadTable reads every row of table under dir, across all partitions, in the
// order of TableFiles. It loads the whole table into memory; use TableFiles
// and ReadRows to go file by file.
func ReadTable[T any](dir, table string) ([]T, error) {
	files, err := TableFiles(dir, table)
	if err != nil {
		return nil, err
	}
	var all []T
	for _, p := range files {
		rows, err := ReadRows[T](p)
		if err != nil {
			return nil, err
		}
		all = append(all, rows...)
	}
	return all, nil
}
