#!/usr/bin/env bash
# Compliance benchmark on throwaway PostgreSQL clusters (not part of the test run). For each
# size of BENCH_SIZES (organisations; members 20 per organisation unless BENCH_MEMBERS is
# set): generate the registry and a year of organisational life (10,000 organisations: about
# 400,000 meetings and 6,000,000 attendance rows), then time the compliance engine over the
# whole tree against one hand-written SQL query, the full recompute of the stored results,
# the subtree matrix page read from them and recording one meeting; at the end, how each
# figure grows with the size. Figures and how to read them: docs/benchmarks-compliance.md.
#   BENCH_SIZES (default "10000 100000"; "10000" alone takes about 5 minutes), BENCH_MEMBERS, BENCH_YEAR (default
#   last year: a whole year), BENCH_STANDARD, BENCH_RUNS, BENCH_MATRIX_ORGS override;
#   BENCH_ARGS adds options to bench_compliance (e.g. --explain); BENCH_FIGURES: see below.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# Production-like settings (DEBUG off) without the HTTPS-only parts of settings.prod.
export DJANGO_SETTINGS_MODULE=grassroots.settings.base
YEAR=${BENCH_YEAR:-$(($(date +%Y) - 1))}
# BENCH_FIGURES keeps the figures in a file of your own, so that sizes measured in separate
# runs come out in one growth table.
FIGURES=${BENCH_FIGURES:-$(mktemp /tmp/bench-compliance.XXXXXX)}
PG_TMP=""
trap '[ -n "$PG_TMP" ] && scripts/pg.sh stop "$PG_TMP"; [ -n "${BENCH_FIGURES:-}" ] || rm -f "$FIGURES"' EXIT

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
for orgs in ${BENCH_SIZES:-10000 100000}; do
  members=${BENCH_MEMBERS:-$((orgs * 20))}
  echo "== $orgs organisations, $members members, $YEAR (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  eval "$(scripts/pg.sh start)"
  export DATABASE_URL
  $PY manage.py migrate --no-input -v0
  $PY manage.py load_standards
  echo "== generate"
  $PY manage.py bench_life_generate --orgs "$orgs" --members "$members" --year "$YEAR"
  echo "== measure (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  # The engine-vs-SQL check runs up to 10,000 organisations: beyond, the hand-written
  # query's plan does not finish in reasonable time (more than 17 minutes at 100,000).
  compare=""
  [ "$orgs" -gt 10000 ] && compare="--no-sql"
  # shellcheck disable=SC2086
  $PY manage.py bench_compliance --standard "${BENCH_STANDARD:-s000-village}" \
    --year "$YEAR" --runs "${BENCH_RUNS:-3}" $compare \
    --matrix-orgs "${BENCH_MATRIX_ORGS:-500}" --figures "$FIGURES" ${BENCH_ARGS:-}
  scripts/pg.sh stop "$PG_TMP"
  PG_TMP=""
done
$PY manage.py bench_compliance --growth "$FIGURES"
