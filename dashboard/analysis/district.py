"""Which district an offer serves and which sites lie in a district."""

from __future__ import annotations

import numpy as np
import pandas as pd

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


def sites_in_district(ws, frame, district_id: str):
    """Rows of a point layer (family centres, partners) lying in the district."""
    row = ws.districts[ws.districts["district_id"] == district_id]
    if row.empty or len(frame) == 0:
        return frame.iloc[0:0]
    mask = np.array(frame.geometry.notna(), dtype=bool)
    mask[mask] = frame.geometry[mask].intersects(row.geometry.iloc[0]).to_numpy()
    return frame[mask]
