/* smuggle_test.c: every end-of-data variant that SMTP smuggling uses
 * (CVE-2023-51764 and kin) sent through our client, as the text body and as
 * attachment data, to our embedded server, to Exim and to Dovecot LMTP.
 * Each message must arrive exactly once, whole, with its content intact,
 * and the SMTP commands hidden behind the variant must never run. */
#include "e2e.h"

static const struct {
    const char *name, *seq;
    int whole; /* the body is seq alone, without the smuggled commands */
} variants[] = {
    {"bare LF", "\n", 0},
    {"bare CR", "\r", 0},
    {"LF dot LF", "\n.\n", 0},
    {"CR dot CR", "\r.\r", 0},
    {"LF dot CRLF", "\n.\r\n", 0},
    {"CRLF dot LF", "\r\n.\n", 0},
    {"CRLF dot CRLF", "\r\n.\r\n", 0},
    {"dot at start", ".starts with a dot\r\nand goes on", 1},
    {"dot at end", "ends with a dot\r\n.", 1},
    {"only a dot", ".", 1},
    {"dots on lines", "..\r\n.\r\n...\n.x\n", 1},
};
#define N_VARIANTS (sizeof variants / sizeof variants[0])

enum { TEXT, ATTACH_TEXT, ATTACH_BINARY, N_MODES };
static const char *mode_names[] = {"TextBody", "text/plain attachment", "octet-stream attachment"};

enum { EMBEDDED, EXIM, LMTP, N_TARGETS };
static const char *target_names[] = {"embedded server", "Exim", "Dovecot LMTP"};

static char tokens[N_TARGETS][N_VARIANTS][N_MODES][96];
static char bodies[N_TARGETS][N_VARIANTS][N_MODES][512];
static char smuggled[N_TARGETS][96];

/* make_body writes variant v's body: text, the variant, then commands that
 * a server fooled by the variant would run as a second message to carol. */
static void make_body(char *buf, size_t n, size_t v, const char *evil) {
    if (variants[v].whole) {
        snprintf(buf, n, "%s", variants[v].seq);
        return;
    }
    snprintf(buf, n,
             "first line%sMAIL FROM:<mallory@example.test>\r\nRCPT TO:<carol@mta.test>\r\nRCPT "
             "TO:<carol@dovecot.test>\r\nRCPT TO:<carol@localhost>\r\nDATA\r\nSubject: %s\r\n\r\nsmuggled\r\n.\r\n"
             "last line\r\n",
             variants[v].seq, evil);
}

/* compose builds the message for target t, variant v, mode k. */
static int compose(int t, size_t v, int k, const char *to) {
    const char *tok = tokens[t][v][k];
    char subj[256];
    snprintf(subj, sizeof subj, "%s, %s, %s", variants[v].name, mode_names[k], tok);
    int m = simple_message("mallory@example.test", to, subj, k == TEXT ? bodies[t][v][k] : "See the attachment.\n");
    CHECK_RC(mw_message_set(m, "X-Test-Token", tok), 0);
    const char *b = bodies[t][v][k];
    if (k == ATTACH_TEXT) CHECK_RC(mw_message_attach_data(m, b, strlen(b), "smuggle.txt", "text/plain"), 0);
    if (k == ATTACH_BINARY) CHECK_RC(mw_message_attach_data(m, b, strlen(b), "smuggle.bin", "application/octet-stream"), 0);
    return m;
}

/* send_all sends every variant in every mode on one connection of s. */
static void send_all(int t, int s, const char *to) {
    int rc = mw_smtp_connect(s);
    CHECK(rc == 0, "%s: connect = %d (%s): %s", target_names[t], rc, mw_strerror(rc), mw_errmsg(s));
    if (rc != 0) return;
    snprintf(smuggled[t], sizeof smuggled[t], "%s", token("SMUGGLED"));
    int sent = 0;
    for (size_t v = 0; v < N_VARIANTS; v++) {
        for (int k = 0; k < N_MODES; k++) {
            /* Exim queues instead of delivering after 10 messages on one
             * connection (smtp_accept_queue_per_connection). */
            if (t == EXIM && ++sent % 9 == 0) {
                CHECK_RC(mw_smtp_disconnect(s), 0);
                CHECK_RC(mw_smtp_connect(s), 0);
            }
            snprintf(tokens[t][v][k], sizeof tokens[t][v][k], "%s", token("smuggle"));
            make_body(bodies[t][v][k], sizeof bodies[t][v][k], v, smuggled[t]);
            int m = compose(t, v, k, to);
            rc = mw_smtp_send(s, m);
            CHECK(rc == 0, "%s, %s, %s: send = %d (%s): %s", target_names[t], variants[v].name, mode_names[k], rc,
                  mw_strerror(rc), mw_errmsg(s));
            mw_close(m);
        }
    }
    CHECK_RC(mw_smtp_disconnect(s), 0);
}

/* check_content checks that the received message m holds the content sent
 * as target t, variant v, mode k. */
static void check_content(int m, int t, size_t v, int k) {
    const char *want = bodies[t][v][k];
    const char *where = target_names[t];
    if (k == TEXT) {
        const char *got = mw_message_get(m, "TextBody");
        CHECK(same_text(got, want), "%s, %s: TextBody differs: [%s]", where, variants[v].name, got ? got : "(null)");
        CHECK_RC(mw_message_attachment_count(m), 0);
        return;
    }
    CHECK_RC(mw_message_attachment_count(m), 1);
    char *out = NULL;
    size_t n = 0;
    CHECK_RC(mw_message_attachment_data(m, 0, &out, &n), 0);
    if (k == ATTACH_BINARY) {
        CHECK(out && n == strlen(want) && memcmp(out, want, n) == 0, "%s, %s: attachment bytes differ (%zu bytes)",
              where, variants[v].name, n);
    } else {
        CHECK(out && same_text(out, want), "%s, %s: text attachment differs: [%s]", where, variants[v].name,
              out ? out : "(null)");
    }
    mw_free(out);
}

/* check_maildir checks every message of target t in Maildir md. */
static void check_maildir(int t, const char *md) {
    /* Wait for every message, then until Exim has delivered all it
     * accepted: a duplicate or a smuggled message is there by then. */
    for (size_t v = 0; v < N_VARIANTS; v++)
        for (int k = 0; k < N_MODES; k++) maildir_arrived(md, tokens[t][v][k], NULL, 0);
    CHECK(exim_settle(), "Exim's queue empties");
    for (size_t v = 0; v < N_VARIANTS; v++) {
        for (int k = 0; k < N_MODES; k++) {
            char path[2048];
            int n = maildir_find(md, tokens[t][v][k], path, sizeof path);
            CHECK(n == 1, "%s, %s, %s: %d copies", target_names[t], variants[v].name, mode_names[k], n);
            if (n < 1) continue;
            int m = load_file(path);
            check_content(m, t, v, k);
            mw_close(m);
        }
    }
    CHECK(maildir_find(env("PEERS_MAILDIR_CAROL"), smuggled[t], NULL, 0) == 0, "%s: a smuggled message reached carol",
          target_names[t]);
}

/* embedded_find counts the messages of mailbox box on srv that contain s
 * and parses the last one into a new handle (*m; 0 when none). */
static int embedded_find(int srv, const char *box, const char *s, int *m) {
    int count = 0, n = mw_server_message_count(srv, box);
    *m = 0;
    for (int i = 0; i < n; i++) {
        char *out = NULL;
        size_t len = 0;
        if (mw_server_message(srv, box, i, &out, &len) != 0) continue;
        if (memmem(out, len, s, strlen(s))) {
            count++;
            if (*m) mw_close(*m);
            *m = mw_message_new();
            CHECK_RC(mw_message_parse(*m, out, len), 0);
        }
        mw_free(out);
    }
    return count;
}

/* embedded runs every case against our own server, started in-process. */
static void embedded(const char *dir) {
    char ca[1024];
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);
    int srv = mw_server_new();
    CHECK_RC(mw_server_set(srv, "ca_out", ca), 0);
    CHECK_RC(mw_server_start(srv), 0);
    char port[16];
    snprintf(port, sizeof port, "%d", mw_server_port(srv, "smtp"));
    int s = mw_smtp_new();
    CHECK_RC(mw_smtp_set(s, "host", "127.0.0.1"), 0);
    CHECK_RC(mw_smtp_set(s, "port", port), 0);
    CHECK_RC(mw_smtp_set(s, "ca_file", ca), 0);
    send_all(EMBEDDED, s, "alice@example.test");
    mw_close(s);
    for (size_t v = 0; v < N_VARIANTS; v++) {
        for (int k = 0; k < N_MODES; k++) {
            int m;
            int n = embedded_find(srv, "alice", tokens[EMBEDDED][v][k], &m);
            CHECK(n == 1, "embedded, %s, %s: %d copies", variants[v].name, mode_names[k], n);
            if (m) check_content(m, EMBEDDED, v, k);
            if (m) mw_close(m);
        }
    }
    CHECK_RC(mw_server_message_count(srv, "alice"), (int)(N_VARIANTS * N_MODES));
    CHECK_RC(mw_server_message_count(srv, "carol"), 0);
    CHECK_RC(mw_server_message_count(srv, ""), (int)(N_VARIANTS * N_MODES));
    mw_server_stop(srv);
    mw_close(srv);
    unlink(ca);
}

int main(void) {
    char dir[] = "/tmp/mw-e2e-smuggle-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    embedded(dir);

    int s = mw_smtp_new();
    set_server(s, mw_smtp_set, "127.0.0.1", "SMTP_PORT", "starttls");
    set_login(s, mw_smtp_set, "carol", NULL);
    send_all(EXIM, s, "alice@mta.test");
    mw_close(s);

    s = mw_smtp_new();
    set_server(s, mw_smtp_set, "127.0.0.1", "LMTP_PORT", "none");
    CHECK_RC(mw_smtp_set(s, "protocol", "lmtp"), 0);
    send_all(LMTP, s, "alice@dovecot.test");
    mw_close(s);

    check_maildir(EXIM, env("PEERS_MAILDIR_ALICE"));
    check_maildir(LMTP, env("PEERS_MAILDIR_ALICE"));
    rmdir(dir);
    CHECK_RC(mw_handle_count(), 0);
    return DONE("smuggle");
}
