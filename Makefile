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

# Style and type gate run by CI before the tests: lint findings, unformatted files and any mypy error fail the
# build (mypy checks facility mds careplans surveys, configured in pyproject.toml; .pre-commit-config.yaml runs
# the same three checks before a commit).
lint: install
	$(BIN)/ruff check facility mds careplans surveys tests scripts piccolo_conf.py
	$(BIN)/ruff format --check facility mds careplans surveys tests scripts piccolo_conf.py
	$(BIN)/mypy

# Spanish catalogs, one gettext domain per package: extract the package's message ids (babel.cfg, keywords
# below; facility/core/i18n_catalog.py uses the same), merge them into locales/es/LC_MESSAGES/<package>.po (new
# ids come in untranslated: translate them in the .po), compile the .mo. tests/unit/test_i18n.py fails when a
# UI message has no Spanish translation. See docs/DEVELOPING.md, "Spanish".
I18N_DOMAINS  := facility mds careplans surveys
I18N_KEYWORDS := -k _ -k gettext:2 -k ngettext:1,2 -k pgettext:1c,2 -k npgettext:1c,2,3 -k N_ -k NC_:1c,2 -k T_ -k NavItem:2
i18n: install
	@for d in $(I18N_DOMAINS); do \
	  $(BIN)/pybabel -q extract -F babel.cfg --no-default-keywords $(I18N_KEYWORDS) --no-location --no-wrap \
	    --sort-output --project=mdsready -o locales/$$d.pot $$d && \
	  $(BIN)/pybabel -q update -i locales/$$d.pot -d locales -D $$d -l es --init-missing --no-fuzzy-matching \
	    --ignore-pot-creation-date --no-wrap && \
	  $(BIN)/pybabel -q compile -d locales -D $$d -l es --statistics || exit 1; \
	done

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
