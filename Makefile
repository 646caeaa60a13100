# surftrace — build, test, benchmark, fuzz.
#   make demo   the article's UDP investigation, live, in a VM on the bundled kernel
#   make test   every test: unit, host tracing (uprobes, events) and the VM suite
SHELL := /bin/bash
GO ?= go
BIN := bin/surftrace
FUZZTIME ?= 30s
# make e2e KERNELS=6.1 (or 5.10,6.12-arm64): the kernels of the matrix to boot.
export KERNELS

.PHONY: all build static deps test unit e2e demo bench fuzz vet clean

all: build

deps:
	@bash scripts/deps.sh

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/surftrace

static: build

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1)

unit: deps build
	$(GO) test -count=1 $$($(GO) list ./... | grep -v /e2e)

e2e: deps build
	$(GO) test -count=1 -timeout 14m -v ./e2e/

test: deps vet build
	$(GO) test -count=1 -timeout 14m ./...

demo: deps build
	$(GO) run ./e2e/cmd/demo

bench: deps build
	@bash scripts/bench.sh

fuzz: deps
	@bash scripts/fuzz.sh $(FUZZTIME)

clean:
	rm -rf bin
