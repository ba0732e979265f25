<?php
// fork_test.php: the PHP binding and pcntl_fork.
//
// 1. Loaded before the fork: the parent starts the embedded server and sends
//    through it, then forks. In the child every call, without network (a new
//    Message, a message of the parent) and with it (the parent's SMTP client
//    connecting, a URL send, a server of its own), throws UsageException with
//    MW_E_STATE and the text "loaded before fork(): ..." within a second; a
//    child that hangs is killed after 10 s and fails the test. The parent
//    keeps working.
// 2. Loaded after the fork (a fresh PHP process, run by this script with the
//    argument "after"): the child loads the library and sends through its
//    own server; the parent, which had not loaded it, can load it after.
//
// Prints "phpfork: N passed, N failed" and exits non-zero on failure.
//
//   MAILWIRE_LIB=build/libmailwire.so php tests/php/fork_test.php

declare(strict_types=1);

require __DIR__ . '/../../bindings/php/Mailwire.php';

use Mailwire\{Lib, Message, Server, Smtp, UsageException};

const FORK_TEXT = 'loaded before fork(): load Mailwire in the child, not in the parent';

$passed = 0;
$failed = 0;

function check(bool $ok, string $what): void
{
    global $passed, $failed;
    if ($ok) {
        $passed++;
    } else {
        $failed++;
        fwrite(STDOUT, "FAIL: $what\n");
    }
}

/** refused checks that $f throws UsageException(MW_E_STATE) with the fork text. */
function refused(callable $f, string $what): void
{
    try {
        $f();
        check(false, "$what: no exception in the forked child");
    } catch (\Throwable $e) {
        check($e instanceof UsageException && $e->getCode() === Lib::E_STATE && $e->getMessage() === FORK_TEXT,
            sprintf('%s: want UsageException(%d) "%s", got %s(%d): %s', $what, Lib::E_STATE, FORK_TEXT,
                get_class($e), $e->getCode(), $e->getMessage()));
    }
}

function letter(string $subject): Message
{
    return (new Message())->set('From', 'parent@example.test')->addTo('alice@example.test')
        ->set('Subject', $subject)->set('TextBody', "hello\n");
}

/** fork runs $child in a forked process, waits up to 10 s for it and adds the
 * counts it reports through a temporary file. */
function fork(callable $child, string $what): void
{
    global $passed, $failed;
    $file = tempnam(sys_get_temp_dir(), 'mw-fork');
    $pid = pcntl_fork();
    if ($pid < 0) {
        check(false, "$what: pcntl_fork failed");
        return;
    }
    if ($pid === 0) {
        $passed = $failed = 0;
        try {
            $child();
        } catch (\Throwable $e) {
            check(false, "$what: the child threw " . get_class($e) . ': ' . $e->getMessage());
        }
        file_put_contents($file, "$passed $failed");
        // Leave at once: the parent's objects must not be torn down here.
        posix_kill(posix_getpid(), SIGKILL);
    }
    $status = 0;
    $done = 0;
    for ($i = 0; $i < 1000 && ($done = pcntl_waitpid($pid, $status, WNOHANG)) === 0; $i++) {
        usleep(10000);
    }
    if ($done === 0) {
        posix_kill($pid, SIGKILL);
        pcntl_waitpid($pid, $status);
        check(false, "$what: the forked child hung (killed after 10 s)");
    }
    $counts = @file_get_contents($file);
    @unlink($file);
    if (!is_string($counts) || !preg_match('/^(\d+) (\d+)$/', $counts, $m)) {
        check(false, "$what: no result from the child");
        return;
    }
    $passed += (int)$m[1];
    $failed += (int)$m[2];
}

function loadedBefore(): void
{
    $server = (new Server(['require_tls_for_auth' => '0']))->start();
    $port = $server->port('smtp');
    $url = "smtp://127.0.0.1:$port?security=none";
    $msg = letter('from the parent');
    $smtp = new Smtp(['host' => '127.0.0.1', 'port' => (string)$port, 'security' => 'none']);
    Smtp::sendUrl($url, $msg);

    fork(function () use ($server, $url, $msg, $smtp) {
        $t0 = hrtime(true);
        // Without network.
        refused(fn() => new Message(), 'new Message');
        refused(fn() => $msg->set('Subject', 'from the child'), 'Message::set of the parent\'s message');
        refused(fn() => $msg->mime(), 'Message::mime');
        refused(fn() => $server->messageCount(), 'Server::messageCount');
        check(Lib::strerror(Lib::E_STATE) === FORK_TEXT, 'Lib::strerror in the child');
        // With network.
        refused(fn() => $smtp->connect(), 'Smtp::connect of the parent\'s client');
        refused(fn() => Smtp::sendUrl($url, $msg), 'Smtp::sendUrl');
        refused(fn() => new Smtp(['host' => '127.0.0.1']), 'new Smtp');
        refused(fn() => (new Server())->start(), 'a server of its own');
        $took = (hrtime(true) - $t0) / 1e9;
        check($took < 1.0, sprintf('the child got its errors within a second (%.3f s)', $took));
        printf("phpfork: the child's refused calls took %.6f s\n", $took);
    }, 'loaded before the fork');

    // The parent keeps working.
    check($msg->get('Subject') === 'from the parent', 'the parent\'s message is untouched');
    Smtp::sendUrl($url, $msg);
    $smtp->connect();
    $smtp->send($msg);
    $smtp->disconnect();
    check($server->messageCount('alice') === 3, 'the parent sent 3 messages: ' . $server->messageCount('alice'));
    $smtp->close();
    $msg->close();
    $server->stop();
    $server->close();
    check(Lib::openHandles() === 0, 'no handle left open in the parent');
}

function loadedAfter(): void
{
    fork(function () {
        $server = (new Server(['require_tls_for_auth' => '0']))->start();
        $url = 'smtp://127.0.0.1:' . $server->port('smtp') . '?security=none';
        Smtp::sendUrl($url, letter('from the child'));
        check($server->messageCount('alice') === 1, 'a child that loads the library itself sends');
        $server->stop();
        $server->close();
    }, 'loaded after the fork');
    // The parent had not loaded it; it can now.
    $server = (new Server(['require_tls_for_auth' => '0']))->start();
    $url = 'smtp://127.0.0.1:' . $server->port('smtp') . '?security=none';
    Smtp::sendUrl($url, letter('from the parent'));
    check($server->messageCount('alice') === 1, 'the parent loads the library after its child');
    $server->stop();
    $server->close();
}

if (($argv[1] ?? '') === 'after') {
    loadedAfter();
    echo "$passed $failed\n";
    exit($failed === 0 ? 0 : 1);
}

loadedBefore();
// The second case needs a process that has not loaded the library yet.
$out = [];
exec(escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg(__FILE__) . ' after 2>&1', $out, $rc);
$last = end($out);
if (is_string($last) && preg_match('/^(\d+) (\d+)$/', $last, $m)) {
    $passed += (int)$m[1];
    $failed += (int)$m[2];
    foreach (array_slice($out, 0, -1) as $line) {
        echo "$line\n";
    }
} else {
    check(false, "the load-after-fork run printed no result (exit $rc):\n" . implode("\n", $out));
}
check($rc === 0, "the load-after-fork run exits 0 (exit $rc)");
echo "phpfork: $passed passed, $failed failed\n";
exit($failed === 0 ? 0 : 1);
