"""The wheel holds everything an install needs, and an install from it alone works.

The wheel is built once, from a copy of the sources (a `build/` folder left in the tree
could add files the declared package data would miss), and installed into a venv of its
own. That venv sees the project's dependencies through a path file, but not the project's
own editable install, so every file the installed copy finds comes from the wheel.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import segdesk

REPO = Path(__file__).resolve().parents[1]
SOURCES = ["pyproject.toml", "README.md", "src", "themes"]
THEMES = sorted(p.name for p in (REPO / "themes").glob("*.toml"))


def _run(*argv: str | Path, **kwargs: object) -> str:
    done = subprocess.run(
        [str(a) for a in argv], capture_output=True, text=True, timeout=120, **kwargs
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("tree")
    for name in SOURCES:
        source = REPO / name
        if source.is_dir():
            ignored = shutil.ignore_patterns("__pycache__", "*.egg-info")
            shutil.copytree(source, tree / name, ignore=ignored)
        else:
            shutil.copy2(source, tree / name)
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
         "--no-build-isolation", "--wheel-dir", out, tree)  # fmt: skip
    (found,) = out.glob("segdesk-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv holding the wheel, with the project's dependencies but not the project."""
    venv = tmp_path_factory.mktemp("venv")
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")[:-1])
    deps = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "project-dependencies.pth").write_text("\n".join(sorted(deps)) + "\n")
    _run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--ignore-installed", wheel)  # fmt: skip
    return venv


def test_the_wheel_holds_every_source_file_the_sample_the_themes_and_the_grammar(
    wheel: Path,
) -> None:
    held = set(zipfile.ZipFile(wheel).namelist())
    package = REPO / "src" / "segdesk"
    sources = {
        f"segdesk/{p.relative_to(package).as_posix()}"
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert sources - held == set()
    assert {f"segdesk/themes/{name}" for name in THEMES} <= held
    assert {
        "segdesk/data/sample.db",
        "segdesk/tui/app.tcss",
        "segdesk/rules/grammar.lark",
        "segdesk/themes/__init__.py",
    } <= held
    assert len(THEMES) == 5


CHECK = """
import asyncio, json, segdesk
from segdesk.demo import fresh_demo_copy
from segdesk.paths import sample_db
from segdesk.rules.parser import _lark
from segdesk.tui.app import make_app

async def home():
    app = make_app(db=str(fresh_demo_copy()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        return app.theme, app.own_themes, [str(p) for p in app.css_path]

theme, own, css = asyncio.run(home())
print(json.dumps({
    "package": segdesk.__file__, "sample": str(sample_db()), "grammar": bool(_lark()),
    "theme": theme, "themes": sorted(own), "css": css,
}))
"""


def test_the_installed_copy_runs_from_its_own_files(venv: Path) -> None:
    assert _run(venv / "bin" / "segdesk", "--version") == f"segdesk {segdesk.__version__}\n"
    found = json.loads(_run(venv / "bin" / "python", "-c", CHECK))
    site = str(venv.resolve())
    assert found["package"].startswith(site), found["package"]
    assert found["sample"].startswith(site) and Path(found["sample"]).stat().st_size > 1_000_000
    assert [c.startswith(site) and c.endswith("app.tcss") for c in found["css"]] == [True]
    assert found["grammar"] is True
    assert found["theme"] == "segdesk-dark"
    assert found["themes"] == [name.removesuffix(".toml") for name in THEMES]
