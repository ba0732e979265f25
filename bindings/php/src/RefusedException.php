<?php

declare(strict_types=1);

namespace Mailwire;

/** RefusedException: the server refused; the connection lives. */
class RefusedException extends MailwireException
{
    /** @var list<array{address:string,code:int,enhanced:string,text:string}> per-recipient replies of a refused send */
    public array $results = [];
}
