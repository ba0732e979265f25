/* early_test.c: the Mailwire COM objects early bound, as VB6, VBA and C++
 * (#import) call them: through the vtables of the type library's dual
 * interfaces (widl's header of bindings/com/mailwire.idl), with optional
 * arguments left out as VB6 leaves them (VT_ERROR, DISP_E_PARAMNOTFOUND)
 * and errors read from IErrorInfo.  Then the type library itself: loaded
 * from mailwirecom.dll with LoadTypeLib, every member of every interface
 * compared with what the objects' IDispatch serves (GetIDsOfNames gives
 * the same DISPID, no DISPID beyond them is served, GetTypeInfo gives the
 * same interface), and, when a second file is named, that type library
 * (the other platform's, taken out of its mailwirecom.dll) compared member
 * by member with this one.
 *
 *   early_test.exe [other.tlb]      (in the folder of mailwirecom.dll, registered) */
#define COBJMACROS
#include <windows.h>
#include <oleauto.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <initguid.h> /* the IIDs and CLSIDs of the header are defined here */
#include "mailwire_tlb.h"

static int passed, failed;

#define CHECK(cond, ...) do { \
    if (cond) { passed++; } \
    else { failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("  [%s]\n", #cond); } \
} while (0)

static VARIANT missing(void) {
    VARIANT v;
    V_VT(&v) = VT_ERROR;
    V_ERROR(&v) = DISP_E_PARAMNOTFOUND;
    return v;
}

static VARIANT vbool(int b) {
    VARIANT v;
    V_VT(&v) = VT_BOOL;
    V_BOOL(&v) = b ? VARIANT_TRUE : VARIANT_FALSE;
    return v;
}

static VARIANT object(void *p) {
    VARIANT v;
    V_VT(&v) = VT_DISPATCH;
    V_DISPATCH(&v) = (IDispatch *)p;
    return v;
}

/* eq compares a BSTR with a wide string and frees it. */
static int eq(BSTR b, const wchar_t *want) {
    int ok = b && wcscmp(b, want) == 0;
    if (!ok) printf("     got \"%ls\", want \"%ls\"\n", b ? b : L"(null)", want);
    SysFreeString(b);
    return ok;
}

static BSTR bs(const wchar_t *s) { return SysAllocString(s); }

/* error_text takes the thread's IErrorInfo: its description and source. */
static void error_text(wchar_t *desc, wchar_t *source, size_t n) {
    IErrorInfo *ei = NULL;
    BSTR d = NULL, s = NULL;
    desc[0] = source[0] = 0;
    if (GetErrorInfo(0, &ei) != S_OK || !ei) return;
    IErrorInfo_GetDescription(ei, &d);
    IErrorInfo_GetSource(ei, &s);
    if (d) wcsncpy(desc, d, n - 1), desc[n - 1] = 0;
    if (s) wcsncpy(source, s, n - 1), source[n - 1] = 0;
    SysFreeString(d);
    SysFreeString(s);
    IErrorInfo_Release(ei);
}

static wchar_t ca[MAX_PATH];

static void set_client_smtp(IMwSmtp *c, LONG port) {
    BSTR h = bs(L"127.0.0.1"), sec = bs(L"starttls"), u = bs(L"bob"), p = bs(L"secret"), n = bs(L"ca_file"), v = bs(ca);
    LONG rc = 1;
    IMwSmtp_put_Host(c, h);
    IMwSmtp_put_Port(c, port);
    IMwSmtp_put_Security(c, sec);
    IMwSmtp_put_Username(c, u);
    IMwSmtp_put_Password(c, p);
    CHECK(IMwSmtp_SetOption(c, n, v, &rc) == S_OK && rc == 0, "Smtp.SetOption ca_file: %ld", (long)rc);
    SysFreeString(h); SysFreeString(sec); SysFreeString(u); SysFreeString(p); SysFreeString(n); SysFreeString(v);
}

/* vuid is a UID as an early-bound host passes it: VT_I4 (VB6's Long),
 * VT_R8 (Double) or VT_I8 (VB.NET's Long). */
static VARIANT vuid(VARTYPE vt, LONGLONG uid) {
    VARIANT v;
    V_VT(&v) = vt;
    if (vt == VT_I4) V_I4(&v) = (LONG)uid;
    else if (vt == VT_R8) V_R8(&v) = (double)uid;
    else V_I8(&v) = uid;
    return v;
}

/* test_imap reads alice's INBOX (the one message sent) over IMAP through
 * IMwImap's vtable: UIDs in and out as Variants, a typed IMwMessage in
 * and out, optional arguments left out, the MwStore enum, IErrorInfo. */
static void test_imap(IMwServer *srv, IMwMessage *m) {
    IMwImap *imap = NULL;
    IMwMessage *got = NULL;
    LONG rc = 1, port = 0, n = 0;
    VARIANT uid, v;
    BSTR b;
    HRESULT hr;
    wchar_t desc[512], source[512];

    CHECK(CoCreateInstance(&CLSID_Imap, NULL, CLSCTX_INPROC_SERVER, &IID_IMwImap, (void **)&imap) == S_OK,
          "CoCreateInstance(Imap, IMwImap)");
    if (!imap) return;
    b = bs(L"imap");
    CHECK(IMwServer_Port(srv, b, &port) == S_OK && port > 0, "Server.Port(imap)");
    SysFreeString(b);
    {
        BSTR h = bs(L"127.0.0.1"), sec = bs(L"starttls"), u = bs(L"alice"), p = bs(L"secret"), on = bs(L"ca_file"),
             ov = bs(ca);
        IMwImap_put_Host(imap, h);
        IMwImap_put_Port(imap, port);
        IMwImap_put_Security(imap, sec);
        IMwImap_put_Username(imap, u);
        IMwImap_put_Password(imap, p);
        IMwImap_SetOption(imap, on, ov, &rc);
        SysFreeString(h); SysFreeString(sec); SysFreeString(u); SysFreeString(p); SysFreeString(on); SysFreeString(ov);
    }
    CHECK(IMwImap_put_Timeout(imap, 30) == S_OK && IMwImap_get_Timeout(imap, &n) == S_OK && n == 30,
          "Imap.Timeout = %ld", (long)n);
    CHECK(IMwImap_Connect(imap, missing(), missing(), &rc) == S_OK && rc == 0, "Imap.Connect() = %ld", (long)rc);
    b = bs(L"INBOX");
    CHECK(IMwImap_Select(imap, b, missing(), &n) == S_OK && n == 1, "Imap.Select(INBOX) = %ld", (long)n);
    CHECK(IMwImap_Search(imap, missing(), &n) == S_OK && n == 1, "Imap.Search() = %ld", (long)n);
    VariantInit(&uid);
    CHECK(IMwImap_SearchUid(imap, 0, &uid) == S_OK && V_VT(&uid) == VT_I4 && V_I4(&uid) > 0,
          "Imap.SearchUid(0) is a Long: vt %d", (int)V_VT(&uid));
    LONGLONG u = V_VT(&uid) == VT_I4 ? V_I4(&uid) : 1;
    VariantInit(&v);
    b = bs(L"exists");
    CHECK(IMwImap_Status(imap, b, &v) == S_OK && V_VT(&v) == VT_I4 && V_I4(&v) == 1, "Imap.Status(exists)");
    SysFreeString(b);
    VARTYPE kinds[] = {VT_I4, VT_R8, VT_I8};
    for (int k = 0; k < 3; k++) {
        CHECK(IMwImap_Fetch(imap, vuid(kinds[k], u), &got) == S_OK && got, "Imap.Fetch(uid as vt %d)", (int)kinds[k]);
        if (got) {
            BSTR s = NULL;
            CHECK(IMwMessage_get_FromAddress(got, &s) == S_OK && eq(s, L"bob@example.test"), "fetched FromAddress");
            IMwMessage_Release(got);
            got = NULL;
        }
    }
    b = bs(L"\\Flagged");
    CHECK(IMwImap_Store(imap, vuid(VT_I4, u), b, MW_STORE_ADD, &rc) == S_OK && rc == 0, "Imap.Store(MW_STORE_ADD)");
    SysFreeString(b);
    b = NULL;
    CHECK(IMwImap_Flags(imap, vuid(VT_I8, u), &b) == S_OK && b && wcsstr(b, L"\\Flagged"), "Imap.Flags: %ls",
          b ? b : L"(null)");
    SysFreeString(b);
    VariantInit(&v);
    b = bs(L"INBOX");
    CHECK(IMwImap_Append(imap, b, m, missing(), &v) == S_OK && V_VT(&v) == VT_I4 && V_I4(&v) == u + 1,
          "Imap.Append(folder, IMwMessage) gives the next UID");
    SysFreeString(b);
    CHECK(IMwImap_Fetch(imap, vuid(VT_I4, u + 100), &got) == S_OK && got == NULL,
          "Imap.Fetch of a missing UID is Nothing");
    CHECK(IMwImap_get_LastError(imap, &rc) == S_OK && rc == MW_E_NOTFOUND, "LastError = %ld", (long)rc);

    /* A UID that is not a whole number: DISP_E_TYPEMISMATCH, as a script sees it. */
    V_VT(&v) = VT_R8;
    V_R8(&v) = 1.5;
    CHECK(IMwImap_Fetch(imap, v, &got) == DISP_E_TYPEMISMATCH && got == NULL, "Imap.Fetch(1.5)");

    CHECK(IMwImap_put_RaiseErrors(imap, VARIANT_TRUE) == S_OK, "Imap.RaiseErrors = True");
    b = bs(L"No such folder");
    n = 7;
    hr = IMwImap_Select(imap, b, missing(), &n);
    SysFreeString(b);
    CHECK(hr == (HRESULT)(0x80040200 - MW_E_NOTFOUND) && n == 0, "Select of a missing folder: 0x%08lx",
          (unsigned long)hr);
    error_text(desc, source, 512);
    CHECK(desc[0] != 0 && wcscmp(source, L"Mailwire.Imap") == 0, "IErrorInfo of Select: \"%ls\" from \"%ls\"", desc,
          source);
    CHECK(IMwImap_Disconnect(imap, &rc) == S_OK && rc == 0, "Imap.Disconnect");
    IMwImap_Release(imap);
}

/* test_objects sends and reads back a message through the vtables. */
static void test_objects(void) {
    IMwServer *srv = NULL;
    IMwMessage *m = NULL, *got = NULL;
    IMwSmtp *smtp = NULL;
    IMwPop3 *pop = NULL;
    IMwKeywords *kw = NULL;
    IMwOAuth2 *oa = NULL, *oa_back = NULL;
    LONG rc = 1, port = 0, n = 0;
    BSTR b;
    HRESULT hr;
    wchar_t desc[512], source[512];

    CHECK(CoCreateInstance(&CLSID_Server, NULL, CLSCTX_INPROC_SERVER, &IID_IMwServer, (void **)&srv) == S_OK,
          "CoCreateInstance(Server, IMwServer)");
    CHECK(CoCreateInstance(&CLSID_Message, NULL, CLSCTX_INPROC_SERVER, &IID_IMwMessage, (void **)&m) == S_OK,
          "CoCreateInstance(Message, IMwMessage)");
    CHECK(CoCreateInstance(&CLSID_Smtp, NULL, CLSCTX_INPROC_SERVER, &IID_IMwSmtp, (void **)&smtp) == S_OK,
          "CoCreateInstance(Smtp, IMwSmtp)");
    CHECK(CoCreateInstance(&CLSID_Pop3, NULL, CLSCTX_INPROC_SERVER, &IID_IMwPop3, (void **)&pop) == S_OK,
          "CoCreateInstance(Pop3, IMwPop3)");
    CHECK(CoCreateInstance(&CLSID_Keywords, NULL, CLSCTX_INPROC_SERVER, &IID_IMwKeywords, (void **)&kw) == S_OK,
          "CoCreateInstance(Keywords, IMwKeywords)");
    CHECK(CoCreateInstance(&CLSID_OAuth2, NULL, CLSCTX_INPROC_SERVER, &IID_IMwOAuth2, (void **)&oa) == S_OK,
          "CoCreateInstance(OAuth2, IMwOAuth2)");
    if (!srv || !m || !smtp || !pop || !kw || !oa) return;

    /* The server, with its CA written where the clients read it. */
    b = bs(L"alice:secret,bob:secret");
    CHECK(IMwServer_put_Users(srv, b) == S_OK, "Server.Users");
    SysFreeString(b);
    BSTR name = bs(L"ca_out"), val = bs(ca);
    CHECK(IMwServer_SetOption(srv, name, val, &rc) == S_OK && rc == 0, "Server.SetOption ca_out");
    SysFreeString(name); SysFreeString(val);
    CHECK(IMwServer_Start(srv, &rc) == S_OK && rc == 0, "Server.Start: %ld", (long)rc);
    b = bs(L"submission");
    CHECK(IMwServer_Port(srv, b, &port) == S_OK && port > 0, "Server.Port(submission) = %ld", (long)port);
    SysFreeString(b);

    /* A message: properties, a method with its optional argument left out. */
    b = bs(L"bob@example.test");
    CHECK(IMwMessage_put_FromAddress(m, b) == S_OK, "Message.FromAddress put");
    SysFreeString(b);
    b = bs(L"Gr\u00fc\u00dfe early bound");
    IMwMessage_put_Subject(m, b);
    SysFreeString(b);
    b = NULL;
    CHECK(IMwMessage_get_Subject(m, &b) == S_OK && eq(b, L"Gr\u00fc\u00dfe early bound"), "Message.Subject round trip");
    b = bs(L"Hello from a vtable\n");
    IMwMessage_put_BodyText(m, b);
    SysFreeString(b);
    b = bs(L"alice@example.test");
    CHECK(IMwMessage_AddTo(m, b, missing(), &rc) == S_OK && rc == 0, "Message.AddTo(address) = %ld", (long)rc);
    SysFreeString(b);
    b = bs(L"bad <");
    CHECK(IMwMessage_AddTo(m, b, missing(), &rc) == S_OK && rc == MW_E_ARG, "AddTo of a bad address = %ld", (long)rc);
    SysFreeString(b);
    CHECK(IMwMessage_get_LastError(m, &rc) == S_OK && rc == MW_E_ARG, "LastError = %ld", (long)rc);
    b = NULL;
    CHECK(IMwMessage_get_To(m, &b) == S_OK && eq(b, L"alice@example.test"), "Message.To");

    /* A property put that fails raises: its HRESULT and IErrorInfo. */
    b = bs(L"two\r\nlines");
    hr = IMwMessage_put_Subject(m, b);
    SysFreeString(b);
    CHECK(hr == (HRESULT)0x80040203, "a bad Subject put: 0x%08lx, want 0x80040203", (unsigned long)hr);
    error_text(desc, source, 512);
    CHECK(desc[0] != 0 && wcscmp(source, L"Mailwire.Message") == 0, "IErrorInfo: \"%ls\" from \"%ls\"", desc, source);

    /* ISupportErrorInfo, as VB6 asks before it reads IErrorInfo. */
    ISupportErrorInfo *sei = NULL;
    CHECK(IMwSmtp_QueryInterface(smtp, &IID_ISupportErrorInfo, (void **)&sei) == S_OK, "QueryInterface ISupportErrorInfo");
    if (sei) {
        CHECK(ISupportErrorInfo_InterfaceSupportsErrorInfo(sei, &IID_IMwSmtp) == S_OK, "InterfaceSupportsErrorInfo");
        ISupportErrorInfo_Release(sei);
    }

    /* Send through SMTP, with the Message passed in a Variant. */
    set_client_smtp(smtp, port);
    CHECK(IMwSmtp_Connect(smtp, missing(), missing(), &rc) == S_OK && rc == 0, "Smtp.Connect() = %ld", (long)rc);
    hr = IMwSmtp_Send(smtp, object(m), missing(), &rc);
    error_text(desc, source, 512);
    CHECK(hr == S_OK && rc == 0, "Smtp.Send(message) = 0x%08lx, %ld: %ls", (unsigned long)hr, (long)rc, desc);
    CHECK(IMwSmtp_get_ResultCount(smtp, &n) == S_OK && n == 1, "Smtp.ResultCount = %ld", (long)n);
    CHECK(IMwSmtp_ResultCode(smtp, 0, &rc) == S_OK && rc == 250, "Smtp.ResultCode(0) = %ld", (long)rc);
    CHECK(IMwSmtp_Disconnect(smtp, &rc) == S_OK && rc == 0, "Smtp.Disconnect");

    /* The server holds it in alice's mailbox; Message(mailbox, i) gives an IMwMessage. */
    b = bs(L"alice");
    VARIANT mb;
    V_VT(&mb) = VT_BSTR;
    V_BSTR(&mb) = b;
    CHECK(IMwServer_MessageCount(srv, mb, &n) == S_OK && n == 1, "Server.MessageCount = %ld", (long)n);
    CHECK(IMwServer_Message(srv, b, 0, &got) == S_OK && got, "Server.Message(mailbox, 0)");
    SysFreeString(b);
    if (got) {
        b = NULL;
        CHECK(IMwMessage_get_Subject(got, &b) == S_OK && eq(b, L"Gr\u00fc\u00dfe early bound"), "stored Subject");
        IMwMessage_Release(got);
        got = NULL;
    }

    /* POP3: Retrieve(1), numbered from 1. */
    b = bs(L"pop3");
    CHECK(IMwServer_Port(srv, b, &port) == S_OK && port > 0, "Server.Port(pop3)");
    SysFreeString(b);
    {
        BSTR h = bs(L"127.0.0.1"), sec = bs(L"starttls"), u = bs(L"alice"), p = bs(L"secret"), on = bs(L"ca_file"),
             ov = bs(ca);
        IMwPop3_put_Host(pop, h);
        IMwPop3_put_Port(pop, port);
        IMwPop3_put_Security(pop, sec);
        IMwPop3_put_Username(pop, u);
        IMwPop3_put_Password(pop, p);
        IMwPop3_SetOption(pop, on, ov, &rc);
        SysFreeString(h); SysFreeString(sec); SysFreeString(u); SysFreeString(p); SysFreeString(on); SysFreeString(ov);
    }
    CHECK(IMwPop3_Connect(pop, missing(), missing(), &rc) == S_OK && rc == 0, "Pop3.Connect() = %ld", (long)rc);
    CHECK(IMwPop3_get_Count(pop, &n) == S_OK && n == 1, "Pop3.Count = %ld", (long)n);
    CHECK(IMwPop3_Retrieve(pop, 1, &got) == S_OK && got, "Pop3.Retrieve(1)");
    if (got) {
        b = NULL;
        CHECK(IMwMessage_get_FromAddress(got, &b) == S_OK && eq(b, L"bob@example.test"), "retrieved FromAddress");
        IMwMessage_Release(got);
        got = NULL;
    }
    CHECK(IMwPop3_Retrieve(pop, 2, &got) == S_OK && got == NULL, "Pop3.Retrieve(2) is Nothing");
    CHECK(IMwPop3_get_LastError(pop, &rc) == S_OK && rc < 0, "LastError after Retrieve(2) = %ld", (long)rc);
    CHECK(IMwPop3_Disconnect(pop, &rc) == S_OK && rc == 0, "Pop3.Disconnect");

    /* RaiseErrors: a failing method returns the code's HRESULT. */
    CHECK(IMwSmtp_put_RaiseErrors(smtp, VARIANT_TRUE) == S_OK, "Smtp.RaiseErrors = True");
    IMwSmtp_put_Port(smtp, 1);
    rc = 7;
    hr = IMwSmtp_Connect(smtp, missing(), missing(), &rc);
    CHECK(hr == (HRESULT)(0x80040200 - MW_E_CONNECT), "Connect to a closed port: 0x%08lx, want 0x%08lx",
          (unsigned long)hr, (unsigned long)(0x80040200 - MW_E_CONNECT));
    CHECK(rc == 0, "the [out, retval] of a failed call is cleared: %ld", (long)rc);
    error_text(desc, source, 512);
    CHECK(desc[0] != 0 && wcscmp(source, L"Mailwire.Smtp") == 0, "IErrorInfo of Connect: \"%ls\" from \"%ls\"", desc,
          source);
    IMwSmtp_put_RaiseErrors(smtp, VARIANT_FALSE);
    CHECK(IMwSmtp_Connect(smtp, missing(), missing(), &rc) == S_OK && rc == MW_E_CONNECT, "without RaiseErrors: %ld",
          (long)rc);

    /* An object property: Set smtp.OAuth2 = oa, read back, Set ... = Nothing. */
    CHECK(IMwSmtp_putref_OAuth2(smtp, oa) == S_OK, "Set Smtp.OAuth2");
    CHECK(IMwSmtp_get_OAuth2(smtp, &oa_back) == S_OK && oa_back == oa, "Smtp.OAuth2 reads back the same object");
    if (oa_back) IMwOAuth2_Release(oa_back);
    CHECK(IMwSmtp_putref_OAuth2(smtp, NULL) == S_OK, "Set Smtp.OAuth2 = Nothing");
    oa_back = (IMwOAuth2 *)1;
    CHECK(IMwSmtp_get_OAuth2(smtp, &oa_back) == S_OK && oa_back == NULL, "Smtp.OAuth2 is Nothing");

    /* Keywords: optional Booleans, and the enums of the type library. */
    b = bs(L"ESMTP");
    BSTR k = NULL;
    CHECK(IMwKeywords_Keyword(kw, b, vbool(1), vbool(1), missing(), &k) == S_OK && eq(k, L"ESMTPSA"),
          "Keywords.Keyword(ESMTP, True, True)");
    SysFreeString(b);
    CHECK(IMwKeywords_get_MW_WITH_AUTH(kw, &n) == S_OK && n == MW_WITH_AUTH, "Keywords.MW_WITH_AUTH = enum MwWith");
    b = bs(L"esmtpsa");
    CHECK(IMwKeywords_Flags(kw, b, &n) == S_OK && n == (MW_WITH_TLS | MW_WITH_AUTH), "Keywords.Flags(esmtpsa) = %ld",
          (long)n);
    SysFreeString(b);

    test_imap(srv, m);
    CHECK(IMwServer_Stop(srv, &rc) == S_OK && rc == 0, "Server.Stop");
    IMwOAuth2_Release(oa);
    IMwKeywords_Release(kw);
    IMwPop3_Release(pop);
    IMwSmtp_Release(smtp);
    IMwMessage_Release(m);
    IMwServer_Release(srv);
}

/* compare_members checks one interface of the type library against the
 * IDispatch of an object of its class. */
static void compare_members(ITypeInfo *ti, IDispatch *d, const wchar_t *progid) {
    TYPEATTR *ta;
    if (FAILED(ITypeInfo_GetTypeAttr(ti, &ta))) { CHECK(0, "%ls: GetTypeAttr", progid); return; }
    CHECK(ta->typekind == TKIND_DISPATCH && (ta->wTypeFlags & TYPEFLAG_FDUAL), "%ls: a dual interface", progid);
    DISPID maxid = 0;
    int members = 0;
    for (UINT f = 0; f < ta->cFuncs; f++) {
        FUNCDESC *fd;
        if (FAILED(ITypeInfo_GetFuncDesc(ti, f, &fd))) continue;
        DISPID memid = fd->memid;
        INVOKEKIND kind = fd->invkind;
        ITypeInfo_ReleaseFuncDesc(ti, fd);
        if (memid <= 0 || memid >= 0x60000000) continue; /* IUnknown and IDispatch */
        BSTR name = NULL, help = NULL;
        ITypeInfo_GetDocumentation(ti, memid, &name, &help, NULL, NULL);
        DISPID id = DISPID_UNKNOWN;
        LPOLESTR names[1] = {name};
        HRESULT hr = IDispatch_GetIDsOfNames(d, &IID_NULL, names, 1, LOCALE_USER_DEFAULT, &id);
        CHECK(hr == S_OK && id == memid, "%ls.%ls: the type library says DISPID %ld, IDispatch %ld", progid, name,
              (long)memid, (long)id);
        CHECK(help && help[0], "%ls.%ls has a help string", progid, name);
        /* A property put the type library declares is served as one. */
        if (kind == INVOKE_PROPERTYGET) {
            VARIANT r;
            VariantInit(&r);
            DISPPARAMS none = {NULL, NULL, 0, 0};
            hr = IDispatch_Invoke(d, memid, &IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_PROPERTYGET, &none, &r, NULL, NULL);
            CHECK(hr != DISP_E_MEMBERNOTFOUND, "%ls.%ls: a propget IDispatch serves", progid, name);
            VariantClear(&r);
        }
        SysFreeString(name);
        SysFreeString(help);
        if (memid > maxid) maxid = memid;
        if (kind != INVOKE_PROPERTYPUT && kind != INVOKE_PROPERTYPUTREF) members++;
    }
    /* No DISPID beyond the type library's is served. */
    VARIANT r;
    VariantInit(&r);
    DISPPARAMS none = {NULL, NULL, 0, 0};
    HRESULT hr = IDispatch_Invoke(d, maxid + 1, &IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_METHOD | DISPATCH_PROPERTYGET,
                                  &none, &r, NULL, NULL);
    CHECK(hr == DISP_E_MEMBERNOTFOUND, "%ls: DISPID %ld, past the type library's, is not served (0x%08lx)", progid,
          (long)(maxid + 1), (unsigned long)hr);
    VariantClear(&r);
    /* IDispatch::GetTypeInfo gives this same interface. */
    ITypeInfo *served = NULL;
    UINT count = 0;
    CHECK(IDispatch_GetTypeInfoCount(d, &count) == S_OK && count == 1, "%ls: GetTypeInfoCount = 1", progid);
    CHECK(IDispatch_GetTypeInfo(d, 0, LOCALE_USER_DEFAULT, &served) == S_OK && served, "%ls: GetTypeInfo", progid);
    if (served) {
        TYPEATTR *sa;
        if (SUCCEEDED(ITypeInfo_GetTypeAttr(served, &sa))) {
            CHECK(IsEqualGUID(&sa->guid, &ta->guid) && sa->cFuncs == ta->cFuncs, "%ls: GetTypeInfo is the interface",
                  progid);
            ITypeInfo_ReleaseTypeAttr(served, sa);
        }
        ITypeInfo_Release(served);
    }
    printf("     %ls: %d members, DISPIDs 1 to %ld\n", progid, members, (long)maxid);
    ITypeInfo_ReleaseTypeAttr(ti, ta);
}

/* test_typelib loads the type library from mailwirecom.dll and compares
 * every coclass's default interface with its object's IDispatch. */
static ITypeLib *test_typelib(void) {
    ITypeLib *tl = NULL;
    CHECK(LoadTypeLibEx(L"mailwirecom.dll", REGKIND_NONE, &tl) == S_OK && tl, "LoadTypeLibEx(mailwirecom.dll)");
    if (!tl) return NULL;
    TLIBATTR *la;
    if (SUCCEEDED(ITypeLib_GetLibAttr(tl, &la))) {
        CHECK(IsEqualGUID(&la->guid, &LIBID_Mailwire), "the library's GUID is LIBID_Mailwire");
        CHECK(la->syskind == (sizeof(void *) == 8 ? SYS_WIN64 : SYS_WIN32), "SYSKIND of this platform: %d",
              (int)la->syskind);
        ITypeLib_ReleaseTLibAttr(tl, la);
    }
    int classes = 0;
    UINT n = ITypeLib_GetTypeInfoCount(tl);
    for (UINT i = 0; i < n; i++) {
        ITypeInfo *co, *iface = NULL;
        TYPEATTR *ca_;
        HREFTYPE ref;
        if (FAILED(ITypeLib_GetTypeInfo(tl, i, &co))) continue;
        if (SUCCEEDED(ITypeInfo_GetTypeAttr(co, &ca_))) {
            if (ca_->typekind == TKIND_COCLASS && SUCCEEDED(ITypeInfo_GetRefTypeOfImplType(co, 0, &ref)) &&
                SUCCEEDED(ITypeInfo_GetRefTypeInfo(co, ref, &iface))) {
                wchar_t *progid = NULL;
                IDispatch *d = NULL;
                ProgIDFromCLSID(&ca_->guid, &progid);
                CHECK(progid != NULL, "the coclass of type %u is registered with a ProgID", i);
                CHECK(CoCreateInstance(&ca_->guid, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, (void **)&d) == S_OK,
                      "CoCreateInstance of coclass %u", i);
                if (d && progid) {
                    classes++;
                    compare_members(iface, d, progid);
                }
                if (d) IDispatch_Release(d);
                CoTaskMemFree(progid);
                ITypeInfo_Release(iface);
            }
            ITypeInfo_ReleaseTypeAttr(co, ca_);
        }
        ITypeInfo_Release(co);
    }
    CHECK(classes == 8, "8 classes in the type library, %d found", classes);
    return tl;
}

/* same_typelib compares two type libraries type by type, member by member:
 * the other platform's must describe the same objects. */
static void same_typelib(ITypeLib *a, const wchar_t *path) {
    ITypeLib *b = NULL;
    CHECK(LoadTypeLibEx(path, REGKIND_NONE, &b) == S_OK && b, "LoadTypeLibEx(%ls)", path);
    if (!b) return;
    TLIBATTR *la;
    if (SUCCEEDED(ITypeLib_GetLibAttr(b, &la))) {
        CHECK(IsEqualGUID(&la->guid, &LIBID_Mailwire), "%ls is the Mailwire library", path);
        CHECK(la->syskind == (sizeof(void *) == 8 ? SYS_WIN32 : SYS_WIN64), "%ls is the other platform's (%d)", path,
              (int)la->syskind);
        ITypeLib_ReleaseTLibAttr(b, la);
    }
    UINT n = ITypeLib_GetTypeInfoCount(a);
    CHECK(ITypeLib_GetTypeInfoCount(b) == n, "%ls has %u types", path, n);
    int diffs = 0, funcs = 0;
    for (UINT i = 0; i < n && i < ITypeLib_GetTypeInfoCount(b); i++) {
        ITypeInfo *ta, *tb;
        TYPEATTR *aa, *ab;
        if (FAILED(ITypeLib_GetTypeInfo(a, i, &ta))) continue;
        if (FAILED(ITypeLib_GetTypeInfo(b, i, &tb))) { ITypeInfo_Release(ta); continue; }
        ITypeInfo_GetTypeAttr(ta, &aa);
        ITypeInfo_GetTypeAttr(tb, &ab);
        if (!IsEqualGUID(&aa->guid, &ab->guid) || aa->typekind != ab->typekind || aa->cFuncs != ab->cFuncs ||
            aa->cVars != ab->cVars)
            diffs++;
        for (UINT f = 0; f < aa->cFuncs && f < ab->cFuncs; f++) {
            FUNCDESC *fa, *fb;
            if (FAILED(ITypeInfo_GetFuncDesc(ta, f, &fa))) continue;
            if (FAILED(ITypeInfo_GetFuncDesc(tb, f, &fb))) { ITypeInfo_ReleaseFuncDesc(ta, fa); continue; }
            BSTR na = NULL, nb = NULL;
            UINT c;
            ITypeInfo_GetNames(ta, fa->memid, &na, 1, &c);
            ITypeInfo_GetNames(tb, fb->memid, &nb, 1, &c);
            if (fa->memid != fb->memid || fa->invkind != fb->invkind || fa->cParams != fb->cParams ||
                fa->cParamsOpt != fb->cParamsOpt || !na || !nb || wcscmp(na, nb) != 0) {
                diffs++;
                printf("     differs: %ls / %ls\n", na ? na : L"?", nb ? nb : L"?");
            }
            funcs++;
            SysFreeString(na);
            SysFreeString(nb);
            ITypeInfo_ReleaseFuncDesc(ta, fa);
            ITypeInfo_ReleaseFuncDesc(tb, fb);
        }
        ITypeInfo_ReleaseTypeAttr(ta, aa);
        ITypeInfo_ReleaseTypeAttr(tb, ab);
        ITypeInfo_Release(ta);
        ITypeInfo_Release(tb);
    }
    CHECK(diffs == 0 && funcs > 0, "%ls describes the same %d members: %d differ", path, funcs, diffs);
    ITypeLib_Release(b);
}

int main(int argc, char **argv) {
    DWORD n = GetTempPathW(MAX_PATH - 40, ca);
    wcscpy(ca + n, L"mailwire-early-ca.pem");
    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED); /* VB6's apartment */
    test_objects();
    ITypeLib *tl = test_typelib();
    if (tl && argc > 1) {
        wchar_t path[MAX_PATH];
        MultiByteToWideChar(CP_ACP, 0, argv[1], -1, path, MAX_PATH);
        same_typelib(tl, path);
    }
    if (tl) ITypeLib_Release(tl);
    CoUninitialize();
    printf("early: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
