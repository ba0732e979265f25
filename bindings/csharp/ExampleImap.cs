// ExampleImap.cs: IMAP from C#. It starts the embedded server, delivers
// two messages to alice through submission, then reads her mailbox over
// IMAP (STARTTLS, the server's CA for verification): lists the folders,
// searches the unseen messages, fetches them, flags the first one and moves
// the second to the Trash folder.
//
//   mcs -out:ExampleImap.exe ExampleImap.cs Mailwire.cs MimeMessage.cs Clients.cs OAuth2.cs
//   LD_LIBRARY_PATH=../../build mono ExampleImap.exe
using System;
using System.IO;
using System.Linq;
using Mailwire;

static class ExampleImap
{
    static int Main()
    {
        string dir = Path.Combine(Path.GetTempPath(), "mailwire-cs-imap-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string ca = Path.Combine(dir, "ca.pem");
        try
        {
            Console.WriteLine("Mailwire {0} from C#, IMAP", Library.Version);
            using (var server = new MailServer())
            {
                server.AddUser("alice", "secret");
                server.AddUser("bob", "secret");
                server.CaOut = ca;
                server.Start();
                Deliver(server.Port("submission"), ca, "Lunch on Friday?", "Minutes of the meeting");
                Read(server.Port("imap"), ca);
            }
            return 0;
        }
        catch (MailwireException e)
        {
            Console.Error.WriteLine("example-imap: {0} ({1}): {2}", e.GetType().Name, e.Code, e.Message);
            return 1;
        }
        finally { Directory.Delete(dir, true); }
    }

    static void Deliver(int port, string ca, params string[] subjects)
    {
        using (var client = new SmtpClient())
        {
            client.CaFile = ca;
            client.Authenticate("bob", "secret");
            client.Connect("127.0.0.1", port, SecureSocketOptions.StartTls);
            foreach (var subject in subjects)
            {
                using (var message = new MimeMessage())
                {
                    message.From = "Bob <bob@example.test>";
                    message.To.Add("Alice <alice@example.test>");
                    message.Subject = subject;
                    message.TextBody = "Hi Alice,\n" + subject + "\nBob\n";
                    client.Send(message);
                }
            }
            client.Disconnect(true);
        }
    }

    static void Read(int port, string ca)
    {
        using (var client = new ImapClient())
        {
            client.CaFile = ca;
            client.Authenticate("alice", "secret");
            client.Connect("127.0.0.1", port, SecureSocketOptions.StartTls);

            foreach (var f in client.GetFolders())
                Console.WriteLine("folder {0} [{1}]{2}", f.Name, string.Join(" ", f.Flags),
                    f.SpecialUse != "" ? " special use " + f.SpecialUse : "");
            var trash = client.GetFolders().First(f => f.SpecialUse == "\\Trash").Name;

            Console.WriteLine("INBOX holds {0} messages", client.Select("INBOX"));
            long[] unseen = client.Search("UNSEEN");
            Console.WriteLine("unseen: {0} (UIDs {1})", unseen.Length, string.Join(", ", unseen));
            foreach (long uid in unseen)
            {
                using (var m = client.Fetch(uid))
                    Console.WriteLine("uid {0}: \"{1}\" from {2}", uid, m.Subject, m.From);
            }

            client.Store(unseen[0], "\\Seen \\Flagged", ImapStoreMode.Add);
            Console.WriteLine("uid {0} flags: {1}", unseen[0], string.Join(" ", client.Flags(unseen[0])));
            client.Move(unseen[1], trash);
            Console.WriteLine("moved uid {0} to {1}", unseen[1], trash);
            Console.WriteLine("INBOX: {0} message(s), {1} unseen", client.Status("exists"), client.Status("unseen"));
            Console.WriteLine("{0}: {1} message(s)", trash, client.Select(trash, true));
            client.Disconnect(true);
        }
    }
}
