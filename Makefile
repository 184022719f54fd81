# The README's two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Two workers match these 2-core machines; override with `make test PYTEST_ARGS=...`.
PYTEST_ARGS ?= -n 2
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint test-deps

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.runtime: $(VENV)/bin/activate requirements.txt
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

# A local .env with freshly generated development secrets (git-ignored, never committed).
.env: | $(VENV)/.runtime
	$(PY) -c "import secrets; from cryptography.fernet import Fernet; \
	open('.env', 'x').write('# Written by make run: development only.\nDEBUG=true\n' \
	f'SECRET_KEY={secrets.token_urlsafe(50)}\nTOKEN_ENCRYPTION_KEYS={Fernet.generate_key().decode()}\n')"
	@echo "Wrote .env with fresh development secrets."

run: $(VENV)/.runtime .env
	$(PY) manage.py migrate --noinput
	@echo "Personal Shopper (Kroger sandbox mode) at http://127.0.0.1:8000"
	$(PY) manage.py runserver 127.0.0.1:8000

# The browser tests drive Debian's Chromium and the Redis tests a throwaway redis-server; as root
# we install what is missing, otherwise we say how.
test-deps:
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing="$$missing chromium"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing:$$missing: run 'sudo apt-get install$$missing' (or set CHROMIUM=/path)."; exit 1; \
	  fi; \
	fi

test: $(VENV)/.dev test-deps
	CHROMIUM_PATH=$(CHROMIUM) $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
