/* dovecot_test.c: our SMTP client against Dovecot: submission with STARTTLS
 * + AUTH (relayed through Exim into the Maildir), the password kept back
 * where Dovecot wants TLS first, LMTP with per-recipient results, and a
 * rich message read back from the Maildir file on disk. */
#include "e2e.h"

/* submission checks submission → Exim → LMTP into alice's Maildir, and the
 * three hops of its Received trace, newest first. */
static void submission(void) {
    const char *subj = token("submission");
    int s = mw_smtp_new();
    set_server(s, mw_smtp_set, "127.0.0.2", "SUBMISSION_PORT", "starttls");
    set_login(s, mw_smtp_set, "bob", NULL);
    int rc = mw_smtp_connect(s);
    CHECK(rc == 0, "submission connect = %d (%s): %s", rc, mw_strerror(rc), mw_errmsg(s));
    int m = simple_message("bob@dovecot.test", "alice@dovecot.test", subj, "Through submission.\n");
    CHECK_RC(mw_smtp_send(s, m), 0);
    CHECK_STR(result_for(s, "alice@dovecot.test"), "250");
    CHECK_RC(mw_smtp_disconnect(s), 0);
    char path[2048];
    CHECK(maildir_wait(env("PEERS_MAILDIR_ALICE"), subj, path, sizeof path) == 1, "one copy for alice");
    int got = load_file(path);
    CHECK_STR(mw_message_get(got, "Subject"), subj);
    CHECK(mw_message_trace_count(got) >= 3, "three hops, got %d", mw_message_trace_count(got));
    static const char *with[] = {"LMTP", "esmtpsa", "ESMTPSA"};
    static const int flags[] = {0, 3, 3};
    for (int i = 0; i < 3; i++) {
        CHECK_STR(mw_message_trace(got, i, "with"), with[i]);
        CHECK_RC(mw_message_trace_flags(got, i), flags[i]);
    }
    mw_close(got);
    mw_close(m);
    mw_close(s);
}

/* no_password_in_clear checks that on 127.0.0.2, where Dovecot refuses a
 * plaintext login before TLS, security=none gives MW_E_SECURITY and no AUTH
 * command (let alone the password) is written. */
static void no_password_in_clear(const char *auth) {
    char log[] = "/tmp/mw-e2e-log-XXXXXX";
    int fd = mkstemp(log);
    close(fd);
    int s = mw_smtp_new();
    set_server(s, mw_smtp_set, "127.0.0.2", "SUBMISSION_PORT", "none");
    set_login(s, mw_smtp_set, "bob", auth);
    CHECK_RC(mw_smtp_set(s, "log_file", log), 0);
    int rc = mw_smtp_connect(s);
    if (auth) {
        CHECK(rc == MW_E_SECURITY, "auth %s without TLS = %d (%s), want MW_E_SECURITY: %s", auth, rc,
              mw_strerror(rc), mw_errmsg(s));
        CHECK(!file_contains(log, "C: AUTH"), "no AUTH command in the log %s", log);
    } else {
        /* auto may pick a challenge-response mechanism, which sends no
         * password; never PLAIN or LOGIN. */
        CHECK(rc == MW_E_SECURITY || rc == 0, "auth auto without TLS = %d (%s): %s", rc, mw_strerror(rc),
              mw_errmsg(s));
        CHECK(!file_contains(log, "C: AUTH PLAIN") && !file_contains(log, "C: AUTH LOGIN"),
              "no AUTH PLAIN or LOGIN in the log %s", log);
    }
    mw_close(s);
    CHECK(file_contains(log, "C: EHLO"), "the log shows the session (%s)", log);
    /* "secret" in base64 (LOGIN) and "\0bob\0secret" (PLAIN). */
    CHECK(!file_contains(log, "c2VjcmV0") && !file_contains(log, "AGJvYgBzZWNyZXQ"), "no password in the log %s",
          log);
    if (check_failed == 0) unlink(log);
}

/* lmtp_partial checks LMTP with two known recipients and an unknown one:
 * MW_E_PARTIAL, 250/250/550, and one copy in each known Maildir. */
static void lmtp_partial(void) {
    const char *subj = token("lmtp");
    int s = mw_smtp_new();
    set_server(s, mw_smtp_set, "127.0.0.1", "LMTP_PORT", "starttls");
    CHECK_RC(mw_smtp_set(s, "protocol", "lmtp"), 0);
    CHECK_RC(mw_smtp_connect(s), 0);
    int m = simple_message("sender@example.test", "bob@dovecot.test, nosuchuser@dovecot.test", subj,
                           "One reply per recipient.\n");
    CHECK_RC(mw_message_add_cc(m, "carol@dovecot.test"), 0);
    int rc = mw_smtp_send(s, m);
    CHECK(rc == MW_E_PARTIAL, "LMTP send = %d (%s), want MW_E_PARTIAL: %s", rc, mw_strerror(rc), mw_errmsg(s));
    CHECK_RC(mw_smtp_result_count(s), 3);
    CHECK_RC(mw_smtp_result_count(m), 3);
    CHECK_STR(result_for(s, "bob@dovecot.test"), "250");
    CHECK_STR(result_for(s, "carol@dovecot.test"), "250");
    CHECK_STR(result_for(s, "nosuchuser@dovecot.test"), "550");
    CHECK_STR(result_for(m, "nosuchuser@dovecot.test"), "550");
    for (int i = 0; i < mw_smtp_result_count(s); i++) {
        const char *e = mw_smtp_result(s, i, "enhanced");
        CHECK(e && (e[0] == '2' || e[0] == '5') && e[1] == '.', "enhanced code of result %d: %s", i, e ? e : "");
    }
    CHECK_RC(mw_smtp_disconnect(s), 0);
    CHECK(maildir_wait(env("PEERS_MAILDIR_BOB"), subj, NULL, 0) == 1, "one copy for bob");
    CHECK(maildir_wait(env("PEERS_MAILDIR_CAROL"), subj, NULL, 0) == 1, "one copy for carol");
    mw_close(m);
    mw_close(s);
}

/* write_file writes len bytes to path. */
static void write_file(const char *path, const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL, "open %s", path);
    if (!f) return;
    CHECK(fwrite(data, 1, len, f) == len, "write %s", path);
    fclose(f);
}

/* check_part checks attachment i of m: name, type, disposition and bytes. */
static void check_part(int m, int i, const char *name, const char *type, const char *disp, const void *data,
                       size_t len) {
    CHECK_STR(mw_message_attachment(m, i, "name"), name);
    const char *ct = mw_message_attachment(m, i, "content_type");
    CHECK(ct && strncmp(ct, type, strlen(type)) == 0, "part %d type %s, want %s", i, ct ? ct : "(null)", type);
    CHECK_STR(mw_message_attachment(m, i, "disposition"), disp);
    char *out = NULL;
    size_t n = 0;
    CHECK_RC(mw_message_attachment_data(m, i, &out, &n), 0);
    CHECK(out && n == len && memcmp(out, data, len) == 0, "part %d: %zu bytes back, want %zu, same bytes", i, n,
          len);
    mw_free(out);
}

/* find_part returns the index of the attachment named name, or -1. */
static int find_part(int m, const char *name, const char *field) {
    for (int i = 0; i < mw_message_attachment_count(m); i++) {
        const char *v = mw_message_attachment(m, i, field);
        if (v && strcmp(v, name) == 0) return i;
    }
    return -1;
}

/* rich_message sends a message with a file, data, an inline image, UTF-8
 * subject and names to Dovecot by submission and reads the Maildir file
 * back with mw_message_load. */
static void rich_message(const char *dir) {
    char subj[256], pdf[1024], png[1024];
    const char *tok = token("rich");
    snprintf(subj, sizeof subj, "Rapport f\xc3\xa9vrier \xe2\x80\x94 \xe6\x97\xa5\xe6\x9c\xac %s", tok);
    snprintf(pdf, sizeof pdf, "%s/report.pdf", dir);
    snprintf(png, sizeof png, "%s/logo.png", dir);
    unsigned char bin[3000];
    for (size_t i = 0; i < sizeof bin; i++) bin[i] = (unsigned char)(i * 7 + (i >> 8));
    static const unsigned char pngdata[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    write_file(pdf, bin, sizeof bin);
    write_file(png, pngdata, sizeof pngdata);
    const char *text = "Bonjour,\n\nle rapport est joint. \xc3\x87" "a marche \xe2\x9c\x93\n";
    const char *html = "<p>Bonjour, <b>\xc3\xa7" "a</b> marche.</p><img src=\"cid:logo@mailwire.test\">";
    static const char csv[] = "a;b\n1;\xc3\xa9\n";
    const char *csvname = "donn\xc3\xa9" "es \xe6\x97\xa5\xe6\x9c\xac.csv";
    const char *pdfname = "Rapport f\xc3\xa9vrier.pdf";

    int m = mw_message_new();
    CHECK_RC(mw_message_set(m, "From", "Bob B\xc3\xa9zier <bob@dovecot.test>"), 0);
    CHECK_RC(mw_message_add_to(m, "Alice \xc3\x85str\xc3\xb6m <alice@dovecot.test>"), 0);
    CHECK_RC(mw_message_set(m, "Subject", subj), 0);
    CHECK_RC(mw_message_set(m, "X-Test-Token", tok), 0);
    CHECK_RC(mw_message_set(m, "TextBody", text), 0);
    CHECK_RC(mw_message_set(m, "HtmlBody", html), 0);
    CHECK_RC(mw_message_attach_file(m, pdf, pdfname, "application/pdf"), 0);
    CHECK_RC(mw_message_attach_data(m, csv, sizeof csv - 1, csvname, "text/csv"), 0);
    CHECK_RC(mw_message_embed_file(m, png, "logo@mailwire.test"), 0);

    int s = mw_smtp_new();
    set_server(s, mw_smtp_set, "127.0.0.1", "SUBMISSION_PORT", "starttls");
    set_login(s, mw_smtp_set, "bob", "plain");
    CHECK_RC(mw_smtp_connect(s), 0);
    int rc = mw_smtp_send(s, m);
    CHECK(rc == 0, "rich send = %d (%s): %s", rc, mw_strerror(rc), mw_errmsg(s));
    mw_smtp_disconnect(s);
    mw_close(s);

    char path[2048];
    CHECK(maildir_wait(env("PEERS_MAILDIR_ALICE"), tok, path, sizeof path) == 1, "the rich message lands once");
    int got = load_file(path);
    CHECK_STR(mw_message_get(got, "Subject"), subj);
    CHECK(same_text(mw_message_get(got, "TextBody"), text), "TextBody back: %s", mw_message_get(got, "TextBody"));
    CHECK(same_text(mw_message_get(got, "HtmlBody"), html), "HtmlBody back: %s", mw_message_get(got, "HtmlBody"));
    const char *from = mw_message_get(got, "From");
    CHECK(from && strstr(from, "Bob B\xc3\xa9zier") && strstr(from, "bob@dovecot.test"), "From: %s",
          from ? from : "(null)");
    CHECK_RC(mw_message_attachment_count(got), 3);
    int i = find_part(got, pdfname, "name");
    CHECK(i >= 0, "attachment %s found", pdfname);
    if (i >= 0) check_part(got, i, pdfname, "application/pdf", "attachment", bin, sizeof bin);
    i = find_part(got, csvname, "name");
    CHECK(i >= 0, "attachment %s found", csvname);
    if (i >= 0) check_part(got, i, csvname, "text/csv", "attachment", csv, sizeof csv - 1);
    i = find_part(got, "logo@mailwire.test", "content_id");
    CHECK(i >= 0, "inline part with content id found");
    if (i >= 0) {
        CHECK_STR(mw_message_attachment(got, i, "disposition"), "inline");
        const char *ct = mw_message_attachment(got, i, "content_type");
        CHECK(ct && strncmp(ct, "image/png", 9) == 0, "inline type %s", ct ? ct : "(null)");
        char *out = NULL;
        size_t n = 0;
        CHECK_RC(mw_message_attachment_data(got, i, &out, &n), 0);
        CHECK(out && n == sizeof pngdata && memcmp(out, pngdata, n) == 0, "inline bytes");
        mw_free(out);
    }
    mw_close(got);
    mw_close(m);
    unlink(pdf);
    unlink(png);
}

int main(void) {
    char dir[] = "/tmp/mw-e2e-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    submission();
    no_password_in_clear(NULL);
    no_password_in_clear("plain");
    no_password_in_clear("login");
    lmtp_partial();
    rich_message(dir);
    rmdir(dir);
    CHECK_RC(mw_handle_count(), 0);
    return DONE("dovecot");
}
