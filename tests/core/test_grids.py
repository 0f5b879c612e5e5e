from bianzhi.core.grids import (
    GRID_WORKER,
    HALL_SHARE,
    ONE_ONE_N,
    SERVICE_POINT,
    VILLAGE_MATTERS,
    GridState,
    MatterCounts,
    VillageState,
    hall_share_met,
    percent,
    township_findings,
)


def test_a_village_without_a_service_point_is_a_finding_citing_002() -> None:
    found = township_findings(
        villages=[VillageState("一村", True), VillageState("二村", False)], grids=[], matters=MatterCounts(0, 0, 0)
    )
    assert [(f.rule, f.subject) for f in found] == [(SERVICE_POINT, "二村")]
    assert found[0].source.startswith("002_")


def test_hall_share_below_100_percent_is_a_finding_and_99_6_percent_is_not_rounded_up() -> None:
    counts = MatterCounts(total=250, in_hall=249, at_village=40)
    assert percent(249, 250) == 99
    assert not hall_share_met(counts)
    found = township_findings(villages=[], grids=[], matters=counts)
    assert [f.rule for f in found] == [HALL_SHARE]
    assert "99%" in found[0].message


def test_grid_without_workers_and_without_a_full_1_1_n_link_are_findings() -> None:
    found = township_findings(
        villages=[],
        grids=[GridState("一村", "第一网格", 0, "", "村支书")],
        matters=MatterCounts(0, 0, 0),
    )
    assert [f.rule for f in found] == [GRID_WORKER, ONE_ONE_N]
    assert "执法人员" in found[1].message


def test_fewer_than_33_matters_in_villages_is_a_warning() -> None:
    found = township_findings(villages=[], grids=[], matters=MatterCounts(40, 40, 32))
    assert [f.rule for f in found] == [VILLAGE_MATTERS]
    assert township_findings(villages=[], grids=[], matters=MatterCounts(40, 40, 33)) == []


def test_docs_rules_md_lists_every_grid_and_staffing_plan_rule_with_its_source() -> None:
    from pathlib import Path

    from bianzhi.core import grids, staffing_plans

    doc = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in (*grids.RULES, *staffing_plans.RULES):
        assert f"`{rule.id}` {rule.title}" in doc
        assert rule.source.split(" ")[0][:3] in doc
