"""`segdesk serve`: the app in a real headless Chromium, served on 127.0.0.1 only; the
mistakes a user can make, in one line each."""

from __future__ import annotations

import shlex
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from segdesk.cli.serve import app_command
from segdesk.paths import sample_db
from tests.cli_runs import run
from tests.headless_browser import Browser, find_chromium

CAPTURE_TERMINALS = """
window.terminals = [];
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true});
    window.terminals.push(value);
  },
});
"""
"""Run before the page's scripts: keeps the xterm.js terminal the page makes (it assigns it
to a property named ``terminal``), whose screen the test then reads."""

SCREEN_TEXT = """(window.terminals || []).filter(t => t.buffer).map(t => {
  const screen = t.buffer.active, lines = [];
  for (let y = 0; y < t.rows; y++) {
    lines.push(screen.getLine(screen.viewportY + y).translateToString(true));
  }
  return lines.join("\\n");
}).join("\\n")"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listeners(port: int) -> list[str]:
    """The local addresses listening on ``port``, as /proc/net/tcp and tcp6 write them."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.append(address)
    return found


@dataclass
class Served:
    server: subprocess.Popen[str]
    port: int


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """`segdesk serve --demo` running on a free port, until the test ends."""
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "segdesk", "serve", "--demo", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        deadline = time.monotonic() + 15
        while not _accepts(port):
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the server never listened"
            time.sleep(0.05)
        yield Served(server, port)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _accepts(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _descendants(pid: int) -> set[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return {int(c) for c in children}.union(*(_descendants(int(c)) for c in children))


@pytest.mark.skipif(not Path("/proc/net/tcp").is_file(), reason="needs Linux's /proc/net/tcp")
def test_it_listens_on_127_0_0_1_only(served: Served) -> None:
    assert _listeners(served.port) == ["0100007F"]


@pytest.mark.skipif(find_chromium() is None, reason="chromium is not installed")
def test_a_browser_shows_the_home_screen_and_ctrl_c_ends_its_app(served: Served) -> None:
    """The page's terminal holds the app's home screen on the sample's figures; stopping the
    server with the tab still open ends the tab's app at once."""
    with closing(sqlite3.connect(f"{sample_db().as_uri()}?mode=ro", uri=True)) as sample:
        contacts = sample.execute("SELECT count(*) FROM contact").fetchone()[0]
    people = f"{contacts:,} people"
    with Browser(find_chromium() or "", width=1400, height=900) as browser:
        browser.page("Page.enable")
        browser.page("Page.addScriptToEvaluateOnNewDocument", source=CAPTURE_TERMINALS)
        browser.page("Page.navigate", url=f"http://localhost:{served.port}/")
        screen = browser.wait_for(f"({SCREEN_TEXT}).includes({people!r}) && {SCREEN_TEXT}", 15)
        screen = screen or browser.evaluate(SCREEN_TEXT)
        assert "Segment Desk · demo.db · Home" in screen
        assert people in screen
        assert "c Contacts" in screen

        tab_apps = _descendants(served.server.pid)
        assert tab_apps
        served.server.send_signal(signal.SIGINT)
        assert served.server.wait(timeout=5) == 0
        deadline = time.monotonic() + 3
        while (left := [p for p in tab_apps if Path(f"/proc/{p}").exists()]) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.05)
        assert left == []


def test_each_tab_runs_the_app_on_the_same_database_and_theme() -> None:
    command = app_command("/data/my shop.db", "segdesk-light")
    assert shlex.split(command) == [
        sys.executable,
        *("-m", "segdesk", "--db", "/data/my shop.db", "--theme", "segdesk-light"),
    ]


def test_a_port_in_use_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = run(capsys, "serve", "--demo", "--port", str(port))
    assert (code, out) == (2, "")
    assert err == (
        f"segdesk: error: port {port} is in use on 127.0.0.1: choose another with --port N\n"
    )


def test_without_textual_serve_it_says_how_to_get_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    code, out, err = run(capsys, "serve", "--demo")
    assert (code, out) == (2, "")
    assert err == (
        "segdesk: error: serving the app needs textual-serve: pip install 'segdesk[serve]'\n"
    )


def test_db_and_demo_together_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "serve", "--demo", "--db", "shop.db")
    assert code == 2
    assert err == "segdesk: error: --db and --demo name two databases: give one\n"
