"""Running short of file descriptors: the board refuses callers cleanly instead of spewing errors."""

from __future__ import annotations

import resource
import select
import socket
import time
from pathlib import Path

from tests.helpers.serve import free_port, serve

NOFILE = 512  # the board's open-file limit in this test (soft and hard)


def _limit_files() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (NOFILE, NOFILE))


def test_more_callers_than_file_descriptors_are_refused_politely(tmp_path: Path) -> None:
    port = free_port()
    env = {
        "RETROBOARD_MAX_SESSIONS": "5000",
        "RETROBOARD_MAX_PRELOGIN": "5000",
        "RETROBOARD_MAX_PER_ADDRESS": "5000",
        "RETROBOARD_MAX_PRELOGIN_PER_ADDRESS": "5000",
    }
    socks: list[socket.socket] = []
    with serve(
        tmp_path / "d", tmp_path / "serve.log", telnet_port=port, env=env, preexec_fn=_limit_files
    ) as proc:
        for _ in range(NOFILE + 100):
            s = socket.socket()
            s.settimeout(2)
            try:
                s.connect(("127.0.0.1", port))
            except OSError:
                s.close()
                continue
            socks.append(s)
        # Read what every caller got (a Handle prompt or a busy line), for at most a few
        # seconds: until every caller still connected has its Handle prompt.
        got = {id(s): b"" for s in socks}
        end = time.monotonic() + 6
        open_socks = list(socks)
        while (
            open_socks
            and time.monotonic() < end
            and not all(b"Handle:" in got[id(s)] for s in open_socks)
        ):
            ready, _, _ = select.select(open_socks, [], [], 0.2)
            for s in ready:
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    open_socks.remove(s)
                got[id(s)] += data
        busy = sum(1 for v in got.values() if b"all lines are busy" in v)
        served = sum(1 for v in got.values() if b"Handle:" in v)
        assert busy >= 50, f"{busy} callers were told the lines are busy"
        assert served >= 100, f"only {served} callers got a Handle prompt"
        assert proc.poll() is None, "the board died"
        # The board can still take a caller once others hang up.
        for s in socks:
            s.close()
        socks.clear()
        seen = b""
        t0 = time.monotonic()
        while b"Handle:" not in seen and time.monotonic() - t0 < 6:
            # (the board may take a moment to notice the hang-ups: call again until it answers)
            seen = b""
            c = socket.create_connection(("127.0.0.1", port), 2)
            c.settimeout(5)
            while b"Handle:" not in seen and time.monotonic() - t0 < 6:
                chunk = c.recv(65536)
                if not chunk:
                    break
                seen += chunk
            c.close()
            if b"Handle:" not in seen:
                time.sleep(0.1)
        assert b"Handle:" in seen
        for s in socks:
            s.close()
    text = (tmp_path / "serve.log").read_text(errors="replace")
    errors = [line for line in text.splitlines() if "ERROR" in line or "Traceback" in line]
    assert len(errors) <= 3, "\n".join(errors[:10])
