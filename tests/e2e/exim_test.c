/* exim_test.c: our SMTP client against Exim on loopback: STARTTLS + AUTH on
 * its SMTP port, implicit TLS on its SMTPS port, certificate verification,
 * AUTH PLAIN/LOGIN/auto, and relaying refused without AUTH. */
#include "e2e.h"

/* send_and_check connects with security and auth as given, sends a message
 * to rcpt and checks that it lands in Maildir md with an esmtpsa hop. */
static void send_and_check(const char *port_var, const char *security, const char *auth, const char *rcpt,
                           const char *md) {
    const char *subj = token(auth ? auth : "noauth");
    int s = mw_smtp_new();
    set_server(s, mw_smtp_set, "127.0.0.1", port_var, security);
    set_login(s, mw_smtp_set, "carol", auth);
    int rc = mw_smtp_connect(s);
    CHECK_RC(rc, 0);
    if (rc < 0) {
        fprintf(stderr, "  %s %s: %s\n", port_var, security, mw_errmsg(s));
        mw_close(s);
        return;
    }
    const char *caps = mw_smtp_capabilities(s);
    CHECK(caps && strstr(caps, "AUTH"), "capabilities after TLS offer AUTH: %s", caps ? caps : "(null)");
    int m = simple_message("carol@mta.test", rcpt, subj, "Exim end-to-end body.\n");
    CHECK_RC(mw_smtp_send(s, m), 0);
    CHECK_STR(result_for(s, rcpt), "250");
    CHECK_RC(mw_smtp_disconnect(s), 0);
    char path[2048];
    CHECK(maildir_wait(md, subj, path, sizeof path) == 1, "%s %s %s: one copy in %s", port_var, security,
          auth ? auth : "-", md);
    int got = load_file(path);
    CHECK_STR(mw_message_get(got, "Subject"), subj);
    /* The hop that Exim added: sink deliveries have it newest, local ones
     * have Dovecot's LMTP hop above it. */
    int n = mw_message_trace_count(got), found = 0;
    for (int i = 0; i < n; i++) {
        const char *w = mw_message_trace(got, i, "with");
        if (w && strcmp(w, "esmtpsa") == 0) {
            found = 1;
            CHECK_RC(mw_message_trace_flags(got, i), MW_WITH_TLS | MW_WITH_AUTH);
        }
    }
    CHECK(found, "an esmtpsa hop in %s", path);
    mw_close(got);
    mw_close(m);
    mw_close(s);
}

/* tls_failures checks that a CA that did not sign the peers' certificate,
 * and the system's CAs (tls_verify default), give MW_E_TLS, and that no
 * message goes out. */
static void tls_failures(const char *wrong_ca) {
    static const struct {
        const char *port_var, *security, *ca;
    } cases[] = {
        {"SMTP_PORT", "starttls", "wrong"},
        {"SMTPS_PORT", "tls", "wrong"},
        {"SMTP_PORT", "starttls", NULL},
        {"SMTPS_PORT", "tls", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int s = mw_smtp_new();
        CHECK_RC(mw_smtp_set(s, "host", "127.0.0.1"), 0);
        CHECK_RC(mw_smtp_set(s, "port", env(cases[i].port_var)), 0);
        CHECK_RC(mw_smtp_set(s, "security", cases[i].security), 0);
        if (cases[i].ca) CHECK_RC(mw_smtp_set(s, "ca_file", wrong_ca), 0);
        set_login(s, mw_smtp_set, "carol", NULL);
        int rc = mw_smtp_connect(s);
        CHECK(rc == MW_E_TLS, "case %zu (%s %s, ca %s): connect = %d (%s), want MW_E_TLS: %s", i,
              cases[i].port_var, cases[i].security, cases[i].ca ? "wrong" : "system", rc, mw_strerror(rc),
              mw_errmsg(s));
        int m = simple_message("carol@mta.test", "carol@mta.test", "never sent", "x\n");
        CHECK(mw_smtp_send(s, m) < 0, "send after a failed handshake must fail");
        mw_close(m);
        mw_close(s);
    }
}

/* tls_verify_off checks that tls_verify=0, said explicitly, connects
 * despite the unknown CA. */
static void tls_verify_off(void) {
    int s = mw_smtp_new();
    CHECK_RC(mw_smtp_set(s, "host", "127.0.0.1"), 0);
    CHECK_RC(mw_smtp_set(s, "port", env("SMTPS_PORT")), 0);
    CHECK_RC(mw_smtp_set(s, "security", "tls"), 0);
    CHECK_RC(mw_smtp_set(s, "tls_verify", "0"), 0);
    CHECK_RC(mw_smtp_connect(s), 0);
    CHECK_RC(mw_smtp_disconnect(s), 0);
    mw_close(s);
}

/* relay_refused checks that Exim refuses a remote recipient to a client
 * that did not authenticate: MW_E_REFUSED with a 550 result. */
static void relay_refused(void) {
    int s = mw_smtp_new();
    set_server(s, mw_smtp_set, "127.0.0.1", "SMTP_PORT", "starttls");
    CHECK_RC(mw_smtp_connect(s), 0);
    int m = simple_message("carol@mta.test", "someone@remote.example", token("relay"), "no relay\n");
    int rc = mw_smtp_send(s, m);
    CHECK(rc == MW_E_REFUSED, "relay without AUTH = %d (%s), want MW_E_REFUSED: %s", rc, mw_strerror(rc),
          mw_errmsg(s));
    CHECK_RC(mw_smtp_result_count(s), 1);
    CHECK_STR(result_code(s, 0), "550");
    CHECK_STR(result_code(m, 0), "550");
    /* The connection lives: a local recipient still goes through. */
    int m2 = simple_message("carol@mta.test", "bob@mta.test", token("after-refusal"), "local\n");
    CHECK_RC(mw_smtp_send(s, m2), 0);
    CHECK_RC(mw_smtp_disconnect(s), 0);
    mw_close(m);
    mw_close(m2);
    mw_close(s);
}

/* url_send checks mw_send with an smtps:// URL and percent-decoded
 * credentials. */
static void url_send(void) {
    const char *subj = token("url");
    char url[1024];
    snprintf(url, sizeof url, "smtps://carol:%s@127.0.0.1:%s?security=tls&auth=login&ca_file=%s",
             env("PEERS_PASSWORD"), env("SMTPS_PORT"), env("PEERS_CA"));
    int m = simple_message("carol@mta.test", "carol@localhost", subj, "by URL\n");
    int rc = mw_send(url, m);
    CHECK(rc == 0, "mw_send = %d (%s): %s", rc, mw_strerror(rc), mw_errmsg(m));
    CHECK_STR(result_code(m, 0), "250");
    CHECK(maildir_wait(env("PEERS_MAILDIR_CAROL"), subj, NULL, 0) == 1, "URL send lands once");
    mw_close(m);
}

int main(void) {
    const char *sink = env("PEERS_SINK_MAILDIR");
    const char *alice = env("PEERS_MAILDIR_ALICE");
    send_and_check("SMTP_PORT", "starttls", "plain", "alice@mta.test", alice);
    send_and_check("SMTP_PORT", "starttls", "login", "someone@remote.example", sink);
    send_and_check("SMTP_PORT", "starttls", "auto", "alice@localhost", alice);
    send_and_check("SMTPS_PORT", "tls", "plain", "someone@remote.example", sink);
    send_and_check("SMTPS_PORT", "tls", "login", "alice@mta.test", alice);
    send_and_check("SMTPS_PORT", "tls", NULL, "someone@remote.example", sink);

    char wrong[] = "/tmp/mw-e2e-ca-XXXXXX";
    int fd = mkstemp(wrong);
    CHECK(fd >= 0, "mkstemp");
    close(fd);
    CHECK_RC(other_ca(wrong), 0);
    tls_failures(wrong);
    unlink(wrong);
    tls_verify_off();
    relay_refused();
    url_send();
    CHECK_RC(mw_handle_count(), 0);
    return DONE("exim");
}
