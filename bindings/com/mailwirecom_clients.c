/* mailwirecom_clients.c: the members of Mailwire.Smtp, Mailwire.Pop3,
 * Mailwire.Pool and Mailwire.Server, each a thin call into mailwire.dll
 * (see mailwirecom_objects.c for the conventions), and the members every
 * client class shares (CLIENT_MEMBERS and SESSION_MEMBERS, also used by
 * Mailwire.Imap in mailwirecom_imap.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mailwirecom.h"

#define TRY(expr) do { HRESULT hr_ = (expr); if (FAILED(hr_)) return hr_; } while (0)


/* ---------------------------------------------------------------------- */
/* Options of Mailwire.Smtp, Mailwire.Pop3 and Mailwire.Pool                */

static int (MW_CALL *client_set(struct obj *o))(int, const char *, const char *) {
    return *o->cls->client->set;
}

/* remember keeps v (taken over) as option idx, read back by mwcom_client_opt. */
static void remember(struct obj *o, int idx, char *v) {
    AcquireSRWLockExclusive(&o->lock);
    char *old = o->opts[idx];
    o->opts[idx] = v;
    ReleaseSRWLockExclusive(&o->lock);
    free(old);
}

/* mwcom_client_opt reads or writes a connection option that the object
 * remembers; the library checks the value when it is set. */
HRESULT mwcom_client_opt(struct call *c, int idx, const char *name, int numeric) {
    struct obj *o = c->o;
    if (!c->value) {
        AcquireSRWLockShared(&o->lock);
        const char *cur = o->opts[idx] ? o->opts[idx] : "";
        HRESULT hr = numeric ? mwcom_ret_int(c, atoi(cur)) : mwcom_ret_str(c, cur);
        ReleaseSRWLockShared(&o->lock);
        return hr;
    }
    char *v;
    TRY(mwcom_put_str(c, &v));
    int rc = client_set(o)(o->handle, name, v);
    if (rc == 0) remember(o, idx, v); else free(v);
    return mwcom_done(c, rc);
}

HRESULT mwcom_cl_host(struct call *c) { return mwcom_client_opt(c, OPT_HOST, "host", 0); }
HRESULT mwcom_cl_port(struct call *c) { return mwcom_client_opt(c, OPT_PORT, "port", 1); }
HRESULT mwcom_cl_security(struct call *c) { return mwcom_client_opt(c, OPT_SECURITY, "security", 0); }
HRESULT mwcom_cl_username(struct call *c) { return mwcom_client_opt(c, OPT_USERNAME, "username", 0); }
static HRESULT cl_max_connections(struct call *c) {
    return mwcom_client_opt(c, OPT_MAX_CONNECTIONS, "max_connections", 1);
}

/* Password can be written, never read back. */
HRESULT mwcom_cl_password(struct call *c) {
    char *v;
    TRY(mwcom_put_str(c, &v));
    int rc = client_set(c->o)(c->o->handle, "password", v);
    SecureZeroMemory(v, strlen(v));
    free(v);
    return mwcom_done(c, rc);
}

HRESULT mwcom_cl_set_option(struct call *c) { return mwcom_set_option(c, client_set(c->o)); }

/* connect_args applies Connect's optional host and port arguments. */
static int connect_args(struct call *c, HRESULT *hr) {
    char *host = NULL, *port = NULL;
    int rc = 0;
    *hr = mwcom_opt_str(c, 0, &host);
    if (SUCCEEDED(*hr)) *hr = mwcom_opt_str(c, 1, &port);
    if (SUCCEEDED(*hr) && host) rc = client_set(c->o)(c->o->handle, "host", host);
    if (SUCCEEDED(*hr) && port && rc == 0) rc = client_set(c->o)(c->o->handle, "port", port);
    if (rc == 0 && host) { remember(c->o, OPT_HOST, host); host = NULL; }
    if (rc == 0 && port) { remember(c->o, OPT_PORT, port); port = NULL; }
    free(host);
    free(port);
    return rc;
}

/* Connect([host [, port]]): connect, TLS and login as the options say. */
HRESULT mwcom_cl_connect(struct call *c) {
    HRESULT hr;
    int rc = connect_args(c, &hr);
    if (FAILED(hr)) return hr;
    return mwcom_done(c, rc ? rc : (*c->o->cls->client->connect)(c->o->handle));
}

/* Disconnect ends the session politely (QUIT, LOGOUT) and closes it. */
HRESULT mwcom_cl_disconnect(struct call *c) {
    return mwcom_done(c, (*c->o->cls->client->disconnect)(c->o->handle));
}

/* Capabilities are the server's, one per line (vbLf between): EHLO
 * keywords, CAPA lines, IMAP capabilities. */
HRESULT mwcom_cl_capabilities(struct call *c) {
    return mwcom_text(c, (*c->o->cls->client->capabilities)(c->o->handle));
}

/* Cancel aborts the call in flight on this object (see README: another
 * thread, such as another ASP request, calls it). */
HRESULT mwcom_cl_cancel(struct call *c) { return mwcom_done(c, mw.mw_cancel(c->o->handle)); }

/* ---------------------------------------------------------------------- */
/* Progress and the session log of Mailwire.Smtp and Mailwire.Pop3          */

/* on_progress keeps the library's last progress report for polling. */
static void MW_CALL on_progress(void *user, long long done, long long total) {
    struct obj *o = user;
    InterlockedExchange64(&o->done, done);
    InterlockedExchange64(&o->total, total);
}

/* mwcom_client_init takes the library's progress reports from the start. */
void mwcom_client_init(struct obj *o) { mw.mw_set_progress(o->handle, on_progress, o); }

/* BytesTransferred and BytesTotal are the last progress report of the
 * message being sent or retrieved (BytesTotal -1 when unknown); another
 * thread may read them while the call runs. */
HRESULT mwcom_cl_bytes_transferred(struct call *c) {
    return mwcom_ret_num(c, InterlockedCompareExchange64(&c->o->done, 0, 0));
}

HRESULT mwcom_cl_bytes_total(struct call *c) {
    return mwcom_ret_num(c, InterlockedCompareExchange64(&c->o->total, 0, 0));
}

/* LOG_MAX bounds the session log: past it the oldest half goes. */
#define LOG_MAX (1u << 20)

/* log_append adds one line and CRLF to the session log. */
static void log_append(struct obj *o, const char *line, size_t n) {
    if (n > LOG_MAX / 2) n = LOG_MAX / 2;
    if (o->log_len + n + 3 > LOG_MAX) {
        const char *cut = o->log ? strstr(o->log + o->log_len / 2, "\r\n") : NULL;
        size_t drop = cut ? (size_t)(cut + 2 - o->log) : o->log_len;
        memmove(o->log, o->log + drop, o->log_len - drop + 1);
        o->log_len -= drop;
    }
    if (o->log_len + n + 3 > o->log_cap) {
        size_t cap = o->log_cap ? o->log_cap : 4096;
        while (cap < o->log_len + n + 3) cap *= 2;
        char *p = realloc(o->log, cap);
        if (!p) return;
        o->log = p;
        o->log_cap = cap;
    }
    memcpy(o->log + o->log_len, line, n);
    memcpy(o->log + o->log_len + n, "\r\n", 3);
    o->log_len += n + 2;
}

static void MW_CALL on_log(void *user, const char *line) {
    struct obj *o = user;
    AcquireSRWLockExclusive(&o->lock);
    log_append(o, line, strlen(line));
    ReleaseSRWLockExclusive(&o->lock);
}

/* KeepSessionLog = True, before Connect, keeps the protocol log of the
 * connections made from then on in SessionLog (secrets as <secret>). */
HRESULT mwcom_cl_keep_log(struct call *c) {
    if (!c->value) return mwcom_ret_bool(c, c->o->keep_log);
    int v;
    TRY(mwcom_put_bool(c, &v));
    int rc = mw.mw_set_log(c->o->handle, v ? on_log : NULL, v ? c->o : NULL);
    if (rc == 0) c->o->keep_log = v;
    return mwcom_done(c, rc);
}

/* SessionLog is the protocol log kept so far, a line per command or reply
 * ("C: ", "S: ", "* " for notes), CRLF after each. */
HRESULT mwcom_cl_session_log(struct call *c) {
    AcquireSRWLockShared(&c->o->lock);
    HRESULT hr = mwcom_ret_str(c, c->o->log ? c->o->log : "");
    ReleaseSRWLockShared(&c->o->lock);
    return hr;
}

HRESULT mwcom_cl_clear_log(struct call *c) {
    AcquireSRWLockExclusive(&c->o->lock);
    c->o->log_len = 0;
    if (c->o->log) c->o->log[0] = 0;
    ReleaseSRWLockExclusive(&c->o->lock);
    return mwcom_done(c, 0);
}

/* ---------------------------------------------------------------------- */
/* Mailwire.Smtp                                                            */

/* sent ends a send of message m: the outcome goes on m and on the object
 * (the message of handle errh), and rc is the result. */
static HRESULT sent(struct call *c, struct obj *m, int rc, int errh) {
    mwcom_note_send(m, rc, errh);
    HRESULT hr = mwcom_status(c, rc, errh);
    return hr == S_OK ? mwcom_ret_int(c, rc) : hr;
}

/* Send(message) sends on the open connection; Send(url, message) connects,
 * sends and quits in one call ("smtp://user:password@host:587?..."). 0,
 * MW_E_PARTIAL (-20) when some recipients were refused, or another code. */
static HRESULT smtp_send(struct call *c) {
    struct obj *m;
    if (mwcom_nargs(c) < 2) {
        TRY(mwcom_arg_obj(c, 0, &mwcom_message, &m));
        return sent(c, m, mw.mw_smtp_send(c->o->handle, m->handle), c->o->handle);
    }
    char *url;
    TRY(mwcom_arg_obj(c, 1, &mwcom_message, &m));
    TRY(mwcom_arg_str(c, 0, &url));
    int rc = mw.mw_send(url, m->handle);
    SecureZeroMemory(url, strlen(url));
    free(url);
    return sent(c, m, rc, m->handle);
}

/* SendMany(messages): an array of Message objects sent on the open
 * connection, pipelined.  Each message's LastError and results tell how it
 * fared; the result is 0, MW_E_PARTIAL when some message or recipient was
 * refused, or the code that ended the connection. */
static HRESULT smtp_send_many(struct call *c) {
    struct obj **ms;
    int n;
    TRY(mwcom_arg_objs(c, 0, &mwcom_message, &ms, &n));
    int *hs = malloc(sizeof *hs * (size_t)(n ? n : 1));
    if (!hs) { free(ms); return E_OUTOFMEMORY; }
    for (int k = 0; k < n; k++) hs[k] = ms[k]->handle;
    int rc = mw.mw_smtp_send_many(c->o->handle, hs, n);
    for (int k = 0; k < n; k++) {
        if (mwcom_caller_error(rc)) mwcom_note_send(ms[k], rc, c->o->handle); /* none was sent */
        else mwcom_note_send(ms[k], mw.mw_errcode(hs[k]), hs[k]);
    }
    free(hs);
    free(ms);
    return mwcom_done(c, rc);
}


/* LastReplyCode and LastReply are the server's last reply (0 and "" before
 * the first). */
static HRESULT smtp_reply_code(struct call *c) { return mwcom_done(c, mw.mw_smtp_reply_code(c->o->handle)); }
static HRESULT smtp_reply(struct call *c) { return mwcom_text(c, mw.mw_smtp_reply(c->o->handle)); }

static const struct member smtp_members[] = {
    CLIENT_MEMBERS,
    {L"Connect", mwcom_cl_connect, M_METHOD, "long Connect([optional] VARIANT host, [optional] VARIANT port)"},
    {L"Send", smtp_send, M_METHOD, "long Send(VARIANT messageOrUrl, [optional] VARIANT message)"},
    {L"SendMany", smtp_send_many, M_METHOD, "long SendMany(VARIANT messages)"},
    {L"Disconnect", mwcom_cl_disconnect, M_METHOD, "long Disconnect()"},
    {L"LastReplyCode", smtp_reply_code, M_GET, "long LastReplyCode"},
    {L"LastReply", smtp_reply, M_GET, "BSTR LastReply"},
    {L"Capabilities", mwcom_cl_capabilities, M_GET, "BSTR Capabilities"},
    SESSION_MEMBERS,
    RESULT_MEMBERS,
    COMMON_MEMBERS,
    {L"OAuth2", mwcom_client_oauth2, M_GETPUT, "IDispatch *OAuth2"},
};

static int smtp_create(void) { return mw.mw_smtp_new(); }

static const struct client_fns smtp_fns = {
    &mw.mw_smtp_set, &mw.mw_smtp_connect, &mw.mw_smtp_capabilities, &mw.mw_smtp_disconnect, &mw.mw_smtp_use_oauth2,
};

const struct cls mwcom_smtp = {
    L"Mailwire.Smtp", L"{DE4191FA-A0EB-45BA-9D19-B5AEF8785DF7}", L"Mailwire SMTP client",
    smtp_create, smtp_members, sizeof smtp_members / sizeof smtp_members[0], 0, mwcom_client_init, &mwcom_dual_IMwSmtp,
    &smtp_fns,
};

/* ---------------------------------------------------------------------- */
/* Mailwire.Pop3                                                            */

static HRESULT pop_count(struct call *c) { return mwcom_done(c, mw.mw_pop3_count(c->o->handle)); }

static HRESULT pop_size(struct call *c) {
    int i;
    TRY(mwcom_arg_int(c, 0, &i));
    long long n = mw.mw_pop3_size(c->o->handle, i);
    if (n < 0) return mwcom_done(c, (int)n);
    mwcom_record(c->o, 0, NULL);
    return mwcom_ret_num(c, n);
}

static HRESULT pop_uid(struct call *c) {
    int i;
    TRY(mwcom_arg_int(c, 0, &i));
    return mwcom_text(c, mw.mw_pop3_uid(c->o->handle, i));
}

/* mwcom_new_message returns a Message object for a library message handle that a
 * call filled (rc), or Nothing and the failure. */
HRESULT mwcom_new_message(struct call *c, int h, int rc) {
    if (rc < 0) {
        if (h > 0) mw.mw_close(h);
        HRESULT hr = mwcom_status(c, rc, c->o->handle);
        return hr == S_OK ? mwcom_ret_obj(c, NULL) : hr;
    }
    mwcom_record(c->o, 0, NULL);
    struct obj *m = mwcom_new(&mwcom_message, h);
    return m ? mwcom_ret_obj(c, m) : E_OUTOFMEMORY;
}

/* Retrieve(i) returns message i (1-based) as a Mailwire.Message, or
 * Nothing on failure (LastError tells why). */
static HRESULT pop_retrieve(struct call *c) {
    int i;
    TRY(mwcom_arg_int(c, 0, &i));
    int h = mw.mw_message_new();
    return mwcom_new_message(c, h, h > 0 ? mw.mw_pop3_retrieve(c->o->handle, i, h) : h);
}

/* Top(i [, lines]) returns the headers and the first lines of the body. */
static HRESULT pop_top(struct call *c) {
    int i, lines;
    TRY(mwcom_arg_int(c, 0, &i));
    TRY(mwcom_opt_int(c, 1, 0, &lines));
    int h = mw.mw_message_new();
    return mwcom_new_message(c, h, h > 0 ? mw.mw_pop3_top(c->o->handle, i, lines, h) : h);
}

/* RetrieveData(i) returns message i as the server sent it, a Byte() array,
 * or Empty on failure. */
static HRESULT pop_retrieve_data(struct call *c) {
    int i;
    char *out = NULL;
    size_t len = 0;
    TRY(mwcom_arg_int(c, 0, &i));
    int rc = mw.mw_pop3_retrieve_data(c->o->handle, i, &out, &len);
    return mwcom_take_bytes(c, rc, out, len);
}

/* RetrieveToFile(i, path) streams message i into a file, as received. */
static HRESULT pop_retrieve_file(struct call *c) {
    int i;
    char *path;
    TRY(mwcom_arg_int(c, 0, &i));
    TRY(mwcom_arg_str(c, 1, &path));
    int rc = mw.mw_pop3_retrieve_file(c->o->handle, i, path);
    free(path);
    return mwcom_done(c, rc);
}

/* RetrieveMany(first, count [, delete]) retrieves messages first ..
 * first+count-1 with pipelined commands and returns them as an array of
 * Message objects, each with its own LastError (-8 for a number that does
 * not exist or is marked deleted); with delete = True each is also marked
 * deleted.  When the call fails before it retrieves anything (a bad
 * argument, not connected) it returns Empty. */
static HRESULT pop_retrieve_many(struct call *c) {
    int first, count, del;
    TRY(mwcom_arg_int(c, 0, &first));
    TRY(mwcom_arg_int(c, 1, &count));
    TRY(mwcom_opt_bool(c, 2, &del));
    if (count < 0 || count > 100000) return mwcom_fail_text(c, MW_E_ARG, "count must be 0 to 100000");
    int *hs = calloc((size_t)(count ? count : 1), sizeof *hs);
    struct obj **ms = calloc((size_t)(count ? count : 1), sizeof *ms);
    int rc = hs && ms ? 0 : MW_E_INTERNAL, none;
    for (int k = 0; k < count && rc == 0; k++)
        if ((hs[k] = mw.mw_message_new()) <= 0) rc = hs[k];
    if (rc == 0) rc = mw.mw_pop3_retrieve_many(c->o->handle, first, count, hs, del);
    /* MW_E_NOTFOUND and the connection codes may come after some messages
     * were retrieved: then each message's own code tells how it fared. */
    none = mwcom_caller_error(rc) && rc != MW_E_NOTFOUND;
    for (int k = 0; k < count && hs && ms; k++) {
        if (hs[k] <= 0) continue;
        if (none || !(ms[k] = mwcom_new(&mwcom_message, hs[k]))) { mw.mw_close(hs[k]); continue; }
        int e = mw.mw_errcode(hs[k]);
        mwcom_record(ms[k], e, e < 0 ? mw.mw_errmsg(hs[k]) : NULL);
    }
    HRESULT hr = S_OK;
    if (!none) hr = mwcom_ret_objs(c, ms, count);
    else for (int k = 0; k < count && ms; k++) if (ms[k]) IDispatch_Release(&ms[k]->iface);
    free(hs);
    free(ms);
    if (FAILED(hr)) return hr;
    hr = mwcom_status(c, rc, c->o->handle);
    if (hr != S_OK && c->result) VariantClear(c->result);
    return hr;
}

static HRESULT pop_delete(struct call *c) {
    int i;
    TRY(mwcom_arg_int(c, 0, &i));
    return mwcom_done(c, mw.mw_pop3_delete(c->o->handle, i));
}

/* Reset unmarks every message marked deleted (RSET). */
static HRESULT pop_reset(struct call *c) { return mwcom_done(c, mw.mw_pop3_reset(c->o->handle)); }

static const struct member pop3_members[] = {
    CLIENT_MEMBERS,
    {L"Connect", mwcom_cl_connect, M_METHOD, "long Connect([optional] VARIANT host, [optional] VARIANT port)"},
    {L"Count", pop_count, M_GET, "long Count"},
    {L"Size", pop_size, M_METHOD, "VARIANT Size(long i)"},
    {L"Uid", pop_uid, M_METHOD, "BSTR Uid(long i)"},
    {L"Retrieve", pop_retrieve, M_METHOD, "IDispatch *Retrieve(long i)"},
    {L"RetrieveData", pop_retrieve_data, M_METHOD, "VARIANT RetrieveData(long i)"},
    {L"RetrieveToFile", pop_retrieve_file, M_METHOD, "long RetrieveToFile(long i, BSTR path)"},
    {L"RetrieveMany", pop_retrieve_many, M_METHOD,
     "VARIANT RetrieveMany(long first, long count, [optional] VARIANT delete)"},
    {L"Top", pop_top, M_METHOD, "IDispatch *Top(long i, [optional] VARIANT lines)"},
    {L"Delete", pop_delete, M_METHOD, "long Delete(long i)"},
    {L"Reset", pop_reset, M_METHOD, "long Reset()"},
    {L"Capabilities", mwcom_cl_capabilities, M_GET, "BSTR Capabilities"},
    {L"Disconnect", mwcom_cl_disconnect, M_METHOD, "long Disconnect()"},
    SESSION_MEMBERS,
    COMMON_MEMBERS,
    {L"OAuth2", mwcom_client_oauth2, M_GETPUT, "IDispatch *OAuth2"},
};

static int pop3_create(void) { return mw.mw_pop3_new(); }

static const struct client_fns pop3_fns = {
    &mw.mw_pop3_set, &mw.mw_pop3_connect, &mw.mw_pop3_capabilities, &mw.mw_pop3_disconnect, &mw.mw_pop3_use_oauth2,
};

const struct cls mwcom_pop3 = {
    L"Mailwire.Pop3", L"{E99E6E7E-A4AC-42EE-AC13-B095E4BA0F9D}", L"Mailwire POP3 client",
    pop3_create, pop3_members, sizeof pop3_members / sizeof pop3_members[0], 0, mwcom_client_init, &mwcom_dual_IMwPop3,
    &pop3_fns,
};

/* ---------------------------------------------------------------------- */
/* Mailwire.Pool: SMTP connections shared by every thread of a process, as
 * one object in an ASP Application.  Every member may run on many threads
 * at once; LastError is then the last call's of any thread, so a script
 * reads the code Send returns, or the message's own LastError. */

/* Send(message) sends on a pooled connection; results and the error are
 * the message's. */
static HRESULT pool_send(struct call *c) {
    struct obj *m;
    TRY(mwcom_arg_obj(c, 0, &mwcom_message, &m));
    return sent(c, m, mw.mw_pool_send(c->o->handle, m->handle), m->handle);
}

static const struct member pool_members[] = {
    CLIENT_MEMBERS,
    {L"MaxConnections", cl_max_connections, M_GETPUT, "long MaxConnections"},
    {L"Send", pool_send, M_METHOD, "long Send(IDispatch *message)"},
    {L"Cancel", mwcom_cl_cancel, M_METHOD, "long Cancel()"},
    COMMON_MEMBERS,
    {L"OAuth2", mwcom_client_oauth2, M_GETPUT, "IDispatch *OAuth2"},
};

static int pool_create(void) { return mw.mw_pool_new(); }

static const struct client_fns pool_fns = {&mw.mw_pool_set, NULL, NULL, NULL, &mw.mw_pool_use_oauth2};

const struct cls mwcom_pool = {
    L"Mailwire.Pool", L"{0A36A847-0670-490D-A449-4118E19005F3}", L"Mailwire SMTP connection pool",
    pool_create, pool_members, sizeof pool_members / sizeof pool_members[0], 1, NULL, &mwcom_dual_IMwPool, &pool_fns,
};

/* ---------------------------------------------------------------------- */
/* Mailwire.Server                                                          */

static HRESULT srv_set_option(struct call *c) { return mwcom_set_option(c, mw.mw_server_set); }

/* Users = "alice:secret,bob:secret" adds users. */
static HRESULT srv_users(struct call *c) {
    char *v;
    TRY(mwcom_put_str(c, &v));
    int rc = mw.mw_server_set(c->o->handle, "users", v);
    free(v);
    return mwcom_done(c, rc);
}

static HRESULT srv_start(struct call *c) { return mwcom_done(c, mw.mw_server_start(c->o->handle)); }
static HRESULT srv_stop(struct call *c) { return mwcom_done(c, mw.mw_server_stop(c->o->handle)); }

static HRESULT srv_port(struct call *c) {
    return mwcom_str_call(c, (int (MW_CALL *)(int, const char *))mw.mw_server_port);
}

/* MessageCount([mailbox]): all mailboxes when omitted. */
static HRESULT srv_message_count(struct call *c) {
    char *box;
    TRY(mwcom_opt_str(c, 0, &box));
    int rc = mw.mw_server_message_count(c->o->handle, box);
    free(box);
    return mwcom_done(c, rc);
}

/* stored reads message i of mailbox as stored (a malloc'ed copy), or fails. */
static int stored(struct call *c, char **data, size_t *len, HRESULT *hr) {
    char *box, *out = NULL;
    int i;
    *data = NULL;
    if (FAILED(*hr = mwcom_arg_int(c, 1, &i)) || FAILED(*hr = mwcom_arg_str(c, 0, &box))) return 0;
    int rc = mw.mw_server_message(c->o->handle, box, i, &out, len);
    free(box);
    if (rc == 0 && !(*data = malloc(*len + 1))) rc = MW_E_INTERNAL;
    if (rc == 0) memcpy(*data, out, *len);
    mw.mw_free(out);
    return rc;
}

/* Message(mailbox, i) is message i (0-based, oldest first) of mailbox, with
 * the Received header the server added, as a Mailwire.Message; Nothing on
 * failure. */
static HRESULT srv_message(struct call *c) {
    char *data;
    size_t len;
    HRESULT hr;
    int rc = stored(c, &data, &len, &hr);
    if (FAILED(hr)) return hr;
    int h = rc == 0 ? mw.mw_message_new() : 0;
    if (rc == 0 && h <= 0) rc = h;
    if (rc == 0 && (rc = mw.mw_message_parse(h, data, len)) < 0) {
        const char *why = mw.mw_errmsg(h);
        free(data);
        mw.mw_close(h);
        return mwcom_fail_text(c, rc, why);
    }
    free(data);
    return mwcom_new_message(c, h, rc);
}

/* MessageData(mailbox, i) is the same message as stored, a Byte() array. */
static HRESULT srv_message_data(struct call *c) {
    char *data;
    size_t len;
    HRESULT hr;
    int rc = stored(c, &data, &len, &hr);
    if (FAILED(hr)) return hr;
    if (rc < 0) return mwcom_status(c, rc, c->o->handle);
    hr = mwcom_ret_bytes(c, data, len);
    free(data);
    mwcom_record(c->o, 0, NULL);
    return hr;
}

/* OpenHandles is the number of library handles open in the process (every
 * object holds one), for leak checks in tests. */
static HRESULT srv_open_handles(struct call *c) { return mwcom_ret_int(c, mw.mw_handle_count()); }

static const struct member server_members[] = {
    {L"SetOption", srv_set_option, M_METHOD, "long SetOption(BSTR name, BSTR value)"},
    {L"Users", srv_users, M_PUT, "BSTR Users"},
    {L"Start", srv_start, M_METHOD, "long Start()"},
    {L"Port", srv_port, M_METHOD, "long Port(BSTR service)"},
    {L"MessageCount", srv_message_count, M_METHOD, "long MessageCount([optional] VARIANT mailbox)"},
    {L"Message", srv_message, M_METHOD, "IDispatch *Message(BSTR mailbox, long i)"},
    {L"MessageData", srv_message_data, M_METHOD, "VARIANT MessageData(BSTR mailbox, long i)"},
    {L"Stop", srv_stop, M_METHOD, "long Stop()"},
    {L"OpenHandles", srv_open_handles, M_GET | M_ANY_THREAD, "long OpenHandles"},
    COMMON_MEMBERS,
};

static int server_create(void) { return mw.mw_server_new(); }

const struct cls mwcom_server = {
    L"Mailwire.Server", L"{BAB3719C-10EE-405C-BCC6-FD9971EF57D7}", L"Mailwire embedded test server",
    server_create, server_members, sizeof server_members / sizeof server_members[0], 0, NULL, &mwcom_dual_IMwServer,
    NULL,
};
