// demo.cpp: Mailwire from C++ (include/mailwire.hpp), against the embedded
// server.  It sends a message with an attachment through submission
// (STARTTLS + AUTH) to one recipient who is accepted and one who is refused,
// reads the mailbox over IMAP (STARTTLS: the folders, the unseen messages
// fetched and flagged, IDLE woken by an LMTP delivery from another thread),
// then over POP3 (STLS), printing the attachments and the Received trace.
//
//   c++ -std=c++17 demo.cpp $(pkg-config --cflags --libs mailwire) -o demo
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <unistd.h>

#include <mailwire.hpp>

// read_imap reads alice's mailbox over IMAP: the folders, the unseen
// messages (fetched, then flagged \Seen), and an IDLE that a delivery by
// LMTP from another thread wakes.  False when IDLE did not hear of it.
static bool read_imap(mailwire::server &srv, const std::string &ca)
{
    mailwire::imap imap({{"host", "127.0.0.1"}, {"security", "starttls"}, {"ca_file", ca},
                         {"username", "alice"}, {"password", "secret"}});
    imap.set("port", srv.port("imap"));
    imap.connect();
    for (const auto &f : imap.folders())
        std::cout << "folder " << f.name << (f.special_use.empty() ? "" : " " + f.special_use) << "\n";
    std::cout << "INBOX: " << imap.select("INBOX") << " messages\n";
    for (long long uid : imap.search("UNSEEN")) {
        mailwire::message m = imap.fetch(uid);
        imap.store(uid, "\\Seen");
        std::cout << "uid " << uid << " \"" << m.get("Subject").value_or("") << "\", flags";
        for (const auto &flag : imap.flags(uid))
            std::cout << " " << flag;
        std::cout << "\n";
    }

    // IDLE here while another thread delivers by LMTP.
    std::string delivered;
    std::thread lmtp([&] {
        try {
            mailwire::smtp s({{"host", "127.0.0.1"}, {"security", "starttls"}, {"ca_file", ca}, {"protocol", "lmtp"}});
            s.set("port", srv.port("lmtp"));
            s.connect();
            mailwire::message m;
            m.set("From", "bob@example.test").add_to("alice@example.test");
            m.set("Subject", "Delivered while you were idling").set("TextBody", "IDLE hears of this one at once.\n");
            s.send(m);
            s.disconnect();
        } catch (const mailwire::error &e) {
            delivered = e.what();
        }
    });
    mailwire::imap::idle_result r = imap.idle(30);
    lmtp.join();
    if (!delivered.empty() || r != mailwire::imap::idle_result::changed) {
        std::cerr << "demo: " << (delivered.empty() ? "IDLE did not hear of the delivery" : "LMTP: " + delivered)
                  << "\n";
        return false;
    }
    std::cout << "IDLE woke up: INBOX has " << imap.status("exists") << " messages now\n";
    for (long long uid : imap.search("UNSEEN"))
        std::cout << "uid " << uid << " \"" << imap.fetch(uid).get("Subject").value_or("") << "\"\n";
    imap.disconnect();
    return true;
}

int main()
{
    char dir[] = "/tmp/mailwire-demo-XXXXXX";
    if (!mkdtemp(dir)) {
        std::perror("mkdtemp");
        return 1;
    }
    const std::string ca = std::string(dir) + "/ca.pem";
    int rc = 0;
    try {
        std::cout << "Mailwire " << mailwire::version() << " from C++\n";
        mailwire::server srv({{"users", "alice:secret,bob:secret"}, {"ca_out", ca}});
        srv.start();

        mailwire::message msg;
        msg.set("From", "Bob <bob@example.test>")
            .add_to("Alice <alice@example.test>, reject-me@example.test")
            .set("Subject", "Quarterly report \xe2\x9c\x93")
            .set("TextBody", "Hi Alice,\nthe report is attached.\nBob\n")
            .attach_data("Quarterly figures: all green.\n", "report.txt", "text/plain");
        mailwire::smtp smtp({{"host", "127.0.0.1"}, {"security", "starttls"}, {"ca_file", ca},
                             {"username", "bob"}, {"password", "secret"}});
        smtp.set("port", srv.port("submission"));
        smtp.connect();
        mailwire::send_result sent = smtp.send(msg);
        std::cout << (sent.partial ? "sent, some recipients refused:\n" : "sent:\n");
        for (const auto &r : sent.recipients)
            std::cout << "  " << r.address << " " << r.code << " " << r.enhanced << " " << r.text << "\n";
        smtp.disconnect();

        if (!read_imap(srv, ca))
            rc = 1;

        mailwire::pop3 pop({{"host", "127.0.0.1"}, {"security", "starttls"}, {"ca_file", ca},
                            {"username", "alice"}, {"password", "secret"}});
        pop.set("port", srv.port("pop3"));
        pop.connect();
        for (int i = 1, n = pop.count(); i <= n; i++) {
            mailwire::message got = pop.retrieve(i);
            std::cout << "#" << i << " \"" << got.get("Subject").value_or("") << "\" from "
                      << got.get("From").value_or("?") << ", " << pop.size(i) << " octets\n";
            for (const auto &a : got.attachments())
                std::cout << "  attachment " << a.name << " (" << a.content_type << ", " << a.size << " bytes)\n";
            int h = 0;
            for (const auto &hop : got.trace())
                std::cout << "  hop " << h++ << ": from " << hop.from << " by " << hop.by << " with " << hop.with
                          << " (" << mailwire::with_protocol(hop.with).value_or("unregistered") << ")\n";
            pop.delete_message(i);
        }
        pop.disconnect();
        std::cout << "mailbox alice holds " << srv.message_count("alice") << " messages\n";
        srv.stop();
        if (rc == 0)
            std::cout << "demo: done\n";
    } catch (const mailwire::error &e) {
        std::cerr << "demo: " << e.code_text() << " (" << e.code() << "): " << e.what() << "\n";
        rc = 1;
    }
    std::remove(ca.c_str());
    rmdir(dir);
    return rc;
}
