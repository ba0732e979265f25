#!/usr/bin/env bash
# start.sh [DIR] - run Dovecot and Exim on loopback for Mailwire's end-to-end tests.
#
# Installs the Debian packages when missing, writes a self-signed certificate and
# the configs into DIR (default: a new mktemp -d /tmp/mw-peers.XXXXXX), starts both
# servers as daemons, waits until every port answers and writes DIR/peers.env.
# The last line on stdout is DIR. Stop with: tests/peers/stop.sh DIR [--rm]
# See README.md beside this file for ports, users and knobs.
set -euo pipefail

PEERS_PACKAGES="dovecot-core dovecot-pop3d dovecot-imapd dovecot-lmtpd dovecot-submissiond
  exim4-daemon-light swaks libnet-ssleay-perl libio-socket-ssl-perl openssl curl python3"
PEERS_USERS="alice bob carol dave"
PEERS_PASSWORD=secret
MAIL_UID=65534 # nobody:nogroup owns the mailboxes
PORT_VARS="POP3_PORT POP3S_PORT IMAP_PORT IMAPS_PORT LMTP_PORT SUBMISSION_PORT SUBMISSIONS_PORT SMTP_PORT SMTPS_PORT"
# The ports are chosen by start.sh (the defaults when they are free, else a
# free set at a random offset) unless PEERS_PORT_OFFSET or a *_PORT is set.
AUTO_PORTS=1
[[ -z ${PEERS_PORT_OFFSET:-} ]] || AUTO_PORTS=""
for v in $PORT_VARS; do [[ -z ${!v:-} ]] || AUTO_PORTS=""; done
FIXED_PORTS=" "
for v in $PORT_VARS; do [[ -z ${!v:-} ]] || FIXED_PORTS+="$v "; done
MAX_TRIES=${PEERS_PORT_TRIES:-20}

# set_ports sets every *_PORT not given in the environment to its default
# plus offset $1.
set_ports() {
	local v base
	for v in $PORT_VARS; do
		[[ $FIXED_PORTS != *" $v "* ]] || continue
		case $v in
		POP3_PORT) base=24110 ;;
		POP3S_PORT) base=24995 ;;
		IMAP_PORT) base=24143 ;;
		IMAPS_PORT) base=24993 ;;
		LMTP_PORT) base=24024 ;;
		SUBMISSION_PORT) base=24587 ;;
		SUBMISSIONS_PORT) base=24465 ;;
		SMTP_PORT) base=24025 ;;
		SMTPS_PORT) base=24466 ;;
		esac
		printf -v "$v" '%s' $((base + $1))
	done
}

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
	[[ ${PEERS_PORT_OFFSET:-0} =~ ^[0-9]+$ ]] || die "PEERS_PORT_OFFSET=$PEERS_PORT_OFFSET is not a number"
	[[ $MAX_TRIES =~ ^[1-9][0-9]*$ ]] || die "PEERS_PORT_TRIES must be a positive number"
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
	if "${apt[@]}" -s install --no-install-recommends $missing | grep '^Remv' >/dev/null &&
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

# busy_ports prints the ports of ours that something already answers on,
# also on ::1: a client that connects to "localhost" may try ::1 first.
busy_ports() {
	local v a busy=""
	for v in $PORT_VARS; do
		for a in $(addrs) ::1; do
			if answers "$a" "${!v}"; then busy+=" $v=${!v}($a)"; fi
		done
	done
	echo "$busy"
}

# instance_sockets prints the socket inodes held by DIR $1's Dovecot master
# and Exim daemon (the PIDs of their pid files), one per line.
instance_sockets() {
	local f pid
	for f in "$1/dovecot/run/master.pid" "$1/exim/run/exim.pid"; do
		pid=$(head -c 32 "$f" 2>/dev/null | tr -dc 0-9)
		[[ -n $pid ]] || continue
		find "/proc/$pid/fd" -maxdepth 1 -lname 'socket:*' -printf '%l\n' 2>/dev/null | tr -dc '0-9\n'
	done
}

# listener_inode prints the inode of the socket listening on address $1
# port $2 (IPv4), or nothing.
listener_inode() {
	local hex
	hex=$(awk -F. -v port="$2" '{printf "%02X%02X%02X%02X:%04X", $4, $3, $2, $1, port}' <<<"$1")
	awk -v a="$hex" '$2 == a && $4 == "0A" {print $10; exit}' /proc/net/tcp
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

# fail_stop reports $1, shows the servers' logs and stops what was started
# for DIR $2; it returns 1.
fail_stop() {
	log "error: $1; stopping"
	tail -n 20 "$2/dovecot/log/stdio.log" "$2/dovecot/log/dovecot.log" \
		"$2/exim/log/stdio.log" "$2/exim/log/paniclog" >&2 2>/dev/null || true
	"$SCRIPT_DIR/stop.sh" "$2" >&2 || true
	return 1
}

# launch starts Dovecot and Exim with their stdio detached (a daemon that kept
# the caller's stdout or stderr open would hang $(start.sh) and pipes).
launch() {
	local d=$1
	dovecot -c "$d/dovecot/dovecot.conf" </dev/null >>"$d/dovecot/log/stdio.log" 2>&1 ||
		{ fail_stop "dovecot did not start" "$d"; return 1; }
	exim4 -C "$d/exim/exim.conf" -bd -q30s </dev/null >>"$d/exim/log/stdio.log" 2>&1 ||
		{ fail_stop "exim did not start" "$d"; return 1; }
}

# wait_ports waits until every port is served by this instance's Dovecot or
# Exim (the listening socket is theirs: something else that happens to
# answer there is not taken for them), for START_TIMEOUT at most; a server
# that gave up (a port taken after the check) ends the wait early.
wait_ports() {
	local d=$1 v a inode mine deadline=$((SECONDS + START_TIMEOUT))
	for v in $PORT_VARS; do
		for a in $(addrs); do
			while :; do
				inode=$(listener_inode "$a" "${!v}")
				if [[ -n $inode ]]; then
					mine=" $(instance_sockets "$d" | tr '\n' ' ') "
					[[ $mine != *" $inode "* ]] || break
				fi
				if ((SECONDS >= deadline)); then
					fail_stop "$v=${!v} on $a is not served by this instance after ${START_TIMEOUT}s" "$d"
					return 1
				fi
				if [[ ! -s $d/dovecot/run/master.pid ]] || ! kill -0 "$(head -c 32 "$d/dovecot/run/master.pid" | tr -dc 0-9)" 2>/dev/null; then
					fail_stop "dovecot is not running" "$d"
					return 1
				fi
				if grep -qs 'daemon abandoned' "$d/exim/log/paniclog"; then
					fail_stop "exim gave up" "$d"
					return 1
				fi
				sleep 0.05
			done
		done
	done
}

# reset_dir empties the logs, runtime and spool directories of DIR $1
# after a failed start, for the next try.
reset_dir() {
	rm -rf "$1/dovecot/run" "$1/dovecot/state" "$1/dovecot/log" "$1/exim/spool" "$1/exim/log" "$1/exim/run"
}

# try_ports starts the servers of DIR $1 on the current ports. It returns
# 1 when a port is taken (before or during the start) and 2 on any other
# failure.
try_ports() {
	local d=$1 busy
	check_args
	busy=$(busy_ports)
	if [[ -n $busy ]]; then
		log "port(s) already in use:$busy"
		return 1
	fi
	write_dovecot_conf "$d"
	write_exim_conf "$d"
	launch "$d" && wait_ports "$d" && return 0
	# Someone took a port between the check and the bind.
	[[ -z $(busy_ports) ]] && return 2
	return 1
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
	set_ports "${PEERS_PORT_OFFSET:-0}"
	check_args
	install_packages
	local d try rc offset
	d=$(make_dir "${1:-}")
	make_cert "$d"
	make_mailboxes "$d"
	for ((try = 1; ; try++)); do
		rc=0
		try_ports "$d" || rc=$?
		((rc != 0)) || break
		[[ -n $AUTO_PORTS ]] || die "could not start on these ports (set other *_PORT variables or PEERS_PORT_OFFSET, or neither to let start.sh choose)"
		((rc == 1 && try < MAX_TRIES)) || die "could not start (tried $try port sets)"
		reset_dir "$d"
		# Offsets in steps of 10 keep every port below 32768, under the
		# kernel's range for outgoing connections.
		offset=$(((RANDOM % 700 + 1) * 10))
		set_ports "$offset"
		log "trying port offset $offset"
	done
	write_env "$d"
	local v
	for v in $PORT_VARS; do printf '%s=%s ' "$v" "${!v}" >&2; done
	echo >&2
	echo "$d"
}

main "$@"
