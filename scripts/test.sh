#!/usr/bin/env bash
# The whole test suite: lint, migrations, unit/API tests on SQLite and on a throwaway
# PostgreSQL cluster, then browser tests in Debian's headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=grassroots.settings.test

echo "== lint"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== import contracts (pyproject.toml: apps in layers, core lowest)"
.venv/bin/lint-imports --no-cache
echo "== migrations"
$PY manage.py makemigrations --check --dry-run >/dev/null
echo "== production settings"
SECRET_KEY=$(python3 -c "import secrets; print(secrets.token_urlsafe(50))") \
  DJANGO_SETTINGS_MODULE=grassroots.settings.prod $PY manage.py check --deploy --fail-level WARNING

echo "== tests on SQLite"
.venv/bin/pytest -q -m "not browser" -n 2 "$@"

echo "== API against its schema (schemathesis, live server)"
scripts/api-fuzz.sh

echo "== tests on PostgreSQL"
eval "$(scripts/pg.sh start)"
trap 'scripts/pg.sh stop "$PG_TMP"' EXIT
DATABASE_URL=$DATABASE_URL .venv/bin/pytest -q -m "not browser" -n 2 "$@"

echo "== browser tests"
unset DATABASE_URL
.venv/bin/pytest -q -m browser "$@"
