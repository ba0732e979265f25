#!/usr/bin/env bash
# watchdog.sh SECONDS CMD [ARG...]: runs CMD (standard input, output and
# error as given) and exits with its status.  When it is still running after
# SECONDS, it prints what every thread of CMD and of its child processes is
# doing, then kills them and exits 124:
#
#   - for every process: its command line, and per thread the state, the
#     kernel wait channel and the blocked signals (from /proc);
#   - Mono: SIGQUIT first, which makes Mono print every managed thread's
#     stack on the process's standard output;
#   - every native process (C tests, mono, php, Free Pascal programs,
#     valgrind, wine): gdb's "thread apply all bt" (gdb installed by
#     tests/run.sh; without it only /proc is shown);
#   - Go programs: SIGQUIT after gdb, which makes the Go runtime print every
#     goroutine's stack on standard error before it exits;
#   - Wine: every Wine process on the machine, and winedbg's process and
#     thread lists of the prefix.
#
# The report goes to standard error, and also to WATCHDOG_LOG when set.
set -u
if [ $# -lt 2 ] || ! [[ $1 =~ ^[0-9]+$ ]]; then
  echo "usage: watchdog.sh SECONDS CMD [ARG...]" >&2
  exit 2
fi
limit=$1
shift

# A command started with & gets /dev/null as standard input unless it is
# given one: give it ours.
exec 3<&0
"$@" <&3 3<&- &
cmd=$!
exec 3<&-
sleep "$limit" </dev/null >/dev/null 2>&1 &
timer=$!
# shellcheck disable=SC2317 # runs on a signal
stop() {
  kill -TERM "$cmd" "$timer" 2>/dev/null
  wait "$cmd" 2>/dev/null
  exit 143
}
trap stop TERM INT HUP

which=
wait -n -p which "$cmd" "$timer"
rc=$?
if [ "$which" = "$cmd" ]; then
  kill "$timer" 2>/dev/null
  wait "$timer" 2>/dev/null
  exit "$rc"
fi

# descendants PID: PID and every process below it, parents first.
descendants() {
  local c
  echo "$1"
  for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do descendants "$c"; done
}

# kind PID: mono, go, wine or native.
kind() {
  local exe
  exe=$(readlink "/proc/$1/exe" 2>/dev/null) || { echo gone; return; }
  case $exe in
  */mono | */mono-sgen) echo mono ;;
  */wine* | */wine64-preloader | */wineserver*) echo wine ;;
  *)
    if readelf -S "$exe" 2>/dev/null | grep '\.note\.go\.buildid' >/dev/null; then echo go; else echo native; fi
    ;;
  esac
}

# threads PID: one line per thread from /proc.
threads() {
  local t name state wchan blk
  for t in /proc/"$1"/task/*; do
    [ -r "$t/status" ] || continue
    name=$(cat "$t/comm" 2>/dev/null)
    state=$(awk '/^State:/ {print $2}' "$t/status" 2>/dev/null)
    blk=$(awk '/^SigBlk:/ {print $2}' "$t/status" 2>/dev/null)
    wchan=$(cat "$t/wchan" 2>/dev/null)
    printf '  thread %-8s %-16s state %s  wchan %-24s SigBlk %s\n' "${t##*/}" "$name" "$state" "${wchan:-?}" "$blk"
  done
}

# backtraces PID: gdb's stack of every thread, bounded in time and length.
backtraces() {
  if ! command -v gdb >/dev/null; then
    echo "  (gdb is not installed: no native stacks)"
    return
  fi
  timeout 120 gdb -p "$1" -batch -nx -q -ex 'set pagination off' -ex 'set print thread-events off' \
    -ex 'info threads' -ex 'thread apply all bt 40' </dev/null 2>&1 |
    grep -vE '^\[(New|Thread debugging|Inferior)|^warning: (Could not load|Unable to find|.*linux-vdso)|libthread_db' |
    head -n 20000 | sed 's/^/  /'
}

report() {
  local pids p k
  pids=$(descendants "$cmd")
  echo "watchdog: still running after ${limit}s, killed: $*"
  echo "watchdog: processes:"
  # shellcheck disable=SC2086 # a list of pids
  ps -o pid,ppid,etime,stat,wchan:24,args -p "$(tr '\n' ',' <<<"$pids" | sed 's/,$//')" 2>&1 | sed 's/^/  /'
  for p in $pids; do
    k=$(kind "$p")
    [ "$k" = gone ] && continue
    echo
    echo "watchdog: process $p ($k): $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
    threads "$p"
    if [ "$k" = mono ]; then
      echo "  (SIGQUIT sent: Mono prints the managed stacks on the process's standard output)"
      kill -QUIT "$p" 2>/dev/null
      sleep 2
    fi
    echo "  native stacks (gdb):"
    backtraces "$p"
    if [ "$k" = go ]; then
      echo "  (SIGQUIT sent: the Go runtime prints every goroutine on the process's standard error)"
      kill -QUIT "$p" 2>/dev/null
      sleep 2
    fi
  done
  if grep -qw wine <<<"$(for p in $pids; do kind "$p"; done)"; then
    echo
    echo "watchdog: Wine processes:"
    ps -eo pid,ppid,etime,stat,wchan:24,args | grep -iE 'wine|\.exe' | grep -v grep | sed 's/^/  /'
    if command -v winedbg >/dev/null || [ -x /usr/lib/wine/winedbg ]; then
      echo "watchdog: winedbg info process / info thread:"
      PATH=$PATH:/usr/lib/wine timeout 60 winedbg --command "info process" </dev/null 2>&1 | tr -d '\r' | sed 's/^/  /'
      PATH=$PATH:/usr/lib/wine timeout 60 winedbg --command "info thread" </dev/null 2>&1 | tr -d '\r' | sed 's/^/  /'
    fi
  fi
  echo
  echo "watchdog: end of report for: $*"
}

pids=$(descendants "$cmd")
if [ -n "${WATCHDOG_LOG:-}" ]; then
  report "$@" 2>&1 | tee -a "$WATCHDOG_LOG" >&2
else
  report "$@" >&2
fi
# shellcheck disable=SC2086 # a list of pids
kill -TERM $pids $(descendants "$cmd") 2>/dev/null
sleep 1
# shellcheck disable=SC2086
kill -KILL $pids $(descendants "$cmd") 2>/dev/null
wait "$cmd" 2>/dev/null
exit 124
