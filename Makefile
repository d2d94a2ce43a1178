# mdsready — the commands a new user needs. See README.md.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PG_URL  ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: install run test test-sqlite test-postgres bench lint i18n screenshots audit lock

install: $(BIN)/mdsready

$(BIN)/mdsready: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(BIN)/mdsready

# migrate, load the demo facility into an empty database only, then serve on http://127.0.0.1:8000
run: install
	$(BIN)/mdsready migrate
	$(BIN)/mdsready demo --if-empty
	$(BIN)/mdsready serve --host 127.0.0.1 --port 8000

# The whole suite on SQLite, then the database-backed tests again on PostgreSQL when it answers.
test: install
	bash scripts/run_tests.sh

bench: install
	$(BIN)/python scripts/bench.py

# Style gate run by CI before the tests: lint findings and unformatted files fail the build.
lint: install
	$(BIN)/ruff check facility mds careplans surveys tests scripts piccolo_conf.py
	$(BIN)/ruff format --check facility mds careplans surveys tests scripts piccolo_conf.py

# Spanish catalogs: scripts/es_<domain>.py -> locales/es/LC_MESSAGES/<domain>.po (+ .mo); the
# test tests/unit/test_i18n.py fails when a UI message has no Spanish translation.
i18n: install
	$(BIN)/pybabel extract -F babel.cfg -o locales/messages.pot --no-location --omit-header .
	$(BIN)/python scripts/write_po.py
	$(BIN)/mdsready i18n-compile

screenshots: install
	$(BIN)/python scripts/screenshots.py

# Dependency audit of the pinned, hashed requirements.lock against the PyPI/OSV advisory database. It needs a
# network that reaches it: offline pip-audit cannot look anything up, and --strict makes that a failure rather
# than a silent "no known vulnerabilities" (docs/SECURITY-STATUS.md, target 30).
audit: install
	$(BIN)/pip install --quiet -e '.[audit]'
	$(BIN)/pip-audit --strict --disable-pip --require-hashes -r requirements.lock

# Re-pin every dependency (dev included) with its hashes after changing pyproject.toml.
lock: install
	$(BIN)/pip install --quiet -e '.[lock]'
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links --extra dev --strip-extras -o requirements.lock pyproject.toml
