"""Save an SVG picture of the home screen on the sample database, for the README.

Usage: ``python scripts/screenshot.py [OUT.svg]`` (default: docs/home.svg).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path

from segdesk.paths import sample_db
from segdesk.tui.app import make_app

REPO = Path(__file__).resolve().parents[1]


async def shoot(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "sample.db"
        shutil.copyfile(sample_db(), db)
        os.environ["XDG_CONFIG_HOME"] = tmp  # leave the user's theme choice alone
        app = make_app(db=str(db))
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(5):
                await app.workers.wait_for_complete()
                await pilot.pause()
            app.save_screenshot(filename=out.name, path=str(out.parent))


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "home.svg"
    asyncio.run(shoot(target))
    print(f"wrote {target}")
