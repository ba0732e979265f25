<?php
// test.php: the PHP binding against the built library and its embedded
// server. Prints "php: N passed, N failed" and exits non-zero on failure.
//
//   MAILWIRE_LIB=../../build/libmailwire.so php test.php

declare(strict_types=1);

require __DIR__ . '/Mailwire.php';
require_once __DIR__ . '/gen-cdef.php';

use Mailwire\{AuthException, ConnectionException, Lib, Message, Pool, Pop3, RefusedException, Server, Smtp, UsageException};

$passed = 0;
$failed = 0;

function check(bool $ok, string $what): void
{
    global $passed, $failed;
    if ($ok) {
        $passed++;
    } else {
        $failed++;
        echo "FAIL: $what\n";
    }
}

function equal(mixed $want, mixed $got, string $what): void
{
    check($want === $got, sprintf('%s: want %s, got %s', $what, var_export($want, true), var_export($got, true)));
}

/** throws checks that $f throws $class with $code. */
function throws(string $class, int $code, callable $f, string $what): void
{
    try {
        $f();
        check(false, "$what: no exception");
    } catch (\Throwable $e) {
        check($e instanceof $class && $e->getCode() === $code,
            sprintf('%s: want %s(%d), got %s(%d): %s', $what, $class, $code, get_class($e), $e->getCode(), $e->getMessage()));
    }
}

function run(string $name, callable $t): void
{
    global $failed;
    try {
        $t();
    } catch (\Throwable $e) {
        $failed++;
        echo "FAIL: $name: ", get_class($e), ': ', $e->getMessage(), "\n";
    }
}

function letter(string $to, string $subject): Message
{
    return (new Message())->set('From', 'Bob <bob@example.test>')->addTo($to)->set('Subject', $subject)
        ->set('TextBody', "Hello,\nthis is a test.\n.\nA line with a dot above.\n");
}

$dir = sys_get_temp_dir() . '/mailwire-php-test-' . bin2hex(random_bytes(6));
mkdir($dir);
$ca = "$dir/ca.pem";
$header = file_get_contents(__DIR__ . '/../../include/mailwire.h');

run('declarations match the header', function () use ($header) {
    equal(cdef($header), file_get_contents(__DIR__ . '/mailwire.ffi.h'), 'mailwire.ffi.h is generated from include/mailwire.h');
    $r = new ReflectionClass(Lib::class);
    foreach (constants($header) as $name => $value) {
        if (preg_match('~^MW_(E_[A-Z]+|WITH_[A-Z0-9]+)$~', $name, $m)) {
            equal($value, $r->getConstant($m[1]), "Lib::{$m[1]} is $name");
        }
    }
});

$baseline = Lib::openHandles();

run('version', function () use ($header) {
    preg_match('~#define MW_VERSION_NUMBER (\d+)~', $header, $m);
    equal((int)$m[1], Lib::versionNumber(), 'library version is the header version');
    equal(Lib::EXPECTED_MAJOR, intdiv(Lib::versionNumber(), 10000), 'major version');
});

run('compose', function () use ($dir) {
    $data = '';
    for ($i = 0; $i < 3000; $i++) {
        $data .= chr(($i * 7) & 255);
    }
    $m = letter('"Müller, Jörg" <j@example.test>, alice@example.test', "Grüße \u{2713}")
        ->addCc('carol@example.test')->addBcc('hidden@example.test')
        ->attachData($data, 'data.bin', 'application/octet-stream');
    $text = $m->mime();
    check(!str_contains(str_replace("\r\n", '', $text), "\n"), 'CRLF line ends only');
    check(!str_contains($text, 'hidden@example.test'), 'Bcc not rendered');
    check(str_contains($text, 'Subject: =?'), 'non-ASCII subject encoded');
    equal(strlen($text), $m->size(), 'size is the rendered size');
    $m->save("$dir/m.eml");
    $p = Message::parse(file_get_contents("$dir/m.eml"));
    $l = Message::load("$dir/m.eml");
    equal("Grüße \u{2713}", $p->get('Subject'), 'parsed subject');
    equal("Grüße \u{2713}", $l->Subject, 'loaded subject (property)');
    check(str_contains($p->get('To') ?? '', 'j@example.test'), 'parsed To');
    $a = $p->attachments();
    equal(1, count($a), 'attachment count');
    equal('data.bin', $a[0]['name'], 'attachment name');
    equal(3000, $a[0]['size'], 'attachment size');
    equal($data, $p->attachmentData(0), 'attachment bytes round trip');
    equal(null, $p->get('X-Not-There'), 'absent header is null');
    throws(UsageException::class, Lib::E_NOTFOUND, fn() => $p->attachmentData(5), 'attachment out of range');
});

run('injection', function () {
    $m = new Message();
    throws(UsageException::class, Lib::E_ARG, fn() => $m->set('Subject', "hi\r\nBcc: victim@example.test"), 'CRLF in Subject');
    throws(UsageException::class, Lib::E_ARG, fn() => $m->addTo('a@evil.test@good.test'), 'ambiguous address');
    throws(UsageException::class, Lib::E_ARG, fn() => $m->addTo("x@y.test\r\nRCPT TO:<z@y.test>"), 'CRLF in address');
    equal(null, $m->get('To'), 'nothing added after refusals');
});

run('closed handle', function () {
    $m = letter('alice@example.test', 'x');
    $m->close();
    $m->close();
    throws(UsageException::class, Lib::E_HANDLE, fn() => $m->set('Subject', 'after'), 'set after close');
    throws(UsageException::class, Lib::E_HANDLE, fn() => $m->get('Subject'), 'get after close');
    throws(UsageException::class, Lib::E_HANDLE, fn() => $m->mime(), 'render after close');
    $s = new Smtp();
    $s->close();
    throws(UsageException::class, Lib::E_HANDLE, fn() => $s->connect(), 'connect after close');
});

$server = (new Server(['users' => 'alice:secret,bob:secret', 'ca_out' => $ca]))->start();
$tls = ['host' => '127.0.0.1', 'security' => 'starttls', 'ca_file' => $ca];
$submission = fn(string $user, string $pass) => (new Smtp($tls + ['port' => $server->port('submission'), 'username' => $user, 'password' => $pass]))->connect();

run('send and read back', function () use ($server, $tls, $submission) {
    $before = $server->messageCount('alice');
    $m = letter('Alice <alice@example.test>', 'Report')->attachData("all green\n", 'report.txt', 'text/plain');
    $c = $submission('bob', 'secret');
    $caps = $c->capabilities();
    check((bool)preg_grep('~^AUTH~', $caps), 'AUTH among capabilities');
    check(!in_array('STARTTLS', $caps, true), 'STARTTLS not offered again inside TLS');
    $r = $c->send($m);
    equal(false, $r['partial'], 'not partial');
    equal(1, count($r['recipients']), 'one result');
    equal('alice@example.test', $r['recipients'][0]['address'], 'result address');
    equal(250, $r['recipients'][0]['code'], 'result code');
    equal(1, count($m->lastResults()), 'results on the message too');
    equal(250, $c->replyCode(), 'reply code');
    $c->disconnect();
    equal($before + 1, $server->messageCount('alice'), 'stored in alice\'s mailbox');
    check(str_starts_with($server->message('alice', $before), 'Received:'), 'stored with a Received header first');

    $p = (new Pop3($tls + ['port' => $server->port('pop3'), 'username' => 'alice', 'password' => 'secret']))->connect();
    $n = $p->count();
    equal($before + 1, $n, 'POP3 count');
    check($p->uid($n) !== '', 'uid');
    check($p->size($n) > 100, 'size');
    $got = $p->retrieve($n);
    equal('Report', $got->get('Subject'), 'retrieved subject');
    equal("all green\n", $got->attachmentData(0), 'retrieved attachment');
    $hop = $got->trace()[0];
    equal('ESMTPSA', $hop['with'], 'trace keyword');
    equal(Lib::WITH_TLS | Lib::WITH_AUTH, $hop['flags'], 'trace flags');
    equal('ESMTP', $hop['protocol'], 'trace protocol');
    equal('Report', $p->top($n, 0)->get('Subject'), 'TOP headers');
    throws(UsageException::class, Lib::E_NOTFOUND, fn() => $p->size($n + 5), 'size of a missing message');
    $p->delete($n);
    $p->reset();
    $p->disconnect();
    equal($before + 1, $server->messageCount('alice'), 'reset kept the message');
});

run('wrong password', function () use ($server, $tls, $submission) {
    throws(AuthException::class, Lib::E_AUTH, fn() => $submission('bob', 'wrong'), 'SMTP wrong password');
    $p = new Pop3(['host' => '127.0.0.1', 'port' => $server->port('pop3s'), 'security' => 'tls', 'ca_file' => $tls['ca_file'],
        'username' => 'alice', 'password' => 'wrong']);
    throws(AuthException::class, Lib::E_AUTH, fn() => $p->connect(), 'POP3 wrong password');
});

run('refused recipients', function () use ($submission) {
    $c = $submission('bob', 'secret');
    $r = $c->send(letter('alice@example.test, reject-me@example.test, tempfail-x@example.test', 'Partial'));
    equal(true, $r['partial'], 'partial');
    $codes = array_column($r['recipients'], 'code', 'address');
    equal(['alice@example.test' => 250, 'reject-me@example.test' => 550, 'tempfail-x@example.test' => 450], $codes, 'codes per recipient');
    try {
        $c->send(letter('reject-all@example.test', 'Nobody'));
        check(false, 'all refused: no exception');
    } catch (RefusedException $e) {
        equal(Lib::E_REFUSED, $e->getCode(), 'all refused code');
        equal(550, $e->results[0]['code'] ?? 0, 'results on the exception');
    }
    equal(false, $c->send(letter('alice@example.test', 'Still connected'))['partial'], 'the connection lives after a refusal');
});

run('security', function () use ($server) {
    $c = new Smtp(['host' => '127.0.0.1', 'port' => $server->port('submission'), 'security' => 'none',
        'auth' => 'plain', 'username' => 'bob', 'password' => 'secret']);
    throws(ConnectionException::class, Lib::E_SECURITY, fn() => $c->connect(), 'password without TLS');
    $c = new Smtp(['host' => '127.0.0.1', 'port' => $server->port('smtps'), 'security' => 'tls']);
    throws(ConnectionException::class, Lib::E_TLS, fn() => $c->connect(), 'unknown CA');
    throws(UsageException::class, Lib::E_OPTION, fn() => new Smtp(['no_such_option' => '1']), 'unknown option');
});

run('progress', function () use ($submission) {
    $seen = [];
    $c = $submission('bob', 'secret');
    $m = letter('alice@example.test', 'Big')->attachData(str_repeat("\0", 200000), 'big.bin');
    $c->onProgress(function (int $done, int $total) use (&$seen) {
        $seen[] = $done;
    });
    $c->send($m);
    check(count($seen) > 1, 'progress called more than once');
    check(end($seen) >= 200000, 'progress reached the end');
    $sorted = $seen;
    sort($sorted);
    equal($sorted, $seen, 'progress never goes back');
    $c->onProgress(function () {
        throw new LogicException('handler failed');
    });
    try {
        $c->send($m);
        check(false, 'a failing handler surfaces');
    } catch (LogicException $e) {
        check(true, 'handler exception thrown from send');
    }
});

run('protocol log', function () use ($submission) {
    $lines = [];
    $c = $submission('bob', 'secret');
    $c->disconnect();
    $c->onLog(function (string $line) use (&$lines) {
        $lines[] = $line;
    });
    $c->connect();
    $c->send(letter('alice@example.test', 'Logged'));
    $has = fn(string $prefix) => count(array_filter($lines, fn($l) => str_starts_with($l, $prefix))) > 0;
    check($has('C: EHLO '), 'EHLO logged');
    check($has('C: AUTH '), 'AUTH logged');
    check($has('C: MAIL FROM:<'), 'MAIL logged');
    check($has('S: 250'), 'replies logged');
    check(count(array_filter($lines, fn($l) => str_contains(str_replace('<secret>', '', $l), 'secret'))) === 0,
        'no password in the log');
    $c->disconnect();
    $n = count($lines);
    $c->onLog(null);
    $c->connect();
    equal($n, count($lines), 'no lines after onLog(null)');
    $c->disconnect();
    $c->onLog(function () {
        throw new LogicException('log handler failed');
    });
    try {
        $c->connect();
        check(false, 'a failing log handler surfaces');
    } catch (LogicException $e) {
        check(true, 'log handler exception thrown from connect');
    }
});

run('pool', function () use ($server, $ca) {
    $before = $server->messageCount('alice');
    $pool = new Pool(['host' => '127.0.0.1', 'port' => $server->port('submission'), 'security' => 'starttls',
        'ca_file' => $ca, 'username' => 'bob', 'password' => 'secret', 'max_connections' => 2]);
    for ($i = 0; $i < 5; $i++) {
        equal(250, $pool->send(letter('alice@example.test', "pool $i"))['recipients'][0]['code'] ?? 0, "pool send $i");
    }
    equal($before + 5, $server->messageCount('alice'), 'pool messages stored');
});

run('send url', function () use ($server, $ca) {
    $url = sprintf('smtp://bob:secret@127.0.0.1:%d?security=starttls&ca_file=%s', $server->port('submission'), rawurlencode($ca));
    equal(250, Smtp::sendUrl($url, letter('alice@example.test', 'url'))['recipients'][0]['code'] ?? 0, 'one-call send');
});

$server->stop();
unset($server, $submission);
gc_collect_cycles();
equal($baseline, Lib::openHandles(), 'open handles after every object is gone');
@unlink("$dir/m.eml");
@unlink($ca);
@rmdir($dir);
echo "php: $passed passed, $failed failed\n";
exit($failed === 0 ? 0 : 1);
