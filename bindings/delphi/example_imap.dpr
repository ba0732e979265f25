{ example_imap.dpr: IMAP from Delphi or Free Pascal.

  It starts the embedded server on free loopback ports, delivers two
  messages to alice through submission, then reads her mailbox over IMAP
  (STARTTLS, the server's CA for verification): lists the folders, searches
  the unseen messages, fetches them, flags the first one \Seen and moves the
  second to the Trash folder.

  Free Pascal on Linux, from the repository root after `make`:
    fpc -Mdelphi -FUbuild/delphi -FEbuild/delphi -Flbuild \
        -k-rpath -k'$ORIGIN/..' bindings/delphi/example_imap.dpr
    build/delphi/example_imap }
program example_imap;

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

procedure Deliver(Server: TMailServer; const CaFile: string; const Subjects: array of string);
var
  Smtp: TSmtpClient;
  Msg: TMailMessage;
  I: Integer;
begin
  Smtp := TSmtpClient.Create;
  try
    Smtp.SetOption('ca_file', CaFile);
    Smtp.Authenticate('bob', 'secret');
    Smtp.Connect('127.0.0.1', Server.Port('submission'), 'starttls');
    for I := 0 to High(Subjects) do
    begin
      Msg := TMailMessage.Create;
      try
        Msg.From := 'Bob <bob@example.test>';
        Msg.AddTo('Alice <alice@example.test>');
        Msg.Subject := Subjects[I];
        Msg.TextBody := 'Hi Alice,' + #10 + Subjects[I] + #10 + 'Bob' + #10;
        Smtp.Send(Msg);
      finally
        Msg.Free;
      end;
    end;
    Smtp.Disconnect;
  finally
    Smtp.Free;
  end;
end;

function JoinUids(const Uids: TImapUids): string;
var
  I: Integer;
begin
  Result := '';
  for I := 0 to High(Uids) do
  begin
    if I > 0 then
      Result := Result + ', ';
    Result := Result + IntToStr(Uids[I]);
  end;
end;

procedure ReadMailbox(Server: TMailServer; const CaFile: string);
var
  Imap: TImapClient;
  Folder: TImapFolder;
  Unseen: TImapUids;
  Msg: TMailMessage;
  Trash, Use: string;
  I: Integer;
begin
  Imap := TImapClient.Create;
  try
    Imap.CaFile := CaFile;
    Imap.Authenticate('alice', 'secret');
    Imap.Connect('127.0.0.1', Server.Port('imap'), 'starttls');

    for I := 0 to Imap.FolderCount - 1 do
    begin
      Folder := Imap.Folders[I];
      Use := '';
      if Folder.SpecialUse <> '' then
        Use := ' special use ' + Folder.SpecialUse;
      WriteLn('folder ', Folder.Name, ' [', Folder.Flags, ']', Use);
    end;
    Trash := Imap.FolderOf('\Trash');

    WriteLn('INBOX holds ', Imap.Select('INBOX'), ' messages');
    Unseen := Imap.Search('UNSEEN');
    WriteLn('unseen: ', Length(Unseen), ' (UIDs ', JoinUids(Unseen), ')');
    for I := 0 to High(Unseen) do
    begin
      Msg := Imap.Fetch(Unseen[I]);
      try
        WriteLn('uid ', Unseen[I], ': "', Msg.Subject, '" from ', Msg.From);
      finally
        Msg.Free;
      end;
    end;

    Imap.AddFlags(Unseen[0], '\Seen \Flagged');
    WriteLn('uid ', Unseen[0], ' flags: ', Imap.Flags[Unseen[0]]);
    Imap.Move(Unseen[1], Trash);
    WriteLn('moved uid ', Unseen[1], ' to ', Trash);
    WriteLn('INBOX: ', Imap.Exists, ' message(s), ', Imap.Unseen, ' unseen');
    WriteLn(Trash, ': ', Imap.Select(Trash, True), ' message(s)');
    Imap.Disconnect;
  finally
    Imap.Free;
  end;
end;

var
  Server: TMailServer;
  Dir, CaFile: string;
begin
  Randomize;
  Dir := TempDir + 'mailwire-example-imap-' + IntToStr(Random(1000000)) + PathDelim;
  ForceDirectories(Dir);
  CaFile := Dir + 'ca.pem';
  try
    CheckMailwireVersion;
    WriteLn('Mailwire ', MailwireVersion, ' from Pascal, IMAP');
    Server := TMailServer.Create;
    try
      Server.AddUsers('alice:secret,bob:secret');
      Server.SetOption('ca_out', CaFile);
      Server.Start;
      Deliver(Server, CaFile, ['Lunch on Friday?', 'Minutes of the meeting']);
      ReadMailbox(Server, CaFile);
      Server.Stop;
    finally
      Server.Free;
    end;
    WriteLn('example-imap: done');
  except
    on E: EMailwire do
    begin
      WriteLn('example-imap: failed: ', E.Message, ' (', E.Code, ')');
      ExitCode := 1;
    end;
    on E: EMailwireVersion do
    begin
      WriteLn('example-imap: ', E.Message);
      ExitCode := 1;
    end;
  end;
  DeleteFile(CaFile);
  RemoveDir(Dir);
end.
