/* demo.c: Mailwire end to end, against the embedded server.
 *
 * It starts the server on free loopback ports, sends a message with an
 * attachment through submission (STARTTLS + AUTH), delivers another by
 * LMTP (STARTTLS + AUTH, one reply per recipient), reads the mailbox over
 * IMAP (STARTTLS: folders, SEARCH UNSEEN, FETCH, STORE \Seen, then IDLE,
 * woken by a third message that another thread delivers by LMTP), fetches
 * all three over POP3 (STLS), and prints each message's Received trace hop
 * by hop with its RFC 3848 keyword. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "mailwire.h"

static int failed;

/* ok reports a failed call with its code and message, and remembers it. */
static int ok(int rc, int handle, const char *what) {
    if (rc >= 0) return 1;
    fprintf(stderr, "demo: %s failed: %s (%d): %s\n", what, mw_strerror(rc), rc, mw_errmsg(handle));
    failed = 1;
    return 0;
}

static void describe(const char *keyword, char *buf, size_t n) {
    int flags = mw_with_flags(keyword);
    const char *proto = mw_with_protocol(keyword);
    if (flags < 0 || !proto) { snprintf(buf, n, "not a registered transmission type"); return; }
    snprintf(buf, n, "%s session%s%s%s", proto,
             flags & MW_WITH_TLS ? ", TLS" : ", no TLS",
             flags & MW_WITH_AUTH ? ", authenticated" : ", not authenticated",
             flags & MW_WITH_UTF8 ? ", SMTPUTF8" : "");
}

/* connect_opts sets what every client of the demo needs: the server, TLS
 * with the demo CA, and a user. */
static void connect_opts(int h, int (*set)(int, const char *, const char *), int port, const char *ca,
                         const char *user) {
    char p[16];
    snprintf(p, sizeof p, "%d", port);
    set(h, "host", "127.0.0.1");
    set(h, "port", p);
    set(h, "security", "starttls");
    set(h, "ca_file", ca);
    set(h, "username", user);
    set(h, "password", "secret");
}

static void results(int h) {
    for (int i = 0; i < mw_smtp_result_count(h); i++)
        printf("    %-22s %s %-6s %s\n", mw_smtp_result(h, i, "address"), mw_smtp_result(h, i, "code"),
               mw_smtp_result(h, i, "enhanced"), mw_smtp_result(h, i, "text"));
}

/* A delivery made by another thread while the IMAP client waits in IDLE:
 * the thread uses handles of its own (a handle is used by one thread at a
 * time; different handles work in parallel). */
struct delivery {
    int port;
    const char *ca;
    int smtp, msg, rc;
};

static void *deliver(void *arg) {
    struct delivery *d = arg;
    d->msg = mw_message_new();
    mw_message_set(d->msg, "From", "Bob <bob@example.test>");
    mw_message_add_to(d->msg, "alice@example.test");
    mw_message_set(d->msg, "Subject", "Delivered while you were idling");
    mw_message_set(d->msg, "TextBody", "IDLE hears of this one at once.\n");
    d->smtp = mw_smtp_new();
    connect_opts(d->smtp, mw_smtp_set, d->port, d->ca, "bob");
    mw_smtp_set(d->smtp, "protocol", "lmtp");
    d->rc = mw_smtp_connect(d->smtp);
    if (d->rc >= 0) {
        d->rc = mw_smtp_send(d->smtp, d->msg);
        mw_smtp_disconnect(d->smtp);
    }
    return NULL;
}

/* search prints the UIDs of an IMAP search and returns how many. */
static int search(int im, const char *criteria) {
    int n = mw_imap_search(im, criteria);
    if (!ok(n, im, "UID SEARCH")) return 0;
    printf("    SEARCH %s: %d message%s", criteria, n, n == 1 ? "" : "s");
    for (int i = 0; i < n; i++) printf("%s%lld", i ? ", " : " (uid ", mw_imap_search_uid(im, i));
    printf("%s\n", n ? ")" : "");
    return n;
}

/* imap_step reads alice's mailbox over IMAP: the folders, the unseen
 * messages (fetched, then flagged \Seen), and an IDLE that a delivery by
 * LMTP from another thread wakes. */
static void imap_step(int port, int lmtp, const char *ca) {
    int im = mw_imap_new();
    connect_opts(im, mw_imap_set, port, ca, "alice");
    printf("\n3. IMAP, STARTTLS, as alice\n");
    if (!ok(mw_imap_connect(im), im, "connecting to IMAP")) { mw_close(im); return; }
    int nf = mw_imap_folder_count(im);
    if (ok(nf, im, "LIST"))
        for (int i = 0; i < nf; i++) {
            const char *use = mw_imap_folder(im, i, "special_use");
            printf("    folder %s%s%s\n", mw_imap_folder(im, i, "name"), use && *use ? " " : "", use ? use : "");
        }
    int exists = mw_imap_select(im, "INBOX", 0);
    if (!ok(exists, im, "SELECT INBOX")) { mw_imap_disconnect(im); mw_close(im); return; }
    printf("    INBOX: %d messages, uidvalidity %s, uidnext %s\n", exists, mw_imap_status(im, "uidvalidity"),
           mw_imap_status(im, "uidnext"));
    int n = search(im, "UNSEEN");
    long long uids[8];
    if (n > 8) n = 8;
    for (int i = 0; i < n; i++) uids[i] = mw_imap_search_uid(im, i);
    for (int i = 0; i < n; i++) {
        int m = mw_message_new();
        if (ok(mw_imap_fetch(im, uids[i], m), im, "UID FETCH")) {
            printf("    uid %lld \"%s\", %d attachment%s", uids[i], mw_message_get(m, "Subject"),
                   mw_message_attachment_count(m), mw_message_attachment_count(m) == 1 ? "" : "s");
            if (ok(mw_imap_store(im, uids[i], "\\Seen", 1), im, "UID STORE"))
                printf(", now flagged %s", mw_imap_flags(im, uids[i]));
            printf("\n");
        }
        mw_close(m);
    }
    search(im, "UNSEEN");

    /* IDLE on this thread while another thread delivers by LMTP. */
    struct delivery d = {lmtp, ca, 0, 0, 0};
    pthread_t t;
    printf("    IDLE (up to 30 s) while another thread delivers by LMTP\n");
    int started = pthread_create(&t, NULL, deliver, &d) == 0;
    if (!started) { fprintf(stderr, "demo: pthread_create failed\n"); failed = 1; }
    int rc = started ? mw_imap_idle(im, 30) : 0;
    if (started) pthread_join(t, NULL);
    if (ok(d.rc, d.smtp, "delivering by LMTP during IDLE")) results(d.smtp);
    if (rc > 0)
        printf("    IDLE woke up (returned %d): INBOX has %s messages now\n", rc, mw_imap_status(im, "exists"));
    else if (ok(rc, im, "IDLE")) {
        fprintf(stderr, "demo: IDLE timed out without hearing of the delivery\n");
        failed = 1;
    }
    n = search(im, "UNSEEN");
    for (int i = 0; i < n; i++) {
        int m = mw_message_new();
        if (ok(mw_imap_fetch(im, mw_imap_search_uid(im, i), m), im, "UID FETCH"))
            printf("    uid %lld \"%s\"\n", mw_imap_search_uid(im, i), mw_message_get(m, "Subject"));
        mw_close(m);
    }
    ok(mw_imap_disconnect(im), im, "LOGOUT");
    mw_close(d.smtp); mw_close(d.msg); mw_close(im);
}

int main(void) {
    char dir[] = "/tmp/mailwire-demo-XXXXXX";
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    char ca[256], report[256];
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);
    snprintf(report, sizeof report, "%s/report.txt", dir);
    FILE *f = fopen(report, "w");
    if (!f) { perror(report); return 1; }
    fputs("Quarterly figures: all green.\n", f);
    fclose(f);

    printf("Mailwire %s demo\n\n", mw_version());

    int srv = mw_server_new();
    mw_server_set(srv, "users", "alice:secret,bob:secret");
    mw_server_set(srv, "ca_out", ca);
    if (!ok(mw_server_start(srv), srv, "starting the embedded server")) return 1;
    int sub = mw_server_port(srv, "submission"), lmtp = mw_server_port(srv, "lmtp"), pop = mw_server_port(srv, "pop3");
    int imap = mw_server_port(srv, "imap");
    printf("Embedded server on 127.0.0.1: submission %d, LMTP %d, POP3 %d, IMAP %d\n\n", sub, lmtp, pop, imap);

    /* 1. Submission with STARTTLS and AUTH. */
    int m1 = mw_message_new();
    mw_message_set(m1, "From", "Bob <bob@example.test>");
    mw_message_add_to(m1, "Alice <alice@example.test>");
    mw_message_set(m1, "Subject", "Quarterly report \xe2\x9c\x93");
    mw_message_set(m1, "TextBody", "Hi Alice,\nthe report is attached.\nBob\n");
    ok(mw_message_attach_file(m1, report, NULL, NULL), m1, "attaching the report");
    int smtp = mw_smtp_new();
    connect_opts(smtp, mw_smtp_set, sub, ca, "bob");
    printf("1. submission, STARTTLS + AUTH as bob\n");
    if (ok(mw_smtp_connect(smtp), smtp, "connecting to submission")) {
        ok(mw_smtp_send(smtp, m1), smtp, "sending by submission");
        results(smtp);
        mw_smtp_disconnect(smtp);
    }

    /* 2. LMTP with STARTTLS and AUTH: one reply per recipient. */
    int m2 = mw_message_new();
    mw_message_set(m2, "From", "Bob <bob@example.test>");
    mw_message_add_to(m2, "alice@example.test, reject-me@example.test");
    mw_message_set(m2, "Subject", "Delivered by LMTP");
    mw_message_set(m2, "TextBody", "One reply per recipient.\n");
    int lm = mw_smtp_new();
    connect_opts(lm, mw_smtp_set, lmtp, ca, "bob");
    mw_smtp_set(lm, "protocol", "lmtp");
    printf("\n2. LMTP, STARTTLS + AUTH as bob, to alice and to a refused recipient\n");
    if (ok(mw_smtp_connect(lm), lm, "connecting to LMTP")) {
        int rc = mw_smtp_send(lm, m2);
        if (rc != MW_E_PARTIAL) ok(rc, lm, "sending by LMTP");
        else printf("    (%s: %s)\n", mw_strerror(rc), mw_errmsg(lm));
        results(lm);
        mw_smtp_disconnect(lm);
    }

    /* 3. IMAP with STARTTLS: folders, search, fetch, flags, IDLE. */
    imap_step(imap, lmtp, ca);

    /* 4. POP3 with STLS: fetch all and show their trace. */
    int p3 = mw_pop3_new();
    connect_opts(p3, mw_pop3_set, pop, ca, "alice");
    printf("\n4. POP3, STLS, as alice\n");
    if (ok(mw_pop3_connect(p3), p3, "connecting to POP3")) {
        int n = mw_pop3_count(p3);
        printf("    %d messages\n", n);
        for (int i = 1; i <= n; i++) {
            int m = mw_message_new();
            if (!ok(mw_pop3_retrieve(p3, i, m), p3, "retrieving")) break;
            printf("\n    #%d \"%s\" from %s, %lld octets, uid %s\n", i, mw_message_get(m, "Subject"),
                   mw_message_get(m, "From"), mw_pop3_size(p3, i), mw_pop3_uid(p3, i));
            for (int a = 0; a < mw_message_attachment_count(m); a++)
                printf("       attachment %s (%s, %s bytes)\n", mw_message_attachment(m, a, "name"),
                       mw_message_attachment(m, a, "content_type"), mw_message_attachment(m, a, "size"));
            for (int h = 0; h < mw_message_trace_count(m); h++) {
                const char *with = mw_message_trace(m, h, "with");
                char what[128];
                describe(with ? with : "", what, sizeof what);
                printf("       hop %d: from %s by %s with %s: %s\n", h, mw_message_trace(m, h, "from"),
                       mw_message_trace(m, h, "by"), with ? with : "?", what);
            }
            mw_pop3_delete(p3, i);
            mw_close(m);
        }
        ok(mw_pop3_disconnect(p3), p3, "QUIT");
    }
    printf("\n    mailbox alice holds %d messages after QUIT\n", mw_server_message_count(srv, "alice"));

    mw_close(m1); mw_close(m2); mw_close(smtp); mw_close(lm); mw_close(p3);
    mw_server_stop(srv);
    mw_close(srv);
    unlink(ca); unlink(report); rmdir(dir);
    printf("\n%s\n", failed ? "demo: FAILED" : "demo: done");
    return failed;
}
