"""Numeric apportionment kernel: divisor methods with min/max restrictions,
and Hamilton's largest remainder method, over one or many groups at once.

A *group* is one county (one total to distribute). The batched call handles
a whole province or the whole country, each county with its own total and
bounds, in a fixed number of vectorised passes.

Divisor methods are defined by their signposts r(k), the quotient at which a
township moves from k to k+1 seats:

    webster          r(k) = k + 1/2          (Sainte-Laguë, round half)
    dhondt           r(k) = k + 1            (Jefferson, round down)
    adams            r(k) = k                (round up)
    huntington-hill  r(k) = sqrt(k·(k+1))    (geometric mean)

With divisor d, township i gets a_i = clamp(#{k : r(k) < s_i/d}, lower_i,
upper_i). Equivalently, its (k+1)-th seat has priority s_i / r(k), and the
allocation gives every township its lower bound and then the remaining seats
to the highest priorities, never beyond upper_i. The divisors that produce
the allocation form the interval [max next-seat priority, min last-seat
priority).

Exact ties at the margin are broken by the higher score, then the smaller
order rank (callers pass the rank of the township code); tied townships are
flagged. Priorities are compared after rounding to 40 significant bits, so
that equal priorities reached by different float paths (s/1.5 vs 3s/4.5)
count as the tie they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

DIVISOR_METHODS: tuple[str, ...] = ("webster", "huntington-hill", "dhondt", "adams")

# Candidates considered per township per correction round. Small because the
# divisor estimate leaves only a few seats to move; correctness does not
# depend on it (see _correct).
_CANDIDATES_PER_ROUND = 8
_MAX_ROUNDS = 10_000
# Newton-type refinements of the divisor before the exact correction.
_ESTIMATE_STEPS = 4
# Expected rounding loss per unpinned township: E[round(x)] ≈ x − bias.
_ROUNDING_BIAS = {"webster": 0.0, "huntington-hill": 0.0, "dhondt": 0.5, "adams": -0.5}


@dataclass(frozen=True)
class Apportionment:
    """Result of `apportion`: per-township seats and per-group divisors."""

    allocation: IntArray  # (n,)
    divisor_low: FloatArray  # (G,) smallest valid divisor
    divisor_high: FloatArray  # (G,) valid divisors are < this (inf: unbounded)
    divisor: FloatArray  # (G,) a valid divisor (the roundest number in the interval)
    tied: BoolArray  # (n,) township takes part in an exact tie at the margin


@dataclass(frozen=True)
class HamiltonResult:
    allocation: IntArray
    tied: BoolArray
    unbounded: FloatArray  # λ·s_i: the township's share before clamping to its bounds


def signposts(k: IntArray, method: str) -> FloatArray:
    """r(k) for each k >= 0."""
    kf = k.astype(np.float64)
    if method == "webster":
        return kf + 0.5
    if method == "dhondt":
        return kf + 1.0
    if method == "adams":
        return kf
    if method == "huntington-hill":
        return np.sqrt(kf * (kf + 1.0))
    raise ValueError(f"unknown divisor method {method!r}")


def round_quotients(x: FloatArray, method: str) -> IntArray:
    """Seats for quotients x >= 0: the number of signposts strictly below x."""
    x = np.minimum(np.asarray(x, dtype=np.float64), 1e15)
    if method == "webster":
        r = np.ceil(x - 0.5)
    elif method == "dhondt":
        r = np.ceil(x - 1.0)
    elif method == "adams":
        r = np.ceil(x)
    elif method == "huntington-hill":
        k0 = np.floor(x)
        r = k0 + (np.sqrt(k0 * (k0 + 1.0)) < x)
    else:
        raise ValueError(f"unknown divisor method {method!r}")
    return np.maximum(r, 0.0).astype(np.int64)


def _priority(s: FloatArray, k: IntArray, method: str) -> FloatArray:
    """Priority of seat k+1 for a township of score s holding k seats: s / r(k).

    r(0) = 0 (Adams, Huntington-Hill) gives every positive score an infinite
    claim to its first seat; a zero score never claims anything.
    """
    r = signposts(k, method)
    out = np.zeros_like(s, dtype=np.float64)
    positive = s > 0
    np.divide(s, r, out=out, where=positive & (r > 0))
    out[positive & (r == 0)] = np.inf
    return _quantize(out)


def _quantize(p: FloatArray) -> FloatArray:
    mantissa, exponent = np.frexp(p)
    return np.ldexp(np.round(mantissa * 2.0**40) / 2.0**40, exponent)


def _group_rank(sorted_groups: IntArray) -> IntArray:
    """Rank of each element within its group, for an array sorted by group."""
    n = len(sorted_groups)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    lengths = np.diff(np.r_[starts, n])
    return np.arange(n, dtype=np.int64) - np.repeat(starts, lengths)


def _roundest_between(low: FloatArray, high: FloatArray) -> FloatArray:
    """Per group, the number with the fewest significant digits inside (low, high).

    The ends are quantized priorities, so a margin keeps the chosen divisor
    clear of them; an interval too narrow for the margin gives its midpoint.
    Special cases: low = inf (a positive score must get 0 seats: only d = inf
    does that); high = inf (every township at its floor or cap: any d above
    low works); low >= high (an exact tie: the interval is one point).
    """
    out = np.full(len(low), np.nan)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out[~np.isfinite(low)] = np.inf
        open_top = np.isfinite(low) & ~np.isfinite(high)
        out[open_top & (low <= 0)] = 1.0
        grow = open_top & (low > 0)
        out[grow] = 10.0 ** np.ceil(np.log10(low[grow]) + 1e-9) * 2.0
        point = np.isfinite(high) & (low >= high)
        out[point] = low[point]
        todo = np.isnan(out) & (high > 0)
        out[np.isnan(out) & (high <= 0)] = 0.0
        lo, hi = low * (1 + 1e-9), high * (1 - 1e-9)
        search = todo & (lo < hi)
        magnitude = np.floor(np.log10(np.where(search, hi, 1.0)))
        for digits in range(17):
            if not search.any():
                break
            step = 10.0 ** (magnitude - digits)
            # Rounding to the step's decimals drops float noise (0.0075000001).
            candidate = _round_to(
                np.ceil(lo[search] / step[search]) * step[search], digits - magnitude[search]
            )
            found = (lo[search] <= candidate) & (candidate < hi[search]) & (candidate > 0)
            where = np.flatnonzero(search)[found]
            out[where] = candidate[found]
            search[where] = False
        rest = np.isnan(out)
        out[rest] = (low[rest] + high[rest]) / 2.0
    return out


def _round_to(values: FloatArray, decimals: FloatArray) -> FloatArray:
    scale = 10.0 ** decimals
    return np.asarray(np.round(values * scale) / scale, dtype=np.float64)


def apportion(
    scores: FloatArray,
    lower: IntArray,
    upper: IntArray,
    seats: IntArray,
    method: str,
    *,
    groups: IntArray | None = None,
    order: IntArray | None = None,
) -> Apportionment:
    """Divisor-method apportionment with min/max restrictions, batched by group.

    Contract: `scores` >= 0 (n,); integer bounds with lower <= upper (n,);
    `seats` (G,) with Σ lower <= seats <= Σ upper per group; `groups` (n,) in
    0..G-1 (default: one group); `order` (n,) distinct tie-break ranks
    (default: input position). Raises ValueError when a group is infeasible.
    The result satisfies, per group, Σ a = seats and lower <= a <= upper, and
    equals clamp(round(s/d), lower, upper) for every d in the reported interval.
    """
    if method not in DIVISOR_METHODS:
        raise ValueError(f"unknown divisor method {method!r}")
    s = np.ascontiguousarray(scores, dtype=np.float64)
    lo = np.ascontiguousarray(lower, dtype=np.int64)
    up = np.ascontiguousarray(upper, dtype=np.int64)
    n = len(s)
    seats = np.atleast_1d(np.asarray(seats, dtype=np.int64))
    n_groups = len(seats)
    g = np.zeros(n, dtype=np.int64) if groups is None else np.asarray(groups, dtype=np.int64)
    rank = np.arange(n, dtype=np.int64) if order is None else np.asarray(order, dtype=np.int64)
    if np.any(lo > up):
        raise ValueError("lower bound above upper bound")
    low_sum = np.bincount(g, weights=lo, minlength=n_groups)
    high_sum = np.bincount(g, weights=up.astype(np.float64), minlength=n_groups)
    if np.any(low_sum > seats) or np.any(high_sum < seats):
        raise ValueError("bounds cannot meet the number of seats")

    a = _estimate(s, lo, up, g, seats, method)
    a = _correct(a, s, lo, up, g, seats, rank, method)
    margins = _margins(a, s, lo, up, g, method, n_groups)
    resolved = _resolve_ties(a, s, lo, up, g, rank, n_groups, margins)
    if resolved is not a:
        a, margins = resolved, _margins(resolved, s, lo, up, g, method, n_groups)

    # Divisor interval and ties, from the final state.
    p_next, q_last, low, d_high = margins
    d_low = np.maximum(low, 0.0)
    tie_group = (d_low == d_high) & np.isfinite(d_high)
    tied = tie_group[g] & (((a < up) & (p_next == d_low[g])) | ((a > lo) & (q_last == d_high[g])))
    divisor = _roundest_between(d_low, d_high)
    return Apportionment(a, d_low, d_high, divisor, tied)


def _margins(
    a: IntArray, s: FloatArray, lo: IntArray, up: IntArray, g: IntArray, method: str, n_groups: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Per township, the priority of its next seat (p_next; -inf at its cap)
    and of its last seat (q_last; inf at its floor); per group, the highest
    next-seat priority (low) and the lowest last-seat priority (high)."""
    p_next = np.where(a < up, _priority(s, a, method), -np.inf)
    q_last = np.where(a > lo, _priority(s, np.maximum(a - 1, 0), method), np.inf)
    return p_next, q_last, _group_min(-p_next, g, n_groups) * -1.0, _group_min(q_last, g, n_groups)


def _resolve_ties(
    a: IntArray,
    s: FloatArray,
    lo: IntArray,
    up: IntArray,
    g: IntArray,
    rank: IntArray,
    n_groups: int,
    margins: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
) -> IntArray:
    """Apply the tie rule at the margin.

    When a group's last seat in and first seat out have the same priority v,
    any of those seats could be taken: the estimate may have rounded them
    either way. The seats of priority v go to the townships with the higher
    score, then the smaller rank. (A township holds at most one seat of a
    given positive priority, since its priorities strictly fall.) Returns
    ``a`` itself when there is no tie (the caller then reuses ``margins``).
    """
    p_next, q_last, low, high = margins
    tie = (low == high) & np.isfinite(high) & (high > 0)
    if not tie.any():
        return a
    holder = tie[g] & (a > lo) & (q_last == high[g])
    wanter = tie[g] & (a < up) & (p_next == high[g])
    candidates = np.flatnonzero(holder | wanter)
    order = candidates[np.lexsort((rank[candidates], -s[candidates], g[candidates]))]
    seats_at_margin = np.bincount(g[holder], minlength=n_groups)
    winner = np.zeros(len(a), dtype=bool)
    winner[order[_group_rank(g[order]) < seats_at_margin[g[order]]]] = True
    resolved: IntArray = a - holder.astype(np.int64) + winner.astype(np.int64)
    return resolved


def _estimate(
    s: FloatArray, lo: IntArray, up: IntArray, g: IntArray, seats: IntArray, method: str
) -> IntArray:
    """clamp(round(s/d)) for a divisor d per group refined by a few Newton-type
    steps so that the exact correction has few seats left to move."""
    n_groups = len(seats)
    score_sum = _group_sum(s, g, n_groups)
    d = np.where((seats > 0) & (score_sum > 0), score_sum / np.maximum(seats, 1), np.inf)
    bias = _ROUNDING_BIAS[method]
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.clip(round_quotients(s / d[g], method), lo, up)
        for _ in range(_ESTIMATE_STEPS):
            total = _group_sum(a, g, n_groups)
            if np.array_equal(total, seats):
                break
            raw = round_quotients(s / d[g], method)
            free = (raw > lo) & (raw < up)
            pinned_sum = total - _group_sum(np.where(free, a, 0), g, n_groups)
            free_s = _group_sum(np.where(free, s, 0.0), g, n_groups)
            free_n = _group_sum(free, g, n_groups)
            target = seats - pinned_sum + bias * free_n
            usable = (free_s > 0) & (target > 0) & (total != seats)
            d = np.where(usable, free_s / np.where(target > 0, target, 1.0), d)
            a = np.clip(round_quotients(s / d[g], method), lo, up)
    return a


def _correct(
    a: IntArray,
    s: FloatArray,
    lo: IntArray,
    up: IntArray,
    g: IntArray,
    seats: IntArray,
    rank: IntArray,
    method: str,
) -> IntArray:
    """Move seats until every group's total is met, always taking the best
    remaining priorities, so the state stays a divisor-method state.

    Each round:
    1. finds, per group, the |diff|-th best *first* candidate seat; a township
       whose first candidate is worse cannot take part, since |diff| better
       seats exist elsewhere (its later seats are worse still);
    2. expands a few next seats of each remaining township and takes the
       |diff| best per group;
    3. commits a taken seat unless some township ran out of expanded
       candidates and its first unexpanded seat could be better: then only
       seats strictly better than every unexpanded one commit. The best seat
       always commits, so every round makes progress.
    Removing seats mirrors adding: the lowest priorities go first.
    """
    n_groups = len(seats)
    a = a.copy()
    for _ in range(_MAX_ROUNDS):
        diff = seats - _group_sum(a, g, n_groups).astype(np.int64)
        if not diff.any():
            return a
        need = diff[g]
        adding = need > 0
        room = np.where(adding, up - a, np.where(need < 0, a - lo, 0))
        wanted = np.minimum(room, np.abs(need))
        # Step 1.
        key0 = _seat_key(s, a, adding, 0, method)
        key0[wanted <= 0] = np.inf
        threshold = _group_kth(key0, g, np.abs(diff), n_groups)
        active = (wanted > 0) & (key0 <= threshold[g])
        # Step 2. Zero scores have equal (zero) priorities for every seat, so a
        # cap could stall them; they expand all the seats they may need.
        cap = np.where(s > 0, np.minimum(wanted, _CANDIDATES_PER_ROUND), wanted)
        m = np.where(active, cap, 0)
        idx = np.repeat(np.arange(len(a)), m)
        step = np.arange(len(idx)) - np.repeat(np.cumsum(m) - m, m)
        key = _seat_key(s[idx], a[idx], adding[idx], step, method)
        tiebreak_score = np.where(adding[idx], -s[idx], s[idx])
        tiebreak_rank = np.where(adding[idx], rank[idx], -rank[idx])
        sort = np.lexsort((tiebreak_rank, tiebreak_score, key, g[idx]))
        gi = g[idx][sort]
        chosen = _group_rank(gi) < np.abs(diff[gi])
        picked = idx[sort][chosen]
        count = np.bincount(picked, minlength=len(a))
        # Step 3.
        exhausted = (m > 0) & (count == m) & (m < wanted)
        if exhausted.any():
            nxt = _seat_key(s, a, adding, m, method)
            limit = _group_min(np.where(exhausted, nxt, np.inf), g, n_groups)
            picked = picked[key[sort][chosen] < limit[g[picked]]]
            count = np.bincount(picked, minlength=len(a))
        a = a + np.where(adding, count, -count)
    raise RuntimeError("apportionment did not converge")  # pragma: no cover


def _seat_key(
    s: FloatArray, a: IntArray, adding: BoolArray, step: IntArray | int, method: str
) -> FloatArray:
    """Sort key of a township's step-th next seat to add (−priority of seat
    a+step+1) or to remove (priority of seat a−step): smaller goes first."""
    k = np.where(adding, a + step, a - step - 1)
    pr = _priority(s, np.maximum(k, 0), method)
    return np.where(adding, -pr, pr)


def _group_sum(
    values: IntArray | FloatArray | BoolArray, g: IntArray, n_groups: int
) -> FloatArray:
    if n_groups == 1:
        return np.array([values.sum()], dtype=np.float64)
    return np.bincount(g, weights=values, minlength=n_groups).astype(np.float64)


def _group_min(values: FloatArray, g: IntArray, n_groups: int) -> FloatArray:
    if n_groups == 1:
        return np.array([values.min() if len(values) else np.inf])
    out = np.full(n_groups, np.inf)
    np.minimum.at(out, g, values)
    return out


def _group_kth(key: FloatArray, g: IntArray, k: IntArray, n_groups: int) -> FloatArray:
    """Per group, the k-th smallest key (k >= 1); +inf where the group is smaller."""
    out = np.full(n_groups, np.inf)
    if n_groups == 1:
        kk = int(k[0])
        if 0 < kk <= len(key):
            out[0] = np.partition(key, kk - 1)[kk - 1]
        return out
    sort = np.lexsort((key, g))
    gs = g[sort]
    hit = _group_rank(gs) == k[gs] - 1
    out[gs[hit]] = key[sort][hit]
    return out


def hamilton(
    scores: FloatArray,
    lower: IntArray,
    upper: IntArray,
    seats: int,
    *,
    order: IntArray | None = None,
) -> HamiltonResult:
    """Largest remainder with bounds, for comparison with the divisor methods.

    Quotas are rescaled among the townships not held at a bound: find λ with
    Σ clamp(λ·s_i, lower_i, upper_i) = seats, give each township the whole part
    of its clamped quota, then the remaining seats by largest remainder (ties:
    higher score, then smaller order rank).
    """
    s = np.asarray(scores, dtype=np.float64)
    lo = np.asarray(lower, dtype=np.int64)
    up = np.asarray(upper, dtype=np.int64)
    n = len(s)
    rank = np.arange(n, dtype=np.int64) if order is None else np.asarray(order, dtype=np.int64)
    if lo.sum() > seats or up.sum() < seats or np.any(lo > up):
        raise ValueError("bounds cannot meet the number of seats")

    def filled(lam: float) -> float:
        return float(np.clip(lam * s, lo, up).sum())

    # 1. Bisection brackets λ; 2. the free set then gives λ exactly.
    lam_lo, lam_hi = 0.0, 1.0
    while filled(lam_hi) < seats and lam_hi < 1e300:
        lam_hi *= 2.0
    for _ in range(200):
        mid = (lam_lo + lam_hi) / 2.0
        if filled(mid) < seats:
            lam_lo = mid
        else:
            lam_hi = mid
    lam = lam_hi
    free = (lam * s > lo) & (lam * s < up)
    if free.any() and s[free].sum() > 0:
        pinned = np.clip(lam * s, lo, up)[~free].sum()
        lam = float((seats - pinned) / s[free].sum())
    quota = np.where(free, lam * s, np.clip(lam * s, lo, up))
    base = np.clip(np.floor(quota + 1e-9), lo, up).astype(np.int64)
    remainder = _quantize(np.maximum(quota - base, 0.0))
    left = int(seats - base.sum())
    eligible = base < up
    sort = np.lexsort((rank, -s, -np.where(eligible, remainder, -1.0)))
    allocation = base.copy()
    take = sort[: min(left, int(eligible.sum()))]
    allocation[take] += 1
    tied = np.zeros(n, dtype=bool)
    if 0 < left < eligible.sum():
        margin_in = remainder[sort[left - 1]]
        margin_out = remainder[sort[left]]
        if margin_in == margin_out:
            tied = eligible & (remainder == margin_in)
    # Only when every township with a positive score is capped can seats be
    # left over: they go one by one to zero-score townships below their caps.
    left -= len(take)
    while left > 0:
        room = np.flatnonzero(allocation < up)
        room = room[np.lexsort((rank[room], -s[room]))][:left]
        allocation[room] += 1
        left -= len(room)
    return HamiltonResult(allocation, tied, lam * s)
