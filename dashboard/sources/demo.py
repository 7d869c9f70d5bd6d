"""Deterministic generator of the fictional demo city "Lindenbrück".

Everything here is invented: a town of about 75,000 inhabitants with 14 Sozialräume
(a dense core, suburbs and villages), 100 m population cells by age band, two years of
correlated social indicators, about 200 offers (with deliberate gaps and duplicates),
Familienzentren, network partners and networks. The same seed yields the same data.

    python -m dashboard demo --out geodata/demo_city.gpkg
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.model import schema
from dashboard.model.life_phases import default_life_phases
from dashboard.model.workspace import Workspace

SEED = 2026
CENTRE = (432_000.0, 5_700_000.0)  # EPSG:25832, metres
CELL = 100.0  # population grid cell size, metres
FICTIONAL_LABEL = "Fiktive Demodaten – keine realen Personen, Angebote oder Statistiken"
FICTIONAL_LABEL_EN = "Fictional demo data – no real persons, offers or statistics"
MUNICIPALITY = "Lindenbrück (fiktive Demostadt)"
MUNICIPALITY_EN = "Lindenbrück (fictional demo city)"

# name, Stadtbezirk, kind, seed offset (m), deprivation 0..1
DISTRICTS = [
    ("Altstadt", "Mitte", "core", (0, 0), 0.45),
    ("Bahnhofsviertel", "Mitte", "core", (1000, -600), 0.9),
    ("Nordstadt", "Mitte", "core", (200, 1150), 0.75),
    ("Südstadt", "Mitte", "core", (-400, -1250), 0.35),
    ("Lindenhof", "Ost", "suburb", (2900, 1500), 0.2),
    ("Am Kanal", "Nord-West", "suburb", (-2600, 1900), 0.55),
    ("Westfeld", "Nord-West", "suburb", (-3000, -900), 0.85),
    ("Ostpark", "Ost", "suburb", (3300, -1300), 0.3),
    ("Hohe Heide", "Süd", "suburb", (400, -3400), 0.15),
    ("Birkenau", "Nord-West", "village", (-900, 5400), 0.1),
    ("Eichholz", "Ost", "village", (4700, 3700), 0.05),
    ("Mühlbach", "Ost", "village", (5500, -2600), 0.12),
    ("Rodenberg", "Süd", "village", (-1400, -5500), 0.08),
    ("Kesselhausen", "Nord-West", "village", (-5500, 1100), 0.1),
]
# Persons per settlement kind, and spread of settlement (sigma, metres).
KIND_POPULATION = {"core": 30_500, "suburb": 32_000, "village": 13_000}
KIND_SIGMA = {"core": 950.0, "suburb": 620.0, "village": 300.0}

AGE_BANDS = pd.DataFrame(
    [("age_0_1", 0, 1), ("age_1_3", 1, 3), ("age_3_6", 3, 6), ("age_6_10", 6, 10),
     ("age_10_15", 10, 15), ("age_15_18", 15, 18), ("age_18_25", 18, 25), ("age_25_30", 25, 30),
     ("age_30_50", 30, 50), ("age_50_65", 50, 65), ("age_65_80", 65, 80), ("age_80_plus", 80, None)],
    columns=["column", "age_from", "age_to"],
)
_BASE_SHARES = np.array([0.95, 1.9, 2.9, 3.7, 4.6, 2.8, 7.5, 6.0, 25.0, 22.5, 15.5, 6.6])
_KIND_FACTORS = {
    "core": np.array([0.95, 0.95, 0.9, 0.9, 0.9, 0.9, 1.45, 1.45, 1.1, 0.85, 0.8, 0.85]),
    "suburb": np.array([1.1, 1.2, 1.2, 1.2, 1.15, 1.1, 0.9, 0.9, 1.1, 1.0, 0.9, 0.8]),
    "village": np.array([0.9, 0.95, 0.95, 1.0, 1.0, 1.0, 0.8, 0.75, 0.9, 1.15, 1.25, 1.2]),
}
_CHILD_BANDS = slice(0, 6)

INDICATORS = pd.DataFrame(
    [
        ("sgb2_u15", "SGB-II-Quote unter 15 Jahren", "SGB II rate, under 15", "%", "%", "Armut",
         True, "Fiktiv: Jobcenter (Demo)", 4.0, 28.0, 1.5),
        ("single_parent", "Alleinerziehende Haushalte", "Single-parent households", "% der Haushalte mit Kindern",
         "% of households with children",
         "Familie", True, "Fiktiv: Melderegister (Demo)", 12.0, 16.0, 1.5),
        ("non_german", "Nichtdeutsche Staatsangehörigkeit", "Non-German citizens", "% der Einwohner", "% of residents",
         "Migration", True, "Fiktiv: Melderegister (Demo)", 5.0, 27.0, 1.8),
        ("unemployment", "Arbeitslosenquote", "Unemployment rate", "%", "%", "Arbeit",
         True, "Fiktiv: Agentur für Arbeit (Demo)", 3.0, 9.0, 0.6),
        ("school_entry_language", "Sprachförderbedarf bei Schuleingang", "Language support need at school entry",
         "% der untersuchten Kinder", "% of children examined", "Bildung & Gesundheit", True,
         "Fiktiv: Gesundheitsamt, SEU (Demo)", 10.0, 32.0, 2.5),
        ("old_age_poverty", "Grundsicherung im Alter", "Basic income support, 65+", "% der 65-Jährigen und Älteren",
         "% of persons aged 65 and over",
         "Armut", True, "Fiktiv: Sozialamt (Demo)", 1.5, 7.0, 0.5),
    ],
    columns=["indicator", "label_de", "label_en", "unit", "unit_en", "category", "higher_is_need", "source",
             "base", "slope", "noise"],
)
YEARS = (2024, 2025)
# Indicator values withheld for statistical secrecy in the demo (district, year, indicator).
WITHHELD = [("Kesselhausen", 2024, "single_parent"), ("Kesselhausen", 2025, "single_parent"),
            ("Eichholz", 2025, "sgb2_u15")]

# Offer templates per life phase: name, category, sectors, audience, extra phases, outreach.
OFFER_TEMPLATES = {
    "pregnancy": [
        ("Schwangerschaftsberatung", "Beratung", "Gesundheit;Soziales", "Eltern", "", False),
        ("Geburtsvorbereitungskurs", "Kurs", "Gesundheit", "Eltern", "", False),
        ("Hebammensprechstunde", "Beratung", "Gesundheit", "Eltern", "early_childhood", False),
        ("Babylotsen", "Lotsendienst", "Gesundheit;Kinder- und Jugendhilfe", "Familien", "early_childhood", True),
    ],
    "early_childhood": [
        ("Eltern-Kind-Gruppe", "Gruppenangebot", "Kinder- und Jugendhilfe", "Eltern;Kinder", "", False),
        ("Babymassage-Kurs", "Kurs", "Gesundheit", "Eltern", "", False),
        ("Frühe-Hilfen-Sprechstunde", "Beratung", "Kinder- und Jugendhilfe;Gesundheit", "Eltern", "pregnancy", False),
        ("Familienhebamme", "Hausbesuch/aufsuchend", "Gesundheit;Kinder- und Jugendhilfe", "Familien", "pregnancy", True),
        ("Elterncafé", "Treffpunkt", "Kinder- und Jugendhilfe;Integration", "Eltern", "kita", False),
        ("Krabbelgruppe", "Gruppenangebot", "Kinder- und Jugendhilfe", "Eltern;Kinder", "", False),
    ],
    "kita": [
        ("Sprachförderung im Quartier", "Gruppenangebot", "Bildung;Integration", "Kinder", "", False),
        ("Bewegungsgruppe für Kita-Kinder", "Gruppenangebot", "Gesundheit", "Kinder", "", False),
        ("Elternkurs Starke Eltern – Starke Kinder", "Kurs", "Kinder- und Jugendhilfe", "Eltern", "primary", False),
        ("Erziehungsberatung", "Beratung", "Kinder- und Jugendhilfe", "Eltern;Familien",
         "early_childhood;primary;youth", False),
    ],
    "primary": [
        ("Hausaufgabenhilfe", "Gruppenangebot", "Bildung", "Kinder", "", False),
        ("Schulsozialarbeit Grundschule", "Beratung", "Kinder- und Jugendhilfe;Bildung", "Kinder;Eltern", "", False),
        ("Lernpaten", "Gruppenangebot", "Bildung;Integration", "Kinder", "youth", False),
        ("Ferienprogramm", "Gruppenangebot", "Kinder- und Jugendhilfe", "Kinder", "youth", False),
    ],
    "youth": [
        ("Offener Jugendtreff", "Treffpunkt", "Kinder- und Jugendhilfe", "Jugendliche", "", False),
        ("Streetwork", "Hausbesuch/aufsuchend", "Kinder- und Jugendhilfe", "Jugendliche", "transition", True),
        ("Mädchentreff", "Treffpunkt", "Kinder- und Jugendhilfe", "Jugendliche", "", False),
        ("Suchtprävention an Schulen", "Kurs", "Gesundheit;Bildung", "Jugendliche", "", False),
        ("Jugendmigrationsdienst", "Beratung", "Integration", "Jugendliche", "transition", False),
    ],
    "transition": [
        ("Berufsorientierung", "Kurs", "Bildung", "Jugendliche", "youth", False),
        ("Jugendberufsagentur-Sprechstunde", "Beratung", "Soziales;Bildung", "Jugendliche;Erwachsene", "", False),
        ("Bewerbungstraining", "Kurs", "Bildung", "Jugendliche", "", False),
        ("Ausbildungspaten", "Lotsendienst", "Bildung;Integration", "Jugendliche", "", False),
    ],
    "adults": [
        ("Schuldnerberatung", "Beratung", "Soziales", "Erwachsene;Familien", "seniors", False),
        ("Migrationsberatung für Erwachsene", "Beratung", "Integration", "Erwachsene", "", False),
        ("Integrationskurs", "Kurs", "Integration;Bildung", "Erwachsene", "", False),
        ("Familienberatung", "Beratung", "Kinder- und Jugendhilfe;Soziales", "Familien", "", False),
        ("Gesundheitskurs", "Kurs", "Gesundheit", "Erwachsene", "seniors", False),
    ],
    "seniors": [
        ("Seniorentreff", "Treffpunkt", "Soziales", "Senioren", "", False),
        ("Pflegeberatung", "Beratung", "Gesundheit;Soziales", "Senioren;Familien", "", False),
        ("Besuchsdienst", "Hausbesuch/aufsuchend", "Soziales", "Senioren", "", True),
        ("Bewegung im Alter", "Kurs", "Gesundheit", "Senioren", "", False),
        ("Quartiersbüro Älter werden", "Beratung", "Stadtentwicklung;Soziales", "Senioren", "", False),
    ],
}
# What each offer template is about (its topic) and who plausibly runs such an offer in a
# German town: no Babylotsen by the adult-education centre, no addiction prevention by a
# sports club.
TOPIC_OF = {
    "Schwangerschaftsberatung": "Schwangerschaftsberatung", "Geburtsvorbereitungskurs": "Geburtsvorbereitung",
    "Hebammensprechstunde": "Hebammenhilfe", "Babylotsen": "Lotsendienst Frühe Hilfen",
    "Eltern-Kind-Gruppe": "Eltern-Kind-Gruppe", "Babymassage-Kurs": "Babymassage",
    "Frühe-Hilfen-Sprechstunde": "Beratung Frühe Hilfen", "Familienhebamme": "Hebammenhilfe",
    "Elterncafé": "Elterncafé", "Krabbelgruppe": "Eltern-Kind-Gruppe",
    "Sprachförderung im Quartier": "Sprachförderung", "Bewegungsgruppe für Kita-Kinder": "Bewegung und Sport",
    "Elternkurs Starke Eltern – Starke Kinder": "Elternbildung", "Erziehungsberatung": "Erziehungsberatung",
    "Hausaufgabenhilfe": "Lernförderung", "Schulsozialarbeit Grundschule": "Schulsozialarbeit",
    "Lernpaten": "Lernförderung", "Ferienprogramm": "Freizeit und Ferien",
    "Offener Jugendtreff": "Offene Jugendarbeit", "Streetwork": "Streetwork", "Mädchentreff": "Offene Jugendarbeit",
    "Suchtprävention an Schulen": "Suchtprävention", "Jugendmigrationsdienst": "Migrationsberatung",
    "Berufsorientierung": "Berufsorientierung", "Jugendberufsagentur-Sprechstunde": "Ausbildung und Arbeit",
    "Bewerbungstraining": "Ausbildung und Arbeit", "Ausbildungspaten": "Ausbildung und Arbeit",
    "Schuldnerberatung": "Schuldnerberatung", "Migrationsberatung für Erwachsene": "Migrationsberatung",
    "Integrationskurs": "Integrationskurs", "Familienberatung": "Familienberatung",
    "Gesundheitskurs": "Gesundheitsförderung", "Seniorentreff": "Begegnung im Alter",
    "Pflegeberatung": "Pflegeberatung", "Besuchsdienst": "Besuchsdienst", "Bewegung im Alter": "Bewegung und Sport",
    "Quartiersbüro Älter werden": "Quartiersarbeit",
}
_JA, _GA, _AWO, _CAR, _DIA, _DRK = ("Stadt Lindenbrück – Jugendamt", "Kreisgesundheitsamt (fiktiv)",
                                    "AWO Ortsverein Lindenbrück", "Caritasverband Lindenbrück",
                                    "Diakonie Lindenbrück", "DRK Ortsverein Lindenbrück")
_FBS, _VHS, _KSB, _JC, _EV, _KATH, _TUS, _MIT, _PRO = (
    "Familienbildungsstätte Lindenbrück", "Volkshochschule Lindenbrück", "Kinderschutzbund Lindenbrück",
    "Jobcenter Lindenbrück", "Ev. Kirchengemeinde Lindenbrück", "Kath. Pfarrei St. Lambertus",
    "TuS Lindenbrück 1899", "Verein Miteinander e. V.", "Pro Familia Beratungsstelle")
PROVIDERS_OF = {
    "Schwangerschaftsberatung": (_PRO, _CAR, _DIA), "Geburtsvorbereitung": (_FBS, _DRK),
    "Hebammenhilfe": (_GA, _DRK, _JA), "Lotsendienst Frühe Hilfen": (_JA, _GA, _KSB),
    "Beratung Frühe Hilfen": (_JA, _KSB), "Eltern-Kind-Gruppe": (_FBS, _EV, _KATH, _AWO), "Babymassage": (_FBS, _DRK),
    "Elterncafé": (_FBS, _AWO, _MIT, _KATH), "Elternbildung": (_FBS, _KSB, _VHS),
    "Erziehungsberatung": (_CAR, _DIA, _JA), "Familienberatung": (_CAR, _DIA, _PRO),
    "Sprachförderung": (_VHS, _MIT, _FBS), "Integrationskurs": (_VHS, _MIT), "Bewegung und Sport": (_TUS, _DRK, _AWO),
    "Lernförderung": (_MIT, _CAR, _AWO, _VHS), "Schulsozialarbeit": (_JA, _AWO, _DIA),
    "Freizeit und Ferien": (_JA, _TUS, _EV), "Offene Jugendarbeit": (_JA, _EV, _AWO), "Streetwork": (_JA, _DIA),
    "Suchtprävention": (_GA, _CAR, _DIA), "Migrationsberatung": (_CAR, _DIA, _MIT, _AWO),
    "Berufsorientierung": (_JC, _VHS, _AWO), "Ausbildung und Arbeit": (_JC, _VHS, _CAR),
    "Schuldnerberatung": (_CAR, _DIA, _AWO), "Gesundheitsförderung": (_GA, _VHS, _TUS, _DRK),
    "Begegnung im Alter": (_AWO, _CAR, _EV, _KATH, _DRK), "Pflegeberatung": (_CAR, _DIA, _DRK, _AWO),
    "Besuchsdienst": (_DRK, _EV, _KATH, _CAR), "Quartiersarbeit": (_AWO, _MIT, _DIA),
}
OFFERS_PER_PHASE = {"pregnancy": 18, "early_childhood": 32, "kita": 24, "primary": 26, "youth": 30,
                    "transition": 18, "adults": 28, "seniors": 24}
# Deliberate gaps: no site-based offers of these phases in these districts.
GAPS = {"Westfeld": {"pregnancy", "early_childhood"}, "Hohe Heide": {"youth", "transition"},
        "Am Kanal": {"seniors"}}
# Providers (Träger) of offers; they are network partners too: name, sector, Rechtskreis.
PROVIDER_PARTNERS = [
    ("Stadt Lindenbrück – Jugendamt", "Kinder- und Jugendhilfe", "SGB VIII"),
    ("Kreisgesundheitsamt (fiktiv)", "Gesundheit", "Sonstige"),
    ("AWO Ortsverein Lindenbrück", "Soziales", "Sonstige"),
    ("Caritasverband Lindenbrück", "Soziales", "Sonstige"),
    ("Diakonie Lindenbrück", "Soziales", "Sonstige"),
    ("DRK Ortsverein Lindenbrück", "Gesundheit", "Sonstige"),
    ("Familienbildungsstätte Lindenbrück", "Bildung", "SGB VIII"),
    ("Volkshochschule Lindenbrück", "Bildung", "Sonstige"),
    ("Kinderschutzbund Lindenbrück", "Kinder- und Jugendhilfe", "SGB VIII"),
    ("Jobcenter Lindenbrück", "Soziales", "SGB II"),
    ("Ev. Kirchengemeinde Lindenbrück", "Soziales", "Sonstige"),
    ("Kath. Pfarrei St. Lambertus", "Soziales", "Sonstige"),
    ("TuS Lindenbrück 1899", "Gesundheit", "Sonstige"),
    ("Verein Miteinander e. V.", "Integration", "Sonstige"),
    ("Pro Familia Beratungsstelle", "Gesundheit", "Sonstige"),
]
PROVIDERS = [p[0] for p in PROVIDER_PARTNERS]
LANGUAGES = ["Türkisch", "Arabisch", "Russisch", "Ukrainisch", "Polnisch", "Englisch"]
STREETS = ["Lindenstraße", "Marktplatz", "Bahnhofstraße", "Kirchweg", "Schulstraße", "Am Wall",
           "Mühlenweg", "Gartenstraße", "Birkenallee", "Kanalufer", "Heideweg", "Hauptstraße",
           "Eichenring", "Rosenstraße", "Parkstraße", "Dorfstraße"]
SITE_NAMES = ["Am Park", "Löwenzahn", "Sonnenblume", "Regenbogen", "Kleeblatt", "Mühlenbach", "Lindenbaum",
              "Wiesengrund", "Sterntaler", "Kastanie"]
SURNAMES = ["Beispiel", "Muster", "Probe", "Exempel", "Demo", "Testfeld", "Vorlage", "Modell"]


def _outline(rng) -> shapely.Polygon:
    theta = np.linspace(0, 2 * np.pi, 160, endpoint=False)
    radius = 7200 * (1 + 0.10 * np.sin(3 * theta + 1.0) + 0.07 * np.cos(5 * theta) + 0.03 * np.sin(9 * theta))
    xy = np.column_stack([CENTRE[0] + radius * np.cos(theta), CENTRE[1] + radius * np.sin(theta)])
    return shapely.Polygon(np.round(xy, 1))


def _merge_enclaves(parts: list, share: float = 0.2) -> list:
    """Give every detached piece smaller than ``share`` of its district to the neighbour
    with which it shares the longest edge (few pieces: a plain loop is fine)."""
    parts = list(parts)
    for k, geom in enumerate(parts):
        pieces = sorted(shapely.get_parts(geom), key=lambda g: -g.area)
        for piece in pieces[1:]:
            if piece.area >= share * pieces[0].area:
                continue
            edges = [0.0 if j == k else piece.boundary.intersection(other).length for j, other in enumerate(parts)]
            target = int(np.argmax(edges))
            if edges[target] > 0:
                parts[target] = shapely.coverage_union(parts[target], piece)
                parts[k] = parts[k].difference(piece)
    return parts


def _districts(outline, rng) -> gpd.GeoDataFrame:
    """Sozialräume as an organic partition of the outline: nearest seed under a smooth
    distortion of distance (long-wave noise), dissolved from a 50 m raster, then
    simplified as one coverage (shared edges stay shared, no gaps or overlaps)."""
    step = 50.0
    minx, miny, maxx, maxy = outline.buffer(step * 2).bounds
    xs = np.arange(minx, maxx, step) + step / 2
    ys = np.arange(miny, maxy, step) + step / 2
    gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
    keep = shapely.intersects_xy(outline.buffer(step * 2), gx, gy)
    gx, gy = gx[keep], gy[keep]
    seeds = np.array([(CENTRE[0] + dx, CENTRE[1] + dy) for _, _, _, (dx, dy), _ in DISTRICTS])
    scale = np.array([{"core": 0.8, "suburb": 1.0, "village": 1.1}[d[2]] for d in DISTRICTS])
    noise = np.zeros((len(gx), len(seeds)))
    for _ in range(4):
        kx, ky = rng.normal(0, 1 / 4000, 2)
        phase = rng.uniform(0, 2 * np.pi, len(seeds))
        noise += 170 * np.sin(kx * gx[:, None] * 2 * np.pi + ky * gy[:, None] * 2 * np.pi + phase)
    dist = np.hypot(gx[:, None] - seeds[:, 0], gy[:, None] - seeds[:, 1]) * scale + noise
    owner = dist.argmin(axis=1)
    boxes = shapely.box(gx - step / 2, gy - step / 2, gx + step / 2, gy + step / 2)
    parts = [shapely.coverage_union_all(boxes[owner == k]) for k in range(len(seeds))]
    parts = _merge_enclaves(parts)
    parts = shapely.coverage_simplify(np.array(parts), 120.0)
    polys = [shapely.set_precision(shapely.make_valid(p.intersection(outline)), 0.1) for p in parts]
    parents = {"Mitte": "B1", "Nord-West": "B2", "Ost": "B3", "Süd": "B4"}
    return gpd.GeoDataFrame(
        {
            "district_id": [f"SR{i + 1:02d}" for i in range(len(DISTRICTS))],
            "name": [d[0] for d in DISTRICTS],
            "parent_id": [parents[d[1]] for d in DISTRICTS],
            "parent_name": [d[1] for d in DISTRICTS],
        },
        geometry=polys,
        crs=schema.DEFAULT_CRS,
    )


def _population(rng, outline, districts) -> gpd.GeoDataFrame:
    """100 m cells with persons per age band; cells below 3 persons withheld (missing)."""
    minx, miny, maxx, maxy = outline.bounds
    xs = np.arange(np.floor(minx / CELL) * CELL, maxx, CELL)
    ys = np.arange(np.floor(miny / CELL) * CELL, maxy, CELL)
    gx, gy = np.meshgrid(xs + CELL / 2, ys + CELL / 2)
    cx, cy = gx.ravel(), gy.ravel()
    inside = shapely.contains_xy(outline, cx, cy)
    cx, cy = cx[inside], cy[inside]
    expected = np.zeros(len(cx))
    kinds = np.array([d[2] for d in DISTRICTS])
    for kind, total in KIND_POPULATION.items():
        lam = np.zeros(len(cx))
        for name, _, k, (dx, dy), _ in DISTRICTS:
            if k != kind:
                continue
            sigma = KIND_SIGMA[kind] * (1.0 + 0.25 * rng.random())
            d2 = (cx - CENTRE[0] - dx) ** 2 + (cy - CENTRE[1] - dy) ** 2
            lam += np.exp(-d2 / (2 * sigma**2))
        lam[lam < 0.09] = 0.0
        expected += lam * total / lam.sum()
    persons = rng.poisson(expected)
    keep = persons > 0
    cx, cy, persons = cx[keep], cy[keep], persons[keep]

    which = districts.sindex.query(shapely.points(cx, cy), predicate="intersects")
    district_of = np.full(len(cx), -1)
    district_of[which[0]] = which[1]
    depriv = np.array([d[4] for d in DISTRICTS])[district_of]
    profile = np.stack([_BASE_SHARES * _KIND_FACTORS[k] for k in kinds])[district_of]
    profile[:, _CHILD_BANDS] *= (1 + 0.45 * depriv)[:, None]
    profile *= rng.lognormal(0.0, 0.15, size=profile.shape)
    profile /= profile.sum(axis=1, keepdims=True)
    counts = rng.multinomial(persons, profile).astype(float)
    counts[persons < 3] = np.nan  # statistical secrecy: withheld, not zero

    half = CELL / 2
    frame = pd.DataFrame(counts, columns=AGE_BANDS["column"])
    ids = [f"100mN{int(y - half)}E{int(x - half)}" for x, y in zip(cx, cy)]
    frame.insert(0, "cell_id", ids)
    return gpd.GeoDataFrame(frame, geometry=shapely.box(cx - half, cy - half, cx + half, cy + half),
                            crs=schema.DEFAULT_CRS)


def _indicators(rng, districts) -> pd.DataFrame:
    rows = []
    depriv = np.array([d[4] for d in DISTRICTS])
    for spec in INDICATORS.itertuples():
        base = spec.base + spec.slope * depriv + rng.normal(0, spec.noise, len(depriv))
        for k, year in enumerate(YEARS):
            trend = k * (0.08 * spec.slope * (depriv - 0.4)) + rng.normal(0, spec.noise / 3, len(depriv))
            values = np.clip(np.round(base + trend, 1), 0.1, None)
            rows += [(d, year, spec.indicator, v) for d, v in zip(districts["district_id"], values)]
    table = pd.DataFrame(rows, columns=["district_id", "year", "indicator", "value"])
    name_to_id = dict(zip(districts["name"], districts["district_id"]))
    for name, year, indicator in WITHHELD:
        mask = (table["district_id"] == name_to_id[name]) & (table["year"] == year) & (table["indicator"] == indicator)
        table.loc[mask, "value"] = np.nan
    return table


def _random_site(rng, cells_xy, weights):
    k = rng.choice(len(weights), p=weights / weights.sum())
    return cells_xy[k] + rng.uniform(-40, 40, 2)


def _contact(rng, k):
    surname = SURNAMES[k % len(SURNAMES)]
    initial = "ABCDEFGHKLMNPRS"[k % 15]
    return (
        f"Frau {initial}. {surname}" if k % 2 else f"Herr {initial}. {surname}",
        f"{initial.lower()}.{surname.lower()}{k}@beispiel.example",
        f"01234 {5000 + k}",
    )


def _offers(rng, districts, cells) -> gpd.GeoDataFrame:
    names = list(districts["name"])
    ids = list(districts["district_id"])
    kinds = [d[2] for d in DISTRICTS]
    cell_xy = np.column_stack([cells.geometry.centroid.x, cells.geometry.centroid.y])
    cell_pop = np.nan_to_num(cells[AGE_BANDS["column"]].to_numpy(float)).sum(axis=1)
    hit = districts.sindex.query(cells.geometry.centroid, predicate="intersects")
    cell_district = np.full(len(cells), -1)
    cell_district[hit[0]] = hit[1]
    district_pop = np.bincount(cell_district[cell_district >= 0], weights=cell_pop[cell_district >= 0],
                               minlength=len(ids))
    depriv = np.array([d[4] for d in DISTRICTS])

    rows = []
    for phase, n in OFFERS_PER_PHASE.items():
        templates = OFFER_TEMPLATES[phase]
        for j in range(n):
            name, category, sectors, audience, extra, outreach = templates[j % len(templates)]
            candidates = PROVIDERS_OF[TOPIC_OF[name]]
            provider = candidates[rng.integers(len(candidates))]
            phases = ";".join([phase] + [p for p in extra.split(";") if p])
            geometry, area, district = None, None, None
            if outreach:  # visiting services city-wide; others in a few districts, never in a gap
                allowed = [i for i, nm in enumerate(names) if not set(phases.split(";")) & GAPS.get(nm, set())]
                area = schema.CITY_WIDE if name == "Besuchsdienst" else ";".join(
                    ids[i] for i in sorted(rng.choice(allowed, 2 + j % 2, replace=False)))
            else:
                weight = district_pop ** 0.8 * (1 + depriv) * np.array(
                    [0.25 if k == "village" and phase != "seniors" else 1.0 for k in kinds])
                all_phases = set(phases.split(";"))
                weight *= np.array([0.0 if all_phases & GAPS.get(nm, set()) else 1.0 for nm in names])
                district = rng.choice(len(ids), p=weight / weight.sum())
                mask = cell_district == district
                x, y = _random_site(rng, cell_xy[mask], cell_pop[mask] + 1)
                geometry = shapely.Point(round(x, 1), round(y, 1))
            rows.append(_offer_row(rng, len(rows), name, provider, category, sectors, phases, audience,
                                   area, geometry, names[district] if district is not None else None,
                                   depriv[district] if district is not None else 0.5))
    # Deliberate duplicates (Parallelstrukturen): same phase and category a few metres apart.
    for name, category, sectors, phase, audience, district, providers in [
        ("Babymassage-Kurs", "Kurs", "Gesundheit", "early_childhood", "Eltern", "Altstadt",
         ("Familienbildungsstätte Lindenbrück", "DRK Ortsverein Lindenbrück")),
        ("Hausaufgabenhilfe", "Gruppenangebot", "Bildung", "primary", "Kinder", "Nordstadt",
         ("Verein Miteinander e. V.", "Caritasverband Lindenbrück")),
        ("Seniorentreff", "Treffpunkt", "Soziales", "seniors", "Senioren", "Lindenhof",
         ("AWO Ortsverein Lindenbrück", "Ev. Kirchengemeinde Lindenbrück")),
    ]:
        d = names.index(district)
        mask = cell_district == d
        x, y = _random_site(rng, cell_xy[mask], cell_pop[mask] + 1)
        for k, provider in enumerate(providers):
            point = shapely.Point(round(x + 90 * k, 1), round(y - 60 * k, 1))
            rows.append(_offer_row(rng, len(rows), name, provider, category, sectors, phase, audience,
                                   None, point, district, depriv[d]))
    frame = pd.DataFrame(rows)
    return gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=list(frame["geometry"]),
                            crs=schema.DEFAULT_CRS)


def _offer_row(rng, k, name, provider, category, sectors, phases, audience, area, point, district, depriv):
    languages = ["Deutsch"] + [lang for lang in LANGUAGES if rng.random() < 0.08 + 0.25 * depriv]
    street = STREETS[rng.integers(len(STREETS))]
    updated = pd.Timestamp("2023-01-15") + pd.Timedelta(days=int(rng.integers(0, 1080)))
    start = pd.Timestamp("2019-01-01") + pd.Timedelta(days=int(rng.integers(0, 5 * 365)))
    end = None
    roll = rng.random()
    if roll < 0.08:
        end = pd.Timestamp("2025-06-30")
    elif roll < 0.13:
        start = pd.Timestamp("2026-03-01")
    person, email, phone = _contact(rng, k)
    label = f"{name} {district}" if district else name
    capacity = None if category in ("Beratung", "Lotsendienst") and rng.random() < 0.4 else int(rng.integers(6, 41))
    return {
        "offer_id": f"A{k + 1:04d}",
        "name": label,
        "provider": provider,
        "partner_id": f"P{PROVIDERS.index(provider) + 1:03d}",
        "category": category,
        "topic": TOPIC_OF[name],
        "sectors": sectors,
        "life_phases": phases,
        "audience": audience,
        "service_area": area,
        "capacity": capacity,
        "cost_free": bool(rng.random() < 0.72),
        "barrier_free": bool(rng.random() < 0.6),
        "languages": ";".join(languages),
        "valid_from": start.strftime("%Y-%m-%d"),
        "valid_to": None if end is None else end.strftime("%Y-%m-%d"),
        "last_updated": updated.strftime("%Y-%m-%d"),
        "address": None if point is None else f"{street} {int(rng.integers(1, 120))}, Lindenbrück",
        "description": f"{label} – fiktives Angebot der Demostadt.",
        "contact_public": f"Zentrale {provider}: 01234 1000",
        "contact_person": person,
        "contact_email": email,
        "contact_phone": phone,
        "geometry": point,
    }


FAMILY_CENTRE_DISTRICTS = ["Altstadt", "Bahnhofsviertel", "Nordstadt", "Nordstadt", "Südstadt", "Lindenhof",
                           "Am Kanal", "Westfeld", "Ostpark", "Hohe Heide", "Birkenau", "Mühlbach"]
FAMILY_CENTRE_NAMES = ["Sonnenschein", "Regenbogen", "Pusteblume", "Kunterbunt", "Arche", "Löwenzahn",
                       "Sternschnuppe", "Wirbelwind", "Spatzennest", "Abenteuerland", "Zwergenhaus", "Mühlenkinder"]

# organisation stem, sector, legal domain, count
PARTNER_KINDS = [
    ("Kita", "Kinder- und Jugendhilfe", "SGB VIII", 7),
    ("Grundschule", "Bildung", "Schule", 6),
    ("Gesamtschule", "Bildung", "Schule", 2),
    ("Realschule", "Bildung", "Schule", 1),
    ("Gymnasium", "Bildung", "Schule", 1),
    ("Kinderarztpraxis", "Gesundheit", "SGB V", 3),
    ("Hebammenpraxis", "Gesundheit", "SGB V", 2),
    ("Erziehungsberatungsstelle", "Kinder- und Jugendhilfe", "SGB VIII", 2),
    ("Jugendzentrum", "Kinder- und Jugendhilfe", "SGB VIII", 3),
    ("Jobcenter-Team", "Soziales", "SGB II", 2),
    ("Agentur für Arbeit – Berufsberatung", "Bildung", "SGB III", 1),
    ("Frühförderstelle", "Gesundheit", "SGB IX", 1),
    ("Integrationsagentur", "Integration", "Sonstige", 2),
    ("Quartiersmanagement", "Stadtentwicklung", "Sonstige", 2),
    ("Seniorenbüro", "Soziales", "SGB XII", 2),
    ("Sozialamt – Beratung", "Soziales", "SGB XII", 1),
    ("Jugendamt – Bezirkssozialdienst", "Kinder- und Jugendhilfe", "SGB VIII", 2),
    ("Sportverein", "Gesundheit", "Sonstige", 2),
    ("Kirchengemeinde", "Soziales", "Sonstige", 2),
    ("Migrantenselbstorganisation", "Integration", "Sonstige", 1),
]
NETWORKS = [
    ("N1", "Schwangerschaft & Frühe Kindheit", "pregnancy;early_childhood",
     {"Hebammenpraxis", "Kinderarztpraxis", "Frühförderstelle", "Jugendamt – Bezirkssozialdienst", "Kita"},
     ("Stadt Lindenbrück – Jugendamt", "Kreisgesundheitsamt (fiktiv)", "Pro Familia Beratungsstelle",
      "Familienbildungsstätte Lindenbrück")),
    ("N2", "Kita–Grundschule", "kita;primary", {"Kita", "Grundschule", "Frühförderstelle"},
     ("Stadt Lindenbrück – Jugendamt",)),
    ("N3", "Übergang Schule–Beruf", "youth;transition",
     {"Gesamtschule", "Realschule", "Gymnasium", "Jobcenter-Team", "Agentur für Arbeit – Berufsberatung",
      "Jugendzentrum"}, ("Jobcenter Lindenbrück", "Volkshochschule Lindenbrück")),
    ("N4", "Älter werden im Quartier", "seniors", {"Seniorenbüro", "Kirchengemeinde", "Quartiersmanagement"},
     ("AWO Ortsverein Lindenbrück", "Caritasverband Lindenbrück", "Diakonie Lindenbrück")),
    ("N5", "Kinderschutz", "early_childhood;kita;primary;youth",
     {"Jugendamt – Bezirkssozialdienst", "Erziehungsberatungsstelle", "Kinderarztpraxis", "Grundschule"},
     ("Stadt Lindenbrück – Jugendamt", "Kinderschutzbund Lindenbrück")),
    ("N6", "Integration & Vielfalt", "transition;adults",
     {"Integrationsagentur", "Migrantenselbstorganisation", "Jobcenter-Team"},
     ("Verein Miteinander e. V.", "Volkshochschule Lindenbrück", "Caritasverband Lindenbrück")),
    ("N7", "Gesund aufwachsen", "early_childhood;kita;primary", {"Kinderarztpraxis", "Sportverein", "Kita"},
     ("TuS Lindenbrück 1899", "Kreisgesundheitsamt (fiktiv)")),
    ("N8", "Jugend im Quartier Nordstadt", "youth", {"Jugendzentrum", "Quartiersmanagement", "Sportverein"},
     ("Stadt Lindenbrück – Jugendamt", "Verein Miteinander e. V.")),
]


def _sites(rng, districts, cells, district_names):
    """One site per requested district name, weighted by population within it."""
    cell_xy = np.column_stack([cells.geometry.centroid.x, cells.geometry.centroid.y])
    cell_pop = np.nan_to_num(cells[AGE_BANDS["column"]].to_numpy(float)).sum(axis=1)
    hit = districts.sindex.query(cells.geometry.centroid, predicate="intersects")
    cell_district = np.full(len(cells), -1)
    cell_district[hit[0]] = hit[1]
    names = list(districts["name"])
    points = []
    for name in district_names:
        mask = cell_district == names.index(name)
        x, y = _random_site(rng, cell_xy[mask], cell_pop[mask] + 1)
        points.append(shapely.Point(round(x, 1), round(y, 1)))
    return points


def _family_centres(rng, districts, cells) -> gpd.GeoDataFrame:
    points = _sites(rng, districts, cells, FAMILY_CENTRE_DISTRICTS)
    rows = []
    for k, (district, label) in enumerate(zip(FAMILY_CENTRE_DISTRICTS, FAMILY_CENTRE_NAMES)):
        person, email, phone = _contact(rng, 500 + k)
        rows.append({
            "centre_id": f"FZ{k + 1:02d}",
            "name": f"Familienzentrum Kita {label}",
            "provider": PROVIDERS[(3 * k) % 6],
            "address": f"{STREETS[k % len(STREETS)]} {k + 3}, Lindenbrück",
            "life_phases": "pregnancy;early_childhood;kita" + (";primary" if k % 3 == 0 else ""),
            "contact_public": f"Familienzentrum {label}: 01234 2{k:03d}",
            "contact_person": person, "contact_email": email, "contact_phone": phone,
        })
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=points, crs=schema.DEFAULT_CRS)


def _partners(rng, districts, cells) -> gpd.GeoDataFrame:
    names = list(districts["name"])
    rows, where = [], []
    k = 0
    for organisation, sector, legal in PROVIDER_PARTNERS:
        where.append(names[k % 4])  # head offices in the core
        person, email, phone = _contact(rng, 700 + k)
        rows.append({
            "partner_id": f"P{k + 1:03d}", "organisation": organisation, "sector": sector, "legal_domain": legal,
            "address": f"{STREETS[(k * 3) % len(STREETS)]} {k % 40 + 1}, Lindenbrück",
            "contact_public": f"01234 3{k:03d}",
            "contact_person": person, "contact_email": email, "contact_phone": phone, "stem": "Träger",
        })
        k += 1
    for stem, sector, legal, count in PARTNER_KINDS:
        for j in range(count):
            district = names[(k * 5 + j) % len(names)] if stem not in ("Kita", "Grundschule") else names[k % 9]
            where.append(district)
            person, email, phone = _contact(rng, 700 + k)
            rows.append({
                "partner_id": f"P{k + 1:03d}",
                "organisation": f"{stem} {SITE_NAMES[j]} ({district})" if count > 1 else f"{stem} {district}",
                "sector": sector, "legal_domain": legal,
                "address": f"{STREETS[(k * 3) % len(STREETS)]} {k % 40 + 1}, Lindenbrück",
                "contact_public": f"01234 3{k:03d}",
                "contact_person": person, "contact_email": email, "contact_phone": phone,
                "stem": stem,
            })
            k += 1
    frame = pd.DataFrame(rows)
    return gpd.GeoDataFrame(frame, geometry=_sites(rng, districts, cells, where), crs=schema.DEFAULT_CRS)


def _networks(rng, partners):
    nets, members = [], []
    for network_id, name, phases, stems, providers in NETWORKS:
        candidates = partners[partners["stem"].isin(stems)]
        chosen = candidates.sample(frac=0.75, random_state=int(rng.integers(1 << 31)))
        chosen = pd.concat([partners[partners["organisation"].isin(providers)], chosen]).sort_values("partner_id")
        coordinator = partners.loc[partners["organisation"] == providers[0], "partner_id"].iloc[0]
        nets.append((network_id, f"Netzwerk {name}", phases, coordinator))
        members += [(network_id, pid, "Koordination" if pid == coordinator else "Mitglied")
                    for pid in chosen["partner_id"]]
    return (pd.DataFrame(nets, columns=["network_id", "name", "life_phases", "coordinator"]),
            pd.DataFrame(members, columns=["network_id", "partner_id", "role"]))


STREET_STEMS = ["Linden", "Birken", "Eichen", "Ahorn", "Buchen", "Erlen", "Eschen", "Kastanien", "Ulmen", "Weiden",
                "Tannen", "Fichten", "Mühlen", "Schul", "Kirch", "Garten", "Rosen", "Park", "Berg", "Tal", "Wiesen",
                "Feld", "Brunnen", "Sonnen", "Amsel", "Drossel", "Finken", "Lerchen", "Meisen", "Schwalben",
                "Falken", "Hirsch", "Fuchs", "Dachs", "Biber", "Otter", "Hasen", "Raben", "Kranich", "Storchen",
                "Heide", "Moor", "Bach", "Quellen", "Teich", "Graben", "Hof", "Scheunen", "Kamp", "Anger",
                "Markt", "Post", "Bahnhof", "Hafen", "Brücken", "Tor", "Goethe", "Schiller", "Lessing", "Herder",
                "Eichendorff", "Uhland", "Mörike", "Fontane", "Storm", "Droste", "Heine", "Brahms", "Händel",
                "Mozart", "Haydn", "Schubert", "Dürer", "Holbein", "Kepler", "Gauß", "Humboldt", "Fröbel",
                "Kolping", "Stifts", "Kloster", "Schloss", "Burg", "Wald", "Holunder", "Flieder", "Tulpen",
                "Nelken", "Veilchen", "Lilien", "Mohn", "Klee", "Hafer", "Roggen", "Weizen", "Apfel", "Birnen",
                "Kirsch", "Pflaumen", "Quitten", "Nuss", "Hecken", "Rain", "Sand", "Stein", "Kiesel", "Lehm",
                "Mergel", "Kreide", "Silber", "Gold", "Kupfer", "Eisen", "Distel", "Ginster"]
STREET_ENDS = ["straße", "weg", "allee", "ring", "gasse", "pfad", "stieg", "damm"]
MAIN_STREETS = ["Hauptstraße", "Bahnhofstraße", "Marktstraße", "Kirchstraße", "Poststraße", "Friedrichstraße",
                "Wilhelmstraße", "Luisenstraße", "Kaiserstraße", "Königsallee", "Rathausstraße", "Schlossallee",
                "Lindenbrücker Straße", "Birkenauer Straße", "Eichholzer Straße", "Mühlbacher Straße",
                "Rodenberger Straße", "Kesselhausener Straße", "Heider Straße", "Westfelder Straße",
                "Ostring", "Westring", "Nordring", "Südring", "Kanalstraße", "Industriestraße", "Europaallee",
                "Hansastraße", "Am Stadtwall", "Landwehr", "Zollstraße", "Mittelstraße", "Breite Straße",
                "Lange Straße", "Neue Straße", "Alte Poststraße", "Ringstraße", "Feldstraße", "Dorfstraße",
                "Kreisstraße", "Talstraße", "Bergstraße", "Brückenstraße", "Am Bahndamm", "Uferstraße",
                "Sandweg", "Heerweg", "Hellweg", "Grenzweg", "Kirchhellener Straße", "Gartenstraße",
                "Schulstraße", "Sportplatzstraße", "Waldstraße", "Wiesenstraße", "Steinweg", "Vogelsang",
                "Kurze Straße", "Querstraße", "Lindenallee", "Kastanienallee", "Eichenallee", "Pappelallee",
                "Akazienweg", "Am Mühlenteich", "An der Linde", "Auf dem Kamp", "Im Winkel", "Hohlweg",
                "Triftweg", "Viehtrift", "Hofstraße", "Gutsweg", "Kapellenweg", "Pfarrstraße", "Burgstraße",
                "Torstraße", "Wallstraße", "Am Graben", "Junkernstraße", "Sternstraße", "Sonnenstraße"]
HOUSE_SPACING = 60.0  # metres between house coordinates along a street (each side)
HOUSE_SETBACK = 12.0  # metres from the street's centre line to the house coordinate
BARRIER_CLEARANCE = 20.0  # no house coordinate this close to the railway or the river (metres)


def _addresses(street_edges, districts, cells) -> gpd.GeoDataFrame:
    """A fictional house-coordinate list along the named streets (not footways): a house every
    60 m on both sides, 12 m from the centre line, only in populated 100 m cells and never near
    the railway or the river; numbered along the street (odd left, even right); postcode per
    district. Column ``district`` (row of ``districts``) is for the generator only."""
    edges = street_edges[street_edges["name"].notna() & (street_edges["highway"] != "footway")]
    lines = edges.geometry.to_numpy()
    length = shapely.length(lines)
    count = np.maximum(np.floor((length - 30.0) / HOUSE_SPACING).astype(int) + 1, 0)
    edge_of = np.repeat(np.arange(len(lines)), count)
    k = np.arange(len(edge_of)) - np.repeat(np.cumsum(count) - count, count)
    along = 18.0 + HOUSE_SPACING * k
    start = shapely.get_coordinates(shapely.get_point(lines, 0))[edge_of]
    end = shapely.get_coordinates(shapely.get_point(lines, -1))[edge_of]
    direction = (end - start) / length[edge_of, None]
    normal = np.column_stack([-direction[:, 1], direction[:, 0]])
    base = start + direction * along[:, None]
    xy = np.concatenate([base + HOUSE_SETBACK * normal, base - HOUSE_SETBACK * normal])
    side = np.r_[np.zeros(len(base), int), np.ones(len(base), int)]  # 0 left (odd), 1 right (even)
    edge_of = np.r_[edge_of, edge_of]
    # position along the street: streets run west→east or south→north (lattice), so x + y orders them
    position = xy[:, 0] + xy[:, 1]
    lower = shapely.get_coordinates(cells.geometry.centroid.to_numpy()) - CELL / 2
    def cell_key(points):  # one integer per 100 m cell (cell columns never reach 2**32)
        cells = np.floor(points / CELL).astype(np.int64)
        return cells[:, 0] * (1 << 32) + cells[:, 1]

    lived = np.isin(cell_key(xy), cell_key(lower))
    barriers = shapely.union_all([river_line(), railway_line()])
    clear = shapely.distance(shapely.points(xy), barriers) >= BARRIER_CLEARANCE
    # not on another street either (corners): at least 8 m from every street line
    tree = shapely.STRtree(street_edges.geometry.to_numpy())
    crowded = np.zeros(len(xy), bool)
    pairs = tree.query(shapely.points(xy), predicate="dwithin", distance=8.0)
    crowded[pairs[0]] = True
    keep = lived & clear & ~crowded
    xy, side, edge_of, position = xy[keep], side[keep], edge_of[keep], position[keep]
    street = edges["name"].to_numpy()[edge_of]
    order = np.lexsort((position, side, street))
    rank = np.empty(len(xy), np.int64)
    group = pd.Series(street[order]).astype(str) + "|" + pd.Series(side[order]).astype(str)
    rank[order] = group.groupby(group).cumcount().to_numpy()
    number = 2 * rank + 1 + side
    points = gpd.GeoSeries(shapely.points(xy), crs=schema.DEFAULT_CRS)
    hit = districts.sindex.query(points, predicate="within")
    district = np.full(len(xy), -1)
    district[hit[0]] = hit[1]
    return gpd.GeoDataFrame({
        "street": street,
        "number": number.astype(str),
        "postcode": [f"599{d + 1:02d}" if d >= 0 else "59900" for d in district],
        "place": "Lindenbrück",
        "district": district,
    }, geometry=points, crs=schema.DEFAULT_CRS)


def _with_addresses(frame: gpd.GeoDataFrame, addresses: gpd.GeoDataFrame, districts) -> gpd.GeoDataFrame:
    """Each sited record moves to the nearest house coordinate in its own district and gets its
    address (so it stands where its address says, never on a railway or in a field)."""
    from scipy.spatial import cKDTree

    frame = frame.copy()
    sited = np.flatnonzero(~frame.geometry.isna().to_numpy())
    if not len(sited):
        return frame
    points = frame.geometry.to_numpy()[sited]
    hit = districts.sindex.query(points, predicate="intersects")
    district = np.full(len(sited), -1)
    district[hit[0]] = hit[1]
    house_xy = shapely.get_coordinates(addresses.geometry.to_numpy())
    nearest = np.empty(len(sited), np.int64)
    for d in np.unique(district):
        mine = np.flatnonzero(addresses["district"].to_numpy() == d)
        if not len(mine):
            mine = np.arange(len(addresses))
        ask = district == d
        _, k = cKDTree(house_xy[mine]).query(shapely.get_coordinates(points[ask]))
        nearest[ask] = mine[k]
    hit = addresses.iloc[nearest]
    text = (hit["street"] + " " + hit["number"] + ", " + hit["postcode"] + " " + hit["place"]).to_numpy()
    address = frame["address"].astype(object).to_numpy().copy()
    address[sited] = text
    frame["address"] = address
    geometry = frame.geometry.to_numpy().copy()
    geometry[sited] = hit.geometry.to_numpy()
    return frame.set_geometry(gpd.GeoSeries(geometry, index=frame.index, crs=frame.crs))


STREET_STEP = 120.0  # metres between junctions of the demo's street lattice
RESIDENTIAL_RUN = 10  # a residential street runs at most 10 lattice steps (1.2 km) under one name
MAIN_EVERY = 4  # every 4th lattice line is a through road (480 m) near settlements; every 16th everywhere
BRIDGES_X = (-2600.0, 500.0, 3900.0)  # where the river can be crossed (offset from CENTRE, metres)
RAIL_CROSSINGS = (-3200.0, 900.0, 4300.0)  # where the railway can be crossed (along its x offset)


def river_line() -> shapely.LineString:
    """The Linde: west to east between Altstadt and Nordstadt, meandering (metres)."""
    x = np.linspace(-9000, 9000, 400)
    y = 620 + 260 * np.sin(x / 1400.0) + 90 * np.sin(x / 430.0)
    return shapely.LineString(np.column_stack([CENTRE[0] + x, CENTRE[1] + y]))


def railway_line() -> shapely.LineString:
    """The railway: south-west to north-east past the station (Bahnhofsviertel)."""
    x = np.linspace(-9000, 9000, 50)
    y = -600 + (x - 1000) * 0.38
    return shapely.LineString(np.column_stack([CENTRE[0] + x, CENTRE[1] + y]))


def _streets(seed: int, outline, cells):
    """A plausible street network: a jittered lattice of residential streets where people live,
    through roads every 480 m everywhere, and two barriers that only bridges and crossings
    pass (the river Linde: three bridges; the railway: three crossings). Returns
    (street_nodes, street_edges) as :func:`dashboard.sources.streets.read_streets` would."""
    from dashboard.sources.streets import _network

    rng = np.random.default_rng(seed + 2)
    minx, miny, maxx, maxy = outline.buffer(300).bounds
    ix = np.arange(np.floor((minx - CENTRE[0]) / STREET_STEP), np.ceil((maxx - CENTRE[0]) / STREET_STEP) + 1)
    iy = np.arange(np.floor((miny - CENTRE[1]) / STREET_STEP), np.ceil((maxy - CENTRE[1]) / STREET_STEP) + 1)
    gx, gy = np.meshgrid(ix, iy)
    gx, gy = gx.ravel().astype(int), gy.ravel().astype(int)
    x = CENTRE[0] + gx * STREET_STEP + rng.uniform(-22, 22, len(gx))
    y = CENTRE[1] + gy * STREET_STEP + rng.uniform(-22, 22, len(gy))
    main = (gx % MAIN_EVERY == 0) | (gy % MAIN_EVERY == 0)
    x[main] = CENTRE[0] + gx[main] * STREET_STEP  # through roads run straight
    y[main] = CENTRE[1] + gy[main] * STREET_STEP
    centres = shapely.get_coordinates(cells.geometry.centroid.to_numpy())
    from scipy.spatial import cKDTree

    tree = cKDTree(centres)
    settled = np.isfinite(tree.query(np.column_stack([x, y]), distance_upper_bound=160)[0])
    near = np.isfinite(tree.query(np.column_stack([x, y]), distance_upper_bound=700)[0])
    inside = shapely.contains_xy(outline.buffer(300), x, y)
    key = {(a, b): k for k, (a, b) in enumerate(zip(gx, gy))}
    pairs, kinds, runs = [], [], []
    for k, (a, b) in enumerate(zip(gx, gy)):
        for da, db in ((1, 0), (0, 1)):
            j = key.get((a + da, b + db))
            if j is None or not (inside[k] and inside[j]):
                continue
            line = b if db == 0 else a  # the lattice line this street runs on
            country = line % (4 * MAIN_EVERY) == 0  # a country road every 1.9 km
            if country or (line % MAIN_EVERY == 0 and near[k] and near[j]):
                pairs.append((k, j))
                kinds.append("secondary" if country else "tertiary")
                runs.append((db, line, "main"))  # a through road keeps its name end to end
            elif settled[k] and settled[j] and rng.random() < 0.86:
                pairs.append((k, j))
                kinds.append("residential" if rng.random() < 0.85 else "footway")
                runs.append((db, line, (a if db == 0 else b) // RESIDENTIAL_RUN))
    pairs = np.asarray(pairs)
    lines = shapely.linestrings(np.stack([np.column_stack([x[pairs[:, 0]], y[pairs[:, 0]]]),
                                          np.column_stack([x[pairs[:, 1]], y[pairs[:, 1]]])], axis=1))
    kinds = np.asarray(kinds, object)
    river, railway = river_line(), railway_line()
    at_bridge = np.zeros(len(lines), bool)
    mid = shapely.get_coordinates(shapely.centroid(lines))
    for bx in BRIDGES_X:
        at_bridge |= np.abs(mid[:, 0] - CENTRE[0] - bx) < STREET_STEP * 0.6
    at_crossing = np.zeros(len(lines), bool)
    for cx in RAIL_CROSSINGS:
        at_crossing |= np.abs(mid[:, 0] - CENTRE[0] - cx) < STREET_STEP * 0.6
    keep = (~shapely.intersects(lines, river) | at_bridge) & (~shapely.intersects(lines, railway) | at_crossing)
    return _network(lines[keep], kinds[keep], _street_names(rng, runs, kinds)[keep], schema.DEFAULT_CRS)


def _street_names(rng, runs, kinds) -> np.ndarray:
    """A name per street piece: each through road one name along its whole lattice line, each
    residential street one name per run of :data:`RESIDENTIAL_RUN` lattice steps; footways
    stay unnamed (as most footpaths in OpenStreetMap)."""
    keys = pd.Series([f"{d}|{line}|{part}" for d, line, part in runs])
    main = np.array([part == "main" for _, _, part in runs])
    residential_names = np.array([stem + end for stem in STREET_STEMS for end in STREET_ENDS])
    residential_names = residential_names[rng.permutation(len(residential_names))]
    names = np.full(len(runs), None, dtype=object)
    for chosen, pool in ((main, np.asarray(MAIN_STREETS, object)), (~main, residential_names)):
        codes, unique = pd.factorize(keys[chosen])
        if len(unique) > len(pool):
            raise ValueError(f"{len(unique)} streets but only {len(pool)} names")
        names[chosen] = pool[codes]
    names[np.asarray(kinds) == "footway"] = None
    return names


def _base_map(outline):
    """Base map of the demo: the river Linde and the railway (clipped near the city), and the
    names of its quarters and villages at their centres."""
    near = outline.buffer(1500)
    lines = gpd.GeoDataFrame({"kind": ["water", "rail"], "name": ["Linde", "Lindetalbahn"]},
                             geometry=[river_line().intersection(near), railway_line().intersection(near)],
                             crs=schema.DEFAULT_CRS)
    kinds = {"core": "quarter", "suburb": "suburb", "village": "village"}
    places = gpd.GeoDataFrame({"name": [d[0] for d in DISTRICTS], "kind": [kinds[d[2]] for d in DISTRICTS]},
                              geometry=[shapely.Point(CENTRE[0] + dx, CENTRE[1] + dy) for _, _, _, (dx, dy), _ in
                                        DISTRICTS], crs=schema.DEFAULT_CRS)
    return lines, places


SCHOOL_STEMS = ("Grundschule", "Gesamtschule", "Realschule", "Gymnasium")
PARKS = [("Stadtpark", (-420.0, 260.0)), ("Lindenpark", (2700.0, 1250.0)), ("Heidepark", (150.0, -2700.0))]
"""The demo's parks: name and offset from the centre (metres)."""


def _landmarks(partners: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The demo's landmarks for the base map, as an OpenStreetMap extract gives them: the schools
    and Kitas among the partners at their addresses, the station on the railway where it passes
    the Bahnhofsviertel, and three parks."""
    organisation = partners["organisation"].astype(str)
    school = organisation.str.startswith(SCHOOL_STEMS).to_numpy()
    kita = organisation.str.startswith("Kita ").to_numpy()
    chosen = partners[school | kita]
    rail = railway_line()  # the station 300 m east of the quarter's middle, on the line
    station_at = rail.interpolate(rail.project(shapely.Point(CENTRE[0] + 1000, CENTRE[1] - 600)) + 300)
    return gpd.GeoDataFrame(
        {"name": [*chosen["organisation"], f"Bahnhof {MUNICIPALITY.split(' (')[0]}", *(name for name, _ in PARKS)],
         "kind": [*np.where(school, "school", "kindergarten")[school | kita], "station", *["park"] * len(PARKS)]},
        geometry=[*chosen.geometry, station_at,
                  *(shapely.Point(CENTRE[0] + dx, CENTRE[1] + dy) for _, (dx, dy) in PARKS)],
        crs=schema.DEFAULT_CRS)


# The demo's history (Qualitätskreislauf): the main population layer is the year 2025; the two
# years before are kept in 'population_years'. Yearly growth of the persons per settlement kind
# (the suburbs grow, the villages shrink a little), children's bands in deprived districts more.
POPULATION_YEAR = 2025
PAST_YEARS = (2023, 2024)
KIND_GROWTH = {"core": 0.004, "suburb": 0.015, "village": -0.006}
CHILD_GROWTH_PER_DEPRIVATION = 0.03
# Offers that opened in 2024 or 2025 (their valid_from moved there), a share, high-need districts
# more often: the city steered by need.
NEW_OFFER_SHARE = 0.12
NEW_CENTRE = ("FZ12", "2024-08-01")  # a Familienzentrum opened in the demo's history


def _history(seed: int, cells, districts, offers, indicators, centres):
    """Past years for the demo: population of :data:`PAST_YEARS` per cell, indicators of the year
    before the first, offers and a Familienzentrum opened in 2024/2025. Its own random stream, so
    the present-day demo does not change."""
    rng = np.random.default_rng(seed + 29)
    hit = districts.sindex.query(cells.geometry.centroid, predicate="intersects")
    district_of = np.zeros(len(cells), int)
    district_of[hit[0]] = hit[1]
    kinds = np.array([d[2] for d in DISTRICTS])[district_of]
    depriv = np.array([d[4] for d in DISTRICTS])[district_of]
    bands = list(AGE_BANDS["column"])
    current = cells[bands].to_numpy(float)
    growth = np.repeat(np.array([KIND_GROWTH[k] for k in kinds])[:, None], len(bands), axis=1)
    growth[:, _CHILD_BANDS] += CHILD_GROWTH_PER_DEPRIVATION * (depriv[:, None] - 0.4)
    rows = []
    for year in PAST_YEARS:
        factor = (1.0 + growth) ** (year - POPULATION_YEAR)
        known = np.isfinite(current)
        past = np.full(current.shape, np.nan)
        past[known] = rng.poisson(current[known] * factor[known])
        past[known & (np.nansum(np.where(known, past, 0), axis=1, keepdims=True) < 3)] = np.nan
        frame = pd.DataFrame(past, columns=bands)
        frame.insert(0, "unit_id", cells["cell_id"].to_numpy())
        frame.insert(0, "year", year)
        rows.append(frame[(np.nansum(past, axis=1) > 0) | np.isnan(past).any(axis=1)])  # withheld stays withheld
    population_years = pd.concat(rows, ignore_index=True)

    first = indicators[indicators["year"] == indicators["year"].min()]
    earlier = first.assign(year=first["year"] - 1)
    spread = first.groupby("indicator")["value"].transform("std").fillna(0.0).to_numpy()
    earlier["value"] = np.clip(np.round(earlier["value"].to_numpy() + rng.normal(0, 0.08, len(first)) * spread, 1),
                               0.1, None)
    indicators = pd.concat([earlier, indicators], ignore_index=True)

    offers = offers.copy()
    place = np.full(len(offers), 0.5)  # outreach offers: middling
    sited = np.flatnonzero(offers.geometry.notna().to_numpy())
    hit = districts.sindex.query(offers.geometry.to_numpy()[sited], predicate="intersects")
    place[sited[hit[0]]] = np.array([d[4] for d in DISTRICTS])[hit[1]]
    early = pd.to_datetime(offers["valid_from"]) < pd.Timestamp("2024-01-01")
    opened = early.to_numpy() & (rng.random(len(offers)) < NEW_OFFER_SHARE * (0.5 + place))
    days = pd.Timestamp("2024-01-15") + pd.to_timedelta(rng.integers(0, 700, opened.sum()), unit="D")
    offers.loc[opened, "valid_from"] = days.strftime("%Y-%m-%d").to_numpy()
    centres = centres.copy()
    centres["valid_from"] = np.where(centres["centre_id"] == NEW_CENTRE[0], NEW_CENTRE[1], None)
    centres["valid_to"] = None
    return population_years, indicators, offers, centres


def generate_demo_workspace(seed: int = SEED) -> Workspace:
    """Build the fictional demo city (same seed, same data)."""
    rng = np.random.default_rng(seed)
    outline = _outline(rng)
    districts = _districts(outline, rng)
    cells = _population(rng, outline, districts)
    catalogue = INDICATORS[["indicator", "label_de", "label_en", "unit", "unit_en", "category", "higher_is_need", "source"]]
    partners = _partners(rng, districts, cells)
    networks, memberships = _networks(rng, partners)
    meta = {
        "schema_version": schema.SCHEMA_VERSION,
        "municipality_name": MUNICIPALITY,
        "ags": "05999999",
        "crs": schema.DEFAULT_CRS,
        "data_stand": "2025-12-31",
        "population_year": str(POPULATION_YEAR),
        "sources": f"{FICTIONAL_LABEL}. Erzeugt mit 'python -m dashboard demo' (Startwert {seed}).",
        "licences": "CC0 1.0 (fiktive Demodaten)",
        "fictional": "true",
        "fictional_label": FICTIONAL_LABEL,
        # English texts beside the German ones (the UI picks by language, see i18n.meta_text)
        "municipality_name_en": MUNICIPALITY_EN,
        "sources_en": f"{FICTIONAL_LABEL_EN}. Made with 'python -m dashboard demo' (seed {seed}).",
        "licences_en": "CC0 1.0 (fictional demo data)",
        "fictional_label_en": FICTIONAL_LABEL_EN,
    }
    offers = _offers(rng, districts, cells)
    indicators = _indicators(rng, districts)
    centres = _family_centres(rng, districts, cells)
    street_nodes, street_edges = _streets(seed, outline, cells)
    addresses = _addresses(street_edges, districts, cells)
    base_lines, base_places = _base_map(outline)
    placed_partners = _with_addresses(partners.drop(columns="stem"), addresses, districts)
    base_places = pd.concat([base_places, _landmarks(placed_partners)], ignore_index=True)
    population_years, indicators, offers, centres = _history(seed, cells, districts, offers, indicators, centres)
    return Workspace(
        meta=meta,
        districts=districts,
        life_phases=default_life_phases(),
        offers=_with_addresses(offers, addresses, districts),
        age_bands=AGE_BANDS.copy(),
        population_cells=cells,
        population_years=population_years,
        indicator_catalogue=catalogue.copy(),
        indicators=indicators,
        family_centres=_with_addresses(centres, addresses, districts),
        partners=placed_partners,
        networks=networks,
        memberships=memberships,
        addresses=addresses.drop(columns="district"),
        street_nodes=street_nodes,
        street_edges=street_edges,
        base_lines=base_lines,
        base_places=base_places,
    )
