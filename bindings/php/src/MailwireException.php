<?php

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
