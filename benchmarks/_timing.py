"""The one timing helper of the benchmarks (run as scripts: this folder is on ``sys.path``)."""

from __future__ import annotations

import statistics
import time


def timed(func, repeat: int = 3):
    """(median seconds of ``repeat`` calls of ``func``, the last call's result)."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result
