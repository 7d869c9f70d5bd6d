"""Cell-key method (Cell-Key-Methode, CKM) for counts of areas a user can draw freely.

Primary suppression per area cannot protect areas that a user chooses: two walking areas or
catchments that differ by one population cell publish counts whose difference is that cell's
count, also where the grid withholds it. The Statistical Offices of the Federation and the
Länder publish Zensus 2022 and their flexible tables with the cell-key method; this module
applies it to every count of a user-chosen area (walking areas, partner catchments):

1. **Record keys.** Every record carries a fixed random key in [0, 1). The records here are
   the persons of one population cell in one life phase; estimated cells may hold fractional
   persons, so the persons of a (cell, life phase) are one record group with one key, derived
   from the workspace's secret (:func:`record_keys`: BLAKE2b keyed with the secret, per cell
   id and life phase). A group with no persons carries no key.
2. **Cell key.** A result's key is the fractional part of the sum of its records' keys
   (:func:`area_keys`). Keys are fixed-point integers (2**32 steps), summed exactly, so the
   same set of cells gives the same key in any order: logically identical results are always
   perturbed identically.
3. **Perturbation.** The published count is the true count (persons, rounded) plus a small
   deviation read from the perturbation table by (count, cell key)
   (:class:`PerturbationTable`): zero stays zero, the deviation is at most
   ``max_deviation`` persons, its mean is 0 and its variance ``variance`` for every count
   that leaves room (small counts cannot go below 1, so their rows are narrower).

The difference of two published areas that differ by one cell is that cell's count plus the
difference of two deviations; it equals the cell's count exactly only when both deviations
agree, i.e. with probability :meth:`PerturbationTable.exact_difference_share` (0.28 with the
defaults). Sums of published parts need not equal a published whole.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cached_property

import numpy as np

KEY_STEPS = 2**32  # keys are integers 0 … 2**32 - 1 (fixed point: key / 2**32 in [0, 1))
SECRET_BYTES = 32
MAX_DEVIATION = 2  # persons (default of PRAEVENTIONSATLAS_CKM_MAX_DEVIATION)
VARIANCE = 1.0  # persons² (default of PRAEVENTIONSATLAS_CKM_VARIANCE)


def new_secret() -> bytes:
    """A fresh random workspace secret (32 bytes from the operating system)."""
    return os.urandom(SECRET_BYTES)


def _mix64(values: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a bijection of uint64 that spreads every input bit over the output."""
    z = values.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        z ^= z >> np.uint64(30)
        z *= np.uint64(0xBF58476D1CE4E5B9)
        z ^= z >> np.uint64(27)
        z *= np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
    return z


def record_keys(unit_ids, phase_ids, secret: bytes) -> np.ndarray:
    """The fixed random key of every (unit, life phase) record group: int64 array of shape
    (units, phases), values 0 … 2**32 - 1 (key = value / 2**32). ``unit_ids``: population cell
    ids (or district ids where the workspace has no cells); ``secret``: the workspace's secret
    (bytes). The same ids and secret always give the same keys; without the secret they cannot
    be guessed."""
    if not secret:
        raise ValueError("the cell-key method needs the workspace's secret")
    unit_hash = np.fromiter(
        (int.from_bytes(hashlib.blake2b(str(u).encode(), key=secret[:64], digest_size=8).digest(), "little")
         for u in unit_ids), dtype=np.uint64, count=len(unit_ids))
    phase_hash = np.array([int.from_bytes(hashlib.blake2b(str(p).encode(), key=secret[:64], digest_size=8,
                                                          person=b"phase").digest(), "little") for p in phase_ids],
                          dtype=np.uint64)
    with np.errstate(over="ignore"):
        mixed = _mix64(unit_hash[:, None] ^ _mix64(phase_hash)[None, :])
    return (mixed >> np.uint64(32)).astype(np.int64)


def area_keys(keys: np.ndarray, persons: np.ndarray, members=None) -> np.ndarray:
    """Cell key of an area per life phase: the fractional part of the sum of the keys of its
    record groups that hold persons, as an integer 0 … 2**32 - 1. ``keys``, ``persons``:
    (units, phases); ``members``: index or boolean mask of the area's units (all when None)."""
    k = keys if members is None else keys[members]
    p = persons if members is None else persons[members]
    return np.where(p > 0, k, 0).sum(axis=0) % KEY_STEPS


@dataclass(frozen=True)
class PerturbationTable:
    """Deviation by (count, cell key): for each count n a distribution over d = -D … D
    (D = ``max_deviation`` persons) with mean 0 and variance ``variance`` (persons²), shaped
    like a discrete normal distribution. Counts n ≤ D cannot lose n or more (a published
    count of a populated area stays ≥ 1): their rows run from 1 - n to D, still with mean 0
    (exponentially tilted), and with the variance that leaves. Zero stays zero. A cell key
    k in [0, 1) picks the deviation whose cumulative interval holds k, as in the statistical
    offices' perturbation tables."""

    max_deviation: int = MAX_DEVIATION
    variance: float = VARIANCE

    def __post_init__(self):
        d = self.max_deviation
        if not isinstance(d, (int, np.integer)) or d < 1:
            raise ValueError(f"max_deviation must be a whole number ≥ 1, got {d!r}")
        largest = d * (d + 1) / 3  # variance of the uniform distribution on -D … D
        if not 0 < self.variance < largest:
            raise ValueError(f"variance must lie between 0 and {largest:g} for max_deviation {d}, "
                             f"got {self.variance!r}")

    @property
    def deviations(self) -> np.ndarray:
        return np.arange(-self.max_deviation, self.max_deviation + 1)

    @cached_property
    def probabilities(self) -> np.ndarray:
        """(D + 2, 2D + 1): row n (0 … D) for count n, the last row for every count > D;
        columns for deviations -D … D."""
        d = self.deviations.astype(float)
        sigma = _bisect(lambda s: _variance(np.exp(-d**2 / (2 * s * s))) - self.variance, 1e-3, 1e3)
        general = np.exp(-d**2 / (2 * sigma**2))
        rows = [np.where(d == 0, 1.0, 0.0)]  # zero stays zero
        for n in range(1, self.max_deviation + 1):
            allowed = d >= 1 - n
            if n == 1:  # nothing below 0 allowed and the mean must be 0: no deviation at all
                rows.append(np.where(d == 0, 1.0, 0.0))
                continue

            def mean(lam, allowed=allowed):
                w = np.where(allowed, general * np.exp(lam * d), 0.0)
                return (w * d).sum() / w.sum()

            lam = _bisect(mean, -50.0, 50.0)
            w = np.where(allowed, general * np.exp(lam * d), 0.0)
            rows.append(w / w.sum())
        rows.append(general / general.sum())
        return np.vstack(rows)

    @cached_property
    def _cumulative(self) -> np.ndarray:
        cum = np.cumsum(self.probabilities, axis=1)
        cum[:, -1] = 1.0
        return cum

    def deviation(self, counts, keys) -> np.ndarray:
        """Deviation (persons) for whole-number ``counts`` and integer cell ``keys``
        (0 … 2**32 - 1), element-wise."""
        counts = np.asarray(counts, dtype=np.int64)
        u = np.asarray(keys, dtype=np.float64) / KEY_STEPS
        row = np.clip(counts, 0, self.max_deviation + 1)
        cum = self._cumulative[row]
        column = (u[..., None] >= cum).sum(axis=-1)
        return self.deviations[np.minimum(column, len(self.deviations) - 1)]

    def perturb(self, counts, keys) -> np.ndarray:
        """Published counts: ``round(counts)`` plus the deviation by (count, key); zero stays
        zero; NaN stays NaN."""
        counts = np.asarray(counts, dtype=float)
        missing = np.isnan(counts)
        whole = np.where(missing, 0, np.round(counts)).astype(np.int64)
        out = (whole + self.deviation(whole, keys)).astype(float)
        out[missing] = np.nan
        return out

    def exact_difference_share(self) -> float:
        """Probability that two independent keys give the same deviation (general row): how
        often the difference of two published areas one cell apart equals that cell's count."""
        p = self.probabilities[-1]
        return float((p * p).sum())


def _variance(weights: np.ndarray) -> float:
    p = weights / weights.sum()
    d = np.arange(len(p)) - (len(p) - 1) / 2
    return float((p * d * d).sum() - (p * d).sum() ** 2)


def _bisect(f, lo: float, hi: float, steps: int = 200) -> float:
    """Root of an increasing function on [lo, hi]."""
    for _ in range(steps):
        mid = (lo + hi) / 2
        if f(mid) < 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def publish_area_counts(persons: np.ndarray, keys: np.ndarray, areas, table: PerturbationTable,
                        threshold: int = 3) -> np.ndarray:
    """Published person counts of user-chosen areas, per life phase: (areas, phases).

    ``persons``, ``keys``: (units, phases) persons (may be fractional estimates) and record
    keys (:func:`record_keys`); ``areas``: one index array or boolean mask of units per area.
    The true count (rounded) is perturbed by the cell-key method; a count below ``threshold``
    (true or published, but not zero) is withheld (NaN). Shares and rates must be computed
    from these published counts, never from the true ones."""
    true = np.array([persons[a].sum(axis=0) if np.size(a) else np.zeros(persons.shape[1]) for a in areas],
                    dtype=float).reshape(len(areas), persons.shape[1])
    key = np.array([area_keys(keys, persons, a) if np.size(a) else np.zeros(persons.shape[1], np.int64)
                    for a in areas], dtype=np.int64).reshape(true.shape)
    true = np.round(true)
    shown = table.perturb(true, key)
    shown[((true > 0) & (true < threshold)) | ((shown > 0) & (shown < threshold))] = np.nan
    return shown
