"""The sysop's account commands and the CLI's manners: passwd and reset, prompts only on a
terminal and only for a usable handle, a closed pipe, an unreachable database, NO CARRIER once."""

from __future__ import annotations

import asyncio
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from tests.e2e.test_cli import run
from tests.helpers.clients import TelnetClient
from tests.helpers.serve import CHEAP, free_port, wait_listening


class OnTerminal:
    """`retroboard ARGS` with a pseudo-terminal as its controlling terminal (getpass uses it)."""

    def __init__(self, data: Path, *args: str) -> None:
        env = dict(os.environ, RETROBOARD_DATA=str(data), **CHEAP)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the pty is its stdin, stdout, stderr and /dev/tty
            os.execvpe(sys.executable, [sys.executable, "-m", "retroboard", *args], env)
        self.out = ""

    def read_until(self, text: str, timeout: float = 30.0) -> str:
        end = time.monotonic() + timeout
        while text not in self.out and time.monotonic() < end:
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                self.out += chunk.decode(errors="replace")
        assert text in self.out, f"no {text!r} in {self.out!r}"
        return self.out

    def line(self, text: str) -> None:
        os.write(self.fd, (text + "\n").encode())

    def status(self) -> int:
        self.read_until("", 0.1)
        try:
            while True:  # drain, so the child never blocks on a full terminal
                ready, _, _ = select.select([self.fd], [], [], 0.2)
                if not ready or not os.read(self.fd, 4096):
                    break
        except OSError:
            pass
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


def add(data: Path, handle: str, password: str) -> None:
    r = run(data, "user", "add", handle, "--password-stdin", stdin=password + "\n")
    assert r.returncode == 0, r.stderr


def test_passwd_from_stdin_and_on_a_terminal(tmp_path: Path) -> None:
    add(tmp_path, "bob", "Bobs-pass-01")
    r = run(tmp_path, "user", "passwd", "bob", "--password-stdin", stdin="password1\n")
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    r = run(tmp_path, "user", "passwd", "bob", "--password-stdin", stdin="Second-pass-2\n")
    assert r.returncode == 0 and "bob has a new password" in r.stdout
    t = OnTerminal(tmp_path, "user", "passwd", "bob")
    t.read_until("Password:")
    t.line("Third-pass-33")
    t.read_until("Again:")
    t.line("Third-pass-34")
    t.read_until("the passwords differ")
    assert t.status() == 1
    t = OnTerminal(tmp_path, "user", "passwd", "bob")
    t.read_until("Password:")
    t.line("Third-pass-33")
    t.read_until("Again:")
    t.line("Third-pass-33")
    t.read_until("bob has a new password")
    assert t.status() == 0
    assert "Third-pass-33" not in t.out  # not echoed


def test_reset_prints_a_temporary_password_that_must_be_changed(tmp_path: Path) -> None:
    add(tmp_path, "bob", "Bobs-pass-01")
    r = run(tmp_path, "user", "passwd", "bob", "--reset")
    assert r.returncode == 0, r.stderr
    first = r.stdout.splitlines()[0]
    assert first.startswith("bob has the temporary password ")
    assert "changed at the next login" in r.stdout
    assert len(first.rsplit(" ", 1)[1]) >= 12
    r = run(tmp_path, "user", "passwd", "nobody", "--reset")
    assert r.returncode == 1 and "nobody" in r.stderr and "Traceback" not in r.stderr
    r = run(tmp_path, "user", "passwd", "bob", "--reset", "--password-stdin")
    assert r.returncode == 2


def test_user_add_checks_the_handle_before_the_password_prompt(tmp_path: Path) -> None:
    add(tmp_path, "bob", "Bobs-pass-01")
    for handle, why in (("BOB", "taken"), ("x", "handle"), ("sysop", "handle")):
        t = OnTerminal(tmp_path, "user", "add", handle)
        t.read_until(why)
        assert t.status() == 1
        assert "Password" not in t.out and "Traceback" not in t.out
    t = OnTerminal(tmp_path, "user", "passwd", "nobody")
    t.read_until("nobody")
    assert t.status() == 1 and "Password" not in t.out
    t = OnTerminal(tmp_path, "user", "add", "carol")  # a good handle: asked, and made
    t.read_until("Password:")
    t.line("Carols-pass-1")
    t.read_until("Again:")
    t.line("Carols-pass-1")
    t.read_until("created carol")
    assert t.status() == 0


def test_no_terminal_and_no_password_stdin_is_one_line(tmp_path: Path) -> None:
    for args in (("user", "add", "carol"), ("user", "passwd", "carol")):
        r = run(tmp_path, *args)  # stdin is a pipe, not a terminal
        assert r.returncode == 2
        assert r.stderr.count("\n") == 1 and "--password-stdin" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr and "Password" not in r.stderr + r.stdout


def test_group_list_into_a_closed_pipe_says_nothing(tmp_path: Path) -> None:
    env = dict(os.environ, RETROBOARD_DATA=str(tmp_path), **CHEAP)
    assert run(tmp_path, "db", "upgrade").returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "retroboard", "group", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| head -1` gone before the first line: every write fails
    err = proc.stderr.read().decode()
    proc.wait(30)
    assert err == "", err
    assert proc.returncode != 0  # the listing did not reach its reader


def test_wrong_postgresql_password_is_one_line(tmp_path: Path) -> None:
    url = "postgresql+asyncpg://root:not-the-password@127.0.0.1:5432/postgres"
    r = run(tmp_path, "group", "list", env={"RETROBOARD_DATABASE_URL": url})
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1, r.stderr
    assert "Traceback" not in r.stderr and "not-the-password" not in r.stderr
    assert "cannot open the database" in r.stderr and "RETROBOARD_DATABASE_URL" in r.stderr
    assert "password authentication failed" in r.stderr or "Connect call failed" in r.stderr


async def test_goodbye_says_no_carrier_once(tmp_path: Path) -> None:
    add(tmp_path, "bob", "Bobs-pass-01")
    tport, sport = free_port(), free_port()
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
        env=dict(os.environ, **CHEAP),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # the SSH port opens last; a loaded machine takes a while to import the board
        await asyncio.to_thread(wait_listening, sport, 90)
        c = await TelnetClient.connect(tport)
        await c.wait_for("Handle:")
        await c.line("bob")
        await c.wait_for("Password:")
        await c.line("Bobs-pass-01")
        await c.wait_for(r"\[G\] Goodbye")
        await c.send("g")
        await c.wait_for(r"Log off now\?")
        await c.send("y")
        await c.wait_for("NO CARRIER")
        await c.settle()
        assert c.text.count("NO CARRIER") == 1
        c.close()
    finally:
        proc.terminate()
        proc.wait(10)
