"""Benchmarks of the "3+X" allocation kernel at real scale (issue 3 §6).

Data: the 41,352 townships of the official division list shipped with the
package, with generated indicators (see `generate`). Three figures:

(a) one national pass: scores for all 41,352 townships and one Webster
    apportionment of a national total;
(b) per county, batched: 2,978 counties, each with its own total and floors,
    in one vectorised call;
(c) Sichuan (3,111 townships in 183 counties) solved by scipy.optimize.milp
    (HiGHS) on the equivalent seat-selection formulation, asserting the
    same allocation as the kernel.

Each figure is set beside a baseline measured in the same run: (a) against
a seat-by-seat heap implementation, (b) against one kernel call per county,
(c) against HiGHS.
"""

from __future__ import annotations

import csv
import heapq
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bianzhi.core.apportion import apportion, signposts

STREETS = (
    Path(__file__).resolve().parents[1]
    / "src/bianzhi/regions/data/divisions/streets.csv"
)
SICHUAN = "51"


@dataclass(frozen=True)
class Country:
    codes: np.ndarray  # township codes, sorted
    county: np.ndarray  # group index 0..G-1 per township
    province: np.ndarray  # province code per township
    indicators: np.ndarray  # (n, 3): 人口, 面积, 经济
    floors: np.ndarray  # per township
    caps: np.ndarray  # per township
    county_totals: np.ndarray  # (G,)


def load_townships() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with STREETS.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rows.sort(key=lambda r: r["code"])
    codes = np.array([r["code"] for r in rows])
    counties = np.array([r["areaCode"] for r in rows])
    provinces = np.array([r["provinceCode"] for r in rows])
    return codes, counties, provinces


def generate(seed: int = 2026) -> Country:
    """Generated indicators, reproducible from the seed.

    Population ~ lognormal (median 25,000), area ~ lognormal (median 90 km²)
    weakly anti-correlated with population, economy ~ population × lognormal
    productivity. The first township of each county (lowest code) is its
    county-seat town with floor 20 and no cap; the others are ordinary with
    floor 15 and cap 60. Each county's total is 18 per township plus 30%
    of its population in thousands, so floors bind for the small townships
    and the rest is shared by score.
    """
    rng = np.random.default_rng(seed)
    codes, counties, provinces = load_townships()
    _, county = np.unique(counties, return_inverse=True)
    n = len(codes)
    people = rng.lognormal(np.log(25_000), 0.6, n)
    area = rng.lognormal(np.log(90), 0.7, n) * (25_000 / people) ** 0.2
    economy = people * rng.lognormal(np.log(4.0), 0.5, n) / 1e4
    first = np.r_[True, county[1:] != county[:-1]]
    floors = np.where(first, 20, 15).astype(np.int64)
    caps = np.where(first, 10**9, 60).astype(np.int64)
    n_groups = int(county.max()) + 1
    per_county = np.bincount(county, minlength=n_groups)
    people_k = np.bincount(county, weights=people, minlength=n_groups) / 1000
    totals = (18 * per_county + np.round(0.3 * people_k)).astype(np.int64)
    return Country(
        codes=codes,
        county=county.astype(np.int64),
        province=provinces,
        indicators=np.column_stack([people, area, economy]),
        floors=floors,
        caps=caps,
        county_totals=totals,
    )


WEIGHTS = np.array([0.5, 0.2, 0.3])


def scores(indicators: np.ndarray, county: np.ndarray | None = None) -> np.ndarray:
    """s_i = Σ_k w_k p_ik / Σ w, shares taken within each county (or nationally)."""
    if county is None:
        shares = indicators / indicators.sum(axis=0)
    else:
        n_groups = int(county.max()) + 1
        sums = np.column_stack(
            [np.bincount(county, weights=indicators[:, k], minlength=n_groups) for k in range(3)]
        )
        shares = indicators / sums[county]
    return shares @ WEIGHTS / WEIGHTS.sum()


def national_pass(c: Country) -> np.ndarray:
    """(a): the whole country as one allocation of the sum of county totals."""
    s = scores(c.indicators)
    total = np.array([c.county_totals.sum()])
    return apportion(s, c.floors, c.caps, total, "webster").allocation


def per_county_batched(c: Country) -> np.ndarray:
    """(b): every county its own total and floors, one vectorised call."""
    s = scores(c.indicators, c.county)
    return apportion(s, c.floors, c.caps, c.county_totals, "webster", groups=c.county).allocation


def per_county_loop(c: Country) -> np.ndarray:
    """Baseline for (b): one kernel call per county."""
    s = scores(c.indicators, c.county)
    out = np.empty(len(s), dtype=np.int64)
    bounds = np.flatnonzero(np.r_[True, c.county[1:] != c.county[:-1], True])
    for g, (start, end) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        sl = slice(start, end)
        out[sl] = apportion(
            s[sl], c.floors[sl], c.caps[sl], c.county_totals[g : g + 1], "webster"
        ).allocation
    return out


def heap_national(c: Country) -> np.ndarray:
    """Baseline for (a): the textbook seat-by-seat highest-averages loop."""
    s = scores(c.indicators)
    a = c.floors.copy()
    heap = [(-s[i] / (a[i] + 0.5), i) for i in range(len(s)) if a[i] < c.caps[i]]
    heapq.heapify(heap)
    for _ in range(int(c.county_totals.sum() - a.sum())):
        _, i = heapq.heappop(heap)
        a[i] += 1
        if a[i] < c.caps[i]:
            heapq.heappush(heap, (-s[i] / (a[i] + 0.5), i))
    return a


def sichuan(c: Country) -> Country:
    mask = c.province == SICHUAN
    _, county = np.unique(c.county[mask], return_inverse=True)
    return Country(
        codes=c.codes[mask],
        county=county.astype(np.int64),
        province=c.province[mask],
        indicators=c.indicators[mask],
        floors=c.floors[mask],
        caps=c.caps[mask],
        county_totals=c.county_totals[np.unique(c.county[mask])],
    )


def milp_allocation(c: Country) -> np.ndarray:
    """(c) baseline: HiGHS on the seat-selection formulation.

    One binary y_ik per possible seat k+1 of township i above its floor
    (k = floor_i … cap_i − 1, limited by the county's remaining seats),
    worth its Webster priority s_i / (k + ½). Maximise the total priority
    subject to Σ_i∈county y_ik = county total − Σ floors. Because priorities
    fall with k, the optimum takes each township's seats in order and equals
    the divisor-method allocation (when there are no exact ties).
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix

    s = scores(c.indicators, c.county)
    n_groups = len(c.county_totals)
    spare = c.county_totals - np.bincount(c.county, weights=c.floors, minlength=n_groups)
    room = np.minimum(c.caps - c.floors, spare.astype(np.int64)[c.county])
    owner = np.repeat(np.arange(len(s)), room)
    k = c.floors[owner] + (np.arange(len(owner)) - np.repeat(np.cumsum(room) - room, room))
    value = s[owner] / signposts(k, "webster")
    rows = c.county[owner]
    matrix = csr_matrix((np.ones(len(owner)), (rows, np.arange(len(owner)))), shape=(n_groups, len(owner)))
    result = milp(
        c=-value,
        constraints=LinearConstraint(matrix, spare, spare),
        integrality=np.ones(len(owner)),
        bounds=Bounds(0, 1),
    )
    if not result.success:  # pragma: no cover - would be a benchmark bug
        raise RuntimeError(result.message)
    taken = np.round(result.x).astype(np.int64)
    return c.floors + np.bincount(owner, weights=taken, minlength=len(s)).astype(np.int64)
