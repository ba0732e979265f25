// demo.cpp: Mailwire from C++ (include/mailwire.hpp), against the embedded
// server.  It sends a message with an attachment through submission
// (STARTTLS + AUTH) to one recipient who is accepted and one who is refused,
// reads it back over POP3 (STLS) and prints its attachments and Received
// trace.
//
//   c++ -std=c++17 demo.cpp $(pkg-config --cflags --libs mailwire) -o demo
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <unistd.h>

#include <mailwire.hpp>

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
        std::cout << "demo: done\n";
    } catch (const mailwire::error &e) {
        std::cerr << "demo: " << e.code_text() << " (" << e.code() << "): " << e.what() << "\n";
        rc = 1;
    }
    std::remove(ca.c_str());
    rmdir(dir);
    return rc;
}
