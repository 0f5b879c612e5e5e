# 两条命令：make run（安装并运行）、make test（安装并运行全部测试）。
# Each target sets up its own virtual environment on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run example test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The web application with the demo: http://127.0.0.1:8000
run: $(STAMP)
	$(BIN)/bianzhi migrate
	$(BIN)/bianzhi demo
	@echo ""
	@echo "网页系统：http://127.0.0.1:8000"
	@echo "演示账号（密码 $${BIANZHI_DEMO_PASSWORD:-demo-2026}）："
	@echo "  admin    系统管理员"
	@echo "  daying   大英县 编办管理员 + 审核人"
	@echo "  tongwei  通渭县 编办管理员"
	@echo "  penglai  蓬莱镇 乡镇用户"
	@echo "  suining  遂宁市 只读"
	@echo "  daying-dept  大英县农业农村局 部门用户"
	@echo ""
	$(BIN)/bianzhi serve --host 127.0.0.1 --port 8000

# The command-line allocation of an example county table.
example: $(STAMP)
	mkdir -p out
	$(BIN)/bianzhi allocate examples/daying.csv --total 160 --reserve 5% \
		--floor 一般乡镇=15 --out out/大英县测算结果.xlsx
	@echo "已写出 out/大英县测算结果.xlsx"

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

# The suite on SQLite, then (when BIANZHI_TEST_POSTGRES_URL is set, as .ci/run
# does) the database tests again on PostgreSQL; tests/core touches no database.
pytest: $(STAMP)
	$(BIN)/pytest
	@if [ -n "$${BIANZHI_TEST_POSTGRES_URL:-}" ]; then \
		echo "== PostgreSQL: $${BIANZHI_TEST_POSTGRES_URL}"; \
		BIANZHI_DATABASE_URL="$${BIANZHI_TEST_POSTGRES_URL}" $(BIN)/pytest --ignore=tests/core; \
	fi

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python -m bench --write-docs $(BENCH_ARGS)

clean:
	rm -rf $(VENV) out var
