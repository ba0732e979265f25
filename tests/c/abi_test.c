/* The foundation of the C ABI from C: versions, error texts, handles and the
 * RFC 3848 keyword functions, with every kind of bad input. */
#include <stdlib.h>
#include "mailwire.h"
#include "check.h"

static const struct { const char *kw, *proto; int flags; } keywords[] = {
    {"SMTP", "SMTP", 0},
    {"ESMTP", "ESMTP", 0}, {"ESMTPA", "ESMTP", MW_WITH_AUTH}, {"ESMTPS", "ESMTP", MW_WITH_TLS},
    {"ESMTPSA", "ESMTP", MW_WITH_TLS | MW_WITH_AUTH},
    {"LMTP", "LMTP", 0}, {"LMTPA", "LMTP", MW_WITH_AUTH}, {"LMTPS", "LMTP", MW_WITH_TLS},
    {"LMTPSA", "LMTP", MW_WITH_TLS | MW_WITH_AUTH},
    {"UTF8SMTP", "ESMTP", MW_WITH_UTF8}, {"UTF8SMTPA", "ESMTP", MW_WITH_UTF8 | MW_WITH_AUTH},
    {"UTF8SMTPS", "ESMTP", MW_WITH_UTF8 | MW_WITH_TLS},
    {"UTF8SMTPSA", "ESMTP", MW_WITH_UTF8 | MW_WITH_TLS | MW_WITH_AUTH},
    {"UTF8LMTP", "LMTP", MW_WITH_UTF8}, {"UTF8LMTPA", "LMTP", MW_WITH_UTF8 | MW_WITH_AUTH},
    {"UTF8LMTPS", "LMTP", MW_WITH_UTF8 | MW_WITH_TLS},
    {"UTF8LMTPSA", "LMTP", MW_WITH_UTF8 | MW_WITH_TLS | MW_WITH_AUTH},
};

static void lower(char *s) { for (; *s; s++) if (*s >= 'A' && *s <= 'Z') *s += 32; }

static void test_version(void) {
    CHECK_STR(mw_version(), MW_VERSION);
    CHECK_RC(mw_version_number(), MW_VERSION_NUMBER);
}

static void test_keywords(void) {
    size_t n = sizeof keywords / sizeof keywords[0];
    for (size_t i = 0; i < n; i++) {
        char low[32];
        strcpy(low, keywords[i].kw);
        lower(low);
        CHECK_STR(mw_with_keyword(keywords[i].proto, keywords[i].flags), keywords[i].kw);
        CHECK_RC(mw_with_flags(keywords[i].kw), keywords[i].flags);
        CHECK_RC(mw_with_flags(low), keywords[i].flags);
        CHECK_STR(mw_with_protocol(keywords[i].kw), keywords[i].proto);
        CHECK_STR(mw_with_protocol(low), keywords[i].proto);
        /* round trip: keyword -> (protocol, flags) -> keyword */
        CHECK_STR(mw_with_keyword(mw_with_protocol(low), mw_with_flags(low)), keywords[i].kw);
    }
    CHECK_STR(mw_with_keyword("esmtp", MW_WITH_TLS | MW_WITH_AUTH), "ESMTPSA");
    CHECK_STR(mw_with_keyword("lmtp", MW_WITH_AUTH), "LMTPA");
    /* nothing is registered for these */
    CHECK_STR(mw_with_keyword("SMTP", MW_WITH_TLS), NULL);
    CHECK_STR(mw_with_keyword("SMTP", MW_WITH_AUTH), NULL);
    CHECK_STR(mw_with_keyword("SMTP", MW_WITH_UTF8), NULL);
    CHECK_STR(mw_with_keyword("HTTP", 0), NULL);
    CHECK_STR(mw_with_keyword("", 0), NULL);
    CHECK_STR(mw_with_keyword("ESMTP", 8), NULL);
    CHECK_STR(mw_with_keyword("ESMTP", -1), NULL);
    CHECK_STR(mw_with_keyword(NULL, 0), NULL);
    CHECK_RC(mw_with_flags("LSMTPS"), MW_E_NOTFOUND);
    CHECK_RC(mw_with_flags("LSMTPA"), MW_E_NOTFOUND);
    CHECK_RC(mw_with_flags(""), MW_E_NOTFOUND);
    CHECK_RC(mw_with_flags("ESMTPAS"), MW_E_NOTFOUND);
    CHECK_RC(mw_with_flags(NULL), MW_E_ARG);
    CHECK_STR(mw_with_protocol("LSMTPA"), NULL);
    CHECK_STR(mw_with_protocol(NULL), NULL);
}

static void test_errors(void) {
    static const int codes[] = {MW_OK, MW_E_INTERNAL, MW_E_HANDLE, MW_E_ARG, MW_E_STATE, MW_E_OPTION,
        MW_E_FILE, MW_E_BUSY, MW_E_NOTFOUND, MW_E_PARSE, MW_E_PARTIAL, MW_E_REFUSED, MW_E_TEMPORARY,
        MW_E_AUTH, MW_E_TOOBIG, MW_E_UNSUPPORTED, MW_E_IO, MW_E_TIMEOUT, MW_E_TLS, MW_E_PROTOCOL,
        MW_E_SECURITY, MW_E_CANCELLED, MW_E_CONNECT, MW_E_CLOSED};
    const char *unknown = mw_strerror(-12345);
    CHECK(unknown != NULL && strcmp(unknown, "unknown error code") == 0, "unknown code text: %s", unknown);
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *s = mw_strerror(codes[i]);
        CHECK(s != NULL && *s && strcmp(s, unknown) != 0, "mw_strerror(%d) = %s", codes[i], s ? s : "(null)");
        CHECK(mw_strerror(codes[i]) == s, "mw_strerror(%d) is static", codes[i]);
    }
    CHECK_STR(mw_strerror(1), "unknown error code");
    CHECK_STR(mw_strerror(-2147483647 - 1), "unknown error code");
}

static void test_handles(void) {
    static const int bad[] = {0, -1, -2147483647 - 1, 2147483647, 99999};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_RC(mw_close(bad[i]), MW_E_HANDLE);
        const char *m = mw_errmsg(bad[i]);
        CHECK(m != NULL && strstr(m, "handle") != NULL, "mw_errmsg(%d) = %s", bad[i], m ? m : "(null)");
    }
    mw_free(NULL);
    CHECK_RC(mw_handle_count(), 0);
}

int main(void) {
    test_version();
    test_keywords();
    test_errors();
    test_handles();
    return DONE("abi_test");
}
