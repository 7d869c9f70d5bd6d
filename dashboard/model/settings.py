"""One typed settings object, read from environment variables.

| variable                          | meaning                                        | default                    |
|-----------------------------------|------------------------------------------------|----------------------------|
| PRAEVENTIONSATLAS_WORKSPACE       | workspace to open: a GeoPackage or a database URL (postgresql://user@host/db?schema=NAME) | geodata/demo_city.gpkg |
| PRAEVENTIONSATLAS_TILE_URL        | background tile URL template (none = offline)  | unset: no background tiles |
| PRAEVENTIONSATLAS_TILE_ATTRIBUTION| attribution shown for those tiles              | ""                         |
| PRAEVENTIONSATLAS_LANG            | default UI language, "de" or "en"              | de                         |
| PRAEVENTIONSATLAS_DISCLOSURE_THRESHOLD | smallest population count shown (persons) | 3                          |
| PRAEVENTIONSATLAS_CKM_MAX_DEVIATION | cell-key method: largest deviation of an area count (persons) | 2          |
| PRAEVENTIONSATLAS_CKM_VARIANCE    | cell-key method: variance of the deviation (persons²) | 1                   |
| PRAEVENTIONSATLAS_ACCOUNTS        | local accounts file (TOML, password hashes)    | unset: read-only viewer    |
| PRAEVENTIONSATLAS_A11Y_CONTACT    | feedback contact of the accessibility statement (e-mail, phone, office) | unset: "ask the operator" |
| PRAEVENTIONSATLAS_A11Y_CHECKED    | date of the last accessibility check (ISO) if the municipality checked again | the product's check |
| PRAEVENTIONSATLAS_A11Y_OMBUDS     | the enforcement body's contact                 | NRW's Ombudsstelle        |
| PRAEVENTIONSATLAS_TRUSTED_PROXIES | reverse proxies (addresses or networks, ',') whose X-Forwarded-For names the client | none: the peer is the client |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dashboard.model.problems import ProblemError, problem

ROOT = Path(__file__).resolve().parents[2]
DEMO_WORKSPACE = ROOT / "geodata" / "demo_city.gpkg"
ENTRY_SCRIPT = ROOT / "dashboard" / "app" / "main.py"  # what `streamlit run` starts


@dataclass(frozen=True)
class Settings:
    workspace: Path | str = DEMO_WORKSPACE  # a GeoPackage, or a database URL (str)
    tile_url: str | None = None
    tile_attribution: str = ""
    lang: str = "de"
    disclosure_threshold: int = 3
    ckm_max_deviation: int = 2
    ckm_variance: float = 1.0
    accounts: Path | None = None
    a11y_contact: str = ""
    a11y_checked: str = ""
    a11y_ombuds: str = ""
    trusted_proxies: tuple = ()  # ipaddress networks of the reverse proxies in front of the app

    def __post_init__(self):
        if self.lang not in ("de", "en"):
            raise ProblemError([problem("unknown_value", file="environment", field="PRAEVENTIONSATLAS_LANG",
                                        value=self.lang, known="de, en")])
        if self.disclosure_threshold < 1:
            raise ProblemError([problem("threshold_too_small", file="environment",
                                        field="PRAEVENTIONSATLAS_DISCLOSURE_THRESHOLD", value=self.disclosure_threshold)])
        if self.ckm_max_deviation < 1:
            raise ProblemError([problem("threshold_too_small", file="environment",
                                        field="PRAEVENTIONSATLAS_CKM_MAX_DEVIATION", value=self.ckm_max_deviation)])
        largest = self.ckm_max_deviation * (self.ckm_max_deviation + 1) / 3  # uniform on -D … D
        if not 0 < self.ckm_variance < largest:
            raise ProblemError([problem("unknown_value", file="environment", field="PRAEVENTIONSATLAS_CKM_VARIANCE",
                                        value=self.ckm_variance, known=f"> 0 und < {largest:g}")])


def _networks(text: str) -> tuple:
    import ipaddress

    found = []
    for item in (p.strip() for p in text.split(",") if p.strip()):
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ProblemError([problem("unknown_value", file="environment", field="PRAEVENTIONSATLAS_TRUSTED_PROXIES",
                                        value=item, known="IP-Adressen oder Netze, z. B. 10.0.0.5, 10.1.0.0/16")]) from None
    return tuple(found)


def client_address(peer: str | None, forwarded_for: str | None, trusted_proxies: tuple) -> str | None:
    """The client's address: the peer, unless the peer is a trusted reverse proxy; then the
    right-most address of ``X-Forwarded-For`` that is not a trusted proxy (addresses a client
    wrote into the header itself stand left of it and are never taken)."""
    import ipaddress

    def trusted(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in trusted_proxies)

    if peer is None or not trusted_proxies or not trusted(peer):
        return peer
    chain = [a.strip() for a in (forwarded_for or "").split(",") if a.strip()]
    for address in reversed(chain):
        if not trusted(address):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return peer  # a malformed header: the proxy is all that is known
    return peer


def _is_url(text: str) -> bool:
    return text.strip().lower().startswith(("postgresql://", "postgres://"))


def from_env(env: dict | None = None) -> Settings:
    """Settings from environment variables (see module doc); invalid values raise ProblemError."""
    env = os.environ if env is None else env
    threshold = env.get("PRAEVENTIONSATLAS_DISCLOSURE_THRESHOLD", "3")
    try:
        threshold = int(threshold)
    except ValueError:
        raise ProblemError([problem("not_a_number", file="environment", field="PRAEVENTIONSATLAS_DISCLOSURE_THRESHOLD",
                                    value=threshold)]) from None
    ckm = {}
    for name, field, kind in (("PRAEVENTIONSATLAS_CKM_MAX_DEVIATION", "ckm_max_deviation", int),
                              ("PRAEVENTIONSATLAS_CKM_VARIANCE", "ckm_variance", float)):
        if env.get(name):
            try:
                ckm[field] = kind(env[name])
            except ValueError:
                raise ProblemError([problem("not_a_number", file="environment", field=name,
                                            value=env[name])]) from None
    workspace = env.get("PRAEVENTIONSATLAS_WORKSPACE")
    return Settings(
        workspace=(DEMO_WORKSPACE if not workspace else workspace.strip() if _is_url(workspace)
                   else Path(workspace).expanduser()),
        tile_url=env.get("PRAEVENTIONSATLAS_TILE_URL") or None,
        tile_attribution=env.get("PRAEVENTIONSATLAS_TILE_ATTRIBUTION", ""),
        lang=env.get("PRAEVENTIONSATLAS_LANG", "de"),
        disclosure_threshold=threshold,
        **ckm,
        accounts=Path(env["PRAEVENTIONSATLAS_ACCOUNTS"]).expanduser() if env.get("PRAEVENTIONSATLAS_ACCOUNTS") else None,
        a11y_contact=env.get("PRAEVENTIONSATLAS_A11Y_CONTACT", "").strip(),
        a11y_checked=env.get("PRAEVENTIONSATLAS_A11Y_CHECKED", "").strip(),
        a11y_ombuds=env.get("PRAEVENTIONSATLAS_A11Y_OMBUDS", "").strip(),
        trusted_proxies=_networks(env.get("PRAEVENTIONSATLAS_TRUSTED_PROXIES", "")),
    )
