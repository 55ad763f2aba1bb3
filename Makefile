# InterAzioni: `make run` serves the demo; `make test` runs the whole suite. Both set everything up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
PIP := $(BIN)/pip --disable-pip-version-check -q

.PHONY: run test lint check bench install install-dev system-check translations demo clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is required"'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install -e ".[dev]"
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: install
	@$(MANAGE) compile_translations

run: install translations
	@bash scripts/check-system.sh run
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference
	$(MANAGE) seed_demo --size small --seed 1 --if-empty
	@$(MANAGE) demo_logins
	$(MANAGE) serve 127.0.0.1:8000

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install-dev translations
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run
	DJANGO_ENV=production SECRET_KEY=check-deploy-$$(printf '%064d' 0) \
	  FIELD_ENCRYPTION_KEYS=$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	  ALLOWED_HOSTS=interazioni.example.org $(MANAGE) check --deploy --fail-level WARNING

test: lint check
	@bash scripts/check-system.sh test
	INTERAZIONI_TESTING=1 $(BIN)/pytest $(PYTEST_ARGS)

bench: install-dev translations
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
