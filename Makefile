# The verbs of this project. `make help` lists them.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
# A throwaway database on the local PostgreSQL for `make test-postgres` (pytest creates test_<name>).
PG_URL ?= postgres://postgres@127.0.0.1:5432/tutorials
# pytest processes for the big suites (pytest-xdist): each has its own test databases and
# Chromium, and more of them open more connections on the shared PostgreSQL (100 at most).
PYTEST_WORKERS ?= 2
# Where `make run` serves: `make run HOST=0.0.0.0:8080` for another address or port.
HOST ?= 127.0.0.1:8000

.DEFAULT_GOAL := help
.PHONY: help install run check-host serve migrate populate test test-postgres fuzz lint migrations-check format bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'
	@echo "Variables: HOST=$(HOST) (make run HOST=0.0.0.0:8080), PG_URL=$(PG_URL) (make test-postgres)"

$(PY):
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when a requirements file changed since the last install.
$(RUNTIME): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(DEV): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(RUNTIME)

# Local settings for the manage.py commands in the READMEs (DEBUG on); made only when
# missing, so an existing .env is never overwritten.
.env:
	cp .env.example .env
	@echo "Created .env from .env.example (DJANGO_DEBUG=true); edit it to choose databases."

install: $(RUNTIME) .env ## Create .venv, install the pinned requirements, and .env if missing

migrate: $(RUNTIME) .env ## Migrate every database alias (sync_cassandra for Cassandra)
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py migrate_all

populate: $(RUNTIME) .env ## Add demo data to each empty app, once per database (populate --remove takes it out)
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py populate

# runserver itself takes a port above 65535 with a traceback and then hangs: check HOST as
# `make serve` does (gunicorn.conf.py, with its other variables blanked), before migrate runs.
check-host: $(RUNTIME)
	@HOST='$(HOST)' WEB_CONCURRENCY= WEB_THREADS= DJANGO_CONN_MAX_AGE= $(PY) gunicorn.conf.py

run: check-host .env migrate populate ## Install, migrate, add demo data to empty apps, serve http://HOST (127.0.0.1:8000) with DEBUG on
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} API_ANON_RATE=$${API_ANON_RATE:-off} API_USER_RATE=$${API_USER_RATE:-off} \
		$(PY) manage.py runserver $(HOST)

# Production: DEBUG off whatever .env says; the first manage.py command stops with a one-line
# error when DJANGO_SECRET_KEY or DJANGO_ALLOWED_HOSTS is missing. README, "Deploy".
# gunicorn.conf.py first: it checks HOST, WEB_CONCURRENCY and WEB_THREADS in one line each,
# before gunicorn's own int(WEB_CONCURRENCY) could fail with a traceback.
serve: export DJANGO_DEBUG := false
serve: $(RUNTIME) ## Production: collectstatic, check --deploy, migrate_all, then gunicorn on HOST
	@$(PY) gunicorn.conf.py
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py migrate_all
	exec $(VENV)/bin/gunicorn --config gunicorn.conf.py

test: $(DEV) ## Every suite that needs no server: SQLite, fakesnow Snowflake, emulated Cassandra, Chromium
	$(PY) -m pytest -n $(PYTEST_WORKERS)
	$(PY) -m pytest -n $(PYTEST_WORKERS) --fakesnow trips,catalog,counter -m "not browser" tests/trips tests/catalog tests/counter
	$(PY) -m pytest --fakesnow trips -m snowflake tests/moving
	$(PY) -m pytest --emulated-cassandra -m cassandra tests/parties tests/moving
	$(PY) .ci/fuzz.py --max-examples 5 --max-time 60

fuzz: $(DEV) ## schemathesis, every check, anonymous and with a token (FUZZ_EXAMPLES, FUZZ_SECONDS per run)
	$(PY) .ci/fuzz.py --max-examples $${FUZZ_EXAMPLES:-100} --max-time $${FUZZ_SECONDS:-600}

test-postgres: $(DEV) ## The same suite on the local PostgreSQL (PG_URL), concurrency tests included
	DATABASE_URL=$(PG_URL) BANK_DATABASE_URL=$(PG_URL)_bank $(PY) -m pytest -n $(PYTEST_WORKERS) --create-db -m "not browser"

lint: $(DEV) ## ruff
	$(VENV)/bin/ruff check .

migrations-check: $(DEV) ## Fail when a model change has no migration (makemigrations --check --dry-run)
	DJANGO_DEBUG=true $(PY) manage.py makemigrations --check --dry-run

format: $(DEV) ## Let ruff fix what it can
	$(VENV)/bin/ruff check --fix .

bench: $(DEV) ## The benchmarks in bench/ on SQLite and the local PostgreSQL (minutes; see each script)
	$(PY) bench/counter_http.py
	BANK_DATABASE_URL=$(PG_URL)_bank_bench $(PY) bench/bank_transfers.py --floor
	$(PY) bench/trips_load.py --url $(PG_URL)_trips_bench
	$(PY) bench/trips_pages.py --url sqlite:///$(CURDIR)/bench/out/load.sqlite3
	$(PY) bench/trips_pages.py --url $(PG_URL)_trips_bench
	$(PY) bench/serve_http.py --pg-url $(PG_URL)_trips_bench
	$(PY) bench/move_app.py --runs 1

clean: ## Remove the virtualenv, the SQLite files and caches
	rm -rf $(VENV) db.sqlite3* test_db.sqlite3* staticfiles .pytest_cache .ruff_cache
