# The README's two commands: `make run` and `make test`. Everything else is their plumbing.
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export PATH := $(BIN):$(PATH)

.PHONY: run test install packages lock lint migrations-check deploy-check messages bench-data bench bench-load bench-growth

# Installs everything, prepares the database and demo data, and starts web + worker + beat.
run: export DEBUG ?= true
run: install
	$(BIN)/python manage.py preflight
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  Open http://$(HOST):$(PORT)/ and log in as admin / Service#2026 (README lists every demo account)."
	@echo ""
	HOST=$(HOST) PORT=$(PORT) $(BIN)/honcho start -f Procfile

# Runs the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set, else SQLite).
test: export SECRET_KEY ?= test-only-secret-key-not-for-production-0123456789abcdef
# pytest-xdist processes, each on its own test database (make test TEST_WORKERS=0: one process).
TEST_WORKERS ?= 2
test: install
	PYTHON=$(PYTHON) sh scripts/need-packages.sh test
	$(BIN)/python manage.py preflight
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The Debian packages first (scripts/need-packages.sh: installed as root, else the one command to run).
install: packages $(VENV)/.installed node_modules/.installed messages
	DEBUG=true $(BIN)/python manage.py collectstatic --no-input -v 0

packages:
	PYTHON=$(PYTHON) sh scripts/need-packages.sh run

# Every package, transitive ones too, at the version and with the hashes of requirements-dev.lock.
$(VENV)/.installed: requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --require-hashes -r requirements-dev.lock
	touch $@

# The lock files, made again from the pins in requirements*.txt after one of them changes (commit all four).
lock: $(VENV)/.installed
	$(BIN)/uv pip compile requirements.txt --universal --generate-hashes --python-version 3.11 -q -o requirements.lock
	$(BIN)/uv pip compile requirements-dev.txt --universal --generate-hashes --python-version 3.11 -q \
	  -o requirements-dev.lock

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

messages: $(VENV)/.installed
	cd $(CURDIR) && DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

migrations-check: $(VENV)/.installed
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

# `check --deploy` under production-like settings (values as a real deployment sets them).
deploy-check: $(VENV)/.installed
	DEBUG=false SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	SECURE_SSL_REDIRECT=true SECURE_HSTS_SECONDS=31536000 SECURE_HSTS_INCLUDE_SUBDOMAINS=true \
	SECURE_HSTS_PRELOAD=true ALLOWED_HOSTS=service.example.com \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# Benchmarks (BENCHMARKS.md): DATABASE_URL must name an empty PostgreSQL database for bench-data.
# Production settings (DEBUG off), with a key that is only for the benchmark unless one is set.
bench-data bench bench-load bench-growth: export DEBUG = false
bench-data bench bench-load bench-growth: export SECRET_KEY ?= bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz
bench-data: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py bench_data

# The in-process client's host is allowed by the command.
bench: install
	$(BIN)/python manage.py bench

# The same cases at 100,000 and 3,000,000 orders (built once, in <database>_100000 and <database>_3000000).
bench-growth: install
	$(BIN)/python manage.py bench_growth

bench-load: install
	$(BIN)/pip install -q -r requirements-bench.txt
	benchmarks/load.sh
