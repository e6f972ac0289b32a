"""telnetlib3's TelnetWriter with its per-connection tables shared or made on first use.

A stock TelnetWriter builds, for every connection, five callback tables of bound methods
(IAC commands, SLC functions, subnegotiations, their replies and offers: ~60 entries), a
special-line-character table of 30 entries (`slctab`), a MUD session context, eight sets, two
deques: about 12 KiB per caller that an idle BBS caller never touches, and ~60 getattr/set
calls on every connect. `LeanTelnetWriter` behaves exactly like it (same telnetlib3 code
paths, same attributes, the same values when read) but:

- the tables a server rarely or never reads (IAC 2-byte commands, SLC callbacks, the replies
  a *client* sends, the MUD context, the reject/refusal sets, the SLC output buffer) are made
  on first use, with exactly the stock contents;
- `slctab` is one table shared by every writer until the client negotiates LINEMODE SLC
  (telnetlib3's `_slc_process`, the only code that changes it): then the writer gets its own
  copy, entries included (the stock writer changes telnetlib3's module-level SLC objects in
  place, so there one client's negotiation reaches every later connection; here it does not);
- the `always_*` / `passive_do` sets, which only a telnetlib3 *client* fills in, are one
  shared empty frozenset; the flags and None-valued attributes it starts with are class
  attributes until set (so the instance dict stays under the 30 keys that keep it compact);
- the subnegotiation callbacks hold what the protocol sets and bind the writer's own
  handlers only when one is looked up;
- the option-state tables word their debug line only when debug logging is on;
- subnegotiations of options the board never offers (the MUD protocols and MCCP) are
  discarded: the stock writer keeps every ATCP, MXP and Aardwolf message in a list for the
  life of the connection (a client could grow it without end), and an unsolicited
  `IAC SB MCCP3 IAC SE` would start inflating the client's input even though the server
  refused MCCP3 (zlib turns 4 KiB on the wire into up to 4 MiB of input).

Written against telnetlib3 5.0.1 (pinned); tests/unit/test_lean_writer.py compares it with
the stock writer attribute by attribute, so an upgrade that changes `__init__` fails there.
"""

from __future__ import annotations

import collections
import copy
import logging
from collections.abc import Callable
from typing import Any

import telnetlib3
from telnetlib3 import slc
from telnetlib3._session_context import TelnetSessionContext
from telnetlib3.stream_writer import Option
from telnetlib3.telopt import (
    AARDWOLF,
    ABORT,
    AO,
    ATCP,
    AYT,
    BRK,
    CHARSET,
    CMD_EOR,
    DM,
    EC,
    EL,
    EOF,
    GA,
    GMCP,
    IP,
    LOGOUT,
    MCCP2_COMPRESS,
    MCCP3_COMPRESS,
    MSDP,
    MSP,
    MSSP,
    MXP,
    NAWS,
    NEW_ENVIRON,
    NOP,
    SNDLOC,
    SUSP,
    TM,
    TSPEED,
    TTYPE,
    XDISPLOC,
    ZMP,
)

log = logging.getLogger("telnetlib3.stream_writer")  # the logger the stock writer uses

# What TelnetWriter.__init__ (telnetlib3 5.0.1) wires, table by table, in its order.
IAC_CALLBACKS = (
    (BRK, "handle_brk"),
    (IP, "handle_ip"),
    (AO, "handle_ao"),
    (AYT, "handle_ayt"),
    (EC, "handle_ec"),
    (EL, "handle_el"),
    (EOF, "handle_eof"),
    (SUSP, "handle_susp"),
    (ABORT, "handle_abort"),
    (NOP, "handle_nop"),
    (DM, "handle_dm"),
    (GA, "handle_ga"),
    (CMD_EOR, "handle_eor"),
    (TM, "handle_tm"),
)
SLC_CALLBACKS = (
    (slc.SLC_SYNCH, "handle_dm"),
    (slc.SLC_BRK, "handle_brk"),
    (slc.SLC_IP, "handle_ip"),
    (slc.SLC_AO, "handle_ao"),
    (slc.SLC_AYT, "handle_ayt"),
    (slc.SLC_EOR, "handle_eor"),
    (slc.SLC_ABORT, "handle_abort"),
    (slc.SLC_EOF, "handle_eof"),
    (slc.SLC_SUSP, "handle_susp"),
    (slc.SLC_EC, "handle_ec"),
    (slc.SLC_EL, "handle_el"),
    (slc.SLC_EW, "handle_ew"),
    (slc.SLC_RP, "handle_rp"),
    (slc.SLC_LNEXT, "handle_lnext"),
    (slc.SLC_XON, "handle_xon"),
    (slc.SLC_XOFF, "handle_xoff"),
)
EXT_CALLBACKS = (
    (LOGOUT, "handle_logout"),
    (SNDLOC, "handle_sndloc"),
    (NAWS, "handle_naws"),
    (TSPEED, "handle_tspeed"),
    (TTYPE, "handle_ttype"),
    (XDISPLOC, "handle_xdisploc"),
    (NEW_ENVIRON, "handle_environ"),
    (CHARSET, "handle_charset"),
    (GMCP, "handle_gmcp"),
    (MSDP, "handle_msdp"),
    (MSSP, "handle_mssp"),
    (MSP, "handle_msp"),
    (MXP, "handle_mxp"),
    (ZMP, "handle_zmp"),
    (AARDWOLF, "handle_aardwolf"),
    (ATCP, "handle_atcp"),
    (MCCP2_COMPRESS, "handle_mccp2"),
)
EXT_SEND_CALLBACKS = (
    (TTYPE, "handle_send_ttype"),
    (TSPEED, "handle_send_tspeed"),
    (XDISPLOC, "handle_send_xdisploc"),
    (NAWS, "handle_send_naws"),
    (SNDLOC, "handle_send_sndloc"),
    (CHARSET, "handle_send_client_charset"),
    (NEW_ENVIRON, "handle_send_client_environ"),
)
EXT_OFFER_CALLBACKS = (
    (CHARSET, "handle_send_server_charset"),
    (NEW_ENVIRON, "handle_send_server_environ"),
)


# Options whose subnegotiations a client may send but the board never asked for: discarded.
UNOFFERED_SUBNEGOTIATIONS = frozenset(
    {GMCP, MSDP, MSSP, MSP, MXP, ZMP, AARDWOLF, ATCP, MCCP2_COMPRESS, MCCP3_COMPRESS}
)


def _bound(obj: Any, table: tuple[tuple[bytes, str], ...]) -> dict[bytes, Callable[..., Any]]:
    return {key: getattr(obj, name) for key, name in table}


EXT_CALLBACK_NAMES = dict(EXT_CALLBACKS)


class _Option(Option):
    """telnetlib3's option-state table, which words a debug line (option names looked up and
    joined) for every change even when debug logging is off: ~23 changes per connection.
    Here the line is worded only when it will be logged; what is stored and the on-change
    callback are the same."""

    def __setitem__(self, key: bytes, value: bool) -> None:
        if self.log.isEnabledFor(logging.DEBUG):
            super().__setitem__(key, value)
            return
        dict.__setitem__(self, key, value)
        if self._on_change is not None:
            self._on_change()


class _BindOnUse(dict[bytes, Callable[..., Any]]):
    """The table of subnegotiation callbacks (`_ext_callback`): what is set in it is kept, as
    in the stock dict; a default (the writer's own handler) is bound the first time it is
    looked up. telnetlib3 only ever looks entries up with [] (a missing one raises KeyError
    as before), sets them, and clears the table on close (after which nothing is bound)."""

    __slots__ = ("_owner", "_names")

    def __init__(self, owner: Any, names: dict[bytes, str]) -> None:
        super().__init__()
        self._owner: Any = owner
        self._names = names

    def __missing__(self, key: bytes) -> Callable[..., Any]:
        name = self._names.get(key) if self._owner is not None else None
        if name is None:
            raise KeyError(key)
        func: Callable[..., Any] = getattr(self._owner, name)
        self[key] = func
        return func

    def clear(self) -> None:
        self._owner = None  # closed: no more defaults (and no cycle back to the writer)
        super().clear()


class _OnFirstUse:
    """A per-instance attribute made by `make(instance)` the first time it is read; from then
    on (or once assigned) an ordinary instance attribute. Non-data descriptor: the instance's
    own value always wins."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        self._make = make
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = self._make(obj)
        setattr(obj, self._name, value)  # (not obj.__dict__: that would build a real dict)
        return value


# Attributes made on first use (a server reads them only on rare input), by name.
LAZY = (
    "_iac_callback",
    "_slc_callback",
    "_ext_send_callback",
    "ctx",
    "rejected_will",
    "rejected_do",
    "directional_refusals",
    "_slc_buffer",
)
_EMPTY: frozenset[bytes] = frozenset()

# A base typed as Any: the class overrides some of TelnetWriter's attributes with descriptors.
_Writer: Any = telnetlib3.TelnetWriter


class LeanTelnetWriter(_Writer):  # type: ignore[misc]
    """A server-side TelnetWriter that shares what it can (see the module docstring)."""

    # Only telnetlib3's client side puts anything in these; a server only reads them.
    always_will = _EMPTY
    always_do = _EMPTY
    always_wont = _EMPTY
    always_dont = _EMPTY
    passive_do = _EMPTY

    _iac_callback = _OnFirstUse(lambda self: _bound(self, IAC_CALLBACKS))
    _slc_callback = _OnFirstUse(lambda self: _bound(self, SLC_CALLBACKS))
    _ext_send_callback = _OnFirstUse(lambda self: _bound(self, EXT_SEND_CALLBACKS))
    ctx = _OnFirstUse(lambda self: TelnetSessionContext())
    rejected_will = _OnFirstUse(lambda self: set())
    rejected_do = _OnFirstUse(lambda self: set())
    directional_refusals = _OnFirstUse(lambda self: set())
    _slc_buffer = _OnFirstUse(lambda self: collections.deque())

    # The stock writer's first values of these, all immutable: class attributes until set.
    # (An instance dict with more than 30 keys stops sharing them and costs ~1.5 KB.)
    _server = True
    log = log
    _closed_fut = None
    environ_encoding = "ascii"
    _encoding_explicit = False
    environ_send_raw = None
    compression = None
    _mccp2_activated = False
    _compressed_remainder = None
    mccp2_active = False
    mccp3_active = False
    _in_loop_detection = False
    _sb_overflow = False
    _forwardmask = None
    _slc_sent = False
    _connection_closed = False

    # The SLC table as a fresh stock writer has it, shared until a client changes its own.
    _shared_slctab: dict[bytes, Any] | None = None

    def __init__(
        self,
        transport: Any,
        protocol: Any,
        *,
        client: bool = False,
        server: bool = False,
        reader: Any = None,
    ) -> None:
        # What TelnetWriter.__init__ (telnetlib3 5.0.1) sets, in its order, less what is
        # shared, made on first use, or a constant default (class attributes, below).
        self._transport = transport
        self._protocol = protocol
        if reader is not None and not callable(reader.exception):
            raise TypeError(
                "reader must provide 'exception' method, like asyncio.StreamReader.exception, got",
                reader,
            )
        self._reader = reader
        if not server or client:
            raise TypeError("LeanTelnetWriter is for the server end only")
        self._waiters: list[Any] = []
        self.pending_option = _Option("pending_option", log, on_change=self._check_waiters)
        self.local_option = _Option("local_option", log, on_change=self._check_waiters)
        self.remote_option = _Option("remote_option", log, on_change=self._check_waiters)
        self.will_callbacks: dict[bytes, list[Any]] = {}
        self._environ_batches: list[Any] = []
        self._sb_buffer: collections.deque[bytes] = collections.deque()
        self.slctab = self.shared_slctab()
        self._linemode = slc.Linemode()
        # Read on every subnegotiation; the protocol replaces six entries at once.
        self._ext_callback = _BindOnUse(self, EXT_CALLBACK_NAMES)
        self._ext_offer_callback = _bound(self, EXT_OFFER_CALLBACKS)

    @classmethod
    def shared_slctab(cls) -> dict[bytes, Any]:
        """The SLC table every writer reads until its client changes it (never changed)."""
        table = LeanTelnetWriter._shared_slctab
        if table is None:
            table = LeanTelnetWriter._shared_slctab = slc.generate_slctab(cls.default_slc_tab)
        return table

    def _own_slctab(self) -> None:
        # Copies of the entries too: the stock writer's table holds telnetlib3's module-level
        # BSD_SLC_TAB objects and changes them in place, so one client's SLC negotiation would
        # change every later connection's special characters.
        table, module = self.slctab, self.default_slc_tab
        if table is LeanTelnetWriter._shared_slctab or any(
            entry is module.get(func) for func, entry in table.items()
        ):
            self.slctab = {func: copy.copy(entry) for func, entry in table.items()}

    def _slc_process(self, func: bytes, slc_def: Any) -> None:
        # The one place telnetlib3 changes `slctab` (its entries, or the whole table back to
        # the defaults): the client negotiates LINEMODE SLC. This writer takes its own first.
        self._own_slctab()
        super()._slc_process(func, slc_def)
        self._own_slctab()  # (a reset to the defaults put the module's objects back)

    def _slc_change(self, func: bytes, slc_def: Any) -> None:
        self._own_slctab()
        super()._slc_change(func, slc_def)

    def handle_subnegotiation(self, buf: collections.deque[bytes]) -> None:
        """The stock handling, except for options the board never offers (discarded)."""
        if buf and buf[0] in UNOFFERED_SUBNEGOTIATIONS:
            log.debug("discarding a subnegotiation of an option not offered: %r", buf[0])
            return
        super().handle_subnegotiation(buf)

    def close(self) -> None:
        # The stock close() empties every callback table (breaking reference cycles): a
        # table never made is left unmade instead of being built only to be emptied.
        if not self.connection_closed:
            for name in ("_iac_callback", "_slc_callback", "_ext_send_callback"):
                self.__dict__.setdefault(name, {})
        super().close()
