# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-deps test-sqlite test-postgres lint install clean bench bench-national bench-load

$(STAMP): pyproject.toml requirements.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) .secret_key .audit_key

.secret_key:
	$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > .secret_key
	chmod 600 .secret_key

# The audit chain's HMAC key (docs/audit-log.md); keep a copy apart from the database's backups.
.audit_key:
	$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > .audit_key
	chmod 600 .audit_key

# The demo server runs with DEBUG off, as production does: Obruten's own Swedish error pages,
# never Django's technical ones; plain http on localhost; WhiteNoise serves the static files
# from the source tree. The browser tests start their server with this same environment.
RUN_ENV := DEBUG=0 DEMO_MODE=1 SECURE_COOKIES=0

run: install .secret_key .audit_key
	export SECRET_KEY_FILE=$(CURDIR)/.secret_key AUDIT_KEY_FILE=$(CURDIR)/.audit_key $(RUN_ENV); \
	$(BIN)/obruten migrate --no-input && \
	$(BIN)/obruten demo --seed 1 --scale city --if-empty && \
	echo "Obruten: http://127.0.0.1:8000" && \
	$(BIN)/obruten runserver 127.0.0.1:8000

# Every test, on SQLite and on a throwaway PostgreSQL cluster, the two side by side (one
# core each); each half's output is printed whole when it ends.
test: test-deps install
	$(MAKE) --jobs=2 --output-sync=target test-sqlite test-postgres

# Chromium and PostgreSQL: installed when run as root, else one line saying how, and stop.
test-deps:
	$(PYTHON) scripts/ensure-test-deps.py

# A test whose work is the same on either database runs once, in the half its marker
# names, which keeps the halves about even (conftest.py, docs/contributing.md).
test-sqlite: test-deps install
	SECRET_KEY=test-only-$$RANDOM AUDIT_KEY=test-only-$$RANDOM DATABASE_URL= $(BIN)/pytest -q -m "not postgresql_half"

test-postgres: test-deps install
	SECRET_KEY=test-only-$$RANDOM AUDIT_KEY=test-only-$$RANDOM $(BIN)/python scripts/with_postgres.py $(BIN)/pytest -q -m "not sqlite_half"

lint: install
	$(BIN)/ruff check .
	SECRET_KEY=lint AUDIT_KEY=lint $(BIN)/mypy obruten
	SECRET_KEY=lint AUDIT_KEY=lint $(BIN)/obruten makemigrations --check --dry-run

bench: install
	SECRET_KEY=bench-$$RANDOM AUDIT_KEY=bench-$$RANDOM $(BIN)/python bench/foundation.py
	BENCH_SCALE=city SECRET_KEY=bench-$$RANDOM AUDIT_KEY=bench-$$RANDOM $(BIN)/python bench/reports.py
	SECRET_KEY=bench-$$RANDOM AUDIT_KEY=bench-$$RANDOM $(BIN)/python bench/uploads.py
	SECRET_KEY=bench-$$RANDOM AUDIT_KEY=bench-$$RANDOM $(BIN)/python bench/start_pages.py
	SECRET_KEY=bench-$$RANDOM AUDIT_KEY=bench-$$RANDOM $(BIN)/python scripts/with_postgres.py $(BIN)/python bench/obligations.py

bench-national: install
	BENCH_SCALE=national SECRET_KEY=bench-$$RANDOM AUDIT_KEY=bench-$$RANDOM $(BIN)/python bench/reports.py

# 50 simulated users against gunicorn on a throwaway PostgreSQL cluster, city scale, about
# 3 minutes in all (docs/performance.md).
bench-load: install
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) var obruten.sqlite3*
