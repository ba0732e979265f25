# Mailwire: `make` builds build/libmailwire.so, `make demo` runs the demo
# against the embedded server, `make test` runs every test, `make windows`
# cross-builds the Windows DLLs (build/windows/x64/ and x86/: mailwire.dll
# and the COM objects mailwirecom.dll; build/windows/include/mailwire.h),
# `make install` installs the library, the headers and mailwire.pc under
# PREFIX (and DESTDIR), `make packages` writes the NuGet package.

GO      ?= go
CC      ?= cc
BUILD   := build
SO      := $(BUILD)/libmailwire.so
DBG_SO  := $(BUILD)/dbg/libmailwire.so
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

# Windows, both architectures, with the mingw-w64 cross compilers:
# build/windows/<arch>/mailwire.dll (the library; cgo's own header is
# removed: include/mailwire.h is the one) and mailwirecom.dll (the COM
# objects, bindings/com, with their type library embedded), for x64
# (GOARCH=amd64) and x86 (GOARCH=386), and build/windows/include/mailwire.h.
WIN         := $(BUILD)/windows
WIN_ARCHS   := x64 x86
WIN_x64_CC  := x86_64-w64-mingw32
WIN_x86_CC  := i686-w64-mingw32
WIN_x64_GO  := amd64
WIN_x86_GO  := 386
WIN_x64_TLB := --win64
WIN_x86_TLB := --win32
WIN_x86_LD  := -Wl,--enable-stdcall-fixup
WIDL_IDL    := /usr/include/wine/wine/windows
WIDL_TLB    := /usr/lib/x86_64-linux-gnu/wine/x86_64-windows
COM_SRC     := $(sort $(wildcard bindings/com/*.c bindings/com/*.h) bindings/com/mailwirecom_dual.c)
COM_CFLAGS  := -Wall -Wextra -Werror -O2 -Iinclude -Ibindings/com -I$(WIN)/gen
COM_LIBS    := -loleaut32 -lole32 -luuid -ladvapi32
MW_VERSION_STR := $(shell sed -n 's/^\#define MW_VERSION *"\(.*\)"/\1/p' include/mailwire.h)

windows: $(foreach a,$(WIN_ARCHS),$(WIN)/$(a)/mailwire.dll $(WIN)/$(a)/mailwirecom.dll) $(WIN)/include/mailwire.h

# The tools: mingw-w64 for both architectures, widl (mingw-w64-tools) and
# the IDL files and stdole2.tlb it imports (Wine's).
$(WIN)/.tools:
	tests/need.sh x86_64-w64-mingw32-gcc:gcc-mingw-w64-x86-64 i686-w64-mingw32-gcc:gcc-mingw-w64-i686 \
	  x86_64-w64-mingw32-widl:mingw-w64-tools $(WIDL_IDL)/oaidl.idl:libwine-dev $(WIDL_TLB)/stdole2.tlb:libwine
	mkdir -p $(@D) && touch $@

$(WIN)/%/mailwire.dll: $(GOSRC) export_wrappers.c | $(WIN)/.tools
	GOOS=windows GOARCH=$(WIN_$*_GO) CC=$(WIN_$*_CC)-gcc \
	  $(GO) build -buildmode=c-shared -trimpath -ldflags='-s -w' -o $@ .
	@mkdir -p $(BUILD)/obj/windows/$* && mv -f $(@D)/mailwire.h $(BUILD)/obj/windows/$*/mailwire.h
	$(GO) run ./tools/hdrcheck $(BUILD)/obj/windows/$*/mailwire.h include/mailwire.h

$(WIN)/include/mailwire.h: include/mailwire.h
	mkdir -p $(@D) && cp $< $@

# The vtables of the dual interfaces, generated from the IDL (committed,
# like export_wrappers.c; the lint suite checks them).
bindings/com/mailwirecom_dual.c: bindings/com/mailwire.idl include/mailwire.h tools/comgen/main.go
	$(GO) run ./tools/comgen bindings/com/mailwire.idl include/mailwire.h $@

# widl's C header of the IDL, for the vtables and the early-bound tests.
$(WIN)/gen/mailwire_tlb.h: bindings/com/mailwire.idl | $(WIN)/.tools
	mkdir -p $(@D)
	x86_64-w64-mingw32-widl -I$(WIDL_IDL) -h -o $@ $<

$(WIN)/gen/mailwirecom_version.h: include/mailwire.h
	mkdir -p $(@D)
	printf '#define MW_RC_VERSION "%s"\n#define MW_RC_VERSION_BIN %s,0\n' \
	  '$(MW_VERSION_STR)' '$(subst .,$(comma),$(MW_VERSION_STR))' >$@

comma := ,
.PRECIOUS: $(WIN)/%/mailwire.tlb $(WIN)/gen/%/mailwirecom.res.o

# The type library of each platform (SYS_WIN64 or SYS_WIN32), then the
# resources that embed it.
$(WIN)/%/mailwire.tlb: bindings/com/mailwire.idl | $(WIN)/.tools
	mkdir -p $(@D)
	$(WIN_$*_CC)-widl $(WIN_$*_TLB) -I$(WIDL_IDL) -L$(WIDL_TLB) -t -o $@ $<

$(WIN)/gen/%/mailwirecom.res.o: bindings/com/mailwirecom.rc $(WIN)/%/mailwire.tlb $(WIN)/gen/mailwirecom_version.h
	mkdir -p $(@D)
	$(WIN_$*_CC)-windres -I$(WIN)/$* -I$(WIN)/gen -O coff -o $@ $<

# Linker warnings are errors too; the x86 exports are stdcall functions
# exported under their plain names, as regsvr32 and COM look them up.
$(WIN)/%/mailwirecom.dll: $(COM_SRC) bindings/com/mailwirecom.def $(WIN)/gen/%/mailwirecom.res.o $(WIN)/gen/mailwire_tlb.h
	$(WIN_$*_CC)-gcc $(COM_CFLAGS) -shared -s -static-libgcc -Wl,--fatal-warnings $(WIN_$*_LD) \
	  -o $@ $(filter %.c,$(COM_SRC)) $(WIN)/gen/$*/mailwirecom.res.o bindings/com/mailwirecom.def $(COM_LIBS)

# The Windows release zip: x64/ and x86/ (mailwire.dll, mailwirecom.dll,
# mailwire.tlb), include/mailwire.h, and bindings/ (the COM scripts and
# README, the C#, Delphi and PHP sources).
DIST := $(BUILD)/dist/mailwire-$(MW_VERSION_STR)-windows.zip
.PHONY: dist
dist: $(DIST)

$(DIST): windows README.md $(wildcard bindings/*/*)
	tests/need.sh zip:zip
	rm -rf $(BUILD)/dist/stage && mkdir -p $(BUILD)/dist/stage/include
	for a in $(WIN_ARCHS); do mkdir -p $(BUILD)/dist/stage/$$a && \
	  cp $(WIN)/$$a/mailwire.dll $(WIN)/$$a/mailwirecom.dll $(WIN)/$$a/mailwire.tlb $(BUILD)/dist/stage/$$a/; done
	cp include/mailwire.h $(BUILD)/dist/stage/include/
	cp README.md $(BUILD)/dist/stage/
	mkdir -p $(BUILD)/dist/stage/bindings/com $(BUILD)/dist/stage/bindings/csharp
	cp bindings/com/README.md bindings/com/*.vbs bindings/com/mailwire.idl $(BUILD)/dist/stage/bindings/com/
	cp bindings/csharp/*.cs bindings/csharp/Mailwire.csproj bindings/csharp/README.md $(BUILD)/dist/stage/bindings/csharp/
	cp -r bindings/delphi bindings/php $(BUILD)/dist/stage/bindings/
	rm -f $@ && cd $(BUILD)/dist/stage && zip -q -X -r $(abspath $@) .
	@echo $@

# The NuGet package of the C# binding (bindings/csharp/pack.sh): the
# assembly, its XML docs and the native libraries for win-x64, win-x86 and
# linux-x64.  `packages` writes every package to build/packages/.
NUPKG := $(BUILD)/packages/Mailwire.$(MW_VERSION_STR).nupkg
.PHONY: packages
packages: $(NUPKG)

$(NUPKG): $(wildcard bindings/csharp/*.cs) bindings/csharp/README.md bindings/csharp/pack.sh $(SO) \
          $(WIN)/x64/mailwire.dll $(WIN)/x86/mailwire.dll
	tests/need.sh mcs:mono-mcs zip:zip
	bindings/csharp/pack.sh $(MW_VERSION_STR) $@

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
