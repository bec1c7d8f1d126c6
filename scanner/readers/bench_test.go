package readers

import (
	"bytes"
	"context"
	"fmt"
	"strings"
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

// benchSource measures ReadSource on data named name, with limits large
// enough to read it all, in MB/s of the object's bytes.
func benchSource(b *testing.B, name string, data []byte) { benchSourceN(b, name, data, len(data)) }

// benchSourceN is benchSource in MB/s of content bytes: the decompressed
// size for compressed objects and archives.
func benchSourceN(b *testing.B, name string, data []byte, content int) {
	ctx := context.Background()
	emit := func(Segment) error { return nil }
	lim := Limits{MaxBytes: 1 << 30, MaxDecompressed: 1 << 30, MaxRatio: 1e6, MaxEntries: 1 << 20}
	res, err := ReadSource(ctx, Source{Name: name, Size: int64(len(data)), At: bytes.NewReader(data)}, lim, emit)
	if err != nil || res.Status != StatusComplete {
		b.Fatalf("%s: %s %s %v", name, res.Status, res.Reason, err)
	}
	b.SetBytes(int64(content))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := ReadSource(ctx, Source{Name: name, Size: int64(len(data)), At: bytes.NewReader(data)}, lim, emit); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSourceCSV(b *testing.B)  { benchSource(b, "a.csv", benchInput(FormatCSV)) }
func BenchmarkSourceJSON(b *testing.B) { benchSource(b, "a.json", benchInput(FormatJSON)) }
func BenchmarkSourceXML(b *testing.B) {
	var s strings.Builder
	s.WriteString("<?xml version=\"1.0\"?><people>")
	for i := 0; s.Len() < 1<<20; i++ {
		fmt.Fprintf(&s, `<person id="%d"><name>User %d</name><email>user%d@example.com</email><ssn>536-22-%04d</ssn></person>`, i, i, i, i%10000)
	}
	s.WriteString("</people>")
	benchSource(b, "a.xml", []byte(s.String()))
}

// The compressed and archive benchmarks report MB/s of the content: the
// 1 MiB CSV inside.
func BenchmarkSourceGzipCSV(b *testing.B) {
	in := benchInput(FormatCSV)
	benchSourceN(b, "a.csv.gz", gzipBytes(in), len(in))
}
func BenchmarkSourceZstdCSV(b *testing.B) {
	in := benchInput(FormatCSV)
	benchSourceN(b, "a.csv.zst", zstdBytes(in), len(in))
}
func BenchmarkSourceXZCSV(b *testing.B) {
	in := benchInput(FormatCSV)
	benchSourceN(b, "a.csv.xz", xzBytes(in), len(in))
}
func BenchmarkSourceZipCSV(b *testing.B) {
	in := benchInput(FormatCSV)
	var files []zipFile
	for i := 0; i < 8; i++ {
		files = append(files, zipFile{name: fmt.Sprintf("part-%d.csv", i), data: in[:len(in)/8]})
	}
	benchSourceN(b, "a.zip", zipBytes(files...), len(in)/8*8)
}
func BenchmarkSourceParquet(b *testing.B) { benchSource(b, "a.parquet", parquetBytes(b, 20000)) }
func BenchmarkSourceAvro(b *testing.B)    { benchSource(b, "a.avro", avroOCF(b, 10000, 1000, "null")) }
func BenchmarkSourceXLSX(b *testing.B) {
	rows := [][]string{{"name", "email", "ssn"}}
	for i := 0; i < 5000; i++ {
		rows = append(rows, []string{fmt.Sprintf("User %d", i), fmt.Sprintf("user%d@example.com", i), fmt.Sprintf("num:536%06d", i)})
	}
	benchSource(b, "a.xlsx", xlsxBytes(rows))
}
func BenchmarkSourceEML(b *testing.B) { benchSource(b, "a.eml", emlBytes()) }
