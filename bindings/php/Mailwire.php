<?php
// Mailwire.php: the PHP binding of Mailwire over FFI.
//
// One class per library object (Message, Smtp, Pop3, Pool, Server, OAuth2); each
// owns a handle that __destruct closes. Error codes become exceptions whose
// class tells what to do next. The FFI declarations come from mailwire.ffi.h,
// generated from include/mailwire.h by gen-cdef.php.
//
// The library is loaded on first use (Lib::ffi), in the process that uses
// it. The Go runtime inside it does not survive fork(): in a process forked
// after it was loaded every call throws UsageException (E_STATE, "loaded
// before fork(): load Mailwire in the child, not in the parent") at once.
// So never load it in a process that forks workers: not in a PHP-FPM or
// Apache master (opcache.preload / ffi.preload), not in a queue master
// before pcntl_fork; each worker makes its own first call (README.md). The
// CLI needs nothing; FPM needs ffi.enable=1. The library is found through
// MAILWIRE_LIB, else by the system's loader as libmailwire.so.

declare(strict_types=1);

namespace Mailwire;

/** MailwireException carries an MW_E_* code (getCode) and the library's message. */
class MailwireException extends \RuntimeException
{
    /** from builds the exception of the code's group. */
    public static function from(int $code, string $message): self
    {
        if ($message === '') {
            $message = Lib::ffi()->mw_strerror($code);
        }
        return match (true) {
            $code === Lib::E_AUTH => new AuthException($message, $code),
            $code <= -40 => new ConnectionException($message, $code),
            $code <= -20 => new RefusedException($message, $code),
            default => new UsageException($message, $code),
        };
    }
}

/** UsageException: the caller erred (argument, state, handle); nothing went on the wire. */
class UsageException extends MailwireException
{
}

/** RefusedException: the server refused; the connection lives. */
class RefusedException extends MailwireException
{
    /** @var list<array{address:string,code:int,enhanced:string,text:string}> per-recipient replies of a refused send */
    public array $results = [];
}

/** AuthException: the server refused the credentials (MW_E_AUTH). */
class AuthException extends RefusedException
{
}

/** ConnectionException: the connection is gone; connect again. */
class ConnectionException extends MailwireException
{
}

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

    private static ?\FFI $ffi = null;
    private static ?\FFI\CData $trampoline = null;
    private static ?\FFI\CData $logTrampoline = null;

    /** ffi loads the library on first use and checks its major version. */
    public static function ffi(): \FFI
    {
        if (self::$ffi === null) {
            $lib = getenv('MAILWIRE_LIB') ?: 'libmailwire.so';
            // mw_php_progress and mw_php_log hold the one trampoline of each: a closure
            // passed to FFI directly would get a new native thunk, kept until the request
            // ends, per call.
            $ffi = \FFI::cdef(file_get_contents(__DIR__ . '/mailwire.ffi.h') .
                "typedef struct { mw_progress_fn fn; } mw_php_progress;\n" .
                "typedef struct { mw_log_fn fn; } mw_php_log;\n", $lib);
            $v = $ffi->mw_version_number();
            if (intdiv($v, 10000) !== self::EXPECTED_MAJOR || $v < self::MINIMUM_VERSION) {
                throw new \RuntimeException(sprintf('Mailwire library %s (%d) does not match this binding (major %d, at least %d)',
                    $ffi->mw_version(), $v, self::EXPECTED_MAJOR, self::MINIMUM_VERSION));
            }
            self::$ffi = $ffi;
        }
        return self::$ffi;
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

/** Handle is the base of every object: it owns a library handle and closes it. */
abstract class Handle
{
    protected \FFI $ffi;
    protected int $h;
    protected bool $closed = false;

    protected function __construct(string $new)
    {
        $this->ffi = Lib::ffi();
        $h = $this->ffi->$new();
        if ($h <= 0) {
            throw MailwireException::from($h, Lib::strerror($h));
        }
        $this->h = $h;
    }

    /** handle is the library handle's number. */
    public function handle(): int
    {
        return $this->h;
    }

    /** errorMessage is the library's message for the last call on this object ("" after success). */
    public function errorMessage(): string
    {
        return $this->ffi->mw_errmsg($this->h);
    }

    /** errorCode is the MW_E_* code of the last call on this object, 0 after a success: what
     * errorMessage describes. */
    public function errorCode(): int
    {
        return $this->ffi->mw_errcode($this->h);
    }

    /** close releases the handle now; later calls throw UsageException (MW_E_HANDLE). */
    public function close(): void
    {
        if (!$this->closed) {
            $this->closed = true;
            $this->ffi->mw_close($this->h);
        }
    }

    public function __destruct()
    {
        $this->close();
    }

    /** configure runs the rest of a constructor; when it throws, PHP never calls
     * __destruct, so the handle is closed here. */
    protected function configure(callable $f): void
    {
        try {
            $f();
        } catch (\Throwable $e) {
            $this->close();
            throw $e;
        }
    }

    /** check throws for a negative code, with this handle's message. */
    protected function check(int $rc): int
    {
        if ($rc < 0) {
            throw MailwireException::from($rc, $this->ffi->mw_errmsg($this->h));
        }
        return $rc;
    }

    /** text returns a library-owned string; null when absent, an exception when the call failed. */
    protected function text(?string $s): ?string
    {
        if ($s !== null) {
            return $s;
        }
        $err = $this->ffi->mw_errmsg($this->h);
        if ($err === '') {
            return null;
        }
        throw MailwireException::from($this->closed ? Lib::E_HANDLE : Lib::E_ARG, $err);
    }

    /** results reads the per-recipient results of the last send on handle $h. */
    protected function resultsOf(int $h): array
    {
        $r = [];
        $n = $this->ffi->mw_smtp_result_count($h);
        for ($i = 0; $i < $n; $i++) {
            $f = fn(string $name) => $this->ffi->mw_smtp_result($h, $i, $name) ?? '';
            $r[] = ['address' => $f('address'), 'code' => (int)$f('code'), 'enhanced' => $f('enhanced'), 'text' => $f('text')];
        }
        return $r;
    }

    /** sendResult turns a send's code into its results: a partial send returns them with
     * 'partial' => true; a refusal throws RefusedException carrying them. */
    protected function sendResult(int $rc, int $errHandle, int $msg): array
    {
        // The message first: reading the results is a call on the message handle, which
        // clears its message.
        $err = $rc < 0 ? $this->ffi->mw_errmsg($errHandle) : '';
        $results = $this->resultsOf($msg);
        if ($rc === Lib::E_PARTIAL) {
            return ['partial' => true, 'recipients' => $results];
        }
        if ($rc < 0) {
            $e = MailwireException::from($rc, $err);
            if ($e instanceof RefusedException) {
                $e->results = $results;
            }
            throw $e;
        }
        return ['partial' => false, 'recipients' => $results];
    }
}

require_once __DIR__ . '/Message.php';
require_once __DIR__ . '/Clients.php';
require_once __DIR__ . '/OAuth2.php';
