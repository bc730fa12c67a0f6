"""Playbook exports: a segment's or a scheme's playbook as Markdown or HTML, to preview or to
write to a file (recorded in the export log). The publish code is imported when used."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from segdesk.store.engine import write_connection

if TYPE_CHECKING:
    from segdesk.publish.document import Document
    from segdesk.publish.playbook import PlaybookFormat, PlaybookWritten


class PlaybookExports:
    """Playbooks by segment or scheme name ("VIP customers", "rfm", "rfm: At Risk")."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def document(self, name: str) -> Document:
        """The playbook laid out in sections, to render in either format."""
        from segdesk.publish.playbook import build_playbook

        with self._engine.connect() as conn:
            return build_playbook(conn, name)

    def render(self, name: str, fmt: PlaybookFormat = "md") -> str:
        """The playbook as Markdown (``md``) or a self-contained HTML page (``html``)."""
        from segdesk.publish.playbook import render_playbook

        return render_playbook(self.document(name), fmt)

    def write(self, name: str, path: str | Path, fmt: str | None = None) -> PlaybookWritten:
        """Write the playbook to ``path`` in ``fmt`` (else the format of its extension):
        by a temporary name and a rename, readable by the owner only, and log it."""
        from segdesk.publish.playbook import playbook_format, write_playbook

        target = Path(path).expanduser().absolute()
        chosen = playbook_format(target, fmt)
        with write_connection(self._engine) as conn, conn.begin():
            return write_playbook(conn, name, target, chosen, now=datetime.now(UTC))
