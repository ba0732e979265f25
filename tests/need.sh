#!/usr/bin/env bash
# need.sh CMD:PACKAGE ...: installs each Debian package whose command is
# missing (as root, with apt-get), so that a fresh machine runs the tests.
set -eu
missing=()
for pair in "$@"; do
  cmd=${pair%%:*} pkg=${pair#*:}
  if [[ $cmd == /* ]]; then [ -e "$cmd" ] && continue; else command -v "$cmd" >/dev/null 2>&1 && continue; fi
  missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "need.sh: installing ${missing[*]}" >&2
if [ "$(id -u)" != 0 ]; then
  SUDO=sudo
  command -v sudo >/dev/null || { echo "need.sh: ${missing[*]} missing; install them, or run as root or with sudo" >&2; exit 1; }
else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
