{ example.dpr: Mailwire from Delphi or Free Pascal, end to end.

  It starts the embedded server on free loopback ports, sends a message
  with an attachment through submission (STARTTLS + AUTH), reads it back
  over POP3 (STLS) and prints its Received trace with the RFC 3848 meaning
  of each hop's "with" keyword.

  Free Pascal on Linux, from the repository root after `make`:
    fpc -Mdelphi -FUbuild/delphi -FEbuild/delphi -Flbuild \
        -k-rpath -k'$ORIGIN/..' bindings/delphi/example.dpr
    build/delphi/example }
program example;

{$IFDEF FPC}
  {$MODE DELPHI}
{$ENDIF}
{$IFDEF MSWINDOWS}
  {$APPTYPE CONSOLE}
{$ENDIF}

uses
  SysUtils, Mailwire;

function TempDir: string;
begin
{$IFDEF FPC}
  Result := GetTempDir;
{$ELSE}
  Result := IncludeTrailingPathDelimiter(GetEnvironmentVariable('TEMP'));
{$ENDIF}
end;

procedure WriteTextFile(const Path, Text: string);
var
  F: TextFile;
begin
  AssignFile(F, Path);
  Rewrite(F);
  Write(F, Text);
  CloseFile(F);
end;

{ Describe tells what a Received "with" keyword says about the hop. }
function Describe(const Keyword: string): string;
var
  Flags: Integer;
begin
  Flags := MailwireWithFlags(Keyword);
  if Flags < 0 then
  begin
    Result := 'not a registered transmission type';
    Exit;
  end;
  Result := MailwireWithProtocol(Keyword);
  if Flags and MW_WITH_TLS <> 0 then Result := Result + ', TLS' else Result := Result + ', no TLS';
  if Flags and MW_WITH_AUTH <> 0 then Result := Result + ', authenticated';
  if Flags and MW_WITH_UTF8 <> 0 then Result := Result + ', SMTPUTF8';
end;

procedure SendReport(Server: TMailServer; const CaFile, Report: string);
var
  Msg: TMailMessage;
  Smtp: TSmtpClient;
  I: Integer;
begin
  Msg := TMailMessage.Create;
  Smtp := TSmtpClient.Create;
  try
    Msg.From := 'Bob <bob@example.test>';
    Msg.AddTo('Alice <alice@example.test>');
    Msg.Subject := 'Quarterly report';
    Msg.TextBody := 'Hi Alice,' + #10 + 'the report is attached.' + #10 + 'Bob' + #10;
    Msg.AttachFile(Report);
    Smtp.SetOption('ca_file', CaFile);
    Smtp.Authenticate('bob', 'secret');
    Smtp.Connect('127.0.0.1', Server.Port('submission'), 'starttls');
    Smtp.Send(Msg);
    for I := 0 to Smtp.ResultCount - 1 do
      WriteLn('  ', Smtp.ResultField(I, 'address'), ' ', Smtp.ResultField(I, 'code'), ' ',
        Smtp.ResultField(I, 'text'));
    Smtp.Disconnect;
  finally
    Smtp.Free;
    Msg.Free;
  end;
end;

procedure ShowMessage(Msg: TMailMessage);
var
  I: Integer;
begin
  WriteLn('  "', Msg.Subject, '" from ', Msg.From);
  for I := 0 to Msg.AttachmentCount - 1 do
    WriteLn('    attachment ', Msg.Attachment(I, 'name'), ' (', Msg.Attachment(I, 'content_type'),
      ', ', Msg.Attachment(I, 'size'), ' bytes)');
  for I := 0 to Msg.TraceCount - 1 do
    WriteLn('    hop ', I, ': from ', Msg.Trace(I, 'from'), ' by ', Msg.Trace(I, 'by'), ' with ',
      Msg.Trace(I, 'with'), ': ', Describe(Msg.Trace(I, 'with')));
end;

procedure ReadBack(Server: TMailServer; const CaFile: string);
var
  Pop: TPop3Client;
  Msg: TMailMessage;
  I: Integer;
begin
  Pop := TPop3Client.Create;
  try
    Pop.SetOption('ca_file', CaFile);
    Pop.Authenticate('alice', 'secret');
    Pop.Connect('127.0.0.1', Server.Port('pop3'), 'starttls');
    WriteLn('  ', Pop.Count, ' message(s)');
    for I := 1 to Pop.Count do
    begin
      Msg := Pop.GetMessage(I);
      try
        ShowMessage(Msg);
      finally
        Msg.Free;
      end;
      Pop.DeleteMessage(I);
    end;
    Pop.Disconnect;
  finally
    Pop.Free;
  end;
end;

var
  Server: TMailServer;
  Dir, CaFile, Report: string;
begin
  Randomize;
  Dir := TempDir + 'mailwire-example-' + IntToStr(Random(1000000)) + PathDelim;
  ForceDirectories(Dir);
  CaFile := Dir + 'ca.pem';
  Report := Dir + 'report.txt';
  WriteTextFile(Report, 'Quarterly figures: all green.' + #10);
  try
    CheckMailwireVersion;
    WriteLn('Mailwire ', MailwireVersion, ' from Pascal');
    Server := TMailServer.Create;
    try
      Server.AddUsers('alice:secret,bob:secret');
      Server.SetOption('ca_out', CaFile);
      Server.Start;
      WriteLn('1. submission, STARTTLS + AUTH as bob');
      SendReport(Server, CaFile, Report);
      WriteLn('2. POP3, STLS, as alice');
      ReadBack(Server, CaFile);
      Server.Stop;
    finally
      Server.Free;
    end;
    WriteLn('example: done');
  except
    on E: EMailwire do
    begin
      WriteLn('example: failed: ', E.Message, ' (', E.Code, ')');
      ExitCode := 1;
    end;
    on E: EMailwireVersion do
    begin
      WriteLn('example: ', E.Message);
      ExitCode := 1;
    end;
  end;
  DeleteFile(Report);
  DeleteFile(CaFile);
  RemoveDir(Dir);
end.
