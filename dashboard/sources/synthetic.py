"""Synthetic workspaces of any size for benchmarks and scale tests (not for planning).

Districts are a Voronoi partition of a square; population sits in grid cells; offers are
random points (some outreach). Deterministic for a given seed.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.model import schema
from dashboard.model.life_phases import default_life_phases
from dashboard.model.workspace import Workspace
from dashboard.sources.demo import AGE_BANDS, INDICATORS, PROVIDER_PARTNERS

ORIGIN = (400_000.0, 5_650_000.0)  # EPSG:25832


def generate_synthetic_workspace(n_districts: int = 300, n_offers: int = 5000, side_m: float = 30_000.0,
                                 cell_m: float = 250.0, seed: int = 1) -> Workspace:
    """A fictional workspace with ``n_districts`` districts and ``n_offers`` offers on a
    square of ``side_m`` metres, population in ``cell_m`` grid cells."""
    rng = np.random.default_rng(seed)
    x0, y0 = ORIGIN
    square = shapely.box(x0, y0, x0 + side_m, y0 + side_m)
    seeds = rng.uniform(0, side_m, (n_districts, 2)) + (x0, y0)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=square))
    polys = shapely.intersection(cells, square)
    polys = polys[~shapely.is_empty(polys)]
    ids = [f"D{i:04d}" for i in range(len(polys))]
    districts = gpd.GeoDataFrame({"district_id": ids, "name": [f"Bezirk {i}" for i in range(len(polys))],
                                  "parent_id": None, "parent_name": None},
                                 geometry=shapely.set_precision(polys, 0.1), crs=schema.DEFAULT_CRS)

    n = int(side_m // cell_m)
    gx, gy = np.meshgrid(np.arange(n) * cell_m + x0, np.arange(n) * cell_m + y0)
    gx, gy = gx.ravel(), gy.ravel()
    persons = rng.poisson(30, len(gx))
    shares = np.array([0.95, 1.9, 2.9, 3.7, 4.6, 2.8, 7.5, 6.0, 25.0, 22.5, 15.5, 6.6])
    counts = rng.multinomial(persons, shares / shares.sum()).astype(float)
    population = gpd.GeoDataFrame(pd.DataFrame(counts, columns=AGE_BANDS["column"]).assign(
        cell_id=[f"c{i}" for i in range(len(gx))]),
        geometry=shapely.box(gx, gy, gx + cell_m, gy + cell_m), crs=schema.DEFAULT_CRS)

    phases = list(default_life_phases()["phase_id"])
    outreach = rng.random(n_offers) < 0.05
    xy = rng.uniform(0, side_m, (n_offers, 2)) + (x0, y0)
    points = shapely.points(xy)
    points[outreach] = None
    offers = gpd.GeoDataFrame({
        "offer_id": [f"O{i:06d}" for i in range(n_offers)],
        "name": [f"Angebot {i}" for i in range(n_offers)],
        "provider": [PROVIDER_PARTNERS[i % len(PROVIDER_PARTNERS)][0] for i in range(n_offers)],
        "partner_id": [f"P{i % len(PROVIDER_PARTNERS) + 1:03d}" for i in range(n_offers)],
        "category": [schema.CATEGORIES[i % len(schema.CATEGORIES)] for i in range(n_offers)],
        "sectors": [schema.SECTORS[i % len(schema.SECTORS)] for i in range(n_offers)],
        "life_phases": [phases[i % len(phases)] for i in range(n_offers)],
        "audience": "Familien",
        "service_area": [schema.CITY_WIDE if o else None for o in outreach],
        "capacity": rng.integers(5, 40, n_offers).astype(float),
        "cost_free": rng.random(n_offers) < 0.7, "barrier_free": rng.random(n_offers) < 0.6,
        "languages": "Deutsch", "valid_from": "2020-01-01", "valid_to": None, "last_updated": "2025-06-01",
        "address": "Musterweg 1", "contact_public": "01234 1000",
    }, geometry=points, crs=schema.DEFAULT_CRS)
    partners = gpd.GeoDataFrame(
        {"partner_id": [f"P{i + 1:03d}" for i in range(len(PROVIDER_PARTNERS))],
         "organisation": [p[0] for p in PROVIDER_PARTNERS], "sector": [p[1] for p in PROVIDER_PARTNERS],
         "legal_domain": [p[2] for p in PROVIDER_PARTNERS], "address": "Musterweg 1"},
        geometry=shapely.points(rng.uniform(0, side_m, (len(PROVIDER_PARTNERS), 2)) + (x0, y0)),
        crs=schema.DEFAULT_CRS)
    years = (2024, 2025)
    indicators = pd.DataFrame([(d, y, ind, float(rng.uniform(1, 30))) for ind in INDICATORS["indicator"]
                               for y in years for d in ids], columns=["district_id", "year", "indicator", "value"])
    meta = {"schema_version": schema.SCHEMA_VERSION, "municipality_name": "Synthetische Stadt (fiktiv)",
            "ags": "00000000", "crs": schema.DEFAULT_CRS, "data_stand": "2025-12-31",
            "sources": "Synthetische Benchmark-Daten (fiktiv)", "licences": "CC0 1.0", "fictional": "true",
            "fictional_label": "Synthetische Benchmark-Daten – fiktiv"}
    return Workspace(meta=meta, districts=districts, life_phases=default_life_phases(), offers=offers,
                     age_bands=AGE_BANDS.copy(), population_cells=population,
                     indicator_catalogue=INDICATORS[["indicator", "label_de", "label_en", "unit", "unit_en", "category",
                                                     "higher_is_need", "source"]].copy(),
                     indicators=indicators, partners=partners)
