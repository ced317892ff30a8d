# Two commands for a new user: `make run` and `make test`. Everything they need installs here.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on every core (pytest-xdist); each xdist process gets its own Redis database.
PYTEST_ARGS ?= -n auto

.PHONY: run test install messages lint format check-deploy clean-demo backup restore restore-drill

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

# English needs compiled messages. Chinese (the default) is the source text; its catalogue only
# rewords Django's own messages (validation errors, the admin's JavaScript, django-axes), which
# fall back to Django's machine-worded Chinese or English when it is not compiled.
messages: install
	@if ./scripts/ensure-system-packages.sh gettext; then \
	  $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0; \
	else echo "gettext missing: translations not compiled (English UI and Django's reworded Chinese messages missing)"; fi

run: install messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	mkdir -p .broker/out .broker/processed
	@# The Celery worker (with beat) runs beside the web server on the filesystem broker, so
	@# reminders are delivered with no Redis to install. Both stop with Ctrl-C.
	$(VENV)/bin/celery -A config worker --beat --loglevel=INFO --concurrency=1 \
	  --schedule=.broker/celerybeat-schedule --logfile=.broker/worker.log & \
	  worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  echo "Celery worker and beat: pid $$worker, log .broker/worker.log"; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

test: install messages
	@./scripts/ensure-system-packages.sh chromium fonts-noto-cjk || echo "Chromium missing: browser tests will be skipped"
	$(PY) -m pytest $(PYTEST_ARGS)

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format:
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

makemessages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles --no-obsolete

# Backups of a PostgreSQL deployment (README, "Backups"): DATABASE_URL and BACKUP_KEY from the environment.
backup:
	./scripts/backup.sh

# make restore FILE=backups/minqing-….tar.enc TARGET=postgres://…/minqing_restored
restore:
	./scripts/restore.sh "$(FILE)" "$(TARGET)"

restore-drill:
	./scripts/restore-drill.sh
