"""The structure a newcomer relies on: layers that import only downwards, one translation
source with every text in German and English and none unused."""

from __future__ import annotations

import ast
import string
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from dashboard.present import i18n

BIN = Path(sys.executable).parent


def test_layers_import_only_downwards():
    """pyproject.toml [tool.importlinter]: app | cli -> present -> analysis -> sources -> model,
    and nothing but the app imports Streamlit."""
    out = subprocess.run([str(BIN / "lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-3000:]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_text_exists_in_german_and_english_with_the_same_placeholders():
    for key, texts in i18n.TEXT.items():
        assert isinstance(texts, tuple) and len(texts) == 2, key
        de, en = texts
        assert de.strip() and en.strip(), key
        assert _fields(de) == _fields(en), (key, _fields(de), _fields(en))


def _source_strings() -> tuple[set[str], set[str]]:
    """String constants in the code and pages, and the constant beginnings of f-strings
    (a key made as f"page_{name}" uses every key starting with "page_")."""
    constants, prefixes = set(), set()
    files = [*(ROOT / "dashboard").rglob("*.py"), *(ROOT / "pages").glob("*.py")]
    for path in files:
        tree = ast.parse(path.read_text())
        if path.name == "i18n.py":  # the catalogue itself: only what its functions use
            tree = ast.Module([n for n in tree.body if isinstance(n, ast.FunctionDef)], [])
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                constants.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                prefixes.add(node.values[0].value)
    return constants, prefixes


def test_no_text_is_unused():
    constants, prefixes = _source_strings()
    problem_codes = {k.split(".", 1)[1] for k in i18n.TEXT if k.startswith("problem.")}
    unused = [key for key in i18n.TEXT
              if key not in constants and not any(key.startswith(p) for p in prefixes if len(p) >= 3)
              and not (key.startswith(("problem.", "report.")) and key.split(".", 1)[1] in constants)]
    assert not unused, unused
    assert problem_codes  # problem messages are checked against raised codes in test_validation
    # report words ('report.<word>') count as used where the PDF code looks the word up


def test_analysis_speaks_no_language():
    """The library below present/ returns numbers and codes: no function there takes a
    ``lang`` parameter or compares a language (``settings.lang`` is the configured default)."""
    offenders = []
    for layer in ("model", "sources", "analysis"):
        for path in (ROOT / "dashboard" / layer).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                params = [a.arg for a in node.args.args + node.args.kwonlyargs] if isinstance(
                    node, (ast.FunctionDef, ast.Lambda)) else []
                compares = isinstance(node, ast.Compare) and any(
                    isinstance(x, ast.Name) and x.id == "lang" for x in [node.left, *node.comparators])
                if "lang" in params or compares:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


def test_words_come_from_the_translation_source():
    """present/ and pages/ take their words from i18n.TEXT: no ``"…" if lang == "de" else "…"``
    outside the translation source itself and the number formats."""
    offenders = []
    files = [*(ROOT / "dashboard" / "present").rglob("*.py"), *(ROOT / "pages").glob("*.py")]
    for path in files:
        if path.name in ("i18n.py", "format.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Compare) and any(
                    isinstance(x, ast.Name) and x.id == "lang" for x in [node.left, *node.comparators]):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


def test_plain_tables_go_through_the_escaping_helper():
    """st.table reads its cells as Markdown: a name from the data would load images or links.
    Only ``widgets.plain_table`` (which escapes every text) calls it."""
    offenders = []
    for path in [*(ROOT / "dashboard").rglob("*.py"), *(ROOT / "pages").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "table" \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in ("st", "column", "panel"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == ["dashboard/app/widgets.py:" + str(_line_of("dashboard/app/widgets.py", "st.table("))], offenders


def _line_of(relative: str, text: str) -> int:
    return next(k for k, line in enumerate((ROOT / relative).read_text().splitlines(), 1) if text in line)
