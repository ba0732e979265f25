{ test.dpr: tests of the Mailwire unit against the built library: plain
  calls, the classes, EMailwire codes, a send and a read-back through the
  embedded server.  The last line is "delphi: N passed, N failed"; the exit
  code is 1 when a check failed. }
program test;

{$IFDEF FPC}
  {$MODE DELPHI}
{$ENDIF}
{$IFDEF MSWINDOWS}
  {$APPTYPE CONSOLE}
{$ENDIF}

uses
  SysUtils, Mailwire;

type
  { TProgressCounter counts OnProgress events. }
  TProgressCounter = class
  public
    Calls: Integer;
    LastDone: Int64;
    procedure Progress(Sender: TObject; Done, Total: Int64);
  end;

  { TLogLines counts OnLog lines and looks for what must and must not be there. }
  TLogLines = class
  public
    Lines, Ehlo, Auth, Secret: Integer;
    procedure Log(Sender: TObject; const Line: string);
  end;

var
  Passed, Failed: Integer;
  Dir, CaFile: string;

procedure TProgressCounter.Progress(Sender: TObject; Done, Total: Int64);
begin
  Inc(Calls);
  LastDone := Done;
end;

procedure TLogLines.Log(Sender: TObject; const Line: string);
begin
  Inc(Lines);
  if Pos('C: EHLO ', Line) = 1 then
    Inc(Ehlo);
  if Pos('C: AUTH ', Line) = 1 then
    Inc(Auth);
  if Pos('secret', StringReplace(Line, '<secret>', '', [rfReplaceAll])) > 0 then
    Inc(Secret);
end;

procedure Check(Cond: Boolean; const What: string);
begin
  if Cond then
    Inc(Passed)
  else
  begin
    Inc(Failed);
    WriteLn('FAIL ', What);
  end;
end;

procedure CheckStr(const Got, Want, What: string);
begin
  Check(Got = Want, What + ' = "' + Got + '", want "' + Want + '"');
end;

procedure CheckInt(Got, Want: Int64; const What: string);
begin
  Check(Got = Want, What + ' = ' + IntToStr(Got) + ', want ' + IntToStr(Want));
end;

{ ExpectCode checks that the last raised EMailwire carried Code. }
procedure ExpectCode(E: Exception; Code: Integer; const What: string);
begin
  if E is EMailwire then
    CheckInt(EMailwire(E).Code, Code, What + ' code (' + E.Message + ')')
  else
    Check(False, What + ' raised ' + E.ClassName + ': ' + E.Message);
end;

procedure NoRaise(const What: string);
begin
  Check(False, What + ' did not raise');
end;

function TempDir: string;
begin
{$IFDEF FPC}
  Result := GetTempDir;
{$ELSE}
  Result := IncludeTrailingPathDelimiter(GetEnvironmentVariable('TEMP'));
{$ENDIF}
end;

procedure TestPlainCalls;
begin
  CheckStr(MailwireVersion, MailwireUnitVersion, 'mw_version');
  CheckInt(mw_version_number, MailwireUnitVersionNumber, 'mw_version_number');
  CheckStr(MailwireStrError(MW_E_HANDLE), FromUtf8(mw_strerror(-2)), 'mw_strerror');
  Check(MailwireStrError(12345) <> '', 'mw_strerror of an unknown code is not empty');
  CheckStr(FromUtf8(mw_with_keyword('ESMTP', MW_WITH_TLS or MW_WITH_AUTH)), 'ESMTPSA', 'mw_with_keyword');
  Check(mw_with_keyword('SMTP', MW_WITH_TLS) = nil, 'mw_with_keyword SMTP+TLS is NULL');
  CheckInt(mw_with_flags('esmtpsa'), MW_WITH_TLS or MW_WITH_AUTH, 'mw_with_flags esmtpsa');
  CheckInt(mw_with_flags('LSMTPS'), MW_E_NOTFOUND, 'mw_with_flags LSMTPS');
  CheckStr(FromUtf8(mw_with_protocol('UTF8LMTPA')), 'LMTP', 'mw_with_protocol');
  CheckStr(MailwireWithKeyword('esmtp', MW_WITH_TLS or MW_WITH_AUTH), 'ESMTPSA', 'MailwireWithKeyword');
  CheckStr(MailwireWithKeyword('LMTP', MW_WITH_UTF8), 'UTF8LMTP', 'MailwireWithKeyword LMTP+UTF8');
  CheckStr(MailwireWithKeyword('SMTP', MW_WITH_AUTH), '', 'MailwireWithKeyword SMTP+AUTH');
  CheckInt(MailwireWithFlags('UTF8SMTPS'), MW_WITH_TLS or MW_WITH_UTF8, 'MailwireWithFlags UTF8SMTPS');
  CheckInt(MailwireWithFlags('LSMTPS'), -1, 'MailwireWithFlags of an unregistered keyword');
  CheckStr(MailwireWithProtocol('ESMTPA'), 'ESMTP', 'MailwireWithProtocol');
  CheckStr(MailwireWithProtocol('HTTP'), '', 'MailwireWithProtocol of an unregistered keyword');
  CheckInt(MailwireHandleCount, mw_handle_count, 'MailwireHandleCount');
  CheckInt(mw_close(987654), MW_E_HANDLE, 'mw_close of a never opened handle');
  Check(FromUtf8(mw_errmsg(987654)) <> '', 'mw_errmsg of a closed handle says so');
end;

procedure TestMessageErrors(Msg: TMailMessage);
begin
  try
    Msg.AddTo('not an address <');
    NoRaise('AddTo of a bad address');
  except
    on E: Exception do ExpectCode(E, MW_E_ARG, 'AddTo of a bad address');
  end;
  Check(Msg.LastError <> '', 'LastError after a failed call');
  CheckInt(mw_errcode(Msg.Handle), MW_E_ARG, 'mw_errcode after a failed call');
  try
    Msg.Subject := 'Hi' + #13#10 + 'Bcc: eve@example.test';
    NoRaise('a Subject with CRLF');
  except
    on E: Exception do ExpectCode(E, MW_E_ARG, 'a Subject with CRLF');
  end;
  try
    Msg.AttachFile(Dir + 'no-such-file.txt');
    NoRaise('AttachFile of a missing file');
  except
    on E: Exception do ExpectCode(E, MW_E_FILE, 'AttachFile of a missing file');
  end;
  try
    Msg.Attachment(7, 'name');
    NoRaise('Attachment(7)');
  except
    on E: Exception do ExpectCode(E, MW_E_NOTFOUND, 'Attachment(7)');
  end;
end;

procedure TestMessage;
var
  Msg, Back: TMailMessage;
  Mime: RawByteString;
  Path: string;
begin
  Msg := TMailMessage.Create;
  Back := TMailMessage.Create;
  try
    Msg.From := 'Bob <bob@example.test>';
    Msg.AddTo('Alice <alice@example.test>, carol@example.test');
    Msg.AddCc('"Last, First" <first@example.test>');
    Msg.Subject := 'Gr' + #$C3#$BC + 'sse';
    Msg.TextBody := 'Hello' + #10;
    Msg.AttachData('1,2,3' + #13#10, 'data.csv', 'text/csv');
    CheckStr(Msg.Subject, 'Gr' + #$C3#$BC + 'sse', 'Subject round trip (UTF-8)');
    CheckStr(Msg.ToList, 'Alice <alice@example.test>, carol@example.test', 'ToList');
    Msg['X-Mailer'] := 'Mailwire/Pascal';
    CheckStr(Msg['x-mailer'], 'Mailwire/Pascal', 'custom header');
    Mime := Msg.Mime;
    CheckInt(Msg.Size, Length(Mime), 'Size is the rendered length');
    Check(Pos('Subject: =?', string(Mime)) > 0, 'the non-ASCII Subject is an encoded word');
    Check(Pos(#13#10, string(Mime)) > 0, 'rendered with CRLF');
    Back.Parse(Mime);
    CheckStr(Back.Subject, Msg.Subject, 'parsed Subject');
    CheckInt(Back.AttachmentCount, 1, 'parsed AttachmentCount');
    CheckStr(Back.Attachment(0, 'name'), 'data.csv', 'attachment name');
    CheckStr(string(Back.AttachmentData(0)), '1,2,3' + #13#10, 'attachment data');
    Path := Dir + 'saved.eml';
    Msg.SaveToFile(Path);
    Back.LoadFromFile(Path);
    CheckStr(Back['X-Mailer'], 'Mailwire/Pascal', 'header after SaveToFile and LoadFromFile');
    DeleteFile(Path);
    TestMessageErrors(Msg);
    try
      Back.Parse('');
      Check(True, 'Parse of nothing does not crash');
    except
      on E: Exception do ExpectCode(E, MW_E_PARSE, 'Parse of nothing');
    end;
  finally
    Back.Free;
    Msg.Free;
  end;
end;

procedure TestBadLogin(Server: TMailServer);
var
  Smtp: TSmtpClient;
begin
  Smtp := TSmtpClient.Create;
  try
    Smtp.SetOption('ca_file', CaFile);
    Smtp.Authenticate('bob', 'wrong');
    try
      Smtp.Connect('127.0.0.1', Server.Port('submission'), 'starttls');
      NoRaise('Connect with a wrong password');
    except
      on E: Exception do ExpectCode(E, MW_E_AUTH, 'Connect with a wrong password');
    end;
    try
      Smtp.SetOption('no-such-option', 'x');
      NoRaise('an unknown option');
    except
      on E: Exception do ExpectCode(E, MW_E_OPTION, 'an unknown option');
    end;
  finally
    Smtp.Free;
  end;
end;

procedure TestSend(Server: TMailServer);
var
  Msg: TMailMessage;
  Smtp: TSmtpClient;
  Counter: TProgressCounter;
  Log: TLogLines;
begin
  Msg := TMailMessage.Create;
  Smtp := TSmtpClient.Create;
  Counter := TProgressCounter.Create;
  Log := TLogLines.Create;
  try
    Msg.From := 'bob@example.test';
    Msg.AddTo('alice@example.test, reject-me@example.test');
    Msg.Subject := 'From Pascal';
    Msg.TextBody := 'Body line' + #10;
    Msg.AttachData('attached bytes', 'a.bin', 'application/octet-stream');
    Smtp.SetOption('ca_file', CaFile);
    Smtp.Authenticate('bob', 'secret');
    Smtp.OnProgress := Counter.Progress;
    Smtp.OnLog := Log.Log;
    Smtp.Connect('127.0.0.1', Server.Port('submission'), 'starttls');
    Check((Log.Ehlo > 0) and (Log.Auth > 0) and (Log.Secret = 0), 'OnLog shows EHLO and AUTH, never the password');
    Check(Pos('AUTH', Smtp.Capabilities) > 0, 'Capabilities after Connect');
    CheckInt(Smtp.Send(Msg), MW_E_PARTIAL, 'Send to one good and one refused recipient');
    CheckInt(Smtp.ResultCount, 2, 'ResultCount');
    CheckStr(Smtp.ResultField(0, 'code'), '250', 'result 0 code');
    CheckStr(Smtp.ResultField(1, 'address'), 'reject-me@example.test', 'result 1 address');
    CheckStr(Smtp.ResultField(1, 'code'), '550', 'result 1 code');
    CheckStr(Msg.ResultField(1, 'enhanced'), '5.1.1', 'message result 1 enhanced');
    Check(Counter.Calls > 0, 'OnProgress was called');
    CheckInt(Counter.LastDone, Msg.Size, 'OnProgress ends at the message size');
    Smtp.Disconnect;
    CheckInt(Server.MessageCount('alice'), 1, 'the server holds the message');
    Check(Log.Lines > 10, 'OnLog got the session');
  finally
    Log.Free;
    Counter.Free;
    Smtp.Free;
    Msg.Free;
  end;
end;

procedure TestReadBack(Server: TMailServer);
var
  Pop: TPop3Client;
  Msg: TMailMessage;
begin
  Pop := TPop3Client.Create;
  try
    Pop.SetOption('ca_file', CaFile);
    Pop.Authenticate('alice', 'secret');
    Pop.Connect('127.0.0.1', Server.Port('pop3'), 'starttls');
    CheckInt(Pop.Count, 1, 'POP3 Count');
    Check(Pop.MessageUid(1) <> '', 'POP3 MessageUid');
    try
      Pop.MessageUid(42);
      NoRaise('MessageUid(42)');
    except
      on E: Exception do ExpectCode(E, MW_E_NOTFOUND, 'MessageUid(42)');
    end;
    Msg := Pop.GetMessage(1);
    try
      CheckStr(Msg.Subject, 'From Pascal', 'retrieved Subject');
      CheckInt(Msg.AttachmentCount, 1, 'retrieved AttachmentCount');
      CheckStr(string(Msg.AttachmentData(0)), 'attached bytes', 'retrieved attachment');
      CheckInt(Msg.TraceCount, 1, 'TraceCount');
      CheckStr(Msg.Trace(0, 'with'), 'ESMTPSA', 'hop 0 with');
      CheckInt(Msg.TraceFlags(0), MW_WITH_TLS or MW_WITH_AUTH, 'hop 0 flags');
      CheckStr(MailwireWithProtocol(Msg.Trace(0, 'with')), 'ESMTP', 'the protocol of hop 0''s keyword');
      CheckStr(MailwireWithKeyword(MailwireWithProtocol(Msg.Trace(0, 'with')), Msg.TraceFlags(0)),
        Msg.Trace(0, 'with'), 'the keyword of hop 0''s protocol and flags');
      CheckInt(MailwireWithFlags(Msg.Trace(0, 'with')), Msg.TraceFlags(0), 'the flags of hop 0''s keyword');
      CheckInt(Pop.MessageSize(1), Length(Server.MessageData('alice', 0)), 'MessageSize');
    finally
      Msg.Free;
    end;
    try
      Pop.GetMessage(99).Free;
      NoRaise('GetMessage(99)');
    except
      on E: Exception do ExpectCode(E, MW_E_NOTFOUND, 'GetMessage(99)');
    end;
    Pop.DeleteMessage(1);
    Pop.Disconnect;
    CheckInt(Server.MessageCount('alice'), 0, 'the message is gone after QUIT');
    try
      Pop.Count;
      NoRaise('Count after Disconnect');
    except
      on E: Exception do ExpectCode(E, MW_E_STATE, 'Count after Disconnect');
    end;
  finally
    Pop.Free;
  end;
end;

{ Letter is a short message to To with Subject; the caller frees it. }
function Letter(const ToAddr, Subject: string): TMailMessage;
begin
  Result := TMailMessage.Create;
  Result.From := 'bob@example.test';
  Result.AddTo(ToAddr);
  Result.Subject := Subject;
  Result.TextBody := 'Batch body' + #10;
end;

procedure TestSendMany(Server: TMailServer);
var
  Smtp: TSmtpClient;
  Msgs: array[0..3] of TMailMessage;
  Outcomes: TMwSendOutcomes;
  I: Integer;
begin
  Smtp := TSmtpClient.Create;
  Msgs[0] := Letter('carol@example.test', 'batch 0');
  Msgs[1] := Letter('reject-all@example.test', 'batch 1');
  Msgs[2] := Letter('carol@example.test, reject-me@example.test', 'batch 2');
  Msgs[3] := Letter('carol@example.test', 'batch 3');
  try
    try
      Smtp.SendMany(Msgs);
      NoRaise('SendMany when not connected');
    except
      on E: Exception do ExpectCode(E, MW_E_STATE, 'SendMany when not connected');
    end;
    Smtp.SetOption('ca_file', CaFile);
    Smtp.Authenticate('bob', 'secret');
    Smtp.Connect('127.0.0.1', Server.Port('submission'), 'starttls');
    Outcomes := Smtp.SendMany(Msgs);
    CheckInt(Length(Outcomes), 4, 'SendMany: an outcome per message');
    CheckInt(Outcomes[0].Code, 0, 'batch 0 accepted');
    CheckInt(Outcomes[1].Code, MW_E_REFUSED, 'batch 1 refused');
    Check(Outcomes[1].ErrorText <> '', 'batch 1 says why');
    CheckInt(Outcomes[2].Code, MW_E_PARTIAL, 'batch 2 partly refused');
    CheckInt(Outcomes[3].Code, 0, 'batch 3 accepted after a refused one');
    CheckStr(Msgs[2].ResultField(1, 'code'), '550', 'batch 2 results on the message');
    CheckInt(Length(Smtp.SendMany([])), 0, 'SendMany of nothing');
    Smtp.Disconnect;
    CheckInt(Server.MessageCount('carol'), 3, 'three stored for carol');
  finally
    for I := 0 to 3 do
      Msgs[I].Free;
    Smtp.Free;
  end;
end;

procedure TestRetrieveMany(Server: TMailServer);
var
  Pop: TPop3Client;
  Msgs: array[0..2] of TMailMessage;
  Two: array[0..1] of TMailMessage;
  I: Integer;
begin
  Pop := TPop3Client.Create;
  for I := 0 to 2 do
    Msgs[I] := TMailMessage.Create;
  Two[0] := TMailMessage.Create;
  Two[1] := TMailMessage.Create;
  try
    try
      Pop.RetrieveMany(1, Msgs);
      NoRaise('RetrieveMany when not connected');
    except
      on E: Exception do ExpectCode(E, MW_E_STATE, 'RetrieveMany when not connected');
    end;
    Pop.SetOption('ca_file', CaFile);
    Pop.Authenticate('carol', 'secret');
    Pop.Connect('127.0.0.1', Server.Port('pop3'), 'starttls');
    CheckInt(Pop.RetrieveMany(1, Msgs), 0, 'RetrieveMany of three');
    CheckInt(Msgs[0].ErrorCode + Msgs[1].ErrorCode + Msgs[2].ErrorCode, 0, 'every message came');
    CheckStr(Msgs[0].Subject + ',' + Msgs[1].Subject + ',' + Msgs[2].Subject, 'batch 0,batch 2,batch 3', 'their Subjects');
    CheckInt(Pop.RetrieveMany(3, Two, True), MW_E_NOTFOUND, 'RetrieveMany past the end');
    CheckInt(Two[0].ErrorCode, 0, 'the last message came');
    CheckInt(Two[1].ErrorCode, MW_E_NOTFOUND, 'the one past the end did not');
    Check(Pos('Received: ', string(Pop.RetrieveData(1))) = 1, 'RetrieveData is the message as stored');
    try
      Pop.RetrieveData(9);
      NoRaise('RetrieveData(9)');
    except
      on E: Exception do ExpectCode(E, MW_E_NOTFOUND, 'RetrieveData(9)');
    end;
    Pop.Disconnect;
    CheckInt(Server.MessageCount('carol'), 2, 'RetrieveMany with Delete removed the last message');
  finally
    Two[0].Free;
    Two[1].Free;
    for I := 0 to 2 do
      Msgs[I].Free;
    Pop.Free;
  end;
end;

procedure TestServer;
var
  Server: TMailServer;
begin
  Server := TMailServer.Create;
  try
    Server.AddUsers('alice:secret,bob:secret,carol:secret');
    Server.SetOption('ca_out', CaFile);
    Server.SetOption('smtps_port', '-1');
    Server.Start;
    Check(Server.Port('submission') > 0, 'submission port');
    try
      Server.Port('smtps');
      NoRaise('Port of a service that is off');
    except
      on E: Exception do ExpectCode(E, MW_E_NOTFOUND, 'Port of a service that is off');
    end;
    TestBadLogin(Server);
    TestSend(Server);
    TestReadBack(Server);
    TestSendMany(Server);
    TestRetrieveMany(Server);
    Server.Stop;
  finally
    Server.Free;
  end;
end;

{ NewOAuth is an OAuth2 object for the test token server (MW_TOKEN_URL and
  MW_TOKEN_CA, set by the suite that starts it). }
function NewOAuth(const ClientId, Path: string): TMailOAuth2;
var
  Url: string;
begin
  Url := GetEnvironmentVariable('MW_TOKEN_URL');
  if Url = '' then
    raise Exception.Create('MW_TOKEN_URL is not set (tests/oauth/tokenserver.sh starts the token server)');
  Result := TMailOAuth2.Create;
  Result.SetOption('token_url', Url + Path);
  Result.SetOption('device_url', Url + '/device');
  Result.SetOption('ca_file', GetEnvironmentVariable('MW_TOKEN_CA'));
  Result.SetOption('client_id', ClientId);
end;

{ TestOAuth2: the grants and errors, the device flow, and SMTP, POP3, IMAP and a
  pool with a first token the server refuses. Families are unique per run:
  the token server numbers tokens by family. }
procedure TestOAuth2;
var
  O: TMailOAuth2;
  Fam, MailCa: string;
  Server: TMailServer;
  Smtp: TSmtpClient;
  Pop: TPop3Client;
  Imap: TImapClient;
  Pool: TSmtpPool;
  M: TMailMessage;
begin
  Fam := IntToStr(Random(100000000));
  O := NewOAuth('app', '/token');
  try
    O.SetOption('client_secret', 'app-secret');
    O.RefreshToken := 'rt-rotpas' + Fam;
    CheckStr(O.Token, 'at-rotpas' + Fam + '-1', 'refreshed token');
    CheckStr(O.RefreshToken, 'rt-rotpas' + Fam + '~1', 'rotated refresh token');
    Check(StrToInt64Def(O.Get('expires_at'), 0) > 1700000000, 'expires_at');
    CheckStr(O.Get('user_code'), '', 'a field without a value');
    try
      O.Get('colour');
      NoRaise('Get of an unknown field');
    except
      on E: Exception do ExpectCode(E, MW_E_ARG, 'Get of an unknown field');
    end;
    O.RefreshToken := 'rt-bad';
    try
      O.Token;
      NoRaise('Token with a bad refresh token');
    except
      on E: Exception do
      begin
        ExpectCode(E, MW_E_AUTH, 'Token with a bad refresh token');
        Check((Pos('invalid_grant', E.Message) > 0) and (Pos('app-secret', E.Message) = 0), 'message ' + E.Message);
      end;
    end;
    CheckStr(O.Get('error'), 'invalid_grant', 'error field');
  finally
    O.Free;
  end;
  O := NewOAuth('app', '/html/token');
  try
    O.SetOption('client_secret', 'app-secret');
    O.RefreshToken := 'rt-x';
    try
      O.Token;
      NoRaise('Token from an HTML page');
    except
      on E: Exception do ExpectCode(E, MW_E_PROTOCOL, 'Token from an HTML page');
    end;
  finally
    O.Free;
  end;
  O := NewOAuth('svc', '/token');
  try
    O.SetOption('client_secret', 's3cret +/=&%');
    O.SetOption('grant', 'client_credentials');
    Check(Pos('at-svc-', O.Token) = 1, 'client credentials');
  finally
    O.Free;
  end;
  O := NewOAuth('dev-now', '/token');
  try
    O.SetOption('grant', 'device_code');
    O.DeviceStart;
    Check(Pos('WDJB-', O.Get('user_code')) = 1, 'user code');
    Check(O.DevicePoll, 'granted at the first poll');
    Check(Pos('at-dev-now-', O.Token) = 1, 'device token');
  finally
    O.Free;
  end;

  MailCa := Dir + 'oauth-mail-ca.pem';
  Server := TMailServer.Create;
  O := NewOAuth('pub', '/token');
  Smtp := TSmtpClient.Create;
  Pop := TPop3Client.Create;
  Imap := TImapClient.Create;
  Pool := TSmtpPool.Create;
  M := TMailMessage.Create;
  try
    Server.SetOption('ca_out', MailCa);
    Server.SetOption('oauth_tokens', 'alice@mx.test:at-pas' + Fam + '-2');
    Server.Start;
    O.RefreshToken := 'rt-pas' + Fam;
    M.From := 'alice@mx.test';
    M.AddTo('bob@mx.test');
    M.Subject := 'with a token';
    M.TextBody := 'hello';
    Smtp.SetOption('ca_file', MailCa);
    Smtp.Authenticate('alice@mx.test', O);
    Smtp.Connect('localhost', Server.Port('smtps'), 'tls');
    CheckInt(Smtp.Send(M), MW_OK, 'sent with the refreshed token');
    Smtp.Disconnect;
    CheckStr(O.Get('access_token'), 'at-pas' + Fam + '-2', 'one refresh after the refusal');
    Pop.SetOption('ca_file', MailCa);
    Pop.Authenticate('alice@mx.test', O);
    Pop.Connect('localhost', Server.Port('pop3s'), 'tls');
    CheckInt(Pop.Count, 0, 'POP3 with the token');
    Pop.Disconnect;
    Imap.SetOption('ca_file', MailCa);
    Imap.Authenticate('alice@mx.test', O);
    Imap.Connect('localhost', Server.Port('imaps'), 'tls');
    CheckInt(Imap.Select('INBOX', True), 0, 'IMAP with the token');
    Imap.Disconnect;
    Pool.SetOption('host', 'localhost');
    Pool.SetOption('port', IntToStr(Server.Port('smtps')));
    Pool.SetOption('security', 'tls');
    Pool.SetOption('ca_file', MailCa);
    Pool.Authenticate('alice@mx.test', O);
    CheckInt(Pool.Send(M), MW_OK, 'pool send with the token');
    CheckInt(Server.MessageCount('bob'), 2, 'messages stored');
    Server.Stop;
  finally
    M.Free;
    Pool.Free;
    Imap.Free;
    Pop.Free;
    Smtp.Free;
    O.Free;
    Server.Free;
    DeleteFile(MailCa);
  end;
end;

var
  Base: Integer;
begin
  Randomize;
  Dir := TempDir + 'mailwire-test-' + IntToStr(Random(1000000)) + PathDelim;
  ForceDirectories(Dir);
  CaFile := Dir + 'ca.pem';
  Base := mw_handle_count;
  try
    TestPlainCalls;
    TestMessage;
    TestServer;
    TestOAuth2;
  except
    on E: Exception do Check(False, 'unexpected ' + E.ClassName + ': ' + E.Message);
  end;
  CheckInt(mw_handle_count, Base, 'every handle is closed by the destructors');
  DeleteFile(CaFile);
  RemoveDir(Dir);
  WriteLn('delphi: ', Passed, ' passed, ', Failed, ' failed');
  if Failed > 0 then
    ExitCode := 1;
end.
