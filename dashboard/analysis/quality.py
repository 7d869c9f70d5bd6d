"""Qualitätskreislauf: the quality goals measured on report days, their change over time, the
targets' status and what changed between two report days.

The quality goals (kinderstark, Kreis Viersen's wording) and their indicators (documented for
planners in the README, section "Qualitätsziele"); every value is computed from published
figures only (district figures withheld below the threshold stay withheld, and a sum over
districts is withheld when one of its parts is):

* **parents** (Eltern stärken – Kinder stärken): ``parents_reach``, the share of the target
  population of the early phases (default pregnancy, 0–3, Kita) living within reach of a matching
  offer, from the city's published totals per phase.
* **outreach** (aufsuchender Ansatz): ``outreach_share``, the share of the target population
  (all phases) living in a district served by an outreach offer of its phase.
* **unequal** (Ungleiches ungleich behandeln): ``need_correlation``, Spearman's rank correlation
  between the districts' need index and their offers per 1,000 of the target population (all
  phases; or their mean 2SFCA) — positive: more offers where the need is higher; and
  ``new_offers_high_need``, the share of the offers opened since the previous report day that
  lie in (or serve only) districts of high need (need classes 4–5); city-wide outreach offers do
  not count either way.
* **inclusion** (soziale Inklusion): of the offers in (or serving) districts of high need, the
  shares that are free of charge (``inclusion_cost_free``), barrier-free
  (``inclusion_barrier_free``), offered in a main language besides German
  (``inclusion_languages``; the workspace's meta ``main_languages``, else any language besides
  German), each among the offers where the fact is known (unknowns are counted, not guessed).
* **transitions** (fließende Übergänge): ``broken_transitions``, the number of broken
  transitions (:func:`dashboard.analysis.coverage.broken_transitions`).
* **cooperation** (multiprofessionelle Zusammenarbeit): ``multi_sector_networks``, the share of
  networks whose members come from more than one Rechtskreis.
* **participation** (Beteiligungsorientierung): no figure in the data; a planner's assessment
  (rating, note, day) instead of an invented number.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from dashboard.analysis import coverage as C
from dashboard.analysis.district import offer_districts
from dashboard.analysis.networks import network_summary
from dashboard.analysis.secrecy import publish
from dashboard.analysis.trends import target_status, trend
from dashboard.model import schema
from dashboard.model.workspace import not_retired
from dashboard.sources import timeline

GOAL_MEASURES = {
    "participation": (),
    "parents": ("parents_reach",),
    "outreach": ("outreach_share",),
    "unequal": ("need_correlation", "new_offers_high_need"),
    "inclusion": ("inclusion_cost_free", "inclusion_barrier_free", "inclusion_languages"),
    "transitions": ("broken_transitions",),
    "cooperation": ("multi_sector_networks",),
}
"""The indicators of each quality goal (participation: assessed, not measured)."""
COVERAGE_MEASURES = ("reach_share", "offers_per_1000", "places_per_1000", "access_2sfca", "offers")
COUNT_MEASURES = ("gaps", "duplicates", "broken_transitions")
SAME_WITHIN = {"reach_share": 0.01, "parents_reach": 0.01, "outreach_share": 0.01, "new_offers_high_need": 0.01,
               "multi_sector_networks": 0.01, "inclusion_cost_free": 0.01, "inclusion_barrier_free": 0.01,
               "inclusion_languages": 0.01, "need_correlation": 0.05, "offers_per_1000": 0.05,
               "places_per_1000": 0.5, "access_2sfca": 0.05}
"""A change this small (in the measure's unit) is "same", not better or worse."""
GERMAN = ("deutsch", "german")


@dataclass(frozen=True)
class QualityParams:
    """Configurable parts of the indicators (see the module doc)."""

    parents_phases: tuple[str, ...] = ("pregnancy", "early_childhood", "kita")
    high_need_classes: tuple[int, ...] = (4, 5)
    main_languages: tuple[str, ...] | None = None  # None: meta 'main_languages', else any besides German
    need_supply: str = "offers_per_1000"  # or "access_2sfca"

    @classmethod
    def from_meta(cls, meta: dict) -> "QualityParams":
        """The workspace's own choices (meta keys, checked on load): ``quality_parents_phases``
        (';'-separated phase ids), ``quality_high_need_classes`` (e.g. '4;5'),
        ``quality_need_supply`` ('offers_per_1000' or 'access_2sfca'), ``main_languages``."""
        def items(key):
            return tuple(v.strip() for v in str(meta.get(key) or "").split(";") if v.strip())

        found = {}
        if items("quality_parents_phases"):
            found["parents_phases"] = items("quality_parents_phases")
        if items("quality_high_need_classes"):
            found["high_need_classes"] = tuple(int(v) for v in items("quality_high_need_classes"))
        if str(meta.get("quality_need_supply") or "").strip():
            found["need_supply"] = str(meta["quality_need_supply"]).strip()
        if items("main_languages"):
            found["main_languages"] = items("main_languages")
        return cls(**found)


@dataclass
class Snapshot:
    """Everything measured on one report day: the workspace as of the day, its coverage and
    the published district × phase table, gaps, Parallelstrukturen and broken transitions."""

    day: date
    ws: object
    coverage: C.Coverage
    published: pd.DataFrame
    city: pd.DataFrame
    gaps: pd.DataFrame
    duplicates: pd.DataFrame
    broken: pd.DataFrame
    served: pd.DataFrame = field(repr=False)  # offer_districts of the day's offers


def snapshot(whole, day, params: C.CoverageParams = C.CoverageParams(), threshold: int = 3,
             like: C.Demand | None = None) -> Snapshot:
    """Measure the workspace ``whole`` (retired records included) as it was on ``day``;
    ``like``: the demand of ``whole`` (its places are reused, see
    :func:`dashboard.analysis.coverage.prepare_demand`)."""
    ws = timeline.as_of(whole, day)
    params = replace(params, valid_on=None)  # the copy holds only the day's records already
    demand = C.prepare_demand(ws, like)
    return snapshot_of(ws, C.coverage(ws, params, demand), demand, ws.as_of.day, threshold)


def snapshot_of(ws, cov: C.Coverage, demand: C.Demand, day, threshold: int = 3) -> Snapshot:
    """A snapshot of a workspace whose coverage is at hand (e.g. a scenario's published
    coverage, :func:`dashboard.analysis.scenario.scenario_coverage`)."""
    published = C.public_table(cov.table, threshold)
    city = publish(cov.city, threshold)
    return Snapshot(pd.Timestamp(day).date(), ws, cov, published, city, C.gaps(cov, ws, threshold),
                    C.duplicates(ws, cov.params, demand), C.broken_transitions(cov, ws, threshold),
                    offer_districts(ws, ws.offers))


def _sum(values) -> float:
    """A sum of published figures: withheld (NaN) when one part is."""
    values = np.asarray(values, float)
    return float(values.sum()) if len(values) and np.isfinite(values).all() else (0.0 if not len(values) else np.nan)


def _share(part: float, whole: float) -> float:
    return part / whole if np.isfinite(part) and np.isfinite(whole) and whole > 0 else np.nan


def high_need_districts(snap: Snapshot, qp: QualityParams) -> np.ndarray:
    """District ids of high need (need classes ``qp.high_need_classes``) on the snapshot's day."""
    need = snap.coverage.need
    if "need_class" not in need.columns or not C.has_need_index(snap.ws):
        return np.array([], dtype=object)
    return need.index[need["need_class"].isin(qp.high_need_classes).to_numpy()].to_numpy()


def _languages(ws, qp: QualityParams) -> set[str] | None:
    given = qp.main_languages
    if given is None:
        meta = str(ws.meta.get("main_languages") or "").strip()
        given = tuple(s.strip() for s in meta.split(";") if s.strip()) or None
    return None if given is None else {s.lower() for s in given}


def _yes_share(values: pd.Series) -> tuple[float, int, int]:
    """(share of yes among known, known, unknown) of a yes / no / unknown column."""
    known = values.notna().to_numpy() & values.isin([True, False]).to_numpy()
    yes = values.isin([True]).to_numpy()
    n = int(known.sum())
    return (yes.sum() / n if n else np.nan), n, int((~known).sum())


def indicators(snap: Snapshot, previous: Snapshot | None = None, qp: QualityParams = QualityParams(),
               nets: pd.DataFrame | None = None) -> pd.DataFrame:
    """The quality goals' indicators on the snapshot's day (see the module doc): one row per
    indicator with ``goal``, ``measure``, ``value`` (NaN: withheld or unknown), ``basis`` (how
    many offers/networks/districts it is computed from) and ``unknown`` (how many of them lack
    the fact). ``previous``: the report day before (for the new offers; without it that
    indicator is unknown). ``nets``: :func:`dashboard.analysis.networks.network_summary` of the
    workspace, if at hand."""
    ws, pub, city = snap.ws, snap.published, snap.city.set_index("phase_id")
    rows = []

    def add(goal, measure, value, basis=np.nan, unknown=0):
        rows.append({"goal": goal, "measure": measure, "value": float(value) if value is not None else np.nan,
                     "basis": basis, "unknown": unknown})

    phases = [p for p in qp.parents_phases if p in city.index]
    add("parents", "parents_reach",
        _share(_sum(city.loc[phases, "reached"]), _sum(city.loc[phases, "target_population"])), len(phases))

    total = _sum(city["target_population"])
    served = pub[pub["outreach_offers"] > 0]
    add("outreach", "outreach_share", _share(_sum(served["target_population"]), total), len(served))

    need = snap.coverage.need
    if C.has_need_index(ws) and len(need):
        by_district = pub.groupby("district_id", sort=False)
        if qp.need_supply == "access_2sfca":
            supply = by_district["access_2sfca"].agg(lambda v: v.mean(skipna=False))
        else:
            tp = by_district["target_population"].agg(lambda v: v.sum(skipna=False))
            supply = by_district["offers"].sum() * 1000.0 / tp.where(tp > 0)
        pairs = pd.DataFrame({"need": need["score"], "supply": supply}).dropna()
        value = spearmanr(pairs["need"], pairs["supply"]).statistic if len(pairs) >= 3 and \
            pairs["supply"].nunique() > 1 and pairs["need"].nunique() > 1 else np.nan
        add("unequal", "need_correlation", value, len(pairs), len(need) - len(pairs))
    else:
        add("unequal", "need_correlation", np.nan, 0, len(ws.districts))

    high = set(high_need_districts(snap, qp))
    city_wide = set(ws.offers.loc[ws.offers["service_area"].map(lambda a: schema.CITY_WIDE in a), "offer_id"])
    if previous is not None and high:
        new = sorted(set(ws.offers["offer_id"]) - set(previous.ws.offers["offer_id"]) - city_wide)
        where = snap.served[snap.served["offer_id"].isin(new)]
        to_high = where.groupby("offer_id")["district_id"].agg(lambda d: d.isin(high).all())
        add("unequal", "new_offers_high_need", _share(float(to_high.sum()), float(len(to_high))), len(to_high))
    else:
        add("unequal", "new_offers_high_need", np.nan, 0)

    in_high = snap.served[snap.served["district_id"].isin(high)]["offer_id"].unique()
    offers = ws.offers[ws.offers["offer_id"].isin(in_high)]
    for measure, column in (("inclusion_cost_free", "cost_free"), ("inclusion_barrier_free", "barrier_free")):
        value, known, unknown = _yes_share(offers[column]) if high else (np.nan, 0, 0)
        add("inclusion", measure, value, known, unknown)
    wanted = _languages(ws, qp)
    langs = offers["languages"]
    known = langs.map(lambda v: isinstance(v, tuple) and len(v) > 0).to_numpy()
    other = langs.map(lambda v: any(str(x).lower() not in GERMAN and (wanted is None or str(x).lower() in wanted)
                                    for x in (v or ()))).to_numpy()
    add("inclusion", "inclusion_languages", _share(float((other & known).sum()), float(known.sum())) if high else np.nan,
        int(known.sum()), int((~known).sum()))

    add("transitions", "broken_transitions", len(snap.broken), len(ws.districts))
    nets = network_summary(ws) if nets is None else nets
    add("cooperation", "multi_sector_networks", _share(float(nets["cross_sector"].sum()), float(len(nets))), len(nets))
    return pd.DataFrame(rows, columns=["goal", "measure", "value", "basis", "unknown"])


def values(snap: Snapshot, previous: Snapshot | None = None, qp: QualityParams = QualityParams(),
           nets: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every published value of one report day in long form: ``district_id`` (None: the city),
    ``phase_id`` (None: all phases), ``measure``, ``value``. District × phase and city × phase
    coverage measures, counts of gaps, Parallelstrukturen and broken transitions per district
    and for the city, the quality goals' indicators for the city."""
    pub = snap.published
    parts = []
    for measure in COVERAGE_MEASURES:
        parts.append(pd.DataFrame({"district_id": pub["district_id"].to_numpy(), "phase_id": pub["phase_id"].to_numpy(),
                                   "measure": measure, "value": pub[measure].to_numpy(float)}))
        parts.append(pd.DataFrame({"district_id": None, "phase_id": snap.city["phase_id"].to_numpy(),
                                   "measure": measure, "value": snap.city[measure].to_numpy(float)}))
    ids = snap.ws.districts["district_id"].to_numpy()
    offer_district = snap.served.drop_duplicates("offer_id").set_index("offer_id")["district_id"]
    per = {"gaps": snap.gaps["district_id"], "broken_transitions": snap.broken["district_id"],
           "duplicates": snap.duplicates["offer_a"].map(offer_district)}
    for measure, districts in per.items():
        counts = pd.Series(districts).value_counts().reindex(ids, fill_value=0)
        parts.append(pd.DataFrame({"district_id": ids, "phase_id": None, "measure": measure,
                                   "value": counts.to_numpy(float)}))
        parts.append(pd.DataFrame({"district_id": [None], "phase_id": [None], "measure": [measure],
                                   "value": [float(len(districts))]}))
    quality = indicators(snap, previous, qp, nets)
    quality = quality[quality["measure"] != "broken_transitions"]
    parts.append(pd.DataFrame({"district_id": None, "phase_id": None, "measure": quality["measure"].to_numpy(),
                               "value": quality["value"].to_numpy(float)}))
    out = pd.concat(parts, ignore_index=True)
    out[["district_id", "phase_id"]] = out[["district_id", "phase_id"]].astype(object).where(
        out[["district_id", "phase_id"]].notna(), None)
    return out


@dataclass
class Monitoring:
    """The report days' snapshots and every value on every day (long form: ``day`` plus the
    columns of :func:`values`), in day order."""

    snapshots: list[Snapshot]
    values: pd.DataFrame

    @property
    def days(self) -> list[date]:
        return [s.day for s in self.snapshots]

    def series(self, measure: str, district_id: str | None = None, phase_id: str | None = None) -> pd.Series:
        """One measure's values per day (index: the days; NaN: withheld or unknown, or not measured)."""
        found = self._by_key.get((measure, district_id, phase_id))
        return pd.Series(found if found is not None else np.full(len(self.days), np.nan), index=self.days,
                         name="value")

    @cached_property
    def _by_key(self) -> dict:
        """(measure, district or None, phase or None) → values in day order (one pass over the table)."""
        v = self.values
        keys = list(zip(v["measure"], v["district_id"], v["phase_id"]))
        position = {d: i for i, d in enumerate(self.days)}
        out: dict = {}
        for key, day, value in zip(keys, v["day"], v["value"].to_numpy(float)):
            out.setdefault(key, np.full(len(self.days), np.nan))[position[day]] = value
        return out


def _same(column: pd.Series, value) -> np.ndarray:
    return column.isna().to_numpy() if value is None else (column == value).to_numpy()


def monitor(whole, days=None, params: C.CoverageParams = C.CoverageParams(), threshold: int = 3,
            qp: QualityParams | None = None) -> Monitoring:
    """Measure ``whole`` (retired records included) on every report day (default: the 31
    December of each population year, :func:`dashboard.sources.timeline.year_ends`; a
    workspace without population years: today); ``qp`` default: the workspace's own choices
    (:meth:`QualityParams.from_meta`)."""
    qp = qp if qp is not None else QualityParams.from_meta(whole.meta)
    days = sorted(pd.Timestamp(d).date() for d in (days or timeline.year_ends(whole) or [date.today()]))
    snaps, tables = [], []
    like = C.prepare_demand(whole)  # every offer placed once: each day reuses the places
    nets = network_summary(whole)  # networks have no dates
    for day in days:
        snap = snapshot(whole, day, params, threshold, like)
        tables.append(values(snap, snaps[-1] if snaps else None, qp, nets).assign(day=day))
        snaps.append(snap)
    table = pd.concat(tables, ignore_index=True)
    return Monitoring(snaps, table[["day", "district_id", "phase_id", "measure", "value"]])


def target_table(mon: Monitoring, targets: pd.DataFrame, today: date | None = None) -> pd.DataFrame:
    """Every (not retired) target with its series' last value, trend and status
    (:func:`dashboard.analysis.trends.target_status`): columns of the target plus ``last_day``,
    ``last_value``, ``previous_value``, ``trend``, ``status``."""
    today = today or date.today()
    rows = []
    live = not_retired(targets)
    for t in live.itertuples(index=False):
        district = None if pd.isna(t.district_id) else t.district_id
        phase = None if pd.isna(t.phase_id) else t.phase_id
        series = mon.series(t.measure, district, phase)
        vals = series.to_numpy(float)
        rows.append({**t._asdict(), "last_day": series.index[-1] if len(series) else None,
                     "last_value": vals[-1] if len(vals) else np.nan,
                     "previous_value": vals[-2] if len(vals) > 1 else np.nan,
                     "trend": trend(vals, t.measure, SAME_WITHIN.get(t.measure, 0.0)),
                     "status": target_status(vals, list(series.index), t.measure, float(t.value),
                                             pd.Timestamp(t.due).date(), today)})
    columns = list(targets.columns) + ["last_day", "last_value", "previous_value", "trend", "status"]
    return pd.DataFrame(rows, columns=columns)


def changes(before: Snapshot, after: Snapshot) -> dict[str, pd.DataFrame]:
    """What changed from one report day to a later one: offers ``opened`` and ``closed``
    (id, name, provider, phases), gaps ``gaps_closed`` / ``gaps_opened`` and broken transitions
    ``transitions_fixed`` / ``transitions_broken`` (district × phase), Parallelstrukturen
    ``duplicates_resolved`` / ``duplicates_new`` (pairs of offers)."""
    cols = ["offer_id", "name", "provider", "life_phases"]
    a, b = before.ws.offers, after.ws.offers
    out = {"opened": b[~b["offer_id"].isin(a["offer_id"])][cols].reset_index(drop=True),
           "closed": a[~a["offer_id"].isin(b["offer_id"])][cols].reset_index(drop=True)}
    for name, key, frames in (("gaps", ["district_id", "phase_id"], (before.gaps, after.gaps)),
                              ("transitions", ["district_id", "from_phase", "to_phase"], (before.broken, after.broken)),
                              ("duplicates", ["phase_id", "offer_a", "offer_b"], (before.duplicates, after.duplicates))):
        old, new = (f.assign(_k=pd.MultiIndex.from_frame(f[key]).to_flat_index() if len(f) else []) for f in frames)
        gone = old[~old["_k"].isin(set(new["_k"]))].drop(columns="_k").reset_index(drop=True)
        came = new[~new["_k"].isin(set(old["_k"]))].drop(columns="_k").reset_index(drop=True)
        labels = {"gaps": ("gaps_closed", "gaps_opened"), "transitions": ("transitions_fixed", "transitions_broken"),
                  "duplicates": ("duplicates_resolved", "duplicates_new")}[name]
        out[labels[0]], out[labels[1]] = gone, came
    return out


def changes_since(mon: Monitoring, whole, since=None, params: C.CoverageParams = C.CoverageParams(),
                  threshold: int = 3) -> tuple[date | None, dict | None]:
    """(the day compared with, :func:`changes` from it to the last report day). ``since``
    defaults to the report day before the last; a day that is no report day is measured on its
    own. (None, None) with a single report day and no ``since``."""
    if since is None:
        if len(mon.snapshots) < 2:
            return None, None
        return mon.snapshots[-2].day, changes(mon.snapshots[-2], mon.snapshots[-1])
    since = pd.Timestamp(since).date()
    before = next((s for s in mon.snapshots if s.day == since), None) or snapshot(whole, since, params, threshold)
    # (a day of its own is measured without reusing places: it is asked for rarely)
    return since, changes(before, mon.snapshots[-1])


GROUP_MEASURES = ("reach_share", "offers_per_1000", "places_per_1000", "offers", "target_population")


def group_values(mon: Monitoring, groups: pd.Series, measure: str, phase_id: str) -> pd.DataFrame:
    """``measure`` of one life phase for groups of districts (e.g. the municipalities of a Kreis:
    ``groups`` maps district_id → group name) on every report day: rows the groups (in order of
    appearance), columns the days. From the published district figures: a group whose sum has a
    withheld part is withheld (NaN)."""
    if measure not in GROUP_MEASURES:
        raise ValueError(f"measure must be one of {GROUP_MEASURES}")  # a programming error
    names = list(pd.unique(groups.dropna()))
    out = pd.DataFrame(index=pd.Index(names, name="group"))
    for snap in mon.snapshots:
        pub = snap.published[snap.published["phase_id"] == phase_id]
        pub = pub.assign(group=pub["district_id"].map(groups))
        strict = pub.groupby("group")[["target_population", "reached"]].agg(lambda v: v.sum(skipna=False))
        plain = pub.groupby("group")[["offers", "capacity"]].sum()
        target = strict["target_population"].where(strict["target_population"] > 0)
        value = {"reach_share": strict["reached"] / target, "offers_per_1000": plain["offers"] * 1000.0 / target,
                 "places_per_1000": plain["capacity"] * 1000.0 / target, "offers": plain["offers"].astype(float),
                 "target_population": strict["target_population"]}[measure]
        out[snap.day] = value.reindex(names).to_numpy(float)
    return out


def check_targets(status: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """The targets of :func:`target_table` checked against other values (long form as
    :func:`values`, e.g. a scenario's): columns ``scenario_value`` and ``scenario_met`` (True /
    False; None when the value is withheld or unknown)."""
    from dashboard.analysis.trends import direction

    out = status.copy()
    found, met = [], []
    for row in status.itertuples(index=False):
        district = None if pd.isna(row.district_id) else row.district_id
        phase = None if pd.isna(row.phase_id) else row.phase_id
        mine = values[(values["measure"] == row.measure) & _same(values["district_id"], district)
                      & _same(values["phase_id"], phase)]["value"]
        value = float(mine.iloc[0]) if len(mine) else np.nan
        found.append(value)
        met.append(None if not np.isfinite(value) else bool((value - float(row.value)) * direction(row.measure) >= 0))
    out["scenario_value"] = found
    out["scenario_met"] = met
    return out
