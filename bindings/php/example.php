<?php
// example.php: Mailwire from PHP. It starts the embedded server, sends a
// message with an attachment through submission (STARTTLS + AUTH, the
// server's CA for verification), reads it back over POP3 (STLS) and prints
// its Received trace.
//
//   MAILWIRE_LIB=../../build/libmailwire.so php example.php
//
// In a Composer project, require 'vendor/autoload.php' instead of Mailwire.php.

declare(strict_types=1);

require __DIR__ . '/Mailwire.php';

use Mailwire\{Lib, Message, Pop3, Server, Smtp, MailwireException};

$dir = sys_get_temp_dir() . '/mailwire-php-' . bin2hex(random_bytes(6));
mkdir($dir);
$ca = "$dir/ca.pem";
try {
    echo 'Mailwire ', Lib::version(), " from PHP\n";
    $server = (new Server(['users' => 'alice:secret,bob:secret', 'ca_out' => $ca]))->start();
    $tls = ['host' => '127.0.0.1', 'security' => 'starttls', 'ca_file' => $ca, 'password' => 'secret'];

    $m = (new Message())
        ->set('From', 'Bob <bob@example.test>')
        ->addTo('Alice <alice@example.test>')
        ->set('Subject', "Quarterly report \u{2713}")
        ->set('TextBody', "Hi Alice,\nthe report is attached.\nBob\n")
        ->attachData("Quarterly figures: all green.\n", 'report.txt', 'text/plain');
    $smtp = (new Smtp($tls + ['port' => $server->port('submission'), 'username' => 'bob']))->connect();
    foreach ($smtp->send($m)['recipients'] as $r) {
        echo "sent: {$r['address']} {$r['code']} {$r['enhanced']} {$r['text']}\n";
    }
    $smtp->disconnect();

    $pop = (new Pop3($tls + ['port' => $server->port('pop3'), 'username' => 'alice']))->connect();
    for ($i = 1, $n = $pop->count(); $i <= $n; $i++) {
        $got = $pop->retrieve($i);
        printf("#%d \"%s\" from %s, %d octets, uid %s\n", $i, $got->get('Subject'), $got->get('From'), $pop->size($i), $pop->uid($i));
        foreach ($got->attachments() as $a) {
            echo "  attachment {$a['name']} ({$a['content_type']}, {$a['size']} bytes)\n";
        }
        // The "with" keyword tells how the message travelled (RFC 3848): ESMTPSA is
        // ESMTP with TLS and AUTH.
        foreach ($got->trace() as $h => $hop) {
            $how = [$hop['protocol'] ?? 'unregistered'];
            foreach (['TLS' => Lib::WITH_TLS, 'AUTH' => Lib::WITH_AUTH, 'UTF8' => Lib::WITH_UTF8] as $name => $bit) {
                if (($hop['flags'] ?? 0) & $bit) {
                    $how[] = $name;
                }
            }
            echo "  hop $h: from {$hop['from']} by {$hop['by']} with {$hop['with']} (", implode(', ', $how), ")\n";
        }
        $pop->delete($i);
    }
    $pop->disconnect();
    echo 'mailbox alice holds ', $server->messageCount('alice'), " messages\n";
    $server->stop();
} catch (MailwireException $e) {
    fprintf(STDERR, "example: %s (%d): %s\n", get_class($e), $e->getCode(), $e->getMessage());
    exit(1);
} finally {
    @unlink($ca);
    @rmdir($dir);
}
