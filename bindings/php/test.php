<?php
// test.php: the PHP binding against the built library and its embedded
// server. Prints "php: N passed, N failed" and exits non-zero on failure.
//
//   MAILWIRE_LIB=../../build/libmailwire.so php test.php

declare(strict_types=1);

require __DIR__ . '/Mailwire.php';
require_once __DIR__ . '/gen-cdef.php';

use Mailwire\{AuthException, ConnectionException, Imap, Lib, Message, OAuth2, Pool, Pop3, RefusedException, Server, Smtp, UsageException};

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

$server = (new Server(['users' => 'alice:secret,bob:secret,carol:secret,dave:secret', 'ca_out' => $ca]))->start();
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
    equal($hop['with'], Lib::withKeyword($hop['protocol'], $hop['flags']), "the keyword of the hop's protocol and flags");
    equal($hop['flags'], Lib::withFlags($hop['with']), "the flags of the hop's keyword");
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
    try {
        Smtp::sendUrl(str_replace(':secret@', ':wrong@', $url), letter('alice@example.test', 'url'));
        check(false, 'one-call send with a wrong password: no exception');
    } catch (AuthException $e) {
        check($e->getMessage() !== Lib::strerror(Lib::E_AUTH), 'the library\'s message, not only the code\'s text: ' . $e->getMessage());
    }
});

run('transmission types', function () {
    equal('ESMTPSA', Lib::withKeyword('ESMTP', Lib::WITH_TLS | Lib::WITH_AUTH), 'withKeyword(ESMTP, TLS|AUTH)');
    equal('UTF8LMTPS', Lib::withKeyword('lmtp', Lib::WITH_TLS | Lib::WITH_UTF8), 'withKeyword(lmtp, TLS|UTF8)');
    equal(null, Lib::withKeyword('SMTP', Lib::WITH_TLS), 'nothing registered for SMTP with TLS');
    equal(Lib::WITH_TLS | Lib::WITH_AUTH, Lib::withFlags('esmtpsa'), 'withFlags(esmtpsa)');
    equal(null, Lib::withFlags('LSMTPS'), 'the misspelt LSMTPS');
    equal('LMTP', Lib::withProtocol('UTF8LMTPSA'), 'withProtocol(UTF8LMTPSA)');
    $m = Message::parse("Received: from a by b with UTF8SMTPS; Mon, 1 Jan 2024 10:00:00 +0000\r\n" .
        "Received: from c by d with HTTP; Mon, 1 Jan 2024 09:00:00 +0000\r\nSubject: x\r\n\r\nbody\r\n");
    $trace = $m->trace();
    equal(Lib::WITH_TLS | Lib::WITH_UTF8, $trace[0]['flags'], 'parsed hop 0 flags');
    equal('ESMTP', $trace[0]['protocol'], 'parsed hop 0 protocol');
    equal([null, null], [$trace[1]['flags'], $trace[1]['protocol']], 'an unregistered keyword in hop 1');
});

run('error codes', function () {
    $m = new Message();
    try {
        $m->addTo('bad <');
    } catch (UsageException $e) {
    }
    equal(Lib::E_ARG, $m->errorCode(), 'errorCode after a refusal');
    $m->set('Subject', 'fine');
    equal(0, $m->errorCode(), 'errorCode after a success');
});

run('send many', function () use ($server, $submission) {
    $before = $server->messageCount('carol');
    $c = $submission('bob', 'secret');
    $batch = [letter('carol@example.test', 'batch 0'), letter('reject-all@example.test', 'batch 1'),
        letter('carol@example.test, reject-me@example.test', 'batch 2'), letter('carol@example.test', 'batch 3')];
    $r = $c->sendMany($batch);
    equal(4, count($r), 'one result per message');
    equal([0, Lib::E_REFUSED, Lib::E_PARTIAL, 0], array_column($r, 'code'), 'the codes');
    check($r[0]['error'] === null && $r[0]['partial'] === false, 'batch 0 accepted');
    check($r[1]['error'] instanceof RefusedException && $r[1]['error']->getMessage() !== Lib::strerror(Lib::E_REFUSED),
        'batch 1 carries the exception send would throw');
    equal(550, $r[1]['recipients'][0]['code'] ?? 0, 'batch 1 recipient code');
    check($r[2]['partial'] === true && $r[2]['error'] === null, 'batch 2 partial');
    equal([], $c->sendMany([]), 'an empty batch');
    $c->disconnect();
    equal($before + 3, $server->messageCount('carol'), 'three stored for carol');
    $cold = new Smtp();
    throws(UsageException::class, Lib::E_STATE, fn() => $cold->sendMany([letter('carol@example.test', 'never')]), 'sendMany when not connected');
});

run('retrieve many', function () use ($server, $tls) {
    $p = (new Pop3($tls + ['port' => $server->port('pop3'), 'username' => 'carol', 'password' => 'secret']))->connect();
    $n = $p->count();
    check($n >= 3, "carol has the batch: $n");
    $all = $p->retrieveMany(1, $n);
    equal(array_fill(0, $n, 0), array_map(fn($m) => $m->errorCode(), $all), 'every message came');
    equal('batch 0', $all[0]->get('Subject'), 'first subject');
    $past = $p->retrieveMany($n, 2, true);
    equal([0, Lib::E_NOTFOUND], array_map(fn($m) => $m->errorCode(), $past), 'the one past the end did not come');
    $raw = $p->retrieveData(1);
    check(str_starts_with($raw, 'Received: ') && str_contains($raw, "Subject: batch 0\r\n"), 'retrieveData is the message as sent');
    throws(UsageException::class, Lib::E_NOTFOUND, fn() => $p->retrieveData($n + 5), 'retrieveData of a missing message');
    $p->disconnect();
    equal($n - 1, $server->messageCount('carol'), 'retrieveMany with delete removed the last message');
    throws(UsageException::class, Lib::E_STATE, fn() => (new Pop3())->retrieveMany(1, 1), 'retrieveMany when not connected');
});

run('imap', function () use ($server, $tls, $submission, $dir) {
    $c = $submission('bob', 'secret');
    $c->send(letter('dave@example.test', 'imap one'));
    $c->send(letter('dave@example.test', 'imap two'));
    $c->disconnect();
    $cancelOnIdle = false;
    $imap = new Imap($tls + ['port' => $server->port('imap'), 'username' => 'dave', 'password' => 'secret']);
    $imap->onLog(function (string $line) use (&$cancelOnIdle, &$imap) {
        if ($cancelOnIdle && str_ends_with($line, ' IDLE')) {
            $imap->cancel();
        }
    });
    $imap->connect();
    check(in_array('IDLE', $imap->capabilities(), true), 'IDLE among capabilities');
    $folders = $imap->folders();
    $byName = array_column($folders, null, 'name');
    check(isset($byName['INBOX']), 'INBOX listed: ' . implode('|', array_keys($byName)));
    equal(2, $byName['INBOX']['messages'] ?? null, 'INBOX count from LIST-STATUS');
    equal('/', $folders[0]['delimiter'], 'delimiter');
    check(in_array('\\Trash', array_column($folders, 'special_use'), true), 'a folder with special use \\Trash');

    $imap->createFolder('Projekte/Größe');
    $imap->renameFolder('Projekte/Größe', 'Archiv ✓');
    check(in_array('Archiv ✓', array_column($imap->folders(), 'name'), true), 'the UTF-8 folder after RENAME');
    throws(RefusedException::class, Lib::E_REFUSED, fn() => $imap->createFolder('Archiv ✓'), 'CREATE of an existing folder');

    equal(2, $imap->select('INBOX'), 'SELECT count');
    equal('2', $imap->status('exists'), 'status exists');
    check((int)$imap->status('uidvalidity') > 0, 'status uidvalidity');
    $unseen = $imap->search('UNSEEN');
    equal(2, count($unseen), 'two unseen');
    equal($unseen, $imap->search(), 'ALL');
    equal(1, count($imap->search('SUBJECT "imap two"')), 'SUBJECT search');
    throws(UsageException::class, Lib::E_ARG, fn() => $imap->search("ALL\r\nA1 DELETE INBOX"), 'criteria with CRLF');
    throws(UsageException::class, Lib::E_ARG, fn() => $imap->search('(UNSEEN'), 'unbalanced parenthesis');

    [$first, $second] = $unseen;
    equal('imap one', $imap->fetch($first)->get('Subject'), 'fetched subject');
    check(!in_array('\\Seen', $imap->flags($first), true), 'BODY.PEEK leaves \\Seen unset');
    $many = $imap->fetchMany([$first, $second, 4000000000]);
    equal([0, 0, Lib::E_NOTFOUND], array_map(fn($m) => $m->errorCode(), $many), 'fetchMany: two came, a missing UID did not');
    equal('imap two', $many[1]->get('Subject'), 'fetchMany in order');
    $imap->fetchFile($second, "$dir/imap.eml");
    check(str_contains(file_get_contents("$dir/imap.eml"), "Subject: imap two\r\n"), 'fetchFile');
    @unlink("$dir/imap.eml");
    throws(UsageException::class, Lib::E_NOTFOUND, fn() => $imap->fetch(4000000000), 'fetch of a missing UID');

    $imap->store($first, '\\Seen \\Flagged');
    check(in_array('\\Flagged', $imap->flags($first), true), 'flag added');
    $imap->store($first, ['\\Flagged'], Imap::REMOVE);
    $after = $imap->flags($first);
    check(in_array('\\Seen', $after, true) && !in_array('\\Flagged', $after, true), 'flag removed: ' . implode(' ', $after));
    throws(UsageException::class, Lib::E_ARG, fn() => $imap->store($first, '\\Recent'), '\\Recent cannot be stored');
    equal([$second], $imap->search('UNSEEN'), 'one unseen after the flag');

    $imap->copy($first, 'Trash');
    $imap->move($first, 'Archiv ✓');
    equal([$second], $imap->search(), 'one left in INBOX after MOVE');
    equal(1, $imap->select('Archiv ✓'), 'the moved message is in the folder');
    equal('imap one', $imap->fetch($imap->search()[0])->get('Subject'), 'the moved message');
    equal(1, $imap->select('Trash'), 'the copy');
    $imap->store($imap->search()[0], '\\Deleted');
    $imap->expunge();
    equal([], $imap->search(), 'EXPUNGE removed the \\Deleted message');

    $uid = $imap->append('INBOX', letter('dave@example.test', 'appended'), ['\\Seen']);
    check($uid > 0, "APPEND gives the UID (UIDPLUS): $uid");
    equal(2, $imap->select('INBOX'), 'INBOX after APPEND');
    check(in_array($uid, $imap->search('SEEN'), true), 'the appended message is \\Seen');

    equal(false, $imap->idle(1), 'IDLE times out without a change');
    $cancelOnIdle = true;
    throws(ConnectionException::class, Lib::E_CANCELLED, fn() => $imap->idle(60), 'IDLE ended by cancel()');
    $cancelOnIdle = false;
    equal(2, $imap->select('INBOX'), 'the connection stays open after a cancelled IDLE');

    $imap->deleteFolder('Archiv ✓');
    throws(UsageException::class, Lib::E_NOTFOUND, fn() => $imap->deleteFolder('Archiv ✓'), 'DELETE of a missing folder');
    $imap->disconnect();
    $imap->onLog(null);
    unset($imap);
    throws(UsageException::class, Lib::E_STATE, fn() => (new Imap())->select('INBOX'), 'SELECT when not connected');
    throws(AuthException::class, Lib::E_AUTH, fn() => (new Imap(['host' => '127.0.0.1', 'port' => $server->port('imaps'),
        'security' => 'tls', 'ca_file' => $tls['ca_file'], 'username' => 'dave', 'password' => 'wrong']))->connect(), 'IMAP wrong password');
});

// OAuth2 against the test token server (tests/oauth/tokenserver, started by the suite): each
// run its own token family, since the server numbers tokens by family.
$tokenUrl = getenv('MW_TOKEN_URL') ?: '';
$tokenCa = getenv('MW_TOKEN_CA') ?: '';
$fam = bin2hex(random_bytes(4));
check($tokenUrl !== '', 'MW_TOKEN_URL is set (tests/oauth/tokenserver.sh starts the token server)');
$oauth = fn(string $client, string $path = '/token') => new OAuth2(['token_url' => $tokenUrl . $path,
    'device_url' => "$tokenUrl/device", 'ca_file' => $tokenCa, 'client_id' => $client]);

run('oauth2 grants', function () use ($oauth, $fam) {
    $o = $oauth('app')->set('client_secret', 'app-secret')->set('refresh_token', "rt-rotphp$fam");
    equal("at-rotphp$fam-1", $o->token(), 'refreshed token');
    equal("rt-rotphp$fam~1", $o->get('refresh_token'), 'rotated refresh token');
    check((int)$o->get('expires_at') > time() + 3000, 'expires_at');
    equal(null, $o->get('user_code'), 'a field without a value');
    throws(UsageException::class, Lib::E_ARG, fn() => $o->get('colour'), 'unknown field');
    throws(UsageException::class, Lib::E_OPTION, fn() => $o->set('grant', 'password'), 'bad grant');
    $o->set('refresh_token', 'rt-bad');
    try {
        $o->token();
        check(false, 'a token from a bad refresh token');
    } catch (AuthException $e) {
        check(str_contains($e->getMessage(), 'invalid_grant') && !str_contains($e->getMessage(), 'app-secret')
            && !str_contains($e->getMessage(), 'rt-bad'), 'message ' . $e->getMessage());
    }
    equal('invalid_grant', $o->get('error'), 'error field');
    $svc = $oauth('svc')->set('client_secret', 's3cret +/=&%')->set('grant', 'client_credentials');
    check(str_starts_with($svc->token(), 'at-svc-'), 'client credentials');
    $html = $oauth('app', '/html/token')->set('client_secret', 'app-secret')->set('refresh_token', 'rt-x');
    throws(ConnectionException::class, Lib::E_PROTOCOL, fn() => $html->token(), 'an HTML page');
    $busy = $oauth('app', '/503/token')->set('client_secret', 'app-secret')->set('refresh_token', 'rt-x');
    throws(RefusedException::class, Lib::E_TEMPORARY, fn() => $busy->token(), 'temporarily unavailable');
    $plain = new OAuth2(['token_url' => 'http://127.0.0.1:9/token', 'refresh_token' => 'rt-x']);
    throws(ConnectionException::class, Lib::E_SECURITY, fn() => $plain->token(), 'plain http');
});

run('oauth2 device flow', function () use ($oauth) {
    $o = $oauth('dev-now')->set('grant', 'device_code');
    $d = $o->deviceStart();
    check(str_starts_with($d['user_code'], 'WDJB-') && str_ends_with($d['verification_uri'], '/device-login'), 'user code');
    check(str_contains($d['message'], $d['user_code']), 'message');
    check($o->devicePoll(), 'granted at the first poll');
    check(str_starts_with($o->token(), 'at-dev-now-'), 'device token');
    equal('rt-dev-now', $o->get('refresh_token'), 'refresh token from the device grant');
    $deny = $oauth('dev-deny')->set('grant', 'device_code');
    $deny->deviceStart();
    throws(AuthException::class, Lib::E_AUTH, fn() => $deny->token(), 'access denied');
});

run('oauth2 clients', function () use ($oauth, $fam, $dir) {
    $mca = "$dir/oauth-mail-ca.pem";
    $srv = (new Server(['ca_out' => $mca, 'oauth_tokens' => "alice@mx.test:at-php$fam-2"]))->start();
    $o = $oauth('pub')->set('refresh_token', "rt-php$fam");
    $tls = ['host' => 'localhost', 'security' => 'tls', 'ca_file' => $mca, 'username' => 'alice@mx.test'];
    $smtp = (new Smtp($tls + ['port' => $srv->port('smtps')]))->useOAuth2($o)->connect();
    $r = $smtp->send((new Message())->set('From', 'alice@mx.test')->addTo('bob@mx.test')->set('Subject', 'token')->set('TextBody', "hi\n"));
    equal(250, $r['recipients'][0]['code'], 'sent with the refreshed token');
    $smtp->disconnect();
    equal("at-php$fam-2", $o->get('access_token'), 'one refresh after the refusal');
    $pop = (new Pop3($tls + ['port' => $srv->port('pop3s')]))->useOAuth2($o)->connect();
    equal(0, $pop->count(), 'POP3 with the token');
    $pop->disconnect();
    $imap = (new Imap($tls + ['port' => $srv->port('imaps')]))->useOAuth2($o)->connect();
    equal(0, $imap->select('INBOX', true), 'IMAP with the token');
    $imap->disconnect();
    $pool = (new Pool($tls + ['port' => $srv->port('smtps')]))->useOAuth2($o);
    $pool->send((new Message())->set('From', 'alice@mx.test')->addTo('bob@mx.test')->set('Subject', 'pooled')->set('TextBody', "hi\n"));
    equal(2, $srv->messageCount('bob'), 'messages stored');
    $srv->stop();
    @unlink($mca);
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
