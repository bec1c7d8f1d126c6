# Cairn — see README.md. Targets: build, test, demo, loadtest, bench-scan, vet, fmt, clean.
GO      ?= go
BIN     ?= bin/cairn
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: all build test demo loadtest bench-scan vet fmt-check race clean fuzz-short bench bench-classify

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/cairn

# Unit and integration tests. Integration tests start their own moto server
# on a free loopback port; in CI (CI=true) a missing server is a failure.
test: vet fmt-check fuzz-short
	$(GO) test -count=1 -timeout 30m ./...

# Every fuzz target (parsers of untrusted bytes, validators, the engine) runs
# a short, count-bounded session on top of its seed corpus, which plain
# `go test` already runs. Count-bounded (not time-bounded) because Go's fuzz
# coordinator can report a spurious deadline on a loaded machine.
FUZZ_EXECS ?= 300
fuzz-short:
	@set -e; for pkg in $$(grep -rlE '^func Fuzz' --include='*_test.go' . | xargs -n1 dirname | sort -u); do \
	  for fz in $$(grep -hoE '^func (Fuzz[A-Za-z0-9_]+)' $$pkg/*_test.go | awk '{print $$2}'); do \
	    echo "fuzz $$pkg $$fz"; \
	    $(GO) test -run '^$$' -fuzz "^$$fz\$$" -fuzztime $(FUZZ_EXECS)x $$pkg >/dev/null || { echo "fuzz $$fz failed"; \
	      $(GO) test -run '^$$' -fuzz "^$$fz\$$" -fuzztime $(FUZZ_EXECS)x $$pkg; exit 1; }; \
	  done; \
	done

race:
	$(GO) test -race -count=1 -timeout 30m ./...

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# Engine throughput on the benchmark corpora: one core, all cores, and the
# standard library's regexp for comparison (docs/performance.md).
bench:
	$(GO) test -run '^$$' -bench '^BenchmarkCorpus$$' -benchtime 3x -v -timeout 20m ./classifiers/

# `cairn classify` end to end, whole process, on ~100 MiB of generated mixed
# files (logs, CSV, JSON, JSON Lines): wall time, CPU time, peak RSS and MB/s
# per core, with the page cache warm (docs/performance.md). BENCH_SIZE=1000
# measures the sustained rate on ~1 GiB, in a directory of its own.
BENCH_SIZE ?= 100
BENCH_DIR ?= $(or $(TMPDIR),/tmp)/cairn-bench-mixed$(if $(filter-out 100,$(BENCH_SIZE)),-$(BENCH_SIZE))
bench-classify: build
	@test -d $(BENCH_DIR) || $(GO) run ./classifiers/internal/corpus/mkcorpus -out $(BENCH_DIR) -size $(BENCH_SIZE)
	@$(BIN) classify --format jsonl --fail-on none $(BENCH_DIR) >/dev/null  # warm the page cache
	@bytes=$$(du -sb --apparent-size $(BENCH_DIR) | cut -f1); cores=$$(nproc); \
	echo "input: $$bytes bytes ($(BENCH_DIR)), $$cores cores"; \
	for run in 1 2 3; do \
	  /usr/bin/time -f "%e %U %S %M" -o $(BENCH_DIR).time \
	    $(BIN) classify --format jsonl --fail-on none $(BENCH_DIR) >/dev/null; \
	  awk -v run=$$run -v b=$$bytes -v c=$$cores '{printf "run %d: %.2f s wall, %.2f s user + %.2f s sys, peak RSS %d KiB, %.1f MB/s per core\n", run, $$1, $$2, $$3, $$4, b/1e6/$$1/c}' $(BENCH_DIR).time; \
	done; rm -f $(BENCH_DIR).time

# Seed a fictional account in moto, scan it, leave ./cairn-out behind.
demo: build
	$(GO) run ./cmd/cairn/internal/demo -cairn $(BIN) -out ./cairn-out

# Scan 200 buckets in moto at 10,000 and then 50,000 objects (objects are
# added between the scans, every object is read): objects/s, MB/s and the
# scan's peak RSS, and how much peak RSS grew (docs/performance.md). Takes
# several minutes, mostly seeding moto; not part of `make test`.
LOADTEST_BUCKETS ?= 200
LOADTEST_STEPS   ?= 10000,50000
loadtest: build
	$(GO) run ./cmd/cairn/internal/loadtest -cairn $(BIN) -buckets $(LOADTEST_BUCKETS) -steps $(LOADTEST_STEPS)

# End-to-end scan throughput against moto beside a plain SDK loop that only
# downloads the byte ranges the scan sampled, with the same concurrency and SDK
# config; each side BENCH_SCAN_RUNS times, alternating; prints the medians and
# the ratio (target ≥ 0.8, docs/performance.md). Not part of `make test`.
BENCH_SCAN_BUCKETS     ?= 20
BENCH_SCAN_OBJECTS     ?= 4000
BENCH_SCAN_RUNS        ?= 3
BENCH_SCAN_CONCURRENCY ?= 16
bench-scan: build
	$(GO) run ./cmd/cairn/internal/benchscan -cairn $(BIN) -buckets $(BENCH_SCAN_BUCKETS) -objects $(BENCH_SCAN_OBJECTS) \
	  -runs $(BENCH_SCAN_RUNS) -concurrency $(BENCH_SCAN_CONCURRENCY)

clean:
	rm -rf bin cairn-out
