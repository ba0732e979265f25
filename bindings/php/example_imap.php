<?php
// example_imap.php: IMAP from PHP. It starts the embedded server, delivers
// two messages to alice through submission, then reads her mailbox over
// IMAP (STARTTLS, the server's CA for verification): lists the folders,
// searches the unseen messages, fetches them, flags the first one and moves
// the second to the Trash folder.
//
//   MAILWIRE_LIB=../../build/libmailwire.so php example_imap.php
//
// In a Composer project, require 'vendor/autoload.php' instead of Mailwire.php.

declare(strict_types=1);

require __DIR__ . '/Mailwire.php';

use Mailwire\{Imap, Lib, Message, Server, Smtp, MailwireException};

$dir = sys_get_temp_dir() . '/mailwire-php-imap-' . bin2hex(random_bytes(6));
mkdir($dir);
$ca = "$dir/ca.pem";
try {
    echo 'Mailwire ', Lib::version(), " from PHP, IMAP\n";
    $server = (new Server(['users' => 'alice:secret,bob:secret', 'ca_out' => $ca]))->start();
    $tls = ['host' => '127.0.0.1', 'security' => 'starttls', 'ca_file' => $ca, 'password' => 'secret'];

    $smtp = (new Smtp($tls + ['port' => $server->port('submission'), 'username' => 'bob']))->connect();
    foreach (['Lunch on Friday?', 'Minutes of the meeting'] as $subject) {
        $smtp->send((new Message())
            ->set('From', 'Bob <bob@example.test>')
            ->addTo('Alice <alice@example.test>')
            ->set('Subject', $subject)
            ->set('TextBody', "Hi Alice,\n$subject\nBob\n"));
    }
    $smtp->disconnect();

    $imap = (new Imap($tls + ['port' => $server->port('imap'), 'username' => 'alice']))->connect();
    $trash = 'Trash';
    foreach ($imap->folders() as $f) {
        echo "folder {$f['name']} [", implode(' ', $f['flags']), ']',
            $f['special_use'] !== '' ? " special use {$f['special_use']}" : '', "\n";
        if ($f['special_use'] === '\\Trash') {
            $trash = $f['name'];
        }
    }

    echo 'INBOX holds ', $imap->select('INBOX'), " messages\n";
    $unseen = $imap->search('UNSEEN');
    echo 'unseen: ', count($unseen), ' (UIDs ', implode(', ', $unseen), ")\n";
    foreach ($unseen as $uid) {
        $m = $imap->fetch($uid);
        printf("uid %d: \"%s\" from %s\n", $uid, $m->get('Subject'), $m->get('From'));
    }

    $imap->store($unseen[0], '\\Seen \\Flagged', Imap::ADD);
    echo "uid {$unseen[0]} flags: ", implode(' ', $imap->flags($unseen[0])), "\n";
    $imap->move($unseen[1], $trash);
    echo "moved uid {$unseen[1]} to $trash\n";
    echo 'INBOX: ', $imap->status('exists'), ' message(s), ', $imap->status('unseen'), " unseen\n";
    echo "$trash: ", $imap->select($trash, true), " message(s)\n";
    $imap->disconnect();
    $server->stop();
} catch (MailwireException $e) {
    fprintf(STDERR, "example-imap: %s (%d): %s\n", get_class($e), $e->getCode(), $e->getMessage());
    exit(1);
} finally {
    @unlink($ca);
    @rmdir($dir);
}
