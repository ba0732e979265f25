<?php
// gen-cdef.php: derives the declarations that PHP's FFI::cdef reads from
// include/mailwire.h. FFI has no preprocessor, so this keeps the typedefs
// and the MW_API declarations, drops comments, directives and the
// MW_API / MW_CALL macros, and prints one declaration per line.
//
//   php gen-cdef.php ../../include/mailwire.h > mailwire.ffi.h
//   php gen-cdef.php --check ../../include/mailwire.h mailwire.ffi.h

declare(strict_types=1);

/** cdef returns the FFI declarations of the header text $h. */
function cdef(string $h): string
{
    $h = preg_replace('~/\*.*?\*/~s', ' ', $h);
    $h = preg_replace('~//[^\n]*~', ' ', $h);
    $h = preg_replace('~\\\\\n~', ' ', $h);           // directive continuations
    $h = preg_replace('~^\s*#[^\n]*$~m', ' ', $h);     // directives
    $h = preg_replace('~extern\s+"C"\s*\{|^\s*\}\s*$~m', ' ', $h);
    $out = ["/* Generated from include/mailwire.h by bindings/php/gen-cdef.php; do not edit. */"];
    foreach (explode(';', $h) as $stmt) {
        $s = trim(preg_replace('~\s+~', ' ', $stmt));
        if ($s === '') {
            continue;
        }
        if (!str_starts_with($s, 'typedef') && !str_starts_with($s, 'MW_API')) {
            fwrite(STDERR, "gen-cdef: unexpected statement: $s\n");
            exit(2);
        }
        $s = preg_replace('~\bMW_API\s+|\bMW_CALL\s*~', '', $s);
        $s = preg_replace('~\(\s*\*~', '(*', $s);
        $out[] = $s . ';';
    }
    return implode("\n", $out) . "\n";
}

/** constants returns the MW_* integer macros of the header text $h. */
function constants(string $h): array
{
    preg_match_all('~^#define\s+(MW_[A-Z0-9_]+)\s+(-?\d+)~m', $h, $m, PREG_SET_ORDER);
    $c = [];
    foreach ($m as [, $name, $value]) {
        $c[$name] = (int)$value;
    }
    return $c;
}

if (realpath($_SERVER['SCRIPT_FILENAME']) === __FILE__) {
    $args = array_slice($argv, 1);
    $check = ($args[0] ?? '') === '--check';
    if ($check) {
        array_shift($args);
    }
    $header = file_get_contents($args[0] ?? __DIR__ . '/../../include/mailwire.h');
    if ($header === false) {
        exit(2);
    }
    $text = cdef($header);
    if (!$check) {
        echo $text;
        exit(0);
    }
    $have = file_get_contents($args[1] ?? __DIR__ . '/mailwire.ffi.h');
    if ($have !== $text) {
        fwrite(STDERR, "gen-cdef: mailwire.ffi.h is out of date; run: php gen-cdef.php > mailwire.ffi.h\n");
        exit(1);
    }
}
