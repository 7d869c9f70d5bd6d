"""Tables as planners have them (CSV, XLSX) read into the schema's fields: text decoding,
separators, German numbers, and source columns mapped to fields (by name, constants and
value maps). Shared by the build recipe (:mod:`dashboard.sources.recipe`) and the import
wizard (:mod:`dashboard.sources.importer`), so both read a file the same way.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.model import schema
from dashboard.model.problems import Problems

DEFAULT_MISSING = ("-", ".", "x", "X", "-1", "-9", "")
"""Secrecy and missing-value markers of German statistics (read as missing, not as bad input)."""

SEPARATORS = (";", ",", "\t")


def decode(data: bytes, encoding: str | None = None) -> str | None:
    """Text of a file: ``encoding`` if given, else UTF-16 (with a byte order mark or many NUL
    bytes), UTF-8 (with or without BOM) or Windows-1252, the encodings spreadsheets save.
    None when none fits."""
    if encoding:
        candidates = [encoding]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    elif len(data) > 1 and data[:200].count(b"\x00") > len(data[:200]) // 4:
        candidates = ["utf-16-le", "utf-16-be"]
    else:
        candidates = ["utf-8-sig", "cp1252"]
    for candidate in candidates:
        try:
            text = data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
        if "\x00" not in text:
            return text
    return None


def sniff_separator(header_line: str) -> str:
    """The separator a CSV header line uses most: semicolon (German Excel), comma or tab."""
    return max(SEPARATORS, key=header_line.count)


def read_delimited(text: str, separator: str | None = None) -> pd.DataFrame:
    """A CSV text as text columns; the separator sniffed from the first line unless given;
    unnamed (empty-header) columns dropped. Raises ValueError / ParserError when unreadable."""
    if separator is None:
        separator = sniff_separator(text.splitlines()[0] if text else "")
    frame = pd.read_csv(io.StringIO(text), sep=separator, dtype=str, keep_default_na=False)
    return frame.loc[:, [c for c in frame.columns if not str(c).startswith("Unnamed")]]


def read_table(path: Path, *, separator: str | None = None, sheet=0, encoding: str | None = None) -> pd.DataFrame:
    """A CSV or XLSX file as text columns (numbers are parsed later, per column)."""
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        return pd.read_excel(path, sheet_name=sheet, dtype=str)
    text = decode(path.read_bytes(), encoding)
    if text is None:
        raise ValueError("text encoding not recognised (UTF-8, UTF-16 or Windows-1252 expected)")
    return read_delimited(text, separator)


def to_number(series: pd.Series, *, decimal: str = ",", thousands: str | None = ".",
              missing=DEFAULT_MISSING) -> tuple[pd.Series, np.ndarray]:
    """German-formatted text → float; secrecy markers → NaN. Returns (numbers, unreadable mask)."""
    text = series.astype(str).str.strip()
    withheld = text.isin(list(missing)) | series.isna()
    clean = text
    if decimal == ",":
        if thousands:
            clean = clean.str.replace(thousands, "", regex=False)
        clean = clean.str.replace(",", ".", regex=False)
    elif thousands:
        clean = clean.str.replace(thousands, "", regex=False)
    numbers = pd.to_numeric(clean.where(~withheld), errors="coerce")
    bad = (numbers.isna() & ~withheld).to_numpy()
    numeric_markers = [float(m) for m in missing if _is_number(m)]
    if numeric_markers:  # '-9.0' is the marker '-9' too
        numbers = numbers.mask(numbers.isin(numeric_markers))
    return numbers.astype(float), bad


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _text(series: pd.Series) -> pd.Series:
    return series.fillna("").astype(str).str.strip()


ID_PREFIX = {"offers": "A", "family_centres": "FZ", "partners": "P"}
"""Prefix of generated ids (Angebot, Familienzentrum, Partner)."""


def stable_ids(layer: str, parts) -> list[str]:
    """Ids for the rows of a list that has none: the layer's prefix and 8 hex digits of a
    SHA-1 over the row's identifying texts (``parts``: equal-length sequences, e.g. name,
    provider, address as given; case and spacing ignored), so the same list gives the same
    ids however its rows are ordered; rows whose texts are equal get ``-2``, ``-3`` … in
    row order ('A-1f3a9c0b', 'A-1f3a9c0b-2')."""
    import hashlib

    texts = ["|".join(" ".join(str(v).split()).lower() if v is not None and not pd.isna(v) else "" for v in row)
             for row in zip(*parts)]
    ids, seen = [], {}
    for text in texts:
        base = f"{ID_PREFIX.get(layer, 'X')}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:8]}"
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


def assemble_fields(table: pd.DataFrame, layer: str, *, file, rows, problems: Problems, columns: dict,
                    constants: dict | None = None, value_maps: dict | None = None,
                    defaults: dict | None = None, location=()) -> dict:
    """The schema fields of ``layer`` from a source table, as columns of equal length:

    * ``columns``: field → source column, or a list of columns joined with spaces
      (e.g. street and house number); empty text becomes missing;
    * ``constants``: field → one value for every row;
    * ``value_maps``: field → {"column": source column, "values": {source text: term or
      [terms]}, "default": term} – a text without a term is a problem (``unmapped_value``);
    * ``defaults``: field → value where the source leaves the field empty;
    * optional fields no source names are missing (None);
    * without an id column, ids are generated (:func:`stable_ids` over name, provider,
      address and the ``location`` sequences, e.g. the coordinates as given).

    A missing source column is a problem (``source_column``); ``rows`` are the spreadsheet
    row numbers of ``table`` for messages."""
    out = {}
    for target, source in columns.items():
        sources = source if isinstance(source, list) else [source]
        absent = [s for s in sources if s not in table.columns]
        for s in absent:
            problems.add("source_column", file=file, field=target, column=s)
        if absent:
            continue
        joined = _text(table[sources[0]])
        for s in sources[1:]:
            joined = joined.str.cat(_text(table[s]), sep=" ").str.strip()
        out[target] = joined.where(joined != "", None).tolist()
    for target, value in (constants or {}).items():
        out[target] = [value] * len(table)
    for target, mapping in (value_maps or {}).items():
        column = mapping.get("column")
        if column not in table.columns:
            problems.add("source_column", file=file, field=target, column=column)
            continue
        values, default = mapping.get("values", {}), mapping.get("default")
        mapped = []
        for k, raw in enumerate(_text(table[column])):
            hit = values.get(raw, default)
            if hit is None or hit == "" or (isinstance(hit, (list, tuple)) and not hit):
                problems.add("unmapped_value", file=file, row=int(rows[k]), field=column, value=raw)
            mapped.append(";".join(hit) if isinstance(hit, (list, tuple)) else hit)
        out[target] = mapped
    for target, value in (defaults or {}).items():
        if target in out:
            out[target] = [value if v is None or pd.isna(v) or v == "" else v for v in out[target]]
        else:
            out[target] = [value] * len(table)
    id_column = schema.LAYERS[layer].id_column
    if id_column and id_column not in out:
        parts = [out[f] for f in ("name", "provider", "address") if f in out]
        out[id_column] = stable_ids(layer, [*parts, *location] or [[str(r) for r in rows]])
    for column in schema.LAYERS[layer].columns:
        if column.name not in out and column.nullable:
            out[column.name] = [None] * len(table)
    return out


# Headings planners give the schema's fields (lower case, without punctuation); a field's
# own name always counts.
SYNONYMS = {
    "offer_id": ("nr", "nummer", "id", "angebotsnummer", "kennung"),
    "centre_id": ("nr", "nummer", "id", "kennung"),
    "partner_id": ("nr", "nummer", "id", "kennung", "träger id", "traeger id"),
    "name": ("titel", "angebot", "bezeichnung", "name des angebots", "angebotsname", "einrichtung"),
    "provider": ("träger", "traeger", "anbieter", "trägerschaft"),
    "organisation": ("organisation", "einrichtung", "träger", "traeger", "name"),
    "life_phases": ("zielgruppe", "lebensphase", "lebensphasen", "altersgruppe"),
    "address": ("adresse", "anschrift", "straße und hausnummer", "strasse und hausnummer"),
    "category": ("kategorie", "angebotsart", "art"),
    "audience": ("adressaten", "für wen"),
    "capacity": ("plätze", "plaetze", "kapazität", "kapazitaet"),
    "languages": ("sprachen", "sprache"),
    "contact_public": ("kontakt", "öffentlicher kontakt", "kontakt öffentlich"),
    "contact_person": ("ansprechperson", "ansprechpartner", "ansprechpartnerin"),
    "contact_email": ("e-mail", "email", "mail"),
    "contact_phone": ("telefon", "tel", "telefonnummer"),
    "description": ("beschreibung",),
    "topic": ("thema",),
    "sectors": ("bereich", "bereiche"),
    "sector": ("bereich",),
    "legal_domain": ("rechtskreis",),
    "service_area": ("einzugsgebiet", "sozialraum", "sozialräume"),
}
POSITION_SYNONYMS = {
    "address": ("adresse", "anschrift", "address", "straße und hausnummer", "strasse und hausnummer"),
    "x": ("x", "rechtswert", "ost", "lon", "longitude", "längengrad", "easting"),
    "y": ("y", "hochwert", "nord", "lat", "latitude", "breitengrad", "northing"),
}


def _key(heading) -> str:
    return re.sub(r"[\s_.:*()-]+", " ", str(heading).lower()).strip()


def _heading_index(headings) -> dict:
    """Normalised heading → the first heading written that way."""
    by_key = {}
    for heading in headings:
        by_key.setdefault(_key(heading), heading)
    return by_key


def guess_columns(headings, layer: str) -> dict[str, str]:
    """Field → source column for the fields of ``layer`` whose name or a usual German
    heading (:data:`SYNONYMS`) appears among ``headings`` (case, spaces and punctuation
    ignored); a source column is used for one field at most, the field's own name first."""
    by_key = _heading_index(headings)
    fields = [c.name for c in schema.LAYERS[layer].columns if c.name not in ("version", "retired")]
    taken, out = set(), {}
    for field_name in fields:  # exact field names first: they win over synonyms
        heading = by_key.get(_key(field_name))
        if heading is not None:
            out[field_name] = heading
            taken.add(heading)
    for field_name in fields:
        if field_name in out:
            continue
        for word in SYNONYMS.get(field_name, ()):
            heading = by_key.get(_key(word))
            if heading is not None and heading not in taken:
                out[field_name] = heading
                taken.add(heading)
                break
    return out


def guess_position(headings) -> dict[str, str | None]:
    """The columns that most likely hold the position: ``address``, ``x`` and ``y`` (None
    where no heading fits, see :data:`POSITION_SYNONYMS`)."""
    by_key = _heading_index(headings)
    return {role: next((by_key[_key(w)] for w in words if _key(w) in by_key), None)
            for role, words in POSITION_SYNONYMS.items()}
