"""The Streamlit application: ``main.py`` is the entry script (``python -m dashboard serve``).

The entry script lives here, not beside the top-level ``pages/`` folder: Streamlit switches
into its legacy pages-directory mode when a ``pages/`` folder sits beside the entry script,
and then a shared link such as ``/map?d=SR07`` as a server's first request would run
``pages/map.py`` directly, without navigation, language switch or layout. ``static/`` holds
the files Streamlit serves at ``/app/static/`` (pinned map libraries).
"""
