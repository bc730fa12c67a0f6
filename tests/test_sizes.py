"""``pytest --full`` (or ``SEGDESK_FULL=1``) runs the suites that scale at full sizes; without
either they run small, so that ``scripts/check`` stays quick."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sizes import ENV

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
from tests.sizes import sized


def test_probe():
    print("size:", sized("small", "full"))
"""


@pytest.mark.parametrize(
    ("options", "env", "size"),
    [([], None, "small"), (["--full"], None, "full"), ([], "1", "full")],
)
def test_sizes_follow_the_full_option_and_the_environment(
    tmp_path: Path, options: list[str], env: str | None, size: str
) -> None:
    (tmp_path / "test_probe.py").write_text(PROBE)
    environ = {k: v for k, v in os.environ.items() if k != ENV}
    environ["PYTHONPATH"] = str(ROOT)
    environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # quicker, and the probe needs none
    if env is not None:
        environ[ENV] = env
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "tests.conftest", *options],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"size: {size}" in run.stdout
