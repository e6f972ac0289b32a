"""`retroboard demo` as a sysop and a class use it: seed, serve, a telnet GUEST, --reset."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.helpers.clients import TelnetClient
from tests.helpers.serve import CHEAP, free_port, wait_listening
from tests.helpers.warm_cli import run_warm


def run(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m retroboard ARGS --data DATA` in a process of its own (forked from one that
    has the board imported: tests/helpers/warm_cli.py; `demo` itself starts cold below)."""
    return run_warm(
        [*args, "--data", str(data)], stdin="", env=dict(os.environ, **CHEAP), timeout=120
    )


def query(data: Path, sql: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(f"file:{data / 'retroboard.db'}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


async def guest_to_menu(port: int) -> str:
    """Log in as GUEST over real telnet and get past the logon's bulletins to the menu."""
    c = await TelnetClient.connect(port)
    try:
        await c.wait_for(r"Type GUEST", timeout=15)
        await c.line("guest")
        login = c.mark()
        for _ in range(30):  # the demo's bulletins at logon: Q goes straight to the menu
            await c.wait_for(r"\[G\] Goodbye|Q: straight to the menu", 10)
            if "[G] Goodbye" in c.screen.text_after(c.last_input):
                break
            await c.send("q")
        assert "Password" not in c.screen.text_after(login)
        return c.text
    finally:
        c.close()


def test_demo_seeds_serves_and_a_telnet_guest_reaches_the_menu(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "demo.log"
    data = tmp_path / "board"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "retroboard",
                "demo",
                "--data",
                str(data),
                "--host",
                "127.0.0.1",
                "--telnet-port",
                str(port),
                "--ssh-port",
                "0",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, **CHEAP),
        )
    try:
        wait_listening(port, 90)
        assert proc.poll() is None, log.read_text()
        screen = asyncio.run(guest_to_menu(port))
        assert "guest1" in screen
        old = query(data, "select count(*) from articles where substr(date, 1, 4) < '1995'")[0][0]
        assert isinstance(old, int) and old >= 200
        years = query(data, "select min(substr(date, 1, 4)), max(substr(date, 1, 4)) from articles")
        assert years[0][0] >= "1978" and years[0][1] <= "1994"
        assert query(data, "select count(*) from users where guest")[0][0] == 1
        assert "demo board seeded" in log.read_text()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)
    # a second start adds nothing; --reset puts the board back (the guest goes)
    again = run(data, "demo", "--seed-only")
    assert again.returncode == 0 and "already seeded" in again.stdout, again.stderr
    before = query(data, "select count(*) from articles")[0][0]
    reset = run(data, "demo", "--reset", "--seed-only")
    assert reset.returncode == 0, reset.stderr
    assert "removed" in reset.stdout and "demo board seeded" in reset.stdout
    assert query(data, "select count(*) from users where guest")[0][0] == 0
    assert query(data, "select count(*) from articles")[0][0] == before


def test_reset_refuses_a_board_that_is_not_a_demo(tmp_path: Path) -> None:
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "retroboard",
            "user",
            "add",
            "teacher",
            "--password-stdin",
            "--data",
            str(tmp_path),
        ],
        input="Teach-pass-7\n",
        text=True,
        capture_output=True,
        env=dict(os.environ, **CHEAP),
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    refused = run(tmp_path, "demo", "--reset", "--seed-only")
    assert refused.returncode == 1
    assert "is not a demo board" in refused.stderr
    assert query(tmp_path, "select handle from users") == [("teacher",)]
