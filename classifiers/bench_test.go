package classifiers

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

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
