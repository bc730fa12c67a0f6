"""Startup and scrolling figures of Segment Desk in a real terminal, at a million contacts.

Every figure is taken the way a person sees it: the program runs in a detached tmux session
of 80x24 cells and the screen is read back with `tmux capture-pane` every ~10 ms until the
expected text is on it. A bare Textual app (`bare_app.py`) is measured the same way, so the
ratios say what Segment Desk costs on top of Textual itself on this machine.

    python benchmarks/startup.py             # 5 runs of each figure, medians
    python benchmarks/startup.py --runs 9    # more runs
    python benchmarks/startup.py --rebuild   # rebuild the cached database first

The database (1,000,000 contacts by default) is built once and cached in benchmarks/.data/.
The script prints a table and asserts nothing: targets are shown with PASS or MISS beside them.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import os
import platform
import random
import shlex
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / ".data"
BARE_APP = HERE / "bare_app.py"

DATA_VERSION = 1
"""Bump when the generated data changes, so that an old cached database is not reused."""

WIDTH, HEIGHT = 80, 24
POLL_INTERVAL = 0.010
DEFAULT_RUNS = 5
DEFAULT_CONTACTS = 1_000_000
DEFAULT_SEED = 20261123
DEFAULT_TIMEOUT = 30.0

# The first and the last contact have names found nowhere else, so that the screen shows
# when the first rows and the very last row have been drawn.
FIRST_CONTACT = ("Ada", "Firstperson")
LAST_CONTACT = ("Zed", "Lastperson")
SEARCH = "lastperson"
"""Typed into the contacts search after (d): it matches only the last contact, in its last
name folded, so that every contact is looked at (the most work a search does)."""
SEARCH_FOCUS_WAIT = 0.5
"""Seconds between `/` and typing: the search box takes the focus after the key is handled."""

TARGET_HOME_RATIO = 2.0
TARGET_CONTACTS_RATIO = 4.0
TARGET_CURSOR_END = 0.5
TARGET_PEAK_MB = 300.0


# Test data ---------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words("""
    Alice Bruno Chloé Dmitri Elena Farid Grace Hiro Ines Jonas Kemal Lena Marta Nils Olga
    Pablo Quinn Rosa Sami Tara Umar Vera Wim Xenia Yusuf Zoë Amir Bea Carl Dana Emil Fay
""")
LAST_NAMES = _words("""
    Andersen Bakker Costa Dubois Eriksen Fischer García Horvat Ivanova Jansen Kowalski
    Laurent Moreau Novak Olsen Petrov Quist Rossi Schmidt Tanaka Ueda Varga Weber Xu Yilmaz
    Zimmermann Almeida Berg Conti Dahl Engel Ferrari
""")
COMPANIES = _words("""
    Acme Globex Initech Umbrella Hooli Vandelay Stark Wayne Tyrell Soylent Cyberdyne Wonka
    Aperture Oscorp Monarch Nakatomi
""")
JOB_TITLES = _words("Buyer Founder Engineer Analyst Manager Designer Director Consultant")
PLACES = tuple(
    tuple(place.split("/"))
    for place in _words("""
    Paris/Île-de-France/FR Lyon/Auvergne-Rhône-Alpes/FR Berlin/Berlin/DE Munich/Bavaria/DE
    Madrid/Madrid/ES Lisbon/Lisboa/PT Milan/Lombardy/IT Vienna/Vienna/AT
    Amsterdam/North-Holland/NL Oslo/Oslo/NO Leeds/England/GB Dublin/Leinster/IE
    Austin/Texas/US Boston/Massachusetts/US Toronto/Ontario/CA Osaka/Osaka/JP
    """)
)
SOURCES = _words("shop newsletter event import referral partner")
DOMAINS = _words("example.com example.org example.net mail.example")
# 60 % subscribed, 10 % unsubscribed, 30 % unknown.
CONSENTS = ("subscribed",) * 6 + ("unsubscribed",) + ("unknown",) * 3
TIERS = _words("bronze silver gold platinum")
FIRST_CREATED = datetime(2021, 1, 1)
CREATED_SPAN_SECONDS = 4 * 365 * 24 * 3600

CONTACT_COLUMNS = _words("""
    id external_id email first_name last_name phone company job_title city region country
    postal_code source consent created_at updated_at attributes import_batch_id search_text
""")


def _pick(bits: int, choices: Sequence[str]) -> tuple[str, int]:
    n = len(choices)
    return choices[bits % n], bits // n


def contact_rows(count: int, seed: int) -> Iterator[tuple[object, ...]]:
    """``count`` contacts with ids 1..count, the same for the same seed."""
    from segdesk.store.search_text import search_text

    rng = random.Random(seed)
    for cid in range(1, count + 1):
        bits = rng.getrandbits(96)
        first, bits = _pick(bits, FIRST_NAMES)
        last, bits = _pick(bits, LAST_NAMES)
        if cid == 1:
            first, last = FIRST_CONTACT
        elif cid == count:
            first, last = LAST_CONTACT
        company, bits = _pick(bits, COMPANIES)
        job, bits = _pick(bits, JOB_TITLES)
        place_index, bits = bits % len(PLACES), bits // len(PLACES)
        city, region, country = PLACES[place_index]
        source, bits = _pick(bits, SOURCES)
        consent, bits = _pick(bits, CONSENTS)
        domain, bits = _pick(bits, DOMAINS)
        tier, bits = _pick(bits, TIERS)
        created = FIRST_CREATED + timedelta(
            seconds=bits % CREATED_SPAN_SECONDS, microseconds=(bits >> 7) % 1_000_000
        )
        bits //= CREATED_SPAN_SECONDS
        updated = created + timedelta(seconds=bits % 10_000_000)
        external_id, email = f"CRM-{cid:07d}", f"{first}.{last}.{cid}@{domain}".lower()
        yield (
            cid,
            external_id,
            email,
            first,
            last,
            f"+33 6 {cid % 100:02d} {cid // 100 % 100:02d} {cid // 10_000 % 100:02d} 00",
            company,
            job,
            city,
            region,
            country,
            f"{10000 + cid % 90000}",
            source,
            consent,
            created.isoformat(sep=" ", timespec="microseconds"),
            updated.isoformat(sep=" ", timespec="microseconds"),
            f'{{"tier": "{tier}", "score": {bits % 100}}}',
            None,
            search_text(first, last, email, company, external_id, city),
        )


def database_path(count: int, seed: int) -> Path:
    from segdesk.store.migrations import current_version

    return DATA_DIR / f"contacts-{count}-seed{seed}-schema{current_version()}-v{DATA_VERSION}.db"


def build_database(path: Path, count: int, seed: int) -> float:
    """Create the schema the app's way, then fill `contact` in one transaction; seconds."""
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    files = (partial, *(partial.with_name(partial.name + end) for end in ("-wal", "-shm")))
    for stale in files:
        stale.unlink(missing_ok=True)
    try:
        _fill(partial, count, seed)
    except BaseException:
        for stale in files:
            stale.unlink(missing_ok=True)
        raise
    partial.replace(path)
    return time.perf_counter() - started


def _fill(partial: Path, count: int, seed: int) -> None:
    from segdesk.store.database import open_database

    open_database(partial).dispose()
    conn = sqlite3.connect(partial, isolation_level=None)
    try:
        # A throw-away file: no journal and no fsync while filling it, WAL (as the app
        # leaves it) once it is complete.
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-524288")
        conn.execute("BEGIN")
        placeholders = ", ".join("?" * len(CONTACT_COLUMNS))
        conn.executemany(
            f"INSERT INTO contact ({', '.join(CONTACT_COLUMNS)}) VALUES ({placeholders})",
            contact_rows(count, seed),
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()


def ensure_database(count: int, seed: int, rebuild: bool) -> Path:
    path = database_path(count, seed)
    if rebuild or not path.exists():
        print(f"Building {count:,} contacts in {_shown(path)} ...", flush=True)
        seconds = build_database(path, count, seed)
        print(f"Built in {seconds:.1f} s ({path.stat().st_size / 1e6:,.0f} MB).", flush=True)
    else:
        print(f"Using the cached database {_shown(path)} (--rebuild to build it again).")
    return path


def _shown(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)


# Driving a terminal ------------------------------------------------------------------------


class MeasurementError(Exception):
    def __init__(self, message: str, screen: str = "") -> None:
        super().__init__(message)
        self.screen = screen


class Tmux:
    """A private tmux server (its own socket), so that no other session is ever touched."""

    def __init__(self, socket: Path) -> None:
        self.base = ["tmux", "-u", "-S", str(socket)]
        self.capture_seconds: list[float] = []

    def __call__(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            [*self.base, *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            check=False,
        )
        if check and done.returncode != 0:
            raise MeasurementError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def start_server(self) -> None:
        # A session that only keeps the server up, so that starting the server is never
        # part of a figure; panes stay readable after their program exits (a traceback
        # is then shown on a timeout instead of an empty screen).
        self(
            "new-session",
            "-d",
            "-s",
            "keep-alive",
            "-x",
            str(WIDTH),
            "-y",
            str(HEIGHT),
            "exec sleep 86400",
        )
        self("set-option", "-g", "remain-on-exit", "on")

    def kill_server(self) -> None:
        self("kill-server", check=False)

    def capture(self, session: str) -> str:
        started = time.perf_counter()
        text = self("capture-pane", "-p", "-t", session, check=False)
        self.capture_seconds.append(time.perf_counter() - started)
        return text


@dataclass
class Run:
    """One program in one tmux session."""

    tmux: Tmux
    session: str
    started: float
    pid: int

    def screen(self) -> str:
        return self.tmux.capture(self.session)

    def send(self, *keys: str) -> float:
        """Send keys; returns the time just before sending them."""
        now = time.perf_counter()
        self.tmux("send-keys", "-t", self.session, *keys)
        return now

    def alive(self) -> bool:
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return False
        return "\nState:\tZ" not in status

    def wait(
        self, checks: dict[str, Callable[[str], bool]], timeout: float, since: float | None = None
    ) -> dict[str, float]:
        """Seconds from ``since`` (default: the start) until each check first holds."""
        since = self.started if since is None else since
        found: dict[str, float] = {}
        deadline = time.perf_counter() + timeout
        while True:
            text = self.screen()
            now = time.perf_counter()
            for name, check in checks.items():
                if name not in found and check(text):
                    found[name] = now - since
            if len(found) == len(checks):
                return found
            missing = ", ".join(n for n in checks if n not in found)
            if not self.alive():
                raise MeasurementError(f"the program exited before: {missing}", self.screen())
            if now > deadline:
                raise MeasurementError(
                    f"timed out after {timeout:.0f} s waiting for: {missing}", text
                )
            time.sleep(POLL_INTERVAL)

    def peak_memory_mb(self) -> float | None:
        """VmHWM, the peak resident set size of the program so far, in MB (10^6 bytes)."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
        return None

    def quit(self, key: str = "q", timeout: float = 5.0) -> None:
        if self.alive():
            self.send(key)
            deadline = time.perf_counter() + timeout
            while self.alive() and time.perf_counter() < deadline:
                time.sleep(POLL_INTERVAL)


@contextlib.contextmanager
def running(tmux: Tmux, name: str, argv: Sequence[str], env: dict[str, str]) -> Iterator[Run]:
    """Start ``argv`` in a new 80x24 session; the session is killed on the way out."""
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command = f"exec env {assignments} {shlex.join(argv)}"
    started = time.perf_counter()
    tmux("new-session", "-d", "-s", name, "-x", str(WIDTH), "-y", str(HEIGHT), command)
    try:
        pid = int(tmux("list-panes", "-t", name, "-F", "#{pane_pid}").split()[0])
        yield Run(tmux, name, started, pid)
    finally:
        tmux("kill-session", "-t", name, check=False)


# The figures -------------------------------------------------------------------------------


def first_line(text: str) -> str:
    return text.split("\n", 1)[0]


def home_painted(text: str) -> bool:
    line = first_line(text)
    return "Segment Desk" in line and line.rstrip().endswith("Home")


def home_names_file(text: str) -> bool:
    """The database is open: the title bar shows its name instead of "opening…"."""
    return home_painted(text) and "opening" not in first_line(text)


def contacts_title(text: str) -> bool:
    line = first_line(text)
    return "Segment Desk" in line and line.rstrip().endswith("Contacts")


def contacts_header(text: str) -> bool:
    return any(
        line.lstrip().startswith("Name") and "Email" in line for line in text.split("\n")[:6]
    )


def contacts_painted(text: str) -> bool:
    """The contacts screen is up: its title line or the header of its list is on screen."""
    return contacts_title(text) or contacts_header(text)


def contacts_counted(text: str) -> bool:
    return any(" contacts · " in line for line in text.split("\n"))


def searched(text: str) -> bool:
    """The search for the last contact is done: its one row is counted."""
    return any(f"1 contact matching “{SEARCH}”" in line for line in text.split("\n"))


@dataclass
class Results:
    figures: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=dict)

    def note(self, text: str) -> None:
        self.notes[text] = self.notes.get(text, 0) + 1

    def add(self, values: dict[str, float]) -> None:
        for name, value in values.items():
            self.figures.setdefault(name, []).append(value)

    def median(self, name: str) -> float | None:
        values = self.figures.get(name)
        return statistics.median(values) if values else None


class Bench:
    def __init__(self, tmux: Tmux, db: Path, home: Path, timeout: float) -> None:
        self.tmux = tmux
        self.db = db
        self.home = home
        self.timeout = timeout
        self.count = 0
        self.notes: list[str] = []

    def _env(self) -> dict[str, str]:
        self.count += 1
        private = self.home / f"run-{self.count}"
        env = {
            "TEXTUAL_ANIMATIONS": "none",
            "XDG_CONFIG_HOME": str(private / "config"),
            "XDG_DATA_HOME": str(private / "data"),
        }
        if "UTF-8" not in os.environ.get("LANG", "").upper().replace("UTF8", "UTF-8"):
            env["LANG"] = "C.UTF-8"
        return env

    def _session(self) -> str:
        return f"run-{self.count}"

    def segdesk(self) -> list[str]:
        return [sys.executable, "-m", "segdesk", "--db", str(self.db)]

    def bare(self) -> dict[str, float]:
        env = self._env()
        with running(self.tmux, self._session(), [sys.executable, str(BARE_APP)], env) as run:
            found = run.wait({"bare ready": lambda s: "Bare app ready" in s}, self.timeout)
            found["bare peak memory"] = run.peak_memory_mb() or float("nan")
            run.quit()
        return found

    def home_screen(self) -> dict[str, float]:
        env = self._env()
        with running(self.tmux, self._session(), self.segdesk(), env) as run:
            found = run.wait(
                {
                    "home painted": home_painted,
                    "home names the file": home_names_file,
                    "home figures loaded": lambda s: "people" in s,
                },
                self.timeout,
            )
            run.quit()
        return found

    def contacts_screen(self) -> dict[str, float]:
        env = self._env()
        first_row = FIRST_CONTACT[1]
        last_row = LAST_CONTACT[1]
        with running(self.tmux, self._session(), self.segdesk(), env) as run:
            run.wait({"home painted": home_painted}, self.timeout)
            run.send("c")
            found = run.wait(
                {
                    "contacts painted": contacts_painted,
                    "contacts showing rows": lambda s: contacts_painted(s) and first_row in s,
                },
                self.timeout,
            )
            pressed = run.send("G")
            found |= run.wait(
                {"cursor to the end": lambda s: last_row in s}, self.timeout, since=pressed
            )
            found["peak memory"] = run.peak_memory_mb() or float("nan")
            # What the contract promises besides the rows: the title line and the count.
            screen = run.screen()
            if not contacts_title(screen):
                self.notes.append("contacts screen: the first line is not the title bar")
            if not contacts_counted(screen):
                self.notes.append("contacts screen: the count line is not on screen")
            run.send("/")
            time.sleep(SEARCH_FOCUS_WAIT)  # keys typed ahead of the focus reach the list
            typed = run.send("-l", SEARCH)
            found |= run.wait({"search": searched}, self.timeout, since=typed)
            run.quit()
        return found

    def measure(
        self, label: str, step: Callable[[], dict[str, float]], results: Results | None
    ) -> None:
        self.notes.clear()
        try:
            values = step()
        except MeasurementError as exc:
            message = f"{label}: {exc}"
            print(f"  ! {message}\n    last screen:\n" + _indent(exc.screen), file=sys.stderr)
            if results is not None:
                results.failures.append(message)
            return
        if results is not None:
            results.add(values)
            for text in self.notes:
                results.note(text)


def _indent(text: str) -> str:
    return "\n".join("    | " + line for line in text.rstrip("\n").split("\n"))


# Report ------------------------------------------------------------------------------------

ROWS = (
    ("(a)", "bare app: start → “Bare app ready” painted", "bare ready", "s"),
    ("(b)", "segdesk: start → home painted", "home painted", "s"),
    ("", "segdesk: start → home title names the database", "home names the file", "s"),
    ("", "segdesk: start → home figures loaded", "home figures loaded", "s"),
    ("(c)", "segdesk: start → contacts screen painted", "contacts painted", "s"),
    ("", "segdesk: start → contacts showing rows", "contacts showing rows", "s"),
    ("(d)", "segdesk: G → last contact's row drawn", "cursor to the end", "s"),
    ("(e)", "segdesk: peak memory (VmHWM) after (d)", "peak memory", "MB"),
    ("(f)", f"segdesk: “{SEARCH}” typed → 1 match counted", "search", "s"),
    ("", "bare app: peak memory (VmHWM)", "bare peak memory", "MB"),
)


def _fmt(value: float | None, unit: str) -> str:
    if value is None or value != value:
        return "—"
    return f"{value:.0f} MB" if unit == "MB" else f"{value:.3f} s"


def report(results: Results, runs: int) -> None:
    print()
    print(f"{'':4}{'figure':<46}{'median':>10}{'min':>10}{'max':>10}{'runs':>6}")
    for tag, label, key, unit in ROWS:
        values = results.figures.get(key, [])
        low = min(values) if values else None
        high = max(values) if values else None
        print(
            f"{tag:<4}{label:<46}{_fmt(results.median(key), unit):>10}"
            f"{_fmt(low, unit):>10}{_fmt(high, unit):>10}{f'{len(values)}/{runs}':>6}"
        )

    bare = results.median("bare ready")
    home = results.median("home painted")
    loaded = results.median("home figures loaded")
    rows = results.median("contacts showing rows")
    end = results.median("cursor to the end")
    peak = results.median("peak memory")

    def ratio(value: float | None) -> float | None:
        return value / bare if value is not None and bare else None

    checks = (
        ("home painted / bare", ratio(home), "x", TARGET_HOME_RATIO),
        ("home figures loaded / bare", ratio(loaded), "x", None),
        ("contacts showing rows / bare", ratio(rows), "x", TARGET_CONTACTS_RATIO),
        ("cursor to the end", end, "s", TARGET_CURSOR_END),
        ("peak memory", peak, "MB", TARGET_PEAK_MB),
    )
    print()
    print(f"{'':4}{'check':<46}{'value':>10}{'target':>10}{'':>4}result")
    for label, value, unit, target in checks:
        shown = "—" if value is None else (f"{value:.2f}x" if unit == "x" else _fmt(value, unit))
        if target is None:
            goal, verdict = "—", "(for information)"
        else:
            goal = f"≤ {target:g}x" if unit == "x" else f"< {target:g} {unit}"
            met = value is not None and (value <= target if unit == "x" else value < target)
            verdict = "—" if value is None else ("PASS" if met else "MISS")
        print(f"{'':4}{label:<46}{shown:>10}{goal:>10}{'':>4}{verdict}")
    if results.notes:
        print("\nSeen on screen:")
        for text, times in results.notes.items():
            print(f"  - {text} (in {times} of {runs} runs)")
    if results.failures:
        print(f"\n{len(results.failures)} run(s) failed:")
        for failure in results.failures:
            print(f"  - {failure}")


def header(db: Path, count: int, runs: int, warmup: int) -> None:
    tmux_version = subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout.strip()
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    print()
    print("Segment Desk in a real terminal")
    print(
        f"  python {platform.python_version()} · textual {importlib.metadata.version('textual')}"
        f" · sqlite {sqlite3.sqlite_version} · {tmux_version}"
    )
    print(
        f"  {platform.system()} {platform.release()} ({platform.machine()}) · {cores} cores"
        f" ({usable} usable)"
    )
    print(
        f"  {count:,} contacts in {_shown(db)} ({db.stat().st_size / 1e6:,.0f} MB) · "
        f"terminal {WIDTH}x{HEIGHT} · {runs} runs per figure after {warmup} warm-up"
    )


# Main --------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Measure Segment Desk in tmux, beside a bare Textual app."
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=DEFAULT_RUNS,
        help=f"runs per figure; medians are shown (default {DEFAULT_RUNS})",
    )
    parser.add_argument(
        "--warmup", type=int, default=1, help="unrecorded runs of each program first (default 1)"
    )
    parser.add_argument(
        "--contacts",
        type=int,
        default=DEFAULT_CONTACTS,
        help=f"contacts in the database (default {DEFAULT_CONTACTS:,})",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the test data")
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="build the database again even if a cached one exists",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds to wait for any one screen (default {DEFAULT_TIMEOUT:g})",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0 or args.contacts < 2:
        parser.error("--runs must be 1 or more, --warmup 0 or more, --contacts 2 or more")
    return args


def _stop(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("tmux") is None:
        print("startup.py needs tmux on the PATH.", file=sys.stderr)
        return 2
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)
    os.environ.pop("TMUX", None)

    overall = time.perf_counter()
    try:
        db = ensure_database(args.contacts, args.seed, args.rebuild)
    except KeyboardInterrupt:
        print("\nInterrupted while building the database.", file=sys.stderr)
        return 130
    results = Results()
    with tempfile.TemporaryDirectory(prefix="segdesk-bench-") as home:
        tmux = Tmux(Path(home) / "tmux.sock")
        try:
            tmux.start_server()
            bench = Bench(tmux, db, Path(home), args.timeout)
            steps = (
                ("bare app", bench.bare),
                ("home", bench.home_screen),
                ("contacts", bench.contacts_screen),
            )
            for n in range(args.warmup):
                print(f"Warm-up {n + 1}/{args.warmup} ...", flush=True)
                for label, step in steps:
                    bench.measure(f"warm-up {label}", step, None)
            for n in range(args.runs):
                print(f"Run {n + 1}/{args.runs} ...", flush=True)
                # Interleaved, so that a slow moment of the machine spreads over all figures.
                for label, step in steps:
                    bench.measure(f"run {n + 1} {label}", step, results)
        except KeyboardInterrupt:
            print("\nInterrupted; closing the benchmark's tmux sessions.", file=sys.stderr)
            return 130
        finally:
            tmux.kill_server()

    header(db, args.contacts, args.runs, args.warmup)
    captures = tmux.capture_seconds
    if captures:
        print(
            f"  screen read every {POLL_INTERVAL * 1000:.0f} ms; one capture-pane takes "
            f"{statistics.median(captures) * 1000:.1f} ms (median of {len(captures):,})"
        )
    report(results, args.runs)
    print(f"\nWhole benchmark: {time.perf_counter() - overall:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
