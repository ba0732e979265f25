/*
 * mailwire.hpp: the C++17 face of Mailwire, header-only, over mailwire.h.
 *
 *   mailwire::server srv({{"users", "alice:secret"}});
 *   srv.start();
 *   mailwire::message msg;
 *   msg.set("From", "bob@example.com").add_to("alice@example.com")
 *      .set("Subject", "Hello").set("TextBody", "Hi Alice\n");
 *   mailwire::smtp smtp({{"host", "127.0.0.1"}, {"security", "none"}});
 *   smtp.set("port", srv.port("smtp"));
 *   smtp.connect();
 *   smtp.send(msg);          // throws mailwire::error, or its kinds below
 *
 * Handles.  message, smtp, pop3, imap, pool, server and oauth2 each own one
 *   library handle: they move, never copy, and their destructors close the
 *   handle (dropping a connection without QUIT, stopping a server).
 *   Destructors never throw.  A moved-from object holds no handle; calling
 *   it throws usage_error with MW_E_HANDLE.  The rules of mailwire.h hold:
 *   an object is used by one thread at a time (const members included),
 *   except that cancel() may come from any thread and a pool and an oauth2
 *   are shared by threads.
 *
 * Errors.  A failed call throws mailwire::error carrying the MW_E_* code
 *   (code()) and the handle's message (what()), as one of three classes
 *   named for what to do next: usage_error (the call was wrong; nothing
 *   went on the wire), refused_error (the server said no; the connection
 *   lives; auth_error for MW_E_AUTH) and connection_error (the connection
 *   is gone; connect again).  A send where some recipients were refused
 *   is not an error: send_result::partial says so.  A refused send throws
 *   refused_error with the per-recipient replies in recipients().
 *
 * Strings.  std::string in and out, UTF-8.  Strings the library returns
 *   are copied before the next call; a string argument holding a NUL byte
 *   is refused (usage_error, MW_E_ARG) rather than cut short.  Byte buffers
 *   (rendered messages, attachments, retrieved mail) come back as
 *   std::vector<unsigned char>, the library's copy freed with mw_free.
 *
 * Version.  The first object made checks that the library's major version
 *   is the header's and that the library is at least as new; otherwise it
 *   throws version_error.
 *
 * Build: c++ -std=c++17 prog.cpp $(pkg-config --cflags --libs mailwire)
 */
#ifndef MAILWIRE_HPP
#define MAILWIRE_HPP

#include "mailwire.h"

#if !(__cplusplus >= 201703L || (defined(_MSVC_LANG) && _MSVC_LANG >= 201703L))
#  error "mailwire.hpp needs C++17 (-std=c++17)"
#endif

#include <cstddef>
#include <cstdlib>
#include <exception>
#include <functional>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailwire {

/* bytes is a buffer the library handed over, copied. */
using bytes = std::vector<unsigned char>;

/* options are name/value pairs for the constructors of smtp, pop3, pool and
 * server: {{"host", "mail.example.com"}, {"port", "587"}}. */
using options = std::initializer_list<std::pair<std::string, std::string>>;

/* recipient is the server's reply to one recipient of a send. */
struct recipient {
    std::string address;
    int code = 0;         /* 250, 550, ... */
    std::string enhanced; /* "2.1.5"; "" when the server has none */
    std::string text;
};

/* send_result is what a send returns: partial is true when some recipients
 * were refused and the message went to the others. */
struct send_result {
    bool partial = false;
    std::vector<recipient> recipients;
};

/* error_kind groups the MW_E_* codes by what the caller does next. */
enum class error_kind {
    usage,     /* -1 .. -19: fix the call; nothing went on the wire */
    refused,   /* -20 .. -39: the server refused; the connection lives */
    connection /* -40 and below: the connection is gone; connect again */
};

/* kind_of is the group of an MW_E_* code. */
inline error_kind kind_of(int code) noexcept
{
    if (code <= MW_E_IO)
        return error_kind::connection;
    if (code <= MW_E_PARTIAL)
        return error_kind::refused;
    return error_kind::usage;
}

/* strerror is the library's static text for a code. */
inline std::string strerror(int code) { return mw_strerror(code); }

/* error is what every failed call throws: code() is the MW_E_* code and
 * what() the message the library gave for the handle (or the code's text
 * when it gave none). */
class error : public std::runtime_error {
public:
    error(int code, const std::string &message)
        : std::runtime_error(message.empty() ? std::string(mw_strerror(code)) : message), code_(code)
    {
    }

    /* code is the MW_E_* code. */
    int code() const noexcept { return code_; }
    /* kind is the code's group. */
    error_kind kind() const noexcept { return kind_of(code_); }
    /* temporary: the server deferred (4xx, MW_E_TEMPORARY); try again later. */
    bool temporary() const noexcept { return code_ == MW_E_TEMPORARY; }
    /* refused: the server said no and the connection lives. */
    bool refused() const noexcept { return kind() == error_kind::refused; }
    /* connection_gone: the connection is closed; connect again. */
    bool connection_gone() const noexcept { return kind() == error_kind::connection; }
    /* code_text is the static text of the code ("permanent refusal ..."). */
    const char *code_text() const noexcept { return mw_strerror(code_); }
    /* recipients are the per-recipient replies of a refused send (else empty). */
    const std::vector<recipient> &recipients() const noexcept
    {
        static const std::vector<recipient> none;
        return recipients_ ? *recipients_ : none;
    }

    /* with_recipients attaches a send's replies (used when throwing). */
    void with_recipients(std::vector<recipient> r)
    {
        recipients_ = std::make_shared<const std::vector<recipient>>(std::move(r));
    }

private:
    int code_;
    std::shared_ptr<const std::vector<recipient>> recipients_; /* shared: copying stays noexcept */
};

/* usage_error: the caller erred (argument, option, state, handle, file). */
class usage_error : public error {
public:
    using error::error;
};

/* refused_error: the server refused; the connection lives. */
class refused_error : public error {
public:
    using error::error;
};

/* auth_error: the server refused the credentials (MW_E_AUTH). */
class auth_error : public refused_error {
public:
    using refused_error::refused_error;
};

/* connection_error: the connection is gone (I/O, timeout, TLS, protocol,
 * cancelled, cannot connect, closed by the server). */
class connection_error : public error {
public:
    using error::error;
};

/* version_error: the library found at run time does not match this header. */
class version_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/* version is the library's version, "MAJOR.MINOR.PATCH". */
inline std::string version() { return mw_version(); }

/* version_number is the library's MAJOR*10000 + MINOR*100 + PATCH. */
inline int version_number() { return mw_version_number(); }

/* check_version throws version_error unless the library has the header's
 * major version and is at least as new as the header. */
inline void check_version()
{
    int lib = mw_version_number();
    if (lib / 10000 != MW_VERSION_NUMBER / 10000 || lib < MW_VERSION_NUMBER)
        throw version_error("mailwire: the library is version " + std::string(mw_version()) +
                            ", this mailwire.hpp needs " MW_VERSION " or a later " +
                            std::to_string(MW_VERSION_NUMBER / 10000) + ".x: install matching library and headers");
}

/* handle_count is the number of handles open in the process (leak checks). */
inline int handle_count() { return mw_handle_count(); }

namespace detail {

/* raise throws the error class of code's group. */
[[noreturn]] inline void raise(int code, const std::string &message, std::vector<recipient> rcpts = {})
{
    auto fill = [&](error &e) -> error & {
        if (!rcpts.empty())
            e.with_recipients(std::move(rcpts));
        return e;
    };
    if (code == MW_E_AUTH) {
        auth_error e(code, message);
        fill(e);
        throw e;
    }
    switch (kind_of(code)) {
    case error_kind::connection: {
        connection_error e(code, message);
        fill(e);
        throw e;
    }
    case error_kind::refused: {
        refused_error e(code, message);
        fill(e);
        throw e;
    }
    default:
        throw usage_error(code, message);
    }
}

/* str copies a library string (NULL gives ""). */
inline std::string str(const char *s) { return s ? std::string(s) : std::string(); }

/* c is s for the C API; a NUL inside would cut it short, so it is refused. */
inline const char *c(const std::string &s)
{
    if (s.find('\0') != std::string::npos)
        throw usage_error(MW_E_ARG, "mailwire: a string argument holds a NUL byte");
    return s.c_str();
}

/* opt is c(s), or NULL for "" (an optional argument left out). */
inline const char *opt(const std::string &s) { return s.empty() ? nullptr : c(s); }

/* lines splits a one-item-per-line list. */
inline std::vector<std::string> lines(const std::string &s)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < s.size()) {
        std::size_t end = s.find('\n', start);
        if (end == std::string::npos)
            end = s.size();
        if (end > start)
            out.emplace_back(s, start, end - start);
        start = end + 1;
    }
    return out;
}

/* take copies a buffer the library handed over through char **out and
 * frees it, also when the copy throws. */
template <class Call> bytes take(Call call, int &rc)
{
    char *out = nullptr;
    std::size_t len = 0;
    rc = call(&out, &len);
    struct freer {
        char *p;
        ~freer() { mw_free(p); }
    } f{out};
    if (rc < 0 || out == nullptr)
        return bytes();
    const unsigned char *p = reinterpret_cast<const unsigned char *>(out);
    return bytes(p, p + len);
}

/* results reads the per-recipient results of the last send on handle h. */
inline std::vector<recipient> results(int h)
{
    std::vector<recipient> r;
    int n = mw_smtp_result_count(h);
    for (int i = 0; i < n; i++) {
        recipient x;
        x.address = str(mw_smtp_result(h, i, "address"));
        x.code = std::atoi(str(mw_smtp_result(h, i, "code")).c_str());
        x.enhanced = str(mw_smtp_result(h, i, "enhanced"));
        x.text = str(mw_smtp_result(h, i, "text"));
        r.push_back(std::move(x));
    }
    return r;
}

/* sent turns a send's code into its result: partial sends return, other
 * failures throw with the message of handle errh and the results of msg. */
inline send_result sent(int rc, int errh, int msg)
{
    send_result r;
    r.recipients = results(msg);
    if (rc == MW_E_PARTIAL) {
        r.partial = true;
    } else if (rc < 0) {
        raise(rc, str(mw_errmsg(errh)), std::move(r.recipients));
    }
    return r;
}

/* live is h, the handle of an object given as an argument; a moved-from
 * object (0) is refused rather than taken for "none". */
inline int live(int h)
{
    if (h <= 0)
        raise(MW_E_HANDLE, "mailwire: the object given was moved from");
    return h;
}

/* version_ok checks the version once per process (again after a failure). */
inline void version_ok()
{
    static const bool checked = (check_version(), true);
    (void)checked;
}

} // namespace detail

/* handle owns one library handle; the classes below derive from it. */
class handle {
public:
    handle(const handle &) = delete;
    handle &operator=(const handle &) = delete;
    handle(handle &&o) noexcept : h_(std::exchange(o.h_, 0)) {}
    handle &operator=(handle &&o) noexcept
    {
        if (this != &o) {
            drop();
            h_ = std::exchange(o.h_, 0);
        }
        return *this;
    }
    ~handle() { drop(); }

    /* native_handle is the library handle, for calling the C API directly (0 when
     * this object holds none). */
    int native_handle() const noexcept { return h_; }
    explicit operator bool() const noexcept { return h_ > 0; }

    /* close releases the handle now; it throws when the library refuses
     * (MW_E_BUSY: another thread uses it), and then keeps it. */
    void close()
    {
        if (h_ <= 0)
            return;
        int rc = mw_close(h_);
        if (rc < 0 && rc != MW_E_HANDLE)
            detail::raise(rc, "");
        h_ = 0;
    }

    /* error_code is the MW_E_* code of the last call on the handle (0 after
     * a success); error_message says it in words. */
    int error_code() const noexcept { return mw_errcode(h_); }
    std::string error_message() const { return detail::str(mw_errmsg(h_)); }

protected:
    /* handle makes a library object with make (mw_message_new, ...). */
    explicit handle(int (*make)())
    {
        detail::version_ok();
        int h = make();
        if (h <= 0)
            detail::raise(h, "");
        h_ = h;
    }

    /* drop closes the handle, ignoring the code: for destructors. */
    void drop() noexcept
    {
        if (h_ > 0)
            mw_close(h_);
        h_ = 0;
    }

    /* check throws for a negative code, with this handle's message. */
    template <class T> T check(T rc) const
    {
        if (rc < 0)
            detail::raise(static_cast<int>(rc), detail::str(mw_errmsg(h_)));
        return rc;
    }

    /* text copies a library-owned string; nullopt when the field is absent,
     * an exception when the call failed. */
    std::optional<std::string> text(const char *s) const
    {
        if (s)
            return std::string(s);
        check(mw_errcode(h_));
        return std::nullopt;
    }

    int h_ = 0;
};

/* configurable is a class over Base (handle or client) whose object takes
 * options: its constructor sets them, and set sets one, through the
 * class's own mw_*_set (Set).  Self is the class, which set returns. */
template <class Self, class Base, int(MW_CALL *Set)(int, const char *, const char *)>
class configurable : public Base {
public:
    /* set sets an option (see the class's mw_*_set for the names). */
    Self &set(const std::string &option, const std::string &value)
    {
        this->check(Set(this->h_, detail::c(option), detail::c(value)));
        return static_cast<Self &>(*this);
    }
    Self &set(const std::string &option, long long value) { return set(option, std::to_string(value)); }

protected:
    configurable(int (*make)(), options opts) : Base(make)
    {
        for (const auto &o : opts)
            set(o.first, o.second);
    }
};

/* message is a message to compose, render, parse or read back (RFC 5322,
 * MIME, RFC 3848 trace). */
class message : public handle {
public:
    /* attachment describes one attachment (0-based index). */
    struct attachment_info {
        std::string name, content_type, content_id, disposition;
        long long size = 0;
    };

    /* hop is one Received header; hop 0 is the newest.  Absent clauses are
     * "", flags is nullopt when "with" is not a registered keyword. */
    struct hop {
        std::string from, by, via, with, id, for_, date, raw;
        std::optional<int> flags;
    };

    message() : handle(mw_message_new) {}

    /* set sets a field by name (From, Subject, TextBody, HtmlBody, Priority,
     * any header); "" removes it. */
    message &set(const std::string &name, const std::string &value)
    {
        check(mw_message_set(h_, detail::c(name), detail::c(value)));
        return *this;
    }

    /* get reads a field; nullopt when it is absent. */
    std::optional<std::string> get(const std::string &name) const
    {
        return text(mw_message_get(h_, detail::c(name)));
    }

    /* add_to, add_cc, add_bcc add recipients ("a@b", "Name <a@b>", lists). */
    message &add_to(const std::string &addresses) { return added(mw_message_add_to(h_, detail::c(addresses))); }
    message &add_cc(const std::string &addresses) { return added(mw_message_add_cc(h_, detail::c(addresses))); }
    message &add_bcc(const std::string &addresses) { return added(mw_message_add_bcc(h_, detail::c(addresses))); }

    /* attach_file attaches a file, read when the message is sent; name ""
     * is the file's base name, content_type "" guesses. */
    message &attach_file(const std::string &path, const std::string &name = {}, const std::string &content_type = {})
    {
        check(mw_message_attach_file(h_, detail::c(path), detail::opt(name), detail::opt(content_type)));
        return *this;
    }

    /* attach_data attaches bytes from memory (copied). */
    message &attach_data(const void *data, std::size_t len, const std::string &name,
                         const std::string &content_type = {})
    {
        check(mw_message_attach_data(h_, data, len, detail::opt(name), detail::opt(content_type)));
        return *this;
    }
    message &attach_data(std::string_view data, const std::string &name, const std::string &content_type = {})
    {
        return attach_data(data.data(), data.size(), name, content_type);
    }
    message &attach_data(const bytes &data, const std::string &name, const std::string &content_type = {})
    {
        return attach_data(data.data(), data.size(), name, content_type);
    }

    /* embed_file adds an inline part shown by <img src="cid:content_id">. */
    message &embed_file(const std::string &path, const std::string &content_id)
    {
        check(mw_message_embed_file(h_, detail::c(path), detail::c(content_id)));
        return *this;
    }

    /* mime renders the message (CRLF line ends). */
    bytes mime() const
    {
        int rc = 0;
        bytes b = detail::take([&](char **out, std::size_t *len) { return mw_message_mime(h_, out, len); }, rc);
        check(rc);
        return b;
    }

    /* save writes the rendered message to a file (.eml). */
    void save(const std::string &path) const { check(mw_message_save(h_, detail::c(path))); }

    /* size is the rendered message's exact size in bytes. */
    long long size() const { return check(mw_message_size(h_)); }

    /* parse replaces the content with the message parsed from raw bytes. */
    void parse(const void *data, std::size_t len) { check(mw_message_parse(h_, data, len)); }
    void parse(std::string_view raw) { parse(raw.data(), raw.size()); }
    void parse(const bytes &raw) { parse(raw.data(), raw.size()); }

    /* load replaces the content with the message in a file, streaming. */
    void load(const std::string &path) { check(mw_message_load(h_, detail::c(path))); }

    int attachment_count() const { return check(mw_message_attachment_count(h_)); }

    /* attachment reads one field of attachment i: name, content_type, size,
     * content_id, disposition; nullopt when it is empty. */
    std::optional<std::string> attachment(int i, const std::string &field) const
    {
        return text(mw_message_attachment(h_, i, detail::c(field)));
    }

    /* attachments describes every attachment. */
    std::vector<attachment_info> attachments() const
    {
        std::vector<attachment_info> v;
        int n = attachment_count();
        for (int i = 0; i < n; i++) {
            attachment_info a;
            a.name = attachment(i, "name").value_or("");
            a.content_type = attachment(i, "content_type").value_or("");
            a.content_id = attachment(i, "content_id").value_or("");
            a.disposition = attachment(i, "disposition").value_or("");
            a.size = std::stoll(attachment(i, "size").value_or("0"));
            v.push_back(std::move(a));
        }
        return v;
    }

    /* attachment_save writes attachment i, decoded, to path (a directory:
     * under the attachment's own name, made safe). */
    void attachment_save(int i, const std::string &path) const
    {
        check(mw_message_attachment_save(h_, i, detail::c(path)));
    }

    /* attachment_data is attachment i's decoded bytes. */
    bytes attachment_data(int i) const
    {
        int rc = 0;
        bytes b = detail::take([&](char **out, std::size_t *len) { return mw_message_attachment_data(h_, i, out, len); },
                               rc);
        check(rc);
        return b;
    }

    int trace_count() const { return check(mw_message_trace_count(h_)); }

    /* trace reads one clause of hop's Received header: from, by, via,
     * with, id, for, date, raw; nullopt when the hop has none. */
    std::optional<std::string> trace(int hop_index, const std::string &field) const
    {
        return text(mw_message_trace(h_, hop_index, detail::c(field)));
    }

    /* trace_flags is the MW_WITH_* flags of hop's "with" keyword, nullopt
     * when it is not a registered transmission type. */
    std::optional<int> trace_flags(int hop_index) const
    {
        int f = mw_message_trace_flags(h_, hop_index);
        if (f == MW_E_NOTFOUND && hop_index >= 0 && hop_index < trace_count())
            return std::nullopt;
        return check(f);
    }

    /* trace reads every hop, newest first. */
    std::vector<hop> trace() const
    {
        std::vector<hop> v;
        int n = trace_count();
        for (int i = 0; i < n; i++) {
            hop x;
            x.from = trace(i, "from").value_or("");
            x.by = trace(i, "by").value_or("");
            x.via = trace(i, "via").value_or("");
            x.with = trace(i, "with").value_or("");
            x.id = trace(i, "id").value_or("");
            x.for_ = trace(i, "for").value_or("");
            x.date = trace(i, "date").value_or("");
            x.raw = trace(i, "raw").value_or("");
            x.flags = trace_flags(i);
            v.push_back(std::move(x));
        }
        return v;
    }

    /* results are the per-recipient replies of this message's last send. */
    std::vector<recipient> results() const { return detail::results(h_); }

private:
    message &added(int rc)
    {
        check(rc);
        return *this;
    }
};

/* oauth2 holds an application's OAuth 2.0 credentials (Microsoft 365,
 * Gmail) and the access token they give, and gets a new token when the one
 * it holds is about to expire: refresh token, client credentials or device
 * authorization grant (RFC 6749, RFC 8628).  Give it to smtp, pop3 or pool
 * with use_oauth2; they log in with its tokens (XOAUTH2 or OAUTHBEARER) as
 * their "username" option's mailbox.  One object may serve any number of
 * clients on any number of threads; a client that took it keeps using it
 * after the oauth2 object is destroyed.  Secrets never appear in what().
 *
 *   mailwire::oauth2 oauth({{"provider", "microsoft"}, {"tenant", "contoso.com"},
 *                           {"client_id", id}, {"client_secret", secret},
 *                           {"grant", "client_credentials"}});
 *   mailwire::smtp smtp({{"host", "smtp.office365.com"}, {"username", "robot@contoso.com"}});
 *   smtp.use_oauth2(oauth);
 *   smtp.connect();
 */
class oauth2 : public configurable<oauth2, handle, &mw_oauth2_set> {
public:
    /* The options: provider, tenant, token_url, device_url, client_id,
     * client_secret, client_auth, grant, refresh_token, access_token,
     * expires_at, scope, ca_file, tls_verify, timeout, log_file (see
     * mw_oauth2_set). */
    oauth2() : configurable(mw_oauth2_new, {}) {}
    explicit oauth2(options opts) : configurable(mw_oauth2_new, opts) {}

    /* token is a valid access token, requested now when needed (with the
     * device grant after device_start, it waits for the user's sign-in).
     * auth_error means the user or the application must sign in or be set
     * up again; what() holds the server's error. */
    std::string token()
    {
        const char *t = mw_oauth2_token(h_);
        if (!t) {
            int rc = mw_errcode(h_);
            detail::raise(rc < 0 ? rc : MW_E_INTERNAL, detail::str(mw_errmsg(h_)));
        }
        return t;
    }

    /* get reads a field: access_token, refresh_token (keep it after every
     * call that may have refreshed: the server may replace it), expires_at,
     * token_type, scope, user_code, verification_uri,
     * verification_uri_complete, message, interval, error,
     * error_description, ...; nullopt when it has no value.  It never
     * makes a request. */
    std::optional<std::string> get(const std::string &field) const
    {
        return text(mw_oauth2_get(h_, detail::c(field)));
    }

    /* device_start starts the device authorization (RFC 8628): then
     * get("user_code") and get("verification_uri") (or get("message")) tell
     * the user where to sign in; token() or device_poll() wait for it. */
    void device_start() { check(mw_oauth2_device_start(h_)); }

    /* device_poll waits for the polling interval, asks once, and returns
     * true when the user has signed in, false while the sign-in is
     * pending; auth_error when it was denied or the code expired. */
    bool device_poll() { return check(mw_oauth2_device_poll(h_)) == 0; }

    /* cancel aborts the request or device polling in flight (from any
     * thread). */
    void cancel() noexcept { mw_cancel(h_); }
};

/* client is what smtp, pop3 and imap share: options, progress and log callbacks,
 * cancel.  A callback runs on the thread of the call, during it; an
 * exception it throws cancels the call, which then throws it. */
class client : public handle {
public:
    client(client &&) noexcept = default;
    client &operator=(client &&o) noexcept
    {
        if (this != &o) {
            drop(); /* before the callbacks it may still point to go */
            cb_ = std::move(o.cb_);
            handle::operator=(std::move(o));
        }
        return *this;
    }
    ~client() { drop(); }

    /* on_progress sets a function called with the bytes of a message sent
     * or retrieved so far and the total (-1 when unknown); {} removes it. */
    void on_progress(std::function<void(long long done, long long total)> fn)
    {
        callbacks &cb = need();
        cb.progress = std::move(fn);
        check(mw_set_progress(h_, cb.progress ? &callbacks::progress_fn : nullptr, &cb));
    }

    /* on_log sets a function called with each protocol log line ("C: ...",
     * "S: ...", "* ...", secrets as <secret>) of the connections made from
     * then on; {} removes it.  Set it before connect (MW_E_STATE after). */
    void on_log(std::function<void(const std::string &line)> fn)
    {
        callbacks &cb = need();
        auto keep = std::move(cb.log);
        cb.log = std::move(fn);
        int rc = mw_set_log(h_, cb.log ? &callbacks::log_fn : nullptr, &cb);
        if (rc < 0) {
            cb.log = std::move(keep);
            check(rc);
        }
    }

    /* cancel aborts the call in flight (from any thread): it throws
     * connection_error with MW_E_CANCELLED (imap::idle returns cancelled
     * instead and keeps the connection). */
    void cancel() noexcept { mw_cancel(h_); }

protected:
    explicit client(int (*make)()) : handle(make), cb_(std::make_unique<callbacks>()) { cb_->h = h_; }

    /* call runs a library call that may invoke a callback, then throws what
     * the callback threw. */
    template <class F> auto call(F f)
    {
        if (cb_)
            cb_->thrown = nullptr;
        auto rc = f();
        if (cb_ && cb_->thrown)
            std::rethrow_exception(std::exchange(cb_->thrown, nullptr));
        return rc;
    }

private:
    struct callbacks {
        int h = 0;
        std::function<void(long long, long long)> progress;
        std::function<void(const std::string &)> log;
        std::exception_ptr thrown;

        /* An exception must not unwind through the library: it is kept and
         * the call cancelled. */
        void fail() noexcept
        {
            if (!thrown)
                thrown = std::current_exception();
            mw_cancel(h);
        }
        static void MW_CALL progress_fn(void *user, long long done, long long total) noexcept
        {
            auto *cb = static_cast<callbacks *>(user);
            if (cb->thrown || !cb->progress)
                return;
            try {
                cb->progress(done, total);
            } catch (...) {
                cb->fail();
            }
        }
        static void MW_CALL log_fn(void *user, const char *line) noexcept
        {
            auto *cb = static_cast<callbacks *>(user);
            if (cb->thrown || !cb->log)
                return;
            try {
                cb->log(detail::str(line));
            } catch (...) {
                cb->fail();
            }
        }
    };

    callbacks &need()
    {
        if (!cb_)
            detail::raise(MW_E_HANDLE, "mailwire: this object was moved from");
        return *cb_;
    }

    std::unique_ptr<callbacks> cb_; /* stable address for the library while the object moves */
};

namespace detail {
/* The calls that differ only by protocol, for session. */
struct smtp_api {
    static constexpr auto make = &mw_smtp_new;
    static constexpr auto set = &mw_smtp_set;
    static constexpr auto use_oauth2 = &mw_smtp_use_oauth2;
    static constexpr auto connect = &mw_smtp_connect;
    static constexpr auto capabilities = &mw_smtp_capabilities;
    static constexpr auto disconnect = &mw_smtp_disconnect;
};
struct pop3_api {
    static constexpr auto make = &mw_pop3_new;
    static constexpr auto set = &mw_pop3_set;
    static constexpr auto use_oauth2 = &mw_pop3_use_oauth2;
    static constexpr auto connect = &mw_pop3_connect;
    static constexpr auto capabilities = &mw_pop3_capabilities;
    static constexpr auto disconnect = &mw_pop3_disconnect;
};
struct imap_api {
    static constexpr auto make = &mw_imap_new;
    static constexpr auto set = &mw_imap_set;
    static constexpr auto use_oauth2 = &mw_imap_use_oauth2;
    static constexpr auto connect = &mw_imap_connect;
    static constexpr auto capabilities = &mw_imap_capabilities;
    static constexpr auto disconnect = &mw_imap_disconnect;
};
} // namespace detail

/* session is what smtp, pop3 and imap share beyond client: options, OAuth2
 * tokens, connect, capabilities and disconnect, each through the protocol's
 * own call (Api).  Self is the protocol's class, which the setters return. */
template <class Self, class Api> class session : public configurable<Self, client, Api::set> {
    using base = configurable<Self, client, Api::set>;

protected:
    using base::call;
    using base::check;
    using base::h_;
    using base::text;

public:
    /* The options: host, port, security, username, password, ca_file,
     * timeout, log_file, ... (see the protocol's mw_*_set). */
    session() : base(Api::make, {}) {}
    explicit session(options opts) : base(Api::make, opts) {}

    /* use_oauth2 makes connect log in with the tokens of oauth (XOAUTH2 or
     * OAUTHBEARER; a refused token is replaced once and the login tried
     * again); nullptr stops it.  Before connect (MW_E_STATE while
     * connected). */
    Self &use_oauth2(const oauth2 &oauth)
    {
        check(Api::use_oauth2(h_, detail::live(oauth.native_handle())));
        return self();
    }
    Self &use_oauth2(std::nullptr_t)
    {
        check(Api::use_oauth2(h_, 0));
        return self();
    }

    /* connect connects, negotiates TLS as the security option says and logs
     * in when credentials are set. */
    void connect() { check(call([&] { return Api::connect(h_); })); }

    /* capabilities are the server's capabilities (EHLO keywords, CAPA lines
     * or IMAP capabilities), one per item. */
    std::vector<std::string> capabilities() const
    {
        return detail::lines(text(Api::capabilities(h_)).value_or(""));
    }

    /* disconnect ends the session politely (QUIT or LOGOUT: POP3 deletions
     * take effect then) and closes; the object may connect again. */
    void disconnect() { check(call([&] { return Api::disconnect(h_); })); }

private:
    Self &self() { return static_cast<Self &>(*this); }
};

/* smtp sends over SMTP, submission or LMTP (RFC 5321, 6409, 2033). */
class smtp : public session<smtp, detail::smtp_api> {
public:
    using session::session;

    /* send sends msg to its recipients on the open connection.  partial is
     * set when some were refused; a refusal of all of them or of the
     * message throws refused_error with recipients(). */
    send_result send(message &msg)
    {
        int rc = call([&] { return mw_smtp_send(h_, msg.native_handle()); });
        return detail::sent(rc, h_, msg.native_handle());
    }

    /* send_many sends the messages one after the other, pipelined; each
     * message gets its own results() and error_code().  True when every
     * recipient of every message accepted; false when some recipient or
     * message was refused; throws when the connection failed. */
    bool send_many(const std::vector<std::reference_wrapper<message>> &msgs)
    {
        std::vector<int> hs;
        hs.reserve(msgs.size());
        for (message &m : msgs)
            hs.push_back(m.native_handle());
        int rc = call([&] { return mw_smtp_send_many(h_, hs.data(), static_cast<int>(hs.size())); });
        if (rc == MW_E_PARTIAL)
            return false;
        check(rc);
        return true;
    }
    bool send_many(std::vector<message> &msgs)
    {
        return send_many(std::vector<std::reference_wrapper<message>>(msgs.begin(), msgs.end()));
    }

    /* results are the per-recipient replies of the last send. */
    std::vector<recipient> results() const { return detail::results(h_); }

    /* reply_code and reply are the server's last reply (0 and "" before any). */
    int reply_code() const { return check(mw_smtp_reply_code(h_)); }
    std::string reply() const { return text(mw_smtp_reply(h_)).value_or(""); }
};

/* pop3 reads a maildrop (RFC 1939, 2449, 2595).  Messages are numbered
 * from 1, as RFC 1939 numbers them. */
class pop3 : public session<pop3, detail::pop3_api> {
public:
    using session::session;

    /* count is the number of messages in the maildrop (STAT). */
    int count() const { return check(mw_pop3_count(h_)); }

    /* size is message number's size in octets. */
    long long size(int number) const { return check(mw_pop3_size(h_, number)); }

    /* uid is message number's unique id (UIDL). */
    std::string uid(int number) const
    {
        const char *s = mw_pop3_uid(h_, number);
        if (!s)
            check(mw_errcode(h_) < 0 ? mw_errcode(h_) : MW_E_INTERNAL);
        return detail::str(s);
    }

    /* retrieve fetches message number (RETR), parsed as it streams. */
    message retrieve(int number)
    {
        message m;
        retrieve(number, m);
        return m;
    }
    void retrieve(int number, message &into)
    {
        check(call([&] { return mw_pop3_retrieve(h_, number, into.native_handle()); }));
    }

    /* retrieve_data fetches message number as the server sent it. */
    bytes retrieve_data(int number)
    {
        int rc = 0;
        bytes b = call([&] {
            return detail::take(
                [&](char **out, std::size_t *len) { return mw_pop3_retrieve_data(h_, number, out, len); }, rc);
        });
        check(rc);
        return b;
    }

    /* retrieve_file fetches message number into a file, as received. */
    void retrieve_file(int number, const std::string &path)
    {
        check(call([&] { return mw_pop3_retrieve_file(h_, number, detail::c(path)); }));
    }

    /* retrieve_many fetches messages first .. first+into.size()-1 into the
     * given messages, pipelined; with del they are also marked deleted.  On
     * an error each message keeps its own error_code(). */
    void retrieve_many(int first, std::vector<message> &into, bool del = false)
    {
        std::vector<int> hs;
        hs.reserve(into.size());
        for (const message &m : into)
            hs.push_back(m.native_handle());
        check(call([&] {
            return mw_pop3_retrieve_many(h_, first, static_cast<int>(hs.size()), hs.data(), del ? 1 : 0);
        }));
    }
    std::vector<message> retrieve_many(int first, int count, bool del = false)
    {
        std::vector<message> v(count > 0 ? static_cast<std::size_t>(count) : 0);
        retrieve_many(first, v, del);
        return v;
    }

    /* top fetches the headers and the first lines of the body (TOP). */
    message top(int number, int lines = 0)
    {
        message m;
        check(call([&] { return mw_pop3_top(h_, number, lines, m.native_handle()); }));
        return m;
    }

    /* delete_message marks message number deleted; it goes at disconnect. */
    void delete_message(int number) { check(mw_pop3_delete(h_, number)); }

    /* reset unmarks every deleted message (RSET). */
    void reset() { check(mw_pop3_reset(h_)); }
};

/* imap reads and manages a mailbox on the server (RFC 3501 IMAP4rev1, RFC
 * 9051 IMAP4rev2 when offered).  Messages are named by UID (1 ..
 * 4294967295; long long, as in mailwire.h), never by sequence number; a
 * UID stays valid while status("uidvalidity") stays the same.  Folder names
 * are UTF-8 (the library speaks modified UTF-7 or UTF-8 on the wire).
 *
 *   mailwire::imap imap({{"host", "imap.example.com"}, {"username", "alice"},
 *                        {"password", "secret"}});
 *   imap.connect();                       // port 993, implicit TLS
 *   imap.select("INBOX");
 *   for (long long uid : imap.search("UNSEEN")) {
 *       mailwire::message m = imap.fetch(uid);
 *       imap.store(uid, "\\Seen");
 *   }
 */
class imap : public session<imap, detail::imap_api> {
public:
    /* folder is one folder of folders().  The counts come with the
     * server's LIST-STATUS; nullopt when it did not say. */
    struct folder {
        std::string name;               /* UTF-8, levels joined by delimiter */
        std::string delimiter;          /* "/", "."; "" when the server has none */
        std::vector<std::string> flags; /* attributes: "\HasChildren", "\Noselect", ... */
        std::string special_use;        /* "\Sent", "\Trash", "\Drafts", "\Junk", "\Archive", "\All", "\Flagged" or "" */
        std::optional<long long> messages, unseen, uidnext, uidvalidity;
    };

    /* store_mode says what store does with the flags given. */
    enum class store_mode {
        add = 1,     /* +FLAGS */
        remove = -1, /* -FLAGS */
        set = 0      /* FLAGS: replaces them all */
    };

    /* idle_result is how idle ended. */
    enum class idle_result {
        timed_out, /* the time ran out with no change */
        changed,   /* the folder changed: a new message, an expunge, flags */
        cancelled  /* cancel() ended the wait; the connection stays open */
    };

    using session::session;

    /* folders lists every folder (LIST "" "*", with the special use and the
     * LIST-STATUS counts when the server offers them). */
    std::vector<folder> folders()
    {
        int n = check(call([&] { return mw_imap_folder_count(h_); }));
        std::vector<folder> v;
        v.reserve(static_cast<std::size_t>(n));
        for (int i = 0; i < n; i++) {
            folder f;
            f.name = field(i, "name");
            f.delimiter = field(i, "delimiter");
            f.flags = words(field(i, "flags"));
            f.special_use = field(i, "special_use");
            f.messages = number(i, "messages");
            f.unseen = number(i, "unseen");
            f.uidnext = number(i, "uidnext");
            f.uidvalidity = number(i, "uidvalidity");
            v.push_back(std::move(f));
        }
        return v;
    }

    /* create_folder makes a folder (CREATE); refused_error when it exists
     * or the server refuses the name. */
    void create_folder(const std::string &name) { check(call([&] { return mw_imap_create(h_, detail::c(name)); })); }

    /* rename_folder renames a folder (RENAME). */
    void rename_folder(const std::string &from, const std::string &to)
    {
        check(call([&] { return mw_imap_rename(h_, detail::c(from), detail::c(to)); }));
    }

    /* delete_folder deletes a folder (DELETE); MW_E_NOTFOUND when it does
     * not exist. */
    void delete_folder(const std::string &name)
    {
        check(call([&] { return mw_imap_delete_folder(h_, detail::c(name)); }));
    }

    /* select opens a folder (SELECT, or EXAMINE when readonly) and returns
     * its message count.  A failed select leaves no folder selected. */
    int select(const std::string &name, bool readonly = false)
    {
        return check(call([&] { return mw_imap_select(h_, detail::c(name), readonly ? 1 : 0); }));
    }

    /* status is a field of the selected folder as text: uidvalidity,
     * uidnext, exists (kept current), unseen (asked when called),
     * highestmodseq, recent, name, readonly ("1" or "0").  MW_E_STATE when
     * no folder is selected. */
    std::string status(const std::string &field)
    {
        const char *s = call([&] { return mw_imap_status(h_, detail::c(field)); });
        return text(s).value_or("");
    }

    /* search returns the UIDs of the selected folder's messages that match
     * criteria, IMAP SEARCH syntax ("UNSEEN FROM \"alice\""; "" for ALL).
     * Criteria that could add a command (CR, LF, unbalanced quotes or
     * parentheses, a literal) throw usage_error (MW_E_ARG) before anything
     * is sent. */
    std::vector<long long> search(const std::string &criteria = {})
    {
        int n = check(call([&] { return mw_imap_search(h_, detail::opt(criteria)); }));
        std::vector<long long> uids;
        uids.reserve(static_cast<std::size_t>(n));
        for (int i = 0; i < n; i++)
            uids.push_back(check(mw_imap_search_uid(h_, i)));
        return uids;
    }

    /* fetch retrieves message uid (UID FETCH BODY.PEEK[]: \Seen is not
     * set), parsed as it streams.  MW_E_NOTFOUND when the folder has no
     * such UID. */
    message fetch(long long uid)
    {
        message m;
        fetch(uid, m);
        return m;
    }
    void fetch(long long uid, message &into)
    {
        check(call([&] { return mw_imap_fetch(h_, uid, detail::live(into.native_handle())); }));
    }

    /* fetch_file retrieves message uid into a file, as received; a partly
     * written file is removed. */
    void fetch_file(long long uid, const std::string &path)
    {
        check(call([&] { return mw_imap_fetch_file(h_, uid, detail::c(path)); }));
    }

    /* fetch_many retrieves the messages uids into into (resized to match),
     * pipelined: the server sends them back to back.  Each message gets its
     * own error_code().  True when every message came; false when the
     * server did not return some UIDs (their messages have MW_E_NOTFOUND);
     * throws when the call could not be made or the connection failed (the
     * messages that came before are kept). */
    bool fetch_many(const std::vector<long long> &uids, std::vector<message> &into)
    {
        if (uids.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
            detail::raise(MW_E_ARG, "mailwire: too many UIDs");
        into.resize(uids.size());
        std::vector<int> hs;
        hs.reserve(into.size());
        for (const message &m : into)
            hs.push_back(detail::live(m.native_handle()));
        int rc = call([&] { return mw_imap_fetch_many(h_, uids.data(), static_cast<int>(uids.size()), hs.data()); });
        if (rc == MW_E_NOTFOUND)
            return false;
        check(rc);
        return true;
    }

    /* fetch_many returns the messages uids, in order, fetched pipelined; a
     * message the server did not return has error_code() MW_E_NOTFOUND. */
    std::vector<message> fetch_many(const std::vector<long long> &uids)
    {
        std::vector<message> v;
        fetch_many(uids, v);
        return v;
    }

    /* flags are the flags of message uid ("\Seen", "$Label1", ...). */
    std::vector<std::string> flags(long long uid)
    {
        const char *s = call([&] { return mw_imap_flags(h_, uid); });
        if (!s)
            check(mw_errcode(h_) < 0 ? mw_errcode(h_) : MW_E_INTERNAL);
        return words(detail::str(s));
    }

    /* store adds, removes or replaces the flags of message uid (UID STORE);
     * flags is space-separated ("\Seen \Flagged $Work").  A flag that is
     * not an atom, or \Recent, throws usage_error (MW_E_ARG). */
    void store(long long uid, const std::string &flags, store_mode mode = store_mode::add)
    {
        check(call([&] { return mw_imap_store(h_, uid, detail::c(flags), static_cast<int>(mode)); }));
    }
    void store(long long uid, const std::vector<std::string> &flags, store_mode mode = store_mode::add)
    {
        store(uid, joined(flags), mode);
    }

    /* copy copies message uid to the folder named to (UID COPY);
     * MW_E_NOTFOUND when it does not exist. */
    void copy(long long uid, const std::string &to)
    {
        check(call([&] { return mw_imap_copy(h_, uid, detail::c(to)); }));
    }

    /* move moves message uid to the folder named to: UID MOVE when offered,
     * else UID COPY, \Deleted and UID EXPUNGE (without UIDPLUS, EXPUNGE,
     * which also removes every other message flagged \Deleted). */
    void move(long long uid, const std::string &to)
    {
        check(call([&] { return mw_imap_move(h_, uid, detail::c(to)); }));
    }

    /* expunge removes the messages flagged \Deleted from the selected
     * folder (EXPUNGE). */
    void expunge() { check(call([&] { return mw_imap_expunge(h_); })); }

    /* append adds msg to the folder named to (APPEND, streamed) with flags
     * (space-separated, "" for none) and returns the new message's UID when
     * the server says it (UIDPLUS), else 0.  MW_E_TOOBIG over quota or a
     * server limit, MW_E_NOTFOUND for no such folder. */
    long long append(const std::string &to, const message &msg, const std::string &flags = {})
    {
        return check(call([&] {
            return mw_imap_append(h_, detail::c(to), detail::live(msg.native_handle()), detail::opt(flags));
        }));
    }
    long long append(const std::string &to, const message &msg, const std::vector<std::string> &flags)
    {
        return append(to, msg, joined(flags));
    }

    /* idle waits up to seconds (> 0) for the selected folder to change
     * (IDLE): changed (status("exists") is current; search again),
     * timed_out, or cancelled when cancel() came from another thread: then,
     * unlike other calls, the connection stays open.  MW_E_UNSUPPORTED when
     * the server has no IDLE. */
    idle_result idle(int seconds)
    {
        int rc = call([&] { return mw_imap_idle(h_, seconds); });
        if (rc == MW_E_CANCELLED)
            return idle_result::cancelled;
        return check(rc) > 0 ? idle_result::changed : idle_result::timed_out;
    }

private:
    /* field is a field of folder i of the last LIST. */
    std::string field(int i, const char *name) const { return text(mw_imap_folder(h_, i, name)).value_or(""); }

    /* number is a LIST-STATUS count of folder i; nullopt when not given. */
    std::optional<long long> number(int i, const char *name) const
    {
        std::string s = field(i, name);
        if (s.empty())
            return std::nullopt;
        return std::stoll(s);
    }

    /* words splits a space-separated list. */
    static std::vector<std::string> words(const std::string &s)
    {
        std::vector<std::string> out;
        std::size_t start = 0;
        while (start < s.size()) {
            std::size_t end = s.find(' ', start);
            if (end == std::string::npos)
                end = s.size();
            if (end > start)
                out.emplace_back(s, start, end - start);
            start = end + 1;
        }
        return out;
    }

    /* joined is flags space-separated; a flag that is empty or holds a
     * space would change the list, so it is refused. */
    static std::string joined(const std::vector<std::string> &flags)
    {
        std::string s;
        for (const std::string &f : flags) {
            if (f.empty() || f.find_first_of(" \t") != std::string::npos)
                throw usage_error(MW_E_ARG, "mailwire: a flag is empty or holds a space: \"" + f + "\"");
            if (!s.empty())
                s += ' ';
            s += f;
        }
        return s;
    }
};

/* pool shares SMTP connections among threads: the SMTP options plus
 * max_connections and idle_timeout, set before the first send.  send may
 * be called from many threads at once, each with its own message. */
class pool : public configurable<pool, handle, &mw_pool_set> {
public:
    pool() : configurable(mw_pool_new, {}) {}
    explicit pool(options opts) : configurable(mw_pool_new, opts) {}

    /* use_oauth2 makes every connection of the pool log in with the tokens
     * of oauth, before the first send (MW_E_STATE after); a refused token
     * is replaced once for all of them.  nullptr stops it. */
    pool &use_oauth2(const oauth2 &oauth)
    {
        check(mw_pool_use_oauth2(h_, detail::live(oauth.native_handle())));
        return *this;
    }
    pool &use_oauth2(std::nullptr_t)
    {
        check(mw_pool_use_oauth2(h_, 0));
        return *this;
    }

    /* send sends msg on a pooled connection; results and errors are the
     * message's, as smtp::send. */
    send_result send(message &msg) { return detail::sent(mw_pool_send(h_, msg.native_handle()), msg.native_handle(), msg.native_handle()); }

    /* cancel aborts the sends in flight (from any thread). */
    void cancel() noexcept { mw_cancel(h_); }
};

/* server is the embedded loopback mail server (SMTP, submission, SMTPS,
 * LMTP, POP3, POP3S, IMAP, IMAPS) for development and tests.  IMAP users
 * see their mailbox as INBOX beside their own folders. */
class server : public configurable<server, handle, &mw_server_set> {
public:
    /* The options, set before start: users, ca_out, hostname,
     * <service>_port, store, max_message_size, ... (see mw_server_set). */
    server() : configurable(mw_server_new, {}) {}
    explicit server(options opts) : configurable(mw_server_new, opts) {}

    /* start starts every service; it returns when they accept connections. */
    server &start()
    {
        check(mw_server_start(h_));
        return *this;
    }

    /* port is the port of smtp, submission, smtps, lmtp, pop3, pop3s, imap
     * or imaps. */
    int port(const std::string &service) const { return check(mw_server_port(h_, detail::c(service))); }

    /* message_count is the number of messages in mailbox ("" for all). */
    int message_count(const std::string &mailbox = {}) const
    {
        return check(mw_server_message_count(h_, detail::c(mailbox)));
    }

    /* message is message i (0-based, oldest first) of mailbox as stored. */
    bytes message(const std::string &mailbox, int i) const
    {
        int rc = 0;
        bytes b = detail::take(
            [&](char **out, std::size_t *len) { return mw_server_message(h_, detail::c(mailbox), i, out, len); }, rc);
        check(rc);
        return b;
    }

    /* stop closes the listeners and sessions. */
    void stop() { check(mw_server_stop(h_)); }
};

/* send connects, sends and quits in one call: "smtp://user:pass@host:port",
 * "smtps://..." or "lmtp://...", options as query parameters.  Returns and
 * throws as smtp::send; the message carries the results. */
inline send_result send(const std::string &url, message &msg)
{
    detail::version_ok();
    return detail::sent(mw_send(detail::c(url), msg.native_handle()), msg.native_handle(), msg.native_handle());
}

/* with_keyword is the registered "with" keyword (RFC 3848) for protocol
 * ("SMTP", "ESMTP", "LMTP") and MW_WITH_* flags; nullopt when none is. */
inline std::optional<std::string> with_keyword(const std::string &protocol, int flags)
{
    const char *s = mw_with_keyword(detail::c(protocol), flags);
    return s ? std::optional<std::string>(s) : std::nullopt;
}

/* with_flags is the MW_WITH_* flags of a registered keyword, nullopt for
 * an unregistered one. */
inline std::optional<int> with_flags(const std::string &keyword)
{
    int f = mw_with_flags(detail::c(keyword));
    return f < 0 ? std::nullopt : std::optional<int>(f);
}

/* with_protocol is "SMTP", "ESMTP" or "LMTP" for a registered keyword. */
inline std::optional<std::string> with_protocol(const std::string &keyword)
{
    const char *s = mw_with_protocol(detail::c(keyword));
    return s ? std::optional<std::string>(s) : std::nullopt;
}

} // namespace mailwire

#endif /* MAILWIRE_HPP */
