/* mw_smtp_send_many against the embedded server, with CHUNKING and with
 * DATA: a batch with a refused recipient, a deferred message and a
 * repeated handle; each message handle carries its own results. */
#include <stdlib.h>
#include "mailwire.h"
#include "check.h"

static int msg(const char *to, const char *subj) {
    int m = mw_message_new();
    mw_message_set(m, "From", "bob@example.test");
    mw_message_add_to(m, to);
    mw_message_set(m, "Subject", subj);
    mw_message_set(m, "TextBody", ".dot\nbody\n");
    return m;
}

static void run(int srv, const char *chunking, int base, int dbase) {
    char port[16];
    int s = mw_smtp_new();
    snprintf(port, sizeof port, "%d", mw_server_port(srv, "smtp"));
    mw_smtp_set(s, "host", "127.0.0.1");
    mw_smtp_set(s, "port", port);
    mw_smtp_set(s, "security", "none");
    mw_smtp_set(s, "chunking", chunking);
    CHECK_RC(mw_smtp_connect(s), 0);
    int m[4] = {msg("dave@example.test", "one"), msg("reject1@example.test", "two"),
                msg("tempfail@example.test", "three"), msg("erin@example.test", "four")};
    int list[5] = {m[0], m[1], m[2], m[3], m[0]};
    CHECK_RC(mw_smtp_send_many(s, list, 5), MW_E_PARTIAL);
    CHECK_RC(mw_errcode(m[0]), 0);
    CHECK_RC(mw_errcode(m[1]), MW_E_REFUSED);
    CHECK_RC(mw_errcode(m[2]), MW_E_TEMPORARY);
    CHECK_RC(mw_errcode(m[3]), 0);
    CHECK_STR(mw_smtp_result(m[1], 0, "code"), "550");
    CHECK_STR(mw_smtp_result(m[3], 0, "code"), "250");
    CHECK_RC(mw_smtp_result_count(m[3]), 1);
    CHECK_RC(mw_server_message_count(srv, "dave"), dbase + 2);
    char *raw = NULL;
    size_t len = 0;
    CHECK_RC(mw_server_message(srv, "erin", base, &raw, &len), 0);
    CHECK(raw && strstr(raw, "\r\n.dot\r\nbody\r\n") != NULL, "message body as sent");
    mw_free(raw);
    CHECK_RC(mw_server_message_count(srv, "erin"), base + 1);
    int ok[2] = {m[3], m[0]};
    CHECK_RC(mw_smtp_send_many(s, ok, 2), 0);
    CHECK_RC(mw_server_message_count(srv, "erin"), base + 2);
    CHECK_RC(mw_smtp_send_many(s, NULL, 1), MW_E_ARG);
    CHECK_RC(mw_smtp_send_many(s, ok, -1), MW_E_ARG);
    CHECK_RC(mw_smtp_send_many(s, ok, 0), 0);
    int bad[2] = {m[3], 99999};
    CHECK_RC(mw_smtp_send_many(s, bad, 2), MW_E_HANDLE);
    CHECK_RC(mw_server_message_count(srv, "erin"), base + 2);
    CHECK_RC(mw_smtp_disconnect(s), 0);
    CHECK_RC(mw_smtp_send_many(s, ok, 2), MW_E_STATE);
    for (int i = 0; i < 4; i++) mw_close(m[i]);
    mw_close(s);
}

int main(void) {
    int srv = mw_server_new();
    mw_server_set(srv, "pop3s_port", "-1");
    CHECK_RC(mw_server_start(srv), 0);
    run(srv, "auto", 0, 0);
    run(srv, "never", 2, 3);
    mw_close(srv);
    return DONE("smtp_many");
}
