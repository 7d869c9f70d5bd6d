"""The server's own settings hold wherever the app is started from."""

from streamlit.web import cli

from dashboard.app.server import PROJECT_CONFIG, project_options


def parsed(options):
    ctx = cli.main_run.make_context("run", ["app.py", *options])
    return {k: v for k, v in ctx.params.items() if v not in (None, ())}


def test_the_project_settings_become_options_streamlit_accepts():
    params = parsed(project_options())
    # what a municipal server must keep: no usage statistics, no error details, and no full
    # garbage collection after each run (it held the interpreter ~0.3 s per choice)
    assert params["browser_gatherUsageStats"] is False
    assert params["client_showErrorDetails"] == "none"
    assert params["server_fileWatcherType"] == "none"
    assert params["runner_postScriptGC"] is False
    assert params["server_maxUploadSize"] == 20


def test_options_given_to_serve_win(tmp_path):
    assert parsed([*project_options(), "--server.maxUploadSize=5"])["server_maxUploadSize"] == 5
    assert project_options(tmp_path / "missing.toml") == []
    assert PROJECT_CONFIG.is_file()
