"""The benchmark's own pieces agree with each other on real division data
(timings are never asserted in tests; `make bench` measures them)."""

import numpy as np

from bench import allocation as alloc


def test_generated_country_covers_every_official_township():
    country = alloc.generate()
    assert len(country.codes) == 41_352
    assert len(country.county_totals) == 2_978
    assert len(alloc.sichuan(country).codes) == 3_111


def test_batched_kernel_equals_per_county_calls_and_heap_on_one_province():
    country = alloc.generate()
    province = alloc.sichuan(country)
    batched = alloc.per_county_batched(province)
    assert np.array_equal(batched, alloc.per_county_loop(province))
    assert (np.bincount(province.county, weights=batched) == province.county_totals).all()


def test_national_pass_equals_the_seat_by_seat_heap():
    country = alloc.generate()
    small = alloc.Country(
        codes=country.codes[:3000],
        county=country.county[:3000],
        province=country.province[:3000],
        indicators=country.indicators[:3000],
        floors=country.floors[:3000],
        caps=country.caps[:3000],
        county_totals=country.county_totals[: int(country.county[2999]) + 1],
    )
    assert np.array_equal(alloc.national_pass(small), alloc.heap_national(small))
