"""Shared by bench/crash.py and bench/abuse.py: a `retroboard serve` subprocess and a telnet screen client."""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyte
import telnetlib3

HOST = "127.0.0.1"
CLK_TCK = os.sysconf("SC_CLK_TCK")
MENU = r"\[G\] Goodbye"
RUNNING = "retroboard is running"
# Cheap hashing for benches where logins are not what is measured.
CHEAP_ARGON2 = {
    "RETROBOARD_ARGON2_TIME_COST": "1",
    "RETROBOARD_ARGON2_MEMORY_KIB": "1024",
    "RETROBOARD_ARGON2_PARALLELISM": "1",
}


# --------------------------------------------------------------------------- numbers


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(1, math.ceil(pct / 100 * len(ordered))) - 1]


def ms(seconds: float | None) -> str:
    if seconds is None or math.isnan(seconds):
        return "-"
    return f"{seconds * 1000:.0f} ms"


def mib(kib: float) -> str:
    return f"{kib / 1024:.1f} MiB"


def load_note() -> str:
    """The machine's load average, to print next to numbers that depend on it."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} (1 / 5 min) on {os.cpu_count()} CPUs"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def rss_kb(pid: int) -> int:
    """VmRSS of a process in KiB (Linux /proc); 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads) in seconds; NaN once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return math.nan
    fields = stat[stat.rindex(")") + 2 :].split()  # fields from #3 (state) on
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # #14 utime, #15 stime


# --------------------------------------------------------------------------- the server


def board_env(src: str | None, extra: dict[str, str]) -> dict[str, str]:
    """Our environment without any RETROBOARD_* settings, plus `extra`; `src` goes first on
    PYTHONPATH so the board runs from that source tree."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETROBOARD_")}
    env["PYTHONUNBUFFERED"] = "1"
    env["RETROBOARD_LOG_LEVEL"] = "INFO"
    env["RETROBOARD_NNTP_PORT"] = "0"  # no NNTP listener unless `extra` gives it a port
    env["RETROBOARD_HTTP_PORT"] = "0"  # no HTTP listener either
    if src:
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(Path(src).resolve()), env.get("PYTHONPATH", "")) if p
        )
    env.update(extra)
    return env


def which_retroboard(env: dict[str, str]) -> str:
    """The retroboard package the board will run from under `env` (its __init__.py path)."""
    out = subprocess.run(
        [sys.executable, "-c", "import retroboard; print(retroboard.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return out.stdout.strip()


class Board:
    """`retroboard serve` on fixed free ports and one data folder, started again after a kill.

    Its stdout and stderr go to `server.log` in the data folder (appended across restarts)."""

    def __init__(self, data: Path, env: dict[str, str]) -> None:
        self.data = data
        self.env = env
        self.log_path = data / "server.log"
        self.telnet_port = free_port()
        self.ssh_port = free_port()
        while self.ssh_port == self.telnet_port:
            self.ssh_port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def db_path(self) -> Path:
        return self.data / "retroboard.db"

    @property
    def control_path(self) -> Path:
        return self.data / "control.sock"

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run `retroboard ARGS --data DATA`; raises RuntimeError with its output if it fails."""
        cmd = [sys.executable, "-m", "retroboard", *args, "--data", str(self.data)]
        done = subprocess.run(
            cmd, input=stdin, text=True, env=self.env, capture_output=True, timeout=120
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {done.stdout}{done.stderr}".strip())
        return done

    def add_user(self, handle: str, password: str) -> None:
        self.cli("user", "add", handle, "--password-stdin", stdin=password + "\n")

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 25) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def problems(self) -> list[str]:
        keys = (" ERROR ", " WARNING ", " CRITICAL ", "Traceback", "Error:")
        return [line for line in self.log_text().splitlines() if any(k in line for k in keys)]

    def start(self, timeout: float = 60.0) -> float:
        """Start the board and wait until it says it is running; returns seconds taken."""
        self.data.mkdir(parents=True, exist_ok=True)
        before = self.log_text().count(RUNNING)
        cmd = [sys.executable, "-m", "retroboard", "serve", "--data", str(self.data),
               "--host", HOST, "--telnet-port", str(self.telnet_port),
               "--ssh-port", str(self.ssh_port)]  # fmt: skip
        t0 = time.perf_counter()
        with self.log_path.open("ab") as out:
            out.write(f"\n===== bench: start #{self.starts + 1} =====\n".encode())
            out.flush()
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=self.env)
        self.starts += 1
        while self.log_text().count(RUNNING) <= before:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
            if time.perf_counter() - t0 > timeout:
                self.kill()
                raise RuntimeError(
                    f"server did not start within {timeout:.0f} s:\n{self.log_tail()}"
                )
            time.sleep(0.02)
        return time.perf_counter() - t0

    def kill(self) -> None:
        """SIGKILL, and reap it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM and wait; SIGKILL if it takes longer than `timeout`. Returns its exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    async def control(self, cmd: dict[str, Any], timeout: float = 5.0) -> dict[str, Any] | None:
        """Send one JSON command line to the control socket and read one JSON line back;
        None if the board has no control socket or does not answer it."""
        import json

        if not self.control_path.exists():
            return None
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_unix_connection(str(self.control_path)), timeout
            )
        except (OSError, TimeoutError):
            return None
        try:
            writer.write((json.dumps(cmd) + "\n").encode())
            await writer.drain()
            line = await asyncio.wait_for(reader.readline(), timeout)
            answer = json.loads(line) if line.strip() else None
            return answer if isinstance(answer, dict) else None
        except (OSError, TimeoutError, ValueError):
            return None
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


# --------------------------------------------------------------------------- a telnet client


class Hangup(ConnectionError):
    """The board closed the connection."""


class Screen:
    """A pyte screen fed with what the board sends: what a user's terminal would display."""

    def __init__(self, cols: int = 80, rows: int = 24) -> None:
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.received = 0

    def feed(self, data: bytes) -> None:
        self.received += len(data)
        self.stream.feed(data)

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)


class TelnetUser:
    """A telnetlib3 client (xterm, 80x24, answers negotiation) whose screen is parsed by pyte."""

    def __init__(self, reader: Any, writer: Any) -> None:
        self.reader, self.writer = reader, writer
        self.screen = Screen()
        self.closed = False

    @classmethod
    async def connect(
        cls, port: int, local_addr: str | None = None, timeout: float = 10.0
    ) -> TelnetUser:
        reader, writer = await asyncio.wait_for(
            telnetlib3.open_connection(
                HOST,
                port,
                local_addr=(local_addr, 0) if local_addr else None,
                encoding=False,
                term="xterm",
                cols=80,
                rows=24,
                connect_minwait=0.05,
                connect_maxwait=1.0,
            ),
            timeout,
        )
        return cls(reader, writer)

    @property
    def text(self) -> str:
        return self.screen.text

    async def _pump(self, wait: float) -> None:
        if self.closed:
            raise Hangup("the board hung up")
        try:
            data = await asyncio.wait_for(self.reader.read(65536), wait)
        except TimeoutError:
            return
        except (ConnectionError, OSError) as exc:
            self.closed = True
            raise Hangup(str(exc)) from None
        if not data:
            self.closed = True
            raise Hangup("the board hung up")
        self.screen.feed(data)

    async def wait_for(self, pattern: str, timeout: float = 10.0) -> re.Match[str]:
        """Read until `pattern` (regex, case-insensitive, multiline) is on the screen.
        Raises Hangup if the board closes the line, TimeoutError after `timeout` seconds."""
        rx = re.compile(pattern, re.I | re.M)
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            found = rx.search(self.screen.text)
            if found:
                return found
            left = end - loop.time()
            if left <= 0:
                raise TimeoutError(f"no {pattern!r} within {timeout:.0f} s; screen:\n{self.text}")
            await self._pump(min(0.2, left))

    async def send(self, text: str) -> None:
        if self.closed:
            raise Hangup("the board hung up")
        try:
            self.writer.write(text.encode())
            await asyncio.wait_for(self.writer.drain(), 10)
        except (ConnectionError, OSError) as exc:
            self.closed = True
            raise Hangup(str(exc)) from None

    async def line(self, text: str) -> None:
        await self.send(text + "\r\n")

    async def login(self, handle: str, password: str, timeout: float = 20.0) -> None:
        """Handle, password, then the main menu (an unfinished-message offer is put off)."""
        await self.wait_for(r"Handle:\s*$", timeout)
        await self.line(handle)
        await self.wait_for(r"Password:\s*$", timeout)
        await self.line(password)
        found = await self.wait_for(MENU + r"|\(L\)ater", timeout)
        if "later" in found.group(0).lower():
            await self.send("l")
            await self.wait_for(MENU, timeout)

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(Exception):
            self.writer.close()
