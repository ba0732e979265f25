{ Mailwire.pas: the Mailwire C API for Delphi and Free Pascal.

  The first part declares every function of include/mailwire.h as it is
  (cdecl, UTF-8 PAnsiChar strings, integer handles and codes).  The second
  part wraps the handles in classes whose destructors close them and which
  raise EMailwire, carrying the MW_E_* code, when a call fails:

    TMailMessage  compose, render, parse, attachments, Received trace
    TSmtpClient   SMTP, submission and LMTP (RFC 5321, 6409, 2033)
    TSmtpPool     a pool of SMTP connections shared by threads
    TPop3Client   POP3 (RFC 1939, 2449, 2595)
    TImapClient   IMAP (RFC 3501, 9051): folders, search, fetch, flags, IDLE
    TMailServer   the embedded loopback server, for tests and demos
    TMailOAuth2   OAuth 2.0 tokens for Microsoft 365 and Gmail (RFC 6749,
                  RFC 8628), given to the clients and pools

  Strings: in a Unicode compiler (Delphi 2009 and later) string values are
  converted to and from UTF-8; otherwise (Free Pascal in Delphi mode, old
  Delphi) a string is taken to hold UTF-8 already and is passed unchanged.

  The library is libmailwire.so on Linux (link with -Fl<dir>) and
  mailwire.dll on Windows.  Free Pascal: compile with -Mdelphi.  A
  progress callback runs on the thread that made the call, so a program
  without a threading unit (cthreads) is safe. }
unit Mailwire;

{$IFDEF FPC}
  {$MODE DELPHI}
  {$H+}
{$ENDIF}

interface

uses
  SysUtils;

const
{$IFDEF MSWINDOWS}
  MailwireLib = 'mailwire.dll';
{$ELSE}
  MailwireLib = 'mailwire';
{$ENDIF}

  { MW_VERSION and MW_VERSION_NUMBER of the header this unit follows (the
    C names clash with the functions mw_version and mw_version_number). }
  MailwireUnitVersion = '0.1.0';
  MailwireUnitVersionNumber = 100;

  MW_OK = 0;
  { The caller erred: fix the call.  Nothing went on the wire. }
  MW_E_INTERNAL = -1;
  MW_E_HANDLE = -2;
  MW_E_ARG = -3;
  MW_E_STATE = -4;
  MW_E_OPTION = -5;
  MW_E_FILE = -6;
  MW_E_BUSY = -7;
  MW_E_NOTFOUND = -8;
  MW_E_PARSE = -9;
  { The server refused; the connection lives. }
  MW_E_PARTIAL = -20;
  MW_E_REFUSED = -21;
  MW_E_TEMPORARY = -22;
  MW_E_AUTH = -23;
  MW_E_TOOBIG = -24;
  MW_E_UNSUPPORTED = -25;
  { The connection is gone: connect again. }
  MW_E_IO = -40;
  MW_E_TIMEOUT = -41;
  MW_E_TLS = -42;
  MW_E_PROTOCOL = -43;
  MW_E_SECURITY = -44;
  MW_E_CANCELLED = -45;
  MW_E_CONNECT = -46;
  MW_E_CLOSED = -47;

  MW_WITH_TLS = 1;
  MW_WITH_AUTH = 2;
  MW_WITH_UTF8 = 4;

type
  PMwSize = ^NativeUInt;
  TMwProgressFn = procedure(User: Pointer; Done, Total: Int64); cdecl;
  TMwLogFn = procedure(User: Pointer; Line: PAnsiChar); cdecl;

{ Version, errors, memory and handles. }
function mw_version: PAnsiChar; cdecl; external MailwireLib name 'mw_version';
function mw_version_number: Integer; cdecl; external MailwireLib name 'mw_version_number';
function mw_strerror(Code: Integer): PAnsiChar; cdecl; external MailwireLib name 'mw_strerror';
function mw_errmsg(Handle: Integer): PAnsiChar; cdecl; external MailwireLib name 'mw_errmsg';
function mw_errcode(Handle: Integer): Integer; cdecl; external MailwireLib name 'mw_errcode';
procedure mw_free(P: Pointer); cdecl; external MailwireLib name 'mw_free';
function mw_close(Handle: Integer): Integer; cdecl; external MailwireLib name 'mw_close';
function mw_handle_count: Integer; cdecl; external MailwireLib name 'mw_handle_count';

{ Mail transmission types (RFC 3848, RFC 6531). }
function mw_with_keyword(Protocol: PAnsiChar; Flags: Integer): PAnsiChar; cdecl; external MailwireLib name 'mw_with_keyword';
function mw_with_flags(Keyword: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_with_flags';
function mw_with_protocol(Keyword: PAnsiChar): PAnsiChar; cdecl; external MailwireLib name 'mw_with_protocol';

{ Messages (RFC 5322, MIME). }
function mw_message_new: Integer; cdecl; external MailwireLib name 'mw_message_new';
function mw_message_set(Msg: Integer; Name, Value: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_message_set';
function mw_message_get(Msg: Integer; Name: PAnsiChar): PAnsiChar; cdecl; external MailwireLib name 'mw_message_get';
function mw_message_add_to(Msg: Integer; Addresses: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_message_add_to';
function mw_message_add_cc(Msg: Integer; Addresses: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_message_add_cc';
function mw_message_add_bcc(Msg: Integer; Addresses: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_message_add_bcc';
function mw_message_attach_file(Msg: Integer; Path, Name, ContentType: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_message_attach_file';
function mw_message_attach_data(Msg: Integer; Data: Pointer; Len: NativeUInt; Name, ContentType: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_message_attach_data';
function mw_message_embed_file(Msg: Integer; Path, ContentId: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_message_embed_file';
function mw_message_mime(Msg: Integer; out Data: PAnsiChar; out Len: NativeUInt): Integer; cdecl; external MailwireLib name 'mw_message_mime';
function mw_message_save(Msg: Integer; Path: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_message_save';
function mw_message_size(Msg: Integer): Int64; cdecl; external MailwireLib name 'mw_message_size';
function mw_message_parse(Msg: Integer; Data: Pointer; Len: NativeUInt): Integer; cdecl; external MailwireLib name 'mw_message_parse';
function mw_message_load(Msg: Integer; Path: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_message_load';
function mw_message_attachment_count(Msg: Integer): Integer; cdecl; external MailwireLib name 'mw_message_attachment_count';
function mw_message_attachment(Msg, I: Integer; Field: PAnsiChar): PAnsiChar; cdecl; external MailwireLib name 'mw_message_attachment';
function mw_message_attachment_save(Msg, I: Integer; Path: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_message_attachment_save';
function mw_message_attachment_data(Msg, I: Integer; out Data: PAnsiChar; out Len: NativeUInt): Integer; cdecl; external MailwireLib name 'mw_message_attachment_data';
function mw_message_trace_count(Msg: Integer): Integer; cdecl; external MailwireLib name 'mw_message_trace_count';
function mw_message_trace(Msg, Hop: Integer; Field: PAnsiChar): PAnsiChar; cdecl; external MailwireLib name 'mw_message_trace';
function mw_message_trace_flags(Msg, Hop: Integer): Integer; cdecl; external MailwireLib name 'mw_message_trace_flags';

{ Sending: SMTP, submission and LMTP (RFC 5321, 6409, 2033). }
function mw_smtp_new: Integer; cdecl; external MailwireLib name 'mw_smtp_new';
function mw_smtp_set(Smtp: Integer; Option, Value: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_smtp_set';
function mw_smtp_connect(Smtp: Integer): Integer; cdecl; external MailwireLib name 'mw_smtp_connect';
function mw_smtp_send(Smtp, Msg: Integer): Integer; cdecl; external MailwireLib name 'mw_smtp_send';
function mw_smtp_send_many(Smtp: Integer; Msgs: PInteger; Count: Integer): Integer; cdecl; external MailwireLib name 'mw_smtp_send_many';
function mw_smtp_result_count(Handle: Integer): Integer; cdecl; external MailwireLib name 'mw_smtp_result_count';
function mw_smtp_result(Handle, I: Integer; Field: PAnsiChar): PAnsiChar; cdecl; external MailwireLib name 'mw_smtp_result';
function mw_smtp_reply_code(Smtp: Integer): Integer; cdecl; external MailwireLib name 'mw_smtp_reply_code';
function mw_smtp_reply(Smtp: Integer): PAnsiChar; cdecl; external MailwireLib name 'mw_smtp_reply';
function mw_smtp_capabilities(Smtp: Integer): PAnsiChar; cdecl; external MailwireLib name 'mw_smtp_capabilities';
function mw_smtp_disconnect(Smtp: Integer): Integer; cdecl; external MailwireLib name 'mw_smtp_disconnect';
function mw_send(Url: PAnsiChar; Msg: Integer): Integer; cdecl; external MailwireLib name 'mw_send';
function mw_set_progress(Handle: Integer; Fn: TMwProgressFn; User: Pointer): Integer; cdecl; external MailwireLib name 'mw_set_progress';
function mw_set_log(Handle: Integer; Fn: TMwLogFn; User: Pointer): Integer; cdecl; external MailwireLib name 'mw_set_log';
function mw_cancel(Handle: Integer): Integer; cdecl; external MailwireLib name 'mw_cancel';
function mw_pool_new: Integer; cdecl; external MailwireLib name 'mw_pool_new';
function mw_pool_set(Pool: Integer; Option, Value: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_pool_set';
function mw_pool_send(Pool, Msg: Integer): Integer; cdecl; external MailwireLib name 'mw_pool_send';

{ Receiving: POP3 (RFC 1939, 2449, 2595, 5034). }
function mw_pop3_new: Integer; cdecl; external MailwireLib name 'mw_pop3_new';
function mw_pop3_set(Pop: Integer; Option, Value: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_pop3_set';
function mw_pop3_connect(Pop: Integer): Integer; cdecl; external MailwireLib name 'mw_pop3_connect';
function mw_pop3_count(Pop: Integer): Integer; cdecl; external MailwireLib name 'mw_pop3_count';
function mw_pop3_size(Pop, Number: Integer): Int64; cdecl; external MailwireLib name 'mw_pop3_size';
function mw_pop3_uid(Pop, Number: Integer): PAnsiChar; cdecl; external MailwireLib name 'mw_pop3_uid';
function mw_pop3_retrieve(Pop, Number, Msg: Integer): Integer; cdecl; external MailwireLib name 'mw_pop3_retrieve';
function mw_pop3_retrieve_data(Pop, Number: Integer; out Data: PAnsiChar; out Len: NativeUInt): Integer; cdecl; external MailwireLib name 'mw_pop3_retrieve_data';
function mw_pop3_retrieve_many(Pop, First, Count: Integer; Msgs: PInteger; Del: Integer): Integer; cdecl; external MailwireLib name 'mw_pop3_retrieve_many';
function mw_pop3_retrieve_file(Pop, Number: Integer; Path: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_pop3_retrieve_file';
function mw_pop3_top(Pop, Number, Lines, Msg: Integer): Integer; cdecl; external MailwireLib name 'mw_pop3_top';
function mw_pop3_delete(Pop, Number: Integer): Integer; cdecl; external MailwireLib name 'mw_pop3_delete';
function mw_pop3_reset(Pop: Integer): Integer; cdecl; external MailwireLib name 'mw_pop3_reset';
function mw_pop3_capabilities(Pop: Integer): PAnsiChar; cdecl; external MailwireLib name 'mw_pop3_capabilities';
function mw_pop3_disconnect(Pop: Integer): Integer; cdecl; external MailwireLib name 'mw_pop3_disconnect';

{ OAuth 2.0 tokens (RFC 6749, RFC 8628). }
function mw_oauth2_new: Integer; cdecl; external MailwireLib name 'mw_oauth2_new';
function mw_oauth2_set(OAuth: Integer; Option, Value: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_oauth2_set';
function mw_oauth2_token(OAuth: Integer): PAnsiChar; cdecl; external MailwireLib name 'mw_oauth2_token';
function mw_oauth2_get(OAuth: Integer; Field: PAnsiChar): PAnsiChar; cdecl; external MailwireLib name 'mw_oauth2_get';
function mw_oauth2_device_start(OAuth: Integer): Integer; cdecl; external MailwireLib name 'mw_oauth2_device_start';
function mw_oauth2_device_poll(OAuth: Integer): Integer; cdecl; external MailwireLib name 'mw_oauth2_device_poll';
function mw_smtp_use_oauth2(Smtp, OAuth: Integer): Integer; cdecl; external MailwireLib name 'mw_smtp_use_oauth2';
function mw_pop3_use_oauth2(Pop, OAuth: Integer): Integer; cdecl; external MailwireLib name 'mw_pop3_use_oauth2';
function mw_imap_use_oauth2(Imap, OAuth: Integer): Integer; cdecl; external MailwireLib name 'mw_imap_use_oauth2';
function mw_pool_use_oauth2(Pool, OAuth: Integer): Integer; cdecl; external MailwireLib name 'mw_pool_use_oauth2';

{ Receiving: IMAP (RFC 3501, RFC 9051). }
function mw_imap_new: Integer; cdecl; external MailwireLib name 'mw_imap_new';
function mw_imap_set(Imap: Integer; Option, Value: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_imap_set';
function mw_imap_connect(Imap: Integer): Integer; cdecl; external MailwireLib name 'mw_imap_connect';
function mw_imap_capabilities(Imap: Integer): PAnsiChar; cdecl; external MailwireLib name 'mw_imap_capabilities';
function mw_imap_folder_count(Imap: Integer): Integer; cdecl; external MailwireLib name 'mw_imap_folder_count';
function mw_imap_folder(Imap, I: Integer; Field: PAnsiChar): PAnsiChar; cdecl; external MailwireLib name 'mw_imap_folder';
function mw_imap_create(Imap: Integer; Folder: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_imap_create';
function mw_imap_rename(Imap: Integer; FromName, ToName: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_imap_rename';
function mw_imap_delete_folder(Imap: Integer; Folder: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_imap_delete_folder';
function mw_imap_select(Imap: Integer; Folder: PAnsiChar; ReadOnly: Integer): Integer; cdecl; external MailwireLib name 'mw_imap_select';
function mw_imap_status(Imap: Integer; Field: PAnsiChar): PAnsiChar; cdecl; external MailwireLib name 'mw_imap_status';
function mw_imap_search(Imap: Integer; Criteria: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_imap_search';
function mw_imap_search_uid(Imap, I: Integer): Int64; cdecl; external MailwireLib name 'mw_imap_search_uid';
function mw_imap_fetch(Imap: Integer; Uid: Int64; Msg: Integer): Integer; cdecl; external MailwireLib name 'mw_imap_fetch';
function mw_imap_fetch_file(Imap: Integer; Uid: Int64; Path: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_imap_fetch_file';
function mw_imap_fetch_many(Imap: Integer; Uids: PInt64; Count: Integer; Msgs: PInteger): Integer; cdecl; external MailwireLib name 'mw_imap_fetch_many';
function mw_imap_flags(Imap: Integer; Uid: Int64): PAnsiChar; cdecl; external MailwireLib name 'mw_imap_flags';
function mw_imap_store(Imap: Integer; Uid: Int64; Flags: PAnsiChar; Mode: Integer): Integer; cdecl; external MailwireLib name 'mw_imap_store';
function mw_imap_copy(Imap: Integer; Uid: Int64; Folder: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_imap_copy';
function mw_imap_move(Imap: Integer; Uid: Int64; Folder: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_imap_move';
function mw_imap_expunge(Imap: Integer): Integer; cdecl; external MailwireLib name 'mw_imap_expunge';
function mw_imap_append(Imap: Integer; Folder: PAnsiChar; Msg: Integer; Flags: PAnsiChar): Int64; cdecl; external MailwireLib name 'mw_imap_append';
function mw_imap_idle(Imap, Seconds: Integer): Integer; cdecl; external MailwireLib name 'mw_imap_idle';
function mw_imap_disconnect(Imap: Integer): Integer; cdecl; external MailwireLib name 'mw_imap_disconnect';

{ The embedded mail server. }
function mw_server_new: Integer; cdecl; external MailwireLib name 'mw_server_new';
function mw_server_set(Srv: Integer; Option, Value: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_server_set';
function mw_server_start(Srv: Integer): Integer; cdecl; external MailwireLib name 'mw_server_start';
function mw_server_port(Srv: Integer; Service: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_server_port';
function mw_server_message_count(Srv: Integer; Mailbox: PAnsiChar): Integer; cdecl; external MailwireLib name 'mw_server_message_count';
function mw_server_message(Srv: Integer; Mailbox: PAnsiChar; I: Integer; out Data: PAnsiChar; out Len: NativeUInt): Integer; cdecl; external MailwireLib name 'mw_server_message';
function mw_server_stop(Srv: Integer): Integer; cdecl; external MailwireLib name 'mw_server_stop';

{ ------------------------------------------------------------------------ }
{ Classes }

type
  { EMailwire is raised when a call fails; Code is the MW_E_* code. }
  EMailwire = class(Exception)
  private
    FCode: Integer;
  public
    constructor CreateCode(ACode: Integer; const Detail: string);
    property Code: Integer read FCode;
  end;

  { EMailwireVersion is raised by CheckMailwireVersion when the library
    loaded at run time does not match this unit: another major version, or
    older than the unit.  It is not an EMailwire: no call failed, the
    program was deployed with the wrong library. }
  EMailwireVersion = class(Exception)
  private
    FLibraryVersion: string;
  public
    property LibraryVersion: string read FLibraryVersion;
  end;

  TMwProgressEvent = procedure(Sender: TObject; Done, Total: Int64) of object;

  { TMwSendOutcome is how one message of TSmtpClient.SendMany fared. }
  TMwSendOutcome = record
    Code: Integer;     { 0, MW_E_PARTIAL, or the MW_E_* code of its failure }
    ErrorText: string; { the library's message for a failure, '' otherwise }
  end;
  TMwSendOutcomes = array of TMwSendOutcome;
  TArrayOfInteger = array of Integer;
  TMwLogEvent = procedure(Sender: TObject; const Line: string) of object;

  { TMailwireHandle owns one library handle and closes it when freed. }
  TMailwireHandle = class
  protected
    FHandle: Integer;
    procedure Check(Rc: Integer);
    function CheckStr(P: PAnsiChar): string;
  public
    constructor CreateHandle(AHandle: Integer);
    destructor Destroy; override;
    { LastError is the handle's last error message ('' after a success). }
    function LastError: string;
    { ErrorCode is the MW_E_* code of the handle's last call (0 after a
      success). }
    function ErrorCode: Integer;
    property Handle: Integer read FHandle;
  end;

  { TMailMessage is a message to compose and send, or one retrieved or
    parsed (RFC 5322, MIME RFC 2045-2049). }
  TMailMessage = class(TMailwireHandle)
  private
    function GetField(const Name: string): string;
    procedure SetField(const Name, Value: string);
    function GetIndexed(Index: Integer): string;
    procedure SetIndexed(Index: Integer; const Value: string);
  public
    constructor Create;
    procedure AddTo(const Addresses: string);
    procedure AddCc(const Addresses: string);
    procedure AddBcc(const Addresses: string);
    procedure AttachFile(const Path: string; const Name: string = ''; const ContentType: string = '');
    procedure AttachData(const Data: RawByteString; const Name: string; const ContentType: string = '');
    procedure EmbedFile(const Path, ContentId: string);
    { Mime renders the whole message with CRLF line ends. }
    function Mime: RawByteString;
    function Size: Int64;
    procedure SaveToFile(const Path: string);
    procedure LoadFromFile(const Path: string);
    procedure Parse(const Data: RawByteString);
    function AttachmentCount: Integer;
    { Attachment returns a field ('name', 'content_type', 'size',
      'content_id', 'disposition') of attachment I (0-based), '' if empty. }
    function Attachment(I: Integer; const Field: string): string;
    function AttachmentData(I: Integer): RawByteString;
    procedure SaveAttachment(I: Integer; const Path: string);
    { TraceCount is the number of Received headers; hop 0 is the newest. }
    function TraceCount: Integer;
    function Trace(Hop: Integer; const Field: string): string;
    { TraceFlags are the MW_WITH_* flags of a hop's "with" keyword, or -1
      when the keyword is not registered (RFC 3848). }
    function TraceFlags(Hop: Integer): Integer;
    function ResultCount: Integer;
    function ResultField(I: Integer; const Field: string): string;
    { Fields reads and writes any field or header by name; '' clears. }
    property Fields[const Name: string]: string read GetField write SetField; default;
    property From: string index 0 read GetIndexed write SetIndexed;
    property Subject: string index 1 read GetIndexed write SetIndexed;
    property TextBody: string index 2 read GetIndexed write SetIndexed;
    property HtmlBody: string index 3 read GetIndexed write SetIndexed;
    property ReplyTo: string index 4 read GetIndexed write SetIndexed;
    property Priority: string index 5 read GetIndexed write SetIndexed;
    property MessageId: string index 6 read GetIndexed write SetIndexed;
    property Date: string index 7 read GetIndexed write SetIndexed;
    property ToList: string index 8 read GetIndexed;
    property CcList: string index 9 read GetIndexed;
  end;

  { TMailOAuth2 holds an application's OAuth 2.0 credentials and the access
    token they give, and requests a new token when the one held is about
    to expire.  One object may serve any number of clients and pools, on
    any number of threads: it makes one request at a time.  Options are
    those of mw_oauth2_set: provider ('microsoft' with tenant, 'google'),
    token_url, device_url, client_id, client_secret, client_auth, grant
    ('refresh_token', 'client_credentials', 'device_code'), refresh_token,
    scope, ca_file, timeout, log_file. }
  TMailOAuth2 = class(TMailwireHandle)
  private
    function GetRefreshToken: string;
    procedure SetRefreshToken(const Value: string);
  public
    constructor Create;
    procedure SetOption(const Name, Value: string);
    { Token returns a token valid for a minute more at least, requested now
      when needed; with grant device_code after DeviceStart it waits for
      the user.  EMailwire with MW_E_AUTH means the user or application
      must sign in or be set up again (the message has the server's words). }
    function Token: string;
    { Get reads a field of mw_oauth2_get ('expires_at', 'user_code',
      'verification_uri', 'message', 'error', ...); '' when it has none. }
    function Get(const Field: string): string;
    { DeviceStart starts the device authorization (RFC 8628): show the user
      Get('message'), or Get('verification_uri') and Get('user_code'). }
    procedure DeviceStart;
    { DevicePoll waits for the interval, asks once: True when the user has
      signed in, False while pending; EMailwire when denied or expired. }
    function DevicePoll: Boolean;
    { Cancel aborts the request or device polling in flight (any thread). }
    procedure Cancel;
    { RefreshToken: keep it after each call that may have refreshed; the
      server may replace it each time. }
    property RefreshToken: string read GetRefreshToken write SetRefreshToken;
  end;

  { TMailClient holds what SMTP, POP3 and IMAP clients share: options, the
    progress and log events and cancellation. }
  TMailClient = class(TMailwireHandle)
  private
    FOnProgress: TMwProgressEvent;
    FOnLog: TMwLogEvent;
    procedure SetOnProgress(Value: TMwProgressEvent);
    procedure SetOnLog(Value: TMwLogEvent);
    function GetIndexed(Index: Integer): string;
    procedure SetIndexed(Index: Integer; const Value: string);
  protected
    FOptions: array[0..4] of string;
    FOAuth2: TMailOAuth2;
    function SetOpt(const Name, Value: string): Integer; virtual; abstract;
    function UseOAuth2(OAuth: Integer): Integer; virtual; abstract;
  public
    { Connect connects with the options set so far (and logs in when a
      user name is set); the overload sets host, port and security first. }
    procedure Connect; overload; virtual; abstract;
    procedure Connect(const AHost: string; APort: Integer; const ASecurity: string = ''); overload;
    { Authenticate sets the credentials that Connect logs in with: a
      password, or the tokens of an OAuth2 object (XOAUTH2 or OAUTHBEARER,
      whichever the server offers; a refused token is replaced once and the
      login tried again).  The client does not own OAuth: free it after the
      client, or pass nil first. }
    procedure Authenticate(const AUsername, APassword: string); overload;
    procedure Authenticate(const AUsername: string; OAuth: TMailOAuth2); overload;
    procedure SetOption(const Name, Value: string);
    { Cancel aborts the call in flight; the one method another thread may call. }
    procedure Cancel;
    property Host: string index 0 read GetIndexed write SetIndexed;
    property Port: string index 1 read GetIndexed write SetIndexed;
    property Security: string index 2 read GetIndexed write SetIndexed;
    property Username: string index 3 read GetIndexed write SetIndexed;
    property Password: string index 4 read GetIndexed write SetIndexed;
    property OnProgress: TMwProgressEvent read FOnProgress write SetOnProgress;
    { OnLog gets each line of the protocol log ("C: " and a command, "S: "
      and a reply line, "* " and a note; secrets as <secret>) on the
      calling thread. Set it before Connect (EMailwire with MW_E_STATE
      while connected). }
    property OnLog: TMwLogEvent read FOnLog write SetOnLog;
  end;

  { TSmtpClient sends by SMTP, submission or LMTP (RFC 5321, 6409, 2033). }
  TSmtpClient = class(TMailClient)
  protected
    function SetOpt(const Name, Value: string): Integer; override;
    function UseOAuth2(OAuth: Integer): Integer; override;
  public
    constructor Create;
    procedure Connect; override;
    { Send returns MW_OK, or MW_E_PARTIAL when some recipients were refused
      and the message went to the others; other failures raise. }
    function Send(Msg: TMailMessage): Integer;
    { SendMany sends the messages on the open connection, one after the
      other, with the commands of each pipelined behind the data of the one
      before (RFC 2920).  It returns how each fared, in order; a refused
      message does not stop the others, and when the connection breaks the
      messages not sent carry its code.  It raises only when nothing was
      sent (not connected, a freed message). }
    function SendMany(const Msgs: array of TMailMessage): TMwSendOutcomes;
    procedure Disconnect;
    function ResultCount: Integer;
    function ResultField(I: Integer; const Field: string): string;
    function ReplyCode: Integer;
    function Reply: string;
    function Capabilities: string;
    { SendUrl connects, sends and quits in one call (mw_send). }
    class function SendUrl(const Url: string; Msg: TMailMessage): Integer;
  end;

  { TSmtpPool shares SMTP connections between threads. }
  TSmtpPool = class(TMailwireHandle)
  public
    constructor Create;
    procedure SetOption(const Name, Value: string);
    function Send(Msg: TMailMessage): Integer;
    { Authenticate makes every connection log in as AUsername with the
      tokens of OAuth, before the first send. }
    procedure Authenticate(const AUsername: string; OAuth: TMailOAuth2);
  end;

  { TPop3Client reads a maildrop (RFC 1939, 2449, 2595). }
  TPop3Client = class(TMailClient)
  protected
    function SetOpt(const Name, Value: string): Integer; override;
    function UseOAuth2(OAuth: Integer): Integer; override;
  public
    constructor Create;
    procedure Connect; override;
    function Count: Integer;
    function MessageSize(Number: Integer): Int64;
    function MessageUid(Number: Integer): string;
    { GetMessage retrieves message Number (1-based); the caller frees it. }
    function GetMessage(Number: Integer): TMailMessage;
    procedure RetrieveTo(Number: Integer; Msg: TMailMessage);
    procedure RetrieveToFile(Number: Integer; const Path: string);
    { RetrieveData fetches message Number as the server sent it. }
    function RetrieveData(Number: Integer): RawByteString;
    { RetrieveMany fetches messages First .. First+Length(Msgs)-1 into Msgs
      with the RETR commands pipelined (RFC 2449), and with Delete marks
      each deleted.  Each message's ErrorCode tells how it fared: 0, or
      MW_E_NOTFOUND when it does not exist or is marked deleted, or the
      code that ended the connection.  It returns 0 or the first of those
      codes, and raises only when nothing was retrieved (not connected). }
    function RetrieveMany(First: Integer; const Msgs: array of TMailMessage; Delete: Boolean = False): Integer;
    function GetHeaders(Number, Lines: Integer): TMailMessage;
    procedure DeleteMessage(Number: Integer);
    procedure Reset;
    function Capabilities: string;
    procedure Disconnect;
  end;

  { TImapFolder is one folder of TImapClient.Folders. }
  TImapFolder = record
    Name: string;       { UTF-8, the levels separated by Delimiter }
    Delimiter: string;  { '' when the server has no hierarchy }
    Flags: string;      { the attributes, space-separated: '\HasChildren \Noselect' }
    SpecialUse: string; { '\Sent', '\Trash', '\Drafts', '\Junk', '\Archive', '\All', '\Flagged' or '' }
    { The counts of LIST-STATUS (RFC 5819), -1 when the server did not say. }
    Messages, Unseen, UidNext, UidValidity: Int64;
  end;
  TImapFolders = array of TImapFolder;
  { TImapUids holds message UIDs (1 .. 4294967295). }
  TImapUids = array of Int64;
  TMailMessages = array of TMailMessage;
  { TImapStoreMode says what TImapClient.Store does with the flags given. }
  TImapStoreMode = (smSet, smAdd, smRemove);

  { TImapClient reads and manages a mailbox over IMAP (RFC 3501 IMAP4rev1,
    RFC 9051 IMAP4rev2 when offered): folders, search, fetch, flags, copy
    and move, append, and IDLE.  Messages are named by UID, never by
    sequence number; a UID stays valid while the folder's UidValidity
    does.  Folder names are UTF-8.  Port 993 with Security 'tls' (the
    default when no port is set), else 143 with 'starttls'.  A server
    refusal raises EMailwire with MW_E_REFUSED (or MW_E_NOTFOUND for a
    missing folder or UID), and the connection lives; codes of -40 and
    below mean the connection is gone.  Authenticate with a TMailOAuth2
    logs in with its tokens (XOAUTH2 or OAUTHBEARER). }
  TImapClient = class(TMailClient)
  private
    FFolders: TImapFolders;
    FListed: Boolean;
    FImapOptions: array[0..7] of string;
    function GetImapOption(Index: Integer): string;
    procedure SetImapOption(Index: Integer; const Value: string);
    function GetBoolOption(Index: Integer): Boolean;
    procedure SetBoolOption(Index: Integer; Value: Boolean);
    function GetTimeout: Integer;
    procedure SetTimeout(Value: Integer);
    function GetFolderCount: Integer;
    function GetFolder(I: Integer): TImapFolder;
    function GetStatusNumber(Index: Integer): Int64;
    function GetSelectedFolder: string;
    function GetReadOnly: Boolean;
    procedure Forget;
  protected
    function SetOpt(const Name, Value: string): Integer; override;
    function UseOAuth2(OAuth: Integer): Integer; override;
  public
    constructor Create;
    { Connect connects, negotiates TLS, logs in, and enables IMAP4rev2 and
      UTF8=ACCEPT when offered. }
    procedure Connect; override;
    { Disconnect logs out (LOGOUT) and closes the connection, which is
      closed also when LOGOUT fails; the client may connect again. }
    procedure Disconnect;
    { Capabilities are the server's, one per line ('IMAP4rev1', 'IDLE'...);
      '' when not connected. }
    function Capabilities: string;
    { HasCapability tells whether the server offers Name (case-insensitive). }
    function HasCapability(const Name: string): Boolean;

    { ListFolders lists every folder (LIST "" "*", with the special uses
      and the LIST-STATUS counts when offered), keeps them for FolderCount
      and Folders, and returns how many there are. }
    function ListFolders: Integer;
    { FolderCount and Folders read the last ListFolders, made now when
      there is none since Connect or the last folder change. }
    property FolderCount: Integer read GetFolderCount;
    property Folders[I: Integer]: TImapFolder read GetFolder;
    { FolderOf is the name of the folder with SpecialUse ('\Trash',
      '\Sent'...), '' when there is none. }
    function FolderOf(const SpecialUse: string): string;
    { CreateFolder, RenameFolder, DeleteFolder: CREATE, RENAME, DELETE.
      MW_E_REFUSED when the server says NO (it exists, a bad name),
      MW_E_NOTFOUND when DeleteFolder's folder does not exist. }
    procedure CreateFolder(const Folder: string);
    procedure RenameFolder(const FromName, ToName: string);
    procedure DeleteFolder(const Folder: string);

    { Select opens Folder (SELECT, or EXAMINE with ReadOnly) and returns
      its message count.  A failed Select leaves no folder selected. }
    function Select(const Folder: string; AReadOnly: Boolean = False): Integer;
    { Status is a field of the selected folder as text: 'uidvalidity',
      'uidnext', 'exists', 'unseen', 'highestmodseq', 'recent', 'name',
      'readonly'.  MW_E_STATE when no folder is selected; the properties
      below read the same fields. }
    function Status(const Field: string): string;
    property UidValidity: Int64 index 0 read GetStatusNumber;
    property UidNext: Int64 index 1 read GetStatusNumber;
    { Exists is kept current as the server reports new and expunged
      messages (Idle); Unseen asks the server (SEARCH) when read. }
    property Exists: Int64 index 2 read GetStatusNumber;
    property Unseen: Int64 index 3 read GetStatusNumber;
    { HighestModSeq is 0 when the server keeps none (CONDSTORE). }
    property HighestModSeq: Int64 index 4 read GetStatusNumber;
    property Recent: Int64 index 5 read GetStatusNumber;
    property SelectedFolder: string read GetSelectedFolder;
    property ReadOnly: Boolean read GetReadOnly;

    { Search returns the UIDs of the selected folder's messages matching
      Criteria, IMAP SEARCH syntax ('UNSEEN FROM "alice" SINCE 1-Jan-2026';
      '' for all).  Quoted strings may hold UTF-8.  MW_E_ARG, before
      anything is sent, for control characters, an unclosed quote,
      unbalanced parentheses, a literal or unquoted non-ASCII text. }
    function Search(const Criteria: string = ''): TImapUids;
    { Fetch retrieves message Uid (BODY.PEEK[]: \Seen is not set); the
      caller frees it.  MW_E_NOTFOUND when the folder has no such UID. }
    function Fetch(Uid: Int64): TMailMessage;
    procedure FetchTo(Uid: Int64; Msg: TMailMessage);
    { FetchToFile writes message Uid to Path as received; a partly written
      file is removed. }
    procedure FetchToFile(Uid: Int64; const Path: string);
    { FetchMany retrieves the messages Uids into Msgs (as many) with the
      commands pipelined, so that the server sends them back to back.
      Each message's ErrorCode tells how it fared: 0, MW_E_NOTFOUND when
      the server did not return it, or the code that ended the
      connection.  It returns 0 or the first of those codes, and raises
      only when nothing was retrieved (not connected, no folder selected,
      a message given twice, Uids and Msgs of different lengths). }
    function FetchMany(const Uids: array of Int64; const Msgs: array of TMailMessage): Integer; overload;
    { This FetchMany makes the messages, one per UID in order; the caller
      frees them (FreeMessages). }
    function FetchMany(const Uids: array of Int64): TMailMessages; overload;

    { Flags[Uid] are the flags of message Uid, space-separated ('\Seen
      $Label1'; '' for none); writing them replaces them all (SetFlags). }
    function GetFlags(Uid: Int64): string;
    { HasFlag tells whether message Uid has Flag (case-insensitive). }
    function HasFlag(Uid: Int64; const Flag: string): Boolean;
    { Store changes the flags of message Uid (UID STORE); Flags is
      space-separated ('\Seen \Flagged $Work').  MW_E_ARG for a flag that
      is not an atom, or \Recent. }
    procedure Store(Uid: Int64; const AFlags: string; Mode: TImapStoreMode);
    procedure AddFlags(Uid: Int64; const AFlags: string);
    procedure RemoveFlags(Uid: Int64; const AFlags: string);
    procedure SetFlags(Uid: Int64; const AFlags: string);
    property Flags[Uid: Int64]: string read GetFlags write SetFlags;
    { Copy copies message Uid to Folder (UID COPY); MW_E_NOTFOUND when the
      folder does not exist. }
    procedure Copy(Uid: Int64; const Folder: string);
    { Move moves message Uid to Folder: UID MOVE when offered, else UID
      COPY, \Deleted and UID EXPUNGE (without UIDPLUS, EXPUNGE, which also
      removes every other message flagged \Deleted). }
    procedure Move(Uid: Int64; const Folder: string);
    { Expunge removes the messages flagged \Deleted from the selected folder. }
    procedure Expunge;
    { Append adds Msg to Folder (APPEND, streamed) with Flags ('' for
      none) and returns the new message's UID when the server says it
      (UIDPLUS), else 0.  MW_E_TOOBIG over quota, MW_E_NOTFOUND for no such
      folder. }
    function Append(const Folder: string; Msg: TMailMessage; const AFlags: string = ''): Int64;
    { Idle waits up to Seconds for the selected folder to change (IDLE): a
      new message, an expunge, changed flags.  True when it changed (read
      Exists, Search again), False when the time ran out.  Cancel from
      another thread ends the wait with EMailwire MW_E_CANCELLED and,
      unlike other calls, the connection stays open.  MW_E_UNSUPPORTED
      when the server has no IDLE. }
    function Idle(Seconds: Integer): Boolean;

    { Options beside TMailClient's: Token (an OAuth2 access token, sent
      with XOAUTH2 or OAUTHBEARER), AuthMechanism ('auto', 'login' for the
      LOGIN command, or a SASL mechanism), CaFile, Pin, LogFile, Timeout
      (seconds per operation; 0: the library's default), TlsVerify and
      AllowPlaintextAuth (the LOGIN command and PLAIN, LOGIN, XOAUTH2 and
      OAUTHBEARER need TLS unless it is set). }
    property Token: string index 0 read GetImapOption write SetImapOption;
    property AuthMechanism: string index 1 read GetImapOption write SetImapOption;
    property CaFile: string index 2 read GetImapOption write SetImapOption;
    property Pin: string index 3 read GetImapOption write SetImapOption;
    property LogFile: string index 4 read GetImapOption write SetImapOption;
    property Timeout: Integer read GetTimeout write SetTimeout;
    property TlsVerify: Boolean index 6 read GetBoolOption write SetBoolOption;
    property AllowPlaintextAuth: Boolean index 7 read GetBoolOption write SetBoolOption;
  end;

  { TMailServer is the embedded loopback server for tests and demos. }
  TMailServer = class(TMailwireHandle)
  public
    constructor Create;
    procedure SetOption(const Name, Value: string);
    procedure AddUsers(const Users: string);
    procedure Start;
    { Port of 'smtp', 'submission', 'smtps', 'lmtp', 'pop3', 'pop3s', 'imap' or 'imaps'. }
    function Port(const Service: string): Integer;
    function MessageCount(const Mailbox: string = ''): Integer;
    function MessageData(const Mailbox: string; I: Integer): RawByteString;
    procedure Stop;
  end;

{ FreeMessages frees every message of Msgs (those of TImapClient.FetchMany). }
procedure FreeMessages(var Msgs: TMailMessages);
{ ToUtf8 converts a string to the UTF-8 the library takes. }
function ToUtf8(const S: string): UTF8String;
{ FromUtf8 converts a library string to a string ('' for nil). }
function FromUtf8(P: PAnsiChar): string;
function MailwireVersion: string;
function MailwireStrError(Code: Integer): string;
{ MailwireHandleCount is the number of handles open in the library (for
  leak checks in tests). }
function MailwireHandleCount: Integer;
{ The mail transmission types of RFC 3848 and RFC 6531, the "with" keyword
  of a Received header: MailwireWithKeyword('ESMTP', MW_WITH_TLS or
  MW_WITH_AUTH) is 'ESMTPSA' ('' when nothing is registered for the
  combination); MailwireWithFlags gives a keyword's MW_WITH_* flags (-1
  when it is not registered, as TMailMessage.TraceFlags); and
  MailwireWithProtocol its protocol, 'SMTP', 'ESMTP' or 'LMTP' (''). }
function MailwireWithKeyword(const Protocol: string; Flags: Integer): string;
function MailwireWithFlags(const Keyword: string): Integer;
function MailwireWithProtocol(const Keyword: string): string;
{ CheckMailwireVersion raises EMailwireVersion unless the library has the
  major version this unit was written for and is at least as new as the
  unit (a later minor version only adds functions and codes). }
procedure CheckMailwireVersion;

implementation

const
  MessageFields: array[0..9] of string = ('From', 'Subject', 'TextBody', 'HtmlBody',
    'ReplyTo', 'Priority', 'MessageId', 'Date', 'To', 'Cc');
  ClientOptions: array[0..4] of string = ('host', 'port', 'security', 'username', 'password');

function ToUtf8(const S: string): UTF8String;
begin
{$IFDEF UNICODE}
  Result := UTF8Encode(S);
{$ELSE}
  SetString(Result, PAnsiChar(S), Length(S));
{$ENDIF}
end;

function FromUtf8(P: PAnsiChar): string;
begin
  if P = nil then
  begin
    Result := '';
    Exit;
  end;
{$IFDEF UNICODE}
  Result := UTF8ToString(P);
{$ELSE}
  Result := P;
{$ENDIF}
end;

{ OptUtf8 is nil for '', so that optional arguments reach the library as
  NULL; the caller keeps Buf alive for the call. }
function OptUtf8(const S: string; var Buf: UTF8String): PAnsiChar;
begin
  if S = '' then
  begin
    Result := nil;
    Exit;
  end;
  Buf := ToUtf8(S);
  Result := PAnsiChar(Buf);
end;

{ TakeBuffer copies a buffer the library allocated and frees it. }
function TakeBuffer(P: PAnsiChar; Len: NativeUInt): RawByteString;
begin
  SetString(Result, P, Len);
  mw_free(P);
end;

function MailwireVersion: string;
begin
  Result := FromUtf8(mw_version);
end;

function MailwireStrError(Code: Integer): string;
begin
  Result := FromUtf8(mw_strerror(Code));
end;

function MailwireHandleCount: Integer;
begin
  Result := mw_handle_count;
end;

function MailwireWithKeyword(const Protocol: string; Flags: Integer): string;
begin
  Result := FromUtf8(mw_with_keyword(PAnsiChar(ToUtf8(Protocol)), Flags));
end;

function MailwireWithFlags(const Keyword: string): Integer;
begin
  Result := mw_with_flags(PAnsiChar(ToUtf8(Keyword)));
  if Result < 0 then
    Result := -1;
end;

function MailwireWithProtocol(const Keyword: string): string;
begin
  Result := FromUtf8(mw_with_protocol(PAnsiChar(ToUtf8(Keyword))));
end;

procedure CheckMailwireVersion;
var
  E: EMailwireVersion;
  V: Integer;
begin
  V := mw_version_number;
  if (V div 10000 = MailwireUnitVersionNumber div 10000) and (V >= MailwireUnitVersionNumber) then
    Exit;
  E := EMailwireVersion.CreateFmt('Mailwire library version %s does not match this Mailwire.pas, ' +
    'which needs %s or a later %d.x: use the unit that came with the library, or that library',
    [MailwireVersion, MailwireUnitVersion, MailwireUnitVersionNumber div 10000]);
  E.FLibraryVersion := MailwireVersion;
  raise E;
end;

{ EMailwire }

constructor EMailwire.CreateCode(ACode: Integer; const Detail: string);
var
  Text: string;
begin
  Text := MailwireStrError(ACode);
  if (Detail <> '') and (Detail <> Text) then
    Text := Text + ': ' + Detail;
  inherited Create(Text);
  FCode := ACode;
end;

{ TMailwireHandle }

constructor TMailwireHandle.CreateHandle(AHandle: Integer);
begin
  inherited Create;
  if AHandle <= 0 then
    raise EMailwire.CreateCode(AHandle, '');
  FHandle := AHandle;
end;

destructor TMailwireHandle.Destroy;
begin
  if FHandle > 0 then
    mw_close(FHandle);
  FHandle := 0;
  inherited Destroy;
end;

procedure TMailwireHandle.Check(Rc: Integer);
begin
  if Rc < 0 then
    raise EMailwire.CreateCode(Rc, LastError);
end;

function TMailwireHandle.CheckStr(P: PAnsiChar): string;
begin
  if P = nil then
    Check(mw_errcode(FHandle));
  Result := FromUtf8(P);
end;

function TMailwireHandle.LastError: string;
begin
  Result := FromUtf8(mw_errmsg(FHandle));
end;

function TMailwireHandle.ErrorCode: Integer;
begin
  Result := mw_errcode(FHandle);
end;

{ HandleArray lists the handles of Msgs; Ptr is nil for none. }
function HandleArray(const Msgs: array of TMailMessage; out Ptr: PInteger): TArrayOfInteger;
var
  I: Integer;
begin
  Result := nil;
  SetLength(Result, Length(Msgs));
  for I := 0 to High(Msgs) do
    Result[I] := Msgs[I].Handle;
  if Length(Result) = 0 then
    Ptr := nil
  else
    Ptr := @Result[0];
end;

{ TMailMessage }

constructor TMailMessage.Create;
begin
  CreateHandle(mw_message_new);
end;

function TMailMessage.GetField(const Name: string): string;
begin
  Result := FromUtf8(mw_message_get(FHandle, PAnsiChar(ToUtf8(Name))));
end;

procedure TMailMessage.SetField(const Name, Value: string);
begin
  Check(mw_message_set(FHandle, PAnsiChar(ToUtf8(Name)), PAnsiChar(ToUtf8(Value))));
end;

function TMailMessage.GetIndexed(Index: Integer): string;
begin
  Result := GetField(MessageFields[Index]);
end;

procedure TMailMessage.SetIndexed(Index: Integer; const Value: string);
begin
  SetField(MessageFields[Index], Value);
end;

procedure TMailMessage.AddTo(const Addresses: string);
begin
  Check(mw_message_add_to(FHandle, PAnsiChar(ToUtf8(Addresses))));
end;

procedure TMailMessage.AddCc(const Addresses: string);
begin
  Check(mw_message_add_cc(FHandle, PAnsiChar(ToUtf8(Addresses))));
end;

procedure TMailMessage.AddBcc(const Addresses: string);
begin
  Check(mw_message_add_bcc(FHandle, PAnsiChar(ToUtf8(Addresses))));
end;

procedure TMailMessage.AttachFile(const Path, Name, ContentType: string);
var
  B1, B2: UTF8String;
begin
  Check(mw_message_attach_file(FHandle, PAnsiChar(ToUtf8(Path)), OptUtf8(Name, B1),
    OptUtf8(ContentType, B2)));
end;

procedure TMailMessage.AttachData(const Data: RawByteString; const Name, ContentType: string);
var
  B: UTF8String;
begin
  Check(mw_message_attach_data(FHandle, PAnsiChar(Data), Length(Data), PAnsiChar(ToUtf8(Name)),
    OptUtf8(ContentType, B)));
end;

procedure TMailMessage.EmbedFile(const Path, ContentId: string);
begin
  Check(mw_message_embed_file(FHandle, PAnsiChar(ToUtf8(Path)), PAnsiChar(ToUtf8(ContentId))));
end;

function TMailMessage.Mime: RawByteString;
var
  P: PAnsiChar;
  Len: NativeUInt;
begin
  Check(mw_message_mime(FHandle, P, Len));
  Result := TakeBuffer(P, Len);
end;

function TMailMessage.Size: Int64;
begin
  Result := mw_message_size(FHandle);
  if Result < 0 then
    Check(Integer(Result));
end;

procedure TMailMessage.SaveToFile(const Path: string);
begin
  Check(mw_message_save(FHandle, PAnsiChar(ToUtf8(Path))));
end;

procedure TMailMessage.LoadFromFile(const Path: string);
begin
  Check(mw_message_load(FHandle, PAnsiChar(ToUtf8(Path))));
end;

procedure TMailMessage.Parse(const Data: RawByteString);
begin
  Check(mw_message_parse(FHandle, PAnsiChar(Data), Length(Data)));
end;

function TMailMessage.AttachmentCount: Integer;
begin
  Result := mw_message_attachment_count(FHandle);
  Check(Result);
end;

function TMailMessage.Attachment(I: Integer; const Field: string): string;
begin
  Result := CheckStr(mw_message_attachment(FHandle, I, PAnsiChar(ToUtf8(Field))));
end;

function TMailMessage.AttachmentData(I: Integer): RawByteString;
var
  P: PAnsiChar;
  Len: NativeUInt;
begin
  Check(mw_message_attachment_data(FHandle, I, P, Len));
  Result := TakeBuffer(P, Len);
end;

procedure TMailMessage.SaveAttachment(I: Integer; const Path: string);
begin
  Check(mw_message_attachment_save(FHandle, I, PAnsiChar(ToUtf8(Path))));
end;

function TMailMessage.TraceCount: Integer;
begin
  Result := mw_message_trace_count(FHandle);
  Check(Result);
end;

function TMailMessage.Trace(Hop: Integer; const Field: string): string;
begin
  Result := FromUtf8(mw_message_trace(FHandle, Hop, PAnsiChar(ToUtf8(Field))));
end;

function TMailMessage.TraceFlags(Hop: Integer): Integer;
begin
  Result := mw_message_trace_flags(FHandle, Hop);
  if Result = MW_E_NOTFOUND then
    Result := -1
  else
    Check(Result);
end;

function TMailMessage.ResultCount: Integer;
begin
  Result := mw_smtp_result_count(FHandle);
  Check(Result);
end;

function TMailMessage.ResultField(I: Integer; const Field: string): string;
begin
  Result := FromUtf8(mw_smtp_result(FHandle, I, PAnsiChar(ToUtf8(Field))));
end;

{ TMailClient }

{ ProgressTrampoline is the cdecl callback that forwards to OnProgress;
  the library calls it on the thread that made the call. }
procedure ProgressTrampoline(User: Pointer; Done, Total: Int64); cdecl;
var
  C: TMailClient;
begin
  C := TMailClient(User);
  try
    if Assigned(C.FOnProgress) then
      C.FOnProgress(C, Done, Total);
  except
    { An exception must not unwind through the library. }
  end;
end;

procedure TMailClient.SetOnProgress(Value: TMwProgressEvent);
begin
  FOnProgress := Value;
  if Assigned(Value) then
    Check(mw_set_progress(FHandle, ProgressTrampoline, Self))
  else
    Check(mw_set_progress(FHandle, nil, nil));
end;

{ LogTrampoline is the cdecl callback that forwards to OnLog. }
procedure LogTrampoline(User: Pointer; Line: PAnsiChar); cdecl;
var
  C: TMailClient;
begin
  C := TMailClient(User);
  try
    if Assigned(C.FOnLog) then
      C.FOnLog(C, FromUtf8(Line));
  except
    { An exception must not unwind through the library. }
  end;
end;

procedure TMailClient.SetOnLog(Value: TMwLogEvent);
begin
  if Assigned(Value) then
    Check(mw_set_log(FHandle, LogTrampoline, Self))
  else
    Check(mw_set_log(FHandle, nil, nil));
  FOnLog := Value;
end;

function TMailClient.GetIndexed(Index: Integer): string;
begin
  Result := FOptions[Index];
end;

procedure TMailClient.SetIndexed(Index: Integer; const Value: string);
begin
  SetOption(ClientOptions[Index], Value);
  FOptions[Index] := Value;
end;

procedure TMailClient.SetOption(const Name, Value: string);
begin
  Check(SetOpt(Name, Value));
end;

procedure TMailClient.Connect(const AHost: string; APort: Integer; const ASecurity: string);
begin
  Host := AHost;
  Port := IntToStr(APort);
  if ASecurity <> '' then
    Security := ASecurity;
  Connect;
end;

procedure TMailClient.Authenticate(const AUsername, APassword: string);
begin
  if FOAuth2 <> nil then
  begin
    Check(UseOAuth2(0));
    FOAuth2 := nil;
  end;
  Username := AUsername;
  Password := APassword;
end;

procedure TMailClient.Authenticate(const AUsername: string; OAuth: TMailOAuth2);
var
  H: Integer;
begin
  H := 0;
  if OAuth <> nil then
    H := OAuth.Handle;
  Check(UseOAuth2(H));
  FOAuth2 := OAuth;
  Username := AUsername;
end;

procedure TMailClient.Cancel;
begin
  mw_cancel(FHandle);
end;

{ TSmtpClient }

constructor TSmtpClient.Create;
begin
  CreateHandle(mw_smtp_new);
end;

function TSmtpClient.SetOpt(const Name, Value: string): Integer;
begin
  Result := mw_smtp_set(FHandle, PAnsiChar(ToUtf8(Name)), PAnsiChar(ToUtf8(Value)));
end;

function TSmtpClient.UseOAuth2(OAuth: Integer): Integer;
begin
  Result := mw_smtp_use_oauth2(FHandle, OAuth);
end;

procedure TSmtpClient.Connect;
begin
  Check(mw_smtp_connect(FHandle));
end;

function TSmtpClient.Send(Msg: TMailMessage): Integer;
begin
  Result := mw_smtp_send(FHandle, Msg.Handle);
  if Result <> MW_E_PARTIAL then
    Check(Result);
end;

function TSmtpClient.SendMany(const Msgs: array of TMailMessage): TMwSendOutcomes;
var
  Handles: TArrayOfInteger;
  P: PInteger;
  I, Rc: Integer;
begin
  Handles := HandleArray(Msgs, P);
  Rc := mw_smtp_send_many(FHandle, P, Length(Handles));
  if (Rc < 0) and (Rc > MW_E_PARTIAL) then
    Check(Rc); { the caller erred: nothing was sent }
  Result := nil;
  SetLength(Result, Length(Msgs));
  for I := 0 to High(Msgs) do
  begin
    Result[I].Code := Msgs[I].ErrorCode;
    if Result[I].Code < 0 then
      Result[I].ErrorText := Msgs[I].LastError
    else
      Result[I].ErrorText := '';
  end;
end;

procedure TSmtpClient.Disconnect;
begin
  Check(mw_smtp_disconnect(FHandle));
end;

function TSmtpClient.ResultCount: Integer;
begin
  Result := mw_smtp_result_count(FHandle);
  Check(Result);
end;

function TSmtpClient.ResultField(I: Integer; const Field: string): string;
begin
  Result := FromUtf8(mw_smtp_result(FHandle, I, PAnsiChar(ToUtf8(Field))));
end;

function TSmtpClient.ReplyCode: Integer;
begin
  Result := mw_smtp_reply_code(FHandle);
  Check(Result);
end;

function TSmtpClient.Reply: string;
begin
  Result := FromUtf8(mw_smtp_reply(FHandle));
end;

function TSmtpClient.Capabilities: string;
begin
  Result := FromUtf8(mw_smtp_capabilities(FHandle));
end;

class function TSmtpClient.SendUrl(const Url: string; Msg: TMailMessage): Integer;
begin
  Result := mw_send(PAnsiChar(ToUtf8(Url)), Msg.Handle);
  if Result <> MW_E_PARTIAL then
    Msg.Check(Result);
end;

{ TSmtpPool }

constructor TSmtpPool.Create;
begin
  CreateHandle(mw_pool_new);
end;

procedure TSmtpPool.SetOption(const Name, Value: string);
begin
  Check(mw_pool_set(FHandle, PAnsiChar(ToUtf8(Name)), PAnsiChar(ToUtf8(Value))));
end;

function TSmtpPool.Send(Msg: TMailMessage): Integer;
begin
  Result := mw_pool_send(FHandle, Msg.Handle);
  if Result <> MW_E_PARTIAL then
    Msg.Check(Result);
end;

procedure TSmtpPool.Authenticate(const AUsername: string; OAuth: TMailOAuth2);
begin
  SetOption('username', AUsername);
  Check(mw_pool_use_oauth2(FHandle, OAuth.Handle));
end;

{ TMailOAuth2 }

constructor TMailOAuth2.Create;
begin
  CreateHandle(mw_oauth2_new);
end;

procedure TMailOAuth2.SetOption(const Name, Value: string);
begin
  Check(mw_oauth2_set(FHandle, PAnsiChar(ToUtf8(Name)), PAnsiChar(ToUtf8(Value))));
end;

function TMailOAuth2.Token: string;
var
  P: PAnsiChar;
begin
  P := mw_oauth2_token(FHandle);
  if P = nil then
    raise EMailwire.CreateCode(mw_errcode(FHandle), LastError);
  Result := FromUtf8(P);
end;

function TMailOAuth2.Get(const Field: string): string;
begin
  Result := CheckStr(mw_oauth2_get(FHandle, PAnsiChar(ToUtf8(Field))));
end;

procedure TMailOAuth2.DeviceStart;
begin
  Check(mw_oauth2_device_start(FHandle));
end;

function TMailOAuth2.DevicePoll: Boolean;
var
  Rc: Integer;
begin
  Rc := mw_oauth2_device_poll(FHandle);
  Check(Rc);
  Result := Rc = 0;
end;

procedure TMailOAuth2.Cancel;
begin
  mw_cancel(FHandle);
end;

function TMailOAuth2.GetRefreshToken: string;
begin
  Result := Get('refresh_token');
end;

procedure TMailOAuth2.SetRefreshToken(const Value: string);
begin
  SetOption('refresh_token', Value);
end;

{ TPop3Client }

constructor TPop3Client.Create;
begin
  CreateHandle(mw_pop3_new);
end;

function TPop3Client.UseOAuth2(OAuth: Integer): Integer;
begin
  Result := mw_pop3_use_oauth2(FHandle, OAuth);
end;

function TPop3Client.SetOpt(const Name, Value: string): Integer;
begin
  Result := mw_pop3_set(FHandle, PAnsiChar(ToUtf8(Name)), PAnsiChar(ToUtf8(Value)));
end;

procedure TPop3Client.Connect;
begin
  Check(mw_pop3_connect(FHandle));
end;

function TPop3Client.Count: Integer;
begin
  Result := mw_pop3_count(FHandle);
  Check(Result);
end;

function TPop3Client.MessageSize(Number: Integer): Int64;
begin
  Result := mw_pop3_size(FHandle, Number);
  if Result < 0 then
    Check(Integer(Result));
end;

function TPop3Client.MessageUid(Number: Integer): string;
begin
  Result := CheckStr(mw_pop3_uid(FHandle, Number));
end;

function TPop3Client.GetMessage(Number: Integer): TMailMessage;
begin
  Result := TMailMessage.Create;
  try
    RetrieveTo(Number, Result);
  except
    Result.Free;
    raise;
  end;
end;

procedure TPop3Client.RetrieveTo(Number: Integer; Msg: TMailMessage);
begin
  Check(mw_pop3_retrieve(FHandle, Number, Msg.Handle));
end;

procedure TPop3Client.RetrieveToFile(Number: Integer; const Path: string);
begin
  Check(mw_pop3_retrieve_file(FHandle, Number, PAnsiChar(ToUtf8(Path))));
end;

function TPop3Client.RetrieveData(Number: Integer): RawByteString;
var
  P: PAnsiChar;
  Len: NativeUInt;
begin
  Check(mw_pop3_retrieve_data(FHandle, Number, P, Len));
  Result := TakeBuffer(P, Len);
end;

function TPop3Client.RetrieveMany(First: Integer; const Msgs: array of TMailMessage; Delete: Boolean): Integer;
var
  Handles: TArrayOfInteger;
  P: PInteger;
begin
  Handles := HandleArray(Msgs, P);
  Result := mw_pop3_retrieve_many(FHandle, First, Length(Handles), P, Ord(Delete));
  if (Result < 0) and (Result > MW_E_PARTIAL) and (Result <> MW_E_NOTFOUND) then
    Check(Result);
end;

function TPop3Client.GetHeaders(Number, Lines: Integer): TMailMessage;
begin
  Result := TMailMessage.Create;
  try
    Check(mw_pop3_top(FHandle, Number, Lines, Result.Handle));
  except
    Result.Free;
    raise;
  end;
end;

procedure TPop3Client.DeleteMessage(Number: Integer);
begin
  Check(mw_pop3_delete(FHandle, Number));
end;

procedure TPop3Client.Reset;
begin
  Check(mw_pop3_reset(FHandle));
end;

function TPop3Client.Capabilities: string;
begin
  Result := FromUtf8(mw_pop3_capabilities(FHandle));
end;

procedure TPop3Client.Disconnect;
begin
  Check(mw_pop3_disconnect(FHandle));
end;

{ TImapClient }

const
  ImapOptionNames: array[0..7] of string = ('token', 'auth', 'ca_file', 'pin', 'log_file', 'timeout',
    'tls_verify', 'allow_plaintext_auth');
  ImapStatusFields: array[0..5] of string = ('uidvalidity', 'uidnext', 'exists', 'unseen',
    'highestmodseq', 'recent');
  ImapStoreModes: array[TImapStoreMode] of Integer = (0, 1, -1);

{ HasWord tells whether Word is one of the items of List, separated by Sep,
  ignoring case. }
function HasWord(const List, Word: string; Sep: Char): Boolean;
var
  Start, I: Integer;
begin
  Result := False;
  Start := 1;
  for I := 1 to Length(List) + 1 do
    if (I > Length(List)) or (List[I] = Sep) then
    begin
      if SameText(System.Copy(List, Start, I - Start), Word) then
      begin
        Result := True;
        Exit;
      end;
      Start := I + 1;
    end;
end;

procedure FreeMessages(var Msgs: TMailMessages);
var
  I: Integer;
begin
  for I := 0 to High(Msgs) do
    FreeAndNil(Msgs[I]);
  Msgs := nil;
end;

constructor TImapClient.Create;
begin
  CreateHandle(mw_imap_new);
end;

function TImapClient.SetOpt(const Name, Value: string): Integer;
var
  Key: string;
  I: Integer;
begin
  Result := mw_imap_set(FHandle, PAnsiChar(ToUtf8(Name)), PAnsiChar(ToUtf8(Value)));
  if Result < 0 then
    Exit;
  { The properties read back what was set, by either way. }
  Key := LowerCase(Trim(Name));
  for I := 0 to High(ImapOptionNames) do
    if ImapOptionNames[I] = Key then
      FImapOptions[I] := Value;
  for I := 0 to High(ClientOptions) do
    if ClientOptions[I] = Key then
      FOptions[I] := Value;
end;

function TImapClient.UseOAuth2(OAuth: Integer): Integer;
begin
  Result := mw_imap_use_oauth2(FHandle, OAuth);
end;

function TImapClient.GetImapOption(Index: Integer): string;
begin
  Result := FImapOptions[Index];
end;

procedure TImapClient.SetImapOption(Index: Integer; const Value: string);
begin
  SetOption(ImapOptionNames[Index], Value);
end;

function TImapClient.GetBoolOption(Index: Integer): Boolean;
var
  V: string;
begin
  V := LowerCase(Trim(FImapOptions[Index]));
  if V = '' then
    Result := Index = 6 { tls_verify is on by default }
  else
    Result := (V = '1') or (V = 'true') or (V = 'yes') or (V = 'on');
end;

procedure TImapClient.SetBoolOption(Index: Integer; Value: Boolean);
begin
  SetOption(ImapOptionNames[Index], IntToStr(Ord(Value)));
end;

function TImapClient.GetTimeout: Integer;
begin
  Result := StrToIntDef(FImapOptions[5], 0);
end;

procedure TImapClient.SetTimeout(Value: Integer);
begin
  SetOption('timeout', IntToStr(Value));
end;

procedure TImapClient.Forget;
begin
  FFolders := nil;
  FListed := False;
end;

procedure TImapClient.Connect;
begin
  Forget;
  Check(mw_imap_connect(FHandle));
end;

procedure TImapClient.Disconnect;
begin
  Forget;
  Check(mw_imap_disconnect(FHandle));
end;

function TImapClient.Capabilities: string;
begin
  Result := FromUtf8(mw_imap_capabilities(FHandle));
end;

function TImapClient.HasCapability(const Name: string): Boolean;
begin
  Result := HasWord(Capabilities, Name, #10);
end;

function TImapClient.ListFolders: Integer;
var
  I: Integer;
  F: TImapFolders;

  function Field(const Name: string): string;
  begin
    Result := CheckStr(mw_imap_folder(FHandle, I, PAnsiChar(ToUtf8(Name))));
  end;

begin
  Forget;
  Result := mw_imap_folder_count(FHandle);
  Check(Result);
  F := nil;
  SetLength(F, Result);
  for I := 0 to Result - 1 do
  begin
    F[I].Name := Field('name');
    F[I].Delimiter := Field('delimiter');
    F[I].Flags := Field('flags');
    F[I].SpecialUse := Field('special_use');
    F[I].Messages := StrToInt64Def(Field('messages'), -1);
    F[I].Unseen := StrToInt64Def(Field('unseen'), -1);
    F[I].UidNext := StrToInt64Def(Field('uidnext'), -1);
    F[I].UidValidity := StrToInt64Def(Field('uidvalidity'), -1);
  end;
  FFolders := F;
  FListed := True;
end;

function TImapClient.GetFolderCount: Integer;
begin
  if not FListed then
    ListFolders;
  Result := Length(FFolders);
end;

function TImapClient.GetFolder(I: Integer): TImapFolder;
begin
  if (I < 0) or (I >= FolderCount) then
    raise EMailwire.CreateCode(MW_E_NOTFOUND, Format('no folder %d: there are %d', [I, Length(FFolders)]));
  Result := FFolders[I];
end;

function TImapClient.FolderOf(const SpecialUse: string): string;
var
  I: Integer;
begin
  for I := 0 to FolderCount - 1 do
    if SameText(FFolders[I].SpecialUse, SpecialUse) then
    begin
      Result := FFolders[I].Name;
      Exit;
    end;
  Result := '';
end;

procedure TImapClient.CreateFolder(const Folder: string);
begin
  Forget;
  Check(mw_imap_create(FHandle, PAnsiChar(ToUtf8(Folder))));
end;

procedure TImapClient.RenameFolder(const FromName, ToName: string);
begin
  Forget;
  Check(mw_imap_rename(FHandle, PAnsiChar(ToUtf8(FromName)), PAnsiChar(ToUtf8(ToName))));
end;

procedure TImapClient.DeleteFolder(const Folder: string);
begin
  Forget;
  Check(mw_imap_delete_folder(FHandle, PAnsiChar(ToUtf8(Folder))));
end;

function TImapClient.Select(const Folder: string; AReadOnly: Boolean): Integer;
begin
  Result := mw_imap_select(FHandle, PAnsiChar(ToUtf8(Folder)), Ord(AReadOnly));
  Check(Result);
end;

function TImapClient.Status(const Field: string): string;
begin
  Result := CheckStr(mw_imap_status(FHandle, PAnsiChar(ToUtf8(Field))));
end;

function TImapClient.GetStatusNumber(Index: Integer): Int64;
begin
  Result := StrToInt64Def(Status(ImapStatusFields[Index]), 0);
end;

function TImapClient.GetSelectedFolder: string;
begin
  Result := Status('name');
end;

function TImapClient.GetReadOnly: Boolean;
begin
  Result := Status('readonly') = '1';
end;

function TImapClient.Search(const Criteria: string): TImapUids;
var
  N, I: Integer;
  Uid: Int64;
begin
  N := mw_imap_search(FHandle, PAnsiChar(ToUtf8(Criteria)));
  Check(N);
  Result := nil;
  SetLength(Result, N);
  for I := 0 to N - 1 do
  begin
    Uid := mw_imap_search_uid(FHandle, I);
    if Uid < 0 then
      Check(Integer(Uid));
    Result[I] := Uid;
  end;
end;

function TImapClient.Fetch(Uid: Int64): TMailMessage;
begin
  Result := TMailMessage.Create;
  try
    FetchTo(Uid, Result);
  except
    Result.Free;
    raise;
  end;
end;

procedure TImapClient.FetchTo(Uid: Int64; Msg: TMailMessage);
begin
  Check(mw_imap_fetch(FHandle, Uid, Msg.Handle));
end;

procedure TImapClient.FetchToFile(Uid: Int64; const Path: string);
begin
  Check(mw_imap_fetch_file(FHandle, Uid, PAnsiChar(ToUtf8(Path))));
end;

function TImapClient.FetchMany(const Uids: array of Int64; const Msgs: array of TMailMessage): Integer;
var
  Ids: TImapUids;
  Handles: TArrayOfInteger;
  P: PInteger;
  U: PInt64;
  I: Integer;
begin
  if Length(Uids) <> Length(Msgs) then
    raise EMailwire.CreateCode(MW_E_ARG, Format('FetchMany: %d UIDs but %d messages', [Length(Uids), Length(Msgs)]));
  Ids := nil;
  SetLength(Ids, Length(Uids));
  for I := 0 to High(Uids) do
    Ids[I] := Uids[I];
  U := nil;
  if Length(Ids) > 0 then
    U := @Ids[0];
  Handles := HandleArray(Msgs, P);
  Result := mw_imap_fetch_many(FHandle, U, Length(Handles), P);
  if (Result < 0) and (Result > MW_E_PARTIAL) and (Result <> MW_E_NOTFOUND) then
    Check(Result); { the caller erred: nothing was retrieved }
end;

function TImapClient.FetchMany(const Uids: array of Int64): TMailMessages;
var
  I: Integer;
begin
  Result := nil;
  SetLength(Result, Length(Uids));
  try
    for I := 0 to High(Result) do
      Result[I] := TMailMessage.Create;
    FetchMany(Uids, Result);
  except
    FreeMessages(Result);
    raise;
  end;
end;

function TImapClient.GetFlags(Uid: Int64): string;
begin
  Result := CheckStr(mw_imap_flags(FHandle, Uid));
end;

function TImapClient.HasFlag(Uid: Int64; const Flag: string): Boolean;
begin
  Result := HasWord(GetFlags(Uid), Flag, ' ');
end;

procedure TImapClient.Store(Uid: Int64; const AFlags: string; Mode: TImapStoreMode);
begin
  Check(mw_imap_store(FHandle, Uid, PAnsiChar(ToUtf8(AFlags)), ImapStoreModes[Mode]));
end;

procedure TImapClient.AddFlags(Uid: Int64; const AFlags: string);
begin
  Store(Uid, AFlags, smAdd);
end;

procedure TImapClient.RemoveFlags(Uid: Int64; const AFlags: string);
begin
  Store(Uid, AFlags, smRemove);
end;

procedure TImapClient.SetFlags(Uid: Int64; const AFlags: string);
begin
  Store(Uid, AFlags, smSet);
end;

procedure TImapClient.Copy(Uid: Int64; const Folder: string);
begin
  Check(mw_imap_copy(FHandle, Uid, PAnsiChar(ToUtf8(Folder))));
end;

procedure TImapClient.Move(Uid: Int64; const Folder: string);
begin
  Check(mw_imap_move(FHandle, Uid, PAnsiChar(ToUtf8(Folder))));
end;

procedure TImapClient.Expunge;
begin
  Check(mw_imap_expunge(FHandle));
end;

function TImapClient.Append(const Folder: string; Msg: TMailMessage; const AFlags: string): Int64;
var
  B: UTF8String;
begin
  Result := mw_imap_append(FHandle, PAnsiChar(ToUtf8(Folder)), Msg.Handle, OptUtf8(AFlags, B));
  if Result < 0 then
    Check(Integer(Result));
end;

function TImapClient.Idle(Seconds: Integer): Boolean;
var
  Rc: Integer;
begin
  Rc := mw_imap_idle(FHandle, Seconds);
  Check(Rc);
  Result := Rc > 0;
end;

{ TMailServer }

constructor TMailServer.Create;
begin
  CreateHandle(mw_server_new);
end;

procedure TMailServer.SetOption(const Name, Value: string);
begin
  Check(mw_server_set(FHandle, PAnsiChar(ToUtf8(Name)), PAnsiChar(ToUtf8(Value))));
end;

procedure TMailServer.AddUsers(const Users: string);
begin
  SetOption('users', Users);
end;

procedure TMailServer.Start;
begin
  Check(mw_server_start(FHandle));
end;

function TMailServer.Port(const Service: string): Integer;
begin
  Result := mw_server_port(FHandle, PAnsiChar(ToUtf8(Service)));
  Check(Result);
end;

function TMailServer.MessageCount(const Mailbox: string): Integer;
begin
  Result := mw_server_message_count(FHandle, PAnsiChar(ToUtf8(Mailbox)));
  Check(Result);
end;

function TMailServer.MessageData(const Mailbox: string; I: Integer): RawByteString;
var
  P: PAnsiChar;
  Len: NativeUInt;
begin
  Check(mw_server_message(FHandle, PAnsiChar(ToUtf8(Mailbox)), I, P, Len));
  Result := TakeBuffer(P, Len);
end;

procedure TMailServer.Stop;
begin
  Check(mw_server_stop(FHandle));
end;

end.
