/*
 * mailwire.h: the C API of Mailwire, a native email component
 * (SMTP/LMTP sending, MIME, POP3, RFC 3848 trace, an embedded test server).
 *
 * Rules that hold for every function below:
 *
 * Threads.  A handle is used by one thread at a time; different handles may
 *   be used by different threads at the same time.  A call on a handle that
 *   another thread is using returns MW_E_BUSY instead of waiting.  Two
 *   exceptions: mw_cancel may be called from any thread, and a pool handle
 *   (mw_pool_*) is meant to be shared by many threads.  Callbacks are only
 *   ever invoked on the thread that made the call.
 *
 * Ownership.  Strings passed in are copied before the call returns.  A
 *   "const char *" returned by a function is owned by the library: it stays
 *   valid until the next call on the same handle (the library in fact keeps
 *   the last 16) or until the handle is closed; static strings (versions,
 *   error texts, keywords) live as long as the process.  Memory returned
 *   through a "char **out" argument belongs to the caller and must be
 *   released with mw_free, never with the caller's own free() (Windows hosts
 *   may use another heap).
 *
 * Encoding.  Every string, in and out, is UTF-8 and NUL-terminated.
 *
 * Errors.  Functions that return int return 0 (or a count or handle >= 0)
 *   on success and a negative MW_E_* code on failure.  mw_errmsg(handle)
 *   tells what went wrong in words; mw_strerror(code) gives a static text.
 *   Codes are grouped by what the caller must do next, and are only ever
 *   appended, never renumbered.
 *
 * Handles.  Handles are positive ints.  A stale, closed, never opened or
 *   wrong-kind handle gives MW_E_HANDLE, never a crash.  Every handle is
 *   released with mw_close.
 */
#ifndef MAILWIRE_H
#define MAILWIRE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* MW_API marks the library's functions: exported when building the
 * library, imported by callers.  MW_CALL is their calling convention: cdecl,
 * the only one a Go library exports (x64 has a single convention anyway). */
#if defined(_WIN32) || defined(__CYGWIN__)
#  if defined(MW_BUILDING)
#    define MW_API __declspec(dllexport)
#  else
#    define MW_API __declspec(dllimport)
#  endif
#  define MW_CALL __cdecl
#else
#  define MW_API __attribute__((visibility("default")))
#  define MW_CALL
#endif

/* Used inside the library to keep "const" in the signatures its toolchain
 * generates; callers can ignore them. */
typedef const char mw_cchar;
typedef const void mw_cvoid;

/* ---------------------------------------------------------------------- */
/* Version                                                                  */

#define MW_VERSION        "0.1.0"
#define MW_VERSION_NUMBER 100 /* MAJOR*10000 + MINOR*100 + PATCH */

/* The library's version, "MAJOR.MINOR.PATCH" (static).  Compare it with
 * MW_VERSION to check that header and library agree. */
MW_API const char *MW_CALL mw_version(void);

/* The library's version as MAJOR*10000 + MINOR*100 + PATCH, the form of
 * MW_VERSION_NUMBER. */
MW_API int MW_CALL mw_version_number(void);

/* ---------------------------------------------------------------------- */
/* Error codes                                                              */

#define MW_OK              0

/* The caller erred: fix the call.  Nothing went on the wire. */
#define MW_E_INTERNAL     -1  /* a bug in the library was caught; please report mw_errmsg */
#define MW_E_HANDLE       -2  /* bad handle: closed, never opened, or of another kind */
#define MW_E_ARG          -3  /* bad argument: NULL, out of range, CR/LF/NUL, bad address */
#define MW_E_STATE        -4  /* not valid now (not connected, already started, ...) */
#define MW_E_OPTION       -5  /* unknown option or bad option value */
#define MW_E_FILE         -6  /* a local file cannot be opened, read or written */
#define MW_E_BUSY         -7  /* the handle is in use by another thread */
#define MW_E_NOTFOUND     -8  /* no such item (index out of range, unregistered name) */
#define MW_E_PARSE        -9  /* input data cannot be parsed (a URL, a message) */

/* The server refused; the connection lives and the next call may work. */
#define MW_E_PARTIAL      -20 /* some recipients refused; the message went to the rest */
#define MW_E_REFUSED      -21 /* permanent refusal (5xx, -ERR) */
#define MW_E_TEMPORARY    -22 /* temporary refusal (4xx): try again later */
#define MW_E_AUTH         -23 /* authentication failed */
#define MW_E_TOOBIG       -24 /* the message exceeds the server's size limit */
#define MW_E_UNSUPPORTED  -25 /* the server lacks a needed extension or mechanism */

/* The connection is gone: connect again before the next call. */
#define MW_E_IO           -40 /* network error */
#define MW_E_TIMEOUT      -41 /* a step took longer than its timeout */
#define MW_E_TLS          -42 /* TLS handshake or certificate verification failed */
#define MW_E_PROTOCOL     -43 /* malformed, oversized or hostile reply */
#define MW_E_SECURITY     -44 /* TLS required but unavailable, or password without TLS refused */
#define MW_E_CANCELLED    -45 /* cancelled by mw_cancel */
#define MW_E_CONNECT      -46 /* cannot connect (refused, unreachable, unknown host) */
#define MW_E_CLOSED       -47 /* the server closed the connection (421 or end of stream) */

/* A static English text for any code, also for unknown codes
 * ("unknown error code").  Never NULL. */
MW_API const char *MW_CALL mw_strerror(int code);

/* The last error message of a handle: "" when its last call succeeded.
 * Library-owned.  For a handle that is not open it returns a static text
 * saying so.  Never NULL. */
MW_API const char *MW_CALL mw_errmsg(int handle);

/* ---------------------------------------------------------------------- */
/* Memory and handles                                                       */

/* Frees memory that the library handed to the caller through a "char **out"
 * argument.  NULL is a no-op. */
MW_API void MW_CALL mw_free(void *p);

/* Closes any handle (message, SMTP, POP3, server, pool) and releases
 * everything it owns: a connection is dropped without QUIT, a server is
 * stopped.  Returns 0, MW_E_HANDLE for a handle that is not open (closing
 * twice included) or MW_E_BUSY while another thread uses it. */
MW_API int MW_CALL mw_close(int handle);

/* The number of open handles (for leak checks in tests). */
MW_API int MW_CALL mw_handle_count(void);

/* ---------------------------------------------------------------------- */
/* Mail transmission types (RFC 3848, RFC 6531): the "with" keyword of a
 * Received header. */

#define MW_WITH_TLS  1 /* STARTTLS or implicit TLS was in force */
#define MW_WITH_AUTH 2 /* SMTP AUTH succeeded */
#define MW_WITH_UTF8 4 /* SMTPUTF8 was used (RFC 6531) */

/* The registered keyword for a session of "protocol" ("SMTP" for a HELO
 * session, "ESMTP" for EHLO, "LMTP" for LHLO; case-insensitive) with the
 * MW_WITH_* flags: SMTP; ESMTP, ESMTPA, ESMTPS, ESMTPSA; LMTP, LMTPA,
 * LMTPS, LMTPSA; UTF8SMTP, UTF8SMTPA, UTF8SMTPS, UTF8SMTPSA; UTF8LMTP,
 * UTF8LMTPA, UTF8LMTPS, UTF8LMTPSA.  Static string.  NULL when nothing is
 * registered for the combination ("SMTP" with any flag), for an unknown
 * protocol, unknown flag bits, or a NULL argument. */
MW_API const char *MW_CALL mw_with_keyword(const char *protocol, int flags);

/* The MW_WITH_* flags a registered keyword stands for (>= 0); keywords are
 * case-insensitive ("esmtpsa" as Exim writes it).  MW_E_NOTFOUND for an
 * unregistered keyword (also the misspelt "LSMTPS"), MW_E_ARG for NULL. */
MW_API int MW_CALL mw_with_flags(const char *keyword);

/* "SMTP", "ESMTP" or "LMTP": the protocol of a registered keyword
 * (UTF8SMTP* are ESMTP, UTF8LMTP* are LMTP).  Static string; NULL for an
 * unregistered keyword or NULL. */
MW_API const char *MW_CALL mw_with_protocol(const char *keyword);

#ifdef __cplusplus
}
#endif

#endif /* MAILWIRE_H */
