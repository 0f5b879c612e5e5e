"""The benchmark's baseline (the pre-issue-16 township-by-township code)
and the fast path agree on real division data, so a benchmark row's
"results identical" compares two equal things (timings are never asserted)."""

import json

from bench.allocation_reference import plain_allocate, plain_json
from bench.bench_allocation import FLOORS, WEIGHTS

from bianzhi.adapters.allocation_export import _township_documents
from bianzhi.core.allocation import AllocationParams, TownshipColumns, TownshipInput, allocate


def test_the_reference_and_allocate_give_the_same_townships_for_five_counties():
    from bench import allocation as alloc

    country = alloc.generate()
    first = [i for i in range(len(country.codes)) if str(country.codes[i]).startswith("510923")]
    towns = [
        TownshipInput(
            str(country.codes[i]), f"镇{i}", "县政府驻地镇" if i == first[0] else "一般乡镇",
            dict(zip(("人口", "面积", "经济"), country.indicators[i].tolist(), strict=True)),
        )
        for i in first
    ]  # fmt: skip
    params = AllocationParams(total=20 * len(towns) + 7, weights=WEIGHTS, floors=FLOORS)
    result = allocate(TownshipColumns(towns), params)
    reference, divisor = plain_allocate(towns, params)
    assert tuple(result.townships) == reference and result.divisor == divisor
    # The CLI's JSON (columns, C encoder) and the old one (objects, indent) hold the same data.
    assert json.loads(plain_json(reference)) == _township_documents(result)
