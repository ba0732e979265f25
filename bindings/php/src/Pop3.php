<?php

declare(strict_types=1);

namespace Mailwire;

/** Pop3 reads a maildrop (RFC 1939, 2449, 2595). Messages are numbered from 1, as RFC 1939 does. */
final class Pop3 extends Client
{
    public function __construct(array $options = [])
    {
        parent::__construct('mw_pop3_new', ['set' => 'mw_pop3_set', 'connect' => 'mw_pop3_connect',
            'disconnect' => 'mw_pop3_disconnect', 'capabilities' => 'mw_pop3_capabilities', 'oauth2' => 'mw_pop3_use_oauth2']);
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
