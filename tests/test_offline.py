"""Offline: the map's libraries are local, pinned copies and nothing else is requested."""

import folium

from dashboard import maps, offline


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
    m = maps.base_map(demo_ws.districts)
    folium.plugins.Fullscreen().add_to(m)
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
