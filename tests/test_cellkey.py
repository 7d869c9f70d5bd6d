"""The cell-key method for areas a user can draw: the perturbation table, its invariants, and
the differencing and averaging attacks replayed on the demo city.

Attack figures before the cell-key method (issue 25, measured on the demo): walking areas one
cell apart gave the withheld count back exactly in 20 of 20 tries (threshold 3) and 8 of 8
(threshold 80); partner catchments 50 m apart in 21 of 21 and 10 of 10.
"""

from __future__ import annotations

import collections
import math
import os
import stat

import numpy as np
import pandas as pd
import pytest

from dashboard.analysis import cellkey, nearby
from dashboard.analysis.coverage import prepare_demand
from dashboard.analysis.walking import point_distances, walking_metres
from dashboard.model.workspace import cell_key_secret, key_file, read_workspace, write_workspace

TABLES = [cellkey.PerturbationTable(), cellkey.PerturbationTable(3, 2.0), cellkey.PerturbationTable(1, 0.5)]


@pytest.mark.parametrize("table", TABLES, ids=repr)
def test_the_perturbation_table_has_mean_zero_and_the_set_maximum(table):
    p, d = table.probabilities, table.deviations
    assert np.allclose(p.sum(axis=1), 1) and (p >= 0).all()
    assert np.allclose(p @ d, 0, atol=1e-12)  # every row: mean deviation 0
    general = p[-1]
    assert np.abs(d[general > 0]).max() == table.max_deviation  # the maximum is the setting …
    assert general[0] > 1e-3 and general[-1] > 1e-3  # … and it is reached
    assert (general * d * d).sum() == pytest.approx(table.variance)
    assert p[0].tolist() == [0] * table.max_deviation + [1] + [0] * table.max_deviation  # zero stays zero
    for n in range(1, table.max_deviation + 1):  # a populated area never falls to 0 or below
        assert (p[n][d < 1 - n] == 0).all()
    # the keys pick deviations in the table's proportions
    keys = np.arange(0, cellkey.KEY_STEPS, cellkey.KEY_STEPS // 100_000)
    drawn = table.deviation(np.full(len(keys), 50), keys)
    assert drawn.mean() == pytest.approx(0, abs=1e-3)
    assert np.abs(drawn).max() == table.max_deviation


def test_settings_outside_the_table_are_refused():
    with pytest.raises(ValueError):
        cellkey.PerturbationTable(2, 2.5)  # more than the uniform distribution's 2
    with pytest.raises(ValueError):
        cellkey.PerturbationTable(0, 0.5)


def test_zero_stays_zero_and_identical_cell_sets_are_published_identically():
    rng = np.random.default_rng(1)
    persons = rng.integers(0, 12, size=(400, 3)).astype(float)
    persons[:, 2] = 0  # a phase nobody is in
    keys = cellkey.record_keys([f"c{i}" for i in range(400)], ["a", "b", "c"], b"s" * 32)
    table = cellkey.PerturbationTable()
    area = rng.choice(400, 120, replace=False)
    first = cellkey.publish_area_counts(persons, keys, [area, area[::-1], np.sort(area)], table, threshold=3)
    assert (first[0] == first[1]).all() and (first[0] == first[2]).all()  # same cells, any order
    assert (first[:, 2] == 0).all()  # zero stays zero
    assert np.abs(first[0, :2] - persons[area, :2].sum(axis=0)).max() <= 2
    # a cell without persons in a phase adds no key: the published count stays the same
    empty = np.flatnonzero(persons[:, 0] == 0)
    with_empty = np.union1d(area, empty[:5])
    assert cellkey.publish_area_counts(persons, keys, [with_empty], table)[0, 0] == first[0, 0]
    # keys depend on the secret only
    again = cellkey.record_keys([f"c{i}" for i in range(400)], ["a", "b", "c"], b"s" * 32)
    other = cellkey.record_keys([f"c{i}" for i in range(400)], ["a", "b", "c"], b"t" * 32)
    assert (again == keys).all() and (other != keys).mean() > 0.99
    # small counts are withheld, true or published
    small = cellkey.publish_area_counts(np.array([[2.0], [0.0]]), keys[:2, :1], [np.array([0])], table, threshold=3)
    assert np.isnan(small[0, 0])


def test_the_secret_is_kept_beside_the_workspace(demo_path, tmp_path):
    target = tmp_path / "stadt.gpkg"
    target.write_bytes(demo_path.read_bytes())
    ws = read_workspace(target)
    assert key_file(target).exists() and stat.S_IMODE(os.stat(key_file(target)).st_mode) == 0o600
    assert read_workspace(target).cell_key_secret == ws.cell_key_secret  # kept across loads
    write_workspace(ws, target)  # … and rebuilds
    assert cell_key_secret(target) == ws.cell_key_secret
    assert ws.cell_key_secret.hex() not in target.read_bytes().hex()  # never inside the GeoPackage
    copy = write_workspace(ws, tmp_path / "kopie.gpkg")  # saved elsewhere: the same secret goes along
    assert cell_key_secret(copy) == ws.cell_key_secret
    renewed = cell_key_secret(target, renew=True)
    assert renewed != ws.cell_key_secret and cell_key_secret(target) == renewed
    # a key that cannot be read: area counts are withheld, not published without noise
    key_file(target).unlink()
    key_file(target).mkdir()
    locked = read_workspace(target)
    assert locked.cell_key_secret is None
    demand = prepare_demand(locked.current())
    assert demand.keys is None
    assert np.isnan(nearby.area_counts(demand, [np.arange(50)])).all()


# ---------------------------------------------------------------------------------------
# Attacks on the demo city
# ---------------------------------------------------------------------------------------
THRESHOLDS = (3, 80)
MINUTES = (5, 10, 15)


@pytest.fixture(scope="module")
def demo(demo_ws):
    ws = demo_ws.current()
    return ws, prepare_demand(ws)


@pytest.fixture(scope="module")
def lattice_areas(demo):
    """Walking areas (cell indices) from the 100 m lattice points of a 5 × 5 km square in the
    middle of the demo city — every start a click can have after snapping."""
    ws, d = demo
    b = ws.districts.total_bounds
    cx, cy = (np.round((b[0] + b[2]) / 200) * 100, np.round((b[1] + b[3]) / 200) * 100)
    limits = [float(walking_metres(m, 4.5)) for m in MINUTES]
    sets = {}
    for x in cx + 100 * np.arange(-25, 25):
        for y in cy + 100 * np.arange(-25, 25):
            distance, _ = point_distances(d.walk, x, y, limits[-1], "cells")
            for m, limit in zip(MINUTES, limits):
                sets[(x, y, m)] = np.flatnonzero(distance <= limit + 1e-3)
    return sets


def one_cell_pairs(areas):
    """(smaller, larger, the one cell between them) for every two areas that differ by one cell."""
    areas = list(areas)
    by_size = collections.defaultdict(list)
    for a in areas:
        by_size[len(a)].append(a)
    for small in areas:
        for big in by_size.get(len(small) + 1, []):
            extra = np.setdiff1d(big, small, assume_unique=True)
            if len(extra) == 1:
                yield small, big, int(extra[0])


def attack(demand, pairs, threshold, table):
    """Play the differencing attack on every pair and withheld (cell, phase): returns the
    tries, the exact recoveries and the published differences per target (for averaging)."""
    truth = np.round(demand.persons)
    tries = exact = 0
    per_target = collections.defaultdict(list)
    seen = set()
    for small, big, cell in pairs:
        key = (np.sort(small).tobytes(), cell)  # the same two areas (e.g. offers at one site) are one observation
        if key in seen:
            continue
        seen.add(key)
        published = nearby.area_counts(demand, [small, big], threshold, table)
        for k in np.flatnonzero((truth[cell] > 0) & (truth[cell] < threshold) & ~np.isnan(published).any(axis=0)):
            difference = published[1, k] - published[0, k]
            tries += 1
            exact += difference == truth[cell, k]
            per_target[(cell, k)].append(difference)
    return tries, exact, per_target


def bound(p: float, n: int) -> float:
    """What the noise allows: the exact-difference share plus four binomial standard errors."""
    return p + 4 * math.sqrt(p * (1 - p) / max(n, 1))


@pytest.mark.parametrize("threshold", THRESHOLDS)
def test_walking_areas_one_cell_apart_give_a_withheld_count_back_only_by_chance(demo, lattice_areas, threshold):
    ws, d = demo
    table = cellkey.PerturbationTable()
    pairs = []
    for m in MINUTES:  # neighbouring starts (100 m apart) whose areas differ by one cell
        for (x, y, mm), cells in lattice_areas.items():
            if mm != m:
                continue
            for other in ((x + 100, y, m), (x, y + 100, m)):
                if other in lattice_areas:
                    pairs += list(one_cell_pairs([cells, lattice_areas[other]]))
    tries, exact, per_target = attack(d, pairs, threshold, table)
    assert tries >= 50  # the attack has enough to try
    share = exact / tries
    print(f"walking areas, threshold {threshold}: {exact} of {tries} exact ({share:.0%}); "
          f"noise allows {table.exact_difference_share():.0%}")
    assert share <= bound(table.exact_difference_share(), tries)
    # clicks a few metres apart ask for the same area: published identically
    x, y = next(iter(lattice_areas))[:2]
    a = nearby.walking_areas(ws, x + 20, y - 30, threshold=threshold, demand=d)[1]
    b = nearby.walking_areas(ws, x - 40, y + 10, threshold=threshold, demand=d)[1]
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("threshold", THRESHOLDS)
@pytest.mark.parametrize("step", [50, nearby.RADIUS_STEP_M])
def test_catchment_radius_steps_give_a_withheld_count_back_only_by_chance(demo, threshold, step):
    """Radius steps of 50 m (without snapping: the cell-key method alone) and of the 250 m that
    radii are snapped to."""
    ws, d = demo
    table = cellkey.PerturbationTable()
    sited = ws.offers[ws.offers.geometry.notna()].reset_index(drop=True)
    radii = np.arange(250, 3001, 50)  # the slider's old 50 m steps, as an attacker would try them
    snapped = sorted({nearby.snap_radius(r, step) for r in radii})
    areas = {}
    for radius in snapped:
        cell, row, _ = d.offer_pairs(sited, radius)
        order = np.argsort(row, kind="stable")
        split = np.split(cell[order], np.searchsorted(row[order], np.arange(1, len(sited))))
        for i, cells in enumerate(split):
            areas[(i, radius)] = np.sort(cells)
    # 50 m steps are snapped to 250 m: most neighbouring radii ask for the same area
    assert len(snapped) == (12 if step == nearby.RADIUS_STEP_M else len(radii))
    pairs = []
    for i in range(len(sited)):
        pairs += list(one_cell_pairs([areas[(i, r)] for r in snapped]))
    tries, exact, _ = attack(d, pairs, threshold, table)
    print(f"catchments, {step} m steps, threshold {threshold}: {exact} of {tries} one-cell steps exact")
    if step == 50:
        assert tries >= 10  # without snapping the attack has something to try
    assert exact <= bound(table.exact_difference_share(), tries) * max(tries, 1)
    # the published share of the city is computed from the published count
    reach = nearby.site_reach(ws, sited.head(20), radius_m=1000, threshold=threshold, demand=d, perturbation=table)
    totals = pd.Series(d.persons.sum(axis=0), index=d.phases)
    shown = reach.dropna(subset=["persons"])
    assert np.allclose(shown["city_share"], shown["persons"] / totals.loc[shown["phase_id"]].to_numpy())


def test_averaging_many_areas_around_a_withheld_cell_is_measured(demo, lattice_areas):
    """Residual risk: an attacker collects every pair of snapped walking areas that differ by
    the same withheld cell and rounds the mean of the published differences. With starts on
    the 100 m lattice few such pairs exist per cell (at most 2 here), so averaging recovers
    no more than a single difference does."""
    _, d = demo
    table = cellkey.PerturbationTable()
    pairs = []
    for (x, y, m), cells in lattice_areas.items():
        for other in ((x + 100, y, m), (x, y + 100, m), (x + 100, y + 100, m), (x + 100, y - 100, m)):
            if other in lattice_areas:
                pairs += list(one_cell_pairs([cells, lattice_areas[other]]))
    _, _, per_target = attack(d, pairs, 3, table)
    truth = np.round(d.persons)
    recovered = sum(round(float(np.mean(v))) == truth[c, k] for (c, k), v in per_target.items())
    most = max(len(v) for v in per_target.values())
    print(f"averaging: {recovered} of {len(per_target)} withheld cells recovered, at most {most} pairs per cell")
    assert most <= 4
    # rounding the mean of m differences is right with probability P(|mean noise| < 1/2):
    # with at most 4 pairs that stays far from certainty
    assert recovered / len(per_target) <= 0.7
