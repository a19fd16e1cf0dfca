# The two set-up commands are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PY := .venv/bin/python
UV := var/tools/bin/uv
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install system-deps test-services assets migrate data serve lint check messages bench faults faults-scans api-fuzz clean

## demo: install everything, build the demo database (SQLite under var/), serve it with its worker
demo: install migrate data
	@echo
	@$(PY) manage.py demo_data | tail -n +2
	@echo "Open http://$(HOST):$(PORT)/ — the background worker runs beside it; stop both with Ctrl+C"
	scripts/serve-demo.sh $(HOST):$(PORT)

## test: install what the tests need and run the whole suite (browser tests included)
## (one pytest process per core: PYTEST_WORKERS=0 runs them in one process)
PYTEST_WORKERS ?= auto
test: install system-deps test-services lint
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile --cov --cov-report=term $(PYTEST_ARGS)

## test-services: PostgreSQL and Redis on 127.0.0.1, started (and installed) when missing
test-services:
	scripts/test-services.sh

install: .venv/.installed node_modules/.installed

var/tools/bin/uv:
	python3 -m venv var/tools
	var/tools/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

.venv/.installed: requirements-dev.lock | var/tools/bin/uv
	test -x .venv/bin/python || $(UV) venv --quiet --python python3.11 .venv
	$(UV) pip sync --quiet --python .venv/bin/python requirements-dev.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

## system-deps: Debian packages the tests use (Chromium, poppler, zbar, gettext, fonts)
system-deps:
	scripts/system-deps.sh

migrate: install
	$(PY) manage.py migrate --noinput -v0

data: migrate
	$(PY) manage.py load_units
	$(PY) manage.py load_product_sets
	$(PY) manage.py load_criteria
	$(PY) manage.py load_holidays
	$(PY) manage.py demo_data > /dev/null

serve:
	scripts/serve-demo.sh $(HOST):$(PORT)

## lint: ruff, formatting, migrations in step with models, import layers, translations compile
lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run -v0
	.venv/bin/lint-imports
	$(PY) manage.py check

## messages: refresh the .po catalogues after changing user-facing strings, then translate
## (Vietnamese texts for new strings: JSON files in locale/vi/pending/, see scripts/translate.py)
messages: install
	mkdir -p var && flock var/messages.lock sh -c '$(PY) manage.py makemessages -l vi -l en --no-obsolete --ignore=.venv --ignore=node_modules --ignore=var && msgen locale/en/LC_MESSAGES/django.po -o locale/en/LC_MESSAGES/django.po'
	$(PY) scripts/translate.py $(wildcard locale/vi/pending/*.json)
	@msgfmt --statistics -o /dev/null locale/vi/LC_MESSAGES/django.po

## bench: the benchmark scripts (PostgreSQL; see bench/README.md) — they print their figures
bench: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ocop} $(PY) bench/import_products.py
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ocop} $(PY) bench/product_list.py
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ocop} $(PY) bench/issue_stamps.py
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ocop} $(PY) bench/verify_wrk.py
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ocop} $(PY) bench/plans_dashboard.py

## faults: every row of issue 17's table — the scan rows below plus a stamp issue's worker
## killed part-way, processes killed after their commit, SMTP down then back; prints
## sent/answered/counted/logged/lost and recovery per row, fails if anything is lost
faults: install
	$(PY) bench/faults.py $(FAULTS_ARGS)

## faults-scans: the verification under load while a worker is killed and PostgreSQL restarts,
## stops and crashes (its own cluster, created on the first run: needs root and Debian's
## pg_createcluster); prints sent/answered/counted/logged/lost per fault (bench/README.md)
faults-scans: install
	$(PY) bench/faults_scans.py $(FAULTS_ARGS)

## api-fuzz: schemathesis against the API's schema with many more cases than the suite's
api-fuzz: install
	OCOP_API_FUZZ_EXAMPLES=$${OCOP_API_FUZZ_EXAMPLES:-200} $(PY) -m pytest -q api/tests/test_schemathesis.py

clean:
	rm -rf var/ocop.sqlite3 var/static .pytest_cache .coverage
