/* mailwirecom.h: what the parts of the Mailwire COM shim share.
 *
 * The shim is an in-process COM server with late-bound IDispatch objects
 * (no type library) for VBScript, ASP, VB6 and VBA.  It loads mailwire.dll
 * from its own folder on the first CreateObject and pins it, so that
 * regsvr32 never starts the Go runtime and nothing can unload it.  Before
 * that it checks what the Go runtime needs to start (which would otherwise
 * end the host process); when the library cannot be used, CreateObject
 * still returns an object, whose members fail with E_FAIL and the reason
 * (LastErrorText says it without raising). */
#ifndef MAILWIRECOM_H
#define MAILWIRECOM_H

#define COBJMACROS
#include <windows.h>
#include <oleauto.h>
#include <olectl.h>
#include "mailwire.h"

/* MW_FUNCS lists the library functions the shim calls, as
 * X(return type, name, parameters). */
#define MW_FUNCS(X) \
    X(const char *, mw_version, (void)) \
    X(int, mw_version_number, (void)) \
    X(const char *, mw_strerror, (int)) \
    X(const char *, mw_errmsg, (int)) \
    X(int, mw_errcode, (int)) \
    X(void, mw_free, (void *)) \
    X(int, mw_close, (int)) \
    X(int, mw_message_new, (void)) \
    X(int, mw_message_set, (int, const char *, const char *)) \
    X(const char *, mw_message_get, (int, const char *)) \
    X(int, mw_message_add_to, (int, const char *)) \
    X(int, mw_message_add_cc, (int, const char *)) \
    X(int, mw_message_add_bcc, (int, const char *)) \
    X(int, mw_message_attach_file, (int, const char *, const char *, const char *)) \
    X(int, mw_message_mime, (int, char **, size_t *)) \
    X(int, mw_message_save, (int, const char *)) \
    X(int, mw_message_load, (int, const char *)) \
    X(int, mw_message_attachment_count, (int)) \
    X(const char *, mw_message_attachment, (int, int, const char *)) \
    X(int, mw_message_attachment_save, (int, int, const char *)) \
    X(int, mw_message_trace_count, (int)) \
    X(const char *, mw_message_trace, (int, int, const char *)) \
    X(int, mw_smtp_new, (void)) \
    X(int, mw_smtp_set, (int, const char *, const char *)) \
    X(int, mw_smtp_connect, (int)) \
    X(int, mw_smtp_send, (int, int)) \
    X(int, mw_smtp_result_count, (int)) \
    X(const char *, mw_smtp_result, (int, int, const char *)) \
    X(int, mw_smtp_disconnect, (int)) \
    X(int, mw_pop3_new, (void)) \
    X(int, mw_pop3_set, (int, const char *, const char *)) \
    X(int, mw_pop3_connect, (int)) \
    X(int, mw_pop3_count, (int)) \
    X(long long, mw_pop3_size, (int, int)) \
    X(const char *, mw_pop3_uid, (int, int)) \
    X(int, mw_pop3_retrieve, (int, int, int)) \
    X(int, mw_pop3_delete, (int, int)) \
    X(int, mw_pop3_disconnect, (int)) \
    X(int, mw_server_new, (void)) \
    X(int, mw_server_set, (int, const char *, const char *)) \
    X(int, mw_server_start, (int)) \
    X(int, mw_server_port, (int, const char *)) \
    X(int, mw_server_message_count, (int, const char *)) \
    X(int, mw_server_stop, (int))

/* mw is the table of library entry points, filled by mwcom_load. */
struct mw_api {
#define MW_FIELD(ret, name, params) ret (MW_CALL *name) params;
    MW_FUNCS(MW_FIELD)
#undef MW_FIELD
};
extern struct mw_api mw;

/* Options an Smtp or Pop3 object remembers so that it can read them back. */
enum { OPT_HOST, OPT_PORT, OPT_SECURITY, OPT_USERNAME, OPT_COUNT };

/* struct obj is every object the shim hands out: one IDispatch over one
 * library handle. */
struct obj {
    IDispatch iface;
    LONG refs;
    const struct cls *cls;
    int handle;
    int last;     /* the last call's code, 0 after a success */
    int raise;    /* RaiseErrors: failures raise instead of returning */
    const char *broken; /* why the library cannot be used, or NULL */
    char *opts[OPT_COUNT];
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

/* struct member names one property or method; its DISPID is its index + 1. */
struct member {
    const wchar_t *name;
    member_fn fn;
};

/* struct cls describes one creatable class. */
struct cls {
    const wchar_t *progid;
    const wchar_t *clsid;
    const wchar_t *description;
    int (*create)(void);     /* makes the library handle */
    const struct member *members;
    int nmembers;
};

extern const struct cls mwcom_message, mwcom_smtp, mwcom_pop3, mwcom_server;

/* Argument and result helpers (mailwirecom.c). */
int mwcom_nargs(struct call *c);
HRESULT mwcom_arg_str(struct call *c, int i, char **out);
HRESULT mwcom_opt_str(struct call *c, int i, char **out);
HRESULT mwcom_arg_int(struct call *c, int i, int *out);
HRESULT mwcom_arg_obj(struct call *c, int i, const struct cls *want, struct obj **out);
HRESULT mwcom_put_str(struct call *c, char **out);
HRESULT mwcom_ret_str(struct call *c, const char *s);
HRESULT mwcom_ret_int(struct call *c, int v);
HRESULT mwcom_ret_bool(struct call *c, int v);
HRESULT mwcom_ret_obj(struct call *c, struct obj *o);
HRESULT mwcom_done(struct call *c, int rc);
HRESULT mwcom_raise(struct call *c, HRESULT hr, const char *text);
struct obj *mwcom_new(const struct cls *cls, int handle);

/* mwcom_works_broken says whether a member also works on an object whose
 * library cannot be used (LastError, LastErrorText, ...). */
int mwcom_works_broken(member_fn fn);

#endif
