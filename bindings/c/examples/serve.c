/* serve.c: runs the embedded mail server until interrupted.
 *
 *   mailwire-server [option=value ...]
 *
 * Options are those of mw_server_set (users=alice:secret, ca_out=/tmp/ca.pem,
 * store=/tmp/Maildir, smtp_port=2525, ...).  When it is ready it prints one
 * line per service, "MW_<SERVICE>_PORT=<port>", then "MW_READY=1", so a
 * script can read the ports; it stops on SIGINT, SIGTERM or end of input. */
#include <signal.h>
#include <stdio.h>
#include <ctype.h>
#include <string.h>
#include <unistd.h>
#include "mailwire.h"

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv) {
    int srv = mw_server_new();
    for (int i = 1; i < argc; i++) {
        char opt[128];
        const char *eq = strchr(argv[i], '=');
        if (!eq || (size_t)(eq - argv[i]) >= sizeof opt) {
            fprintf(stderr, "mailwire-server: want option=value, got %s\n", argv[i]);
            return 2;
        }
        memcpy(opt, argv[i], eq - argv[i]);
        opt[eq - argv[i]] = 0;
        int rc = mw_server_set(srv, opt, eq + 1);
        if (rc < 0) {
            fprintf(stderr, "mailwire-server: %s: %s\n", opt, mw_errmsg(srv));
            return 2;
        }
    }
    if (mw_server_start(srv) < 0) {
        fprintf(stderr, "mailwire-server: %s\n", mw_errmsg(srv));
        return 1;
    }
    static const char *services[] = {"smtp", "submission", "smtps", "lmtp", "pop3", "pop3s", "imap", "imaps"};
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++) {
        int port = mw_server_port(srv, services[i]);
        if (port > 0) {
            char up[16];
            size_t j = 0;
            for (; services[i][j] && j < sizeof up - 1; j++) up[j] = (char)toupper((unsigned char)services[i][j]);
            up[j] = 0;
            printf("MW_%s_PORT=%d\n", up, port);
        }
    }
    printf("MW_READY=1\n");
    fflush(stdout);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_ONSTACK; /* the Go runtime in the process wants it */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    char buf[256];
    /* Wait for a signal, or for the end of input when stdin is a pipe. */
    while (!stop) {
        if (!isatty(0)) {
            ssize_t n = read(0, buf, sizeof buf);
            if (n == 0) break;
            if (n < 0) continue;
        } else {
            pause();
        }
    }
    mw_server_stop(srv);
    mw_close(srv);
    return 0;
}
