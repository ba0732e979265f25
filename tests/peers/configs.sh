# shellcheck shell=bash
# configs.sh - config writers for start.sh (sourced, not run).
# Each template is a quoted here-document; @NAME@ placeholders are filled by fill.

# fill replaces the @NAME@ placeholders of stdin with the values of the
# variables of the same name (D is the instance directory).
fill() {
	sed -e "s|@D@|${D-}|g" \
		-e "s|@INSTANCE@|${INSTANCE-}|g" \
		-e "s|@LISTEN@|${LISTEN-}|g" \
		-e "s|@EXIM_LISTEN@|${EXIM_LISTEN-}|g" \
		-e "s|@MECHS@|$DOVECOT_AUTH_MECHS|g" \
		-e "s|@POP3_PORT@|$POP3_PORT|g" \
		-e "s|@POP3S_PORT@|$POP3S_PORT|g" \
		-e "s|@IMAP_PORT@|$IMAP_PORT|g" \
		-e "s|@IMAPS_PORT@|$IMAPS_PORT|g" \
		-e "s|@LMTP_PORT@|$LMTP_PORT|g" \
		-e "s|@SUBMISSION_PORT@|$SUBMISSION_PORT|g" \
		-e "s|@SUBMISSIONS_PORT@|$SUBMISSIONS_PORT|g" \
		-e "s|@SMTP_PORT@|$SMTP_PORT|g" \
		-e "s|@SMTPS_PORT@|$SMTPS_PORT|g" \
		-e "s|@PASSWORD@|$PEERS_PASSWORD|g"
}

# write_dovecot_conf writes DIR/dovecot/dovecot.conf: POP3 (+STLS, APOP), POP3S,
# IMAP (+STARTTLS), IMAPS,
# LMTP (STARTTLS offered), submission (STARTTLS) and submissions (implicit TLS),
# relaying to Exim with STARTTLS and AUTH.
write_dovecot_conf() {
	local D=$1 INSTANCE LISTEN
	INSTANCE=$(basename "$D")
	LISTEN=127.0.0.1${PEERS_ALT_ADDR:+, $PEERS_ALT_ADDR}
	mkdir -p "$D/dovecot/run" "$D/dovecot/state" "$D/dovecot/log"
	fill >"$D/dovecot/dovecot.conf" <<'EOF'
# Dovecot for Mailwire's end-to-end tests (written by tests/peers/start.sh).
instance_name = @INSTANCE@
base_dir = @D@/dovecot/run
state_dir = @D@/dovecot/state
log_path = @D@/dovecot/log/dovecot.log
protocols = imap pop3 lmtp submission
listen = @LISTEN@
hostname = dovecot.test
ssl = yes
ssl_cert = <@D@/tls/cert.pem
ssl_key = <@D@/tls/key.pem
ssl_client_ca_file = @D@/tls/cert.pem
disable_plaintext_auth = yes
auth_mechanisms = @MECHS@
auth_verbose = yes
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n @D@/dovecot/users
}
userdb {
  driver = passwd-file
  args = username_format=%n @D@/dovecot/users
}
mail_location = maildir:~/Maildir
pop3_uidl_format = %08Xu%08Xv
service pop3-login {
  inet_listener pop3 {
    port = @POP3_PORT@
  }
  inet_listener pop3s {
    port = @POP3S_PORT@
    ssl = yes
  }
}
service imap-login {
  inet_listener imap {
    port = @IMAP_PORT@
  }
  inet_listener imaps {
    port = @IMAPS_PORT@
    ssl = yes
  }
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \Drafts
    auto = create
  }
  mailbox Sent {
    special_use = \Sent
    auto = create
  }
  mailbox Trash {
    special_use = \Trash
    auto = create
  }
  mailbox Junk {
    special_use = \Junk
  }
}
service lmtp {
  inet_listener lmtp {
    port = @LMTP_PORT@
  }
}
service submission-login {
  inet_listener submission {
    port = @SUBMISSION_PORT@
  }
  inet_listener submissions {
    port = @SUBMISSIONS_PORT@
    ssl = yes
  }
}
submission_relay_host = 127.0.0.1
submission_relay_port = @SMTP_PORT@
submission_relay_ssl = starttls
submission_relay_ssl_verify = yes
submission_relay_user = alice
submission_relay_password = @PASSWORD@
EOF
}

# write_exim_conf writes DIR/exim/exim.conf: SMTP with STARTTLS and SMTPS,
# AUTH PLAIN/LOGIN only under TLS, local domains to Dovecot LMTP, other
# domains (authenticated senders only) to the sink Maildir.
write_exim_conf() {
	local D=$1 EXIM_LISTEN
	EXIM_LISTEN="127.0.0.1${PEERS_ALT_ADDR:+ ; $PEERS_ALT_ADDR}"
	mkdir -p "$D/exim/spool" "$D/exim/log" "$D/exim/run" "$D/sink"
	fill >"$D/exim/exim.conf" <<'EOF'
# Exim for Mailwire's end-to-end tests (written by tests/peers/start.sh).
primary_hostname = mta.test
qualify_domain = mta.test
domainlist local_domains = dovecot.test : mta.test : localhost
local_interfaces = <; @EXIM_LISTEN@
daemon_smtp_ports = @SMTP_PORT@ : @SMTPS_PORT@
# A port taken by someone else ends the daemon at once (start.sh then tries
# other ports) instead of retrying for minutes.
daemon_startup_retries = 0
tls_on_connect_ports = @SMTPS_PORT@
spool_directory = @D@/exim/spool
log_file_path = @D@/exim/log/%slog
pid_file_path = @D@/exim/run/exim.pid
exim_user = Debian-exim
exim_group = Debian-exim
never_users = root
keep_environment =
host_lookup =
rfc1413_hosts =
message_size_limit = 50M
tls_advertise_hosts = *
tls_certificate = @D@/tls/cert.pem
tls_privatekey = @D@/tls/key.pem
auth_advertise_hosts = ${if def:tls_in_cipher {*}{}}
acl_smtp_rcpt = acl_check_rcpt

begin acl
acl_check_rcpt:
  deny    message = relay not permitted (authenticate first)
          domains = ! +local_domains
          ! authenticated = *
  deny    domains = +local_domains
          ! verify = recipient
  accept

begin routers
local_users:
  driver = accept
  domains = +local_domains
  local_parts = lsearch;@D@/exim/passwd
  local_part_suffix = +*
  local_part_suffix_optional
  transport = dovecot_lmtp
to_sink:
  driver = accept
  domains = ! +local_domains
  transport = sink_maildir

begin transports
dovecot_lmtp:
  driver = smtp
  protocol = lmtp
  hosts = 127.0.0.1
  port = @LMTP_PORT@
  allow_localhost
  hosts_avoid_tls = *
sink_maildir:
  driver = appendfile
  directory = @D@/sink/Maildir
  maildir_format
  create_directory
  user = Debian-exim
  group = Debian-exim
  mode = 0644
  envelope_to_add
  return_path_add

begin retry
*   *   F,5m,30s

begin authenticators
PLAIN:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = ${if and {{!eq{$auth3}{}}{eq{$auth3}{${lookup{$auth2}lsearch{@D@/exim/passwd}}}}}}
  server_set_id = $auth2
LOGIN:
  driver = plaintext
  public_name = LOGIN
  server_prompts = Username:: : Password::
  server_condition = ${if and {{!eq{$auth2}{}}{eq{$auth2}{${lookup{$auth1}lsearch{@D@/exim/passwd}}}}}}
  server_set_id = $auth1
EOF
	chmod 644 "$D/exim/exim.conf"
	chown -R Debian-exim:Debian-exim "$D/exim/spool" "$D/exim/log" "$D/exim/run" "$D/sink"
}
