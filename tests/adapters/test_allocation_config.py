"""Plan settings: the TOML file, the option strings, merging and resolving against a table."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bianzhi.adapters.allocation_config import (
    DEFAULT_WEIGHTS,
    PlanSettings,
    SettingsError,
    load_config,
    merge,
    parse_config,
    parse_method,
    resolve_plan,
    settings_from_options,
)
from bianzhi.adapters.problems import InputError
from bianzhi.adapters.xlsx_county_table import read_county_table
from bianzhi.core.allocation import Method, Reserve

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_example_config_reads_completely() -> None:
    settings = load_config(EXAMPLES / "daying.toml")
    assert settings.origin == "daying.toml"
    assert settings.total == 180
    assert settings.reserve == Reserve(percent=Decimal(5))
    assert settings.method is Method.WEBSTER
    assert settings.no_decrease is True
    assert settings.max_step == 6
    assert settings.weights == {"人口": 0.35, "面积": 0.25, "经济": 0.30, "村（社区）数": 0.10}
    assert settings.floors == {"一般乡镇": 15}
    assert settings.caps == {"县政府驻地镇": 36}
    assert settings.coefficients["县政府驻地镇"] == 1.2


def test_a_gbk_config_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "方案.toml"
    path.write_bytes('total = 10\n[floors]\n"一般乡镇" = 15\n'.encode("gbk"))
    assert load_config(path).floors == {"一般乡镇": 15}


def test_every_bad_key_is_reported_and_the_good_ones_kept() -> None:
    text = 'total = -1\nreserve = 2.5\nmethod = "x"\nmax_step = 3\n[caps]\n"中心镇" = "多"\n"重点镇" = 20\n'
    with pytest.raises(SettingsError) as caught:
        parse_config(text, "方案.toml")
    columns = [p.column for p in caught.value.problems]
    assert columns == ["total", "reserve", "method", "caps.中心镇"]
    partial = caught.value.partial
    assert partial.max_step == 3
    assert partial.caps == {"重点镇": 20}
    assert partial.invalid == {"total", "reserve", "method", "caps"}


@pytest.mark.parametrize(
    ("text", "method"),
    [("webster", Method.WEBSTER), ("Sainte-Lague", Method.WEBSTER), ("d'hondt", Method.DHONDT),
     ("最大余数法", Method.HAMILTON), ("HUNTINGTON-HILL", Method.HUNTINGTON_HILL), ("亚当斯法", Method.ADAMS)],
)  # fmt: skip
def test_methods_are_known_by_their_common_names(text: str, method: Method) -> None:
    assert parse_method(text) is method


def test_options_parse_assignments_with_full_width_equals_and_percent_weights() -> None:
    settings = settings_from_options(
        total="１６０", reserve="5％", weights=["人口＝40%", "面积=0.6"], floors=[" 一般乡镇 = 15"]
    )
    assert settings.total == 160
    assert settings.reserve == Reserve(percent=Decimal(5))
    assert settings.weights == {"人口": 40.0, "面积": 0.6}
    assert settings.floors == {"一般乡镇": 15}


def test_merging_overrides_scalars_and_tables_entry_by_entry() -> None:
    base = PlanSettings(total=100, method=Method.DHONDT, floors={"一般乡镇": 15, "中心镇": 18})
    top = PlanSettings(total=90, floors={"一般乡镇": 16})
    merged = merge([base, top])
    assert merged.total == 90
    assert merged.method is Method.DHONDT
    assert merged.floors == {"一般乡镇": 16, "中心镇": 18}


def test_resolving_fills_defaults_and_the_per_township_columns() -> None:
    table = read_county_table(EXAMPLES / "daying.csv")
    plan = resolve_plan(table, [settings_from_options(total="160")], default_title="大英县")
    assert plan.title == "大英县"
    assert plan.params.weights == DEFAULT_WEIGHTS
    assert plan.params.method is Method.WEBSTER
    assert plan.params.quota_type == "行政编制"
    assert plan.params.current == table.current


def test_resolving_reports_unknown_names_from_each_layer_where_they_were_written() -> None:
    table = read_county_table(EXAMPLES / "daying.csv")
    config = parse_config('total = 160\n[coefficients]\n"中心" = 1.1\n', "方案.toml")
    options = settings_from_options(weights=["人口=1", "GDP=1"])
    with pytest.raises(InputError) as caught:
        resolve_plan(table, [config, options], default_title="x")
    found = {(p.file, p.column): p.message for p in caught.value.problems}
    assert set(found) == {("方案.toml", "coefficients.中心"), ("命令行选项", "--weight")}
    assert "是否指“中心镇”" in found[("方案.toml", "coefficients.中心")]
