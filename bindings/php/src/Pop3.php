<?php

declare(strict_types=1);

namespace Mailwire;

/** Pop3 reads a maildrop (RFC 1939, 2449, 2595). Messages are numbered from 1, as RFC 1939 does. */
final class Pop3 extends Client
{
    public function __construct(array $options = [])
    {
        parent::__construct('mw_pop3_new', 'pop3');
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
