#!/usr/bin/env bash
# The platform as it runs on several machines, on this one, in a temporary directory
# (docs/deployment.md): a PostgreSQL primary and a streaming replica made with
# `pg_basebackup -R`, the demo city loaded on the primary, two gunicorn app servers, the job
# worker, and a round-robin proxy in front (scripts/proxy.py). Ctrl-C stops everything and
# removes the directory.
#   scripts/cluster.sh            PORT=8000 APP_PORTS="8001 8002" WORKERS=2 to change
# CLUSTER_STATE=FILE writes the ports, pids and directory there (shell assignments) once it is
# up, for scripts/load.sh; SIGUSR1 restarts an app server or the worker that was killed, as
# systemd's Restart= does on a real deployment.
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
declare -A app_pid
worker_pid="" proxy_pid="" nightly_pid=""
stop() {
  trap - EXIT INT TERM USR1
  echo "Stopping the cluster..."
  for pid in "${app_pid[@]}" $worker_pid $proxy_pid $nightly_pid; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for data in replica primary; do
    [ -d "$tmp/$data" ] && as_pg "$bindir/pg_ctl" -D "$tmp/$data" -m fast stop >/dev/null 2>&1 || true
  done
  rm -rf "$tmp"
  [ -z "${CLUSTER_STATE:-}" ] || rm -f "$CLUSTER_STATE"
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

start_app() { # PORT
  .venv/bin/gunicorn grassroots.wsgi -b "127.0.0.1:$1" --workers "$WORKERS" \
    --access-logfile "$tmp/app-$1.log" --error-logfile "$tmp/app-$1.err" &
  app_pid[$1]=$!
}
start_worker() {
  $PY manage.py db_worker --no-reload -v0 >>"$tmp/worker.log" 2>&1 &
  worker_pid=$!
}
write_state() {
  [ -n "${CLUSTER_STATE:-}" ] || return 0
  {
    echo "tmp=$tmp bindir=$bindir port=$PORT"
    echo "primary_port=$primary_port replica_port=$replica_port"
    echo "app_ports='$APP_PORTS' worker_pid=$worker_pid proxy_pid=$proxy_pid"
    for port in $APP_PORTS; do echo "app_pid_$port=${app_pid[$port]}"; done
    echo "DATABASE_URL=$DATABASE_URL REPLICA_DATABASE_URL=$REPLICA_DATABASE_URL"
  } >"$CLUSTER_STATE.new"
  mv "$CLUSTER_STATE.new" "$CLUSTER_STATE"
}
revive() {
  for port in $APP_PORTS; do
    kill -0 "${app_pid[$port]}" 2>/dev/null || { echo "Restarting app server $port"; start_app "$port"; }
  done
  kill -0 "$worker_pid" 2>/dev/null || { echo "Restarting the job worker"; start_worker; }
  write_state
}

upstreams=()
for port in $APP_PORTS; do
  start_app "$port"
  upstreams+=("127.0.0.1:$port")
done
start_worker
# The nightly work, checked hourly (a systemd timer in docs/deployment.md).
while :; do $PY manage.py nightly --if-due >>"$tmp/nightly.log" 2>&1; sleep 3600; done &
nightly_pid=$!
python3 scripts/proxy.py "$PORT" "${upstreams[@]}" 2>"$tmp/proxy.log" &
proxy_pid=$!
trap revive USR1
write_state

cat <<EOF

The cluster is up (Ctrl-C stops it and removes $tmp):
  http://127.0.0.1:$PORT/          round-robin proxy (log $tmp/proxy.log)
$(for port in $APP_PORTS; do echo "  http://127.0.0.1:$port/          app server (gunicorn, log $tmp/app-$port.log)"; done)
  $DATABASE_URL          primary
  $REPLICA_DATABASE_URL          replica
  job worker: $tmp/worker.log; nightly work (checked hourly): $tmp/nightly.log
EOF
# Until stopped; a USR1 (revive) interrupts the wait, which then goes on.
while kill -0 "$proxy_pid" 2>/dev/null; do wait "$proxy_pid" || true; done
