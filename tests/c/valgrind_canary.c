/* A deliberate bug: reads one byte past a buffer that the library handed
 * over. The valgrind suite expects memcheck to report it, which proves that
 * the suppressions of Go's false positives hide nothing on the caller's
 * side. Not a test of its own (no _test suffix). */
#include <stdio.h>
#include "mailwire.h"

int main(void) {
    int m = mw_message_new();
    char *out = NULL;
    size_t len = 0;
    mw_message_set(m, "Subject", "canary");
    if (mw_message_mime(m, &out, &len) != 0) return 2;
    volatile char past = out[len + 1]; /* one past the terminating NUL */
    (void)past;
    mw_free(out);
    mw_close(m);
    return 0;
}
