"""Offline geocoding against a local address file (house coordinates, e.g. the open
"Hauskoordinaten" lists: street, house number, suffix, postal code, place, x, y).

No online service is ever asked. Matching is tolerant to case, "Str."/"Straße"/"Strasse",
ß/ss, umlaut spellings (ä/ae), hyphens and spaces in street names, and house-number suffixes
("12a", "12 A"); a number whose suffix is unknown falls back to the plain number (reported).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.sources.tables import as_text

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_STREET_END = re.compile(r"(strasse|str\.?|straße)$")
_NUMBER = re.compile(r"^\s*(\d+)\s*([a-zA-Z]?)\b")
_ADDRESS = re.compile(r"^(?P<street>.*?\D)\s*(?P<number>\d+\s*[a-zA-Z]?)(?:\s*[-/–]\s*\d+\s*[a-zA-Z]?)?\s*$")

STATUS = ("matched", "matched_without_suffix", "unmatched", "ambiguous")  # words: i18n match_status.<code>


def normalise_street(street) -> str:
    """'Kloster-Straße' / 'Klosterstr.' / 'klosterstrasse' → 'klosterstrasse'."""
    if street is None or (isinstance(street, float) and np.isnan(street)):
        return ""
    text = str(street).strip().lower().translate(_UMLAUTS)
    text = re.sub(r"[\s\-‐–.,']+", "", text.replace("str.", "strasse"))
    text = re.sub(r"(strasse|str)$", "strasse", text)
    return text


def split_number(number) -> tuple[str, str]:
    """'12a' / '12 A' / '12-14' → ('12', 'a'); '' when there is no number."""
    match = _NUMBER.match(str(number or ""))
    return (match.group(1).lstrip("0") or "0", match.group(2).lower()) if match else ("", "")


def split_address(text) -> tuple[str, str]:
    """'Klosterstr. 12' → ('Klosterstr.', '12'); the whole text and '' when no number is found."""
    match = _ADDRESS.match(str(text or "").strip())
    if not match:
        return str(text or "").strip(), ""
    return match.group("street").strip(), match.group("number").strip()


def _label(frame: pd.DataFrame, street, number, suffix, postcode, place) -> pd.Series:
    """Each row's address as the directory writes it ('Lindenring 26a, 59821 Lindenbrück')."""
    def text(column) -> pd.Series:
        return as_text(frame[column]).str.strip() if column else pd.Series("", index=frame.index)

    head = text(street) + " " + text(number) + text(suffix)
    tail = (text(postcode) + " " + text(place)).str.strip()
    return (head.str.strip() + np.where(tail != "", ", " + tail, "")).str.strip()


def _place(value) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else \
        re.sub(r"\s+", " ", str(value).strip().lower().translate(_UMLAUTS))


@dataclass
class AddressIndex:
    """Normalised address keys of a house-coordinate file, for fast lookups."""

    table: pd.DataFrame  # street, name, number, suffix, postcode, place, label, x, y

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, street: str, number: str, x: str, y: str, suffix: str | None = None,
                   postcode: str | None = None, place: str | None = None) -> "AddressIndex":
        numbers = frame[number].map(split_number)
        table = pd.DataFrame({
            "street": frame[street].map(normalise_street),
            "name": as_text(frame[street]),
            "number": numbers.map(lambda n: n[0]),
            "suffix": (as_text(frame[suffix]).str.lower() if suffix
                       else numbers.map(lambda n: n[1])),
            "postcode": as_text(frame[postcode]) if postcode else "",
            "place": frame[place].map(_place) if place else "",
            "label": _label(frame, street, number, suffix, postcode, place),
            "x": pd.to_numeric(frame[x].astype(str).str.replace(",", ".", regex=False), errors="coerce"),
            "y": pd.to_numeric(frame[y].astype(str).str.replace(",", ".", regex=False), errors="coerce"),
        })
        return cls(table.dropna(subset=["x", "y"]).reset_index(drop=True))

    def geocode(self, street, number, postcode=None, place=None) -> pd.DataFrame:
        """Coordinates for address rows (sequences of equal length). Returns a frame with x, y,
        status (see :data:`STATUS`), candidates (number of distinct positions found) and label
        (the address as the directory writes it, where one was found)."""
        n = len(street)
        query = pd.DataFrame({
            "q": np.arange(n),
            "street": [normalise_street(s) for s in street],
            "number": [split_number(v)[0] for v in number],
            "suffix": [split_number(v)[1] for v in number],
            "postcode": ["" if p is None or (isinstance(p, float) and np.isnan(p)) else str(p).strip()
                         for p in (postcode if postcode is not None else [""] * n)],
            "place": [_place(p) for p in (place if place is not None else [""] * n)],
        })
        out = pd.DataFrame({"x": np.nan, "y": np.nan, "status": "unmatched", "candidates": 0, "label": None},
                           index=range(n))
        hits = query.merge(self.table, on=["street", "number"], suffixes=("", "_a"))
        # a given postcode or place must agree
        keep = ((hits["postcode"] == "") | (hits["postcode_a"] == "") | (hits["postcode"] == hits["postcode_a"])) & \
               ((hits["place"] == "") | (hits["place_a"] == "") | (hits["place"] == hits["place_a"]))
        hits = hits[keep]
        exact = hits[hits["suffix"] == hits["suffix_a"]]
        plain = hits[(hits["suffix"] != "") & (hits["suffix_a"] == "")]
        for frame, status in ((exact, "matched"), (plain, "matched_without_suffix")):
            todo = frame[out.loc[frame["q"], "status"].to_numpy() == "unmatched"]
            if todo.empty:
                continue
            positions = todo.groupby("q")[["x", "y"]].agg(lambda v: v.round(1).nunique())
            distinct = positions.max(axis=1)
            first = todo.groupby("q")[["x", "y"]].first()
            single = distinct[distinct == 1].index
            several = distinct[distinct > 1].index
            out.loc[single, ["x", "y"]] = first.loc[single].to_numpy()
            out.loc[single, "label"] = todo.groupby("q")["label"].first().loc[single].to_numpy()
            out.loc[single, "status"] = status
            out.loc[single, "candidates"] = 1
            out.loc[several, "status"] = "ambiguous"
            out.loc[several, "candidates"] = distinct[several].to_numpy()
        return out


REASONS = ("street_unknown", "number_unknown", "place_differs", "ambiguous")
"""Why an address was not matched (words: i18n ``unmatched_reason.<code>``)."""


def closest_streets(names, typed: str, limit: int = 5, cutoff: float = 0.6) -> list[str]:
    """The street names of ``names`` most similar to ``typed`` (normalised spelling, similarity
    ratio ≥ ``cutoff``, best first), then those containing it: 'Klosterstrase' → 'Klosterstraße'."""
    key = normalise_street(typed)
    if not key:
        return []
    unique = pd.Series(pd.Series(names).dropna().astype(str).unique())
    keys = unique.map(normalise_street).tolist()
    matcher = difflib.SequenceMatcher(b=key, autojunk=False)
    scores = []
    for k in keys:  # a directory has a few thousand streets
        matcher.set_seq1(k)
        scores.append(matcher.ratio() if matcher.real_quick_ratio() >= cutoff else 0.0)
    scores = np.asarray(scores)
    order = np.argsort(-scores, kind="stable")
    close = [unique.iat[i] for i in order if scores[i] >= cutoff]
    inside = [unique.iat[i] for i, k in enumerate(keys) if len(key) >= 4 and key in k]
    return list(dict.fromkeys([*close, *sorted(inside)]))[:limit]


def explain_unmatched(index: AddressIndex, street, number, postcode=None, place=None, limit: int = 3):
    """Why each address row did not match, and what comes closest: a frame with ``reason``
    (:data:`REASONS`) and ``candidates`` (texts: similar streets; the nearest house numbers on
    the street; the same address at another postcode/place). Rows are the given ones."""
    table = index.table
    names = table.drop_duplicates("street").set_index("street")["name"] if "name" in table.columns else None
    by_street = {k: g for k, g in table.groupby("street")}
    reasons, candidates = [], []
    for k in range(len(street)):
        key = normalise_street(street[k])
        base, _ = split_number(number[k])
        given_postcode = "" if postcode is None or pd.isna(postcode[k]) else str(postcode[k]).strip()
        given_place = "" if place is None else _place(place[k])
        rows = by_street.get(key)
        if rows is None:
            reasons.append("street_unknown")
            candidates.append(closest_streets(names.tolist() if names is not None else list(by_street), street[k],
                                              limit))
            continue
        label = names.get(key, key) if names is not None else key
        same = rows[rows["number"] == base]
        if same.empty:
            numbers = pd.to_numeric(rows["number"], errors="coerce").dropna().astype(int).unique()
            near = sorted(numbers, key=lambda n: (abs(n - int(base)) if base else n, n))[:limit]
            reasons.append("number_unknown")
            candidates.append([f"{label} {n}" for n in sorted(near)])
            continue
        places = same.drop_duplicates(["postcode", "place"])
        reasons.append("place_differs" if (given_postcode or given_place) else "ambiguous")
        candidates.append([f"{label} {base}, {p.postcode} {p.place.title()}".strip().rstrip(",")
                           for p in places.head(limit).itertuples()])
    return pd.DataFrame({"reason": reasons, "candidates": candidates})


def failed_rows(result: pd.DataFrame, index: AddressIndex | None = None, street=None, number=None, postcode=None,
                place=None):
    """(position, problem code, parameters) of every row not found ('address_unmatched') or
    found at several places ('address_ambiguous') in a geocoding result. Parameters: ``n``
    (places found) and, given the ``index`` and the query, ``reason`` and ``close`` (what comes
    closest, '; '-joined; see :func:`explain_unmatched`)."""
    failed = np.flatnonzero(~result["status"].str.startswith("matched").to_numpy())
    why = None
    if index is not None and len(failed):
        query = [None if v is None else np.asarray(list(v), dtype=object)[failed].tolist()
                 for v in (street, number, postcode, place)]
        why = explain_unmatched(index, *query)
    for j, k in enumerate(failed):
        code = "address_unmatched" if result["status"].iat[k] == "unmatched" else "address_ambiguous"
        params = {"n": int(result["candidates"].iat[k])}
        if why is not None:
            params.update(reason=why["reason"].iat[j], close="; ".join(why["candidates"].iat[j]))
        yield int(k), code, params


def match_report(result: pd.DataFrame, source: pd.DataFrame, file: str, columns=None) -> pd.DataFrame:
    """Every row that was not matched exactly: file, row (spreadsheet numbering), the address
    as given, the status code (:data:`STATUS`)."""
    rows = result[result["status"] != "matched"]
    columns = list(columns or source.columns)
    shown = [" ".join(str(v) for v in values) for values in source.loc[rows.index, columns].itertuples(index=False)]
    return pd.DataFrame({
        "file": file, "row": rows.index + 2, "address": shown,
        "status": rows["status"].to_numpy(),
        "candidates": rows["candidates"].to_numpy(),
    })


_POSTCODE_PLACE = re.compile(r"^\s*(?P<postcode>\d{5})?\s*(?P<place>.*?)\s*$")


def parse_address(text) -> dict:
    """'Klosterstr. 12a, 59821 Arnsberg' → street, number, postcode, place ('' where absent)."""
    head, _, tail = str(text or "").partition(",")
    street, number = split_address(head)
    match = _POSTCODE_PLACE.match(tail)
    return {"street": street, "number": number, "postcode": match.group("postcode") or "",
            "place": match.group("place")}


def address_index(addresses) -> AddressIndex:
    """The index of a workspace's ``addresses`` layer (points in the workspace CRS)."""
    frame = pd.DataFrame({
        "street": addresses["street"], "number": addresses["number"],
        "postcode": addresses["postcode"], "place": addresses["place"],
        "x": addresses.geometry.x.to_numpy(), "y": addresses.geometry.y.to_numpy()})
    return AddressIndex.from_frame(frame, street="street", number="number", postcode="postcode", place="place",
                                   x="x", y="y")


def geocode_texts(index: AddressIndex, texts) -> pd.DataFrame:
    """Positions of free-text addresses ('Straße Nr, PLZ Ort'): x, y (the index's CRS),
    status and candidates as :meth:`AddressIndex.geocode`."""
    parts = [parse_address(t) for t in texts]
    return index.geocode([p["street"] for p in parts], [p["number"] for p in parts],
                         [p["postcode"] for p in parts], [p["place"] for p in parts])


def street_suggestions(addresses, text: str, limit: int = 8) -> list[str]:
    """Street names of the address directory most similar to the typed one (see
    :func:`closest_streets`), for a hint when an address is not found."""
    return closest_streets(addresses["street"], split_address(str(text).partition(",")[0])[0], limit)


def correct_street(typed: str, streets) -> str | None:
    """The one street of ``streets`` (the directory's names) that a typed street name is a
    slip of ('Lindenrnig' → 'Lindenring'), or None when none or several come close."""
    key = normalise_street(typed)
    names = {normalise_street(s): s for s in pd.Series(streets).dropna().unique()}
    if not key or key in names:
        return None
    close = difflib.get_close_matches(key, list(names), n=2, cutoff=0.8)
    return names[close[0]] if len(close) == 1 else None


def locate(index: AddressIndex, text: str, crs, streets=None) -> dict:
    """One typed address → {'status', 'candidates', 'x', 'y' (``crs``), 'lat', 'lon' (WGS84),
    'corrected', 'label' (the address as the directory writes it)}; positions and label are None
    unless the address was found. With ``streets`` (the
    directory's street names) a typo in the street is corrected when exactly one street comes
    close, and 'corrected' holds the address as found."""
    from pyproj import Transformer

    found = geocode_texts(index, [text]).iloc[0]
    corrected = None
    if found["status"] == "unmatched" and streets is not None:
        head, comma, tail = str(text).partition(",")
        street, number = split_address(head)
        better = correct_street(street, streets)
        if better:
            corrected = f"{better} {number}".strip() + (f",{tail}" if comma else "")
            retry = geocode_texts(index, [corrected]).iloc[0]
            found = retry if str(retry["status"]).startswith("matched") else found
            corrected = corrected if found is retry else None
    out = {"status": found["status"], "candidates": int(found["candidates"]), "x": None, "y": None,
           "lat": None, "lon": None, "corrected": corrected, "label": None}
    if str(found["status"]).startswith("matched"):
        lon, lat = Transformer.from_crs(crs, 4326, always_xy=True).transform(found["x"], found["y"])
        out.update(x=float(found["x"]), y=float(found["y"]), lat=float(lat), lon=float(lon), label=found["label"])
    return out
