<?php

declare(strict_types=1);

namespace Mailwire;

/** Smtp sends messages over SMTP, submission or LMTP (RFC 5321, 6409, 2033). */
final class Smtp extends Client
{
    public function __construct(array $options = [])
    {
        parent::__construct('mw_smtp_new', 'smtp');
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
