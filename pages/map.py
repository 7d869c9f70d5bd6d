"""Map page: the Sozialräume (more layers follow with the map issue)."""

import streamlit as st

from dashboard import maps, ui

ws = ui.workspace()
cfg = ui.settings()
st.title(ui.t("page_map"))
ui.fictional_banner(ws)

m = maps.base_map(ws.districts, base_url_path=st.get_option("server.baseUrlPath") or "",
                  tile_url=cfg.tile_url, tile_attribution=cfg.tile_attribution)
maps.district_layer(ws.districts, ui.t("map_districts"), ui.t("district")).add_to(m)
ui.show_map(m, key="district_map", returned_objects=[])
st.caption(ui.t("map_caption", n=len(ws.districts),
                background=cfg.tile_url and cfg.tile_attribution or ui.t("no_background")))
