"""Printable A4 PDF reports (fpdf2, server-side, no browser, no network): one Sozialraumprofil
or a whole-city report with a summary and one chapter per district.

Fonts are the DejaVu fonts shipped with matplotlib (full Unicode: umlauts, ß, –, →).
Every figure comes from :mod:`dashboard.profile` / :mod:`dashboard.analysis`, withheld as
on screen.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace

from dashboard.analysis import coverage as C
from dashboard.analysis.profile import CityParts, city_parts
from dashboard.analysis.walking import WALKING_SPEED_KMH
from dashboard.model.life_phases import phase_priority
from dashboard.present import charts
from dashboard.present.format import format_count, format_date, format_number
from dashboard.present.i18n import fictional_label, meta_text, phase_labels, report_words, t, term
from dashboard.present.profile import Profile, district_profile
from dashboard.present.sentences import access_rule, gaps_in_words, population_notes, walk_rule

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


class _Document(FPDF):
    def __init__(self, title: str, fictional: str | None, lang: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.words = report_words(lang)
        self.doc_title, self.fictional, self.lang = title, fictional, lang
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        # the same font under matplotlib's name: text in an embedded SVG map stays text
        self.add_font("DejaVu Sans", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu Sans", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.add_font("DejaVu Sans", "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))  # landmark names
        self.set_font("DejaVu", size=9)
        self.set_auto_page_break(True, margin=18)
        self.set_margins(15, 15, 15)
        self.set_title(title)
        self.set_creator("Präventionsatlas")
        self.created = format_date(date.today(), lang)

    def header(self):
        self.set_font("DejaVu", size=7)
        self.set_text_color(110)
        self.cell(0, 4, f"Präventionsatlas · {self.doc_title}", new_x="LMARGIN", new_y="NEXT")
        if self.fictional:
            self.set_text_color(170, 60, 0)
            self.cell(0, 4, self.fictional, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)
        self.ln(2)

    def footer(self):
        self.set_font("DejaVu", size=7)
        self.set_text_color(110)
        note = getattr(self, "page_note", None)  # e.g. sources and data stand, on every page
        if note:
            self.set_y(-19)
            self.set_font("DejaVu", size=6)
            self.multi_cell(0, 2.8, note, align="L", new_x="LMARGIN", new_y="NEXT")
            self.set_font("DejaVu", size=7)
        self.set_y(-12)
        self.cell(0, 5, f"{self.words['created']} {self.created}", align="L")
        self.set_x(self.l_margin)
        self._page_count = True  # the one place where the alias may stand
        self.cell(0, 5, f"{self.words['page']} {self.page_no()} {self.words['of']} {self.str_alias_nb_pages}",
                  align="R")
        self._page_count = False
        self.set_text_color(0)

    def normalize_text(self, text):
        """Every text goes through here: fpdf2 would print the page count wherever "{nb}" stands
        (e.g. in a district's name), so outside the footer a word joiner breaks it up."""
        if not getattr(self, "_page_count", False) and self.str_alias_nb_pages in text:
            text = text.replace(self.str_alias_nb_pages, self.str_alias_nb_pages[:1] + "\u2060"
                                + self.str_alias_nb_pages[1:])
        return super().normalize_text(text)

    def h1(self, text):
        self.set_font("DejaVu", "B", 16)
        self.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", size=9)

    def h2(self, text):
        if self.get_y() > 255:
            self.add_page()
        self.ln(2)
        self.set_font("DejaVu", "B", 11)
        self.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", size=9)

    def para(self, text, size=9):
        self.set_font("DejaVu", size=size)
        self.multi_cell(0, 4.5, text, new_x="LMARGIN", new_y="NEXT")

    def bullets(self, lines):
        if not lines:
            self.para(f"– {self.words['none']}")
        for line in lines:
            self.multi_cell(0, 4.5, f"• {line}", new_x="LMARGIN", new_y="NEXT")

    def vector_image(self, svg: bytes, w: float, x: float):
        """An SVG drawing (a map whose names stay selectable, searchable text)."""
        import logging

        logging.getLogger("fpdf.svg").setLevel(logging.ERROR)  # "<metadata> unsupported": nothing is lost
        self.image(io.BytesIO(svg), w=w, x=x)

    def image_bytes(self, data: bytes, width: float):
        if self.get_y() + width * 0.5 > 270:
            self.add_page()
        self.image(io.BytesIO(data), w=width)

    def grid(self, header, rows, widths, align=None, size: float = 8, line_height: float = 3.9):
        """A table whose cells wrap (nothing is ever cut off); ``widths`` in mm, the header
        row repeated on every page the table runs onto."""
        align = [a[0] for a in (align or ["LEFT"] * len(widths))]  # L / R

        def text(value) -> str:
            return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)

        self.set_font("DejaVu", size=size)
        self.set_draw_color(200)
        with self.table(col_widths=widths, width=sum(widths), align="LEFT", text_align=align,
                        line_height=line_height, first_row_as_headings=True,
                        headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
                        borders_layout="HORIZONTAL_LINES", padding=(0.5, 0.6)) as table:
            for values in [header, *rows]:
                line = table.row()
                for value in values:
                    line.cell(text(value))
        self.set_draw_color(0)
        self.set_font("DejaVu", size=9)


def _profile_chapter(pdf: _Document, ws, profile: Profile, cov, lang: str, threshold: int, city: CityParts):
    w = pdf.words
    pdf.add_page()
    pdf.h1(f"{w['profile']} {profile.name}")
    bits = [f"{w['borough']}: {profile.parent}"] if profile.parent else []
    bits.append(w["need"].format(r=profile.need_rank, n=profile.need_of) if C.has_need_index(ws)
                else t("no_need_index", lang))
    pdf.para(" · ".join(bits))
    fig = charts.need_map(ws, cov.need["score"], district_id=profile.district_id,
                          offers=_offers_of(ws, profile, city.served),
                          partners=ws.partners, lang=lang, attribution=profile.fictional_label or "")
    pdf.image_bytes(charts.to_bytes(fig, "jpeg", dpi=130), 180)
    pdf.h2(w["population"])
    pdf.grid([w["phase"], w["persons"], w["share"], w["city_share"]],
             profile.population[["phase_label", "persons", "share", "city_share"]].itertuples(index=False),
             (70, 35, 35, 35), ("LEFT", "RIGHT", "RIGHT", "RIGHT"))
    pdf.image_bytes(charts.to_bytes(charts.population_chart(profile, lang), "jpeg", dpi=130), 150)
    pdf.h2(w["chain"])
    pdf.image_bytes(charts.to_bytes(charts.chain_strip(profile, lang), "jpeg", dpi=130), 180)
    pdf.para(_rules(w, ws, cov, lang, threshold), size=7)
    for key, lines in (("gaps", profile.gaps), ("duplicates", profile.duplicates),
                       ("transitions", profile.transitions)):
        pdf.h2(w[key])
        pdf.bullets(lines)
    pdf.h2(w["indicators"])
    pdf.grid([w["indicator"], w["value"], w["previous"], w["change"], w["city"], w["unit"]],
             [(r.indicator, r.value, r.previous, f"{r.change} {r.arrow}", r.city, r.unit)
              for r in profile.indicators.itertuples()], (55, 18, 20, 25, 18, 44),
             ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT"))
    pdf.h2(f"{w['offers']} ({len(profile.offers)})")
    offers = profile.offers.assign(category=profile.offers["category"].map(lambda c: term(c, lang)))
    pdf.grid([w["phase"], w["offer"], w["provider"], w["category"], w["where"]],
             offers[["phase_label", "name", "provider", "category", "where"]].itertuples(index=False),
             (34, 46, 40, 26, 34))
    pdf.h2(w["centres"])
    pdf.para(", ".join(profile.family_centres) or w["none"])
    pdf.h2(w["partners"])
    pdf.para(", ".join(profile.partners) or w["none"])
    pdf.h2(w["sources"])
    pdf.para(f"{w['data_stand']}: {profile.data_stand}. {profile.sources} {w['licences']}: {profile.licences}",
             size=7.5)


def _rules(words: dict, ws, cov, lang: str, threshold: int) -> str:
    """The small print under a chapter: walking and secrecy rules, the access rule, and how the
    population figures were estimated (where they were)."""
    return " ".join(filter(None, [words["rules"].format(walk=walk_rule(cov, lang), t=threshold),
                                  access_rule(cov.params, lang), population_notes(ws, lang)]))


def _offers_of(ws, profile: Profile, served: pd.DataFrame):
    """The offers serving the profile's district (``served``: offer_id → district_id pairs)."""
    return ws.offers[ws.offers["offer_id"].isin(served.loc[served["district_id"] == profile.district_id, "offer_id"])]


def _city_summary(pdf: _Document, ws, cov, lang: str, threshold: int):
    w = pdf.words
    labels = phase_labels(ws.life_phases, lang)
    pdf.add_page()
    pdf.h1(f"{w['city_report']} {meta_text(ws.meta, 'municipality_name', lang)}")
    pdf.para(f"{w['data_stand']}: {ws.meta.get('data_stand', '')} · {len(ws.districts)} {w['districts']}")
    fig = charts.need_map(ws, cov.need["score"], lang=lang,
                          attribution=meta_text(ws.meta, "fictional_label", lang) if ws.is_fictional else "")
    pdf.image_bytes(charts.to_bytes(fig, "jpeg", dpi=130), 175)
    pdf.h2(w["city_chain"])
    city = C.public_table(cov.city, threshold)
    pdf.grid([w["phase"], w["target"], w["reach"], w["offers_n"], f"{w['offers_n']} {w['per_1000']}"],
             [(labels[r.phase_id], format_count(r.target_population, threshold, lang),
               "–" if pd.isna(r.reach_share) else f"{100 * r.reach_share:.0f} %", int(r.offers),
               format_number(r.offers_per_1000, 1, lang)) for r in city.itertuples()],
             (70, 30, 25, 25, 30), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"))
    pdf.para(_rules(w, ws, cov, lang, threshold), size=7)
    pdf.h2(w["top_gaps"])
    pdf.bullets(list(gaps_in_words(cov, ws, lang, threshold)["sentence"].head(10)))
    first = [labels[p] for p, level in phase_priority(ws.life_phases).items() if level == 1 and p in labels]
    pdf.para(t("gap_rank_rule", lang, phases=", ".join(first)), size=7)


def report_pdf(ws, district_ids=None, *, cov=None, lang: str = "de", threshold: int = 3,
               city_summary: bool | None = None, demand=None) -> bytes:
    """PDF bytes: the profiles of ``district_ids`` (default: all), preceded by the city
    summary when ``city_summary`` (default: when more than one district is reported)."""
    demand = demand or C.prepare_demand(ws)
    cov = cov or C.coverage(ws, demand=demand)
    ids = list(ws.districts["district_id"]) if not district_ids else list(district_ids)
    unknown = [d for d in ids if d not in set(ws.districts["district_id"])]
    if unknown:
        raise ValueError(f"unknown district ids: {', '.join(unknown)}")
    names = dict(zip(ws.districts["district_id"], ws.districts["name"]))
    city_summary = len(ids) > 1 if city_summary is None else city_summary
    words = report_words(lang)
    title = (f"{words['city_report']} {meta_text(ws.meta, 'municipality_name', lang)}" if city_summary
             else f"{words['profile']} {names[ids[0]]}")
    fictional = fictional_label(ws.meta, lang) if ws.is_fictional else None
    pdf = _Document(title, fictional, lang)
    city = city_parts(ws, cov, threshold=threshold, duplicates=C.duplicates(ws, cov.params, demand=demand))
    if city_summary:
        _city_summary(pdf, ws, cov, lang, threshold)
    for district_id in ids:
        profile = district_profile(ws, district_id, cov, lang=lang, threshold=threshold, city=city)
        _profile_chapter(pdf, ws, profile, cov, lang, threshold, city)
    return bytes(pdf.output())


WEGWEISER_ROWS = 10


def wegweiser_pdf(ws, x: float, y: float, offers: pd.DataFrame, *, lang: str = "de", detour: float = 1.3,
                  speed_kmh: float = WALKING_SPEED_KMH, found_address: str | None = None) -> bytes:
    """One A4 page for a family: the offers of :func:`dashboard.analysis.nearby.offers_for_family`
    in the given (distance) order with name, provider, address, the *public* contact only and
    the walking time, numbered on a small map around the starting point (x, y, metres); then
    outreach offers. Nothing about the family but the starting point on the map is printed;
    ``found_address``: the address the search found there, confirmed under the title."""
    from dashboard.present.i18n import who_label

    words = report_words(lang)
    fictional = fictional_label(ws.meta, lang) if ws.is_fictional else None
    pdf = _Document(words["wegweiser"], fictional, lang)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.h1(words["wegweiser"])
    if found_address:
        pdf.para(t("address_found", lang, address=found_address))
    outreach_mask = offers["outreach"].astype(bool).to_numpy() if len(offers) else np.zeros(0, bool)
    sited, outreach = offers[~outreach_mask], offers[outreach_mask]
    shown = sited.head(WEGWEISER_ROWS)
    shown_outreach = outreach.head(max(0, WEGWEISER_ROWS + 3 - len(shown)))
    attribution = meta_text(ws.meta, "fictional_label", lang) if ws.is_fictional else ""
    fig = charts.wegweiser_map(ws, x, y, shown, lang, attribution=attribution, size=(6.6, 3.6))
    pdf.vector_image(charts.to_bytes(fig, "svg"), w=150, x=(210 - 150) / 2)  # names stay text
    speed = format_number(speed_kmh, 1, lang)
    pdf.para(words["star_network"].format(speed=speed) if ws.has_streets else
             words["star"].format(f=format_number(detour, 1, lang), speed=speed), size=7)
    if offers.empty:
        pdf.para(words["no_offers"])

    def for_whom(row) -> str:
        return ", ".join(dict.fromkeys(who_label(w, lang) for w in (row["for_whom"] or ())))

    def table(header, rows, widths, align):
        pdf.grid(header, rows, widths, align, size=7.5, line_height=3.6)

    def unknown(r) -> str:
        """What the family asked for that the source does not say (listed last, apart)."""
        facts = r.get("unknown") if isinstance(r.get("unknown"), tuple) else ()
        return "".join(f"\n({t('unknown_fact.' + f, lang)})" for f in facts)

    if len(shown):
        pdf.ln(1)
        table([words["nr"], words["offer"], words["for_whom"], words["address"], words["contact"], words["walk"]],
              [(k, f"{r['name']}\n{r['provider']}{unknown(r)}", for_whom(r), r["address"], r["contact_public"],
                f"{int(r['walking_min'])} min\n{format_number(r['distance_m'], 0, lang)} m")
               for k, (_, r) in enumerate(shown.iterrows(), start=1)],
              (7, 55, 24, 40, 38, 16), ("RIGHT", "LEFT", "LEFT", "LEFT", "LEFT", "RIGHT"))
    if len(shown_outreach):
        pdf.h2(words["outreach"])
        table([words["offer"], words["for_whom"], words["contact"]],
              [(f"{r['name']}\n{r['provider']}{unknown(r)}", for_whom(r), r["contact_public"])
               for _, r in shown_outreach.iterrows()],
              (80, 40, 60), ("LEFT", "LEFT", "LEFT"))
    hidden = len(sited) - len(shown) + len(outreach) - len(shown_outreach)
    if hidden > 0:
        pdf.para(words["more"].format(n=hidden), size=8)
    pdf.para(words["disclaimer"].format(stand=ws.meta.get("data_stand", "–")), size=7)
    return bytes(pdf.output())
