<?php
// example_oauth2.php: sending through Microsoft 365 with OAuth2 from PHP, in
// the two shapes a script takes:
//
//   php example_oauth2.php device    a desktop script: the user signs in on
//                                    any device with the code shown
//   php example_oauth2.php service   a service (cron, web app): client
//                                    credentials, no user
//
// For Microsoft 365 set MAILWIRE_CLIENT_ID (your app registration), and for
// the service MAILWIRE_TENANT and MAILWIRE_CLIENT_SECRET. The test suite
// points the object at its test token server instead (MW_TOKEN_URL and
// MW_TOKEN_CA) and the message goes to the embedded server, which is told
// the token the object got, as Microsoft's server would know it.
//
//   MAILWIRE_LIB=../../build/libmailwire.so php example_oauth2.php device

declare(strict_types=1);

require __DIR__ . '/Mailwire.php';

use Mailwire\{MailwireException, Message, OAuth2, Server, Smtp};

$service = ($argv[1] ?? 'device') === 'service';
$env = fn(string $name, string $default) => getenv($name) ?: $default;
$test = getenv('MW_TOKEN_URL') ?: '';

try {
    if ($service) {
        // A service: its own identity and secret, in a tenant.
        $oauth = new OAuth2(['provider' => 'microsoft', 'tenant' => $env('MAILWIRE_TENANT', 'contoso.onmicrosoft.com'),
            'client_id' => $env('MAILWIRE_CLIENT_ID', 'svc'), 'client_secret' => $env('MAILWIRE_CLIENT_SECRET', 's3cret +/=&%'),
            'grant' => 'client_credentials']);
    } else {
        // A desktop script: a public client, the user signs in elsewhere.
        $oauth = new OAuth2(['provider' => 'microsoft', 'client_id' => $env('MAILWIRE_CLIENT_ID', 'dev-now'),
            'grant' => 'device_code']);
    }
    if ($test !== '') {
        $oauth->set('token_url', "$test/token")->set('device_url', "$test/device")->set('ca_file', getenv('MW_TOKEN_CA'));
    }
    if (!$service) {
        $d = $oauth->deviceStart();
        echo $d['message'] ?? "Open {$d['verification_uri']} and enter {$d['user_code']}", "\n";
    }
    $oauth->token(); // waits for the sign-in in the device flow
    echo 'token expires at ', gmdate('Y-m-d H:i:s', (int)$oauth->get('expires_at')), "Z\n";
    if ($oauth->get('refresh_token') !== null) {
        // A desktop script keeps it for its next run, and sets it then: no new sign-in.
        echo "refresh token kept for the next run\n";
    }

    $smtp = ['host' => 'smtp.office365.com', 'port' => 587, 'security' => 'starttls', 'username' => 'robot@contoso.test'];
    $server = null;
    if ($test !== '') {
        $ca = sys_get_temp_dir() . '/mailwire-oauth-' . bin2hex(random_bytes(6)) . '.pem';
        $server = (new Server(['ca_out' => $ca, 'oauth_tokens' => 'robot@contoso.test:' . $oauth->get('access_token')]))->start();
        $smtp = ['host' => 'localhost', 'port' => $server->port('submission'), 'ca_file' => $ca] + $smtp;
    }
    $m = (new Message())->set('From', 'Robot <robot@contoso.test>')->addTo('alice@contoso.test')
        ->set('Subject', 'Nightly report')->set('TextBody', "All systems nominal.\n");
    $client = (new Smtp($smtp))->useOAuth2($oauth)->connect();
    foreach ($client->send($m)['recipients'] as $r) {
        echo "sent: {$r['address']} {$r['code']} {$r['text']}\n";
    }
    $client->disconnect();
    if ($server !== null) {
        echo 'example-oauth2: the server holds ', $server->messageCount('alice'), " message(s)\n";
        $server->stop();
        unlink($ca);
    }
    echo "example-oauth2: done\n";
} catch (MailwireException $e) {
    fwrite(STDERR, sprintf("example-oauth2: %s (%d): %s\n", get_class($e), $e->getCode(), $e->getMessage()));
    exit(1);
}
