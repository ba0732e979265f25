/* mailwirecom.h: what the parts of the Mailwire COM shim share.
 *
 * The shim is an in-process COM server for VBScript, ASP, VB6, VBA and
 * .NET.  Its objects are dual interfaces described by the type library
 * embedded in it (mailwire.idl): scripts call IDispatch, early-bound hosts
 * the vtables of mailwirecom_dual.c, and both reach the same members.  It loads mailwire.dll
 * from its own folder on the first CreateObject and pins it, so that
 * regsvr32 never starts the Go runtime and nothing can unload it.  Before
 * that it checks what the Go runtime needs to start (which would otherwise
 * end the host process); when the library cannot be used, CreateObject
 * still returns an object, whose members fail with E_FAIL and the reason
 * (LastErrorText says it without raising). */
#ifndef MAILWIRECOM_H
#define MAILWIRECOM_H

#define COBJMACROS
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0A00 /* Windows 10, the oldest that runs mailwire.dll */
#endif
#include <windows.h>
#include <oleauto.h>
#include <olectl.h>
#include "mailwire.h"
#include "mailwirecom_dual.h"

/* MW_FUNCS lists the library functions the shim calls, as
 * X(return type, name, parameters): every function of mailwire.h. */
#define MW_FUNCS(X) \
    X(const char *, mw_version, (void)) \
    X(int, mw_version_number, (void)) \
    X(const char *, mw_strerror, (int)) \
    X(const char *, mw_errmsg, (int)) \
    X(int, mw_errcode, (int)) \
    X(void, mw_free, (void *)) \
    X(int, mw_close, (int)) \
    X(int, mw_handle_count, (void)) \
    X(const char *, mw_with_keyword, (const char *, int)) \
    X(int, mw_with_flags, (const char *)) \
    X(const char *, mw_with_protocol, (const char *)) \
    X(int, mw_message_new, (void)) \
    X(int, mw_message_set, (int, const char *, const char *)) \
    X(const char *, mw_message_get, (int, const char *)) \
    X(int, mw_message_add_to, (int, const char *)) \
    X(int, mw_message_add_cc, (int, const char *)) \
    X(int, mw_message_add_bcc, (int, const char *)) \
    X(int, mw_message_attach_file, (int, const char *, const char *, const char *)) \
    X(int, mw_message_attach_data, (int, const void *, size_t, const char *, const char *)) \
    X(int, mw_message_embed_file, (int, const char *, const char *)) \
    X(int, mw_message_mime, (int, char **, size_t *)) \
    X(int, mw_message_save, (int, const char *)) \
    X(long long, mw_message_size, (int)) \
    X(int, mw_message_parse, (int, const void *, size_t)) \
    X(int, mw_message_load, (int, const char *)) \
    X(int, mw_message_attachment_count, (int)) \
    X(const char *, mw_message_attachment, (int, int, const char *)) \
    X(int, mw_message_attachment_save, (int, int, const char *)) \
    X(int, mw_message_attachment_data, (int, int, char **, size_t *)) \
    X(int, mw_message_trace_count, (int)) \
    X(const char *, mw_message_trace, (int, int, const char *)) \
    X(int, mw_message_trace_flags, (int, int)) \
    X(int, mw_smtp_new, (void)) \
    X(int, mw_smtp_set, (int, const char *, const char *)) \
    X(int, mw_smtp_connect, (int)) \
    X(int, mw_smtp_send, (int, int)) \
    X(int, mw_smtp_send_many, (int, const int *, int)) \
    X(int, mw_smtp_result_count, (int)) \
    X(const char *, mw_smtp_result, (int, int, const char *)) \
    X(int, mw_smtp_reply_code, (int)) \
    X(const char *, mw_smtp_reply, (int)) \
    X(const char *, mw_smtp_capabilities, (int)) \
    X(int, mw_smtp_disconnect, (int)) \
    X(int, mw_send, (const char *, int)) \
    X(int, mw_set_progress, (int, mw_progress_fn, void *)) \
    X(int, mw_set_log, (int, mw_log_fn, void *)) \
    X(int, mw_cancel, (int)) \
    X(int, mw_pool_new, (void)) \
    X(int, mw_pool_set, (int, const char *, const char *)) \
    X(int, mw_pool_send, (int, int)) \
    X(int, mw_pop3_new, (void)) \
    X(int, mw_pop3_set, (int, const char *, const char *)) \
    X(int, mw_pop3_connect, (int)) \
    X(int, mw_pop3_count, (int)) \
    X(long long, mw_pop3_size, (int, int)) \
    X(const char *, mw_pop3_uid, (int, int)) \
    X(int, mw_pop3_retrieve, (int, int, int)) \
    X(int, mw_pop3_retrieve_data, (int, int, char **, size_t *)) \
    X(int, mw_pop3_retrieve_many, (int, int, int, const int *, int)) \
    X(int, mw_pop3_retrieve_file, (int, int, const char *)) \
    X(int, mw_pop3_top, (int, int, int, int)) \
    X(int, mw_pop3_delete, (int, int)) \
    X(int, mw_pop3_reset, (int)) \
    X(const char *, mw_pop3_capabilities, (int)) \
    X(int, mw_pop3_disconnect, (int)) \
    X(int, mw_imap_new, (void)) \
    X(int, mw_imap_set, (int, const char *, const char *)) \
    X(int, mw_imap_connect, (int)) \
    X(const char *, mw_imap_capabilities, (int)) \
    X(int, mw_imap_folder_count, (int)) \
    X(const char *, mw_imap_folder, (int, int, const char *)) \
    X(int, mw_imap_create, (int, const char *)) \
    X(int, mw_imap_rename, (int, const char *, const char *)) \
    X(int, mw_imap_delete_folder, (int, const char *)) \
    X(int, mw_imap_select, (int, const char *, int)) \
    X(const char *, mw_imap_status, (int, const char *)) \
    X(int, mw_imap_search, (int, const char *)) \
    X(long long, mw_imap_search_uid, (int, int)) \
    X(int, mw_imap_fetch, (int, long long, int)) \
    X(int, mw_imap_fetch_file, (int, long long, const char *)) \
    X(int, mw_imap_fetch_many, (int, const long long *, int, const int *)) \
    X(const char *, mw_imap_flags, (int, long long)) \
    X(int, mw_imap_store, (int, long long, const char *, int)) \
    X(int, mw_imap_copy, (int, long long, const char *)) \
    X(int, mw_imap_move, (int, long long, const char *)) \
    X(int, mw_imap_expunge, (int)) \
    X(long long, mw_imap_append, (int, const char *, int, const char *)) \
    X(int, mw_imap_idle, (int, int)) \
    X(int, mw_imap_disconnect, (int)) \
    X(int, mw_oauth2_new, (void)) \
    X(int, mw_oauth2_set, (int, const char *, const char *)) \
    X(const char *, mw_oauth2_token, (int)) \
    X(const char *, mw_oauth2_get, (int, const char *)) \
    X(int, mw_oauth2_device_start, (int)) \
    X(int, mw_oauth2_device_poll, (int)) \
    X(int, mw_smtp_use_oauth2, (int, int)) \
    X(int, mw_pop3_use_oauth2, (int, int)) \
    X(int, mw_imap_use_oauth2, (int, int)) \
    X(int, mw_pool_use_oauth2, (int, int)) \
    X(int, mw_server_new, (void)) \
    X(int, mw_server_set, (int, const char *, const char *)) \
    X(int, mw_server_start, (int)) \
    X(int, mw_server_port, (int, const char *)) \
    X(int, mw_server_message_count, (int, const char *)) \
    X(int, mw_server_message, (int, const char *, int, char **, size_t *)) \
    X(int, mw_server_stop, (int))

/* mw is the table of library entry points, filled by mwcom_load. */
struct mw_api {
#define MW_FIELD(ret, name, params) ret (MW_CALL *name) params;
    MW_FUNCS(MW_FIELD)
#undef MW_FIELD
};
extern struct mw_api mw;

/* Options an Smtp, Pop3, Imap or Pool object remembers so that it can read
 * them back. */
enum { OPT_HOST, OPT_PORT, OPT_SECURITY, OPT_USERNAME, OPT_MAX_CONNECTIONS, OPT_TIMEOUT, OPT_COUNT };

/* struct obj is every object the shim hands out: one IDispatch over one
 * library handle (0 for Mailwire.Keywords, which needs none).
 *
 * Threads.  Every object aggregates the free-threaded marshaler, so that
 * ASP can keep it in Application or Session and another thread can reach
 * it (Cancel, the progress properties).  A member marked M_ANY_THREAD, and
 * every member of a class marked shared, may run on many threads at once;
 * any other member claims the object (busy) for its call, and a second
 * thread that calls meanwhile gets MW_E_BUSY, as the library's handles do.
 * The error state, options and session log are kept under lock. */
struct obj {
    IDispatch iface;     /* the class's dual interface (its vtable is cls->dual->vtbl) */
    ISupportErrorInfo sei;
    LONG refs;
    const struct cls *cls;
    int handle;
    LONG busy;           /* 1 while a member that claims the object runs */
    LONG raise;          /* RaiseErrors: failures raise instead of returning */
    SRWLOCK lock;        /* guards last, errtext, opts and the session log */
    int last;            /* the last call's code, 0 after a success */
    char *errtext;       /* the last failure's message, or NULL */
    const char *broken;  /* why the library cannot be used, or NULL */
    char *opts[OPT_COUNT];
    IUnknown *ftm;       /* the free-threaded marshaler, made on first use */
    LONGLONG done, total; /* the last progress report (Smtp, Pop3) */
    int keep_log;        /* KeepSessionLog */
    char *log;           /* the session log, CRLF after each line */
    size_t log_len, log_cap;
    struct obj *oauth2;  /* the Mailwire.OAuth2 a client uses (a reference), or NULL */
};

/* struct call is one Invoke: its arguments in calling order, the value of a
 * property put, the result and the exception to fill. */
struct call {
    struct obj *o;
    DISPPARAMS *params;
    VARIANT *value;      /* the new value of a property put, or NULL */
    VARIANT *result;     /* may be NULL */
    EXCEPINFO *excep;    /* may be NULL */
};

typedef HRESULT (*member_fn)(struct call *c);

/* How a member may be invoked: a method, or a property that can be read,
 * written or both; M_ANY_THREAD is or'ed in for members that never claim
 * the object (see struct obj). */
enum { M_METHOD = 1, M_GET = 2, M_PUT = 4, M_GETPUT = M_GET | M_PUT, M_ANY_THREAD = 8 };

/* struct member names one property or method; its DISPID is its index + 1.
 * idl is its declaration as a type library would give it (a property's
 * type and name; a method's result, name and parameters), as mailwire.idl
 * declares it with the DISPID. */
struct member {
    const wchar_t *name;
    member_fn fn;
    int kind;
    const char *idl;
};

/* struct client_fns names the library functions behind the members that
 * the client classes (Smtp, Pop3, Imap, Pool) share: each field points at
 * the entry of mw that the class calls (filled when the library loads), or
 * is NULL when the class has no such member. */
struct client_fns {
    int (MW_CALL **set)(int, const char *, const char *);
    int (MW_CALL **connect)(int);
    const char *(MW_CALL **capabilities)(int);
    int (MW_CALL **disconnect)(int);
    int (MW_CALL **use_oauth2)(int, int);
};

/* struct cls describes one creatable class. */
struct cls {
    const wchar_t *progid;
    const wchar_t *clsid;
    const wchar_t *description;
    int (*create)(void);     /* makes the library handle; NULL: none */
    const struct member *members;
    int nmembers;
    int shared;              /* every member may run on many threads at once */
    void (*init)(struct obj *o); /* runs once the object is made with its handle, or NULL */
    const struct mwcom_dual *dual; /* its interface in the type library */
    const struct client_fns *client; /* a client class's library functions, or NULL */
};

extern const struct cls mwcom_message, mwcom_smtp, mwcom_pop3, mwcom_imap, mwcom_pool, mwcom_server,
    mwcom_keywords, mwcom_oauth2;

/* COMMON_MEMBERS are the members every class has (mailwirecom_objects.c). */
#define COMMON_MEMBERS \
    {L"LastError", mwcom_last_error, M_GET | M_ANY_THREAD, "long LastError"}, \
    {L"LastErrorText", mwcom_last_error_text, M_GET | M_ANY_THREAD, "BSTR LastErrorText"}, \
    {L"GetErrorDescription", mwcom_error_description, M_METHOD | M_ANY_THREAD, "BSTR GetErrorDescription(long code)"}, \
    {L"RaiseErrors", mwcom_raise_errors, M_GETPUT | M_ANY_THREAD, "VARIANT_BOOL RaiseErrors"}, \
    {L"Version", mwcom_version, M_GET | M_ANY_THREAD, "BSTR Version"}
HRESULT mwcom_last_error(struct call *c);
HRESULT mwcom_last_error_text(struct call *c);
HRESULT mwcom_error_description(struct call *c);
HRESULT mwcom_raise_errors(struct call *c);
HRESULT mwcom_version(struct call *c);

/* Argument helpers (mailwirecom.c).  Arguments are numbered in calling
 * order from 0; strings come out malloc'ed in UTF-8. */
int mwcom_nargs(struct call *c);
int mwcom_has_arg(struct call *c, int i);
HRESULT mwcom_arg_str(struct call *c, int i, char **out);
HRESULT mwcom_opt_str(struct call *c, int i, char **out);
HRESULT mwcom_arg_int(struct call *c, int i, int *out);
HRESULT mwcom_opt_int(struct call *c, int i, int def, int *out);
HRESULT mwcom_opt_bool(struct call *c, int i, int *out);
HRESULT mwcom_arg_obj(struct call *c, int i, const struct cls *want, struct obj **out);
HRESULT mwcom_arg_objs(struct call *c, int i, const struct cls *want, struct obj ***out, int *n);
HRESULT mwcom_arg_uid(struct call *c, int i, long long *out);
HRESULT mwcom_arg_uids(struct call *c, int i, long long **out, int *n);
HRESULT mwcom_arg_bytes(struct call *c, int i, char **data, size_t *len);
HRESULT mwcom_put_str(struct call *c, char **out);
HRESULT mwcom_put_bool(struct call *c, int *out);
HRESULT mwcom_put_obj(struct call *c, const struct cls *want, struct obj **out);

/* Result helpers: each fills c->result (when the caller wants one). */
HRESULT mwcom_ret_str(struct call *c, const char *s);
HRESULT mwcom_ret_int(struct call *c, int v);
HRESULT mwcom_ret_num(struct call *c, long long v);
HRESULT mwcom_ret_bool(struct call *c, int v);
HRESULT mwcom_ret_obj(struct call *c, struct obj *o);
HRESULT mwcom_ret_objs(struct call *c, struct obj **objs, int n);
HRESULT mwcom_ret_bytes(struct call *c, const char *data, size_t len);
HRESULT mwcom_ret_nums(struct call *c, const long long *v, int n);

/* Error helpers.  mwcom_record keeps rc (0 or a code) and text as the
 * object's LastError and LastErrorText.  mwcom_status records rc with the
 * message of handle errh, then raises when rc < 0 and the object raises
 * (or this is a property put); else it returns S_OK and leaves the result
 * alone.  mwcom_done is mwcom_status on the object's own handle that also
 * returns rc as the result. */
void mwcom_record(struct obj *o, int rc, const char *text);
HRESULT mwcom_status(struct call *c, int rc, int errh);
HRESULT mwcom_fail_text(struct call *c, int rc, const char *text);
HRESULT mwcom_done(struct call *c, int rc);
HRESULT mwcom_raise(struct call *c, HRESULT hr, const char *text);
struct obj *mwcom_new(const struct cls *cls, int handle);

/* Members that several classes share (mailwirecom_objects.c). */
HRESULT mwcom_str_call(struct call *c, int (MW_CALL *fn)(int, const char *));
HRESULT mwcom_set_option(struct call *c, int (MW_CALL *set)(int, const char *, const char *));
HRESULT mwcom_text(struct call *c, const char *s);
HRESULT mwcom_take_bytes(struct call *c, int rc, char *out, size_t len);
#define RESULT_MEMBERS \
    {L"ResultCount", mwcom_result_count, M_GET, "long ResultCount"}, \
    {L"ResultAddress", mwcom_result_address, M_METHOD, "BSTR ResultAddress(long i)"}, \
    {L"ResultCode", mwcom_result_code, M_METHOD, "long ResultCode(long i)"}, \
    {L"ResultEnhanced", mwcom_result_enhanced, M_METHOD, "BSTR ResultEnhanced(long i)"}, \
    {L"ResultText", mwcom_result_text, M_METHOD, "BSTR ResultText(long i)"}
HRESULT mwcom_result_count(struct call *c);
HRESULT mwcom_result_address(struct call *c);
HRESULT mwcom_result_code(struct call *c);
HRESULT mwcom_result_enhanced(struct call *c);
HRESULT mwcom_result_text(struct call *c);
void mwcom_note_send(struct obj *msg, int rc, int errh);
/* mwcom_works_broken says whether a member also works on an object whose
 * library cannot be used (LastError, LastErrorText, ...). */
int mwcom_works_broken(member_fn fn);

/* mwcom_caller_error tells a code of the group "the caller erred: nothing
 * went on the wire" (mailwire.h). */
static inline int mwcom_caller_error(int rc) { return rc < 0 && rc > MW_E_PARTIAL; }

/* mwcom_new_message returns a Message object for the library message
 * handle h that a call filled (rc), or Nothing and the failure. */
HRESULT mwcom_new_message(struct call *c, int h, int rc);

/* Members the client classes share (mailwirecom_clients.c): the options
 * each remembers (mwcom_client_opt reads or writes option idx, by name,
 * numeric or text), Connect, Disconnect and Capabilities through the
 * class's client_fns, and the session: Cancel, the protocol log and the
 * progress that mwcom_client_init, the classes' init, takes from the
 * library.  DISPIDs follow the place in a table: these groups open or
 * follow a class's own members as its interface in mailwire.idl says. */
HRESULT mwcom_client_opt(struct call *c, int idx, const char *name, int numeric);
void mwcom_client_init(struct obj *o);
HRESULT mwcom_cl_host(struct call *c);
HRESULT mwcom_cl_port(struct call *c);
HRESULT mwcom_cl_security(struct call *c);
HRESULT mwcom_cl_username(struct call *c);
HRESULT mwcom_cl_password(struct call *c);
HRESULT mwcom_cl_set_option(struct call *c);
HRESULT mwcom_cl_connect(struct call *c);
HRESULT mwcom_cl_disconnect(struct call *c);
HRESULT mwcom_cl_capabilities(struct call *c);
HRESULT mwcom_cl_cancel(struct call *c);
HRESULT mwcom_cl_keep_log(struct call *c);
HRESULT mwcom_cl_session_log(struct call *c);
HRESULT mwcom_cl_clear_log(struct call *c);
HRESULT mwcom_cl_bytes_transferred(struct call *c);
HRESULT mwcom_cl_bytes_total(struct call *c);

#define CLIENT_MEMBERS \
    {L"Host", mwcom_cl_host, M_GETPUT, "BSTR Host"}, {L"Port", mwcom_cl_port, M_GETPUT, "long Port"}, \
    {L"Security", mwcom_cl_security, M_GETPUT, "BSTR Security"}, \
    {L"Username", mwcom_cl_username, M_GETPUT, "BSTR Username"}, \
    {L"Password", mwcom_cl_password, M_PUT, "BSTR Password"}, \
    {L"SetOption", mwcom_cl_set_option, M_METHOD, "long SetOption(BSTR name, BSTR value)"}

#define SESSION_MEMBERS \
    {L"Cancel", mwcom_cl_cancel, M_METHOD | M_ANY_THREAD, "long Cancel()"}, \
    {L"KeepSessionLog", mwcom_cl_keep_log, M_GETPUT, "VARIANT_BOOL KeepSessionLog"}, \
    {L"SessionLog", mwcom_cl_session_log, M_GET, "BSTR SessionLog"}, \
    {L"ClearSessionLog", mwcom_cl_clear_log, M_METHOD, "long ClearSessionLog()"}, \
    {L"BytesTransferred", mwcom_cl_bytes_transferred, M_GET | M_ANY_THREAD, "VARIANT BytesTransferred"}, \
    {L"BytesTotal", mwcom_cl_bytes_total, M_GET | M_ANY_THREAD, "VARIANT BytesTotal"}

/* The OAuth2 property of Smtp, Pop3 and Pool (mailwirecom_oauth2.c). */
HRESULT mwcom_client_oauth2(struct call *c);

#endif
