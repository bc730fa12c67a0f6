"""Playbooks for one segment or a whole scheme, as Markdown or as one self-contained HTML
page (docs/playbooks.md, "Playbook exports").

`build_playbook` reads what a playbook shows in one connection and lays it out as a
`Document` of sections (``playbook_sections.py``); `render_playbook` writes that document in
either format. A playbook holds counts and the documentation fields, never a contact's data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection

from segdesk.errors import NotFoundError, UserError
from segdesk.publish.document import Document, Part
from segdesk.publish.export_log import record
from segdesk.publish.files import write_private_text
from segdesk.publish.model_definitions import scheme_label
from segdesk.publish.playbook_facts import (
    SchemeFacts,
    SegmentFacts,
    not_found,
    scheme_facts,
    scheme_segments,
    segment_facts,
)
from segdesk.publish.playbook_sections import SCHEME_SECTIONS, SEGMENT_SECTIONS
from segdesk.wording import count

PlaybookFormat = Literal["md", "html"]
FORMATS: tuple[PlaybookFormat, ...] = ("md", "html")
EXTENSIONS: dict[str, PlaybookFormat] = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
}
KIND_LABELS = {"rule": "Rule segment", "static": "Fixed list", "model": "Model segment"}


def build_playbook(conn: Connection, name: str) -> Document:
    """The playbook of the segment called ``name``, else of the scheme called ``name``."""
    try:
        facts = segment_facts(conn, name)
    except NotFoundError:
        scheme = scheme_facts(conn, name)
        if scheme is None:
            raise not_found(name) from None
        return scheme_document(conn, scheme)
    return Document(
        f"{facts.name}: playbook", (segment_part(conn, facts),), segment_id=facts.detail.info.id
    )


def scheme_document(conn: Connection, scheme: SchemeFacts) -> Document:
    """A scheme's summary and method, then each of its segments on pages of their own."""
    segments = scheme_segments(conn, scheme)
    label = scheme_label(scheme.name)
    sections = tuple(s for f in SCHEME_SECTIONS if (s := f(conn, scheme, segments)) is not None)
    contacts = segments[0].contacts if segments else 0
    as_of = f", as of {scheme.run_as_of}" if scheme.run_as_of else ""
    opening = Part(
        f"{label}: playbook",
        f"{count(len(segments), 'segment')} covering {count(contacts, 'contact')}{as_of}",
        sections,
    )
    parts = (opening, *(segment_part(conn, s, in_scheme=True) for s in segments))
    return Document(f"{label}: playbook", parts, scheme=scheme.name)


def segment_part(conn: Connection, facts: SegmentFacts, *, in_scheme: bool = False) -> Part:
    info = facts.detail.info
    kind = KIND_LABELS.get(info.kind, info.kind)
    if info.scheme is not None:
        kind = f"{scheme_label(info.scheme)} segment"
    said = [kind, f"version {info.version}"] if info.kind == "rule" else [kind]
    if info.status != "active":
        said.append(info.status)
    sections = tuple(s for f in SEGMENT_SECTIONS if (s := f(conn, facts)) is not None)
    title = info.name if in_scheme else f"{info.name}: playbook"
    return Part(title, " · ".join(said), sections, segment=info.name)


@dataclass(frozen=True)
class PlaybookWritten:
    """A playbook file written: where, in which format, of which segments, how large."""

    path: Path
    format: PlaybookFormat
    title: str
    segments: tuple[str, ...]
    scheme: str | None
    size: int
    """Bytes written."""

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "format": self.format,
            "title": self.title,
            "scheme": self.scheme,
            "segments": list(self.segments),
            "bytes": self.size,
        }


def write_playbook(
    conn: Connection, name: str, path: Path, fmt: PlaybookFormat, *, now: dt.datetime
) -> PlaybookWritten:
    """Build the playbook of ``name``, write it to ``path`` (a temporary name, renamed; owner
    only) and record it in the export log, in the caller's transaction."""
    document = build_playbook(conn, name)
    size = write_private_text(path, render_playbook(document, fmt))
    record(
        conn,
        what="playbook",
        format=fmt,
        path=str(path),
        rows=len(document.segments),
        segment_ids=[] if document.segment_id is None else [document.segment_id],
        segments=list(document.segments),
        left_out={},
        options={"name": name, "scheme": document.scheme},
        now=now,
    )
    return PlaybookWritten(path, fmt, document.title, document.segments, document.scheme, size)


def render_playbook(document: Document, fmt: PlaybookFormat) -> str:
    if fmt == "html":
        from segdesk.publish.html import to_html

        return to_html(document)
    from segdesk.publish.markdown import to_markdown

    return to_markdown(document)


def playbook_format(path: str | Path, fmt: str | None = None) -> PlaybookFormat:
    """``fmt`` when given, else the format the file's extension names (.md, .html)."""
    if fmt is not None:
        for known in FORMATS:
            if fmt == known:
                return known
        raise UserError(f'"{fmt}" is not a playbook format; use md or html')
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        raise UserError(
            f'cannot tell the format from "{Path(path).name}": end the name with .md or .html, '
            "or give --format md|html"
        )
    return EXTENSIONS[suffix]


def default_file_name(name: str, fmt: PlaybookFormat) -> str:
    """A file name for a playbook: its words in lower case joined by hyphens."""
    words = "".join(c if c.isalnum() else " " for c in name.casefold()).split()
    return f"{'-'.join(words) or 'segment'}-playbook.{fmt}"
