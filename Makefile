# pastebox: `make run` serves on 127.0.0.1:8080 with ./pastebox.db; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: help run test test-fast lint fmt bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): setup.cfg pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP)  ## serve on 127.0.0.1:8080 with ./pastebox.db
	$(PY) -m pastebox serve --host 127.0.0.1 --port 8080 --db ./pastebox.db

test: $(STAMP)  ## every test, real servers and browser included
	$(PY) -m pytest -q

test-fast: $(STAMP)  ## in-process tests only
	$(PY) -m pytest -q -m "not server and not browser"

lint: $(STAMP)  ## ruff
	$(VENV)/bin/ruff check pastebox tests bench pastebox.py
	$(VENV)/bin/ruff format --check pastebox tests bench pastebox.py

fmt: $(STAMP)  ## format with ruff
	$(VENV)/bin/ruff check --fix pastebox tests bench pastebox.py
	$(VENV)/bin/ruff format pastebox tests bench pastebox.py

bench: $(STAMP)  ## benchmarks (needs wrk: apt-get install wrk)
	$(PY) bench/run.py

clean:  ## remove the venv and caches
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
