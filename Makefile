# Mailwire: `make` builds build/libmailwire.so, `make demo` runs the demo
# against the embedded server, `make test` runs every test, `make windows`
# cross-builds build/windows/mailwire.dll, `make install` installs the
# library, the headers and mailwire.pc under PREFIX (and DESTDIR).

GO      ?= go
CC      ?= cc
BUILD   := build
SO      := $(BUILD)/libmailwire.so
DBG_SO  := $(BUILD)/dbg/libmailwire.so
DLL     := $(BUILD)/windows/mailwire.dll
GOSRC   := $(shell find . -name '*.go' -not -name '*_test.go' -not -path './build/*' -not -path './bench/*') \
           $(wildcard *.c *.h) go.mod include/mailwire.h tools/exports.map
# The version is the header's MW_VERSION; the library's SONAME carries its
# major number (libmailwire.so.0), so that programs linked now refuse a
# future incompatible major instead of calling into it.
VERSION := $(shell sed -n 's/^\#define MW_VERSION  *"\([0-9.]*\)".*/\1/p' include/mailwire.h)
MAJOR   := $(firstword $(subst ., ,$(VERSION)))
SONAME  := libmailwire.so.$(MAJOR)
$(if $(VERSION),,$(error cannot read MW_VERSION from include/mailwire.h))
LDFLAGS := -s -w -extldflags=-Wl,--version-script=$(CURDIR)/tools/exports.map,-soname,$(SONAME)
CFLAGS_TEST := -Wall -Wextra -Werror -O1 -g -Iinclude

export CGO_ENABLED := 1

.PHONY: all demo test windows bench clean install uninstall

all: $(SO)

# The C wrappers of the API, generated from the header (committed; the lint
# suite checks that they are up to date).
export_wrappers.c: include/mailwire.h tools/wrapgen/main.go
	$(GO) run ./tools/wrapgen include/mailwire.h $@

# The library, then the check that include/mailwire.h declares exactly what
# it exports, with cgo's signatures.  cgo's generated header (no MW_E_*
# codes, no comments) is kept under build/obj for that check only, so that
# nobody takes it for the real one; build/libmailwire.so.0 is the name
# programs linked to the library ask the loader for.
$(SO): $(GOSRC) export_wrappers.c
	$(GO) build -buildmode=c-shared -trimpath -ldflags='$(LDFLAGS)' -o $@ .
	@mkdir -p $(BUILD)/obj && mv -f $(BUILD)/libmailwire.h $(BUILD)/obj/libmailwire.h
	ln -sf libmailwire.so $(BUILD)/$(SONAME)
	$(GO) run ./tools/hdrcheck $(BUILD)/obj/libmailwire.h include/mailwire.h $@

# The flags above (SONAME, export list) are part of the library.
$(SO): Makefile

# Unstripped, for valgrind and AddressSanitizer runs.
$(DBG_SO): $(GOSRC) export_wrappers.c
	$(GO) build -buildmode=c-shared -ldflags='-w' -o $@ .

$(BUILD)/demo: bindings/c/examples/demo.c include/mailwire.h $(SO)
	$(CC) -Wall -Wextra -O2 -Iinclude -o $@ $< -L$(BUILD) -lmailwire -Wl,-rpath,'$$ORIGIN'

demo: $(BUILD)/demo
	./$(BUILD)/demo

test: $(SO) $(DBG_SO) $(BUILD)/mailwire-server
	tests/run.sh

# cgo's header goes under build/obj (checked against include/mailwire.h
# like the Linux one); the header beside the DLL is the real one.
windows: $(DLL)

$(DLL): $(GOSRC) export_wrappers.c
	tests/need.sh x86_64-w64-mingw32-gcc:gcc-mingw-w64-x86-64
	GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
	  $(GO) build -buildmode=c-shared -trimpath -ldflags='-s -w' -o $@ .
	@mkdir -p $(BUILD)/obj/windows && mv -f $(@D)/mailwire.h $(BUILD)/obj/windows/mailwire.h
	$(GO) run ./tools/hdrcheck $(BUILD)/obj/windows/mailwire.h include/mailwire.h
	cp include/mailwire.h $(@D)/mailwire.h

# make install [PREFIX=/usr/local] [DESTDIR=staging]: the library as
# libmailwire.so.VERSION with the links libmailwire.so.MAJOR (its SONAME)
# and libmailwire.so (for -lmailwire), include/mailwire.h and mailwire.hpp,
# and LIBDIR/pkgconfig/mailwire.pc.  The loader's cache is refreshed when
# the library lands in a directory it searches by default.
PREFIX     ?= /usr/local
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PCDIR      ?= $(LIBDIR)/pkgconfig
HEADERS    := include/mailwire.h include/mailwire.hpp

install: $(SO)
	install -d '$(DESTDIR)$(LIBDIR)' '$(DESTDIR)$(INCLUDEDIR)' '$(DESTDIR)$(PCDIR)'
	install -m 755 $(SO) '$(DESTDIR)$(LIBDIR)/libmailwire.so.$(VERSION)'
	ln -sf libmailwire.so.$(VERSION) '$(DESTDIR)$(LIBDIR)/$(SONAME)'
	ln -sf $(SONAME) '$(DESTDIR)$(LIBDIR)/libmailwire.so'
	install -m 644 $(HEADERS) '$(DESTDIR)$(INCLUDEDIR)/'
	sed -e 's|@PREFIX@|$(PREFIX)|' \
	    -e 's|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|' \
	    -e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|' \
	    -e 's|@VERSION@|$(VERSION)|' bindings/c/mailwire.pc.in > '$(DESTDIR)$(PCDIR)/mailwire.pc'
	@case '$(DESTDIR)$(LIBDIR)' in /lib|/usr/lib|/usr/local/lib) ldconfig 2>/dev/null || true;; esac

uninstall:
	rm -f '$(DESTDIR)$(LIBDIR)/libmailwire.so.$(VERSION)' '$(DESTDIR)$(LIBDIR)/$(SONAME)' \
	      '$(DESTDIR)$(LIBDIR)/libmailwire.so' '$(DESTDIR)$(PCDIR)/mailwire.pc' \
	      $(addprefix '$(DESTDIR)$(INCLUDEDIR)/,$(addsuffix ',$(notdir $(HEADERS))))

bench: $(SO)
	bench/run.sh

clean:
	rm -rf $(BUILD)

# The embedded server as a program, for scripts and third-party clients.
$(BUILD)/mailwire-server: bindings/c/examples/serve.c include/mailwire.h $(SO)
	$(CC) -Wall -Wextra -O2 -Iinclude -o $@ $< -L$(BUILD) -lmailwire -Wl,-rpath,'$$ORIGIN'

# The long soak: 10,000 messages with the RSS curve (natively, under ASan
# and valgrind), 8 threads for a minute, the Go race variant, faults under
# load against the embedded server and Exim. Report: build/soak-report.txt.
.PHONY: soak fuzz-long
soak: $(SO) $(DBG_SO) $(BUILD)/mailwire-server
	tests/soak/soak.sh

# The long fuzz run: every fuzz target, FUZZ_TOTAL seconds (default 3600)
# shared among them. Report: build/fuzz-report.txt.
fuzz-long:
	tests/soak/fuzz-long.sh
