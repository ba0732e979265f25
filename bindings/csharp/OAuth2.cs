// OAuth2.cs: OAuth2Token, the library's OAuth2 object: it gets and refreshes
// access tokens for Microsoft 365 and Gmail (refresh token, client
// credentials and device authorization grants) and gives them to
// SmtpClient, Pop3Client and SmtpPool.
using System;
using System.Threading;
using System.Threading.Tasks;

namespace Mailwire
{
    /// <summary>OAuth2Grant is how an OAuth2Token gets its tokens.</summary>
    public enum OAuth2Grant
    {
        /// <summary>RefreshToken uses the refresh token the user's consent gave (RFC 6749 section 6).</summary>
        RefreshToken,
        /// <summary>ClientCredentials: a service acting as itself, with its secret (section 4.4).</summary>
        ClientCredentials,
        /// <summary>DeviceCode: the user signs in on another device (RFC 8628), then the refresh
        /// token it gave is used.</summary>
        DeviceCode,
    }

    /// <summary>DeviceAuthorization is what the user needs to sign in: open VerificationUri on
    /// any device and enter UserCode (or open VerificationUriComplete).</summary>
    public sealed class DeviceAuthorization
    {
        public string UserCode { get; internal set; }
        public string VerificationUri { get; internal set; }
        /// <summary>VerificationUriComplete has the code in it; null when the server sends none.</summary>
        public string VerificationUriComplete { get; internal set; }
        /// <summary>Message is the provider's own instructions for the user, or null.</summary>
        public string Message { get; internal set; }
        /// <summary>ExpiresAt is when the code stops working.</summary>
        public DateTimeOffset ExpiresAt { get; internal set; }
    }

    /// <summary>OAuth2Token holds an application's OAuth 2.0 credentials and the access token
    /// they give, and fetches a new token when the one held is about to expire. One object may
    /// serve any number of clients and pools on any number of threads: it makes one request at
    /// a time and everyone who needs a token meanwhile waits for that one. Give it to a client
    /// with Authenticate(userName, token) (or SmtpPool.Authenticate); the client then logs in
    /// with XOAUTH2 or OAUTHBEARER, and when the server refuses the token it gets a new one once
    /// and tries again.</summary>
    public sealed class OAuth2Token : MailwireObject
    {
        public OAuth2Token() : base(Native.mw_oauth2_new) { }

        /// <summary>ForMicrosoft365 is an object for Microsoft 365: the identity platform's
        /// endpoints for tenant ("common", "organizations", a domain or the tenant id) and the
        /// Outlook SMTP, POP and IMAP scopes.</summary>
        public static OAuth2Token ForMicrosoft365(string clientId, string tenant = "common")
        {
            var t = new OAuth2Token();
            t.Provider = "microsoft";
            t.Tenant = tenant;
            t.ClientId = clientId;
            return t;
        }

        /// <summary>ForGmail is an object for Gmail (scope https://mail.google.com/). Google
        /// grants the mail scope to a refresh token only: set RefreshToken.</summary>
        public static OAuth2Token ForGmail(string clientId, string clientSecret)
        {
            var t = new OAuth2Token();
            t.Provider = "google";
            t.ClientId = clientId;
            t.ClientSecret = clientSecret;
            return t;
        }

        /// <summary>SetOption sets any option of mw_oauth2_set.</summary>
        public void SetOption(string name, string value) { Check(Native.mw_oauth2_set(H, Native.U(name), Native.U(value))); }

        /// <summary>Get reads a field of mw_oauth2_get ("expires_at", "scope", "error", ...); null
        /// when it has no value. It never waits for a request.</summary>
        public string Get(string field) { return Text(Native.mw_oauth2_get(H, Native.U(field))); }

        /// <summary>Provider is "microsoft" or "google": it fills in the endpoints and scopes.</summary>
        public string Provider { set { SetOption("provider", value); } }
        public string Tenant { set { SetOption("tenant", value); } }
        public string TokenUrl { get { return Get("token_url"); } set { SetOption("token_url", value); } }
        public string DeviceUrl { get { return Get("device_url"); } set { SetOption("device_url", value); } }
        public string ClientId { set { SetOption("client_id", value); } }
        /// <summary>ClientSecret is the secret of a confidential client (none for a desktop app).</summary>
        public string ClientSecret { set { SetOption("client_secret", value); } }
        /// <summary>SendSecretInBody sends the secret in the form body instead of HTTP Basic.</summary>
        public bool SendSecretInBody { set { SetOption("client_auth", value ? "post" : "basic"); } }
        public string Scope { set { SetOption("scope", value); } }
        public string CaFile { set { SetOption("ca_file", value); } }
        public int Timeout { set { SetOption("timeout", value.ToString()); } }
        public string LogFile { set { SetOption("log_file", value); } }

        public OAuth2Grant Grant
        {
            set
            {
                SetOption("grant", value == OAuth2Grant.ClientCredentials ? "client_credentials"
                    : value == OAuth2Grant.DeviceCode ? "device_code" : "refresh_token");
            }
        }

        /// <summary>RefreshToken is the refresh token. Read it after every call that may have
        /// refreshed and keep it: the server may replace it each time.</summary>
        public string RefreshToken { get { return Get("refresh_token"); } set { SetOption("refresh_token", value); } }

        /// <summary>ExpiresAt is when the token held expires; null when unknown or none.</summary>
        public DateTimeOffset? ExpiresAt
        {
            get
            {
                string s = Get("expires_at");
                return s == null ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeSeconds(long.Parse(s));
            }
        }

        /// <summary>GetAccessToken returns a token valid for at least a minute more, requesting
        /// one when needed (with DeviceCode, after StartDeviceAuthorization, it waits for the user
        /// to sign in). MailwireAuthenticationException means the user or the application must sign in or
        /// be set up again (invalid_grant, access_denied, expired_token, ...); Message holds the
        /// server's error and its description.</summary>
        public string GetAccessToken()
        {
            IntPtr p = Native.mw_oauth2_token(H);
            if (p != IntPtr.Zero) return Native.S(p);
            throw MailwireException.From(Native.mw_errcode(H), ErrorMessage);
        }

        /// <summary>StartDeviceAuthorization asks for a user code (RFC 8628): show it to the user,
        /// then call GetAccessToken (which waits) or PollDeviceAuthorization.</summary>
        public DeviceAuthorization StartDeviceAuthorization()
        {
            Check(Native.mw_oauth2_device_start(H));
            var d = new DeviceAuthorization
            {
                UserCode = Get("user_code"),
                VerificationUri = Get("verification_uri"),
                VerificationUriComplete = Get("verification_uri_complete"),
                Message = Get("message"),
            };
            string exp = Get("device_expires_at");
            if (exp != null) d.ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(exp));
            return d;
        }

        /// <summary>PollDeviceAuthorization waits for the polling interval, asks once, and returns
        /// true when the user has signed in, false while pending. It throws
        /// MailwireAuthenticationException when the user denied it or the code expired.</summary>
        public bool PollDeviceAuthorization() { return Check(Native.mw_oauth2_device_poll(H)) == 0; }

        /// <summary>Cancel aborts the request or the device polling in flight, from any thread.</summary>
        public void Cancel() { Native.mw_cancel(H); }

        /// <summary>GetAccessTokenAsync is GetAccessToken on the thread pool; cancelling the token
        /// aborts the request or the wait for the user's sign-in (OperationCanceledException).
        /// Like Cancel, it aborts the request in flight, which the clients sharing this object
        /// may be waiting for too.</summary>
        public Task<string> GetAccessTokenAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => GetAccessToken(), cancellationToken);
        }

        /// <summary>PollDeviceAuthorizationAsync is PollDeviceAuthorization on the thread pool, cancellable.</summary>
        public Task<bool> PollDeviceAuthorizationAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return RunAsync(() => PollDeviceAuthorization(), cancellationToken);
        }
    }
}
