"""The local control socket: `retroboard node|ban|user|broadcast ...` talk to the running board.

The board's commands: ping, nodes (from presence), kick, broadcast (a notice to everyone or to
one node), bans-changed, user-changed, groups-changed, stats. A Unix socket in the data
folder, mode 0600, so only the board's own user can reach it. Protocol: one JSON object per
line each way. A request is `{"cmd": name, ...args}`; the answer is `{"ok": true, ...}` or
`{"ok": false, "error": text}`. Requests are capped at 64 KB, each must arrive within 5 s,
and at most 8 clients are served at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import stat
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]

LINE_MAX = 64 * 1024  # a request line, newline included
READ_TIMEOUT = 5.0  # for each request line to arrive
HANDLER_TIMEOUT = 30.0  # for the board to act on one request
WRITE_TIMEOUT = 5.0  # for an answer to be taken
MAX_CLIENTS = 8
RESPONSE_MAX = 16 * 1024 * 1024  # what a client accepts (a node list of thousands of lines)
_SUN_PATH_MAX = 107  # bytes in sockaddr_un.sun_path, less the terminating NUL (Linux)


class ControlUnavailable(Exception):
    """No board answers on the control socket (none running, or no socket file)."""


class ControlError(Exception):
    """The board answered with an error, or the exchange failed; `str()` says what."""


class ControlInUse(OSError):
    """Another board already answers on this control socket."""


def _check_path(path: Path) -> None:
    if len(os.fsencode(path)) > _SUN_PATH_MAX:
        raise ControlError(
            f"the control socket path {path} is longer than {_SUN_PATH_MAX} bytes; "
            "use a shorter data folder path"
        )


async def _answers(path: Path) -> bool:
    """True when something accepts connections on the socket `path` and answers a ping."""
    try:
        await control_request(path, "ping", timeout=2.0)
    except ControlUnavailable:
        return False
    except ControlError:
        return True  # it answered, if not as we hoped: something lives there
    return True


class ControlServer:
    """Serves `handlers` (command name -> coroutine taking the request's arguments) on `path`.

    A handler gets the request object without "cmd" and returns a dict: its keys are added
    to `{"ok": true}` (a handler may return `{"ok": false, "error": ...}` itself). A handler
    raising ControlError, ValueError, KeyError or TypeError answers `ok: false` with that
    text; anything else is logged and answered with a short apology.
    """

    def __init__(self, path: Path | str, handlers: Mapping[str, Handler]) -> None:
        self.path = Path(path)
        self._handlers = dict(handlers)
        self._server: asyncio.AbstractServer | None = None
        self._inode: tuple[int, int] | None = None
        self._clients: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Listen on the socket (mode 0600). Raises ControlInUse if another board answers
        there, OSError if the path is taken by something that is not a socket."""
        _check_path(self.path)
        try:
            st = self.path.lstat()
        except FileNotFoundError:
            st = None
        if st is not None:
            if not stat.S_ISSOCK(st.st_mode):
                raise OSError(
                    f"{self.path} exists and is not a socket; move it away so the board can "
                    "create its control socket there"
                )
            if await _answers(self.path):
                raise ControlInUse(
                    f"another board is already running on {self.path.parent} "
                    f"(its control socket {self.path} answers)"
                )
            log.info("removing a stale control socket %s", self.path)
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            old = os.umask(0o077)  # the socket is created private, never briefly world-open
            try:
                sock.bind(str(self.path))
            finally:
                os.umask(old)
            os.chmod(self.path, 0o600)
            st = self.path.lstat()
            self._inode = (st.st_dev, st.st_ino)
            sock.setblocking(False)
            self._server = await asyncio.start_unix_server(
                self._serve, sock=sock, limit=LINE_MAX, backlog=MAX_CLIENTS * 2
            )
        except BaseException:
            sock.close()
            self._unlink()
            raise

    def close(self) -> None:
        """Stop listening, hang up on clients and remove the socket file (if still ours)."""
        if self._server is not None:
            self._server.close()
        for task in list(self._clients):
            task.cancel()
        self._unlink()

    async def wait_closed(self) -> None:
        """Wait (at most 2 s) until the listener and every client exchange have ended."""
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)
        if self._clients:
            await asyncio.wait(list(self._clients), timeout=2.0)

    def _unlink(self) -> None:
        if self._inode is None:
            return
        try:
            st = self.path.lstat()
            if (st.st_dev, st.st_ino) == self._inode:
                self.path.unlink()
        except FileNotFoundError:
            pass
        self._inode = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        try:
            if len(self._clients) >= MAX_CLIENTS:
                await self._send(
                    writer,
                    {
                        "ok": False,
                        "error": "the board is busy with other control clients; try again",
                    },
                )
                return
            self._clients.add(task)
            while True:
                try:
                    line = await asyncio.wait_for(reader.readline(), READ_TIMEOUT)
                except TimeoutError:
                    return
                except (ValueError, asyncio.LimitOverrunError):
                    await self._send(
                        writer, {"ok": False, "error": f"request longer than {LINE_MAX} bytes"}
                    )
                    return
                if not line:
                    return
                if not line.endswith(b"\n"):  # the client went away mid-line
                    return
                if not await self._send(writer, await self._answer(line)):
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._clients.discard(task)
            writer.close()

    async def _answer(self, line: bytes) -> dict[str, Any]:
        try:
            request = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return {"ok": False, "error": "a request is one JSON object per line"}
        if not isinstance(request, dict) or not isinstance(request.get("cmd"), str):
            return {"ok": False, "error": 'a request is a JSON object with a "cmd" string'}
        name = request.pop("cmd")
        handler = self._handlers.get(name)
        if handler is None:
            known = ", ".join(sorted(self._handlers))
            return {"ok": False, "error": f"unknown command {name[:40]!r} (known: {known})"}
        try:
            result = await asyncio.wait_for(handler(request), HANDLER_TIMEOUT)
        except TimeoutError:
            log.error("control command %s took longer than %.0f s", name, HANDLER_TIMEOUT)
            return {"ok": False, "error": f"the board did not finish {name!r} in time"}
        except (ControlError, ValueError, KeyError, TypeError) as exc:
            return {"ok": False, "error": str(exc) or type(exc).__name__}
        except Exception:
            log.exception("control command %s failed", name)
            return {"ok": False, "error": f"the board failed to do {name!r} (see its log)"}
        response: dict[str, Any] = {"ok": True}
        response.update(result or {})
        if response.get("ok") is not True:
            response["ok"] = False
            response.setdefault("error", f"{name!r} failed")
        return response

    @staticmethod
    async def _send(writer: asyncio.StreamWriter, response: dict[str, Any]) -> bool:
        try:
            data = json.dumps(response, default=str).encode() + b"\n"
        except (TypeError, ValueError):
            log.exception("control answer could not be encoded")
            data = b'{"ok": false, "error": "the board could not encode its answer"}\n'
        writer.write(data)
        try:
            await asyncio.wait_for(writer.drain(), WRITE_TIMEOUT)
        except (TimeoutError, ConnectionError):
            return False
        return True


async def control_request(
    path: Path | str,
    cmd: str,
    *,
    timeout: float = 3.0,  # noqa: ASYNC109 - one bounded exchange, the CLI's only wait
    **args: Any,
) -> dict[str, Any]:
    """Send one command to the board listening on `path` and return its answer (`ok` true).

    Raises ControlUnavailable when no board is running there (no socket file, or nobody
    accepting on it), ControlError(text) when the board refuses or fails the command, does
    not answer within `timeout` seconds, or the socket may not be opened.
    """
    path = Path(path)
    _check_path(path)
    try:
        st = path.lstat()
    except FileNotFoundError:
        raise ControlUnavailable(f"no control socket at {path}") from None
    if not stat.S_ISSOCK(st.st_mode):
        raise ControlUnavailable(f"{path} is not a socket")
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(timeout):
            try:
                reader, writer = await asyncio.open_unix_connection(str(path), limit=RESPONSE_MAX)
            except (ConnectionRefusedError, FileNotFoundError):
                raise ControlUnavailable(f"nothing answers on {path}") from None
            except PermissionError:
                raise ControlError(
                    f"permission denied on {path}: run this as the user the board runs as"
                ) from None
            writer.write(json.dumps({"cmd": cmd, **args}).encode() + b"\n")
            await writer.drain()
            line = await reader.readline()
    except TimeoutError:
        raise ControlError(f"the board did not answer {cmd!r} within {timeout:g} s") from None
    except (ValueError, asyncio.LimitOverrunError):
        raise ControlError("the board's answer was too long") from None
    except ConnectionError as exc:
        raise ControlError(f"the control connection failed: {exc}") from None
    finally:
        if writer is not None:
            writer.close()
    if not line:
        raise ControlError(f"the board hung up without answering {cmd!r}")
    try:
        response = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ControlError("the board's answer was not JSON") from None
    if not isinstance(response, dict):
        raise ControlError("the board's answer was not a JSON object")
    if response.get("ok") is not True:
        raise ControlError(str(response.get("error") or f"{cmd!r} failed"))
    return response
