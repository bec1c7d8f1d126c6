// Package readers turns objects into batches of text for the
// classification engine. ReadSource detects the format of an object (an S3
// object or a local file), reads it, nested archives, compression layers
// and attachments included, and hands the engine a few large Segments,
// each with its place (Entry: the path inside an archive) and structural
// context (Field: a CSV header, a JSON path, a Parquet column, an xlsx
// column, an e-mail header). Every read is bounded, and the Result says
// how complete it was and why, for the object and for every archive entry.
// Read is the older, smaller entry point: one text format, one stream,
// no limits of its own.
//
// # Batching
//
// The engine costs about a microsecond per call, so readers batch: all
// values of one CSV column, or of one JSON path, are joined by '\n' into one
// segment of up to about 256 KiB. A 10,000-row CSV with five columns yields
// about six segments, not 50,000.
//
// # Formats
//
// Detection goes by magic bytes first, then by extension, then by content:
//
//	format   detected by                                   read as (Field)
//	text     text without a telling extension              free text ("")
//	csv/tsv  .csv .tsv, or rows that line up               one field per column: header, or col1, col2...
//	json     .json, or content starting { or [             values by path: "customers[].ssn", data keys as "*"
//	jsonl    .jsonl .ndjson, or lines of JSON objects      as json, per line
//	xml      .xml .svg .xhtml, or "<?xml"                  element text by element ("email"), attributes as "elem@attr"
//	html     .html .htm, or "<!doctype html" / "<html"      free text, <script> as "script", a few attributes ("input@value")
//	gzip     1f 8b (multi-member)                          the inner content, detected again
//	bzip2    "BZh"                                         the inner content
//	zstd     28 b5 2f fd                                   the inner content
//	xz       fd "7zXZ" 00                                  the inner content (LZMA2 only)
//	snappy   snappy or S2 framing stream identifier        the inner content
//	zip      "PK" 03 04 / 05 06 / 07 08                    each member as an entry
//	tar      "ustar" at offset 257                         each regular file as an entry
//	docx     zip with word/document.xml                    paragraphs of document, notes, comments, headers, footers ("word/document.xml")
//	xlsx     zip with xl/workbook.xml                      cells by column: "Sheet1!C", or "Sheet1!C:email" under a header row
//	pptx     zip with ppt/presentation.xml                 paragraphs of slides and notes ("ppt/slides/slide1.xml")
//	parquet  "PAR1"                                        values of the first row groups by column path ("customer.email", "tags[]")
//	avro     "Obj" 01 (object container file)              values by field path ("customer.email", "orders[].id", map values "m.*")
//	eml      .eml, or a header block such as "Received:"    headers ("header:To"), text and HTML bodies ("body:text/plain"),
//	         or "From:" first                              other parts as entries named by file name ("part-N" without)
//	pdf      "%PDF-"                                       text of each page ("page 3"), form field values ("form");
//	                                                       encrypted: SKIPPED, ENCRYPTED_FILE
//
// Office documents are told from other zips by their part names (in the
// first local headers, else the extension; ReadSource confirms with the
// central directory). An Office document's parts are not entries: their
// text carries the document's Entry and the part or column as Field.
// Text is normalised to UTF-8: UTF-8 and UTF-16 byte-order marks are
// honoured, UTF-16 without one is recognised, and Latin-1 (Windows-1252)
// is converted. Images, 7z, LZ4 frames, ORC, SQLite, legacy Office (OLE)
// and other binary content are detected and SKIPPED with
// UNSUPPORTED_FILE_TYPE.
//
// PDF text comes from an extractor of this package (pdf.go), not a
// library: github.com/ledongthuc/pdf and rsc.io/pdf can abort the whole
// process on a 300-byte file (object-stream resolution recurses without a
// visited set until "fatal error: stack overflow", which recover cannot
// catch; pdfCycle in pdf_test.go builds it). The extractor finds objects by
// scanning, parses without recursion, decodes FlateDecode, ASCIIHexDecode
// and ASCII85Decode through the decompression budget, reads object streams,
// and maps glyphs through ToUnicode CMaps, else WinAnsi. Pages of images
// only are SKIPPED with UNSUPPORTED_FILE_TYPE; encrypted PDFs with
// ENCRYPTED_FILE.
//
// # Entries
//
// Segment.Entry is "" for the object itself (compression layers included:
// the content of data.csv.gz has Entry ""), the member path inside an
// archive ("dir/people.csv"), an attachment's file name, and nested levels
// joined by '!' ("backup.zip!2024/people.csv.gz"). Result.Entries has one
// EntryResult per zip or tar member and attachment visited, at every
// level, with its format, status, reason and bytes read.
//
// # Limits
//
// Limits bound each call; zero fields take these defaults:
//
//	MaxBytes         1 MiB    raw bytes read from the object: a prefix for streaming formats, the total
//	                          fetched through At for zip, Office and Parquet pages (not a Parquet footer)
//	MaxDecompressed  64 MiB   bytes produced by all decompression layers together (zip members included)
//	MaxRatio         100      output:input of one decompression layer, once it has produced 1 MiB;
//	                          a zip member whose declared sizes pass it is not opened
//	MaxDepth         5        containers (archives, compression layers, attachments) around readable content
//	MaxEntries       1000     archive members, Office parts and attachments visited, all levels together
//	MaxObjectSize    256 MiB  zip and Office objects larger than this are not opened
//	Timeout          none     per call; the caller may instead set a deadline on ctx
//
// Fixed bounds, not options: a member that needs random access but is
// compressed (a zip in a zip, a Parquet in a tar) is buffered in memory up
// to 16 MiB (32 MiB for all buffered members at once), else skipped with
// OBJECT_EXCEEDS_SIZE_QUOTA; a stored zip member is read in place. The
// history of a zstd or xz decoder is capped at 16 MiB (zstd up to level 19
// and xz up to preset -7 fit), since both allocate what a header asks. A
// Parquet footer is capped at 16 MiB and its decoded size at an estimated
// 64 MiB, only the first 4 row groups are read, and pages are capped at 16
// MiB and 2^20 values. Avro values are capped at 16 MiB and 2^26 values
// per object. A PDF is read from memory, up to 16 MiB of it (as counted
// for buffered members), with nesting capped at 64, 2^18 objects, 2^21
// array and dictionary values, 16 MiB per decoded stream, and its text
// capped at MaxDecompressed. JSON nesting past 64 and XML nesting past 1024 are read as
// text. An e-mail's multipart nesting is capped at 16. An xlsx keeps 2^20
// shared strings (8 MiB); the rest are emitted as free text. Segment
// buffers are capped at 8 MiB per reader. Past the bounds, memory stays
// flat: TestPeakHeap reads bombs and a synthetic 5 GiB object with the heap
// under 256 MiB.
//
// # Status and reasons
//
// Result.Status is COMPLETE (everything read; Reason empty, or
// MALFORMED_CONTENT when content that did not parse was read as text),
// PARTIAL (something was read and emitted, not all) or SKIPPED (nothing
// read). Partial success is the norm: a truncated gzip yields what
// decompressed before the cut; a zip with one corrupt member yields the
// others. When several reasons apply, Result.Reason is the first of:
//
//	DECOMPRESSION_BOMB         a layer passed MaxRatio, or all layers MaxDecompressed
//	TIMEOUT                    the context ended
//	READ_ERROR                 Source.At, Source.Stream or emit failed (the error is also returned)
//	ENCRYPTED_FILE             a password-protected zip member, an encrypted Parquet file or PDF
//	CORRUPT_FILE               a truncated or invalid container: gzip, zip, tar, Parquet footer or page,
//	                           Avro block, Office part; JSON or XML that ends inside a value
//	ARCHIVE_DEPTH_LIMIT        content nested deeper than MaxDepth (or multipart nesting past 16)
//	ARCHIVE_ENTRY_LIMIT        more members than MaxEntries
//	OBJECT_EXCEEDS_SIZE_QUOTA  a zip or Office object over MaxObjectSize, a member over the 16 MiB
//	                           buffer, a Parquet footer over 16 MiB, a zstd or xz window over 16 MiB
//	SAMPLE_BYTE_LIMIT          only the first MaxBytes were read (or only the first row groups,
//	                           or the first pages of each Parquet column)
//	UNSUPPORTED_FILE_TYPE      a format no reader reads, or an unsupported variant (zip method,
//	                           xz filter chain, Parquet codec)
//	MALFORMED_CONTENT          content read as text because it did not parse (with COMPLETE)
//
// ReadSource returns an error only when it had to stop: the first error of
// emit (unchanged), ctx.Err(), or a failure of the source. Errors never
// quote content.
//
// # Untrusted input
//
// Input is hostile until proven otherwise. Readers never panic (fuzz
// targets cover every one), check ctx between reads and every few thousand
// values, and never allocate from a size they read without checking it
// against the bytes present: the zip reader streams the central directory
// instead of loading it; the xz container and Avro blocks are parsed here
// around library decoders; parquet-go sees only a footer and pages that a
// thrift walker and trial decompression have bounded, and runs under
// recover. Read, and ReadSource for the formats Read supports, keep their
// memory to the segment buffers plus the largest single value of the
// input.
package readers
