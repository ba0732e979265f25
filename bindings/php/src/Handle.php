<?php

declare(strict_types=1);

namespace Mailwire;

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
