#!/usr/bin/env bash
# gofmt and go vet over the whole module, the check that the generated C
# wrappers (export_wrappers.c) are those of include/mailwire.h, and
# tools/apicover: every function of include/mailwire.h is reached by every
# binding, or bindings/coverage.txt says why not.
set -uo pipefail
cd "$(dirname "$0")/../.."
p=0 f=0
out=$(gofmt -l $(git ls-files '*.go') 2>&1)
if [ -z "$out" ]; then p=$((p+1)); else f=$((f+1)); echo "gofmt would change: $out"; fi
if go vet ./... ; then p=$((p+1)); else f=$((f+1)); fi
if go run ./tools/wrapgen -check include/mailwire.h export_wrappers.c; then p=$((p+1)); else f=$((f+1)); fi
if go run ./tools/apicover; then p=$((p+1)); else f=$((f+1)); fi
# The COM vtables (bindings/com/mailwirecom_dual.c) are those of the IDL, and
# its MwError enum holds the header's MW_E_* codes.
if go run ./tools/comgen -check bindings/com/mailwire.idl include/mailwire.h bindings/com/mailwirecom_dual.c; then
  p=$((p+1)); else f=$((f+1)); fi
echo "lint: $p passed, $f failed"
[ "$f" -eq 0 ]
