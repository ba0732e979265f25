/* mailwirecom_objects.c: the members of Mailwire.Message, Mailwire.Smtp,
 * Mailwire.Pop3 and Mailwire.Server, each a thin call into mailwire.dll.
 *
 * Methods return the library's code (0 or a negative MW_E_* code; counts
 * and ports are >= 0) unless they return an object or text.  Every object
 * has LastError, LastErrorText, GetErrorDescription(code) and RaiseErrors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mailwirecom.h"

/* TRY runs an argument conversion and returns its failure. */
#define TRY(expr) do { HRESULT hr_ = (expr); if (FAILED(hr_)) return hr_; } while (0)

/* ---------------------------------------------------------------------- */
/* Members every class has                                                  */

/* An object whose library cannot be used (c->o->broken) has MW_E_STATE
 * as its LastError and the reason as its LastErrorText. */
static HRESULT last_error(struct call *c) { return mwcom_ret_int(c, c->o->broken ? MW_E_STATE : c->o->last); }

static HRESULT last_error_text(struct call *c) {
    if (c->o->broken) return mwcom_ret_str(c, c->o->broken);
    return mwcom_ret_str(c, c->o->last ? mw.mw_errmsg(c->o->handle) : "");
}

static HRESULT error_description(struct call *c) {
    int code;
    TRY(mwcom_arg_int(c, 0, &code));
    return mwcom_ret_str(c, c->o->broken ? c->o->broken : mw.mw_strerror(code));
}

static HRESULT raise_errors(struct call *c) {
    if (!c->value) return mwcom_ret_bool(c, c->o->raise);
    VARIANT t;
    VariantInit(&t);
    if (FAILED(VariantChangeType(&t, c->value, 0, VT_BOOL))) return DISP_E_TYPEMISMATCH;
    c->o->raise = V_BOOL(&t) != VARIANT_FALSE;
    return S_OK;
}

int mwcom_works_broken(member_fn fn) {
    return fn == last_error || fn == last_error_text || fn == error_description || fn == raise_errors;
}

#define COMMON_MEMBERS \
    {L"LastError", last_error}, {L"LastErrorText", last_error_text}, \
    {L"GetErrorDescription", error_description}, {L"RaiseErrors", raise_errors}

/* str_call runs fn(handle, arg0) with a required string argument. */
static HRESULT str_call(struct call *c, int (MW_CALL *fn)(int, const char *)) {
    char *s;
    TRY(mwcom_arg_str(c, 0, &s));
    int rc = fn(c->o->handle, s);
    free(s);
    return mwcom_done(c, rc);
}

/* set_option runs set(handle, name, value) for SetOption(name, value). */
static HRESULT set_option(struct call *c, int (MW_CALL *set)(int, const char *, const char *)) {
    char *name, *value;
    TRY(mwcom_arg_str(c, 0, &name));
    HRESULT hr = mwcom_arg_str(c, 1, &value);
    if (FAILED(hr)) { free(name); return hr; }
    int rc = set(c->o->handle, name, value);
    free(name);
    free(value);
    return mwcom_done(c, rc);
}

/* Recipient results, on an Smtp object or on the Message that was sent. */
static HRESULT result_count(struct call *c) { return mwcom_done(c, mw.mw_smtp_result_count(c->o->handle)); }

static HRESULT result_field(struct call *c, const char *field) {
    int i;
    TRY(mwcom_arg_int(c, 0, &i));
    return mwcom_ret_str(c, mw.mw_smtp_result(c->o->handle, i, field));
}

static HRESULT result_address(struct call *c) { return result_field(c, "address"); }
static HRESULT result_text(struct call *c) { return result_field(c, "text"); }

static HRESULT result_code(struct call *c) {
    int i;
    TRY(mwcom_arg_int(c, 0, &i));
    const char *s = mw.mw_smtp_result(c->o->handle, i, "code");
    return mwcom_ret_int(c, s ? atoi(s) : 0);
}

#define RESULT_MEMBERS \
    {L"ResultCount", result_count}, {L"ResultAddress", result_address}, \
    {L"ResultCode", result_code}, {L"ResultText", result_text}

/* ---------------------------------------------------------------------- */
/* Mailwire.Message                                                         */

enum { FROM_NAME, FROM_ADDRESS };

/* field_prop reads or writes a message field such as "Subject". */
static HRESULT field_prop(struct call *c, const char *field) {
    if (!c->value) return mwcom_ret_str(c, mw.mw_message_get(c->o->handle, field));
    char *v;
    TRY(mwcom_put_str(c, &v));
    int rc = mw.mw_message_set(c->o->handle, field, v);
    free(v);
    return mwcom_done(c, rc);
}

#define FIELD_PROP(fn, field) static HRESULT fn(struct call *c) { return field_prop(c, field); }
FIELD_PROP(msg_subject, "Subject")
FIELD_PROP(msg_text, "TextBody")
FIELD_PROP(msg_html, "HtmlBody")
FIELD_PROP(msg_reply_to, "ReplyTo")
FIELD_PROP(msg_priority, "Priority")
FIELD_PROP(msg_to, "To")
FIELD_PROP(msg_cc, "Cc")

/* mailbox formats "Name" <address> (or the bare address) into a new string. */
static char *mailbox(const char *name, const char *address) {
    size_t n = 2 * strlen(name ? name : "") + strlen(address) + 8;
    char *s = malloc(n), *p = s;
    if (!s) return NULL;
    if (name && *name) {
        *p++ = '"';
        for (const char *q = name; *q; q++) {
            if (*q == '"' || *q == '\\') *p++ = '\\';
            *p++ = *q;
        }
        p += sprintf(p, "\" <%s>", address);
    } else {
        strcpy(p, address);
    }
    return s;
}

/* from_part splits the message's From into name or address, into buf. */
static void from_part(struct obj *o, int part, char *buf, size_t n) {
    const char *from = mw.mw_message_get(o->handle, "From");
    const char *lt = from ? strrchr(from, '<') : NULL, *gt = lt ? strchr(lt, '>') : NULL;
    buf[0] = 0;
    if (!from) return;
    if (!lt || !gt) { if (part == FROM_ADDRESS) snprintf(buf, n, "%s", from); return; }
    const char *b = part == FROM_ADDRESS ? lt + 1 : from, *e = part == FROM_ADDRESS ? gt : lt;
    while (b < e && (*b == ' ' || *b == '"')) b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '"')) e--;
    size_t len = (size_t)(e - b) < n - 1 ? (size_t)(e - b) : n - 1;
    memcpy(buf, b, len);
    buf[len] = 0;
}

/* from_prop reads or writes one part of From; the other part is kept. */
static HRESULT from_prop(struct call *c, int part) {
    struct obj *o = c->o;
    char cur[2][1024];
    from_part(o, FROM_NAME, cur[FROM_NAME], sizeof cur[0]);
    from_part(o, FROM_ADDRESS, cur[FROM_ADDRESS], sizeof cur[0]);
    if (!c->value) return mwcom_ret_str(c, o->opts[part] ? o->opts[part] : cur[part]);
    char *v;
    TRY(mwcom_put_str(c, &v));
    free(o->opts[part]);
    o->opts[part] = v;
    const char *name = o->opts[FROM_NAME] ? o->opts[FROM_NAME] : cur[FROM_NAME];
    const char *addr = o->opts[FROM_ADDRESS] ? o->opts[FROM_ADDRESS] : cur[FROM_ADDRESS];
    if (!*addr) return S_OK; /* FromName first: From is set with the address */
    char *from = mailbox(name, addr);
    if (!from) return E_OUTOFMEMORY;
    int rc = mw.mw_message_set(o->handle, "From", from);
    free(from);
    return mwcom_done(c, rc);
}

static HRESULT msg_from_name(struct call *c) { return from_prop(c, FROM_NAME); }
static HRESULT msg_from_address(struct call *c) { return from_prop(c, FROM_ADDRESS); }

/* add_recipient serves AddTo(address [, name]) and its Cc and Bcc kin. */
static HRESULT add_recipient(struct call *c, int (MW_CALL *add)(int, const char *)) {
    char *addr, *name, *box;
    TRY(mwcom_arg_str(c, 0, &addr));
    HRESULT hr = mwcom_opt_str(c, 1, &name);
    box = SUCCEEDED(hr) && name ? mailbox(name, addr) : NULL;
    int rc = FAILED(hr) ? 0 : add(c->o->handle, box ? box : addr);
    free(addr);
    free(name);
    free(box);
    return FAILED(hr) ? hr : mwcom_done(c, rc);
}

static HRESULT msg_add_to(struct call *c) { return add_recipient(c, mw.mw_message_add_to); }
static HRESULT msg_add_cc(struct call *c) { return add_recipient(c, mw.mw_message_add_cc); }
static HRESULT msg_add_bcc(struct call *c) { return add_recipient(c, mw.mw_message_add_bcc); }

/* AddAttachment(path [, name [, contentType]]). */
static HRESULT msg_add_attachment(struct call *c) {
    char *path, *name = NULL, *type = NULL;
    TRY(mwcom_arg_str(c, 0, &path));
    HRESULT hr = mwcom_opt_str(c, 1, &name);
    if (SUCCEEDED(hr)) hr = mwcom_opt_str(c, 2, &type);
    int rc = SUCCEEDED(hr) ? mw.mw_message_attach_file(c->o->handle, path, name, type) : 0;
    free(path);
    free(name);
    free(type);
    return FAILED(hr) ? hr : mwcom_done(c, rc);
}

static HRESULT msg_save(struct call *c) { return str_call(c, mw.mw_message_save); }

/* Load(path) replaces the message; the remembered From parts go with it. */
static HRESULT msg_load(struct call *c) {
    for (int i = 0; i < OPT_COUNT; i++) { free(c->o->opts[i]); c->o->opts[i] = NULL; }
    return str_call(c, mw.mw_message_load);
}

static HRESULT msg_header(struct call *c) {
    char *name;
    TRY(mwcom_arg_str(c, 0, &name));
    HRESULT hr = mwcom_ret_str(c, mw.mw_message_get(c->o->handle, name));
    free(name);
    return hr;
}

static HRESULT msg_set_header(struct call *c) { return set_option(c, mw.mw_message_set); }

/* MimeText is the rendered message as text. */
static HRESULT msg_mime_text(struct call *c) {
    char *out = NULL;
    size_t len = 0;
    int rc = mw.mw_message_mime(c->o->handle, &out, &len);
    if (rc < 0) return mwcom_done(c, rc);
    HRESULT hr = mwcom_ret_str(c, out);
    mw.mw_free(out);
    c->o->last = 0;
    return hr;
}

static HRESULT msg_attachment_count(struct call *c) {
    return mwcom_done(c, mw.mw_message_attachment_count(c->o->handle));
}

static HRESULT msg_attachment_name(struct call *c) {
    int i;
    TRY(mwcom_arg_int(c, 0, &i));
    return mwcom_ret_str(c, mw.mw_message_attachment(c->o->handle, i, "name"));
}

/* SaveAttachment(i, path): path may be a folder. */
static HRESULT msg_save_attachment(struct call *c) {
    int i;
    char *path;
    TRY(mwcom_arg_int(c, 0, &i));
    TRY(mwcom_arg_str(c, 1, &path));
    int rc = mw.mw_message_attachment_save(c->o->handle, i, path);
    free(path);
    return mwcom_done(c, rc);
}

static HRESULT msg_trace_count(struct call *c) { return mwcom_done(c, mw.mw_message_trace_count(c->o->handle)); }

/* Trace(hop, field): a clause of a Received header (RFC 5321 section 4.4). */
static HRESULT msg_trace(struct call *c) {
    int hop;
    char *field;
    TRY(mwcom_arg_int(c, 0, &hop));
    TRY(mwcom_arg_str(c, 1, &field));
    HRESULT hr = mwcom_ret_str(c, mw.mw_message_trace(c->o->handle, hop, field));
    free(field);
    return hr;
}

static const struct member message_members[] = {
    {L"FromAddress", msg_from_address}, {L"FromName", msg_from_name}, {L"Subject", msg_subject},
    {L"BodyText", msg_text}, {L"BodyHtml", msg_html}, {L"ReplyTo", msg_reply_to}, {L"Priority", msg_priority},
    {L"To", msg_to}, {L"Cc", msg_cc}, {L"AddTo", msg_add_to}, {L"AddCc", msg_add_cc}, {L"AddBcc", msg_add_bcc},
    {L"AddAttachment", msg_add_attachment}, {L"Save", msg_save}, {L"Load", msg_load}, {L"Header", msg_header},
    {L"SetHeader", msg_set_header}, {L"MimeText", msg_mime_text}, {L"AttachmentCount", msg_attachment_count},
    {L"AttachmentName", msg_attachment_name}, {L"SaveAttachment", msg_save_attachment},
    {L"TraceCount", msg_trace_count}, {L"Trace", msg_trace}, RESULT_MEMBERS, COMMON_MEMBERS,
};

static int message_create(void) { return mw.mw_message_new(); }

const struct cls mwcom_message = {
    L"Mailwire.Message", L"{8986E9B2-5AF3-49F7-8AAF-E6CD67AD5B5F}", L"Mailwire Message",
    message_create, message_members, sizeof message_members / sizeof message_members[0],
};

/* ---------------------------------------------------------------------- */
/* Options of Mailwire.Smtp and Mailwire.Pop3                               */

static int (MW_CALL *client_set(struct obj *o))(int, const char *, const char *) {
    return o->cls == &mwcom_smtp ? mw.mw_smtp_set : mw.mw_pop3_set;
}

/* client_opt reads or writes a connection option that the object
 * remembers; the library checks the value when it is set. */
static HRESULT client_opt(struct call *c, int idx, const char *name, int numeric) {
    struct obj *o = c->o;
    const char *cur = o->opts[idx] ? o->opts[idx] : "";
    if (!c->value) return numeric ? mwcom_ret_int(c, atoi(cur)) : mwcom_ret_str(c, cur);
    char *v;
    TRY(mwcom_put_str(c, &v));
    int rc = client_set(o)(o->handle, name, v);
    if (rc == 0) { free(o->opts[idx]); o->opts[idx] = v; } else free(v);
    return mwcom_done(c, rc);
}

static HRESULT cl_host(struct call *c) { return client_opt(c, OPT_HOST, "host", 0); }
static HRESULT cl_port(struct call *c) { return client_opt(c, OPT_PORT, "port", 1); }
static HRESULT cl_security(struct call *c) { return client_opt(c, OPT_SECURITY, "security", 0); }
static HRESULT cl_username(struct call *c) { return client_opt(c, OPT_USERNAME, "username", 0); }

/* Password can be written, never read back. */
static HRESULT cl_password(struct call *c) {
    if (!c->value) return mwcom_ret_str(c, "");
    char *v;
    TRY(mwcom_put_str(c, &v));
    int rc = client_set(c->o)(c->o->handle, "password", v);
    SecureZeroMemory(v, strlen(v));
    free(v);
    return mwcom_done(c, rc);
}

static HRESULT cl_set_option(struct call *c) { return set_option(c, client_set(c->o)); }

/* connect_args applies Connect's optional host and port arguments. */
static int connect_args(struct call *c, HRESULT *hr) {
    char *host = NULL, *port = NULL;
    int rc = 0;
    *hr = mwcom_opt_str(c, 0, &host);
    if (SUCCEEDED(*hr)) *hr = mwcom_opt_str(c, 1, &port);
    if (SUCCEEDED(*hr) && host) rc = client_set(c->o)(c->o->handle, "host", host);
    if (SUCCEEDED(*hr) && port && rc == 0) rc = client_set(c->o)(c->o->handle, "port", port);
    if (rc == 0 && host) { free(c->o->opts[OPT_HOST]); c->o->opts[OPT_HOST] = host; host = NULL; }
    if (rc == 0 && port) { free(c->o->opts[OPT_PORT]); c->o->opts[OPT_PORT] = port; port = NULL; }
    free(host);
    free(port);
    return rc;
}

/* ---------------------------------------------------------------------- */
/* Mailwire.Smtp                                                            */

/* Connect([host [, port]]): connect, TLS and AUTH as the options say. */
static HRESULT smtp_connect(struct call *c) {
    HRESULT hr;
    int rc = connect_args(c, &hr);
    if (FAILED(hr)) return hr;
    return mwcom_done(c, rc ? rc : mw.mw_smtp_connect(c->o->handle));
}

/* Send(message): 0, MW_E_PARTIAL (-20) when some recipients were refused,
 * or another code. */
static HRESULT smtp_send(struct call *c) {
    struct obj *m;
    TRY(mwcom_arg_obj(c, 0, &mwcom_message, &m));
    return mwcom_done(c, mw.mw_smtp_send(c->o->handle, m->handle));
}

static HRESULT smtp_disconnect(struct call *c) { return mwcom_done(c, mw.mw_smtp_disconnect(c->o->handle)); }

static const struct member smtp_members[] = {
    {L"Host", cl_host}, {L"Port", cl_port}, {L"Security", cl_security}, {L"Username", cl_username},
    {L"Password", cl_password}, {L"SetOption", cl_set_option}, {L"Connect", smtp_connect},
    {L"Send", smtp_send}, {L"Disconnect", smtp_disconnect}, RESULT_MEMBERS, COMMON_MEMBERS,
};

static int smtp_create(void) { return mw.mw_smtp_new(); }

const struct cls mwcom_smtp = {
    L"Mailwire.Smtp", L"{DE4191FA-A0EB-45BA-9D19-B5AEF8785DF7}", L"Mailwire SMTP client",
    smtp_create, smtp_members, sizeof smtp_members / sizeof smtp_members[0],
};

/* ---------------------------------------------------------------------- */
/* Mailwire.Pop3                                                            */

static HRESULT pop_connect(struct call *c) {
    HRESULT hr;
    int rc = connect_args(c, &hr);
    if (FAILED(hr)) return hr;
    return mwcom_done(c, rc ? rc : mw.mw_pop3_connect(c->o->handle));
}

static HRESULT pop_count(struct call *c) { return mwcom_done(c, mw.mw_pop3_count(c->o->handle)); }

static HRESULT pop_size(struct call *c) {
    int i;
    TRY(mwcom_arg_int(c, 0, &i));
    long long n = mw.mw_pop3_size(c->o->handle, i);
    return mwcom_done(c, n > 0x7fffffff ? 0x7fffffff : (int)n);
}

static HRESULT pop_uid(struct call *c) {
    int i;
    TRY(mwcom_arg_int(c, 0, &i));
    const char *uid = mw.mw_pop3_uid(c->o->handle, i);
    if (!uid) {
        HRESULT hr = mwcom_done(c, mw.mw_errcode(c->o->handle));
        return hr == S_OK ? mwcom_ret_str(c, "") : hr;
    }
    c->o->last = 0;
    return mwcom_ret_str(c, uid);
}

/* Retrieve(i) returns message i (1-based) as a Mailwire.Message, or
 * Nothing on failure (LastError tells why). */
static HRESULT pop_retrieve(struct call *c) {
    int i;
    TRY(mwcom_arg_int(c, 0, &i));
    int h = mw.mw_message_new();
    int rc = h > 0 ? mw.mw_pop3_retrieve(c->o->handle, i, h) : h;
    if (rc < 0) {
        if (h > 0) mw.mw_close(h);
        HRESULT hr = mwcom_done(c, rc);
        return hr == S_OK ? mwcom_ret_obj(c, NULL) : hr;
    }
    c->o->last = 0;
    struct obj *m = mwcom_new(&mwcom_message, h);
    return m ? mwcom_ret_obj(c, m) : E_OUTOFMEMORY;
}

static HRESULT pop_delete(struct call *c) {
    int i;
    TRY(mwcom_arg_int(c, 0, &i));
    return mwcom_done(c, mw.mw_pop3_delete(c->o->handle, i));
}

static HRESULT pop_disconnect(struct call *c) { return mwcom_done(c, mw.mw_pop3_disconnect(c->o->handle)); }

static const struct member pop3_members[] = {
    {L"Host", cl_host}, {L"Port", cl_port}, {L"Security", cl_security}, {L"Username", cl_username},
    {L"Password", cl_password}, {L"SetOption", cl_set_option}, {L"Connect", pop_connect},
    {L"Count", pop_count}, {L"Size", pop_size}, {L"Uid", pop_uid}, {L"Retrieve", pop_retrieve},
    {L"Delete", pop_delete}, {L"Disconnect", pop_disconnect}, COMMON_MEMBERS,
};

static int pop3_create(void) { return mw.mw_pop3_new(); }

const struct cls mwcom_pop3 = {
    L"Mailwire.Pop3", L"{E99E6E7E-A4AC-42EE-AC13-B095E4BA0F9D}", L"Mailwire POP3 client",
    pop3_create, pop3_members, sizeof pop3_members / sizeof pop3_members[0],
};

/* ---------------------------------------------------------------------- */
/* Mailwire.Server                                                          */

static HRESULT srv_set_option(struct call *c) { return set_option(c, mw.mw_server_set); }

/* Users = "alice:secret,bob:secret" adds users. */
static HRESULT srv_users(struct call *c) {
    if (!c->value) return DISP_E_MEMBERNOTFOUND;
    char *v;
    TRY(mwcom_put_str(c, &v));
    int rc = mw.mw_server_set(c->o->handle, "users", v);
    free(v);
    return mwcom_done(c, rc);
}

static HRESULT srv_start(struct call *c) { return mwcom_done(c, mw.mw_server_start(c->o->handle)); }
static HRESULT srv_stop(struct call *c) { return mwcom_done(c, mw.mw_server_stop(c->o->handle)); }

static HRESULT srv_port(struct call *c) {
    return str_call(c, (int (MW_CALL *)(int, const char *))mw.mw_server_port);
}

/* MessageCount([mailbox]): all mailboxes when omitted. */
static HRESULT srv_message_count(struct call *c) {
    char *box;
    TRY(mwcom_opt_str(c, 0, &box));
    int rc = mw.mw_server_message_count(c->o->handle, box);
    free(box);
    return mwcom_done(c, rc);
}

static const struct member server_members[] = {
    {L"SetOption", srv_set_option}, {L"Users", srv_users}, {L"Start", srv_start}, {L"Port", srv_port},
    {L"MessageCount", srv_message_count}, {L"Stop", srv_stop}, COMMON_MEMBERS,
};

static int server_create(void) { return mw.mw_server_new(); }

const struct cls mwcom_server = {
    L"Mailwire.Server", L"{BAB3719C-10EE-405C-BCC6-FD9971EF57D7}", L"Mailwire embedded test server",
    server_create, server_members, sizeof server_members / sizeof server_members[0],
};
