"""Problems found in a workspace, collected and reported all at once.

Every problem names the file, layer, row (1-based feature number as QGIS shows it) and
field, and carries a message in German (UI) and English (CLI).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# code -> (German template, English template); templates use str.format(**params)
MESSAGES: dict[str, tuple[str, str]] = {
    "no_address_directory": ("Der Arbeitsstand enthält kein Adressverzeichnis (Hauskoordinaten); bitte "
                             "Koordinatenspalten wählen oder das Verzeichnis per Bau-Rezept ([geocoding]) einbinden.",
                             "The workspace holds no address directory (house coordinates); choose coordinate "
                             "columns or add the directory with a build recipe ([geocoding])."),
    "file_missing": ("Datei nicht gefunden.", "File not found."),
    "file_unreadable": (
        "Datei ist kein lesbares GeoPackage ({detail}).",
        "File is not a readable GeoPackage ({detail}).",
    ),
    "layer_missing": ("Pflicht-Ebene fehlt.", "Required layer is missing."),
    "layer_unreadable": ("Ebene nicht lesbar ({detail}).", "Layer cannot be read ({detail})."),
    "column_missing": ("Pflichtspalte fehlt.", "Required column is missing."),
    "crs_missing": (
        "Kein Koordinatenbezugssystem (CRS) angegeben.",
        "No coordinate reference system (CRS) is set.",
    ),
    "crs_not_metric": (
        "Koordinatenbezugssystem {crs} ist nicht metrisch; erwartet z. B. EPSG:25832.",
        "CRS {crs} is not metric; expected e.g. EPSG:25832.",
    ),
    "crs_mismatch": (
        "Koordinatenbezugssystem {crs} weicht vom Arbeitsbereich ab ({expected}).",
        "CRS {crs} differs from the workspace CRS ({expected}).",
    ),
    "geometry_missing": ("Geometrie fehlt.", "Geometry is missing."),
    "geometry_empty": ("Geometrie ist leer.", "Geometry is empty."),
    "geometry_invalid": ("Geometrie ist ungültig ({detail}).", "Geometry is invalid ({detail})."),
    "geometry_type": (
        "Falscher Geometrietyp {found}; erwartet {expected}.",
        "Wrong geometry type {found}; expected {expected}.",
    ),
    "outside_municipality": (
        "Punkt liegt außerhalb des Gemeindegebiets ({distance:.0f} m entfernt).",
        "Point lies outside the municipality ({distance:.0f} m away).",
    ),
    "duplicate_id": (
        "Kennung {value!r} kommt mehrfach vor (auch in Zeile {other}).",
        "Id {value!r} occurs more than once (also in row {other}).",
    ),
    "value_missing": ("Wert fehlt.", "Value is missing."),
    "not_a_number": ("{value!r} ist keine Zahl.", "{value!r} is not a number."),
    "negative_count": ("Negative Anzahl {value}.", "Negative count {value}."),
    "not_a_date": (
        "{value!r} ist kein Datum (erwartet JJJJ-MM-TT).",
        "{value!r} is not a date (expected YYYY-MM-DD).",
    ),
    "not_a_bool": (
        "{value!r} ist kein Ja/Nein-Wert.",
        "{value!r} is not a yes/no value.",
    ),
    "date_order": (
        "Gültig-ab ({start}) liegt nach Gültig-bis ({end}).",
        "Valid-from ({start}) is after valid-to ({end}).",
    ),
    "unknown_life_phase": (
        "Unbekannte Lebensphase {value!r}; bekannt sind: {known}.",
        "Unknown life phase {value!r}; known phases: {known}.",
    ),
    "unknown_value": (
        "Unbekannter Wert {value!r}; erlaubt sind: {known}.",
        "Unknown value {value!r}; allowed: {known}.",
    ),
    "unknown_reference": (
        "Verweis auf unbekannte Kennung {value!r} in Ebene {target!r}.",
        "Reference to unknown id {value!r} in layer {target!r}.",
    ),
    "no_location": (
        "Angebot hat weder Standort (Punkt) noch Einzugsgebiet (service_area).",
        "Offer has neither a location (point) nor a service area.",
    ),
    "bad_colour": (
        "{value!r} ist keine Farbe im Format #RRGGBB.",
        "{value!r} is not a colour in #RRGGBB form.",
    ),
    "bad_age_range": (
        "Altersbereich {start}–{end} ist ungültig.",
        "Age range {start}–{end} is invalid.",
    ),
    "schema_version": (
        "Schema-Version {found!r} wird nicht unterstützt (erwartet {expected}).",
        "Schema version {found!r} is not supported (expected {expected}).",
    ),
    "no_population": (
        "Weder Ebene 'population_cells' noch 'population_districts' vorhanden.",
        "Neither layer 'population_cells' nor 'population_districts' is present.",
    ),
    # building a workspace from sources (recipe), importing tables, geocoding addresses

    "recipe_invalid": ("Rezept fehlerhaft: {detail}", "Recipe is invalid: {detail}"),
    "source_unreadable": ("Quelldatei nicht lesbar ({detail}).", "Source file cannot be read ({detail})."),
    "source_column": ("Spalte {column!r} fehlt in der Quelle.", "Column {column!r} is missing in the source."),
    "unmapped_value": ("Wert {value!r} ist keinem bekannten Begriff zugeordnet.",
                       "Value {value!r} is not mapped to a known term."),
    "no_crs": ("Koordinatenbezugssystem unbekannt: im Rezept 'crs' angeben.",
               "Unknown coordinate reference system: set 'crs' in the recipe."),
    "address_unmatched": ("Adresse {address!r} nicht im Adressverzeichnis gefunden.",
                          "Address {address!r} not found in the address file."),
    "address_ambiguous": ("Adresse {address!r} ist mehrdeutig ({n} Orte); PLZ oder Ort ergänzen.",
                          "Address {address!r} is ambiguous ({n} places); add postcode or place."),
    # uploads (import wizard), checked before and while the file is read
    "upload_too_large": ("Datei zu groß ({mb:.1f} MB; höchstens {limit} MB).",
                         "File too large ({mb:.1f} MB; at most {limit} MB)."),
    "upload_too_many_rows": ("Zu viele Zeilen (mehr als {limit}); bitte die Datei aufteilen.",
                             "Too many rows (more than {limit}); please split the file."),
    "upload_too_many_columns": ("Zu viele Spalten ({n}; höchstens {limit}).", "Too many columns ({n}; at most {limit})."),
    "upload_expands": ("Die Excel-Datei wäre entpackt {mb:.0f} MB groß (höchstens {limit} MB) und wird nicht "
                       "gelesen; bitte nur die benötigten Zeilen und Spalten speichern oder als CSV exportieren.",
                       "The Excel file would unpack to {mb:.0f} MB (at most {limit} MB) and is not read; save only "
                       "the rows and columns needed or export it as CSV."),
    "upload_not_xlsx": ("Die Datei ist keine Excel-Arbeitsmappe, obwohl sie auf .xlsx endet; bitte in Excel als "
                        "„Excel-Arbeitsmappe (.xlsx)“ speichern oder als CSV exportieren.",
                        "The file is not an Excel workbook although its name ends in .xlsx; save it in Excel as "
                        "\"Excel Workbook (.xlsx)\" or export it as CSV."),
    "upload_old_excel": ("Das alte Excel-Format (.xls) wird nicht gelesen; bitte als .xlsx oder CSV speichern.",
                         "The old Excel format (.xls) is not read; save the file as .xlsx or CSV."),
    "upload_formulas": ("{n} Zellen enthalten Formeln ohne gespeichertes Ergebnis (z. B. Zelle {cell}); bitte die "
                        "Datei in Excel öffnen und speichern oder als CSV exportieren.",
                        "{n} cells hold formulas without a stored result (e.g. cell {cell}); open and save the file "
                        "in Excel or export it as CSV."),
    "upload_encoding": ("Zeichenkodierung nicht erkannt (erwartet UTF-8, UTF-16 oder Windows-1252).",
                        "Text encoding not recognised (expected UTF-8, UTF-16 or Windows-1252)."),
    "upload_empty": ("Die Datei enthält keine Datenzeilen unter der Kopfzeile.",
                     "The file holds no data rows below the header row."),
    "upload_unreadable": ("Die Datei kann nicht gelesen werden ({detail}).", "The file cannot be read ({detail})."),
}

LABELS = {
    "de": {"layer": "Ebene", "row": "Zeile", "field": "Feld", "id": "Kennung"},
    "en": {"layer": "layer", "row": "row", "field": "field", "id": "id"},
}


@dataclass(frozen=True)
class Problem:
    """One problem in a workspace.

    ``row`` is the 1-based feature number within the layer (None for layer-wide
    problems); ``record_id`` is the row's id where one could be read.
    """

    file: str
    layer: str | None
    row: int | None
    field: str | None
    code: str
    params: dict = field(default_factory=dict, hash=False, compare=False)
    record_id: str | None = None

    def message(self, lang: str = "en") -> str:
        """Full message naming file, layer, row and field, in ``lang`` ('de' or 'en')."""
        words = LABELS["de" if lang == "de" else "en"]
        where = [self.file]
        if self.layer:
            where.append(f"{words['layer']} '{self.layer}'")
        if self.row is not None:
            row = f"{words['row']} {self.row}"
            if self.record_id:
                row += f" ({words['id']} {self.record_id})"
            where.append(row)
        if self.field:
            where.append(f"{words['field']} '{self.field}'")
        return ", ".join(where) + ": " + self.text(lang)

    def text(self, lang: str = "en") -> str:
        """The message without the location."""
        de, en = MESSAGES[self.code]
        return (de if lang == "de" else en).format(**self.params)


class WorkspaceError(ValueError):
    """A workspace could not be loaded or saved; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self.report("en"))

    def report(self, lang: str = "en", limit: int | None = None) -> str:
        """All problems, one per line; ``limit`` cuts the list with a count of the rest."""
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [p.message(lang) for p in shown]
        rest = len(self.problems) - len(shown)
        if rest > 0:
            lines.append(
                f"… und {rest} weitere Probleme." if lang == "de" else f"… and {rest} more problems."
            )
        head = (
            f"{len(self.problems)} Problem(e) gefunden:"
            if lang == "de"
            else f"{len(self.problems)} problem(s) found:"
        )
        return "\n".join([head, *lines])
