"""House rules: domain code never imports Textual; the TUI loads the database layer lazily."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import segdesk


def _domain_modules() -> list[str]:
    names = ["segdesk"]
    for info in pkgutil.walk_packages(segdesk.__path__, "segdesk."):
        if not info.name.startswith(("segdesk.tui", "segdesk.__main__")):
            names.append(info.name)
    return names


def _loaded_after_import(module: str, watch: list[str]) -> list[str]:
    code = (
        f"import sys, json, importlib; importlib.import_module({module!r}); "
        f"print(json.dumps([m for m in {watch!r} if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return json.loads(out)


def test_domain_modules_do_not_import_textual() -> None:
    modules = _domain_modules()
    assert "segdesk.workspace" in modules and "segdesk.store.tables" in modules
    offenders = {m: _loaded_after_import(m, ["textual"]) for m in modules}
    assert {m: found for m, found in offenders.items() if found} == {}


def test_app_paints_before_loading_the_database_layer() -> None:
    heavy = ["sqlalchemy", "sqlmodel", "pandas"]
    assert _loaded_after_import("segdesk.tui.app", heavy) == []
    assert _loaded_after_import("segdesk.cli", [*heavy, "textual"]) == []
