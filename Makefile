VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test bench lint venv system-deps

$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

system-deps:
	scripts/system-deps.sh

## Serve the platform with the demo city on SQLite at http://127.0.0.1:$(PORT)
run: venv
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_standards
	$(PY) manage.py load_demo_city
	$(PY) manage.py ensure_admin
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## The whole test suite (SQLite, PostgreSQL, browser)
test: venv system-deps
	scripts/test.sh

## Benchmarks on throwaway PostgreSQL clusters (not part of the test run)
bench: venv system-deps
	scripts/bench.sh
	scripts/bench-compliance.sh
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py bench_documents

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
