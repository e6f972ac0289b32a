"""`retroboard serve` as a subprocess for end-to-end tests: start, wait until it listens, stop."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

CHEAP = {
    "RETROBOARD_ARGON2_TIME_COST": "1",
    "RETROBOARD_ARGON2_MEMORY_KIB": "1024",
    "RETROBOARD_ARGON2_PARALLELISM": "1",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def wait_listening(port: int, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)


@contextmanager
def serve(
    data: Path,
    log_path: Path,
    *,
    telnet_port: int,
    ssh_port: int = 0,
    http_port: int | None = None,
    env: dict[str, str] | None = None,
    preexec_fn: Callable[[], None] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """A board on loopback with cheap hashing, its output in `log_path`; stopped (SIGTERM) on
    exit. Yields once the telnet port (and the SSH and HTTP ports asked for) accept
    connections. `http_port` is passed as --http-port (None: the environment's, 0 in tests)."""
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "retroboard",
                "serve",
                "--data",
                str(data),
                "--host",
                "127.0.0.1",
                "--telnet-port",
                str(telnet_port),
                "--ssh-port",
                str(ssh_port),
                *([] if http_port is None else ["--http-port", str(http_port)]),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, **CHEAP, **(env or {})),
            preexec_fn=preexec_fn,
        )
        try:
            wait_listening(telnet_port)
            if ssh_port:
                wait_listening(ssh_port)
            if http_port:
                wait_listening(http_port)
            yield proc
        finally:
            proc.terminate()
            proc.wait(10)


class PeakRSS:
    """Samples a process's resident memory in a thread while a test runs."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.base = rss_kb(pid)
        self.peak = self.base
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.is_set():
            try:
                self.peak = max(self.peak, rss_kb(self.pid))
            except OSError:  # the server is gone (the test is failing anyway)
                return
            time.sleep(0.05)

    def grew_mb(self) -> float:
        self._done.set()
        self._thread.join(2)
        return (self.peak - self.base) / 1024
