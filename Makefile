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
# Test workers (pytest-xdist): notebooks and grading wait on kernels, so two workers
# keep a 2-core machine busy. tests/conftest.py keeps dependent tests together.
TEST_WORKERS ?= 2
# One llama.cpp thread per test worker: with every core already busy, a second thread
# only waits for the first (nbval of 04, 06, 07 and 09 on two workers: 8% less wall time
# and CPU, measured with farm-bench). Learners keep the default of two.
TEST_LLAMA_THREADS ?= $(shell n=$$(( $$(nproc 2>/dev/null || echo 2) / $(TEST_WORKERS) )); echo $$(( n > 0 ? n : 1 )))
# make serve-model: where the shared model server listens (0.0.0.0 to serve other machines)
MODEL_HOST ?= 127.0.0.1
MODEL_PORT ?= 8080
MODEL_THREADS ?= $(shell nproc 2>/dev/null || echo 2)
# make hub: where the course's JupyterHub keeps its state, listens, and finds nbgrader's exchange
HUB_STATE ?= /var/lib/ai-engineering-hub
HUB_PORT ?= 8000
EXCHANGE ?= /srv/nbgrader/exchange
# Screenshots of the browser tests show Japanese and emoji; without these fonts they are boxes.
BROWSER_FONTS := fonts-noto-color-emoji fonts-wqy-zenhei

.DEFAULT_GOAL := help
.PHONY: help install sandbox browser postgres proxy hub release lab test test-fast test-browser test-stress bench mutants doctor doctor-instructor serve-model lock clean

help: ## List the commands
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-17s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

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

browser: ## Install Debian's chromium (and fonts for CJK and emoji) for the browser tests; learners do not need it
	@command -v chromium >/dev/null && { ! command -v dpkg >/dev/null || dpkg -s $(BROWSER_FONTS) >/dev/null 2>&1; } || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium $(BROWSER_FONTS) >/dev/null; } || echo "Note: install chromium (Debian/Ubuntu: apt-get install chromium $(BROWSER_FONTS)) for the browser tests; without it they skip, and fail under CI=true"

postgres: ## Install Debian's PostgreSQL server, which the gradebook tests start a throw-away cluster of
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } || echo "Note: install PostgreSQL (Debian/Ubuntu: apt-get install postgresql) for the gradebook tests; without it they skip, and fail under CI=true"

hub/node_modules/.package-lock.json: hub/package.json hub/package-lock.json
	npm ci --prefix hub --no-audit --no-fund --loglevel=error

proxy: hub/node_modules/.package-lock.json ## Install JupyterHub's proxy (configurable-http-proxy, pinned in hub/package.json) into hub/node_modules

hub: install proxy ## Run the course's JupyterHub on this machine, as root (README: JupyterHub; first: hub/setup_course.py)
	@[ "$$(id -u)" = 0 ] || { echo "make hub runs as root: the hub starts each user's server as that user"; exit 1; }
	COURSE_HUB_STATE=$(HUB_STATE) COURSE_HUB_PORT=$(HUB_PORT) NBGRADER_EXCHANGE=$(EXCHANGE) $(BIN)/jupyterhub -f hub/jupyterhub_config.py

release: install ## Regenerate release/ from source/ where the source changed
	$(BIN)/python tools/release.py

lab: install release ## Install, then open the student notebooks in JupyterLab
	@echo "Opening release/ in JupyterLab on port $(PORT). Stop it with Ctrl-C."
	$(BIN)/jupyter lab --notebook-dir=release --port=$(PORT) $(if $(CI),--no-browser,) $(if $(filter 0,$(shell id -u)),--allow-root,)

test: install browser postgres proxy $(BIN)/cosmic-ray $(BIN)/dask ## Install, then run every test (library, nbgrader pipeline, notebooks, browser)
	COURSE_OFFLINE=1 COURSE_LLAMA_THREADS=$(TEST_LLAMA_THREADS) $(BIN)/python -m pytest tests source --nbval-lax --nbval-current-env -p no:cacheprovider \
	  -n $(TEST_WORKERS) --dist loadscope --durations=15 $(PYTEST_ARGS)

test-fast: install ## Only the library tests (seconds)
	COURSE_OFFLINE=1 $(BIN)/python -m pytest tests -m "not slow and not pipeline" $(PYTEST_ARGS)

test-browser: install browser ## Only the JupyterLab tests in headless chromium (screenshots: test-artifacts/)
	COURSE_OFFLINE=1 $(BIN)/python -m pytest tests/browser -p no:cacheprovider $(PYTEST_ARGS)

test-stress: install browser postgres proxy $(BIN)/dask ## The grading, browser and hub tests while busy loops hold every core (tools/stress.py)
	$(BIN)/python tools/stress.py --workers $(TEST_WORKERS) $(if $(PYTEST_ARGS),-- $(PYTEST_ARGS),)

bench: install ## Print benchmark numbers and write bench-results.json
	COURSE_OFFLINE=1 $(BIN)/python benchmarks/run.py
	COURSE_OFFLINE=1 $(BIN)/python benchmarks/grading.py
	COURSE_OFFLINE=1 $(BIN)/python benchmarks/grading_time.py
	COURSE_OFFLINE=1 $(BIN)/python benchmarks/grading_phases.py

# cosmic-ray, for make mutants only: the dev extra of pyproject.toml
$(BIN)/cosmic-ray: $(STAMP)
	$(BIN)/python -m pip install --quiet --constraint requirements-lock.txt --editable '.[providers,dev]'
	touch $@

# Dask's scheduler and workers, for the cluster-grading tests (the `cluster` extra)
$(BIN)/dask: $(STAMP)
	$(BIN)/python -m pip install --quiet --constraint requirements-lock.txt --editable '.[providers,cluster]'
	touch $@

mutants: install $(BIN)/cosmic-ray ## Mutation-test every solution against its test cells (cosmic-ray, slow); writes docs/MUTANTS.md
	COURSE_OFFLINE=1 $(BIN)/python tools/mutants.py --report docs/MUTANTS.md

doctor: install ## Check every component a learner needs; print OK or FAIL with the fix
	$(BIN)/python -m course.doctor

doctor-instructor: install ## The same, plus what graders and CI need (grading sandbox, model server, chromium)
	$(BIN)/python -m course.doctor --instructor

serve-model: install ## Serve the course's model to a whole class over the OpenAI API (README: Class-scale)
	@echo "Learners set COURSE_MODEL=openai-compatible:http://<this host>:$(MODEL_PORT)/v1#smollm2-135m-instruct"
	$(BIN)/python -m llama_cpp.server --model "$$($(BIN)/python -c 'from course.llm.local import model_file; print(model_file())')" \
	  --model_alias smollm2-135m-instruct --chat_format chatml-function-calling --n_ctx 2048 \
	  --host $(MODEL_HOST) --port $(MODEL_PORT) --n_threads $(MODEL_THREADS) --verbose False

lock: install ## Re-pin every transitive dependency into requirements-lock.txt
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^pip==' > requirements-lock.txt

clean: ## Remove the venv and generated files (keeps release/)
	rm -rf $(VENV) .release-stamp .pytest_cache gradebook.db
