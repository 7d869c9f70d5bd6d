"""The cooperation structure of the Präventionskette: networks, their member partners,
the life phases and sectors they cover, and where the structure has holes.

Graph: a bipartite networkx graph with network nodes ``("network", id)`` and partner nodes
``("partner", id)``; an edge is a membership. Ties between partners are "cross-sector"
(rechtskreisübergreifend) when two members of a network belong to different Rechtskreise
(``legal_domain``).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from dashboard.analysis.filters import membership_matrix


def network_graph(ws) -> nx.Graph:
    """Networks and partners as a bipartite graph; node attributes: kind, name, sector,
    legal_domain (partners), life_phases (networks); partners without a network are nodes too."""
    g = nx.Graph()
    for row in ws.networks.itertuples(index=False):
        g.add_node(("network", row.network_id), kind="network", name=row.name, life_phases=tuple(row.life_phases))
    for row in ws.partners[["partner_id", "organisation", "sector", "legal_domain"]].itertuples(index=False):
        g.add_node(("partner", row.partner_id), kind="partner", name=row.organisation, sector=row.sector,
                   legal_domain=row.legal_domain)
    known = set(g.nodes)
    edges = [(("network", n), ("partner", p), {"role": r}) for n, p, r in
             ws.memberships.reindex(columns=["network_id", "partner_id", "role"]).itertuples(index=False)
             if ("network", n) in known and ("partner", p) in known]
    g.add_edges_from(edges)
    return g


def layout(g: nx.Graph) -> dict:
    """Node → (x, y): a Kamada-Kawai layout of the connected nodes (deterministic; members ring
    their network, so a network's square is not hidden under a member), nodes without ties in
    rows below. About 0.5 s for 70 nodes."""
    connected = [n for n in g if g.degree[n] > 0]
    alone = sorted((n for n in g if g.degree[n] == 0), key=str)
    pos = {}
    if len(connected) > 1:
        pos = {n: (float(x), float(y)) for n, (x, y) in nx.kamada_kawai_layout(g.subgraph(connected)).items()}
    elif connected:
        pos = {connected[0]: (0.0, 0.0)}
    # nodes without any tie in rows under the graph, where they are easy to find
    bottom = min((y for _, y in pos.values()), default=0.0) - 0.25
    per_row = 12
    for k, node in enumerate(alone):
        pos[node] = (-1.0 + 2.0 * (k % per_row) / (per_row - 1), bottom - 0.12 * (k // per_row))
    return pos


def _members(ws) -> pd.DataFrame:
    m = ws.memberships.merge(ws.partners[["partner_id", "organisation", "sector", "legal_domain"]], on="partner_id",
                             how="inner")
    return m[m["network_id"].isin(set(ws.networks["network_id"]))]


def network_summary(ws) -> pd.DataFrame:
    """One row per network: members (count and names), its life phases (``life_phases``, as
    the network defines them) and the phases its members' offers cover (``offer_phases``),
    sectors and Rechtskreise covered, and whether it is cross-sector (more than one Rechtskreis)."""
    members = _members(ws)
    offers = ws.offers[["partner_id", "life_phases"]].dropna(subset=["partner_id"]) if "partner_id" in ws.offers \
        else pd.DataFrame(columns=["partner_id", "life_phases"])
    offer_phases = offers.explode("life_phases").dropna().groupby("partner_id")["life_phases"].agg(set)
    chain = list(ws.life_phases["phase_id"])
    rows = []
    for net in ws.networks.itertuples(index=False):
        mine = members[members["network_id"] == net.network_id]
        phases = set()
        for partner in mine["partner_id"]:
            phases |= offer_phases.get(partner, set())
        domains = sorted(set(mine["legal_domain"].dropna()))
        rows.append({
            "network_id": net.network_id, "name": net.name, "coordinator": net.coordinator,
            "members": len(mine), "member_names": tuple(mine["organisation"]),
            "life_phases": tuple(p for p in chain if p in set(net.life_phases)),
            "offer_phases": tuple(p for p in chain if p in phases),
            "sectors": tuple(sorted(set(mine["sector"].dropna()))), "legal_domains": tuple(domains),
            "cross_sector": len(domains) > 1,
        })
    return pd.DataFrame(rows, columns=["network_id", "name", "coordinator", "members", "member_names", "life_phases",
                                       "offer_phases", "sectors", "legal_domains", "cross_sector"])


def cross_sector_ties(ws) -> pd.DataFrame:
    """Pairs of Rechtskreise joined through shared networks: for each unordered pair of
    different legal domains, the number of partner pairs that meet in at least one network."""
    members = _members(ws)
    pairs = members.merge(members, on="network_id", suffixes=("_a", "_b"))
    pairs = pairs[(pairs["partner_id_a"] < pairs["partner_id_b"]) & (pairs["legal_domain_a"] != pairs["legal_domain_b"])]
    pairs = pairs.drop_duplicates(["partner_id_a", "partner_id_b"])
    if pairs.empty:
        return pd.DataFrame(columns=["legal_domain_a", "legal_domain_b", "partner_pairs"])
    first, second = pairs["legal_domain_a"].astype(str), pairs["legal_domain_b"].astype(str)
    swap = (first > second).to_numpy()
    a = np.where(swap, second, first)
    b = np.where(swap, first, second)
    out = pd.DataFrame({"legal_domain_a": a, "legal_domain_b": b}).value_counts().rename("partner_pairs")
    return out.reset_index().sort_values(["partner_pairs", "legal_domain_a"], ascending=[False, True],
                                         ignore_index=True)


def partners_without_network(ws) -> pd.DataFrame:
    """Partners that belong to no network."""
    inside = set(_members(ws)["partner_id"])
    return ws.partners[~ws.partners["partner_id"].isin(inside)].reset_index(drop=True)


def districts_without_network_partner(ws) -> pd.DataFrame:
    """Sozialräume in which no partner that belongs to a network is located."""
    inside = ws.partners[ws.partners["partner_id"].isin(set(_members(ws)["partner_id"]))]
    located = inside[inside.geometry.notna()]
    hit = ws.districts.sindex.query(located.geometry.to_numpy(), predicate="intersects") if len(located) else \
        np.zeros((2, 0), int)
    covered = np.zeros(len(ws.districts), bool)
    covered[hit[1]] = True
    return ws.districts.loc[~covered, ["district_id", "name"]].reset_index(drop=True)


def phases_without_network(ws) -> list[str]:
    """Life phases (chain order) that no network covers (by the network's own phases)."""
    chain = list(ws.life_phases["phase_id"])
    covered = membership_matrix(ws.networks["life_phases"], chain).any(axis=0) if len(ws.networks) else \
        np.zeros(len(chain), bool)
    return [p for p, c in zip(chain, covered) if not c]


def members_of(ws, network_id: str) -> pd.DataFrame:
    """The member partners of one network (with role), for the map and the table."""
    m = ws.memberships[ws.memberships["network_id"] == network_id][["partner_id", "role"]]
    return ws.partners.merge(m, on="partner_id", how="inner")
