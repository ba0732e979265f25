/* bcryptprimitives.c: a stand-in for Windows 10's bcryptprimitives.dll,
 * which Wine 8 lacks.  The Go runtime in mailwire.dll imports ProcessPrng
 * from it and stops at start-up without it.  For Wine test prefixes only:
 * real Windows 10 and later have the genuine DLL. */
#include <windows.h>
#include <bcrypt.h>

/* ProcessPrng fills buf with len random bytes from the system RNG and
 * returns TRUE, as the real function always does. */
BOOL WINAPI ProcessPrng(PBYTE buf, SIZE_T len) {
    while (len > 0) {
        ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (BCryptGenRandom(NULL, buf, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) return FALSE;
        buf += n;
        len -= n;
    }
    return TRUE;
}
