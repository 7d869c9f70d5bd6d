"""Which district an offer serves and which sites lie in a district."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analysis.filters import any_of
from dashboard.model import schema


def offer_districts(ws, offers) -> pd.DataFrame:
    """Which districts each offer serves: rows (offer_id, district_id, outreach).

    A sited offer serves the district it lies in; an outreach offer every district of its
    service area ('city' = all districts).
    """
    ids = ws.districts["district_id"].to_numpy()
    sited = offers[offers.geometry.notna()]
    hit = ws.districts.sindex.query(sited.geometry.to_numpy(), predicate="intersects")
    first = pd.Series(hit[1], index=hit[0]).groupby(level=0).first()  # a point on a border: one district
    rows = [pd.DataFrame({"offer_id": sited["offer_id"].to_numpy()[first.index], "district_id": ids[first.to_numpy()],
                          "outreach": False})]
    outreach = offers[offers.geometry.isna()]
    if len(outreach):
        area = outreach[["offer_id", "service_area"]].explode("service_area").dropna()
        city = area["service_area"] == schema.CITY_WIDE
        whole = area.loc[city, ["offer_id"]].merge(pd.DataFrame({"district_id": ids}), how="cross")
        part = area.loc[~city].rename(columns={"service_area": "district_id"})
        rows += [whole.assign(outreach=True), part.assign(outreach=True)]
    out = pd.concat(rows, ignore_index=True).drop_duplicates(["offer_id", "district_id"])
    return out[out["district_id"].isin(ids)].reset_index(drop=True)


def offers_serving(ws, district_id: str, phase_id: str | None = None, served: pd.DataFrame | None = None):
    """The offers serving a district (on site or by outreach, see :func:`offer_districts`),
    of one life phase if given. ``served``: :func:`offer_districts` of all offers, if at hand."""
    served = offer_districts(ws, ws.offers) if served is None else served
    offers = ws.offers[ws.offers["offer_id"].isin(served.loc[served["district_id"] == district_id, "offer_id"])]
    if phase_id is not None:
        offers = offers[any_of(offers["life_phases"], (phase_id,))]
    return offers


def offer_counts_by_phase(ws, offers, district_id: str) -> pd.DataFrame:
    """Number of the given offers serving the district per phase (index phase_id in chain
    order): columns ``on_site`` and ``outreach``."""
    served = offer_districts(ws, offers)
    served = served[served["district_id"] == district_id]
    phases = offers.set_index("offer_id").loc[served["offer_id"], "life_phases"]
    table = pd.DataFrame({"phase_id": phases.to_numpy(), "outreach": served["outreach"].to_numpy()})
    table = table.explode("phase_id").dropna()
    counts = table.groupby(["phase_id", "outreach"]).size().unstack(fill_value=0) if len(table) else pd.DataFrame()
    chain = pd.Index(ws.life_phases["phase_id"], name="phase_id")
    return pd.DataFrame({"on_site": counts.get(False, pd.Series(dtype=int)).reindex(chain, fill_value=0),
                         "outreach": counts.get(True, pd.Series(dtype=int)).reindex(chain, fill_value=0)},
                        index=chain).astype(int)


def sites_in_district(ws, frame, district_id: str):
    """Rows of a point layer (family centres, partners) lying in the district."""
    row = ws.districts[ws.districts["district_id"] == district_id]
    if row.empty or len(frame) == 0:
        return frame.iloc[0:0]
    mask = np.array(frame.geometry.notna(), dtype=bool)
    mask[mask] = frame.geometry[mask].intersects(row.geometry.iloc[0]).to_numpy()
    return frame[mask]
