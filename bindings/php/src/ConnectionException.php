<?php

declare(strict_types=1);

namespace Mailwire;

/** ConnectionException: the connection is gone; connect again. */
class ConnectionException extends MailwireException
{
}
