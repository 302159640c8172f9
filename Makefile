# Developer tasks. `make` runs what CI runs: the checks, then the tests.
# Use the project's virtualenv (`. .venv/bin/activate`) or pass PYTHON=/path/to/python.

PYTHON ?= python
# both cores; worksteal lets an idle worker take tests queued on a busy one (the long crash tests)
XDIST ?= -n 2 --dist worksteal
PYTEST_ARGS ?=

.PHONY: all lint ruff format-check mypy cog-check test test-fast test-pg cog format

all: lint test

lint: ruff format-check mypy cog-check

ruff:
	$(PYTHON) -m ruff check .

format-check:
	$(PYTHON) -m ruff format --check .

mypy:
	$(PYTHON) -m mypy

cog-check:
	$(PYTHON) -m cogapp --check README.md

# the whole suite, as the README's test command runs it
test:
	$(PYTHON) -m pytest $(XDIST) $(PYTEST_ARGS)

# everything but the tests marked slow (real subprocess crash loops, the web fuzzer)
test-fast:
	$(PYTHON) -m pytest $(XDIST) -m "not slow" $(PYTEST_ARGS)

# only the tests that run on PostgreSQL; CI=true makes an unreachable server a failure, not a skip.
# The server is LOA_TEST_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test).
test-pg:
	CI=true $(PYTHON) -m pytest $(XDIST) -k postgresql $(PYTEST_ARGS)

# regenerate the README's CLI reference from the commands' --help
cog:
	$(PYTHON) -m cogapp -r README.md

# reformat the tree (the check is format-check)
format:
	$(PYTHON) -m ruff format .
