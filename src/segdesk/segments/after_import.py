"""An import's report together with the refresh of segments that followed it."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from segdesk.ingest.import_report import ImportReport


@dataclass
class RefreshedImportReport(ImportReport):
    """An :class:`ImportReport` that also says how many segments were refreshed after it."""

    segments_refreshed: int = 0

    @classmethod
    def of(cls, report: ImportReport, segments_refreshed: int) -> RefreshedImportReport:
        values = {f.name: getattr(report, f.name) for f in fields(report)}
        return cls(**values, segments_refreshed=segments_refreshed)

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "segments_refreshed": self.segments_refreshed}
