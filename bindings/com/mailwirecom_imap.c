/* mailwirecom_imap.c: Mailwire.Imap, the IMAP client for scripts, each
 * member a thin call into mailwire.dll (see mailwirecom_objects.c for the
 * conventions).  The options, Connect, Disconnect, Capabilities and the
 * session members are the ones Smtp and Pop3 have (mailwirecom_clients.c).
 *
 *     Set imap = CreateObject("Mailwire.Imap")
 *     imap.Host = "imap.example.com" : imap.Username = "me" : imap.Password = "..."
 *     imap.Connect
 *     n = imap.Select("INBOX")
 *     For i = 0 To imap.Search("UNSEEN") - 1
 *         Set m = imap.Fetch(imap.SearchUid(i))
 *     Next
 *
 * UIDs.  IMAP names messages by UID, 1 to 4294967295; VBScript has no
 * 64-bit integer, so a UID comes out as a Long, or a Double past
 * 2147483647 (exact: a Double holds every integer to 2^53), and goes in as
 * any number that holds a whole value (Long, Double, VT_I8, text of a
 * number).  A value that is not a whole number is a type mismatch. */
#include <stdlib.h>
#include <string.h>
#include "mailwirecom.h"

#define TRY(expr) do { HRESULT hr_ = (expr); if (FAILED(hr_)) return hr_; } while (0)

/* MAX_BATCH bounds FetchMany's array, as RetrieveMany's count. */
#define MAX_BATCH 100000

/* done_num ends a call that returned n: a UID or count (a Long, or a
 * Double past 2^31) when n >= 0, else the code n as mwcom_done does. */
static HRESULT done_num(struct call *c, long long n) {
    if (n < 0) return mwcom_done(c, (int)n);
    mwcom_record(c->o, 0, NULL);
    return mwcom_ret_num(c, n);
}

/* uid_str_call runs fn(handle, uid, s) for Member(uid, s). */
static HRESULT uid_str_call(struct call *c, int (MW_CALL *fn)(int, long long, const char *)) {
    long long uid;
    char *s;
    TRY(mwcom_arg_uid(c, 0, &uid));
    TRY(mwcom_arg_str(c, 1, &s));
    int rc = fn(c->o->handle, uid, s);
    free(s);
    return mwcom_done(c, rc);
}

/* Timeout is the "timeout" option (seconds per step), read back. */
static HRESULT im_timeout(struct call *c) { return mwcom_client_opt(c, OPT_TIMEOUT, "timeout", 1); }

/* FolderCount lists the folders (LIST, with LIST-STATUS and SPECIAL-USE
 * when offered) and returns how many there are; Folder(i, field) reads
 * them. */
static HRESULT im_folder_count(struct call *c) { return mwcom_done(c, mw.mw_imap_folder_count(c->o->handle)); }

/* Folder(i, field): field "name", "delimiter", "flags", "special_use",
 * "messages", "unseen", "uidnext" or "uidvalidity" of folder i (from 0)
 * of the last FolderCount, as text ("" when the server did not say). */
static HRESULT im_folder(struct call *c) {
    int i;
    char *field;
    TRY(mwcom_arg_int(c, 0, &i));
    TRY(mwcom_arg_str(c, 1, &field));
    HRESULT hr = mwcom_text(c, mw.mw_imap_folder(c->o->handle, i, field));
    free(field);
    return hr;
}

static HRESULT im_create(struct call *c) { return mwcom_str_call(c, mw.mw_imap_create); }
static HRESULT im_delete_folder(struct call *c) { return mwcom_str_call(c, mw.mw_imap_delete_folder); }

static HRESULT im_rename(struct call *c) {
    char *from, *to;
    TRY(mwcom_arg_str(c, 0, &from));
    HRESULT hr = mwcom_arg_str(c, 1, &to);
    if (FAILED(hr)) { free(from); return hr; }
    int rc = mw.mw_imap_rename(c->o->handle, from, to);
    free(from);
    free(to);
    return mwcom_done(c, rc);
}

/* Select(folder [, readOnly]) opens a folder (EXAMINE when readOnly) and
 * returns its message count, or a negative code. */
static HRESULT im_select(struct call *c) {
    char *folder;
    int ro;
    TRY(mwcom_opt_bool(c, 1, &ro));
    TRY(mwcom_arg_str(c, 0, &folder));
    int rc = mw.mw_imap_select(c->o->handle, folder, ro);
    free(folder);
    return mwcom_done(c, rc);
}

/* Status(field) is a field of the selected folder: "name" as text,
 * "readonly" as a Boolean, and the counts ("exists", "unseen", "recent",
 * "uidnext", "uidvalidity", "highestmodseq") as numbers (a Long, or a
 * Double past 2^31), so that Status("exists") = 3 compares as a number.
 * Empty on failure (no folder selected, an unknown field). */
static HRESULT im_status(struct call *c) {
    char *field;
    TRY(mwcom_arg_str(c, 0, &field));
    const char *v = mw.mw_imap_status(c->o->handle, field);
    int text = strcmp(field, "name") == 0, flag = strcmp(field, "readonly") == 0;
    free(field);
    if (!v) return mwcom_status(c, mw.mw_errcode(c->o->handle), c->o->handle);
    mwcom_record(c->o, 0, NULL);
    if (text) return mwcom_ret_str(c, v);
    if (flag) return mwcom_ret_bool(c, strcmp(v, "0") != 0);
    char *end;
    long long n = strtoll(v, &end, 10);
    if (*v == 0 || *end != 0) return mwcom_ret_str(c, v);
    return mwcom_ret_num(c, n);
}

/* Search([criteria]) searches the selected folder (UID SEARCH; omitted or
 * "": ALL) and returns how many UIDs it found; SearchUid(i) and SearchUids
 * read them. */
static HRESULT im_search(struct call *c) {
    char *criteria;
    TRY(mwcom_opt_str(c, 0, &criteria));
    int rc = mw.mw_imap_search(c->o->handle, criteria);
    free(criteria);
    return mwcom_done(c, rc);
}

/* SearchUid(i) is UID i (from 0) of the last Search, or -8. */
static HRESULT im_search_uid(struct call *c) {
    int i;
    TRY(mwcom_arg_int(c, 0, &i));
    return done_num(c, mw.mw_imap_search_uid(c->o->handle, i));
}

/* SearchUids is every UID of the last Search as an array (what FetchMany
 * takes and For Each walks); an empty array before a search. */
static HRESULT im_search_uids(struct call *c) {
    long long *uids = NULL, u;
    int n = 0, cap = 0;
    while ((u = mw.mw_imap_search_uid(c->o->handle, n)) >= 0) {
        if (n == cap) {
            long long *p = realloc(uids, sizeof *uids * (size_t)(cap = cap ? cap * 2 : 64));
            if (!p) { free(uids); return E_OUTOFMEMORY; }
            uids = p;
        }
        uids[n++] = u;
    }
    if (u != MW_E_NOTFOUND) { free(uids); return mwcom_done(c, (int)u); }
    mwcom_record(c->o, 0, NULL);
    HRESULT hr = mwcom_ret_nums(c, uids, n);
    free(uids);
    return hr;
}

/* Fetch(uid) returns the message as a Mailwire.Message (BODY.PEEK[]: it
 * stays unseen), or Nothing on failure (LastError tells why). */
static HRESULT im_fetch(struct call *c) {
    long long uid;
    TRY(mwcom_arg_uid(c, 0, &uid));
    int h = mw.mw_message_new();
    return mwcom_new_message(c, h, h > 0 ? mw.mw_imap_fetch(c->o->handle, uid, h) : h);
}

/* FetchToFile(uid, path) streams the message into a file, as received. */
static HRESULT im_fetch_file(struct call *c) { return uid_str_call(c, mw.mw_imap_fetch_file); }

/* FetchMany(uids) fetches an array of UIDs (or one) with pipelined
 * commands and returns an array of Message objects in the same order,
 * each with its own LastError (-8 for a UID the folder does not have).
 * When the call fails before it fetches anything (a bad UID, no folder
 * selected) it returns Empty. */
static HRESULT im_fetch_many(struct call *c) {
    long long *uids;
    int count;
    TRY(mwcom_arg_uids(c, 0, &uids, &count));
    if (count > MAX_BATCH) { free(uids); return mwcom_fail_text(c, MW_E_ARG, "FetchMany takes at most 100000 UIDs"); }
    int *hs = calloc((size_t)(count ? count : 1), sizeof *hs);
    struct obj **ms = calloc((size_t)(count ? count : 1), sizeof *ms);
    int rc = hs && ms ? 0 : MW_E_INTERNAL, none;
    for (int k = 0; k < count && rc == 0; k++)
        if ((hs[k] = mw.mw_message_new()) <= 0) rc = hs[k];
    if (rc == 0) rc = mw.mw_imap_fetch_many(c->o->handle, uids, count, hs);
    /* MW_E_NOTFOUND and the connection codes may come after some messages
     * were fetched: then each message's own code tells how it fared. */
    none = mwcom_caller_error(rc) && rc != MW_E_NOTFOUND;
    for (int k = 0; k < count && hs && ms; k++) {
        if (hs[k] <= 0) continue;
        if (none || !(ms[k] = mwcom_new(&mwcom_message, hs[k]))) { mw.mw_close(hs[k]); continue; }
        int e = mw.mw_errcode(hs[k]);
        mwcom_record(ms[k], e, e < 0 ? mw.mw_errmsg(hs[k]) : NULL);
    }
    HRESULT hr = S_OK;
    if (!none && ms) hr = mwcom_ret_objs(c, ms, count);
    else for (int k = 0; k < count && ms; k++) if (ms[k]) IDispatch_Release(&ms[k]->iface);
    free(uids);
    free(hs);
    free(ms);
    if (FAILED(hr)) return hr;
    hr = mwcom_status(c, rc, c->o->handle);
    if (hr != S_OK && c->result) VariantClear(c->result);
    return hr;
}

/* Flags(uid) is the message's flags, space-separated ("\Seen \Flagged"). */
static HRESULT im_flags(struct call *c) {
    long long uid;
    TRY(mwcom_arg_uid(c, 0, &uid));
    return mwcom_text(c, mw.mw_imap_flags(c->o->handle, uid));
}

/* Store(uid, flags, mode) changes the flags: mode 1 adds them, -1 removes
 * them, 0 replaces them all (MwStore: MW_STORE_ADD, ...). */
static HRESULT im_store(struct call *c) {
    long long uid;
    char *flags;
    int mode;
    TRY(mwcom_arg_uid(c, 0, &uid));
    TRY(mwcom_arg_int(c, 2, &mode));
    TRY(mwcom_arg_str(c, 1, &flags));
    int rc = mw.mw_imap_store(c->o->handle, uid, flags, mode);
    free(flags);
    return mwcom_done(c, rc);
}

static HRESULT im_copy(struct call *c) { return uid_str_call(c, mw.mw_imap_copy); }

/* Move(uid, folder): UID MOVE when offered, else COPY, \Deleted and
 * UID EXPUNGE. */
static HRESULT im_move(struct call *c) { return uid_str_call(c, mw.mw_imap_move); }

static HRESULT im_expunge(struct call *c) { return mwcom_done(c, mw.mw_imap_expunge(c->o->handle)); }

/* Append(folder, message [, flags]) adds a Message to a folder and returns
 * its new UID (UIDPLUS), 0 when the server does not say, or a negative
 * code. */
static HRESULT im_append(struct call *c) {
    char *folder, *flags;
    struct obj *m;
    TRY(mwcom_arg_obj(c, 1, &mwcom_message, &m));
    TRY(mwcom_opt_str(c, 2, &flags));
    HRESULT hr = mwcom_arg_str(c, 0, &folder);
    if (FAILED(hr)) { free(flags); return hr; }
    long long uid = mw.mw_imap_append(c->o->handle, folder, m->handle, flags);
    free(folder);
    free(flags);
    return done_num(c, uid);
}

/* Idle(seconds) waits for the selected folder to change (IDLE): 1 when it
 * changed, 0 when the time ran out; Cancel from another thread ends it
 * (-45) with the connection kept. */
static HRESULT im_idle(struct call *c) {
    int seconds;
    TRY(mwcom_arg_int(c, 0, &seconds));
    return mwcom_done(c, mw.mw_imap_idle(c->o->handle, seconds));
}

static const struct member imap_members[] = {
    CLIENT_MEMBERS,
    {L"Timeout", im_timeout, M_GETPUT, "long Timeout"},
    {L"Connect", mwcom_cl_connect, M_METHOD, "long Connect([optional] VARIANT host, [optional] VARIANT port)"},
    {L"Capabilities", mwcom_cl_capabilities, M_GET, "BSTR Capabilities"},
    {L"FolderCount", im_folder_count, M_GET, "long FolderCount"},
    {L"Folder", im_folder, M_METHOD, "BSTR Folder(long i, BSTR field)"},
    {L"CreateFolder", im_create, M_METHOD, "long CreateFolder(BSTR folder)"},
    {L"RenameFolder", im_rename, M_METHOD, "long RenameFolder(BSTR from, BSTR to)"},
    {L"DeleteFolder", im_delete_folder, M_METHOD, "long DeleteFolder(BSTR folder)"},
    {L"Select", im_select, M_METHOD, "long Select(BSTR folder, [optional] VARIANT readOnly)"},
    {L"Status", im_status, M_METHOD, "VARIANT Status(BSTR field)"},
    {L"Search", im_search, M_METHOD, "long Search([optional] VARIANT criteria)"},
    {L"SearchUid", im_search_uid, M_METHOD, "VARIANT SearchUid(long i)"},
    {L"SearchUids", im_search_uids, M_GET, "VARIANT SearchUids"},
    {L"Fetch", im_fetch, M_METHOD, "IDispatch *Fetch(VARIANT uid)"},
    {L"FetchToFile", im_fetch_file, M_METHOD, "long FetchToFile(VARIANT uid, BSTR path)"},
    {L"FetchMany", im_fetch_many, M_METHOD, "VARIANT FetchMany(VARIANT uids)"},
    {L"Flags", im_flags, M_METHOD, "BSTR Flags(VARIANT uid)"},
    {L"Store", im_store, M_METHOD, "long Store(VARIANT uid, BSTR flags, long mode)"},
    {L"Copy", im_copy, M_METHOD, "long Copy(VARIANT uid, BSTR folder)"},
    {L"Move", im_move, M_METHOD, "long Move(VARIANT uid, BSTR folder)"},
    {L"Expunge", im_expunge, M_METHOD, "long Expunge()"},
    {L"Append", im_append, M_METHOD, "VARIANT Append(BSTR folder, IDispatch *message, [optional] VARIANT flags)"},
    {L"Idle", im_idle, M_METHOD, "long Idle(long seconds)"},
    {L"Disconnect", mwcom_cl_disconnect, M_METHOD, "long Disconnect()"},
    SESSION_MEMBERS,
    COMMON_MEMBERS,
    {L"OAuth2", mwcom_client_oauth2, M_GETPUT, "IDispatch *OAuth2"},
};

static int imap_create(void) { return mw.mw_imap_new(); }

static const struct client_fns imap_fns = {
    &mw.mw_imap_set, &mw.mw_imap_connect, &mw.mw_imap_capabilities, &mw.mw_imap_disconnect, &mw.mw_imap_use_oauth2,
};

const struct cls mwcom_imap = {
    L"Mailwire.Imap", L"{A1629425-90C6-401A-A35D-5740790ABCA8}", L"Mailwire IMAP client",
    imap_create, imap_members, sizeof imap_members / sizeof imap_members[0], 0, mwcom_client_init, &mwcom_dual_IMwImap,
    &imap_fns,
};
