#!/usr/bin/env bash
# memcheck.sh CMD [ARGS...]: runs CMD under valgrind's memcheck the way
# every test of the project does: quiet, exit code 99 on an error, Go's
# runtime false positives suppressed (tests/valgrind.supp,
# tests/soak/valgrind-go.supp and the system call names listed from the
# installed memcheck), and cgocheck on.
#
# Go's runtime reads the time stamp counter with RDTSCP when CPUID says the
# processor has it. Valgrind's synthetic CPUID says so on some processors
# (AMD EPYC among them) but cannot execute the instruction, and the run dies
# with SIGILL in runtime.cputicks. cpu.rdtscp=off makes the runtime use
# RDTSC instead, so a run no longer depends on the processor it meets.
# Extra GODEBUG settings in the environment are kept.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SUPP=${MW_VG_SUPP:-$ROOT/build/dbg/valgrind-syscalls.supp}
mkdir -p "$(dirname "$SUPP")"
if [ ! -s "$SUPP" ] || [ "$ROOT/tests/valgrind-syscalls.sh" -nt "$SUPP" ]; then
  "$ROOT/tests/valgrind-syscalls.sh" > "$SUPP.tmp.$$" && mv "$SUPP.tmp.$$" "$SUPP"
fi
export GODEBUG="cgocheck=1,${GODEBUG:+$GODEBUG,}cpu.rdtscp=off"
exec valgrind -q --error-exitcode=99 --undef-value-errors=no \
  --suppressions="$ROOT/tests/valgrind.supp" --suppressions="$ROOT/tests/soak/valgrind-go.supp" \
  --suppressions="$SUPP" ${MW_VG_ARGS:-} "$@"
