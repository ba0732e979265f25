// Mailwire.cs: the P/Invoke declarations of include/mailwire.h, the UTF-8
// conversions, the version check, handles and exceptions. MimeMessage.cs and
// Clients.cs build the public classes on them.
//
// Threads: any number of threads may use the library from the start, also
// under Mono's default (signal-based) thread suspension: in a Mono process
// the library runs every call on a worker thread of its own while the Mono
// thread waits, and passes callbacks back to it (see include/mailwire.h,
// "Threads"), so no warm-up and no MONO_THREADS_SUSPEND setting is needed.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Mailwire
{
    /// <summary>Native holds the library's entry points (cdecl, UTF-8). Strings go in as
    /// NUL-terminated UTF-8 byte arrays; library-owned strings come back as IntPtr and are
    /// copied at once; buffers returned through "char **out" are released with mw_free.</summary>
    internal static class Native
    {
        const string Lib = "mailwire";
        const CallingConvention C = CallingConvention.Cdecl;

        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr mw_version();
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_version_number();
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr mw_strerror(int code);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr mw_errmsg(int handle);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_errcode(int handle);
        [DllImport(Lib, CallingConvention = C)] internal static extern void mw_free(IntPtr p);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_close(int handle);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_handle_count();
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr mw_with_keyword(byte[] protocol, int flags);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_with_flags(byte[] keyword);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr mw_with_protocol(byte[] keyword);

        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_message_new();
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_message_set(int msg, byte[] name, byte[] value);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr mw_message_get(int msg, byte[] name);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_message_add_to(int msg, byte[] addresses);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_message_add_cc(int msg, byte[] addresses);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_message_add_bcc(int msg, byte[] addresses);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_message_attach_file(int msg, byte[] path, byte[] name, byte[] contentType);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_message_attach_data(int msg, byte[] data, UIntPtr len, byte[] name, byte[] contentType);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_message_embed_file(int msg, byte[] path, byte[] contentId);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_message_mime(int msg, out IntPtr data, out UIntPtr len);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_message_save(int msg, byte[] path);
        [DllImport(Lib, CallingConvention = C)] internal static extern long mw_message_size(int msg);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_message_parse(int msg, byte[] data, UIntPtr len);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_message_load(int msg, byte[] path);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_message_attachment_count(int msg);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr mw_message_attachment(int msg, int i, byte[] field);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_message_attachment_save(int msg, int i, byte[] path);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_message_attachment_data(int msg, int i, out IntPtr data, out UIntPtr len);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_message_trace_count(int msg);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr mw_message_trace(int msg, int hop, byte[] field);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_message_trace_flags(int msg, int hop);

        [UnmanagedFunctionPointer(C)] internal delegate void ProgressFn(IntPtr user, long done, long total);
        [UnmanagedFunctionPointer(C)] internal delegate void LogFn(IntPtr user, IntPtr line);

        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_smtp_new();
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_smtp_set(int smtp, byte[] option, byte[] value);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_smtp_connect(int smtp);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_smtp_send(int smtp, int msg);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_smtp_send_many(int smtp, int[] msgs, int count);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_smtp_result_count(int handle);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr mw_smtp_result(int handle, int i, byte[] field);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_smtp_reply_code(int smtp);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr mw_smtp_reply(int smtp);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr mw_smtp_capabilities(int smtp);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_smtp_disconnect(int smtp);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_send(byte[] url, int msg);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_set_progress(int handle, ProgressFn fn, IntPtr user);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_set_log(int handle, LogFn fn, IntPtr user);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_cancel(int handle);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_pool_new();
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_pool_set(int pool, byte[] option, byte[] value);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_pool_send(int pool, int msg);

        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_pop3_new();
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_pop3_set(int pop, byte[] option, byte[] value);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_pop3_connect(int pop);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_pop3_count(int pop);
        [DllImport(Lib, CallingConvention = C)] internal static extern long mw_pop3_size(int pop, int number);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr mw_pop3_uid(int pop, int number);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_pop3_retrieve(int pop, int number, int msg);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_pop3_retrieve_data(int pop, int number, out IntPtr data, out UIntPtr len);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_pop3_retrieve_many(int pop, int first, int count, int[] msgs, int del);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_pop3_retrieve_file(int pop, int number, byte[] path);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_pop3_top(int pop, int number, int lines, int msg);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_pop3_delete(int pop, int number);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_pop3_reset(int pop);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr mw_pop3_capabilities(int pop);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_pop3_disconnect(int pop);

        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_imap_new();
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_imap_set(int imap, byte[] option, byte[] value);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_imap_connect(int imap);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr mw_imap_capabilities(int imap);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_imap_folder_count(int imap);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr mw_imap_folder(int imap, int i, byte[] field);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_imap_create(int imap, byte[] folder);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_imap_rename(int imap, byte[] from, byte[] to);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_imap_delete_folder(int imap, byte[] folder);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_imap_select(int imap, byte[] folder, int readOnly);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr mw_imap_status(int imap, byte[] field);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_imap_search(int imap, byte[] criteria);
        [DllImport(Lib, CallingConvention = C)] internal static extern long mw_imap_search_uid(int imap, int i);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_imap_fetch(int imap, long uid, int msg);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_imap_fetch_file(int imap, long uid, byte[] path);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_imap_fetch_many(int imap, long[] uids, int count, int[] msgs);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr mw_imap_flags(int imap, long uid);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_imap_store(int imap, long uid, byte[] flags, int mode);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_imap_copy(int imap, long uid, byte[] folder);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_imap_move(int imap, long uid, byte[] folder);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_imap_expunge(int imap);
        [DllImport(Lib, CallingConvention = C)] internal static extern long mw_imap_append(int imap, byte[] folder, int msg, byte[] flags);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_imap_idle(int imap, int seconds);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_imap_disconnect(int imap);

        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_oauth2_new();
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_oauth2_set(int oauth, byte[] option, byte[] value);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr mw_oauth2_token(int oauth);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr mw_oauth2_get(int oauth, byte[] field);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_oauth2_device_start(int oauth);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_oauth2_device_poll(int oauth);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_smtp_use_oauth2(int smtp, int oauth);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_pop3_use_oauth2(int pop, int oauth);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_imap_use_oauth2(int imap, int oauth);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_pool_use_oauth2(int pool, int oauth);

        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_server_new();
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_server_set(int srv, byte[] option, byte[] value);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_server_start(int srv);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_server_port(int srv, byte[] service);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_server_message_count(int srv, byte[] mailbox);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_server_message(int srv, byte[] mailbox, int i, out IntPtr data, out UIntPtr len);
        [DllImport(Lib, CallingConvention = C)] internal static extern int mw_server_stop(int srv);

        /// <summary>U converts a string to NUL-terminated UTF-8 (null stays null).</summary>
        internal static byte[] U(string s)
        {
            if (s == null) return null;
            int n = Encoding.UTF8.GetByteCount(s);
            byte[] b = new byte[n + 1];
            Encoding.UTF8.GetBytes(s, 0, s.Length, b, 0);
            return b;
        }

        /// <summary>S copies a library-owned NUL-terminated UTF-8 string (NULL gives null).</summary>
        internal static string S(IntPtr p)
        {
            if (p == IntPtr.Zero) return null;
            int n = 0;
            while (Marshal.ReadByte(p, n) != 0) n++;
            byte[] b = new byte[n];
            Marshal.Copy(p, b, 0, n);
            return Encoding.UTF8.GetString(b);
        }

        /// <summary>Take copies a caller-owned buffer and releases it with mw_free.</summary>
        internal static byte[] Take(IntPtr p, UIntPtr len)
        {
            if (p == IntPtr.Zero) return new byte[0];
            try
            {
                byte[] b = new byte[checked((int)len.ToUInt64())];
                Marshal.Copy(p, b, 0, b.Length);
                return b;
            }
            finally { mw_free(p); }
        }
    }

    /// <summary>Library checks, once per process, that the loaded library has the major
    /// version this binding was written for.</summary>
    public static class Library
    {
        /// <summary>ExpectedMajor is the MAJOR of MW_VERSION this binding speaks.</summary>
        public const int ExpectedMajor = 0;
        /// <summary>MinimumVersion is the oldest library (MAJOR*10000+MINOR*100+PATCH) that has every
        /// function this binding calls.</summary>
        public const int MinimumVersion = 100;

        static readonly object gate = new object();
        static bool ready;

        /// <summary>Version is the loaded library's "MAJOR.MINOR.PATCH".</summary>
        public static string Version { get { Ensure(); return Native.S(Native.mw_version()); } }

        /// <summary>VersionNumber is the loaded library's MAJOR*10000+MINOR*100+PATCH.</summary>
        public static int VersionNumber { get { Ensure(); return Native.mw_version_number(); } }

        /// <summary>OpenHandles is the number of handles open in the library (for leak checks).</summary>
        public static int OpenHandles { get { Ensure(); return Native.mw_handle_count(); } }

        /// <summary>StrError is the library's static text for an MW_E_* code.</summary>
        public static string StrError(int code) { Ensure(); return Native.S(Native.mw_strerror(code)); }

        /// <summary>Ensure loads and checks the library on first use. It throws
        /// MailwireVersionException when the library's major version differs.</summary>
        public static void Ensure()
        {
            if (ready) return;
            lock (gate)
            {
                if (ready) return;
                int v = Native.mw_version_number();
                if (v / 10000 != ExpectedMajor || v < MinimumVersion)
                    throw new MailwireVersionException(v, Native.S(Native.mw_version()));
                ready = true;
            }
        }

        /// <summary>Prewarm did a thread warm-up that earlier versions needed under Mono. It
        /// does nothing now: the library makes every call safe under Mono itself, for any
        /// number of threads.</summary>
        [Obsolete("Not needed any more: the library makes every call safe under Mono itself.")]
        public static void Prewarm(int n) { }
    }

    /// <summary>MailwireHandle owns one library handle and closes it with mw_close.</summary>
    public sealed class MailwireHandle : SafeHandle
    {
        internal MailwireHandle(int h) : base(IntPtr.Zero, true) { SetHandle(new IntPtr(h)); }

        /// <summary>IsInvalid is true for values that are not handles (0 and codes).</summary>
        public override bool IsInvalid { get { return handle.ToInt64() <= 0; } }

        /// <summary>Id is the handle's number; it stays readable after Dispose, so that calls
        /// on a disposed object reach the library and fail there with MW_E_HANDLE.</summary>
        public int Id { get { return (int)handle.ToInt64(); } }

        protected override bool ReleaseHandle() { return Native.mw_close(Id) == 0; }

        /// <summary>Open makes a handle with a mw_*_new function, throwing on a code.</summary>
        internal static MailwireHandle Open(Func<int> create)
        {
            Library.Ensure();
            int h = create();
            if (h <= 0) throw MailwireException.From(h, Library.StrError(h));
            return new MailwireHandle(h);
        }
    }

    /// <summary>MailwireObject is the base of every class that wraps a handle.</summary>
    public abstract class MailwireObject : IDisposable
    {
        internal readonly MailwireHandle Handle;

        internal MailwireObject(Func<int> create) { Handle = MailwireHandle.Open(create); }

        internal int H { get { return Handle.Id; } }

        /// <summary>ErrorMessage is the library's message for the last call on this object.</summary>
        public string ErrorMessage { get { return Native.S(Native.mw_errmsg(H)); } }

        /// <summary>LastErrorCode is the MW_E_* code of the last call on this object (see
        /// ErrorCode), 0 after a success: what ErrorMessage describes. Right after
        /// Pop3Client.GetMessages it tells how each message fared; any later call on the
        /// object replaces it.</summary>
        public int LastErrorCode { get { return Native.mw_errcode(H); } }

        /// <summary>Check throws the exception for a negative code, with this handle's message.</summary>
        internal int Check(int rc) { return Check(rc, H); }

        internal long Check(long rc)
        {
            if (rc < 0) throw MailwireException.From((int)rc, Native.S(Native.mw_errmsg(H)));
            return rc;
        }

        internal static int Check(int rc, int handle)
        {
            if (rc < 0) throw MailwireException.From(rc, Native.S(Native.mw_errmsg(handle)));
            return rc;
        }

        /// <summary>Text returns a library-owned string; a NULL with a message set is an error.</summary>
        internal string Text(IntPtr p)
        {
            if (p != IntPtr.Zero) return Native.S(p);
            string err = ErrorMessage;
            if (string.IsNullOrEmpty(err)) return null;
            throw MailwireException.From(Handle.IsClosed ? ErrorCode.Handle : ErrorCode.Arg, err);
        }

        /// <summary>Dispose closes the handle (a connection is dropped without QUIT).</summary>
        public void Dispose() { Handle.Dispose(); GC.SuppressFinalize(this); }

        /// <summary>RunAsync runs a blocking call of this object on the thread pool. When
        /// cancellationToken is cancelled before it starts, it does not run; while it runs,
        /// mw_cancel aborts it (its connection is closed, as Cancel does). Either way the task
        /// ends cancelled: awaiting it throws OperationCanceledException (TaskCanceledException)
        /// carrying the token, and LastErrorCode is ErrorCode.Cancelled when the call was
        /// aborted. The object still serves one call at a time: await each call before the
        /// next.</summary>
        internal Task<T> RunAsync<T>(Func<T> call, CancellationToken cancellationToken, bool cancels = true)
        {
            int h = H;
            return Task.Run(() =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                var reg = cancels ? cancellationToken.Register(() => Native.mw_cancel(h)) : default(CancellationTokenRegistration);
                try
                {
                    // A cancellation that came between the check above and the Register ran
                    // mw_cancel with nothing in flight: look once more.
                    cancellationToken.ThrowIfCancellationRequested();
                    return call();
                }
                catch (MailwireException e) when (e.Code == ErrorCode.Cancelled && cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(e.Message, e, cancellationToken);
                }
                finally { reg.Dispose(); }
            }, cancellationToken);
        }

        internal Task RunAsync(Action call, CancellationToken cancellationToken, bool cancels = true)
        {
            return RunAsync<object>(() => { call(); return null; }, cancellationToken, cancels);
        }
    }

    /// <summary>ErrorCode names the MW_E_* codes of include/mailwire.h.</summary>
    public static class ErrorCode
    {
        public const int Internal = -1, Handle = -2, Arg = -3, State = -4, Option = -5, File = -6,
            Busy = -7, NotFound = -8, Parse = -9;
        public const int Partial = -20, Refused = -21, Temporary = -22, Auth = -23, TooBig = -24,
            Unsupported = -25;
        public const int IO = -40, Timeout = -41, Tls = -42, Protocol = -43, Security = -44,
            Cancelled = -45, Connect = -46, Closed = -47;
    }

    /// <summary>MailwireException is an MW_E_* code with the library's message. Its subclasses
    /// tell what to do next: MailwireUsageException (fix the call), MailwireRefusedException
    /// (the server said no, the connection lives), MailwireConnectionException (reconnect).</summary>
    public class MailwireException : Exception
    {
        /// <summary>Code is the MW_E_* code.</summary>
        public int Code { get; private set; }

        public MailwireException(int code, string message) : base(message) { Code = code; }

        /// <summary>From builds the exception of the right group for code.</summary>
        public static MailwireException From(int code, string message)
        {
            if (string.IsNullOrEmpty(message)) message = Native.S(Native.mw_strerror(code));
            if (code == ErrorCode.Auth) return new MailwireAuthenticationException(code, message);
            if (code == ErrorCode.Cancelled) return new OperationCanceledMailException(code, message);
            if (code <= -40) return new MailwireConnectionException(code, message);
            if (code <= -20) return new MailwireRefusedException(code, message);
            return new MailwireUsageException(code, message);
        }
    }

    /// <summary>MailwireUsageException: the caller erred (bad argument, state, handle); nothing
    /// went on the wire.</summary>
    public class MailwireUsageException : MailwireException
    {
        public MailwireUsageException(int code, string message) : base(code, message) { }
    }

    /// <summary>MailwireRefusedException: the server refused; the connection lives.</summary>
    public class MailwireRefusedException : MailwireException
    {
        /// <summary>Results holds the per-recipient replies when a send was refused.</summary>
        public IList<RecipientResult> Results { get; internal set; }

        public MailwireRefusedException(int code, string message) : base(code, message) { }
    }

    /// <summary>MailwireAuthenticationException: the server refused the credentials (MW_E_AUTH).</summary>
    public class MailwireAuthenticationException : MailwireRefusedException
    {
        public MailwireAuthenticationException(int code, string message) : base(code, message) { }
    }

    /// <summary>MailwireConnectionException: the connection is gone; connect again.</summary>
    public class MailwireConnectionException : MailwireException
    {
        public MailwireConnectionException(int code, string message) : base(code, message) { }
    }

    /// <summary>OperationCanceledMailException: Cancel aborted the call (MW_E_CANCELLED).</summary>
    public class OperationCanceledMailException : MailwireConnectionException
    {
        public OperationCanceledMailException(int code, string message) : base(code, message) { }
    }

    /// <summary>MailwireVersionException: the library's major version is not the binding's.</summary>
    public class MailwireVersionException : Exception
    {
        public MailwireVersionException(int number, string version)
            : base(string.Format("Mailwire library {0} ({1}) does not match this binding (major {2}, at least {3})",
                version, number, Library.ExpectedMajor, Library.MinimumVersion)) { }
    }
}
