// Command mkcorpus writes a deterministic directory of mixed files for
// measuring `cairn classify` end to end (make bench-classify): mostly
// low-density logs, CSV and JSON Lines, plus the labelled corpus's
// structured files and PII-dense CSV exports (proportions below), about
// -size MiB in all. Every value is synthetic.
//
//	go run ./classifiers/internal/corpus/mkcorpus -out /tmp/cairn-mixed -size 100
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cairnsec/cairn/classifiers/internal/corpus"
)

func main() {
	out := flag.String("out", "", "directory to write (created; must not exist)")
	size := flag.Int("size", 100, "approximate total size in MiB")
	seed := flag.Uint64("seed", 1, "generator seed")
	flag.Parse()
	if *out == "" || *size <= 0 {
		fmt.Fprintln(os.Stderr, "usage: mkcorpus -out DIR [-size MiB] [-seed N]")
		os.Exit(2)
	}
	if _, err := os.Stat(*out); err == nil {
		fmt.Fprintf(os.Stderr, "mkcorpus: %s exists; remove it first\n", *out)
		os.Exit(2)
	}
	total := int64(*size) << 20
	var written int64
	write := func(name string, data []byte) {
		p := filepath.Join(*out, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			fatal(err)
		}
		written += int64(len(data))
	}
	// What a data lake mostly holds: application logs, CSV and JSON Lines
	// of ordinary records with a sensitive value every 8-16 KiB (80%, in
	// 2 MiB files); the labelled corpus's CSV, JSON and JSON Lines files,
	// where every record holds sensitive values (10%, many small files);
	// and PII-dense customer exports (10%).
	for i := 0; written < total/10; i++ {
		write(fmt.Sprintf("exports/customers-%03d.csv", i), corpus.Bench(*seed+uint64(i), 2<<20, corpus.Dense))
	}
	for s := *seed; written < total*2/10; s++ {
		for _, f := range corpus.Labelled(s, corpus.Options{PerIdentifier: 60}) {
			if f.Format != "text" {
				write(fmt.Sprintf("data/%d/%s", s, f.Name), f.Data)
			}
		}
	}
	for i := 0; written < total; i++ {
		write(fmt.Sprintf("logs/app-%03d.log", i), corpus.Bench(*seed+1000+uint64(i), 2<<20, corpus.Low))
	}
	fmt.Printf("wrote %.1f MiB to %s\n", float64(written)/(1<<20), *out)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "mkcorpus:", err)
	os.Exit(1)
}
