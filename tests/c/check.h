/* A small test harness for the C tests: CHECK counts, DONE prints the
 * summary line "N passed, N failed" and returns the exit status. */
#ifndef MW_CHECK_H
#define MW_CHECK_H
#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond, ...) do { \
    if (cond) { check_passed++; } \
    else { check_failed++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
           fprintf(stderr, __VA_ARGS__); fprintf(stderr, "  [%s]\n", #cond); } \
} while (0)

#define CHECK_RC(expr, want) do { int rc_ = (expr); \
    CHECK(rc_ == (want), "%s = %d (%s), want %d", #expr, rc_, mw_strerror(rc_), (want)); } while (0)

#define CHECK_STR(expr, want) do { const char *s_ = (expr); const char *w_ = (want); \
    CHECK((s_ == NULL && w_ == NULL) || (s_ && w_ && strcmp(s_, w_) == 0), \
          "%s = \"%s\", want \"%s\"", #expr, s_ ? s_ : "(null)", w_ ? w_ : "(null)"); } while (0)

#define DONE(name) (printf("%s: %d passed, %d failed\n", (name), check_passed, check_failed), check_failed ? 1 : 0)

#endif
