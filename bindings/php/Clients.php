<?php
// Clients.php: Smtp, Pop3, Pool and Server over the library's SMTP/LMTP,
// POP3, pool and embedded server. Loaded by Mailwire.php.

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

    /** @param array{set:string,connect:string,disconnect:string,capabilities:string} $fn the
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

/** Smtp sends messages over SMTP, submission or LMTP (RFC 5321, 6409, 2033). */
final class Smtp extends Client
{
    public function __construct(array $options = [])
    {
        parent::__construct('mw_smtp_new', ['set' => 'mw_smtp_set', 'connect' => 'mw_smtp_connect',
            'disconnect' => 'mw_smtp_disconnect', 'capabilities' => 'mw_smtp_capabilities']);
        $this->configure(fn() => $this->options($options));
    }

    /** send sends $m to its recipients and returns ['partial' => bool, 'recipients' =>
     * [['address', 'code', 'enhanced', 'text'], ...]]. When every recipient or the message
     * is refused it throws RefusedException with ->results. */
    public function send(Message $m): array
    {
        $rc = $this->call(fn() => $this->ffi->mw_smtp_send($this->h, $m->handle()));
        return $this->sendResult($rc, $this->h, $m->handle());
    }

    /** sendMany sends the messages on the open connection, one after the other, with the
     * commands of each pipelined behind the data of the one before (RFC 2920). It returns one
     * result per message, in order, as send returns it plus 'code' (0, Lib::E_PARTIAL or the
     * failure) and 'error' (the exception send would have thrown, or null): a refused message
     * does not stop the others, and when the connection breaks the messages not sent carry
     * its error. It throws only when nothing was sent (not connected, a closed message).
     * @param list<Message> $messages */
    public function sendMany(array $messages): array
    {
        $n = count($messages);
        $handles = $this->ffi->new('int[' . max($n, 1) . ']');
        foreach (array_values($messages) as $i => $m) {
            $handles[$i] = $m->handle();
        }
        $rc = $this->call(fn() => $this->ffi->mw_smtp_send_many($this->h, $handles, $n));
        if ($rc < 0 && $rc > Lib::E_PARTIAL) {
            $this->check($rc); // the caller erred: nothing was sent
        }
        $out = [];
        foreach ($messages as $m) {
            // The code first: reading the results is a call on the message too.
            $code = $m->errorCode();
            try {
                $r = $m->sendResult($code, $m->handle(), $m->handle()) + ['error' => null];
            } catch (MailwireException $e) {
                $r = ['partial' => false, 'recipients' => $e instanceof RefusedException ? $e->results : [], 'error' => $e];
            }
            $out[] = ['code' => $code] + $r;
        }
        return $out;
    }

    public function replyCode(): int
    {
        return $this->ffi->mw_smtp_reply_code($this->h);
    }

    public function reply(): string
    {
        return $this->text($this->ffi->mw_smtp_reply($this->h)) ?? '';
    }

    /** sendUrl connects, sends and quits in one call: smtp://user:pass@host:port?options. */
    public static function sendUrl(string $url, Message $m): array
    {
        return $m->sendResult(Lib::ffi()->mw_send($url, $m->handle()), $m->handle(), $m->handle());
    }
}

/** Pop3 reads a maildrop (RFC 1939, 2449, 2595). Messages are numbered from 1, as RFC 1939 does. */
final class Pop3 extends Client
{
    public function __construct(array $options = [])
    {
        parent::__construct('mw_pop3_new', ['set' => 'mw_pop3_set', 'connect' => 'mw_pop3_connect',
            'disconnect' => 'mw_pop3_disconnect', 'capabilities' => 'mw_pop3_capabilities']);
        $this->configure(fn() => $this->options($options));
    }

    public function count(): int
    {
        return $this->check($this->ffi->mw_pop3_count($this->h));
    }

    public function size(int $number): int
    {
        return $this->check($this->ffi->mw_pop3_size($this->h, $number));
    }

    public function uid(int $number): string
    {
        $s = $this->ffi->mw_pop3_uid($this->h, $number);
        if ($s === null) {
            throw MailwireException::from(Lib::E_NOTFOUND, $this->errorMessage());
        }
        return $s;
    }

    /** retrieve fetches message $number (RETR), parsed as it streams. */
    public function retrieve(int $number): Message
    {
        $m = new Message();
        $this->check($this->call(fn() => $this->ffi->mw_pop3_retrieve($this->h, $number, $m->handle())));
        return $m;
    }

    /** retrieveMany fetches messages $first .. $first+$count-1 with the RETR commands pipelined
     * when the server offers PIPELINING (RFC 2449); with $delete each is also marked deleted.
     * Each message's errorCode() tells how it fared: 0 when it came, Lib::E_NOTFOUND when it
     * does not exist or is marked deleted, a connection code when the connection broke before
     * it came. It throws only when nothing was retrieved (not connected, a bad count).
     * @return list<Message> */
    public function retrieveMany(int $first, int $count, bool $delete = false): array
    {
        if ($count < 0) {
            throw MailwireException::from(Lib::E_ARG, 'count must not be negative');
        }
        $msgs = [];
        $handles = $this->ffi->new('int[' . max($count, 1) . ']');
        for ($i = 0; $i < $count; $i++) {
            $msgs[] = new Message();
            $handles[$i] = $msgs[$i]->handle();
        }
        $rc = $this->call(fn() => $this->ffi->mw_pop3_retrieve_many($this->h, $first, $count, $handles, $delete ? 1 : 0));
        if ($rc < 0 && $rc > Lib::E_PARTIAL && $rc !== Lib::E_NOTFOUND) {
            $this->check($rc);
        }
        return $msgs;
    }

    /** retrieveData fetches message $number as the server sent it (RETR), unparsed. */
    public function retrieveData(int $number): string
    {
        $rc = 0;
        $data = Lib::take(function ($out, $len) use ($number, &$rc) {
            return $rc = $this->call(fn() => $this->ffi->mw_pop3_retrieve_data($this->h, $number, $out, $len));
        });
        $this->check($rc);
        return $data;
    }

    /** retrieveFile fetches message $number into a file, as received. */
    public function retrieveFile(int $number, string $path): void
    {
        $this->check($this->call(fn() => $this->ffi->mw_pop3_retrieve_file($this->h, $number, $path)));
    }

    /** top fetches the headers and the first $lines lines of the body (TOP). */
    public function top(int $number, int $lines = 0): Message
    {
        $m = new Message();
        $this->check($this->ffi->mw_pop3_top($this->h, $number, $lines, $m->handle()));
        return $m;
    }

    /** delete marks message $number deleted; it goes at disconnect (QUIT). */
    public function delete(int $number): void
    {
        $this->check($this->ffi->mw_pop3_delete($this->h, $number));
    }

    /** reset unmarks every deleted message (RSET). */
    public function reset(): void
    {
        $this->check($this->ffi->mw_pop3_reset($this->h));
    }
}

/** Pool shares SMTP connections; options as Smtp plus max_connections and idle_timeout. */
final class Pool extends Handle
{
    public function __construct(array $options = [])
    {
        parent::__construct('mw_pool_new');
        $this->configure(function () use ($options) {
            foreach ($options as $k => $v) {
                $this->check($this->ffi->mw_pool_set($this->h, (string)$k, (string)$v));
            }
        });
    }

    /** send sends $m on a pooled connection; results and errors are the message's. */
    public function send(Message $m): array
    {
        return $this->sendResult($this->ffi->mw_pool_send($this->h, $m->handle()), $m->handle(), $m->handle());
    }
}

/** Server is the embedded loopback mail server for development and tests. */
final class Server extends Handle
{
    public function __construct(array $options = [])
    {
        parent::__construct('mw_server_new');
        $this->configure(function () use ($options) {
            foreach ($options as $k => $v) {
                $this->set((string)$k, (string)$v);
            }
        });
    }

    /** set sets an option before start: users, ca_out, hostname, <service>_port, store, ... */
    public function set(string $option, string $value): self
    {
        $this->check($this->ffi->mw_server_set($this->h, $option, $value));
        return $this;
    }

    public function start(): self
    {
        $this->check($this->ffi->mw_server_start($this->h));
        return $this;
    }

    /** port is the port of smtp, submission, smtps, lmtp, pop3 or pop3s. */
    public function port(string $service): int
    {
        return $this->check($this->ffi->mw_server_port($this->h, $service));
    }

    /** messageCount is the number of messages in $mailbox ("" for all). */
    public function messageCount(string $mailbox = ''): int
    {
        return $this->check($this->ffi->mw_server_message_count($this->h, $mailbox));
    }

    /** message is message $i (0-based, oldest first) of $mailbox as stored. */
    public function message(string $mailbox, int $i): string
    {
        $rc = 0;
        $s = Lib::take(function ($out, $len) use ($mailbox, $i, &$rc) {
            return $rc = $this->ffi->mw_server_message($this->h, $mailbox, $i, $out, $len);
        });
        $this->check($rc);
        return $s;
    }

    public function stop(): void
    {
        $this->check($this->ffi->mw_server_stop($this->h));
    }
}
