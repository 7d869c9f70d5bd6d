"""UI texts in German (default) and English: ``t(key, lang, **params)``."""

from __future__ import annotations

LANGUAGES = {"de": "Deutsch", "en": "English"}

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("Präventionsatlas", "Prevention Atlas"),
    "language": ("Sprache", "Language"),
    "page_home": ("Start", "Home"),
    "page_map": ("Karte", "Map"),
    "tagline": (
        "Sozialraumplanung für Präventionsketten: Angebote, Familienzentren und Netzwerkpartner "
        "entlang der Lebenskette – im Blick auf die Menschen, die im Sozialraum leben.",
        "Social-space planning for prevention chains: offers, family centres and network partners "
        "along the life chain – seen against the people living in each district.",
    ),
    "loaded_workspace": ("Geladener Arbeitsbereich", "Loaded workspace"),
    "municipality": ("Kommune", "Municipality"),
    "ags": ("Gemeindeschlüssel (AGS)", "Municipality key (AGS)"),
    "data_stand": ("Datenstand", "Data as of"),
    "file": ("Datei", "File"),
    "crs": ("Koordinatensystem", "Coordinate system"),
    "sources": ("Quellen", "Sources"),
    "licences": ("Lizenzen", "Licences"),
    "count_districts": ("Sozialräume", "Districts"),
    "count_offers": ("Angebote", "Offers"),
    "count_family_centres": ("Familienzentren", "Family centres"),
    "count_partners": ("Netzwerkpartner", "Network partners"),
    "count_networks": ("Netzwerke", "Networks"),
    "count_population": ("Einwohnerinnen und Einwohner", "Inhabitants"),
    "count_cells": ("Bevölkerungs-Rasterzellen", "Population grid cells"),
    "count_indicators": ("Sozialindikatoren", "Social indicators"),
    "life_chain": ("Lebenskette", "Life chain"),
    "fictional": ("{label}", "Fictional demo data – no real persons, offers or statistics"),
    "pages": ("Seiten", "Pages"),
    "goto_map": ("Karte der Angebote und Sozialräume", "Map of offers and districts"),
    "workspace_error": (
        "Der Arbeitsbereich konnte nicht geladen werden. Bitte die folgenden Probleme in der Datei beheben:",
        "The workspace could not be loaded. Please fix these problems in the file:",
    ),
    "workspace_hint": (
        "Eine andere Datei wird über die Umgebungsvariable PRAEVENTIONSATLAS_WORKSPACE geöffnet.",
        "Open another file with the environment variable PRAEVENTIONSATLAS_WORKSPACE.",
    ),
    "assets_missing": (
        "Die lokalen Kartenbibliotheken fehlen oder sind verändert ({detail}). Bitte 'make setup' ausführen.",
        "The local map libraries are missing or changed ({detail}). Please run 'make setup'.",
    ),
    "settings_error": ("Ungültige Einstellung: {detail}", "Invalid setting: {detail}"),
    "unexpected_error": (
        "Ein unerwarteter Fehler ist aufgetreten. Bitte Seite neu laden; bleibt der Fehler, an die "
        "Administration melden (Zeitpunkt: {when}).",
        "An unexpected error occurred. Please reload the page; if it persists, tell your administrator "
        "(time: {when}).",
    ),
    "map_districts": ("Sozialräume", "Districts"),
    "map_caption": (
        "{n} Sozialräume · Kartengrundlage: {background}",
        "{n} districts · Background: {background}",
    ),
    "no_background": ("keine (offline)", "none (offline)"),
    "district": ("Sozialraum", "District"),
    "parent": ("Stadtbezirk", "Borough"),
    "area_km2": ("Fläche (km²)", "Area (km²)"),
    "keine_angabe": ("keine Angabe", "not disclosed"),
}


def t(key: str, lang: str = "de", **params) -> str:
    """The text for ``key`` in ``lang``; unknown keys raise KeyError (caught by tests)."""
    de, en = TEXT[key]
    text = en if lang == "en" else de
    return text.format(**params) if params else text
