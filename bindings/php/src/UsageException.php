<?php

declare(strict_types=1);

namespace Mailwire;

/** UsageException: the caller erred (argument, state, handle); nothing went on the wire. */
class UsageException extends MailwireException
{
}
