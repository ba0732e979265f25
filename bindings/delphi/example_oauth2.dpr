{ example_oauth2.dpr: sending through Microsoft 365 with OAuth2 from Delphi,
  in the two shapes a program takes:

    example_oauth2 device    a desktop program: the user signs in on any
                             device with the code shown
    example_oauth2 service   a service: client credentials, no user

  For Microsoft 365 set MAILWIRE_CLIENT_ID (your app registration), and for
  the service MAILWIRE_TENANT and MAILWIRE_CLIENT_SECRET.  The test suite
  points the object at its test token server instead (MW_TOKEN_URL and
  MW_TOKEN_CA), and the message goes to the embedded server, which is told
  the token the object got, as Microsoft's server would know it.

    fpc -Mdelphi -Fl../../build example_oauth2.dpr }
program example_oauth2;

{$IFDEF FPC}
  {$MODE DELPHI}
{$ENDIF}
{$IFDEF MSWINDOWS}
  {$APPTYPE CONSOLE}
{$ENDIF}

uses
  SysUtils, Mailwire;

function Env(const Name, Default: string): string;
begin
  Result := GetEnvironmentVariable(Name);
  if Result = '' then
    Result := Default;
end;

function TempDir: string;
begin
{$IFDEF FPC}
  Result := GetTempDir;
{$ELSE}
  Result := IncludeTrailingPathDelimiter(GetEnvironmentVariable('TEMP'));
{$ENDIF}
end;

var
  OAuth: TMailOAuth2;
  Server: TMailServer;
  Smtp: TSmtpClient;
  Msg: TMailMessage;
  TestUrl, Ca, Host: string;
  Port: Integer;
begin
  TestUrl := GetEnvironmentVariable('MW_TOKEN_URL');
  OAuth := TMailOAuth2.Create;
  Server := nil;
  Smtp := TSmtpClient.Create;
  Msg := TMailMessage.Create;
  try
    try
      OAuth.SetOption('provider', 'microsoft');
      if ParamStr(1) = 'service' then
      begin
        { A service: its own identity and secret, in a tenant. }
        OAuth.SetOption('tenant', Env('MAILWIRE_TENANT', 'contoso.onmicrosoft.com'));
        OAuth.SetOption('client_id', Env('MAILWIRE_CLIENT_ID', 'svc'));
        OAuth.SetOption('client_secret', Env('MAILWIRE_CLIENT_SECRET', 's3cret +/=&%'));
        OAuth.SetOption('grant', 'client_credentials');
      end
      else
      begin
        { A desktop program: a public client; the user signs in elsewhere. }
        OAuth.SetOption('client_id', Env('MAILWIRE_CLIENT_ID', 'dev-now'));
        OAuth.SetOption('grant', 'device_code');
      end;
      if TestUrl <> '' then
      begin
        OAuth.SetOption('token_url', TestUrl + '/token');
        OAuth.SetOption('device_url', TestUrl + '/device');
        OAuth.SetOption('ca_file', GetEnvironmentVariable('MW_TOKEN_CA'));
      end;
      if ParamStr(1) <> 'service' then
      begin
        OAuth.DeviceStart;
        WriteLn(OAuth.Get('message'));
      end;
      OAuth.Token; { waits for the sign-in in the device flow }
      WriteLn('token expires at ', OAuth.Get('expires_at'), ' (Unix time)');
      if OAuth.RefreshToken <> '' then
        WriteLn('keep the refresh token for the next run (OAuth.RefreshToken := ...)');

      Host := 'smtp.office365.com';
      Port := 587;
      if TestUrl <> '' then
      begin
        Ca := TempDir + 'mailwire-oauth-' + IntToStr(Random(1000000)) + '.pem';
        Server := TMailServer.Create;
        Server.SetOption('ca_out', Ca);
        Server.SetOption('oauth_tokens', 'robot@contoso.test:' + OAuth.Get('access_token'));
        Server.Start;
        Smtp.SetOption('ca_file', Ca);
        Host := 'localhost';
        Port := Server.Port('submission');
      end;
      Msg.From := 'Robot <robot@contoso.test>';
      Msg.AddTo('alice@contoso.test');
      Msg.Subject := 'Nightly report';
      Msg.TextBody := 'All systems nominal.';
      Smtp.Authenticate('robot@contoso.test', OAuth);
      Smtp.Connect(Host, Port, 'starttls');
      Smtp.Send(Msg);
      WriteLn('sent: ', Smtp.ResultField(0, 'address'), ' ', Smtp.ResultField(0, 'code'));
      Smtp.Disconnect;
      if Server <> nil then
      begin
        WriteLn('example-oauth2: the server holds ', Server.MessageCount('alice'), ' message(s)');
        DeleteFile(Ca);
      end;
      WriteLn('example-oauth2: done');
    except
      on E: EMailwire do
      begin
        WriteLn('example-oauth2: ', E.Code, ': ', E.Message);
        ExitCode := 1;
      end;
    end;
  finally
    Msg.Free;
    Smtp.Free;
    Server.Free;
    OAuth.Free;
  end;
end.
