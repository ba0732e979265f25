<?php

declare(strict_types=1);

namespace Mailwire;

/**
 * OAuth2 holds an application's OAuth 2.0 credentials and the access token they give; token()
 * returns one valid for at least a minute more, fetching a new one when needed. One object may
 * serve any number of clients: it makes one request at a time.
 *
 *     $oauth = new OAuth2(['provider' => 'microsoft', 'tenant' => 'contoso.onmicrosoft.com',
 *         'client_id' => '...', 'client_secret' => '...', 'grant' => 'client_credentials']);
 *     $smtp = (new Smtp(['host' => 'smtp.office365.com', 'username' => 'robot@contoso.com']))
 *         ->useOAuth2($oauth)->connect();
 *
 * Options are those of mw_oauth2_set: provider, tenant, token_url, device_url, client_id,
 * client_secret, client_auth, grant, refresh_token, access_token, expires_at, scope, ca_file,
 * tls_verify, timeout, log_file.
 */
final class OAuth2 extends Handle
{
    public function __construct(array $options = [])
    {
        parent::__construct('mw_oauth2_new');
        $this->configure(function () use ($options) {
            foreach ($options as $k => $v) {
                $this->set((string)$k, (string)$v);
            }
        });
    }

    /** set sets an option; a secret's value never appears in the exception. */
    public function set(string $option, string $value): self
    {
        $this->check($this->ffi->mw_oauth2_set($this->h, $option, $value));
        return $this;
    }

    /** token returns a valid access token, requested now when needed (with grant device_code,
     * after deviceStart, it waits for the user). AuthException means the user or the
     * application must sign in or be set up again; the message holds the server's error. */
    public function token(): string
    {
        $t = $this->ffi->mw_oauth2_token($this->h);
        if ($t === null) {
            throw MailwireException::from($this->ffi->mw_errcode($this->h), $this->ffi->mw_errmsg($this->h));
        }
        return $t;
    }

    /** get reads a field: access_token, refresh_token (keep it after every refresh: the server
     * may replace it), expires_at, token_type, scope, user_code, verification_uri,
     * verification_uri_complete, message, interval, error, error_description, ...; null when it
     * has no value. It never waits for a request. */
    public function get(string $field): ?string
    {
        return $this->text($this->ffi->mw_oauth2_get($this->h, $field));
    }

    /** deviceStart starts the device authorization (RFC 8628) and returns what the user needs:
     * ['user_code', 'verification_uri', 'verification_uri_complete', 'message']. */
    public function deviceStart(): array
    {
        $this->check($this->ffi->mw_oauth2_device_start($this->h));
        $out = [];
        foreach (['user_code', 'verification_uri', 'verification_uri_complete', 'message'] as $f) {
            $out[$f] = $this->get($f);
        }
        return $out;
    }

    /** devicePoll waits for the polling interval, asks once, and returns true when the user has
     * signed in, false while pending; AuthException when denied or expired. */
    public function devicePoll(): bool
    {
        return $this->check($this->ffi->mw_oauth2_device_poll($this->h)) === 0;
    }

    /** cancel aborts the request or device polling in flight. */
    public function cancel(): void
    {
        $this->ffi->mw_cancel($this->h);
    }
}
