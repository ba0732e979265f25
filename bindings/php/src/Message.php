<?php

declare(strict_types=1);

namespace Mailwire;

/** Message is a message held by the library. Fields are set and read by name
 * (From, Subject, TextBody, HtmlBody, any header); get() returns null when absent. */
final class Message extends Handle
{
    public function __construct()
    {
        parent::__construct('mw_message_new');
    }

    /** parse reads a message from its raw bytes (UsageException E_PARSE when it cannot). */
    public static function parse(string $raw): self
    {
        $m = new self();
        $m->check($m->ffi->mw_message_parse($m->h, $raw, strlen($raw)));
        return $m;
    }

    /** load reads a message from an .eml file, streaming. */
    public static function load(string $path): self
    {
        $m = new self();
        $m->check($m->ffi->mw_message_load($m->h, $path));
        return $m;
    }

    /** set sets a field or header; "" removes it. Returns $this for chaining. */
    public function set(string $name, string $value): self
    {
        $this->check($this->ffi->mw_message_set($this->h, $name, $value));
        return $this;
    }

    public function get(string $name): ?string
    {
        return $this->text($this->ffi->mw_message_get($this->h, $name));
    }

    public function __get(string $name): ?string
    {
        return $this->get($name);
    }

    public function __set(string $name, string $value): void
    {
        $this->set($name, $value);
    }

    /** addTo, addCc and addBcc add one address or a comma-separated list; an invalid or
     * ambiguous one throws and adds nothing. */
    public function addTo(string $addresses): self
    {
        $this->check($this->ffi->mw_message_add_to($this->h, $addresses));
        return $this;
    }

    public function addCc(string $addresses): self
    {
        $this->check($this->ffi->mw_message_add_cc($this->h, $addresses));
        return $this;
    }

    public function addBcc(string $addresses): self
    {
        $this->check($this->ffi->mw_message_add_bcc($this->h, $addresses));
        return $this;
    }

    /** attachFile attaches a file, read when the message is rendered or sent. */
    public function attachFile(string $path, ?string $name = null, ?string $contentType = null): self
    {
        $this->check($this->ffi->mw_message_attach_file($this->h, $path, $name, $contentType));
        return $this;
    }

    /** attachData attaches bytes from memory. */
    public function attachData(string $data, string $name, ?string $contentType = null): self
    {
        $this->check($this->ffi->mw_message_attach_data($this->h, $data, strlen($data), $name, $contentType));
        return $this;
    }

    /** embedFile adds an inline part that the HTML body shows with <img src="cid:$contentId">. */
    public function embedFile(string $path, string $contentId): self
    {
        $this->check($this->ffi->mw_message_embed_file($this->h, $path, $contentId));
        return $this;
    }

    /** mime renders the whole message with CRLF line ends. */
    public function mime(): string
    {
        $rc = 0;
        $s = Lib::take(function ($out, $len) use (&$rc) {
            return $rc = $this->ffi->mw_message_mime($this->h, $out, $len);
        });
        $this->check($rc);
        return $s;
    }

    public function __toString(): string
    {
        return $this->mime();
    }

    public function save(string $path): void
    {
        $this->check($this->ffi->mw_message_save($this->h, $path));
    }

    /** size is the exact size in bytes of the rendered message. */
    public function size(): int
    {
        return $this->check($this->ffi->mw_message_size($this->h));
    }

    /** attachments lists the parts that are not a body: name, content_type, size,
     * content_id, disposition. */
    public function attachments(): array
    {
        $n = $this->check($this->ffi->mw_message_attachment_count($this->h));
        $list = [];
        for ($i = 0; $i < $n; $i++) {
            $a = [];
            foreach (['name', 'content_type', 'size', 'content_id', 'disposition'] as $f) {
                $a[$f] = $this->ffi->mw_message_attachment($this->h, $i, $f);
            }
            $a['size'] = (int)$a['size'];
            $list[] = $a;
        }
        return $list;
    }

    /** attachmentData is attachment $i's decoded bytes. */
    public function attachmentData(int $i): string
    {
        $rc = 0;
        $s = Lib::take(function ($out, $len) use ($i, &$rc) {
            return $rc = $this->ffi->mw_message_attachment_data($this->h, $i, $out, $len);
        });
        $this->check($rc);
        return $s;
    }

    /** saveAttachment writes attachment $i to $path; for a directory, under its own name made safe. */
    public function saveAttachment(int $i, string $path): void
    {
        $this->check($this->ffi->mw_message_attachment_save($this->h, $i, $path));
    }

    /** trace lists the Received hops, newest first: from, by, via, with, id, for, date, raw,
     * flags (Lib::WITH_*, null when the keyword is not registered) and protocol. */
    public function trace(): array
    {
        $n = $this->check($this->ffi->mw_message_trace_count($this->h));
        $hops = [];
        for ($i = 0; $i < $n; $i++) {
            $hop = [];
            foreach (['from', 'by', 'via', 'with', 'id', 'for', 'date', 'raw'] as $f) {
                $hop[$f] = $this->ffi->mw_message_trace($this->h, $i, $f);
            }
            $flags = $this->ffi->mw_message_trace_flags($this->h, $i);
            $hop['flags'] = $flags < 0 ? null : $flags;
            $hop['protocol'] = $hop['with'] === null ? null : Lib::withProtocol($hop['with']);
            $hops[] = $hop;
        }
        return $hops;
    }

    /** lastResults are the per-recipient replies of this message's last send. */
    public function lastResults(): array
    {
        return $this->resultsOf($this->h);
    }
}
