"""A caller who never logs in and floods: bounded memory, hung up, and the board still answers."""

from __future__ import annotations

import select
import socket
import time
from pathlib import Path

from tests.helpers.serve import PeakRSS, free_port, serve

FLOOD = 50 << 20


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
    with serve(tmp_path / "d", tmp_path / "serve.log", telnet_port=port) as proc:
        assert b"Handle:" in wait_for_prompt(port)  # warm: a session's code is loaded
        time.sleep(0.5)
        memory = PeakRSS(proc.pid)
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
        grew_mb = memory.grew_mb()
        assert closed, f"still connected after {sent >> 20} MB in {took:.0f} s"
        assert grew_mb < 5, f"the board grew by {grew_mb:.1f} MB"
        assert b"Too much input" in heard
        assert proc.poll() is None
        assert b"Handle:" in wait_for_prompt(port, "127.0.0.8")
    text = (tmp_path / "serve.log").read_text(errors="replace")
    assert "Traceback" not in text
    print(f"flood: {sent} bytes sent in {took:.1f} s, RSS +{grew_mb:.2f} MB")
