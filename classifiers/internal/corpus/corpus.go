// Package corpus generates deterministic test data for the classifiers
// package: valid values of every data identifier, decoys that look like
// them but are not (Luhn-invalid cards, SSNs in invalid ranges, IBANs with
// bad check digits, UUIDs, digests, order numbers, timestamps, version
// strings, base64 blobs, ISBNs, tracking numbers), and documents built
// from them (logs, CSV exports, JSON and JSON Lines) labelled with the
// exact position of every planted value.
//
// Everything is a pure function of a seed (math/rand/v2 PCG), so a test
// failure reproduces byte for byte. The check-digit arithmetic is written
// independently of the classifiers' validators, so the accuracy test
// compares two implementations.
package corpus

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
)

// Density is how many sensitive values Bench plants.
type Density int

// Densities of Bench.
const (
	// Low is realistic bulk data: logs, CSV and JSON Lines of ordinary
	// records and look-alikes, with a sensitive value about every 8 to 16
	// KiB.
	Low Density = iota
	// Dense is a PII-heavy CSV export: every row holds a name, an email,
	// a phone number, an SSN, a card number, a date of birth, an IBAN and
	// an IP address.
	Dense
)

// Span is one planted value: its identifier and byte offsets in the
// segment's Data.
type Span struct {
	Identifier string
	Start, End int
}

// Segment is what a reader hands the classification engine: free text
// (Field "") or the values of one CSV column or JSON path joined by
// newlines, with that column or path as Field.
type Segment struct {
	Field string
	Data  []byte
	// Want lists every planted value of the segment, by position. A
	// classifier that is right reports exactly these.
	Want []Span
}

// File is one generated document.
type File struct {
	Name   string // e.g. "logs/app-003.log", "exports/customers-002.csv"
	Format string // "text", "csv", "json" or "jsonl"
	Data   []byte // the document as stored
	// Segments are the engine's view of Data: one text segment for a log,
	// one per column or JSON path for the structured formats.
	Segments []Segment
	// Want counts the planted values per identifier over all segments.
	Want map[string]int
	// Decoy marks a file with no planted value at all: only look-alikes.
	Decoy bool
}

// Options size the labelled corpus.
type Options struct {
	// PerIdentifier is about how many values of each identifier are
	// planted (half in logs, half in CSV and JSON); 0 means 120.
	PerIdentifier int
	// DecoyFiles is the number of decoy-only files; 0 means 6.
	DecoyFiles int
}

// Identifiers lists the identifiers the generator makes values of, sorted.
func Identifiers() []string {
	ids := make([]string, len(gens))
	for i, g := range gens {
		ids[i] = g.id
	}
	slices.Sort(ids)
	return ids
}

// newRand returns the generator's random source for seed.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x636169726e)) }

// Value returns a valid value of identifier id made from seed, and
// whether it needs a keyword to be recognised; ok is false for an
// identifier the generator does not know.
func Value(seed uint64, id string) (v string, weak, ok bool) {
	for i := range gens {
		if gens[i].id == id {
			v, weak = gens[i].value(newRand(seed))
			return v, weak, true
		}
	}
	return "", false, false
}

// Labelled returns the labelled corpus for seed: logs, CSV, JSON and JSON
// Lines files with planted values of every identifier, then
// opts.DecoyFiles files with none. The same seed and options always give
// the same files.
func Labelled(seed uint64, opts Options) []File {
	per := opts.PerIdentifier
	if per <= 0 {
		per = 120
	}
	decoys := opts.DecoyFiles
	if decoys <= 0 {
		decoys = 6
	}
	r := newRand(seed)
	var files []File

	// Logs: half of each identifier's values, one per line.
	var items []item
	for i := range gens {
		for range per / 2 {
			items = append(items, newItem(r, &gens[i]))
		}
	}
	r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	for n := 0; len(items) > 0; n++ {
		k := min(len(items), 200)
		seg := textDoc(r, items[:k], 8)
		items = items[k:]
		files = append(files, newFile(fmt.Sprintf("logs/app-%03d.log", n), "text", seg.Data, []Segment{seg}))
	}

	// CSV: three identifiers per export; multi-line keys stay out.
	rows := max(1, (per-per/2)/2)
	var flat []*gen
	for i := range gens {
		if !gens[i].long {
			flat = append(flat, &gens[i])
		}
	}
	r.Shuffle(len(flat), func(i, j int) { flat[i], flat[j] = flat[j], flat[i] })
	for n := 0; len(flat) > 0; n++ {
		k := min(len(flat), 3)
		data, segs := csvDoc(r, flat[:k], rows, 25)
		flat = flat[k:]
		files = append(files, newFile(fmt.Sprintf("exports/customers-%03d.csv", n), "csv", data, segs))
	}

	// JSON and JSON Lines: two identifiers as fields, one inside a note.
	all := make([]*gen, len(gens))
	for i := range gens {
		all[i] = &gens[i]
	}
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	for n := 0; len(all) > 0; n++ {
		k := min(len(all), 3)
		group := all[:k]
		all = all[k:]
		var note *gen
		if k == 3 {
			note, group = group[2], group[:2]
		}
		array := n%2 == 1
		data, segs := jsonlDoc(r, group, note, rows, array)
		name, format := fmt.Sprintf("events/events-%03d.jsonl", n), "jsonl"
		if array {
			name, format = fmt.Sprintf("api/customers-%03d.json", n), "json"
		}
		files = append(files, newFile(name, format, data, segs))
	}

	// Decoy-only files.
	for n := range decoys {
		var f File
		switch n % 3 {
		case 0:
			var b bytes.Buffer
			for range 600 {
				noiseLine(&b, r, 4)
			}
			f = newFile(fmt.Sprintf("decoys/noise-%03d.log", n), "text", b.Bytes(), []Segment{{Data: b.Bytes()}})
		case 1:
			data, segs := decoyCSV(r, 300)
			f = newFile(fmt.Sprintf("decoys/orders-%03d.csv", n), "csv", data, segs)
		default:
			data, segs := decoyJSONL(r, 400)
			f = newFile(fmt.Sprintf("decoys/events-%03d.jsonl", n), "jsonl", data, segs)
		}
		f.Decoy = true
		files = append(files, f)
	}
	return files
}

// newFile counts the planted values of segs.
func newFile(name, format string, data []byte, segs []Segment) File {
	want := map[string]int{}
	for _, s := range segs {
		for _, sp := range s.Want {
			want[sp.Identifier]++
		}
	}
	return File{Name: name, Format: format, Data: data, Segments: segs, Want: want}
}

// Bench returns size bytes of benchmark input for seed. Low density mixes
// log lines, CSV rows and JSON Lines events of look-alikes with a labelled
// sensitive value of a random identifier every 8-16 KiB; Dense is a
// PII-heavy CSV export (see Density). The output is cut at exactly size
// bytes, so the last line may be partial. The signature is stable: the
// engine's benchmarks depend on it.
func Bench(seed uint64, size int, d Density) []byte {
	if size <= 0 {
		return nil
	}
	r := newRand(seed ^ 0xbe7c4)
	var b bytes.Buffer
	b.Grow(size + 4096)
	if d == Dense {
		var gs []*gen
		for _, id := range []string{"EMAIL_ADDRESS", "US_PHONE_NUMBER", "US_SSN", "CREDIT_CARD_NUMBER", "DATE_OF_BIRTH", "IBAN", "IPV4_ADDRESS"} {
			for i := range gens {
				if gens[i].id == id {
					gs = append(gs, &gens[i])
				}
			}
		}
		for first := true; b.Len() < size; first = false {
			data, _ := csvDoc(r, gs, 200, 50)
			if !first {
				data = data[bytes.IndexByte(data, '\n')+1:] // one header
			}
			b.Write(data)
		}
		return b.Bytes()[:size]
	}
	next := 8<<10 + r.IntN(8<<10)
	plant := func() {
		if b.Len() >= next {
			it := newItem(r, &gens[r.IntN(len(gens))])
			seg := textDoc(r, []item{it}, 0)
			b.Write(seg.Data)
			next = b.Len() + 8<<10 + r.IntN(8<<10)
		}
	}
	for b.Len() < size {
		// Blocks of a few KiB: log lines, a CSV export, JSON Lines events.
		switch k := r.IntN(10); {
		case k < 6:
			for range 20 + r.IntN(40) {
				noiseLine(&b, r, 0)
				plant()
			}
		case k < 8:
			data, _ := decoyCSV(r, 20+r.IntN(40))
			b.Write(data)
		default:
			data, _ := decoyJSONL(r, 20+r.IntN(40))
			b.Write(data)
		}
		plant()
	}
	return b.Bytes()[:size]
}

// Columns returns the CSV headers and JSON keys the generator uses for
// identifier id; each holds one of its keywords. It returns nil for an
// identifier the generator does not know.
func Columns(id string) []string {
	for i := range gens {
		if gens[i].id == id {
			return append([]string(nil), gens[i].columns...)
		}
	}
	return nil
}
