/* The OAuth2 object from C, against the test authorization server
 * (tests/oauth/tokenserver, started by the suite, which exports
 * MW_TOKEN_URL and MW_TOKEN_CA) and the embedded mail server told which
 * tokens are valid: garbage handles and arguments, the grants, the errors,
 * SMTP and POP3 with a refused first token (refresh and retry), and a pool
 * of eight threads sharing one object and one refresh. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "mailwire.h"
#include "check.h"

static const char *token_url_base, *token_ca;
static char dir[64], mail_ca[128];
static int srv;
static long run; /* makes this run's token families unique on a shared token server */

/* oauth returns a new object for the token server's path (e.g. "/token"). */
static int oauth(const char *path) {
    char url[256];
    int o = mw_oauth2_new();
    CHECK(o > 0, "mw_oauth2_new = %d", o);
    snprintf(url, sizeof url, "%s%s", token_url_base, path);
    CHECK_RC(mw_oauth2_set(o, "token_url", url), 0);
    snprintf(url, sizeof url, "%s/device", token_url_base);
    CHECK_RC(mw_oauth2_set(o, "device_url", url), 0);
    CHECK_RC(mw_oauth2_set(o, "ca_file", token_ca), 0);
    return o;
}

static void family(char *out, size_t n, const char *prefix, const char *name) {
    snprintf(out, n, "%s%s%ld", prefix, name, run);
}

static void test_garbage(void) {
    int m = mw_message_new();
    const int bad[] = {0, -1, m, 987654321};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int h = bad[i];
        CHECK_RC(mw_oauth2_set(h, "client_id", "x"), MW_E_HANDLE);
        CHECK_STR(mw_oauth2_token(h), NULL);
        CHECK_STR(mw_oauth2_get(h, "access_token"), NULL);
        CHECK_RC(mw_oauth2_device_start(h), MW_E_HANDLE);
        CHECK_RC(mw_oauth2_device_poll(h), MW_E_HANDLE);
        CHECK_RC(mw_smtp_use_oauth2(h, 0), MW_E_HANDLE);
        CHECK_RC(mw_pop3_use_oauth2(h, 0), MW_E_HANDLE);
        CHECK_RC(mw_imap_use_oauth2(h, 0), MW_E_HANDLE);
        CHECK_RC(mw_pool_use_oauth2(h, 0), MW_E_HANDLE);
    }
    int o = mw_oauth2_new(), s = mw_smtp_new();
    CHECK_RC(mw_oauth2_set(o, NULL, "x"), MW_E_ARG);
    CHECK_RC(mw_oauth2_set(o, "client_id", NULL), MW_E_ARG);
    CHECK_RC(mw_oauth2_set(o, "client_secret", "a\r\nb"), MW_E_ARG);
    CHECK_RC(mw_oauth2_set(o, "flavour", "x"), MW_E_OPTION);
    CHECK_STR(mw_oauth2_get(o, NULL), NULL);
    CHECK_RC(mw_errcode(o), MW_E_ARG);
    CHECK_STR(mw_oauth2_get(o, "user_code"), NULL);
    CHECK_RC(mw_errcode(o), 0);
    CHECK_STR(mw_oauth2_token(o), NULL);
    CHECK_RC(mw_errcode(o), MW_E_STATE);
    CHECK_RC(mw_oauth2_device_poll(o), MW_E_STATE);
    CHECK_RC(mw_smtp_use_oauth2(s, m), MW_E_HANDLE);
    CHECK_RC(mw_smtp_use_oauth2(s, o), 0);
    CHECK_RC(mw_smtp_use_oauth2(s, 0), 0);
    CHECK_RC(mw_cancel(o), 0);
    CHECK_RC(mw_close(o), 0);
    CHECK_RC(mw_close(o), MW_E_HANDLE);
    mw_close(s);
    mw_close(m);
}

/* The refresh grant with a rotating refresh token, client credentials,
 * and the errors. */
static void test_grants(void) {
    char rt[64], want[64];
    int o = oauth("/token");
    family(rt, sizeof rt, "rt-", "rotc");
    CHECK_RC(mw_oauth2_set(o, "client_id", "app"), 0);
    CHECK_RC(mw_oauth2_set(o, "client_secret", "app-secret"), 0);
    CHECK_RC(mw_oauth2_set(o, "refresh_token", rt), 0);
    family(want, sizeof want, "at-", "rotc");
    strcat(want, "-1");
    CHECK_STR(mw_oauth2_token(o), want);
    CHECK_STR(mw_oauth2_token(o), want); /* still valid: no new request */
    strcat(rt, "~1");
    CHECK_STR(mw_oauth2_get(o, "refresh_token"), rt);
    const char *exp = mw_oauth2_get(o, "expires_at");
    CHECK(exp && atoll(exp) > 1700000000, "expires_at %s", exp ? exp : "(null)");
    CHECK_STR(mw_oauth2_get(o, "token_type"), "Bearer");
    mw_close(o);

    o = oauth("/token");
    mw_oauth2_set(o, "grant", "client_credentials");
    mw_oauth2_set(o, "client_id", "svc");
    mw_oauth2_set(o, "client_secret", "s3cret +/=&%");
    const char *t = mw_oauth2_token(o);
    CHECK(t && strncmp(t, "at-svc-", 7) == 0, "client credentials token %s: %s", t ? t : "(null)", mw_errmsg(o));
    mw_close(o);

    struct { const char *path, *refresh; int code; const char *says; } cases[] = {
        {"/token", "rt-bad-c", MW_E_AUTH, "invalid_grant"},
        {"/html/token", "rt-c", MW_E_PROTOCOL, "HTML page"},
        {"/503/token", "rt-c", MW_E_TEMPORARY, "temporarily_unavailable"},
        {"/huge/token", "rt-c", MW_E_PROTOCOL, "larger than"},
        {"/badjson/token", "rt-c", MW_E_PROTOCOL, "invalid JSON"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        o = oauth(cases[i].path);
        mw_oauth2_set(o, "client_id", "app");
        mw_oauth2_set(o, "client_secret", "app-secret");
        mw_oauth2_set(o, "refresh_token", cases[i].refresh);
        CHECK_STR(mw_oauth2_token(o), NULL);
        CHECK_RC(mw_errcode(o), cases[i].code);
        const char *msg = mw_errmsg(o);
        CHECK(strstr(msg, cases[i].says) != NULL, "%s: message %s", cases[i].path, msg);
        CHECK(strstr(msg, "app-secret") == NULL && strstr(msg, cases[i].refresh) == NULL, "a secret in %s", msg);
        mw_close(o);
    }
    o = mw_oauth2_new();
    mw_oauth2_set(o, "token_url", "http://127.0.0.1:9/token");
    mw_oauth2_set(o, "refresh_token", "rt-c");
    CHECK_STR(mw_oauth2_token(o), NULL);
    CHECK_RC(mw_errcode(o), MW_E_SECURITY);
    mw_close(o);
}

/* The device flow, stepped by mw_oauth2_device_poll (interval 1 s). */
static void test_device(void) {
    int o = oauth("/token");
    mw_oauth2_set(o, "grant", "device_code");
    mw_oauth2_set(o, "client_id", "dev");
    CHECK_RC(mw_oauth2_device_start(o), 0);
    const char *uc = mw_oauth2_get(o, "user_code"), *uri = mw_oauth2_get(o, "verification_uri");
    CHECK(uc && strncmp(uc, "WDJB-", 5) == 0, "user_code %s", uc ? uc : "(null)");
    CHECK(uri && strstr(uri, "/device-login") != NULL, "verification_uri %s", uri ? uri : "(null)");
    CHECK_RC(mw_oauth2_device_poll(o), 1);
    CHECK_STR(mw_oauth2_get(o, "error"), "authorization_pending");
    CHECK_RC(mw_oauth2_device_poll(o), 1);
    CHECK_RC(mw_oauth2_device_poll(o), 0);
    const char *t = mw_oauth2_token(o);
    CHECK(t && strncmp(t, "at-dev-", 7) == 0, "device token %s", t ? t : "(null)");
    CHECK_STR(mw_oauth2_get(o, "refresh_token"), "rt-dev");
    CHECK_RC(mw_oauth2_device_poll(o), MW_E_STATE);
    mw_close(o);

    o = oauth("/token");
    mw_oauth2_set(o, "grant", "device_code");
    mw_oauth2_set(o, "client_id", "dev-deny");
    CHECK_RC(mw_oauth2_device_start(o), 0);
    CHECK_STR(mw_oauth2_token(o), NULL);
    CHECK_RC(mw_errcode(o), MW_E_AUTH);
    CHECK_STR(mw_oauth2_get(o, "error"), "access_denied");
    mw_close(o);
}

static int new_message(void) {
    int m = mw_message_new();
    mw_message_set(m, "From", "alice@mx.test");
    mw_message_add_to(m, "bob@mx.test");
    mw_message_set(m, "Subject", "sent with an OAuth2 token");
    mw_message_set(m, "TextBody", "hello");
    return m;
}

/* SMTP and POP3: the mail server accepts only the second token of the
 * family, so the first is refused and the client refreshes and retries. */
static void test_clients(void) {
    char rt[64], port[16];
    int o = oauth("/token");
    family(rt, sizeof rt, "rt-", "cli");
    mw_oauth2_set(o, "client_id", "pub");
    mw_oauth2_set(o, "refresh_token", rt);
    int s = mw_smtp_new();
    snprintf(port, sizeof port, "%d", mw_server_port(srv, "smtps"));
    mw_smtp_set(s, "host", "localhost");
    mw_smtp_set(s, "port", port);
    mw_smtp_set(s, "security", "tls");
    mw_smtp_set(s, "timeout", "20");
    mw_smtp_set(s, "ca_file", mail_ca);
    mw_smtp_set(s, "username", "alice@mx.test");
    CHECK_RC(mw_smtp_use_oauth2(s, o), 0);
    CHECK_RC(mw_smtp_connect(s), 0);
    CHECK_RC(mw_smtp_use_oauth2(s, 0), MW_E_STATE);
    int m = new_message();
    CHECK_RC(mw_smtp_send(s, m), 0);
    CHECK_RC(mw_smtp_disconnect(s), 0);
    CHECK_RC(mw_server_message_count(srv, "bob"), 1);
    char want[64];
    family(want, sizeof want, "at-", "cli");
    strcat(want, "-2");
    CHECK_STR(mw_oauth2_get(o, "access_token"), want);

    int p = mw_pop3_new();
    snprintf(port, sizeof port, "%d", mw_server_port(srv, "pop3s"));
    mw_pop3_set(p, "host", "localhost");
    mw_pop3_set(p, "port", port);
    mw_pop3_set(p, "security", "tls");
    mw_pop3_set(p, "timeout", "20");
    mw_pop3_set(p, "ca_file", mail_ca);
    mw_pop3_set(p, "username", "alice@mx.test");
    CHECK_RC(mw_pop3_use_oauth2(p, o), 0);
    CHECK_RC(mw_pop3_connect(p), 0);
    CHECK_RC(mw_pop3_count(p), 0);
    mw_pop3_disconnect(p);

    int im = mw_imap_new();
    snprintf(port, sizeof port, "%d", mw_server_port(srv, "imaps"));
    mw_imap_set(im, "host", "localhost");
    mw_imap_set(im, "port", port);
    mw_imap_set(im, "security", "tls");
    mw_imap_set(im, "timeout", "20");
    mw_imap_set(im, "ca_file", mail_ca);
    mw_imap_set(im, "username", "alice@mx.test");
    CHECK_RC(mw_imap_use_oauth2(im, o), 0);
    CHECK_RC(mw_imap_connect(im), 0);
    CHECK_RC(mw_imap_use_oauth2(im, 0), MW_E_STATE);
    CHECK_RC(mw_imap_select(im, "INBOX", 1), 0);
    mw_imap_disconnect(im);

    /* Closing the object leaves it to the handles that took it. */
    CHECK_RC(mw_close(o), 0);
    CHECK_RC(mw_smtp_connect(s), 0);
    mw_smtp_disconnect(s);
    /* The token is alice's, not bob's: refused, refreshed once, refused. */
    mw_pop3_set(p, "username", "bob@mx.test");
    CHECK_RC(mw_pop3_connect(p), MW_E_AUTH);
    CHECK(strstr(mw_errmsg(p), "[AUTH]") != NULL, "message %s", mw_errmsg(p));
    mw_imap_set(im, "username", "bob@mx.test");
    CHECK_RC(mw_imap_connect(im), MW_E_AUTH);
    CHECK(strstr(mw_errmsg(im), "AUTHENTICATIONFAILED") != NULL, "message %s", mw_errmsg(im));
    mw_close(im);
    mw_close(s);
    mw_close(p);
    mw_close(m);
}

static int pool;
static int pool_failed;

static void *pool_worker(void *arg) {
    (void)arg;
    int m = new_message();
    if (mw_pool_send(pool, m) != 0) {
        fprintf(stderr, "pool send: %s\n", mw_errmsg(m));
        __sync_fetch_and_add(&pool_failed, 1);
    }
    mw_close(m);
    return NULL;
}

/* Eight threads send through one pool sharing one object: the first
 * token of the family is the one the server accepts, so a second refresh
 * would leave the threads with a refused token.  With a stale token kept
 * from an earlier run, every connection is refused once and one refresh
 * serves them all. */
static void test_pool(int stale) {
    char rt[64], port[16], want[64];
    const char *name = stale ? "stale" : "pool";
    family(rt, sizeof rt, "rt-", name);
    family(want, sizeof want, "at-", name);
    strcat(want, "-1");
    int before = mw_server_message_count(srv, "bob");
    int o = oauth("/token");
    mw_oauth2_set(o, "client_id", "pub");
    mw_oauth2_set(o, "refresh_token", rt);
    if (stale) mw_oauth2_set(o, "access_token", "at-kept-from-before");
    pool = mw_pool_new();
    snprintf(port, sizeof port, "%d", mw_server_port(srv, "smtps"));
    mw_pool_set(pool, "host", "localhost");
    mw_pool_set(pool, "port", port);
    mw_pool_set(pool, "security", "tls");
    mw_pool_set(pool, "timeout", "20");
    mw_pool_set(pool, "ca_file", mail_ca);
    mw_pool_set(pool, "username", "alice@mx.test");
    mw_pool_set(pool, "max_connections", "4");
    CHECK_RC(mw_pool_use_oauth2(pool, o), 0);
    pool_failed = 0;
    pthread_t t[8];
    for (long i = 0; i < 8; i++) pthread_create(&t[i], NULL, pool_worker, (void *)i);
    for (int i = 0; i < 8; i++) pthread_join(t[i], NULL);
    CHECK(pool_failed == 0, "%d pool sends failed", pool_failed);
    CHECK_RC(mw_server_message_count(srv, "bob"), before + 8);
    CHECK_STR(mw_oauth2_get(o, "access_token"), want);
    CHECK_RC(mw_pool_use_oauth2(pool, 0), MW_E_STATE);
    mw_close(pool);
    mw_close(o);
}

int main(void) {
    token_url_base = getenv("MW_TOKEN_URL");
    token_ca = getenv("MW_TOKEN_CA");
    if (!token_url_base || !token_ca) {
        fprintf(stderr, "FAIL: MW_TOKEN_URL and MW_TOKEN_CA are not set (tests/oauth/tokenserver.sh starts the server)\n");
        printf("oauth2: 0 passed, 1 failed\n");
        return 1;
    }
    run = (long)getpid();
    strcpy(dir, "/tmp/mw-oauth2-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    snprintf(mail_ca, sizeof mail_ca, "%s/mail-ca.pem", dir);
    char tokens[512];
    snprintf(tokens, sizeof tokens, "alice@mx.test:at-cli%ld-2,alice@mx.test:at-pool%ld-1,alice@mx.test:at-stale%ld-1",
             run, run, run);
    srv = mw_server_new();
    mw_server_set(srv, "ca_out", mail_ca);
    CHECK_RC(mw_server_set(srv, "oauth_tokens", tokens), 0);
    CHECK_RC(mw_server_start(srv), 0);
    test_garbage();
    test_grants();
    test_device();
    test_clients();
    test_pool(0);
    test_pool(1);
    mw_close(srv);
    CHECK_RC(mw_handle_count(), 0);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dir);
    return DONE("oauth2");
}
