<?php

declare(strict_types=1);

namespace Mailwire;

/** AuthException: the server refused the credentials (MW_E_AUTH). */
class AuthException extends RefusedException
{
}
