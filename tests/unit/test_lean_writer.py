"""The lean telnet writer: what the stock TelnetWriter has, shared or made on first use."""

from __future__ import annotations

import asyncio
import gc
import logging
import tracemalloc
from typing import Any

import pytest
import telnetlib3
from telnetlib3 import slc
from telnetlib3.telopt import AYT, DO, IAC, LINEMODE, NAWS, NOP, SB, SE, TTYPE

from retroboard.transports.lean_writer import LAZY, LeanTelnetWriter
from retroboard.transports.telnet import TelnetTransport


class _Reader:
    def exception(self) -> None:
        return None

    def feed_data(self, data: bytes) -> None:
        pass


class _Transport:
    def __init__(self) -> None:
        self.sent = bytearray()
        self.closed = False

    def write(self, data: bytes) -> None:
        self.sent += data

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default


def _writer(cls: type) -> Any:
    return cls(_Transport(), None, server=True, reader=_Reader())


def _functions(table: dict[bytes, Any]) -> list[tuple[bytes, Any]]:
    return [(key, getattr(f, "__func__", f)) for key, f in table.items()]


def test_it_has_every_attribute_of_the_stock_writer_with_the_same_values() -> None:
    stock, lean = _writer(telnetlib3.TelnetWriter), _writer(LeanTelnetWriter)
    made_now = set(vars(lean))
    assert not made_now & set(LAZY)  # nothing of these is made before it is needed
    for name in LAZY:
        getattr(lean, name)
    for name, value in vars(stock).items():
        mine = getattr(lean, name)
        if name == "_ext_callback":  # bound when looked up: look every entry up
            assert [(k, mine[k].__func__) for k in value] == _functions(value)
            assert all(mine[k].__self__ is lean for k in value)
        elif isinstance(value, dict) and value and callable(next(iter(value.values()))):
            assert _functions(mine) == _functions(value), name  # same callbacks, same order
            assert all(getattr(f, "__self__", lean) is lean for f in mine.values()), name
        elif name == "slctab":
            assert {k: (v.mask, v.val) for k, v in mine.items()} == {
                k: (v.mask, v.val) for k, v in value.items()
            }
        elif name in ("_transport", "_reader", "_linemode", "ctx", "log"):
            assert type(mine) is type(value), name
        elif callable(getattr(value, "_on_change", None)):  # the three Option tables
            assert isinstance(mine, type(value))
            assert (mine.name, dict(mine)) == (value.name, dict(value))
        else:
            assert (type(mine), mine) == (type(value), value) or (
                isinstance(value, set) and not value and not mine
            ), name


def test_the_slc_table_is_shared_until_a_client_negotiates_its_own() -> None:
    a, b = _writer(LeanTelnetWriter), _writer(LeanTelnetWriter)
    assert a.slctab is b.slctab
    before = {k: (v.mask, v.val) for k, v in b.slctab.items()}
    # The client says its erase character is ^H (IAC SB LINEMODE SLC EC VARIABLE ^H IAC SE).
    a.remote_option[LINEMODE] = True
    for byte in IAC + SB + LINEMODE + slc.LMODE_SLC + slc.SLC_EC + slc.SLC_VARIABLE + b"\x08":
        a.feed_byte(bytes([byte]))
    for byte in IAC + SE:
        a.feed_byte(bytes([byte]))
    assert a.slctab is not b.slctab
    assert a.slctab[slc.SLC_EC].val == b"\x08"
    assert {k: (v.mask, v.val) for k, v in b.slctab.items()} == before
    assert LeanTelnetWriter.shared_slctab() is b.slctab


def test_two_byte_commands_still_reach_their_callbacks() -> None:
    w = _writer(LeanTelnetWriter)
    seen: list[bytes] = []
    w.set_iac_callback(AYT, seen.append)
    for byte in IAC + NOP + IAC + AYT:
        w.feed_byte(bytes([byte]))
    assert seen == [AYT]


def test_subnegotiation_callbacks_keep_what_is_set_and_bind_the_rest_on_use() -> None:
    w = _writer(LeanTelnetWriter)
    seen: list[str] = []
    w.set_ext_callback(TTYPE, seen.append)
    assert w._ext_callback[TTYPE] == seen.append
    assert w._ext_callback[NAWS].__func__ is telnetlib3.TelnetWriter.handle_naws
    with pytest.raises(KeyError):
        w._ext_callback[b"\x99"]  # no handler: KeyError, as from the stock dict
    for byte in IAC + SB + TTYPE + b"\x00" + b"vt100" + IAC + SE:  # IAC SB TTYPE IS vt100
        w.feed_byte(bytes([byte]))
    assert seen == ["vt100"]
    w.close()
    with pytest.raises(KeyError):
        w._ext_callback[NAWS]  # closed: emptied, nothing bound any more


def test_close_empties_the_tables_without_making_them() -> None:
    w = _writer(LeanTelnetWriter)
    w.close()
    assert w.connection_closed
    for name in ("_iac_callback", "_slc_callback", "_ext_send_callback", "_ext_callback"):
        assert vars(w)[name] == {}, name


def _held_per_writer(cls: type, n: int = 100) -> float:
    _writer(cls)  # first use (imports, class tables) outside the measurement
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        kept = [_writer(cls) for _ in range(n)]
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    assert len(kept) == n
    return sum(s.size_diff for s in after.compare_to(before, "filename")) / n


def test_a_lean_writer_holds_well_under_half_of_a_stock_one() -> None:
    stock, lean = _held_per_writer(telnetlib3.TelnetWriter), _held_per_writer(LeanTelnetWriter)
    assert lean < stock / 2, (lean, stock)


async def test_the_board_protocol_uses_it() -> None:
    transport = TelnetTransport(lambda *a: None, None, host="127.0.0.1", port=0)  # type: ignore[arg-type]
    protocol = transport.make_protocol()
    assert protocol._writer_factory is LeanTelnetWriter


async def test_the_protocols_drain_waiters_are_a_list_that_still_wakes_a_drain() -> None:
    transport = TelnetTransport(lambda *a: None, None, host="127.0.0.1", port=0)  # type: ignore[arg-type]
    protocol = transport.make_protocol()
    assert protocol._drain_waiters == []  # not asyncio's deque: 56 bytes, not ~760
    protocol._connection_lost = False
    protocol.pause_writing()
    waiting = asyncio.ensure_future(protocol._drain_helper())
    await asyncio.sleep(0)
    assert not waiting.done() and len(protocol._drain_waiters) == 1
    protocol.resume_writing()
    await asyncio.wait_for(waiting, 1)
    assert protocol._drain_waiters == []


def test_option_tables_store_notify_and_log_as_the_stock_ones(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stock, lean = _writer(telnetlib3.TelnetWriter), _writer(LeanTelnetWriter)
    woken: list[int] = []
    for w in (stock, lean):
        w._check_waiters = lambda: woken.append(1)  # what on_change calls
        w.local_option = type(w.local_option)("local_option", w.log, w._check_waiters)
    with caplog.at_level(logging.DEBUG, logger="telnetlib3.stream_writer"):
        stock.local_option[DO + TTYPE] = True
        lean.local_option[DO + TTYPE] = True
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2 and lines[0] == lines[1]  # the same debug line from both
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="telnetlib3.stream_writer"):
        lean.local_option[DO + NAWS] = True
        lean.local_option[DO + NAWS] = False
    assert not caplog.records
    assert dict(lean.local_option) == {DO + TTYPE: True, DO + NAWS: False}
    assert len(woken) == 4 and lean.local_option.enabled(DO + TTYPE)
