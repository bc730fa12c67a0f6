"""The command line contract: output shapes, --db everywhere, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from segdesk import __version__
from segdesk.cli import main
from segdesk.workspace import Workspace
from tests.factories import new_shop


@pytest.fixture
def mia_and_leo(tmp_path: Path) -> Path:
    """Two contacts; Mia's id, phone and postal code must come back exactly as stored."""
    return new_shop(
        tmp_path,
        [
            {
                "email": "mia@example.com",
                "first_name": "Mia",
                "last_name": "Wong",
                "external_id": "007",
                "phone": "+44 20 7946 0000",
                "postal_code": "02139",
                "attributes": {"plan": "team"},
            },
            {"email": "leo@example.com", "first_name": "Leo", "last_name": "Varga"},
        ],
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


class TestContacts:
    def test_search_json(self, mia_and_leo: Path, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(
            capsys, "contacts", "--search", "wong", "--json", "--db", str(mia_and_leo)
        )
        assert code == 0
        [mia] = json.loads(out)
        assert mia["email"] == "mia@example.com"
        assert (mia["external_id"], mia["phone"], mia["postal_code"]) == (
            "007",
            "+44 20 7946 0000",
            "02139",
        )
        assert mia["plan"] == "team"

    def test_db_before_the_command_and_limit(self, mia_and_leo: Path, capsys) -> None:
        code, out, _ = run(capsys, "--db", str(mia_and_leo), "contacts", "--limit", "1", "--json")
        assert code == 0
        assert [c["first_name"] for c in json.loads(out)] == ["Mia"]

    def test_db_from_environment(self, mia_and_leo: Path, capsys, monkeypatch) -> None:
        monkeypatch.setenv("SEGDESK_DB", str(mia_and_leo))
        code, out, _ = run(capsys, "contacts", "--json")
        assert code == 0
        assert len(json.loads(out)) == 2

    def test_table_output(self, mia_and_leo: Path, capsys) -> None:
        code, out, err = run(capsys, "contacts", "--db", str(mia_and_leo))
        assert code == 0
        assert "Contacts (2 of 2)" in err
        assert out.splitlines()[0].split("\t") == [
            "email",
            "name",
            "company",
            "city",
            "country",
            "consent",
        ]
        assert "mia@example.com\tMia Wong\t" in out

    def test_sample_contact_by_name(self, sample_copy: Path, capsys) -> None:
        with Workspace.open(sample_copy) as ws:
            someone = ws.contacts.records(limit=1)[0]
        name = f"{someone.fields['first_name']} {someone.fields['last_name']}"
        code, out, _ = run(capsys, "contacts", "--search", name, "--json", "--db", str(sample_copy))
        assert code == 0
        found = json.loads(out)
        assert someone.id in [c["id"] for c in found]
        assert all(name.split()[0].lower() in json.dumps(c).lower() for c in found)


class TestFields:
    def test_json(self, shop: Path, capsys) -> None:
        code, out, _ = run(capsys, "fields", "--json", "--db", str(shop))
        assert code == 0
        fields = {f["name"]: f for f in json.loads(out)}
        assert fields["email"]["type"] == "text"
        assert fields["consent"]["origin"] == "core"

    def test_table(self, shop: Path, capsys) -> None:
        code, out, _ = run(capsys, "fields", "--db", str(shop))
        assert code == 0
        assert "postal_code" in out

    def test_what_a_rule_names_beyond_the_fields(self, sample_copy: Path, capsys) -> None:
        code, out, _ = run(capsys, "fields", "--json", "--db", str(sample_copy))
        assert code == 0
        named = {f["name"]: f for f in json.loads(out)}
        assert {"orders.count", "orders.total", "orders.avg", "orders.first", "orders.last"} <= {
            name for name, f in named.items() if f["origin"] == "metric"
        }
        assert named["in last N days"]["origin"] == "window"
        assert named['in segment "VIP customers"']["origin"] == "segment"
        assert "Champions" in named["rfm"]["values"]
        assert "Never purchased" in named["lifecycle"]["values"]
        code, out, err = run(capsys, "fields", "--db", str(sample_copy))
        assert code == 0 and "Beyond the fields" in err
        assert "orders.last\tdate\tmetric\t" in out
        assert "Champions, Loyal Customers" in out


class TestMistakes:
    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (["contacts", "--limit", "many"], "expected a whole number, got 'many'"),
            (["contacts", "--limit", "-3"], "expected 0 or more"),
            (["frobnicate"], "invalid choice: 'frobnicate'"),
            (["contacts", "--colour"], "unrecognized arguments: --colour"),
        ],
    )
    def test_bad_arguments(self, argv: list[str], message: str, capsys) -> None:
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2
        err = capsys.readouterr().err
        assert message in err
        assert len(err.strip().splitlines()) == 1

    def test_not_a_database(self, tmp_path: Path, capsys) -> None:
        bogus = tmp_path / "orders.csv"
        bogus.write_text("id,amount\n1,2\n" * 200)
        code, out, err = run(capsys, "contacts", "--db", str(bogus))
        assert code == 2
        assert out == ""
        assert err == f"segdesk: error: cannot open database {bogus}: file is not a database\n"


class TestProcess:
    """The installed console script, as a user runs it."""

    def _segdesk(self, *argv: str, env: dict[str, str] | None = None):
        exe = Path(sys.executable).with_name("segdesk")
        return subprocess.run(
            [str(exe), *argv],
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            timeout=60,
        )

    def test_version(self) -> None:
        result = self._segdesk("--version")
        assert (result.returncode, result.stdout) == (0, f"segdesk {__version__}\n")

    def test_user_error_has_no_traceback(self, tmp_path: Path) -> None:
        folder = tmp_path / "a-folder"
        folder.mkdir()
        result = self._segdesk("fields", "--db", str(folder))
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("segdesk: error: cannot open database")

    def test_default_database_in_user_data_folder(self, tmp_path: Path) -> None:
        """Reading the default database before it exists names it and makes nothing; the
        first import makes it, and the data folder with it, private."""
        data = tmp_path / "xdg-data"
        db = data / "segdesk" / "segdesk.db"
        env = {"XDG_DATA_HOME": str(data)}
        result = self._segdesk("contacts", "--json", env=env)
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr.startswith(f"segdesk: error: no database at {db}")
        assert not data.exists()

        people = tmp_path / "people.csv"
        people.write_text("email\nann@example.com\n")
        result = self._segdesk("import", "contacts", str(people), "--json", env=env)
        assert result.returncode == 0, result.stderr
        assert f"created the new database {db}" in json.loads(result.stdout)["decisions"]
        assert oct(db.stat().st_mode & 0o777) == "0o600"
        assert oct(db.parent.stat().st_mode & 0o777) == "0o700"
        result = self._segdesk("contacts", "--json", env=env)
        assert [c["email"] for c in json.loads(result.stdout)] == ["ann@example.com"]


class TestNoTerminal:
    """Without a terminal the app would start anyway and keep a core busy until killed."""

    @pytest.mark.parametrize("argv", [[], ["demo"]])
    def test_app_refuses_without_a_terminal(
        self, shop: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
    ) -> None:
        code, out, err = run(capsys, *argv, "--db", str(shop))
        assert code == 2 and out == ""
        assert err.startswith("segdesk: error: the app needs a terminal")
        assert len(err.splitlines()) == 1

    def test_process_with_stdout_to_a_file_exits_at_once(self, shop: Path) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "segdesk", "--db", str(shop)],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 2
        assert "run segdesk in one, or use a command" in done.stderr
