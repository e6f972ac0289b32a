"""`retroboard backup` and `restore`: an online copy while the board runs, and putting it back."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from retroboard.app import build_services
from retroboard.bus import EventBus
from retroboard.db.backup import backup
from retroboard.db.engine import Database
from retroboard.db.migrate import upgrade
from retroboard.transports.control import ControlError, ControlUnavailable, control_request
from tests.conftest import cheap_settings
from tests.e2e.test_cli import CHEAP, free_port, run


def handles(db_file: Path) -> list[str]:
    with sqlite3.connect(db_file) as conn:
        return [r[0] for r in conn.execute("SELECT handle FROM users ORDER BY handle")]


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def add_user(data: Path, handle: str) -> None:
    r = run(data, "user", "add", handle, "--password-stdin", stdin="Pass-word-77\n")
    assert r.returncode == 0, r.stderr


async def start_board(data: Path) -> subprocess.Popen[bytes]:
    log = (data / "board.log").open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "retroboard", "serve", "--data", str(data), "--host", "127.0.0.1"]
        + ["--telnet-port", str(free_port()), "--ssh-port", str(free_port())],
        env=dict(os.environ, **CHEAP),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    for _ in range(200):
        try:
            await control_request(data / "control.sock", "ping", timeout=1)
            return proc
        except (ControlUnavailable, ControlError):
            if proc.poll() is not None:
                break
            await asyncio.sleep(0.1)
    proc.kill()
    raise AssertionError("the board did not start:\n" + (data / "board.log").read_text())


def stop_board(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


async def test_backup_while_running_then_restore(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for handle in ("ann", "ben", "cat"):
        add_user(data, handle)
    copy = tmp_path / "nightly.db"
    proc = await start_board(data)
    try:
        r = await asyncio.to_thread(run, data, "backup", str(copy))
        assert r.returncode == 0, r.stderr
        assert f"to {copy}" in r.stdout
        assert re.search(r"^\s+users\s+3$", r.stdout, re.M)
        assert re.search(r"^\s+groups\s+6$", r.stdout, re.M)
        assert mode(copy) == 0o600
        assert handles(copy) == ["ann", "ben", "cat"]
        with sqlite3.connect(copy) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file

        r = await asyncio.to_thread(run, data, "backup", str(copy))
        assert r.returncode == 1 and "already exists (use --force" in r.stderr
        r = await asyncio.to_thread(run, data, "backup", str(copy), "--force")
        assert r.returncode == 0, r.stderr

        r = await asyncio.to_thread(run, data, "restore", str(copy))
        assert r.returncode == 1 and "a board is running" in r.stderr and "stop it" in r.stderr

        await asyncio.to_thread(add_user, data, "dan")  # after the backup
    finally:
        stop_board(proc)
    assert "Traceback" not in (data / "board.log").read_text()

    r = await asyncio.to_thread(run, data, "restore", str(copy))
    assert r.returncode == 0, r.stderr
    kept = data / "retroboard.db.before-restore"
    assert f"kept as {kept}" in r.stdout
    assert re.search(r"^\s+users\s+3$", r.stdout, re.M)
    assert re.search(r"^\s+articles\s+0$", r.stdout, re.M)
    assert handles(data / "retroboard.db") == ["ann", "ben", "cat"]
    assert handles(kept) == ["ann", "ben", "cat", "dan"]  # nothing of the old one is lost
    assert mode(data / "retroboard.db") == 0o600 and mode(kept) == 0o600
    r = await asyncio.to_thread(run, data, "user", "list")
    assert [line.split()[0] for line in r.stdout.splitlines()[1:]] == ["ann", "ben", "cat"]

    # a second restore keeps the first safety copy and makes another beside it
    r = await asyncio.to_thread(run, data, "restore", str(copy))
    assert r.returncode == 0, r.stderr
    assert handles(kept) == ["ann", "ben", "cat", "dan"]
    assert handles(data / "retroboard.db.before-restore.2") == ["ann", "ben", "cat"]


async def test_backup_is_consistent_while_posts_go_on(tmp_path: Path) -> None:
    """Every copy taken during a stream of posts is one moment of the board: each article
    has its number, and the group's counters agree with its rows."""
    settings = cheap_settings(tmp_path / "data")
    db = Database(settings.db_url)
    await upgrade(db)
    sv = build_services(settings, db, EventBus())
    user = await sv.users.register("writer", "Pass-word-77")
    stop = asyncio.Event()

    async def keep_posting() -> int:
        n = 0
        while not stop.is_set():
            await sv.articles.post(user, ["misc.test"], f"post {n}", "x" * 2000)
            n += 1
        return n

    writer = asyncio.ensure_future(keep_posting())
    try:
        await asyncio.sleep(0.2)
        copies = []
        for i in range(5):
            dest = tmp_path / f"copy{i}.db"
            counts = await backup(db_file(settings.db_url), dest)
            copies.append((dest, counts))
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        posted = await writer
        await db.dispose()
    assert posted > 0
    seen = []
    for dest, counts in copies:
        with sqlite3.connect(dest) as conn:
            articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            numbered = conn.execute("SELECT count(*) FROM xref").fetchone()[0]
            high, count = conn.execute(
                "SELECT high, article_count FROM groups WHERE name = 'misc.test'"
            ).fetchone()
        assert articles == numbered == high == count == counts["articles"]
        seen.append(articles)
    assert seen == sorted(seen) and seen[-1] <= posted


def db_file(url: str) -> Path:
    return Path(url.split("///", 1)[1])


async def test_restore_refuses_what_is_no_backup(tmp_path: Path) -> None:
    data = tmp_path / "data"
    add_user(data, "ann")
    good = tmp_path / "good.db"
    assert run(data, "backup", str(good)).returncode == 0

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all\n" * 200)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    newer = tmp_path / "newer.db"
    newer.write_bytes(good.read_bytes())
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    damaged = tmp_path / "damaged.db"
    raw = bytearray(good.read_bytes())
    page = 4096
    for start in range(page, len(raw) - page, page * 2):  # every other page past the first
        raw[start : start + 64] = b"\xa5" * 64
    damaged.write_bytes(bytes(raw))

    for path, message in (
        (tmp_path / "missing.db", "there is no file"),
        (junk, "is not an SQLite database"),
        (other, "not a retroboard backup"),
        (newer, "made by a newer version"),
        (damaged, "is damaged"),
        (data / "retroboard.db", "the board's own database"),
    ):
        r = run(data, "restore", str(path))
        assert r.returncode == 1, (path, r.stdout)
        assert r.stderr.count("\n") == 1 and r.stderr.startswith("retroboard: "), r.stderr
        assert message in r.stderr and "Traceback" not in r.stderr
        assert handles(data / "retroboard.db") == ["ann"]  # untouched
    assert not (data / "retroboard.db.before-restore").exists()


def test_backup_refusals(tmp_path: Path) -> None:
    data = tmp_path / "data"
    add_user(data, "ann")
    r = run(data, "backup", str(data / "retroboard.db"), "--force")
    assert r.returncode == 1 and "own database" in r.stderr
    r = run(data, "backup", str(tmp_path / "no" / "such" / "folder.db"))
    assert r.returncode == 1 and "does not exist" in r.stderr
    r = run(data, "backup", str(tmp_path))
    assert r.returncode == 1 and "is a folder" in r.stderr
    r = run(tmp_path / "empty", "backup", str(tmp_path / "x.db"))
    assert r.returncode == 1 and "there is no database" in r.stderr
    assert handles(data / "retroboard.db") == ["ann"]


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_postgresql_gets_pg_dump_advice(tmp_path: Path, command: str) -> None:
    url = "postgresql+asyncpg://bbs@db.example:5433/floppyshack"
    r = run(tmp_path, command, str(tmp_path / "dump"), "--database-url", url)
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    tool = "pg_dump" if command == "backup" else "pg_restore"
    expected = (
        f"pg_dump --format=custom --file {tmp_path / 'dump'} --host db.example --port 5433 "
        "--username bbs floppyshack"
        if command == "backup"
        else f"{tool} --clean --if-exists --host db.example --port 5433 --username bbs "
        f"--dbname floppyshack {tmp_path / 'dump'}"
    )
    assert expected in r.stderr
    assert not (tmp_path / "dump").exists()
