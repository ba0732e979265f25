/* mw_pop3_retrieve_data and mw_pop3_retrieve_many against the embedded
 * server (which offers PIPELINING): the raw bytes of one message, a batch
 * kept and a batch deleted, an error on each message handle that failed,
 * and the misuse of the handle array. */
#include <stdlib.h>
#include <unistd.h>
#include "mailwire.h"
#include "check.h"

static char dir[64], ca[128];
static int srv;
static const char *subjects[] = {"one", "two", "three", "four", "five"};

static void deliver(void) {
    char port[16];
    int s = mw_smtp_new();
    snprintf(port, sizeof port, "%d", mw_server_port(srv, "smtp"));
    mw_smtp_set(s, "host", "127.0.0.1");
    mw_smtp_set(s, "port", port);
    mw_smtp_set(s, "ca_file", ca);
    mw_smtp_set(s, "security", "starttls");
    CHECK_RC(mw_smtp_connect(s), 0);
    for (int i = 0; i < 5; i++) {
        int m = mw_message_new();
        mw_message_set(m, "From", "bob@example.test");
        mw_message_add_to(m, "dave@example.test");
        mw_message_set(m, "Subject", subjects[i]);
        mw_message_set(m, "TextBody", "Hello.\n.\nA line with a dot above.\n");
        CHECK_RC(mw_smtp_send(s, m), 0);
        mw_close(m);
    }
    CHECK_RC(mw_smtp_disconnect(s), 0);
    mw_close(s);
    CHECK_RC(mw_server_message_count(srv, "dave"), 5);
}

static int pop3_client(void) {
    char port[16];
    int p = mw_pop3_new();
    snprintf(port, sizeof port, "%d", mw_server_port(srv, "pop3"));
    mw_pop3_set(p, "host", "127.0.0.1");
    mw_pop3_set(p, "port", port);
    mw_pop3_set(p, "ca_file", ca);
    mw_pop3_set(p, "username", "dave");
    mw_pop3_set(p, "password", "secret");
    CHECK_RC(mw_pop3_connect(p), 0);
    return p;
}

static void test_retrieve_data(int p) {
    char *out = (char *)1;
    size_t len = 7;
    CHECK_RC(mw_pop3_retrieve_data(p, 1, &out, &len), 0);
    CHECK(out && strlen(out) == len, "len %zu", len);
    CHECK(out && strstr(out, "Subject: one\r\n"), "subject in %s", out ? out : "(null)");
    CHECK(out && strstr(out, "\r\n.\r\nA line"), "the dot line is unstuffed: %s", out ? out : "(null)");
    CHECK(len >= 2 && out[len - 2] == '\r' && out[len - 1] == '\n', "CRLF at the end");
    mw_free(out);
    out = (char *)1;
    CHECK_RC(mw_pop3_retrieve_data(p, 99, &out, &len), MW_E_NOTFOUND);
    CHECK(out == NULL && len == 0, "out reset on error");
    CHECK_RC(mw_pop3_retrieve_data(p, 1, NULL, &len), MW_E_ARG);
    CHECK_RC(mw_pop3_retrieve_data(p, 1, &out, NULL), MW_E_ARG);
}

static void test_keep(int p, int *msgs) {
    CHECK_RC(mw_pop3_retrieve_many(p, 1, 5, msgs, 0), 0);
    for (int i = 0; i < 5; i++) {
        CHECK_STR(mw_message_get(msgs[i], "Subject"), subjects[i]);
        CHECK_RC(mw_errcode(msgs[i]), 0);
    }
    CHECK(strstr(mw_message_get(msgs[2], "TextBody"), "Hello.\r\n.\r\nA line") != NULL, "body %s", mw_message_get(msgs[2], "TextBody"));
    CHECK_RC(mw_pop3_count(p), 5);
}

static void test_misuse(int p, int *msgs) {
    int bad[2] = {msgs[0], p};
    CHECK_RC(mw_pop3_retrieve_many(p, 1, 2, bad, 0), MW_E_HANDLE);
    CHECK(strstr(mw_errmsg(p), "msgs[1]") != NULL, "errmsg %s", mw_errmsg(p));
    int twice[2] = {msgs[0], msgs[0]};
    CHECK_RC(mw_pop3_retrieve_many(p, 1, 2, twice, 0), MW_E_ARG);
    CHECK_RC(mw_pop3_retrieve_many(p, 1, 1, NULL, 0), MW_E_ARG);
    CHECK_RC(mw_pop3_retrieve_many(p, 1, -1, msgs, 0), MW_E_ARG);
    CHECK_RC(mw_pop3_retrieve_many(p, 1, 0, NULL, 1), 0);
    CHECK_RC(mw_pop3_retrieve_many(0, 1, 1, msgs, 0), MW_E_HANDLE);
    /* Nothing was marked deleted and the session still works. */
    CHECK_RC(mw_pop3_retrieve(p, 1, msgs[0]), 0);
    CHECK_STR(mw_message_get(msgs[0], "Subject"), "one");
}

static void test_delete(int p, int *msgs) {
    int fresh[6];
    for (int i = 0; i < 6; i++) fresh[i] = mw_message_new();
    CHECK_RC(mw_pop3_delete(p, 2), 0);
    /* Message 2 is marked deleted and 6 does not exist: their handles say
     * so, the others are retrieved and deleted. */
    CHECK_RC(mw_pop3_retrieve_many(p, 1, 6, fresh, 1), MW_E_NOTFOUND);
    CHECK_RC(mw_errcode(fresh[1]), MW_E_NOTFOUND);
    CHECK(strstr(mw_errmsg(fresh[1]), "deleted") != NULL, "errmsg %s", mw_errmsg(fresh[1]));
    CHECK_RC(mw_errcode(fresh[5]), MW_E_NOTFOUND);
    for (int i = 0; i < 5; i++) {
        if (i == 1) continue;
        CHECK_RC(mw_errcode(fresh[i]), 0);
        CHECK_STR(mw_message_get(fresh[i], "Subject"), subjects[i]);
    }
    CHECK_RC(mw_pop3_retrieve(p, 3, msgs[0]), MW_E_NOTFOUND);
    CHECK_RC(mw_pop3_retrieve_many(p, 3, 1, msgs, 1), MW_E_NOTFOUND);
    CHECK_RC(mw_errcode(msgs[0]), MW_E_NOTFOUND);
    CHECK_RC(mw_pop3_disconnect(p), 0);
    CHECK_RC(mw_server_message_count(srv, "dave"), 0);
    CHECK_RC(mw_pop3_retrieve_many(p, 1, 1, msgs, 0), MW_E_STATE);
    for (int i = 0; i < 6; i++) mw_close(fresh[i]);
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/mw-pop3many-XXXXXX");
    if (!mkdtemp(dir)) return 2;
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);
    srv = mw_server_new();
    mw_server_set(srv, "users", "dave:secret");
    mw_server_set(srv, "ca_out", ca);
    CHECK_RC(mw_server_start(srv), 0);
    deliver();
    int p = pop3_client();
    int msgs[5];
    for (int i = 0; i < 5; i++) msgs[i] = mw_message_new();
    test_retrieve_data(p);
    test_keep(p, msgs);
    test_misuse(p, msgs);
    test_delete(p, msgs);
    for (int i = 0; i < 5; i++) mw_close(msgs[i]);
    mw_close(p);
    CHECK_RC(mw_close(srv), 0);
    CHECK_RC(mw_handle_count(), 0);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 2;
    return DONE("pop3_many_test");
}
