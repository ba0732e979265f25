#!/usr/bin/env bash
# start.sh [DIR] - run Dovecot and Exim on loopback for Mailwire's end-to-end tests.
#
# Installs the Debian packages when missing, writes a self-signed certificate and
# the configs into DIR (default: a new mktemp -d /tmp/mw-peers.XXXXXX), starts both
# servers as daemons, waits until every port answers and writes DIR/peers.env.
# The last line on stdout is DIR. Stop with: tests/peers/stop.sh DIR [--rm]
# See README.md beside this file for ports, users and knobs.
set -euo pipefail

PEERS_PACKAGES="dovecot-core dovecot-pop3d dovecot-lmtpd dovecot-submissiond
  exim4-daemon-light swaks libnet-ssleay-perl libio-socket-ssl-perl openssl curl python3"
PEERS_USERS="alice bob carol"
PEERS_PASSWORD=secret
MAIL_UID=65534 # nobody:nogroup owns the mailboxes
OFFSET=${PEERS_PORT_OFFSET:-0}

POP3_PORT=${POP3_PORT:-$((24110 + OFFSET))}
POP3S_PORT=${POP3S_PORT:-$((24995 + OFFSET))}
LMTP_PORT=${LMTP_PORT:-$((24024 + OFFSET))}
SUBMISSION_PORT=${SUBMISSION_PORT:-$((24587 + OFFSET))}
SUBMISSIONS_PORT=${SUBMISSIONS_PORT:-$((24465 + OFFSET))}
SMTP_PORT=${SMTP_PORT:-$((24025 + OFFSET))}
SMTPS_PORT=${SMTPS_PORT:-$((24466 + OFFSET))}
PORT_VARS="POP3_PORT POP3S_PORT LMTP_PORT SUBMISSION_PORT SUBMISSIONS_PORT SMTP_PORT SMTPS_PORT"

PEERS_ALT_ADDR=${PEERS_ALT_ADDR-127.0.0.2}
DOVECOT_AUTH_MECHS=${DOVECOT_AUTH_MECHS:-plain login cram-md5 scram-sha-1 scram-sha-256 apop}
START_TIMEOUT=${START_TIMEOUT:-20}

log() { printf 'peers: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# check_args validates the port variables and the alternative address.
check_args() {
	local v seen=" "
	for v in $PORT_VARS; do
		if ! [[ ${!v} =~ ^[1-9][0-9]{0,4}$ ]] || ((${!v} > 65535)); then die "$v=${!v} is not a port"; fi
		[[ $seen != *" ${!v} "* ]] || die "$v=${!v} is used twice"
		seen+="${!v} "
	done
	[[ -z $PEERS_ALT_ADDR || $PEERS_ALT_ADDR =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
		die "PEERS_ALT_ADDR must be empty or a 127/8 address"
	[[ $START_TIMEOUT =~ ^[0-9]+$ ]] || die "START_TIMEOUT must be a number of seconds"
	[[ $DOVECOT_AUTH_MECHS =~ ^[a-z0-9\ -]+$ ]] || die "DOVECOT_AUTH_MECHS has odd characters"
}

# missing_packages prints the packages of PEERS_PACKAGES that are not installed.
missing_packages() {
	local p
	for p in $PEERS_PACKAGES; do
		[[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == "install ok installed" ]] || echo "$p"
	done
}

# install_packages installs what is missing, with services kept from starting.
install_packages() {
	local missing
	missing=$(missing_packages | tr '\n' ' ')
	[[ -n ${missing// /} ]] || return 0
	[[ $(id -u) == 0 ]] || die "packages missing ($missing) and not root"
	log "installing: $missing"
	local policy=/usr/sbin/policy-rc.d made_policy=""
	if [[ ! -e $policy ]]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		made_policy=$policy
		trap 'rm -f /usr/sbin/policy-rc.d' EXIT
	fi
	export DEBIAN_FRONTEND=noninteractive
	local apt=(apt-get -q -o DPkg::Lock::Timeout=120)
	"${apt[@]}" update >&2
	# shellcheck disable=SC2086
	if "${apt[@]}" -s install --no-install-recommends $missing | grep -q '^Remv' &&
		[[ ${PEERS_ALLOW_REMOVE:-} != 1 ]]; then
		"${apt[@]}" -s install --no-install-recommends $missing | grep '^Remv' >&2
		die "installing would remove the packages above; set PEERS_ALLOW_REMOVE=1 to allow it"
	fi
	# shellcheck disable=SC2086
	"${apt[@]}" install -y --no-install-recommends $missing >&2
	if [[ -n $made_policy ]]; then
		rm -f "$made_policy"
		trap - EXIT
	fi
	missing=$(missing_packages | tr '\n' ' ')
	[[ -z ${missing// /} ]] || die "still missing after install: $missing"
}

# answers succeeds when something accepts TCP connections on address $1 port $2.
answers() {
	(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# addrs prints the loopback addresses the peers listen on.
addrs() {
	echo 127.0.0.1
	[[ -z $PEERS_ALT_ADDR ]] || echo "$PEERS_ALT_ADDR"
}

# check_ports refuses to go on when any of our ports is already taken.
check_ports() {
	local v a busy=""
	for v in $PORT_VARS; do
		for a in $(addrs); do
			if answers "$a" "${!v}"; then busy+=" $v=${!v}($a)"; fi
		done
	done
	[[ -z $busy ]] || die "port(s) already in use:$busy (set other *_PORT variables or PEERS_PORT_OFFSET)"
}

# make_dir creates and checks the instance directory and prints its absolute path.
make_dir() {
	local d=${1:-}
	if [[ -z $d ]]; then
		d=$(mktemp -d /tmp/mw-peers.XXXXXX)
	else
		mkdir -p -- "$d"
		d=$(cd -- "$d" && pwd -P)
		[[ -z $(ls -A -- "$d") ]] || die "$d is not empty; give a new or empty directory"
	fi
	[[ $d =~ ^/[A-Za-z0-9._/-]+$ ]] || die "directory path $d has characters the configs cannot take"
	chmod 755 "$d"
	local p=$d
	while [[ $p != / ]]; do
		p=$(dirname "$p")
		[[ $(($(stat -c %a "$p" | sed 's/^.*\(.\)$/\1/') & 1)) == 1 ]] ||
			die "$p is not searchable by others; the unprivileged server processes could not reach $d"
	done
	echo "$d"
}

# make_cert writes a self-signed certificate for localhost, 127.0.0.1 and 127.0.0.2.
make_cert() {
	local d=$1
	mkdir -p "$d/tls"
	openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=localhost \
		-addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:127.0.0.2" \
		-keyout "$d/tls/key.pem" -out "$d/tls/cert.pem" 2>/dev/null ||
		die "openssl could not make the certificate"
	chgrp Debian-exim "$d/tls/key.pem"
	chmod 640 "$d/tls/key.pem"
	chmod 644 "$d/tls/cert.pem"
}

# make_mailboxes writes the users file and an empty Maildir for every user.
make_mailboxes() {
	local d=$1 u
	mkdir -p "$d/dovecot" "$d/mail" "$d/exim"
	: >"$d/dovecot/users"
	: >"$d/exim/passwd"
	for u in $PEERS_USERS; do
		echo "$u:{PLAIN}$PEERS_PASSWORD:$MAIL_UID:$MAIL_UID::$d/mail/$u" >>"$d/dovecot/users"
		echo "$u: $PEERS_PASSWORD" >>"$d/exim/passwd"
		mkdir -p "$d/mail/$u/Maildir/"{cur,new,tmp}
	done
	chown -R "$MAIL_UID:$MAIL_UID" "$d/mail"
	chmod 644 "$d/dovecot/users"
	chgrp Debian-exim "$d/exim/passwd"
	chmod 640 "$d/exim/passwd"
}

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=configs.sh
. "$SCRIPT_DIR/configs.sh"

# fail_stop reports $1, shows the servers' logs, stops what was started for DIR $2 and exits.
fail_stop() {
	log "error: $1; stopping"
	tail -n 20 "$2/dovecot/log/stdio.log" "$2/dovecot/log/dovecot.log" \
		"$2/exim/log/stdio.log" "$2/exim/log/paniclog" >&2 2>/dev/null || true
	"$SCRIPT_DIR/stop.sh" "$2" >&2 || true
	exit 1
}

# launch starts Dovecot and Exim with their stdio detached (a daemon that kept
# the caller's stdout or stderr open would hang $(start.sh) and pipes).
launch() {
	local d=$1
	dovecot -c "$d/dovecot/dovecot.conf" </dev/null >>"$d/dovecot/log/stdio.log" 2>&1 ||
		fail_stop "dovecot did not start" "$d"
	exim4 -C "$d/exim/exim.conf" -bd -q30s </dev/null >>"$d/exim/log/stdio.log" 2>&1 ||
		fail_stop "exim did not start" "$d"
}

# wait_ports polls every port until it answers or START_TIMEOUT passes.
wait_ports() {
	local d=$1 v a deadline=$((SECONDS + START_TIMEOUT))
	for v in $PORT_VARS; do
		for a in $(addrs); do
			until answers "$a" "${!v}"; do
				if ((SECONDS >= deadline)); then
					fail_stop "$v=${!v} on $a did not answer within ${START_TIMEOUT}s" "$d"
				fi
				sleep 0.05
			done
		done
	done
}

# write_env writes DIR/peers.env, which a shell or a test can source.
write_env() {
	local d=$1 v u
	{
		echo "# Mail peers started by tests/peers/start.sh; stop with tests/peers/stop.sh $d"
		echo "PEERS_DIR=$d"
		echo "PEERS_CA=$d/tls/cert.pem"
		echo "PEERS_HOST=127.0.0.1"
		echo "PEERS_ALT_HOST=$PEERS_ALT_ADDR"
		echo "PEERS_USERS='$PEERS_USERS'"
		echo "PEERS_PASSWORD=$PEERS_PASSWORD"
		echo "PEERS_AUTH_MECHS='$DOVECOT_AUTH_MECHS'"
		for v in $PORT_VARS; do echo "$v=${!v}"; done
		for u in $PEERS_USERS; do echo "PEERS_MAILDIR_${u^^}=$d/mail/$u/Maildir"; done
		echo "PEERS_SINK_MAILDIR=$d/sink/Maildir"
	} >"$d/peers.env"
	chmod 644 "$d/peers.env"
}

main() {
	[[ $# -le 1 ]] || die "usage: start.sh [DIR]"
	check_args
	install_packages
	check_ports
	local d
	d=$(make_dir "${1:-}")
	make_cert "$d"
	make_mailboxes "$d"
	write_dovecot_conf "$d"
	write_exim_conf "$d"
	launch "$d"
	wait_ports "$d"
	write_env "$d"
	local v
	for v in $PORT_VARS; do printf '%s=%s ' "$v" "${!v}" >&2; done
	echo >&2
	echo "$d"
}

main "$@"
