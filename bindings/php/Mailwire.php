<?php
// Mailwire.php: loads the PHP binding of Mailwire without Composer.
//
//   require '/path/to/mailwire/bindings/php/Mailwire.php';
//
// It registers an autoloader for the Mailwire namespace (the classes live in
// src/, one per file, as Composer's PSR-4 autoloader finds them when the
// package is installed with Composer). The library itself is loaded on
// first use: see README.md for where it is looked for.

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    if (str_starts_with($class, 'Mailwire\\')) {
        $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, strlen('Mailwire\\'))) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
