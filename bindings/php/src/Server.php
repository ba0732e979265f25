<?php

declare(strict_types=1);

namespace Mailwire;

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
