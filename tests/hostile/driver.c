//go:build ignore

/* driver.c: runs every case of the hostile server (tests/hostile) through
 * the C API: mw_smtp_* for SMTP cases (connect, send one message,
 * disconnect), mw_pop3_* for POP3 cases (connect, count, size, retrieve,
 * uid, disconnect) and mw_imap_* for IMAP cases (connect, select, search,
 * fetch, flags, disconnect).  It checks the first error code against the case's
 * expected MW_E_* code, then asks the server whether anything it must not
 * receive (a credential, the envelope, the message) went out.
 *
 *   driver path/to/hostile-server
 *
 * Prints "hostile-c: N passed, N failed" last; exits 1 on any failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include "mailwire.h"

#define MAX_CASES 600
#define MAX_OPTS 16
#define LINE 8192

/* RC_UNKNOWN stands for a failure whose code the API does not return
 * (mw_pop3_uid gives NULL). */
#define RC_UNKNOWN 1

struct hcase {
    char name[128], proto[8];
    int want, nopts;
    char *opt[MAX_OPTS], *val[MAX_OPTS];
};

static struct hcase cases[MAX_CASES];
static int ncases, passed, failed;
static char from[256], to[256], subject[256], mark[256];
static FILE *srv_in, *srv_out;
static char errmsg[1024]; /* mw_errmsg of the last failed case */

/* start runs the server with its stdin and stdout on pipes. */
static pid_t start(const char *path) {
    int in[2], out[2];
    if (pipe(in) || pipe(out)) { perror("pipe"); exit(2); }
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); exit(2); }
    if (pid == 0) {
        dup2(in[0], 0); dup2(out[1], 1);
        close(in[0]); close(in[1]); close(out[0]); close(out[1]);
        execl(path, path, (char *)NULL);
        perror(path);
        _exit(127);
    }
    close(in[0]); close(out[1]);
    srv_in = fdopen(in[1], "w");
    srv_out = fdopen(out[0], "r");
    return pid;
}

/* split cuts line at tabs into at most max fields; returns their number. */
static int split(char *line, char **f, int max) {
    int n = 0;
    line[strcspn(line, "\r\n")] = 0;
    while (n < max) {
        f[n++] = line;
        char *t = strchr(line, '\t');
        if (!t) break;
        *t = 0;
        line = t + 1;
    }
    return n;
}

static void copy(char *dst, size_t size, const char *src) {
    snprintf(dst, size, "%s", src);
}

/* read_cases reads the CASE and MESSAGE lines up to READY. */
static void read_cases(void) {
    char line[LINE], *f[MAX_OPTS + 5];
    while (fgets(line, sizeof line, srv_out)) {
        int n = split(line, f, MAX_OPTS + 5);
        if (strcmp(f[0], "READY") == 0) return;
        if (strcmp(f[0], "MESSAGE") == 0 && n == 5) {
            copy(from, sizeof from, f[1]); copy(to, sizeof to, f[2]);
            copy(subject, sizeof subject, f[3]); copy(mark, sizeof mark, f[4]);
            continue;
        }
        if (strcmp(f[0], "CASE") != 0 || n < 5 || ncases == MAX_CASES) {
            fprintf(stderr, "bad line from the server: %s\n", f[0]);
            exit(2);
        }
        struct hcase *c = &cases[ncases++];
        copy(c->name, sizeof c->name, f[1]);
        copy(c->proto, sizeof c->proto, f[2]);
        c->want = atoi(f[4]);
        for (int i = 5; i < n && c->nopts < MAX_OPTS; i++) {
            char *eq = strchr(f[i], '=');
            if (!eq) continue;
            *eq = 0;
            c->opt[c->nopts] = strdup(f[i]);
            c->val[c->nopts++] = strdup(eq + 1);
        }
    }
    fprintf(stderr, "the server ended before READY\n");
    exit(2);
}

/* message builds the message the SMTP cases send. */
static int message(void) {
    int m = mw_message_new();
    if (m <= 0 || mw_message_set(m, "From", from) || mw_message_add_to(m, to) ||
        mw_message_set(m, "Subject", subject) || mw_message_set(m, "TextBody", mark)) {
        fprintf(stderr, "cannot build the message: %s\n", mw_errmsg(m));
        exit(2);
    }
    return m;
}

static int run_smtp(const struct hcase *c, int msg) {
    int s = mw_smtp_new(), rc = 0;
    for (int i = 0; i < c->nopts && rc == 0; i++)
        rc = mw_smtp_set(s, c->opt[i], c->val[i]);
    if (rc == 0) rc = mw_smtp_connect(s);
    if (rc == 0) rc = mw_smtp_send(s, msg);
    if (rc == 0) rc = mw_smtp_disconnect(s);
    copy(errmsg, sizeof errmsg, rc ? mw_errmsg(s) : "");
    mw_close(s);
    return rc;
}

static int pop3_steps(int p, int m) {
    int rc;
    long long size;
    if ((rc = mw_pop3_connect(p)) != 0) return rc;
    if ((rc = mw_pop3_count(p)) < 0) return rc;
    if ((size = mw_pop3_size(p, 1)) < 0) return (int)size;
    if ((rc = mw_pop3_retrieve(p, 1, m)) != 0) return rc;
    const char *subj = mw_message_get(m, "Subject");
    if (!subj || strcmp(subj, subject) != 0) {
        printf("  retrieved Subject is \"%s\", want \"%s\"\n", subj ? subj : "(null)", subject);
        return MW_E_INTERNAL;
    }
    if (mw_pop3_uid(p, 1) == NULL) return RC_UNKNOWN;
    return mw_pop3_disconnect(p);
}

static int run_pop3(const struct hcase *c) {
    int p = mw_pop3_new(), m = mw_message_new(), rc = 0;
    for (int i = 0; i < c->nopts && rc == 0; i++)
        rc = mw_pop3_set(p, c->opt[i], c->val[i]);
    if (rc == 0) rc = pop3_steps(p, m);
    copy(errmsg, sizeof errmsg, rc ? mw_errmsg(p) : "");
    mw_close(p);
    mw_close(m);
    return rc;
}

static int imap_steps(int p, int m) {
    int rc;
    if ((rc = mw_imap_connect(p)) != 0) return rc;
    if ((rc = mw_imap_select(p, "INBOX", 0)) < 0) return rc;
    if ((rc = mw_imap_search(p, "ALL")) < 0) return rc;
    if (rc == 0) return MW_E_NOTFOUND;
    long long uid = mw_imap_search_uid(p, 0);
    if (uid < 0) return (int)uid;
    if ((rc = mw_imap_fetch(p, uid, m)) != 0) return rc;
    const char *subj = mw_message_get(m, "Subject");
    if (!subj || strcmp(subj, subject) != 0) {
        printf("  fetched Subject is \"%s\", want \"%s\"\n", subj ? subj : "(null)", subject);
        return MW_E_INTERNAL;
    }
    if (mw_imap_flags(p, uid) == NULL) return mw_errcode(p);
    return mw_imap_disconnect(p);
}

static int run_imap(const struct hcase *c) {
    int p = mw_imap_new(), m = mw_message_new(), rc = 0;
    for (int i = 0; i < c->nopts && rc == 0; i++)
        rc = mw_imap_set(p, c->opt[i], c->val[i]);
    if (rc == 0) rc = imap_steps(p, m);
    copy(errmsg, sizeof errmsg, rc ? mw_errmsg(p) : "");
    mw_close(p);
    mw_close(m);
    return rc;
}

/* report asks the server what the case's client sent; 1 when clean. */
static int report(const struct hcase *c) {
    char line[LINE], want[256];
    fprintf(srv_in, "REPORT %s\n", c->name);
    fflush(srv_in);
    if (!fgets(line, sizeof line, srv_out)) {
        printf("  %s: the server did not answer REPORT\n", c->name);
        return 0;
    }
    line[strcspn(line, "\r\n")] = 0;
    snprintf(want, sizeof want, "REPORT %s ok", c->name);
    if (strcmp(line, want) == 0) return 1;
    printf("  %s: %s\n", c->name, line);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s hostile-server\n", argv[0]);
        return 2;
    }
    pid_t pid = start(argv[1]);
    read_cases();
    int msg = message();
    for (int i = 0; i < ncases; i++) {
        const struct hcase *c = &cases[i];
        int rc = strcmp(c->proto, "smtp") == 0 ? run_smtp(c, msg) : strcmp(c->proto, "pop3") == 0 ? run_pop3(c) : run_imap(c);
        int ok = rc == c->want || (rc == RC_UNKNOWN && c->want != 0);
        if (!ok)
            printf("  %s: got %d (%s), want %d (%s): %s\n", c->name, rc, mw_strerror(rc), c->want,
                   mw_strerror(c->want), errmsg);
        int clean = report(c);
        if (ok && clean) passed++; else failed++;
        printf("%s %s\n", ok && clean ? "PASS" : "FAIL", c->name);
    }
    mw_close(msg);
    if (mw_handle_count() != 0) {
        printf("FAIL handles left open: %d\n", mw_handle_count());
        failed++;
    }
    fclose(srv_in);
    waitpid(pid, NULL, 0);
    for (int i = 0; i < ncases; i++)
        for (int j = 0; j < cases[i].nopts; j++) { free(cases[i].opt[j]); free(cases[i].val[j]); }
    printf("hostile-c: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
