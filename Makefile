VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run cluster load test bench lint venv runtime system-deps audit backup restore

$(PY):
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

# What serving needs (`make run`); the test tools come on top (`make test`).
$(VENV)/.runtime: requirements.txt | $(PY)
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(PY)
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

runtime: $(VENV)/.runtime
venv: $(VENV)/.installed

system-deps:
	scripts/system-deps.sh

## Serve the platform with the demo city on SQLite at http://127.0.0.1:$(PORT), with the
## background-job worker and the hourly check for the nightly work beside it (stopped with
## the server)
run: runtime
	scripts/system-deps.sh run
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_standards
	$(PY) manage.py load_holidays
	$(PY) manage.py load_demo_city
	$(PY) manage.py ensure_admin
	$(PY) manage.py db_worker --no-reload -v0 & worker=$$!; \
	while :; do $(PY) manage.py nightly --if-due >/dev/null; sleep 3600; done & nightly=$$!; \
	trap 'kill $$worker $$nightly 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## The platform as on several machines, on this one (docs/deployment.md): PostgreSQL primary
## and streaming replica, two gunicorn app servers behind a round-robin proxy on :$(PORT),
## the job worker; Ctrl-C stops it all and removes its temporary directory
cluster: runtime
	scripts/system-deps.sh cluster
	PORT=$(PORT) scripts/cluster.sh

## Load and fault drills on the cluster above (not part of the test run; docs/benchmarks.md):
## 50 clerks' month-end mix for 3 minutes, then the same with an app server, the replica,
## the primary and the worker failing; prints p95, errors and what each drill lost
load: venv
	scripts/system-deps.sh cluster
	scripts/load.sh

## The whole test suite (SQLite, PostgreSQL, browser)
test: venv system-deps
	scripts/test.sh

## Benchmarks on throwaway PostgreSQL clusters (not part of the test run)
bench: venv system-deps
	scripts/bench.sh
	scripts/bench-compliance.sh
	scripts/bench-campaigns.sh
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py bench_documents

## Known vulnerabilities in the pinned requirements (needs the network; not part of `make test`)
audit: venv
	$(VENV)/bin/pip install -q pip-audit==2.10.1
	$(VENV)/bin/pip-audit -r requirements.txt -r requirements-dev.txt

## Back up the database (SQLite or PostgreSQL) to FILE (default var/backups/<date-time>.backup)
backup: runtime
	$(PY) manage.py backup $(or $(FILE),var/backups/$(shell date +%Y%m%d-%H%M%S).backup)

## Restore FILE (made by `make backup`) into the empty database
restore: runtime
	$(PY) manage.py restore $(FILE)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
