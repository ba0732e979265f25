#!/usr/bin/env bash
# stop.sh DIR [--rm] - stop the Dovecot and Exim that start.sh started for DIR.
#
# Only processes whose /proc/PID/cmdline names DIR's config files are signalled:
# the PIDs from DIR's pid files first, then any Dovecot or Exim process left over
# for DIR (an Exim delivery, say). TERM, then KILL after 10 s. A zombie counts as
# stopped (PID 1 may not reap here). With --rm, DIR is deleted afterwards.
set -euo pipefail

log() { printf 'peers: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# alive succeeds when PID $1 exists and is not a zombie or dead.
alive() {
	local stat state
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	state=${stat##*) }
	state=${state%% *}
	[[ $state != Z && $state != X && $state != x ]]
}

# ours succeeds when PID $1 runs with one of DIR's config files on its command line.
ours() {
	local cmd
	cmd=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
	[[ $cmd == *" $DIR/dovecot/dovecot.conf"* || $cmd == *" $DIR/exim/exim.conf"* ]]
}

# pid_files_pids prints the PIDs recorded in DIR's pid files.
pid_files_pids() {
	local f pid
	for f in "$DIR/dovecot/run/master.pid" "$DIR/exim/run/exim.pid"; do
		[[ -r $f ]] || continue
		pid=$(head -c 32 "$f" | tr -dc 0-9)
		[[ -z $pid ]] || echo "$pid"
	done
}

# leftover_pids prints the other live Dovecot or Exim processes that belong to DIR.
leftover_pids() {
	local p exe
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		exe=$(readlink "/proc/$p/exe" 2>/dev/null) || continue
		[[ $exe == */dovecot || $exe == */exim4 ]] || continue
		if alive "$p" && ours "$p"; then echo "$p"; fi
	done
}

# stop_pids sends TERM to the given PIDs that are ours, waits up to 10 s, then KILLs.
stop_pids() {
	local p live=() deadline=$((SECONDS + 10))
	for p in "$@"; do
		if alive "$p" && ours "$p"; then
			kill -TERM "$p" 2>/dev/null || true
			live+=("$p")
		fi
	done
	while ((${#live[@]} > 0)); do
		local still=()
		for p in "${live[@]}"; do
			if alive "$p"; then still+=("$p"); fi
		done
		live=("${still[@]+"${still[@]}"}")
		((${#live[@]} > 0)) || break
		if ((SECONDS >= deadline)); then
			for p in "${live[@]}"; do
				if ours "$p"; then
					log "PID $p ignored TERM; sending KILL"
					kill -KILL "$p" 2>/dev/null || true
				fi
			done
			break
		fi
		sleep 0.05
	done
}

main() {
	local rm=""
	DIR=""
	for a in "$@"; do
		case $a in
		--rm) rm=1 ;;
		-*) die "unknown option $a" ;;
		*)
			[[ -z $DIR ]] || die "usage: stop.sh DIR [--rm]"
			DIR=$a
			;;
		esac
	done
	[[ -n $DIR ]] || die "usage: stop.sh DIR [--rm]"
	[[ -d $DIR ]] || die "$DIR is not a directory"
	DIR=$(cd -- "$DIR" && pwd -P)
	[[ -f $DIR/dovecot/dovecot.conf || -f $DIR/exim/exim.conf || -f $DIR/peers.env ]] ||
		die "$DIR does not look like a directory made by start.sh"
	# shellcheck disable=SC2046
	stop_pids $(pid_files_pids)
	# shellcheck disable=SC2046
	stop_pids $(leftover_pids)
	if [[ -n $(leftover_pids) ]]; then die "processes for $DIR are still running: $(leftover_pids | tr '\n' ' ')"; fi
	rm -f "$DIR/dovecot/run/master.pid" "$DIR/exim/run/exim.pid"
	if [[ -n $rm ]]; then
		rm -rf -- "$DIR"
		log "stopped and removed $DIR"
	else
		log "stopped $DIR"
	fi
}

main "$@"
