"""`python -m retroboard ARGS` for end-to-end tests, each run its own process, without paying for
the interpreter's start and the board's imports every time.

A fresh interpreter importing the board (SQLAlchemy, alembic, asyncssh, telnetlib3, rich, the
UI) spends ~1.5 s of CPU before the command starts, and the CLI tests run a hundred commands.
Here one helper process per test process imports all that once and then forks for each command:
the command runs in a new process with its own stdin, stdout and stderr pipes, environment,
working folder and exit status (a signal's is negative, as subprocess reports it), through
`runpy` of `retroboard.__main__` as `-m` runs it, and it ends through the interpreter's own exit
(SystemExit, an uncaught traceback on stderr, flushing stdout). What it does not cover is the
start itself; `retroboard serve`, the terminal (pty) tests, the closed-pipe test and the demo
test still start `python -m retroboard` from scratch. RETROBOARD_TEST_COLD_CLI=1 runs every
command cold instead.
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

PRELOAD = (
    "retroboard.cli",
    "retroboard.app",
    "retroboard.db.backup",
    "retroboard.db.migrate",
    "retroboard.demo.seed",
)


# ---- the helper process (python -m tests.helpers.warm_cli SOCKET) -------------------------
def _serve(path: str) -> dict[str, Any]:
    """Listen on `path`; return only in a forked child that is to run a command."""
    control = os.dup(0)  # the parent's pipe: end of file when the test process is gone
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the per-command waiters reap themselves
    assert threading.active_count() == 1  # forking is safe
    os.write(1, b"ready\n")
    while True:
        ready = selectors.DefaultSelector()
        ready.register(listener, selectors.EVENT_READ)
        ready.register(control, selectors.EVENT_READ)
        events = ready.select()
        ready.close()
        if any(key.fileobj == control for key, _ in events):
            os._exit(0)
        conn, _ = listener.accept()
        message, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
        while not message.endswith(b"\n"):
            message += conn.recv(1 << 20)
        if os.fork() == 0:  # the waiter: starts the command, reports its pid and status
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            listener.close()
            os.close(control)
            pid = os.fork()
            if pid == 0:  # the command
                conn.close()
                for target, fd in enumerate(fds):
                    os.dup2(fd, target)
                    os.close(fd)
                os.close(devnull)
                return dict(json.loads(message))
            for fd in fds:
                os.close(fd)
            conn.sendall(b"%d\n" % pid)
            _, status = os.waitpid(pid, 0)
            conn.sendall(b"%d\n" % os.waitstatus_to_exitcode(status))
            os._exit(0)
        for fd in fds:
            os.close(fd)
        conn.close()


def _main() -> None:
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    request = _serve(sys.argv[1])
    # now the command's process: what `python -m retroboard ARGS` would have
    import random
    import runpy

    random.seed()
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    main_module = Path(sys.modules["retroboard"].__file__ or "").with_name("__main__.py")
    sys.argv = [str(main_module), *request["args"]]
    runpy.run_module("retroboard", run_name="__main__", alter_sys=True)


# ---- the client -----------------------------------------------------------------------------
_helper: tuple[subprocess.Popen[bytes], str] | None = None
_lock = threading.Lock()


def _start() -> tuple[subprocess.Popen[bytes], str]:
    folder = tempfile.mkdtemp(prefix="rb-warm-cli-")
    path = os.path.join(folder, "s")
    errors = open(os.path.join(folder, "stderr"), "w+b")  # noqa: SIM115 (kept for the report)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETROBOARD_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.warm_cli", path],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=errors,
        env=env,
        cwd=str(Path(__file__).resolve().parents[2]),
    )
    assert proc.stdout is not None
    if proc.stdout.readline() != b"ready\n":
        proc.wait(10)
        errors.seek(0)
        raise RuntimeError("the warm CLI helper did not start:\n" + errors.read().decode())

    def stop() -> None:
        if proc.stdin is not None:
            proc.stdin.close()  # it exits on end of file
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
        errors.close()
        shutil.rmtree(folder, ignore_errors=True)

    atexit.register(stop)
    return proc, path


def run_warm(
    args: list[str], *, stdin: str, env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    """As subprocess.run([sys.executable, "-m", "retroboard", *args], input=stdin, text=True,
    capture_output=True, env=env, timeout=timeout)."""
    if os.environ.get("RETROBOARD_TEST_COLD_CLI"):
        return subprocess.run(
            [sys.executable, "-m", "retroboard", *args],
            input=stdin,
            text=True,
            capture_output=True,
            env=env,
            timeout=timeout,
        )
    global _helper
    with _lock:
        if _helper is None or _helper[0].poll() is not None:
            _helper = _start()
        path = _helper[1]
    in_r, in_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.settimeout(timeout)
        conn.connect(path)
        request = json.dumps({"args": args, "env": env, "cwd": os.getcwd()}).encode() + b"\n"
        socket.send_fds(conn, [request], [in_r, out_w, err_w])
        for fd in (in_r, out_w, err_w):
            os.close(fd)
        status = conn.makefile("rb")
        pid = int(status.readline())
        feeder = threading.Thread(target=_feed, args=(in_w, stdin.encode()), daemon=True)
        feeder.start()
        end = time.monotonic() + timeout
        out, err = _collect(out_r, err_r, end)
        if out is None or err is None:
            os.kill(pid, signal.SIGKILL)
            raise subprocess.TimeoutExpired([*args], timeout)
        line = status.readline()
        if not line:
            raise RuntimeError("the warm CLI helper lost the command " + repr(args))
        code = int(line)
        feeder.join(5)
    finally:
        conn.close()
        os.close(out_r)
        os.close(err_r)
    return subprocess.CompletedProcess(
        [sys.executable, "-m", "retroboard", *args],
        code,
        _text(out),
        _text(err),
    )


def _feed(fd: int, data: bytes) -> None:
    try:
        with os.fdopen(fd, "wb") as pipe:
            pipe.write(data)
    except BrokenPipeError:  # the command did not read it all (nor would it from subprocess)
        pass


def _collect(out_r: int, err_r: int, end: float) -> tuple[bytes | None, bytes | None]:
    """Read both pipes to their ends; (None, None) past `end`."""
    got = {out_r: b"", err_r: b""}
    sel = selectors.DefaultSelector()
    for fd in got:
        sel.register(fd, selectors.EVENT_READ)
    try:
        while sel.get_map():
            left = end - time.monotonic()
            if left <= 0:
                return None, None
            for key, _ in sel.select(left):
                chunk = os.read(key.fd, 65536)
                if chunk:
                    got[key.fd] += chunk
                else:
                    sel.unregister(key.fd)
    finally:
        sel.close()
    return got[out_r], got[err_r]


def _text(data: bytes) -> str:
    # as subprocess's text=True: the locale's encoding, universal newlines
    import io

    return io.TextIOWrapper(io.BytesIO(data)).read()


if __name__ == "__main__":
    _main()
