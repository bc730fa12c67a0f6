"""Write the example playbooks under docs/examples from the bundled sample database: RFM's
playbook as a page to print (``rfm-playbook.html``) and as Markdown (``rfm-playbook.md``).

The sample's dates are fixed by its anchor and a playbook reads no clock, so the files change
only when the code or the sample does; ``tests/publish/test_playbook_examples.py`` checks that
they match. Usage: ``python scripts/playbook_examples.py``.
"""

from __future__ import annotations

from pathlib import Path

from segdesk.paths import sample_db
from segdesk.workspace import Workspace

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
FILES = {"rfm-playbook.html": ("rfm", "html"), "rfm-playbook.md": ("rfm", "md")}


def render_examples() -> dict[str, str]:
    """Each example's file name and the text the code writes for it now."""
    with Workspace.open(sample_db(), mode="read") as ws:
        return {file: ws.playbook_exports.render(name, fmt) for file, (name, fmt) in FILES.items()}


def main() -> None:
    EXAMPLES.mkdir(exist_ok=True)
    for file, text in render_examples().items():
        (EXAMPLES / file).write_text(text, encoding="utf-8")
        print(f"wrote {EXAMPLES / file}")


if __name__ == "__main__":
    main()
