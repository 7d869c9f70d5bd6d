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
from dashboard.sources.phase_words import yes_no_from_word

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


def sniff_separator(text: str) -> str:
    """The separator of a CSV text: among semicolon (German Excel), comma and tab the one that
    splits the most lines into the same number (> 0) of parts – title and note lines above
    the header do not decide it."""
    lines = [line for line in text.splitlines()[:60] if line.strip()]

    def steady(sep):
        counts = pd.Series([line.count(sep) for line in lines])
        counts = counts[counts > 0]
        return (int(counts.value_counts().iloc[0]), int(counts.mode().iloc[0])) if len(counts) else (0, 0)

    return max(SEPARATORS, key=steady)


TOTAL_WORDS = re.compile(r"\b(insgesamt|summe|gesamt|gesamtsumme|zusammen|total)\b", re.IGNORECASE)
"""A row whose first cell says this and whose other cells are numbers is a total, not data."""
NOTE_START = re.compile(r"^\s*([*¹²³⁴⁵⁶⁷⁸⁹⁰†‡]|\d\)|quelle\b|anmerkung|hinweis|fußnote|fussnote|stand\b|source\b|note\b)",
                        re.IGNORECASE)
"""A row starting like this below the data is a footnote."""
HEAD_ROWS = 60  # a header is looked for in the first rows


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == ""


def _numeric(value) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    text = re.sub(r"[\s\u00a0\u202f.,%'’]+|[¹²³⁴⁵⁶⁷⁸⁹⁰*]+$", "", str(value).strip())
    return bool(re.fullmatch(r"[-+–]?\d+", text)) or str(value).strip() in DEFAULT_MISSING[:5]


def find_header(rows: list) -> tuple[int, int]:
    """(index of the header row, number of header rows: 1 or 2) among ``rows`` (lists of
    cells): the first row with at least two filled cells (one if the table has one column),
    mostly words, as wide as half the rows below it – title rows, notes and empty rows above
    are passed over. A second header row follows when it is words only, names columns over
    numbers and leaves some of the first row's columns empty (merged cells: "Sozialraum"
    over two rows, "Altersgruppen" over "0–3", "3–6")."""
    widths = [sum(not _blank(c) for c in row) for row in rows[:HEAD_ROWS]]
    widest = max(widths, default=0)
    for h, row in enumerate(rows[:HEAD_ROWS]):
        filled = [c for c in row if not _blank(c)]
        if len(filled) < min(2, widest) or sum(not _numeric(c) for c in filled) < 0.6 * len(filled):
            continue
        below = [w for w in widths[h + 1:h + 11] if w]
        if below and len(filled) < 0.5 * float(np.median(below)):
            continue
        return h, 1 + _second_header(rows, h)
    return 0, 1


def _second_header(rows: list, h: int) -> bool:
    if h + 2 >= len(rows):
        return False
    top, sub = rows[h], rows[h + 1]
    filled = [c for c in sub if not _blank(c)]
    if not filled or any(_numeric(c) for c in filled):
        return False
    partial = any(_blank(sub[j]) if j < len(sub) else True for j, c in enumerate(top) if not _blank(c))
    body = rows[h + 2:h + 12]
    for j, cell in enumerate(sub):
        if _blank(cell):
            continue
        values = [r[j] for r in body if j < len(r) and not _blank(r[j])]
        if partial and values and sum(_numeric(v) for v in values) >= 0.8 * len(values):
            return True
    return False


def _header_names(rows: list, h: int, n: int, width: int) -> list[str]:
    top = [("" if _blank(c) else _cell_text(c).strip()) for c in rows[h]] + [""] * width
    if n == 1:
        return top[:width]
    sub = [("" if _blank(c) else _cell_text(c).strip()) for c in rows[h + 1]] + [""] * width
    names, carried = [], ""
    for j in range(width):
        carried = top[j] or (carried if sub[j] else "")  # a merged top cell spans the columns named below it
        names.append(" ".join(dict.fromkeys(p for p in (carried if sub[j] else top[j], sub[j]) if p)))
    return names


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return str(value)


def table_from_rows(rows: list, header_row: int | None = None, first_row_number: int = 1):
    """A table from a sheet's rows (lists of cells: text, numbers, dates or None):
    the header found (:func:`find_header`) or given (``header_row``, 1-based), empty columns
    and rows left out, and below the data total rows ("Insgesamt", "Summe" with numbers) and
    footnotes ("¹ …", "Quelle: …") left out. Cells stay as they are (numbers as numbers).
    The spreadsheet row number of every data row is ``table.attrs["rows"]``; what was left
    out is ``table.attrs["skipped"]`` ((row number, "total" | "footnote" | "empty") pairs)."""
    if header_row is not None:
        h, n = header_row - first_row_number, 1
        if not 0 <= h < len(rows):
            raise ValueError(f"header_row {header_row} is not a row of the table (1–{len(rows)})")
    else:
        h, n = find_header(rows)
    width = max((len(r) for r in rows[h:h + n]), default=0)
    names = _header_names(rows, h, n, width)
    keep = [j for j, name in enumerate(names) if name]
    names = _unique([names[j] for j in keep])
    body, numbers, skipped, empty = [], [], [], []
    for k, row in enumerate(rows[h + n:]):
        cells = [row[j] if j < len(row) else None for j in keep]
        if all(_blank(c) for c in cells) and all(_blank(c) for c in row):
            empty.append(first_row_number + h + n + k)
            continue
        body.append(cells)
        numbers.append(first_row_number + h + n + k)
    # below the data: footnotes (one cell, or a note's start) and totals
    last = len(body)
    while last and (sum(not _blank(c) for c in body[last - 1]) <= 1 < len(keep)
                    or NOTE_START.match(str(next((c for c in body[last - 1] if not _blank(c)), "")))):
        last -= 1
        first = str(next((c for c in body[last] if not _blank(c)), ""))
        skipped.append((numbers[last], "total" if TOTAL_WORDS.search(first) else "footnote"))
    data = []
    for cells, number in zip(body[:last], numbers[:last]):
        filled = [c for c in cells if not _blank(c)]
        if filled and TOTAL_WORDS.search(str(filled[0])) and all(_numeric(c) for c in filled[1:]) and len(filled) > 1:
            skipped.append((number, "total"))
            continue
        data.append((cells, number))
    table = pd.DataFrame([c for c, _ in data], columns=names, dtype=object) if data else \
        pd.DataFrame(columns=names, dtype=object)
    table = table.map(lambda v: None if _blank(v) else (v.strip() if isinstance(v, str) else v))
    table.attrs["rows"] = [n for _, n in data]  # a list: pandas compares attrs when it combines frames
    # empty rows between the heading and the last row read (not the blank rows after the table)
    skipped += [(number, "empty") for number in empty if numbers and number < numbers[-1]]
    table.attrs["skipped"] = sorted(skipped)
    table.attrs["header_row"] = first_row_number + h + n - 1
    return table


def _unique(names: list[str]) -> list[str]:
    seen, out = {}, []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def row_numbers(table: pd.DataFrame) -> np.ndarray:
    """The spreadsheet row number of every row of a table read here (header in row 1 unless
    the reader found it elsewhere)."""
    rows = table.attrs.get("rows")
    return np.asarray(rows) if rows is not None and len(rows) == len(table) else np.arange(len(table)) + 2


def read_delimited(text: str, separator: str | None = None, header_row: int | None = None) -> pd.DataFrame:
    """A CSV text as a table of text cells (see :func:`table_from_rows`); the separator
    sniffed unless given. A large file with its header found in one row (a Zensus grid) is
    read by pandas. Raises ValueError when unreadable."""
    import csv

    separator = separator or sniff_separator(text)
    lines = text.splitlines()
    if len(lines) > 50_000:
        head = list(csv.reader(io.StringIO("\n".join(lines[:HEAD_ROWS])), delimiter=separator))
        h, n = (header_row - 1, 1) if header_row is not None else find_header(head)
        if n == 1:
            frame = pd.read_csv(io.StringIO(text), sep=separator, dtype=str, keep_default_na=False, skiprows=h,
                                skip_blank_lines=False)
            frame = frame.loc[:, [c for c in frame.columns if not str(c).startswith("Unnamed")]]
            numbers = np.arange(len(frame)) + h + 2
            filled = (frame != "").any(axis=1).to_numpy()
            frame = frame[filled].reset_index(drop=True)
            frame.attrs.update(rows=numbers[filled].tolist(), skipped=[], header_row=h + 1)
            return frame
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    try:
        rows = list(reader)
    except csv.Error as exc:  # e.g. a cell longer than the reader takes: a message naming the row
        raise ValueError(f"row {reader.line_num}: {exc}") from exc
    return table_from_rows(rows, header_row)


def read_table(path: Path, *, separator: str | None = None, sheet=None, header_row: int | None = None,
               encoding: str | None = None) -> pd.DataFrame:
    """A CSV or XLSX file as a table (see :func:`table_from_rows`: header found, totals and
    footnotes left out; XLSX numbers stay numbers); ``sheet`` by name or 0-based number
    (default the first), ``header_row`` 1-based to override the search."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_workbook(path, sheet, header_row)
    if path.suffix.lower() == ".xls":
        frame = pd.read_excel(path, sheet_name=sheet or 0, header=None, dtype=object)
        return table_from_rows(frame.where(frame.notna(), None).values.tolist(), header_row)
    text = decode(path.read_bytes(), encoding)
    if text is None:
        raise ValueError("text encoding not recognised (UTF-8, UTF-16 or Windows-1252 expected)")
    return read_delimited(text, separator, header_row)


def _read_workbook(path: Path, sheet, header_row):
    from openpyxl import load_workbook

    book = load_workbook(path, data_only=True)
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif isinstance(sheet, int):
            ws = book.worksheets[sheet]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise ValueError(f"sheet {sheet!r} not in the workbook ({', '.join(book.sheetnames)})")
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        for merged in ws.merged_cells.ranges:  # a merged cell's value spans all its cells
            value = rows[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row - 1, merged.max_row):
                for c in range(merged.min_col - 1, merged.max_col):
                    if merged.max_row > merged.min_row and r > merged.min_row - 1:
                        continue  # vertical merges: the value stays in the top row only
                    rows[r][c] = value
    finally:
        book.close()
    return table_from_rows(rows, header_row)


def to_number(series: pd.Series, *, decimal: str = ",", thousands: str | None = ".",
              missing=DEFAULT_MISSING) -> tuple[pd.Series, np.ndarray]:
    """Text as planners write numbers → float; secrecy markers → NaN; numbers (from XLSX)
    stay as they are. ``decimal``: "," (German, ``thousands`` "." by default), "." (English)
    or "auto" (per column: the last of "." and "," in a value is the decimal mark; "1.234"
    and "1,234" alone count as thousands). Spaces (also non-breaking) between digits and
    footnote marks after a number ("1.234¹", "12*") are dropped. Returns (numbers,
    unreadable mask)."""
    is_number = series.map(lambda v: isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool))
    given = pd.to_numeric(series.where(is_number), errors="coerce")
    text = series.where(~is_number, "").astype(str).str.strip()
    text = text.str.replace(r"[¹²³⁴⁵⁶⁷⁸⁹⁰*†‡]+$", "", regex=True).str.strip()
    text = text.str.replace(r"(?<=\d)[\s\u00a0\u202f'’](?=\d)", "", regex=True)
    withheld = (text.isin(list(missing)) & ~is_number) | series.isna()
    if decimal == "auto":
        decimal, thousands = _number_format(text[~withheld & ~is_number])
    clean = text
    if thousands:
        clean = clean.str.replace(thousands, "", regex=False)
    if decimal == ",":
        clean = clean.str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(clean.where(~withheld & ~is_number), errors="coerce")
    numbers = numbers.where(~is_number, given)
    bad = (numbers.isna() & ~withheld).to_numpy()
    numeric_markers = [float(m) for m in missing if _is_number(m)]
    if numeric_markers:  # '-9.0' is the marker '-9' too
        numbers = numbers.mask(numbers.isin(numeric_markers))
    return numbers.astype(float), bad


def _number_format(text: pd.Series) -> tuple[str, str | None]:
    """(decimal, thousands) of a column of number texts (see :func:`to_number`, ``auto``)."""
    both = text[text.str.contains(".", regex=False) & text.str.contains(",", regex=False)]
    if len(both):
        return (",", ".") if both.iat[0].rfind(",") > both.iat[0].rfind(".") else (".", ",")
    commas, dots = text[text.str.contains(",", regex=False)], text[text.str.contains(".", regex=False)]
    if len(commas) and commas.str.fullmatch(r"[-+]?\d{1,3}(,\d{3})+").all():
        return ".", ","
    if len(commas):
        return ",", "."
    if len(dots) and dots.str.fullmatch(r"[-+]?\d{1,3}(\.\d{3})+").all():
        return ",", "."
    return ".", None


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def as_text(series: pd.Series) -> pd.Series:
    """Cells as text: numbers from a spreadsheet as written ("12", not "12.0"; "59821"),
    dates as ISO dates, empty cells as ""."""
    return series.map(lambda v: "" if _blank(v) else _cell_text(v).strip())


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
      yes / no fields (cost_free, barrier_free) read the words the map does not name as
      :func:`~dashboard.sources.phase_words.yes_no_from_word` proposes, also from plain columns;
    * ``defaults``: field → value where the source leaves the field empty;
    * optional fields no source names are missing (None);
    * without an id column, ids are generated (:func:`stable_ids` over name, provider,
      address and the ``location`` sequences, e.g. the coordinates as given).

    A missing source column is a problem (``source_column``); ``rows`` are the spreadsheet
    row numbers of ``table`` for messages."""
    out = {}
    yes_no = {c.name for c in schema.LAYERS[layer].columns if c.kind == "bool"}
    for target, source in columns.items():
        sources = source if isinstance(source, list) else [source]
        absent = [s for s in sources if s not in table.columns]
        for s in absent:
            problems.add("source_column", file=file, field=target, column=s)
        if absent:
            continue
        joined = as_text(table[sources[0]])
        for s in sources[1:]:
            joined = joined.str.cat(as_text(table[s]), sep=" ").str.strip()
        out[target] = joined.where(joined != "", None).tolist()
        if target in yes_no:  # the list's own words ("kostenlos", "Gebühr", "–") read as yes / no / unknown
            out[target] = [yes_no_from_word(target, v) or v for v in out[target]]
    for target, value in (constants or {}).items():
        out[target] = [value] * len(table)
    for target, mapping in (value_maps or {}).items():
        column = mapping.get("column")
        if column not in table.columns:
            problems.add("source_column", file=file, field=target, column=column)
            continue
        values, default = mapping.get("values", {}), mapping.get("default")
        mapped = []
        for k, raw in enumerate(as_text(table[column])):
            hit = values.get(raw, default)
            if hit is None and target in yes_no:  # a word the map does not name: the same proposal as the wizard's
                hit = yes_no_from_word(target, raw)
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
    "cost_free": ("kosten", "kostenlos", "kostenfrei", "gebühr", "gebühren", "gebuehr", "teilnahmebeitrag"),
    "barrier_free": ("barrierefrei", "barrierefreiheit", "rollstuhlgerecht", "zugang"),
}
POSITION_SYNONYMS = {
    "address": ("adresse", "anschrift", "address", "straße und hausnummer", "strasse und hausnummer"),
    "x": ("x", "rechtswert", "ost", "lon", "longitude", "längengrad", "easting"),
    "y": ("y", "hochwert", "nord", "lat", "latitude", "breitengrad", "northing"),
    "street": ("straße", "strasse", "str", "street"),
    "number": ("hausnr", "hausnummer", "hnr", "haus nr", "nr", "number"),
    "postcode": ("plz", "postleitzahl", "postcode", "zip"),
    "place": ("ort", "stadt", "gemeinde", "wohnort", "place", "city"),
}
ADDRESS_PARTS = ("street", "number", "postcode", "place")


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


def guess_position(headings, numeric=None) -> dict[str, str | None]:
    """The columns that most likely hold the position: ``address`` (one column), ``street``,
    ``number``, ``postcode``, ``place`` (an address in parts), ``x`` and ``y`` – None where no
    heading fits (see :data:`POSITION_SYNONYMS`); coordinates only among ``numeric`` columns
    when given (a column of names is never taken for coordinates)."""
    by_key = _heading_index(headings)
    out = {}
    for role, words in POSITION_SYNONYMS.items():
        allowed = None if role not in ("x", "y") or numeric is None else set(numeric)
        out[role] = next((by_key[_key(w)] for w in words
                          if _key(w) in by_key and (allowed is None or by_key[_key(w)] in allowed)), None)
    return out


def numeric_columns(table: pd.DataFrame, share: float = 0.8) -> list[str]:
    """The columns whose filled cells are numbers (at least ``share`` of them): the candidates
    for coordinates."""
    out = []
    for column in table.columns:
        values = table[column][as_text(table[column]) != ""]
        if len(values) and (~to_number(values, decimal="auto", missing=())[1]).mean() >= share:
            out.append(column)
    return out
