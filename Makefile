# AI engineering for software engineers: the course's commands.
# `make help` lists them. CI runs `make test`, exactly as you do.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# nbgrader shells out to `alembic` and `jupyter`: the venv's bin must be on PATH.
export PATH := $(abspath $(BIN)):$(PATH)
PORT ?= 8888
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install sandbox release lab test test-fast bench doctor lock clean

help: ## List the commands
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml requirements-lock.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] in ((3, 11), (3, 12)), "the course needs Python 3.11 or 3.12; found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3"
	# llama-cpp-python builds from source the first time (about 8 minutes on 2 cores); pip caches the wheel.
	$(BIN)/python -m pip install --quiet --constraint requirements-lock.txt --editable '.[providers]'
	touch $(STAMP)

install: $(STAMP) sandbox ## Create .venv and install the course (fast when nothing changed)

sandbox: ## Install bubblewrap, which sandboxes grading (docs/GRADING.md)
	@command -v bwrap >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null; } || echo "Note: install bubblewrap (apt-get install bubblewrap) to grade; without it grading refuses to run unless COURSE_UNSAFE_GRADING=1"

release: install ## Regenerate release/ from source/ where the source changed
	$(BIN)/python tools/release.py

lab: install release ## Install, then open the student notebooks in JupyterLab
	@echo "Opening release/ in JupyterLab on port $(PORT). Stop it with Ctrl-C."
	$(BIN)/jupyter lab --notebook-dir=release --port=$(PORT) $(if $(CI),--no-browser,)

test: install ## Install, then run every test (library, nbgrader pipeline, notebooks)
	COURSE_OFFLINE=1 $(BIN)/python -m pytest tests source --nbval-lax --nbval-current-env -p no:cacheprovider $(PYTEST_ARGS)

test-fast: install ## Only the library tests (seconds)
	COURSE_OFFLINE=1 $(BIN)/python -m pytest tests -m "not slow and not pipeline" $(PYTEST_ARGS)

bench: install ## Print benchmark numbers and write bench-results.json
	COURSE_OFFLINE=1 $(BIN)/python benchmarks/run.py
	COURSE_OFFLINE=1 $(BIN)/python benchmarks/grading.py

doctor: install ## Check every component; print OK or FAIL with the fix
	$(BIN)/python -m course.doctor

lock: install ## Re-pin every transitive dependency into requirements-lock.txt
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^pip==' > requirements-lock.txt

clean: ## Remove the venv and generated files (keeps release/)
	rm -rf $(VENV) .release-stamp .pytest_cache gradebook.db
