#!/usr/bin/env bash
# 45-packages.sh: Mailwire as a user installs it, from outside the tree.
#
#   1. The library's SONAME (libmailwire.so.MAJOR from the header's
#      MW_VERSION); `make windows` leaves the real header beside the DLL and
#      cgo's generated ones only under build/obj.
#   2. `make install PREFIX=<temp>` (and with DESTDIR): the files and links,
#      mailwire.pc; `pkg-config --cflags --libs mailwire` compiles and runs
#      the C and C++ demos and the README's C++ examples (sending, IMAP) in a folder of their own,
#      linked to the installed library (the IMAP steps of both demos too:
#      search, fetch, \Seen, IDLE woken by an LMTP delivery); `make uninstall`
#      removes it all.
#   3. Free Pascal compiles bindings/delphi/example.dpr and example_imap.dpr
#      outside the tree with the command of its README, against the
#      installed library, and runs them.
#   4. Composer installs bindings/php into a new project (offline, through a
#      path repository); example.php, example_oauth2.php (against the test
#      token server) and the README examples run there on Composer's
#      autoloader, the library found beside the package.
#   5. The load-time checks: a library that reports another version is
#      refused with a clear message by C++, Delphi and PHP; PHP names
#      MAILWIRE_LIB and the paths tried when the library does not load, and
#      ffi.enable when FFI is off.
#
# Prints "packages: N passed, N failed" last.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
OUT=$ROOT/build/packages
rm -rf "$OUT"
mkdir -p "$OUT"
p=0 f=0

ok() { p=$((p + 1)); echo "ok   $1"; }
bad() { f=$((f + 1)); echo "FAIL $1"; }

# step NAME CMD...: runs one step with a time limit, its output in
# $OUT/logs/NAME.log, shown when it fails.
mkdir -p "$OUT/logs"
step() {
  local name=$1 log; shift
  log="$OUT/logs/$(tr -c 'A-Za-z0-9._-' '_' <<<"$name").log"
  if timeout 180 "$@" >"$log" 2>&1; then ok "$name"; else bad "$name (exit $?)"; tail -n 25 "$log"; return 1; fi
}

# expect NAME PATTERN CMD...: the command's output must match PATTERN
# (extended regular expression); its exit code is not looked at.
expect() {
  local name=$1 pat=$2 out; shift 2
  out=$(timeout 180 "$@" 2>&1)
  if grep -qE -- "$pat" <<<"$out"; then ok "$name"; else bad "$name"; echo "     wanted /$pat/, got:"; tail -n 15 <<<"$out"; fi
}

# expect_fail NAME PATTERN CMD...: as expect, and the command must fail.
expect_fail() {
  local name=$1 pat=$2 out rc; shift 2
  out=$(timeout 180 "$@" 2>&1); rc=$?
  if [ $rc -ne 0 ] && grep -qE -- "$pat" <<<"$out"; then ok "$name"; else
    bad "$name (exit $rc)"; echo "     wanted failure and /$pat/, got:"; tail -n 15 <<<"$out"; fi
}

finish() {
  echo "packages: $p passed, $f failed"
  [ "$f" -eq 0 ]
  exit
}

# block FILE LANG [N]: the first (or Nth) fenced code block of LANG in a
# Markdown file.
block() { awk -v lang="$2" -v n="${3:-1}" '$0 == "```" lang {if (++k == n) {on=1; next}} /^```/ {if (on) exit} on' "$1"; }

for _ in 1 2 3; do
  tests/need.sh pkg-config:pkg-config g++:g++ readelf:binutils php:php8.2-cli composer:composer \
    x86_64-w64-mingw32-gcc:gcc-mingw-w64-x86-64 fpc:fp-compiler-3.2.2 \
    /usr/lib/x86_64-linux-gnu/fpc/3.2.2/units/x86_64-linux/rtl/system.ppu:fp-units-rtl-3.2.2 && break
  sleep 10
done
step "make build/libmailwire.so" make -s build/libmailwire.so || finish

VERSION=$(sed -n 's/^#define MW_VERSION  *"\([0-9.]*\)".*/\1/p' include/mailwire.h)
MAJOR=${VERSION%%.*}
echo "     MW_VERSION $VERSION"

# 1. SONAME and headers beside the binaries.
expect "build/libmailwire.so has the SONAME libmailwire.so.$MAJOR" "\(SONAME\) +Library soname: \[libmailwire\.so\.$MAJOR\]" \
  readelf -d build/libmailwire.so
if [ "$(readlink build/libmailwire.so.$MAJOR)" = libmailwire.so ]; then ok "build/libmailwire.so.$MAJOR links to libmailwire.so"
else bad "build/libmailwire.so.$MAJOR is not a link to libmailwire.so"; fi
if [ ! -e build/libmailwire.h ] && [ -e build/obj/libmailwire.h ]; then ok "cgo's header is under build/obj, not beside the library"
else bad "cgo's header: build/libmailwire.h present or build/obj/libmailwire.h missing"; fi
if step "make windows" make -s windows; then
  if cmp -s build/windows/include/mailwire.h include/mailwire.h && grep -q MW_E_AUTH build/windows/include/mailwire.h &&
     [ -e build/obj/windows/x64/mailwire.h ] && [ -e build/obj/windows/x86/mailwire.h ] &&
     [ ! -e build/windows/x64/mailwire.h ] && [ ! -e build/windows/x86/mailwire.h ]; then
    ok "build/windows/include/mailwire.h is include/mailwire.h; cgo's are under build/obj/windows"
  else bad "build/windows/include/mailwire.h is not include/mailwire.h, or cgo's header is beside a DLL"; fi
fi

# 2. make install, pkg-config, programs outside the tree.
PREFIX=$OUT/prefix
step "make install PREFIX=$PREFIX" make -s install PREFIX="$PREFIX" || finish
L=$PREFIX/lib
if [ -f "$L/libmailwire.so.$VERSION" ] && [ ! -L "$L/libmailwire.so.$VERSION" ] &&
   [ "$(readlink "$L/libmailwire.so.$MAJOR")" = "libmailwire.so.$VERSION" ] &&
   [ "$(readlink "$L/libmailwire.so")" = "libmailwire.so.$MAJOR" ] &&
   cmp -s "$PREFIX/include/mailwire.h" include/mailwire.h && cmp -s "$PREFIX/include/mailwire.hpp" include/mailwire.hpp &&
   [ -f "$L/pkgconfig/mailwire.pc" ]; then
  ok "installed: libmailwire.so.$VERSION, links .so.$MAJOR and .so, mailwire.h, mailwire.hpp, mailwire.pc"
else bad "installed files"; find "$PREFIX" -ls | sed 's/^/     /'; fi
expect "the installed library has the SONAME libmailwire.so.$MAJOR" "soname: \[libmailwire\.so\.$MAJOR\]" \
  readelf -d "$L/libmailwire.so.$VERSION"

export PKG_CONFIG_PATH=$L/pkgconfig
if [ "$(pkg-config --modversion mailwire 2>&1)" = "$VERSION" ]; then ok "pkg-config --modversion mailwire is $VERSION"
else bad "pkg-config --modversion mailwire: $(pkg-config --modversion mailwire 2>&1)"; fi
flags=$(pkg-config --cflags --libs mailwire 2>&1 | sed 's/ *$//')
if [ "$flags" = "-I$PREFIX/include -L$L -lmailwire" ]; then ok "pkg-config --cflags --libs mailwire: $flags"
else bad "pkg-config --cflags --libs mailwire: $flags"; fi
RPATH=-Wl,-rpath,$(pkg-config --variable=libdir mailwire)

W=$OUT/outside
mkdir -p "$W"
cp bindings/c/examples/demo.c bindings/c/examples/demo.cpp "$W/"
block README.md cpp > "$W/send.cpp"
block README.md cpp 2 > "$W/imap.cpp"
# shellcheck disable=SC2046 # pkg-config's output is meant to split
step "C: cc -Wall -Werror demo.c \$(pkg-config --cflags --libs mailwire), outside the tree" \
  env -C "$W" cc -Wall -Wextra -Werror -O1 -o demo demo.c $(pkg-config --cflags --libs mailwire) "$RPATH"
# shellcheck disable=SC2046
step "C++: c++ -std=c++17 -Wall -Wextra -Werror demo.cpp \$(pkg-config ...)" \
  env -C "$W" c++ -std=c++17 -Wall -Wextra -Werror -O1 -o demo-cxx demo.cpp $(pkg-config --cflags --libs mailwire) "$RPATH"
# shellcheck disable=SC2046
step "C++: the README's example, likewise" \
  env -C "$W" c++ -std=c++17 -Wall -Wextra -Werror -O1 -o send send.cpp $(pkg-config --cflags --libs mailwire) "$RPATH"
# shellcheck disable=SC2046
step "C++: the README's IMAP example, likewise" \
  env -C "$W" c++ -std=c++17 -Wall -Wextra -Werror -O1 -o imap imap.cpp $(pkg-config --cflags --libs mailwire) "$RPATH"
out=$(timeout 180 "$W/demo" 2>&1); rc=$?
# The IMAP step: the unseen messages fetched and flagged, IDLE woken by the
# LMTP delivery of another thread, that message then unseen and fetched.
if [ $rc -eq 0 ] && grep -q '^demo: done$' <<<"$out" &&
   grep -q '^    folder Sent \\Sent$' <<<"$out" &&
   grep -q '^    SEARCH UNSEEN: 2 messages (uid 1, 2)$' <<<"$out" &&
   grep -q '^    uid 1 "Quarterly report .*", 1 attachment, now flagged \\Seen' <<<"$out" &&
   grep -q '^    SEARCH UNSEEN: 0 messages$' <<<"$out" &&
   grep -q '^    IDLE woke up (returned 1): INBOX has 3 messages now$' <<<"$out" &&
   grep -q '^    uid 3 "Delivered while you were idling"$' <<<"$out" &&
   grep -q '^    3 messages$' <<<"$out"; then
  ok "the C demo runs on the installed library: SMTP, LMTP, IMAP (IDLE woken by LMTP), POP3"
else bad "the C demo (exit $rc)"; tail -n 30 <<<"$out"; fi
out=$(timeout 60 "$W/demo-cxx" 2>&1)
if grep -q '^  hop 0: .* with ESMTPSA (ESMTP)$' <<<"$out" && grep -q '^  reject-me@example.test 550 ' <<<"$out" &&
   grep -q '^uid 1 "Quarterly report .*", flags .*\\Seen' <<<"$out" && grep -q '^folder Trash \\Trash$' <<<"$out" &&
   grep -q '^IDLE woke up: INBOX has 2 messages now$' <<<"$out" &&
   grep -q '^uid 2 "Delivered while you were idling"$' <<<"$out" &&
   grep -q '^demo: done$' <<<"$out"; then ok "the C++ demo sends, reads over IMAP (IDLE woken by LMTP) and POP3, prints the trace"
else bad "the C++ demo"; echo "$out" | tail -15; fi
expect "the C++ README example sends through the embedded server" "^alice@example\.com: 250 " env -C "$W" ./send
expect "the C++ README IMAP example lists, fetches, flags and moves" "^uid 1: Lunch on Friday\?$" env -C "$W" ./imap
expect "both load libmailwire.so.$MAJOR from the prefix" "libmailwire\.so\.$MAJOR => $L/libmailwire\.so\.$MAJOR" ldd "$W/send"

STAGE=$OUT/stage
step "make install DESTDIR=… PREFIX=/opt/mailwire" make -s install DESTDIR="$STAGE" PREFIX=/opt/mailwire
if [ -e "$STAGE/opt/mailwire/lib/libmailwire.so.$VERSION" ] && grep -qx 'prefix=/opt/mailwire' "$STAGE/opt/mailwire/lib/pkgconfig/mailwire.pc" &&
   grep -qx 'libdir=${prefix}/lib' "$STAGE/opt/mailwire/lib/pkgconfig/mailwire.pc"; then
  ok "DESTDIR stages the files; mailwire.pc names the final prefix"
else bad "DESTDIR install"; cat "$STAGE/opt/mailwire/lib/pkgconfig/mailwire.pc"; fi

# 3. Free Pascal, outside the tree, as bindings/delphi/README.md says
# (mkdir -p lib, then fpc).
D=$OUT/delphi
mkdir -p "$D/lib"
cp bindings/delphi/example.dpr bindings/delphi/example_imap.dpr "$D/"
step "fpc -Mdelphi -Fu…/bindings/delphi -FUlib -Fl\$PREFIX/lib example.dpr, outside the tree" \
  env -C "$D" fpc -Mdelphi -vw -Sew -Fu"$ROOT/bindings/delphi" -FUlib -Fl"$L" -k-rpath -k"$L" example.dpr
step "fpc -Mdelphi … example_imap.dpr, outside the tree" \
  env -C "$D" fpc -Mdelphi -vw -Sew -Fu"$ROOT/bindings/delphi" -FUlib -Fl"$L" -k-rpath -k"$L" example_imap.dpr
if [ -e "$ROOT/bindings/delphi/Mailwire.ppu" ] || [ -e "$ROOT/bindings/delphi/Mailwire.o" ]; then
  bad "fpc wrote its unit files into bindings/delphi"; fi
expect "the Free Pascal example runs on the installed library" "^example: done$" "$D/example"
expect "the Free Pascal IMAP example runs on the installed library" "^Trash: 1 message\(s\)$" "$D/example_imap"

# 4. Composer: a new project requires mailwire/mailwire from a path
# repository; Packagist is off and so is the network.
if [ "$(php -r 'echo json_decode(file_get_contents("bindings/php/composer.json"))->version;')" = "$VERSION" ]; then
  ok "bindings/php/composer.json's version is MW_VERSION"; else bad "bindings/php/composer.json's version is not $VERSION"; fi
P=$OUT/php
mkdir -p "$P"
cat >"$P/composer.json" <<EOF
{
    "name": "example/mail-sender",
    "require": {"mailwire/mailwire": "^${VERSION%.*}"},
    "repositories": [
        {"type": "path", "url": "$ROOT/bindings/php", "options": {"symlink": false}},
        {"packagist.org": false}
    ]
}
EOF
export COMPOSER_HOME=$OUT/composer-home COMPOSER_CACHE_DIR=$OUT/composer-cache COMPOSER_NO_INTERACTION=1 \
  COMPOSER_DISABLE_NETWORK=1 COMPOSER_ALLOW_SUPERUSER=1
unset MAILWIRE_LIB
if step "composer install (path repository, offline)" composer install --working-dir="$P" --no-progress; then
  pkg=$P/vendor/mailwire/mailwire
  if [ -f "$pkg/src/Smtp.php" ] && grep -q "'Mailwire\\\\\\\\' => array(\$vendorDir . '/mailwire/mailwire/src')" "$P/vendor/composer/autoload_psr4.php"; then
    ok "the package is in vendor/ with a PSR-4 entry for Mailwire\\"
  else bad "vendor/ or the PSR-4 entry"; cat "$P/vendor/composer/autoload_psr4.php"; fi
  # example.php on Composer's autoloader instead of Mailwire.php.
  sed "s|^require __DIR__ . '/Mailwire.php';|require __DIR__ . '/vendor/autoload.php';|" bindings/php/example.php >"$P/example.php"
  if grep -q "vendor/autoload.php" "$P/example.php" && ! grep -q "Mailwire.php'" "$P/example.php"; then
    expect "example.php in the project (MAILWIRE_LIB=\$PREFIX/lib/libmailwire.so.$MAJOR)" '^  hop 0: .* with ESMTPSA \(ESMTP, TLS, AUTH\)' \
      env MAILWIRE_LIB="$L/libmailwire.so.$MAJOR" php "$P/example.php"
  else bad "example.php's require line was not replaced"; fi
  # The README examples, with the library beside the package and nothing set.
  cp "$L/libmailwire.so.$VERSION" "$pkg/libmailwire.so.$MAJOR"
  block bindings/php/README.md php >"$P/readme.php"
  block README.md php >"$P/readme-main.php"
  # (TMPDIR: the examples' CA file goes to a folder of this run.)
  mkdir -p "$OUT/tmp"
  expect "bindings/php/README.md's example, the library found beside the package" '^alice@example\.com: 250 ' \
    env -u LD_LIBRARY_PATH TMPDIR="$OUT/tmp" php "$P/readme.php"
  expect "README.md's PHP example" '^alice@example\.com: 250 ' env -u LD_LIBRARY_PATH TMPDIR="$OUT/tmp" php "$P/readme-main.php"
  expect "Lib::libraryPath() is the file beside the package" "^$pkg/libmailwire\.so\.$MAJOR\$" \
    php -r "require '$P/vendor/autoload.php'; Mailwire\\Lib::version(); echo Mailwire\\Lib::libraryPath(), PHP_EOL;"
  # The OAuth2 example (client credentials) on Composer's autoloader, with
  # a token from the test authorization server.
  sed "s|^require __DIR__ . '/Mailwire.php';|require __DIR__ . '/vendor/autoload.php';|" bindings/php/example_oauth2.php \
    >"$P/example_oauth2.php"
  . tests/oauth/tokenserver.sh
  if token_server_start "$OUT/oauth" >"$OUT/logs/tokenserver.log" 2>&1; then
    expect "example_oauth2.php service in the project" '^example-oauth2: the server holds 1 message\(s\)$' \
      env -u LD_LIBRARY_PATH php "$P/example_oauth2.php" service
    token_server_stop
  else bad "the test token server did not start"; cat "$OUT/logs/tokenserver.log"; fi
  rm -f "$pkg/libmailwire.so.$MAJOR"
fi

# 5. Load-time checks.
cat >"$OUT/load.php" <<EOF
<?php
require '$ROOT/bindings/php/Mailwire.php';
try {
    echo Mailwire\Lib::version(), PHP_EOL;
} catch (Mailwire\MailwireException \$e) {
    echo get_class(\$e), ': ', \$e->getMessage(), PHP_EOL;
    exit(1);
}
EOF
expect_fail "PHP, MAILWIRE_LIB names a missing file: LibraryException names it" \
  "^Mailwire.LibraryException: .*MAILWIRE_LIB.*$OUT/none/libmailwire\.so: no such file" \
  env MAILWIRE_LIB="$OUT/none/libmailwire.so" php "$OUT/load.php"
echo 'not a library' >"$OUT/garbage.so"
expect_fail "PHP, MAILWIRE_LIB names a file that is not a library" "LibraryException: .*garbage\.so: not a loadable library" \
  env MAILWIRE_LIB="$OUT/garbage.so" php "$OUT/load.php"
expect_fail "PHP, FFI off: LibraryException names ffi.enable" "LibraryException: .*ffi\.enable" \
  env MAILWIRE_LIB="$ROOT/build/libmailwire.so" php -d ffi.enable=0 "$OUT/load.php"
expect "PHP, MAILWIRE_LIB names the library: it loads" "^$VERSION\$" env MAILWIRE_LIB="$ROOT/build/libmailwire.so" php "$OUT/load.php"

# fake NAME VERSION NUMBER: a library that reports VERSION and passes the
# rest through to build/libmailwire.so (its own SONAME, so that both load).
fake() {
  mkdir -p "$OUT/$1"
  gcc -shared -fPIC -Wall -Werror -Iinclude "-DFAKE_VERSION=\"$2\"" "-DFAKE_NUMBER=$3" -o "$OUT/$1/libmailwire.so" \
    tests/packages/fake_version.c -Wl,-soname,libmailwire-fake.so -Wl,--no-as-needed -Lbuild -lmailwire -Wl,-rpath,"$ROOT/build"
}
printf '%s\n' '#include <cstdio>' '#include "mailwire.hpp"' \
  'int main() { try { mailwire::message m; std::puts("no version_error"); return 0; }' \
  '  catch (const mailwire::version_error &e) { std::printf("version_error: %s\n", e.what()); return 3; } }' >"$OUT/version.cpp"
g++ -std=c++17 -Wall -Wextra -Werror -Iinclude -o "$OUT/version" "$OUT/version.cpp" -Lbuild -lmailwire -Wl,-rpath,"$ROOT/build"
expect "C++, the right library: no version_error" "^no version_error$" "$OUT/version"
for v in "next 1.0.0 10000" "old 0.0.9 9"; do
  read -r name ver num <<<"$v"
  if ! fake "$name" "$ver" "$num"; then bad "fake library $ver does not build"; continue; fi
  expect_fail "C++, library $ver: version_error" "^version_error: .*library is version $ver" \
    env LD_PRELOAD="$OUT/$name/libmailwire.so" "$OUT/version"
  expect_fail "Free Pascal, library $ver: EMailwireVersion" "Mailwire library version $ver does not match this Mailwire.pas" \
    env LD_PRELOAD="$OUT/$name/libmailwire.so" "$D/example"
  expect_fail "PHP, library $ver: LibraryException" "LibraryException: .* is version $ver; this binding needs" \
    env MAILWIRE_LIB="$OUT/$name/libmailwire.so" php "$OUT/load.php"
done

step "make uninstall PREFIX=$PREFIX" make -s uninstall PREFIX="$PREFIX"
left=$(find "$PREFIX" -type f -o -type l)
if [ -z "$left" ]; then ok "make uninstall removes every installed file"; else bad "left after uninstall: $left"; fi

finish
