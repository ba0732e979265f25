# shellcheck shell=bash
# lib.sh: shared by the fault scripts (sourced). ok and bad count checks;
# verify LOG STORE... compares the clients' log ("<message-id> <code> <ms>"
# per attempt) with the Message-IDs delivered into the Maildir folders STORE
# (tmp/ excluded): nothing accepted is lost, nothing is stored twice.
p=0 f=0
export LC_ALL=C # sort, join and comm must agree on the order
ok() { p=$((p+1)); echo "ok   $*"; }
bad() { f=$((f+1)); echo "FAIL $*"; }

verify() {
  local log=$1 w; shift
  w=$(mktemp -d)
  grep -rhoiEI --exclude-dir=tmp '^Message-ID: *<[^>]+>' "$@" | sed -E 's/^[^<]*<([^>]*)>.*/\1/' | sort >"$w/stored"
  awk '$1 != "connect"' "$log" | sort -k1,1 >"$w/attempts"
  awk '$2 == 0 {print $1}' "$w/attempts" | sort -u >"$w/accepted"
  awk '$2 != 0 {print $1, $2}' "$w/attempts" | sort -k1,1 >"$w/refused"
  sort -u "$w/stored" >"$w/stored.u"
  local sent accepted stored dups lost ambiguous
  sent=$(wc -l <"$w/attempts"); accepted=$(wc -l <"$w/accepted"); stored=$(wc -l <"$w/stored")
  dups=$(uniq -d "$w/stored" | wc -l)
  lost=$(comm -23 "$w/accepted" "$w/stored.u" | wc -l)
  ambiguous=$(join "$w/refused" "$w/stored.u" | wc -l)
  echo "sent $sent, accepted $accepted, failed $((sent - accepted)); stored $stored; lost $lost; duplicates $dups;" \
    "stored although the client reported failure: $ambiguous"
  [ "$ambiguous" -gt 0 ] && echo "codes of those: $(join "$w/refused" "$w/stored.u" | awk '{print $2}' | sort | uniq -c | tr -s ' ' | paste -sd, -)"
  if [ "$accepted" -gt 0 ]; then ok "messages were accepted ($accepted)"; else bad "no message accepted"; fi
  if [ "$lost" -eq 0 ]; then ok "nothing accepted was lost"
  else bad "$lost accepted messages are not in the store:"; comm -23 "$w/accepted" "$w/stored.u" | head; fi
  if [ "$dups" -eq 0 ]; then ok "nothing was stored twice"
  else bad "$dups Message-IDs stored twice:"; uniq -d "$w/stored" | head; fi
  rm -rf "$w"
}
