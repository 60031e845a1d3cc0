#!/usr/bin/env bash
# The API keeps its schema's word: schemathesis generates requests from /api/schema/ (fuzzing
# and stateful phases, a fixed seed, a bounded number of examples) against a live server on
# a throwaway SQLite database holding the demo city, as a superuser who may write, and fails
# on a server error, an undocumented status code, a response outside its schema or content
# type. Extra arguments go to `schemathesis run` (e.g. --max-examples 100 --seed 7).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=grassroots.settings.test
tmp=$(mktemp -d /tmp/grassroots-fuzz.XXXXXX)
export DATABASE_URL=sqlite:///$tmp/db.sqlite3
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

$PY manage.py migrate --no-input -v0
$PY manage.py load_standards >/dev/null
$PY manage.py load_holidays >/dev/null
$PY manage.py load_demo_city >/dev/null
password=$(python3 -c "import secrets; print(secrets.token_urlsafe(16))")
ADMIN_PASSWORD=$password $PY manage.py ensure_admin >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
# One worker: SQLite writes one at a time. The public pages' per-address limit is lifted, or
# the fuzzer (one address) would get 429 for most of their cases.
THROTTLE_PUBLIC=100000/min .venv/bin/gunicorn grassroots.wsgi -b "127.0.0.1:$port" -w 1 --timeout 60 --limit-request-line 0 >"$tmp/server.log" 2>&1 &
server=$!
for _ in $(seq 60); do
  curl -fs "$base/api/v1/health/" >/dev/null && break
  sleep 0.5
done

token=$(curl -fs -X POST -H 'Content-Type: application/json' \
  -d "{\"username\": \"admin\", \"password\": \"$password\"}" "$base/api/v1/auth/token/" |
  $PY -c 'import json, sys; print(json.load(sys.stdin)["token"])')

status=0
venv=$PWD/.venv
# From the throwaway folder: schemathesis keeps a cache of past crashes where it runs.
# The token endpoints are left out: a generated DELETE would revoke the token the run uses
# (their own tests are in core/tests/test_tokens.py).
(cd "$tmp" && "$venv/bin/schemathesis" run "$base/api/schema/?format=json" \
  --header "Authorization: Token $token" \
  --exclude-path-regex '^/api/v1/auth/tokens?/$' \
  --phases fuzzing,stateful \
  --checks not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance \
  --max-examples 25 --seed 20240601 --generation-database none \
  --workers 2 --request-timeout 60 --no-color \
  "$@") || status=$?
if [ "$status" -ne 0 ]; then
  echo "== server errors"
  grep -v -E '^(Bad Request|Not Found|Unauthorized|Forbidden|Method Not Allowed|Unsupported Media Type|Too Many Requests|Request Entity Too Large): ' "$tmp/server.log" | tail -200
fi
exit "$status"
