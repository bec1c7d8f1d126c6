# Cairn — see README.md. Targets: build, test, demo, vet, fmt, clean.
GO      ?= go
BIN     ?= bin/cairn
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: all build test demo vet fmt-check race clean bench

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/cairn

# Unit and integration tests. Integration tests start their own moto server
# on a free loopback port; in CI (CI=true) a missing server is a failure.
test: vet fmt-check
	$(GO) test -count=1 -timeout 30m ./...

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

# Seed a fictional account in moto, scan it, leave ./cairn-out behind.
demo: build
	$(GO) run ./cmd/cairn/internal/demo -cairn $(BIN) -out ./cairn-out

clean:
	rm -rf bin cairn-out
