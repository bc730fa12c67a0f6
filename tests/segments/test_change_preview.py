"""`preview_change`: who a new rule would bring into a segment and who it would drop, counted
in the database before anything is saved, and the same as the edit then does."""

from __future__ import annotations

import pytest

from segdesk.errors import UserError
from segdesk.workspace import Workspace
from tests.segments.conftest import TODAY, contacts_frame, members


def ids_where(ws: Workspace, countries: set[str]) -> set[int]:
    frame = contacts_frame(ws)
    folded = frame["country"].fillna("").str.strip().str.lower()
    return set(frame[folded.isin(countries)]["id"])


class TestChangePreview:
    def test_joining_leaving_and_staying_match_the_edit(self, ws: Workspace) -> None:
        ws.segments.create("North America", 'country in ("US", "CA")', today=TODAY)
        before = members(ws, "North America")
        preview = ws.building.preview_change("North America", 'country in ("US", "DE")', TODAY)
        us, ca, de = (ids_where(ws, {c}) for c in ("us", "ca", "de"))
        assert (preview.joining, preview.leaving, preview.staying) == (len(de), len(ca), len(us))
        assert members(ws, "North America") == before  # a preview changes nothing
        ws.segments.edit("North America", 'country in ("US", "DE")', "add Germany", TODAY)
        after = members(ws, "North America")
        assert (len(after - before), len(before - after)) == (preview.joining, preview.leaving)
        assert preview.members_after == len(after)

    def test_a_few_names_of_each_side_in_id_order(self, ws: Workspace) -> None:
        ws.segments.create("Canada", 'country = "CA"', today=TODAY)
        preview = ws.building.preview_change(
            "Canada",
            'country = "DE"',
            TODAY,
        )
        de = sorted(ids_where(ws, {"de"}))
        ca = sorted(ids_where(ws, {"ca"}))
        assert preview.joining_names == tuple(f"P{i}" for i in de[:5])
        assert preview.leaving_names == tuple(f"P{i}" for i in ca[:5])

    def test_pins_count_as_the_refresh_applies_them(self, ws: Workspace) -> None:
        ws.segments.create("US", 'country = "US"', today=TODAY)
        outsider = min(ids_where(ws, {"de"}))
        ws.segments.pin("US", str(outsider), "include")
        ws.segments.refresh("US", today=TODAY)
        preview = ws.building.preview_change("US", 'country = "US" or country = "CA"', TODAY)
        assert preview.leaving == 0  # the pinned contact stays
        assert preview.joining == len(ids_where(ws, {"ca"}))

    def test_a_retired_segment_keeps_its_members_until_reactivated(self, ws: Workspace) -> None:
        ws.segments.create("US", 'country = "US"', today=TODAY)
        ws.segments.set_status("US", "retired", today=TODAY)
        assert not ws.building.preview_change("US", 'country = "CA"', TODAY).applies_now

    def test_rules_the_edit_refuses_are_refused(self, ws: Workspace) -> None:
        ws.segments.create("US", 'country = "US"', today=TODAY)
        ws.segments.create_static("US list", from_segment="US")
        with pytest.raises(UserError, match="depend on itself"):
            ws.building.preview_change("US", 'in segment "US"', TODAY)
        with pytest.raises(UserError, match="static list"):
            ws.building.preview_change("US list", 'country = "CA"', TODAY)
        with pytest.raises(UserError, match="unknown field"):
            ws.building.preview_change("US", 'contry = "CA"', TODAY)
