/* fork() after the library was loaded: in the child every call, with or
 * without network, is refused at once with MW_E_STATE (NULL for pointer
 * functions, the fork text from mw_errmsg and mw_strerror), and the parent
 * keeps working.  A child that hangs is killed after 10 s and fails the
 * test. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "mailwire.h"
#include "check.h"

#define FORK_TEXT "loaded before fork(): load Mailwire in the child, not in the parent"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int srv, msg, smtp, port;
static char url[64];

/* child runs in the forked process and reports its counts through fd. */
static void child(int fd) {
    double t0 = now();
    /* Without network: new handles, handles of the parent, static texts. */
    CHECK_RC(mw_message_new(), MW_E_STATE);
    CHECK_RC(mw_message_set(msg, "Subject", "from the child"), MW_E_STATE);
    CHECK_RC(mw_with_flags("ESMTPSA"), MW_E_STATE);
    CHECK(mw_message_size(msg) == MW_E_STATE, "mw_message_size in the child");
    CHECK_STR(mw_message_get(msg, "Subject"), NULL);
    CHECK_STR(mw_version(), NULL);
    CHECK_RC(mw_version_number(), MW_E_STATE);
    CHECK_STR(mw_errmsg(msg), FORK_TEXT);
    CHECK_STR(mw_errmsg(12345), FORK_TEXT);
    CHECK_STR(mw_strerror(MW_E_STATE), FORK_TEXT);
    CHECK_RC(mw_errcode(msg), MW_E_STATE);
    CHECK_RC(mw_handle_count(), MW_E_STATE);
    mw_free(NULL);
    /* With network: a client to the parent's server, a server of its own. */
    CHECK_RC(mw_send(url, msg), MW_E_STATE);
    CHECK_RC(mw_smtp_connect(smtp), MW_E_STATE);
    CHECK_RC(mw_smtp_new(), MW_E_STATE);
    CHECK_RC(mw_server_new(), MW_E_STATE);
    CHECK_RC(mw_server_start(srv), MW_E_STATE);
    CHECK_RC(mw_server_message_count(srv, ""), MW_E_STATE);
    CHECK_RC(mw_close(msg), MW_E_STATE);
    double took = now() - t0;
    CHECK(took < 1.0, "the child's calls took %.3f s", took);
    printf("fork: the child's refused calls took %.6f s\n", took);
    fflush(stdout);
    int counts[2] = {check_passed, check_failed};
    if (write(fd, counts, sizeof counts) != (ssize_t)sizeof counts) _exit(2);
    _exit(0);
}

/* run_child forks, waits up to 10 s for the child and adds its counts. */
static void run_child(void) {
    int p[2];
    if (pipe(p) != 0) { perror("pipe"); exit(2); }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); exit(2); }
    if (pid == 0) {
        close(p[0]);
        check_passed = check_failed = 0;
        child(p[1]);
    }
    close(p[1]);
    int status = 0;
    pid_t done = 0;
    for (int i = 0; i < 1000 && (done = waitpid(pid, &status, WNOHANG)) == 0; i++) usleep(10000);
    if (done == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        CHECK(0, "the forked child hung (killed after 10 s)");
    } else {
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child exit status %d", status);
    }
    int counts[2] = {0, 0};
    if (read(p[0], counts, sizeof counts) == (ssize_t)sizeof counts) {
        check_passed += counts[0];
        check_failed += counts[1];
    } else {
        CHECK(0, "no counts from the child");
    }
    close(p[0]);
}

int main(void) {
    srv = mw_server_new();
    CHECK(srv > 0, "mw_server_new = %d", srv);
    CHECK_RC(mw_server_set(srv, "require_tls_for_auth", "0"), 0);
    CHECK_RC(mw_server_start(srv), 0);
    port = mw_server_port(srv, "smtp");
    CHECK(port > 0, "smtp port %d", port);
    snprintf(url, sizeof url, "smtp://127.0.0.1:%d?security=none", port);
    msg = mw_message_new();
    CHECK_RC(mw_message_set(msg, "From", "parent@example.test"), 0);
    CHECK_RC(mw_message_add_to(msg, "alice@example.test"), 0);
    CHECK_RC(mw_message_set(msg, "Subject", "from the parent"), 0);
    CHECK_RC(mw_message_set(msg, "TextBody", "hello\n"), 0);
    smtp = mw_smtp_new();
    CHECK_RC(mw_smtp_set(smtp, "host", "127.0.0.1"), 0);
    CHECK_RC(mw_smtp_set(smtp, "security", "none"), 0);
    char ps[16];
    snprintf(ps, sizeof ps, "%d", port);
    CHECK_RC(mw_smtp_set(smtp, "port", ps), 0);
    /* The parent has used the library (its runtime's threads run) before
     * the fork. */
    CHECK_RC(mw_send(url, msg), 0);

    run_child();

    /* The parent keeps working: the same handles, the network, new ones. */
    CHECK_STR(mw_message_get(msg, "Subject"), "from the parent");
    CHECK_RC(mw_send(url, msg), 0);
    CHECK_RC(mw_smtp_connect(smtp), 0);
    CHECK_RC(mw_smtp_send(smtp, msg), 0);
    CHECK_RC(mw_smtp_disconnect(smtp), 0);
    CHECK_RC(mw_server_message_count(srv, "alice"), 3);
    CHECK_STR(mw_version(), MW_VERSION);

    /* A second child, forked from a thread-rich parent again. */
    run_child();
    CHECK_RC(mw_server_message_count(srv, "alice"), 3);

    CHECK_RC(mw_close(smtp), 0);
    CHECK_RC(mw_close(msg), 0);
    CHECK_RC(mw_server_stop(srv), 0);
    CHECK_RC(mw_close(srv), 0);
    CHECK_RC(mw_handle_count(), 0);
    return DONE("fork");
}
