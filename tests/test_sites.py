"""Where the next offers should go (MCLP): exact against brute force, never below greedy."""

from itertools import combinations

import numpy as np
import pytest

from dashboard.analysis import sites


def brute_force(weights, cell, site, n_sites, k):
    return max(sites.reached_weight(weights, cell, site, chosen) for chosen in combinations(range(n_sites), k))


def random_case(rng, n_cells=60, n_sites=12, density=0.15):
    weights = rng.integers(0, 30, n_cells).astype(float)
    reach = rng.random((n_cells, n_sites)) < density
    cell, site = np.nonzero(reach)
    return weights, cell, site


def test_a_hand_made_case_where_greedy_is_not_best():
    """Four cells (7, 7, 6, 6 persons): candidate 0 reaches cells 0 and 1 (14), candidate 1
    cells 0 and 2 (13), candidate 2 cells 1 and 3 (13). Greedy takes 0 first and then adds 6:
    20; the exact choice {1, 2} reaches everyone: 26."""
    weights = np.array([7, 7, 6, 6], float)
    cell = np.array([0, 1, 0, 2, 1, 3])
    site = np.array([0, 0, 1, 1, 2, 2])
    greedy, gains = sites.greedy_sites(weights, cell, site, 3, 2)
    assert greedy[0] == 0 and list(gains) == [14, 6]
    best = sites.best_sites(weights, cell, site, 3, 2)
    assert sorted(best.sites) == [1, 2] and best.reached == 26 and best.greedy_reached == 20
    assert best.gap == 0 and best.method == "lp" and list(best.gain) == [13, 13]


def test_a_fractional_relaxation_goes_to_the_integer_search():
    """A case (found by search) whose LP relaxation is not a choice of sites: the integer
    search decides, and its answer is the brute-force one."""
    weights = np.array([1.0, 1.0, 3.0, 3.0])
    cell, site = np.array([0, 1, 1, 2, 2, 3, 3]), np.array([1, 2, 3, 0, 2, 0, 3])
    best = sites.best_sites(weights, cell, site, 4, 2)
    assert best.method == "milp" and best.gap == pytest.approx(0)
    assert best.reached == brute_force(weights, cell, site, 4, 2) == 7


@pytest.mark.parametrize("seed", range(12))
def test_exact_equals_brute_force_and_is_never_below_greedy(seed):
    rng = np.random.default_rng(seed)
    weights, cell, site = random_case(rng, n_sites=8 + seed % 5)
    n_sites = 8 + seed % 5
    for k in (1, 2, 3, 4):
        best = sites.best_sites(weights, cell, site, n_sites, k)
        assert best.reached == pytest.approx(brute_force(weights, cell, site, n_sites, k)), k
        assert best.reached >= best.greedy_reached - 1e-9
        assert best.reached == pytest.approx(sites.reached_weight(weights, cell, site, best.sites))
        assert best.gain.sum() == pytest.approx(best.reached) and np.all(np.diff(best.gain) <= 1e-9)
        assert best.gap == pytest.approx(0, abs=1e-9) and len(set(best.sites)) == len(best.sites) <= k


def test_nothing_to_reach_and_fewer_useful_sites_than_k():
    weights = np.array([0.0, 0.0, 5.0])
    best = sites.best_sites(weights, [0, 1], [0, 1], 3, 2)  # only cells of weight 0 reachable
    assert len(best.sites) == 0 and best.reached == 0
    best = sites.best_sites(weights, [0, 2, 2], [0, 1, 2], 3, 3)  # two candidates reach the one cell
    assert best.reached == 5 and best.method == "greedy"
    assert list(best.gain) == [5]  # the second would add nothing once the first reaches the cell: not proposed
    assert sites.best_sites(weights, [], [], 3, 2).reached == 0


def test_the_same_objective_as_pysal_spopt():
    """The reference: PySAL spopt's MCLP (CBC through PuLP) on the same cells, candidates and
    radius reaches the same persons."""
    import pulp
    from scipy.spatial import cKDTree
    from scipy.spatial.distance import cdist
    from spopt.locate import MCLP

    rng = np.random.default_rng(3)
    cells, candidates = rng.uniform(0, 4000, (400, 2)), rng.uniform(0, 4000, (30, 2))
    weights = rng.poisson(5, 400).astype(float)
    near = cKDTree(candidates).query_ball_point(cells, 600.0)
    cell = np.repeat(np.arange(400), [len(p) for p in near])
    site = np.concatenate(near).astype(np.int64)
    for k in (2, 4):
        ours = sites.best_sites(weights, cell, site, 30, k)
        reference = MCLP.from_cost_matrix(cdist(cells, candidates), weights, service_radius=600.0, p_facilities=k)
        reference = reference.solve(pulp.PULP_CBC_CMD(msg=False))
        theirs = [j for j in range(30) if len(reference.fac2cli[j]) > 0]
        assert ours.reached == pytest.approx(sites.reached_weight(weights, cell, site, theirs)), k


def test_dominated_candidates_are_left_out_without_changing_the_best():
    """A candidate reaching a subset of another's cells never needs to be chosen: the exact
    answer on a fine grid of candidates equals brute force, with and without them."""
    rng = np.random.default_rng(11)
    cells = rng.uniform(0, 1000, (120, 2))
    candidates = np.vstack([rng.uniform(0, 1000, (6, 2)), rng.uniform(0, 1000, (6, 2))])
    weights = rng.poisson(3, 120).astype(float)
    near = [np.flatnonzero(np.hypot(*(cells - c).T) <= 260) for c in candidates]
    cell = np.concatenate(near)
    site = np.repeat(np.arange(len(candidates)), [len(n) for n in near])
    # candidate 12 reaches a subset of candidate 0's cells
    extra = near[0][: len(near[0]) // 2]
    cell, site = np.r_[cell, extra], np.r_[site, np.full(len(extra), 12)]
    matrix, _ = sites._coverage(weights, cell, site, 13)
    kept = sites._undominated(matrix, np.arange(13))
    assert 12 not in kept and 0 in kept
    best = sites.best_sites(weights, cell, site, 13, 3)
    brute = brute_force(weights, cell, site, 13, 3)
    assert best.reached == pytest.approx(brute)
