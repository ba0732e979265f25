<?php

declare(strict_types=1);

namespace Mailwire;

/** Smtp sends messages over SMTP, submission or LMTP (RFC 5321, 6409, 2033). */
final class Smtp extends Client
{
    public function __construct(array $options = [])
    {
        parent::__construct('mw_smtp_new', ['set' => 'mw_smtp_set', 'connect' => 'mw_smtp_connect',
            'disconnect' => 'mw_smtp_disconnect', 'capabilities' => 'mw_smtp_capabilities', 'oauth2' => 'mw_smtp_use_oauth2']);
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
