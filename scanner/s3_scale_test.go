package scanner_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"hash/crc32"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// bomb42 builds a 42.zip-style bomb: four levels of zips, each holding 16
// copies of the level below, the innermost 16 copies of 64 MiB of zeros:
// 16^4 × 64 MiB = 4 TiB unpacked from a few hundred KiB. Entries are
// written precompressed (CreateRaw), so building it deflates 64 MiB once.
func bomb42(t *testing.T) []byte {
	t.Helper()
	type raw struct {
		crc        uint32
		usize      uint64
		compressed []byte
	}
	deflate := func(n int64, b []byte) raw {
		if len(b) == 0 {
			b = make([]byte, 64<<10)
		}
		var out bytes.Buffer
		w, err := flate.NewWriter(&out, flate.BestCompression)
		if err != nil {
			t.Fatal(err)
		}
		h := crc32.NewIEEE()
		for left := n; left > 0; {
			k := min(left, int64(len(b)))
			w.Write(b[:k])
			h.Write(b[:k])
			left -= k
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return raw{crc: h.Sum32(), usize: uint64(n), compressed: out.Bytes()}
	}
	e := deflate(64<<20, nil)
	var level []byte
	for depth := 0; depth < 4; depth++ {
		if depth > 0 {
			e = deflate(int64(len(level)), level)
		}
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for i := 0; i < 16; i++ {
			name := fmt.Sprintf("l%d-%x.zip", depth, i)
			if depth == 0 {
				name = fmt.Sprintf("zeros-%x.bin", i)
			}
			fw, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: e.crc,
				CompressedSize64: uint64(len(e.compressed)), UncompressedSize64: e.usize})
			if err != nil {
				t.Fatal(err)
			}
			fw.Write(e.compressed)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		level = buf.Bytes()
	}
	return level
}

// heapPeaks are the largest heap figures seen while sampling.
type heapPeaks struct {
	objects uint64 // /memory/classes/heap/objects:bytes: live and not yet swept objects
	inuse   uint64 // objects plus /memory/classes/heap/unused:bytes, as MemStats.HeapInuse
	live    uint64 // /gc/heap/live:bytes: live after the last GC
	samples int
}

// sampleHeapDuring runs fn while reading runtime/metrics every every and
// returns the peaks.
func sampleHeapDuring(every time.Duration, fn func()) heapPeaks {
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/gc/heap/live:bytes"},
	}
	var p heapPeaks
	read := func() {
		metrics.Read(samples)
		objects, unused, live := samples[0].Value.Uint64(), samples[1].Value.Uint64(), samples[2].Value.Uint64()
		p.objects = max(p.objects, objects)
		p.inuse = max(p.inuse, objects+unused)
		p.live = max(p.live, live)
		p.samples++
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			read()
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	read()
	return p
}

// TestS3ScanHostileSetPeakHeap runs the real S3 scanner over a bucket holding
// the hostile set — a 42.zip-style bomb, a 20-deep nested zip, a truncated
// gzip, a corrupt Parquet footer, invalid UTF-8 — and a 5 GiB object that a
// proxy in front of moto generates on the fly (moto cannot hold it). Each
// object must end with its reason code while the scan completes, Cairn must
// download only a bounded prefix of the 5 GiB object, and the heap, sampled
// from runtime/metrics every 2 ms during the scan, must stay under 256 MiB.
func TestS3ScanHostileSetPeakHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 42.zip bomb and reads a 5 GiB synthetic object")
	}
	testStart := time.Now()
	mototest.SetTestCredentials(t)
	srv := mototest.Start(t)
	proxy := mototest.NewSyntheticProxy(srv.Endpoint)
	endpoint, err := proxy.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	ctx := context.Background()

	const bucket, hugeKey, hugeSize = "hostile-scale", "exports/huge.csv", int64(5 << 30)
	const sampleBytes = 8 << 20
	{
		cfg, err := srv.Config(ctx)
		if err != nil {
			t.Fatal(err)
		}
		seed := mototest.SeedS3Client(cfg)
		if _, err := seed.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
			t.Fatal(err)
		}
		for key, body := range map[string][]byte{
			"bomb42.zip":       bomb42(t),
			"deep.zip":         deepZip(t),
			"truncated.csv.gz": truncatedGzip(t),
			"corrupt.parquet":  corruptParquet(),
			"invalid-utf8.txt": invalidUTF8(),
			hugeKey:            []byte("placeholder: the proxy serves 5 GiB here\n"),
		} {
			if _, err := seed.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	proxy.Add(bucket, hugeKey, hugeSize, []byte("Ada Lovelace,ada@example.com,"+fmtSSN+"\n"))
	seeded := time.Since(testStart)

	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{2}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	ao := scanner.AWSOptions{EndpointURL: endpoint}
	guarded, err := scanner.LoadAWSConfig(ctx, ao)
	if err != nil {
		t.Fatal(err)
	}
	sink := newMemorySink()
	s := scanner.NewS3Scanner(guarded, ao, engine, scanner.Options{SampleObjects: 100, SampleBytes: sampleBytes, Concurrency: 4}, nil)

	runtime.GC() // the seed data is garbage now: measure the scan, not the setup
	var stats scanner.Stats
	var scanErr error
	scanStart := time.Now()
	peaks := sampleHeapDuring(2*time.Millisecond, func() {
		stats, scanErr = s.Scan(ctx, mototest.AccountID, sink)
	})
	scanTook := time.Since(scanStart)
	if scanErr != nil {
		t.Fatal(scanErr)
	}
	served, requests := proxy.Served(bucket, hugeKey)
	t.Logf("peak heap: objects %.1f MiB, in use %.1f MiB, live after GC %.1f MiB (%d samples); scan %v, setup %v; 5 GiB object: %d bytes in %d requests",
		float64(peaks.objects)/(1<<20), float64(peaks.inuse)/(1<<20), float64(peaks.live)/(1<<20), peaks.samples,
		scanTook.Round(time.Millisecond), seeded.Round(time.Millisecond), served, requests)

	const heapCap = 256 << 20
	if peaks.objects >= heapCap || peaks.inuse >= heapCap {
		t.Errorf("peak heap: objects %d MiB, in use %d MiB; want both under 256 MiB", peaks.objects>>20, peaks.inuse>>20)
	}
	if peaks.samples < 10 {
		t.Errorf("only %d heap samples taken during the scan", peaks.samples)
	}

	arn := "arn:aws:s3:::" + bucket + "/"
	obj := func(loc string) scanner.ObjectResult { return sink.objects[arn+loc] }
	dump := func() string {
		var b strings.Builder
		for k, o := range sink.objects {
			fmt.Fprintf(&b, "\n  %s format=%s status=%s reason=%s read=%d", strings.TrimPrefix(k, arn), o.Format, o.Status, o.Reason, o.BytesRead)
		}
		return b.String()
	}
	cases := []struct {
		loc, status, reason string
	}{
		{"bomb42.zip", scanner.StatusSkipped, scanner.ReasonDecompressionBomb},
		{"deep.zip", scanner.StatusPartial, scanner.ReasonArchiveDepthLimit},
		{"truncated.csv.gz", scanner.StatusPartial, scanner.ReasonCorruptFile},
		{"corrupt.parquet", scanner.StatusSkipped, scanner.ReasonCorruptFile},
		{"invalid-utf8.txt", scanner.StatusComplete, ""},
		{hugeKey, scanner.StatusPartial, scanner.ReasonByteLimit},
	}
	for _, c := range cases {
		if o := obj(c.loc); o.Status != c.status || o.Reason != c.reason {
			t.Errorf("%s: %s %q, want %s %q", c.loc, o.Status, o.Reason, c.status, c.reason)
		}
	}

	// The 5 GiB object: listed at its full size, read only to the sample
	// cap, and its first rows classified.
	huge := obj(hugeKey)
	if huge.Size != hugeSize || huge.Format != "csv" || huge.BytesRead != sampleBytes {
		t.Errorf("%s: size %d format %s read %d; want %d, csv, %d", hugeKey, huge.Size, huge.Format, huge.BytesRead, hugeSize, sampleBytes)
	}
	if served > 2*sampleBytes {
		t.Errorf("%s: the proxy served %d bytes; Cairn should fetch about %d", hugeKey, served, sampleBytes)
	}
	found := map[string]bool{}
	for _, f := range sink.findings {
		if f.Location == hugeKey {
			found[f.Identifier] = true
		}
	}
	if !found["US_SSN"] || !found["EMAIL_ADDRESS"] {
		t.Errorf("%s: findings %v, want US_SSN and EMAIL_ADDRESS", hugeKey, found)
	}

	a := sink.assets[bucket]
	if a.SampledObjects != int64(len(cases)) || a.TotalBytes < hugeSize || a.Status != scanner.StatusPartial {
		t.Errorf("asset: sampled %d, total %d bytes, status %s (%s); want %d, ≥ 5 GiB, PARTIAL", a.SampledObjects, a.TotalBytes, a.Status, a.Reason, len(cases))
	}
	if stats.Assets != 1 {
		t.Errorf("stats: %+v", stats)
	}
	if t.Failed() {
		t.Log("results:" + dump())
	}
}
