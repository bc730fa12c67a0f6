"""The example playbooks under docs/examples are what the code writes now from the sample
(its dates are fixed by its anchor, and a playbook reads no clock), and the HTML one opens and
prints in a headless browser where one is installed (skipped otherwise)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "playbook_examples.py"
EXAMPLE = ROOT / "docs" / "examples" / "rfm-playbook.html"
CHROMIUMS = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chromium-headless-shell",
    "chrome-headless-shell",
)
RFM_SEGMENTS = 11


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("playbook_examples", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_examples_are_what_the_code_writes() -> None:
    script = load_script()
    for file, text in script.render_examples().items():
        committed = (script.EXAMPLES / file).read_text(encoding="utf-8")
        assert committed == text, f"docs/examples/{file} is stale: run {SCRIPT.name}"


def chromium() -> str | None:
    return next((path for name in CHROMIUMS if (path := shutil.which(name))), None)


def browser_run(browser: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",  # tests may run as root
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'profile'}",
            *args,
            EXAMPLE.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_html_example_opens_and_prints_in_a_browser(tmp_path: Path) -> None:
    browser = chromium()
    if browser is None:
        if shutil.which("firefox") is not None:
            shot = tmp_path / "page.png"
            done = subprocess.run(
                ["firefox", "--headless", "--screenshot", str(shot), EXAMPLE.as_uri()],
                capture_output=True,
                timeout=120,
                check=False,
            )
            assert done.returncode == 0 and shot.stat().st_size > 0
            return
        pytest.skip("no headless browser installed (chromium, google-chrome or firefox)")
    dom = browser_run(browser, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr
    assert "<h1>RFM: playbook</h1>" in dom.stdout
    assert dom.stdout.count('<section class="part" data-segment=') == RFM_SEGMENTS
    pdf = tmp_path / "rfm.pdf"
    printed = browser_run(browser, tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert printed.returncode == 0, printed.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages > RFM_SEGMENTS  # the summary, then each segment from a new page
