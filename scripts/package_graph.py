"""Draw the package graph of ``src/segdesk`` into ``docs/architecture.md``.

Reads every module with ``ast`` (no import runs), collects which top-level areas import which
(lazy and type-checking imports count, as they do for ``lint-imports``), and draws the layers
of the import contract in ``pyproject.toml`` from top to bottom, each area with the areas it
imports. An import the contract names as an exception is shown with the module it reaches.
The output depends only on the source and the contract, so a rerun on the same tree writes
the same text.

Usage: ``python scripts/package_graph.py`` rewrites the drawing between the markers;
``python scripts/package_graph.py --check`` exits 1 if the drawing is out of date.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import textwrap
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "segdesk"
SOURCE = REPO / "src" / PACKAGE
DOC = REPO / "docs" / "architecture.md"
PYPROJECT = REPO / "pyproject.toml"
BEGIN = "<!-- package-graph:begin (scripts/package_graph.py writes this part) -->"
END = "<!-- package-graph:end -->"
LAYERS_CONTRACT = "layers"
ENTRY_POINTS = {"__init__", "__main__"}
"""The package's own ``__init__`` (the version) and ``python -m segdesk``: not areas."""
LAYER_TITLES = {
    "cli": "command line",
    "tui": "the app",
    "workspace": "workspace",
    "rules": "domain",
    "store": "store",
    "errors": "shared values",
}
"""A layer's title, found by one of its areas; other layers are titled by their areas."""
WIDTH = 96


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the doc is stale")
    args = parser.parse_args(argv)
    drawing = draw(area_imports(SOURCE), contract_layers(PYPROJECT), exceptions(PYPROJECT))
    text = DOC.read_text(encoding="utf-8")
    updated = replace_block(text, drawing)
    if args.check:
        if updated != text:
            print(f"{DOC.relative_to(REPO)} is stale: run python scripts/package_graph.py")
            return 1
        return 0
    DOC.write_text(updated, encoding="utf-8")
    return 0


# -- reading the source -------------------------------------------------------------------


def area_imports(source: Path) -> dict[str, dict[str, set[str]]]:
    """For each area, the areas it imports, each with the modules reached there."""
    files = {_module_name(source, path): path for path in sorted(source.rglob("*.py"))}
    graph: dict[str, dict[str, set[str]]] = {}
    for module, path in files.items():
        area = _area(module)
        if area is None:
            continue
        edges = graph.setdefault(area, defaultdict(set))
        for name in _imports(module, path):
            imported = _known(name, files)
            target = _area(imported)
            if target is not None and target != area:
                edges[target].add(imported)
    return graph


def _known(name: str, modules: dict[str, Path]) -> str:
    """The module an imported name lives in: itself, or the longest package prefix of it."""
    while name not in modules and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def _module_name(source: Path, path: Path) -> str:
    parts = [PACKAGE, *path.relative_to(source).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _area(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != PACKAGE or len(parts) < 2 or parts[1] in ENTRY_POINTS:
        return None
    return parts[1]


def _imports(module: str, path: Path) -> set[str]:
    """Every ``segdesk`` module ``path`` imports, wherever in the file the import stands."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, is_package, node.module, node.level)
            # `from segdesk import contacts` names a module, `from segdesk.x import Name` a
            # name in one: `_known` tells them apart.
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] == PACKAGE}


def _absolute(module: str, is_package: bool, name: str | None, level: int) -> str:
    if level == 0:
        return name or ""
    parts = module.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


# -- reading the contract -----------------------------------------------------------------


def _contracts(pyproject: Path) -> list[dict[str, Any]]:
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    return list(config["tool"]["importlinter"]["contracts"])


def contract_layers(pyproject: Path) -> list[list[str]]:
    """The areas of each layer of the layers contract, top first (optional ones included)."""
    contract = next(c for c in _contracts(pyproject) if c.get("id") == LAYERS_CONTRACT)
    layers = []
    for layer in contract["layers"]:
        names = re.split(r"[|:]", layer)
        layers.append([_area(n.strip().strip("()")) or n.strip() for n in names])
    return layers


def exceptions(pyproject: Path) -> dict[tuple[str, str], set[str]]:
    """Imports the contracts let through by name: (area, area) to the modules reached."""
    named: dict[tuple[str, str], set[str]] = defaultdict(set)
    for contract in _contracts(pyproject):
        for rule in contract.get("ignore_imports", []):
            importer, imported = (side.strip() for side in rule.split("->"))
            if "*" in importer or "*" in imported:
                continue  # a whole package's imports (Textual in the app), not a named one
            source, target = _area(importer), _area(imported)
            if source and target:
                named[(source, target)].add(imported)
    return named


# -- drawing ------------------------------------------------------------------------------


def draw(
    graph: dict[str, dict[str, set[str]]],
    layers: list[list[str]],
    named: dict[tuple[str, str], set[str]],
) -> str:
    present = [[area for area in layer if area in graph] for layer in layers]
    present = [layer for layer in present if layer]
    listed = {area for layer in present for area in layer}
    outside = sorted(set(graph) - listed)
    order = {area: i for i, area in enumerate([*listed_in_order(present), *outside])}
    boxes = [_box(_title(layer), layer, graph, named, order) for layer in present]
    if outside:
        boxes.append(_box("outside the contract", outside, graph, named, order))
    arrow = " " * (WIDTH // 2 - 1) + "▼"
    return f"\n{arrow}\n".join(boxes)


def listed_in_order(layers: list[list[str]]) -> list[str]:
    return [area for layer in layers for area in layer]


def _title(layer: list[str]) -> str:
    for area in layer:
        if area in LAYER_TITLES:
            return LAYER_TITLES[area]
    return " · ".join(layer)


def _box(
    title: str,
    areas: list[str],
    graph: dict[str, dict[str, set[str]]],
    named: dict[tuple[str, str], set[str]],
    order: dict[str, int],
) -> str:
    inner = WIDTH - 4
    name_width = max(len(area) for area in areas)
    lines: list[str] = []
    for area in areas:
        targets = sorted(graph[area], key=lambda t: (order.get(t, len(order)), t))
        shown = [_target(t, graph[area][t], named.get((area, t), set())) for t in targets]
        head = f"{area:<{name_width}}  → "
        body = " · ".join(shown) if shown else "(no other area)"
        wrapped = textwrap.wrap(
            body, inner - len(head), break_on_hyphens=False, break_long_words=False
        )
        lines.append(head + wrapped[0])
        lines.extend(" " * len(head) + more for more in wrapped[1:])
    top = f"┌─ {title} " + "─" * (WIDTH - len(title) - 5) + "┐"
    bottom = "└" + "─" * (WIDTH - 2) + "┘"
    return "\n".join([top, *(f"│ {line:<{inner}} │" for line in lines), bottom])


def _target(area: str, reached: set[str], named: set[str]) -> str:
    """The area, or for an exception the contract names, the one module it may reach."""
    if not named or not reached <= named | {f"{PACKAGE}.{area}"}:
        return area
    tails = ", ".join(sorted(m.split(".", 2)[-1] for m in reached if m in named))
    return f"{area} ({tails} only: the named exception)"


def replace_block(text: str, drawing: str) -> str:
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{DOC}: the markers {BEGIN!r} and {END!r} are missing")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n```text\n{drawing}\n```\n{END}{tail}"


if __name__ == "__main__":
    sys.exit(main())
