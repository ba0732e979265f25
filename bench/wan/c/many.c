/*
 * many: mw_smtp_send_many through the C API with a chosen batch size.
 *
 *   many HOST PORT MSG N BATCH CHUNKING
 *
 * Prints "RESULT value msg/s".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mailwire.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void check(const char *what, int h, int rc)
{
    if (rc < 0) {
        fprintf(stderr, "many: %s: %d %s: %s\n", what, rc, mw_strerror(rc), h > 0 ? mw_errmsg(h) : "");
        exit(1);
    }
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(1); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc(n + 1);
    if (!b || fread(b, 1, n, f) != (size_t)n) { perror(path); exit(1); }
    b[n] = 0;
    fclose(f);
    return b;
}

int main(int argc, char **argv)
{
    if (argc < 7) {
        fprintf(stderr, "usage: many HOST PORT MSG N BATCH CHUNKING\n");
        return 2;
    }
    int n = atoi(argv[4]), batch = atoi(argv[5]);
    char *raw = slurp(argv[3]);
    char *body = strstr(raw, "\r\n\r\n");
    body = body ? body + 4 : raw;
    int *msgs = malloc(sizeof(int) * batch);
    for (int i = 0; i < batch; i++) {
        int m = mw_message_new();
        check("message_new", 0, m);
        check("From", m, mw_message_set(m, "From", "Bench Sender <sender@bench.test>"));
        check("Subject", m, mw_message_set(m, "Subject", "Benchmark message"));
        check("TextBody", m, mw_message_set(m, "TextBody", body));
        check("add_to", m, mw_message_add_to(m, "rcpt0@sink.test"));
        msgs[i] = m;
    }
    double t0 = now();
    int s = mw_smtp_new();
    check("host", s, mw_smtp_set(s, "host", argv[1]));
    check("port", s, mw_smtp_set(s, "port", argv[2]));
    check("security", s, mw_smtp_set(s, "security", "none"));
    check("chunking", s, mw_smtp_set(s, "chunking", argv[6]));
    check("connect", s, mw_smtp_connect(s));
    for (int done = 0; done < n; done += batch) {
        int k = n - done < batch ? n - done : batch;
        check("send_many", s, mw_smtp_send_many(s, msgs, k));
    }
    check("disconnect", s, mw_smtp_disconnect(s));
    printf("RESULT %.3f msg/s\n", n / (now() - t0));
    mw_close(s);
    for (int i = 0; i < batch; i++)
        mw_close(msgs[i]);
    free(msgs);
    free(raw);
    return 0;
}
