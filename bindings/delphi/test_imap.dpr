{ test_imap.dpr: tests of TImapClient against the built library and the
  embedded server's IMAP service: every method, UTF-8 folder names and
  search strings, EMailwire codes for bad handles, states and arguments,
  and IDLE woken by an LMTP delivery from another thread or ended by Cancel
  from another thread.  Unlike test.dpr it runs with a threading unit.  The
  last line is "delphi-imap: N passed, N failed"; the exit code is 1 when a
  check failed. }
program test_imap;

{$IFDEF FPC}
  {$MODE DELPHI}
{$ENDIF}
{$IFDEF MSWINDOWS}
  {$APPTYPE CONSOLE}
{$ENDIF}

uses
{$IFDEF UNIX}
  cthreads,
{$ENDIF}
  SysUtils, Classes, Mailwire;

const
  { UTF-8 folder names and text, spelt in bytes so that the source's
    encoding does not matter. }
  Groesse = 'Gr' + #$C3#$B6 + #$C3#$9F + 'e';        { Größe }
  Archive = 'Archiv ' + #$E2#$9C#$93;                { Archiv ✓ }
  NoUid = 4000000000;

type
  { TIdleAction is what TImapWatch does when the client starts IDLE. }
  TIdleAction = (iaNone, iaDeliver, iaCancel);

  { TImapWatch is the client's OnLog and OnProgress: it counts lines and
    events, looks for secrets, and when the client sends IDLE starts the
    thread that delivers a message or cancels the wait. }
  TImapWatch = class
  public
    Lines, Secrets, Idles, Progress: Integer;
    Action: TIdleAction;
    Client: TImapClient;
    Port: Integer;
    Worker: TThread;
    procedure Log(Sender: TObject; const Line: string);
    procedure Progressed(Sender: TObject; Done, Total: Int64);
  end;

  { TDeliverThread delivers one message to dave by LMTP. }
  TDeliverThread = class(TThread)
  private
    FPort: Integer;
  protected
    procedure Execute; override;
  public
    Error: string;
    constructor Create(APort: Integer);
  end;

  { TCancelThread cancels the client's call in flight. }
  TCancelThread = class(TThread)
  private
    FClient: TImapClient;
  protected
    procedure Execute; override;
  public
    constructor Create(AClient: TImapClient);
  end;

var
  Passed, Failed: Integer;
  Dir, CaFile: string;

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

function UidList(const Uids: array of Int64): string;
var
  I: Integer;
begin
  Result := '';
  for I := 0 to High(Uids) do
  begin
    if I > 0 then
      Result := Result + ',';
    Result := Result + IntToStr(Uids[I]);
  end;
end;

function ReadFile(const Path: string): RawByteString;
var
  S: TFileStream;
begin
  S := TFileStream.Create(Path, fmOpenRead);
  try
    SetLength(Result, S.Size);
    if S.Size > 0 then
      S.ReadBuffer(Result[1], S.Size);
  finally
    S.Free;
  end;
end;

{ Letter is a short message to ToAddr with Subject; the caller frees it. }
function Letter(const ToAddr, Subject: string): TMailMessage;
begin
  Result := TMailMessage.Create;
  Result.From := 'bob@example.test';
  Result.AddTo(ToAddr);
  Result.Subject := Subject;
  Result.TextBody := 'Body of ' + Subject + #10;
end;

procedure TImapWatch.Log(Sender: TObject; const Line: string);
begin
  Inc(Lines);
  if Pos('secret', StringReplace(Line, '<secret>', '', [rfReplaceAll])) > 0 then
    Inc(Secrets);
  if (Pos('C: ', Line) = 1) and (Pos(' IDLE', Line) = Length(Line) - 4) then
  begin
    Inc(Idles);
    case Action of
      iaDeliver: Worker := TDeliverThread.Create(Port);
      iaCancel: Worker := TCancelThread.Create(Client);
    end;
    Action := iaNone;
  end;
end;

procedure TImapWatch.Progressed(Sender: TObject; Done, Total: Int64);
begin
  Inc(Progress);
end;

constructor TDeliverThread.Create(APort: Integer);
begin
  FPort := APort;
  inherited Create(False);
end;

procedure TDeliverThread.Execute;
var
  Lmtp: TSmtpClient;
  Msg: TMailMessage;
begin
  try
    Lmtp := TSmtpClient.Create;
    Msg := Letter('dave@example.test', 'woken by LMTP');
    try
      Lmtp.SetOption('protocol', 'lmtp');
      Lmtp.Connect('127.0.0.1', FPort, 'none');
      Lmtp.Send(Msg);
      Lmtp.Disconnect;
    finally
      Msg.Free;
      Lmtp.Free;
    end;
  except
    on E: Exception do Error := E.Message;
  end;
end;

constructor TCancelThread.Create(AClient: TImapClient);
begin
  FClient := AClient;
  inherited Create(False);
end;

procedure TCancelThread.Execute;
begin
  FClient.Cancel;
end;

procedure Deliver(Server: TMailServer; const Subjects: array of string);
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
      Msg := Letter('dave@example.test', Subjects[I]);
      try
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

{ TestPlainCalls: the functions called as declared, on handles that are
  not IMAP clients. }
procedure TestPlainCalls;
var
  Msg: Integer;
  Uids: array[0..0] of Int64;
  Msgs: array[0..0] of Integer;
begin
  CheckInt(mw_imap_select(987654, 'INBOX', 0), MW_E_HANDLE, 'mw_imap_select on a never opened handle');
  Msg := mw_message_new;
  CheckInt(mw_imap_connect(Msg), MW_E_HANDLE, 'mw_imap_connect on a message handle');
  CheckInt(mw_imap_search_uid(Msg, 0), MW_E_HANDLE, 'mw_imap_search_uid on a message handle');
  CheckInt(mw_imap_append(Msg, 'INBOX', Msg, nil), MW_E_HANDLE, 'mw_imap_append on a message handle');
  Check(mw_imap_status(Msg, 'exists') = nil, 'mw_imap_status on a message handle is NULL');
  CheckInt(mw_errcode(Msg), MW_E_HANDLE, 'mw_errcode after mw_imap_status on a message handle');
  Uids[0] := 1;
  Msgs[0] := Msg;
  CheckInt(mw_imap_fetch_many(Msg, @Uids[0], 1, @Msgs[0]), MW_E_HANDLE, 'mw_imap_fetch_many on a message handle');
  mw_close(Msg);
end;

{ TestUnconnected: options, states and handles before any connection. }
procedure TestUnconnected;
var
  Imap, Wrong: TImapClient;
begin
  Imap := TImapClient.Create;
  try
    Check(Imap.TlsVerify, 'TlsVerify is on by default');
    Check(not Imap.AllowPlaintextAuth, 'AllowPlaintextAuth is off by default');
    CheckInt(Imap.Timeout, 0, 'Timeout before it is set');
    Imap.Timeout := 30;
    CheckInt(Imap.Timeout, 30, 'Timeout');
    Imap.SetOption('CA_File', CaFile);
    CheckStr(Imap.CaFile, CaFile, 'CaFile set by SetOption reads back');
    Imap.SetOption('host', 'mail.example.test');
    CheckStr(Imap.Host, 'mail.example.test', 'Host set by SetOption reads back');
    Imap.AuthMechanism := 'login';
    CheckStr(Imap.AuthMechanism, 'login', 'AuthMechanism');
    Imap.TlsVerify := False;
    Check(not Imap.TlsVerify, 'TlsVerify off');
    Imap.TlsVerify := True;
    CheckStr(Imap.Capabilities, '', 'Capabilities when not connected');
    try
      Imap.AuthMechanism := 'NO-SUCH-MECHANISM';
      NoRaise('an unknown auth mechanism');
    except
      on E: Exception do ExpectCode(E, MW_E_OPTION, 'an unknown auth mechanism');
    end;
    CheckStr(Imap.AuthMechanism, 'login', 'a refused option keeps the value before');
    try
      Imap.Port := 'x';
      NoRaise('Port x');
    except
      on E: Exception do ExpectCode(E, MW_E_OPTION, 'Port x');
    end;
    try
      Imap.Timeout := -1;
      NoRaise('Timeout -1');
    except
      on E: Exception do ExpectCode(E, MW_E_OPTION, 'Timeout -1');
    end;
    try
      Imap.Password := 'a' + #13#10 + 'b';
      NoRaise('a password with CRLF');
    except
      on E: Exception do ExpectCode(E, MW_E_ARG, 'a password with CRLF');
    end;
    try
      Imap.SetOption('colour', 'blue');
      NoRaise('an unknown option');
    except
      on E: Exception do ExpectCode(E, MW_E_OPTION, 'an unknown option');
    end;
    try
      Imap.Select('INBOX');
      NoRaise('Select when not connected');
    except
      on E: Exception do ExpectCode(E, MW_E_STATE, 'Select when not connected');
    end;
    try
      Imap.ListFolders;
      NoRaise('ListFolders when not connected');
    except
      on E: Exception do ExpectCode(E, MW_E_STATE, 'ListFolders when not connected');
    end;
    try
      Imap.Idle(1);
      NoRaise('Idle when not connected');
    except
      on E: Exception do ExpectCode(E, MW_E_STATE, 'Idle when not connected');
    end;
    try
      Imap.Search('ALL');
      NoRaise('Search when not connected');
    except
      on E: Exception do ExpectCode(E, MW_E_STATE, 'Search when not connected');
    end;
    try
      Imap.Exists;
      NoRaise('Exists when not connected');
    except
      on E: Exception do ExpectCode(E, MW_E_STATE, 'Exists when not connected');
    end;
    Imap.Disconnect; { not connected: nothing to do }
    Check(True, 'Disconnect when not connected');
  finally
    Imap.Free;
  end;
  { A TImapClient around a handle of another kind. }
  Wrong := TImapClient.CreateHandle(mw_message_new);
  try
    try
      Wrong.Select('INBOX');
      NoRaise('Select on a message handle');
    except
      on E: Exception do ExpectCode(E, MW_E_HANDLE, 'Select on a message handle');
    end;
    try
      Wrong.Flags[1];
      NoRaise('Flags on a message handle');
    except
      on E: Exception do ExpectCode(E, MW_E_HANDLE, 'Flags on a message handle');
    end;
  finally
    Wrong.Free;
  end;
end;

procedure TestBadLogin(Server: TMailServer);
var
  Imap: TImapClient;
begin
  Imap := TImapClient.Create;
  try
    Imap.CaFile := CaFile;
    Imap.Authenticate('dave', 'wrong');
    try
      Imap.Connect('127.0.0.1', Server.Port('imaps'), 'tls');
      NoRaise('Connect with a wrong password');
    except
      on E: Exception do ExpectCode(E, MW_E_AUTH, 'Connect with a wrong password');
    end;
    Imap.CaFile := Dir + 'no-such-ca.pem';
    Imap.Password := 'secret';
    try
      Imap.Connect;
      NoRaise('Connect with a missing CA file');
    except
      on E: Exception do
        Check((E is EMailwire) and (EMailwire(E).Code < 0), 'Connect with a missing CA file: ' + E.Message);
    end;
  finally
    Imap.Free;
  end;
end;

procedure TestFolders(Imap: TImapClient);
var
  I, N, Inbox: Integer;
  Names: string;
begin
  N := Imap.FolderCount;
  Check(N >= 5, 'FolderCount >= 5: ' + IntToStr(N));
  Inbox := -1;
  Names := '';
  for I := 0 to N - 1 do
  begin
    Names := Names + Imap.Folders[I].Name + ';';
    if Imap.Folders[I].Name = 'INBOX' then
      Inbox := I;
  end;
  Check(Inbox >= 0, 'INBOX is listed: ' + Names);
  if Inbox >= 0 then
  begin
    CheckStr(Imap.Folders[Inbox].Delimiter, '/', 'INBOX delimiter');
    CheckStr(Imap.Folders[Inbox].SpecialUse, '', 'INBOX has no special use');
    CheckInt(Imap.Folders[Inbox].Messages, 3, 'INBOX messages (LIST-STATUS)');
    CheckInt(Imap.Folders[Inbox].Unseen, 3, 'INBOX unseen (LIST-STATUS)');
    Check(Imap.Folders[Inbox].UidNext >= 4, 'INBOX uidnext (LIST-STATUS)');
    Check(Imap.Folders[Inbox].UidValidity > 0, 'INBOX uidvalidity (LIST-STATUS)');
    Check(Pos('\HasNoChildren', Imap.Folders[Inbox].Flags) > 0, 'INBOX flags: ' + Imap.Folders[Inbox].Flags);
  end;
  CheckStr(Imap.FolderOf('\Trash'), 'Trash', 'FolderOf \Trash');
  CheckStr(Imap.FolderOf('\sent'), 'Sent', 'FolderOf \sent, any case');
  CheckStr(Imap.FolderOf('\Archive'), '', 'FolderOf a special use no folder has');
  try
    Imap.Folders[N];
    NoRaise('Folders[FolderCount]');
  except
    on E: Exception do ExpectCode(E, MW_E_NOTFOUND, 'Folders[FolderCount]');
  end;
  CheckInt(Imap.ListFolders, N, 'ListFolders returns the count');

  Imap.CreateFolder('Projekte/' + Groesse);
  Check(Pos(';Projekte/' + Groesse + ';', ';' + Names) = 0, 'the new folder was not there before');
  Names := '';
  for I := 0 to Imap.FolderCount - 1 do
    Names := Names + Imap.Folders[I].Name + ';';
  Check(Pos(';Projekte/' + Groesse + ';', ';' + Names) > 0, 'the UTF-8 folder is listed after CreateFolder: ' + Names);
  Imap.RenameFolder('Projekte/' + Groesse, Archive);
  Names := '';
  for I := 0 to Imap.FolderCount - 1 do
    Names := Names + Imap.Folders[I].Name + ';';
  Check(Pos(';' + Archive + ';', ';' + Names) > 0, 'the UTF-8 folder is listed after RenameFolder: ' + Names);
  Check(Pos(';Projekte/' + Groesse + ';', ';' + Names) = 0, 'the old name is gone after RenameFolder');
  try
    Imap.CreateFolder(Archive);
    NoRaise('CreateFolder of an existing folder');
  except
    on E: Exception do ExpectCode(E, MW_E_REFUSED, 'CreateFolder of an existing folder');
  end;
  try
    Imap.CreateFolder('bad' + #13#10 + 'A1 DELETE INBOX');
    NoRaise('CreateFolder with CRLF');
  except
    on E: Exception do ExpectCode(E, MW_E_ARG, 'CreateFolder with CRLF');
  end;
  try
    Imap.CreateFolder('');
    NoRaise('CreateFolder of an empty name');
  except
    on E: Exception do ExpectCode(E, MW_E_ARG, 'CreateFolder of an empty name');
  end;
  try
    Imap.RenameFolder('No such folder', 'Other');
    NoRaise('RenameFolder of a missing folder');
  except
    on E: Exception do
      Check((E is EMailwire) and ((EMailwire(E).Code = MW_E_REFUSED) or (EMailwire(E).Code = MW_E_NOTFOUND)),
        'RenameFolder of a missing folder: ' + E.Message);
  end;
end;

procedure TestSelectSearch(Imap: TImapClient; var First, Second, Third: Int64);
var
  All, Unseen, Found: TImapUids;
begin
  CheckInt(Imap.Select('INBOX'), 3, 'Select INBOX');
  CheckInt(Imap.Exists, 3, 'Exists');
  CheckStr(Imap.Status('exists'), '3', 'Status exists');
  Check(Imap.UidValidity > 0, 'UidValidity');
  Check(Imap.UidNext >= 4, 'UidNext');
  CheckInt(Imap.Unseen, 3, 'Unseen');
  Check(Imap.HighestModSeq >= 0, 'HighestModSeq');
  Check(Imap.Recent >= 0, 'Recent');
  CheckStr(Imap.SelectedFolder, 'INBOX', 'SelectedFolder');
  Check(not Imap.ReadOnly, 'ReadOnly after Select');
  try
    Imap.Status('colour');
    NoRaise('Status of an unknown field');
  except
    on E: Exception do ExpectCode(E, MW_E_ARG, 'Status of an unknown field');
  end;

  All := Imap.Search;
  CheckInt(Length(All), 3, 'Search of all');
  Unseen := Imap.Search('UNSEEN');
  CheckStr(UidList(Unseen), UidList(All), 'Search UNSEEN is all before a flag');
  First := 0;
  Second := 0;
  Third := 0;
  if Length(All) = 3 then
  begin
    First := All[0];
    Second := All[1];
    Third := All[2];
  end;
  Check((First > 0) and (First < Second) and (Second < Third), 'UIDs ascend: ' + UidList(All));
  Found := Imap.Search('SUBJECT "imap two"');
  CheckStr(UidList(Found), IntToStr(Second), 'Search SUBJECT "imap two"');
  Found := Imap.Search('SUBJECT "' + Groesse + '"');
  CheckStr(UidList(Found), IntToStr(Third), 'Search of a UTF-8 string');
  Found := Imap.Search('SUBJECT "nothing like this"');
  CheckInt(Length(Found), 0, 'Search that finds nothing');
  Found := Imap.Search('UID ' + IntToStr(First) + ' (OR SEEN UNSEEN)');
  CheckStr(UidList(Found), IntToStr(First), 'Search with parentheses');
  try
    Imap.Search('ALL' + #13#10 + 'A1 DELETE INBOX');
    NoRaise('Search criteria with CRLF');
  except
    on E: Exception do ExpectCode(E, MW_E_ARG, 'Search criteria with CRLF');
  end;
  try
    Imap.Search('(UNSEEN');
    NoRaise('Search criteria with an unbalanced parenthesis');
  except
    on E: Exception do ExpectCode(E, MW_E_ARG, 'Search criteria with an unbalanced parenthesis');
  end;
  try
    Imap.Search('SUBJECT "open');
    NoRaise('Search criteria with an unclosed quote');
  except
    on E: Exception do ExpectCode(E, MW_E_ARG, 'Search criteria with an unclosed quote');
  end;
  try
    Imap.Search('SUBJECT {5}');
    NoRaise('Search criteria with a literal');
  except
    on E: Exception do ExpectCode(E, MW_E_ARG, 'Search criteria with a literal');
  end;
  try
    Imap.Search('SUBJECT ' + Groesse);
    NoRaise('Search criteria with unquoted UTF-8');
  except
    on E: Exception do ExpectCode(E, MW_E_ARG, 'Search criteria with unquoted UTF-8');
  end;
  CheckInt(Imap.Exists, 3, 'the connection lives after refused criteria');
end;

procedure TestFetch(Imap: TImapClient; First, Second, Third: Int64; Watch: TImapWatch);
var
  Msg: TMailMessage;
  Msgs: TMailMessages;
  Two: array[0..1] of TMailMessage;
  Path: string;
  Data: RawByteString;
  Before: Integer;
begin
  Before := Watch.Progress;
  Msg := Imap.Fetch(First);
  try
    CheckStr(Msg.Subject, 'imap one', 'Fetch Subject');
    CheckStr(Msg.From, 'bob@example.test', 'Fetch From');
    CheckInt(Msg.TraceCount, 1, 'the fetched message has its Received header');
  finally
    Msg.Free;
  end;
  Check(Watch.Progress > Before, 'OnProgress while fetching');
  Check(not Imap.HasFlag(First, '\Seen'), 'Fetch (BODY.PEEK) leaves \Seen unset');
  Msg := TMailMessage.Create;
  try
    Imap.FetchTo(Third, Msg);
    CheckStr(Msg.Subject, Groesse + ' report', 'FetchTo of the UTF-8 Subject');
  finally
    Msg.Free;
  end;
  try
    Imap.Fetch(NoUid).Free;
    NoRaise('Fetch of a missing UID');
  except
    on E: Exception do ExpectCode(E, MW_E_NOTFOUND, 'Fetch of a missing UID');
  end;
  try
    Imap.Fetch(0).Free;
    NoRaise('Fetch of UID 0');
  except
    on E: Exception do ExpectCode(E, MW_E_ARG, 'Fetch of UID 0');
  end;
  try
    Imap.Fetch(Int64(1) shl 32).Free;
    NoRaise('Fetch of UID 2^32');
  except
    on E: Exception do ExpectCode(E, MW_E_ARG, 'Fetch of UID 2^32');
  end;

  Msgs := Imap.FetchMany([Third, First, NoUid, Second]);
  try
    CheckInt(Length(Msgs), 4, 'FetchMany: a message per UID');
    CheckStr(Msgs[0].Subject + ',' + Msgs[1].Subject + ',' + Msgs[3].Subject,
      Groesse + ' report,imap one,imap two', 'FetchMany in the order asked');
    CheckInt(Msgs[0].ErrorCode + Msgs[1].ErrorCode + Msgs[3].ErrorCode, 0, 'FetchMany: the three came');
    CheckInt(Msgs[2].ErrorCode, MW_E_NOTFOUND, 'FetchMany: the missing UID');
  finally
    FreeMessages(Msgs);
  end;
  Check(Msgs = nil, 'FreeMessages empties the array');
  Two[0] := TMailMessage.Create;
  Two[1] := TMailMessage.Create;
  try
    CheckInt(Imap.FetchMany([Second, NoUid], Two), MW_E_NOTFOUND, 'FetchMany into messages given, one missing');
    CheckStr(Two[0].Subject, 'imap two', 'FetchMany into messages given');
    CheckInt(Imap.FetchMany([First, Second], Two), 0, 'FetchMany into messages given, both there');
    CheckStr(Two[0].Subject + ',' + Two[1].Subject, 'imap one,imap two', 'FetchMany reuses the messages');
    try
      Imap.FetchMany([First], Two);
      NoRaise('FetchMany with fewer UIDs than messages');
    except
      on E: Exception do ExpectCode(E, MW_E_ARG, 'FetchMany with fewer UIDs than messages');
    end;
    try
      Imap.FetchMany([First, Second], [Two[0], Two[0]]);
      NoRaise('FetchMany with a message given twice');
    except
      on E: Exception do ExpectCode(E, MW_E_ARG, 'FetchMany with a message given twice');
    end;
  finally
    Two[1].Free;
    Two[0].Free;
  end;
  Msgs := Imap.FetchMany([]);
  CheckInt(Length(Msgs), 0, 'FetchMany of nothing');

  Path := Dir + 'fetched.eml';
  Imap.FetchToFile(Second, Path);
  Data := ReadFile(Path);
  Check(Pos('Subject: imap two' + #13#10, string(Data)) > 0, 'FetchToFile wrote the message');
  Check(Pos('Received: ', string(Data)) = 1, 'FetchToFile wrote it as stored');
  DeleteFile(Path);
  try
    Imap.FetchToFile(Second, Dir + 'no-such-dir' + PathDelim + 'x.eml');
    NoRaise('FetchToFile into a missing folder');
  except
    on E: Exception do ExpectCode(E, MW_E_FILE, 'FetchToFile into a missing folder');
  end;
  try
    Imap.FetchToFile(NoUid, Path);
    NoRaise('FetchToFile of a missing UID');
  except
    on E: Exception do ExpectCode(E, MW_E_NOTFOUND, 'FetchToFile of a missing UID');
  end;
  Check(not FileExists(Path), 'FetchToFile of a missing UID leaves no file');
end;

procedure TestFlags(Imap: TImapClient; First, Second, Third: Int64);
begin
  CheckStr(Imap.Flags[Second], '\Recent', 'Flags of a new message');
  Imap.AddFlags(First, '\Seen \Flagged');
  Check(Imap.HasFlag(First, '\Seen') and Imap.HasFlag(First, '\flagged'), 'AddFlags: ' + Imap.Flags[First]);
  Imap.RemoveFlags(First, '\Flagged');
  Check(Imap.HasFlag(First, '\Seen') and not Imap.HasFlag(First, '\Flagged'), 'RemoveFlags: ' + Imap.Flags[First]);
  Imap.Flags[Third] := '$Work \Answered';
  Check(Imap.HasFlag(Third, '$Work') and Imap.HasFlag(Third, '\Answered'), 'Flags[] := sets: ' + Imap.Flags[Third]);
  Imap.SetFlags(Third, '\Seen');
  Check(Imap.HasFlag(Third, '\Seen') and not Imap.HasFlag(Third, '$Work'), 'SetFlags replaces: ' + Imap.Flags[Third]);
  Imap.Store(Third, '', smSet);
  Check(not Imap.HasFlag(Third, '\Seen'), 'Store '''' with smSet clears: ' + Imap.Flags[Third]);
  Imap.Store(Third, '\Seen', smAdd);
  Imap.Store(Third, '\Seen', smRemove);
  Check(not Imap.HasFlag(Third, '\Seen'), 'Store smAdd then smRemove');
  Check(not Imap.HasFlag(Third, '\See'), 'HasFlag matches whole flags');
  try
    Imap.AddFlags(First, '\Recent');
    NoRaise('AddFlags \Recent');
  except
    on E: Exception do ExpectCode(E, MW_E_ARG, 'AddFlags \Recent');
  end;
  try
    Imap.AddFlags(First, 'bad(flag');
    NoRaise('AddFlags of a flag that is not an atom');
  except
    on E: Exception do ExpectCode(E, MW_E_ARG, 'AddFlags of a flag that is not an atom');
  end;
  try
    Imap.Flags[NoUid];
    NoRaise('Flags of a missing UID');
  except
    on E: Exception do ExpectCode(E, MW_E_NOTFOUND, 'Flags of a missing UID');
  end;
  CheckStr(UidList(Imap.Search('UNSEEN')), IntToStr(Second) + ',' + IntToStr(Third), 'UNSEEN after flagging');
  CheckStr(UidList(Imap.Search('SEEN')), IntToStr(First), 'SEEN after flagging');
  CheckInt(Imap.Unseen, 2, 'Unseen after flagging');
end;

procedure TestCopyMove(Imap: TImapClient; First, Second, Third: Int64);
var
  Uids: TImapUids;
  Msg: TMailMessage;
  Uid: Int64;
begin
  Imap.Copy(First, 'Trash');
  Imap.Move(First, Archive);
  CheckStr(UidList(Imap.Search), IntToStr(Second) + ',' + IntToStr(Third), 'Search after Move');
  CheckInt(Imap.Exists, 2, 'Exists after Move');
  try
    Imap.Copy(Second, 'No such folder');
    NoRaise('Copy to a missing folder');
  except
    on E: Exception do ExpectCode(E, MW_E_NOTFOUND, 'Copy to a missing folder');
  end;
  try
    Imap.Move(Second, 'No such folder');
    NoRaise('Move to a missing folder');
  except
    on E: Exception do ExpectCode(E, MW_E_NOTFOUND, 'Move to a missing folder');
  end;
  { UID MOVE of a UID the folder does not have moves nothing; servers say
    OK (RFC 3501 section 6.4.8), so the library may too. }
  try
    Imap.Move(NoUid, 'Trash');
  except
    on E: Exception do ExpectCode(E, MW_E_NOTFOUND, 'Move of a missing UID');
  end;
  CheckInt(Imap.Exists, 2, 'Move of a missing UID moves nothing');

  CheckInt(Imap.Select(Archive), 1, 'the moved message is in the UTF-8 folder');
  CheckStr(Imap.SelectedFolder, Archive, 'SelectedFolder is the UTF-8 name');
  Uids := Imap.Search;
  if Length(Uids) = 1 then
  begin
    Msg := Imap.Fetch(Uids[0]);
    try
      CheckStr(Msg.Subject, 'imap one', 'the moved message');
    finally
      Msg.Free;
    end;
    Check(Imap.HasFlag(Uids[0], '\Seen'), 'the moved message keeps its flags');
  end;

  CheckInt(Imap.Select('Trash'), 1, 'the copy is in Trash');
  Uids := Imap.Search;
  if Length(Uids) = 1 then
  begin
    Imap.AddFlags(Uids[0], '\Deleted');
    Imap.Expunge;
  end;
  CheckInt(Length(Imap.Search), 0, 'Expunge removed the \Deleted message');
  CheckInt(Imap.Exists, 0, 'Exists after Expunge');

  Msg := Letter('dave@example.test', 'appended');
  try
    Uid := Imap.Append('INBOX', Msg, '\Seen $Filed');
    Check(Uid > 0, 'Append returns the new UID (UIDPLUS)');
    Check(Imap.Append('Trash', Msg) > 0, 'Append without flags');
    CheckInt(Imap.Exists, 1, 'Append to the selected folder is seen');
    try
      Imap.Append('No such folder', Msg);
      NoRaise('Append to a missing folder');
    except
      on E: Exception do ExpectCode(E, MW_E_NOTFOUND, 'Append to a missing folder');
    end;
    try
      Imap.Append('INBOX', Msg, '\Recent');
      NoRaise('Append with \Recent');
    except
      on E: Exception do ExpectCode(E, MW_E_ARG, 'Append with \Recent');
    end;
  finally
    Msg.Free;
  end;
  CheckInt(Imap.Select('INBOX'), 3, 'INBOX after Append');
  Uids := Imap.Search('SEEN');
  CheckStr(UidList(Uids), IntToStr(Uid), 'the appended message is \Seen');
  Check(Imap.HasFlag(Uid, '$Filed'), 'the appended message has its keyword');

  CheckInt(Imap.Select('INBOX', True), 3, 'Select read-only (EXAMINE)');
  Check(Imap.ReadOnly, 'ReadOnly after EXAMINE');
  try
    Imap.Select('No such folder');
    NoRaise('Select of a missing folder');
  except
    on E: Exception do ExpectCode(E, MW_E_NOTFOUND, 'Select of a missing folder');
  end;
  try
    Imap.Search;
    NoRaise('Search after a failed Select');
  except
    on E: Exception do ExpectCode(E, MW_E_STATE, 'Search after a failed Select');
  end;
  try
    Imap.Expunge;
    NoRaise('Expunge with no folder selected');
  except
    on E: Exception do ExpectCode(E, MW_E_STATE, 'Expunge with no folder selected');
  end;
end;

procedure TestIdle(Imap: TImapClient; Watch: TImapWatch; Server: TMailServer);
var
  T: TDeliverThread;
  Idles: Integer;
begin
  CheckInt(Imap.Select('INBOX'), 3, 'Select INBOX before IDLE');
  Check(not Imap.Idle(1), 'Idle times out without a change');

  Watch.Action := iaDeliver;
  Watch.Worker := nil;
  Idles := Watch.Idles;
  Check(Imap.Idle(60), 'Idle woken by an LMTP delivery from another thread');
  CheckInt(Watch.Idles, Idles + 1, 'one IDLE command sent');
  Check(Watch.Worker <> nil, 'the delivering thread was started');
  if Watch.Worker <> nil then
  begin
    T := TDeliverThread(Watch.Worker);
    T.WaitFor;
    CheckStr(T.Error, '', 'the LMTP delivery');
    T.Free;
    Watch.Worker := nil;
  end;
  CheckInt(Imap.Exists, 4, 'Exists counts the delivered message');
  CheckInt(Length(Imap.Search('SUBJECT "woken by LMTP"')), 1, 'the delivered message is found');
  CheckInt(Server.MessageCount('dave'), 4, 'the server holds it');

  Watch.Action := iaCancel;
  try
    Imap.Idle(60);
    NoRaise('Idle cancelled from another thread');
  except
    on E: Exception do ExpectCode(E, MW_E_CANCELLED, 'Idle cancelled from another thread');
  end;
  if Watch.Worker <> nil then
  begin
    Watch.Worker.WaitFor;
    FreeAndNil(Watch.Worker);
  end
  else
    Check(False, 'the cancelling thread was started');
  CheckInt(Imap.Select('INBOX'), 4, 'the connection stays open after a cancelled Idle');
  try
    Imap.Idle(0);
    NoRaise('Idle(0)');
  except
    on E: Exception do ExpectCode(E, MW_E_ARG, 'Idle(0)');
  end;
end;

procedure TestSession(Server: TMailServer);
var
  Imap: TImapClient;
  Watch: TImapWatch;
  First, Second, Third: Int64;
  I: Integer;
  Names: string;
begin
  Imap := TImapClient.Create;
  Watch := TImapWatch.Create;
  try
    Watch.Client := Imap;
    Watch.Port := Server.Port('lmtp');
    Imap.OnLog := Watch.Log;
    Imap.OnProgress := Watch.Progressed;
    Imap.CaFile := CaFile;
    Imap.Authenticate('dave', 'secret');
    Imap.Connect('127.0.0.1', Server.Port('imap'), 'starttls');
    Check(Watch.Lines > 5, 'OnLog got the session');
    CheckInt(Watch.Secrets, 0, 'OnLog never shows the password');
    Check(Pos('IMAP4rev1' + #10, Imap.Capabilities) > 0, 'Capabilities, one per line: ' + Imap.Capabilities);
    Check(Imap.HasCapability('idle') and Imap.HasCapability('UIDPLUS'), 'HasCapability IDLE and UIDPLUS');
    Check(not Imap.HasCapability('IDL'), 'HasCapability matches whole names');
    try
      Imap.OnLog := nil;
      NoRaise('OnLog while connected');
    except
      on E: Exception do ExpectCode(E, MW_E_STATE, 'OnLog while connected');
    end;

    TestFolders(Imap);
    TestSelectSearch(Imap, First, Second, Third);
    TestFetch(Imap, First, Second, Third, Watch);
    TestFlags(Imap, First, Second, Third);
    TestCopyMove(Imap, First, Second, Third);
    TestIdle(Imap, Watch, Server);

    Imap.DeleteFolder(Archive);
    Names := '';
    for I := 0 to Imap.FolderCount - 1 do
      Names := Names + Imap.Folders[I].Name + ';';
    Check(Pos(Archive, Names) = 0, 'DeleteFolder: ' + Names);
    try
      Imap.DeleteFolder(Archive);
      NoRaise('DeleteFolder of a missing folder');
    except
      on E: Exception do ExpectCode(E, MW_E_NOTFOUND, 'DeleteFolder of a missing folder');
    end;

    Imap.Disconnect;
    CheckStr(Imap.Capabilities, '', 'Capabilities after Disconnect');
    try
      Imap.Select('INBOX');
      NoRaise('Select after Disconnect');
    except
      on E: Exception do ExpectCode(E, MW_E_STATE, 'Select after Disconnect');
    end;
    Imap.Disconnect;
    Check(True, 'Disconnect twice');

    { The same client again, over implicit TLS. }
    Imap.Connect('127.0.0.1', Server.Port('imaps'), 'tls');
    CheckInt(Imap.Select('INBOX'), 4, 'Select after connecting again (IMAPS)');
    CheckInt(Length(Imap.Search('UNSEEN')), 3, 'the flags stayed on the server');
    Imap.Disconnect;
  finally
    if Watch.Worker <> nil then
    begin
      Watch.Worker.WaitFor;
      Watch.Worker.Free;
    end;
    Imap.Free;
    Watch.Free;
  end;
end;

procedure TestServer;
var
  Server: TMailServer;
begin
  Server := TMailServer.Create;
  try
    Server.AddUsers('bob:secret,dave:secret');
    Server.SetOption('ca_out', CaFile);
    Server.Start;
    Check(Server.Port('imap') > 0, 'imap port');
    Check(Server.Port('imaps') > 0, 'imaps port');
    TestBadLogin(Server);
    Deliver(Server, ['imap one', 'imap two', Groesse + ' report']);
    CheckInt(Server.MessageCount('dave'), 3, 'three delivered to dave');
    TestSession(Server);
    Server.Stop;
  finally
    Server.Free;
  end;
end;

var
  Base: Integer;
begin
  Randomize;
  Dir := TempDir + 'mailwire-test-imap-' + IntToStr(Random(1000000)) + PathDelim;
  ForceDirectories(Dir);
  CaFile := Dir + 'ca.pem';
  Base := mw_handle_count;
  try
    TestPlainCalls;
    TestUnconnected;
    TestServer;
  except
    on E: Exception do Check(False, 'unexpected ' + E.ClassName + ': ' + E.Message);
  end;
  CheckInt(mw_handle_count, Base, 'every handle is closed by the destructors');
  DeleteFile(CaFile);
  RemoveDir(Dir);
  WriteLn('delphi-imap: ', Passed, ' passed, ', Failed, ' failed');
  if Failed > 0 then
    ExitCode := 1;
end.
