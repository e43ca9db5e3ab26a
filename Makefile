# msgstore plugins: Nagios/Icinga plugins for the Messaging Server message store.
#
#   make demo    build every plugin and run it on the bundled sample server
#   make test    vet, gofmt and all tests (unit, built binaries, real daemons)
#   make build   build the plugins into build/bin

GO       ?= go
# VERSION is the release (1.0.0 on the commit tagged v1.0.0, see
# scripts/version.sh), COMMIT the commit it was built from: -V prints both.
VERSION  ?= $(shell scripts/version.sh)
COMMIT   ?= $(shell git rev-parse --short HEAD 2>/dev/null)
LDFLAGS  := -s -w -X github.com/msgstore-plugins/msgstore/lib/plugin.Version=$(VERSION) \
	-X github.com/msgstore-plugins/msgstore/lib/plugin.Commit=$(COMMIT)
PLUGINS  := $(sort $(patsubst plugins/%/main.go,%,$(wildcard plugins/check_*/main.go)))
BUILD    := build
BIN      := $(BUILD)/bin

# Static binaries: no libc at run time (os/user reads /etc/passwd itself),
# the same on every Linux and Solaris, and a faster start (issue 10: the
# plugins linked against libc started 0.7 ms slower). Only for building
# plugins: go test -race needs cgo.
NOCGO    := CGO_ENABLED=0

.PHONY: all build test vet fmt-check unit demo deps clean fuzz commands commands-check version

all: build

build:
	@mkdir -p $(BIN)
	@for p in $(PLUGINS); do \
		echo "go build $$p"; \
		$(NOCGO) $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN)/$$p ./plugins/$$p || exit 1; \
	done

# deps installs what the tests compare against and run inside (Debian
# packages); it does nothing when they are there or when not root.
deps:
	@scripts/deps.sh

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

unit:
	$(GO) test -race -count=1 -timeout 20m ./...

# nagios-commands.cfg is the union of plugins/*/commands.cfg.
commands:
	@scripts/commands.sh nagios-commands.cfg

commands-check:
	@mkdir -p $(BUILD) && scripts/commands.sh $(BUILD)/nagios-commands.cfg.new && \
	cmp -s $(BUILD)/nagios-commands.cfg.new nagios-commands.cfg || \
	{ echo "nagios-commands.cfg is out of date: run make commands"; exit 1; }

test: deps vet fmt-check commands-check unit

# version prints what -V of a build from this tree says.
version:
	@echo "$(VERSION) (commit $(COMMIT))"

demo: build
	@scripts/demo.sh $(BIN)

# fuzz runs every fuzz target for FUZZTIME each (default 30s).
FUZZTIME ?= 30s
fuzz:
	@scripts/fuzz.sh $(FUZZTIME)

clean:
	rm -rf $(BUILD) dist

# Packaging, installation, cross builds, man pages and benchmarks live in
# their own makefiles.
-include scripts/mk/*.mk
