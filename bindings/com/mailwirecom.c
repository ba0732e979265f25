/* mailwirecom.c: the COM server side of the Mailwire shim: DLL entry
 * points, class factories, registration, the lazy load of mailwire.dll,
 * the argument, result and error helpers, the one IDispatch
 * implementation every object shares (its dual interface's vtable, from
 * mailwirecom_dual.c, begins with it), the call from those vtables, and
 * the type library embedded as a resource.  The members of each class are in
 * mailwirecom_objects.c (Message, Keywords, what all share),
 * mailwirecom_clients.c (Smtp, Pop3, Pool, Server), mailwirecom_imap.c
 * (Imap) and mailwirecom_oauth2.c (OAuth2).
 *
 * Errors reach scripts two ways.  Methods return the library's code (0 on
 * success, a negative MW_E_* code on failure) and keep it in LastError,
 * with the library's message in LastErrorText.  With RaiseErrors = True, or
 * for a property assignment (which has no result), a failure raises instead:
 * Err.Number is 0x80040200 + |code| and Err.Description the message.
 *
 * When mailwire.dll cannot be used in this process (its Go runtime would
 * not start, the file is missing or of another version), the objects are
 * still created, but every member except LastError, LastErrorText,
 * GetErrorDescription and RaiseErrors raises E_FAIL with the reason: a
 * script host shows a failed CreateObject only as "ActiveX component can't
 * create object", without the reason. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mailwirecom.h"

struct mw_api mw;

static HINSTANCE g_module;
static INIT_ONCE g_load_once = INIT_ONCE_STATIC_INIT;
static HRESULT g_load_result = E_FAIL;
static char g_load_error[1024]; /* why mailwire.dll cannot be used (UTF-8) */

static const struct cls *const g_classes[] = {
    &mwcom_message, &mwcom_smtp, &mwcom_pop3, &mwcom_pool, &mwcom_server, &mwcom_keywords, &mwcom_oauth2,
    &mwcom_imap,
};
#define NCLASSES (sizeof g_classes / sizeof g_classes[0])

/* ---------------------------------------------------------------------- */
/* Loading mailwire.dll                                                     */

/* load_failed records why mailwire.dll cannot be used; it returns TRUE
 * for InitOnceExecuteOnce. */
static BOOL load_failed(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_load_error, sizeof g_load_error, fmt, ap);
    va_end(ap);
    g_load_result = E_FAIL;
    return TRUE;
}

/* system_text is Windows' text for error code err, without the line end. */
static const char *system_text(DWORD err, char *buf, DWORD size) {
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, err, 0, buf, size,
                             NULL);
    while (n > 0 && (buf[n - 1] == '\r' || buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '.')) n--;
    if (n == 0) snprintf(buf, size, "error %lu", (unsigned long)err);
    else buf[n] = 0;
    return buf;
}

/* runtime_can_start checks, before mailwire.dll runs any code, what its Go
 * runtime needs to start and the system may lack, since a runtime that
 * cannot start ends the whole process: ProcessPrng in bcryptprimitives.dll,
 * loaded from System32 as the runtime loads it.  Windows 10 and Server 2016
 * and later have it, older Windows does not, and neither does Wine 8.  (The
 * check is on the function, not on the version number: Wine reports
 * Windows 7 by default and runs the library once it has ProcessPrng.) */
static BOOL runtime_can_start(void) {
    HMODULE prng = LoadLibraryExW(L"bcryptprimitives.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    if (!prng) {
        char why[256];
        system_text(GetLastError(), why, sizeof why);
        load_failed("mailwire.dll cannot start: its Go runtime needs ProcessPrng from bcryptprimitives.dll in "
                    "System32 (Windows 10 and later), which cannot be loaded here: %s", why);
        return FALSE;
    }
    BOOL ok = GetProcAddress(prng, "ProcessPrng") != NULL;
    FreeLibrary(prng);
    if (!ok) {
        load_failed("mailwire.dll cannot start: its Go runtime needs ProcessPrng from bcryptprimitives.dll in "
                    "System32 (Windows 10 and later), and this system's bcryptprimitives.dll lacks it");
        return FALSE;
    }
    return TRUE;
}

/* load_library loads mailwire.dll from the shim's folder, pins it and
 * resolves every entry point; it runs once. */
static BOOL CALLBACK load_library(PINIT_ONCE once, PVOID param, PVOID *ctx) {
    (void)once; (void)param; (void)ctx;
    char why[256];
    wchar_t path[MAX_PATH + 32];
    DWORD n = GetModuleFileNameW(g_module, path, MAX_PATH);
    if (n == 0 || n >= MAX_PATH) return load_failed("cannot find the folder of mailwirecom.dll");
    wchar_t *slash = wcsrchr(path, L'\\');
    wcscpy(slash ? slash + 1 : path, L"mailwire.dll");
    char path8[3 * MAX_PATH + 96];
    if (!WideCharToMultiByte(CP_UTF8, 0, path, -1, path8, sizeof path8, NULL, NULL)) strcpy(path8, "mailwire.dll");
    if (!runtime_can_start()) return TRUE;
    HMODULE lib = LoadLibraryExW(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
    HMODULE pinned;
    if (!lib || !GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_PIN, path, &pinned)) {
        DWORD err = GetLastError();
        return load_failed("cannot load %s: %s", path8, system_text(err, why, sizeof why));
    }
    FARPROC p;
#define MW_RESOLVE(ret, name, params) \
    if (!(p = GetProcAddress(lib, #name))) \
        return load_failed("%s has no %s: it is older than mailwirecom.dll", path8, #name); \
    mw.name = (ret (MW_CALL *) params)(void (*)(void))p;
    MW_FUNCS(MW_RESOLVE)
#undef MW_RESOLVE
    /* Header and library must agree on MAJOR.MINOR. */
    if (mw.mw_version_number() / 100 != MW_VERSION_NUMBER / 100)
        return load_failed("%s is version %s; mailwirecom.dll needs %d.%d", path8, mw.mw_version(),
                           MW_VERSION_NUMBER / 10000, MW_VERSION_NUMBER / 100 % 100);
    g_load_result = S_OK;
    return TRUE;
}

static HRESULT ensure_loaded(void) {
    InitOnceExecuteOnce(&g_load_once, load_library, NULL, NULL);
    return g_load_result;
}

/* ---------------------------------------------------------------------- */
/* The type library                                                         */

static INIT_ONCE g_tlb_once = INIT_ONCE_STATIC_INIT;
static ITypeLib *g_tlb;
static HRESULT g_tlb_result = E_FAIL;

/* load_typelib loads the type library embedded in mailwirecom.dll (its
 * resource TYPELIB 1), once; it is kept for the life of the process, as
 * the shim is. */
static BOOL CALLBACK load_typelib(PINIT_ONCE once, PVOID param, PVOID *ctx) {
    (void)once; (void)param; (void)ctx;
    wchar_t path[MAX_PATH];
    DWORD n = GetModuleFileNameW(g_module, path, MAX_PATH);
    g_tlb_result = n == 0 || n >= MAX_PATH ? E_FAIL : LoadTypeLibEx(path, REGKIND_NONE, &g_tlb);
    return TRUE;
}

/* mwcom_typelib gives the embedded type library (not a new reference). */
static HRESULT mwcom_typelib(ITypeLib **out) {
    InitOnceExecuteOnce(&g_tlb_once, load_typelib, NULL, NULL);
    *out = g_tlb;
    return g_tlb_result;
}

/* ---------------------------------------------------------------------- */
/* Strings                                                                  */

/* utf8_from_wide returns a malloc'ed UTF-8 copy of n UTF-16 units (NUL
 * terminated; *len, when asked, is its length without the NUL). */
static char *utf8_from_wide(const wchar_t *w, int n, size_t *len) {
    int k = n ? WideCharToMultiByte(CP_UTF8, 0, w, n, NULL, 0, NULL, NULL) : 0;
    char *s = malloc((size_t)k + 1);
    if (!s) return NULL;
    if (k) WideCharToMultiByte(CP_UTF8, 0, w, n, s, k, NULL, NULL);
    s[k] = 0;
    if (len) *len = (size_t)k;
    return s;
}

static BSTR bstr_from_utf8(const char *s) {
    if (!s) s = "";
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    BSTR b = SysAllocStringLen(NULL, n > 0 ? (UINT)n - 1 : 0);
    if (b && n > 1) MultiByteToWideChar(CP_UTF8, 0, s, -1, b, n);
    return b;
}

static char *dup_str(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* ---------------------------------------------------------------------- */
/* Arguments                                                                */

/* all_args is the number of positional arguments, the skipped included. */
static int all_args(struct call *c) {
    return (int)(c->params->cArgs - c->params->cNamedArgs);
}

static int is_missing(VARIANT *v) {
    while (V_VT(v) == (VT_BYREF | VT_VARIANT)) v = V_VARIANTREF(v);
    return V_VT(v) == VT_ERROR && V_ERROR(v) == DISP_E_PARAMNOTFOUND;
}

/* mwcom_nargs is the number of arguments given: trailing optional ones
 * left out (VT_ERROR DISP_E_PARAMNOTFOUND, as early-bound VB6 passes
 * them) do not count. */
int mwcom_nargs(struct call *c) {
    int n = all_args(c);
    unsigned last = c->params->cNamedArgs; /* the last argument in calling order */
    while (n > 0 && is_missing(&c->params->rgvarg[last])) { n--; last++; }
    return n;
}

/* arg returns argument i in calling order (VBScript passes them in
 * reverse), NULL when it is absent or skipped. */
static VARIANT *arg(struct call *c, int i) {
    int n = all_args(c);
    if (i >= n) return NULL;
    VARIANT *v = &c->params->rgvarg[c->params->cNamedArgs + (unsigned)(n - 1 - i)];
    while (V_VT(v) == (VT_BYREF | VT_VARIANT)) v = V_VARIANTREF(v);
    if (V_VT(v) == VT_ERROR && V_ERROR(v) == DISP_E_PARAMNOTFOUND) return NULL;
    return v;
}

int mwcom_has_arg(struct call *c, int i) { return arg(c, i) != NULL; }

/* variant_str converts any value VBScript can turn into text to UTF-8. */
static HRESULT variant_str(VARIANT *v, char **out, size_t *len) {
    VARIANT t;
    VariantInit(&t);
    HRESULT hr = VariantChangeType(&t, v, 0, VT_BSTR);
    if (FAILED(hr)) return DISP_E_TYPEMISMATCH;
    *out = utf8_from_wide(V_BSTR(&t), (int)SysStringLen(V_BSTR(&t)), len);
    VariantClear(&t);
    return *out ? S_OK : E_OUTOFMEMORY;
}

/* mwcom_arg_str converts a required argument to a malloc'ed UTF-8 string. */
HRESULT mwcom_arg_str(struct call *c, int i, char **out) {
    VARIANT *v = arg(c, i);
    *out = NULL;
    return v ? variant_str(v, out, NULL) : DISP_E_BADPARAMCOUNT;
}

/* mwcom_opt_str is mwcom_arg_str for an optional argument: NULL when it is
 * absent or empty. */
HRESULT mwcom_opt_str(struct call *c, int i, char **out) {
    VARIANT *v = arg(c, i);
    *out = NULL;
    if (!v) return S_OK;
    HRESULT hr = variant_str(v, out, NULL);
    if (SUCCEEDED(hr) && **out == 0) { free(*out); *out = NULL; }
    return hr;
}

static HRESULT variant_int(VARIANT *v, int *out) {
    VARIANT t;
    VariantInit(&t);
    if (FAILED(VariantChangeType(&t, v, 0, VT_I4))) return DISP_E_TYPEMISMATCH;
    *out = V_I4(&t);
    return S_OK;
}

HRESULT mwcom_arg_int(struct call *c, int i, int *out) {
    VARIANT *v = arg(c, i);
    return v ? variant_int(v, out) : DISP_E_BADPARAMCOUNT;
}

/* mwcom_opt_int is mwcom_arg_int with a default for an absent argument. */
HRESULT mwcom_opt_int(struct call *c, int i, int def, int *out) {
    VARIANT *v = arg(c, i);
    *out = def;
    return v ? variant_int(v, out) : S_OK;
}

static HRESULT variant_bool(VARIANT *v, int *out) {
    VARIANT t;
    VariantInit(&t);
    if (FAILED(VariantChangeType(&t, v, 0, VT_BOOL))) return DISP_E_TYPEMISMATCH;
    *out = V_BOOL(&t) != VARIANT_FALSE;
    return S_OK;
}

/* mwcom_opt_bool takes an optional Boolean argument: False when absent. */
HRESULT mwcom_opt_bool(struct call *c, int i, int *out) {
    VARIANT *v = arg(c, i);
    *out = 0;
    return v ? variant_bool(v, out) : S_OK;
}

/* as_obj returns v as one of our objects of class want, or NULL: an
 * IDispatch with another vtable than the class's is not one. */
static struct obj *as_obj(VARIANT *v, const struct cls *want) {
    while (V_VT(v) == (VT_BYREF | VT_VARIANT)) v = V_VARIANTREF(v);
    IDispatch *d = V_VT(v) == VT_DISPATCH ? V_DISPATCH(v)
                 : V_VT(v) == (VT_BYREF | VT_DISPATCH) ? *V_DISPATCHREF(v) : NULL;
    if (!d || (const void *)d->lpVtbl != want->dual->vtbl || ((struct obj *)d)->cls != want) return NULL;
    return (struct obj *)d;
}

/* mwcom_arg_obj takes argument i as one of our objects of class want. */
HRESULT mwcom_arg_obj(struct call *c, int i, const struct cls *want, struct obj **out) {
    VARIANT *v = arg(c, i);
    if (!v) return DISP_E_BADPARAMCOUNT;
    *out = as_obj(v, want);
    return *out ? S_OK : DISP_E_TYPEMISMATCH;
}

/* array_of returns the one-dimensional SAFEARRAY in v (also by reference)
 * and its element type, or NULL when v holds no array. */
static SAFEARRAY *array_of(VARIANT *v, VARTYPE *elem) {
    if (!(V_VT(v) & VT_ARRAY)) return NULL;
    *elem = V_VT(v) & VT_TYPEMASK;
    SAFEARRAY *sa = V_VT(v) & VT_BYREF ? (V_ARRAYREF(v) ? *V_ARRAYREF(v) : NULL) : V_ARRAY(v);
    return sa;
}

/* array_bounds gives the element count of a one-dimensional array. */
static HRESULT array_bounds(SAFEARRAY *sa, LONG *lo, LONG *n) {
    LONG hi;
    *n = 0;
    if (!sa) return S_OK;
    if (SafeArrayGetDim(sa) != 1) return DISP_E_TYPEMISMATCH;
    if (FAILED(SafeArrayGetLBound(sa, 1, lo)) || FAILED(SafeArrayGetUBound(sa, 1, &hi))) return DISP_E_TYPEMISMATCH;
    *n = hi >= *lo ? hi - *lo + 1 : 0;
    return S_OK;
}

/* mwcom_arg_objs takes argument i as a list of objects of class want: an
 * array (VBScript's Array(...), VB6's Object() or Variant()) or a single
 * object.  *out is malloc'ed; the objects are the caller's, borrowed. */
HRESULT mwcom_arg_objs(struct call *c, int i, const struct cls *want, struct obj ***out, int *n) {
    VARIANT *v = arg(c, i);
    VARTYPE elem = VT_EMPTY;
    LONG lo = 0, count = 0;
    *out = NULL;
    *n = 0;
    if (!v) return DISP_E_BADPARAMCOUNT;
    SAFEARRAY *sa = array_of(v, &elem);
    if (!sa && !(V_VT(v) & VT_ARRAY)) {
        struct obj *one = as_obj(v, want);
        if (!one || !(*out = malloc(sizeof **out))) return one ? E_OUTOFMEMORY : DISP_E_TYPEMISMATCH;
        (*out)[0] = one;
        *n = 1;
        return S_OK;
    }
    if (elem != VT_VARIANT && elem != VT_DISPATCH) return DISP_E_TYPEMISMATCH;
    HRESULT hr = array_bounds(sa, &lo, &count);
    if (FAILED(hr) || count == 0) return hr;
    struct obj **objs = calloc((size_t)count, sizeof *objs);
    if (!objs) return E_OUTOFMEMORY;
    for (LONG k = 0; k < count && SUCCEEDED(hr); k++) {
        LONG at = lo + k;
        VARIANT e;
        VariantInit(&e);
        if (elem == VT_VARIANT) hr = SafeArrayGetElement(sa, &at, &e);
        else if (SUCCEEDED(hr = SafeArrayGetElement(sa, &at, &V_DISPATCH(&e)))) V_VT(&e) = VT_DISPATCH;
        if (SUCCEEDED(hr) && !(objs[k] = as_obj(&e, want))) hr = DISP_E_TYPEMISMATCH;
        VariantClear(&e); /* the array still holds a reference */
    }
    if (FAILED(hr)) { free(objs); return DISP_E_TYPEMISMATCH; }
    *out = objs;
    *n = (int)count;
    return S_OK;
}

/* variant_uid converts a number to an IMAP UID (a whole number; the
 * library checks its range, 1 to 4294967295).  VBScript has no 64-bit
 * integer: a UID past 2147483647 comes as a Double, exact to 2^53. */
static HRESULT variant_uid(VARIANT *v, long long *out) {
    VARIANT t;
    VariantInit(&t);
    if (V_VT(v) == VT_I8) { *out = V_I8(v); return S_OK; }
    if (V_VT(v) == VT_UI8) {
        if (V_UI8(v) > 0x7fffffffffffffffULL) return DISP_E_OVERFLOW;
        *out = (long long)V_UI8(v);
        return S_OK;
    }
    if (FAILED(VariantChangeType(&t, v, 0, VT_R8))) return DISP_E_TYPEMISMATCH;
    double d = V_R8(&t);
    if (d != d || d < -9.0e18 || d > 9.0e18) return DISP_E_OVERFLOW;
    if ((double)(long long)d != d) return DISP_E_TYPEMISMATCH;
    *out = (long long)d;
    return S_OK;
}

/* mwcom_arg_uid takes argument i as an IMAP UID: a Long, a Double that
 * holds a whole number, VT_I8 (VB.NET's Long), or text of a number. */
HRESULT mwcom_arg_uid(struct call *c, int i, long long *out) {
    VARIANT *v = arg(c, i);
    *out = 0;
    return v ? variant_uid(v, out) : DISP_E_BADPARAMCOUNT;
}

/* is_number_type tells the element types of a numeric array (VB6's Long(),
 * Double(), ...) that fit in a Variant's 8 bytes of value. */
static int is_number_type(VARTYPE t) {
    switch (t) {
    case VT_I1: case VT_UI1: case VT_I2: case VT_UI2: case VT_I4: case VT_UI4: case VT_I8: case VT_UI8:
    case VT_INT: case VT_UINT: case VT_R4: case VT_R8: case VT_CY:
        return 1;
    }
    return 0;
}

/* mwcom_arg_uids takes argument i as a list of UIDs: an array of numbers
 * (VBScript's Array(...), VB6's Long() or Double() or Variant()) or one
 * number.  *out is malloc'ed (at least one element). */
HRESULT mwcom_arg_uids(struct call *c, int i, long long **out, int *n) {
    VARIANT *v = arg(c, i);
    VARTYPE elem = VT_EMPTY;
    LONG lo = 0, count = 0;
    *out = NULL;
    *n = 0;
    if (!v) return DISP_E_BADPARAMCOUNT;
    if (!(V_VT(v) & VT_ARRAY)) {
        if (!(*out = malloc(sizeof **out))) return E_OUTOFMEMORY;
        HRESULT hr = variant_uid(v, *out);
        if (FAILED(hr)) { free(*out); *out = NULL; return hr; }
        *n = 1;
        return S_OK;
    }
    SAFEARRAY *sa = array_of(v, &elem);
    if (elem != VT_VARIANT && !is_number_type(elem)) return DISP_E_TYPEMISMATCH;
    HRESULT hr = array_bounds(sa, &lo, &count);
    if (FAILED(hr)) return hr;
    long long *uids = malloc(sizeof *uids * (size_t)(count ? count : 1));
    if (!uids) return E_OUTOFMEMORY;
    for (LONG k = 0; k < count && SUCCEEDED(hr); k++) {
        LONG at = lo + k;
        VARIANT e;
        VariantInit(&e);
        if (elem == VT_VARIANT) hr = SafeArrayGetElement(sa, &at, &e);
        else if (SUCCEEDED(hr = SafeArrayGetElement(sa, &at, &V_I8(&e)))) V_VT(&e) = elem;
        if (SUCCEEDED(hr)) hr = variant_uid(&e, &uids[k]);
        VariantClear(&e);
    }
    if (FAILED(hr)) { free(uids); return hr == DISP_E_OVERFLOW ? hr : DISP_E_TYPEMISMATCH; }
    *out = uids;
    *n = (int)count;
    return S_OK;
}

/* bytes_of copies the bytes of an array of VT_UI1 (VB6's Byte()), or of
 * Variants that each hold a number 0..255 (VBScript's Array(...)). */
static HRESULT bytes_of(SAFEARRAY *sa, VARTYPE elem, char **data, size_t *len) {
    LONG lo = 0, n = 0;
    HRESULT hr = array_bounds(sa, &lo, &n);
    if (FAILED(hr)) return hr;
    if (elem != VT_UI1 && elem != VT_I1 && elem != VT_VARIANT) return DISP_E_TYPEMISMATCH;
    char *buf = malloc((size_t)n + 1);
    if (!buf) return E_OUTOFMEMORY;
    void *p = NULL;
    if (n > 0 && FAILED(SafeArrayAccessData(sa, &p))) { free(buf); return DISP_E_TYPEMISMATCH; }
    for (LONG k = 0; k < n && SUCCEEDED(hr); k++) {
        if (elem != VT_VARIANT) { buf[k] = ((char *)p)[k]; continue; }
        VARIANT t;
        VariantInit(&t);
        hr = VariantChangeType(&t, &((VARIANT *)p)[k], 0, VT_UI1);
        buf[k] = SUCCEEDED(hr) ? (char)V_UI1(&t) : 0;
    }
    if (n > 0) SafeArrayUnaccessData(sa);
    if (FAILED(hr)) { free(buf); return DISP_E_TYPEMISMATCH; }
    buf[n] = 0;
    *data = buf;
    *len = (size_t)n;
    return S_OK;
}

/* mwcom_arg_bytes takes argument i as bytes: a Byte() array or an array of
 * numbers as they are, anything else as text in UTF-8.  *data is
 * malloc'ed and NUL-terminated (the NUL is not counted in *len). */
HRESULT mwcom_arg_bytes(struct call *c, int i, char **data, size_t *len) {
    VARIANT *v = arg(c, i);
    VARTYPE elem = VT_EMPTY;
    *data = NULL;
    *len = 0;
    if (!v) return DISP_E_BADPARAMCOUNT;
    if (V_VT(v) & VT_ARRAY) {
        SAFEARRAY *sa = array_of(v, &elem);
        return bytes_of(sa, elem, data, len);
    }
    return variant_str(v, data, len);
}

/* mwcom_put_str converts the value of a property put. */
HRESULT mwcom_put_str(struct call *c, char **out) {
    *out = NULL;
    return c->value ? variant_str(c->value, out, NULL) : DISP_E_MEMBERNOTFOUND;
}

HRESULT mwcom_put_bool(struct call *c, int *out) {
    return c->value ? variant_bool(c->value, out) : DISP_E_MEMBERNOTFOUND;
}

/* mwcom_put_obj takes the value of a property put (Set x.P = obj) as one
 * of our objects of class want; Nothing or Empty give NULL. */
HRESULT mwcom_put_obj(struct call *c, const struct cls *want, struct obj **out) {
    *out = NULL;
    if (!c->value) return DISP_E_MEMBERNOTFOUND;
    VARIANT *v = c->value;
    if (V_VT(v) == VT_EMPTY || V_VT(v) == VT_NULL || (V_VT(v) == VT_DISPATCH && !V_DISPATCH(v))) return S_OK;
    *out = as_obj(v, want);
    return *out ? S_OK : DISP_E_TYPEMISMATCH;
}

/* ---------------------------------------------------------------------- */
/* Results                                                                  */

HRESULT mwcom_ret_str(struct call *c, const char *s) {
    if (!c->result) return S_OK;
    V_VT(c->result) = VT_BSTR;
    V_BSTR(c->result) = bstr_from_utf8(s);
    return V_BSTR(c->result) ? S_OK : E_OUTOFMEMORY;
}

HRESULT mwcom_ret_int(struct call *c, int v) {
    if (c->result) { V_VT(c->result) = VT_I4; V_I4(c->result) = v; }
    return S_OK;
}

/* mwcom_ret_num returns a size or count: a Long when it fits, else a
 * Double (exact up to 2^53; VBScript has no 64-bit integer). */
HRESULT mwcom_ret_num(struct call *c, long long v) {
    if (v >= -0x7fffffffLL - 1 && v <= 0x7fffffffLL) return mwcom_ret_int(c, (int)v);
    if (c->result) { V_VT(c->result) = VT_R8; V_R8(c->result) = (double)v; }
    return S_OK;
}

HRESULT mwcom_ret_bool(struct call *c, int v) {
    if (c->result) { V_VT(c->result) = VT_BOOL; V_BOOL(c->result) = v ? VARIANT_TRUE : VARIANT_FALSE; }
    return S_OK;
}

/* mwcom_ret_obj returns o (or Nothing for NULL), handing over its reference. */
HRESULT mwcom_ret_obj(struct call *c, struct obj *o) {
    if (!c->result) { if (o) IDispatch_Release(&o->iface); return S_OK; }
    V_VT(c->result) = VT_DISPATCH;
    V_DISPATCH(c->result) = o ? &o->iface : NULL;
    return S_OK;
}

/* mwcom_ret_objs returns n objects as an array of Variants (what VBScript's
 * For Each and UBound take), handing over their references. */
HRESULT mwcom_ret_objs(struct call *c, struct obj **objs, int n) {
    SAFEARRAY *sa = c->result ? SafeArrayCreateVector(VT_VARIANT, 0, (ULONG)n) : NULL;
    VARIANT *p = NULL;
    if (sa && FAILED(SafeArrayAccessData(sa, (void **)&p))) { SafeArrayDestroy(sa); sa = NULL; }
    for (int k = 0; k < n; k++) {
        if (!p) { if (objs[k]) IDispatch_Release(&objs[k]->iface); continue; }
        V_VT(&p[k]) = VT_DISPATCH;
        V_DISPATCH(&p[k]) = objs[k] ? &objs[k]->iface : NULL;
    }
    if (!sa) return c->result ? E_OUTOFMEMORY : S_OK;
    SafeArrayUnaccessData(sa);
    V_VT(c->result) = VT_ARRAY | VT_VARIANT;
    V_ARRAY(c->result) = sa;
    return S_OK;
}

/* mwcom_ret_nums returns n numbers (UIDs) as an array of Variants, each a
 * Long when it fits, else a Double (as mwcom_ret_num). */
HRESULT mwcom_ret_nums(struct call *c, const long long *v, int n) {
    if (!c->result) return S_OK;
    SAFEARRAY *sa = SafeArrayCreateVector(VT_VARIANT, 0, (ULONG)n);
    VARIANT *p = NULL;
    if (!sa) return E_OUTOFMEMORY;
    if (FAILED(SafeArrayAccessData(sa, (void **)&p))) { SafeArrayDestroy(sa); return E_OUTOFMEMORY; }
    for (int k = 0; k < n; k++) {
        if (v[k] >= -0x7fffffffLL - 1 && v[k] <= 0x7fffffffLL) { V_VT(&p[k]) = VT_I4; V_I4(&p[k]) = (LONG)v[k]; }
        else { V_VT(&p[k]) = VT_R8; V_R8(&p[k]) = (double)v[k]; }
    }
    SafeArrayUnaccessData(sa);
    V_VT(c->result) = VT_ARRAY | VT_VARIANT;
    V_ARRAY(c->result) = sa;
    return S_OK;
}

/* mwcom_ret_bytes returns len bytes as a Byte() array (VT_ARRAY | VT_UI1),
 * what VB6 reads into a Byte array and ADO streams and ASP's
 * Response.BinaryWrite take. */
HRESULT mwcom_ret_bytes(struct call *c, const char *data, size_t len) {
    if (!c->result) return S_OK;
    if (len > 0x7fffffff) return E_OUTOFMEMORY;
    SAFEARRAY *sa = SafeArrayCreateVector(VT_UI1, 0, (ULONG)len);
    void *p;
    if (!sa) return E_OUTOFMEMORY;
    if (len > 0) {
        if (FAILED(SafeArrayAccessData(sa, &p))) { SafeArrayDestroy(sa); return E_OUTOFMEMORY; }
        memcpy(p, data, len);
        SafeArrayUnaccessData(sa);
    }
    V_VT(c->result) = VT_ARRAY | VT_UI1;
    V_ARRAY(c->result) = sa;
    return S_OK;
}

/* ---------------------------------------------------------------------- */
/* Errors                                                                   */

/* mwcom_raise fills the exception that VBScript shows as Err. */
HRESULT mwcom_raise(struct call *c, HRESULT hr, const char *text) {
    if (!c->excep) return hr;
    memset(c->excep, 0, sizeof *c->excep);
    c->excep->bstrSource = SysAllocString(c->o->cls->progid);
    c->excep->bstrDescription = bstr_from_utf8(text);
    c->excep->scode = hr;
    return DISP_E_EXCEPTION;
}

static HRESULT code_hresult(int rc) {
    return MAKE_HRESULT(SEVERITY_ERROR, FACILITY_ITF, 0x200 - rc);
}

void mwcom_record(struct obj *o, int rc, const char *text) {
    char *copy = rc < 0 && text ? dup_str(text) : NULL;
    AcquireSRWLockExclusive(&o->lock);
    char *old = o->errtext;
    o->last = rc < 0 ? rc : 0;
    o->errtext = copy;
    ReleaseSRWLockExclusive(&o->lock);
    free(old);
}

/* failure_text is the message of handle errh, or the code's static text. */
static const char *failure_text(int rc, int errh) {
    const char *msg = errh > 0 ? mw.mw_errmsg(errh) : NULL;
    return msg && *msg ? msg : mw.mw_strerror(rc);
}

/* raises tells whether a failure of this call raises. */
static int raises(struct call *c) {
    return c->o->raise || c->value;
}

HRESULT mwcom_fail_text(struct call *c, int rc, const char *text) {
    mwcom_record(c->o, rc, text);
    return raises(c) ? mwcom_raise(c, code_hresult(rc), text) : S_OK;
}

/* mwcom_note_send records a send's outcome on the Message object sent:
 * its LastError and LastErrorText tell how that message fared. */
void mwcom_note_send(struct obj *msg, int rc, int errh) {
    mwcom_record(msg, rc, rc < 0 ? failure_text(rc, errh) : NULL);
}

HRESULT mwcom_status(struct call *c, int rc, int errh) {
    if (rc >= 0) { mwcom_record(c->o, 0, NULL); return S_OK; }
    return mwcom_fail_text(c, rc, failure_text(rc, errh));
}

/* mwcom_done ends a call that returned library code rc: it records rc in
 * LastError and either returns it or, when the object raises (or this was
 * a property put), raises it. */
HRESULT mwcom_done(struct call *c, int rc) {
    HRESULT hr = mwcom_status(c, rc, c->o->handle);
    return hr == S_OK ? mwcom_ret_int(c, rc) : hr;
}

/* ---------------------------------------------------------------------- */
/* IDispatch                                                                */

/* ftm returns the object's free-threaded marshaler, made on first use. */
static IUnknown *ftm(struct obj *o) {
    IUnknown *m = o->ftm, *made = NULL;
    if (m) return m;
    if (FAILED(CoCreateFreeThreadedMarshaler((IUnknown *)&o->iface, &made))) return NULL;
    m = InterlockedCompareExchangePointer((void **)&o->ftm, made, NULL);
    if (m) { IUnknown_Release(made); return m; }
    return made;
}

static HRESULT STDMETHODCALLTYPE obj_query(IDispatch *self, REFIID riid, void **out) {
    if (!out) return E_POINTER;
    *out = NULL;
    struct obj *o = (struct obj *)self;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) || IsEqualIID(riid, o->cls->dual->iid)) {
        *out = self;
        IDispatch_AddRef(self);
        return S_OK;
    }
    if (IsEqualIID(riid, &IID_ISupportErrorInfo)) {
        *out = &o->sei;
        IDispatch_AddRef(self);
        return S_OK;
    }
    if (IsEqualIID(riid, &IID_IMarshal)) {
        IUnknown *m = ftm((struct obj *)self);
        return m ? IUnknown_QueryInterface(m, riid, out) : E_NOINTERFACE;
    }
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE obj_addref(IDispatch *self) {
    return (ULONG)InterlockedIncrement(&((struct obj *)self)->refs);
}

static ULONG STDMETHODCALLTYPE obj_release(IDispatch *self) {
    struct obj *o = (struct obj *)self;
    LONG n = InterlockedDecrement(&o->refs);
    if (n == 0) {
        if (o->handle > 0) mw.mw_close(o->handle);
        if (o->oauth2) IDispatch_Release(&o->oauth2->iface); /* after: the client no longer uses it */
        if (o->ftm) IUnknown_Release(o->ftm);
        for (int i = 0; i < OPT_COUNT; i++) free(o->opts[i]);
        free(o->errtext);
        free(o->log);
        free(o);
    }
    return (ULONG)n;
}

static HRESULT STDMETHODCALLTYPE obj_typeinfo_count(IDispatch *self, UINT *n) {
    (void)self;
    if (n) *n = 1;
    return S_OK;
}

/* obj_typeinfo serves the class's interface from the embedded type
 * library (its dispatch side, what IDispatch describes). */
static HRESULT STDMETHODCALLTYPE obj_typeinfo(IDispatch *self, UINT i, LCID lcid, ITypeInfo **out) {
    (void)lcid;
    if (!out) return E_POINTER;
    *out = NULL;
    if (i != 0) return DISP_E_BADINDEX;
    ITypeLib *tl;
    HRESULT hr = mwcom_typelib(&tl);
    if (FAILED(hr)) return hr;
    return ITypeLib_GetTypeInfoOfGuid(tl, ((struct obj *)self)->cls->dual->iid, out);
}

/* obj_ids looks member names up, case-insensitively as VBScript expects. */
static HRESULT STDMETHODCALLTYPE obj_ids(IDispatch *self, REFIID riid, LPOLESTR *names, UINT n, LCID lcid,
                                         DISPID *ids) {
    (void)riid; (void)lcid;
    const struct cls *cls = ((struct obj *)self)->cls;
    HRESULT hr = S_OK;
    for (UINT k = 0; k < n; k++) {
        ids[k] = DISPID_UNKNOWN;
        for (int m = 0; k == 0 && m < cls->nmembers; m++)
            if (_wcsicmp(names[k], cls->members[m].name) == 0) ids[k] = m + 1;
        if (ids[k] == DISPID_UNKNOWN) hr = DISP_E_UNKNOWNNAME;
    }
    return hr;
}

/* claims tells whether a member runs only when it has the object to itself. */
static int claims(const struct obj *o, const struct member *m) {
    return !o->cls->shared && !(m->kind & M_ANY_THREAD);
}

static HRESULT STDMETHODCALLTYPE obj_invoke(IDispatch *self, DISPID id, REFIID riid, LCID lcid, WORD flags,
                                            DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep, UINT *argerr) {
    (void)riid; (void)lcid; (void)argerr;
    struct obj *o = (struct obj *)self;
    if (id < 1 || id > o->cls->nmembers) return DISP_E_MEMBERNOTFOUND;
    if (!params) return E_INVALIDARG;
    const struct member *m = &o->cls->members[id - 1];
    struct call c = {o, params, NULL, result, excep};
    if (flags & (DISPATCH_PROPERTYPUT | DISPATCH_PROPERTYPUTREF)) {
        if (!(m->kind & M_PUT)) return DISP_E_MEMBERNOTFOUND;
        if (params->cNamedArgs != 1 || params->rgdispidNamedArgs[0] != DISPID_PROPERTYPUT || params->cArgs < 1)
            return DISP_E_PARAMNOTOPTIONAL;
        c.value = &params->rgvarg[0];
        while (V_VT(c.value) == (VT_BYREF | VT_VARIANT)) c.value = V_VARIANTREF(c.value);
    } else if (params->cNamedArgs != 0) {
        return DISP_E_NONAMEDARGS;
    } else if (!(m->kind & (M_METHOD | M_GET))) {
        return DISP_E_MEMBERNOTFOUND;
    }
    if (result) VariantInit(result);
    if (o->broken && !mwcom_works_broken(m->fn)) return mwcom_raise(&c, E_FAIL, o->broken);
    if (!claims(o, m)) return m->fn(&c);
    if (InterlockedCompareExchange(&o->busy, 1, 0) != 0)
        return mwcom_raise(&c, code_hresult(MW_E_BUSY), "the object is in use by another thread");
    HRESULT hr = m->fn(&c);
    InterlockedExchange(&o->busy, 0);
    return hr;
}

const IDispatchVtbl mwcom_dispatch = {
    obj_query, obj_addref, obj_release, obj_typeinfo_count, obj_typeinfo, obj_ids, obj_invoke,
};

/* ISupportErrorInfo: every interface of ours sets IErrorInfo on failure
 * (mwcom_vcall), as VB6 and .NET look for. */
static struct obj *sei_obj(ISupportErrorInfo *self) {
    return (struct obj *)((char *)self - offsetof(struct obj, sei));
}

static HRESULT STDMETHODCALLTYPE sei_query(ISupportErrorInfo *self, REFIID riid, void **out) {
    return obj_query(&sei_obj(self)->iface, riid, out);
}

static ULONG STDMETHODCALLTYPE sei_addref(ISupportErrorInfo *self) { return obj_addref(&sei_obj(self)->iface); }
static ULONG STDMETHODCALLTYPE sei_release(ISupportErrorInfo *self) { return obj_release(&sei_obj(self)->iface); }

static HRESULT STDMETHODCALLTYPE sei_supports(ISupportErrorInfo *self, REFIID riid) {
    struct obj *o = sei_obj(self);
    return IsEqualIID(riid, o->cls->dual->iid) || IsEqualIID(riid, &IID_IDispatch) ? S_OK : S_FALSE;
}

static const ISupportErrorInfoVtbl sei_vtbl = {sei_query, sei_addref, sei_release, sei_supports};

/* set_error_info makes the exception a raised error filled the thread's
 * IErrorInfo, what a vtable caller reads (VB6's Err, .NET's exception). */
static void set_error_info(struct obj *o, const EXCEPINFO *ex) {
    ICreateErrorInfo *cei;
    IErrorInfo *ei;
    if (FAILED(CreateErrorInfo(&cei))) return;
    ICreateErrorInfo_SetGUID(cei, o->cls->dual->iid);
    ICreateErrorInfo_SetSource(cei, ex->bstrSource ? ex->bstrSource : (LPOLESTR)o->cls->progid);
    if (ex->bstrDescription) ICreateErrorInfo_SetDescription(cei, ex->bstrDescription);
    if (SUCCEEDED(ICreateErrorInfo_QueryInterface(cei, &IID_IErrorInfo, (void **)&ei))) {
        SetErrorInfo(0, ei);
        IErrorInfo_Release(ei);
    }
    ICreateErrorInfo_Release(cei);
}

/* take_result stores the result of a member in *ret as type rt. */
static HRESULT take_result(VARIANT *res, VARTYPE rt, void *ret) {
    if (rt == VT_VARIANT) { *(VARIANT *)ret = *res; return S_OK; }
    if (rt == VT_DISPATCH && (V_VT(res) == VT_EMPTY || V_VT(res) == VT_NULL)) { *(IDispatch **)ret = NULL; return S_OK; }
    if (V_VT(res) != rt && FAILED(VariantChangeType(res, res, 0, rt))) { VariantClear(res); return DISP_E_TYPEMISMATCH; }
    switch (rt) {
    case VT_BSTR: *(BSTR *)ret = V_BSTR(res); break;
    case VT_I4: *(LONG *)ret = V_I4(res); break;
    case VT_BOOL: *(VARIANT_BOOL *)ret = V_BOOL(res); break;
    case VT_DISPATCH: *(IDispatch **)ret = V_DISPATCH(res); break;
    default: VariantClear(res); return DISP_E_TYPEMISMATCH;
    }
    return S_OK;
}

/* clear_result gives *ret its empty value before a call, as a vtable
 * caller expects of an [out] parameter even on failure. */
static void clear_result(VARTYPE rt, void *ret) {
    switch (rt) {
    case VT_VARIANT: VariantInit((VARIANT *)ret); break;
    case VT_BSTR: *(BSTR *)ret = NULL; break;
    case VT_I4: *(LONG *)ret = 0; break;
    case VT_BOOL: *(VARIANT_BOOL *)ret = VARIANT_FALSE; break;
    case VT_DISPATCH: *(IDispatch **)ret = NULL; break;
    default: break;
    }
}

#define MAX_VCALL_ARGS 8

HRESULT mwcom_vcall(void *self, DISPID id, WORD flags, UINT n, VARIANT *args, VARTYPE rt, void *ret) {
    struct obj *o = self;
    VARIANT rgv[MAX_VCALL_ARGS], res;
    DISPID named = DISPID_PROPERTYPUT;
    DISPPARAMS dp = {rgv, NULL, n, 0};
    EXCEPINFO ex;
    if (rt != VT_EMPTY) {
        if (!ret) return E_POINTER;
        clear_result(rt, ret);
    }
    if (n > MAX_VCALL_ARGS) return E_INVALIDARG;
    for (UINT k = 0; k < n; k++) rgv[k] = args[n - 1 - k];
    if (flags & (DISPATCH_PROPERTYPUT | DISPATCH_PROPERTYPUTREF)) {
        dp.rgdispidNamedArgs = &named;
        dp.cNamedArgs = 1;
    }
    VariantInit(&res);
    memset(&ex, 0, sizeof ex);
    HRESULT hr = obj_invoke(&o->iface, id, &IID_NULL, LOCALE_USER_DEFAULT, flags, &dp, rt != VT_EMPTY ? &res : NULL,
                            &ex, NULL);
    if (hr == DISP_E_EXCEPTION) {
        hr = ex.scode ? ex.scode : E_FAIL;
        set_error_info(o, &ex);
        SysFreeString(ex.bstrSource);
        SysFreeString(ex.bstrDescription);
        SysFreeString(ex.bstrHelpFile);
        VariantClear(&res);
        return hr;
    }
    SetErrorInfo(0, NULL);
    if (FAILED(hr)) { VariantClear(&res); return hr; }
    return rt != VT_EMPTY ? take_result(&res, rt, ret) : S_OK;
}

/* mwcom_new wraps a library handle in a new object with one reference;
 * NULL (and the handle closed) when memory runs out. */
struct obj *mwcom_new(const struct cls *cls, int handle) {
    struct obj *o = calloc(1, sizeof *o);
    if (!o) { if (handle > 0) mw.mw_close(handle); return NULL; }
    o->iface.lpVtbl = (IDispatchVtbl *)cls->dual->vtbl;
    o->sei.lpVtbl = (ISupportErrorInfoVtbl *)&sei_vtbl;
    o->refs = 1;
    o->cls = cls;
    o->handle = handle;
    o->total = -1;
    InitializeSRWLock(&o->lock);
    if (cls->init && handle > 0) cls->init(o);
    return o;
}

/* ---------------------------------------------------------------------- */
/* Class factories                                                          */

struct factory {
    IClassFactory iface;
    const struct cls *cls;
};

static HRESULT STDMETHODCALLTYPE fac_query(IClassFactory *self, REFIID riid, void **out) {
    if (!out) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IClassFactory)) {
        *out = self;
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

/* The factories are static: counting their references is not needed. */
static ULONG STDMETHODCALLTYPE fac_addref(IClassFactory *self) { (void)self; return 2; }
static ULONG STDMETHODCALLTYPE fac_release(IClassFactory *self) { (void)self; return 1; }

static HRESULT STDMETHODCALLTYPE fac_create(IClassFactory *self, IUnknown *outer, REFIID riid, void **out) {
    if (!out) return E_POINTER;
    *out = NULL;
    if (outer) return CLASS_E_NOAGGREGATION;
    const struct cls *cls = ((struct factory *)self)->cls;
    struct obj *o;
    if (FAILED(ensure_loaded())) {
        /* An object that says why (see the top of this file). */
        o = mwcom_new(cls, 0);
        if (o) o->broken = g_load_error;
    } else {
        int h = cls->create ? cls->create() : 0;
        if (cls->create && h <= 0) return E_FAIL;
        o = mwcom_new(cls, h);
    }
    if (!o) return E_OUTOFMEMORY;
    HRESULT hr = IDispatch_QueryInterface(&o->iface, riid, out);
    IDispatch_Release(&o->iface);
    return hr;
}

static HRESULT STDMETHODCALLTYPE fac_lock(IClassFactory *self, BOOL lock) {
    (void)self; (void)lock;
    return S_OK;
}

static const IClassFactoryVtbl factory_vtbl = {fac_query, fac_addref, fac_release, fac_create, fac_lock};

static struct factory g_factories[] = {
    {{(IClassFactoryVtbl *)&factory_vtbl}, &mwcom_message},
    {{(IClassFactoryVtbl *)&factory_vtbl}, &mwcom_smtp},
    {{(IClassFactoryVtbl *)&factory_vtbl}, &mwcom_pop3},
    {{(IClassFactoryVtbl *)&factory_vtbl}, &mwcom_pool},
    {{(IClassFactoryVtbl *)&factory_vtbl}, &mwcom_server},
    {{(IClassFactoryVtbl *)&factory_vtbl}, &mwcom_keywords},
    {{(IClassFactoryVtbl *)&factory_vtbl}, &mwcom_oauth2},
    {{(IClassFactoryVtbl *)&factory_vtbl}, &mwcom_imap},
};

/* ---------------------------------------------------------------------- */
/* DLL entry points                                                         */

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved) {
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) {
        g_module = inst;
        DisableThreadLibraryCalls(inst);
    }
    return TRUE;
}

HRESULT WINAPI DllGetClassObject(REFCLSID clsid, REFIID riid, void **out) {
    if (!out) return E_POINTER;
    *out = NULL;
    for (size_t i = 0; i < NCLASSES; i++) {
        CLSID id;
        if (CLSIDFromString((LPOLESTR)g_factories[i].cls->clsid, &id) == NOERROR && IsEqualCLSID(clsid, &id))
            return fac_query(&g_factories[i].iface, riid, out);
    }
    return CLASS_E_CLASSNOTAVAILABLE;
}

/* DllCanUnloadNow always refuses: the Go runtime in mailwire.dll cannot be
 * unloaded, and the shim must outlive every call into it. */
HRESULT WINAPI DllCanUnloadNow(void) {
    return S_FALSE;
}

/* ---------------------------------------------------------------------- */
/* Registration                                                             */

/* The per-user type library registration of oleaut32 (Vista and later),
 * which mingw-w64's oleauto.h does not declare. */
WINOLEAUTAPI RegisterTypeLibForUser(ITypeLib *tl, OLECHAR *path, OLECHAR *helpdir);
WINOLEAUTAPI UnRegisterTypeLibForUser(REFGUID libid, WORD major, WORD minor, LCID lcid, SYSKIND syskind);

static LONG set_key(HKEY root, const wchar_t *path, const wchar_t *name, const wchar_t *value) {
    HKEY k;
    LONG rc = RegCreateKeyExW(root, path, 0, NULL, 0, KEY_WRITE, NULL, &k, NULL);
    if (rc != ERROR_SUCCESS) return rc;
    rc = RegSetValueExW(k, name, 0, REG_SZ, (const BYTE *)value, (DWORD)((wcslen(value) + 1) * sizeof(wchar_t)));
    RegCloseKey(k);
    return rc;
}

/* register_class writes CLSID\{...} (InprocServer32, ThreadingModel, ProgID,
 * TypeLib, Version) and the ProgID's CLSID under root\Software\Classes. */
static LONG register_class(HKEY root, const struct cls *cls, const wchar_t *dll, const wchar_t *libid,
                           const wchar_t *version) {
    wchar_t key[256];
    LONG rc;
    swprintf(key, 256, L"Software\\Classes\\CLSID\\%ls\\TypeLib", cls->clsid);
    if ((rc = set_key(root, key, NULL, libid))) return rc;
    swprintf(key, 256, L"Software\\Classes\\CLSID\\%ls\\Version", cls->clsid);
    if ((rc = set_key(root, key, NULL, version))) return rc;
    swprintf(key, 256, L"Software\\Classes\\CLSID\\%ls", cls->clsid);
    if ((rc = set_key(root, key, NULL, cls->description))) return rc;
    swprintf(key, 256, L"Software\\Classes\\CLSID\\%ls\\InprocServer32", cls->clsid);
    if ((rc = set_key(root, key, NULL, dll)) || (rc = set_key(root, key, L"ThreadingModel", L"Both"))) return rc;
    swprintf(key, 256, L"Software\\Classes\\CLSID\\%ls\\ProgID", cls->clsid);
    if ((rc = set_key(root, key, NULL, cls->progid))) return rc;
    swprintf(key, 256, L"Software\\Classes\\%ls", cls->progid);
    if ((rc = set_key(root, key, NULL, cls->description))) return rc;
    swprintf(key, 256, L"Software\\Classes\\%ls\\CLSID", cls->progid);
    return set_key(root, key, NULL, cls->clsid);
}

static void unregister_class(HKEY root, const struct cls *cls) {
    wchar_t key[256];
    swprintf(key, 256, L"Software\\Classes\\CLSID\\%ls", cls->clsid);
    RegDeleteTreeW(root, key);
    RegDeleteKeyW(root, key);
    swprintf(key, 256, L"Software\\Classes\\%ls", cls->progid);
    RegDeleteTreeW(root, key);
    RegDeleteKeyW(root, key);
}

/* DllRegisterServer registers every class and the type library for all
 * users (HKLM) when it may, else for the current user (HKCU).  The paths
 * are this DLL's own: a 32-bit and a 64-bit mailwirecom.dll, registered by
 * the regsvr32 of SysWOW64 and of System32, each write their own view of
 * the registry (CLSID keys) and their own platform of the type library
 * (TypeLib\{...}\0.1\0\win32 or win64). */
HRESULT WINAPI DllRegisterServer(void) {
    wchar_t dll[MAX_PATH], libid[40], version[16];
    DWORD n = GetModuleFileNameW(g_module, dll, MAX_PATH);
    if (n == 0 || n >= MAX_PATH) return SELFREG_E_CLASS;
    ITypeLib *tl;
    TLIBATTR *attr;
    if (FAILED(mwcom_typelib(&tl)) || FAILED(ITypeLib_GetLibAttr(tl, &attr))) return SELFREG_E_TYPELIB;
    StringFromGUID2(&attr->guid, libid, 40);
    swprintf(version, 16, L"%u.%u", attr->wMajorVerNum, attr->wMinorVerNum);
    ITypeLib_ReleaseTLibAttr(tl, attr);
    HKEY roots[] = {HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER};
    for (int r = 0; r < 2; r++) {
        LONG rc = ERROR_SUCCESS;
        for (size_t i = 0; i < NCLASSES && rc == ERROR_SUCCESS; i++)
            rc = register_class(roots[r], g_classes[i], dll, libid, version);
        if (rc == ERROR_SUCCESS) {
            HRESULT hr = r == 0 ? RegisterTypeLib(tl, dll, NULL) : RegisterTypeLibForUser(tl, dll, NULL);
            if (SUCCEEDED(hr)) return S_OK;
        }
        for (size_t i = 0; i < NCLASSES; i++) unregister_class(roots[r], g_classes[i]);
    }
    return SELFREG_E_CLASS;
}

/* DllUnregisterServer removes the classes and this platform's type
 * library from both places. */
HRESULT WINAPI DllUnregisterServer(void) {
    for (size_t i = 0; i < NCLASSES; i++) {
        unregister_class(HKEY_LOCAL_MACHINE, g_classes[i]);
        unregister_class(HKEY_CURRENT_USER, g_classes[i]);
    }
    ITypeLib *tl;
    TLIBATTR *attr;
    if (SUCCEEDED(mwcom_typelib(&tl)) && SUCCEEDED(ITypeLib_GetLibAttr(tl, &attr))) {
        UnRegisterTypeLib(&attr->guid, attr->wMajorVerNum, attr->wMinorVerNum, attr->lcid, attr->syskind);
        UnRegisterTypeLibForUser(&attr->guid, attr->wMajorVerNum, attr->wMinorVerNum, attr->lcid, attr->syskind);
        ITypeLib_ReleaseTLibAttr(tl, attr);
    }
    return S_OK;
}
