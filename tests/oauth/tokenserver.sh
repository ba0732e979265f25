# tokenserver.sh: sourced by the suites that need the test OAuth 2.0
# authorization server (tests/oauth/tokenserver). token_server_start DIR
# builds and starts it, writes its CA to DIR/oauth-ca.pem and exports
# MW_TOKEN_URL (https://127.0.0.1:PORT) and MW_TOKEN_CA; the server stops
# with token_server_stop, or by itself when the suite's shell ends.

token_server_start() {
  local dir=$1 i
  mkdir -p "$dir"
  go build -o "$dir/mw-tokenserver" ./tests/oauth/tokenserver || return 1
  "$dir/mw-tokenserver" -ca "$dir/oauth-ca.pem" >"$dir/tokenserver.out" 2>&1 &
  TOKEN_SERVER_PID=$!
  for i in $(seq 1 100); do
    if grep -q '^ca ' "$dir/tokenserver.out" 2>/dev/null; then
      MW_TOKEN_URL=$(sed -n 's/^url //p' "$dir/tokenserver.out")
      MW_TOKEN_CA=$(sed -n 's/^ca //p' "$dir/tokenserver.out")
      export MW_TOKEN_URL MW_TOKEN_CA
      return 0
    fi
    kill -0 "$TOKEN_SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "the token server did not start:"; cat "$dir/tokenserver.out"
  return 1
}

token_server_stop() {
  [ -n "${TOKEN_SERVER_PID:-}" ] && kill "$TOKEN_SERVER_PID" 2>/dev/null
  TOKEN_SERVER_PID=
}
