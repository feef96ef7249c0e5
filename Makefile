# The portal's two commands: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install lint migrations-check deploy-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The portal with demo data on SQLite, with a Celery worker and beat beside the web server.
# Ctrl-C stops all three.
run: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo_data
	@echo ""
	@echo "Starting the portal on http://127.0.0.1:8000 (web, worker and beat). Ctrl-C stops all three."
	DEBUG=1 DJANGO_SETTINGS_MODULE=pcc_portal.settings.local PATH="$(CURDIR)/$(BIN):$$PATH" \
		$(BIN)/honcho --procfile Procfile.dev start

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# The whole test suite, lint and migrations included. DATABASE_URL and REDIS_URL, when set, point
# it at real PostgreSQL and Redis.
test: lint migrations-check
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache .ruff_cache
