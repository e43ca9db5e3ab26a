# Installation, packages, cross builds, man pages and the generated
# monitoring-system files (issue 8). Included by the top-level Makefile,
# which defines GO, VERSION, LDFLAGS, PLUGINS, BUILD and BIN.
#
#   make install [PREFIX=/usr/lib/nagios/plugins] [DESTDIR=]
#   make install-man [MANDIR=/usr/share/man/man1] [DESTDIR=]
#   make uninstall  (plugins and man pages)
#   make man        man pages into build/man (from the go-flags definitions)
#   make icinga2    regenerate packaging/icinga2/*.conf from the plugins' options
#   make nrpe       regenerate packaging/nrpe/msgstore.cfg
#   make package    .deb and .rpm into dist/ (nfpm, built from source with
#                   go install on first use: about 2 minutes once)
#   make cross      every plugin for CROSS_PLATFORMS into build/cross/OS-ARCH/

.PHONY: install install-man uninstall man icinga2 nrpe generated package cross stage-package

PREFIX      ?= /usr/lib/nagios/plugins
MANDIR      ?= /usr/share/man/man1
DIST        ?= dist
CROSS_DIR   ?= $(BUILD)/cross
CROSS_PLATFORMS ?= linux/amd64 linux/arm64 solaris/amd64 illumos/amd64
NFPM_VERSION ?= v2.45.2
NFPM        ?= $(BUILD)/tools/nfpm
# The generated program must be inside the module, whatever BUILD is.
MKMAN       := $(GO) run ./tools/mkman -work build
PKG_ARCH    ?= $(shell $(GO) env GOARCH)
# Package versions must start with a digit and, for rpm, hold no dash:
# 1.2.3 -> 1.2.3, 1.2.3-4-gabc -> 1.2.3.4.gabc, 0.0.0-dev+f8da5c9 ->
# 0.0.0.dev+f8da5c9 (VERSION comes from scripts/version.sh; a v prefix or
# a bare hash given by hand are handled too).
PKG_VERSION ?= $(shell echo '$(VERSION)' | sed -E 's/^v([0-9])/\1/; /^[0-9]+\.[0-9]+/!s/^/0.0.0.git/; s/-/./g')
PKG_STAGE   := $(BUILD)/package

install: build
	install -d '$(DESTDIR)$(PREFIX)'
	@for p in $(PLUGINS); do \
		echo "install $(BIN)/$$p $(DESTDIR)$(PREFIX)/$$p"; \
		install -m 0755 '$(BIN)/'$$p '$(DESTDIR)$(PREFIX)/'$$p || exit 1; \
	done

# install-man is separate: man pages are not where the plugins are, and a
# monitoring host often has no man.
install-man: man
	install -d '$(DESTDIR)$(MANDIR)'
	@for p in $(PLUGINS); do \
		echo "install $(BUILD)/man/$$p.1 $(DESTDIR)$(MANDIR)/$$p.1"; \
		install -m 0644 '$(BUILD)/man/'$$p.1 '$(DESTDIR)$(MANDIR)/'$$p.1 || exit 1; \
	done

uninstall:
	@for p in $(PLUGINS); do \
		echo "rm -f $(DESTDIR)$(PREFIX)/$$p $(DESTDIR)$(MANDIR)/$$p.1"; \
		rm -f '$(DESTDIR)$(PREFIX)/'$$p '$(DESTDIR)$(MANDIR)/'$$p.1; \
	done

man:
	$(MKMAN) -format man -o $(BUILD)/man

# The committed Icinga 2 and NRPE files are generated; a test in
# tools/mkman fails when they are stale.
icinga2:
	$(MKMAN) -format icinga2 -o packaging/icinga2/msgstore-commands.conf
	$(MKMAN) -format icinga2-services -o packaging/icinga2/msgstore-services.conf

nrpe:
	$(MKMAN) -format nrpe -o packaging/nrpe/msgstore.cfg

generated: icinga2 nrpe

# One go build per platform builds all plugins in parallel.
cross:
	@for pf in $(CROSS_PLATFORMS); do \
		os=$${pf%/*}; arch=$${pf#*/}; \
		echo "go build $$os/$$arch: $(PLUGINS)"; \
		mkdir -p $(CROSS_DIR)/$$os-$$arch; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "$(LDFLAGS)" \
			-o $(CROSS_DIR)/$$os-$$arch/ $(addprefix ./plugins/,$(PLUGINS)) || exit 1; \
	done

$(NFPM):
	@mkdir -p $(dir $@)
	GOBIN=$(abspath $(dir $@)) $(GO) install github.com/goreleaser/nfpm/v2/cmd/nfpm@$(NFPM_VERSION)

# stage-package lays out what nfpm packs: the binaries, man pages and the
# configuration files (the rpm's copies name /usr/lib64/nagios/plugins).
stage-package: build man
	rm -rf $(PKG_STAGE)
	mkdir -p $(PKG_STAGE)/bin $(PKG_STAGE)/man $(PKG_STAGE)/deb $(PKG_STAGE)/rpm
	@for p in $(PLUGINS); do cp $(BIN)/$$p $(PKG_STAGE)/bin/ || exit 1; done
	@for m in $(BUILD)/man/*.1; do gzip -9n < $$m > $(PKG_STAGE)/man/$$(basename $$m).gz || exit 1; done
	@if [ -f nagios-commands.cfg ]; then cp nagios-commands.cfg $(PKG_STAGE)/nagios-commands.cfg; \
	else echo "# msgstore plugins: Nagios command definitions" > $(PKG_STAGE)/nagios-commands.cfg; \
		for p in $(PLUGINS); do [ -f plugins/$$p/commands.cfg ] && cat plugins/$$p/commands.cfg >> $(PKG_STAGE)/nagios-commands.cfg; done; true; fi
	cp packaging/icinga2/msgstore-commands.conf $(PKG_STAGE)/msgstore-commands.conf
	cp packaging/postinstall.sh $(PKG_STAGE)/postinstall.sh
	@# /usr/share/doc/msgstore-plugins: the READMEs (--help points to them),
	@# the example Icinga 2 services and the Debian copyright file.
	mkdir -p $(PKG_STAGE)/doc
	cp README.md packaging/copyright $(PKG_STAGE)/doc/
	cp packaging/icinga2/README.md $(PKG_STAGE)/doc/README.icinga2.md
	cp packaging/icinga2/msgstore-services.conf $(PKG_STAGE)/doc/icinga2-services.conf.example
	@for r in plugins/check_*/README.md; do p=$${r#plugins/}; cp $$r $(PKG_STAGE)/doc/README.$${p%/README.md}.md || exit 1; done
	cp packaging/nrpe/msgstore.cfg $(PKG_STAGE)/deb/nrpe-msgstore.cfg
	sed 's|/usr/lib/nagios/plugins|/usr/lib64/nagios/plugins|g' packaging/nrpe/msgstore.cfg > $(PKG_STAGE)/rpm/nrpe-msgstore.cfg

package: stage-package $(NFPM)
	@mkdir -p $(DIST)
	@for pkgr in deb rpm; do \
		(cd $(PKG_STAGE) && PKG_VERSION='$(PKG_VERSION)' PKG_ARCH='$(PKG_ARCH)' \
			$(abspath $(NFPM)) package --config $(CURDIR)/packaging/nfpm.yaml \
			--packager $$pkgr --target $(abspath $(DIST))/) || exit 1; \
	done
	@ls -l $(DIST)
