#!/usr/bin/env bash
# Campaigns benchmark on a throwaway PostgreSQL cluster (not part of the test run): a city
# naming campaign of 26 units × 25 applications with 200 survey answers each and 10,000
# titles; times the campaign dashboard and the titles register (page and API), and the
# public survey endpoint under 20 concurrent clients against gunicorn, then checks that no
# answer was lost or counted twice. Figures: docs/benchmarks.md, "Campaigns".
#   BENCH_REQUESTS, BENCH_POSTS, BENCH_WORKERS override the sizes; BENCH_ARGS adds options
#   to bench_campaigns (e.g. --explain).
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
echo "== generate and measure"
# shellcheck disable=SC2086
$PY manage.py bench_campaigns --requests "${BENCH_REQUESTS:-100}" \
  --posts "${BENCH_POSTS:-3000}" ${BENCH_WORKERS:+--workers "$BENCH_WORKERS"} ${BENCH_ARGS:-}
