/* mailwirecom_objects.c: the members every object has, and those of
 * Mailwire.Message and Mailwire.Keywords, each a thin call into
 * mailwire.dll.  (Smtp, Pop3, Pool and Server are in mailwirecom_clients.c.)
 *
 * Methods return the library's code (0 or a negative MW_E_* code; counts
 * and ports are >= 0) unless they return an object, text or bytes.  Every
 * object has LastError, LastErrorText, GetErrorDescription(code),
 * RaiseErrors and Version.
 *
 * Each class's members are one table of {name, function, kind, IDL
 * declaration}; a member's DISPID is its place in the table, the DISPID
 * mailwire.idl gives it.  The type library fixes the DISPIDs: new members
 * go at the end of a table and of its interface in the IDL. */
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
HRESULT mwcom_last_error(struct call *c) {
    if (c->o->broken) return mwcom_ret_int(c, MW_E_STATE);
    AcquireSRWLockShared(&c->o->lock);
    int last = c->o->last;
    ReleaseSRWLockShared(&c->o->lock);
    return mwcom_ret_int(c, last);
}

HRESULT mwcom_last_error_text(struct call *c) {
    if (c->o->broken) return mwcom_ret_str(c, c->o->broken);
    AcquireSRWLockShared(&c->o->lock);
    HRESULT hr = mwcom_ret_str(c, c->o->errtext ? c->o->errtext : "");
    ReleaseSRWLockShared(&c->o->lock);
    return hr;
}

HRESULT mwcom_error_description(struct call *c) {
    int code;
    TRY(mwcom_arg_int(c, 0, &code));
    return mwcom_ret_str(c, c->o->broken ? c->o->broken : mw.mw_strerror(code));
}

HRESULT mwcom_raise_errors(struct call *c) {
    if (!c->value) return mwcom_ret_bool(c, c->o->raise);
    int v;
    TRY(mwcom_put_bool(c, &v));
    InterlockedExchange(&c->o->raise, v);
    return S_OK;
}

/* Version is the library's "MAJOR.MINOR.PATCH". */
HRESULT mwcom_version(struct call *c) { return mwcom_ret_str(c, mw.mw_version()); }

int mwcom_works_broken(member_fn fn) {
    return fn == mwcom_last_error || fn == mwcom_last_error_text || fn == mwcom_error_description ||
           fn == mwcom_raise_errors;
}

/* ---------------------------------------------------------------------- */
/* Helpers several classes use                                              */

/* mwcom_str_call runs fn(handle, arg0) with a required string argument. */
HRESULT mwcom_str_call(struct call *c, int (MW_CALL *fn)(int, const char *)) {
    char *s;
    TRY(mwcom_arg_str(c, 0, &s));
    int rc = fn(c->o->handle, s);
    free(s);
    return mwcom_done(c, rc);
}

/* mwcom_set_option runs set(handle, name, value) for SetOption(name, value). */
HRESULT mwcom_set_option(struct call *c, int (MW_CALL *set)(int, const char *, const char *)) {
    char *name, *value;
    TRY(mwcom_arg_str(c, 0, &name));
    HRESULT hr = mwcom_arg_str(c, 1, &value);
    if (FAILED(hr)) { free(name); return hr; }
    int rc = set(c->o->handle, name, value);
    free(name);
    free(value);
    return mwcom_done(c, rc);
}

/* mwcom_text returns a library-owned string; a NULL is "" and, when the
 * call failed (mw_errcode), a failure like any other. */
HRESULT mwcom_text(struct call *c, const char *s) {
    if (s) { mwcom_record(c->o, 0, NULL); return mwcom_ret_str(c, s); }
    HRESULT hr = mwcom_status(c, mw.mw_errcode(c->o->handle), c->o->handle);
    return hr == S_OK ? mwcom_ret_str(c, "") : hr;
}

/* mwcom_take_bytes returns a buffer that a call returning rc handed over
 * (freed here) as a Byte() array, or Empty and the failure rc. */
HRESULT mwcom_take_bytes(struct call *c, int rc, char *out, size_t len) {
    if (rc < 0) return mwcom_status(c, rc, c->o->handle);
    HRESULT hr = mwcom_ret_bytes(c, out, len);
    mw.mw_free(out);
    mwcom_record(c->o, 0, NULL);
    return hr;
}

/* Recipient results, on an Smtp object or on the Message that was sent. */
HRESULT mwcom_result_count(struct call *c) { return mwcom_done(c, mw.mw_smtp_result_count(c->o->handle)); }

static HRESULT result_field(struct call *c, const char *field) {
    int i;
    TRY(mwcom_arg_int(c, 0, &i));
    return mwcom_ret_str(c, mw.mw_smtp_result(c->o->handle, i, field));
}

HRESULT mwcom_result_address(struct call *c) { return result_field(c, "address"); }
HRESULT mwcom_result_enhanced(struct call *c) { return result_field(c, "enhanced"); }
HRESULT mwcom_result_text(struct call *c) { return result_field(c, "text"); }

HRESULT mwcom_result_code(struct call *c) {
    int i;
    TRY(mwcom_arg_int(c, 0, &i));
    const char *s = mw.mw_smtp_result(c->o->handle, i, "code");
    return mwcom_ret_int(c, s ? atoi(s) : 0);
}

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

/* forget_from drops the remembered From parts when the content is replaced. */
static void forget_from(struct obj *o) {
    for (int i = FROM_NAME; i <= FROM_ADDRESS; i++) { free(o->opts[i]); o->opts[i] = NULL; }
}

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

/* AddAttachmentData(data, name [, contentType]): data is a Byte() array
 * (VB6, VBA, ADODB.Stream.Read, Request.BinaryRead), an array of numbers
 * 0..255 (VBScript's Array(...)) or text, attached as UTF-8. */
static HRESULT msg_add_attachment_data(struct call *c) {
    char *data, *name = NULL, *type = NULL;
    size_t len;
    TRY(mwcom_arg_bytes(c, 0, &data, &len));
    HRESULT hr = mwcom_arg_str(c, 1, &name);
    if (SUCCEEDED(hr)) hr = mwcom_opt_str(c, 2, &type);
    int rc = SUCCEEDED(hr) ? mw.mw_message_attach_data(c->o->handle, data, len, name, type) : 0;
    free(data);
    free(name);
    free(type);
    return FAILED(hr) ? hr : mwcom_done(c, rc);
}

/* EmbedImage(path, contentId): an inline part the HTML body shows with
 * <img src="cid:contentId">. */
static HRESULT msg_embed_image(struct call *c) {
    char *path, *cid;
    TRY(mwcom_arg_str(c, 0, &path));
    HRESULT hr = mwcom_arg_str(c, 1, &cid);
    int rc = SUCCEEDED(hr) ? mw.mw_message_embed_file(c->o->handle, path, cid) : 0;
    free(path);
    free(cid);
    return FAILED(hr) ? hr : mwcom_done(c, rc);
}

static HRESULT msg_save(struct call *c) { return mwcom_str_call(c, mw.mw_message_save); }

/* Load(path) replaces the message; the remembered From parts go with it. */
static HRESULT msg_load(struct call *c) {
    forget_from(c->o);
    return mwcom_str_call(c, mw.mw_message_load);
}

/* LoadFromString(data) parses a whole message from text (taken as UTF-8)
 * or from a Byte() array (the raw bytes). */
static HRESULT msg_load_from_string(struct call *c) {
    char *data;
    size_t len;
    TRY(mwcom_arg_bytes(c, 0, &data, &len));
    forget_from(c->o);
    int rc = mw.mw_message_parse(c->o->handle, data, len);
    free(data);
    return mwcom_done(c, rc);
}

static HRESULT msg_header(struct call *c) {
    char *name;
    TRY(mwcom_arg_str(c, 0, &name));
    HRESULT hr = mwcom_ret_str(c, mw.mw_message_get(c->o->handle, name));
    free(name);
    return hr;
}

static HRESULT msg_set_header(struct call *c) { return mwcom_set_option(c, mw.mw_message_set); }

/* MimeText is the rendered message as text. */
static HRESULT msg_mime_text(struct call *c) {
    char *out = NULL;
    size_t len = 0;
    int rc = mw.mw_message_mime(c->o->handle, &out, &len);
    if (rc < 0) return mwcom_done(c, rc);
    HRESULT hr = mwcom_ret_str(c, out);
    mw.mw_free(out);
    mwcom_record(c->o, 0, NULL);
    return hr;
}

/* MimeData is the rendered message as a Byte() array (for
 * Response.BinaryWrite or an ADODB.Stream). */
static HRESULT msg_mime_data(struct call *c) {
    char *out = NULL;
    size_t len = 0;
    int rc = mw.mw_message_mime(c->o->handle, &out, &len);
    return mwcom_take_bytes(c, rc, out, len);
}

/* Size is the exact size in bytes of the rendered message. */
static HRESULT msg_size(struct call *c) {
    long long n = mw.mw_message_size(c->o->handle);
    if (n < 0) return mwcom_done(c, (int)n);
    mwcom_record(c->o, 0, NULL);
    return mwcom_ret_num(c, n);
}

static HRESULT msg_attachment_count(struct call *c) {
    return mwcom_done(c, mw.mw_message_attachment_count(c->o->handle));
}

static HRESULT msg_attachment_name(struct call *c) {
    int i;
    TRY(mwcom_arg_int(c, 0, &i));
    return mwcom_ret_str(c, mw.mw_message_attachment(c->o->handle, i, "name"));
}

/* Attachment(i, field): "name", "content_type", "size", "content_id" or
 * "disposition" of attachment i. */
static HRESULT msg_attachment(struct call *c) {
    int i;
    char *field;
    TRY(mwcom_arg_int(c, 0, &i));
    TRY(mwcom_arg_str(c, 1, &field));
    HRESULT hr = mwcom_text(c, mw.mw_message_attachment(c->o->handle, i, field));
    free(field);
    return hr;
}

/* AttachmentSize(i) is the decoded size of attachment i in bytes. */
static HRESULT msg_attachment_size(struct call *c) {
    int i;
    TRY(mwcom_arg_int(c, 0, &i));
    const char *s = mw.mw_message_attachment(c->o->handle, i, "size");
    if (!s) return mwcom_done(c, mw.mw_errcode(c->o->handle));
    mwcom_record(c->o, 0, NULL);
    return mwcom_ret_num(c, strtoll(s, NULL, 10));
}

/* AttachmentData(i) is attachment i's decoded content as a Byte() array,
 * or Empty on failure. */
static HRESULT msg_attachment_data(struct call *c) {
    int i;
    char *out = NULL;
    size_t len = 0;
    TRY(mwcom_arg_int(c, 0, &i));
    int rc = mw.mw_message_attachment_data(c->o->handle, i, &out, &len);
    return mwcom_take_bytes(c, rc, out, len);
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

/* trace_flags gives the MW_WITH_* flags of hop's "with" keyword (RFC
 * 3848), or MW_E_NOTFOUND when it is not a registered keyword, which is
 * an answer, not a failure.  A hop that does not exist is a failure. */
static HRESULT trace_flags(struct call *c, int *flags) {
    int hop;
    TRY(mwcom_arg_int(c, 0, &hop));
    int n = mw.mw_message_trace_count(c->o->handle);
    *flags = n < 0 ? n : mw.mw_message_trace_flags(c->o->handle, hop);
    if (*flags == MW_E_NOTFOUND && hop >= 0 && hop < n) {
        mwcom_record(c->o, 0, NULL);
        return S_OK;
    }
    return mwcom_status(c, *flags, c->o->handle);
}

/* TraceFlags(hop): the flags (MW_WITH_TLS 1, MW_WITH_AUTH 2, MW_WITH_UTF8
 * 4), or -8 when the keyword is not registered; -8 bears no flag bit, so
 * "TraceFlags(h) And 1" is a safe test. */
static HRESULT msg_trace_flags(struct call *c) {
    int f = 0;
    HRESULT hr = trace_flags(c, &f);
    return hr == S_OK ? mwcom_ret_int(c, f) : hr;
}

static HRESULT trace_flag(struct call *c, int bit) {
    int f = 0;
    HRESULT hr = trace_flags(c, &f);
    return hr == S_OK ? mwcom_ret_bool(c, f >= 0 && (f & bit)) : hr;
}

static HRESULT msg_trace_tls(struct call *c) { return trace_flag(c, MW_WITH_TLS); }
static HRESULT msg_trace_auth(struct call *c) { return trace_flag(c, MW_WITH_AUTH); }
static HRESULT msg_trace_utf8(struct call *c) { return trace_flag(c, MW_WITH_UTF8); }

static const struct member message_members[] = {
    {L"FromAddress", msg_from_address, M_GETPUT, "BSTR FromAddress"},
    {L"FromName", msg_from_name, M_GETPUT, "BSTR FromName"},
    {L"Subject", msg_subject, M_GETPUT, "BSTR Subject"},
    {L"BodyText", msg_text, M_GETPUT, "BSTR BodyText"},
    {L"BodyHtml", msg_html, M_GETPUT, "BSTR BodyHtml"},
    {L"ReplyTo", msg_reply_to, M_GETPUT, "BSTR ReplyTo"},
    {L"Priority", msg_priority, M_GETPUT, "BSTR Priority"},
    {L"To", msg_to, M_GET, "BSTR To"},
    {L"Cc", msg_cc, M_GET, "BSTR Cc"},
    {L"AddTo", msg_add_to, M_METHOD, "long AddTo(BSTR address, [optional] VARIANT name)"},
    {L"AddCc", msg_add_cc, M_METHOD, "long AddCc(BSTR address, [optional] VARIANT name)"},
    {L"AddBcc", msg_add_bcc, M_METHOD, "long AddBcc(BSTR address, [optional] VARIANT name)"},
    {L"AddAttachment", msg_add_attachment, M_METHOD,
     "long AddAttachment(BSTR path, [optional] VARIANT name, [optional] VARIANT contentType)"},
    {L"AddAttachmentData", msg_add_attachment_data, M_METHOD,
     "long AddAttachmentData(VARIANT data, BSTR name, [optional] VARIANT contentType)"},
    {L"EmbedImage", msg_embed_image, M_METHOD, "long EmbedImage(BSTR path, BSTR contentId)"},
    {L"Header", msg_header, M_METHOD, "BSTR Header(BSTR name)"},
    {L"SetHeader", msg_set_header, M_METHOD, "long SetHeader(BSTR name, BSTR value)"},
    {L"Save", msg_save, M_METHOD, "long Save(BSTR path)"},
    {L"Load", msg_load, M_METHOD, "long Load(BSTR path)"},
    {L"LoadFromString", msg_load_from_string, M_METHOD, "long LoadFromString(VARIANT data)"},
    {L"MimeText", msg_mime_text, M_GET, "BSTR MimeText"},
    {L"MimeData", msg_mime_data, M_GET, "VARIANT MimeData"},
    {L"Size", msg_size, M_GET, "VARIANT Size"},
    {L"AttachmentCount", msg_attachment_count, M_GET, "long AttachmentCount"},
    {L"AttachmentName", msg_attachment_name, M_METHOD, "BSTR AttachmentName(long i)"},
    {L"Attachment", msg_attachment, M_METHOD, "BSTR Attachment(long i, BSTR field)"},
    {L"AttachmentSize", msg_attachment_size, M_METHOD, "VARIANT AttachmentSize(long i)"},
    {L"AttachmentData", msg_attachment_data, M_METHOD, "VARIANT AttachmentData(long i)"},
    {L"SaveAttachment", msg_save_attachment, M_METHOD, "long SaveAttachment(long i, BSTR path)"},
    {L"TraceCount", msg_trace_count, M_GET, "long TraceCount"},
    {L"Trace", msg_trace, M_METHOD, "BSTR Trace(long hop, BSTR field)"},
    {L"TraceFlags", msg_trace_flags, M_METHOD, "long TraceFlags(long hop)"},
    {L"TraceTls", msg_trace_tls, M_METHOD, "VARIANT_BOOL TraceTls(long hop)"},
    {L"TraceAuth", msg_trace_auth, M_METHOD, "VARIANT_BOOL TraceAuth(long hop)"},
    {L"TraceUtf8", msg_trace_utf8, M_METHOD, "VARIANT_BOOL TraceUtf8(long hop)"},
    RESULT_MEMBERS,
    COMMON_MEMBERS,
};

static int message_create(void) { return mw.mw_message_new(); }

const struct cls mwcom_message = {
    L"Mailwire.Message", L"{8986E9B2-5AF3-49F7-8AAF-E6CD67AD5B5F}", L"Mailwire Message",
    message_create, message_members, sizeof message_members / sizeof message_members[0], 0, NULL,
    &mwcom_dual_IMwMessage, NULL,
};

/* ---------------------------------------------------------------------- */
/* Mailwire.Keywords: the mail transmission types of RFC 3848 and RFC 6531,
 * the "with" keyword of a Received header.  It needs no library handle, and
 * any thread may use one object at any time. */

/* Keyword(protocol [, tls [, auth [, utf8]]]): the registered keyword for a
 * session of protocol ("SMTP", "ESMTP" or "LMTP"), "" when there is none. */
static HRESULT kw_keyword(struct call *c) {
    char *protocol;
    int tls, auth, utf8;
    TRY(mwcom_opt_bool(c, 1, &tls));
    TRY(mwcom_opt_bool(c, 2, &auth));
    TRY(mwcom_opt_bool(c, 3, &utf8));
    TRY(mwcom_arg_str(c, 0, &protocol));
    int flags = (tls ? MW_WITH_TLS : 0) | (auth ? MW_WITH_AUTH : 0) | (utf8 ? MW_WITH_UTF8 : 0);
    HRESULT hr = mwcom_ret_str(c, mw.mw_with_keyword(protocol, flags));
    free(protocol);
    mwcom_record(c->o, 0, NULL);
    return hr;
}

/* Flags(keyword): the MW_WITH_* flags a keyword stands for (case does not
 * matter), or -8 (MW_E_NOTFOUND) when it is not registered. */
static HRESULT kw_flags(struct call *c) {
    char *keyword;
    TRY(mwcom_arg_str(c, 0, &keyword));
    int f = mw.mw_with_flags(keyword);
    free(keyword);
    mwcom_record(c->o, 0, NULL);
    return mwcom_ret_int(c, f);
}

/* Protocol(keyword): "SMTP", "ESMTP" or "LMTP"; "" when not registered. */
static HRESULT kw_protocol(struct call *c) {
    char *keyword;
    TRY(mwcom_arg_str(c, 0, &keyword));
    HRESULT hr = mwcom_ret_str(c, mw.mw_with_protocol(keyword));
    free(keyword);
    mwcom_record(c->o, 0, NULL);
    return hr;
}

static HRESULT kw_tls(struct call *c) { return mwcom_ret_int(c, MW_WITH_TLS); }
static HRESULT kw_auth(struct call *c) { return mwcom_ret_int(c, MW_WITH_AUTH); }
static HRESULT kw_utf8(struct call *c) { return mwcom_ret_int(c, MW_WITH_UTF8); }

static const struct member keywords_members[] = {
    {L"Keyword", kw_keyword, M_METHOD,
     "BSTR Keyword(BSTR protocol, [optional] VARIANT tls, [optional] VARIANT auth, [optional] VARIANT utf8)"},
    {L"Flags", kw_flags, M_METHOD, "long Flags(BSTR keyword)"},
    {L"Protocol", kw_protocol, M_METHOD, "BSTR Protocol(BSTR keyword)"},
    {L"MW_WITH_TLS", kw_tls, M_GET, "const long MW_WITH_TLS = 1"},
    {L"MW_WITH_AUTH", kw_auth, M_GET, "const long MW_WITH_AUTH = 2"},
    {L"MW_WITH_UTF8", kw_utf8, M_GET, "const long MW_WITH_UTF8 = 4"},
    COMMON_MEMBERS,
};

const struct cls mwcom_keywords = {
    L"Mailwire.Keywords", L"{EDD946E4-EFC4-4B85-BA02-9A3C8B493072}", L"Mailwire RFC 3848 transmission types",
    NULL, keywords_members, sizeof keywords_members / sizeof keywords_members[0], 1, NULL, &mwcom_dual_IMwKeywords,
    NULL,
};
