# Mailwire: `make` builds build/libmailwire.so, `make demo` runs the demo
# against the embedded server, `make test` runs every test, `make windows`
# cross-builds build/windows/mailwire.dll.

GO      ?= go
CC      ?= cc
BUILD   := build
SO      := $(BUILD)/libmailwire.so
DBG_SO  := $(BUILD)/dbg/libmailwire.so
DLL     := $(BUILD)/windows/mailwire.dll
GOSRC   := $(shell find . -name '*.go' -not -name '*_test.go' -not -path './build/*' -not -path './bench/*') \
           $(wildcard *.c *.h) go.mod include/mailwire.h tools/exports.map
LDFLAGS := -s -w -extldflags=-Wl,--version-script=$(CURDIR)/tools/exports.map
CFLAGS_TEST := -Wall -Wextra -Werror -O1 -g -Iinclude

export CGO_ENABLED := 1

.PHONY: all demo test windows bench clean

all: $(SO)

# The C wrappers of the API, generated from the header (committed; the lint
# suite checks that they are up to date).
export_wrappers.c: include/mailwire.h tools/wrapgen/main.go
	$(GO) run ./tools/wrapgen include/mailwire.h $@

# The library, then the check that include/mailwire.h declares exactly what
# it exports, with cgo's signatures.
$(SO): $(GOSRC) export_wrappers.c
	$(GO) build -buildmode=c-shared -trimpath -ldflags='$(LDFLAGS)' -o $@ .
	$(GO) run ./tools/hdrcheck $(BUILD)/libmailwire.h include/mailwire.h $@

# Unstripped, for valgrind and AddressSanitizer runs.
$(DBG_SO): $(GOSRC) export_wrappers.c
	$(GO) build -buildmode=c-shared -ldflags='-w' -o $@ .

$(BUILD)/demo: bindings/c/examples/demo.c include/mailwire.h $(SO)
	$(CC) -Wall -Wextra -O2 -Iinclude -o $@ $< -L$(BUILD) -lmailwire -Wl,-rpath,'$$ORIGIN'

demo: $(BUILD)/demo
	./$(BUILD)/demo

test: $(SO) $(DBG_SO) $(BUILD)/mailwire-server
	tests/run.sh

windows: $(DLL)

$(DLL): $(GOSRC) export_wrappers.c
	tests/need.sh x86_64-w64-mingw32-gcc:gcc-mingw-w64-x86-64
	GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
	  $(GO) build -buildmode=c-shared -trimpath -ldflags='-s -w' -o $@ .

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
