# The portal's two commands: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install lint migrations-check deploy-check clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The portal with demo data on SQLite, with a Celery worker and beat beside the web server.
# Ctrl-C stops all three, and make with them, without an error. In a terminal honcho runs as a
# job of its own (set -m), as a shell runs a command, so Ctrl-C reaches honcho, which stops the
# three with SIGTERM, and not make, which would report the interrupt as a failure; honcho
# answers Ctrl-C with status 130, which here means a clean stop.
run: install
	mkdir -p var
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo_data
	@echo ""
	@echo "Starting the portal on http://127.0.0.1:8000 (web, worker and beat). Ctrl-C stops all three."
	DEBUG=1 DJANGO_SETTINGS_MODULE=pcc_portal.settings.local PATH="$(CURDIR)/$(BIN):$$PATH" \
		bash -c 'if [ -t 0 ]; then set -m; fi; "$$0" --procfile Procfile.dev start; \
		status=$$?; [ $$status -eq 130 ] && status=0; exit $$status' $(BIN)/honcho

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# The whole test suite, lint and migrations included. DATABASE_URL and REDIS_URL, when set, point
# it at real PostgreSQL and Redis.
test: lint migrations-check
	$(BIN)/python -m pytest

# A benchmark, not a test (neither `make test` nor CI runs it): the public pages beside a bare
# Django view on gunicorn with production settings, PostgreSQL (127.0.0.1:5432, database
# pcc_bench) and Redis (127.0.0.1:6379, database 13), written into docs/benchmarks.md, with the
# measures each app registers. About six minutes. BENCH_ARGS passes options, e.g.
# BENCH_ARGS="--label before" or BENCH_ARGS="--volume 10000".
bench: install
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1 && \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; } \
		>/dev/null 2>&1; } || \
		echo "wrk is not installed: using the Python load generator."
	$(BIN)/python manage.py bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache .ruff_cache
