#!/usr/bin/env bash
# Compliance benchmark on a throwaway PostgreSQL cluster (not part of the test run): generate
# 10,000 organisations, 200,000 members and a year of organisational life (about 400,000
# meetings, 6,000,000 attendance rows), then time the compliance engine over the whole tree
# against one hand-written SQL query, and the subtree matrix page. Figures and how to read
# them: docs/benchmarks-compliance.md.
#   BENCH_ORGS, BENCH_MEMBERS, BENCH_YEAR, BENCH_STANDARD, BENCH_RUNS, BENCH_MATRIX_ORGS
#   override the sizes; BENCH_ARGS adds options to bench_compliance (e.g. --explain).
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
$PY manage.py load_standards
echo "== generate"
$PY manage.py bench_life_generate --orgs "${BENCH_ORGS:-10000}" \
  --members "${BENCH_MEMBERS:-200000}" --year "${BENCH_YEAR:-2026}"
echo "== measure (load: $(cut -d' ' -f1-3 /proc/loadavg))"
# shellcheck disable=SC2086
$PY manage.py bench_compliance --standard "${BENCH_STANDARD:-s000-village}" \
  --year "${BENCH_YEAR:-2026}" --runs "${BENCH_RUNS:-3}" \
  --matrix-orgs "${BENCH_MATRIX_ORGS:-500}" ${BENCH_ARGS:-}
