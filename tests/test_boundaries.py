"""What loads when: `segdesk --help` and the store run without Textual, and the app paints
before the database layer has loaded.

Which package may import which is the import contract in pyproject.toml (`lint-imports`);
these tests watch what actually ends up in ``sys.modules`` of a fresh process.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["sqlalchemy", "sqlmodel", "pandas"]


def _run(code: str) -> dict[str, list[str]]:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return json.loads(out)


def _loaded(watch: list[str]) -> str:
    return f"[m for m in {watch!r} if m in sys.modules]"


def test_help_and_the_store_load_without_textual() -> None:
    code = f"""
import contextlib, importlib, io, json, pkgutil, sys
from segdesk.cli import main
with contextlib.redirect_stdout(io.StringIO()) as shown, contextlib.suppress(SystemExit):
    main(["--help"])
after_help = {_loaded(["textual", *HEAVY])}
import segdesk.store
store = [m.name for m in pkgutil.walk_packages(segdesk.store.__path__, "segdesk.store.")]
for name in store:
    importlib.import_module(name)
print(json.dumps({{
    "help": [shown.getvalue().split(maxsplit=1)[0]],
    "after_help": after_help,
    "store": store,
    "after_store": {_loaded(["textual"])},
}}))
"""
    found = _run(code)
    assert found["help"] == ["usage:"]
    assert found["after_help"] == []
    assert {"segdesk.store.tables", "segdesk.store.quick_read"} <= set(found["store"])
    assert found["after_store"] == []


def test_app_paints_before_loading_the_database_layer() -> None:
    code = f"import json, sys, segdesk.tui.app; print(json.dumps({{'heavy': {_loaded(HEAVY)}}}))"
    assert _run(code) == {"heavy": []}


def test_the_command_starts_the_app_before_loading_the_database_layer() -> None:
    """`segdesk` hands over to the app with nothing heavy loaded: the app loads the database
    layer in a worker, after its first paint."""
    code = f"""
import importlib, json, sys
cli = importlib.import_module("segdesk.cli.main")
seen = []
cli._run_app = lambda db, theme, terminal: seen.append({_loaded(HEAVY)}) or 0
cli.main(["--db", "shop.db"])
print(json.dumps({{"heavy": seen}}))
"""
    assert _run(code) == {"heavy": [[]]}
