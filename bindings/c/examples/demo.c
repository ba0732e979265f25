/* demo.c: the RFC 3848 transmission types through the C API. */
#include <stdio.h>
#include "mailwire.h"

int main(void) {
    static const char *protocols[] = {"SMTP", "ESMTP", "LMTP"};
    printf("Mailwire %s\n\n%-8s %-5s %-5s %-5s  %s\n", mw_version(), "session", "TLS", "AUTH", "UTF8", "keyword");
    for (int p = 0; p < 3; p++)
        for (int flags = 0; flags < 8; flags++) {
            const char *kw = mw_with_keyword(protocols[p], flags);
            if (kw)
                printf("%-8s %-5s %-5s %-5s  %s\n", protocols[p], flags & MW_WITH_TLS ? "yes" : "-",
                       flags & MW_WITH_AUTH ? "yes" : "-", flags & MW_WITH_UTF8 ? "yes" : "-", kw);
        }
    return 0;
}
