"""The command line as a sysop uses it: user management, config errors, serve and SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.clients import TelnetClient
from tests.helpers.serve import CHEAP, free_port, wait_listening
from tests.helpers.warm_cli import run_warm


def run(
    data: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m retroboard ARGS` in a process of its own (forked from one that has the board
    imported: tests/helpers/warm_cli.py)."""
    full_env = dict(os.environ, RETROBOARD_DATA=str(data), **CHEAP, **(env or {}))
    return run_warm(list(args), stdin=stdin, env=full_env, timeout=60)


def test_user_add_list_set_level(tmp_path: Path) -> None:
    r = run(
        tmp_path,
        "user",
        "add",
        "sysop1",
        "--level",
        "sysop",
        "--password-stdin",
        stdin="Sysop-pass-1\n",
    )
    assert r.returncode == 0, r.stderr
    assert "created sysop1 (sysop)" in r.stdout
    assert (
        run(tmp_path, "user", "add", "bob", "--password-stdin", stdin="Bobs-pass-1\n").returncode
        == 0
    )
    r = run(tmp_path, "user", "list")
    lines = r.stdout.splitlines()
    assert lines[0].split()[:2] == ["HANDLE", "LEVEL"]
    assert any(line.split()[:2] == ["sysop1", "sysop"] for line in lines)
    r = run(tmp_path, "user", "set-level", "bob", "moderator")
    assert r.returncode == 0 and "bob is now moderator" in r.stdout
    r = run(tmp_path, "user", "add", "BOB", "--password-stdin", stdin="Other-pass-1\n")
    assert r.returncode == 1 and "taken" in r.stderr and "Traceback" not in r.stderr
    assert (tmp_path / "retroboard.db").exists()


def test_db_upgrade(tmp_path: Path) -> None:
    r = run(tmp_path, "db", "upgrade")
    assert r.returncode == 0 and "up to date" in r.stdout


def test_bad_config_is_one_line(tmp_path: Path) -> None:
    r = run(tmp_path, "user", "list", env={"RETROBOARD_TELNET_PORT": "lots"})
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "RETROBOARD_TELNET_PORT" in r.stderr
    assert "Traceback" not in r.stderr
    cfg = tmp_path / "bad.toml"
    cfg.write_text("ssh_port = 'twenty-two'\n")
    r = run(tmp_path, "serve", "--config", str(cfg))
    assert r.returncode == 2 and "ssh_port" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.asyncio
async def test_serve_then_sigterm_tells_users_and_exits(tmp_path: Path) -> None:
    tport, sport = free_port(), free_port()
    env = dict(os.environ, **CHEAP)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "retroboard",
            "serve",
            "--data",
            str(tmp_path),
            "--host",
            "127.0.0.1",
            "--telnet-port",
            str(tport),
            "--ssh-port",
            str(sport),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # the SSH port opens last; a loaded machine takes a while to import the board
        await asyncio.to_thread(wait_listening, sport, 90)
        c = await TelnetClient.connect(tport)
        await c.wait_for("Handle:")
        key = tmp_path / "ssh_host_ed25519_key"
        assert key.exists() and (key.stat().st_mode & 0o777) == 0o600
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        await c.wait_for("going down", 5)
        while proc.poll() is None and time.monotonic() - t0 < 6:
            await asyncio.sleep(0.05)
        took = time.monotonic() - t0
        assert proc.poll() == 0, "server did not exit cleanly after SIGTERM"
        assert took < 5
        c.close()
    finally:
        if proc.poll() is None:
            proc.kill()
        out = proc.communicate(timeout=10)[0]
    assert "Traceback" not in out
    assert "connect via telnet" in out and "logoff" in out


def test_cli_account_has_no_calls_yet(tmp_path: Path) -> None:
    r = run(tmp_path, "user", "add", "quiet", "--password-stdin", stdin="Quiet-pass-1\n")
    assert r.returncode == 0
    row = next(
        line
        for line in run(tmp_path, "user", "list").stdout.splitlines()
        if line.startswith("quiet")
    )
    assert row.split()[2:4] == ["0", "never"]
