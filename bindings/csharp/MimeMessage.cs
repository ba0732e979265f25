// MimeMessage.cs: a message to compose, render, parse, or read back
// (RFC 5322, MIME, RFC 3848 trace), in MimeKit's words.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Mailwire
{
    /// <summary>MimeMessage is a message held by the library: set its fields, add recipients and
    /// attachments, render it with ToString or Save, or read one with Parse or Load.</summary>
    public sealed class MimeMessage : MailwireObject
    {
        /// <summary>MimeMessage makes a new, empty message.</summary>
        public MimeMessage() : base(Native.mw_message_new)
        {
            To = new AddressList(this, Native.mw_message_add_to, "To");
            Cc = new AddressList(this, Native.mw_message_add_cc, "Cc");
            Bcc = new AddressList(this, Native.mw_message_add_bcc, "Bcc");
        }

        /// <summary>Parse reads a message from its raw bytes (MW_E_PARSE when it cannot).</summary>
        public static MimeMessage Parse(byte[] raw)
        {
            var m = new MimeMessage();
            m.Check(Native.mw_message_parse(m.H, raw, new UIntPtr((ulong)raw.Length)));
            return m;
        }

        /// <summary>Parse reads a message from text (encoded as UTF-8).</summary>
        public static MimeMessage Parse(string raw) { return Parse(Encoding.UTF8.GetBytes(raw)); }

        /// <summary>Load reads a message from an .eml file, streaming.</summary>
        public static MimeMessage Load(string path)
        {
            var m = new MimeMessage();
            m.Check(Native.mw_message_load(m.H, Native.U(path)));
            return m;
        }

        /// <summary>To, Cc and Bcc are the recipient lists; Bcc never appears in the message.</summary>
        public AddressList To { get; private set; }
        public AddressList Cc { get; private set; }
        public AddressList Bcc { get; private set; }

        public string From { get { return this["From"]; } set { this["From"] = value; } }
        public string Sender { get { return this["Sender"]; } set { this["Sender"] = value; } }
        public string ReplyTo { get { return this["ReplyTo"]; } set { this["ReplyTo"] = value; } }
        public string Subject { get { return this["Subject"]; } set { this["Subject"] = value; } }
        public string TextBody { get { return this["TextBody"]; } set { this["TextBody"] = value; } }
        public string HtmlBody { get { return this["HtmlBody"]; } set { this["HtmlBody"] = value; } }
        public string MessageId { get { return this["MessageId"]; } set { this["MessageId"] = value; } }
        public string Date { get { return this["Date"]; } set { this["Date"] = value; } }
        /// <summary>Priority is "high", "normal" or "low".</summary>
        public string Priority { get { return this["Priority"]; } set { this["Priority"] = value; } }

        /// <summary>The indexer gets or sets a field or header by name (see mw_message_set);
        /// null or "" removes it, and a missing field reads as null.</summary>
        public string this[string name]
        {
            get { return Text(Native.mw_message_get(H, Native.U(name))); }
            set { Check(Native.mw_message_set(H, Native.U(name), Native.U(value ?? ""))); }
        }

        /// <summary>Attach adds a file, read when the message is rendered or sent.</summary>
        public void Attach(string path, string name = null, string contentType = null)
        {
            Check(Native.mw_message_attach_file(H, Native.U(path), Native.U(name), Native.U(contentType)));
        }

        /// <summary>Attach adds an attachment from memory.</summary>
        public void Attach(string name, byte[] data, string contentType = null)
        {
            Check(Native.mw_message_attach_data(H, data, new UIntPtr((ulong)data.Length), Native.U(name), Native.U(contentType)));
        }

        /// <summary>Embed adds a file as an inline part that the HTML body shows with
        /// &lt;img src="cid:contentId"&gt;.</summary>
        public void Embed(string path, string contentId)
        {
            Check(Native.mw_message_embed_file(H, Native.U(path), Native.U(contentId)));
        }

        /// <summary>ToBytes renders the whole message with CRLF line ends.</summary>
        public byte[] ToBytes()
        {
            IntPtr p;
            UIntPtr n;
            Check(Native.mw_message_mime(H, out p, out n));
            return Native.Take(p, n);
        }

        /// <summary>ToString renders the whole message as text.</summary>
        public override string ToString() { return Encoding.UTF8.GetString(ToBytes()); }

        /// <summary>Save writes the rendered message to a file.</summary>
        public void Save(string path) { Check(Native.mw_message_save(H, Native.U(path))); }

        /// <summary>Size is the exact size in bytes of the rendered message.</summary>
        public long Size { get { return Check(Native.mw_message_size(H)); } }

        /// <summary>Attachments lists the parts that are not the text or HTML body.</summary>
        public IList<MimeAttachment> Attachments
        {
            get
            {
                int n = Check(Native.mw_message_attachment_count(H));
                var list = new List<MimeAttachment>(n);
                for (int i = 0; i < n; i++) list.Add(new MimeAttachment(this, i));
                return list.AsReadOnly();
            }
        }

        /// <summary>Trace lists the Received hops, newest first (RFC 5321 section 4.4, RFC 3848).</summary>
        public IList<TraceHop> Trace
        {
            get
            {
                int n = Check(Native.mw_message_trace_count(H));
                var list = new List<TraceHop>(n);
                for (int i = 0; i < n; i++) list.Add(new TraceHop(this, i));
                return list.AsReadOnly();
            }
        }

        /// <summary>LastResults are the per-recipient replies of this message's last send.</summary>
        public IList<RecipientResult> LastResults { get { return RecipientResult.Read(H); } }

        internal string AttachmentField(int i, string field)
        {
            return Text(Native.mw_message_attachment(H, i, Native.U(field)));
        }

        internal byte[] AttachmentData(int i)
        {
            IntPtr p;
            UIntPtr n;
            Check(Native.mw_message_attachment_data(H, i, out p, out n));
            return Native.Take(p, n);
        }

        internal void AttachmentSave(int i, string path) { Check(Native.mw_message_attachment_save(H, i, Native.U(path))); }

        internal string TraceField(int hop, string field) { return Text(Native.mw_message_trace(H, hop, Native.U(field))); }

        internal int TraceFlags(int hop) { return Native.mw_message_trace_flags(H, hop); }
    }

    /// <summary>AddressList adds recipients to a message: "a@b", "Name &lt;a@b&gt;" or a
    /// comma-separated list; an invalid or ambiguous address throws and adds nothing.</summary>
    public sealed class AddressList
    {
        readonly MimeMessage msg;
        readonly Func<int, byte[], int> add;
        readonly string field;

        internal AddressList(MimeMessage m, Func<int, byte[], int> add, string field)
        {
            msg = m;
            this.add = add;
            this.field = field;
        }

        /// <summary>Add adds one address or a comma-separated list.</summary>
        public void Add(string addresses) { msg.Check(add(msg.H, Native.U(addresses))); }

        /// <summary>AddRange adds each address.</summary>
        public void AddRange(IEnumerable<string> addresses) { foreach (var a in addresses) Add(a); }

        /// <summary>ToString is the decoded list "Name &lt;a@b&gt;, ..." ("" when empty).</summary>
        public override string ToString() { return msg[field] ?? ""; }
    }

    /// <summary>MimeAttachment is one attachment or inline part of a message.</summary>
    public sealed class MimeAttachment
    {
        readonly MimeMessage msg;
        readonly int index;

        internal MimeAttachment(MimeMessage m, int i)
        {
            msg = m;
            index = i;
            FileName = m.AttachmentField(i, "name");
            ContentType = m.AttachmentField(i, "content_type");
            ContentId = m.AttachmentField(i, "content_id");
            Disposition = m.AttachmentField(i, "disposition");
            long size;
            Size = long.TryParse(m.AttachmentField(i, "size"), out size) ? size : -1;
        }

        public string FileName { get; private set; }
        public string ContentType { get; private set; }
        public string ContentId { get; private set; }
        /// <summary>Disposition is "attachment" or "inline".</summary>
        public string Disposition { get; private set; }
        /// <summary>Size is the decoded size in bytes.</summary>
        public long Size { get; private set; }

        /// <summary>GetData returns the decoded content.</summary>
        public byte[] GetData() { return msg.AttachmentData(index); }

        /// <summary>Save writes the decoded content to path; for a directory, under the
        /// attachment's own name made safe.</summary>
        public void Save(string path) { msg.AttachmentSave(index, path); }
    }

    /// <summary>WithFlags are the MW_WITH_* flags of a Received "with" keyword (RFC 3848).</summary>
    [Flags]
    public enum WithFlags { None = 0, Tls = 1, Auth = 2, Utf8 = 4 }

    /// <summary>TransmissionTypes is the registry of mail transmission types (RFC 3848, RFC 6531):
    /// the "with" keyword of a Received header that says how a message travelled.</summary>
    public static class TransmissionTypes
    {
        /// <summary>Keyword is the registered keyword for a session of protocol ("SMTP", "ESMTP"
        /// or "LMTP") with flags: Keyword("ESMTP", WithFlags.Tls | WithFlags.Auth) is "ESMTPSA".
        /// null when nothing is registered for the combination.</summary>
        public static string Keyword(string protocol, WithFlags flags)
        {
            Library.Ensure();
            return Native.S(Native.mw_with_keyword(Native.U(protocol), (int)flags));
        }

        /// <summary>Flags are what a registered keyword stands for (case does not matter), null
        /// for a keyword that is not registered.</summary>
        public static WithFlags? Flags(string keyword)
        {
            Library.Ensure();
            int f = Native.mw_with_flags(Native.U(keyword));
            return f < 0 ? (WithFlags?)null : (WithFlags)f;
        }

        /// <summary>Protocol is "SMTP", "ESMTP" or "LMTP" for a registered keyword, else null.</summary>
        public static string Protocol(string keyword)
        {
            Library.Ensure();
            return Native.S(Native.mw_with_protocol(Native.U(keyword)));
        }
    }

    /// <summary>TraceHop is one Received header: hop 0 is the newest.</summary>
    public sealed class TraceHop
    {
        internal TraceHop(MimeMessage m, int hop)
        {
            Hop = hop;
            From = m.TraceField(hop, "from");
            By = m.TraceField(hop, "by");
            Via = m.TraceField(hop, "via");
            With = m.TraceField(hop, "with");
            Id = m.TraceField(hop, "id");
            For = m.TraceField(hop, "for");
            Date = m.TraceField(hop, "date");
            Raw = m.TraceField(hop, "raw");
            int f = m.TraceFlags(hop);
            Registered = f >= 0;
            Flags = f >= 0 ? (WithFlags)f : WithFlags.None;
            Protocol = With == null ? null : TransmissionTypes.Protocol(With);
        }

        public int Hop { get; private set; }
        public string From { get; private set; }
        public string By { get; private set; }
        public string Via { get; private set; }
        public string With { get; private set; }
        public string Id { get; private set; }
        public string For { get; private set; }
        public string Date { get; private set; }
        public string Raw { get; private set; }
        /// <summary>Registered is true when With is a registered transmission type.</summary>
        public bool Registered { get; private set; }
        public WithFlags Flags { get; private set; }
        /// <summary>Protocol is "SMTP", "ESMTP" or "LMTP" for a registered keyword.</summary>
        public string Protocol { get; private set; }

        public override string ToString()
        {
            return string.Format("from {0} by {1} with {2} ({3}{4})", From, By, With,
                Protocol ?? "unregistered", Registered ? ", " + Flags : "");
        }
    }

    /// <summary>RecipientResult is the server's reply to one recipient of a send.</summary>
    public sealed class RecipientResult
    {
        public string Address { get; private set; }
        /// <summary>Code is the reply code, e.g. 250 or 550.</summary>
        public int Code { get; private set; }
        /// <summary>Enhanced is the enhanced status code, e.g. "2.1.5" ("" when none).</summary>
        public string Enhanced { get; private set; }
        public string Text { get; private set; }
        /// <summary>Accepted is true for a 2xx reply.</summary>
        public bool Accepted { get { return Code >= 200 && Code < 300; } }

        internal static IList<RecipientResult> Read(int handle)
        {
            int n = Native.mw_smtp_result_count(handle);
            var list = new List<RecipientResult>(Math.Max(n, 0));
            for (int i = 0; i < n; i++)
            {
                int code;
                int.TryParse(Field(handle, i, "code"), out code);
                list.Add(new RecipientResult
                {
                    Address = Field(handle, i, "address"),
                    Code = code,
                    Enhanced = Field(handle, i, "enhanced") ?? "",
                    Text = Field(handle, i, "text") ?? "",
                });
            }
            return list.AsReadOnly();
        }

        static string Field(int h, int i, string f) { return Native.S(Native.mw_smtp_result(h, i, Native.U(f))); }

        public override string ToString() { return string.Format("{0} {1} {2} {3}", Address, Code, Enhanced, Text); }
    }
}
