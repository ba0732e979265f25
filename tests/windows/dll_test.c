/* dll_test.c: mailwire.dll under Windows (Wine in CI), through the header
 * as a Windows program includes it: the version, a message rendered, and
 * the embedded server started with a message sent by submission (STARTTLS
 * + AUTH) and fetched back over POP3 (STLS).  Kept small: the Go runtime
 * is slow under Wine. */
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include "mailwire.h"
#include "check.h"

/* set_client points an SMTP or POP3 client at the server with TLS. */
static void set_client(int h, int (*set)(int, const char *, const char *), int port, const char *ca,
                       const char *user) {
    char p[16];
    snprintf(p, sizeof p, "%d", port);
    CHECK_RC(set(h, "host", "127.0.0.1"), 0);
    CHECK_RC(set(h, "port", p), 0);
    CHECK_RC(set(h, "security", "starttls"), 0);
    CHECK_RC(set(h, "ca_file", ca), 0);
    CHECK_RC(set(h, "username", user), 0);
    CHECK_RC(set(h, "password", "secret"), 0);
}

static void test_message(void) {
    int m = mw_message_new();
    CHECK(m > 0, "mw_message_new = %d", m);
    CHECK_RC(mw_message_set(m, "From", "Bob <bob@example.test>"), 0);
    CHECK_RC(mw_message_add_to(m, "alice@example.test"), 0);
    CHECK_RC(mw_message_set(m, "Subject", "Gr\xc3\xbc\xc3\x9f" "e"), 0);
    CHECK_RC(mw_message_set(m, "TextBody", "line one\nline two\n"), 0);
    CHECK_RC(mw_message_add_to(m, "bad <"), MW_E_ARG);
    char *out = NULL;
    size_t len = 0;
    CHECK_RC(mw_message_mime(m, &out, &len), 0);
    CHECK(out && strstr(out, "Subject: =?") != NULL, "rendered Subject is an encoded word");
    CHECK(out && strstr(out, "line one\r\nline two\r\n") != NULL, "rendered body has CRLF");
    CHECK(mw_message_size(m) == (long long)len, "size %lld, rendered %u", mw_message_size(m), (unsigned)len);
    mw_free(out);
    CHECK_RC(mw_close(m), 0);
    CHECK_RC(mw_close(m), MW_E_HANDLE);
}

static void send_one(int srv, const char *ca) {
    int m = mw_message_new(), s = mw_smtp_new();
    mw_message_set(m, "From", "bob@example.test");
    mw_message_add_to(m, "alice@example.test, reject-me@example.test");
    mw_message_set(m, "Subject", "From Windows");
    mw_message_set(m, "TextBody", "Sent from a Windows program.\n");
    CHECK_RC(mw_message_attach_data(m, "abc", 3, "a.txt", "text/plain"), 0);
    set_client(s, mw_smtp_set, mw_server_port(srv, "submission"), ca, "bob");
    CHECK_RC(mw_smtp_connect(s), 0);
    CHECK_RC(mw_smtp_send(s, m), MW_E_PARTIAL);
    CHECK_RC(mw_smtp_result_count(s), 2);
    CHECK_STR(mw_smtp_result(s, 1, "code"), "550");
    CHECK_RC(mw_smtp_disconnect(s), 0);
    mw_close(s);
    mw_close(m);
}

static void fetch_one(int srv, const char *ca) {
    int p = mw_pop3_new(), m = mw_message_new();
    set_client(p, mw_pop3_set, mw_server_port(srv, "pop3"), ca, "alice");
    CHECK_RC(mw_pop3_connect(p), 0);
    CHECK_RC(mw_pop3_count(p), 1);
    CHECK_RC(mw_pop3_retrieve(p, 1, m), 0);
    CHECK_STR(mw_message_get(m, "Subject"), "From Windows");
    CHECK_RC(mw_message_attachment_count(m), 1);
    CHECK_STR(mw_message_attachment(m, 0, "name"), "a.txt");
    CHECK_STR(mw_message_trace(m, 0, "with"), "ESMTPSA");
    CHECK_RC(mw_pop3_delete(p, 1), 0);
    CHECK_RC(mw_pop3_disconnect(p), 0);
    mw_close(m);
    mw_close(p);
}

static void test_server(void) {
    char dir[MAX_PATH], ca[MAX_PATH + 32];
    DWORD n = GetTempPathA(sizeof dir, dir);
    CHECK(n > 0 && n < sizeof dir, "GetTempPathA");
    snprintf(ca, sizeof ca, "%smailwire-wine-ca-%lu.pem", dir, (unsigned long)GetCurrentProcessId());
    int srv = mw_server_new();
    CHECK_RC(mw_server_set(srv, "users", "alice:secret,bob:secret"), 0);
    CHECK_RC(mw_server_set(srv, "ca_out", ca), 0);
    CHECK_RC(mw_server_start(srv), 0);
    if (mw_server_port(srv, "submission") <= 0) {
        fprintf(stderr, "server: %s\n", mw_errmsg(srv));
        return;
    }
    send_one(srv, ca);
    fetch_one(srv, ca);
    CHECK_RC(mw_server_message_count(srv, "alice"), 0);
    CHECK_RC(mw_server_stop(srv), 0);
    CHECK_RC(mw_close(srv), 0);
    DeleteFileA(ca);
}

int main(void) {
    CHECK_STR(mw_version(), MW_VERSION);
    CHECK_RC(mw_version_number(), MW_VERSION_NUMBER);
    CHECK_STR(mw_with_keyword("esmtp", MW_WITH_TLS | MW_WITH_AUTH), "ESMTPSA");
    test_message();
    test_server();
    CHECK_RC(mw_handle_count(), 0);
    return DONE("windows-dll");
}
