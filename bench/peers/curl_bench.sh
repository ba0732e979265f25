#!/usr/bin/env bash
# curl side of the benchmarks, as its users run it.
#
#   curl_bench.sh send   HOST PORT MSG N RCPTS  one curl process per message
#   curl_bench.sh attach HOST PORT FILE         -F builds the MIME message
#   curl_bench.sh pop3   HOST PORT USER PASS N  URL glob: RETR, then DELE
#   curl_bench.sh imap   HOST PORT USER PASS N  URL glob in one process: the
#                                               messages with UID 1 to N of
#                                               INBOX, one FETCH each
#
# Prints "RESULT value unit".
set -euo pipefail
now() { date +%s.%N; }
cmd=$1; shift
t0=$(now)
case $cmd in
send)
	host=$1 port=$2 msg=$3 n=$4 rcpts=$5
	args=()
	for ((r = 0; r < rcpts; r++)); do args+=(--mail-rcpt "rcpt$r@sink.test"); done
	for ((i = 0; i < n; i++)); do
		curl -sS "smtp://$host:$port" --mail-from sender@bench.test "${args[@]}" -T "$msg"
	done
	count=$n unit=msg/s
	;;
attach)
	host=$1 port=$2 file=$3
	curl -sS "smtp://$host:$port" --mail-from sender@bench.test --mail-rcpt rcpt@sink.test \
		-H "Subject: Attachment" -H "From: sender@bench.test" -H "To: rcpt@sink.test" \
		-F "=See the file.;type=text/plain" \
		-F "=@$file;type=application/octet-stream;encoder=base64"
	count=$(awk -v s="$(stat -c %s "$file")" 'BEGIN { print s / 1e6 }') unit=MB/s
	;;
pop3)
	host=$1 port=$2 user=$3 pass=$4 n=$5
	url="pop3://$user:$pass@$host:$port/[1-$n]"
	curl -sS "$url" -o /dev/null --next -X DELE -I "$url" >/dev/null
	count=$n unit=msg/s
	;;
imap)
	# One process, one connection: curl selects INBOX once, then sends
	# one FETCH per URL (RFC 5092 URLs, ";UID=n"), each after the last.
	host=$1 port=$2 user=$3 pass=$4 n=$5
	curl -sS "imap://$user:$pass@$host:$port/INBOX/;UID=[1-$n]" -o /dev/null
	count=$n unit=msg/s
	;;
*)
	echo "usage: curl_bench.sh send|attach|pop3|imap ..." >&2
	exit 2
	;;
esac
awk -v c="$count" -v a="$t0" -v b="$(now)" -v u="$unit" 'BEGIN { printf "RESULT %.3f %s\n", c / (b - a), u }'
