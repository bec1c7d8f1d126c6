package readers

import (
	"bytes"
	"context"
	"fmt"
	"testing"
)

// benchInput builds about 1 MiB (the default sample size) of f.
func benchInput(f Format) []byte {
	var b bytes.Buffer
	switch f {
	case FormatCSV:
		b.WriteString("id,name,email,ssn,card,address,note\n")
	case FormatJSON:
		b.WriteString("[")
	}
	for i := 0; b.Len() < 1<<20; i++ {
		switch f {
		case FormatCSV:
			fmt.Fprintf(&b, "%d,User %d,user%d@example.com,123-45-%04d,4111111111111111,\"%d Main St, Springfield\",customer since 2019\n", i, i, i, i%10000, i)
		case FormatJSON, FormatJSONL:
			if f == FormatJSON && i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"id":%d,"name":"User %d","contact":{"email":"user%d@example.com","phone":"+1 555 %04d"},"ssn":"123-45-%04d","cards":[{"pan":"4111111111111111","exp":"12/29"}],"active":true}`, i, i, i, i%10000, i%10000)
			if f == FormatJSONL {
				b.WriteString("\n")
			}
		default:
			fmt.Fprintf(&b, "2024-01-02T10:00:%02d INFO request id=%d user=user%d@example.com ip=10.0.%d.%d ok\n", i%60, i, i, i%256, i%250)
		}
	}
	if f == FormatJSON {
		b.WriteString("]")
	}
	return b.Bytes()
}

func benchRead(b *testing.B, f Format, in []byte) {
	ctx := context.Background()
	emit := func(Segment) error { return nil }
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Read(ctx, f, bytes.NewReader(in), emit); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadText(b *testing.B)  { benchRead(b, FormatText, benchInput(FormatText)) }
func BenchmarkReadCSV(b *testing.B)   { benchRead(b, FormatCSV, benchInput(FormatCSV)) }
func BenchmarkReadJSON(b *testing.B)  { benchRead(b, FormatJSON, benchInput(FormatJSON)) }
func BenchmarkReadJSONL(b *testing.B) { benchRead(b, FormatJSONL, benchInput(FormatJSONL)) }

// BenchmarkReadLatin1 measures the Latin-1 to UTF-8 path.
func BenchmarkReadLatin1(b *testing.B) {
	in := bytes.Repeat([]byte("Fran\xe7ois M\xfcller, caf\xe9 cr\xe8me, 123-45-6789\n"), (1<<20)/44)
	benchRead(b, FormatText, in)
}

// BenchmarkReadSmall measures the fixed cost of reading a small object.
func BenchmarkReadSmall(b *testing.B) {
	benchRead(b, FormatCSV, []byte("name,ssn\nAlice,123-45-6789\nBob,987-65-4321\n"))
}

func BenchmarkDetect(b *testing.B) {
	head := benchInput(FormatJSONL)[:4096]
	b.SetBytes(int64(len(head)))
	for b.Loop() {
		Detect("export", head)
	}
}
