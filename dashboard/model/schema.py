"""Workspace schema: layers, columns, types and controlled vocabularies.

A workspace is one GeoPackage file. Spatial layers are stored in a metric CRS
(default EPSG:25832, ETRS89 / UTM 32N); lists (life phases, sectors, languages, ...)
are stored as text joined with ``;`` so the file stays readable in QGIS.
See README.md, section "Workspace schema", for the documented version of this module.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA_VERSION = "1.0"
DEFAULT_CRS = "EPSG:25832"
DISPLAY_CRS = "EPSG:4326"
LIST_SEPARATOR = ";"
# A point this far outside the union of districts (metres) is reported as outside.
OUTSIDE_TOLERANCE_M = 50.0

SECTORS = (
    "Gesundheit",
    "Bildung",
    "Kinder- und Jugendhilfe",
    "Soziales",
    "Integration",
    "Stadtentwicklung",
)
CATEGORIES = (
    "Beratung",
    "Gruppenangebot",
    "Hausbesuch/aufsuchend",
    "Kurs",
    "Lotsendienst",
    "Treffpunkt",
    "Betreuung",
)
# Topics (Themen) of offers: what an offer is about; two offers are alike (a possible
# Parallelstruktur) when they share a life phase and a topic. A workspace may set its own list
# in meta 'topics' (separated by ';'); this is the default.
TOPICS = (
    "Schwangerschaftsberatung", "Geburtsvorbereitung", "Hebammenhilfe", "Lotsendienst Frühe Hilfen",
    "Beratung Frühe Hilfen", "Eltern-Kind-Gruppe", "Babymassage", "Elterncafé", "Elternbildung",
    "Erziehungsberatung", "Familienberatung", "Sprachförderung", "Integrationskurs", "Bewegung und Sport",
    "Lernförderung", "Schulsozialarbeit", "Freizeit und Ferien", "Offene Jugendarbeit", "Streetwork",
    "Suchtprävention", "Migrationsberatung", "Berufsorientierung", "Ausbildung und Arbeit", "Schuldnerberatung",
    "Gesundheitsförderung", "Begegnung im Alter", "Pflegeberatung", "Besuchsdienst", "Quartiersarbeit",
)
AUDIENCES = ("Kinder", "Jugendliche", "Eltern", "Familien", "Fachkräfte", "Erwachsene", "Senioren")
LEGAL_DOMAINS = ("SGB VIII", "SGB V", "SGB II", "SGB III", "SGB IX", "SGB XII", "Schule", "Sonstige")
def topics_of(meta: dict | None) -> tuple[str, ...]:
    """The workspace's topic vocabulary: meta 'topics' (';'-separated) or :data:`TOPICS`."""
    given = str((meta or {}).get("topics") or "").strip()
    return tuple(t.strip() for t in given.split(";") if t.strip()) if given else TOPICS


# What a scenario change does (dashboard.analysis.scenario): add a record (offer or Familienzentrum)
# at a point, move one, close one (from a date), change its fields (phases, capacity, service area),
# add a housing area (a polygon with persons per phase), or change the population of a district
# and phase by a percentage.
SCENARIO_ACTIONS = ("add", "move", "close", "change", "housing", "population")

# What a target (Zielwert, dashboard.analysis.quality) can be set on: the coverage measures of a
# district × phase (or the city), the counts of gaps, Parallelstrukturen and broken transitions,
# and the indicators of the quality goals (Qualitätsziele).
TARGET_MEASURES = (
    "reach_share", "offers_per_1000", "places_per_1000", "access_2sfca", "offers",
    "gaps", "duplicates", "broken_transitions",
    "parents_reach", "outreach_share", "need_correlation", "new_offers_high_need", "multi_sector_networks",
    "inclusion_cost_free", "inclusion_barrier_free", "inclusion_languages",
)
# The quality goals of the programme kinderstark (Kreis Viersen's wording), in order.
QUALITY_GOALS = ("participation", "parents", "outreach", "unequal", "inclusion", "transitions", "cooperation")
# A planner's qualitative assessment of a goal without figures (e.g. Beteiligungsorientierung).
ASSESSMENT_RATINGS = ("achieved", "largely", "partly", "not_yet")

# Service area value meaning "the whole municipality".
CITY_WIDE = "city"


@dataclass(frozen=True)
class Column:
    """One column: ``kind`` is str, int, float, bool, date or list; ``vocab`` names a
    controlled vocabulary checked on load ('life_phases', 'sectors', ...)."""

    name: str
    kind: str = "str"
    required: bool = True
    nullable: bool = False
    vocab: str | None = None


@dataclass(frozen=True)
class Layer:
    """One layer: ``geometry`` is None (plain table), 'Polygon' (also MultiPolygon) or
    'Point'; ``geometry_optional`` allows rows without geometry (outreach offers)."""

    name: str
    columns: tuple[Column, ...]
    geometry: str | None = None
    id_column: str | None = None
    required: bool = True
    geometry_optional: bool = False


C = Column
# The columns every editable layer (offers, family centres, partners) ends with: public and
# personal contact data, and the record's state (retired, version) kept by editing.
CONTACT_AND_RECORD = (
    C("contact_public", required=False, nullable=True),
    C("contact_person", required=False, nullable=True),
    C("contact_email", required=False, nullable=True),
    C("contact_phone", required=False, nullable=True),
    C("retired", "bool", required=False, nullable=True),
    C("version", "int", required=False, nullable=True),
)
LAYERS: dict[str, Layer] = {
    layer.name: layer
    for layer in (
        Layer("meta", (C("key"), C("value", nullable=True))),
        Layer(
            "districts",
            (
                C("district_id"),
                C("name"),
                C("parent_id", required=False, nullable=True),
                C("parent_name", required=False, nullable=True),
            ),
            geometry="Polygon",
            id_column="district_id",
        ),
        Layer(
            "life_phases",
            (
                C("phase_id"),
                C("position", "int"),
                C("label_de"),
                C("label_en"),
                C("age_from", "float"),
                C("age_to", "float", nullable=True),
                C("colour"),
                C("target_note", required=False, nullable=True),
                C("group_de", required=False, nullable=True),
                C("group_en", required=False, nullable=True),
                C("offer_de", required=False, nullable=True),
                C("offer_en", required=False, nullable=True),
                C("priority", "int", required=False, nullable=True),  # gap ranking: 1 = first
            ),
            id_column="phase_id",
        ),
        Layer(
            "age_bands",
            (C("column"), C("age_from", "float"), C("age_to", "float", nullable=True)),
            id_column="column",
            required=False,
        ),
        Layer("population_cells", (C("cell_id"), C("persons_total", "float", required=False, nullable=True),
                                   # withheld age classes estimated from the published total
                                   C("classes_estimated", "bool", required=False, nullable=True)),
              geometry="Polygon", id_column="cell_id", required=False),
        Layer("population_districts", (C("district_id"), C("persons_total", "float", required=False, nullable=True)),
              id_column="district_id", required=False),
        Layer(
            "indicator_catalogue",
            (
                C("indicator"),
                C("label_de"),
                C("label_en"),
                C("unit"),
                C("unit_en", required=False, nullable=True),  # the unit in English (else `unit`)
                C("category"),
                C("higher_is_need", "bool"),
                C("source"),
            ),
            id_column="indicator",
            required=False,
        ),
        Layer(
            "indicators",
            (C("district_id"), C("year", "int"), C("indicator"), C("value", "float", nullable=True)),
            required=False,
        ),
        Layer(
            "offers",
            (
                C("offer_id"),
                C("name"),
                C("provider"),
                C("partner_id", required=False, nullable=True),
                C("category", vocab="categories"),
                C("sectors", "list", vocab="sectors"),
                C("life_phases", "list", vocab="life_phases"),
                C("topic", required=False, nullable=True, vocab="topics"),
                C("audience", "list", vocab="audiences"),
                C("service_area", "list", nullable=True),
                C("capacity", "int", nullable=True),
                # yes / no / unknown (None): a fact the source does not give stays unknown
                C("cost_free", "bool", nullable=True),
                C("barrier_free", "bool", nullable=True),
                C("languages", "list", nullable=True),
                C("valid_from", "date", nullable=True),
                C("valid_to", "date", nullable=True),
                C("last_updated", "date"),
                C("address", nullable=True),
                C("description", required=False, nullable=True),
                *CONTACT_AND_RECORD,
            ),
            geometry="Point",
            id_column="offer_id",
            geometry_optional=True,
        ),
        Layer(
            "family_centres",
            (
                C("centre_id"),
                C("name"),
                C("provider"),
                C("address", nullable=True),
                C("life_phases", "list", required=False, nullable=True, vocab="life_phases"),
                C("valid_from", "date", required=False, nullable=True),
                C("valid_to", "date", required=False, nullable=True),
                *CONTACT_AND_RECORD,
            ),
            geometry="Point",
            id_column="centre_id",
            required=False,
        ),
        Layer(
            "partners",
            (
                C("partner_id"),
                C("organisation"),
                C("sector", vocab="sectors"),
                C("legal_domain", vocab="legal_domains"),
                C("address", nullable=True),
                *CONTACT_AND_RECORD,
            ),
            geometry="Point",
            id_column="partner_id",
            required=False,
        ),
        Layer(
            "networks",
            (
                C("network_id"),
                C("name"),
                C("life_phases", "list", vocab="life_phases"),
                C("coordinator", nullable=True),
            ),
            id_column="network_id",
            required=False,
        ),
        Layer(
            "history",
            (C("change_id"), C("at"), C("user"), C("layer"), C("record_id"), C("action"),
             C("field", nullable=True), C("old", nullable=True), C("new", nullable=True)),
            id_column="change_id",
            required=False,
        ),
        Layer(
            "addresses",
            (C("street"), C("number"), C("postcode", nullable=True), C("place", nullable=True)),
            geometry="Point",
            required=False,
        ),
        Layer(  # the street network people walk on (dashboard.sources.streets): junctions …
            "street_nodes",
            (C("node_id", "int"),),
            geometry="Point",
            id_column="node_id",
            required=False,
        ),
        Layer(  # … and the streets between them (u, v: node ids; length in metres along the line)
            "street_edges",
            (C("u", "int"), C("v", "int"), C("length_m", "float"), C("highway", nullable=True),
             C("name", required=False, nullable=True)),
            geometry="LineString",
            required=False,
        ),
        Layer(  # base map lines besides the streets: railways, rivers and streams
            "base_lines",
            (C("kind"), C("name", required=False, nullable=True)),
            geometry="LineString",
            required=False,
        ),
        Layer(  # place names for the base map (towns, villages, quarters)
            "base_places",
            (C("name"), C("kind", required=False, nullable=True)),
            geometry="Point",
            required=False,
        ),
        Layer(  # what-if scenarios (dashboard.analysis.scenario): a name and who may see it …
            "scenarios",
            (C("scenario_id"), C("name"), C("description", nullable=True), C("shared", "bool"),
             C("created_by", nullable=True), C("created_at", nullable=True), C("version", "int")),
            id_column="scenario_id",
            required=False,
        ),
        Layer(  # … and its changes on top of the real data, in order; never mixed into the real layers
            "scenario_changes",
            (C("change_id"), C("scenario_id"), C("position", "int"), C("action", vocab="scenario_actions"),
             C("layer", nullable=True), C("record_id", nullable=True), C("fields", nullable=True),
             C("valid_from", "date", nullable=True), C("wkt", nullable=True)),
            id_column="change_id",
            required=False,
        ),
        Layer(  # population of other years than the main layers' (meta 'population_year'): one row per
            # year and unit (unit_id: a cell_id of population_cells or a district_id of
            # population_districts, whichever the workspace has), the same age-band columns
            "population_years",
            (C("year", "int"), C("unit_id"), C("persons_total", "float", required=False, nullable=True)),
            required=False,
        ),
        Layer(  # targets (Zielwerte): reach `value` of `measure` by `due`, per district × phase or city-wide
            "targets",
            (C("target_id"), C("district_id", nullable=True), C("phase_id", nullable=True, vocab="life_phases"),
             C("measure", vocab="target_measures"), C("value", "float"), C("due", "date"),
             C("note", nullable=True), C("set_by", nullable=True), C("set_on", "date", nullable=True),
             C("retired", "bool", required=False, nullable=True), C("version", "int", required=False, nullable=True)),
            id_column="target_id",
            required=False,
        ),
        Layer(  # a planner's assessment of a quality goal without figures, with a note and a day
            "assessments",
            (C("assessment_id"), C("goal", vocab="quality_goals"), C("district_id", nullable=True),
             C("rating", vocab="assessment_ratings"), C("note", nullable=True), C("assessed_on", "date"),
             C("assessed_by", nullable=True),
             C("retired", "bool", required=False, nullable=True), C("version", "int", required=False, nullable=True)),
            id_column="assessment_id",
            required=False,
        ),
        Layer(  # comparison values (Kreis, NRW, similar municipalities) per measure and year
            "reference_values",
            (C("area"), C("measure", vocab="target_measures"), C("phase_id", nullable=True, vocab="life_phases"),
             C("year", "int"), C("value", "float", nullable=True), C("source", nullable=True)),
            required=False,
        ),
        Layer(
            "memberships",
            (C("network_id"), C("partner_id"), C("role", required=False, nullable=True)),
            required=False,
        ),
    )
}

# (layer, column) -> (target layer, target id column): checked on load.
REFERENCES = {
    ("indicators", "district_id"): ("districts", "district_id"),
    ("indicators", "indicator"): ("indicator_catalogue", "indicator"),
    ("population_districts", "district_id"): ("districts", "district_id"),
    ("memberships", "network_id"): ("networks", "network_id"),
    ("scenario_changes", "scenario_id"): ("scenarios", "scenario_id"),
    ("targets", "district_id"): ("districts", "district_id"),
    ("assessments", "district_id"): ("districts", "district_id"),
    ("memberships", "partner_id"): ("partners", "partner_id"),
    ("networks", "coordinator"): ("partners", "partner_id"),
    ("offers", "partner_id"): ("partners", "partner_id"),
    ("street_edges", "u"): ("street_nodes", "node_id"),
    ("street_edges", "v"): ("street_nodes", "node_id"),
}

META_KEYS = ("schema_version", "municipality_name", "ags", "crs", "data_stand", "sources", "licences",
             "population_year")
PERSONAL_CONTACT_COLUMNS = ("contact_person", "contact_email", "contact_phone")
