/* e2e.h: helpers shared by the end-to-end tests against real servers.
 *
 * The tests read the servers' ports and paths from the environment that
 * tests/peers/start.sh writes to peers.env (PEERS_CA, SMTP_PORT, ...),
 * exported by tests/suites/50-peers.sh. */
#ifndef MW_E2E_H
#define MW_E2E_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "mailwire.h"
#include "check.h"

/* env returns the environment variable name, or exits when it is unset:
 * the suite script must export every peers.env variable. */
static inline const char *env(const char *name) {
    const char *v = getenv(name);
    if (!v || !*v) {
        fprintf(stderr, "e2e: %s is not set (run through tests/suites/50-peers.sh)\n", name);
        exit(2);
    }
    return v;
}

/* token returns a string unique to this process and call, to find a message
 * again in a Maildir. */
static inline const char *token(const char *what) {
    static char buf[16][96];
    static int n;
    char *b = buf[n++ % 16];
    snprintf(b, sizeof buf[0], "%s-%ld-%d-%ld", what, (long)getpid(), n, (long)time(NULL));
    return b;
}

/* set_server sets host, port, security and the peers' CA on an SMTP or
 * POP3 handle. */
static inline void set_server(int h, int (*set)(int, const char *, const char *), const char *host, const char *port_var,
                       const char *security) {
    CHECK_RC(set(h, "host", host), 0);
    CHECK_RC(set(h, "port", env(port_var)), 0);
    CHECK_RC(set(h, "security", security), 0);
    CHECK_RC(set(h, "ca_file", env("PEERS_CA")), 0);
    CHECK_RC(set(h, "timeout", "20"), 0);
}

/* set_login sets username and password (and auth when given). */
static inline void set_login(int h, int (*set)(int, const char *, const char *), const char *user, const char *auth) {
    CHECK_RC(set(h, "username", user), 0);
    CHECK_RC(set(h, "password", env("PEERS_PASSWORD")), 0);
    if (auth) CHECK_RC(set(h, "auth", auth), 0);
}

/* simple_message makes a message from from to to with a subject and a text
 * body. */
static inline int simple_message(const char *from, const char *to, const char *subject, const char *body) {
    int m = mw_message_new();
    CHECK(m > 0, "mw_message_new = %d", m);
    CHECK_RC(mw_message_set(m, "From", from), 0);
    CHECK_RC(mw_message_add_to(m, to), 0);
    CHECK_RC(mw_message_set(m, "Subject", subject), 0);
    CHECK_RC(mw_message_set(m, "TextBody", body), 0);
    return m;
}

/* file_contains reports whether the file at path holds the string s. */
static inline int file_contains(const char *path, const char *s) {
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t cap = 1 << 16, len = 0, n;
    char *buf = malloc(cap + 1);
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) break;
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) return 0;
    buf[len] = 0;
    int found = memmem(buf, len, s, strlen(s)) != NULL;
    free(buf);
    return found;
}

/* maildir_find counts the files in Maildir md (new and cur) that contain s
 * and copies the path of the last one to path (when not NULL). */
static inline int maildir_find(const char *md, const char *s, char *path, size_t pathlen) {
    static const char *subs[] = {"new", "cur"};
    int count = 0;
    for (int i = 0; i < 2; i++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", md, subs[i]);
        DIR *d = opendir(dir);
        if (!d) continue;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.') continue;
            char p[2048];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            if (file_contains(p, s)) {
                count++;
                if (path) snprintf(path, pathlen, "%s", p);
            }
        }
        closedir(d);
    }
    return count;
}

/* maildir_arrived waits up to 20 s until a message containing s is in
 * Maildir md; it returns how many there are then. */
static inline int maildir_arrived(const char *md, const char *s, char *path, size_t pathlen) {
    for (int i = 0; i < 400; i++) {
        int n = maildir_find(md, s, path, pathlen);
        if (n > 0) return n;
        usleep(50 * 1000);
    }
    return 0;
}

/* exim_settle waits up to 30 s until the peers' Exim holds no message in
 * its queue. Exim spools a message before it accepts it and removes it
 * once delivered, so after the SMTP session that sent it has ended (and
 * with it any message a fooled Exim took from the same session), an empty
 * queue means every copy that will ever arrive has arrived: duplicates are
 * then counted, not waited for. Returns 1 when the queue emptied. */
static inline int exim_settle(void) {
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "%sexim4 -C '%s/exim/exim.conf' -bpc 2>/dev/null", geteuid() == 0 ? "" : "sudo -n ",
             env("PEERS_DIR"));
    for (int i = 0; i < 600; i++) {
        FILE *p = popen(cmd, "r");
        int n = -1;
        if (p) {
            if (fscanf(p, "%d", &n) != 1) n = -1;
            pclose(p);
        }
        if (n == 0) return 1;
        usleep(50 * 1000);
    }
    fprintf(stderr, "e2e: Exim's queue did not empty within 30 s (%s)\n", cmd);
    return 0;
}

/* maildir_wait waits until a message containing s is in Maildir md and
 * until Exim has delivered everything it accepted; it returns how many
 * copies there are then. */
static inline int maildir_wait(const char *md, const char *s, char *path, size_t pathlen) {
    if (maildir_arrived(md, s, path, pathlen) == 0) return 0;
    exim_settle();
    return maildir_find(md, s, path, pathlen);
}

/* result_code returns the "code" field of recipient result i of h, "" when
 * absent. */
static inline const char *result_code(int h, int i) {
    const char *c = mw_smtp_result(h, i, "code");
    return c ? c : "";
}

/* result_for returns the code of the result whose address is addr, or "". */
static inline const char *result_for(int h, const char *addr) {
    for (int i = 0; i < mw_smtp_result_count(h); i++) {
        const char *a = mw_smtp_result(h, i, "address");
        if (a && strcmp(a, addr) == 0) return result_code(h, i);
    }
    return "";
}

/* other_ca writes a CA certificate that signed none of the peers' keys (the
 * embedded server's own) to path; returns 0 on success. */
static inline int other_ca(const char *path) {
    int srv = mw_server_new();
    mw_server_set(srv, "ca_out", path);
    int rc = mw_server_start(srv);
    mw_server_stop(srv);
    mw_close(srv);
    return rc;
}

/* normalise returns a copy of s (in buf, up to n bytes) with every CRLF,
 * bare CR and bare LF turned into one LF. */
static inline const char *normalise(const char *s, char *buf, size_t n) {
    size_t j = 0;
    for (; s && *s && j + 1 < n; s++) {
        if (*s == '\r') {
            buf[j++] = '\n';
            if (s[1] == '\n') s++;
        } else {
            buf[j++] = *s;
        }
    }
    buf[j] = 0;
    return buf;
}

/* same_text reports whether a and b are equal after line-end
 * normalisation (a parsed body has CRLF line ends). */
static inline int same_text(const char *a, const char *b) {
    static char x[1 << 16], y[1 << 16];
    if (!a || !b) return a == b;
    return strcmp(normalise(a, x, sizeof x), normalise(b, y, sizeof y)) == 0;
}

/* load_file parses the message file at path into a new message handle. */
static inline int load_file(const char *path) {
    int m = mw_message_new();
    CHECK_RC(mw_message_load(m, path), 0);
    return m;
}

#endif
