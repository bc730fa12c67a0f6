"""The one entry over a database that the TUI and the CLI both call: a small facade per area,
each returning values (dataclasses), none with SQL of its own.

``Workspace.open(target, mode=...)`` opens a database to read, to write, or to create (see
``store.database``) and gives ``ws.contacts`` (browse and read contacts), ``ws.imports``
(inspect, map, run and undo imports), ``ws.segments`` (build, change, refresh and explain
segments), ``ws.models`` (RFM and lifecycle runs), ``ws.products`` (what was bought),
``ws.playbooks`` (playbooks and their reviews) and ``ws.segment_views`` (what the segments
screens and ``segment versions`` read: trends, versions, member pages), ``ws.overlap`` (how
segments overlap, and the people of a pair); ``summary()`` and
``fields()`` span the areas and stay here. The segments, models and playbooks facades load
their domain code when first used (the rule parser, pandas), so that opening a workspace stays
quick.

``ws.profiles``: each segment beside everyone, and the scheme check.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from segdesk.store.database import OpenMode, database_path, open_database
from segdesk.store.fields import FieldInfo, stored_fields
from segdesk.summary import Summary, compute_summary
from segdesk.workspace.backtests import Backtests
from segdesk.workspace.building import Building
from segdesk.workspace.contacts import Contacts
from segdesk.workspace.exports import Exports
from segdesk.workspace.imports import Imports
from segdesk.workspace.models import Models
from segdesk.workspace.overlap import Overlap
from segdesk.workspace.playbook_exports import PlaybookExports
from segdesk.workspace.playbooks import Playbooks
from segdesk.workspace.products import Products
from segdesk.workspace.profiles import Profiles
from segdesk.workspace.segment_views import SegmentViews
from segdesk.workspace.segments import Segments
from segdesk.workspace.snapshots import Snapshots

if TYPE_CHECKING:
    from segdesk.rules.vocabulary import RuleTerm

__all__ = [
    "Backtests",
    "Contacts",
    "Exports",
    "Imports",
    "Models",
    "Overlap",
    "PlaybookExports",
    "Playbooks",
    "Products",
    "Profiles",
    "SegmentViews",
    "Segments",
    "Snapshots",
    "Workspace",
]


class Workspace:
    """An open Segment Desk database and everything a user can ask of it, by area."""

    def __init__(self, engine: Engine, *, created: Path | None = None) -> None:
        self.engine = engine
        self.created = created
        """The database file this workspace made when it opened, if it made one."""
        self.contacts = Contacts(engine)
        self.imports = Imports(engine, new_database=created)
        self.segments = Segments(engine)
        self.models = Models(engine)
        self.products = Products(engine)
        self.segment_views = SegmentViews(engine)
        self.playbooks = Playbooks(engine)
        self.building = Building(engine)
        self.backtests = Backtests(engine)
        self.exports = Exports(engine)
        self.playbook_exports = PlaybookExports(engine)
        self.profiles = Profiles(engine)
        self.overlap = Overlap(engine)
        self.snapshots = Snapshots(engine)

    @classmethod
    def open(cls, target: str | os.PathLike[str], *, mode: OpenMode = "create") -> Workspace:
        """Open the database at a path or URL: ``read`` (read-only, never changed), ``write``
        (an existing database) or ``create`` (as write, making it when missing)."""
        path = database_path(target)
        created = path if mode == "create" and path is not None and not path.exists() else None
        return cls(open_database(target, mode=mode), created=created)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def summary(self, today: date | None = None) -> Summary:
        """The figures and alerts of the home screen."""
        with self.engine.connect() as conn:
            return compute_summary(conn, today or date.today())

    def fields(self) -> list[FieldInfo]:
        """Every field a rule or a mapping can name, core fields first."""
        with self.engine.connect() as conn:
            return stored_fields(conn)

    def rule_terms(self) -> list[RuleTerm]:
        """What a rule can name beyond the fields: metrics per kind of event, the window,
        segments and models with their segment names."""
        from segdesk.rules.vocabulary import rule_terms

        with self.engine.connect() as conn:
            return rule_terms(conn)
