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
    # map page
    "filters": ("Filter", "Filters"),
    "all": ("alle", "all"),
    "only_cost_free": ("nur kostenfreie Angebote", "only free offers"),
    "only_barrier_free": ("nur barrierefreie Angebote", "only barrier-free offers"),
    "valid_at": ("nur Angebote gültig am", "only offers valid on"),
    "date": ("Datum", "Date"),
    "providers": ("Träger", "Providers"),
    "map_theme": ("Thema der Flächenfärbung", "Shading theme"),
    "theme_indicator": ("Sozialindikator", "Social indicator"),
    "theme_population": ("Zielgruppe einer Lebensphase", "Target population of a life phase"),
    "indicator": ("Indikator", "Indicator"),
    "phase": ("Lebensphase", "Life phase"),
    "measure": ("Maß", "Measure"),
    "measure_absolute": ("Anzahl Personen", "Number of persons"),
    "measure_share": ("Anteil an der Bevölkerung", "Share of population"),
    "measure_density": ("Personen je km²", "Persons per km²"),
    "scheme": ("Klassenbildung", "Classification"),
    "n_classes": ("Anzahl Klassen", "Number of classes"),
    "palette": ("Farbschema", "Colour scheme"),
    "show_grid": ("Bevölkerungsraster zeigen", "Show population grid"),
    "grid_phase": ("Lebensphase im Raster", "Life phase in the grid"),
    "focus": ("Sozialraum im Fokus", "District in focus"),
    "whole_city_option": ("— ganze Stadt —", "— whole city —"),
    "shown_counts": (
        "Angezeigt: {offers} von {offers_total} Angeboten ({outreach} aufsuchend), {centres} von {centres_total} "
        "Familienzentren, {partners} von {partners_total} Netzwerkpartnern.",
        "Shown: {offers} of {offers_total} offers ({outreach} outreach), {centres} of {centres_total} family "
        "centres, {partners} of {partners_total} network partners.",
    ),
    "click_hint": (
        "Klick auf einen Sozialraum öffnet seine Übersicht; Klick auf ein Symbol zeigt Details.",
        "Click a district to open its overview; click a symbol for details.",
    ),
    "panel_population": ("Bevölkerung nach Lebensphase", "Population by life phase"),
    "panel_indicators": ("Sozialindikatoren (Stadt: gewichteter Mittelwert)", "Social indicators (city: weighted mean)"),
    "panel_offers": ("Angebote nach Lebensphase (mit Filter)", "Offers by life phase (filtered)"),
    "panel_sites": ("Familienzentren und Netzwerkpartner im Sozialraum", "Family centres and partners in the district"),
    "panel_none": ("keine", "none"),
    "panel_profile": (
        "Das vollständige Sozialraumprofil (mit PDF) folgt als eigene Seite.",
        "The full district profile (with PDF) will follow as a page of its own.",
    ),
    "panel_pick": ("Sozialraum in der Karte anklicken oder oben auswählen.", "Click a district on the map or pick it above."),
    "share_link": ("Link zu dieser Ansicht: die Adresse im Browser enthält alle Einstellungen.",
                   "Link to this view: the browser address holds all settings."),
    # popups and legends
    "provider": ("Träger", "Provider"),
    "life_phases": ("Lebensphasen", "Life phases"),
    "sectors": ("Bereiche", "Sectors"),
    "category": ("Kategorie", "Category"),
    "categories": ("Kategorien", "Categories"),
    "audience": ("Zielgruppe", "Audience"),
    "cost_free": ("kostenfrei", "free of charge"),
    "barrier_free": ("barrierefrei", "barrier-free"),
    "languages": ("Sprachen", "Languages"),
    "address": ("Adresse", "Address"),
    "contact": ("Kontakt", "Contact"),
    "contact_person": ("Ansprechperson", "Contact person"),
    "last_updated": ("Stand", "Last updated"),
    "capacity": ("Plätze", "Places"),
    "service_area": ("Einzugsgebiet", "Service area"),
    "whole_city": ("ganze Stadt", "whole city"),
    "valid": ("gültig", "valid"),
    "yes": ("ja", "yes"),
    "no": ("nein", "no"),
    "sector": ("Bereich", "Sector"),
    "legal_domain": ("Rechtskreis", "Legal domain"),
    "networks": ("Netzwerke", "Networks"),
    "layer_offers": ("Angebote", "Offers"),
    "layer_outreach": ("Aufsuchende Angebote (Einzugsgebiete)", "Outreach offers (service areas)"),
    "layer_family_centres": ("Familienzentren", "Family centres"),
    "layer_partners": ("Netzwerkpartner", "Network partners"),
    "layer_grid": ("Bevölkerungsraster", "Population grid"),
    "layer_focus": ("Ausgewählter Sozialraum", "Selected district"),
    "persons": ("Personen", "persons"),
    "share_of_population": ("% der Bevölkerung", "% of population"),
    "per_km2": ("Personen je km²", "persons per km²"),
    "target_population": ("Zielgruppe", "Target population"),
    "estimated": ("geschätzt (Altersgruppe aufgeteilt)", "estimated (age band split)"),
    "source": ("Quelle", "Source"),
    "year": ("Jahr", "Year"),
    "classes": ("Klassen", "Classes"),
    "legend_symbols": ("Symbole der Angebote und Partner", "Symbols of offers and partners"),
    "population_register": ("Bevölkerung des Arbeitsbereichs", "Workspace population"),
}


def t(key: str, lang: str = "de", **params) -> str:
    """The text for ``key`` in ``lang``; unknown keys raise KeyError (caught by tests)."""
    de, en = TEXT[key]
    text = en if lang == "en" else de
    return text.format(**params) if params else text
