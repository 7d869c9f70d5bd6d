"""One typed settings object, read from environment variables.

| variable                          | meaning                                        | default                    |
|-----------------------------------|------------------------------------------------|----------------------------|
| PRAEVENTIONSATLAS_WORKSPACE       | workspace GeoPackage to open                   | geodata/demo_city.gpkg     |
| PRAEVENTIONSATLAS_TILE_URL        | background tile URL template (none = offline)  | unset: no background tiles |
| PRAEVENTIONSATLAS_TILE_ATTRIBUTION| attribution shown for those tiles              | ""                         |
| PRAEVENTIONSATLAS_LANG            | default UI language, "de" or "en"              | de                         |
| PRAEVENTIONSATLAS_DISCLOSURE_THRESHOLD | smallest population count shown (persons) | 3                          |
| PRAEVENTIONSATLAS_ACCOUNTS        | local accounts file (TOML, password hashes)    | unset: read-only viewer    |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_WORKSPACE = ROOT / "geodata" / "demo_city.gpkg"
ENTRY_SCRIPT = ROOT / "dashboard" / "app" / "main.py"  # what `streamlit run` starts


@dataclass(frozen=True)
class Settings:
    workspace: Path = DEMO_WORKSPACE
    tile_url: str | None = None
    tile_attribution: str = ""
    lang: str = "de"
    disclosure_threshold: int = 3
    accounts: Path | None = None

    def __post_init__(self):
        if self.lang not in ("de", "en"):
            raise ValueError(f"lang must be 'de' or 'en', got {self.lang!r}")
        if self.disclosure_threshold < 1:
            raise ValueError(f"disclosure_threshold must be >= 1, got {self.disclosure_threshold!r}")


def from_env(env: dict | None = None) -> Settings:
    """Settings from environment variables (see module doc); invalid values raise ValueError."""
    env = os.environ if env is None else env
    threshold = env.get("PRAEVENTIONSATLAS_DISCLOSURE_THRESHOLD", "3")
    try:
        threshold = int(threshold)
    except ValueError:
        raise ValueError(f"PRAEVENTIONSATLAS_DISCLOSURE_THRESHOLD must be an integer, got {threshold!r}") from None
    workspace = env.get("PRAEVENTIONSATLAS_WORKSPACE")
    return Settings(
        workspace=Path(workspace).expanduser() if workspace else DEMO_WORKSPACE,
        tile_url=env.get("PRAEVENTIONSATLAS_TILE_URL") or None,
        tile_attribution=env.get("PRAEVENTIONSATLAS_TILE_ATTRIBUTION", ""),
        lang=env.get("PRAEVENTIONSATLAS_LANG", "de"),
        disclosure_threshold=threshold,
        accounts=Path(env["PRAEVENTIONSATLAS_ACCOUNTS"]).expanduser() if env.get("PRAEVENTIONSATLAS_ACCOUNTS") else None,
    )
