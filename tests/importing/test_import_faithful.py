"""Values are stored as the file wrote them: an email address is only trimmed and lower-cased,
and every other change typing makes to a value is counted in the report."""

from __future__ import annotations

from segdesk.ingest.values import normalise_email
from tests.factories import add_contacts
from tests.importing.conftest import by_email, contacts


class TestEmailsKeptAsWritten:
    def test_sharp_s_is_not_rewritten(self, ws, write, run) -> None:
        report = run(write("de.csv", "email,first_name\n Jürgen.Weiß@Example.DE ,Jürgen\n"))
        assert [c["email"] for c in contacts(ws)] == ["jürgen.weiß@example.de"]
        assert report.quality.changes == {}

    def test_only_case_and_surrounding_spaces_change(self) -> None:
        for written in ("STRASSE@EXAMPLE.DE", "straße@example.de", " Σοφία@example.gr "):
            assert normalise_email(written) == written.strip().lower()

    def test_an_address_stored_folded_before_is_found_and_corrected(self, ws, write, run) -> None:
        add_contacts(ws.engine, [{"email": "jürgen.weiss@example.de", "city": "Bonn"}])
        report = run(write("de.csv", "email,city\njürgen.weiß@example.de,Köln\n"))
        assert (report.inserted, report.updated) == (0, 1)
        assert [(c["email"], c["city"]) for c in contacts(ws)] == [
            ("jürgen.weiß@example.de", "Köln")
        ]

    def test_two_addresses_that_differ_only_by_folding_stay_two(self, ws, write, run) -> None:
        report = run(write("de.csv", "email\nweiß@example.de\nweiss@example.de\n"))
        assert (report.inserted, report.merged) == (2, 0)


class TestOtherChangesAreCounted:
    FILE = (
        "email,phone,customer_id,full_name,notes\n"
        "<ann@example.com>,'0113 496,=\"00042\",Mrs Ann Archer,'=SUM(A1)\n"
        "mailto:bob@example.com,0113 497,00043,Bob Brown,plain\n"
        'cy@example.com,0113 498,00044,"Cole, Cy",\n'
    )

    def test_each_kind_of_change_is_counted_and_shown(self, ws, write, run) -> None:
        report = run(
            write("people.csv", self.FILE), maps=("customer_id=external_id", "notes=custom:notes")
        )
        assert report.quality.changes == {
            "'email': mailto: or <…> taken off": 2,
            "'phone': a leading ' or the =\"…\" around it taken off": 1,
            "'customer_id': a leading ' or the =\"…\" around it taken off": 1,
            "'full_name': a title (Mr, Mrs, Herr, Frau …) left out of the name": 1,
            "'notes': the ' an export puts before a formula taken off": 1,
        }
        assert "'email': mailto: or <…> taken off (2 values)" in report.quality.lines()
        assert report.to_json()["quality"]["changes"] == report.quality.changes
        stored = by_email(ws)
        assert stored["ann@example.com"]["external_id"] == "00042"
        assert stored["ann@example.com"]["attributes"] == {"notes": "=SUM(A1)"}

    def test_dry_run_counts_the_same(self, ws, write, run) -> None:
        path = write("people.csv", self.FILE)
        maps = ("customer_id=external_id", "notes=custom:notes")
        assert run(path, maps=maps, dry_run=True).quality.changes == (
            run(path, maps=maps).quality.changes
        )

    def test_rejected_rows_are_not_counted(self, ws, write, run) -> None:
        report = run(write("p.csv", "email,phone\nnot an email,'0113\nb@example.com,'0114\n"))
        assert report.rejected == 1
        assert report.quality.changes == {
            "'phone': a leading ' or the =\"…\" around it taken off": 1
        }

    def test_row_by_row_and_by_chunk_count_the_same(self) -> None:
        from segdesk.ingest.mapping import suggest_mapping
        from segdesk.ingest.sources import SourceRow
        from segdesk.ingest.typed_rows import RecordBuilder

        header = ("email", "phone", "full_name", "notes")
        rows = [
            SourceRow(2, ("<a@example.com>", "'01", "Herr Jan Kühn", "'=1")),
            SourceRow(3, ("b@example.com", "02", "Kühn, Jan", "x")),
            SourceRow(4, ("bad email", "'03", "Mr Bo", "'+2")),  # rejected: not counted
            SourceRow(5, ("mailto:c@example.com", '="04"', "Mrs", "")),
        ]
        mapping = suggest_mapping(header, samples={"notes": ["'=1", "x", "'+2", ""]})
        by_chunk, by_row = RecordBuilder(mapping, header), RecordBuilder(mapping, header)
        by_chunk.build_chunk(rows)
        for row in rows:
            by_row.build(row)
        assert (
            by_chunk.changes
            == by_row.changes
            == {
                "'email': mailto: or <…> taken off": 2,
                "'phone': a leading ' or the =\"…\" around it taken off": 2,
                "'full_name': a title (Mr, Mrs, Herr, Frau …) left out of the name": 1,
                "'notes': the ' an export puts before a formula taken off": 1,
            }
        )


def test_events_find_a_contact_whose_address_was_stored_folded(ws, write, run) -> None:
    add_contacts(ws.engine, [{"email": "jürgen.weiss@example.de"}])
    report = run(
        write("o.csv", "email,date,amount\njürgen.weiß@example.de,2024-01-02,5\n"),
        "events",
        maps=("date=occurred_at",),
    )
    assert (report.inserted, report.contacts_created) == (1, 0)
    assert len(contacts(ws)) == 1
