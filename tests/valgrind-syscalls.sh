#!/usr/bin/env bash
# Prints memcheck suppressions for system calls that Go's runtime makes with
# buffers in its own memory (goroutine stacks and heap it maps itself, which
# memcheck does not always know as addressable). Memcheck matches a system
# call parameter by its exact name ("socketcall.sendto(msg)", "read(buf)"),
# without wildcards, so the names are taken from the installed memcheck
# itself: every parameter name it can report, each suppressed only when the
# innermost frame is Go's raw system call or a runtime function. A host's own
# system calls (through libc) stay visible.
# Usage: tests/valgrind-syscalls.sh > file.supp
set -euo pipefail
tool=
for d in "${VALGRIND_LIB:-}" /usr/libexec/valgrind /usr/lib/valgrind /usr/lib/x86_64-linux-gnu/valgrind /usr/local/libexec/valgrind; do
  [ -n "$d" ] || continue
  for f in "$d"/memcheck-*-linux; do
    [ -f "$f" ] && { tool=$f; break 2; }
  done
done
names() {
  if [ -n "$tool" ]; then
    # Plain names, then the socket address forms ("socketcall.bind(my_addr.%s)")
    # with every field memcheck describes.
    # ("vector[...]" forms are obsolete: memcheck warns about them.)
    strings "$tool" | grep -E '^[a-z_0-9.]+\([^ %()]+\)$' | grep -vF '[...]'
    fields=$(strings "$tool" | grep -E '^(sa|sin|sin6|sun|nl)_[a-z_]+$' | sort -u)
    strings "$tool" | grep -E '^[a-z_0-9.]+\([a-z_]+\.%s\)$' | while read -r fmt; do
      for fl in $fields; do printf '%s\n' "${fmt/\%s/$fl}"; done
    done
  fi
  # The ones seen in practice, should the tool's binary not be found.
  printf '%s\n' 'read(buf)' 'write(buf)' 'pread64(buf)' 'pwrite64(buf)' 'openat(filename)' \
    'newfstatat(file_name)' 'fstatat(file_name)' 'socketcall.sendto(msg)' 'socketcall.recvfrom(buf)' \
    'getrandom(buf)' 'futex(futex)' 'epoll_wait(events)' 'epoll_ctl(event)'
}
n=0
while read -r p; do
  n=$((n+1))
  printf '{\n   go-syscall-%d-raw\n   Memcheck:Param\n   %s\n   fun:internal/runtime/syscall/linux.Syscall6\n}\n' "$n" "$p"
  printf '{\n   go-syscall-%d-rt\n   Memcheck:Param\n   %s\n   fun:runtime.*\n}\n' "$n" "$p"
done < <(names | sort -u)
