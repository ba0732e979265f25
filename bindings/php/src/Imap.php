<?php

declare(strict_types=1);

namespace Mailwire;

/** Imap reads and manages mailboxes over IMAP (RFC 3501, RFC 9051 when offered, with UIDPLUS,
 * MOVE, IDLE, LITERAL+, SPECIAL-USE, CONDSTORE). Messages are named by UID, never by sequence
 * number: a UID stays valid while the folder's "uidvalidity" stays the same. Folder names are
 * UTF-8 strings; the library encodes them for the wire. */
final class Imap extends Client
{
    /** store modes: add the flags, remove them, or replace them all. */
    public const ADD = 1, REMOVE = -1, SET = 0;

    public function __construct(array $options = [])
    {
        parent::__construct('mw_imap_new', ['set' => 'mw_imap_set', 'connect' => 'mw_imap_connect',
            'disconnect' => 'mw_imap_disconnect', 'capabilities' => 'mw_imap_capabilities', 'oauth2' => 'mw_imap_use_oauth2']);
        $this->configure(fn() => $this->options($options));
    }

    /** str returns a library-owned string; null after a failed call throws that call's error. */
    private function str(?string $s): ?string
    {
        if ($s !== null) {
            return $s;
        }
        $code = $this->errorCode();
        if ($code < 0) {
            throw MailwireException::from($code, $this->errorMessage());
        }
        return null;
    }

    /** folders lists every folder (LIST "" "*"): each an array with 'name' (UTF-8, levels
     * joined by 'delimiter'), 'delimiter' ('' when the server has none), 'flags' (list of
     * attributes: "\HasChildren", "\Noselect", ...), 'special_use' ("\Sent", "\Trash", ... or
     * ''), and, from LIST-STATUS, 'messages', 'unseen', 'uidnext', 'uidvalidity' (int, or
     * null when the server did not say).
     * @return list<array{name:string,delimiter:string,flags:list<string>,special_use:string,messages:?int,unseen:?int,uidnext:?int,uidvalidity:?int}> */
    public function folders(): array
    {
        $n = $this->check($this->call(fn() => $this->ffi->mw_imap_folder_count($this->h)));
        $out = [];
        for ($i = 0; $i < $n; $i++) {
            $f = fn(string $field) => $this->str($this->ffi->mw_imap_folder($this->h, $i, $field)) ?? '';
            $num = fn(string $field) => ($v = $f($field)) === '' ? null : (int)$v;
            $flags = $f('flags');
            $out[] = [
                'name' => $f('name'),
                'delimiter' => $f('delimiter'),
                'flags' => $flags === '' ? [] : explode(' ', $flags),
                'special_use' => $f('special_use'),
                'messages' => $num('messages'),
                'unseen' => $num('unseen'),
                'uidnext' => $num('uidnext'),
                'uidvalidity' => $num('uidvalidity'),
            ];
        }
        return $out;
    }

    /** createFolder creates a folder (CREATE); a refusal (it exists, a bad name) throws
     * RefusedException. */
    public function createFolder(string $name): void
    {
        $this->check($this->call(fn() => $this->ffi->mw_imap_create($this->h, $name)));
    }

    /** renameFolder renames a folder (RENAME). */
    public function renameFolder(string $from, string $to): void
    {
        $this->check($this->call(fn() => $this->ffi->mw_imap_rename($this->h, $from, $to)));
    }

    /** deleteFolder deletes a folder (DELETE); UsageException E_NOTFOUND when it does not exist. */
    public function deleteFolder(string $name): void
    {
        $this->check($this->call(fn() => $this->ffi->mw_imap_delete_folder($this->h, $name)));
    }

    /** select opens a folder (SELECT, or EXAMINE with $readOnly) and returns its message
     * count. A failed select leaves no folder selected. */
    public function select(string $folder, bool $readOnly = false): int
    {
        return $this->check($this->call(fn() => $this->ffi->mw_imap_select($this->h, $folder, $readOnly ? 1 : 0)));
    }

    /** status is a field of the selected folder as text: "uidvalidity", "uidnext", "exists"
     * (kept current), "unseen" (asked when called), "highestmodseq", "recent", "name",
     * "readonly". UsageException E_STATE when no folder is selected. */
    public function status(string $field): string
    {
        return $this->str($this->ffi->mw_imap_status($this->h, $field)) ?? '';
    }

    /** search returns the UIDs of the selected folder's messages that match $criteria, IMAP
     * SEARCH syntax ('UNSEEN FROM "alice"'; '' for ALL). Criteria that could add a command
     * (CR, LF, unbalanced quotes or parentheses, a literal) throw UsageException (E_ARG)
     * before anything is sent.
     * @return list<int> */
    public function search(string $criteria = ''): array
    {
        $n = $this->check($this->call(fn() => $this->ffi->mw_imap_search($this->h, $criteria)));
        $uids = [];
        for ($i = 0; $i < $n; $i++) {
            $uids[] = $this->check($this->ffi->mw_imap_search_uid($this->h, $i));
        }
        return $uids;
    }

    /** fetch retrieves message $uid (UID FETCH BODY.PEEK[]: \Seen is not set), parsed as it
     * streams. UsageException E_NOTFOUND when the folder has no such UID. */
    public function fetch(int $uid): Message
    {
        $m = new Message();
        $this->check($this->call(fn() => $this->ffi->mw_imap_fetch($this->h, $uid, $m->handle())));
        return $m;
    }

    /** fetchFile retrieves message $uid into a file, as received; a partly written file is
     * removed. */
    public function fetchFile(int $uid, string $path): void
    {
        $this->check($this->call(fn() => $this->ffi->mw_imap_fetch_file($this->h, $uid, $path)));
    }

    /** fetchMany retrieves the messages $uids in one pipelined stream, one Message per UID, in
     * order. Each message's errorCode() tells how it fared: 0 when it came, Lib::E_NOTFOUND
     * when the server did not return it, a connection code when the connection broke before
     * it came. It throws only when nothing was retrieved (not connected, no folder selected).
     * @param list<int> $uids
     * @return list<Message> */
    public function fetchMany(array $uids): array
    {
        $uids = array_values($uids);
        $count = count($uids);
        $msgs = [];
        $ids = $this->ffi->new('long long[' . max($count, 1) . ']');
        $handles = $this->ffi->new('int[' . max($count, 1) . ']');
        for ($i = 0; $i < $count; $i++) {
            $msgs[] = new Message();
            $ids[$i] = (int)$uids[$i];
            $handles[$i] = $msgs[$i]->handle();
        }
        $rc = $this->call(fn() => $this->ffi->mw_imap_fetch_many($this->h, $ids, $count, $handles));
        if ($rc < 0 && $rc > Lib::E_PARTIAL && $rc !== Lib::E_NOTFOUND) {
            $this->check($rc);
        }
        return $msgs;
    }

    /** flags are the flags of message $uid ("\Seen", "$Label1", ...).
     * @return list<string> */
    public function flags(int $uid): array
    {
        $s = $this->str($this->ffi->mw_imap_flags($this->h, $uid)) ?? '';
        return $s === '' ? [] : explode(' ', $s);
    }

    /** store changes the flags of message $uid (UID STORE): $mode Imap::ADD adds them,
     * Imap::REMOVE removes them, Imap::SET replaces them all. $flags is space-separated
     * ("\Seen \Flagged $Work") or a list. A flag that is not an atom, or \Recent, throws
     * UsageException (E_ARG).
     * @param string|list<string> $flags */
    public function store(int $uid, string|array $flags, int $mode = self::ADD): void
    {
        $flags = is_array($flags) ? implode(' ', $flags) : $flags;
        $this->check($this->call(fn() => $this->ffi->mw_imap_store($this->h, $uid, $flags, $mode)));
    }

    /** copy copies message $uid to $folder (UID COPY). */
    public function copy(int $uid, string $folder): void
    {
        $this->check($this->call(fn() => $this->ffi->mw_imap_copy($this->h, $uid, $folder)));
    }

    /** move moves message $uid to $folder: UID MOVE when offered, else UID COPY, \Deleted and
     * UID EXPUNGE (without UIDPLUS, EXPUNGE, which also removes every other message flagged
     * \Deleted). */
    public function move(int $uid, string $folder): void
    {
        $this->check($this->call(fn() => $this->ffi->mw_imap_move($this->h, $uid, $folder)));
    }

    /** expunge removes the messages flagged \Deleted from the selected folder. */
    public function expunge(): void
    {
        $this->check($this->call(fn() => $this->ffi->mw_imap_expunge($this->h)));
    }

    /** append adds $message to $folder (APPEND, streamed) with $flags (space-separated or a
     * list) and returns its new UID when the server says it (UIDPLUS), else 0. RefusedException
     * E_TOOBIG when over quota, UsageException E_NOTFOUND for no such folder.
     * @param string|list<string> $flags */
    public function append(string $folder, Message $message, string|array $flags = ''): int
    {
        $flags = is_array($flags) ? implode(' ', $flags) : $flags;
        return $this->check($this->call(fn() => $this->ffi->mw_imap_append($this->h, $folder, $message->handle(), $flags)));
    }

    /** idle waits up to $seconds for the selected folder to change (IDLE): true when it
     * changed (a new message, an expunge, changed flags: search again), false when the time
     * ran out. cancel() from a callback or signal handler ends the wait (ConnectionException
     * E_CANCELLED); unlike other calls, the connection stays open then. RefusedException
     * E_UNSUPPORTED when the server has no IDLE. */
    public function idle(int $seconds): bool
    {
        return $this->check($this->call(fn() => $this->ffi->mw_imap_idle($this->h, $seconds))) > 0;
    }
}
