# Your Place: the two commands are `make run` and `make test`. `make help` lists the rest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1

.DEFAULT_GOAL := help

.PHONY: help run test lint quick install assets serve db demo clean translations translations-extract translations-update

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed ## Create the virtualenv and install the portal with its test tools

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Translations: the .po files are edited (by people or a PO editor); the .mo files are built.
LANGS := ur pl ro
MO_FILES := $(foreach lang,$(LANGS),translations/$(lang)/LC_MESSAGES/messages.mo)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | install
	$(BIN)/pybabel compile --use-fuzzy -d translations -l $* -i $< -o $@ -f >/dev/null

translations: $(MO_FILES) ## Build the compiled message catalogues from the .po files

translations-extract: install ## Collect every marked string into translations/messages.pot
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --add-comments=Translators: --sort-by-file --ignore-dirs ".* node_modules .venv" -o translations/messages.pot .

translations-update: translations-extract ## Merge new strings into each language's .po file
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

db: install translations ## Migrate the database and add the reference data
	$(BIN)/flask --app portal db upgrade
	$(BIN)/flask --app portal seed-reference

demo: db ## Add the invented demo content (staff accounts, feedback, answers)
	$(BIN)/flask --app portal seed-demo

run: demo ## Set everything up and serve http://127.0.0.1:5000 (PORT=8000 make run for another port)
	@echo "Your Place is at http://$(HOST):$(PORT)/ (staff: http://$(HOST):$(PORT)/staff/login)"
	$(BIN)/flask --app portal run --host $(HOST) --port $(PORT)

test: install translations node_modules/.installed ## Lint, then run the whole test suite, browser tests included
	$(BIN)/ruff check .
	@bash scripts/ensure_test_tools.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install ## Check the code with ruff (make test does this first)
	$(BIN)/ruff check .

quick: install ## The tests without a browser (pytest -m "not browser")
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

assets: node_modules/.installed ## Rebuild the committed CSS and JavaScript (needs Node)
	$(PYTHON) scripts/build_assets.py

.PHONY: bench
bench: install translations ## Measure the portal at district scale with gunicorn and wrk; writes docs/benchmarks.md
	$(BIN)/python scripts/bench/bench.py

clean: ## Remove the virtualenv, node_modules and the local database
	rm -rf $(VENV) node_modules instance/portal.sqlite*
