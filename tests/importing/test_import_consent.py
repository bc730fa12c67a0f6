"""One consent for everyone in a file: chosen by the user (never by a file's shape alone), and
suggested for a Mailchimp export of subscribed members."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from segdesk.cli import main
from segdesk.ingest.known_exports import is_mailchimp_subscribed
from tests.factories import add_contacts
from tests.importing.conftest import contacts
from tests.importing.test_import_contacts import MAILCHIMP

SUGGESTION = (
    'a Mailchimp export of subscribed members: consent stays "unknown" unless everyone in it '
    "is marked subscribed (an option of this import)"
)


def consents(ws) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {c["email"]: c["consent"] for c in contacts(ws)}


def test_a_subscribed_export_is_recognised_and_the_option_suggested(ws, write, run) -> None:
    report = run(write("audience.csv", MAILCHIMP))
    assert SUGGESTION in report.decisions
    assert set(consents(ws).values()) == {"unknown"}


def test_the_option_marks_everyone_subscribed(ws, write, run) -> None:
    report = run(write("audience.csv", MAILCHIMP), consent="subscribed")
    assert "everyone in the file is marked subscribed (chosen for this import)" in (
        report.decisions
    )
    assert SUGGESTION not in report.decisions
    assert consents(ws) == {"ana.lopez@example.com": "subscribed", "ben@example.org": "subscribed"}


def test_the_option_outweighs_a_consent_column(ws, write, run) -> None:
    add_contacts(ws.engine, [{"email": "a@example.com", "consent": "unsubscribed"}])
    report = run(
        write("list.csv", "email,status\na@example.com,unsubscribed\nb@example.com,pending\n"),
        consent="subscribed",
    )
    assert (report.inserted, report.updated) == (1, 1)
    assert (
        "everyone in the file is marked subscribed (chosen for this import); "
        "the column 'status' is not used for it"
    ) in report.decisions
    assert consents(ws) == {"a@example.com": "subscribed", "b@example.com": "subscribed"}


def test_fill_and_skip_keep_a_stored_consent(ws, write, run) -> None:
    add_contacts(ws.engine, [{"email": "a@example.com", "consent": "unsubscribed"}])
    for rule in ("fill", "skip"):
        run(write("list.csv", "email\na@example.com\n"), consent="subscribed", on_existing=rule)
        assert consents(ws) == {"a@example.com": "unsubscribed"}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["Email Address", "MEMBER_RATING", "OPTIN_TIME", "CONFIRM_TIME", "LEID", "EUID"], True),
        (["Email Address", "MEMBER_RATING", "OPTIN_TIME", "UNSUB_TIME"], False),
        (["Email Address", "MEMBER_RATING", "CONFIRM_TIME", "CLEAN_TIME"], False),
        (["Email Address", "OPTIN_TIME"], False),
        (["email", "status"], False),
    ],
)
def test_mailchimp_subscribed_columns(header: list[str], expected: bool) -> None:
    assert is_mailchimp_subscribed(header) is expected


class TestCommandLine:
    def _import(self, capsys, *argv: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
        code = main(["import", "contacts", *argv])
        return code, capsys.readouterr().out

    def test_consent_option_and_its_suggestion(self, tmp_path: Path, write, capsys) -> None:
        path, db = write("audience.csv", MAILCHIMP), str(tmp_path / "cli.db")
        code, out = self._import(capsys, str(path), "--db", db, "--dry-run")
        assert code == 0
        assert "To mark everyone in this file subscribed, import it with --consent subscribed." in (
            out
        )
        code, out = self._import(capsys, str(path), "--db", db, "--consent", "subscribed", "--json")
        assert code == 0
        assert json.loads(out)["inserted"] == 2
        code, out = self._import(capsys, str(path), "--db", db, "--consent", "subscribed")
        assert "--consent" not in out
        assert main(["contacts", "--db", db, "--json"]) == 0
        stored = json.loads(capsys.readouterr().out)
        assert {c["consent"] for c in stored} == {"subscribed"}

    def test_unsubscribed_stays_an_alias(self, tmp_path: Path, write, capsys) -> None:
        path, db = write("optouts.csv", "email\na@example.com\n"), str(tmp_path / "cli.db")
        assert self._import(capsys, str(path), "--db", db, "--unsubscribed", "--json")[0] == 0
        assert main(["contacts", "--db", db, "--json"]) == 0
        assert [c["consent"] for c in json.loads(capsys.readouterr().out)] == ["unsubscribed"]

    def test_one_consent_at_a_time(self, tmp_path: Path, write, capsys) -> None:
        path, db = write("optouts.csv", "email\na@example.com\n"), str(tmp_path / "cli.db")
        argv = [str(path), "--db", db, "--unsubscribed", "--consent", "subscribed"]
        with pytest.raises(SystemExit) as exited:
            main(["import", "contacts", *argv])
        assert exited.value.code == 2
        assert "not allowed with argument" in capsys.readouterr().err
