#!/usr/bin/env bash
# `make load` (not part of the test run): the cluster of scripts/cluster.sh on free ports,
# locust with 50 clerks doing the month-end mix for 3 minutes, then the same load again with
# the fault drills in it (scripts/load/drills.py); prints p95, errors and what each drill did
# and lost, writes var/load/summary.md with locust's CSV files, and tears everything down.
#   LOAD_USERS=50 LOAD_TIME=3m DRILL_TIME=150s scripts/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=${LOAD_OUT:-var/load}
mkdir -p "$out"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
state=$(mktemp -u /tmp/grassroots-load.XXXXXX)

echo "Starting the cluster (log $out/cluster.log)..."
CLUSTER_STATE=$state PORT=$(free_port) APP_PORTS="$(free_port) $(free_port)" \
  scripts/cluster.sh >"$out/cluster.log" 2>&1 &
cluster=$!
trap 'kill $cluster 2>/dev/null || true; wait $cluster 2>/dev/null || true' EXIT INT TERM
until [ -f "$state" ]; do
  kill -0 $cluster 2>/dev/null || { tail -20 "$out/cluster.log"; exit 1; }
  sleep 1
done
.venv/bin/python scripts/load/drills.py "$state" "$cluster" "$out"
