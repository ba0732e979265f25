/*
 * mailwire.h: the C API of Mailwire, a native email component
 * (SMTP/LMTP sending, MIME, POP3, RFC 3848 trace, an embedded test server).
 *
 * Rules that hold for every function below:
 *
 * Threads.  A handle is used by one thread at a time; different handles may
 *   be used by different threads at the same time.  A call on a handle that
 *   another thread is using returns MW_E_BUSY instead of waiting.  Three
 *   exceptions: mw_cancel may be called from any thread, and a pool handle
 *   (mw_pool_*) and an OAuth2 handle (mw_oauth2_*) are meant to be shared by
 *   many threads and by many SMTP, POP3 and pool handles at once.  On an
 *   OAuth2 handle, mw_errmsg and mw_errcode give the calling thread's last
 *   call.  Callbacks are only ever invoked on the thread that made the call,
 *   and may call the library themselves (mw_cancel of the running call's
 *   handle included).  Any number of threads may call into the library, for
 *   the first time all at once or later, with no warm-up and no setting.  In
 *   most hosts a call runs on the calling thread; a thread's first call binds
 *   it to the library's runtime, one thread at a time (microseconds each,
 *   never while another thread's network call runs), waiting with its signals
 *   open; later calls take no lock.  When the host process runs Mono, whose
 *   garbage collector stops threads with signals and could otherwise stop one
 *   inside the library's runtime while another waits for it, a host thread
 *   never runs the library's code: each call is run by a worker thread of the
 *   library (made when none is idle, ended after 30 s without work) while the
 *   calling thread waits where the collector can stop it at any moment;
 *   callbacks are passed back to the waiting thread and run there.  That costs
 *   some microseconds per call (two thread switches), nothing else changes.
 *   The environment variable MAILWIRE_HANDOFF=1 selects this mode in any host
 *   and MAILWIRE_HANDOFF=0 turns it off (for tests and measurements; not
 *   needed otherwise).
 *
 * Fork.  The library does not survive fork(): the threads of the Go runtime
 *   inside it are not copied into the child.  In a process forked after the
 *   library was loaded, every function returns at once and does nothing:
 *   MW_E_STATE from a function that returns int or long long, NULL from one
 *   that returns a pointer, and from mw_errmsg and mw_strerror the text
 *   "loaded before fork(): load Mailwire in the child, not in the parent".
 *   So load the library in the process that uses it, after the fork: in
 *   each worker, not in a parent that forks them (PHP-FPM or Apache
 *   preloading it, process managers, prefork servers, daemon()).  A child
 *   that only runs exec() is fine, and so are posix_spawn(), system() and
 *   popen().
 *
 * Ownership.  Strings passed in are copied before the call returns.  A
 *   "const char *" returned by a function is owned by the library: it stays
 *   valid until the next call on the same handle (the library in fact keeps
 *   the last 16; an OAuth2 handle's rule is in its section) or until the
 *   handle is closed; static strings (versions,
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
 *   Every function may also give these, which the descriptions below do
 *   not repeat: MW_E_HANDLE (see Handles), MW_E_BUSY (see Threads),
 *   MW_E_ARG for a NULL where a string or pointer is required or for a
 *   string with CR, LF or invalid UTF-8 where a line is expected, and
 *   MW_E_INTERNAL for a caught bug.
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
typedef const int mw_cint;
typedef const long long mw_cllong;

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

/* The code of the last call on a handle: 0 when it succeeded, else the
 * MW_E_* code it returned.  Useful after a function that returns a string
 * (NULL on error).  MW_E_HANDLE for a handle that is not open. */
MW_API int MW_CALL mw_errcode(int handle);

/* ---------------------------------------------------------------------- */
/* Memory and handles                                                       */

/* Frees memory that the library handed to the caller through a "char **out"
 * argument.  NULL is a no-op. */
MW_API void MW_CALL mw_free(void *p);

/* Closes any handle (message, SMTP, POP3, IMAP, server, pool, OAuth2) and releases
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

/* ---------------------------------------------------------------------- */
/* Messages: compose, render, parse (RFC 5322, MIME RFC 2045-2049,        */
/* RFC 2047 encoded words, RFC 2231 parameters).                            */

/* A new, empty message.  Returns a handle (> 0) or a negative code. */
MW_API int MW_CALL mw_message_new(void);

/* Sets a field.  Names are case-insensitive: "From", "Sender", "ReplyTo",
 * "Subject", "TextBody", "HtmlBody", "Priority" ("high", "normal", "low"),
 * "ReadReceiptTo" (Disposition-Notification-To), "Date" (RFC 5322 date;
 * the time of rendering when unset), "MessageId" (generated when unset),
 * "Organization"; any other valid header name sets a custom header.  An
 * empty value removes the field.  Values are UTF-8; non-ASCII is encoded
 * when rendering.  Returns 0, MW_E_ARG for a NULL name, a CR, LF or NUL in
 * a header value, an invalid header name, a name the library owns
 * (Content-Type, MIME-Version, ...) or an address that does not parse. */
MW_API int MW_CALL mw_message_set(int msg, const char *name, const char *value);

/* Gets a field: the names of mw_message_set, plus "To", "Cc", "Bcc" (as a
 * decoded "Name <a@b>, ..." list) and, for a parsed message, any header by
 * name (the first one, decoded to UTF-8).  A parsed message's address
 * fields are read as other mail readers read them: comments and obsolete
 * white space are dropped, a list that lacks a comma gives the mailboxes
 * before the gap ("A <a@x> B <b@x>" gives "A <a@x>"), a bounce's null
 * sender is "<>"; a field with no address that can be read without
 * guessing (such as "a@evil.example@good.example") comes back as its
 * decoded text, which is not an address.  Library-owned; NULL when the
 * field is absent or on error (then mw_errmsg tells). */
MW_API const char *MW_CALL mw_message_get(int msg, const char *name);

/* Adds recipients: "a@b", "Name <a@b>", "\"Last, First\" <a@b>" or a
 * comma-separated list of those.  Bcc recipients get the message but never
 * appear in it.  Returns 0, or MW_E_ARG when an address is invalid or
 * ambiguous (nothing is added then). */
MW_API int MW_CALL mw_message_add_to(int msg, const char *addresses);
MW_API int MW_CALL mw_message_add_cc(int msg, const char *addresses);
MW_API int MW_CALL mw_message_add_bcc(int msg, const char *addresses);

/* Attaches a file.  The file must be readable now (MW_E_FILE otherwise);
 * its content is read only when the message is rendered or sent, streamed,
 * never held whole in memory.  name is the file name shown to the
 * recipient (NULL: the path's base name); content_type NULL guesses from
 * the extension.  Returns 0 or a negative code. */
MW_API int MW_CALL mw_message_attach_file(int msg, const char *path, const char *name, const char *content_type);

/* Attaches len bytes from memory (copied before the call returns).
 * Returns 0, or MW_E_ARG (NULL data with len > 0, or a name or content
 * type that cannot be used). */
MW_API int MW_CALL mw_message_attach_data(int msg, const void *data, size_t len, const char *name, const char *content_type);

/* Embeds a file as an inline part (an image, say) that the HTML body shows
 * with <img src="cid:content_id">.  Returns 0, MW_E_FILE when the file is
 * not readable, or MW_E_ARG for an unusable content id. */
MW_API int MW_CALL mw_message_embed_file(int msg, const char *path, const char *content_id);

/* Renders the whole message (CRLF line ends) into a new buffer.  *out is
 * the caller's, to free with mw_free; it is NUL-terminated for convenience
 * and *len excludes the NUL.  Returns 0 or a negative code (*out is NULL). */
MW_API int MW_CALL mw_message_mime(int msg, char **out, size_t *len);

/* Writes the rendered message to a file (.eml), streaming; a partly
 * written file is removed.  Returns 0, MW_E_FILE (the file cannot be
 * written, or an attached file cannot be read any more). */
MW_API int MW_CALL mw_message_save(int msg, const char *path);

/* The exact size in bytes of the rendered message, without rendering it;
 * or a negative code. */
MW_API long long MW_CALL mw_message_size(int msg);

/* Replaces the message's content with the message parsed from len bytes.
 * The parser is lenient with broken mail and strict where safety is at
 * stake (bounded nesting and header sizes).  Returns 0, MW_E_PARSE, or
 * MW_E_ARG for NULL data with len > 0. */
MW_API int MW_CALL mw_message_parse(int msg, const void *data, size_t len);

/* The same from a file, streaming: large parts are spooled to temporary
 * files that mw_close removes.  Returns 0, MW_E_FILE (cannot open or read)
 * or MW_E_PARSE. */
MW_API int MW_CALL mw_message_load(int msg, const char *path);

/* The number of attachments (files and inline parts that are not the text
 * or HTML body), >= 0. */
MW_API int MW_CALL mw_message_attachment_count(int msg);

/* A field of attachment i (0-based): "name" (decoded file name),
 * "content_type", "size" (decoded bytes, as decimal text), "content_id",
 * "disposition" ("attachment" or "inline").  Library-owned; NULL when the
 * field is empty, for an unknown field (MW_E_ARG) or index (MW_E_NOTFOUND). */
MW_API const char *MW_CALL mw_message_attachment(int msg, int i, const char *field);

/* Saves attachment i, decoded.  When path is an existing directory the
 * attachment's own name is used inside it, made safe (no directory parts,
 * no "..", no reserved names): a hostile name never writes elsewhere.  A
 * partly written file is removed.  Returns 0, MW_E_NOTFOUND for a bad
 * index, MW_E_FILE. */
MW_API int MW_CALL mw_message_attachment_save(int msg, int i, const char *path);

/* Attachment i's decoded bytes in a new buffer: free *out with mw_free.
 * Returns 0 or MW_E_NOTFOUND for a bad index (*out is NULL on error). */
MW_API int MW_CALL mw_message_attachment_data(int msg, int i, char **out, size_t *len);

/* The number of Received headers (hops), >= 0.  Hop 0 is the newest (the
 * last server that handled the message), as they appear in the message. */
MW_API int MW_CALL mw_message_trace_count(int msg);

/* A clause of hop's Received header: "from", "by", "via", "with", "id",
 * "for", "date" (as written), or "raw" (the whole value, unfolded).
 * Library-owned; NULL when the hop has no such clause (mw_errcode 0), for
 * a bad hop (MW_E_NOTFOUND) or an unknown field (MW_E_ARG). */
MW_API const char *MW_CALL mw_message_trace(int msg, int hop, const char *field);

/* The MW_WITH_* flags of hop's "with" keyword (>= 0), MW_E_NOTFOUND when
 * the keyword is not a registered transmission type (or there is none). */
MW_API int MW_CALL mw_message_trace_flags(int msg, int hop);

/* ---------------------------------------------------------------------- */
/* Sending: SMTP, submission and LMTP (RFC 5321, 6409, 2033).               */

/* Progress of a transfer: bytes done so far of total (-1 when unknown).
 * Called on the thread that made the call, never after it returns. */
typedef void (MW_CALL *mw_progress_fn)(void *user, long long done, long long total);

/* A new SMTP client.  Returns a handle or a negative code. */
MW_API int MW_CALL mw_smtp_new(void);

/* Sets an option (names case-insensitive, values as text):
 *   host, port            the server (port default: 465 for "tls", 24 for
 *                         LMTP, else 587)
 *   security              "tls" (implicit TLS), "starttls" (required),
 *                         "starttls-optional" (only when named), "none";
 *                         unset: "tls" on port 465, "starttls" elsewhere
 *   username, password    credentials; token: an OAuth2 bearer token
 *   auth                  "auto" (default: the strongest offered for the
 *                         credentials), "plain", "login", "cram-md5",
 *                         "scram-sha-256", "xoauth2", "oauthbearer"
 *   helo                  the EHLO/LHLO name (default: this host's name)
 *   timeout               seconds per command (default 60); data_timeout:
 *                         seconds for the reply after the data (default 600)
 *   protocol              "smtp" (default) or "lmtp"
 *   ca_file               PEM file of CAs to trust instead of the system's
 *   tls_verify            "1" (default) or "0"; pin: the certificate's
 *                         SHA-256 (hex), checked in addition
 *   allow_plaintext_auth  "0" (default): no password without TLS; "1" allows
 *   dsn_notify            "NEVER" or a list of SUCCESS,FAILURE,DELAY;
 *                         each recipient then carries ORCPT (rfc822, or
 *                         utf-8 for a non-ASCII address, RFC 6533)
 *   dsn_ret               "FULL" or "HDRS"; envid: the envelope id (RFC 3461)
 *   chunking, pipelining  "auto" (default) or "never"
 *   log_file              append a protocol log there, secrets replaced
 * Returns 0, MW_E_OPTION for an unknown option or bad value, MW_E_ARG for
 * NULL or CR/LF/NUL, MW_E_STATE while connected (disconnect first),
 * MW_E_FILE when log_file cannot be opened. */
MW_API int MW_CALL mw_smtp_set(int smtp, const char *option, const char *value);

/* Connects, greets (EHLO, HELO fallback; LHLO for LMTP), negotiates TLS as
 * "security" says and authenticates when credentials are set.  Returns 0 or
 * a code: MW_E_CONNECT, MW_E_TIMEOUT, MW_E_TLS, MW_E_SECURITY (TLS required
 * but not offered, or a password would go out in clear), MW_E_AUTH, ... */
MW_API int MW_CALL mw_smtp_connect(int smtp);

/* Sends msg to its To, Cc and Bcc recipients on the open connection
 * (PIPELINING, CHUNKING, SIZE, 8BITMIME, SMTPUTF8, DSN used as offered).
 * Returns 0 when every recipient was accepted; MW_E_PARTIAL when some were
 * refused and the message went to the others; another code when none was
 * accepted or the message was refused.  The per-recipient results are
 * then on both handles (mw_smtp_result_count).  Several messages may be
 * sent on one connection. */
MW_API int MW_CALL mw_smtp_send(int smtp, int msg);

/* Sends count messages on the open connection, one after the other, with
 * the commands of one message pipelined behind the data of the one before
 * when the server offers PIPELINING (RFC 2920 section 3.1), so that a
 * stream of messages costs about one round trip each, and a stream of BDAT
 * chunks (CHUNKING) flows without waiting.  Each message handle gets its
 * own results and error (mw_smtp_result_count(msg), mw_errcode(msg),
 * mw_errmsg(msg)).  Returns 0 when every recipient of every message
 * accepted it; MW_E_PARTIAL when some recipient or some message was refused
 * (see each message); the connection's code when it failed (the messages
 * not sent carry that code too).  msgs must hold count handles.  A call
 * returns once the last message is answered, so each call costs at least
 * one round trip: far from the server (tens of milliseconds), pass
 * thousands of messages a call, not tens.  A handle may appear more than
 * once. */
MW_API int MW_CALL mw_smtp_send_many(int smtp, const int *msgs, int count);

/* The number of recipient results of the last send; handle is the SMTP
 * handle or the message handle (that message's last send by mw_smtp_send,
 * mw_send or mw_pool_send).  >= 0. */
MW_API int MW_CALL mw_smtp_result_count(int handle);

/* A field of recipient result i: "address", "code" (e.g. "250"),
 * "enhanced" (e.g. "2.1.5", "" when the server has none), "text".
 * Library-owned; NULL for an unknown field or index. */
MW_API const char *MW_CALL mw_smtp_result(int handle, int i, const char *field);

/* The last reply code from the server (e.g. 250), 0 when none yet.  It
 * outlives the connection: after a refused greeting, a 421 or a refused
 * QUIT it is that reply's code, until the next mw_smtp_connect (which sets
 * it to 0 when no reply comes at all). */
MW_API int MW_CALL mw_smtp_reply_code(int smtp);

/* The last reply's text, as long as mw_smtp_reply_code's code.
 * Library-owned; "" when none yet. */
MW_API const char *MW_CALL mw_smtp_reply(int smtp);

/* The EHLO/LHLO keywords and parameters, one per line ("SIZE 52428800\n
 * PIPELINING\n...").  Library-owned; NULL when not connected. */
MW_API const char *MW_CALL mw_smtp_capabilities(int smtp);

/* Sends QUIT and closes the connection.  The handle may connect again.
 * Returns 0 (also when not connected), or the code of a failed QUIT; the
 * connection is closed either way. */
MW_API int MW_CALL mw_smtp_disconnect(int smtp);

/* Connect, send, quit in one call.  url: "smtp://", "smtps://" (implicit
 * TLS) or "lmtp://", then [user[:password]@]host[:port], then options as
 * query parameters (?security=starttls&auth=plain&ca_file=/x.pem&log_file=
 * /tmp/smtp.log...); user
 * and password are percent-decoded.  Returns as mw_smtp_send; the error
 * message and the results are on the message handle. */
MW_API int MW_CALL mw_send(const char *url, int msg);

/* Sets the progress callback of an SMTP, POP3 or IMAP handle (NULL removes it),
 * also while connected: called with the bytes of the message sent or
 * retrieved so far.  Returns 0 (or MW_E_HANDLE for another kind). */
MW_API int MW_CALL mw_set_progress(int handle, mw_progress_fn fn, void *user);

/* One line of the protocol log: "C: " and a command, "S: " and a reply
 * line, or "* " and a note (TLS, reconnects); UTF-8, without line end,
 * with control characters as '?' and secrets (passwords, SASL exchanges)
 * as <secret>.  line is valid during the call only.  Called on the thread
 * that made the call, never after it returns. */
typedef void (MW_CALL *mw_log_fn)(void *user, const char *line);

/* Sets the protocol log callback of an SMTP, POP3 or IMAP handle (NULL
 * removes it), before mw_smtp_connect / mw_pop3_connect / mw_imap_connect: each line of the session
 * then goes to fn, beside the log_file option's file if one is set.
 * (Pools log only to log_file: their connections are shared by threads.)
 * Returns 0, MW_E_HANDLE (also for a handle of another kind) or
 * MW_E_STATE while connected. */
MW_API int MW_CALL mw_set_log(int handle, mw_log_fn fn, void *user);

/* Aborts the operation in flight on handle (SMTP, POP3, IMAP or pool): it returns
 * MW_E_CANCELLED promptly and the connection is closed.  On an OAuth2
 * handle it aborts the token request or device polling in flight (every
 * thread waiting for it gets MW_E_CANCELLED); the handle stays usable.
 * The one call that may come from another thread.  Returns 0 (also when
 * nothing is in flight) or MW_E_HANDLE. */
MW_API int MW_CALL mw_cancel(int handle);

/* A pool of SMTP connections shared by many threads.  A pool handle keeps
 * no error message (mw_errmsg gives "", mw_errcode 0): mw_pool_set's code
 * says what went wrong, and mw_pool_send's message is on the message
 * handle. */
MW_API int MW_CALL mw_pool_new(void);

/* The SMTP options, plus "max_connections" (default 4) and "idle_timeout"
 * (seconds an unused connection stays open, default 30).  Options are set
 * before the first send (MW_E_STATE after). */
MW_API int MW_CALL mw_pool_set(int pool, const char *option, const char *value);

/* Sends msg on a pooled connection; thread-safe (each thread its own msg).
 * A connection is reset before reuse and dropped after a 421 or an I/O
 * error; a send is retried once on a fresh connection only when it failed
 * before the data went out, so no message is delivered twice.  Sends that
 * wait for a connection (more threads than max_connections) queue up, and
 * the next one to get a connection takes up to 31 of them along with its
 * own, pipelined as by mw_smtp_send_many; each still gets its own results.
 * Returns as mw_smtp_send; results and the error message are on the
 * message handle. */
MW_API int MW_CALL mw_pool_send(int pool, int msg);

/* ---------------------------------------------------------------------- */
/* Receiving: POP3 (RFC 1939, 2449, 2595, 5034).                            */

/* A new POP3 client. */
MW_API int MW_CALL mw_pop3_new(void);

/* Options: host, port, security ("tls", "starttls" (STLS, required),
 * "starttls-optional", "none"; unset: "tls" on port 995 or when no port is
 * set (then port 995), "starttls" on any other port; "starttls" alone
 * means port 110), username, password, token, auth ("auto",
 * "user", "apop", or a SASL mechanism as for SMTP), timeout, ca_file,
 * tls_verify, pin, allow_plaintext_auth, log_file.  Codes as mw_smtp_set. */
MW_API int MW_CALL mw_pop3_set(int pop, const char *option, const char *value);

/* Connects, negotiates TLS, logs in.  Returns as mw_smtp_connect:
 * MW_E_STATE when already connected, MW_E_CONNECT, MW_E_TIMEOUT, MW_E_TLS,
 * MW_E_SECURITY (a password would go in clear), MW_E_AUTH, MW_E_PROTOCOL,
 * MW_E_CANCELLED. */
MW_API int MW_CALL mw_pop3_connect(int pop);

/* The number of messages in the maildrop (STAT), >= 0. */
MW_API int MW_CALL mw_pop3_count(int pop);

/* The size in octets of message number (1..count, as RFC 1939 numbers
 * them), or a negative code (MW_E_NOTFOUND for a bad number). */
MW_API long long MW_CALL mw_pop3_size(int pop, int number);

/* The unique id of message number (UIDL).  Library-owned; NULL on error. */
MW_API const char *MW_CALL mw_pop3_uid(int pop, int number);

/* Retrieves message number (RETR) into the message handle msg, parsed
 * while it streams from the socket.  Returns 0, MW_E_NOTFOUND for a bad
 * or deleted number, MW_E_REFUSED when the server says -ERR, MW_E_STATE
 * when not connected, or a connection code (-40 and below: the connection
 * is then closed). */
MW_API int MW_CALL mw_pop3_retrieve(int pop, int number, int msg);

/* Retrieves message number (RETR) as the server sent it (unstuffed, CRLF
 * line ends) into a new buffer: free *out with mw_free.  Codes as
 * mw_pop3_retrieve, and MW_E_TOOBIG above 1 GiB (use
 * mw_pop3_retrieve_file). */
MW_API int MW_CALL mw_pop3_retrieve_data(int pop, int number, char **out, size_t *len);

/* Retrieves messages first .. first+count-1 into the message handles
 * msgs[0 .. count-1], with the RETR commands pipelined when the server
 * offers PIPELINING (RFC 2449); with del != 0 each message is also marked
 * deleted (DELE, pipelined too), to take effect at mw_pop3_disconnect.
 * Returns 0, or the first error; each message handle carries its own.  A
 * handle repeated in msgs is MW_E_ARG (nothing is retrieved then). */
MW_API int MW_CALL mw_pop3_retrieve_many(int pop, int first, int count, const int *msgs, int del);

/* Retrieves message number into a file, streaming, as received; a partly
 * written file is removed.  Codes as mw_pop3_retrieve, and MW_E_FILE. */
MW_API int MW_CALL mw_pop3_retrieve_file(int pop, int number, const char *path);

/* The headers and the first lines of the body of message number (TOP) into
 * msg.  Codes as mw_pop3_retrieve. */
MW_API int MW_CALL mw_pop3_top(int pop, int number, int lines, int msg);

/* Marks message number deleted; it goes at mw_pop3_disconnect (QUIT).
 * Codes as mw_pop3_retrieve. */
MW_API int MW_CALL mw_pop3_delete(int pop, int number);

/* Unmarks every deleted message (RSET).  Codes as mw_pop3_retrieve. */
MW_API int MW_CALL mw_pop3_reset(int pop);

/* The CAPA capabilities, one per line.  Library-owned; NULL when not
 * connected. */
MW_API const char *MW_CALL mw_pop3_capabilities(int pop);

/* QUIT: deletions take effect; the connection is closed.  Returns 0 (also
 * when not connected), or the code of a failed QUIT (the deletions may
 * then not have taken effect); the connection is closed either way. */
MW_API int MW_CALL mw_pop3_disconnect(int pop);

/* ---------------------------------------------------------------------- */
/* OAuth 2.0 tokens for Microsoft 365 and Gmail (RFC 6749, RFC 8628).       */
/*
 * An OAuth2 handle holds a client's credentials and the access token they
 * give, and gets a new token when the one it holds is about to expire.
 * Give it to SMTP, POP3, IMAP and pool handles (mw_smtp_use_oauth2, ...): they
 * take a token at connect and authenticate with OAUTHBEARER or XOAUTH2,
 * whichever the server offers, as the "username" option's mailbox.  One
 * handle may serve any number of them on any number of threads: it makes
 * one request at a time, and a thread that needs a token while another
 * fetches one waits for that one.
 *
 * Requests go to the token endpoint over https with the certificate
 * verified; secrets (client_secret, tokens, refresh tokens, device codes)
 * never appear in mw_errmsg or in log_file, where they are "<secret>".
 *
 * Strings returned by an OAuth2 handle are library-owned, shared by its
 * threads: each stays valid until 64 other distinct strings have been
 * returned by the handle, or until it is closed.  Copy a token you keep.
 */

/* A new OAuth2 object.  Returns a handle or a negative code. */
MW_API int MW_CALL mw_oauth2_new(void);

/* Sets an option (names case-insensitive):
 *   provider       "microsoft" (Microsoft 365: the identity platform's v2.0
 *                  endpoints for "tenant"; scope "https://outlook.office.com/
 *                  SMTP.Send .../POP.AccessAsUser.All .../IMAP.AccessAsUser.All
 *                  offline_access", or "https://outlook.office365.com/
 *                  .default" for client_credentials) or "google" (Gmail:
 *                  oauth2.googleapis.com, scope "https://mail.google.com/";
 *                  Google grants that scope with a refresh token only: its
 *                  device flow refuses it and it has no client credentials)
 *   tenant         Microsoft tenant: "common" (default), "organizations",
 *                  a domain or the tenant id (client_credentials needs one)
 *   token_url      the token endpoint; device_url: the device authorization
 *                  endpoint (both filled by provider when unset)
 *   client_id      the application's id; client_secret: its secret, for a
 *                  confidential client (none for a public desktop client)
 *   client_auth    how a secret is sent: "basic" (default: HTTP Basic, RFC
 *                  6749 section 2.3.1) or "post" (in the form body)
 *   grant          "refresh_token" (default: needs refresh_token),
 *                  "client_credentials" (a service acting as itself),
 *                  "device_code" (a user signs in on another device, see
 *                  mw_oauth2_device_start; later refreshes use the refresh
 *                  token it gave)
 *   refresh_token  the refresh token (persist the one mw_oauth2_get gives:
 *                  the server may replace it at every refresh)
 *   access_token, expires_at   a token kept from an earlier run and its
 *                  expiry (Unix seconds; 0 unknown), used until it expires
 *   scope          space-separated scopes (default: the provider's)
 *   ca_file        PEM file of CAs to trust instead of the system's
 *   tls_verify     "1" (default) or "0", which, like plain http, is only
 *                  allowed for a loopback address (a test server)
 *   timeout        seconds per request (default 30)
 *   log_file       append a log of the requests, secrets as <secret>
 * Setting provider, tenant, token_url, client_id, client_secret, scope,
 * grant or refresh_token forgets the access token held.  Returns 0,
 * MW_E_OPTION (unknown option or bad value; a secret's value is never
 * quoted), MW_E_ARG, MW_E_FILE (log_file). */
MW_API int MW_CALL mw_oauth2_set(int oauth, const char *option, const char *value);

/* A valid access token: the one held when it has 60 seconds or more left
 * (or no known expiry), else a new one requested now with the grant in
 * force: the refresh token (RFC 6749 section 6), the client credentials
 * (section 4.4), or, for "device_code" after mw_oauth2_device_start,
 * polling until the user has signed in, denied or let the code expire
 * (RFC 8628; the server's interval and slow_down are honoured; this can
 * take minutes: mw_oauth2_device_poll does one step).  Library-owned (see
 * above); NULL on error, with mw_errmsg holding the server's error and
 * error_description and mw_errcode the code: MW_E_AUTH (invalid_grant,
 * invalid_client, access_denied, expired_token, ...: the user or the
 * application must sign in or be set up again), MW_E_TEMPORARY (5xx,
 * temporarily_unavailable), MW_E_REFUSED (another refusal), MW_E_PROTOCOL
 * (an HTML page, invalid JSON, more than 1 MiB, a redirect),
 * MW_E_CONNECT, MW_E_TLS, MW_E_TIMEOUT, MW_E_IO, MW_E_SECURITY (http, or
 * tls_verify=0, for an endpoint that is not loopback), MW_E_STATE (no
 * refresh token, no device authorization started), MW_E_CANCELLED. */
MW_API const char *MW_CALL mw_oauth2_token(int oauth);

/* A field: "access_token", "refresh_token" (persist it after every
 * call that may have refreshed), "expires_at" (Unix seconds), "token_type",
 * "scope" (as granted), "user_code", "verification_uri",
 * "verification_uri_complete", "message" (the provider's sign-in
 * instructions), "interval" (seconds between polls), "device_expires_at",
 * "error" and "error_description" (the last error the server sent, e.g.
 * "invalid_grant" or "authorization_pending"), "token_url", "device_url",
 * "grant".  Never makes a request nor waits for one.  Library-owned; NULL
 * when the field has no value (mw_errcode 0) or is unknown (MW_E_ARG). */
MW_API const char *MW_CALL mw_oauth2_get(int oauth, const char *field);

/* Starts the device authorization grant (RFC 8628 section 3.1) for
 * client_id and scope: afterwards "user_code" and "verification_uri" (and
 * "message") tell the user where to sign in and what to type; then
 * mw_oauth2_token or mw_oauth2_device_poll waits for the sign-in.  Replaces
 * a device authorization started before.  Returns 0 or a code as
 * mw_oauth2_token's (MW_E_OPTION without client_id or device_url). */
MW_API int MW_CALL mw_oauth2_device_start(int oauth);

/* One step of the device authorization: waits until the interval since the
 * last poll has passed (at most that long), then asks the token endpoint
 * once.  Returns 0 when the user has signed in (the token is held: see
 * mw_oauth2_token), 1 while the sign-in is pending (call again), or a
 * negative code: MW_E_AUTH when the user denied it or the code expired
 * (start again), MW_E_STATE when none is in progress, or a code as
 * mw_oauth2_token's. */
MW_API int MW_CALL mw_oauth2_device_poll(int oauth);

/* Makes an SMTP handle take its token from oauth at every connect
 * (oauth 0: no more).  The handle keeps the object: closing the oauth
 * handle does not stop it.  The "username" option names the mailbox; the
 * "token" option is not used meanwhile.  When the server refuses the token,
 * the client gets a new one once and tries once more, on the same
 * connection or, when the server closed it, a new one; then mw_smtp_connect
 * fails with MW_E_AUTH (or the code of the token request that failed).
 * Returns 0, MW_E_HANDLE (oauth is not an open OAuth2 handle), MW_E_STATE
 * while connected. */
MW_API int MW_CALL mw_smtp_use_oauth2(int smtp, int oauth);

/* The same for a POP3 handle. */
MW_API int MW_CALL mw_pop3_use_oauth2(int pop, int oauth);

/* The same for an IMAP handle (AUTHENTICATE XOAUTH2 or OAUTHBEARER, RFC
 * 7628; a refused AUTHENTICATE leaves the connection usable for the second
 * try, RFC 3501 section 6.2.2). */
MW_API int MW_CALL mw_imap_use_oauth2(int imap, int oauth);

/* The same for a pool, before its first send (MW_E_STATE after): every
 * connection of the pool takes its token from oauth, and a refused token
 * is replaced once for all of them. */
MW_API int MW_CALL mw_pool_use_oauth2(int pool, int oauth);

/* ---------------------------------------------------------------------- */
/* Receiving: IMAP (RFC 3501 IMAP4rev1, RFC 9051 IMAP4rev2 when offered).   */
/* Messages are named by UID (1 .. 4294967295), never by sequence number;  */
/* a UID stays valid while the folder's "uidvalidity" stays the same.      */
/* Folder names are UTF-8 in the API (modified UTF-7 or UTF-8 on the wire, */
/* RFC 3501 5.1.3, RFC 6855).  Every string goes on the wire quoted or as  */
/* a literal; a value with CR, LF or NUL is MW_E_ARG before anything is    */
/* sent.  mw_set_log, mw_set_progress, mw_cancel, mw_errmsg and mw_close   */
/* work on IMAP handles as on POP3 ones.                                   */

/* A new IMAP client. */
MW_API int MW_CALL mw_imap_new(void);

/* Options as for POP3: host, port, security ("tls", "starttls" (required;
 * also refused when the server greets with PREAUTH), "starttls-optional",
 * "none"; unset: "tls" on port 993 or when no port is set (then port 993),
 * "starttls" on any other port; "starttls" alone means port 143),
 * username, password, token, auth ("auto": a SASL mechanism of the
 * server's AUTH= list, else the LOGIN command; "login": the LOGIN command;
 * or a SASL mechanism as for SMTP), timeout, ca_file, tls_verify, pin,
 * allow_plaintext_auth (the LOGIN command and the PLAIN, LOGIN, XOAUTH2 and
 * OAUTHBEARER mechanisms need TLS unless it is set), log_file.  Codes as
 * mw_smtp_set. */
MW_API int MW_CALL mw_imap_set(int imap, const char *option, const char *value);

/* Connects, negotiates TLS, logs in, and enables IMAP4rev2 and UTF8=ACCEPT
 * when offered.  Returns as mw_pop3_connect. */
MW_API int MW_CALL mw_imap_connect(int imap);

/* The server's capabilities, one per line ("IMAP4rev1\nIDLE\n...").
 * Library-owned; NULL when not connected. */
MW_API const char *MW_CALL mw_imap_capabilities(int imap);

/* Lists every folder (LIST "" "*", with the special-use attributes and the
 * counts of LIST-STATUS when the server offers them) and returns how many
 * there are, >= 0; mw_imap_folder reads them.  Codes as mw_pop3_retrieve. */
MW_API int MW_CALL mw_imap_folder_count(int imap);

/* A field of folder i (0-based) of the last mw_imap_folder_count: "name"
 * (UTF-8, with the delimiter between levels), "delimiter" ("" when the
 * server has none), "flags" (the attributes, space-separated: "\HasChildren
 * \Noselect"...), "special_use" ("\Sent", "\Trash", "\Drafts", "\Junk",
 * "\Archive", "\All", "\Flagged" or ""), and with LIST-STATUS "messages",
 * "unseen", "uidnext", "uidvalidity" (decimal; "" when the server did not
 * say).  Library-owned; NULL for an unknown field (MW_E_ARG) or index
 * (MW_E_NOTFOUND). */
MW_API const char *MW_CALL mw_imap_folder(int imap, int i, const char *field);

/* Creates a folder (CREATE).  Returns 0, MW_E_REFUSED when the server says
 * NO (it exists, bad name), MW_E_ARG for a bad name, or a connection code
 * (-40 and below: the connection is then closed). */
MW_API int MW_CALL mw_imap_create(int imap, const char *folder);

/* Renames a folder (RENAME).  Codes as mw_imap_create. */
MW_API int MW_CALL mw_imap_rename(int imap, const char *from, const char *to);

/* Deletes a folder (DELETE).  Codes as mw_imap_create, MW_E_NOTFOUND when
 * the server says it does not exist. */
MW_API int MW_CALL mw_imap_delete_folder(int imap, const char *folder);

/* Opens a folder (SELECT, or EXAMINE when readonly != 0; with CONDSTORE
 * when offered) and returns its message count, >= 0.  A failed select
 * leaves no folder selected.  Codes as mw_imap_delete_folder. */
MW_API int MW_CALL mw_imap_select(int imap, const char *folder, int readonly);

/* A field of the selected folder, as decimal text: "uidvalidity",
 * "uidnext", "exists" (kept current as the server reports new and
 * expunged messages), "unseen" (the count of messages without \Seen,
 * asked with SEARCH when called), "highestmodseq" (CONDSTORE; "0" when
 * the server keeps none), "recent", and "name", "readonly" ("1" or "0").
 * Library-owned; NULL when no folder is selected (MW_E_STATE), for an
 * unknown field (MW_E_ARG) or on a failed SEARCH. */
MW_API const char *MW_CALL mw_imap_status(int imap, const char *field);

/* Searches the selected folder (UID SEARCH; ESEARCH when offered) and
 * returns the number of UIDs found, >= 0; mw_imap_search_uid reads them.
 * criteria is IMAP SEARCH syntax ("UNSEEN FROM \"alice\" SINCE
 * 1-Jan-2026"; "" or NULL means ALL).  Quoted strings may hold UTF-8: the
 * library sends them as literals with CHARSET UTF-8 (or quoted once
 * UTF8=ACCEPT is on).  MW_E_ARG, before anything is sent, for control
 * characters (CR, LF...), a quoted string not closed or with an escape
 * other than \" and \\, unbalanced parentheses, a literal ({n}), or
 * unquoted non-ASCII text.  Other codes as mw_pop3_retrieve. */
MW_API int MW_CALL mw_imap_search(int imap, const char *criteria);

/* UID i (0-based) of the last mw_imap_search, or MW_E_NOTFOUND. */
MW_API long long MW_CALL mw_imap_search_uid(int imap, int i);

/* Retrieves message uid (UID FETCH BODY.PEEK[]: \Seen is not set) into
 * the message handle msg, parsed while it streams from the socket.
 * Returns 0, MW_E_NOTFOUND when the folder has no such UID, MW_E_ARG for
 * a UID out of range, MW_E_STATE when no folder is selected, or a
 * connection code. */
MW_API int MW_CALL mw_imap_fetch(int imap, long long uid, int msg);

/* Retrieves message uid into a file, streaming, as received; a partly
 * written file is removed.  Codes as mw_imap_fetch, and MW_E_FILE. */
MW_API int MW_CALL mw_imap_fetch_file(int imap, long long uid, const char *path);

/* Retrieves messages uids[0 .. count-1] into the message handles
 * msgs[0 .. count-1] with one UID FETCH per 500 UIDs, so the server sends
 * them back to back.  Returns 0, or the first error; each message handle
 * carries its own (MW_E_NOTFOUND for a UID the server did not return).  A
 * handle repeated in msgs is MW_E_ARG (nothing is retrieved then). */
MW_API int MW_CALL mw_imap_fetch_many(int imap, const long long *uids, int count, const int *msgs);

/* The flags of message uid, space-separated ("\Seen $Label1"; "" for
 * none).  Library-owned; NULL on error (MW_E_NOTFOUND for no such UID). */
MW_API const char *MW_CALL mw_imap_flags(int imap, long long uid);

/* Changes the flags of message uid (UID STORE): mode +1 adds flags, -1
 * removes them, 0 replaces them all.  flags is space-separated ("\Seen
 * \Flagged $Work"); "" with mode 0 clears them.  Returns 0, MW_E_ARG for
 * a flag that is not an atom or is \Recent, or as mw_imap_fetch.  A UID
 * that is not in the folder (any more) changes nothing and is not an
 * error: servers answer OK to a UID set that names no message (RFC 3501
 * section 6.4.8); so do mw_imap_copy and mw_imap_move.  Check with
 * mw_imap_flags or mw_imap_search when it matters. */
MW_API int MW_CALL mw_imap_store(int imap, long long uid, const char *flags, int mode);

/* Copies message uid to folder (UID COPY).  Codes as mw_imap_store;
 * MW_E_NOTFOUND when the folder does not exist. */
MW_API int MW_CALL mw_imap_copy(int imap, long long uid, const char *folder);

/* Moves message uid to folder: UID MOVE when offered, else UID COPY, the
 * \Deleted flag and UID EXPUNGE of that message (UIDPLUS), else EXPUNGE,
 * which then also removes every other message flagged \Deleted.  Codes as
 * mw_imap_copy. */
MW_API int MW_CALL mw_imap_move(int imap, long long uid, const char *folder);

/* Removes the messages flagged \Deleted from the selected folder
 * (EXPUNGE).  Codes as mw_imap_fetch. */
MW_API int MW_CALL mw_imap_expunge(int imap);

/* Adds message msg to folder (APPEND, streamed, without a round trip when
 * the server offers LITERAL+) with flags (space-separated; NULL or "" for
 * none).  Returns the new message's UID when the server says it
 * (UIDPLUS), else 0, or a negative code: MW_E_TOOBIG (over quota or a
 * server limit), MW_E_NOTFOUND (no such folder), or as mw_imap_store. */
MW_API long long MW_CALL mw_imap_append(int imap, const char *folder, int msg, const char *flags);

/* Waits up to seconds (> 0) for the selected folder to change (IDLE): a
 * new message, an expunge, changed flags.  Returns 1 when it changed (read
 * mw_imap_status's "exists", search again), 0 when the time ran out,
 * MW_E_UNSUPPORTED without IDLE, or a negative code.  mw_cancel from
 * another thread ends the wait within a fraction of a second: it then
 * returns MW_E_CANCELLED and, unlike other calls, the connection stays
 * open. */
MW_API int MW_CALL mw_imap_idle(int imap, int seconds);

/* LOGOUT; the connection is closed.  Returns 0 (also when not connected),
 * or the code of a failed LOGOUT; the connection is closed either way.
 * The handle may connect again. */
MW_API int MW_CALL mw_imap_disconnect(int imap);

/* ---------------------------------------------------------------------- */
/* The embedded mail server: SMTP, submission, SMTPS, LMTP, POP3 and POP3S
 * on loopback, for development and integration tests.  Mail for any
 * address is kept in the mailbox named by its local part (alice@any ->
 * "alice"); POP3 users see their own mailbox.  Recipients whose local part
 * starts with "reject" are refused (550) and "tempfail" deferred (450), so
 * that per-recipient results can be tested.  It relays nothing. */

/* It serves IMAP and IMAPS too: IMAP users see their mailbox as INBOX
 * beside their folders (Drafts, Sent, Trash and Junk are made at the first
 * login, with their special use).  IMAP keeps UIDs and flags beside the
 * messages (in the Maildir with "store"), so they survive a restart; IDLE
 * hears of every delivery.  IMAP speaks IMAP4rev1 with IDLE, UIDPLUS,
 * MOVE, LITERAL+, SASL-IR, SPECIAL-USE, LIST-EXTENDED, LIST-STATUS,
 * CONDSTORE, ENABLE, UTF8=ACCEPT, ID, NAMESPACE and UNSELECT.  Its
 * services are "imap" (STARTTLS) and "imaps" (implicit TLS): set their
 * ports with "imap_port" and "imaps_port" like the others below. */

/* A new server (not started). */
MW_API int MW_CALL mw_server_new(void);

/* Options before start: "address" (default 127.0.0.1); "<service>_port"
 * for smtp, submission, smtps, lmtp, pop3, pop3s ("0" or unset: a free
 * port chosen by the system; "-1": off); "hostname"; "users"
 * ("alice:secret", or a list separated by commas; adds); "oauth_tokens"
 * ("alice@example.com:TOKEN", or a list; adds bearer tokens that
 * XOAUTH2 and OAUTHBEARER accept, offered over TLS once one is set; any
 * other token is refused with the mechanism's error challenge); "tls_cert" and
 * "tls_key" (PEM files; default: a self-signed CA and certificate for
 * localhost made at start); "ca_out" (write that CA there, PEM); "store" (a
 * Maildir folder; memory when empty); "max_message_size" (bytes);
 * "require_tls_for_auth" ("1" default: SMTP AUTH PLAIN/LOGIN, POP3
 * USER/PASS and IMAP LOGIN wait for TLS); "max_sessions"; "idle_timeout"
 * (seconds; IMAP's IDLE too).  Returns 0, MW_E_OPTION, or MW_E_STATE once
 * started. */
MW_API int MW_CALL mw_server_set(int srv, const char *option, const char *value);

/* Starts every service; returns when they accept connections.  Returns 0,
 * MW_E_STATE when already started, MW_E_CONNECT when a port cannot be
 * bound, MW_E_FILE when a certificate, key, ca_out or store cannot be
 * read or written. */
MW_API int MW_CALL mw_server_start(int srv);

/* The port of a service ("smtp", "submission", "smtps", "lmtp", "pop3",
 * "pop3s", "imap", "imaps"), or a negative code: MW_E_NOTFOUND when it is
 * off or unknown, MW_E_STATE when the server is not running. */
MW_API int MW_CALL mw_server_port(int srv, const char *service);

/* The number of messages in mailbox ("" or NULL: all mailboxes), or
 * MW_E_STATE before mw_server_start. */
MW_API int MW_CALL mw_server_message_count(int srv, const char *mailbox);

/* Message i (0-based, oldest first) of mailbox as stored, Received header
 * included, in a new buffer: free *out with mw_free.  Returns 0,
 * MW_E_NOTFOUND for a bad index, MW_E_STATE before mw_server_start. */
MW_API int MW_CALL mw_server_message(int srv, const char *mailbox, int i, char **out, size_t *len);

/* Stops the server: closes listeners and sessions.  It can be closed with
 * mw_close then (which also stops it).  Returns 0 (also when it is not
 * running). */
MW_API int MW_CALL mw_server_stop(int srv);

#ifdef __cplusplus
}
#endif

#endif /* MAILWIRE_H */
