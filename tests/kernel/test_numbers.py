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
