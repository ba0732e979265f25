/* com_test.c: the Mailwire COM objects as a VB6 or ASP host drives them,
 * what a script under cscript cannot show: one Mailwire.Pool sending from
 * several threads at once, Cancel from another thread while a call is
 * blocked (and MW_E_BUSY for a second caller meanwhile), the free-threaded
 * marshaler that lets ASP keep objects in Application, VB6's Byte() arrays
 * passed by reference, and an Object() array for SendMany; IMAP's Idle
 * ended by Cancel, and Long() and Double() arrays of UIDs.  The shim must
 * be registered (regsvr32 mailwirecom.dll) before it runs. */
#define COBJMACROS
#include <winsock2.h>
#include <windows.h>
#include <oleauto.h>
#include <stdio.h>
#include <string.h>
#include "check.h"

#define MW_E_BUSY_HRESULT ((HRESULT)0x80040207)
#define MW_E_CANCELLED (-45)

static wchar_t ca[MAX_PATH];

/* invoke calls member name of d with n arguments in calling order. */
static HRESULT invoke(IDispatch *d, const wchar_t *name, WORD flags, int n, VARIANT *args, VARIANT *res,
                      EXCEPINFO *ex) {
    DISPID id, put = DISPID_PROPERTYPUT;
    LPOLESTR names[1] = {(LPOLESTR)name};
    HRESULT hr = IDispatch_GetIDsOfNames(d, &IID_NULL, names, 1, LOCALE_USER_DEFAULT, &id);
    if (FAILED(hr)) return hr;
    VARIANT rev[8];
    for (int i = 0; i < n; i++) rev[i] = args[n - 1 - i];
    DISPPARAMS p = {rev, NULL, (UINT)n, 0};
    if (flags & DISPATCH_PROPERTYPUT) { p.rgdispidNamedArgs = &put; p.cNamedArgs = 1; }
    EXCEPINFO local;
    if (!ex) ex = &local;
    memset(ex, 0, sizeof *ex);
    if (res) VariantInit(res);
    hr = IDispatch_Invoke(d, id, &IID_NULL, LOCALE_USER_DEFAULT, flags, &p, res, ex, NULL);
    if (ex == &local) { SysFreeString(local.bstrSource); SysFreeString(local.bstrDescription); }
    return hr;
}

static VARIANT str(const wchar_t *s) {
    VARIANT v;
    V_VT(&v) = VT_BSTR;
    V_BSTR(&v) = SysAllocString(s);
    return v;
}

static VARIANT num(int i) {
    VARIANT v;
    V_VT(&v) = VT_I4;
    V_I4(&v) = i;
    return v;
}

static VARIANT obj(IDispatch *d) {
    VARIANT v;
    V_VT(&v) = VT_DISPATCH;
    V_DISPATCH(&v) = d;
    return v;
}

/* call_int calls a method or reads a property as a number; -9999 when the
 * call failed.  String arguments are freed. */
static int call_int(IDispatch *d, const wchar_t *name, int n, VARIANT *args) {
    VARIANT r, t;
    HRESULT hr = invoke(d, name, DISPATCH_METHOD | DISPATCH_PROPERTYGET, n, args, &r, NULL);
    for (int i = 0; i < n; i++) if (V_VT(&args[i]) == VT_BSTR) VariantClear(&args[i]);
    VariantInit(&t);
    int v = SUCCEEDED(hr) && SUCCEEDED(VariantChangeType(&t, &r, 0, VT_I4)) ? V_I4(&t) : -9999;
    VariantClear(&r);
    return v;
}

static int get_int(IDispatch *d, const wchar_t *name) { return call_int(d, name, 0, NULL); }

static HRESULT put(IDispatch *d, const wchar_t *name, VARIANT v) {
    HRESULT hr = invoke(d, name, DISPATCH_PROPERTYPUT, 1, &v, NULL, NULL);
    VariantClear(&v);
    return hr;
}

static IDispatch *create(const wchar_t *progid) {
    CLSID clsid;
    IDispatch *d = NULL;
    if (FAILED(CLSIDFromProgID(progid, &clsid))) return NULL;
    if (FAILED(CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, (void **)&d))) return NULL;
    return d;
}

/* client points an Smtp or Pool object at the server's submission port. */
static void client(IDispatch *c, int port, const wchar_t *security) {
    CHECK(put(c, L"Host", str(L"127.0.0.1")) == S_OK, "Host");
    CHECK(put(c, L"Port", num(port)) == S_OK, "Port");
    CHECK(put(c, L"Security", str(security)) == S_OK, "Security");
    CHECK(put(c, L"Username", str(L"bob")) == S_OK, "Username");
    CHECK(put(c, L"Password", str(L"secret")) == S_OK, "Password");
    VARIANT a[2] = {str(L"ca_file"), str(ca)};
    CHECK(call_int(c, L"SetOption", 2, a) == 0, "SetOption ca_file");
}

static IDispatch *letter(const wchar_t *to, const wchar_t *subject) {
    IDispatch *m = create(L"Mailwire.Message");
    if (!m) return NULL;
    put(m, L"FromAddress", str(L"bob@example.test"));
    VARIANT a[1] = {str(to)};
    call_int(m, L"AddTo", 1, a);
    put(m, L"Subject", str(subject));
    put(m, L"BodyText", str(L"Sent by com_test.\n"));
    return m;
}

/* ---------------------------------------------------------------------- */
/* One pool, several threads                                                */

#define THREADS 4
#define EACH 3

static IDispatch *g_pool;
static LONG g_sent, g_bad;

static DWORD WINAPI pool_thread(void *arg) {
    (void)arg;
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    for (int i = 0; i < EACH; i++) {
        IDispatch *m = letter(L"dave@example.test", L"pooled");
        VARIANT a[1] = {obj(m)};
        int rc = m ? call_int(g_pool, L"Send", 1, a) : -1;
        if (rc == 0 && get_int(m, L"LastError") == 0 && get_int(m, L"ResultCount") == 1) InterlockedIncrement(&g_sent);
        else { InterlockedIncrement(&g_bad); fprintf(stderr, "pool send: %d\n", rc); }
        if (m) IDispatch_Release(m);
    }
    CoUninitialize();
    return 0;
}

static void test_pool(IDispatch *srv, int port) {
    g_pool = create(L"Mailwire.Pool");
    CHECK(g_pool != NULL, "CreateObject Mailwire.Pool");
    if (!g_pool) return;
    client(g_pool, port, L"starttls");
    CHECK(put(g_pool, L"MaxConnections", num(2)) == S_OK, "MaxConnections");
    HANDLE t[THREADS];
    for (int i = 0; i < THREADS; i++) t[i] = CreateThread(NULL, 0, pool_thread, NULL, 0, NULL);
    WaitForMultipleObjects(THREADS, t, TRUE, INFINITE);
    for (int i = 0; i < THREADS; i++) CloseHandle(t[i]);
    CHECK(g_sent == THREADS * EACH && g_bad == 0, "pool sends: %ld accepted, %ld failed", g_sent, g_bad);
    VARIANT a[1] = {str(L"dave")};
    CHECK(call_int(srv, L"MessageCount", 1, a) == THREADS * EACH, "the pooled messages are stored");
    IDispatch_Release(g_pool);
}

/* ---------------------------------------------------------------------- */
/* The free-threaded marshaler                                              */

static IStream *g_stream;
static IDispatch *g_unmarshaled;

static DWORD WINAPI sta_thread(void *arg) {
    (void)arg;
    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    if (FAILED(CoGetInterfaceAndReleaseStream(g_stream, &IID_IDispatch, (void **)&g_unmarshaled)))
        g_unmarshaled = NULL;
    CoUninitialize();
    return 0;
}

static void test_marshal(void) {
    IDispatch *m = create(L"Mailwire.Message");
    IUnknown *marshal = NULL;
    CHECK(m && SUCCEEDED(IDispatch_QueryInterface(m, &IID_IMarshal, (void **)&marshal)), "IMarshal");
    if (marshal) IUnknown_Release(marshal);
    CHECK(m && SUCCEEDED(CoMarshalInterThreadInterfaceInStream(&IID_IDispatch, (IUnknown *)m, &g_stream)),
          "marshal to another apartment");
    HANDLE t = CreateThread(NULL, 0, sta_thread, NULL, 0, NULL);
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    CHECK(g_unmarshaled == m, "another apartment gets the object itself, not a proxy (%p, %p)",
          (void *)g_unmarshaled, (void *)m);
    if (g_unmarshaled) IDispatch_Release(g_unmarshaled);
    if (m) IDispatch_Release(m);
}

/* ---------------------------------------------------------------------- */
/* Cancel from another thread                                               */

static IDispatch *g_blocked;
static int g_connect_rc;

static DWORD WINAPI connect_thread(void *arg) {
    (void)arg;
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    g_connect_rc = get_int(g_blocked, L"Connect");
    CoUninitialize();
    return 0;
}

static void test_cancel(void) {
    /* A listener that never accepts: the kernel completes the handshake and
     * the client waits for a greeting that never comes. */
    WSADATA wsa;
    WSAStartup(MAKEWORD(2, 2), &wsa);
    SOCKET l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    struct sockaddr_in a = {0};
    int alen = sizeof a;
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(l, (struct sockaddr *)&a, sizeof a);
    listen(l, 4);
    getsockname(l, (struct sockaddr *)&a, &alen);
    g_blocked = create(L"Mailwire.Smtp");
    CHECK(g_blocked != NULL, "CreateObject Mailwire.Smtp");
    if (!g_blocked) return;
    put(g_blocked, L"Host", str(L"127.0.0.1"));
    put(g_blocked, L"Port", num(ntohs(a.sin_port)));
    put(g_blocked, L"Security", str(L"none"));
    VARIANT o[2] = {str(L"timeout"), str(L"120")};
    call_int(g_blocked, L"SetOption", 2, o);
    HANDLE t = CreateThread(NULL, 0, connect_thread, NULL, 0, NULL);
    /* While Connect runs, a member that claims the object is refused with
     * MW_E_BUSY; wait for that to know the call is in flight. */
    int busy = 0;
    while (!busy && WaitForSingleObject(t, 10) == WAIT_TIMEOUT) {
        VARIANT r;
        EXCEPINFO ex;
        HRESULT hr = invoke(g_blocked, L"Host", DISPATCH_PROPERTYGET, 0, NULL, &r, &ex);
        busy = hr == DISP_E_EXCEPTION && ex.scode == MW_E_BUSY_HRESULT;
        SysFreeString(ex.bstrSource);
        SysFreeString(ex.bstrDescription);
        VariantClear(&r);
    }
    CHECK(busy, "a second caller gets MW_E_BUSY while Connect runs");
    CHECK(get_int(g_blocked, L"BytesTotal") == -1, "BytesTotal may be read meanwhile");
    /* A Cancel before the call reaches the socket does nothing: repeat it. */
    while (WaitForSingleObject(t, 20) == WAIT_TIMEOUT) get_int(g_blocked, L"Cancel");
    CloseHandle(t);
    CHECK(g_connect_rc == MW_E_CANCELLED, "Connect cancelled from another thread: %d", g_connect_rc);
    CHECK(get_int(g_blocked, L"LastError") == MW_E_CANCELLED, "LastError after the cancelled Connect");
    IDispatch_Release(g_blocked);
    closesocket(l);
    WSACleanup();
}

/* ---------------------------------------------------------------------- */
/* IMAP: IDLE ended by Cancel from another thread, VB6's numeric arrays     */

static IDispatch *g_idler;
static int g_idle_rc;

static DWORD WINAPI idle_thread(void *arg) {
    (void)arg;
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    VARIANT a[1] = {num(120)};
    g_idle_rc = call_int(g_idler, L"Idle", 1, a);
    CoUninitialize();
    return 0;
}

/* test_imap: bob's INBOX over IMAP.  Idle blocks until Cancel from another
 * thread ends it, with the connection kept; FetchMany takes VB6's Long()
 * and Double() arrays (VT_ARRAY | VT_I4, VT_R8, by reference too). */
static void test_imap(IDispatch *srv, int port) {
    IDispatch *s = create(L"Mailwire.Smtp"), *m = letter(L"bob@example.test", L"for IMAP");
    CHECK(s && m, "CreateObject Mailwire.Smtp and a Message");
    if (!s || !m) return;
    client(s, port, L"starttls");
    VARIANT a[2] = {obj(m)};
    CHECK(get_int(s, L"Connect") == 0 && call_int(s, L"Send", 1, a) == 0, "send a message to bob");
    a[0] = obj(m);
    CHECK(call_int(s, L"Send", 1, a) == 0, "and another");
    get_int(s, L"Disconnect");
    IDispatch_Release(s);
    IDispatch_Release(m);

    g_idler = create(L"Mailwire.Imap");
    CHECK(g_idler != NULL, "CreateObject Mailwire.Imap");
    if (!g_idler) return;
    a[0] = str(L"imap");
    client(g_idler, call_int(srv, L"Port", 1, a), L"starttls");
    CHECK(get_int(g_idler, L"Connect") == 0, "Imap.Connect");
    a[0] = str(L"INBOX");
    CHECK(call_int(g_idler, L"Select", 1, a) == 2, "Imap.Select(INBOX)");
    HANDLE t = CreateThread(NULL, 0, idle_thread, NULL, 0, NULL);
    int busy = 0;
    while (!busy && WaitForSingleObject(t, 10) == WAIT_TIMEOUT) {
        VARIANT r;
        EXCEPINFO ex;
        HRESULT hr = invoke(g_idler, L"Host", DISPATCH_PROPERTYGET, 0, NULL, &r, &ex);
        busy = hr == DISP_E_EXCEPTION && ex.scode == MW_E_BUSY_HRESULT;
        SysFreeString(ex.bstrSource);
        SysFreeString(ex.bstrDescription);
        VariantClear(&r);
    }
    CHECK(busy, "a second caller gets MW_E_BUSY while Idle runs");
    while (WaitForSingleObject(t, 20) == WAIT_TIMEOUT) get_int(g_idler, L"Cancel");
    CloseHandle(t);
    CHECK(g_idle_rc == MW_E_CANCELLED, "Idle cancelled from another thread: %d", g_idle_rc);
    a[0] = str(L"ALL");
    CHECK(call_int(g_idler, L"Search", 1, a) == 2, "the connection stays after a cancelled Idle");

    /* Dim uids(1) As Long, and As Double, by value and by reference. */
    VARTYPE kinds[2] = {VT_I4, VT_R8};
    for (int k = 0; k < 2; k++) {
        SAFEARRAY *sa = SafeArrayCreateVector(kinds[k], 0, 2);
        for (LONG i = 0; i < 2; i++) {
            a[0] = num(i);
            int uid = call_int(g_idler, L"SearchUid", 1, a);
            double d = uid;
            SafeArrayPutElement(sa, &i, kinds[k] == VT_I4 ? (void *)&uid : (void *)&d);
        }
        for (int byref = 0; byref < 2; byref++) {
            VARIANT r;
            if (byref) { V_VT(&a[0]) = VT_BYREF | VT_ARRAY | kinds[k]; V_ARRAYREF(&a[0]) = &sa; }
            else { V_VT(&a[0]) = VT_ARRAY | kinds[k]; V_ARRAY(&a[0]) = sa; }
            HRESULT hr = invoke(g_idler, L"FetchMany", DISPATCH_METHOD, 1, a, &r, NULL);
            LONG hi = -1;
            if (hr == S_OK && V_VT(&r) == (VT_ARRAY | VT_VARIANT)) SafeArrayGetUBound(V_ARRAY(&r), 1, &hi);
            CHECK(hr == S_OK && hi == 1, "FetchMany of a vt %d array%s: 0x%08lx, %ld", (int)kinds[k],
                  byref ? " by reference" : "", (unsigned long)hr, (long)hi);
            VariantClear(&r);
        }
        SafeArrayDestroy(sa);
    }
    get_int(g_idler, L"Disconnect");
    IDispatch_Release(g_idler);
}

/* ---------------------------------------------------------------------- */
/* VB6's arrays                                                             */

static SAFEARRAY *bytes(const char *p, ULONG n) {
    SAFEARRAY *sa = SafeArrayCreateVector(VT_UI1, 0, n);
    void *d;
    SafeArrayAccessData(sa, &d);
    memcpy(d, p, n);
    SafeArrayUnaccessData(sa);
    return sa;
}

static void test_arrays(IDispatch *srv, int port) {
    IDispatch *m = create(L"Mailwire.Message");
    if (!m) return;
    /* Dim b() As Byte: VB6 passes a variable by reference. */
    SAFEARRAY *sa = bytes("\x01\x02\x03\xfa", 4);
    VARIANT a[3];
    V_VT(&a[0]) = VT_BYREF | VT_ARRAY | VT_UI1;
    V_ARRAYREF(&a[0]) = &sa;
    a[1] = str(L"b.bin");
    CHECK(call_int(m, L"AddAttachmentData", 2, a) == 0, "AddAttachmentData of a Byte() by reference");
    SafeArrayDestroy(sa);
    V_VT(&a[0]) = VT_ARRAY | VT_UI1;
    V_ARRAY(&a[0]) = bytes("xyz", 3);
    a[1] = str(L"c.bin");
    CHECK(call_int(m, L"AddAttachmentData", 2, a) == 0, "AddAttachmentData of a Byte() by value");
    SafeArrayDestroy(V_ARRAY(&a[0]));
    a[0] = num(0);
    VARIANT r;
    CHECK(invoke(m, L"AttachmentData", DISPATCH_METHOD, 1, a, &r, NULL) == S_OK, "AttachmentData");
    void *d = NULL;
    CHECK(V_VT(&r) == (VT_ARRAY | VT_UI1) && V_ARRAY(&r)->rgsabound[0].cElements == 4 &&
          SUCCEEDED(SafeArrayAccessData(V_ARRAY(&r), &d)) && memcmp(d, "\x01\x02\x03\xfa", 4) == 0,
          "AttachmentData gives the bytes back as Byte()");
    if (d) SafeArrayUnaccessData(V_ARRAY(&r));
    VariantClear(&r);
    /* A two-dimensional array is not bytes. */
    SAFEARRAYBOUND b2[2] = {{2, 0}, {2, 0}};
    V_VT(&a[0]) = VT_ARRAY | VT_UI1;
    V_ARRAY(&a[0]) = SafeArrayCreate(VT_UI1, 2, b2);
    a[1] = str(L"d.bin");
    CHECK(invoke(m, L"AddAttachmentData", DISPATCH_METHOD, 2, a, NULL, NULL) == DISP_E_TYPEMISMATCH,
          "a two-dimensional array is refused");
    SafeArrayDestroy(V_ARRAY(&a[0]));
    VariantClear(&a[1]);
    CHECK(get_int(m, L"AttachmentCount") == 2, "AttachmentCount");

    /* Dim batch(1) As Object: SendMany of VT_ARRAY | VT_DISPATCH. */
    IDispatch *s = create(L"Mailwire.Smtp");
    if (!s) { IDispatch_Release(m); return; }
    client(s, port, L"starttls");
    CHECK(get_int(s, L"Connect") == 0, "Connect");
    SAFEARRAY *objs = SafeArrayCreateVector(VT_DISPATCH, 0, 2);
    IDispatch *msgs[2] = {letter(L"frank@example.test", L"one"), letter(L"frank@example.test", L"two")};
    for (LONG i = 0; i < 2; i++) SafeArrayPutElement(objs, &i, msgs[i]);
    V_VT(&a[0]) = VT_ARRAY | VT_DISPATCH;
    V_ARRAY(&a[0]) = objs;
    CHECK(call_int(s, L"SendMany", 1, a) == 0, "SendMany of an Object() array");
    SafeArrayDestroy(objs);
    CHECK(get_int(msgs[1], L"LastError") == 0 && get_int(msgs[1], L"ResultCount") == 1, "the second message's outcome");
    a[0] = str(L"frank");
    CHECK(call_int(srv, L"MessageCount", 1, a) == 2, "both are stored");
    get_int(s, L"Disconnect");
    for (int i = 0; i < 2; i++) IDispatch_Release(msgs[i]);
    IDispatch_Release(s);
    IDispatch_Release(m);
}

int main(void) {
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    GetTempPathW(MAX_PATH - 40, ca);
    wcscat(ca, L"mailwire-com-test-ca.pem");
    IDispatch *srv = create(L"Mailwire.Server");
    CHECK(srv != NULL, "CreateObject Mailwire.Server (is mailwirecom.dll registered?)");
    if (!srv) return DONE("com_test");
    int baseline = get_int(srv, L"OpenHandles");
    put(srv, L"Users", str(L"bob:secret"));
    VARIANT a[2] = {str(L"ca_out"), str(ca)};
    CHECK(call_int(srv, L"SetOption", 2, a) == 0, "SetOption ca_out");
    CHECK(get_int(srv, L"Start") == 0, "Start");
    a[0] = str(L"submission");
    int port = call_int(srv, L"Port", 1, a);
    test_pool(srv, port);
    test_marshal();
    test_cancel();
    test_arrays(srv, port);
    test_imap(srv, port);
    CHECK(get_int(srv, L"OpenHandles") == baseline, "every handle is closed: %d, at first %d",
          get_int(srv, L"OpenHandles"), baseline);
    get_int(srv, L"Stop");
    IDispatch_Release(srv);
    DeleteFileW(ca);
    CoUninitialize();
    return DONE("com_test");
}
