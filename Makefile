# surftrace — build, test, benchmark, fuzz.
#   make demo   the article's UDP investigation, live, in a VM on the stock Debian 6.1 kernel (fetched on first use)
#   make test   every test: unit, host tracing (uprobes, events) and the VM suite
#   make install [PREFIX=/usr/local] [DESTDIR=]   binary, surfGraph link, bash/zsh/fish completions
#   make dist    static linux/amd64 and linux/arm64 binaries in dist/ with SHA256SUMS
SHELL := /bin/bash
GO ?= go
BIN := bin/surftrace
FUZZTIME ?= 30s
# make e2e KERNELS=6.1 (or 5.10,6.12-arm64): the kernels of the matrix to boot.
export KERNELS
PREFIX ?= /usr/local
DESTDIR ?=
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
GOBUILD = CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)'

.PHONY: all build static deps test unit e2e demo bench fuzz vet clean install dist

all: build

deps:
	@bash scripts/deps.sh

build:
	$(GOBUILD) -o $(BIN) ./cmd/surftrace

# The completion scripts come from the binary itself; surfGraph is the
# same binary under the original's second name.
install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/surftrace
	ln -sf surftrace $(DESTDIR)$(PREFIX)/bin/surfGraph
	$(BIN) completion bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/surftrace
	$(BIN) completion zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_surftrace
	$(BIN) completion fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/surftrace.fish

dist:
	rm -rf dist && mkdir -p dist
	for arch in amd64 arm64; do \
		GOOS=linux GOARCH=$$arch $(GOBUILD) -o dist/surftrace-$(VERSION)-linux-$$arch ./cmd/surftrace || exit 1; \
	done
	cd dist && sha256sum surftrace-* > SHA256SUMS

static: build

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1)

unit: deps build
	$(GO) test -count=1 $$($(GO) list ./... | grep -v /e2e)

e2e: deps build
	$(GO) test -count=1 -timeout 30m -v ./e2e/

test: deps vet build
	$(GO) test -count=1 -timeout 30m ./...

demo: deps build
	$(GO) run ./e2e/cmd/demo

bench: deps build
	@bash scripts/bench.sh

fuzz: deps
	@bash scripts/fuzz.sh $(FUZZTIME)

clean:
	rm -rf bin dist
