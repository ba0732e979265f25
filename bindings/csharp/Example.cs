// Example.cs: Mailwire from C#. It starts the embedded server, sends a
// message with an attachment through submission (STARTTLS + AUTH, the
// server's CA for verification), reads it back over POP3 (STLS) and prints
// its Received trace.
//
//   mcs -out:Example.exe Example.cs Mailwire.cs MimeMessage.cs Clients.cs OAuth2.cs
//   LD_LIBRARY_PATH=../../build mono Example.exe
using System;
using System.IO;
using System.Text;
using Mailwire;

static class Example
{
    static int Main()
    {
        string dir = Path.Combine(Path.GetTempPath(), "mailwire-cs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string ca = Path.Combine(dir, "ca.pem");
        try
        {
            Console.WriteLine("Mailwire {0} from C#", Library.Version);
            using (var server = new MailServer())
            {
                server.AddUser("alice", "secret");
                server.AddUser("bob", "secret");
                server.CaOut = ca;
                server.Start();
                Send(server.Port("submission"), ca);
                Receive(server.Port("pop3"), ca);
                Console.WriteLine("mailbox alice holds {0} messages", server.MessageCount("alice"));
            }
            return 0;
        }
        catch (MailwireException e)
        {
            Console.Error.WriteLine("example: {0} ({1}): {2}", e.GetType().Name, e.Code, e.Message);
            return 1;
        }
        finally { Directory.Delete(dir, true); }
    }

    static void Send(int port, string ca)
    {
        using (var message = new MimeMessage())
        using (var client = new SmtpClient())
        {
            message.From = "Bob <bob@example.test>";
            message.To.Add("Alice <alice@example.test>");
            message.Subject = "Quarterly report \u2713";
            message.TextBody = "Hi Alice,\nthe report is attached.\nBob\n";
            message.Attach("report.txt", Encoding.UTF8.GetBytes("Quarterly figures: all green.\n"), "text/plain");

            client.CaFile = ca;
            client.Connect("127.0.0.1", port, SecureSocketOptions.StartTls);
            client.Authenticate("bob", "secret");
            foreach (var r in client.Send(message).Recipients) Console.WriteLine("sent: {0}", r);
            client.Disconnect(true);
        }
    }

    static void Receive(int port, string ca)
    {
        using (var client = new Pop3Client())
        {
            client.CaFile = ca;
            client.Authenticate("alice", "secret");
            client.Connect("127.0.0.1", port, SecureSocketOptions.StartTls);
            for (int i = 1; i <= client.Count; i++) // numbered from 1, as in RFC 1939
            {
                using (var m = client.GetMessage(i))
                {
                    Console.WriteLine("#{0} \"{1}\" from {2}, {3} octets, uid {4}", i, m.Subject, m.From,
                        client.GetMessageSize(i), client.GetMessageUid(i));
                    foreach (var a in m.Attachments)
                        Console.WriteLine("  attachment {0} ({1}, {2} bytes)", a.FileName, a.ContentType, a.Size);
                    foreach (var hop in m.Trace) Console.WriteLine("  hop {0}: {1}", hop.Hop, hop);
                }
                client.DeleteMessage(i);
            }
            client.Disconnect(true);
        }
    }
}
