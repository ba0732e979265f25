<?php

declare(strict_types=1);

namespace Mailwire;

/** Pool shares SMTP connections; options as Smtp plus max_connections and idle_timeout. */
final class Pool extends Handle
{
    public function __construct(array $options = [])
    {
        parent::__construct('mw_pool_new');
        $this->configure(function () use ($options) {
            foreach ($options as $k => $v) {
                $this->check($this->ffi->mw_pool_set($this->h, (string)$k, (string)$v));
            }
        });
    }

    /** the OAuth2 object in use, referenced while the library uses it */
    private ?OAuth2 $oauth2 = null;

    /** send sends $m on a pooled connection; results and errors are the message's. */
    public function send(Message $m): array
    {
        return $this->sendResult($this->ffi->mw_pool_send($this->h, $m->handle()), $m->handle(), $m->handle());
    }

    /** useOAuth2 makes every connection log in with the tokens of $oauth, before the first
     * send; a refused token is replaced once for all of them. */
    public function useOAuth2(?OAuth2 $oauth): self
    {
        $this->check($this->ffi->mw_pool_use_oauth2($this->h, $oauth?->handle() ?? 0));
        $this->oauth2 = $oauth;
        return $this;
    }
}
