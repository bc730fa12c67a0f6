"""The tables of a Segment Desk database (DESIGN §4).

Every capability stores its data here so that later features fill tables in rather than
reshape them. Times are timezone-aware and stored as UTC; dates a user types stay dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    DDL,
    JSON,
    Column,
    Index,
    LargeBinary,
    Table,
    UniqueConstraint,
    column,
    func,
)
from sqlalchemy import (
    event as schema_events,
)
from sqlmodel import Field, SQLModel

from segdesk.store.order_summary import TRIGGERS
from segdesk.store.text_folding import folded
from segdesk.store.utc_seconds import UtcSeconds

if TYPE_CHECKING:

    class TableModel(SQLModel):
        """SQLModel as the type checker should see it: every ``table=True`` class has the
        SQLAlchemy ``__table__`` the queries are written against, which SQLModel leaves out."""

        __table__: ClassVar[Table]

else:
    TableModel = SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def _json(default: Any = None) -> Any:
    return Field(
        default_factory=lambda: default() if callable(default) else default,
        sa_column=Column(JSON, nullable=True),
    )


class Meta(TableModel, table=True):
    """Key-value facts about the database itself (schema version, sample anchor date...)."""

    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class ImportBatch(TableModel, table=True):
    """One run of an import: what was read, how it was mapped, what it did."""

    __tablename__ = "import_batch"
    id: int | None = Field(default=None, primary_key=True)
    target: str = Field(description="contacts or events")
    event_kind: str | None = None
    file_name: str
    sha256: str
    mapping: dict[str, Any] | None = _json(dict)
    options: dict[str, Any] | None = _json(dict)
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    status: str = Field(default="running", description="running, done, failed, undone")
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    contacts_created: int = 0
    quality: dict[str, Any] | None = _json(dict)
    undone_at: datetime | None = None


class Contact(TableModel, table=True):
    """A person. Identifiers stay text: leading zeros and a leading '+' matter."""

    __tablename__ = "contact"
    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, unique=True)
    email: str | None = Field(default=None, unique=True)
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    company: str | None = None
    job_title: str | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None
    postal_code: str | None = None
    source: str | None = None
    consent: str = Field(default="unknown", description="subscribed, unsubscribed, unknown")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    attributes: dict[str, Any] | None = _json(dict)
    import_batch_id: int | None = Field(default=None, foreign_key="import_batch.id")
    search_text: str = Field(
        default="",
        sa_column_kwargs={"server_default": ""},
        description="the searched fields folded (store.search_text), written with them",
    )


class ImportChange(TableModel, table=True):
    """What an import did to one contact, so that the import can be undone."""

    __tablename__ = "import_change"
    id: int | None = Field(default=None, primary_key=True)
    import_batch_id: int = Field(foreign_key="import_batch.id", index=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    action: str = Field(description="inserted or updated")
    before: dict[str, Any] | None = _json()


class FieldDef(TableModel, table=True):
    """Every field a rule can name, with its type and where it comes from."""

    __tablename__ = "field"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    label: str
    type: str = Field(description="text, number, date, bool, category")
    origin: str = Field(description="core, custom, metric, model")
    description: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Event(TableModel, table=True):
    """Something a contact did: an order, or any other kind a file brings."""

    __tablename__ = "event"
    __table_args__ = (
        UniqueConstraint("kind", "dedup_key", name="uq_event_kind_dedup"),
        Index("ix_event_contact_kind_time", "contact_id", "kind", "occurred_at"),
        Index("ix_event_kind_time", "kind", "occurred_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id")
    kind: str = "order"
    occurred_at: datetime = Field(sa_type=UtcSeconds)
    amount: float | None = None
    quantity: float | None = None
    status: str | None = Field(
        default=None,
        description="an order's status: paid, pending, refunded, partially refunded, voided, "
        "cancelled; None when the file gives none (counted like paid)",
    )
    ref: str | None = None
    dedup_key: str | None = Field(
        default=None, description="order id, or a hash of the row and its occurrence number"
    )
    attributes: dict[str, Any] | None = _json(dict)
    import_batch_id: int | None = Field(default=None, foreign_key="import_batch.id", index=True)


class OrderLine(TableModel, table=True):
    """One line of an order: what was bought, how many, at what price.

    ``contact_id`` and ``occurred_at`` repeat the order's so that a product question ("bought
    the cold brew kit in the last 90 days") is answered from this table and its indexes alone.
    """

    __tablename__ = "order_line"
    __table_args__ = (
        Index("ix_order_line_event", "event_id", "line_no"),
        Index("ix_order_line_contact_time", "contact_id", "occurred_at"),
        # Rules compare text trimmed and ignoring case (segdesk.rules): these indexes hold
        # exactly that expression, so that ``orders(product = "Kit")`` reads only the lines
        # of that product, from a day on. ``folded`` is NOCASE on SQLite, lower() elsewhere.
        Index("ix_order_line_product", folded(func.trim(column("product"))), "occurred_at"),
        Index("ix_order_line_sku", folded(func.trim(column("sku"))), "occurred_at"),
        Index("ix_order_line_category", folded(func.trim(column("category"))), "occurred_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id")
    line_no: int = Field(description="1 for the order's first line in the file, then 2, 3...")
    contact_id: int = Field(foreign_key="contact.id")
    occurred_at: datetime = Field(sa_type=UtcSeconds)
    product: str | None = None
    sku: str | None = None
    category: str | None = None
    quantity: float | None = None
    unit_price: float | None = None
    line_total: float | None = None
    attributes: dict[str, Any] | None = _json(dict)


class OrderSummary(TableModel, table=True):
    """A contact's counted orders in one row, kept by triggers on ``event``
    (``store.order_summary``): what a rule's orders condition without a window reads."""

    __tablename__ = "order_summary"
    contact_id: int = Field(foreign_key="contact.id", primary_key=True)
    orders: int
    revenue: float = Field(description="the sum of the amounts, 0 when none has one")
    first_at: datetime = Field(sa_type=UtcSeconds)
    last_at: datetime = Field(sa_type=UtcSeconds)


for _sql in TRIGGERS.values():  # after every table: the triggers name two (SQLite's SQL)
    schema_events.listen(
        TableModel.metadata,
        "after_create",
        DDL(_sql).execute_if(dialect="sqlite"),  # type: ignore[no-untyped-call]
    )


class Scheme(TableModel, table=True):
    """A set of mutually exclusive segments produced together (RFM, lifecycle, clusters)."""

    __tablename__ = "scheme"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    kind: str = Field(description="rfm, lifecycle, cluster, manual")
    params: dict[str, Any] | None = _json(dict)
    created_at: datetime = Field(default_factory=utcnow)
    refreshed_at: datetime | None = None


class ModelRun(TableModel, table=True):
    """One computation of a scheme: its parameters and breakpoints, kept for every run."""

    __tablename__ = "model_run"
    id: int | None = Field(default=None, primary_key=True)
    scheme_id: int = Field(foreign_key="scheme.id", index=True)
    as_of: date
    params: dict[str, Any] | None = _json(dict)
    breakpoints: dict[str, Any] | None = _json(dict)
    ran_at: datetime = Field(default_factory=utcnow)


class Segment(TableModel, table=True):
    """A named group of contacts, with its definition and its playbook (DESIGN §7)."""

    __tablename__ = "segment"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(description="unique within its scheme, ignoring case")
    kind: str = Field(description="rule, static, model")
    definition: dict[str, Any] | None = _json()
    rule_text: str | None = None
    scheme_id: int | None = Field(default=None, foreign_key="scheme.id", index=True)
    priority: int | None = None
    status: str = Field(default="active", description="draft, active, retired")
    version: int = 1
    member_count: int | None = None
    refreshed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None
    # Playbook
    goal: str | None = None
    target: str | None = None
    deadline: date | None = None
    owner: str | None = None
    stakeholders: list[Any] | None = _json(list)
    data_sources: list[Any] | None = _json(list)
    use_cases: list[Any] | None = _json(list)
    channels: list[Any] | None = _json(list)
    message_tone: str | None = None
    offer: str | None = None
    next_actions: list[Any] | None = _json(list)
    kpis: list[Any] | None = _json(list)
    review_cadence: str | None = None
    next_review: date | None = None
    playbook_status: str | None = None


SEGMENT_NAME_INDEX = Index(
    "ux_segment_scheme_name",
    func.coalesce(Segment.__table__.c.scheme_id, 0),
    func.lower(Segment.__table__.c.name),
    unique=True,
)
"""A segment's name is unique among the segments of its scheme (RFM's "At Risk" and
lifecycle's "At risk" both keep their names), and among the segments of no scheme."""


class SegmentVersion(TableModel, table=True):
    """Every change of a segment's definition, with when and why."""

    __tablename__ = "segment_version"
    __table_args__ = (UniqueConstraint("segment_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    segment_id: int = Field(foreign_key="segment.id", index=True)
    version: int
    definition: dict[str, Any] | None = _json()
    rule_text: str | None = None
    reason: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class SegmentRefresh(TableModel, table=True):
    """A segment's size at each refresh (and at each save that computes its members): the
    size trend until snapshots exist, and each version's member count."""

    __tablename__ = "segment_refresh"
    __table_args__ = (Index("ix_segment_refresh_segment_time", "segment_id", "refreshed_at"),)
    id: int | None = Field(default=None, primary_key=True)
    segment_id: int = Field(foreign_key="segment.id")
    version: int = Field(description="the segment's version when it was refreshed")
    member_count: int
    refreshed_at: datetime


class SegmentMember(TableModel, table=True):
    """Current membership of a segment."""

    __tablename__ = "segment_member"
    __table_args__ = (Index("ix_segment_member_contact", "contact_id"),)
    segment_id: int = Field(foreign_key="segment.id", primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", primary_key=True)
    joined_at: datetime = Field(default_factory=utcnow)


class SegmentMemberSet(TableModel, table=True):
    """A compact copy of a segment's current members (a serialised roaring bitmap of contact
    ids), written with its ``segment_member`` rows in the same transaction, so that overlap
    reads twenty segments of a million contacts in milliseconds (``store.member_bitmaps``)."""

    __tablename__ = "segment_member_set"
    segment_id: int = Field(foreign_key="segment.id", primary_key=True)
    member_count: int
    members: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class SegmentPin(TableModel, table=True):
    """A manual decision: always include or always exclude a contact."""

    __tablename__ = "segment_pin"
    segment_id: int = Field(foreign_key="segment.id", primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", primary_key=True)
    mode: str = Field(description="include or exclude")
    note: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Snapshot(TableModel, table=True):
    """Membership frozen at a time: manual, automatic on refresh, or computed as of a date."""

    __tablename__ = "snapshot"
    id: int | None = Field(default=None, primary_key=True)
    label: str | None = None
    kind: str = Field(description="manual, auto, as_of")
    taken_at: datetime = Field(default_factory=utcnow)
    as_of: date | None = None


class SnapshotMembership(TableModel, table=True):
    """One segment's members in one snapshot, as a serialised roaring bitmap of contact ids."""

    __tablename__ = "snapshot_membership"
    snapshot_id: int = Field(foreign_key="snapshot.id", primary_key=True)
    segment_id: int = Field(foreign_key="segment.id", primary_key=True)
    member_count: int
    members: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ExportLog(TableModel, table=True):
    """What was exported, when, and how many contacts were left out for consent."""

    __tablename__ = "export_log"
    id: int | None = Field(default=None, primary_key=True)
    segment_id: int | None = Field(default=None, foreign_key="segment.id", index=True)
    what: str = Field(description="list or playbook")
    format: str
    path: str
    rows: int = 0
    excluded_unsubscribed: int = 0
    options: dict[str, Any] | None = _json(dict)
    created_at: datetime = Field(default_factory=utcnow)


class SegmentReview(TableModel, table=True):
    """A playbook review done: on which day, by whom, and the next review it planned.

    Kept apart from the versions: a review changes no definition."""

    __tablename__ = "segment_review"
    id: int | None = Field(default=None, primary_key=True)
    segment_id: int = Field(foreign_key="segment.id", index=True)
    reviewed_on: date
    due_on: date | None = Field(default=None, description="the review date it settled")
    next_review: date | None = None
    reviewed_by: str | None = None
    note: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class BacktestRun(TableModel, table=True):
    """The latest backtest of a segment (``segment_id``) or a scheme (``scheme_id``) at one
    cadence, kept so that its playbook can show it: the dates, sizes and mean measures in
    ``summary``, never a contact."""

    __tablename__ = "backtest_run"
    id: int | None = Field(default=None, primary_key=True)
    segment_id: int | None = Field(default=None, foreign_key="segment.id", index=True)
    scheme_id: int | None = Field(default=None, foreign_key="scheme.id", index=True)
    subject: str = Field(description="the name it was run for")
    cadence: str = Field(description="monthly or weekly")
    start_date: date
    end_date: date
    run_at: datetime = Field(default_factory=utcnow)
    summary: dict[str, Any] | None = _json(dict)
