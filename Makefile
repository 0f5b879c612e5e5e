# 两条命令：make run（安装并运行）、make test（安装并运行全部测试）。
# Each target sets up its own virtual environment on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# `make run` installs only what running needs; the test tools (pytest, mypy,
# scipy, Playwright...) come with the [dev] extra, for `make test`.
RUN_STAMP := $(VENV)/.installed-run
# Address and port of `make run`: make run HOST=0.0.0.0 PORT=8080
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run example test lint typecheck pytest bench load clean bundle

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP) $(RUN_STAMP)

$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUN_STAMP)

# The web application with the demo: http://$(HOST):$(PORT)
run: $(RUN_STAMP)
	$(BIN)/bianzhi migrate
	$(BIN)/bianzhi demo
	@echo ""
	@echo "网页系统：http://$(HOST):$(PORT)"
	@echo "演示账号（密码 $${BIANZHI_DEMO_PASSWORD:-demo-2026}）："
	@echo "  admin    系统管理员"
	@echo "  daying   大英县 编办管理员 + 审核人"
	@echo "  tongwei  通渭县 编办管理员"
	@echo "  penglai  蓬莱镇 乡镇用户"
	@echo "  suining  遂宁市 只读"
	@echo "  daying-dept  大英县农业农村局 部门用户"
	@echo ""
	$(BIN)/bianzhi serve --host $(HOST) --port $(PORT)

# The command-line allocation of an example county table.
example: $(RUN_STAMP)
	mkdir -p out
	$(BIN)/bianzhi allocate examples/daying.csv --total 160 --reserve 5% \
		--floor 一般乡镇=15 --out out/大英县测算结果.xlsx
	@echo "已写出 out/大英县测算结果.xlsx"

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

# The suite on SQLite, then (when BIANZHI_TEST_POSTGRES_URL is set, as .ci/run
# does) the database tests again on PostgreSQL. Left out of the second pass:
# tests/core and tests/adapters, which touch no database, and tests/browser,
# whose pages are the same views the web tests already run on PostgreSQL (the
# browser adds minutes, not database coverage; CI time must stay under 30 min).
# PYTEST_WORKERS: processes for pytest-xdist (default: one per core).
PYTEST_WORKERS ?= auto
pytest: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --durations=15
	@if [ -n "$${BIANZHI_TEST_POSTGRES_URL:-}" ]; then \
		echo "== PostgreSQL: $${BIANZHI_TEST_POSTGRES_URL}"; \
		BIANZHI_DATABASE_URL="$${BIANZHI_TEST_POSTGRES_URL}" $(BIN)/pytest -n $(PYTEST_WORKERS) --durations=15 \
			--ignore=tests/core --ignore=tests/adapters --ignore=tests/browser; \
	fi

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python -m bench --write-docs $(BENCH_ARGS)

# The load test (docs/benchmarks.md, 负载测试): 50 locust users against
# `bianzhi serve` on PostgreSQL, e.g.
#   make load BIANZHI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bianzhi_load LOAD_ARGS="--label after"
load: $(STAMP)
	BIANZHI_DATABASE_URL=$(BIANZHI_DATABASE_URL) $(BIN)/python -m bench.load --write-docs $(LOAD_ARGS)

# The offline install archive (docs/deploy.md): dist/bianzhi-<version>-offline-linux-x86_64.tar.gz.
# BUNDLE_PYTHONS: the Python versions to include wheels for.
BUNDLE_PYTHONS ?= 3.11 3.12
bundle: $(RUN_STAMP)
	PYTHON=$(BIN)/python BUNDLE_PYTHONS="$(BUNDLE_PYTHONS)" bash packaging/bundle.sh

clean:
	rm -rf $(VENV) out var dist
