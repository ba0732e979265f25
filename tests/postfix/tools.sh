#!/usr/bin/env bash
# tools.sh: Postfix's test programs smtp-source and smtp-sink, without
# installing Postfix (it conflicts with exim4, which the peers suite
# installs). The Debian package is fetched with `apt-get download postfix`,
# kept in build/postfix/deb/ and unpacked with `dpkg-deb -x` into
# build/postfix/root/; build/postfix/bin/ gets one small wrapper per program
# that puts Postfix's private libraries (usr/lib/postfix) on
# LD_LIBRARY_PATH and execs it (same PID). Postfix's service is never
# installed, configured or started.
#
# The system libraries the programs need (the lib* packages postfix
# depends on: libicu72, libdb5.3, ...) are installed when ldd finds one
# missing. On a fresh machine without package lists, apt-get update runs
# first. Package operations hold /tmp/mw-apt.lock; the unpacking holds
# build/postfix/.lock, so that two runs at once do not step on each other.
#
#   tests/postfix/tools.sh        prints the bin directory as its last line
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
C=${MW_BUILD:-$ROOT/build}/postfix
PROGS="smtp-source smtp-sink"
mkdir -p "$C/deb"

log() { echo "postfix-tools: $*" >&2; }
die() { log "$*"; exit 1; }
if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
APT=(-o DPkg::Lock::Timeout=600)

# ready succeeds when every wrapper exists and its program finds its
# libraries.
ready() {
  local p
  for p in $PROGS; do
    [ -x "$C/bin/$p" ] && [ -x "$C/root/usr/sbin/$p" ] || return 1
  done
  ! missing_libs | grep . >/dev/null
}

# missing_libs prints the shared libraries the programs need and cannot find.
missing_libs() {
  local p
  for p in $PROGS; do
    LD_LIBRARY_PATH=$C/root/usr/lib/postfix ldd "$C/root/usr/sbin/$p" 2>/dev/null | awk '/not found/ {print $1}'
  done | sort -u
}

# download fetches the .deb into $C/deb (apt-get update first when the
# package lists do not know it, or know a version the mirror no longer has).
download() {
  local tmp
  tmp=$(mktemp -d "$C/deb.XXXXXX")
  # apt's download sandbox user (_apt) cannot write into a root-owned
  # build directory: the files are fetched as the caller.
  if ! (cd "$tmp" && flock /tmp/mw-apt.lock apt-get "${APT[@]}" -o APT::Sandbox::User=root -q download postfix >&2); then
    log "apt-get download failed; updating the package lists"
    flock /tmp/mw-apt.lock $SUDO apt-get "${APT[@]}" -q update >&2 || { rm -rf "$tmp"; die "apt-get update failed"; }
    (cd "$tmp" && flock /tmp/mw-apt.lock apt-get "${APT[@]}" -o APT::Sandbox::User=root -q download postfix >&2) ||
      { rm -rf "$tmp"; die "apt-get download postfix failed"; }
  fi
  local deb
  deb=$(find "$tmp" -maxdepth 1 -name 'postfix_*.deb' | head -n 1)
  [ -n "$deb" ] && dpkg-deb --info "$deb" >/dev/null || { rm -rf "$tmp"; die "no usable postfix .deb was downloaded"; }
  mkdir -p "$C/deb"
  rm -f "$C"/deb/postfix_*.deb
  mv "$deb" "$C/deb/"
  rm -rf "$tmp"
}

# unpack extracts the cached .deb into $C/root (a new directory, renamed
# into place) and writes the wrappers.
unpack() {
  local deb=$1 tmp p
  tmp=$(mktemp -d "$C/root.XXXXXX")
  dpkg-deb -x "$deb" "$tmp"
  for p in $PROGS; do [ -x "$tmp/usr/sbin/$p" ] || { rm -rf "$tmp"; die "$deb has no usr/sbin/$p"; }; done
  rm -rf "$C/root"
  mv "$tmp" "$C/root"
  chmod 755 "$C/root"
  mkdir -p "$C/bin"
  for p in $PROGS; do
    printf '#!/bin/bash\n# %s from %s, with its private libraries.\nLD_LIBRARY_PATH=%q${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} exec %q "$@"\n' \
      "$p" "$(basename "$deb")" "$C/root/usr/lib/postfix" "$C/root/usr/sbin/$p" >"$C/bin/$p.tmp"
    chmod 755 "$C/bin/$p.tmp"
    mv "$C/bin/$p.tmp" "$C/bin/$p"
  done
}

# install_libs installs the library packages postfix depends on that are
# not installed (only what ldd reports missing triggers this).
install_libs() {
  local deb=$1 pkgs=() d
  for d in $(dpkg-deb -f "$deb" Depends | tr ',|' '\n\n' | sed -E 's/\(.*\)//; s/ //g' | grep -E '^lib'); do
    [ "$(dpkg-query -W -f='${Status}' "$d" 2>/dev/null)" = "install ok installed" ] || pkgs+=("$d")
  done
  [ ${#pkgs[@]} -gt 0 ] || die "libraries missing ($(missing_libs | tr '\n' ' ')) but every lib* dependency is installed"
  log "installing ${pkgs[*]}"
  flock /tmp/mw-apt.lock $SUDO apt-get "${APT[@]}" -q install -y --no-install-recommends "${pkgs[@]}" >&2 || {
    flock /tmp/mw-apt.lock $SUDO apt-get "${APT[@]}" -q update >&2
    flock /tmp/mw-apt.lock $SUDO apt-get "${APT[@]}" -q install -y --no-install-recommends "${pkgs[@]}" >&2
  }
}

exec 9>"$C/.lock"
flock 9
if ! ready; then
  command -v dpkg-deb >/dev/null && command -v apt-get >/dev/null || die "needs dpkg-deb and apt-get (Debian)"
  deb=$(find "$C/deb" -maxdepth 1 -name "postfix_*.deb" | head -n 1)
  if [ -z "$deb" ] || ! dpkg-deb --info "$deb" >/dev/null 2>&1; then
    download
    deb=$(find "$C/deb" -maxdepth 1 -name 'postfix_*.deb' | head -n 1)
  fi
  if [ ! -e "$C/root/.from-$(basename "$deb")" ] || [ ! -x "$C/bin/smtp-sink" ] || [ ! -x "$C/bin/smtp-source" ]; then
    unpack "$deb"
    touch "$C/root/.from-$(basename "$deb")"
  fi
  missing_libs | grep . >/dev/null && install_libs "$deb"
  ready || die "smtp-source or smtp-sink still cannot run: missing $(missing_libs | tr '\n' ' ')"
fi
echo "$C/bin"
