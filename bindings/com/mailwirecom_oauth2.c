/* mailwirecom_oauth2.c: Mailwire.OAuth2, the library's OAuth2 object for
 * scripts, and the OAuth2 property of Mailwire.Smtp, Mailwire.Pop3 and
 * Mailwire.Pool that hands it to them (see mailwirecom_objects.c for the
 * conventions).
 *
 *     Set oauth = CreateObject("Mailwire.OAuth2")
 *     oauth.Provider = "microsoft" : oauth.ClientId = "..." : oauth.Grant = "device_code"
 *     oauth.DeviceStart
 *     WScript.Echo oauth.Get("message")
 *     Set smtp.OAuth2 = oauth
 *     smtp.Username = "robot@contoso.com"
 *     smtp.Connect          ' waits for the sign-in, then AUTH XOAUTH2
 *
 * The class is shared, as the library's OAuth2 handle is: every member may
 * run on many threads at once (one object for a whole ASP application).
 * LastError is then the last call's of any thread; the codes the methods
 * return are each caller's own. */
#include <stdlib.h>
#include <string.h>
#include "mailwirecom.h"

#define TRY(expr) do { HRESULT hr_ = (expr); if (FAILED(hr_)) return hr_; } while (0)

/* put_option sets option name from a property put; secrets are wiped. */
static HRESULT put_option(struct call *c, const char *name) {
    char *v;
    TRY(mwcom_put_str(c, &v));
    int rc = mw.mw_oauth2_set(c->o->handle, name, v);
    SecureZeroMemory(v, strlen(v));
    free(v);
    return mwcom_done(c, rc);
}

/* get_field reads field name of mw_oauth2_get: "" when it has no value. */
static HRESULT get_field(struct call *c, const char *name) {
    return mwcom_text(c, mw.mw_oauth2_get(c->o->handle, name));
}

static HRESULT oa_set_option(struct call *c) { return mwcom_set_option(c, mw.mw_oauth2_set); }
static HRESULT oa_provider(struct call *c) { return put_option(c, "provider"); }
static HRESULT oa_tenant(struct call *c) { return put_option(c, "tenant"); }
static HRESULT oa_client_id(struct call *c) { return put_option(c, "client_id"); }
static HRESULT oa_client_secret(struct call *c) { return put_option(c, "client_secret"); }
static HRESULT oa_scope(struct call *c) { return put_option(c, "scope"); }

static HRESULT oa_grant(struct call *c) {
    return c->value ? put_option(c, "grant") : get_field(c, "grant");
}

static HRESULT oa_token_url(struct call *c) {
    return c->value ? put_option(c, "token_url") : get_field(c, "token_url");
}

static HRESULT oa_device_url(struct call *c) {
    return c->value ? put_option(c, "device_url") : get_field(c, "device_url");
}

/* RefreshToken: read it after a refresh and keep it (the server may
 * replace it each time); set the one kept at the next start. */
static HRESULT oa_refresh_token(struct call *c) {
    return c->value ? put_option(c, "refresh_token") : get_field(c, "refresh_token");
}

/* Token is a valid access token, requested now when needed (with grant
 * device_code after DeviceStart it waits for the sign-in); "" on failure,
 * with LastError and LastErrorText (the server's error and description). */
static HRESULT oa_token(struct call *c) { return mwcom_text(c, mw.mw_oauth2_token(c->o->handle)); }

/* Get(field) reads any field of mw_oauth2_get ("expires_at", "user_code",
 * "verification_uri", "message", "error", ...); "" when it has no value. */
static HRESULT oa_get(struct call *c) {
    char *f;
    TRY(mwcom_arg_str(c, 0, &f));
    HRESULT hr = get_field(c, f);
    free(f);
    return hr;
}

static HRESULT oa_user_code(struct call *c) { return get_field(c, "user_code"); }
static HRESULT oa_verification_uri(struct call *c) { return get_field(c, "verification_uri"); }
static HRESULT oa_message(struct call *c) { return get_field(c, "message"); }

/* DeviceStart starts the device authorization (RFC 8628): show the user
 * Message, or VerificationUri and UserCode. */
static HRESULT oa_device_start(struct call *c) { return mwcom_done(c, mw.mw_oauth2_device_start(c->o->handle)); }

/* DevicePoll waits for the polling interval and asks once: 0 when the user
 * has signed in, 1 while pending, a negative code when denied (-23) or on
 * another failure. */
static HRESULT oa_device_poll(struct call *c) { return mwcom_done(c, mw.mw_oauth2_device_poll(c->o->handle)); }

/* Cancel aborts the request or device polling in flight. */
static HRESULT oa_cancel(struct call *c) { return mwcom_done(c, mw.mw_cancel(c->o->handle)); }

static const struct member oauth2_members[] = {
    {L"SetOption", oa_set_option, M_METHOD, "long SetOption(BSTR name, BSTR value)"},
    {L"Provider", oa_provider, M_PUT, "BSTR Provider"},
    {L"Tenant", oa_tenant, M_PUT, "BSTR Tenant"},
    {L"ClientId", oa_client_id, M_PUT, "BSTR ClientId"},
    {L"ClientSecret", oa_client_secret, M_PUT, "BSTR ClientSecret"},
    {L"Scope", oa_scope, M_PUT, "BSTR Scope"},
    {L"Grant", oa_grant, M_GETPUT, "BSTR Grant"},
    {L"TokenUrl", oa_token_url, M_GETPUT, "BSTR TokenUrl"},
    {L"DeviceUrl", oa_device_url, M_GETPUT, "BSTR DeviceUrl"},
    {L"RefreshToken", oa_refresh_token, M_GETPUT, "BSTR RefreshToken"},
    {L"Token", oa_token, M_GET, "BSTR Token"},
    {L"Get", oa_get, M_METHOD, "BSTR Get(BSTR field)"},
    {L"DeviceStart", oa_device_start, M_METHOD, "long DeviceStart()"},
    {L"DevicePoll", oa_device_poll, M_METHOD, "long DevicePoll()"},
    {L"UserCode", oa_user_code, M_GET, "BSTR UserCode"},
    {L"VerificationUri", oa_verification_uri, M_GET, "BSTR VerificationUri"},
    {L"Message", oa_message, M_GET, "BSTR Message"},
    {L"Cancel", oa_cancel, M_METHOD, "long Cancel()"},
    COMMON_MEMBERS,
};

static int oauth2_create(void) { return mw.mw_oauth2_new(); }

const struct cls mwcom_oauth2 = {
    L"Mailwire.OAuth2", L"{14F3E0E5-4252-4794-8CBF-A03763349BB0}", L"Mailwire OAuth2 tokens",
    oauth2_create, oauth2_members, sizeof oauth2_members / sizeof oauth2_members[0], 1, NULL, &mwcom_dual_IMwOAuth2,
    NULL,
};

/* use_fn is the library's mw_*_use_oauth2 for a client object. */
static int (MW_CALL *use_fn(struct obj *o))(int, int) { return *o->cls->client->use_oauth2; }

/* mwcom_client_oauth2 is the OAuth2 property of Smtp, Pop3, Imap and Pool: Set
 * it to a Mailwire.OAuth2 object (Nothing: no more) and Connect (Send for
 * a pool) logs in as Username with its tokens.  The client keeps a
 * reference to the object; reading the property gives it back. */
HRESULT mwcom_client_oauth2(struct call *c) {
    struct obj *o = c->o, *oa;
    if (!c->value) {
        AcquireSRWLockShared(&o->lock);
        oa = o->oauth2;
        if (oa) IDispatch_AddRef(&oa->iface);
        ReleaseSRWLockShared(&o->lock);
        return mwcom_ret_obj(c, oa);
    }
    TRY(mwcom_put_obj(c, &mwcom_oauth2, &oa));
    int rc = use_fn(o)(o->handle, oa ? oa->handle : 0);
    if (rc == 0) {
        if (oa) IDispatch_AddRef(&oa->iface);
        AcquireSRWLockExclusive(&o->lock);
        struct obj *old = o->oauth2;
        o->oauth2 = oa;
        ReleaseSRWLockExclusive(&o->lock);
        if (old) IDispatch_Release(&old->iface);
    }
    return mwcom_done(c, rc);
}
