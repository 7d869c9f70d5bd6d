"""Offline: the map's libraries are local, pinned copies and nothing else is requested."""

import pytest

from dashboard.present import maps, offline


def test_vendored_files_match_the_pins():
    assert offline.check_assets() == []
    manifest = set((offline.STATIC_DIR / "vendor" / "manifest.json").read_text().split('"'))
    for spec in offline.VENDOR.values():
        assert set(spec["files"].values()) <= manifest


def test_changed_asset_is_detected(tmp_path):
    import shutil

    shutil.copytree(offline.STATIC_DIR, tmp_path / "static")
    (tmp_path / "static" / offline.LEAFLET_JS).write_text("tampered")
    problems = offline.check_assets(tmp_path / "static")
    assert len(problems) == 1 and "leaflet.js" in problems[0]


def test_base_map_requests_only_local_assets(demo_ws):
    m = maps.base_map(demo_ws.districts)
    maps.district_layer(demo_ws.districts, "Sozialräume", "Sozialraum").add_to(m)
    assert maps.external_urls(m) == []
    assert all(u.startswith("/app/static/vendor/leaflet/1.9.3/") for u in maps.asset_urls(m))


def test_base_url_path_is_respected(demo_ws):
    m = maps.base_map(demo_ws.districts, base_url_path="/atlas/")
    assert maps.asset_urls(m)[0] == "/atlas/app/static/vendor/leaflet/1.9.3/leaflet.js"


def test_foreign_plugin_is_caught(demo_ws):
    from folium import plugins  # a submodule: imported here, not left to whichever test ran before

    m = maps.base_map(demo_ws.districts)
    plugins.Fullscreen().add_to(m)
    assert maps.external_urls(m) and all("://" in u for u in maps.external_urls(m))


def test_no_tiles_unless_configured(demo_ws):
    html = maps.base_map(demo_ws.districts).get_root().render()
    assert "tileLayer" not in html
    html = maps.base_map(demo_ws.districts, tile_url="/tiles/{z}/{x}/{y}.png",
                         tile_attribution="Stadt").get_root().render()
    assert "/tiles/{z}/{x}/{y}.png" in html


def test_district_names_are_escaped(demo_ws):
    districts = demo_ws.districts.copy()
    districts.loc[0, "name"] = "<script>alert(1)</script>"
    html = maps.district_layer(districts, "Sozialräume", "Sozialraum").data
    assert "<script>" not in str(html) and "&lt;script&gt;" in str(html)


def test_streamlit_config_keeps_the_app_offline():
    import tomllib

    config = tomllib.loads((offline.ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["enableStaticServing"] is True
    assert config["client"]["showErrorDetails"] == "none"


@pytest.mark.server
def test_serve_makes_no_outside_request(tmp_path):
    """`make run` (python -m dashboard serve) on a wildcard address: Streamlit would ask
    checkip.amazonaws.com for the public IP; a proxy that records every attempt sees none."""
    import os
    import socket
    import subprocess
    import sys
    import threading

    from conftest import ROOT
    from pgserver import free_port

    attempts = []
    proxy = socket.socket()
    proxy.bind(("127.0.0.1", 0))
    proxy.listen()

    def record():
        while True:
            try:
                conn, _ = proxy.accept()
            except OSError:
                return
            attempts.append(conn.recv(200))
            conn.close()

    threading.Thread(target=record, daemon=True).start()
    proxy_url = f"http://127.0.0.1:{proxy.getsockname()[1]}"
    env = dict(os.environ, HTTP_PROXY=proxy_url, HTTPS_PROXY=proxy_url, http_proxy=proxy_url, https_proxy=proxy_url,
               NO_PROXY="localhost,127.0.0.1", no_proxy="localhost,127.0.0.1")

    def start(command):
        """Run until the URL banner is printed: Streamlit makes its public-IP lookup (if any)
        synchronously before it prints the first URL, so by then every attempt is recorded."""
        proc = subprocess.Popen([*command, "--server.port", str(free_port())], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines, banner = [], threading.Event()

        def read():
            for line in proc.stdout:
                lines.append(line)
                if "Local URL" in line:
                    banner.set()

        threading.Thread(target=read, daemon=True).start()
        try:
            assert banner.wait(90), "".join(lines)
        finally:
            proc.terminate()
            proc.wait(20)
        return "".join(lines)

    output = start([sys.executable, "-m", "dashboard", "serve"])
    assert "Local URL" in output and "Did not auto detect external IP" not in output
    assert attempts == []
    # the same check catches plain `streamlit run` (it asks for the public IP)
    start([sys.executable, "-m", "streamlit", "run", "dashboard/app/main.py"])
    proxy.close()
    assert attempts and b"checkip.amazonaws.com" in attempts[0]
