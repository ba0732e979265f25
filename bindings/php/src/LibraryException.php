<?php

declare(strict_types=1);

namespace Mailwire;

/** LibraryException: the library could not be used at all: FFI is off, the file is not
 * found or does not load (the message lists every place tried), or its version does not
 * match this binding. getCode() is 0: no call reached the library. */
class LibraryException extends MailwireException
{
}
