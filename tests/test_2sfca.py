"""2SFCA and catchments: hand-computed cases and PySAL `access` as an independent oracle."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.spatial import cKDTree

from dashboard.analysis.accessibility import covered, detect_lattice, gaussian, iter_pairs, two_step_fca


def test_two_step_fca_by_hand():
    # demand A (100 persons) at 0 m, B (300 persons) at 600 m; site S1 (2 offers) at 300 m,
    # site S2 (1 offer) at 1,100 m; radius 500 m.
    demand_xy = np.array([[0.0, 0.0], [600.0, 0.0]])
    supply_xy = np.array([[300.0, 0.0], [1100.0, 0.0]])
    score = two_step_fca(demand_xy, [100.0, 300.0], supply_xy, [2.0, 1.0], 500.0)
    r1 = 2 / (100 + 300)  # S1 reaches A and B
    r2 = 1 / 300  # S2 reaches B only (exactly 500 m: inside)
    assert score == pytest.approx([r1, r1 + r2], rel=1e-12)


def test_location_exactly_on_the_radius_is_inside():
    demand_xy = np.array([[0.0, 0.0], [300.0, 400.0]])  # second is exactly 500 m away
    assert covered(demand_xy, np.array([[0.0, 0.0]]), 500.0).tolist() == [True, True]
    assert covered(demand_xy, np.array([[0.0, 0.0]]), 499.999).tolist() == [True, False]
    score = two_step_fca(demand_xy, [1.0, 1.0], np.array([[0.0, 0.0]]), [1.0], 500.0)
    assert score == pytest.approx([0.5, 0.5])


def test_no_supply_and_no_demand():
    xy = np.array([[0.0, 0.0], [10.0, 0.0]])
    assert two_step_fca(xy, [5.0, 5.0], np.zeros((0, 2)), [], 100.0).tolist() == [0.0, 0.0]
    # a site with no demand in reach gives nothing (no division by zero)
    assert two_step_fca(xy, [0.0, 0.0], np.array([[5.0, 0.0]]), [1.0], 100.0).tolist() == [0.0, 0.0]
    assert not covered(xy, np.zeros((0, 2)), 100.0).any()


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="shape"):
        two_step_fca(np.zeros((3, 3)), [1, 1, 1], np.zeros((1, 2)), [1], 10.0)
    with pytest.raises(ValueError, match="radius"):
        two_step_fca(np.zeros((1, 2)), [1], np.zeros((1, 2)), [1], 0.0)
    with pytest.raises(ValueError, match="demand has shape"):
        two_step_fca(np.zeros((2, 2)), [1], np.zeros((1, 2)), [1], 10.0)


def grid(nx, ny, h=100.0, x0=350_000.0, y0=5_600_000.0):
    gx, gy = np.meshgrid(x0 + h / 2 + np.arange(nx) * h, y0 + h / 2 + np.arange(ny) * h)
    return np.column_stack([gx.ravel(), gy.ravel()])


def test_lattice_detection():
    xy = grid(30, 20)
    lat = detect_lattice(xy[::3])
    assert lat is not None and lat.h == 100.0 and lat.shape[1] <= 30
    jitter = xy + np.random.default_rng(0).normal(0, 1, xy.shape)
    assert detect_lattice(jitter) is None
    assert detect_lattice(np.vstack([xy, xy[:1]])) is None  # duplicate location


def test_stencil_and_tree_give_the_same_pairs():
    rng = np.random.default_rng(3)
    demand_xy = grid(40, 30)[rng.random(1200) < 0.7]
    supply_xy = rng.uniform(0, 1, (60, 2)) * [4000, 3000] + [350_000, 5_600_000]
    supply_xy[0] = demand_xy[10]  # a site exactly on a cell centre
    supply_xy[1] = demand_xy[20] + [0, 700.0]  # a cell exactly 700 m away
    lat = detect_lattice(demand_xy)
    assert lat is not None

    def pairs(lattice):
        return sorted((int(d), int(s)) for d_idx, s_idx, _ in iter_pairs(demand_xy, supply_xy, 700.0, lattice)
                      for d, s in zip(d_idx, s_idx))

    assert pairs(lat) == pairs(None)


def access_reference(demand_xy, demand, supply_xy, supply, radius, weight_fn=None):
    """PySAL access on a cost table built with a KD-tree (Euclidean metres)."""
    from access import Access

    hits = cKDTree(supply_xy).query_ball_point(demand_xy, radius * (1 + 1e-9))
    origin = np.repeat(np.arange(len(demand_xy)), [len(h) for h in hits])
    dest = np.concatenate([np.asarray(h, dtype=int) for h in hits])
    cost = np.hypot(*(demand_xy[origin] - supply_xy[dest]).T)
    cost_df = pd.DataFrame({"origin": origin, "dest": dest, "cost": cost})
    model = Access(demand_df=pd.DataFrame({"id": np.arange(len(demand_xy)), "pop": demand}), demand_index="id",
                   demand_value="pop", supply_df=pd.DataFrame({"id": np.arange(len(supply_xy)), "sup": supply}),
                   supply_index="id", supply_value="sup", cost_df=cost_df, cost_origin="origin",
                   cost_dest="dest", cost_name="cost")
    if weight_fn is None:
        out = model.two_stage_fca(name="x", max_cost=radius)
    else:
        out = model.enhanced_two_stage_fca(name="x", max_cost=radius, weight_fn=weight_fn)
    return out["x_sup"].reindex(np.arange(len(demand_xy))).fillna(0.0).to_numpy()


@pytest.mark.parametrize("layout", ["grid", "scattered"])
def test_equals_pysal_access(layout):
    rng = np.random.default_rng(11)
    if layout == "grid":
        demand_xy = grid(50, 40)[rng.random(2000) < 0.8]
    else:
        demand_xy = rng.uniform(0, 1, (1500, 2)) * [5000, 4000] + [350_000, 5_600_000]
    demand = rng.poisson(15, len(demand_xy)).astype(float)
    supply_xy = rng.uniform(0, 1, (120, 2)) * [5000, 4000] + [350_000, 5_600_000]
    supply = rng.integers(1, 6, len(supply_xy)).astype(float)
    ours = two_step_fca(demand_xy, demand, supply_xy, supply, 800.0)
    ref = access_reference(demand_xy, demand, supply_xy, supply, 800.0)
    assert (ours > 0).sum() > len(ours) / 2
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=0)


def test_gaussian_decay_equals_pysal_e2sfca():
    from access import weights

    rng = np.random.default_rng(5)
    demand_xy = grid(30, 30)
    demand = rng.poisson(10, len(demand_xy)).astype(float)
    supply_xy = rng.uniform(0, 3000, (40, 2)) + [350_000, 5_600_000]
    supply = np.ones(len(supply_xy))
    ours = two_step_fca(demand_xy, demand, supply_xy, supply, 900.0, weight=gaussian(450.0))
    ref = access_reference(demand_xy, demand, supply_xy, supply, 900.0, weight_fn=weights.gaussian(450.0))
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=0)


def test_grid_method_equals_tree_method_on_boundary_cases():
    rng = np.random.default_rng(8)
    demand_xy = grid(30, 25)[rng.random(750) < 0.75]
    demand = rng.integers(0, 30, len(demand_xy)).astype(float)
    supply_xy = rng.uniform(0, 1, (40, 2)) * [3000, 2500] + [350_000, 5_600_000]
    supply_xy[0] = demand_xy[5]  # on a cell centre
    supply_xy[1] = demand_xy[50] + [0.0, 600.0]  # cells exactly 600 m away (3-4-5 and straight)
    supply_xy[2] = demand_xy[60] + [360.0, 480.0]
    supply_xy[3] = [349_000.0, 5_599_000.0]  # outside the grid, nothing in reach
    supply = rng.integers(1, 4, len(supply_xy)).astype(float)
    lat = detect_lattice(demand_xy)
    fast = two_step_fca(demand_xy, demand, supply_xy, supply, 600.0, lattice=lat)
    tree = two_step_fca(demand_xy, demand, supply_xy, supply, 600.0, lattice=None)
    np.testing.assert_allclose(fast, tree, rtol=1e-12, atol=0)
    assert ((fast == 0) == (tree == 0)).all()
    assert (covered(demand_xy, supply_xy, 600.0, lattice=lat) == covered(demand_xy, supply_xy, 600.0,
                                                                           lattice=None)).all()
