// mailwire_test.cpp: include/mailwire.hpp against the built library and the
// embedded server: compose, send through submission (STARTTLS, AUTH) with
// progress and log callbacks, per-recipient results, every error class,
// POP3 (STLS) back, the Received trace, the pool from several threads,
// send_many, moves, IMAP (STARTTLS, SCRAM) against the embedded server's
// imap service (every method, UTF-8 folder names, the errors with their
// codes, IDLE woken by an LMTP delivery from another thread and cancelled
// from another thread), OAuth2 against the test authorization server
// (MW_TOKEN_URL, MW_TOKEN_CA: tests/oauth/tokenserver.sh), and no handle
// left open at the end.  Built with
// -std=c++17 -Wall -Wextra -Werror, run plainly and under ASan and UBSan.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>
#include <unistd.h>
#include <vector>

#include "mailwire.hpp"

namespace {

int passed, failed;

void check(bool ok, const std::string &what, int line)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        std::cerr << "FAIL mailwire_test.cpp:" << line << ": " << what << "\n";
    }
}
#define CHECK(cond) check((cond), #cond, __LINE__)
#define CHECK_EQ(a, b) check((a) == (b), std::string(#a " == " #b ": got ") + show(a) + ", want " + show(b), __LINE__)

template <class T> std::string show(const T &v)
{
    std::ostringstream o;
    o << v;
    return o.str();
}
std::string show(const std::optional<std::string> &v) { return v ? "\"" + *v + "\"" : "nullopt"; }

// expect runs f and checks that it throws E with code want.
template <class E, class F> void expect(F f, int want, const char *what, int line)
{
    try {
        f();
        check(false, std::string(what) + ": no exception", line);
    } catch (const E &e) {
        check(e.code() == want, std::string(what) + ": code " + std::to_string(e.code()) + " (" + e.what() + "), want " +
                                    std::to_string(want),
              line);
        check(std::string(e.what()) != "", std::string(what) + ": empty what()", line);
    } catch (const std::exception &e) {
        check(false, std::string(what) + ": other exception: " + e.what(), line);
    }
}
#define EXPECT(E, code, stmt) expect<E>([&] { stmt; }, (code), #stmt, __LINE__)

std::string text(const mailwire::bytes &b) { return std::string(b.begin(), b.end()); }

std::string dir, ca;

static_assert(!std::is_copy_constructible_v<mailwire::message>, "handles do not copy");
static_assert(std::is_nothrow_move_constructible_v<mailwire::smtp>, "handles move");
static_assert(std::is_nothrow_move_assignable_v<mailwire::pop3>, "handles move");
static_assert(std::is_nothrow_move_constructible_v<mailwire::imap>, "handles move");
static_assert(std::is_nothrow_move_assignable_v<mailwire::imap>, "handles move");
static_assert(std::is_nothrow_destructible_v<mailwire::server>, "destructors do not throw");
static_assert(std::is_base_of_v<std::runtime_error, mailwire::error>, "error is a runtime_error");
static_assert(std::is_base_of_v<mailwire::refused_error, mailwire::auth_error>, "auth is a refusal");

mailwire::message report()
{
    mailwire::message m;
    m.set("From", "Bob <bob@example.test>")
        .add_to("Alice <alice@example.test>")
        .set("Subject", "Quarterly report \xe2\x9c\x93")
        .set("TextBody", "Hi Alice,\nthe report is attached.\n")
        .attach_data(std::string_view("Quarterly figures: all green.\n"), "report.txt", "text/plain");
    return m;
}

void test_usage(mailwire::server &srv)
{
    CHECK_EQ(mailwire::version(), std::string(MW_VERSION));
    CHECK_EQ(mailwire::version_number(), MW_VERSION_NUMBER);
    mailwire::check_version();

    mailwire::message m;
    EXPECT(mailwire::usage_error, MW_E_ARG, m.set("Subject", std::string("a\0b", 3)));
    EXPECT(mailwire::usage_error, MW_E_ARG, m.add_to("not an address <"));
    EXPECT(mailwire::usage_error, MW_E_FILE, m.attach_file(dir + "/missing.pdf"));
    mailwire::smtp s;
    EXPECT(mailwire::usage_error, MW_E_OPTION, s.set("no_such_option", "1"));
    EXPECT(mailwire::usage_error, MW_E_STATE, s.capabilities());
    EXPECT(mailwire::usage_error, MW_E_STATE, srv.start());
    try {
        s.set("security", "sideways");
    } catch (const mailwire::error &e) {
        CHECK(e.kind() == mailwire::error_kind::usage);
        CHECK(!e.refused() && !e.connection_gone() && !e.temporary());
        CHECK_EQ(std::string(e.code_text()), mailwire::strerror(MW_E_OPTION));
        CHECK(e.recipients().empty());
    }
    CHECK(!m.get("Subject"));
    m.set("Subject", "x");
    CHECK_EQ(m.get("Subject"), std::optional<std::string>("x"));
    m.set("Subject", "");
    CHECK(!m.get("Subject"));
    CHECK(mailwire::kind_of(MW_E_TEMPORARY) == mailwire::error_kind::refused);
    CHECK(mailwire::kind_of(MW_E_CLOSED) == mailwire::error_kind::connection);
    CHECK(mailwire::kind_of(MW_E_BUSY) == mailwire::error_kind::usage);
    CHECK_EQ(mailwire::with_keyword("ESMTP", MW_WITH_TLS | MW_WITH_AUTH), std::optional<std::string>("ESMTPSA"));
    CHECK_EQ(mailwire::with_flags("esmtpsa").value_or(-1), MW_WITH_TLS | MW_WITH_AUTH);
    CHECK(!mailwire::with_flags("LSMTPS"));
    CHECK_EQ(mailwire::with_protocol("UTF8LMTPA"), std::optional<std::string>("LMTP"));
}

// test_moves: a moved-from object holds nothing, a moved-to one closes.
void test_moves()
{
    int before = mailwire::handle_count();
    {
        mailwire::message a;
        a.set("Subject", "moved");
        mailwire::message b = std::move(a);
        CHECK_EQ(a.native_handle(), 0);
        CHECK(!a);
        EXPECT(mailwire::usage_error, MW_E_HANDLE, a.set("Subject", "x"));
        CHECK_EQ(b.get("Subject"), std::optional<std::string>("moved"));
        mailwire::message c;
        c = std::move(b); // c's own handle is closed
        CHECK_EQ(mailwire::handle_count(), before + 1);
        std::vector<mailwire::message> v;
        for (int i = 0; i < 20; i++)
            v.emplace_back();
        CHECK_EQ(mailwire::handle_count(), before + 21);
        c.close();
        c.close();
        CHECK(!c);
        mailwire::smtp s1, s2;
        s2 = std::move(s1);
        EXPECT(mailwire::usage_error, MW_E_HANDLE, s1.on_progress([](long long, long long) {}));
        s1.cancel(); // harmless
    }
    CHECK_EQ(mailwire::handle_count(), before);
}

mailwire::smtp submission(mailwire::server &srv, const std::string &user, const std::string &password)
{
    mailwire::smtp s({{"host", "127.0.0.1"}, {"security", "starttls"}, {"ca_file", ca}});
    s.set("port", srv.port("submission")).set("username", user).set("password", password);
    return s;
}

void test_send(mailwire::server &srv)
{
    std::vector<std::string> log;
    long long progressed = 0, total = 0;
    mailwire::smtp s = submission(srv, "bob", "Tr0ub4dor");
    mailwire::smtp moved = std::move(s); // callbacks set after the move reach the new owner
    moved.on_log([&](const std::string &line) { log.push_back(line); });
    moved.on_progress([&](long long done, long long all) {
        progressed = done;
        total = all;
    });
    moved.connect();
    CHECK(std::find(moved.capabilities().begin(), moved.capabilities().end(), "PIPELINING") !=
          moved.capabilities().end());

    mailwire::message m = report();
    m.add_cc("reject-me@example.test");
    mailwire::send_result r = moved.send(m);
    CHECK(r.partial);
    CHECK_EQ(r.recipients.size(), 2u);
    if (r.recipients.size() == 2) {
        CHECK_EQ(r.recipients[0].address, std::string("alice@example.test"));
        CHECK_EQ(r.recipients[0].code, 250);
        CHECK_EQ(r.recipients[1].code, 550);
        CHECK_EQ(r.recipients[1].enhanced.substr(0, 2), std::string("5."));
    }
    CHECK_EQ(m.results().size(), 2u);
    CHECK_EQ(moved.results().size(), 2u);
    CHECK(progressed > 0 && progressed == total);
    CHECK_EQ(moved.reply_code(), 250);
    bool saw_ehlo = false, saw_hidden = false, saw_password = false;
    for (const std::string &l : log) {
        saw_ehlo = saw_ehlo || l.rfind("C: EHLO", 0) == 0;
        saw_hidden = saw_hidden || l.find("<secret>") != std::string::npos;
        saw_password = saw_password || l.find("Tr0ub4dor") != std::string::npos;
    }
    CHECK(saw_ehlo);
    CHECK(saw_hidden);
    CHECK(!saw_password);
    EXPECT(mailwire::usage_error, MW_E_STATE, moved.on_log({}));

    // Every recipient refused: refused_error with the replies; the
    // connection lives.
    mailwire::message refused;
    refused.set("From", "bob@example.test").add_to("reject-1@example.test").set("TextBody", "x\n");
    try {
        moved.send(refused);
        CHECK(!"refused send did not throw");
    } catch (const mailwire::refused_error &e) {
        CHECK_EQ(e.code(), MW_E_REFUSED);
        CHECK(e.refused() && !e.temporary());
        mailwire::refused_error copy = e;
        CHECK_EQ(copy.recipients().size(), 1u);
        if (!copy.recipients().empty())
            CHECK_EQ(copy.recipients()[0].code, 550);
    }
    mailwire::message deferred;
    deferred.set("From", "bob@example.test").add_to("tempfail@example.test").set("TextBody", "x\n");
    try {
        moved.send(deferred);
        CHECK(!"deferred send did not throw");
    } catch (const mailwire::error &e) {
        CHECK(e.temporary());
        CHECK(dynamic_cast<const mailwire::refused_error *>(&e) != nullptr);
    }

    // An exception from a callback cancels the call and comes out of it.
    moved.on_progress([](long long, long long) { throw std::logic_error("stop here"); });
    mailwire::message again = report();
    try {
        moved.send(again);
        CHECK(!"callback exception lost");
    } catch (const std::logic_error &e) {
        CHECK_EQ(std::string(e.what()), std::string("stop here"));
    } catch (const std::exception &e) {
        CHECK(!"callback exception replaced");
        std::cerr << "  got " << e.what() << "\n";
    }
    moved.on_progress({});
    moved.disconnect(); // the cancelled connection is closed; QUIT is a no-op
    moved.connect();
    CHECK(!moved.send(again).partial);
    moved.disconnect();

    mailwire::smtp wrong = submission(srv, "bob", "wrong");
    EXPECT(mailwire::auth_error, MW_E_AUTH, wrong.connect());

    mailwire::smtp nowhere({{"host", "127.0.0.1"}, {"port", "1"}, {"security", "none"}});
    try {
        nowhere.connect();
        CHECK(!"connect to port 1 did not throw");
    } catch (const mailwire::connection_error &e) {
        CHECK_EQ(e.code(), MW_E_CONNECT);
        CHECK(e.connection_gone());
    }

    // One call: connect, send, quit.
    mailwire::message quick;
    quick.set("From", "carol@example.test").add_to("bob@example.test").set("Subject", "by url").set("TextBody", "x\n");
    mailwire::send_result u =
        mailwire::send("smtp://127.0.0.1:" + std::to_string(srv.port("smtp")) + "?security=none", quick);
    CHECK(!u.partial);
    CHECK_EQ(quick.results().size(), 1u);
}

void test_send_many(mailwire::server &srv)
{
    mailwire::smtp s = submission(srv, "bob", "Tr0ub4dor");
    s.connect();
    std::vector<mailwire::message> batch(3);
    for (size_t i = 0; i < batch.size(); i++)
        batch[i].set("From", "bob@example.test").set("Subject", "batch " + std::to_string(i)).set("TextBody", "x\n");
    batch[0].add_to("carol@example.test");
    batch[1].add_to("reject@example.test");
    batch[2].add_to("carol@example.test");
    CHECK(!s.send_many(batch));
    CHECK_EQ(batch[0].error_code(), 0);
    CHECK_EQ(batch[1].error_code(), MW_E_REFUSED);
    CHECK(!batch[1].error_message().empty());
    CHECK_EQ(batch[2].error_code(), 0);
    CHECK(s.send_many({batch[0], batch[2]}));
    s.disconnect();
    CHECK_EQ(srv.message_count("carol"), 4);
}

void test_pool(mailwire::server &srv)
{
    mailwire::pool p({{"host", "127.0.0.1"}, {"security", "starttls"}, {"ca_file", ca}, {"max_connections", "2"}});
    p.set("port", srv.port("submission")).set("username", "bob").set("password", "Tr0ub4dor");
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; t++) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 5; i++) {
                mailwire::message m;
                m.set("From", "bob@example.test").add_to("dave@example.test");
                m.set("Subject", "pool " + std::to_string(t) + "." + std::to_string(i)).set("TextBody", "x\n");
                try {
                    if (!p.send(m).partial)
                        ok++;
                } catch (const mailwire::error &e) {
                    std::cerr << "pool send: " << e.what() << "\n";
                }
            }
        });
    }
    for (auto &t : threads)
        t.join();
    CHECK_EQ(ok.load(), 20);
    CHECK_EQ(srv.message_count("dave"), 20);
    EXPECT(mailwire::usage_error, MW_E_STATE, p.set("max_connections", "3"));
}

void test_read(mailwire::server &srv)
{
    mailwire::pop3 pop({{"host", "127.0.0.1"}, {"security", "starttls"}, {"ca_file", ca}, {"username", "alice"}});
    pop.set("port", srv.port("pop3")).set("password", "Tr0ub4dor");
    long long fetched = 0;
    pop.on_progress([&](long long done, long long) { fetched = done; });
    pop.connect();
    CHECK(!pop.capabilities().empty());
    int n = pop.count();
    CHECK_EQ(n, 2);
    CHECK(pop.size(1) > 0);
    CHECK(!pop.uid(1).empty());
    EXPECT(mailwire::usage_error, MW_E_NOTFOUND, pop.uid(99));

    mailwire::message got = pop.retrieve(1);
    CHECK(fetched > 0);
    CHECK_EQ(got.get("Subject"), std::optional<std::string>("Quarterly report \xe2\x9c\x93"));
    CHECK_EQ(got.attachment_count(), 1);
    auto atts = got.attachments();
    if (atts.size() == 1) {
        CHECK_EQ(atts[0].name, std::string("report.txt"));
        CHECK_EQ(atts[0].content_type, std::string("text/plain"));
        CHECK_EQ(atts[0].size, 30);
    }
    CHECK_EQ(text(got.attachment_data(0)), std::string("Quarterly figures: all green.\n"));
    EXPECT(mailwire::usage_error, MW_E_NOTFOUND, got.attachment_data(5));
    auto hops = got.trace();
    CHECK_EQ(hops.size(), 1u);
    if (!hops.empty()) {
        CHECK_EQ(hops[0].with, std::string("ESMTPSA"));
        CHECK_EQ(hops[0].flags.value_or(-1), MW_WITH_TLS | MW_WITH_AUTH);
        CHECK(!hops[0].by.empty() && !hops[0].raw.empty());
    }
    CHECK_EQ(got.trace(0, "with"), std::optional<std::string>("ESMTPSA"));
    EXPECT(mailwire::usage_error, MW_E_NOTFOUND, got.trace(7, "with"));

    mailwire::bytes raw = pop.retrieve_data(1);
    CHECK(text(raw).find("Subject: ") != std::string::npos);
    CHECK_EQ(static_cast<long long>(raw.size()), pop.size(1));
    mailwire::message parsed;
    parsed.parse(raw);
    CHECK_EQ(parsed.get("Subject"), got.get("Subject"));

    auto many = pop.retrieve_many(1, n);
    CHECK_EQ(many.size(), 2u);
    if (many.size() == 2)
        CHECK_EQ(many[1].get("Subject"), std::optional<std::string>("Quarterly report \xe2\x9c\x93"));
    mailwire::message head = pop.top(1, 0);
    CHECK(head.get("From").has_value());
    pop.retrieve_file(2, dir + "/two.eml");
    mailwire::message loaded;
    loaded.load(dir + "/two.eml");
    CHECK_EQ(loaded.attachment_count(), 1);
    pop.delete_message(1);
    pop.reset();
    pop.delete_message(2);
    pop.disconnect();
    CHECK_EQ(srv.message_count("alice"), 1);
    EXPECT(mailwire::usage_error, MW_E_STATE, pop.count());

    mailwire::bytes stored = srv.message("bob", 0);
    CHECK(text(stored).find("Subject: by url") != std::string::npos);
    EXPECT(mailwire::usage_error, MW_E_NOTFOUND, srv.message("bob", 9));

    mailwire::message r = report();
    mailwire::bytes mime = r.mime();
    CHECK_EQ(static_cast<long long>(mime.size()), r.size());
    r.save(dir + "/r.eml");
    mailwire::message back;
    back.load(dir + "/r.eml");
    CHECK_EQ(back.get("Subject"), r.get("Subject"));
}

// test_oauth2: the oauth2 class against the test authorization server and
// an embedded server that accepts only the second token of the family, so
// that the first login is refused and retried with a refreshed token.
void test_oauth2()
{
    const char *url = std::getenv("MW_TOKEN_URL"), *token_ca = std::getenv("MW_TOKEN_CA");
    check(url && token_ca, "MW_TOKEN_URL and MW_TOKEN_CA are set (tests/oauth/tokenserver.sh)", __LINE__);
    if (!url || !token_ca)
        return;
    const std::string base = url, run = std::to_string(getpid());
    auto fresh = [&] {
        mailwire::oauth2 o;
        o.set("token_url", base + "/token").set("device_url", base + "/device").set("ca_file", token_ca);
        return o;
    };

    mailwire::oauth2 o = fresh();
    EXPECT(mailwire::usage_error, MW_E_OPTION, o.set("flavour", "x"));
    EXPECT(mailwire::usage_error, MW_E_ARG, o.get("flavour"));
    CHECK_EQ(o.get("user_code"), std::optional<std::string>());
    EXPECT(mailwire::usage_error, MW_E_STATE, o.token());
    o.set("client_id", "svc").set("client_secret", "s3cret +/=&%").set("grant", "client_credentials");
    CHECK(o.token().rfind("at-svc-", 0) == 0);
    CHECK_EQ(o.get("token_type"), std::optional<std::string>("Bearer"));
    CHECK(std::atoll(o.get("expires_at").value_or("0").c_str()) > 1700000000);

    mailwire::oauth2 bad = fresh();
    bad.set("client_id", "app").set("client_secret", "app-secret").set("refresh_token", "rt-bad-cxx");
    try {
        bad.token();
        check(false, "an invalid refresh token: no exception", __LINE__);
    } catch (const mailwire::auth_error &e) {
        std::string w = e.what();
        CHECK(w.find("invalid_grant") != std::string::npos);
        CHECK(w.find("app-secret") == std::string::npos && w.find("rt-bad-cxx") == std::string::npos);
    }

    mailwire::oauth2 dev = fresh();
    dev.set("client_id", "dev-now").set("grant", "device_code");
    dev.device_start();
    CHECK(dev.get("user_code").value_or("").rfind("WDJB-", 0) == 0);
    CHECK(dev.get("verification_uri").has_value());
    CHECK(dev.device_poll());
    CHECK(dev.token().rfind("at-dev-now-", 0) == 0);

    std::string mail_ca = dir + "/oauth-mail-ca.pem";
    mailwire::server srv({{"ca_out", mail_ca}, {"oauth_tokens", "alice@mx.test:at-cxx" + run + "-2"}});
    srv.start();
    mailwire::oauth2 tok = fresh();
    tok.set("client_id", "pub").set("refresh_token", "rt-cxx" + run);
    mailwire::options tls = {{"host", "localhost"}, {"security", "tls"}, {"ca_file", mail_ca},
                             {"username", "alice@mx.test"}, {"timeout", "20"}};
    {
        mailwire::smtp smtp(tls);
        smtp.set("port", srv.port("smtps")).use_oauth2(tok);
        smtp.connect();
        EXPECT(mailwire::usage_error, MW_E_STATE, smtp.use_oauth2(nullptr));
        mailwire::message m;
        m.set("From", "alice@mx.test").add_to("bob@mx.test").set("Subject", "OAuth2").set("TextBody", "hi\n");
        CHECK(!smtp.send(m).partial);
        smtp.disconnect();
        CHECK_EQ(srv.message_count("bob"), 1);
        CHECK_EQ(tok.get("access_token"), std::optional<std::string>("at-cxx" + run + "-2"));

        mailwire::pop3 pop(tls);
        pop.set("port", srv.port("pop3s")).use_oauth2(tok);
        pop.connect();
        CHECK_EQ(pop.count(), 0);
        pop.disconnect();

        mailwire::imap im(tls);
        im.set("port", srv.port("imaps")).use_oauth2(tok);
        im.connect();
        EXPECT(mailwire::usage_error, MW_E_STATE, im.use_oauth2(nullptr));
        CHECK_EQ(im.select("INBOX", true), 0);
        im.disconnect();

        mailwire::pool pl(tls);
        pl.set("port", srv.port("smtps")).use_oauth2(tok);
        CHECK(!pl.send(m).partial);
        CHECK_EQ(srv.message_count("bob"), 2);
        EXPECT(mailwire::usage_error, MW_E_STATE, pl.use_oauth2(nullptr));

        mailwire::oauth2 moved = std::move(tok);
        EXPECT(mailwire::usage_error, MW_E_HANDLE, smtp.use_oauth2(tok));
        EXPECT(mailwire::usage_error, MW_E_HANDLE, tok.token());
        smtp.use_oauth2(nullptr);
    }
    srv.stop();
    std::remove(mail_ca.c_str());
}

// ---- IMAP ----------------------------------------------------------------

const std::string imap_password = "Corr3ct-H0rse";

// letter is a message from Bob to to.
mailwire::message letter(const std::string &to, const std::string &subject)
{
    mailwire::message m;
    m.set("From", "Bob <bob@example.test>").add_to(to).set("Subject", subject).set("TextBody", "Hi,\n" + subject + "\n");
    return m;
}

// deliver sends one message to erin through service ("submission" with
// STARTTLS and AUTH, or "lmtp").
void deliver(mailwire::server &srv, const std::string &service, const std::string &subject)
{
    mailwire::smtp s({{"host", "127.0.0.1"}, {"security", "starttls"}, {"ca_file", ca}});
    s.set("port", srv.port(service));
    if (service == "lmtp")
        s.set("protocol", "lmtp");
    else
        s.set("username", "bob").set("password", "Tr0ub4dor");
    s.connect();
    mailwire::message m = letter("Erin <erin@example.test>", subject);
    CHECK(!s.send(m).partial);
    s.disconnect();
}

mailwire::imap imap_client(mailwire::server &srv, const std::string &password = imap_password)
{
    mailwire::imap im({{"host", "127.0.0.1"}, {"security", "starttls"}, {"ca_file", ca}, {"username", "erin"}});
    im.set("port", srv.port("imap")).set("password", password);
    return im;
}

bool has(const std::vector<std::string> &v, const std::string &s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::string show(const std::vector<long long> &v)
{
    std::string s = "{";
    for (long long x : v)
        s += (s.size() > 1 ? "," : "") + std::to_string(x);
    return s + "}";
}
std::string show(const std::vector<std::string> &v)
{
    std::string s = "{";
    for (const std::string &x : v)
        s += (s.size() > 1 ? "," : "") + x;
    return s + "}";
}

const mailwire::imap::folder *find_folder(const std::vector<mailwire::imap::folder> &fs, const std::string &name)
{
    for (const auto &f : fs)
        if (f.name == name)
            return &f;
    return nullptr;
}

// test_imap_errors: the refusals that come before the wire or at login.
void test_imap_errors(mailwire::server &srv)
{
    mailwire::imap im = imap_client(srv);
    EXPECT(mailwire::usage_error, MW_E_OPTION, im.set("flavour", "x"));
    EXPECT(mailwire::usage_error, MW_E_ARG, im.set("host", std::string("a\0b", 3)));
    EXPECT(mailwire::usage_error, MW_E_STATE, im.capabilities());
    EXPECT(mailwire::usage_error, MW_E_STATE, im.folders());
    EXPECT(mailwire::usage_error, MW_E_STATE, im.select("INBOX"));
    EXPECT(mailwire::usage_error, MW_E_STATE, im.search());
    EXPECT(mailwire::usage_error, MW_E_STATE, im.idle(5));
    im.disconnect(); // not connected: a no-op

    mailwire::imap wrong = imap_client(srv, "wrong");
    EXPECT(mailwire::auth_error, MW_E_AUTH, wrong.connect());
    mailwire::imap plain = imap_client(srv);
    plain.set("security", "none").set("auth", "login"); // the LOGIN command would show the password
    try {
        plain.connect();
        check(false, "a password without TLS: no exception", __LINE__);
    } catch (const mailwire::connection_error &e) {
        CHECK_EQ(e.code(), MW_E_SECURITY);
    }
    mailwire::imap nowhere({{"host", "127.0.0.1"}, {"port", "1"}, {"security", "none"}, {"username", "erin"}});
    EXPECT(mailwire::usage_error, MW_E_ARG, nowhere.connect()); // no password: refused before connecting
    nowhere.set("password", "x");
    EXPECT(mailwire::connection_error, MW_E_CONNECT, nowhere.connect());

    mailwire::imap moved = std::move(im);
    EXPECT(mailwire::usage_error, MW_E_HANDLE, im.select("INBOX"));
    EXPECT(mailwire::usage_error, MW_E_HANDLE, im.on_log({}));
    im.cancel(); // harmless
    mailwire::message gone;
    mailwire::message taken = std::move(gone);
    EXPECT(mailwire::usage_error, MW_E_HANDLE, moved.fetch(1, gone));
}

// test_imap_folders: LIST with special use and counts, CREATE, RENAME and
// DELETE of UTF-8 names.
void test_imap_folders(mailwire::imap &im)
{
    auto fs = im.folders();
    const auto *inbox = find_folder(fs, "INBOX");
    const auto *trash = find_folder(fs, "Trash");
    CHECK(inbox != nullptr);
    CHECK(trash != nullptr);
    if (inbox) {
        CHECK_EQ(inbox->delimiter, std::string("/"));
        CHECK_EQ(inbox->special_use, std::string(""));
        CHECK_EQ(inbox->messages.value_or(-1), 3);
        CHECK_EQ(inbox->unseen.value_or(-1), 3);
        CHECK_EQ(inbox->uidnext.value_or(-1), 4);
        CHECK(inbox->uidvalidity.value_or(0) > 0);
    }
    if (trash) {
        CHECK_EQ(trash->special_use, std::string("\\Trash"));
        CHECK(has(trash->flags, "\\Trash"));
        CHECK_EQ(trash->messages.value_or(-1), 0);
    }

    const std::string donnees = "Donn\xc3\xa9" "es \xe2\x9c\x93", archive = "Archiv \xc3\x9c" "bersicht \xe2\x9c\x93",
                      nested = "Projekte/Stra\xc3\x9f" "e \xe6\x97\xa5\xe6\x9c\xac";
    im.create_folder(donnees);
    im.create_folder(nested);
    fs = im.folders();
    CHECK(find_folder(fs, donnees) != nullptr);
    const auto *n = find_folder(fs, nested);
    CHECK(n != nullptr);
    if (n) {
        CHECK_EQ(n->delimiter, std::string("/"));
        CHECK_EQ(n->messages.value_or(-1), 0);
    }
    EXPECT(mailwire::refused_error, MW_E_REFUSED, im.create_folder(donnees));
    EXPECT(mailwire::usage_error, MW_E_ARG, im.create_folder("bad\r\nA9 LOGOUT"));
    EXPECT(mailwire::usage_error, MW_E_ARG, im.create_folder(std::string("nul\0x", 5)));
    im.rename_folder(donnees, archive);
    fs = im.folders();
    CHECK(find_folder(fs, donnees) == nullptr);
    CHECK(find_folder(fs, archive) != nullptr);
    EXPECT(mailwire::usage_error, MW_E_NOTFOUND, im.delete_folder(donnees));
    im.delete_folder(nested);
    CHECK(find_folder(im.folders(), nested) == nullptr);
    CHECK_EQ(im.select(archive), 0);
    CHECK_EQ(im.status("name"), archive);
}

// test_imap_messages: select, status, search, fetch in every form, flags,
// copy, move, expunge, append.
void test_imap_messages(mailwire::imap &im, long long &fetched)
{
    const std::string archive = "Archiv \xc3\x9c" "bersicht \xe2\x9c\x93";
    EXPECT(mailwire::usage_error, MW_E_NOTFOUND, im.select("No such folder"));
    EXPECT(mailwire::usage_error, MW_E_STATE, im.status("exists")); // a failed select leaves none
    EXPECT(mailwire::usage_error, MW_E_STATE, im.fetch(1));
    CHECK_EQ(im.select("INBOX"), 3);
    CHECK_EQ(im.status("exists"), std::string("3"));
    CHECK_EQ(im.status("uidnext"), std::string("4"));
    CHECK_EQ(im.status("unseen"), std::string("3"));
    CHECK_EQ(im.status("readonly"), std::string("0"));
    CHECK_EQ(im.status("name"), std::string("INBOX"));
    CHECK(std::atoll(im.status("uidvalidity").c_str()) > 0);
    CHECK(!im.status("highestmodseq").empty());
    EXPECT(mailwire::usage_error, MW_E_ARG, im.status("colour"));

    CHECK_EQ(show(im.search()), std::string("{1,2,3}"));
    CHECK_EQ(show(im.search("UNSEEN")), std::string("{1,2,3}"));
    CHECK_EQ(show(im.search("SUBJECT \"Gr\xc3\xbc\xc3\x9f" "e\"")), std::string("{2}"));
    CHECK_EQ(show(im.search("OR SUBJECT \"one\" (SUBJECT \"three\")")), std::string("{1,3}"));
    EXPECT(mailwire::usage_error, MW_E_ARG, im.search("ALL\r\nA99 LOGOUT"));
    EXPECT(mailwire::usage_error, MW_E_ARG, im.search("(UNSEEN"));
    EXPECT(mailwire::usage_error, MW_E_ARG, im.search("UNSEEN)"));
    EXPECT(mailwire::usage_error, MW_E_ARG, im.search("SUBJECT \"open"));
    EXPECT(mailwire::usage_error, MW_E_ARG, im.search("SUBJECT {5}"));
    EXPECT(mailwire::usage_error, MW_E_ARG, im.search("SUBJECT Gr\xc3\xbc\xc3\x9f" "e"));
    CHECK_EQ(im.search("ALL").size(), 3u); // the connection lives

    fetched = 0;
    mailwire::message one = im.fetch(1);
    CHECK_EQ(one.get("Subject"), std::optional<std::string>("Letter one"));
    CHECK(fetched > 0);
    CHECK(!has(im.flags(1), "\\Seen")); // BODY.PEEK
    EXPECT(mailwire::usage_error, MW_E_NOTFOUND, im.fetch(99));
    EXPECT(mailwire::usage_error, MW_E_ARG, im.fetch(0));
    EXPECT(mailwire::usage_error, MW_E_ARG, im.fetch(4294967296LL));
    EXPECT(mailwire::usage_error, MW_E_NOTFOUND, im.flags(99));
    const std::string file = dir + "/imap.eml";
    im.fetch_file(2, file);
    mailwire::message two;
    two.load(file);
    CHECK_EQ(two.get("Subject"), std::optional<std::string>("Gr\xc3\xbc\xc3\x9f" "e, letter two"));
    std::remove(file.c_str());
    EXPECT(mailwire::usage_error, MW_E_NOTFOUND, im.fetch_file(99, file));
    CHECK(access(file.c_str(), F_OK) != 0); // no partial file left
    EXPECT(mailwire::usage_error, MW_E_FILE, im.fetch_file(1, dir + "/no/such/dir/x.eml"));

    auto all = im.fetch_many({3, 1, 2});
    CHECK_EQ(all.size(), 3u);
    if (all.size() == 3) {
        CHECK_EQ(all[0].get("Subject"), std::optional<std::string>("Letter three"));
        CHECK_EQ(all[1].get("Subject"), std::optional<std::string>("Letter one"));
        CHECK_EQ(all[2].error_code(), 0);
    }
    std::vector<mailwire::message> some;
    CHECK(!im.fetch_many({2, 77, 3}, some));
    CHECK_EQ(some.size(), 3u);
    if (some.size() == 3) {
        CHECK_EQ(some[0].error_code(), 0);
        CHECK_EQ(some[1].error_code(), MW_E_NOTFOUND);
        CHECK_EQ(some[2].get("Subject"), std::optional<std::string>("Letter three"));
    }
    CHECK(im.fetch_many({}, some));
    CHECK(some.empty());
    EXPECT(mailwire::usage_error, MW_E_ARG, im.fetch_many({1, -5}));

    im.store(1, "\\Seen \\Flagged $Work");
    auto f1 = im.flags(1);
    CHECK(has(f1, "\\Seen") && has(f1, "\\Flagged") && has(f1, "$Work"));
    im.store(1, "\\Flagged", mailwire::imap::store_mode::remove);
    f1 = im.flags(1);
    CHECK(has(f1, "\\Seen") && !has(f1, "\\Flagged"));
    im.store(1, std::vector<std::string>{"$A", "\\Answered"}, mailwire::imap::store_mode::set);
    f1 = im.flags(1);
    std::sort(f1.begin(), f1.end());
    CHECK_EQ(show(f1), std::string("{$A,\\Answered}"));
    im.store(1, "", mailwire::imap::store_mode::set);
    CHECK(im.flags(1).empty());
    im.store(1, std::vector<std::string>{"\\Seen"});
    CHECK_EQ(show(im.search("UNSEEN")), std::string("{2,3}"));
    CHECK_EQ(im.status("unseen"), std::string("2"));
    EXPECT(mailwire::usage_error, MW_E_ARG, im.store(1, "\\Recent"));
    EXPECT(mailwire::usage_error, MW_E_ARG, im.store(1, "(\\Seen"));
    EXPECT(mailwire::usage_error, MW_E_ARG, im.store(1, std::vector<std::string>{"two words"}));

    im.copy(2, archive);
    EXPECT(mailwire::usage_error, MW_E_NOTFOUND, im.copy(2, "No such folder"));
    im.move(3, "Trash");
    CHECK_EQ(show(im.search()), std::string("{1,2}"));
    CHECK_EQ(im.status("exists"), std::string("2"));
    EXPECT(mailwire::usage_error, MW_E_NOTFOUND, im.move(1, "No such folder"));
    im.store(2, "\\Deleted");
    CHECK_EQ(im.search().size(), 2u);
    im.expunge();
    CHECK_EQ(show(im.search()), std::string("{1}"));

    mailwire::message filed = letter("Erin <erin@example.test>", "Filed by hand \xe2\x9c\x93");
    long long uid = im.append(archive, filed, "\\Seen $Filed");
    CHECK(uid > 0);
    long long uid2 = im.append(archive, filed, std::vector<std::string>{"\\Flagged"});
    CHECK_EQ(uid2, uid + 1);
    CHECK(im.append("INBOX", filed) > 0);
    EXPECT(mailwire::usage_error, MW_E_NOTFOUND, im.append("No such folder", filed));
    EXPECT(mailwire::usage_error, MW_E_ARG, im.append(archive, filed, "\\Recent"));
    CHECK_EQ(im.select(archive, true), 3);
    CHECK_EQ(im.status("readonly"), std::string("1"));
    EXPECT(mailwire::refused_error, MW_E_REFUSED, im.store(uid, "\\Flagged")); // EXAMINE: read-only
    auto fa = im.flags(uid);
    CHECK(has(fa, "\\Seen") && has(fa, "$Filed"));
    CHECK_EQ(im.fetch(uid).get("Subject"), std::optional<std::string>("Filed by hand \xe2\x9c\x93"));
    CHECK_EQ(im.search("SUBJECT \"Gr\xc3\xbc\xc3\x9f" "e\"").size(), 1u); // the copy
    CHECK_EQ(im.select("Trash"), 1);
    CHECK_EQ(im.fetch(im.search().at(0)).get("Subject"), std::optional<std::string>("Letter three"));
}

// test_imap_idle: IDLE woken by an LMTP delivery from another thread, IDLE
// cancelled from another thread (the connection stays open), IDLE timed
// out.  The other thread acts once the log shows the server's "+" to IDLE.
void test_imap_idle(mailwire::server &srv, mailwire::imap &im, std::atomic<int> &idling)
{
    auto when_idling = [&] {
        for (int i = 0; i < 3000 && idling.load() == 0; i++)
            usleep(10000);
        return idling.load() != 0;
    };
    EXPECT(mailwire::usage_error, MW_E_ARG, im.idle(0));
    int before = im.select("INBOX");
    idling = 0;
    std::thread lmtp([&] {
        if (when_idling())
            deliver(srv, "lmtp", "Delivered while idling");
    });
    mailwire::imap::idle_result r = im.idle(60);
    lmtp.join();
    CHECK(r == mailwire::imap::idle_result::changed);
    CHECK_EQ(im.status("exists"), std::to_string(before + 1));
    auto unseen = im.search("UNSEEN"); // the message appended without flags, and the new one
    CHECK_EQ(unseen.size(), 2u);
    if (!unseen.empty())
        CHECK_EQ(im.fetch(unseen.back()).get("Subject"), std::optional<std::string>("Delivered while idling"));

    idling = 0;
    std::thread canceller([&] {
        if (when_idling())
            im.cancel();
    });
    r = im.idle(60);
    canceller.join();
    CHECK(r == mailwire::imap::idle_result::cancelled);
    CHECK_EQ(im.search().size(), static_cast<std::size_t>(before + 1)); // still connected

    idling = 0;
    CHECK(im.idle(1) == mailwire::imap::idle_result::timed_out);
    CHECK(idling.load() != 0);
}

void test_imap()
{
    mailwire::server srv({{"users", "erin:" + imap_password + ",bob:Tr0ub4dor"}, {"ca_out", ca}});
    srv.start();
    test_imap_errors(srv);
    deliver(srv, "submission", "Letter one");
    deliver(srv, "submission", "Gr\xc3\xbc\xc3\x9f" "e, letter two");
    deliver(srv, "submission", "Letter three");

    std::vector<std::string> log;
    std::atomic<int> idling{0};
    bool idle_sent = false;
    long long fetched = 0;
    mailwire::imap first = imap_client(srv);
    mailwire::imap im = std::move(first); // callbacks set after the move reach the new owner
    im.on_log([&](const std::string &line) {
        log.push_back(line);
        if (line.size() > 5 && line.compare(line.size() - 5, 5, " IDLE") == 0 && line.rfind("C: ", 0) == 0)
            idle_sent = true;
        else if (idle_sent && line.rfind("S: +", 0) == 0)
            idling = 1, idle_sent = false;
    });
    im.on_progress([&](long long done, long long) { fetched = done; });
    im.connect();
    auto caps = im.capabilities();
    CHECK(has(caps, "IMAP4rev1") && has(caps, "IDLE") && has(caps, "UIDPLUS") && has(caps, "MOVE"));
    CHECK(!has(caps, "STARTTLS")); // asked again after TLS
    EXPECT(mailwire::usage_error, MW_E_STATE, im.on_log({}));
    bool saw_secret = false, saw_password = false, saw_list = false;
    test_imap_folders(im);
    test_imap_messages(im, fetched);
    for (const std::string &l : log) {
        saw_secret = saw_secret || l.find("<secret>") != std::string::npos;
        saw_password = saw_password || l.find(imap_password) != std::string::npos;
        saw_list = saw_list || (l.rfind("C: ", 0) == 0 && l.find(" LIST ") != std::string::npos);
    }
    CHECK(saw_secret);
    CHECK(!saw_password);
    CHECK(saw_list);
    test_imap_idle(srv, im, idling);

    // An exception from a callback cancels the call and comes out of it;
    // the connection is gone, and connect opens a new one.
    im.on_progress([](long long, long long) { throw std::logic_error("enough"); });
    try {
        im.fetch(1);
        CHECK(!"callback exception lost");
    } catch (const std::logic_error &e) {
        CHECK_EQ(std::string(e.what()), std::string("enough"));
    } catch (const std::exception &e) {
        CHECK(!"callback exception replaced");
        std::cerr << "  got " << e.what() << "\n";
    }
    im.on_progress({});
    EXPECT(mailwire::usage_error, MW_E_STATE, im.folders());
    im.disconnect();
    im.connect();
    CHECK_EQ(im.select("INBOX"), 3);
    im.disconnect();
    EXPECT(mailwire::usage_error, MW_E_STATE, im.capabilities());
    srv.stop();
}

} // namespace

int main()
{
    char tmpl[] = "/tmp/mailwire-cxx-XXXXXX";
    if (!mkdtemp(tmpl)) {
        std::perror("mkdtemp");
        return 1;
    }
    dir = tmpl;
    ca = dir + "/ca.pem";
    try {
        mailwire::server srv({{"users", "alice:Tr0ub4dor,bob:Tr0ub4dor"}, {"ca_out", ca}});
        srv.start();
        test_usage(srv);
        test_moves();
        test_send(srv);
        test_send_many(srv);
        test_pool(srv);
        test_read(srv);
        srv.stop();
        test_imap();
        test_oauth2();
    } catch (const mailwire::error &e) {
        check(false, std::string("unexpected mailwire::error ") + std::to_string(e.code()) + ": " + e.what(), __LINE__);
    } catch (const std::exception &e) {
        check(false, std::string("unexpected exception: ") + e.what(), __LINE__);
    }
    CHECK_EQ(mailwire::handle_count(), 0);
    for (const char *f : {"/ca.pem", "/two.eml", "/r.eml"})
        std::remove((dir + f).c_str());
    rmdir(dir.c_str());
    std::printf("cxx: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
