// Tests.cs: the C# binding against the built library and its embedded
// server. Prints "csharp: N passed, N failed" and exits non-zero on failure.
//
//   mcs -out:Tests.exe Tests.cs Mailwire.cs MimeMessage.cs Clients.cs OAuth2.cs
//   LD_LIBRARY_PATH=../../build mono Tests.exe
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Mailwire;

static class Tests
{
    static int passed, failed;
    static string dir, ca;
    static MailServer server;

    static void Check(bool ok, string what)
    {
        if (ok) passed++;
        else { failed++; Console.WriteLine("FAIL: " + what); }
    }

    static void Equal<T>(T want, T got, string what)
    {
        Check(EqualityComparer<T>.Default.Equals(want, got), string.Format("{0}: want {1}, got {2}", what, want, got));
    }

    /// <summary>Throws checks that f throws TE with the given code.</summary>
    static void Throws<TE>(int code, Action f, string what) where TE : MailwireException
    {
        try { f(); Check(false, what + ": no exception"); }
        catch (TE e) { Equal(code, e.Code, what + " (" + e.Message + ")"); }
        catch (Exception e) { Check(false, what + ": " + e.GetType().Name + ": " + e.Message); }
    }

    static void Run(string name, Action t)
    {
        try { t(); }
        catch (Exception e) { failed++; Console.WriteLine("FAIL: {0}: {1}: {2}", name, e.GetType().Name, e.Message); }
    }

    static int Main()
    {
        dir = Path.Combine(Path.GetTempPath(), "mailwire-cs-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        ca = Path.Combine(dir, "ca.pem");
        int baseline = Library.OpenHandles;
        Run("version", Version);
        Run("compose", Compose);
        Run("header injection", Injection);
        Run("disposed", Disposed);
        Run("transmission types", Keywords);
        using (server = new MailServer())
        {
            server.AddUser("alice", "secret");
            server.AddUser("bob", "secret");
            server.AddUser("carol", "secret");
            server.AddUser("dave", "secret");
            server.CaOut = ca;
            server.Start();
            Run("send", SendAndRead);
            Run("wrong password", WrongPassword);
            Run("refused recipients", Refused);
            Run("send many", SendMany);
            Run("get messages", GetMessages);
            Run("send by URL", SendByUrl);
            Run("security", Security);
            Run("progress", Progress);
            Run("protocol log", ProtocolLog);
            Run("cancel", Cancel);
            Run("async", Async);
            Run("async cancel", AsyncCancel);
            Run("pool from 8 threads", PoolThreads);
            Run("imap", ImapMailbox);
        }
        Run("oauth2 grants", OAuth2Grants);
        Run("oauth2 device flow", OAuth2Device);
        Run("oauth2 clients", OAuth2Clients);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Equal(baseline, Library.OpenHandles, "open handles after every object is disposed");
        Directory.Delete(dir, true);
        Console.WriteLine("csharp: {0} passed, {1} failed", passed, failed);
        return failed == 0 ? 0 : 1;
    }

    static void Version()
    {
        Equal(Library.ExpectedMajor, Library.VersionNumber / 10000, "major version");
        var parts = Library.Version.Split('.').Select(int.Parse).ToArray();
        Equal(Library.VersionNumber, parts[0] * 10000 + parts[1] * 100 + parts[2], "version text and number");
        Equal("bad argument: NULL, out of range, CR/LF/NUL, bad address".Length > 0, Library.StrError(ErrorCode.Arg).Length > 0, "strerror");
    }

    static MimeMessage Letter(string to, string subject)
    {
        var m = new MimeMessage();
        m.From = "Bob <bob@example.test>";
        m.To.Add(to);
        m.Subject = subject;
        m.TextBody = "Hello,\nthis is a test.\n.\nA line with a dot above.\n";
        return m;
    }

    static void Compose()
    {
        byte[] data = new byte[3000];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 7);
        using (var m = Letter("\"Müller, Jörg\" <j@example.test>, alice@example.test", "Grüße \u2713"))
        {
            m.Cc.Add("carol@example.test");
            m.Bcc.Add("hidden@example.test");
            m.Attach("data.bin", data, "application/octet-stream");
            string text = m.ToString();
            Check(text.Contains("\r\n") && !text.Replace("\r\n", "").Contains("\n"), "CRLF line ends only");
            Check(!text.Contains("hidden@example.test"), "Bcc not rendered");
            Check(text.Contains("Subject: =?"), "non-ASCII subject encoded");
            Equal((long)Encoding.UTF8.GetByteCount(text), m.Size, "Size is the rendered size");
            string file = Path.Combine(dir, "m.eml");
            m.Save(file);
            using (var p = MimeMessage.Parse(File.ReadAllBytes(file)))
            using (var l = MimeMessage.Load(file))
            {
                Equal("Grüße \u2713", p.Subject, "parsed subject");
                Equal("Grüße \u2713", l.Subject, "loaded subject");
                Check(p.To.ToString().Contains("j@example.test") && p.To.ToString().Contains("alice@example.test"), "parsed To: " + p.To);
                Equal(1, p.Attachments.Count, "attachment count");
                var a = p.Attachments[0];
                Equal("data.bin", a.FileName, "attachment name");
                Equal(3000L, a.Size, "attachment size");
                Check(a.GetData().SequenceEqual(data), "attachment bytes round trip");
                Equal(null, p["X-Not-There"], "absent header reads as null");
            }
        }
    }

    static void Injection()
    {
        using (var m = new MimeMessage())
        {
            Throws<MailwireUsageException>(ErrorCode.Arg, () => m.Subject = "hi\r\nBcc: victim@example.test", "CRLF in Subject");
            Throws<MailwireUsageException>(ErrorCode.Arg, () => m.To.Add("a@evil.test@good.test"), "ambiguous address");
            Throws<MailwireUsageException>(ErrorCode.Arg, () => m.To.Add("x@y.test\r\nRCPT TO:<z@y.test>"), "CRLF in address");
            Equal(ErrorCode.Arg, m.LastErrorCode, "LastErrorCode after a refusal");
            Equal("", m.To.ToString(), "nothing added after refusals");
            m.Subject = "fine";
            Equal(0, m.LastErrorCode, "LastErrorCode after a success");
        }
    }

    static void Disposed()
    {
        var m = new MimeMessage();
        m.Subject = "before";
        m.Dispose();
        m.Dispose(); // twice is harmless
        Throws<MailwireUsageException>(ErrorCode.Handle, () => m.Subject = "after", "set after Dispose");
        Throws<MailwireUsageException>(ErrorCode.Handle, () => { var s = m.Subject; }, "get after Dispose");
        Throws<MailwireUsageException>(ErrorCode.Handle, () => m.ToBytes(), "render after Dispose");
        var c = new SmtpClient();
        c.Dispose();
        Throws<MailwireUsageException>(ErrorCode.Handle, () => c.Connect("127.0.0.1", 25), "connect after Dispose");
    }

    static SmtpClient Submission(string user, string pass)
    {
        var c = new SmtpClient();
        c.CaFile = ca;
        c.Authenticate(user, pass);
        c.Connect("127.0.0.1", server.Port("submission"), SecureSocketOptions.StartTls);
        return c;
    }

    static void SendAndRead()
    {
        int before = server.MessageCount("alice");
        using (var c = Submission("bob", "secret"))
        using (var m = Letter("Alice <alice@example.test>", "Report"))
        {
            m.Attach("report.txt", Encoding.UTF8.GetBytes("all green\n"), "text/plain");
            Check(c.IsConnected, "connected");
            Check(c.Capabilities.Any(l => l.StartsWith("AUTH")), "AUTH among capabilities: " + string.Join("|", c.Capabilities));
            Check(!c.Capabilities.Contains("STARTTLS"), "STARTTLS not offered again inside TLS");
            var r = c.Send(m);
            Check(!r.Partial, "not partial");
            Equal(1, r.Recipients.Count, "one result");
            Equal("alice@example.test", r.Recipients[0].Address, "result address");
            Equal(250, r.Recipients[0].Code, "result code");
            Equal(1, m.LastResults.Count, "results on the message too");
            Equal(250, c.LastReplyCode, "last reply code");
            c.Disconnect(true);
            Check(!c.IsConnected, "disconnected");
        }
        Equal(before + 1, server.MessageCount("alice"), "stored in alice's mailbox");
        Check(Encoding.UTF8.GetString(server.GetMessage("alice", before)).StartsWith("Received:"), "stored with a Received header first");

        using (var p = new Pop3Client())
        {
            p.CaFile = ca;
            p.Authenticate("alice", "secret");
            p.Connect("127.0.0.1", server.Port("pop3"), SecureSocketOptions.StartTls);
            int n = p.Count;
            Equal(before + 1, n, "POP3 count");
            string uid = p.GetMessageUid(n);
            Check(!string.IsNullOrEmpty(uid), "uid");
            Check(p.GetMessageSize(n) > 100, "size");
            using (var m = p.GetMessage(n))
            {
                Equal("Report", m.Subject, "retrieved subject");
                Equal("report.txt", m.Attachments[0].FileName, "retrieved attachment");
                Equal("all green\n", Encoding.UTF8.GetString(m.Attachments[0].GetData()), "retrieved attachment data");
                var hop = m.Trace[0];
                Equal("ESMTPSA", hop.With, "trace keyword");
                Equal(WithFlags.Tls | WithFlags.Auth, hop.Flags, "trace flags");
                Equal("ESMTP", hop.Protocol, "trace protocol");
                Equal(hop.With, TransmissionTypes.Keyword(hop.Protocol, hop.Flags), "the keyword of the hop's protocol and flags");
                Equal((WithFlags?)hop.Flags, TransmissionTypes.Flags(hop.With), "the flags of the hop's keyword");
            }
            using (var h = p.GetMessageHeaders(n))
                Equal("Report", h.Subject, "TOP headers");
            Throws<MailwireUsageException>(ErrorCode.NotFound, () => p.GetMessageSize(n + 5), "size of a missing message");
            p.DeleteMessage(n);
            p.Reset();
            p.Disconnect(true);
        }
        Equal(before + 1, server.MessageCount("alice"), "Reset kept the message");
    }

    static ImapClient Imap(string user)
    {
        var c = new ImapClient();
        c.CaFile = ca;
        c.Authenticate(user, "secret");
        c.Connect("127.0.0.1", server.Port("imap"), SecureSocketOptions.StartTls);
        return c;
    }

    static void ImapMailbox()
    {
        using (var c = Submission("bob", "secret"))
        using (var a = Letter("dave@example.test", "imap one"))
        using (var b = Letter("dave@example.test", "imap two"))
        {
            c.Send(a);
            c.Send(b);
            c.Disconnect(true);
        }
        using (var imap = Imap("dave"))
        {
            Check(imap.Capabilities.Contains("IDLE"), "IDLE among capabilities: " + string.Join("|", imap.Capabilities));
            var folders = imap.GetFolders();
            var inbox = folders.FirstOrDefault(f => f.Name == "INBOX");
            Check(inbox != null && inbox.CanSelect, "INBOX listed: " + string.Join("|", folders.Select(f => f.Name)));
            var trash = folders.FirstOrDefault(f => f.SpecialUse == "\\Trash");
            Check(trash != null, "a folder with special use \\Trash");
            Equal("/", folders[0].Delimiter, "delimiter");
            Check(inbox != null && inbox.Count == 2, "INBOX count from LIST-STATUS: " + (inbox == null ? null : inbox.Count));

            imap.CreateFolder("Projekte/Größe");
            imap.RenameFolder("Projekte/Größe", "Archiv ✓");
            Check(imap.GetFolders().Any(f => f.Name == "Archiv ✓"), "the UTF-8 folder after RENAME");
            Throws<MailwireRefusedException>(ErrorCode.Refused, () => imap.CreateFolder("Archiv ✓"), "CREATE of an existing folder");

            Equal(2, imap.Select("INBOX"), "SELECT count");
            Equal("2", imap.Status("exists"), "status exists");
            Check(long.Parse(imap.Status("uidvalidity")) > 0, "status uidvalidity");
            var unseen = imap.Search("UNSEEN");
            Equal(2, unseen.Length, "two unseen");
            Equal(2, imap.Search().Length, "ALL");
            Equal(1, imap.Search("SUBJECT \"imap two\"").Length, "SUBJECT search");
            Throws<MailwireUsageException>(ErrorCode.Arg, () => imap.Search("ALL\r\nA1 DELETE INBOX"), "criteria with CRLF");
            Throws<MailwireUsageException>(ErrorCode.Arg, () => imap.Search("(UNSEEN"), "unbalanced parenthesis");

            long first = unseen[0];
            using (var m = imap.Fetch(first))
                Equal("imap one", m.Subject, "fetched subject");
            Check(!imap.Flags(first).Contains("\\Seen"), "BODY.PEEK leaves \\Seen unset");
            var many = imap.FetchMany(unseen.Concat(new[] { 4000000000L }));
            try
            {
                Equal(3, many.Count, "FetchMany count");
                Equal("imap two", many[1].Subject, "FetchMany in order");
                Equal(0, many[0].LastErrorCode, "FetchMany: the first came");
                Equal(ErrorCode.NotFound, many[2].LastErrorCode, "FetchMany: a missing UID");
            }
            finally { foreach (var m in many) m.Dispose(); }
            string file = Path.Combine(dir, "imap.eml");
            imap.FetchFile(unseen[1], file);
            Check(File.ReadAllText(file).Contains("Subject: imap two"), "FetchFile");
            Throws<MailwireUsageException>(ErrorCode.NotFound, () => imap.Fetch(4000000000L), "fetch of a missing UID");

            imap.Store(first, "\\Seen \\Flagged");
            Check(imap.Flags(first).Contains("\\Flagged"), "flag added");
            imap.Store(first, new[] { "\\Flagged" }, ImapStoreMode.Remove);
            var after = imap.Flags(first);
            Check(after.Contains("\\Seen") && !after.Contains("\\Flagged"), "flag removed: " + string.Join(" ", after));
            Throws<MailwireUsageException>(ErrorCode.Arg, () => imap.Store(first, "\\Recent", ImapStoreMode.Add), "\\Recent cannot be stored");
            Equal(1, imap.Search("UNSEEN").Length, "one unseen after the flag");

            imap.Copy(first, "Trash");
            imap.Move(first, "Archiv ✓");
            Equal(1, imap.Search().Length, "one left in INBOX after MOVE");
            Equal(1, imap.Select("Archiv ✓"), "the moved message is in the folder");
            using (var m = imap.Fetch(imap.Search()[0]))
                Equal("imap one", m.Subject, "the moved message");
            Equal(1, imap.Select("Trash"), "the copy");
            imap.Store(imap.Search()[0], "\\Deleted");
            imap.Expunge();
            Equal(0, imap.Search().Length, "EXPUNGE removed the \\Deleted message");

            long uid;
            using (var m = Letter("dave@example.test", "appended"))
                uid = imap.Append("INBOX", m, "\\Seen");
            Check(uid > 0, "APPEND gives the UID (UIDPLUS): " + uid);
            Equal(2, imap.Select("INBOX"), "INBOX after APPEND");
            Check(imap.Search("SEEN").Contains(uid), "the appended message is \\Seen");

            Check(!imap.Idle(1), "IDLE times out without a change");
            using (var cts = new CancellationTokenSource())
            {
                var t = imap.IdleAsync(60, cts.Token);
                Thread.Sleep(200);
                cts.Cancel();
                try { t.Wait(); Check(false, "IdleAsync cancelled: no exception"); }
                catch (AggregateException e) { Check(e.InnerException is OperationCanceledException, "IdleAsync cancelled: " + e.InnerException.GetType().Name); }
            }
            Equal(2, imap.SelectAsync("INBOX").Result, "the connection stays open after a cancelled IDLE");
            Equal(2, imap.SearchAsync().Result.Length, "SearchAsync");

            imap.DeleteFolder("Archiv ✓");
            Throws<MailwireUsageException>(ErrorCode.NotFound, () => imap.DeleteFolder("Archiv ✓"), "DELETE of a missing folder");
            imap.Disconnect(true);
            Check(!imap.IsConnected, "disconnected");
        }
        using (var imap = new ImapClient())
        {
            Throws<MailwireUsageException>(ErrorCode.State, () => imap.Select("INBOX"), "SELECT when not connected");
            imap.CaFile = ca;
            imap.Authenticate("dave", "wrong");
            Throws<MailwireAuthenticationException>(ErrorCode.Auth, () => imap.Connect("127.0.0.1", server.Port("imaps"), SecureSocketOptions.SslOnConnect), "IMAP wrong password");
        }
    }

    static void Keywords()
    {
        Equal("ESMTPSA", TransmissionTypes.Keyword("ESMTP", WithFlags.Tls | WithFlags.Auth), "Keyword(ESMTP, Tls|Auth)");
        Equal("UTF8LMTPS", TransmissionTypes.Keyword("lmtp", WithFlags.Tls | WithFlags.Utf8), "Keyword(lmtp, Tls|Utf8)");
        Equal(null, TransmissionTypes.Keyword("SMTP", WithFlags.Tls), "nothing registered for SMTP with TLS");
        Equal(null, TransmissionTypes.Keyword("HTTP", WithFlags.None), "an unknown protocol");
        Equal((WithFlags?)(WithFlags.Tls | WithFlags.Auth), TransmissionTypes.Flags("esmtpsa"), "Flags(esmtpsa)");
        Equal((WithFlags?)WithFlags.None, TransmissionTypes.Flags("SMTP"), "Flags(SMTP)");
        Equal(null, TransmissionTypes.Flags("LSMTPS"), "the misspelt LSMTPS is not registered");
        Equal("LMTP", TransmissionTypes.Protocol("UTF8LMTPSA"), "Protocol(UTF8LMTPSA)");
        Equal(null, TransmissionTypes.Protocol("nope"), "Protocol of an unregistered keyword");
        using (var m = MimeMessage.Parse("Received: from a by b with UTF8SMTPS; Mon, 1 Jan 2024 10:00:00 +0000\r\n" +
            "Received: from c by d with HTTP; Mon, 1 Jan 2024 09:00:00 +0000\r\nSubject: x\r\n\r\nbody\r\n"))
        {
            Equal(WithFlags.Tls | WithFlags.Utf8, m.Trace[0].Flags, "parsed hop 0 flags");
            Equal("ESMTP", m.Trace[0].Protocol, "parsed hop 0 protocol");
            Check(!m.Trace[1].Registered && m.Trace[1].Protocol == null, "an unregistered keyword in hop 1");
        }
    }

    static void SendMany()
    {
        int before = server.MessageCount("carol");
        using (var c = Submission("bob", "secret"))
        {
            var batch = new[]
            {
                Letter("carol@example.test", "batch 0"),
                Letter("reject-all@example.test", "batch 1"),
                Letter("carol@example.test, reject-me@example.test", "batch 2"),
                Letter("carol@example.test", "batch 3"),
            };
            try
            {
                var r = c.SendMany(batch);
                Equal(4, r.Count, "one result per message");
                Equal(0, r[0].Code, "batch 0 accepted");
                Check(r[0].Error == null && !r[0].Partial && r[0].Recipients.Count == 1, "batch 0 result");
                Check(ReferenceEquals(batch[1], r[1].Message), "results in order");
                Equal(ErrorCode.Refused, r[1].Code, "batch 1 refused");
                Check(r[1].Error is MailwireRefusedException, "batch 1 carries the exception Send would throw");
                Check(r[1].Error.Message != Library.StrError(ErrorCode.Refused), "with the library's message: " + r[1].Error.Message);
                Equal(550, r[1].Recipients[0].Code, "batch 1 recipient code");
                Equal(ErrorCode.Partial, r[2].Code, "batch 2 partial");
                Check(r[2].Partial && r[2].Error == null && r[2].Refused.Count == 1, "batch 2 result");
                Equal(0, r[3].Code, "batch 3 accepted after a refused one");
                Equal(0, c.SendMany(new MimeMessage[0]).Count, "an empty batch");
                Check(c.IsConnected, "still connected");
            }
            finally { foreach (var m in batch) m.Dispose(); }
        }
        Equal(before + 3, server.MessageCount("carol"), "three messages stored for carol");
        using (var c = new SmtpClient())
        using (var m = Letter("carol@example.test", "never"))
            Throws<MailwireUsageException>(ErrorCode.State, () => c.SendMany(new[] { m }), "SendMany when not connected");
    }

    static void GetMessages()
    {
        using (var p = new Pop3Client())
        {
            p.CaFile = ca;
            p.Authenticate("carol", "secret");
            p.Connect("127.0.0.1", server.Port("pop3"), SecureSocketOptions.StartTls);
            int n = p.Count;
            Check(n >= 3, "carol has the batch: " + n);
            var all = p.GetMessages(1, n);
            try
            {
                Equal(n, all.Count, "GetMessages count");
                Check(all.All(m => m.LastErrorCode == 0), "every message came");
                Equal("batch 0", all[0].Subject, "first subject");
                Equal("ESMTPSA", all[0].Trace[0].With, "a batch message's trace");
            }
            finally { foreach (var m in all) m.Dispose(); }
            var past = p.GetMessages(n, 2, true);
            try
            {
                Equal(0, past[0].LastErrorCode, "the last message came");
                Equal(ErrorCode.NotFound, past[1].LastErrorCode, "the one past the end did not");
            }
            finally { foreach (var m in past) m.Dispose(); }
            using (var raw = p.GetStream(1))
            {
                var text = new StreamReader(raw).ReadToEnd();
                Check(text.StartsWith("Received: ") && text.Contains("Subject: batch 0"), "GetStream is the message as sent");
            }
            Throws<MailwireUsageException>(ErrorCode.NotFound, () => p.GetStream(n + 5), "GetStream of a missing message");
            p.Disconnect(true);
            Equal(n - 1, server.MessageCount("carol"), "GetMessages with delete removed the last message");
        }
        using (var p = new Pop3Client())
            Throws<MailwireUsageException>(ErrorCode.State, () => p.GetMessages(1, 1), "GetMessages when not connected");
    }

    static void SendByUrl()
    {
        int before = server.MessageCount("alice");
        string url = string.Format("smtp://bob:secret@127.0.0.1:{0}?security=starttls&ca_file={1}",
            server.Port("submission"), Uri.EscapeDataString(ca));
        using (var m = Letter("alice@example.test", "by URL"))
        {
            var r = SmtpClient.Send(url, m);
            Check(!r.Partial && r.Recipients.Count == 1 && r.Recipients[0].Code == 250, "Send(url) result");
        }
        Equal(before + 1, server.MessageCount("alice"), "the URL send is stored");
        using (var m = Letter("alice@example.test", "by URL"))
        {
            Throws<MailwireAuthenticationException>(ErrorCode.Auth, () => SmtpClient.Send(url.Replace(":secret@", ":wrong@"), m), "Send(url) with a wrong password");
            try { SmtpClient.Send(url.Replace(":secret@", ":wrong@"), m); }
            catch (MailwireException e) { Check(e.Message != Library.StrError(ErrorCode.Auth), "the library's message, not only the code's text: " + e.Message); }
        }
    }

    static void WrongPassword()
    {
        using (var c = new SmtpClient())
        {
            c.CaFile = ca;
            c.Authenticate("bob", "wrong");
            Throws<MailwireAuthenticationException>(ErrorCode.Auth, () => c.Connect("127.0.0.1", server.Port("submission"), SecureSocketOptions.StartTls), "SMTP wrong password");
            Check(!c.IsConnected, "not connected after a refused login");
        }
        using (var c = new SmtpClient())
        {
            c.CaFile = ca;
            c.Connect("127.0.0.1", server.Port("submission"), SecureSocketOptions.StartTls);
            Throws<MailwireAuthenticationException>(ErrorCode.Auth, () => c.Authenticate("bob", "wrong"), "Authenticate after Connect with a wrong password");
        }
        using (var p = new Pop3Client())
        {
            p.CaFile = ca;
            p.Authenticate("alice", "wrong");
            Throws<MailwireAuthenticationException>(ErrorCode.Auth, () => p.Connect("127.0.0.1", server.Port("pop3s"), SecureSocketOptions.SslOnConnect), "POP3 wrong password");
        }
    }

    static void Refused()
    {
        using (var c = Submission("bob", "secret"))
        {
            using (var m = Letter("alice@example.test, reject-me@example.test, tempfail-x@example.test", "Partial"))
            {
                var r = c.Send(m);
                Check(r.Partial, "partial result");
                Equal(3, r.Recipients.Count, "three results");
                var refused = r.Refused.ToDictionary(x => x.Address, x => x.Code);
                Equal(2, refused.Count, "two refused");
                Equal(550, refused.ContainsKey("reject-me@example.test") ? refused["reject-me@example.test"] : 0, "reject-me refused with 550");
                Equal(450, refused.ContainsKey("tempfail-x@example.test") ? refused["tempfail-x@example.test"] : 0, "tempfail deferred with 450");
            }
            using (var m = Letter("reject-all@example.test", "Nobody"))
            {
                try { c.Send(m); Check(false, "all refused: no exception"); }
                catch (MailwireRefusedException e)
                {
                    Check(e.Code == ErrorCode.Refused, "all refused code " + e.Code);
                    Check(e.Results != null && e.Results.Count == 1 && e.Results[0].Code == 550, "results on the exception");
                }
            }
            using (var m = Letter("alice@example.test", "Still connected"))
                Check(!c.Send(m).Partial, "the connection lives after a refusal");
        }
    }

    static void Security()
    {
        using (var c = new SmtpClient())
        {
            c.Authenticate("bob", "secret");
            c.SetOption("auth", "plain");
            Throws<MailwireConnectionException>(ErrorCode.Security, () => c.Connect("127.0.0.1", server.Port("submission"), SecureSocketOptions.None), "password without TLS");
        }
        using (var c = new SmtpClient())
            Throws<MailwireConnectionException>(ErrorCode.Tls, () => c.Connect("127.0.0.1", server.Port("smtps"), SecureSocketOptions.SslOnConnect), "unknown CA");
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        using (var c = new SmtpClient())
            Throws<MailwireConnectionException>(ErrorCode.Connect, () => c.Connect("127.0.0.1", port, SecureSocketOptions.StartTls), "closed port");
        using (var c = new SmtpClient())
            Throws<MailwireUsageException>(ErrorCode.Option, () => c.SetOption("no_such_option", "1"), "unknown option");
    }

    static void Progress()
    {
        var seen = new List<long>();
        using (var c = Submission("bob", "secret"))
        using (var m = Letter("alice@example.test", "Big"))
        {
            m.Attach("big.bin", new byte[200000], null);
            int caller = Thread.CurrentThread.ManagedThreadId, elsewhere = 0;
            EventHandler<TransferProgressEventArgs> h = (s, e) =>
            {
                seen.Add(e.BytesTransferred);
                if (Thread.CurrentThread.ManagedThreadId != caller) elsewhere++;
            };
            c.Progress += h;
            c.Send(m);
            Check(seen.Count > 1, "progress called more than once: " + seen.Count);
            Equal(0, elsewhere, "progress events raised on another thread");
            Check(seen.Count > 0 && seen[seen.Count - 1] >= 200000, "progress reached the end");
            for (int i = 1; i < seen.Count; i++) Check(seen[i] >= seen[i - 1], "progress never goes back");
            c.Progress -= h;
            c.Progress += (s, e) => { throw new InvalidOperationException("handler failed"); };
            try { c.Send(m); Check(false, "a failing handler surfaces"); }
            catch (AggregateException e) { Check(e.InnerException is InvalidOperationException, "handler's exception inside"); }
        }
    }

    static void ProtocolLog()
    {
        var lines = new List<string>();
        using (var c = Submission("bob", "secret"))
        using (var m = Letter("alice@example.test", "Logged"))
        {
            int caller = Thread.CurrentThread.ManagedThreadId, elsewhere = 0;
            EventHandler<ProtocolLogEventArgs> h = (s, e) =>
            {
                lines.Add(e.Line);
                if (Thread.CurrentThread.ManagedThreadId != caller) elsewhere++;
            };
            c.ProtocolLog += h;
            c.Disconnect();
            c.Connect("127.0.0.1", server.Port("submission"), SecureSocketOptions.StartTls);
            c.Send(m);
            Equal(0, elsewhere, "log events raised on another thread");
            Check(lines.Exists(l => l.StartsWith("C: EHLO ")), "EHLO logged");
            Check(lines.Exists(l => l.StartsWith("C: MAIL FROM:<")), "MAIL logged");
            Check(lines.Exists(l => l.StartsWith("S: 250")), "replies logged");
            Check(lines.Exists(l => l.StartsWith("C: AUTH ")), "AUTH logged");
            Check(!lines.Exists(l => l.Replace("<secret>", "").Contains("secret")), "no password in the log");
            Check(lines.TrueForAll(l => l.StartsWith("C: ") || l.StartsWith("S: ") || l.StartsWith("* ")), "line prefixes");
            c.ProtocolLog -= h;
            c.Disconnect();
            int n = lines.Count;
            c.Connect("127.0.0.1", server.Port("submission"), SecureSocketOptions.StartTls);
            Check(lines.Count == n, "no lines after the handler is removed");
        }
    }

    static void Cancel()
    {
        // A server that accepts and never greets: Connect waits until Cancel comes from another
        // thread, which repeats it because a Cancel with nothing in flight does nothing.
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        using (var c = new SmtpClient())
        {
            c.Timeout = 120;
            bool done = false;
            var t = new Thread(() => { while (!Volatile.Read(ref done)) { c.Cancel(); Thread.Sleep(20); } });
            t.Start();
            try
            {
                Throws<OperationCanceledMailException>(ErrorCode.Cancelled,
                    () => c.Connect("127.0.0.1", ((IPEndPoint)l.LocalEndpoint).Port, SecureSocketOptions.None), "Cancel from another thread");
            }
            finally { Volatile.Write(ref done, true); t.Join(); l.Stop(); }
        }
    }

    // Async: the Async methods send and read back, POP3 numbering from 1.
    static void Async()
    {
        int before = server.MessageCount("alice");
        using (var c = new SmtpClient())
        using (var m = Letter("Alice <alice@example.test>", "Async"))
        {
            c.CaFile = ca;
            c.AuthenticateAsync("bob", "secret").Wait();
            c.ConnectAsync("127.0.0.1", server.Port("submission"), SecureSocketOptions.StartTls).Wait();
            Check(c.IsConnected, "ConnectAsync connected");
            var r = c.SendAsync(m).Result;
            Equal(250, r.Recipients[0].Code, "SendAsync result code");
            var many = c.SendManyAsync(new[] { m, m }).Result;
            Equal(2, many.Count, "SendManyAsync results");
            c.DisconnectAsync(true).Wait();
            Check(!c.IsConnected, "DisconnectAsync");
        }
        using (var pool = new SmtpPool())
        using (var m = Letter("Alice <alice@example.test>", "Async pool"))
        {
            pool.Configure("127.0.0.1", server.Port("submission"), SecureSocketOptions.StartTls, "bob", "secret");
            pool.SetOption("ca_file", ca);
            Equal(250, pool.SendAsync(m).Result.Recipients[0].Code, "SmtpPool.SendAsync");
        }
        Equal(before + 4, server.MessageCount("alice"), "four messages stored");
        using (var p = new Pop3Client())
        {
            p.CaFile = ca;
            p.Authenticate("alice", "secret");
            p.ConnectAsync("127.0.0.1", server.Port("pop3"), SecureSocketOptions.StartTls).Wait();
            int n = p.Count;
            using (var m = p.GetMessageAsync(n).Result)
                Equal("Async pool", m.Subject, "GetMessageAsync(Count) is the last message (numbered from 1)");
            using (var m = p.GetMessageHeadersAsync(n - 3).Result)
                Equal("Async", m.Subject, "GetMessageHeadersAsync");
            using (var raw = p.GetStreamAsync(1).Result)
                Check(raw.Length > 0, "GetStreamAsync(1), the first message");
            var some = p.GetMessagesAsync(n - 1, 2).Result;
            try { Equal("Async pool", some[1].Subject, "GetMessagesAsync from n - 1"); }
            finally { foreach (var m in some) m.Dispose(); }
            try { p.GetMessageAsync(n + 1).Wait(); Check(false, "GetMessageAsync past Count: no exception"); }
            catch (AggregateException e)
            {
                var u = e.InnerException as MailwireUsageException;
                Check(u != null && u.Code == ErrorCode.NotFound, "GetMessageAsync past Count: " + e.InnerException);
            }
            p.DisconnectAsync(true).Wait();
        }
    }

    // AsyncCancel: a token cancelled before the call runs nothing; one cancelled while
    // ConnectAsync waits for a greeting that never comes aborts it through mw_cancel.
    static void AsyncCancel()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        try
        {
            using (var c = new SmtpClient())
            using (var cts = new CancellationTokenSource())
            {
                cts.Cancel();
                var t = c.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None, cts.Token);
                try { t.Wait(); } catch (AggregateException) { }
                Check(t.IsCanceled, "a token cancelled before: the task is cancelled");
                Check(!l.Pending(), "a token cancelled before: no connection was made");
            }
            using (var c = new SmtpClient())
            using (var cts = new CancellationTokenSource())
            {
                c.Timeout = 120;
                var t = c.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None, cts.Token);
                using (var peer = l.AcceptTcpClient()) // the call is in flight: it waits for the greeting
                {
                    cts.Cancel();
                    try { t.Wait(); Check(false, "cancelled ConnectAsync: no exception"); }
                    catch (AggregateException e)
                    {
                        var oce = e.InnerException as OperationCanceledException;
                        Check(oce != null && oce.CancellationToken == cts.Token, "cancelled ConnectAsync throws OperationCanceledException with the token: " + e.InnerException);
                    }
                    Check(t.IsCanceled, "the task is cancelled");
                    Check(!c.IsConnected, "not connected after the cancel");
                    Equal(ErrorCode.Cancelled, c.LastErrorCode, "the library's call ended cancelled");
                }
            }
        }
        finally { l.Stop(); }
    }

    static void PoolThreads()
    {
        const int threads = 8, each = 5;
        int before = server.MessageCount("alice");
        int ok = 0, bad = 0;
        using (var pool = new SmtpPool())
        {
            pool.Configure("127.0.0.1", server.Port("submission"), SecureSocketOptions.StartTls, "bob", "secret");
            pool.SetOption("ca_file", ca);
            pool.MaxConnections = 4;
            var ts = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                int id = t;
                ts[t] = new Thread(() =>
                {
                    for (int i = 0; i < each; i++)
                    {
                        try
                        {
                            using (var m = Letter("alice@example.test", "pool " + id + "/" + i))
                            {
                                var r = pool.Send(m);
                                if (r.Recipients.Count == 1 && r.Recipients[0].Code == 250) Interlocked.Increment(ref ok);
                                else Interlocked.Increment(ref bad);
                            }
                        }
                        catch (Exception e)
                        {
                            Console.WriteLine("pool send: " + e.Message);
                            Interlocked.Increment(ref bad);
                        }
                        GC.Collect(); // let the collector stop the world while other threads are in the library
                    }
                });
                ts[t].Start();
            }
            foreach (var t in ts) t.Join();
        }
        Equal(threads * each, ok, "pool sends accepted");
        Equal(0, bad, "pool sends failed");
        Equal(before + threads * each, server.MessageCount("alice"), "pool messages stored");
    }

    // The test token server (tests/oauth/tokenserver), started by the suite.
    static readonly string tokenUrl = Environment.GetEnvironmentVariable("MW_TOKEN_URL");
    static readonly string tokenCa = Environment.GetEnvironmentVariable("MW_TOKEN_CA");
    // A token family of its own per run: the server numbers tokens by family.
    static readonly string run = Guid.NewGuid().ToString("N").Substring(0, 8);

    static OAuth2Token TestToken(string clientId, string path = "/token")
    {
        if (tokenUrl == null) throw new Exception("MW_TOKEN_URL is not set (tests/oauth/tokenserver.sh starts the token server)");
        var t = new OAuth2Token();
        t.TokenUrl = tokenUrl + path;
        t.DeviceUrl = tokenUrl + "/device";
        t.CaFile = tokenCa;
        t.ClientId = clientId;
        return t;
    }

    static void OAuth2Grants()
    {
        using (var t = TestToken("app"))
        {
            t.ClientSecret = "app-secret";
            t.RefreshToken = "rt-rotcs" + run;
            Equal("at-rotcs" + run + "-1", t.GetAccessToken(), "refreshed token");
            Equal("rt-rotcs" + run + "~1", t.RefreshToken, "rotated refresh token");
            Check(t.ExpiresAt > DateTimeOffset.UtcNow.AddMinutes(50), "ExpiresAt " + t.ExpiresAt);
            Equal("Bearer", t.Get("token_type"), "token_type");
            Equal(null, t.Get("user_code"), "a field without a value");
            Throws<MailwireUsageException>(ErrorCode.Arg, () => t.Get("colour"), "unknown field");
            Throws<MailwireUsageException>(ErrorCode.Option, () => t.SetOption("grant", "password"), "bad grant");
            t.RefreshToken = "rt-bad";
            try { t.GetAccessToken(); Check(false, "a token from a bad refresh token"); }
            catch (MailwireAuthenticationException e)
            {
                Check(e.Message.Contains("invalid_grant") && !e.Message.Contains("rt-bad") && !e.Message.Contains("app-secret"), "message " + e.Message);
            }
            Equal("invalid_grant", t.Get("error"), "error field");
        }
        using (var t = TestToken("svc"))
        {
            t.ClientSecret = "s3cret +/=&%";
            t.Grant = OAuth2Grant.ClientCredentials;
            Check(t.GetAccessToken().StartsWith("at-svc-"), "client credentials");
        }
        using (var t = TestToken("app", "/html/token"))
        {
            t.ClientSecret = "app-secret";
            t.RefreshToken = "rt-x";
            Throws<MailwireConnectionException>(ErrorCode.Protocol, () => t.GetAccessToken(), "an HTML page");
        }
        using (var t = TestToken("app", "/503/token"))
        {
            t.ClientSecret = "app-secret";
            t.RefreshToken = "rt-x";
            Throws<MailwireRefusedException>(ErrorCode.Temporary, () => t.GetAccessToken(), "temporarily unavailable");
        }
        using (var t = new OAuth2Token())
        {
            t.TokenUrl = "http://127.0.0.1:9/token";
            t.RefreshToken = "rt-x";
            Throws<MailwireConnectionException>(ErrorCode.Security, () => t.GetAccessToken(), "plain http");
        }
    }

    static void OAuth2Device()
    {
        using (var t = TestToken("dev-now"))
        {
            t.Grant = OAuth2Grant.DeviceCode;
            var d = t.StartDeviceAuthorization();
            Check(d.UserCode.StartsWith("WDJB-") && d.VerificationUri.EndsWith("/device-login"), "user code " + d.UserCode);
            Check(d.Message.Contains(d.UserCode), "message " + d.Message);
            Check(t.PollDeviceAuthorization(), "granted at the first poll");
            Check(t.GetAccessToken().StartsWith("at-dev-now-"), "device token");
            Equal("rt-dev-now", t.RefreshToken, "refresh token from the device grant");
        }
        using (var t = TestToken("dev-deny"))
        {
            t.Grant = OAuth2Grant.DeviceCode;
            t.StartDeviceAuthorization();
            Throws<MailwireAuthenticationException>(ErrorCode.Auth, () => t.GetAccessToken(), "access denied");
            Equal("access_denied", t.Get("error"), "error field");
        }
    }

    // SMTP and POP3 with a first token the server refuses, then eight threads on a pool
    // sharing one object: a second refresh would give a token the server refuses.
    static void OAuth2Clients()
    {
        using (var srv = new MailServer())
        using (var t = TestToken("pub"))
        {
            string cli = "cs" + run, pool = "cspool" + run;
            srv.CaOut = ca;
            srv.SetOption("oauth_tokens", string.Format("alice@mx.test:at-{0}-2,alice@mx.test:at-{1}-1", cli, pool));
            srv.Start();
            t.RefreshToken = "rt-" + cli;
            using (var c = new SmtpClient())
            using (var m = Letter("bob@mx.test", "with a token"))
            {
                c.CaFile = ca;
                c.Authenticate("alice@mx.test", t);
                c.Connect("localhost", srv.Port("smtps"), SecureSocketOptions.SslOnConnect);
                Equal(250, c.Send(m).Recipients[0].Code, "sent with the refreshed token");
                c.Disconnect(true);
            }
            Equal("at-" + cli + "-2", t.Get("access_token"), "one refresh after the refusal");
            using (var p = new Pop3Client())
            {
                p.CaFile = ca;
                p.Authenticate("alice@mx.test", t);
                p.Connect("localhost", srv.Port("pop3s"), SecureSocketOptions.SslOnConnect);
                Equal(0, p.Count, "POP3 with the token");
                p.Disconnect(true);
            }
            using (var im = new ImapClient())
            {
                im.CaFile = ca;
                im.Authenticate("alice@mx.test", t);
                im.Connect("localhost", srv.Port("imaps"), SecureSocketOptions.SslOnConnect);
                Equal(0, im.Select("INBOX", true), "IMAP with the token");
                im.Disconnect(true);
            }
            using (var o = TestToken("pub"))
            using (var sp = new SmtpPool())
            {
                o.RefreshToken = "rt-" + pool;
                sp.Configure("localhost", srv.Port("smtps"), SecureSocketOptions.SslOnConnect);
                sp.SetOption("ca_file", ca);
                sp.MaxConnections = 4;
                sp.Authenticate("alice@mx.test", o);
                int ok = 0;
                var ts = new Thread[8];
                for (int i = 0; i < ts.Length; i++)
                {
                    ts[i] = new Thread(() =>
                    {
                        try { using (var m = Letter("bob@mx.test", "pooled")) if (sp.Send(m).Recipients[0].Code == 250) Interlocked.Increment(ref ok); }
                        catch (Exception e) { Console.WriteLine("pool send: " + e.Message); }
                    });
                    ts[i].Start();
                }
                foreach (var th in ts) th.Join();
                Equal(8, ok, "pool sends with one shared token");
                Equal("at-" + pool + "-1", o.Get("access_token"), "one refresh for eight threads");
            }
            Equal(9, srv.MessageCount("bob"), "messages stored");
        }
    }
}
