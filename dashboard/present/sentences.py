"""Findings in words: the sentences a planner reads for gaps, Parallelstrukturen and broken
transitions, made from the published figures that :mod:`dashboard.analysis.coverage`
returns. Nothing is computed here; a language switch only re-renders.
"""

from __future__ import annotations

import pandas as pd

from dashboard.analysis import coverage as C
from dashboard.present.format import format_count, format_date, format_number, format_stand
from dashboard.present.i18n import phase_labels, phase_words, t


def percent(x) -> str:
    """A share 0–1 as whole per cent ('–' where withheld or unknown)."""
    return "–" if pd.isna(x) else f"{100 * x:.0f}"


def walk_rule(cov, lang: str = "de") -> str:
    """How far is 'within reach' in words: walked on the street network, or straight line × detour."""
    if cov.network:
        return t("walk_network", lang, dist=int(cov.params.radius_m))
    return t("walk_straight", lang, dist=int(cov.params.radius_m), detour=format_number(cov.params.detour, 1, lang))


def chain_alt_text(profile, life_phases: pd.DataFrame, lang: str = "de") -> str:
    """The text alternative of a district's life-chain strip: every phase with its reach and
    whether it is a gap (the strip's colours in words)."""
    return t("alt_chain_strip", lang, district=profile.name, phases="; ".join(chain_phrases(profile, life_phases, lang)))


def chain_phrases(profile, life_phases: pd.DataFrame, lang: str = "de") -> list[str]:
    """Each phase of a district's life chain in words: its reach and whether it is a gap."""
    labels = phase_labels(life_phases, lang)
    return [t(f"alt_chain_phase.{row.status}", lang, phase=labels.get(row.phase_id, row.phase_id),
              reach="–" if pd.isna(row.reach_share) else f"{format_number(100 * row.reach_share, 0, lang)} %")
            for row in profile.chain.itertuples()]


def need_map_alt_text(ws, need: pd.DataFrame, lang: str = "de", top: int = 3) -> str:
    """The text alternative of the need map: the districts of highest need, by rank."""
    names = ws.districts.set_index("district_id")["name"]
    first = need.sort_values("rank").index[:top]  # need: one row per district_id (coverage.need)
    return t("alt_need_map", lang, top=", ".join(str(names.get(d, d)) for d in first))


def access_rule(params: C.CoverageParams, lang: str = "de") -> str:
    """How the 2SFCA counts distance in words: every walk alike, or nearer more (Gaussian, σ)."""
    if params.decay == "gaussian":
        sigma = params.decay_sigma_m if params.decay_sigma_m is not None else params.radius_m / 2
        return t("access_rule.gaussian", lang, sigma=distance_text(sigma, lang))
    return t("access_rule.none", lang)


def distance_text(metres: float, lang: str = "de") -> str:
    """'1 km', '1,5 km' (German decimal comma) or '800 m'."""
    if metres >= 1000:
        return f"{format_number(metres / 1000, 2, lang).rstrip('0').rstrip(',.')} km"
    return f"{metres:.0f} m"


def gap_sentences(gaps: pd.DataFrame, ws, params: C.CoverageParams, lang: str = "de", threshold: int = 3) -> list[str]:
    """One sentence per row of :func:`dashboard.analysis.coverage.gaps`, e.g. 'Westfeld: nur
    32 % der 0- bis unter 3-Jährigen (38 von 118 Personen) erreichen ein Angebot der Frühen
    Hilfen in 1 km; Bedarfsindex Rang 2 von 14'. Withheld counts stay withheld."""
    words = phase_words(ws.life_phases, lang)
    n = len(ws.districts)
    dist = distance_text(params.radius_m, lang)
    need = C.has_need_index(ws)
    out = []
    for row in gaps.itertuples():  # a short list: one sentence per gap found
        group, offer = words[row.phase_id]
        common = {"district": row.district_name, "group": group, "offer": offer, "dist": dist,
                  "need": t("gap_need_rank", lang, rank=row.need_rank, n=n) if need else t("no_need_index", lang),
                  "total": format_count(row.target_population, threshold, lang)}
        if pd.isna(row.reach_share):  # the count reached is withheld: say what is known, no share
            out.append(t("gap_sentence_withheld", lang, limit=percent(params.min_reach), **common))
        elif row.reach_share == 0:  # nobody reached: say so, not "nur 0 %"
            out.append(t("gap_sentence_none", lang, **common))
        else:
            out.append(t("gap_sentence", lang, share=percent(row.reach_share),
                         reached=format_count(row.reached, threshold, lang), **common))
    return out


def population_notes(ws, lang: str = "de") -> str:
    """How the population figures were estimated, in one sentence each ('' when they were not)."""
    cells = ws.meta.get("classes_estimated")
    return t("classes_estimated_note", lang, cells=cells) if cells else ""


def transition_sentences(transitions: pd.DataFrame, ws, lang: str = "de") -> list[str]:
    """One sentence per row of :func:`dashboard.analysis.coverage.broken_transitions`."""
    labels = phase_labels(ws.life_phases, lang)
    return [t("transition_sentence", lang, district=row.district_name, before=labels[row.from_phase],
              after=labels[row.to_phase], a=percent(row.reach_from), b=percent(row.reach_to))
            for row in transitions.itertuples()]


def duplicate_sentences(duplicates: pd.DataFrame, lang: str = "de", life_phases: pd.DataFrame | None = None
                        ) -> list[str]:
    """One line per pair of :func:`dashboard.analysis.coverage.duplicates` (published figures).
    Each offer is named with its provider; where one name and provider stand for more than one
    offer among the pairs (the same group at two sites), its address too (else its id); where
    the same two offers overlap in more than one life phase, the phase (from ``life_phases``),
    so no pair reads as an offer paired with itself and no two lines read alike."""
    sides = pd.concat([pd.DataFrame({"offer": duplicates[f"offer_{s}"], "name": duplicates[f"name_{s}"],
                                     "provider": duplicates[f"provider_{s}"]}) for s in ("a", "b")])
    sites = sides.drop_duplicates("offer").groupby(["name", "provider"], dropna=False)["offer"].nunique()

    def told_apart(d, side: str) -> str:
        name, provider = getattr(d, f"name_{side}"), getattr(d, f"provider_{side}")
        if sites.get((name, provider), 1) < 2:
            return provider
        address = getattr(d, f"address_{side}", None)
        return f"{provider}, {address}" if isinstance(address, str) and address else \
            f"{provider}, {getattr(d, f'offer_{side}')}"

    pair = duplicates[["offer_a", "offer_b"]].apply(lambda r: frozenset(r), axis=1) if len(duplicates) else []
    repeated = pd.Series(pair, dtype=object).duplicated(keep=False).to_numpy()
    labels = phase_labels(life_phases, lang) if life_phases is not None else {}
    return [t("duplicate_sentence_phase" if again else "duplicate_sentence", lang, name_a=d.name_a,
              provider_a=told_apart(d, "a"), name_b=d.name_b, provider_b=told_apart(d, "b"),
              phase=labels.get(d.phase_id, d.phase_id), overlap=percent(d.overlap), distance=f"{d.distance_m:.0f}")
            for d, again in zip(duplicates.itertuples(), repeated)]


def with_sentences(table: pd.DataFrame, sentences: list[str]) -> pd.DataFrame:
    """``table`` with a ``sentence`` column (for tables and downloads)."""
    return table.assign(sentence=pd.Series(sentences, index=table.index, dtype=object))


def gaps_in_words(cov: C.Coverage, ws, lang: str = "de", threshold: int = 3) -> pd.DataFrame:
    """:func:`dashboard.analysis.coverage.gaps` with each gap's ``sentence``."""
    found = C.gaps(cov, ws, threshold)
    return with_sentences(found, gap_sentences(found, ws, cov.params, lang, threshold))


def ranked_gaps(cov: C.Coverage, ws, lang: str = "de", threshold: int = 3) -> pd.DataFrame:
    """The ranked gaps as they can be checked outside the app: district id and name, phase id
    and name, the published figures (target population, reached, persons not reached, share
    reached), the rank and the sentence (:func:`gaps_in_words`)."""
    found = gaps_in_words(cov, ws, lang, threshold)
    labels = phase_labels(ws.life_phases, lang)
    return pd.DataFrame({
        "priority_rank": found["priority_rank"].to_numpy(), "district_id": found["district_id"].to_numpy(),
        "district_name": found["district_name"].to_numpy(), "phase_id": found["phase_id"].to_numpy(),
        "phase_name": found["phase_id"].map(labels).to_numpy(),
        "target_population": found["target_population"].round().astype("Int64").to_numpy(),
        "reached": found["reached"].round().astype("Int64").to_numpy(),
        "unreached": (found["target_population"].round() - found["reached"].round()).astype("Int64").to_numpy(),
        "reach_share": found["reach_share"].to_numpy(), "sentence": found["sentence"].to_numpy()})


def transitions_in_words(cov: C.Coverage, ws, lang: str = "de", threshold: int = 3) -> pd.DataFrame:
    """:func:`dashboard.analysis.coverage.broken_transitions` with each one's ``sentence``."""
    found = C.broken_transitions(cov, ws, threshold)
    return with_sentences(found, transition_sentences(found, ws, lang))


def barrier_sentence(found: pd.DataFrame, lang: str = "de", site_names=None) -> str | None:
    """One sentence naming the railways and rivers of
    :func:`dashboard.analysis.nearby.barriers_crossing` that cut an area (a walking area, or,
    with ``site_names`` — one per point — the catchments of those sites); None when none does."""
    if found is None or found.empty:
        return None
    named = []
    for (kind, name), _ in found.groupby(["kind", found["name"].fillna("")], sort=True):
        word = t(f"barrier_{kind}", lang)
        named.append(t("barrier_named", lang, barrier=word, name=name) if name else word)
    barriers = t("and_join", lang).join([", ".join(named[:-1]), named[-1]]) if len(named) > 1 else named[0]
    if site_names is None:
        return t("barrier_walk", lang, barriers=barriers)
    sites = list(dict.fromkeys(site_names[p] for p in found["point"]))
    return t("barrier_sites", lang, barriers=barriers, n=len(sites), sites=", ".join(sites))


def site_sentences(suggestion, ws, lang: str = "de", threshold: int = 3) -> list[str]:
    """One sentence per proposed site of :func:`dashboard.analysis.suggest.suggest_sites`, e.g.
    'Standort 1 – Waldallee 21 (Westfeld): erreicht 89 Personen (Frühe Hilfen), die heute
    nicht erreicht werden, davon 89 in Sozialräumen mit hohem Bedarf.' (published counts;
    withheld stays withheld)."""
    phases = _phase_list(suggestion, ws, lang)
    out = []
    for row, place in zip(suggestion.sites.itertuples(), site_places(suggestion, lang)):
        where = t("site_in_district", lang, district=row.district_name) if isinstance(row.district_name, str) \
            else t("site_outside", lang)
        out.append(t("site_sentence", lang, rank=row.rank, place=place, where=where, phases=phases,
                     n=format_count(row.new_persons, threshold, lang),
                     high=format_count(row.new_persons_high_need, threshold, lang)))
    return out


def site_places(suggestion, lang: str = "de") -> list[str]:
    """How each proposed site is named: the candidate's name or address; a grid cell by the
    nearest address ('nahe Waldallee 21'), else its cell id."""
    out = []
    for row in suggestion.sites.itertuples():
        near = getattr(row, "near_address", None)
        if suggestion.candidates.source == "grid" and isinstance(near, str) and near:
            out.append(t("site_near", lang, address=near))
        else:
            out.append(row.label if isinstance(row.label, str) and row.label else t("site_unnamed", lang))
    return out


def suggestion_summary(suggestion, ws, lang: str = "de", threshold: int = 3) -> str:
    """All proposed sites together, against the persons not reached today."""
    if not len(suggestion.sites):
        return t("sites_none", lang, phases=_phase_list(suggestion, ws, lang))
    return t("sites_summary", lang, k=len(suggestion.sites), phases=_phase_list(suggestion, ws, lang),
             n=format_count(suggestion.new_persons, threshold, lang),
             high=format_count(suggestion.new_persons_high_need, threshold, lang),
             left=format_count(suggestion.unreached, threshold, lang))


def suggestion_assumptions(suggestion, lang: str = "de") -> str:
    """What the proposal rests on, in one sentence: distance rule, existing offers, need
    weights, candidates, data stand and how exact the solution is."""
    a = suggestion.assumptions
    rule = t("walk_network", lang, dist=int(a["radius_m"])) if a["network"] else \
        t("walk_straight", lang, dist=int(a["radius_m"]), detour=format_number(a["detour"], 1, lang))
    source = t(f"sites_source.{a['source']}", lang, n=format_count(a["candidates"], 0, lang))
    if a["thinned_m"]:
        source += t("sites_thinned", lang, given=format_count(a["candidates_given"], 0, lang),
                    size=int(a["thinned_m"]))
    choice = suggestion.choice
    if choice.method == "milp" and choice.gap > 0:
        exact = t("sites_gap", lang, gap=format_number(100 * choice.gap, 1, lang))
    else:
        exact = t("sites_exact", lang)
    return t("sites_assumptions", lang, rule=rule, source=source, exact=exact,
             need=t("sites_need_weighted" if a["need_weighted"] else "sites_not_need_weighted", lang),
             stand=format_stand(a["data_stand"], lang) if a["data_stand"] else t("unknown", lang),
             today=t("sites_valid_on", lang, day=format_date(a["valid_on"], lang)) if a.get("valid_on")
             else t("sites_all_offers", lang))


def _phase_list(suggestion, ws, lang: str) -> str:
    labels = phase_labels(ws.life_phases, lang)
    return ", ".join(labels.get(p, p) for p in suggestion.assumptions["phases"])
