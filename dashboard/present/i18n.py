"""UI texts in German (default) and English: ``t(key, lang, **params)``."""

from __future__ import annotations

import pandas as pd

LANGUAGES = {"de": "Deutsch", "en": "English"}

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("Präventionsatlas", "Prevention Atlas"),
    "not_disclosed": ("keine Angabe", "not disclosed"),
    "fictional_default": ("Fiktive Demodaten", "Fictional demo data – no real persons, offers or statistics"),
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
    "district": ("Sozialraum", "District"),
    "parent": ("Stadtbezirk", "Borough"),
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
    "panel_pick": ("Sozialraum in der Karte anklicken oder oben auswählen.", "Click a district on the map or pick it above."),
    "share_link": ("Link zu dieser Ansicht: die Adresse im Browser enthält alle Einstellungen.",
                   "Link to this view: the browser address holds all settings."),
    # coverage pages
    "page_chain": ("Lebenskette", "Life chain"),
    "page_gaps": ("Lücken & Parallelstrukturen", "Gaps & duplicates"),
    "goto_chain": ("Lebenskette: Abdeckung je Sozialraum und Lebensphase", "Life chain: coverage by district and phase"),
    "goto_gaps": ("Lücken, Parallelstrukturen und Übergänge", "Gaps, duplicate offers and transitions"),
    "cov_settings": ("Annahmen", "Assumptions"),
    "cov_radius": ("Fußweg-Entfernung (m)", "Walking distance (m)"),
    "cov_detour": ("Umwegfaktor (Weg ÷ Luftlinie)", "Detour factor (route ÷ straight line)"),
    "cov_min_reach": ("Lücke, wenn weniger erreicht als (%)", "Gap when fewer reached than (%)"),
    "cov_min_ratio": ("… oder weniger Angebote je 1.000 als", "… or fewer offers per 1,000 than"),
    "cov_overlap": ("Parallelstruktur ab gemeinsamer Zielgruppe (%)", "Duplicate from shared target group (%)"),
    "cov_drop": ("Übergang bricht bei Rückgang der Erreichung um (Prozentpunkte)", "Transition breaks at a reach drop of (points)"),
    "cov_need_weighted": ("Nachfrage nach Bedarfsindex gewichten", "Weight demand by the need index"),
    "cov_decay": ("Erreichbarkeit (2SFCA): Entfernung gewichten", "Accessibility (2SFCA): weight by distance"),
    "cov_decay_help": (
        "Klassisch zählt jeder Weg im Einzugsbereich gleich. Gauß: Nähere zählen mehr "
        "(Gewicht exp(−d²/2σ²), σ = halbe Fußweg-Entfernung; am Rand des Einzugsbereichs 0,14).",
        "Classic: every walk within the catchment counts the same. Gaussian: nearer counts more "
        "(weight exp(−d²/2σ²), σ = half the walking distance; 0.14 at the catchment's edge).",
    ),
    "access_rule.none": ("Erreichbarkeit (2SFCA): jeder Weg im Einzugsbereich zählt gleich.",
                         "Accessibility (2SFCA): every walk within the catchment counts the same."),
    "access_rule.gaussian": ("Erreichbarkeit (2SFCA): Nähere zählen mehr (Gauß-Gewichtung, σ = {sigma}).",
                             "Accessibility (2SFCA): nearer counts more (Gaussian weight, σ = {sigma})."),
    "decay.none": ("klassisch (gleich)", "classic (equal)"),
    "decay.gaussian": ("Gauß (Nähere zählen mehr)", "Gaussian (nearer counts more)"),
    "measure_choice": ("Kennzahl", "Measure"),
    "city_row": ("Stadt gesamt", "Whole city"),
    "chain_hint": (
        "Zelle anklicken (oder unten wählen), um Angebote und Zahlen dahinter zu sehen. Rot: unter der Schwelle.",
        "Click a cell (or pick below) to see its offers and the numbers behind it. Red: below the threshold.",
    ),
    "numbers_behind": ("Zahlen dahinter", "Numbers behind it"),
    "reached_cells": ("erreicht", "reached"),
    "unreached_cells": ("nicht erreicht", "not reached"),
    "offers_serving": ("Angebote für diese Zelle", "Offers for this cell"),
    "transitions_here": ("Übergänge in diesem Sozialraum", "Transitions in this district"),
    "no_transitions": ("Keine abbrechenden Übergänge.", "No broken transitions."),
    "need_rank": ("Bedarfsindex-Rang", "Need index rank"),
    "need_class": ("Bedarfsklasse", "Need class"),
    "need_map_title": ("Bedarf nach Bedarfsindex (Fünftel der Sozialräume)", "Need by need index (fifths of districts)"),
    "need_level_1": ("sehr niedrig", "very low"),
    "need_level_2": ("niedrig", "low"),
    "need_level_3": ("mittel", "medium"),
    "need_level_4": ("hoch", "high"),
    "need_level_5": ("sehr hoch", "very high"),
    "tab_gaps": ("Lücken", "Gaps"),
    "tab_duplicates": ("Parallelstrukturen", "Duplicates"),
    "tab_transitions": ("Übergänge", "Transitions"),
    "n_gaps": ("{n} Lücken, nach Rang", "{n} gaps, by rank"),
    "gap_rank_rule": ("Rang: zuerst die Lebensphasen mit Vorrang ({phases}), darin nach nicht erreichten Personen × "
                      "Anteil nicht erreicht × Bedarfsgewicht des Sozialraums (ohne Sozialindikatoren 1), alles aus "
                      "veröffentlichten Zahlen; ist die Zahl der Erreichten geheim, zählt die Untergrenze der "
                      "Lückenregel.",
                      "Rank: the phases with priority first ({phases}), within them by persons not reached × share "
                      "not reached × the district's need weight (1 without social indicators), all from published "
                      "figures; where the count reached is withheld, the gap rule's lower bound counts."),
    "n_duplicates": ("{n} Paare von Angeboten gleicher Lebensphase und Kategorie mit überlappendem Einzugsgebiet",
                     "{n} pairs of offers of the same phase and category with overlapping catchments"),
    "n_transitions": ("{n} abbrechende Übergänge", "{n} broken transitions"),
    "download_csv": ("CSV herunterladen", "Download CSV"),
    "download_xlsx": ("Alle Tabellen als Excel (XLSX)", "All tables as Excel (XLSX)"),
    "phases_shown": ("Lebensphasen", "Life phases"),
    "map_gaps": ("Lücken je Sozialraum", "Gaps per district"),
    "rules_note": (
        "Erreichung: Anteil der Zielgruppe, die in {walk} ein passendes Angebot "
        "vor Ort hat oder in einem Sozialraum wohnt, den ein aufsuchendes Angebot abdeckt.",
        "Reach: share of the target group within {walk} of a matching "
        "offer, or living in a district covered by an outreach offer.",
    ),
    "tab_difference": ("Luftlinie vs. Straßennetz", "Straight line vs. streets"),
    "show_partners": ("Netzwerkpartner auf der Karte zeigen", "Show network partners on the map"),
    "layer_district_names": ("Namen der Sozialräume", "District names"),
    "ranking_title": ("Rangfolge der Sozialräume: {title}", "Districts ranked: {title}"),
    "ranking_open": ("Rangfolge aller Sozialräume", "All districts ranked"),
    "heading.rank": ("Rang", "Rank"),
    "heading.class": ("Klasse (Karte)", "Class (map)"),
    "grid_estimated": ("geschätzt: Melderegister auf das Raster verteilt", "estimated: register distributed over the grid"),
    "layer_changed_cells": ("Wo sich die Erreichung ändert", "Where reach changes"),
    "change.lost": ("nur Luftlinie erreicht (auf den Straßen zu weit)", "reached by straight line only (too far on the streets)"),
    "change.gained": ("nur auf den Straßen erreicht (Umwegfaktor zu vorsichtig)",
                      "reached on the streets only (detour factor too cautious)"),
    "changed_cells_phase": ("Lebensphase auf der Karte", "Life phase on the map"),
    "n_changed_cells": ("{lost} Rasterzellen verlieren die Erreichung, {gained} gewinnen sie.",
                        "{lost} grid cells lose their reach, {gained} gain it."),
    "difference_hint": ("Warum haben sich die Zahlen geändert? Erreichung je Sozialraum und Lebensphase: gemessen als "
                        "{walk} statt als Luftlinie × {detour}; größte Unterschiede zuerst.",
                        "Why did the numbers change? Reach per district and life phase: measured as {walk} instead "
                        "of straight line × {detour}; largest changes first."),
    "walk_area_tip": ("bis {minutes} min zu Fuß", "up to {minutes} min on foot"),
    "layer_walking_areas": ("Gehzeit-Bereiche", "Walking areas"),
    "walk_area_start": ("Startpunkt", "Starting point"),
    "walk_from_site": ("… oder ab einem Angebot / Familienzentrum", "… or from an offer / family centre"),
    "walk_from_site_none": ("— Standort wählen —", "— choose a site —"),
    "site_offer": ("Angebot", "offer"),
    "site_centre": ("Familienzentrum", "family centre"),
    "click_mode": ("Ein Klick in die Karte …", "A click on the map …"),
    "click_mode_district": ("wählt den Sozialraum", "picks the district"),
    "click_mode_walk": ("zeigt die Gehzeit-Bereiche ab dort", "shows the walking areas from there"),
    "walk_areas_title": ("Wer wohnt in Gehweite? (5, 10, 15 Minuten ab dem Klickpunkt, {speed} km/h)",
                         "Who lives within walking distance? (5, 10, 15 minutes from the clicked point, {speed} km/h)"),
    "cell_key_note": ("Zahlen frei gewählter Gebiete (Gehzeit-Bereiche, Einzugsbereiche) sind nach dem "
                      "Cell-Key-Verfahren der Statistischen Ämter um höchstens {deviation} Personen verändert, damit "
                      "niemand durch den Vergleich zweier Gebiete erkannt werden kann. Darum kann ein Gebiet um ein "
                      "oder zwei von der Summe seiner Teile abweichen; dasselbe Gebiet zeigt immer dieselbe Zahl.",
                      "Figures of freely chosen areas (walking areas, catchments) are changed by at most {deviation} "
                      "persons with the statistical offices' cell-key method, so that nobody can be singled out by "
                      "comparing two areas. An area may therefore differ by one or two from the sum of its parts; the "
                      "same area always shows the same figure."),
    "cell_key_missing": ("Personenzahlen frei gewählter Gebiete werden nicht gezeigt: der Schlüssel des "
                         "Arbeitsbereichs (Datei „….gpkg.key“ neben dem Arbeitsbereich) fehlt und kann nicht angelegt "
                         "werden. Bitte den Betrieb informieren.",
                         "Person counts of freely chosen areas are not shown: the workspace's key (file '….gpkg.key' "
                         "beside the workspace) is missing and cannot be created. Please tell the operator."),
    "walk_areas_hint": ("Auf die Karte klicken: Gehzeit-Bereiche ab dieser Stelle.",
                        "Click on the map: walking areas from that spot."),
    "walk_areas_need_streets": ("Gehzeit-Bereiche brauchen ein Straßennetz im Arbeitsbereich (Rezept: [streets], "
                                "oder 'python -m dashboard streets').",
                                "Walking areas need a street network in the workspace (recipe: [streets], or "
                                "'python -m dashboard streets')."),
    "site_sentence": ("Standort {rank} – {place} {where}: erreicht {n} Personen ({phases}), die heute nicht erreicht "
                      "werden, davon {high} in Sozialräumen mit hohem Bedarf.",
                      "Site {rank} – {place} {where}: reaches {n} persons ({phases}) not reached today, {high} of "
                      "them in districts of high need."),
    "site_unnamed": ("ohne Namen", "unnamed"),
    "site_near": ("nahe {address}", "near {address}"),
    "site_in_district": ("({district})", "({district})"),
    "site_outside": ("(außerhalb der Sozialräume)", "(outside the districts)"),
    "sites_summary": ("Die {k} vorgeschlagenen Standorte erreichen zusammen {n} Personen ({phases}), die heute nicht "
                      "erreicht werden (heute nicht erreicht: {left}); davon {high} in Sozialräumen mit hohem Bedarf.",
                      "The {k} proposed sites together reach {n} persons ({phases}) not reached today (not reached "
                      "today: {left}); {high} of them in districts of high need."),
    "sites_none": ("Kein möglicher Standort erreicht Personen ({phases}), die heute nicht erreicht werden.",
                   "No candidate site reaches persons ({phases}) not reached today."),
    "sites_assumptions": ("Annahmen: {rule}; bestehende Angebote ({today}) zählen als erreichend; {need}; mögliche "
                          "Standorte: {source}; Datenstand {stand}; {exact}.",
                          "Assumptions: {rule}; existing offers ({today}) count as reaching; {need}; candidate "
                          "sites: {source}; data as of {stand}; {exact}."),
    "sites_all_offers": ("alle im Arbeitsbereich", "all in the workspace"),
    "sites_valid_on": ("gültig am {day}", "valid on {day}"),
    "sites_need_weighted": ("Personen gewichtet nach dem Bedarfsindex ihres Sozialraums",
                            "persons weighted by their district's need index"),
    "sites_not_need_weighted": ("jede Person zählt gleich (ohne Bedarfsgewichtung)",
                                "every person counts alike (no need weighting)"),
    "sites_source.layer": ("{n} aus der Liste der Planung", "{n} from the planner's list"),
    "sites_source.addresses": ("{n} aus dem Adressverzeichnis", "{n} from the address list"),
    "sites_source.grid": ("{n} Mittelpunkte bewohnter Rasterzellen", "{n} centres of populated grid cells"),
    "sites_thinned": (" (von {given}; je {size}-m-Quadrat einer)", " (of {given}; one per {size} m square)"),
    "sites_exact": ("exakt gelöst (beweisbar bestmögliche Auswahl)", "solved exactly (the proven best choice)"),
    "sites_gap": ("beste in der Rechenzeit gefundene Auswahl, höchstens {gap} % unter dem Optimum",
                  "the best choice found within the time limit, at most {gap} % below the optimum"),
    "walk_network": ("{dist} m Fußweg auf dem Straßennetz", "{dist} m on foot along the streets"),
    "walk_straight": ("{dist} m Fußweg (Luftlinie × {detour}; kein Straßennetz im Arbeitsbereich)",
                      "{dist} m on foot (straight line × {detour}; no street network in the workspace)"),
    "cov_detour_network": ("Umwegfaktor: entfällt, gemessen wird auf dem Straßennetz",
                           "Detour factor: not used, distances are walked along the streets"),
    # profile page
    "page_profile": ("Sozialraumprofil", "District profile"),
    "goto_profile": ("Sozialraumprofil mit PDF und Tabellen", "District profile with PDF and tables"),
    "open_profile": ("Sozialraumprofil öffnen", "Open the district profile"),
    "need_rank_of": ("Bedarfsindex Rang {rank} von {of}", "Need index rank {rank} of {of}"),
    "col_persons": ("Personen", "Persons"),
    "col_share": ("Anteil %", "Share %"),
    "col_city_share": ("Stadt %", "City %"),
    "indicators_title": ("Sozialindikatoren im Vergleich", "Social indicators compared"),
    "col_value": ("Wert", "Value"),
    "col_previous": ("Vorjahr", "Previous year"),
    "col_change": ("Veränderung", "Change"),
    "col_city": ("Stadt", "City"),
    "col_unit": ("Einheit", "Unit"),
    "offers_by_phase": ("Angebote nach Lebensphase", "Offers by life phase"),
    "col_offer": ("Angebot", "Offer"),
    "col_where": ("Ort", "Where"),
    "downloads": ("Herunterladen", "Downloads"),
    "download_pdf": ("PDF dieses Sozialraums", "PDF of this district"),
    "download_city_pdf": ("Gesamtbericht der Stadt (PDF, etwa 15 s)", "Whole-city report (PDF, about 15 s)"),
    "download_map_png": ("Karte als PNG (Präsentation)", "Map as PNG (presentation)"),
    "download_chart_png": ("Diagramm Bevölkerung (PNG)", "Population chart (PNG)"),
    "download_chart_svg": ("Diagramm Bevölkerung (SVG)", "Population chart (SVG)"),
    "download_chain_png": ("Lebenskette (PNG)", "Life chain (PNG)"),
    "download_xlsx_profile": ("Tabellen als Excel (XLSX)", "Tables as Excel (XLSX)"),
    "sheet_population": ("Bevölkerung", "Population"),
    "sheet_indicators": ("Indikatoren", "Indicators"),
    "sheet_coverage": ("Abdeckung (Erreichung)", "Coverage (reach)"),
    "sheet_gaps": ("Lücken", "Gaps"),
    "sheet_offers": ("Angebote", "Offers"),
    "download_layer": ("Ebene zum Herunterladen", "Layer to download"),
    "download_layer_csv": ("Gefilterte Ebene (CSV)", "Filtered layer (CSV)"),
    "download_layer_geojson": ("Gefilterte Ebene (GeoJSON)", "Filtered layer (GeoJSON)"),
    "download_map_view_png": ("Kartenansicht als PNG", "Map view as PNG"),
    # presentation
    "page_present": ("Präsentation", "Presentation"),
    "present_on": ("Präsentationsmodus starten", "Start presentation mode"),
    "present_off": ("Beenden", "Exit"),
    "present_districts": ("Sozialräume für die Präsentation", "Districts to present"),
    "present_prev": ("◀ Zurück", "◀ Previous"),
    "present_next": ("Weiter ▶", "Next ▶"),
    "slide_of": ("Folie {i} von {n}", "Slide {i} of {n}"),
    "slide_city": ("Überblick {city}", "Overview {city}"),
    "slide_chain": ("Lebenskette: Erreichung je Sozialraum und Lebensphase", "Life chain: reach by district and phase"),
    "slide_gaps": ("Wichtigste Lücken", "Main gaps"),
    "no_gaps": ("Keine Lücke und kein Bruch im Übergang nach der gewählten Regel.",
                "No gap and no broken transition under the chosen rule."),
    "present_hint": (
        "Wählen Sie Sozialräume und starten Sie die Präsentation: Seitenleiste und Bedienelemente werden "
        "ausgeblendet, Schrift und Karten vergrößert.",
        "Choose districts and start: the sidebar and controls are hidden, fonts and maps enlarged.",
    ),
    # editing
    "page_edit": ("Angebote pflegen", "Maintain offers"),
    "edit_needs_login": ("Zum Pflegen bitte als Planung oder Netzwerkpartner anmelden (Seite „Anmeldung“).",
                         "Please sign in as planner or partner to maintain offers (page 'Sign in')."),
    "edit_layer": ("Ebene", "Layer"),
    "edit_record": ("Eintrag", "Record"),
    "edit_new": ("— neuer Eintrag —", "— new record —"),
    "edit_stale": ("{n} Angebote wurden seit über 18 Monaten nicht aktualisiert (⚠).",
                   "{n} offers have not been updated for over 18 months (⚠)."),
    "edit_stale_short": ("veraltet", "stale"),
    "edit_save": ("Speichern", "Save"),
    "edit_saved": ("Gespeichert.", "Saved."),
    "edit_unchanged": ("Nichts geändert – nichts gespeichert.", "Nothing changed – nothing saved."),
    "edit_position_missing": ("Bitte die Lage angeben: Adresse suchen, in die Karte klicken oder Breite/Länge "
                              "eintragen.", "Please give the position: search an address, click the map or enter "
                              "latitude/longitude."),
    "edit_latitude": ("Breite (WGS84)", "Latitude (WGS84)"),
    "edit_longitude": ("Länge (WGS84)", "Longitude (WGS84)"),
    "edit_retire": ("Stilllegen (nicht löschen)", "Retire (not delete)"),
    "edit_retired": ("Stillgelegt.", "Retired."),
    "edit_conflict": ("Jemand anderes hat diesen Eintrag inzwischen gespeichert. Ihre Änderung wurde nicht "
                      "übernommen: bitte Eintrag neu laden und erneut eintragen.",
                      "Someone else saved this record in the meantime. Your change was not saved: reload the "
                      "record and apply it again."),
    "edit_denied": ("Diese Änderung ist für Ihre Rolle nicht erlaubt.", "Your role may not make this change."),
    "edit_invalid": ("Die Änderung wurde nicht gespeichert, weil die Daten nicht gültig wären:",
                     "The change was not saved because the data would be invalid:"),
    "edit_history": ("Änderungsverlauf", "Change history"),
    "district_name_field": ("Name", "Name"),
    # import wizard
    "page_import": ("Import-Assistent", "Import wizard"),
    "import_needs_planner": ("Importieren dürfen nur angemeldete Planerinnen und Planer.",
                             "Only signed-in planners may import."),
    "import_file": ("Datei mit Angeboten, Familienzentren oder Partnern (CSV oder XLSX)",
                    "File with offers, family centres or partners (CSV or XLSX)"),
    "import_hint": ("Spalten, Trennzeichen (; oder ,) und deutsche Zahlen (1.234,5) werden erkannt. Nichts "
                    "wird gespeichert, bevor alle Zeilen geprüft sind.",
                    "Columns, separators (; or ,) and German numbers (1.234,5) are recognised. Nothing is "
                    "saved before every row has been checked."),
    "import_rows": ("{n} Zeilen in {file}; Vorschau der ersten 20:", "{n} rows in {file}; first 20:"),
    "import_columns": ("Spalten zuordnen (\\* = Pflicht)", "Map columns (\\* = required)"),
    "import_x": ("Rechtswert / x", "Easting / x"),
    "import_y": ("Hochwert / y", "Northing / y"),
    "import_crs": ("Koordinatensystem (EPSG)", "Coordinate system (EPSG)"),
    "import_constants": ("Werte für alle Zeilen (wo keine Spalte zugeordnet ist)",
                         "Values for all rows (where no column is mapped)"),
    "import_words": ("Begriffe der Datei den Lebensphasen zuordnen", "Map the file's words to life phases"),
    "import_check": ("Prüfen", "Check"),
    "import_problems_one": ("1 Problem – nichts wurde gespeichert. Bitte Datei oder Zuordnung korrigieren:",
                            "1 problem – nothing was saved. Please correct the file or the mapping:"),
    "import_problems": ("{n} Probleme – nichts wurde gespeichert. Bitte Datei oder Zuordnung korrigieren:",
                        "{n} problems – nothing was saved. Please fix the file or the mapping:"),
    "import_ready": ("Keine Probleme: {n} Einträge können übernommen werden.", "No problems: {n} records ready."),
    "import_commit": ("Übernehmen", "Take over"),
    "import_position": ("Lage aus", "Position from"),
    "import_position_xy": ("Koordinatenspalten", "coordinate columns"),
    "import_position_address": ("Adressen (Adressverzeichnis, offline)", "addresses (address directory, offline)"),
    "import_address": ("Spalte mit der Adresse („Straße Nr, PLZ Ort“)", "Address column ('Street No, postcode place')"),
    "import_address_hint": ("Abgleich mit {n} Hauskoordinaten des Arbeitsstands; kein Online-Dienst.",
                            "Matched against the workspace's {n} house coordinates; no online service."),
    "import_done": ("{n} Einträge übernommen.", "{n} records taken over."),
    "import_layout": ("Kopfzeile in Zeile {header}; nicht als Daten gelesen: {skipped}.",
                      "Header in row {header}; not read as data: {skipped}."),
    "import_layout_plain": ("Kopfzeile in Zeile {header}.", "Header in row {header}."),
    "skipped_row.total": ("Zeile {row} (Summe)", "row {row} (total)"),
    "skipped_row.footnote": ("Zeile {row} (Fußnote)", "row {row} (footnote)"),
    "import_not_set": ("nicht gesetzt", "not set"),
    "import_unknown_unless_set": ("unbekannt (nicht gesetzt)", "unknown (not set)"),
    "import_set_for_all": ("alle {n} Zeilen: {field} = {value} – von Ihnen gesetzt",
                           "all {n} rows: {field} = {value} – set by you"),
    "import_yes_no_words": ("Wörter der Datei für „{field}“: ja, nein oder unbekannt?",
                            "The file's words for '{field}': yes, no or unknown?"),
    "import_empty_cell": ("(leere Zelle)", "(empty cell)"),
    "skipped_row.empty": ("Zeile {row} (leer)", "row {row} (empty)"),
    "import_position_parts": ("Adresse in Spalten (Straße, Hausnr., PLZ, Ort)",
                              "address in columns (street, number, postcode, place)"),
    "import_part.street": ("Straße", "Street"),
    "import_part.number": ("Hausnummer", "House number"),
    "import_part.postcode": ("PLZ (wenn vorhanden)", "Postcode (if given)"),
    "import_part.place": ("Ort (wenn vorhanden)", "Place (if given)"),
    "import_no_numbers": ("Keine Spalte mit Zahlen für Koordinaten – bitte die Lage aus den Adressen nehmen.",
                          "No column of numbers for coordinates – please take the position from the addresses."),
    "import_words_hint": ("Vorschlag aus den Altersangaben und Wörtern der Datei (z. B. „U3“, „Kinder 3-6“, "
                          "„Schwangere“) – bitte prüfen.",
                          "Proposed from the ages and words in the file (e.g. 'U3', 'Kinder 3-6', 'Schwangere') – "
                          "please check."),
    "import_unmatched": ("{n} Zeilen: Adresse nicht gefunden. Die anderen {ok} können Sie trotzdem übernehmen; die "
                         "Liste der {n} laden Sie herunter, um sie nachzutragen.",
                         "{n} rows: address not found. You can still take over the other {ok}; download the list of "
                         "the {n} to add them later."),
    "import_commit_matched": ("Die {ok} gefundenen Zeilen übernehmen", "Take over the {ok} rows found"),
    "import_unmatched_download": ("Liste der {n} nicht gefundenen (CSV)", "List of the {n} not found (CSV)"),
    "import_id_generated": ("leer lassen: wird erzeugt", "leave empty: generated"),
    "field.offer_id": ("Angebots-Nr.", "Offer no."),
    "field.centre_id": ("Nr. des Familienzentrums", "Family centre no."),
    "field.partner_id": ("Partner-Nr.", "Partner no."),
    "field.name": ("Name", "Name"),
    "field.provider": ("Träger", "Provider"),
    "field.organisation": ("Organisation", "Organisation"),
    "field.category": ("Kategorie", "Category"),
    "field.sectors": ("Bereiche", "Sectors"),
    "field.sector": ("Bereich", "Sector"),
    "field.legal_domain": ("Rechtskreis", "Legal domain"),
    "field.life_phases": ("Lebensphasen / Zielgruppe", "Life phases / target group"),
    "field.topic": ("Thema", "Topic"),
    "field.audience": ("Adressaten", "Audience"),
    "field.service_area": ("Einzugsgebiet (Sozialräume)", "Service area (districts)"),
    "field.capacity": ("Plätze", "Places"),
    "field.cost_free": ("kostenfrei", "free of charge"),
    "field.barrier_free": ("barrierefrei", "barrier-free"),
    "field.languages": ("Sprachen", "Languages"),
    "field.valid_from": ("gültig ab", "valid from"),
    "field.valid_to": ("gültig bis", "valid to"),
    "field.last_updated": ("Stand", "Last updated"),
    "field.address": ("Adresse (Anzeige)", "Address (shown)"),
    "field.description": ("Beschreibung", "Description"),
    "field.contact_public": ("Kontakt (öffentlich)", "Contact (public)"),
    "field.contact_person": ("Ansprechperson", "Contact person"),
    "field.contact_email": ("E-Mail", "E-mail"),
    "field.contact_phone": ("Telefon", "Phone"),
    # accounts
    "page_account": ("Anmeldung", "Sign in"),
    "alt_population_chart": ("Balkendiagramm der Zielgruppen je Lebensphase in {district}; die Zahlen stehen in der "
                             "Tabelle darüber.",
                             "Bar chart of the target groups per life phase in {district}; the figures are in the "
                             "table above."),
    "alt_chain_strip": ("Lebenskette von {district}: {phases}.", "Life chain of {district}: {phases}."),
    "alt_chain_phase.ok": ("{phase} {reach} erreicht", "{phase} {reach} reached"),
    "alt_chain_phase.gap": ("{phase} {reach} erreicht – Lücke", "{phase} {reach} reached – gap"),
    "alt_chain_phase.none": ("{phase} ohne Zielgruppe", "{phase} no target group"),
    "alt_need_map": ("Karte der Sozialräume nach Bedarfsindex (dunkler = höherer Bedarf); höchster Bedarf: {top}.",
                     "Map of the districts by need index (darker = higher need); highest need: {top}."),
    "alt_chain_matrix": ("Matrix der Lebenskette: {n} Sozialräume × {k} Lebensphasen, {gaps} Lücken rot markiert; "
                         "die Lücken stehen als Text auf der nächsten Folie.",
                         "Life-chain matrix: {n} districts × {k} life phases, {gaps} gaps marked red; the gaps are "
                         "listed as text on the next slide."),
    "page_statement": ("Barrierefreiheit", "Accessibility statement"),
    "statement.title": ("Erklärung zur Barrierefreiheit", "Accessibility statement"),
    "statement.scope": (
        "Der Präventionsatlas soll für alle nutzbar sein, auch mit Screenreader, nur mit der Tastatur, mit "
        "Vergrößerung oder auf einem kleinen Bildschirm. Maßstab sind das Behindertengleichstellungsgesetz NRW "
        "(BGG NRW) und die Barrierefreie-Informationstechnik-Verordnung NRW (BITV NRW), die auf die BITV 2.0 und "
        "damit auf die WCAG 2.1 (Stufe AA) und die EN 301 549 verweist. Diese Erklärung gilt für die Anwendung "
        "mit allen Seiten, auch im Intranet.",
        "The Präventionsatlas is meant for everyone, also with a screen reader, the keyboard alone, magnification "
        "or a small screen. The standard is the NRW disability equality act (BGG NRW) and the NRW accessible IT "
        "ordinance (BITV NRW), which refers to BITV 2.0 and thus to WCAG 2.1 (level AA) and EN 301 549. This "
        "statement covers the application with all its pages, also on an intranet."),
    "statement.status_heading": ("Stand der Vereinbarkeit", "Compliance status"),
    "statement.status.partly": ("Die Anwendung ist mit den Anforderungen **teilweise vereinbar**. Was noch nicht "
                                "barrierefrei ist, steht unten.",
                                "The application is **partly compliant** with the requirements. What is not yet "
                                "accessible is listed below."),
    "statement.status.full": ("Die Anwendung ist mit den Anforderungen **vollständig vereinbar**.",
                              "The application is **fully compliant** with the requirements."),
    "statement.method": (
        "Letzte Prüfung: {date}. Geprüft wurde als Selbstbewertung: automatisch mit axe-core (Regeln der WCAG 2.0 "
        "und 2.1, Stufen A und AA) auf jeder Seite in Deutsch und Englisch, Bedienung nur mit der Tastatur, "
        "Darstellung bei verschiedenen Bildschirmgrößen. Diese Prüfungen laufen bei jeder Änderung der Software mit.",
        "Last check: {date}. Checked as a self-assessment: automatically with axe-core (WCAG 2.0 and 2.1 rules, "
        "levels A and AA) on every page in German and English, operation with the keyboard alone, layout at several "
        "screen sizes. These checks run with every change of the software."),
    "statement.gaps_heading": ("Nicht barrierefreie Inhalte", "Content that is not accessible"),
    "statement.gap.map_visual": (
        "Karten sind Bilder: Was sie zeigen, steht zusätzlich in Tabellen und Listen neben der Karte (Sozialräume mit "
        "Werten, Angebote). Das Verschieben und Zoomen der Karte selbst ist mit der Tastatur nur eingeschränkt möglich.",
        "Maps are pictures: what they show is also given in tables and lists beside the map (districts with values, "
        "offers). Panning and zooming the map itself is only partly possible with the keyboard."),
    "statement.gap.map_colours": (
        "Auf der Karte unterscheiden sich die Angebote der Lebensphasen nur durch ihre Farbe; ihre Lebensphasen "
        "stehen in Worten im Hinweis beim Zeigen auf ein Angebot, in der Legende und in der Liste der Angebote "
        "neben der Karte.",
        "On the map the offers of the life phases differ only by colour; their life phases are given in words in the "
        "tooltip, in the legend and in the list of offers beside the map."),
    "statement.gap.pdf_untagged": (
        "Die PDF-Dateien (Sozialraumprofil, Wegweiser) sind nicht getaggt (kein PDF/UA); dieselben Inhalte gibt es "
        "als Seite der Anwendung und als Tabelle (CSV/XLSX).",
        "The PDF files (district profile, guide) are not tagged (no PDF/UA); the same content is available as a "
        "page of the application and as a table (CSV/XLSX)."),
    "statement.gap.streamlit_widgets": (
        "Einige Bedienelemente stammen aus der Bibliothek Streamlit und werden von Screenreadern nicht immer "
        "vollständig angesagt; wir haben die Fehler an die Entwickler gemeldet.",
        "Some controls come from the Streamlit library and are not always announced fully by screen readers; we "
        "have reported the faults to its developers."),
    "statement.feedback_heading": ("Barrieren melden: Kontakt", "Report a barrier: contact"),
    "statement.feedback": ("Ist Ihnen eine Barriere aufgefallen, oder brauchen Sie Inhalte in einer anderen Form? "
                           "Schreiben Sie uns: {contact}",
                           "Have you found a barrier, or do you need content in another form? Write to us: {contact}"),
    "statement.no_contact": ("die Stelle, die diese Anwendung betreibt (Kontakt noch nicht eingetragen: "
                             "`PRAEVENTIONSATLAS_A11Y_CONTACT`).",
                             "the office that runs this application (contact not yet configured: "
                             "`PRAEVENTIONSATLAS_A11Y_CONTACT`)."),
    "statement.ombuds_heading": ("Durchsetzungsverfahren", "Enforcement procedure"),
    "statement.ombuds": ("Hilft Ihnen unsere Antwort nicht weiter, können Sie sich an die Ombudsstelle wenden "
                         "(§§ 10d, 10e BGG NRW, §§ 9 ff. BITV NRW): {ombuds}",
                         "If our answer does not help you, you can turn to the ombudsperson (§§ 10d, 10e BGG NRW, "
                         "§§ 9 ff. BITV NRW): {ombuds}"),
    "no_auth": ("Keine Anmeldung eingerichtet: die Anwendung läuft nur lesend, ohne persönliche Kontaktdaten.",
                "No sign-in configured: the app runs read-only, without personal contact data."),
    "user_name": ("Benutzername", "User name"),
    "layer_districts": ("Sozialräume", "Districts"),
    # Lotse
    "page_lotse": ("Lotse", "Family guide"),
    "lotse_privacy": ("Angaben zur Familie werden nicht gespeichert und nicht protokolliert; sie verschwinden mit "
                      "dem Schließen des Browserfensters. Die Karte hier lädt nie Kacheln von einem Kartenserver, "
                      "der so die Gegend der Adresse erfahren würde.",
                      "Nothing about the family is stored or logged; it is gone when the browser window closes. "
                      "The map here never loads tiles from a tile server, which would learn the area of the "
                      "address."),
    "lotse_family": ("Familie", "Family"),
    "lotse_pregnant": ("Schwangerschaft", "Pregnancy"),
    "lotse_child_ages": ("Alter der Kinder in Jahren (mit ; trennen, z. B. 0,5; 4 – 0,5 ist ein halbes Jahr)",
                         "Children's ages in years (separate with ;, e.g. 0.5; 4)"),
    "lotse_parents": ("Angebote für die Eltern selbst", "Offers for the parents themselves"),
    "lotse_older": ("Ältere Angehörige", "Older relatives"),
    "lotse_bad_age": ("Kein gültiges Alter (0 bis 27 Jahre): {values}. Diese Angaben werden übergangen.",
                      "Not a valid age (0 to 27 years): {values}. These are ignored."),
    "lotse_filters": ("Auswahl", "Filters"),
    "lotse_max_distance": ("Höchstens Fußweg (m)", "Longest walk (m)"),
    "lotse_where": ("Ausgangspunkt", "Starting point"),
    "lotse_where_address": ("Adresse oder Klick in die Karte", "Address or click on the map"),
    "lotse_where_district": ("Sozialraum", "District"),
    "lotse_district_hint": ("Entfernungen ab der Mitte des Sozialraums.", "Distances from the middle of the district."),
    "lotse_need_place": ("Bitte eine Adresse suchen, in die Karte klicken oder einen Sozialraum wählen.",
                         "Please find an address, click on the map or choose a district."),
    "lotse_need_family": ("Bitte angeben, für wen Angebote gesucht werden (Schwangerschaft, Kinder, Eltern, Ältere).",
                          "Please say who the offers are for (pregnancy, children, parents, older relatives)."),
    "lotse_results": ("{n} passende Angebote, die nächsten zuerst", "{n} matching offers, nearest first"),
    "lotse_list_below": ("Die ganze Liste mit Adressen und Kontakten steht unter der Karte.",
                         "The whole list with addresses and contacts is below the map."),
    "lotse_none": ("Keine passenden Angebote in dieser Entfernung: größeren Fußweg wählen oder Auswahl lockern.",
                   "No matching offers within this distance: allow a longer walk or fewer filters."),
    "lotse_nr": ("Nr.", "No."),
    "lotse_for": ("Für", "For"),
    "lotse_walk": ("Fußweg", "Walk"),
    "lotse_outreach_short": ("kommt nach Hause", "comes to the family"),
    "lotse_walk_note": ("Fußweg geschätzt: Luftlinie × 1,3 bei {speed} km/h.",
                        "Walk estimated: straight line × 1.3 at {speed} km/h."),
    "lotse_walk_note_network": ("Fußweg auf dem Straßennetz bei {speed} km/h.",
                                "Walk along the streets at {speed} km/h."),
    "lotse_slow": ("Langsamer gehen (Kinderwagen, ältere Menschen: 3 km/h)",
                   "Walk slower (pram, older people: 3 km/h)"),
    "lotse_pdf": ("Wegweiser als PDF (1 Seite)", "Guide as PDF (1 page)"),
    # Partner view
    "page_partner": ("Partnersicht", "Partner view"),
    "goto_partner": ("Partnersicht: was die eigenen Angebote erreichen und was in der Umgebung fehlt",
                     "Partner view: what one's own offers reach and what is missing around them"),
    "goto_lotse": ("Lotse: passende Angebote für eine Familie in der Nähe, mit Wegweiser zum Ausdrucken",
                   "Family guide: matching offers near a family, with a printable guide"),
    "goto_networks": ("Netzwerke: wer mit wem zusammenarbeitet, und wo Verbindungen fehlen",
                      "Networks: who works with whom, and where ties are missing"),
    "partner_pick": ("Organisation", "Organisation"),
    "partner_radius": ("Einzugsbereich: Fußweg (m)", "Catchment: walking distance (m)"),
    "partner_facts": ("{sector} · {domain} · {offers} Angebote · Netzwerke: {networks}",
                      "{sector} · {domain} · {offers} offers · networks: {networks}"),
    "partner_updated": ("Zuletzt aktualisiert: {date}", "Last updated: {date}"),
    "partner_stale": ("{n} Angebote wurden länger nicht aktualisiert.", "{n} offers have not been updated for long."),
    "partner_edit": ("Angebote aktualisieren", "Update offers"),
    "barrier_rail": ("der Bahnstrecke", "the railway"),
    "barrier_water": ("dem Gewässer", "the river"),
    "barrier_named": ("{barrier} „{name}“", "{barrier} “{name}”"),
    "and_join": (" und ", " and "),
    "barrier_walk": ("Achtung: Dieses Gebiet wird von {barriers} durchschnitten. Zu Fuß geht es nur über Brücken "
                     "und Übergänge; die Gehweite endet deshalb an manchen Stellen früh.",
                     "Note: this area is cut by {barriers}. On foot the way leads over bridges and crossings only, "
                     "so the walking area ends early in places."),
    "barrier_sites": ("Achtung: Das Einzugsgebiet von {n} Standort(en) ({sites}) wird von {barriers} durchschnitten. "
                      "Zu Fuß geht es nur über Brücken und Übergänge; wer auf der anderen Seite wohnt, hat einen "
                      "weiteren Weg.",
                      "Note: the catchment of {n} site(s) ({sites}) is cut by {barriers}. On foot the way leads over "
                      "bridges and crossings only; people on the other side have a longer way."),
    "partner_reach": ("Zielgruppe im Einzugsbereich", "Target population within reach"),
    "partner_nearby": ("Angebote anderer Träger für dieselben Lebensphasen in der Nähe",
                       "Other providers' offers for the same life phases nearby"),
    "partner_nearby_hint": ("Mögliche Parallelstrukturen oder Kooperationspartner.",
                            "Possible duplicate offers or partners to cooperate with."),
    "partner_gaps": ("Lücken in der Umgebung", "Gaps around"),
    "partner_no_offers": ("Für diese Organisation sind keine Angebote mit Standort erfasst.",
                          "No sited offers are recorded for this organisation."),
    "layer_catchment": ("Einzugsbereich", "Catchment"),
    "layer_nearby": ("Angebote anderer Träger", "Other providers' offers"),
    "col_near_offer": ("Angebot in der Nähe", "Offer nearby"),
    "col_distance": ("Fußweg (m)", "Walk (m)"),
    "col_shared_phases": ("Gemeinsame Lebensphasen", "Shared life phases"),
    "col_city_share_reach": ("Anteil Stadt", "Share of city"),
    # Networks
    "page_networks": ("Netzwerke", "Networks"),
    "page_scenarios": ("Szenarien", "Scenarios"),
    "scenarios_intro": ("Was wäre, wenn …? Ein Szenario ist eine Reihe von Änderungen auf den Ist-Daten (die Ist-Daten "
                        "selbst bleiben unverändert). Geteilte Szenarien sehen alle; auf jeder Auswertungsseite lässt "
                        "sich links statt Ist ein Szenario wählen.",
                        "What if …? A scenario is a set of changes on top of the real data (which stays as it is). "
                        "Everyone sees shared scenarios; every analysis page can show a scenario instead of the real "
                        "data (sidebar)."),
    "scenario_new": ("Neues Szenario", "New scenario"),
    "scenario_name": ("Name", "Name"),
    "scenario_description": ("Beschreibung", "Description"),
    "scenario_shared": ("mit Partnern und Lesenden teilen", "share with partners and viewers"),
    "scenario_create": ("Szenario anlegen", "Create scenario"),
    "scenario_import": ("Szenario aus Datei übernehmen", "Import a scenario file"),
    "scenario_import_file": ("Szenario-Datei (.json)", "Scenario file (.json)"),
    "scenario_import_button": ("Übernehmen", "Import"),
    "scenarios_none_planner": ("Noch kein Szenario: oben ein neues anlegen.", "No scenario yet: create one above."),
    "scenarios_none": ("Es ist kein Szenario geteilt.", "No scenario has been shared."),
    "scenario_pick": ("Szenario", "Scenario"),
    "scenario_is_shared": ("Geteilt: Partner und Lesende sehen es.", "Shared: partners and viewers see it."),
    "scenario_is_draft": ("Entwurf: nur die Planung sieht es.", "Draft: only planners see it."),
    "scenario_changes": ("Änderungen", "Changes"),
    "scenario_no_changes": ("Noch keine Änderung.", "No change yet."),
    "scenario_remove": ("Entfernen", "Remove"),
    "scenario_add_change": ("Änderung hinzufügen", "Add a change"),
    "scenario_change_kind": ("Art der Änderung", "Kind of change"),
    "scenario_kind.add": ("neues Angebot", "new offer"),
    "scenario_kind.add_centre": ("neues Familienzentrum", "new Familienzentrum"),
    "scenario_field.centre_name": ("Name des Familienzentrums", "Name of the Familienzentrum"),
    "scenario_field.service_area": ("Einzugsgebiet (aufsuchend)", "Service area (outreach)"),
    "scenario_whole_city": ("ganze Stadt", "whole city"),
    "scenario_kind.close": ("Angebot entfällt", "offer closes"),
    "scenario_kind.move": ("Angebot zieht um", "offer moves"),
    "scenario_kind.change": ("Angebot ändert sich", "offer changes"),
    "scenario_kind.housing": ("Neubaugebiet", "housing area"),
    "scenario_kind.population": ("Bevölkerung ändert sich", "population changes"),
    "scenario_field.name": ("Name des Angebots", "Name of the offer"),
    "scenario_field.provider": ("Träger", "Provider"),
    "scenario_field.audience": ("Zielgruppe", "Audience"),
    "scenario_field.capacity": ("Plätze", "Places"),
    "scenario_field.life_phases": ("Lebensphasen", "Life phases"),
    "scenario_offer": ("Angebot", "Offer"),
    "scenario_close_from": ("entfällt ab (leer: sofort)", "closes from (empty: at once)"),
    "scenario_housing_name": ("Name des Neubaugebiets", "Name of the housing area"),
    "scenario_housing_centre": ("Mitte (Adresse)", "Centre (address)"),
    "scenario_housing_size": ("Seitenlänge (m)", "Side length (m)"),
    "scenario_percent": ("Veränderung (%)", "Change (%)"),
    "scenario_add": ("Änderung speichern", "Save change"),
    "scenario_share": ("Teilen", "Share"),
    "scenario_unshare": ("Nicht mehr teilen", "Stop sharing"),
    "scenario_delete_sure": ("Ja, Szenario löschen", "Yes, delete the scenario"),
    "scenario_delete": ("Szenario löschen", "Delete scenario"),
    "scenario_effect_title": ("Wirkung: Szenario − Ist", "Effect: scenario − now"),
    "scenario_day": ("Stichtag", "Day"),
    "scenario_day_help": ("Angebote, die vor diesem Tag enden, zählen nicht mehr (leer: alle).",
                          "Offers ending before this day no longer count (empty: all)."),
    "scenario_download_pdf": ("Ratsvorlage (PDF)", "Council paper (PDF)"),
    "scenario_download_xlsx": ("Tabelle (XLSX)", "Table (XLSX)"),
    "scenario_download_file": ("Szenario-Datei (JSON)", "Scenario file (JSON)"),
    "layer_scenario_offers": ("Neue Angebote (Szenario)", "New offers (scenario)"),

    "layer_scenario_difference": ("Szenario − Ist: erreichte Personen, {phase}", "Scenario − now: persons reached, {phase}"),
    "difference_class.more": ("mehr erreicht", "more reached"),
    "difference_class.same": ("unverändert", "unchanged"),
    "difference_class.less": ("weniger erreicht", "fewer reached"),
    "difference_class.withheld": ("keine Angabe (Geheimhaltung)", "not disclosed (secrecy)"),
    "layer_housing": ("Neubaugebiete (Szenario)", "Housing areas (scenario)"),
    "layer_proposed_sites": ("Vorgeschlagene Standorte", "Proposed sites"),

    "scenario_choice": ("Daten: Ist oder Szenario", "Data: now or a scenario"),
    "scenario_ist": ("Ist (heutige Daten)", "Now (real data)"),
    "scenario_notice": ("Szenario „{name}“: Was-wäre-wenn-Rechnung, keine Ist-Daten. Personenzahlen aus den "
                        "geheimhaltungsgeschützten Ist-Zahlen abgeleitet.", "Scenario “{name}”: a what-if, not the "
                        "real data. Person counts derived from the protected real figures."),
    "scenario_broken": ("Das Szenario „{name}“ lässt sich nicht mehr anwenden ({detail}); gezeigt wird Ist.",
                        "The scenario “{name}” no longer applies ({detail}); showing the real data."),

    "page_sites": ("Standortvorschlag", "Site suggestion"),
    "sites_intro": ("Wohin sollen die nächsten Angebote? Für Lebensphasen, eine Zahl neuer Angebote und einen Fußweg "
                    "schlägt der Atlas die Standorte vor, die zusammen die meisten Personen erreichen, die heute kein "
                    "passendes Angebot erreicht (exakt gelöst; bestehende Angebote zählen als erreichend).",
                    "Where should the next offers go? For life phases, a number of new offers and a walking distance, "
                    "the atlas proposes the sites that together reach the most persons no matching offer reaches "
                    "today (solved exactly; existing offers count as reaching)."),
    "sites_phases_help": ("Mehrere Lebensphasen für ein Familienzentrum: ihre Personen zählen zusammen.",
                          "Several life phases for a Familienzentrum: their persons count together."),
    "sites_k": ("Anzahl neuer Standorte", "Number of new sites"),
    "sites_candidates": ("Mögliche Standorte", "Candidate sites"),
    "sites_candidates.grid": ("bewohnte Rasterzellen", "populated grid cells"),
    "sites_candidates.addresses": ("Adressverzeichnis", "address list"),
    "sites_candidates.layer": ("eigene Liste (Datei unten)", "own list (file below)"),
    "sites_candidates_file": ("Eigene Liste: Schulen, Kitas, Gemeinschaftsräume … (CSV/XLSX mit Adresse oder "
                              "Koordinaten, GeoPackage/GeoJSON)", "Own list: schools, Kitas, community buildings … "
                              "(CSV/XLSX with address or coordinates, GeoPackage/GeoJSON)"),
    "sites_need_weighted_choice": ("nach Bedarfsindex gewichten (Ungleiches ungleich behandeln)",
                                   "weight by the need index"),
    "sites_compute": ("Vorschlag berechnen", "Compute the proposal"),
    "sites_result": ("Vorschlag", "Proposal"),
    "sites_col.rank": ("Nr.", "No."),
    "sites_col.label": ("Standort", "Site"),
    "sites_col.district_name": ("Sozialraum", "District"),
    "sites_col.new_persons": ("neu erreicht (Personen)", "newly reached (persons)"),
    "sites_col.new_persons_high_need": ("davon in Sozialräumen mit hohem Bedarf", "of them in districts of high need"),
    "sites_to_scenario": ("Als Szenario übernehmen", "Turn into a scenario"),
    "sites_scenario_name": ("Standortvorschlag {date}", "Site proposal {date}"),
    "sites_make_scenario": ("Szenario anlegen", "Create the scenario"),
    "sites_new_offer": ("Neuer Standort {n} ({place})", "New site {n} ({place})"),
    "sites_scenario_made": ("Szenario „{name}“ angelegt: unter „Szenarien“ und auf jeder Auswertungsseite wählbar.",
                            "Scenario “{name}” created: on the Scenarios page and on every analysis page."),

    "scenario_change.add_offers": ("Neues Angebot „{name}“ ({phases})", "New offer “{name}” ({phases})"),
    "scenario_change.add_family_centres": ("Neues Familienzentrum „{name}“", "New Familienzentrum “{name}”"),
    "scenario_change.close": ("„{name}“ entfällt", "“{name}” closes"),
    "scenario_change.close_on": ("„{name}“ entfällt ab {day}", "“{name}” closes from {day}"),
    "scenario_change.move": ("„{name}“ zieht an einen neuen Standort", "“{name}” moves to a new site"),
    "scenario_change.change": ("„{name}“ ändert: {what}", "“{name}” changes: {what}"),
    "scenario_change.housing": ("Neubaugebiet „{name}“: {persons} Personen", "New housing area “{name}”: {persons} persons"),
    "scenario_change.population": ("Bevölkerung {district}, {phase}: {percent}", "Population {district}, {phase}: {percent}"),
    "scenario_gap.closed": ("Lücke geschlossen", "gap closed"),
    "scenario_gap.opened": ("neue Lücke", "new gap"),
    "scenario_gap.same": ("–", "–"),
    "scenario_col.target": ("Zielgruppe Ist → Szenario", "Target population now → scenario"),
    "scenario_col.reached_ist": ("Erreicht Ist", "Reached now"),
    "scenario_col.reached_scenario": ("Erreicht Szenario", "Reached in scenario"),
    "scenario_col.reached_change": ("Veränderung", "Change"),
    "scenario_col.share": ("Anteil erreicht Ist → Szenario", "Share reached now → scenario"),
    "scenario_col.offers": ("Angebote Δ", "Offers Δ"),
    "scenario_col.gap": ("Lücke", "Gap"),
    "scenario_col.duplicates": ("Parallelstrukturen Δ", "Duplicate offers Δ"),
    "scenario_effect.gaps_closed": ("{n} Lücke(n) geschlossen: {which}.", "{n} gap(s) closed: {which}."),
    "scenario_effect.gaps_opened": ("{n} neue Lücke(n): {which}.", "{n} new gap(s): {which}."),
    "scenario_effect.more": ("{phase}: {n} Personen mehr erreicht als heute.", "{phase}: {n} more persons reached than today."),
    "scenario_effect.fewer": ("{phase}: {n} Personen weniger erreicht als heute.", "{phase}: {n} fewer persons reached than today."),
    "scenario_effect.reached_withheld": ("{phase}: die Veränderung ist in mindestens einem Sozialraum zu klein, um sie zu zeigen (Geheimhaltung).",
                                         "{phase}: the change is too small to be shown in at least one district (statistical secrecy)."),
    "scenario_effect.duplicates": ("{n} neue Parallelstruktur(en) (gleichartige Angebote mit überlappendem Einzugsbereich).",
                                   "{n} new duplicate offer pair(s) (alike offers with overlapping catchments)."),
    "scenario_effect.none": ("Das Szenario ändert keine der Kennzahlen.", "The scenario changes none of the measures."),
    "scenario_assumptions": ("Annahmen: {rule}; Stichtag: {day}; Personenzahlen gerundet und geheimhaltungsgeschützt "
                             "(Veränderungen frei gewählter Gebiete nach dem Cell-Key-Verfahren, daher ± wenige Personen); "
                             "Neubaugebiete und Bevölkerungsänderungen sind Annahmen der Planung; die 2SFCA-Erreichbarkeit "
                             "rechnet mit der heutigen Bevölkerung.",
                             "Assumptions: {rule}; day: {day}; person counts rounded and protected (changes of freely "
                             "chosen areas by the cell-key method, hence ± a few persons); housing areas and population "
                             "changes are the planners' assumptions; the 2SFCA accessibility uses today's population."),
    "scenario_sheet.effect": ("Wirkung", "Effect"),
    "scenario_sheet.all": ("Alle Sozialräume", "All districts"),
    "scenario_sheet.changes": ("Änderungen", "Changes"),
    "scenario_sheet.notes": ("Hinweise", "Notes"),
    "scenario_pdf_title": ("Szenario „{name}“ – Wirkung", "Scenario “{name}” – effect"),
    "scenario_pdf.changes": ("Was sich ändert", "What changes"),
    "scenario_pdf.effect": ("Wirkung in Kürze", "Effect in brief"),
    "scenario_pdf.table": ("Wirkung je Sozialraum und Lebensphase", "Effect per district and life phase"),

    "net_colour_by": ("Farbe nach", "Colour by"),
    "net_colour_sector": ("Bereich", "Sector"),
    "net_colour_legal_domain": ("Rechtskreis", "Legal domain"),
    "net_pick": ("Netzwerk", "Network"),
    "net_pick_hint": ("Ein Netzwerk in der Grafik anklicken oder hier wählen: seine Mitglieder erscheinen auf der Karte.",
                      "Click a network in the graph or choose it here: its members appear on the map."),
    "net_summary": ("Netzwerke im Überblick", "Networks at a glance"),
    "net_members": ("Mitglieder", "Members"),
    "net_offer_phases": ("Lebensphasen der Angebote der Mitglieder", "Life phases of the members' offers"),
    "net_cross": ("rechtskreisübergreifend", "cross-sector"),
    "net_ties": ("Rechtskreisübergreifende Verbindungen", "Cross-sector ties"),
    "net_ties_col": ("Partnerpaare", "Partner pairs"),
    "net_without": ("Partner ohne Netzwerk", "Partners in no network"),
    "net_districts_without": ("Sozialräume ohne Netzwerkpartner", "Districts without a network partner"),
    "net_phases_without": ("Lebensphasen ohne Netzwerk", "Life phases without a network"),
    "net_members_map": ("Mitglieder von „{name}“", "Members of '{name}'"),
    "net_none": ("keine", "none"),
    "col_network": ("Netzwerk", "Network"),
    "col_legal_domains": ("Rechtskreise", "Legal domains"),
    "col_role": ("Rolle", "Role"),
    "address_search": ("Adresse", "Address"),
    "address_placeholder": ("z. B. {example}", "e.g. {example}"),
    "choose": ("Bitte wählen …", "Choose …"),
    "topic": ("Thema", "Topic"),
    "address_placeholder_plain": ("Straße Nr, PLZ Ort", "Street No, postcode town"),
    "shading": ("Flächenfärbung", "Shading"),
    "shading.full": ("kräftig", "strong"),
    "shading.translucent": ("durchscheinend", "translucent"),
    "shading.outline": ("nur Ränder", "edges only"),
    "shading_help": ("Wie stark die Farben der Sozialräume die Grundkarte verdecken. Beim Hineinzoomen bis auf "
                     "Straßenebene werden sie ohnehin blasser, damit Straßen und Namen lesbar bleiben.",
                     "How strongly the districts' colours cover the base map. Zoomed in to street level they fade "
                     "anyway, so streets and names stay readable."),
    "chart.no_network_row": ("In keinem Netzwerk ({n}): ohne Verbindung, in einer Reihe",
                             "In no network ({n}): without ties, in a row"),
    "chart.own_organisation": ("Ihre Organisation", "Your organisation"),
    "net_without_sentence": ("{n} Netzwerkpartner gehören zu keinem Netzwerk; im Graphen stehen sie unten in einer "
                             "Reihe.", "{n} network partners belong to no network; in the graph they stand in a row "
                             "at the bottom."),
    "address_found": ("Gefunden: {address}", "Found: {address}"),
    "address_corrected": ("Gefunden als „{address}“.", "Found as \"{address}\"."),
    "lotse_comes_home": ("kommt zu Ihnen (aufsuchend)", "comes to you (outreach)"),
    "address_find": ("Suchen", "Find"),
    "address_no_directory": ("Dieser Arbeitsstand hat kein Adressverzeichnis: bitte auf die Karte klicken.",
                             "This workspace has no address directory: please click on the map."),
    "address_ambiguous_ui": ("„{address}“ gibt es an {n} Orten: bitte Postleitzahl oder Ort ergänzen.",
                             "'{address}' exists at {n} places: please add postcode or place."),
    "address_not_found": ("„{address}“ ist nicht im Adressverzeichnis.", "'{address}' is not in the address directory."),
    "address_hints": ("Ähnliche Straßen: {streets}.", "Similar streets: {streets}."),
    "position": ("Gewählte Lage", "Chosen position"),
    "position_clicked": ("Punkt auf der Karte", "Point on the map"),
    "position_hint": ("Adresse suchen oder in die Karte klicken, um die Lage zu setzen.",
                      "Find an address or click on the map to set the position."),
    "sso_error": ("Die Anmeldung über das Verwaltungskonto ist fehlerhaft eingerichtet (siehe Server-Protokoll); "
                  "die Anwendung läuft nur lesend.",
                  "Single sign-on is misconfigured (see the server log); the app runs read-only."),
    "sso_hint": ("Anmeldung über das Konto Ihrer Verwaltung (Single Sign-on).",
                 "Sign in with your organisation's account (single sign-on)."),
    "sso_sign_in": ("Mit Verwaltungskonto anmelden", "Sign in with organisation account"),
    "local_sign_in": ("Oder mit lokalem Konto:", "Or with a local account:"),
    "password": ("Passwort", "Password"),
    "sign_in": ("Anmelden", "Sign in"),
    "sign_out": ("Abmelden", "Sign out"),
    "url_value_unknown": ("Der Link enthält Werte, die es in diesem Arbeitsstand nicht gibt, und wurde ohne sie "
                          "geöffnet: {values}", "The link holds values this workspace does not have and was "
                          "opened without them: {values}"),
    "bad_login": ("Benutzername oder Passwort falsch.", "Wrong user name or password."),
    "login_throttled": ("Zu viele Fehlversuche: Anmeldung erst in {seconds} s wieder möglich.",
                        "Too many failed attempts: you can sign in again in {seconds} s."),
    "signed_in_as": ("Angemeldet als {name} ({role})", "Signed in as {name} ({role})"),
    "read_only": ("Nur lesen (nicht angemeldet)", "Read-only (not signed in)"),
    "role_planner": ("Planung", "planner"),
    "role_partner": ("Netzwerkpartner", "partner"),
    "role_viewer": ("Lesezugriff", "viewer"),
    "accounts_error": ("Die Kontendatei ist fehlerhaft: {detail}", "The accounts file is invalid: {detail}"),
    # popups and legends
    "provider": ("Träger", "Provider"),
    "life_phases": ("Lebensphasen", "Life phases"),
    "sectors": ("Bereiche", "Sectors"),
    "category": ("Kategorie", "Category"),
    "categories": ("Kategorien", "Categories"),
    "topics": ("Themen", "Topics"),
    "audience": ("Adressaten", "Audience"),
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
    "unknown": ("unbekannt", "unknown"),
    "unknown_fact.cost_free": ("Kosten nicht bekannt", "costs not known"),
    "unknown_fact.barrier_free": ("Barrierefreiheit nicht bekannt", "barrier-free access not known"),
    "lotse_apart": ("Dazu ist nicht bekannt, ob es kostenfrei oder barrierefrei ist",
                    "Not known whether these are free of charge or barrier-free"),
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
    "layer_view": ("Ausschnitt", "View"),
    "offer_list": ("Die Angebote der Karte als Liste ({n})", "The map's offers as a list ({n})"),
    "offer_list_district": ("Angebote für {district} als Liste ({n})", "Offers for {district} as a list ({n})"),
    "map_display": ("Darstellung: Klassen, Farben, Raster", "Display: classes, colours, grid"),
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
    # Qualitätskreislauf (dashboard.analysis.quality, dashboard.present.quality, pages/quality.py)
    "page_quality": ("Qualitätsziele", "Quality goals"),
    "goal.participation": ("Beteiligungsorientierung", "Participation"),
    "goal.parents": ("Eltern stärken – Kinder stärken", "Strengthen parents – strengthen children"),
    "goal.outreach": ("Aufsuchender Ansatz", "Outreach"),
    "goal.unequal": ("Ungleiches ungleich behandeln", "Treat unequal things unequally"),
    "goal.inclusion": ("Soziale Inklusion", "Social inclusion"),
    "goal.transitions": ("Fließende (Bildungs-)Übergänge", "Smooth (educational) transitions"),
    "goal.cooperation": ("Multiprofessionelle Zusammenarbeit", "Multi-professional cooperation"),
    "measure.reach_share": ("Erreichte Zielgruppe", "Target population reached"),
    "measure.offers_per_1000": ("Angebote je 1.000 der Zielgruppe", "Offers per 1,000 of the target population"),
    "measure.places_per_1000": ("Plätze je 1.000 der Zielgruppe", "Places per 1,000 of the target population"),
    "measure.access_2sfca": ("Erreichbarkeit (2SFCA, Angebote je 1.000)", "Accessibility (2SFCA, offers per 1,000)"),
    "measure.offers": ("Angebote", "Offers"),
    "measure.gaps": ("Lücken", "Gaps"),
    "measure.duplicates": ("Parallelstrukturen (Paare)", "Parallel structures (pairs)"),
    "measure.broken_transitions": ("Abbrechende Übergänge", "Broken transitions"),
    "measure.parents_reach": ("Erreichte Zielgruppe von der Schwangerschaft bis zum Kita-Alter",
                              "Target population reached from pregnancy to Kita age"),
    "measure.outreach_share": ("Zielgruppe mit aufsuchendem Angebot", "Target population with an outreach offer"),
    "measure.need_correlation": ("Rangkorrelation Bedarf ↔ Angebote je 1.000",
                                 "Rank correlation need ↔ offers per 1,000"),
    "measure.new_offers_high_need": ("Neue Angebote in Sozialräumen mit hohem Bedarf",
                                     "New offers in districts of high need"),
    "measure.multi_sector_networks": ("Netzwerke über mehrere Rechtskreise", "Networks spanning several legal domains"),
    "measure.inclusion_cost_free": ("Kostenfreie Angebote (hoher Bedarf)", "Free offers (high need)"),
    "measure.inclusion_barrier_free": ("Barrierefreie Angebote (hoher Bedarf)", "Barrier-free offers (high need)"),
    "measure.inclusion_languages": ("Angebote in weiteren Hauptsprachen (hoher Bedarf)",
                                    "Offers in further main languages (high need)"),
    "measure_def.parents_reach": (
        "Anteil der Zielgruppe von Schwangerschaft, 0–3 und Kita-Alter, der in Reichweite eines passenden Angebots "
        "wohnt (aus den veröffentlichten Stadtsummen je Lebensphase).",
        "Share of the target population of pregnancy, 0–3 and Kita age living within reach of a matching offer "
        "(from the city's published totals per life phase)."),
    "measure_def.outreach_share": (
        "Anteil der Zielgruppe aller Lebensphasen, der in einem Sozialraum wohnt, den ein aufsuchendes Angebot "
        "seiner Lebensphase bedient. Wird ein beteiligter Sozialraumwert zurückgehalten, wird auch der Anteil "
        "zurückgehalten.",
        "Share of the target population of all life phases living in a district served by an outreach offer "
        "of its phase. Where a district figure in it is withheld, the share is withheld too."),
    "measure_def.need_correlation": (
        "Rangkorrelation (Spearman, −1 bis +1) zwischen dem Bedarfsindex der Sozialräume und ihren Angeboten je "
        "1.000 der Zielgruppe: positiv heißt, wo der Bedarf höher ist, gibt es mehr Angebote.",
        "Rank correlation (Spearman, −1 to +1) between the districts' need index and their offers per 1,000 of "
        "the target population: positive means more offers where the need is higher."),
    "measure_def.new_offers_high_need": (
        "Anteil der seit dem vorigen Stichtag eröffneten Angebote, die in Sozialräumen mit hohem Bedarf "
        "(Bedarfsklassen 4–5) liegen oder nur solche bedienen; stadtweite aufsuchende Angebote zählen nicht mit.",
        "Share of the offers opened since the previous report day that lie in (or serve only) districts of high "
        "need (need classes 4–5); city-wide outreach offers do not count."),
    "measure_def.inclusion_cost_free": (
        "Unter den Angeboten in (oder für) Sozialräume(n) mit hohem Bedarf: Anteil kostenfreier Angebote, "
        "gezählt unter denen, bei denen es bekannt ist.",
        "Among the offers in (or serving) districts of high need: share free of charge, among those where "
        "it is known."),
    "measure_def.inclusion_barrier_free": (
        "Wie oben: Anteil barrierefreier Angebote, unter denen, bei denen es bekannt ist.",
        "As above: share barrier-free, among those where it is known."),
    "measure_def.inclusion_languages": (
        "Wie oben: Anteil der Angebote, die neben Deutsch eine Hauptsprache der Stadt anbieten (Metadaten "
        "'main_languages'; ohne Angabe: irgendeine weitere Sprache).",
        "As above: share offered in a main language of the city besides German (meta 'main_languages'; "
        "if not given: any further language)."),
    "measure_def.broken_transitions": (
        "Anzahl der Stellen, an denen in einem Sozialraum eine Lebensphase gut erreicht wird und die nächste "
        "nicht (oder deutlich schlechter).",
        "Number of places where a district reaches a life phase well and the next one not (or far less)."),
    "measure_def.multi_sector_networks": (
        "Anteil der Netzwerke, deren Mitglieder aus mehr als einem Rechtskreis kommen (z. B. SGB VIII und SGB V).",
        "Share of networks whose members come from more than one legal domain (e.g. SGB VIII and SGB V)."),
    "measure_def.participation": (
        "Keine Kennzahl in den Daten: die Einschätzung einer Planerin oder eines Planers mit Begründung und Datum.",
        "No figure in the data: a planner's assessment with a reason and a date."),
    "trend.better": ("besser", "better"),
    "trend.worse": ("schlechter", "worse"),
    "trend.same": ("gleich", "same"),
    "trend.unknown": ("unbekannt", "unknown"),
    "status.met": ("erreicht", "met"),
    "status.on_track": ("auf Kurs", "on track"),
    "status.at_risk": ("gefährdet", "at risk"),
    "status.missed": ("verfehlt", "missed"),
    "status.unknown": ("unbekannt", "unknown"),
    "rating.achieved": ("erreicht", "achieved"),
    "rating.largely": ("überwiegend erreicht", "largely achieved"),
    "rating.partly": ("teilweise erreicht", "partly achieved"),
    "rating.not_yet": ("noch nicht erreicht", "not yet achieved"),
    "quality_city": ("Gesamtstadt", "Whole city"),
    "quality_tab.goals": ("Qualitätsziele", "Quality goals"),
    "quality_tab.targets": ("Zielwerte", "Targets"),
    "quality_tab.districts": ("Sozialräume im Zeitverlauf", "Districts over time"),
    "quality_tab.changes": ("Was hat sich geändert?", "What changed?"),
    "quality_tab.reference": ("Vergleichswerte", "Comparison values"),
    "quality_tab.report": ("Monitoringbericht", "Monitoring report"),
    "quality_rating": ("Einschätzung", "Assessment"),
    "quality_note": ("Begründung", "Reason"),
    "quality_assessed_on": ("Datum der Einschätzung", "Date of the assessment"),
    "quality_save_assessment": ("Einschätzung speichern", "Save the assessment"),
    "quality_new_target": ("Neuen Zielwert setzen", "Set a new target"),
    "quality_target_value": ("Zielwert", "Target value"),
    "quality_target_value_help": ("Anteile als „80 %“ oder „0,8“; Anzahlen ganz (z. B. 2 Lücken); Kennzahlen je "
                                  "1.000 mit Komma.",
                                  "Shares as “80 %” or “0.8”; counts whole (e.g. 2 gaps); rates per 1,000 as "
                                  "numbers."),
    "quality_save_target": ("Zielwert speichern", "Save the target"),
    "quality_edit_target": ("Zielwert setzen oder ändern", "Set or change a target"),
    "quality_retire_target": ("Zielwert zurückziehen", "Retire a target"),
    "quality_retire": ("Zurückziehen", "Retire"),
    "quality_in_scenario": ("Im Szenario „{name}“", "In the scenario “{name}”"),
    "quality_scenario_met": ("Ziel im Szenario", "Target in the scenario"),
    "quality_not_met": ("nicht erreicht", "not met"),
    "quality_target_history": ("Verlauf der Zielwerte (wer hat wann was gesetzt)", "History of the targets (who set what when)"),
    "quality_import_targets": ("Zielwerte aus einer Tabelle (CSV/XLSX)", "Targets from a table (CSV/XLSX)"),
    "quality_import_targets_help": ("Spalten district_id (oder Name; leer: Gesamtstadt), phase_id, measure, value, "
                                    "due, note. Alle Zeilen oder keine.",
                                    "Columns district_id (or name; empty: whole city), phase_id, measure, value, due, "
                                    "note. All rows or none."),
    "quality_import": ("Einlesen", "Import"),
    "quality_groups": ("Gemeinden bzw. Bezirke nebeneinander", "Municipalities or boroughs side by side"),
    "quality_one_day": ("Bitte einen Tag vor dem letzten Stichtag wählen.", "Please choose a day before the last report day."),
    "quality_since": ("Vergleichen mit dem Stichtag", "Compare with the report day"),
    "quality_since_day": ("Was hat sich seit diesem Tag geändert?", "What changed since this day?"),
    "quality_since_help": ("Verglichen wird mit dem letzten Stichtag; jeder frühere Tag ist möglich (z. B. der "
                           "letzte Ratsbericht).",
                           "Compared with the last report day; any earlier day will do (e.g. the last council "
                           "report)."),
    "quality_import_reference": ("Vergleichswerte aus einer Tabelle (CSV/XLSX)", "Comparison values from a table (CSV/XLSX)"),
    "quality_import_reference_help": ("Spalten area, measure, phase_id (kann leer sein), year, value, source. "
                                      "Eine Zeile für dasselbe Gebiet, dieselbe Kennzahl und dasselbe Jahr ersetzt "
                                      "die alte.",
                                      "Columns area, measure, phase_id (may be empty), year, value, source. A row for "
                                      "the same area, measure and year replaces the old one."),
    "quality_report_help": ("Ein PDF für den Rat: jedes Qualitätsziel mit Wert, Entwicklung und Stand des Ziels, "
                            "die Zielwerte, die Änderungen seit dem gewählten Stichtag und die Vergleichswerte; "
                            "Quellen und Datenstand auf jeder Seite.",
                            "A PDF for the council: each quality goal with value, trend and target status, the "
                            "targets, the changes since the chosen report day and the comparison values; sources "
                            "and data stand on every page."),
    "quality_download_pdf": ("Monitoringbericht als PDF", "Monitoring report as PDF"),
    "quality_download_xlsx": ("Monitoringbericht als Excel-Tabelle", "Monitoring report as Excel workbook"),
    "quality_all_phases": ("alle Lebensphasen", "all life phases"),
    "quality_intro": (
        "Die sieben Qualitätsziele der Präventionskette (kinderstark – NRW schafft Chancen), gemessen an den "
        "Stichtagen {days}. Alle Werte sind veröffentlichte Werte: was die Geheimhaltung zurückhält, steht als "
        "„keine Angabe“.",
        "The prevention chain's seven quality goals (kinderstark – NRW schafft Chancen), measured on the report "
        "days {days}. All values are published values: what secrecy withholds reads “not disclosed”."),
    "quality_no_assessment": ("Noch keine Einschätzung.", "No assessment yet."),
    "quality_assessment": ("Einschätzung vom {day} ({who}): {rating}. {note}", "Assessment of {day} ({who}): {rating}. {note}"),
    "quality_changes_title": ("Was sich seit dem {since} geändert hat (bis {until})",
                              "What changed since {since} (until {until})"),
    "quality_change.opened": ("Angebote eröffnet", "Offers opened"),
    "quality_change.closed": ("Angebote beendet", "Offers closed"),
    "quality_change.gaps_closed": ("Lücken geschlossen", "Gaps closed"),
    "quality_change.gaps_opened": ("Lücken neu entstanden", "New gaps"),
    "quality_change.duplicates_resolved": ("Parallelstrukturen aufgelöst", "Parallel structures resolved"),
    "quality_change.duplicates_new": ("Parallelstrukturen neu entstanden", "New parallel structures"),
    "quality_change.transitions_fixed": ("Abbrechende Übergänge behoben", "Broken transitions fixed"),
    "quality_change.transitions_broken": ("Übergänge neu abbrechend", "Transitions newly broken"),
    "quality_targets": ("Zielwerte", "Targets"),
    "quality_no_targets": ("Noch keine Zielwerte gesetzt.", "No targets set yet."),
    "quality_reference": ("Vergleichswerte", "Comparison values"),
    "quality_no_reference": ("Keine Vergleichswerte geladen.", "No comparison values loaded."),
    "quality_pdf_title": ("Monitoringbericht Präventionskette {city}", "Prevention chain monitoring report {city}"),
    "quality_pdf.sources": ("Quellen: {sources} · Datenstand: {stand} · Stichtage: {days}",
                            "Sources: {sources} · data as of: {stand} · report days: {days}"),
    "quality_sheet.goals": ("Qualitätsziele", "Quality goals"),
    "quality_sheet.targets": ("Zielwerte", "Targets"),
    "quality_sheet.changes": ("Änderungen", "Changes"),
    "quality_sheet.districts": ("Sozialräume", "Districts"),
    "quality_sheet.reference": ("Vergleichswerte", "Comparison values"),
    "quality_sheet.notes": ("Hinweise", "Notes"),
    "heading.goal": ("Qualitätsziel", "Quality goal"),
    "heading.measure": ("Kennzahl", "Measure"),
    "heading.trend": ("Entwicklung", "Trend"),
    "heading.status": ("Stand des Ziels", "Target status"),
    "heading.target": ("Ziel", "Target"),
    "heading.due": ("bis", "by"),
    "heading.where": ("Gebiet", "Area"),
    "heading.quality_change": ("Änderung", "Change"),
    "heading.area": ("Vergleichsgebiet", "Comparison area"),
    "heading.last_value": ("Letzter Wert", "Last value"),
    "heading.note": ("Notiz", "Note"),
    "heading.offer": ("Angebot", "Offer"),
    "heading.day": ("Stichtag", "Report day"),
}


# English names of the controlled vocabularies stored in German in the data (sectors,
# categories, audiences, Rechtskreise, languages); the data keeps the German term.
# Problem messages: key 'problem.<code>' for every code of dashboard.model.problems.Problem
PROBLEMS: dict[str, tuple[str, str]] = {
    "no_address_directory": ("Der Arbeitsstand enthält kein Adressverzeichnis (Hauskoordinaten); bitte "
                             "Koordinatenspalten wählen oder das Verzeichnis per Bau-Rezept ([geocoding]) einbinden.",
                             "The workspace holds no address directory (house coordinates); choose coordinate "
                             "columns or add the directory with a build recipe ([geocoding])."),
    "file_missing": ("Datei nicht gefunden.", "File not found."),
    "database_schema_invalid": (
        "Die Datenbank-Adresse nennt kein gültiges Schema ('{value}'); erwartet z. B. "
        "postgresql://nutzer@server/datenbank?schema=arnsberg (Kleinbuchstaben, Ziffern, _).",
        "The database URL names no valid schema ('{value}'); expected e.g. "
        "postgresql://user@server/database?schema=arnsberg (lower-case letters, digits, _).",
    ),
    "database_unreachable": ("Die Datenbank ist nicht erreichbar ({detail}).", "The database cannot be reached ({detail})."),
    "database_busy": (
        "Die Datenbank ist gerade durch eine andere Speicherung belegt (länger als {seconds} s). Nichts wurde "
        "gespeichert; bitte gleich noch einmal speichern.",
        "The database is busy with another save (longer than {seconds} s). Nothing was saved; please save again "
        "in a moment.",
    ),
    "database_workspace_missing": (
        "Im Schema '{schema}' liegt kein Arbeitsstand; anlegen mit: python -m dashboard workspace copy DATEI.gpkg URL.",
        "Schema '{schema}' holds no workspace; create one with: python -m dashboard workspace copy FILE.gpkg URL.",
    ),
    "database_newer": (
        "Der Arbeitsstand in der Datenbank hat Schema-Stufe {level}, dieses Programm kennt nur {known}: "
        "bitte das Programm aktualisieren.",
        "The database workspace is at schema level {level}, this program knows only {known}: please update "
        "the program.",
    ),
    "database_no_postgis": (
        "Die Erweiterung PostGIS fehlt in der Datenbank und kann nicht angelegt werden ({detail}); bitte als "
        "Eigentümer der Datenbank ausführen: CREATE EXTENSION postgis;",
        "The database lacks the PostGIS extension and it cannot be created ({detail}); please run as the "
        "database's owner: CREATE EXTENSION postgis;",
    ),
    "database_crs_no_epsg": (
        "Das Koordinatensystem {crs} hat keinen EPSG-Code; PostGIS braucht einen (z. B. EPSG:25832).",
        "The coordinate system {crs} has no EPSG code; PostGIS needs one (e.g. EPSG:25832).",
    ),
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
    "street_length": ("Straßenlänge {value} m ist nicht positiv.", "Street length {value} m is not positive."),
    "streets_unreadable": ("Straßendatei kann nicht gelesen werden: {detail}", "Street file cannot be read: {detail}"),
    "streets_empty": ("Keine begehbare Straße im Gebiet (Gemeinde plus {margin} m Rand).",
                      "No walkable street in the area (municipality plus a {margin} m margin)."),
    "unknown_crs": (
        "Koordinatensystem '{crs}' unbekannt; erwartet z. B. EPSG:25832 (UTM 32N) oder EPSG:4326 (Längen-/Breitengrad).",
        "Unknown coordinate system '{crs}'; expected e.g. EPSG:25832 (UTM 32N) or EPSG:4326 (longitude/latitude).",
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
    "target_needs_phase": (
        "Ein Zielwert für {measure} braucht eine Lebensphase.",
        "A target for {measure} needs a life phase.",
    ),
    "target_city_only": (
        "Ein Zielwert für {measure} gilt für die ganze Stadt (ohne Sozialraum und Lebensphase).",
        "A target for {measure} is city-wide (no district, no life phase).",
    ),
    "target_value_range": (
        "Zielwert {value} liegt nicht zwischen {low} und {high} (Anteile als 0–1 oder mit %, Anzahlen ganz).",
        "Target value {value} is not between {low} and {high} (shares as 0–1 or with %, counts whole).",
    ),
    "assessment_needs_note": (
        "Eine Einschätzung braucht eine Begründung (Notiz).",
        "An assessment needs a reason (note).",
    ),
    "population_year_missing": (
        "Die Ebene population_years enthält Bevölkerung anderer Jahre, aber meta 'population_year' "
        "(das Jahr der Hauptebene) fehlt oder ist keine Jahreszahl ({found!r}).",
        "The layer population_years holds other years' population, but meta 'population_year' "
        "(the main layer's year) is missing or not a year ({found!r}).",
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
    "recipe_unknown_key": ("`{name}` in [{section}]: unbekannter Schlüssel{hint}",
                           "`{name}` in [{section}]: unknown key{hint}"),
    "recipe_not_a_table": ("[{section}] muss eine Tabelle sein (Schlüssel = Wert darunter), kein einzelner Wert.",
                           "[{section}] must be a table (key = value lines below it), not a single value."),
    "register_unknown_unit": ("{value!r} ist kein Gebiet der Ebene {level} (Register-Tabelle).",
                              "{value!r} is not a unit of level {level} (register table)."),
    "no_admin_areas": ("Keine Verwaltungsgrenzen der Ebene(n) {levels} im OSM-Auszug (mindestens zwei nötig); "
                       "andere admin_level angeben oder grid_m nutzen.",
                       "No administrative boundaries of level(s) {levels} in the OSM extract (at least two needed); "
                       "give another admin_level or use grid_m."),
    "zensus_no_csv": ("Keine Zensus-Tabelle für das {resolution}-Gitter in der Datei.",
                      "No Zensus table for the {resolution} grid in the file."),
    "zensus_no_cell": ("Keine Gitterzellen-Kennung (GITTER_ID_…) und keine Mittelpunkt-Koordinaten (x_mp_…, y_mp_…).",
                       "No grid cell id (GITTER_ID_…) and no centre coordinates (x_mp_…, y_mp_…)."),
    "zensus_bands_overlap": ("Die Altersgruppen überschneiden sich ({columns}); bitte nur eine Alterstabelle angeben.",
                             "The age bands overlap ({columns}); please give one age table only."),
    "register_duplicate_unit": ("{value!r} steht zweimal in der Register-Tabelle.",
                                "{value!r} appears twice in the register table."),
    "register_needs_grid": ("Ein Register für die ganze Gemeinde braucht ein Bevölkerungsraster ([population]), "
                            "um die Menschen zu verorten.",
                            "A register for the whole municipality needs a population grid ([population]) to "
                            "place people."),
    "recipe_section_missing": ("Im Rezept fehlt der Abschnitt [{section}].", "The recipe lacks the section [{section}]."),
    "recipe_band_name": ("Jede Altersgruppe ([[population.bands]]) braucht einen Namen (name).",
                         "Every age band ([[population.bands]]) needs a name."),
    "source_unreadable": ("Quelldatei nicht lesbar ({detail}).", "Source file cannot be read ({detail})."),
    "source_column": ("Spalte {column!r} fehlt in der Quelle.", "Column {column!r} is missing in the source."),
    "unmapped_value": ("Wert {value!r} ist keinem bekannten Begriff zugeordnet.",
                       "Value {value!r} is not mapped to a known term."),
    "no_crs": ("Koordinatenbezugssystem unbekannt: im Rezept 'crs' angeben.",
               "Unknown coordinate reference system: set 'crs' in the recipe."),
    "address_unmatched": ("Adresse {address!r} nicht im Adressverzeichnis gefunden{hint}.",
                          "Address {address!r} not found in the address file{hint}."),
    "address_ambiguous": ("Adresse {address!r} ist mehrdeutig ({n} Orte); PLZ oder Ort ergänzen{hint}.",
                          "Address {address!r} is ambiguous ({n} places); add postcode or place{hint}."),
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
    "upload_cell_too_long": ("Eine Zelle ist länger als {limit} Zeichen; bitte kürzen.",
                             "A cell is longer than {limit} characters; please shorten it."),
    "upload_unreadable": ("Die Datei kann nicht gelesen werden ({detail}).", "The file cannot be read ({detail})."),
    "unknown_record": ("Den Eintrag {record} gibt es nicht mehr (inzwischen stillgelegt oder entfernt); "
                                  "bitte die Seite neu laden.", "The record {record} no longer exists (retired or "
                                  "removed in the meantime); please reload the page."),
    "id_exists": ("Die Kennung {record} ist schon vergeben; bitte eine andere wählen.",
                             "The id {record} is taken already; please choose another."),
    "parameter_range": ("Wert {value!r} liegt außerhalb des erlaubten Bereichs ({range}).",
                        "Value {value!r} is out of range ({range})."),
    "sites_need_grid": ("Ein Standortvorschlag braucht ein Bevölkerungsraster (Zellen mit Personen je Altersgruppe); "
                        "dieser Arbeitsbereich hat nur Tabellen je Sozialraum.",
                        "A site suggestion needs a population grid (cells with persons per age band); this workspace "
                        "has district tables only."),
    "no_candidates": ("Keine möglichen Standorte ({source}): die Liste ist leer oder hat keine Lage.",
                      "No candidate sites ({source}): the list is empty or has no positions."),
    "candidates_no_position": ("Die Liste der möglichen Standorte braucht Koordinaten (x/y, Breite/Länge) oder eine "
                               "Adresse (Spalten gefunden: {columns}).", "The list of candidate sites needs coordinates "
                               "(x/y, latitude/longitude) or an address (columns found: {columns})."),
    "scenario_record_gone": ("Die Änderung betrifft den Eintrag {record}, den es nicht (mehr) gibt; bitte die Änderung "
                             "im Szenario entfernen oder anpassen.", "The change concerns the record {record}, which "
                             "does not exist (any more); please remove or adjust the change in the scenario."),
    "scenario_file_format": ("Keine Szenario-Datei des Präventionsatlas (Feld 'format' fehlt oder ist anders).",
                             "Not a Präventionsatlas scenario file (field 'format' missing or different)."),
    "scenario_bad_geometry": ("Die Lage (WKT) ist nicht lesbar.", "The position (WKT) cannot be read."),
    "scenario_other_crs": ("Das Szenario wurde in einem anderen Koordinatensystem ({crs}) gespeichert als dieser "
                           "Arbeitsbereich.", "The scenario was saved in another coordinate system ({crs}) than "
                           "this workspace."),
    "missing_value": ("Bitte einen Wert angeben.", "Please give a value."),
    "threshold_too_small": ("Die Geheimhaltungsschwelle muss mindestens 1 sein, nicht {value!r}.",
                            "The disclosure threshold must be at least 1, not {value!r}."),
    "password_short": ("Das Passwort braucht mindestens {n} Zeichen.", "The password needs at least {n} characters."),
    "password_not_hash": ("Kein Passwort-Hash (Konten nur mit 'python -m dashboard user add' anlegen).",
                          "Not a password hash (add accounts with 'python -m dashboard user add')."),
    "accounts_unreadable": ("Die Kontendatei ist nicht lesbar ({detail}).", "The accounts file cannot be read ({detail})."),
    "partner_needs_organisation": ("Ein Partnerkonto braucht seine Organisation (partner_id, --organisation).",
                                   "A partner account needs its organisation (partner_id, --organisation)."),
    "account_name_invalid": ("Kontoname {value!r}: nur Buchstaben, Ziffern, '.', '-' und '_'.",
                             "Account name {value!r}: letters, digits, '.', '-' and '_' only."),
    "email_invalid": ("{value!r} ist keine E-Mail-Adresse.", "{value!r} is not an e-mail address."),
    "denied": ("Diese Rolle darf den Eintrag nicht ändern.", "This role may not change the record."),
    "conflict": ("Jemand anderes hat den Eintrag inzwischen gespeichert (Version {version}, geöffnet war {expected}); "
                 "bitte neu laden und die Änderung erneut eintragen.",
                 "Someone else saved the record in the meantime (version {version}, you opened {expected}); "
                 "please reload and apply your change again."),
}

LABELS = {
    "de": {"layer": "Ebene", "row": "Zeile", "field": "Feld", "id": "Kennung"},
    "en": {"layer": "layer", "row": "row", "field": "field", "id": "id"},
}


TEXT.update({f"problem.{code}": texts for code, texts in PROBLEMS.items()})
TEXT.update({
    "unmatched_reason.street_unknown": ("Straße unbekannt", "street not known"),
    "unmatched_reason.number_unknown": ("Hausnummer gibt es dort nicht", "no such house number there"),
    "unmatched_reason.place_differs": ("PLZ oder Ort passt nicht", "postcode or place differs"),
    "unmatched_reason.ambiguous": ("an mehreren Orten", "at several places"),
    "problem_hint.reason": (" ({reason})", " ({reason})"),
    "problem_hint.close": (" ({reason}; am nächsten: {close})", " ({reason}; closest: {close})"),
    "problem_hint.suggest": (" – meinten Sie `{suggestion}`?", " – did you mean `{suggestion}`?"),
    "problem_hint.known": (" (bekannt: {known})", " (known: {known})"),
})
TEXT.update({
    "problem_where_layer": ("Ebene '{layer}'", "layer '{layer}'"),
    "problem_where_row": ("Zeile {row}", "row {row}"),
    "problem_where_row_id": ("Zeile {row} (Kennung {id})", "row {row} (id {id})"),
    "problem_where_field": ("Feld '{field}'", "field '{field}'"),
    "problems_found": ("{n} Problem(e) gefunden:", "{n} problem(s) found:"),
    "problems_more": ("… und {n} weitere Probleme.", "… and {n} more problems."),
})

TEXT.update({  # findings in words (dashboard.present.sentences)
    "gap_sentence": ("{district}: nur {share} % der {group} ({reached} von {total} Personen) erreichen ein {offer} in "
                     "{dist}; {need}",
                     "{district}: only {share} % of {group} ({reached} of {total} persons) reach an {offer} within "
                     "{dist}; {need}"),
    "gap_sentence_none": ("{district}: kein {offer} in {dist} für die {total} {group}; {need}",
                          "{district}: no {offer} within {dist} for the {total} {group}; {need}"),
    "gap_sentence_withheld": ("{district}: weniger als {limit} % der {group} ({total} Personen) erreichen ein {offer} "
                              "in {dist} (genaue Zahl geheim gehalten); {need}",
                              "{district}: fewer than {limit} % of {group} ({total} persons) reach an {offer} within "
                              "{dist} (exact figure withheld); {need}"),
    "gap_need_rank": ("Bedarfsindex Rang {rank} von {n}", "need index rank {rank} of {n}"),
    "no_need_index": ("kein Bedarfsindex: keine Sozialindikatoren im Arbeitsbereich",
                      "no need index: no social indicators in the workspace"),
    "transition_sentence": ("{district}: Übergang {before} → {after} bricht ab (Erreichung {a} % → {b} %)",
                            "{district}: transition {before} → {after} breaks (reach {a} % → {b} %)"),
    "duplicate_sentence_phase": ("{name_a} ({provider_a}) ↔ {name_b} ({provider_b}), {phase}: {overlap} % gemeinsame "
                                 "Zielgruppe, {distance} m Abstand",
                                 "{name_a} ({provider_a}) ↔ {name_b} ({provider_b}), {phase}: {overlap} % shared "
                                 "target group, {distance} m apart"),
    "duplicate_sentence": ("{name_a} ({provider_a}) ↔ {name_b} ({provider_b}): {overlap} % gemeinsame Zielgruppe, "
                           "{distance} m Abstand",
                           "{name_a} ({provider_a}) ↔ {name_b} ({provider_b}): {overlap} % shared target group, "
                           "{distance} m apart"),
})

TEXT.update({  # words of the data model: life phases without own words, who an offer is for, geocoding
    "phase_group_default": ("Zielgruppe „{label}“", "target group '{label}'"),
    "phase_offer_default": ("passendes Angebot", "matching offer"),
    "who_child": ("Kind ({age} J.)", "child ({age} y)"),
    "who.pregnancy": ("Schwangerschaft", "pregnancy"),
    "who.parents": ("Eltern", "parents"),
    "who.older_relatives": ("ältere Angehörige", "older relatives"),
    "match_status.matched": ("gefunden", "matched"),
    "match_status.matched_without_suffix": ("gefunden ohne Hausnummernzusatz", "matched without house-number suffix"),
    "match_status.unmatched": ("nicht gefunden", "not found"),
    "match_status.ambiguous": ("mehrdeutig", "ambiguous"),
})

TEXT.update({  # classification schemes (codes of dashboard.present.classify.SCHEMES)
    "scheme.quantiles": ("Quantile", "Quantiles"),
    "scheme.natural_breaks": ("Natürliche Brüche (Jenks)", "Natural breaks (Jenks)"),
    "scheme.equal_interval": ("Gleiche Intervalle", "Equal intervals"),
})

TEXT.update({  # words of charts and the network diagram
    "chart.city": ("Stadt", "City"),
    "chart.percent_population": ("% der Bevölkerung", "% of population"),
    "chart.percent_reached": ("% erreicht", "% reached"),
    "chart.family_centre": ("Familienzentrum", "Family centre"),
    "chart.network_partner": ("Netzwerkpartner", "Network partner"),
    "chart.network": ("Netzwerk", "Network"),
    "chart.no_network": ("kein Netzwerk", "no network"),
    "chart.colour_by.sector": ("Bereich", "Sector"),
    "chart.colour_by.legal_domain": ("Rechtskreis", "Legal domain"),
})

TEXT.update({  # what a build did (dashboard.sources.recipe.BuildReport.notes: (code, figures))
    "build_note.population_cells": ("Bevölkerung: {cells} Zellen, davon {withheld} mit geheim gehaltenen Werten",
                                    "population: {cells} cells, {withheld} with withheld values"),
    "build_note.addresses_skipped": ("{layer}: {n} Zeilen ohne gefundene Adresse ausgelassen (unmatched = \"skip\")",
                                     "{layer}: {n} rows whose address was not found left out (unmatched = \"skip\")"),
    "build_note.population_register": (
        "Register ({level}, {units} Gebiete) auf das Raster verteilt: Feinaltersgruppen je Gebiet exakt, "
        "Rasterzellen geschätzt ({iterations} Anpassungsschritte); {unplaced} Gebiete ohne Rasterzelle",
        "Register ({level}, {units} units) distributed over the grid: fine age bands per unit exact, grid cells "
        "estimated ({iterations} fitting steps); {unplaced} units without a grid cell"),
    "build_note.register_unplaced": ("Ohne Rasterzelle (nur in der Gebietstabelle): {units}",
                                     "Without a grid cell (in the district table only): {units}"),
    "build_note.zensus_cells": ("Zensus 2022: {cells} Gitterzellen, {bands} Altersgruppen, {uncertain} Werte als "
                                "unsicher gekennzeichnet",
                                "Zensus 2022: {cells} grid cells, {bands} age bands, {uncertain} figures marked "
                                "uncertain"),
    "build_note.zensus_withheld_estimated": (
        "Zensus 2022: in {cells} Zellen geheim gehaltene Altersklassen aus der veröffentlichten Einwohnerzahl "
        "geschätzt ({persons} Personen)",
        "Zensus 2022: age classes withheld in {cells} cells estimated from the published total ({persons} persons)"),
    "classes_estimated_note": (
        "Altersklassen, die der Zensus in einer Gitterzelle geheim hält, deren Einwohnerzahl er aber nennt, sind "
        "geschätzt: der Rest der Zelle ist nach der Altersmischung ihres Sozialraums verteilt (bei weniger als 5 "
        "vollständigen Zellen nach der der Gemeinde; {cells} Zellen).",
        "Age classes the census withholds in a grid cell whose total it publishes are estimated: the cell's "
        "remainder is spread by the age mix of its district (with fewer than 5 complete cells, by the "
        "municipality's; {cells} cells)."),
    "build_note.zensus_left_aside": ("Zensus 2022: gröbere Alterstabelle nicht verwendet ({columns})",
                                     "Zensus 2022: coarser age table not used ({columns})"),
    "build_note.streets": ("Straßennetz: {nodes} Knoten, {edges} Straßenabschnitte, {km} km",
                           "street network: {nodes} nodes, {edges} street segments, {km} km"),
    "build_note.addresses_matched": ("{layer}: {matched} von {rows} Adressen gefunden ({without_suffix} ohne "
                                     "Hausnummernzusatz)",
                                     "{layer}: {matched} of {rows} addresses matched ({without_suffix} without "
                                     "house-number suffix)"),
})

TEXT.update({  # formats of the UI language
    "date_format": ("%d.%m.%Y", "%Y-%m-%d"),
    "date_widget_format": ("DD.MM.YYYY", "YYYY-MM-DD"),
})

TEXT.update({  # column headings of tables people read or download (see headed()): 'heading.<column>'
    "heading.phase_label": ("Lebensphase", "Life phase"),
    "heading.persons": ("Personen", "Persons"),
    "heading.share": ("Anteil %", "Share %"),
    "heading.city_share": ("Stadt %", "City %"),
    "heading.estimated": ("geschätzt", "estimated"),
    "heading.indicator": ("Indikator", "Indicator"),
    "heading.value": ("Wert", "Value"),
    "heading.city": ("Stadt", "City"),
    "heading.unit": ("Einheit", "Unit"),
    "heading.year": ("Jahr", "Year"),
    "heading.on_site": ("vor Ort", "on site"),
    "heading.outreach": ("aufsuchend", "outreach"),
    "heading.sentence": ("Befund", "Finding"),
    "heading.district_name": ("Sozialraum", "District"),
    "heading.target_population": ("Zielgruppe", "Target population"),
    "heading.reached": ("erreicht", "reached"),
    "heading.reach_share": ("Erreichung", "Reach"),
    "heading.offers_per_1000": ("Angebote je 1.000", "Offers per 1,000"),
    "heading.need_rank": ("Bedarfsindex-Rang", "Need index rank"),
    "heading.priority_rank": ("Rang", "Rank"),
    "heading.cluster": ("Gruppe", "Cluster"),
    "heading.topic": ("Thema", "Topic"),
    "heading.name_a": ("Angebot A", "Offer A"),
    "heading.provider_a": ("Träger A", "Provider A"),
    "heading.name_b": ("Angebot B", "Offer B"),
    "heading.provider_b": ("Träger B", "Provider B"),
    "heading.distance_m": ("Abstand (m)", "Distance (m)"),
    "heading.shared_persons": ("gemeinsame Zielgruppe", "shared target group"),
    "heading.overlap": ("Überschneidung", "Overlap"),
    "heading.reach_from": ("Erreichung vorher", "Reach before"),
    "heading.reach_to": ("Erreichung nachher", "Reach after"),
    "heading.reach_straight": ("Erreichung Luftlinie (%)", "Reach straight line (%)"),
    "heading.reach_network": ("Erreichung Straßennetz (%)", "Reach street network (%)"),
    "heading.change": ("Unterschied (Prozentpunkte)", "Change (percentage points)"),
    "heading.lost": ("nur per Luftlinie erreicht (Personen)", "reached by straight line only (persons)"),
    "heading.gained": ("nur auf dem Straßennetz erreicht (Personen)", "reached on the streets only (persons)"),
    "heading.name": ("Angebot", "Offer"),
    "heading.life_phases": ("Lebensphasen", "Life phases"),
    "heading.provider": ("Träger", "Provider"),
    "heading.category": ("Kategorie", "Category"),
    "heading.address": ("Adresse", "Address"),
})

TEXT.update({  # the numbers behind one district × phase cell (dashboard.present.district_tables.cell_facts)
    "fact.target_population": ("Zielgruppe (Personen)", "Target population (persons)"),
    "fact.reached": ("davon erreicht", "of whom reached"),
    "fact.reach_share": ("Erreichung", "Reach"),
    "fact.offers": ("Angebote (davon aufsuchend)", "Offers (of which outreach)"),
    "fact.capacity": ("Plätze", "Places"),
    "fact.offers_per_1000": ("Angebote je 1.000", "Offers per 1,000"),
    "fact.places_per_1000": ("Plätze je 1.000", "Places per 1,000"),
    "fact.access_2sfca": ("Erreichbarkeit (2SFCA, je 1.000)", "Accessibility (2SFCA, per 1,000)"),
    "fact.need_rank": ("Bedarfsindex-Rang", "Need index rank"),
})

TEXT.update({  # sheets of downloaded workbooks
    "sheet_duplicates": ("Parallelstrukturen", "Duplicates"),
    "sheet_transitions": ("Übergänge", "Transitions"),
    "sheet_coverage_table": ("Abdeckung", "Coverage"),
    "sheet_difference": ("Luftlinie vs. Straßennetz", "Straight line vs. streets"),
})

TEXT.update({  # coverage measures (codes of dashboard.analysis.coverage.MEASURES)
    "coverage_measure.reach_share": ("Erreichte Zielgruppe (%)", "Target population reached (%)"),
    "coverage_measure.offers_per_1000": ("Angebote je 1.000", "Offers per 1,000"),
    "coverage_measure.places_per_1000": ("Plätze je 1.000", "Places per 1,000"),
    "coverage_measure.access_2sfca": ("Erreichbarkeit (2SFCA, Angebote je 1.000)", "Accessibility (2SFCA, offers per 1,000)"),
    "coverage_measure.offers": ("Angebote (Anzahl)", "Offers (count)"),
    "coverage_measure.target_population": ("Zielgruppe (Personen)", "Target population (persons)"),
})

TEXT.update({  # the PDF reports (dashboard.present.report): key 'report.<word>'
    "report.profile": ("Sozialraumprofil", "District profile"),
    "report.city_report": ("Sozialraumbericht", "District report"),
    "report.page": ("Seite", "Page"),
    "report.of": ("von", "of"),
    "report.created": ("erstellt am", "created"),
    "report.borough": ("Stadtbezirk", "Borough"),
    "report.need": ("Bedarfsindex: Rang {r} von {n}", "Need index: rank {r} of {n}"),
    "report.population": ("Bevölkerung nach Lebensphase", "Population by life phase"),
    "report.phase": ("Lebensphase", "Life phase"),
    "report.persons": ("Personen", "Persons"),
    "report.share": ("Anteil %", "Share %"),
    "report.city_share": ("Stadt %", "City %"),
    "report.indicators": ("Sozialindikatoren", "Social indicators"),
    "report.indicator": ("Indikator", "Indicator"),
    "report.value": ("Wert", "Value"),
    "report.previous": ("Vorjahr", "Previous year"),
    "report.change": ("Veränderung", "Change"),
    "report.city": ("Stadt", "City"),
    "report.unit": ("Einheit", "Unit"),
    "report.chain": ("Lebenskette: Erreichung der Zielgruppe", "Life chain: target population reached"),
    "report.gaps": ("Lücken", "Gaps"),
    "report.duplicates": ("Parallelstrukturen", "Duplicate offers"),
    "report.transitions": ("Abbrechende Übergänge", "Broken transitions"),
    "report.none": ("keine", "none"),
    "report.offers": ("Angebote nach Lebensphase", "Offers by life phase"),
    "report.offer": ("Angebot", "Offer"),
    "report.provider": ("Träger", "Provider"),
    "report.category": ("Kategorie", "Category"),
    "report.where": ("Ort", "Where"),
    "report.centres": ("Familienzentren", "Family centres"),
    "report.partners": ("Netzwerkpartner", "Network partners"),
    "report.sources": ("Quellen und Datenstand", "Sources and data stand"),
    "report.data_stand": ("Datenstand", "Data as of"),
    "report.licences": ("Lizenzen", "Licences"),
    "report.city_chain": ("Lebenskette der Stadt", "Life chain of the city"),
    "report.target": ("Zielgruppe", "Target population"),
    "report.reach": ("Erreichung", "Reach"),
    "report.offers_n": ("Angebote", "Offers"),
    "report.per_1000": ("je 1.000", "per 1,000"),
    "report.top_gaps": ("Wichtigste Lücken", "Main gaps"),
    "report.rules": ("Erreichung: Anteil der Zielgruppe, die in {walk} ein passendes Angebot "
                     "hat oder in einem Sozialraum wohnt, den ein aufsuchendes Angebot abdeckt. Zahlen unter {t} "
                     "Personen werden nicht ausgewiesen (Geheimhaltung).",
                     "Reach: share of the target group within {walk} of a matching offer"
                     " or living in a district covered by an outreach offer. Counts below {t} persons are withheld."),
    "report.districts": ("Sozialräume", "Districts"),
    "report.wegweiser": ("Wegweiser: Angebote in Ihrer Nähe", "Guide: offers near you"),
    "report.nr": ("Nr.", "No."),
    "report.address": ("Adresse", "Address"),
    "report.contact": ("Kontakt", "Contact"),
    "report.walk": ("Fußweg", "Walk"),
    "report.outreach": ("Kommt zu Ihnen (aufsuchend)", "Comes to you (outreach)"),
    "report.star": ("★ = Ihr Ausgangspunkt. Fußweg geschätzt (Luftlinie × {f}, {speed} km/h).",
                    "★ = your starting point. Walking estimated (straight line × {f}, {speed} km/h)."),
    "report.star_network": ("★ = Ihr Ausgangspunkt. Fußweg auf dem Straßennetz ({speed} km/h).",
                            "★ = your starting point. Walking along the streets ({speed} km/h)."),
    "report.more": ("Weitere {n} passende Angebote finden Sie im Präventionsatlas oder bei Ihrer Lotsin / Ihrem "
                    "Lotsen.",
                    "{n} more matching offers are in the Präventionsatlas or with your guide."),
    "report.for_whom": ("Für", "For"),
    "report.disclaimer": ("Angaben ohne Gewähr, Stand {stand}. Bitte vorher telefonisch nachfragen.",
                          "No guarantee, data as of {stand}. Please call ahead."),
    "report.no_offers": ("Keine passenden Angebote in der Nähe gefunden.", "No matching offers found nearby."),
})

TERMS_EN = {
    "Gesundheit": "Health", "Bildung": "Education", "Kinder- und Jugendhilfe": "Child and youth services",
    "Soziales": "Social services", "Integration": "Integration", "Stadtentwicklung": "Urban development",
    "Beratung": "Counselling", "Gruppenangebot": "Group offer", "Hausbesuch/aufsuchend": "Home visits / outreach",
    "Kurs": "Course", "Lotsendienst": "Guidance service", "Treffpunkt": "Meeting place", "Betreuung": "Care",
    "Kinder": "Children", "Jugendliche": "Young people", "Eltern": "Parents", "Familien": "Families",
    "Fachkräfte": "Professionals", "Erwachsene": "Adults", "Senioren": "Older people",
    "Schule": "School", "Sonstige": "Other",
    "Deutsch": "German", "Türkisch": "Turkish", "Arabisch": "Arabic", "Russisch": "Russian",
    "Ukrainisch": "Ukrainian", "Polnisch": "Polish", "Englisch": "English", "Französisch": "French",
    "Kurdisch": "Kurdish", "Persisch": "Persian", "Rumänisch": "Romanian", "Bulgarisch": "Bulgarian",
    # topics (Themen) of offers
    "Schwangerschaftsberatung": "Pregnancy counselling", "Geburtsvorbereitung": "Antenatal classes",
    "Hebammenhilfe": "Midwife care", "Lotsendienst Frühe Hilfen": "Early-help guides",
    "Beratung Frühe Hilfen": "Early-help counselling", "Eltern-Kind-Gruppe": "Parent-child group",
    "Babymassage": "Baby massage", "Elterncafé": "Parents' café", "Elternbildung": "Parenting education",
    "Erziehungsberatung": "Parenting counselling", "Familienberatung": "Family counselling",
    "Sprachförderung": "Language support", "Integrationskurs": "Integration course",
    "Bewegung und Sport": "Exercise and sport", "Lernförderung": "Learning support",
    "Schulsozialarbeit": "School social work", "Freizeit und Ferien": "Leisure and holidays",
    "Offene Jugendarbeit": "Open youth work", "Streetwork": "Street work", "Suchtprävention": "Addiction prevention",
    "Migrationsberatung": "Migration counselling", "Berufsorientierung": "Career orientation",
    "Ausbildung und Arbeit": "Training and work", "Schuldnerberatung": "Debt counselling",
    "Gesundheitsförderung": "Health promotion", "Begegnung im Alter": "Meeting older people",
    "Pflegeberatung": "Care counselling", "Besuchsdienst": "Visiting service", "Quartiersarbeit": "Neighbourhood work",
}


def term(value, lang: str = "de") -> str:
    """A vocabulary term from the data in the UI language (unknown terms as they are)."""
    text = "" if value is None else str(value)
    return TERMS_EN.get(text, text) if lang == "en" else text


def terms(values, lang: str = "de", sep: str = ", ") -> str:
    """A list of vocabulary terms (tuple, list or 'a;b' text) in the UI language."""
    if values is None or (isinstance(values, float) and values != values):
        return ""
    items = values if isinstance(values, (tuple, list)) else [v for v in str(values).split(";") if v]
    return sep.join(term(v.strip() if isinstance(v, str) else v, lang) for v in items)


def meta_text(meta: dict, key: str, lang: str = "de") -> str:
    """A workspace meta text in the UI language: ``<key>_en`` in English where the workspace
    has it (e.g. municipality_name_en), else ``<key>``."""
    value = meta.get(f"{key}_en") if lang == "en" else None
    value = value if value not in (None, "") else meta.get(key, "")
    return "" if value is None else str(value)


def fictional_label(meta: dict, lang: str = "de") -> str:
    """What marks fictional data: the workspace's own label in ``lang`` (see :func:`meta_text`),
    else the default words."""
    return meta_text(meta, "fictional_label", lang) or t("fictional_default", lang)


def report_words(lang: str = "de") -> dict[str, str]:
    """The words of the PDF reports in ``lang`` (keys ``report.<word>``, templates unformatted)."""
    k = 1 if lang == "en" else 0
    return {key[len("report."):]: texts[k] for key, texts in TEXT.items() if key.startswith("report.")}


def t(key: str, lang: str = "de", **params) -> str:
    """The text for ``key`` in ``lang``; unknown keys raise KeyError (caught by tests)."""
    de, en = TEXT[key]
    text = en if lang == "en" else de
    return text.format(**params) if params else text


def headed(frame: pd.DataFrame, lang: str = "de", columns=None) -> pd.DataFrame:
    """``frame``'s ``columns`` (default: all) under their headings in ``lang`` (keys
    ``heading.<column>``), for tables people read or download."""
    columns = list(frame.columns if columns is None else columns)
    return frame[columns].rename(columns={c: t(f"heading.{c}", lang) for c in columns})


def own_label(record, lang: str = "de") -> str:
    """A label the workspace brings in both languages (``label_de`` / ``label_en`` of a life
    phase or an indicator), in ``lang``."""
    return record["label_en" if lang == "en" else "label_de"]


def own_unit(record, lang: str = "de") -> str:
    """An indicator's unit in ``lang``: ``unit_en`` for English where the catalogue gives one,
    else the catalogue's ``unit`` as written (a unit the source gives in German stays German)."""
    english = record.get("unit_en") if lang == "en" else None
    return english if isinstance(english, str) and english.strip() else record["unit"]


def phase_labels(life_phases: pd.DataFrame, lang: str = "de") -> dict[str, str]:
    """phase_id -> label in ``lang``, in life-chain order."""
    ordered = life_phases.sort_values("position")
    return dict(zip(ordered["phase_id"], own_label(ordered, lang)))


def phase_words(life_phases: pd.DataFrame, lang: str = "de") -> dict[str, tuple[str, str]]:
    """phase_id -> (target group in the genitive plural, offer noun) for sentences; falls
    back to the phase label when a workspace has no such columns."""
    suffix = "de" if lang == "de" else "en"
    out = {}
    for row in life_phases.to_dict("records"):
        label = row[f"label_{suffix}"]
        group, offer = row.get(f"group_{suffix}"), row.get(f"offer_{suffix}")
        if not (isinstance(group, str) and group):
            group = t("phase_group_default", lang, label=label)
        if not (isinstance(offer, str) and offer):
            offer = t("phase_offer_default", lang)
        out[row["phase_id"]] = (group, offer)
    return out


def who_label(label: str, lang: str = "de") -> str:
    """Printed words for a situation label of :func:`dashboard.analysis.nearby.phases_for_family`:
    'child:4' → 'Kind (4 J.)' / 'child (4 y)'."""
    if label.startswith("child:"):
        return t("who_child", lang, age=label.split(":", 1)[1].replace(".", "," if lang == "de" else "."))
    return t(f"who.{label}", lang) if f"who.{label}" in TEXT else label
