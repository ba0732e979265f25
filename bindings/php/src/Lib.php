<?php

declare(strict_types=1);

namespace Mailwire;

/** Lib holds the one FFI instance of the process and the library's version check. */
final class Lib
{
    public const EXPECTED_MAJOR = 0;
    public const MINIMUM_VERSION = 100;

    public const E_INTERNAL = -1, E_HANDLE = -2, E_ARG = -3, E_STATE = -4, E_OPTION = -5, E_FILE = -6,
        E_BUSY = -7, E_NOTFOUND = -8, E_PARSE = -9;
    public const E_PARTIAL = -20, E_REFUSED = -21, E_TEMPORARY = -22, E_AUTH = -23, E_TOOBIG = -24,
        E_UNSUPPORTED = -25;
    public const E_IO = -40, E_TIMEOUT = -41, E_TLS = -42, E_PROTOCOL = -43, E_SECURITY = -44,
        E_CANCELLED = -45, E_CONNECT = -46, E_CLOSED = -47;
    public const WITH_TLS = 1, WITH_AUTH = 2, WITH_UTF8 = 4;

    /** NAMES are the file names looked for in each directory, the SONAME first. */
    private const NAMES = ['libmailwire.so.0', 'libmailwire.so'];

    private static ?\FFI $ffi = null;
    private static ?string $chosen = null;
    private static ?string $loadedFrom = null;
    private static ?\FFI\CData $trampoline = null;
    private static ?\FFI\CData $logTrampoline = null;

    /** ffi loads the library on first use and checks its version. */
    public static function ffi(): \FFI
    {
        return self::$ffi ??= self::load();
    }

    /** useLibrary names the library file to load, instead of MAILWIRE_LIB and the search;
     * it must come before the first call (LibraryException afterwards, unless it names the
     * file already loaded). */
    public static function useLibrary(string $path): void
    {
        if (self::$ffi !== null && self::$loadedFrom !== $path) {
            throw new LibraryException('Mailwire: the library is already loaded from ' . self::$loadedFrom);
        }
        self::$chosen = $path;
    }

    /** libraryPath is the file or name the library was loaded from (null before the first call). */
    public static function libraryPath(): ?string
    {
        return self::$loadedFrom;
    }

    /** searchPath lists where the library is looked for, in order: the file named by
     * useLibrary, else the MAILWIRE_LIB environment variable, else libmailwire.so.0 and
     * libmailwire.so in the package's folder, /usr/local/lib and /usr/lib, and then by the
     * system's loader (LD_LIBRARY_PATH, the ldconfig cache). */
    public static function searchPath(): array
    {
        if (self::$chosen !== null) {
            return [self::$chosen];
        }
        $env = getenv('MAILWIRE_LIB');
        if (is_string($env) && $env !== '') {
            return [$env];
        }
        $paths = [];
        foreach ([dirname(__DIR__), '/usr/local/lib', '/usr/lib'] as $dir) {
            foreach (self::NAMES as $name) {
                $paths[] = "$dir/$name";
            }
        }
        return array_merge($paths, self::NAMES);
    }

    /** load tries each place of searchPath and says what went wrong where when none works. */
    private static function load(): \FFI
    {
        if (!class_exists(\FFI::class)) {
            throw new LibraryException('Mailwire needs PHP\'s FFI extension (ext-ffi), which this PHP (' .
                PHP_BINARY . ') has not loaded: install or enable it (extension=ffi)');
        }
        // mw_php_progress and mw_php_log hold the one trampoline of each: a closure
        // passed to FFI directly would get a new native thunk, kept until the request
        // ends, per call.
        $cdef = file_get_contents(dirname(__DIR__) . '/mailwire.ffi.h') .
            "typedef struct { mw_progress_fn fn; } mw_php_progress;\n" .
            "typedef struct { mw_log_fn fn; } mw_php_log;\n";
        $tried = [];
        foreach (self::searchPath() as $lib) {
            $isPath = str_contains($lib, '/');
            if ($isPath && !is_file($lib)) {
                $tried[] = "$lib: no such file";
                continue;
            }
            try {
                $ffi = \FFI::cdef($cdef, $lib);
            } catch (\FFI\Exception $e) {
                $tried[] = $lib . ': ' . self::whyNot($e, $isPath);
                continue;
            }
            self::checkVersion($ffi, $lib);
            self::$loadedFrom = $lib;
            return $ffi;
        }
        $how = match (true) {
            self::$chosen !== null => 'Mailwire\Lib::useLibrary() named a file that does not load',
            is_string(getenv('MAILWIRE_LIB')) && getenv('MAILWIRE_LIB') !== '' => 'MAILWIRE_LIB names a file that does not load',
            default => 'set MAILWIRE_LIB to the path of libmailwire.so (under PHP-FPM: env[MAILWIRE_LIB] in the ' .
                'pool\'s configuration) or call Mailwire\Lib::useLibrary()',
        };
        throw new LibraryException("Mailwire: cannot load the library: $how. Tried " . implode('; ', $tried));
    }

    /** whyNot turns FFI's "Failed loading" into a reason, or throws when FFI itself is off. */
    private static function whyNot(\FFI\Exception $e, bool $isPath): string
    {
        $m = $e->getMessage();
        if (str_contains($m, 'ffi.enable')) {
            throw new LibraryException(sprintf('Mailwire: PHP\'s FFI is restricted by ffi.enable ("%s" in %s): ' .
                'set ffi.enable=1 for this SAPI (%s); do not preload the library in PHP-FPM',
                (string)ini_get('ffi.enable'), php_ini_loaded_file() ?: 'php.ini', PHP_SAPI), 0, $e);
        }
        if (preg_match("~Failed resolving C function '(\\w+)'~", $m, $g)) {
            return "it lacks $g[1]: a library older than this binding";
        }
        return $isPath ? 'not a loadable library for this PHP (another architecture, or a library it needs is missing: see ldd)'
            : 'not found by the system loader';
    }

    /** checkVersion refuses a library of another major version or older than this binding. */
    private static function checkVersion(\FFI $ffi, string $lib): void
    {
        $v = $ffi->mw_version_number();
        if (intdiv($v, 10000) !== self::EXPECTED_MAJOR || $v < self::MINIMUM_VERSION) {
            throw new LibraryException(sprintf('Mailwire: the library %s is version %s; this binding needs %d.%d.%d or a later %d.x',
                $lib, $ffi->mw_version(), intdiv(self::MINIMUM_VERSION, 10000), intdiv(self::MINIMUM_VERSION, 100) % 100,
                self::MINIMUM_VERSION % 100, self::EXPECTED_MAJOR));
        }
    }

    /** progressTrampoline is the C function pointer that forwards progress to Client::dispatch. */
    public static function progressTrampoline(): \FFI\CData
    {
        if (self::$trampoline === null) {
            $t = self::ffi()->new('mw_php_progress', false, true);
            $t->fn = static function ($user, $done, $total): void {
                Client::dispatch((int)$done, (int)$total);
            };
            self::$trampoline = $t;
        }
        return self::$trampoline->fn;
    }

    /** logTrampoline is the C function pointer that forwards log lines to Client::dispatchLog. */
    public static function logTrampoline(): \FFI\CData
    {
        if (self::$logTrampoline === null) {
            $t = self::ffi()->new('mw_php_log', false, true);
            // The line arrives as a PHP string (FFI copies a const char * argument).
            $t->fn = static function ($user, $line): void {
                Client::dispatchLog((string)$line);
            };
            self::$logTrampoline = $t;
        }
        return self::$logTrampoline->fn;
    }

    public static function version(): string
    {
        return self::ffi()->mw_version();
    }

    public static function versionNumber(): int
    {
        return self::ffi()->mw_version_number();
    }

    /** openHandles is the number of handles open in the library (for leak checks). */
    public static function openHandles(): int
    {
        return self::ffi()->mw_handle_count();
    }

    public static function strerror(int $code): string
    {
        return self::ffi()->mw_strerror($code);
    }

    /** withProtocol is "SMTP", "ESMTP" or "LMTP" for a registered "with" keyword (RFC 3848), else null. */
    public static function withProtocol(string $keyword): ?string
    {
        return self::ffi()->mw_with_protocol($keyword);
    }

    /** withKeyword is the registered "with" keyword (RFC 3848) for a session of $protocol
     * ("SMTP", "ESMTP" or "LMTP") with the WITH_* $flags, e.g. "ESMTPSA"; null when nothing is
     * registered for the combination. */
    public static function withKeyword(string $protocol, int $flags): ?string
    {
        return self::ffi()->mw_with_keyword($protocol, $flags);
    }

    /** withFlags is the WITH_* flags of a registered keyword, or null. */
    public static function withFlags(string $keyword): ?int
    {
        $f = self::ffi()->mw_with_flags($keyword);
        return $f < 0 ? null : $f;
    }

    /** take copies a buffer that the library handed over through "char **out" and frees it. */
    public static function take(callable $call): string
    {
        $ffi = self::ffi();
        $out = $ffi->new('char*');
        $len = $ffi->new('size_t');
        $rc = $call(\FFI::addr($out), \FFI::addr($len));
        try {
            return $rc < 0 || \FFI::isNull($out) ? '' : \FFI::string($out, $len->cdata);
        } finally {
            $ffi->mw_free($out);
        }
    }
}
