package classifiers

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cairnsec/cairn/classifiers/internal/corpus"
)

// Benchmarks. BenchmarkScan measures Scan on small generated buffers;
// BenchmarkCorpus is what `make bench` reports (docs/performance.md): the
// full identifier set over a 64 MiB low-density corpus and a PII-dense
// CSV, on one core, on all cores, and with the standard library's regexp
// one pattern at a time for comparison.

// mixedText generates about size bytes of log- and CSV-like text: words,
// numbers, UUIDs, hex digests, timestamps and base64 blobs, with a
// sensitive value on roughly one line in density.
func mixedText(size, density int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"the", "order", "status", "shipped", "customer", "id", "amount", "total",
		"GET", "/api/v1/items", "200", "OK", "user", "session", "region", "us-east-1", "bucket",
		"request", "latency_ms", "error", "retry", "payload", "note", "Lorem", "ipsum", "dolor"}
	pii := []string{
		"jane.doe@example.com", "4111 1111 1111 1111", "5500-0000-0000-0004", "ssn 123-45-6789",
		"DE89 3704 0044 0532 0130 00", "AKIAIOSFODNN7EXAMPLE", "(212) 555-0142",
		"aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "phone: 2125550142",
		"-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----",
	}
	var b bytes.Buffer
	b.Grow(size + 256)
	for line := 0; b.Len() < size; line++ {
		fmt.Fprintf(&b, "2023-11-15T09:30:%02d.%03dZ ", r.IntN(60), r.IntN(1000))
		for range 4 + r.IntN(8) {
			switch r.IntN(10) {
			case 0:
				fmt.Fprintf(&b, "%08x-%04x-%04x-%04x-%012x ", r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xffff, r.Uint32()&0xffff, r.Uint64()&0xffffffffffff)
			case 1:
				fmt.Fprintf(&b, "%016x%016x%08x ", r.Uint64(), r.Uint64(), r.Uint32())
			case 2:
				fmt.Fprintf(&b, "order=%d ", r.Int64N(1e15))
			case 3:
				fmt.Fprintf(&b, "ts=%d ", 20230000000000+r.Int64N(1e10))
			default:
				b.WriteString(words[r.IntN(len(words))])
				b.WriteByte(' ')
			}
		}
		if density > 0 && line%density == 0 {
			b.WriteString(pii[r.IntN(len(pii))])
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// BenchmarkScan measures Scan throughput on generated mixed text. "noise"
// plants no values: it holds only look-alikes (order ids, timestamps,
// UUIDs, hex digests). "cell" is one short value per call, the worst case
// for per-call overhead.
func BenchmarkScan(b *testing.B) {
	e := newTestEngine(b)
	for _, tc := range []struct {
		name          string
		size, density int
	}{
		{"4MiB/sparse", 4 << 20, 200},
		{"4MiB/mixed", 4 << 20, 20},
		{"4MiB/dense", 4 << 20, 4},
		{"4MiB/noise", 4 << 20, 0},
		{"64KiB/sparse", 64 << 10, 200},
		{"1KiB/mixed", 1 << 10, 5},
	} {
		buf := mixedText(tc.size, tc.density)
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				n = len(e.Scan(buf, ""))
			}
			b.ReportMetric(float64(n), "matches/op")
		})
	}
	b.Run("cell", func(b *testing.B) {
		cell := []byte("jane.doe@example.com")
		b.SetBytes(int64(len(cell)))
		b.ReportAllocs()
		for b.Loop() {
			e.Scan(cell, "email")
		}
	})
}

// syntheticIdentifiers are realistic extra rules (national ids, tokens,
// dates) that stand in, as custom identifiers, for the part of the planned
// ~50-identifier table not yet in builtin, so the benchmark measures the
// engine at full size. Several are deliberately loose digit shapes that
// match order ids and timestamps, the worst case for the engine.
var syntheticIdentifiers = []CustomIdentifier{
	{Regex: `\b9\d\d-(?:5[0-9]|6[0-5]|7\d|8[0-8]|9[0-2]|9[4-9])-\d{4}\b`},
	{Regex: `\b[0-3]\d{8}\b`, Keywords: []string{"routing", "aba", "rtn"}, KeywordRequired: true},
	{Regex: `\b[A-Z]?\d{9}\b`, Keywords: []string{"passport"}, KeywordRequired: true},
	{Regex: `\b\d{3}[ \-]?\d{3}[ \-]?\d{3}\b`, Keywords: []string{"sin", "social insurance"}},
	{Regex: `\b\d{3}[ \-]?\d{3}[ \-]?\d{4}\b`, Keywords: []string{"nhs"}},
	{Regex: `\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d\d ?\d\d ?\d\d ?[A-D]\b`},
	{Regex: `\b[1-9]\d{10}\b`, Keywords: []string{"steuer", "tax id"}},
	{Regex: `\b[12]\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}\d{3}(?:\d{2})?\b`},
	{Regex: `\b\d{8}-?[A-HJ-NP-TV-Z]\b`},
	{Regex: `\b[XYZ]-?\d{7}-?[A-HJ-NP-TV-Z]\b`},
	{Regex: `\b[A-Z]{6}\d\d[A-EHLMPR-T]\d\d[A-Z]\d{3}[A-Z]\b`},
	{Regex: `\b\d{3}\.?\d{3}\.?\d{3}-?\d{2}\b`, Keywords: []string{"cpf"}},
	{Regex: `\b\d{2}\.?\d{3}\.?\d{3}/?\d{4}-?\d{2}\b`, Keywords: []string{"cnpj"}},
	{Regex: `\b[2-9]\d{3}[ \-]?\d{4}[ \-]?\d{4}\b`, Keywords: []string{"aadhaar"}},
	{Regex: `\b[A-Z]{3}[ABCFGHLJPT][A-Z]\d{4}[A-Z]\b`},
	{Regex: `\b\d{3} ?\d{3} ?\d{2,3}\b`, Keywords: []string{"tfn", "tax file number"}, KeywordRequired: true},
	{Regex: `\b[2-6]\d{3} ?\d{5} ?\d\b`, Keywords: []string{"medicare"}},
	{Regex: `\b[STFGM]\d{7}[A-Z]\b`},
	{Regex: `\b\d{4}[ \-]?\d{4}[ \-]?\d{4}\b`, Keywords: []string{"my number", "kojin bango"}, KeywordRequired: true},
	{Regex: `\b\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])-?[1-4]\d{6}\b`},
	{Regex: `\b[1-9]\d{5}(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9X]\b`},
	{Regex: `\b[A-Z][AEIOUX][A-Z]{2}\d{6}[HM][A-Z]{5}[A-Z0-9]\d\b`},
	{Regex: `\b[12]\d{9}\b`, Keywords: []string{"npi"}},
	{Regex: `\b[A-Z][A-Z9]\d{7}\b`, Keywords: []string{"dea"}},
	{Regex: `\b[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y]{2}\d\d\b`},
	{Regex: `\b\d{2}[ \-]?\d{6}[ \-]?\d{6}[ \-]?\d\b`, Keywords: []string{"imei"}},
	{Regex: `\b(?:(?:19|20)\d\d[\-/.](?:0[1-9]|1[0-2])[\-/.](?:0[1-9]|[12]\d|3[01])|(?:0[1-9]|[12]\d|3[01])[\-/.](?:0[1-9]|1[0-2])[\-/.](?:19|20)\d\d)\b`, Keywords: []string{"dob", "date of birth", "birth date", "birthday"}, KeywordRequired: true},
	{Regex: `\b[A-Z]\d{7,12}\b`, Keywords: []string{"driver license", "drivers license", "driving licence"}, KeywordRequired: true},
	{Regex: `\b[A-Z]{4}(?:AT|BE|CH|DE|ES|FR|GB|IE|IT|LU|NL|PL|PT|SE|US)[A-Z0-9]{2}(?:[A-Z0-9]{3})?\b`, Keywords: []string{"swift", "bic"}, KeywordRequired: true},
	{Regex: `\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b`},
	{Regex: `\bgithub_pat_[A-Za-z0-9_]{82}\b`},
	{Regex: `\bxox[baprs]-[0-9A-Za-z\-]{10,72}\b`},
	{Regex: `\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{24,99}\b`},
	{Regex: `\bAIza[0-9A-Za-z_\-]{35}\b`},
	{Regex: `\beyJ[A-Za-z0-9_\-]{10,200}\.eyJ[A-Za-z0-9_\-]{10,250}\.[A-Za-z0-9_\-]{10,50}\b`},
	{Regex: `https://hooks\.slack\.com/services/T[A-Z0-9]{8,10}/B[A-Z0-9]{8,10}/[A-Za-z0-9]{24}`},
	{Regex: `\bglpat-[0-9A-Za-z_\-]{20}\b`},
	{Regex: `\bnpm_[A-Za-z0-9]{36}\b`},
	{Regex: `\bSG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}\b`},
	{Regex: `\bSK[0-9a-fA-F]{32}\b`, Keywords: []string{"twilio"}},
	{Regex: `AccountKey=[A-Za-z0-9+/]{86}==`},
	{Regex: `\b(?:postgres(?:ql)?|mysql|mongodb(?:\+srv)?|redis|amqp)://[^\s:@/]{1,32}:[^\s@/]{1,64}@[A-Za-z0-9.\-]{1,64}`},
	{Regex: `\b(?:bc1[ac-hj-np-z02-9]{25,39}|[13][a-km-zA-HJ-NP-Z1-9]{25,34})\b`, Keywords: []string{"bitcoin", "btc", "wallet"}},
	{Regex: `\b0x[a-fA-F0-9]{40}\b`, Keywords: []string{"ethereum", "eth", "wallet"}},
	{Regex: `\b[A-TV-Z]\d[0-9AB](?:\.[0-9A-KXZ]{1,4})?\b`, Keywords: []string{"diagnosis", "icd", "icd10"}, KeywordRequired: true},
	{Regex: `\b\d{2}-\d{7}\b`, Keywords: []string{"ein", "employer identification"}, KeywordRequired: true},
	{Regex: `\b[A-HJ-NPR-Z0-9]{17}\b`, Keywords: []string{"vin", "vehicle"}},
}

// fullIdentifierTarget is the planned size of the identifier table.
const fullIdentifierTarget = 50

// syntheticTable turns the synthetic rules needed to bring the builtin
// table up to fullIdentifierTarget identifiers (none once the table is
// that large) into table entries named SYNTH_nn. Like the real national
// ids they stand for, the digit-shaped ones carry a checksum (Luhn here,
// which passes one random number in ten); the token-shaped ones are
// structured.
func syntheticTable() []identifier {
	n := min(len(syntheticIdentifiers), max(0, fullIdentifierTarget-len(builtin)))
	out := make([]identifier, n)
	for i := range n {
		r := syntheticIdentifiers[i]
		id := identifier{
			ID:              fmt.Sprintf("SYNTH_%02d", i+1),
			Name:            "Synthetic",
			Category:        CategoryPersonal,
			Description:     "A stand-in for a planned identifier.",
			Checks:          "Luhn over the digits, for digit-shaped values.",
			Pattern:         r.Regex,
			Keywords:        r.Keywords,
			KeywordRequired: r.KeywordRequired,
			Redact:          redactLength,
		}
		if digits := len(digitsOnly([]byte(r.Regex))); digits > 0 && !strings.Contains(r.Regex, "_") && !strings.Contains(r.Regex, "://") {
			id.Validate = func(v []byte) bool { return luhnValid(digitsOnly(v)) }
			id.Normalize = digitsOnly
		} else {
			id.Structured = true
		}
		out[i] = id
	}
	return out
}

// newFullEngine returns an engine with the full identifier set: the
// builtin table plus syntheticTable.
func newFullEngine(tb testing.TB) *Engine {
	tb.Helper()
	e := newTestEngine(tb)
	synth := syntheticTable()
	if len(synth) == 0 {
		return e
	}
	reg, err := compileRegistry(append(slices.Clone(builtin), synth...))
	if err != nil {
		tb.Fatalf("compile full table: %v", err)
	}
	e.setRegistry(reg)
	return e
}

// benchChunk is the size of the buffers passed to Scan: what ScanReader
// and the scanner's readers pass.
const benchChunk = 1 << 20

// chunks splits buf into benchChunk pieces.
func chunks(buf []byte) [][]byte {
	var out [][]byte
	for len(buf) > 0 {
		n := min(len(buf), benchChunk)
		out = append(out, buf[:n])
		buf = buf[n:]
	}
	return out
}

// stdlibScanner is the comparison baseline: every identifier's pattern
// compiled with the standard library's regexp and run over the whole
// buffer one pattern at a time, each raw match then checked exactly as
// the engine checks it.
type stdlibScanner struct {
	e   *Engine
	res []*regexp.Regexp
}

func newStdlibScanner(e *Engine) *stdlibScanner {
	s := &stdlibScanner{e: e}
	for _, c := range e.reg.ids {
		s.res = append(s.res, regexp.MustCompile(c.Pattern))
	}
	return s
}

func (x *stdlibScanner) scan(buf []byte) []Match {
	s := newScanState(buf, "", len(x.e.reg.ids))
	defer x.e.release(s)
	var out []Match
	for i, c := range x.e.reg.ids {
		st := &s.ids[i]
		for _, loc := range x.res[i].FindAllIndex(buf, -1) {
			var full bool
			if out, full = x.e.accept(s, i, c, st, loc[0], loc[1], out); full {
				break
			}
		}
	}
	return out
}

// benchResult is one measured configuration of BenchmarkCorpus.
type benchResult struct {
	name      string
	mbps, cpu float64 // per wall-clock second, per CPU-second
	matches   int
}

// BenchmarkCorpus is the benchmark of `make bench`: for the low-density
// corpus (64 MiB) and the dense CSV (16 MiB), the full identifier set on
// one core (GOMAXPROCS=1, one goroutine scanning 1 MiB chunks) and on all
// cores (one goroutine per core taking chunks), both with Scan (every
// match built, redacted and fingerprinted) and with ScanSummaries (what
// the scanner and `cairn classify` call), and the standard library's
// regexp one pattern at a time on one core (on the first 4 MiB: it is two
// orders of magnitude slower). It logs a summary with the ratios.
func BenchmarkCorpus(b *testing.B) {
	e := newFullEngine(b)
	std := newStdlibScanner(e)
	var results []benchResult
	for _, corpus := range []struct {
		name string
		buf  []byte
	}{
		{"low", corpus.Bench(1, 64<<20, corpus.Low)},
		{"dense", corpus.Bench(1, 16<<20, corpus.Dense)},
	} {
		parts := chunks(corpus.buf)
		run := func(name string, size int, fn func() int) {
			var matches int
			var elapsed, cpu time.Duration
			var n int
			b.Run(corpus.name+"/"+name, func(b *testing.B) {
				b.SetBytes(int64(size))
				cpu0 := processCPU()
				for b.Loop() {
					matches = fn()
				}
				elapsed, cpu, n = b.Elapsed(), processCPU()-cpu0, b.N
				b.ReportMetric(float64(matches), "matches/op")
				if cpu > 0 {
					// Bytes per CPU-second: what one core does, unaffected
					// by other processes competing for the machine.
					b.ReportMetric(float64(size)*float64(n)/cpu.Seconds()/1e6, "MB/cpu-s")
				}
			})
			if n > 0 {
				results = append(results, benchResult{corpus.name + "/" + name,
					float64(size) * float64(n) / elapsed.Seconds() / 1e6,
					float64(size) * float64(n) / cpu.Seconds() / 1e6, matches})
			}
		}
		for _, p := range parts { // build the DFA states once: a long-running scan has them
			e.Scan(p, "")
		}
		run("engine-1core", len(corpus.buf), func() int {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
			n := 0
			for _, p := range parts {
				n += len(e.Scan(p, ""))
			}
			return n
		})
		run("engine-allcores", len(corpus.buf), func() int {
			return scanParallel(e, parts, runtime.NumCPU(), false)
		})
		run("summaries-1core", len(corpus.buf), func() int {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
			n := 0
			for _, p := range parts {
				n += summaryCount(e, p)
			}
			return n
		})
		run("summaries-allcores", len(corpus.buf), func() int {
			return scanParallel(e, parts, runtime.NumCPU(), true)
		})
		head := chunks(corpus.buf[:min(len(corpus.buf), 4<<20)])
		run("stdlib-1core", 4<<20, func() int {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
			n := 0
			for _, p := range head {
				n += len(std.scan(p))
			}
			return n
		})
	}
	b.Logf("%d identifiers (%d builtin), %d cores; wall-clock MB/s, and MB per CPU-second of the process in brackets", len(e.reg.ids), len(builtin), runtime.NumCPU())
	for _, corpus := range []string{"low", "dense"} {
		var one, all, sum1, sumAll, std benchResult
		for _, r := range results {
			switch r.name {
			case corpus + "/engine-1core":
				one = r
			case corpus + "/engine-allcores":
				all = r
			case corpus + "/summaries-1core":
				sum1 = r
			case corpus + "/summaries-allcores":
				sumAll = r
			case corpus + "/stdlib-1core":
				std = r
			}
		}
		if std.mbps > 0 {
			b.Logf("%-5s MB/s (per CPU-second): Scan 1 core %6.1f (%6.1f)  all cores %6.1f (%6.1f) | ScanSummaries 1 core %6.1f (%6.1f)  all cores %6.1f (%6.1f) | stdlib 1 core %5.2f (%5.2f)  Scan/stdlib %4.0fx (%4.0fx)",
				corpus, one.mbps, one.cpu, all.mbps, all.cpu, sum1.mbps, sum1.cpu, sumAll.mbps, sumAll.cpu, std.mbps, std.cpu, one.mbps/std.mbps, one.cpu/std.cpu)
		}
	}
}

// summaryCount scans p with ScanSummaries, as the scanner does (3
// examples, 50 fingerprints), and returns the number of matches.
func summaryCount(e *Engine, p []byte) int {
	n := 0
	for _, s := range e.ScanSummaries(p, "", 3, 50) {
		n += s.Count
	}
	return n
}

// scanParallel scans parts with workers goroutines, with Scan or (summaries)
// ScanSummaries, and returns the number of matches.
func scanParallel(e *Engine, parts [][]byte, workers int, summaries bool) int {
	var mu sync.Mutex
	total := 0
	next := make(chan []byte)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			n := 0
			for p := range next {
				if summaries {
					n += summaryCount(e, p)
				} else {
					n += len(e.Scan(p, ""))
				}
			}
			mu.Lock()
			total += n
			mu.Unlock()
		})
	}
	for _, p := range parts {
		next <- p
	}
	close(next)
	wg.Wait()
	return total
}
