// Clients.cs: SmtpClient, Pop3Client, ImapClient, SmtpPool and MailServer, in MailKit's
// words, over the library's SMTP/LMTP, POP3, pool and embedded server.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using System.Runtime.InteropServices;

namespace Mailwire
{
    /// <summary>SecureSocketOptions says how a client protects its connection (RFC 8314,
    /// RFC 3207, RFC 2595). Auto means implicit TLS on 465 and 995, STARTTLS required
    /// elsewhere; StartTlsWhenAvailable is the only option that may fall back to clear text.</summary>
    public enum SecureSocketOptions { Auto, None, SslOnConnect, StartTls, StartTlsWhenAvailable }

    /// <summary>TransferProgressEventArgs tells how many bytes of a message went or came so far.</summary>
    public sealed class TransferProgressEventArgs : EventArgs
    {
        public long BytesTransferred { get; internal set; }
        /// <summary>TotalSize is -1 when unknown.</summary>
        public long TotalSize { get; internal set; }
    }

    /// <summary>ProtocolLogEventArgs carries one line of the protocol log: "C: " and a
    /// command, "S: " and a reply line, or "* " and a note; secrets appear as &lt;secret&gt;.</summary>
    public sealed class ProtocolLogEventArgs : EventArgs
    {
        public string Line { get; internal set; }
    }

    /// <summary>SendResult is the outcome of a send: one reply per recipient.</summary>
    public sealed class SendResult
    {
        internal SendResult(IList<RecipientResult> r, bool partial) { Recipients = r; Partial = partial; }

        public IList<RecipientResult> Recipients { get; private set; }
        /// <summary>Partial is true when some recipients were refused and the rest got it.</summary>
        public bool Partial { get; private set; }

        /// <summary>Message is the message this result is for (set by SendMany).</summary>
        public MimeMessage Message { get; private set; }
        /// <summary>Code is 0 when every recipient accepted the message, ErrorCode.Partial when
        /// some did, else the MW_E_* code of its failure (set by SendMany).</summary>
        public int Code { get; private set; }
        /// <summary>Error is the exception Send would have thrown for this message, null when it
        /// went to every recipient or some (set by SendMany).</summary>
        public MailwireException Error { get; private set; }

        /// <summary>Of reads one message's outcome of a batch from its handle.</summary>
        internal static SendResult Of(MimeMessage m)
        {
            int code = m.LastErrorCode;
            string err = code < 0 ? m.ErrorMessage : null; // before the results clear it
            var r = new SendResult(RecipientResult.Read(m.H), code == ErrorCode.Partial) { Message = m, Code = code };
            if (code < 0 && code != ErrorCode.Partial)
            {
                r.Error = MailwireException.From(code, err);
                var refused = r.Error as MailwireRefusedException;
                if (refused != null) refused.Results = r.Recipients;
            }
            return r;
        }

        /// <summary>Refused lists the recipients the server did not accept.</summary>
        public IList<RecipientResult> Refused
        {
            get { var l = new List<RecipientResult>(); foreach (var r in Recipients) if (!r.Accepted) l.Add(r); return l; }
        }
    }

    /// <summary>MailClient holds what SmtpClient and Pop3Client share: options, connection
    /// settings, credentials that Connect uses, progress and Cancel.</summary>
    public abstract class MailClient : MailwireObject
    {
        readonly Func<int, byte[], byte[], int> set;
        readonly Func<int, int> connect;
        readonly Func<int, int> disconnect;
        readonly Func<int, int, int> useOAuth2;
        OAuth2Token oauth2; // referenced while the library uses it
        readonly Native.ProgressFn progressFn; // kept alive as long as the library may call it
        readonly Native.LogFn logFn;           // the same
        EventHandler<TransferProgressEventArgs> progress;
        EventHandler<ProtocolLogEventArgs> protocolLog;
        Exception callbackError;
        string user, pass;

        internal MailClient(Func<int> create, Func<int, byte[], byte[], int> set, Func<int, int> connect, Func<int, int> disconnect,
            Func<int, int, int> useOAuth2)
            : base(create)
        {
            this.set = set;
            this.useOAuth2 = useOAuth2;
            this.connect = connect;
            this.disconnect = disconnect;
            progressFn = OnProgress;
            logFn = OnLog;
            // The library takes the callback into a connection when it connects, so it is set
            // now, once; OnProgress forwards to whoever subscribes, before or after Connect.
            Check(Native.mw_set_progress(H, progressFn, IntPtr.Zero));
        }

        /// <summary>IsConnected is true between a successful Connect and Disconnect, until a
        /// batch call loses the connection.</summary>
        public bool IsConnected { get; internal set; }

        /// <summary>SetOption sets a library option by name (see mw_smtp_set and mw_pop3_set).</summary>
        public void SetOption(string name, string value) { Check(set(H, Native.U(name), Native.U(value))); }

        /// <summary>CaFile is a PEM file of CAs to trust instead of the system's.</summary>
        public string CaFile { set { SetOption("ca_file", value); } }

        /// <summary>Timeout is the seconds allowed per command.</summary>
        public int Timeout { set { SetOption("timeout", value.ToString()); } }

        /// <summary>Progress reports the bytes of a message sent or retrieved, on the calling thread.</summary>
        public event EventHandler<TransferProgressEventArgs> Progress
        {
            add { progress += value; }
            remove { progress -= value; }
        }

        /// <summary>ProtocolLog gets the session line by line, on the calling thread, for
        /// the connections made while a handler is subscribed (beside the log_file option).</summary>
        public event EventHandler<ProtocolLogEventArgs> ProtocolLog
        {
            add { protocolLog += value; }
            remove { protocolLog -= value; }
        }

        void OnProgress(IntPtr user, long done, long total)
        {
            try
            {
                var p = progress;
                if (p != null) p(this, new TransferProgressEventArgs { BytesTransferred = done, TotalSize = total });
            }
            catch (Exception e) { Fail(e); }
        }

        void OnLog(IntPtr user, IntPtr line)
        {
            try
            {
                var l = protocolLog;
                if (l != null) l(this, new ProtocolLogEventArgs { Line = Native.S(line) });
            }
            catch (Exception e) { Fail(e); }
        }

        // Fail keeps a handler's exception: never unwind through the library; keep the first
        // error, stop the call, rethrow after it.
        void Fail(Exception e)
        {
            if (callbackError == null) callbackError = e;
            Native.mw_cancel(H);
        }

        /// <summary>Call runs one library call that may invoke callbacks and rethrows an
        /// exception that a Progress or ProtocolLog handler raised during it.</summary>
        internal int Call(Func<int> f)
        {
            callbackError = null;
            int rc = f();
            var e = callbackError;
            callbackError = null;
            if (e != null) throw new AggregateException("a Progress or ProtocolLog handler failed", e);
            return rc;
        }

        /// <summary>Connect connects to host:port, negotiates TLS as options says and, when
        /// Authenticate was called before, logs in.</summary>
        public void Connect(string host, int port = 0, SecureSocketOptions options = SecureSocketOptions.Auto)
        {
            SetOption("host", host);
            if (port > 0) SetOption("port", port.ToString());
            SetOption("security", Security(options, port));
            Reconnect();
        }

        void Reconnect()
        {
            if (user != null)
            {
                SetOption("username", user);
                SetOption("password", pass ?? "");
            }
            // The library takes the log callback at connect: only when someone listens.
            Check(Native.mw_set_log(H, protocolLog != null ? logFn : null, IntPtr.Zero));
            Check(Call(() => connect(H)));
            IsConnected = true;
        }

        internal static string Security(SecureSocketOptions o, int port)
        {
            switch (o)
            {
                case SecureSocketOptions.None: return "none";
                case SecureSocketOptions.SslOnConnect: return "tls";
                case SecureSocketOptions.StartTls: return "starttls";
                case SecureSocketOptions.StartTlsWhenAvailable: return "starttls-optional";
                default: return port == 465 || port == 993 || port == 995 ? "tls" : "starttls";
            }
        }

        /// <summary>Authenticate logs in with a user name and password. Called before Connect it
        /// only stores them for Connect; called after, it reconnects once with them (the library
        /// authenticates while it connects). A refusal throws MailwireAuthenticationException.</summary>
        public void Authenticate(string userName, string password)
        {
            if (oauth2 != null) UseOAuth2(null);
            user = userName;
            pass = password;
            if (!IsConnected) return;
            Disconnect(true);
            Reconnect();
        }

        /// <summary>Authenticate logs in as the mailbox userName with the access tokens of token
        /// (XOAUTH2 or OAUTHBEARER, whichever the server offers). A token the server refuses is
        /// replaced once and the login tried again; then MailwireAuthenticationException. Before Connect it
        /// only stores them; after, it reconnects once.</summary>
        public void Authenticate(string userName, OAuth2Token token)
        {
            if (token == null) throw new ArgumentNullException("token");
            bool was = IsConnected;
            if (was) Disconnect(true);
            UseOAuth2(token);
            user = userName;
            pass = null;
            if (was) Reconnect();
        }

        /// <summary>OAuth2 is the token object Authenticate gave, or null.</summary>
        public OAuth2Token OAuth2 { get { return oauth2; } }

        void UseOAuth2(OAuth2Token token)
        {
            Check(useOAuth2(H, token == null ? 0 : token.H));
            oauth2 = token;
        }

        /// <summary>ConnectAsync is Connect on the thread pool; cancelling the token aborts it
        /// (OperationCanceledException).</summary>
        public Task ConnectAsync(string host, int port = 0, SecureSocketOptions options = SecureSocketOptions.Auto,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => Connect(host, port, options), cancellationToken);
        }

        /// <summary>AuthenticateAsync is Authenticate on the thread pool, cancellable.</summary>
        public Task AuthenticateAsync(string userName, string password, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => Authenticate(userName, password), cancellationToken);
        }

        /// <summary>AuthenticateAsync is Authenticate with OAuth2 tokens on the thread pool, cancellable.</summary>
        public Task AuthenticateAsync(string userName, OAuth2Token token, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => Authenticate(userName, token), cancellationToken);
        }

        /// <summary>DisconnectAsync is Disconnect on the thread pool; cancelling the token drops
        /// the connection without waiting for the server's answer to QUIT.</summary>
        public Task DisconnectAsync(bool quit, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => Disconnect(quit), cancellationToken);
        }

        /// <summary>Disconnect ends the session: with quit, by QUIT (POP3 deletions take effect).</summary>
        public void Disconnect(bool quit = true)
        {
            IsConnected = false;
            if (quit) Check(disconnect(H));
            else Native.mw_cancel(H);
        }

        /// <summary>Cancel aborts the call in flight from another thread; it throws
        /// OperationCanceledMailException there and the connection is closed.</summary>
        public void Cancel() { Native.mw_cancel(H); }

        internal static string[] Lines(string s)
        {
            if (string.IsNullOrEmpty(s)) return new string[0];
            return s.TrimEnd('\n').Split('\n');
        }
    }

    /// <summary>SmtpClient sends messages over SMTP, submission or LMTP (RFC 5321, 6409, 2033).</summary>
    public sealed class SmtpClient : MailClient
    {
        public SmtpClient() : base(Native.mw_smtp_new, Native.mw_smtp_set, Native.mw_smtp_connect, Native.mw_smtp_disconnect,
            Native.mw_smtp_use_oauth2) { }

        /// <summary>Lmtp makes the client speak LMTP (one reply per recipient).</summary>
        public bool Lmtp { set { SetOption("protocol", value ? "lmtp" : "smtp"); } }

        /// <summary>LocalDomain is the name sent with EHLO/LHLO.</summary>
        public string LocalDomain { set { SetOption("helo", value); } }

        /// <summary>Capabilities are the EHLO keywords with their parameters, one per entry.</summary>
        public string[] Capabilities { get { return Lines(Text(Native.mw_smtp_capabilities(H))); } }

        /// <summary>LastReplyCode and LastReply are the server's last reply.</summary>
        public int LastReplyCode { get { return Native.mw_smtp_reply_code(H); } }
        public string LastReply { get { return Text(Native.mw_smtp_reply(H)); } }

        /// <summary>Send sends message to its To, Cc and Bcc recipients. When some are refused it
        /// returns a partial result; when all are refused or the message is, it throws
        /// MailwireRefusedException with the results.</summary>
        public SendResult Send(MimeMessage message)
        {
            int rc = Call(() => Native.mw_smtp_send(H, message.H));
            return Result(rc, H, message.H);
        }

        /// <summary>SendAsync is Send on the thread pool; cancelling the token aborts the send
        /// (OperationCanceledException) and closes the connection: nothing half-sent is
        /// delivered.</summary>
        public Task<SendResult> SendAsync(MimeMessage message, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => Send(message), cancellationToken);
        }

        /// <summary>SendManyAsync is SendMany on the thread pool, cancellable as SendAsync.</summary>
        public Task<IList<SendResult>> SendManyAsync(IEnumerable<MimeMessage> messages,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => SendMany(messages), cancellationToken);
        }

        /// <summary>SendMany sends the messages on the open connection, one after the other,
        /// with the commands of each pipelined behind the data of the one before (RFC 2920), so
        /// that a stream of messages costs about one round trip each. It returns one result per
        /// message, in order: a refused message does not stop the others, and its result carries
        /// the Error that Send would have thrown. When the connection breaks, the messages not
        /// sent carry that error and IsConnected turns false. It throws only when nothing was sent
        /// (not connected, a disposed message).</summary>
        public IList<SendResult> SendMany(IEnumerable<MimeMessage> messages)
        {
            var list = new List<MimeMessage>(messages);
            var handles = new int[list.Count];
            for (int i = 0; i < handles.Length; i++) handles[i] = list[i].H;
            int rc = Call(() => Native.mw_smtp_send_many(H, handles, handles.Length));
            if (rc < 0 && rc > ErrorCode.Partial) Check(rc); // the caller erred: nothing was sent
            if (rc <= ErrorCode.IO) IsConnected = false;
            var results = new List<SendResult>(list.Count);
            foreach (var m in list) results.Add(SendResult.Of(m));
            return results.AsReadOnly();
        }

        /// <summary>Send connects, sends and quits in one call. url is "smtp://", "smtps://" or
        /// "lmtp://", then [user[:password]@]host[:port], then options as query parameters
        /// ("?security=starttls&amp;ca_file=/etc/ca.pem"); user and password are
        /// percent-decoded. It returns and throws as the instance Send does.</summary>
        public static SendResult Send(string url, MimeMessage message)
        {
            return Result(Native.mw_send(Native.U(url), message.H), message.H, message.H);
        }

        internal static SendResult Result(int rc, int errHandle, int msg)
        {
            // The message first: reading the results is a call on the message handle, which
            // clears its message (the pool and the one-call send leave it there).
            string err = rc < 0 ? Native.S(Native.mw_errmsg(errHandle)) : null;
            var results = RecipientResult.Read(msg);
            if (rc == ErrorCode.Partial) return new SendResult(results, true);
            if (rc >= 0) return new SendResult(results, false);
            var e = MailwireException.From(rc, err);
            var refused = e as MailwireRefusedException;
            if (refused != null) refused.Results = results;
            throw e;
        }
    }

    /// <summary>Pop3Client reads a maildrop (RFC 1939, 2449, 2595). Messages are numbered from 1
    /// to Count, as RFC 1939 and every other Mailwire binding number them (MailKit's indexes
    /// count from 0: its index i is number i + 1 here).</summary>
    public sealed class Pop3Client : MailClient
    {
        public Pop3Client() : base(Native.mw_pop3_new, Native.mw_pop3_set, Native.mw_pop3_connect, Native.mw_pop3_disconnect,
            Native.mw_pop3_use_oauth2) { }

        /// <summary>Count is the number of messages in the maildrop (STAT).</summary>
        public int Count { get { return Check(Native.mw_pop3_count(H)); } }

        /// <summary>Capabilities are the CAPA lines.</summary>
        public string[] Capabilities { get { return Lines(Text(Native.mw_pop3_capabilities(H))); } }

        /// <summary>GetMessage retrieves message number (from 1; RETR), parsed as it streams.</summary>
        public MimeMessage GetMessage(int number)
        {
            var m = new MimeMessage();
            try { Check(Call(() => Native.mw_pop3_retrieve(H, number, m.H))); }
            catch { m.Dispose(); throw; }
            return m;
        }

        /// <summary>GetMessages retrieves count messages from number first on, with the commands
        /// pipelined when the server offers PIPELINING (RFC 2449); with delete each is also marked
        /// deleted. Every message's LastErrorCode tells how it fared: 0 when it came,
        /// ErrorCode.NotFound when it does not exist or is marked deleted, a connection code when
        /// the connection broke before it came (IsConnected is then false). It throws only when
        /// nothing was retrieved (not connected, a bad count).</summary>
        public IList<MimeMessage> GetMessages(int first, int count, bool delete = false)
        {
            if (count < 0) throw new ArgumentOutOfRangeException("count");
            var list = new List<MimeMessage>(count);
            try
            {
                for (int i = 0; i < count; i++) list.Add(new MimeMessage());
                var handles = new int[count];
                for (int i = 0; i < count; i++) handles[i] = list[i].H;
                int rc = Call(() => Native.mw_pop3_retrieve_many(H, first, count, handles, delete ? 1 : 0));
                if (rc < 0 && rc > ErrorCode.Partial && rc != ErrorCode.NotFound) Check(rc);
                if (rc <= ErrorCode.IO) IsConnected = false;
            }
            catch
            {
                foreach (var m in list) m.Dispose();
                throw;
            }
            return list.AsReadOnly();
        }

        /// <summary>GetStream retrieves message number as the server sent it (RETR), without
        /// parsing it.</summary>
        public System.IO.Stream GetStream(int number)
        {
            IntPtr p = IntPtr.Zero;
            UIntPtr n = UIntPtr.Zero;
            Check(Call(() => Native.mw_pop3_retrieve_data(H, number, out p, out n)));
            return new System.IO.MemoryStream(Native.Take(p, n), false);
        }

        /// <summary>GetMessageHeaders retrieves the headers and the first lines of the body (TOP).</summary>
        public MimeMessage GetMessageHeaders(int number, int lines = 0)
        {
            var m = new MimeMessage();
            try { Check(Call(() => Native.mw_pop3_top(H, number, lines, m.H))); }
            catch { m.Dispose(); throw; }
            return m;
        }

        /// <summary>SaveMessage retrieves message number into a file, as received.</summary>
        public void SaveMessage(int number, string path) { Check(Call(() => Native.mw_pop3_retrieve_file(H, number, Native.U(path)))); }

        /// <summary>GetMessageUid is the unique id of message number (UIDL).</summary>
        public string GetMessageUid(int number)
        {
            string s = Native.S(Native.mw_pop3_uid(H, number));
            if (s == null) throw MailwireException.From(ErrorCode.NotFound, ErrorMessage);
            return s;
        }

        /// <summary>GetMessageSize is the size in octets of message number (LIST).</summary>
        public long GetMessageSize(int number) { return Check(Native.mw_pop3_size(H, number)); }

        /// <summary>DeleteMessage marks message number deleted; it goes at Disconnect.</summary>
        public void DeleteMessage(int number) { Check(Native.mw_pop3_delete(H, number)); }

        /// <summary>Reset unmarks every deleted message (RSET).</summary>
        public void Reset() { Check(Native.mw_pop3_reset(H)); }

        /// <summary>GetMessageAsync is GetMessage on the thread pool; cancelling the token aborts
        /// it (OperationCanceledException) and closes the connection.</summary>
        public Task<MimeMessage> GetMessageAsync(int number, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => GetMessage(number), cancellationToken);
        }

        /// <summary>GetMessagesAsync is GetMessages on the thread pool, cancellable.</summary>
        public Task<IList<MimeMessage>> GetMessagesAsync(int first, int count, bool delete = false,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => GetMessages(first, count, delete), cancellationToken);
        }

        /// <summary>GetStreamAsync is GetStream on the thread pool, cancellable.</summary>
        public Task<System.IO.Stream> GetStreamAsync(int number, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => GetStream(number), cancellationToken);
        }

        /// <summary>GetMessageHeadersAsync is GetMessageHeaders on the thread pool, cancellable.</summary>
        public Task<MimeMessage> GetMessageHeadersAsync(int number, int lines = 0,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => GetMessageHeaders(number, lines), cancellationToken);
        }

        /// <summary>SaveMessageAsync is SaveMessage on the thread pool, cancellable.</summary>
        public Task SaveMessageAsync(int number, string path, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => SaveMessage(number, path), cancellationToken);
        }

        /// <summary>DeleteMessageAsync is DeleteMessage on the thread pool, cancellable.</summary>
        public Task DeleteMessageAsync(int number, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => DeleteMessage(number), cancellationToken);
        }
    }

    /// <summary>ImapStoreMode says how Store changes a message's flags (UID STORE).</summary>
    public enum ImapStoreMode { Set = 0, Add = 1, Remove = -1 }

    /// <summary>ImapFolder is one folder of ImapClient.GetFolders (LIST, RFC 3501 6.3.8, with the
    /// special-use attributes of RFC 6154 and the counts of LIST-STATUS, RFC 5819, when offered).</summary>
    public sealed class ImapFolder
    {
        /// <summary>Name is the folder's full name in UTF-8, levels joined by Delimiter.</summary>
        public string Name { get; internal set; }
        /// <summary>Delimiter is the hierarchy delimiter ("" when the server has none).</summary>
        public string Delimiter { get; internal set; }
        /// <summary>Flags are the name attributes ("\HasChildren", "\Noselect", ...).</summary>
        public string[] Flags { get; internal set; }
        /// <summary>SpecialUse is "\Sent", "\Trash", "\Drafts", "\Junk", "\Archive", "\All",
        /// "\Flagged" or "".</summary>
        public string SpecialUse { get; internal set; }
        /// <summary>Count, Unseen, UidNext and UidValidity come from LIST-STATUS; null when the
        /// server did not say.</summary>
        public long? Count { get; internal set; }
        public long? Unseen { get; internal set; }
        public long? UidNext { get; internal set; }
        public long? UidValidity { get; internal set; }

        /// <summary>CanSelect is false for a \Noselect or \NonExistent folder.</summary>
        public bool CanSelect
        {
            get
            {
                foreach (var f in Flags)
                    if (string.Equals(f, "\\Noselect", StringComparison.OrdinalIgnoreCase) ||
                        string.Equals(f, "\\NonExistent", StringComparison.OrdinalIgnoreCase)) return false;
                return true;
            }
        }

        public override string ToString() { return Name; }
    }

    /// <summary>ImapClient reads and manages mailboxes over IMAP (RFC 3501, RFC 9051 when offered,
    /// with UIDPLUS, MOVE, IDLE, LITERAL+, SPECIAL-USE, CONDSTORE). Messages are named by UID, never
    /// by sequence number: a UID stays valid while the folder's "uidvalidity" stays the same.
    /// Folder names are plain UTF-8 strings; the library encodes them for the wire.</summary>
    public sealed class ImapClient : MailClient
    {
        public ImapClient() : base(Native.mw_imap_new, Native.mw_imap_set, Native.mw_imap_connect, Native.mw_imap_disconnect,
            Native.mw_imap_use_oauth2) { }

        /// <summary>Capabilities are the server's capabilities, one per entry ("IMAP4rev1", "IDLE", ...).</summary>
        public string[] Capabilities { get { return Lines(Text(Native.mw_imap_capabilities(H))); } }

        // Str copies a library-owned string; NULL after a failed call throws that call's error.
        string Str(IntPtr p)
        {
            if (p != IntPtr.Zero) return Native.S(p);
            int code = LastErrorCode;
            if (code < 0) throw MailwireException.From(code, ErrorMessage);
            return null;
        }

        static long? Number(string s)
        {
            long n;
            return long.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out n)
                ? n : (long?)null;
        }

        /// <summary>GetFolders lists every folder (LIST "" "*").</summary>
        public IList<ImapFolder> GetFolders()
        {
            int n = Check(Call(() => Native.mw_imap_folder_count(H)));
            var list = new List<ImapFolder>(n);
            for (int i = 0; i < n; i++)
            {
                string flags = Str(Native.mw_imap_folder(H, i, Native.U("flags")));
                list.Add(new ImapFolder
                {
                    Name = Str(Native.mw_imap_folder(H, i, Native.U("name"))),
                    Delimiter = Str(Native.mw_imap_folder(H, i, Native.U("delimiter"))),
                    Flags = string.IsNullOrEmpty(flags) ? new string[0] : flags.Split(' '),
                    SpecialUse = Str(Native.mw_imap_folder(H, i, Native.U("special_use"))),
                    Count = Number(Str(Native.mw_imap_folder(H, i, Native.U("messages")))),
                    Unseen = Number(Str(Native.mw_imap_folder(H, i, Native.U("unseen")))),
                    UidNext = Number(Str(Native.mw_imap_folder(H, i, Native.U("uidnext")))),
                    UidValidity = Number(Str(Native.mw_imap_folder(H, i, Native.U("uidvalidity")))),
                });
            }
            return list.AsReadOnly();
        }

        /// <summary>CreateFolder creates a folder (CREATE); a refusal (it exists, a bad name)
        /// throws MailwireRefusedException.</summary>
        public void CreateFolder(string name) { Check(Call(() => Native.mw_imap_create(H, Native.U(name)))); }

        /// <summary>RenameFolder renames a folder (RENAME).</summary>
        public void RenameFolder(string from, string to) { Check(Call(() => Native.mw_imap_rename(H, Native.U(from), Native.U(to)))); }

        /// <summary>DeleteFolder deletes a folder (DELETE); ErrorCode.NotFound when it does not exist.</summary>
        public void DeleteFolder(string name) { Check(Call(() => Native.mw_imap_delete_folder(H, Native.U(name)))); }

        /// <summary>Select opens a folder (SELECT, or EXAMINE with readOnly) and returns its
        /// message count. A failed Select leaves no folder selected.</summary>
        public int Select(string folder, bool readOnly = false)
        {
            return Check(Call(() => Native.mw_imap_select(H, Native.U(folder), readOnly ? 1 : 0)));
        }

        /// <summary>Status is a field of the selected folder as text: "uidvalidity", "uidnext",
        /// "exists" (kept current), "unseen" (asked when called), "highestmodseq", "recent",
        /// "name", "readonly". It throws ErrorCode.State when no folder is selected.</summary>
        public string Status(string field) { return Str(Native.mw_imap_status(H, Native.U(field))); }

        /// <summary>Search returns the UIDs of the selected folder's messages that match
        /// criteria, IMAP SEARCH syntax ("UNSEEN FROM \"alice\""; null or "" for ALL). Criteria
        /// that could add a command (CR, LF, unbalanced quotes or parentheses, a literal) throw
        /// MailwireUsageException before anything is sent.</summary>
        public long[] Search(string criteria = null)
        {
            int n = Check(Call(() => Native.mw_imap_search(H, Native.U(criteria ?? ""))));
            var uids = new long[n];
            for (int i = 0; i < n; i++) uids[i] = Check(Native.mw_imap_search_uid(H, i));
            return uids;
        }

        /// <summary>Fetch retrieves message uid (UID FETCH BODY.PEEK[]: \Seen is not set),
        /// parsed as it streams. ErrorCode.NotFound when the folder has no such UID.</summary>
        public MimeMessage Fetch(long uid)
        {
            var m = new MimeMessage();
            try { Check(Call(() => Native.mw_imap_fetch(H, uid, m.H))); }
            catch { m.Dispose(); throw; }
            return m;
        }

        /// <summary>FetchFile retrieves message uid into a file, as received; a partly written
        /// file is removed.</summary>
        public void FetchFile(long uid, string path) { Check(Call(() => Native.mw_imap_fetch_file(H, uid, Native.U(path)))); }

        /// <summary>FetchMany retrieves the messages uids in one pipelined stream, one message
        /// per UID, in order. Every message's LastErrorCode tells how it fared: 0 when it came,
        /// ErrorCode.NotFound when the server did not return it, a connection code when the
        /// connection broke before it came (IsConnected is then false). It throws only when
        /// nothing was retrieved (not connected, no folder selected).</summary>
        public IList<MimeMessage> FetchMany(IEnumerable<long> uids)
        {
            var ids = new List<long>(uids).ToArray();
            var list = new List<MimeMessage>(ids.Length);
            try
            {
                for (int i = 0; i < ids.Length; i++) list.Add(new MimeMessage());
                var handles = new int[ids.Length];
                for (int i = 0; i < ids.Length; i++) handles[i] = list[i].H;
                int rc = Call(() => Native.mw_imap_fetch_many(H, ids, ids.Length, handles));
                if (rc < 0 && rc > ErrorCode.Partial && rc != ErrorCode.NotFound) Check(rc);
                if (rc <= ErrorCode.IO) IsConnected = false;
            }
            catch
            {
                foreach (var m in list) m.Dispose();
                throw;
            }
            return list.AsReadOnly();
        }

        /// <summary>Flags are the flags of message uid ("\Seen", "$Label1", ...).</summary>
        public string[] Flags(long uid)
        {
            string s = Str(Native.mw_imap_flags(H, uid));
            return string.IsNullOrEmpty(s) ? new string[0] : s.Split(' ');
        }

        /// <summary>Store adds, removes or replaces the flags of message uid (UID STORE); flags
        /// is space-separated ("\Seen \Flagged $Work"). A flag that is not an atom, or \Recent,
        /// throws MailwireUsageException.</summary>
        public void Store(long uid, string flags, ImapStoreMode mode = ImapStoreMode.Add)
        {
            Check(Call(() => Native.mw_imap_store(H, uid, Native.U(flags ?? ""), (int)mode)));
        }

        /// <summary>Store with the flags as a list.</summary>
        public void Store(long uid, IEnumerable<string> flags, ImapStoreMode mode = ImapStoreMode.Add)
        {
            Store(uid, string.Join(" ", flags), mode);
        }

        /// <summary>Copy copies message uid to folder (UID COPY).</summary>
        public void Copy(long uid, string folder) { Check(Call(() => Native.mw_imap_copy(H, uid, Native.U(folder)))); }

        /// <summary>Move moves message uid to folder: UID MOVE when offered, else UID COPY,
        /// \Deleted and UID EXPUNGE (without UIDPLUS, EXPUNGE, which also removes every other
        /// message flagged \Deleted).</summary>
        public void Move(long uid, string folder) { Check(Call(() => Native.mw_imap_move(H, uid, Native.U(folder)))); }

        /// <summary>Expunge removes the messages flagged \Deleted from the selected folder.</summary>
        public void Expunge() { Check(Call(() => Native.mw_imap_expunge(H))); }

        /// <summary>Append adds message to folder (APPEND, streamed) with flags (space-separated,
        /// or null) and returns its new UID when the server says it (UIDPLUS), else 0.
        /// ErrorCode.TooBig when over quota, ErrorCode.NotFound for no such folder.</summary>
        public long Append(string folder, MimeMessage message, string flags = null)
        {
            long rc = 0;
            Call(() => { rc = Native.mw_imap_append(H, Native.U(folder), message.H, Native.U(flags)); return 0; });
            return Check(rc);
        }

        /// <summary>Idle waits up to seconds for the selected folder to change (IDLE): true when
        /// it changed (a new message, an expunge, changed flags: Search again), false when the
        /// time ran out. Cancel from another thread ends the wait (OperationCanceledMailException);
        /// unlike other calls, the connection stays open then. ErrorCode.Unsupported when the
        /// server has no IDLE.</summary>
        public bool Idle(int seconds)
        {
            return Check(Call(() => Native.mw_imap_idle(H, seconds))) > 0;
        }

        /// <summary>GetFoldersAsync is GetFolders on the thread pool; cancelling the token aborts
        /// it (OperationCanceledException) and closes the connection.</summary>
        public Task<IList<ImapFolder>> GetFoldersAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => GetFolders(), cancellationToken);
        }

        /// <summary>CreateFolderAsync is CreateFolder on the thread pool, cancellable.</summary>
        public Task CreateFolderAsync(string name, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => CreateFolder(name), cancellationToken);
        }

        /// <summary>RenameFolderAsync is RenameFolder on the thread pool, cancellable.</summary>
        public Task RenameFolderAsync(string from, string to, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => RenameFolder(from, to), cancellationToken);
        }

        /// <summary>DeleteFolderAsync is DeleteFolder on the thread pool, cancellable.</summary>
        public Task DeleteFolderAsync(string name, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => DeleteFolder(name), cancellationToken);
        }

        /// <summary>SelectAsync is Select on the thread pool, cancellable.</summary>
        public Task<int> SelectAsync(string folder, bool readOnly = false, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => Select(folder, readOnly), cancellationToken);
        }

        /// <summary>SearchAsync is Search on the thread pool, cancellable.</summary>
        public Task<long[]> SearchAsync(string criteria = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => Search(criteria), cancellationToken);
        }

        /// <summary>FetchAsync is Fetch on the thread pool, cancellable.</summary>
        public Task<MimeMessage> FetchAsync(long uid, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => Fetch(uid), cancellationToken);
        }

        /// <summary>FetchFileAsync is FetchFile on the thread pool, cancellable.</summary>
        public Task FetchFileAsync(long uid, string path, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => FetchFile(uid, path), cancellationToken);
        }

        /// <summary>FetchManyAsync is FetchMany on the thread pool, cancellable.</summary>
        public Task<IList<MimeMessage>> FetchManyAsync(IEnumerable<long> uids, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => FetchMany(uids), cancellationToken);
        }

        /// <summary>StoreAsync is Store on the thread pool, cancellable.</summary>
        public Task StoreAsync(long uid, string flags, ImapStoreMode mode = ImapStoreMode.Add,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => Store(uid, flags, mode), cancellationToken);
        }

        /// <summary>CopyAsync is Copy on the thread pool, cancellable.</summary>
        public Task CopyAsync(long uid, string folder, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => Copy(uid, folder), cancellationToken);
        }

        /// <summary>MoveAsync is Move on the thread pool, cancellable.</summary>
        public Task MoveAsync(long uid, string folder, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => Move(uid, folder), cancellationToken);
        }

        /// <summary>ExpungeAsync is Expunge on the thread pool, cancellable.</summary>
        public Task ExpungeAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => Expunge(), cancellationToken);
        }

        /// <summary>AppendAsync is Append on the thread pool, cancellable.</summary>
        public Task<long> AppendAsync(string folder, MimeMessage message, string flags = null,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => Append(folder, message, flags), cancellationToken);
        }

        /// <summary>IdleAsync is Idle on the thread pool; cancelling the token ends the wait
        /// (OperationCanceledException) and keeps the connection open.</summary>
        public Task<bool> IdleAsync(int seconds, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => Idle(seconds), cancellationToken);
        }
    }

    /// <summary>SmtpPool shares SMTP connections among threads: Send is thread-safe as long as
    /// each thread sends its own message.</summary>
    public sealed class SmtpPool : MailwireObject
    {
        public SmtpPool() : base(Native.mw_pool_new) { }

        /// <summary>SetOption sets an SMTP option or max_connections / idle_timeout, before the first send.</summary>
        public void SetOption(string name, string value) { Check(Native.mw_pool_set(H, Native.U(name), Native.U(value))); }

        /// <summary>Configure sets the server, security and credentials in one call.</summary>
        public void Configure(string host, int port, SecureSocketOptions options, string userName = null, string password = null)
        {
            SetOption("host", host);
            SetOption("port", port.ToString());
            SetOption("security", MailClient.Security(options, port));
            if (userName != null) SetOption("username", userName);
            if (password != null) SetOption("password", password);
        }

        public int MaxConnections { set { SetOption("max_connections", value.ToString()); } }

        OAuth2Token oauth2; // referenced while the library uses it

        /// <summary>OAuth2 is the token object the connections use, or null.</summary>
        public OAuth2Token OAuth2 { get { return oauth2; } }

        /// <summary>Authenticate makes every connection log in as the mailbox userName with the
        /// tokens of token, before the first send; a refused token is replaced once for all.</summary>
        public void Authenticate(string userName, OAuth2Token token)
        {
            if (token == null) throw new ArgumentNullException("token");
            SetOption("username", userName);
            Check(Native.mw_pool_use_oauth2(H, token.H));
            oauth2 = token;
        }

        /// <summary>Send sends message on a pooled connection, as SmtpClient.Send does; errors and
        /// results are the message's.</summary>
        public SendResult Send(MimeMessage message)
        {
            return SmtpClient.Result(Native.mw_pool_send(H, message.H), message.H, message.H);
        }

        /// <summary>Cancel aborts the sends in flight.</summary>
        public void Cancel() { Native.mw_cancel(H); }

        /// <summary>SendAsync is Send on the thread pool. The token is honoured until the send
        /// starts; a send in flight is not aborted by it, since the pool's Cancel aborts every
        /// thread's sends (set the timeout option to bound a send).</summary>
        public Task<SendResult> SendAsync(MimeMessage message, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => Send(message), cancellationToken, false);
        }
    }

    /// <summary>MailServer is the embedded loopback server for development and tests: SMTP,
    /// submission, SMTPS, LMTP, POP3 and POP3S. Local parts starting with "reject" are refused
    /// (550), "tempfail" deferred (450).</summary>
    public sealed class MailServer : MailwireObject
    {
        public MailServer() : base(Native.mw_server_new) { }

        /// <summary>SetOption sets a server option before Start (see mw_server_set).</summary>
        public void SetOption(string name, string value) { Check(Native.mw_server_set(H, Native.U(name), Native.U(value))); }

        /// <summary>AddUser adds a user that may log in.</summary>
        public void AddUser(string name, string password) { SetOption("users", name + ":" + password); }

        /// <summary>CaOut is a file the server writes its CA to at Start (PEM).</summary>
        public string CaOut { set { SetOption("ca_out", value); } }

        /// <summary>Start starts every service; it returns when they accept connections.</summary>
        public void Start() { Check(Native.mw_server_start(H)); }

        /// <summary>Port is the port of "smtp", "submission", "smtps", "lmtp", "pop3", "pop3s", "imap" or "imaps".</summary>
        public int Port(string service) { return Check(Native.mw_server_port(H, Native.U(service))); }

        /// <summary>MessageCount is the number of messages in mailbox (null: all).</summary>
        public int MessageCount(string mailbox = null) { return Check(Native.mw_server_message_count(H, Native.U(mailbox ?? ""))); }

        /// <summary>GetMessage is message i (0-based, oldest first) of mailbox as stored.</summary>
        public byte[] GetMessage(string mailbox, int i)
        {
            IntPtr p;
            UIntPtr n;
            Check(Native.mw_server_message(H, Native.U(mailbox), i, out p, out n));
            return Native.Take(p, n);
        }

        /// <summary>Stop closes the listeners and sessions.</summary>
        public void Stop() { Check(Native.mw_server_stop(H)); }
    }
}
