#!/usr/bin/env bash
# Benchmarks on throwaway PostgreSQL clusters (not part of the test run): for each size of
# BENCH_SIZES (organisations:members), generate the registry (with terms and host units),
# then print list-API and statistics latencies; at the largest size also the time and peak
# memory of a member import; last, how each figure grew. Figures and how to read them:
# docs/benchmarks.md.
#   BENCH_SIZES (default "10000:100000 100000:1000000 500000:5000000"), BENCH_REQUESTS,
#   BENCH_IMPORT_ROWS override the sizes; BENCH_ARGS adds options to bench_run (--explain).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# Production-like settings (DEBUG off) without the HTTPS-only parts of settings.prod.
export DJANGO_SETTINGS_MODULE=grassroots.settings.base
sizes=(${BENCH_SIZES:-10000:100000 100000:1000000 500000:5000000})
results=$(mktemp /tmp/grassroots-bench.XXXXXX.jsonl)
trap 'rm -f "$results"' EXIT

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
for size in "${sizes[@]}"; do
  orgs=${size%%:*} members=${size##*:}
  eval "$(scripts/pg.sh start)"
  export DATABASE_URL
  echo "== $orgs organisations, $members members (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  $PY manage.py migrate --no-input -v0
  $PY manage.py bench_generate --orgs "$orgs" --members "$members"
  import=--no-import
  [ "$size" = "${sizes[-1]}" ] && import="--import-rows ${BENCH_IMPORT_ROWS:-100000}"
  # shellcheck disable=SC2086
  $PY manage.py bench_run --requests "${BENCH_REQUESTS:-100}" --results "$results" \
    $import ${BENCH_ARGS:-} || { scripts/pg.sh stop "$PG_TMP"; exit 1; }
  scripts/pg.sh stop "$PG_TMP"
done
$PY manage.py bench_run --growth "$results"
