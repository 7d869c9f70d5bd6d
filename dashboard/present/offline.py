"""Local copies of the map's JavaScript/CSS: no request leaves the machine at run time.

The files live in ``dashboard/app/static/vendor/`` (Streamlit serves the ``static/`` folder beside
the entry script ``dashboard/app/main.py`` at ``/app/static/...``) and are
committed. ``python -m dashboard vendor`` re-fetches them from the npm registry with the
pinned versions (``npm pack``), checks the package integrity and each file's SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = ROOT / "dashboard" / "app" / "static"  # beside the entry script, as Streamlit expects

# package -> version, npm integrity, {file in package: (target below static/, sha256)}
VENDOR = {
    "leaflet": {
        "version": "1.9.3",
        "integrity": "sha512-iB2cR9vAkDOu5l3HAay2obcUHZ7xwUBBjph8+PGtmW/2lYhbLizWtG7nTeYht36WfOslixQF9D/uSIzhZgGMfQ==",
        "files": {
            "dist/leaflet.js": "vendor/leaflet/1.9.3/leaflet.js",
            "dist/leaflet.css": "vendor/leaflet/1.9.3/leaflet.css",
            "dist/images/layers.png": "vendor/leaflet/1.9.3/images/layers.png",
            "dist/images/layers-2x.png": "vendor/leaflet/1.9.3/images/layers-2x.png",
            "dist/images/marker-icon.png": "vendor/leaflet/1.9.3/images/marker-icon.png",
            "dist/images/marker-icon-2x.png": "vendor/leaflet/1.9.3/images/marker-icon-2x.png",
            "dist/images/marker-shadow.png": "vendor/leaflet/1.9.3/images/marker-shadow.png",
            "LICENSE": "vendor/leaflet/1.9.3/LICENSE",
        },
    },
}
MANIFEST = STATIC_DIR / "vendor" / "manifest.json"

LEAFLET_JS = "vendor/leaflet/1.9.3/leaflet.js"
LEAFLET_CSS = "vendor/leaflet/1.9.3/leaflet.css"
LEAFLET_IMAGES = "vendor/leaflet/1.9.3/images/"


def static_url(relative: str, base_url_path: str = "") -> str:
    """URL of a file below ``static/`` as Streamlit serves it (``/app/static/...``)."""
    base = "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""
    return f"{base}/app/static/{relative}"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_assets(static_dir: Path = STATIC_DIR) -> list[str]:
    """Problems with the local copies (missing file or changed content); empty if fine."""
    try:
        expected = json.loads((static_dir / "vendor" / "manifest.json").read_text())
    except FileNotFoundError:
        return [f"missing {static_dir / 'vendor' / 'manifest.json'}: run 'python -m dashboard vendor'"]
    problems = []
    for target, digest in expected.items():
        path = static_dir / target
        if not path.is_file():
            problems.append(f"missing {path}: run 'python -m dashboard vendor'")
        elif _sha256(path) != digest:
            problems.append(f"changed {path}: content differs from the pinned copy")
    return problems


def fetch_assets(static_dir: Path = STATIC_DIR) -> dict[str, str]:
    """Fetch the pinned npm packages with ``npm pack`` and extract the files the map needs.

    Returns {target: sha256} and writes it as ``static/vendor/manifest.json``.
    Raises RuntimeError when npm fails or a package's integrity differs from the pin.
    """
    if shutil.which("npm") is None:
        raise RuntimeError("npm is not installed (Debian: apt-get install -y npm)")
    digests = {}
    with tempfile.TemporaryDirectory() as tmp:
        for package, spec in VENDOR.items():
            out = subprocess.run(["npm", "pack", f"{package}@{spec['version']}", "--json"],
                                 cwd=tmp, capture_output=True, text=True, check=False)
            if out.returncode != 0:
                raise RuntimeError(f"npm pack {package}@{spec['version']} failed: {out.stderr.strip()[-500:]}")
            info = json.loads(out.stdout)[0]
            if info["integrity"] != spec["integrity"]:
                raise RuntimeError(f"{package}@{spec['version']}: integrity {info['integrity']} != pinned")
            with tarfile.open(Path(tmp) / info["filename"]) as tar:
                for member, target in spec["files"].items():
                    data = tar.extractfile(f"package/{member}").read()
                    path = static_dir / target
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
                    digests[target] = hashlib.sha256(data).hexdigest()
    (static_dir / "vendor").mkdir(parents=True, exist_ok=True)
    (static_dir / "vendor" / "manifest.json").write_text(json.dumps(digests, indent=2, sort_keys=True) + "\n")
    return digests
