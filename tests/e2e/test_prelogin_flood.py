"""A caller who never logs in and floods: bounded memory, hung up, and the board still answers."""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.e2e.test_cli import CHEAP, free_port

FLOOD = 50 << 20


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def wait_for_prompt(port: int, source: str = "127.0.0.1") -> bytes:
    s = socket.create_connection(("127.0.0.1", port), 5, source_address=(source, 0))
    s.settimeout(5)
    seen = b""
    try:
        while b"Handle:" not in seen:
            chunk = s.recv(65536)
            if not chunk:
                break
            seen += chunk
    finally:
        s.close()
    return seen


def test_fifty_megabytes_before_login_cost_no_memory_and_end_the_call(tmp_path: Path) -> None:
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "retroboard",
            "serve",
            "--data",
            str(tmp_path / "d"),
            "--host",
            "127.0.0.1",
            "--telnet-port",
            str(port),
            "--ssh-port",
            "0",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=dict(os.environ, **CHEAP),
    )
    try:
        end = time.monotonic() + 30
        while time.monotonic() < end:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        assert b"Handle:" in wait_for_prompt(port)  # warm: a session's code is loaded
        time.sleep(0.5)
        base = rss_kb(proc.pid)
        peak = [base]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], rss_kb(proc.pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        s = socket.create_connection(("127.0.0.1", port), 5, source_address=("127.0.0.7", 0))
        s.setblocking(False)
        chunk, sent, heard, closed = b"A" * 65536, 0, b"", False
        t0 = time.monotonic()
        while not closed and sent < FLOOD and time.monotonic() - t0 < 30:
            r, w, _ = select.select([s], [s], [], 0.5)
            try:
                if r:
                    data = s.recv(65536)
                    heard += data
                    closed = not data
                elif w:
                    sent += s.send(chunk)
            except BlockingIOError:
                pass
            except OSError:
                closed = True
        took = time.monotonic() - t0
        s.close()
        done.set()
        sampler.join(2)
        grew_mb = (peak[0] - base) / 1024
        assert closed, f"still connected after {sent >> 20} MB in {took:.0f} s"
        assert grew_mb < 5, f"the board grew by {grew_mb:.1f} MB"
        assert b"Too much input" in heard
        assert proc.poll() is None
        assert b"Handle:" in wait_for_prompt(port, "127.0.0.8")
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()
    text = (tmp_path / "serve.log").read_text(errors="replace")
    assert "Traceback" not in text
    print(f"flood: {sent} bytes sent in {took:.1f} s, RSS +{grew_mb:.2f} MB")
