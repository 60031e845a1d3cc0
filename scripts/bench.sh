#!/usr/bin/env bash
# Benchmarks on a throwaway PostgreSQL cluster (not part of the test run): generate 100,000
# organisations and 1,000,000 members, then print list-API latencies and the time and peak
# memory of a 100,000-row member import. Figures and how to read them: docs/benchmarks.md.
#   BENCH_ORGS, BENCH_MEMBERS, BENCH_REQUESTS, BENCH_IMPORT_ROWS override the sizes;
#   BENCH_ARGS adds options to bench_run (e.g. --explain).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# Production-like settings (DEBUG off) without the HTTPS-only parts of settings.prod.
export DJANGO_SETTINGS_MODULE=grassroots.settings.base

eval "$(scripts/pg.sh start)"
trap 'scripts/pg.sh stop "$PG_TMP"' EXIT
export DATABASE_URL

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== migrate"
$PY manage.py migrate --no-input -v0
echo "== generate"
$PY manage.py bench_generate --orgs "${BENCH_ORGS:-100000}" --members "${BENCH_MEMBERS:-1000000}"
echo "== measure"
# shellcheck disable=SC2086
$PY manage.py bench_run --requests "${BENCH_REQUESTS:-100}" \
  --import-rows "${BENCH_IMPORT_ROWS:-100000}" ${BENCH_ARGS:-}
