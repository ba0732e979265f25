<?php

declare(strict_types=1);

namespace Mailwire;

/** Client holds what Smtp and Pop3 share: options, connect, progress, log, cancel. */
abstract class Client extends Handle
{
    /** @var ?callable(int $done, int $total): void */
    private $progress = null;
    /** @var ?callable(string $line): void */
    private $log = null;
    private ?\Throwable $callbackError = null;

    /** @var ?Client the client whose call is running: PHP runs one at a time, and the
     * library calls back only on the calling thread, during the call. */
    private static ?Client $current = null;

    /** the OAuth2 object in use, referenced while the library uses it */
    private ?OAuth2 $oauth2 = null;

    /** @param array{set:string,connect:string,disconnect:string,capabilities:string,oauth2:string} $fn the
     * library functions of this kind of client, by what they do. */
    protected function __construct(string $new, private array $fn)
    {
        parent::__construct($new);
        // The library takes the callback into a connection when it connects, so one shared
        // trampoline is set now; onProgress only chooses where it forwards.
        $this->check($this->ffi->mw_set_progress($this->h, Lib::progressTrampoline(), null));
    }

    /** dispatch forwards a progress report to the running client's function. */
    public static function dispatch(int $done, int $total): void
    {
        $c = self::$current;
        if ($c === null || $c->progress === null) {
            return;
        }
        try {
            ($c->progress)($done, $total);
        } catch (\Throwable $e) {
            $c->failed($e);
        }
    }

    /** dispatchLog forwards a protocol log line to the running client's function. */
    public static function dispatchLog(string $line): void
    {
        $c = self::$current;
        if ($c === null || $c->log === null) {
            return;
        }
        try {
            ($c->log)($line);
        } catch (\Throwable $e) {
            $c->failed($e);
        }
    }

    /** failed keeps a callback's exception: throwing through the library is fatal in
     * PHP, so the call is cancelled and call() throws it. */
    private function failed(\Throwable $e): void
    {
        $this->callbackError ??= $e;
        $this->ffi->mw_cancel($this->h);
    }

    /** set sets an option by name (host, port, security, username, password, ca_file, ...). */
    public function set(string $option, string $value): static
    {
        $f = $this->fn['set'];
        $this->check($this->ffi->$f($this->h, $option, $value));
        return $this;
    }

    /** options sets several options at once. */
    public function options(array $options): static
    {
        foreach ($options as $k => $v) {
            $this->set((string)$k, (string)$v);
        }
        return $this;
    }

    /** onProgress sets a function called with the bytes of a message sent or retrieved so
     * far and the total (-1 when unknown), during the call; null removes it. An exception it
     * throws cancels the call and is thrown from it. */
    public function onProgress(?callable $fn): static
    {
        $this->progress = $fn;
        return $this;
    }

    /** onLog sets a function called with each line of the protocol log ("C: " and a
     * command, "S: " and a reply line, "* " and a note; secrets as <secret>) of the
     * connections made from then on; null removes it. An exception it throws cancels the
     * call and is thrown from it. */
    public function onLog(?callable $fn): static
    {
        $this->log = $fn;
        return $this;
    }

    /** call runs a library call that may invoke the progress or log function. */
    protected function call(callable $f): int
    {
        $this->callbackError = null;
        $outer = self::$current;
        self::$current = $this;
        try {
            $rc = $f();
        } finally {
            self::$current = $outer;
        }
        $e = $this->callbackError;
        $this->callbackError = null;
        if ($e !== null) {
            throw $e;
        }
        return $rc;
    }

    /** useOAuth2 makes connect log in as the "username" option's mailbox with the tokens of
     * $oauth (XOAUTH2 or OAUTHBEARER, whichever the server offers); a token the server refuses
     * is replaced once and the login tried again. null stops it. */
    public function useOAuth2(?OAuth2 $oauth): static
    {
        $f = $this->fn['oauth2'];
        $this->check($this->ffi->$f($this->h, $oauth?->handle() ?? 0));
        $this->oauth2 = $oauth;
        return $this;
    }

    /** connect connects, negotiates TLS as the "security" option says and logs in when
     * username and password are set. */
    public function connect(): static
    {
        // The library takes the log callback at connect: only when someone listens.
        $this->check($this->ffi->mw_set_log($this->h, $this->log === null ? null : Lib::logTrampoline(), null));
        $f = $this->fn['connect'];
        $this->check($this->call(fn() => $this->ffi->$f($this->h)));
        return $this;
    }

    /** disconnect sends QUIT and closes the connection (POP3 deletions take effect). */
    public function disconnect(): void
    {
        $f = $this->fn['disconnect'];
        $this->check($this->ffi->$f($this->h));
    }

    /** cancel aborts the call in flight (from a signal handler or a callback). */
    public function cancel(): void
    {
        $this->ffi->mw_cancel($this->h);
    }

    /** capabilities are the EHLO keywords or CAPA lines, one per entry. */
    public function capabilities(): array
    {
        $f = $this->fn['capabilities'];
        $s = $this->text($this->ffi->$f($this->h));
        return $s === null || $s === '' ? [] : explode("\n", rtrim($s, "\n"));
    }
}
