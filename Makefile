# Two commands matter on a fresh machine: `make run` and `make test` (see README.md).
PORT ?= 8000
DATA_DIR ?= $(CURDIR)/var
export DATA_DIR
export UV_PYTHON_DOWNLOADS := never

# uv from PATH, or a private copy bootstrapped with the machine's Python.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python

.PHONY: run test lint typecheck check migrate seed clean bootstrap diagram bench

bootstrap: .venv/.synced

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

# The development targets run with DEBUG on (demo data, a development-only key).
migrate seed run: export DEBUG := 1

migrate: bootstrap
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	PORT=$(PORT) ./scripts/run-embedded.sh

test: bootstrap
	$(PY) -m pytest $(PYTEST_ARGS)

lint: bootstrap
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports

typecheck: bootstrap
	.venv/bin/mypy .

check: lint typecheck
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

# The state diagram in docs/, from the model (English labels); the SVG needs Graphviz's dot.
diagram: bootstrap
	DEBUG=1 DJANGO_SETTINGS_MODULE=config.settings $(PY) -c "import django; django.setup(); \
	from django.utils import translation; from django.core.management import call_command; \
	translation.activate('en'); call_command('graph_transitions', 'complaints.Complaint')" \
	> docs/state-diagram.dot
	dot -Tsvg docs/state-diagram.dot -o docs/state-diagram.svg

# Performance figures against throwaway PostgreSQL + Redis (docs/performance.md); not part of
# `make test`. BENCH_N=1000000 make bench for the large size.
bench: bootstrap
	./benchmarks/run.sh

clean:
	rm -rf .venv .tools var .pytest_cache .mypy_cache .ruff_cache
