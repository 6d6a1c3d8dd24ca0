# o11yshop: `make run` starts the whole shop; `make test` proves it. Nothing else needs installing by hand.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv from PATH, or the copy `pip install uv` puts beside Python (run as a module, wherever pip put it)
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
RUN := $(UV) run --frozen
MARIADB_URL ?= mysql+pymysql://root@127.0.0.1:3306/
export O11YSHOP_ENV ?= development

.PHONY: help run test setup web chromium lint typecheck test-sqlite test-mariadb test-web mariadb bench bench-localaws openapi clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

.venv/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

setup: .venv/.synced  ## create .venv and install the locked dependencies

# The storefront (web/): installed from package-lock.json, built into web/out only when a source changed.
WEB_SOURCES := $(shell find web/app web/components web/lib -type f -not -path 'web/lib/api/generated/*' 2>/dev/null) \
  web/package.json web/next.config.ts web/postcss.config.mjs web/tsconfig.json openapi.json

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund

web/.build-stamp: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run build
	@touch $@

web: web/.build-stamp  ## build the storefront into web/out (only when its sources changed)

chromium:  ## Debian's chromium for the browser tests (installed when missing; never a downloaded browser)
	@test -x /usr/bin/chromium || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

run: setup web  ## set up, build the storefront, migrate, seed when empty, and start every process (Ctrl-C stops them all)
	$(RUN) o11yshop migrate
	$(RUN) o11yshop seed --if-empty
	$(RUN) o11yshop up

lint: setup  ## ruff
	$(RUN) ruff check src tests
	$(RUN) ruff format --check src tests

typecheck: setup  ## mypy
	$(RUN) mypy

test-sqlite: setup  ## every test, on SQLite
	$(RUN) pytest -q

mariadb:  ## make sure MariaDB answers on 127.0.0.1:3306 (starts it when it is down)
	@if ! mariadb-admin --protocol=tcp -h127.0.0.1 -uroot ping >/dev/null 2>&1; then \
	  echo "starting MariaDB"; \
	  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd; \
	  for i in $$(seq 1 60); do mariadb-admin --protocol=tcp -h127.0.0.1 -uroot ping >/dev/null 2>&1 && break; sleep 0.5; done; \
	fi
	@mariadb-admin --protocol=tcp -h127.0.0.1 -uroot ping

test-mariadb: setup mariadb  ## the database-backed tests again, on MariaDB (a throwaway database)
	O11YSHOP_TEST_DATABASE_URL=$(MARIADB_URL) $(RUN) pytest -q -m db

test-web: setup web chromium  ## the storefront: tsc, eslint, vitest, and Playwright against the real shop
	cd web && npm run typecheck && npm run lint && npm test && npm run e2e

test: lint typecheck test-sqlite test-mariadb test-web  ## lint, types, the suite on SQLite and on MariaDB, the storefront

BENCH_ARGS ?=

bench: setup  ## compare the telemetry modes (off, aws, ...) on the same traffic; rewrites docs/comparison.md (~10 min)
	$(RUN) python benchmarks/telemetry_bench.py --write-docs $(BENCH_ARGS)

bench-localaws: setup  ## the local AWS endpoint's memory and Logs Insights latency
	$(RUN) python benchmarks/localaws_bench.py

openapi: setup  ## rewrite openapi.json (and the inventory's) from the code
	$(RUN) o11yshop openapi --out openapi.json
	$(RUN) o11yshop openapi --service inventory --out openapi-inventory.json

clean:  ## remove the virtual environment, node_modules, builds and local data
	rm -rf .venv var .pytest_cache .mypy_cache .ruff_cache web/node_modules web/out web/.next web/.build-stamp
