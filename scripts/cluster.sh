#!/usr/bin/env bash
# The platform as it runs on several machines, on this one, in a temporary directory
# (docs/deployment.md): a PostgreSQL primary and a streaming replica made with
# `pg_basebackup -R`, the demo city loaded on the primary, two gunicorn app servers, the job
# worker, and a round-robin proxy in front (scripts/proxy.py). Ctrl-C stops everything and
# removes the directory.
#   scripts/cluster.sh            PORT=8000 APP_PORTS="8001 8002" WORKERS=2 to change
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
APP_PORTS=${APP_PORTS:-"8001 8002"}
WORKERS=${WORKERS:-2} # gunicorn processes per app server
# The server's own bin directory (initdb may be a link to it), where pg_basebackup is too.
bindir=$(dirname "$(readlink -f "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb | tail -1)")")

as_pg() { # initdb refuses to run as root: the clusters belong to 'postgres' then
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

tmp=$(mktemp -d /tmp/grassroots-cluster.XXXXXX)
chmod 755 "$tmp"
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$tmp"
fi
pids=()
stop() {
  trap - EXIT INT TERM
  echo "Stopping the cluster..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for data in replica primary; do
    [ -d "$tmp/$data" ] && as_pg "$bindir/pg_ctl" -D "$tmp/$data" -m fast stop >/dev/null 2>&1 || true
  done
  rm -rf "$tmp"
}
trap stop EXIT INT TERM

pg_start() { # DIR PORT
  as_pg "$bindir/pg_ctl" -D "$tmp/$1" -l "$tmp/$1.log" -w \
    -o "-p $2 -k $tmp -c listen_addresses=127.0.0.1" start >/dev/null
}
primary_port=$(free_port)
replica_port=$(free_port)
echo "PostgreSQL primary on $primary_port, streaming replica on $replica_port ($tmp)"
as_pg "$bindir/initdb" -D "$tmp/primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
pg_start primary "$primary_port"
# The replica: a base backup of the primary that follows its WAL (-R writes standby.signal
# and primary_conninfo); -X stream copies the WAL written during the backup too.
as_pg "$bindir/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$tmp/replica" -R -X stream
pg_start replica "$replica_port"

export DATABASE_URL=postgres://postgres@127.0.0.1:$primary_port/postgres
export REPLICA_DATABASE_URL=postgres://postgres@127.0.0.1:$replica_port/postgres
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-grassroots.settings.demo}

echo "Loading the demo city on the primary..."
$PY manage.py migrate --no-input -v0
$PY manage.py load_standards
$PY manage.py load_holidays
$PY manage.py load_demo_city
$PY manage.py ensure_admin

upstreams=()
for port in $APP_PORTS; do
  .venv/bin/gunicorn grassroots.wsgi -b "127.0.0.1:$port" --workers "$WORKERS" \
    --access-logfile "$tmp/app-$port.log" --error-logfile "$tmp/app-$port.err" &
  pids+=($!)
  upstreams+=("127.0.0.1:$port")
done
$PY manage.py db_worker --no-reload -v0 >"$tmp/worker.log" 2>&1 &
pids+=($!)
# The nightly work, checked hourly (a systemd timer in docs/deployment.md).
while :; do $PY manage.py nightly --if-due >>"$tmp/nightly.log" 2>&1; sleep 3600; done &
pids+=($!)
python3 scripts/proxy.py "$PORT" "${upstreams[@]}" &
pids+=($!)

cat <<EOF

The cluster is up (Ctrl-C stops it and removes $tmp):
  http://127.0.0.1:$PORT/          round-robin proxy
$(for port in $APP_PORTS; do echo "  http://127.0.0.1:$port/          app server (gunicorn, log $tmp/app-$port.log)"; done)
  $DATABASE_URL          primary
  $REPLICA_DATABASE_URL          replica
  job worker: $tmp/worker.log; nightly work (checked hourly): $tmp/nightly.log
EOF
wait
