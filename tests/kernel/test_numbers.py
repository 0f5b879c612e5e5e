from __future__ import annotations

from decimal import Decimal

from bianzhi.kernel.templatetags.numbers import plain_number


def test_decimals_show_without_trailing_zeros() -> None:
    assert plain_number(Decimal("96.2000")) == "96.2"
    assert plain_number(Decimal("1200.0000")) == "1200"
    assert plain_number(Decimal("0.3333333")) == "0.3333"
    assert plain_number(37.76) == "37.76"
    assert plain_number(None) == ""


def test_the_township_and_county_pages_show_areas_without_trailing_zeros(
    login: object, daying_officer: object, regions: dict
) -> None:
    from bianzhi.townships.models import IndicatorValue

    IndicatorValue.objects.create(
        township=regions["510923100"], year=2026, indicator="面积", value=Decimal("96.2")
    )
    client = login(daying_officer)  # type: ignore[operator]
    township = client.get("/townships/510923100/").content.decode()
    county = client.get("/townships/county/510923/?year=2026").content.decode()
    for page in (township, county):
        assert ">96.2<" in page and "96.2000" not in page


def test_a_negative_vacancy_is_said_as_an_excess() -> None:
    from bianzhi.kernel.templatetags.numbers import vacancy

    assert vacancy(-1) == "超编1" and vacancy(0) == "0" and vacancy(5) == "5" and vacancy(None) == ""


def test_the_dashboard_table_shows_an_excess_as_chao_bian(
    login: object, daying_officer: object, regions: dict
) -> None:
    from tests.staffing import PENGLAI, approve, enter

    approve(PENGLAI, admin=1, institution=1)
    enter(1)
    approve(PENGLAI, admin=0, institution=1)  # one person on the roster, no admin quota left
    page = login(daying_officer).get("/dashboards/510923/").content.decode()  # type: ignore[operator]
    assert "0/1/超编1" in page and "/-1<" not in page
