// ExampleOAuth2.cs: sending through Microsoft 365 with OAuth2 from C#, in
// the two shapes an application takes:
//
//   mono ExampleOAuth2.exe device    a desktop program: the user signs in
//                                    on any device with the code shown
//   mono ExampleOAuth2.exe service   a service: client credentials (its
//                                    own secret), no user
//
// For Microsoft 365 set MAILWIRE_CLIENT_ID (your app registration), and for
// the service MAILWIRE_TENANT and MAILWIRE_CLIENT_SECRET. The test suite
// points the object at its test token server instead (MW_TOKEN_URL and
// MW_TOKEN_CA) and the message goes to the embedded server, which is told
// the token the object got, as Microsoft's server would know it.
//
//   mcs -out:ExampleOAuth2.exe ExampleOAuth2.cs Mailwire.cs MimeMessage.cs Clients.cs OAuth2.cs
using System;
using System.IO;
using Mailwire;

static class ExampleOAuth2
{
    static int Main(string[] args)
    {
        bool service = args.Length > 0 && args[0] == "service";
        string dir = Path.Combine(Path.GetTempPath(), "mailwire-oauth-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            using (var oauth = service ? ServiceToken() : DesktopToken())
            {
                oauth.GetAccessToken();
                // Persist this between runs (a desktop program): the next run starts from it.
                string refresh = oauth.RefreshToken;
                Console.WriteLine("token expires at {0:u}{1}", oauth.ExpiresAt,
                    refresh != null ? ", refresh token kept" : "");
                Send(oauth, dir);
            }
            Console.WriteLine("example-oauth2: done");
            return 0;
        }
        catch (MailwireException e)
        {
            Console.Error.WriteLine("example-oauth2: {0} ({1}): {2}", e.GetType().Name, e.Code, e.Message);
            return 1;
        }
        finally { Directory.Delete(dir, true); }
    }

    static string Env(string name, string fallback)
    {
        return Environment.GetEnvironmentVariable(name) ?? fallback;
    }

    // A desktop program: a public client (no secret) and the device flow.
    static OAuth2Token DesktopToken()
    {
        var oauth = OAuth2Token.ForMicrosoft365(Env("MAILWIRE_CLIENT_ID", "dev-now"));
        oauth.Grant = OAuth2Grant.DeviceCode;
        TestServer(oauth);
        var device = oauth.StartDeviceAuthorization();
        Console.WriteLine(device.Message ?? string.Format("Open {0} and enter {1}", device.VerificationUri, device.UserCode));
        oauth.GetAccessToken(); // waits until the user has signed in
        return oauth;
    }

    // A service: its own identity, no user, a tenant and a secret.
    static OAuth2Token ServiceToken()
    {
        var oauth = OAuth2Token.ForMicrosoft365(Env("MAILWIRE_CLIENT_ID", "svc"), Env("MAILWIRE_TENANT", "contoso.onmicrosoft.com"));
        oauth.ClientSecret = Env("MAILWIRE_CLIENT_SECRET", "s3cret +/=&%");
        oauth.Grant = OAuth2Grant.ClientCredentials;
        TestServer(oauth);
        return oauth;
    }

    static void TestServer(OAuth2Token oauth)
    {
        string url = Environment.GetEnvironmentVariable("MW_TOKEN_URL");
        if (url == null) return;
        oauth.TokenUrl = url + "/token";
        oauth.DeviceUrl = url + "/device";
        oauth.CaFile = Environment.GetEnvironmentVariable("MW_TOKEN_CA");
    }

    static void Send(OAuth2Token oauth, string dir)
    {
        string host = "smtp.office365.com", ca = null;
        int port = 587;
        MailServer server = null;
        if (Environment.GetEnvironmentVariable("MW_TOKEN_URL") != null)
        {
            server = new MailServer();
            ca = Path.Combine(dir, "ca.pem");
            server.CaOut = ca;
            server.SetOption("oauth_tokens", "robot@contoso.test:" + oauth.GetAccessToken());
            server.Start();
            host = "localhost";
            port = server.Port("submission");
        }
        using (server)
        using (var message = new MimeMessage())
        using (var client = new SmtpClient())
        {
            message.From = "Robot <robot@contoso.test>";
            message.To.Add("alice@contoso.test");
            message.Subject = "Nightly report";
            message.TextBody = "All systems nominal.\n";
            if (ca != null) client.CaFile = ca;
            client.Authenticate("robot@contoso.test", oauth);
            client.Connect(host, port, SecureSocketOptions.StartTls);
            foreach (var r in client.Send(message).Recipients) Console.WriteLine("sent: {0}", r);
            client.Disconnect(true);
            if (server != null) Console.WriteLine("example-oauth2: the server holds {0} message(s)", server.MessageCount("alice"));
        }
    }
}
