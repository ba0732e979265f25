<?php
// Mailwire.php: loads the PHP binding of Mailwire without Composer.
//
//   require '/path/to/mailwire/bindings/php/Mailwire.php';
//
// It registers an autoloader for the Mailwire namespace (the classes live in
// src/, one per file, as Composer's PSR-4 autoloader finds them when the
// package is installed with Composer): one class per library object
// (Message, Smtp, Pop3, Imap, Pool, Server, OAuth2), each owning a handle that
// __destruct closes; error codes become exceptions whose class tells what
// to do next. The FFI declarations come from mailwire.ffi.h, generated from
// include/mailwire.h by gen-cdef.php.
//
// The library itself is loaded on first use (Lib::ffi), in the process that
// uses it: see README.md for where it is looked for. The Go runtime inside
// it does not survive fork(): in a process forked after it was loaded every
// call throws UsageException (E_STATE, "loaded before fork(): load Mailwire
// in the child, not in the parent") at once. So never load it in a process
// that forks workers: not in a PHP-FPM or Apache master (opcache.preload /
// ffi.preload), not in a queue master before pcntl_fork; each worker makes
// its own first call (README.md). The CLI needs nothing; FPM needs
// ffi.enable=1.

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    if (str_starts_with($class, 'Mailwire\\')) {
        $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, strlen('Mailwire\\'))) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
